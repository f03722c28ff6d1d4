"""The module lesson's screen for the student's own network (`--file`): its table, loaded and kept up to date.

A mixin of ModuleScreen: the table, the lines under it and the failure box
are drawn from the setup's OwnNet (tui/text/module_file.py); the file is
loaded by the app's ModuleLoader (a child process, tui/module_loader.py) in a
worker that starts after the first frame, so torch never delays it, and the
UI never waits on the student's code. With --watch the worker looks at the
file twice a second and loads it again when it is saved; a load that fails
keeps the last table that ran, with the reason above it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import replace

from textual import work

from engine.errors import SpecError
from engine.module import ModuleSetup
from engine.module_file import FileSpec, parse_input
from engine.module_file_result import OwnLoad, OwnNet
from engine.rnn_setup import parse_count
from tui.i18n import t
from tui.module_loader import ModuleLoader
from tui.text.module_file import FILE_RIGHT, failure_lines, file_detail, file_header, file_rows, so_far, state_line
from tui.widgets.arch_table import ArchTable
from tui.widgets.source_view import SourceView
from tui.widgets.text import Line

POLL_S = 0.5  # how often --watch looks at the file: twice a second


def file_stamp(path: str) -> tuple[int, int] | None:
    """What changes when an editor saves: the modification time and the size (None while the file is missing)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class OwnNetwork:
    """The file mode of ModuleScreen: drawing, loading and the keys that change what is loaded."""

    setup: ModuleSetup
    _reload_wanted: asyncio.Event | None = None

    @property
    def _file(self) -> bool:
        return self.setup.model == "file"

    @property
    def _own(self) -> OwnNet:
        assert self.setup.own is not None
        return self.setup.own

    # Drawing -----------------------------------------------------------------

    def draw_own(self) -> None:
        """The table the file gave (or its last good one), the state line and the failure box."""
        own, table = self._own, self._own.table
        rows = self.query_one("#table", ArchTable)
        rows.show(file_header(), file_rows(table), FILE_RIGHT)
        rows.border_title = t("module_file.layers_title", file=own.spec.name)
        source = self.query_one("#source", SourceView)
        source.show(table.source)
        source.border_title = own.spec.name
        self._show_line("#own-state", state_line(own))
        self._show_line("#failure", "\n".join(failure_lines(own.latest)) if own.failure else "")
        for selector in ("#diagram", "#hyper", "#verify"):
            self.query_one(selector).display = False

    def _show_line(self, selector: str, text: str) -> None:
        line = self.query_one(selector, Line)
        line.display = bool(text)
        line.show(text)

    def show_own_step(self) -> None:
        trace, index = self.trace, self.index
        if not trace.step_count:
            self.query_one("#detail", Line).show("")
            self.query_one("#source", SourceView).mark(None)
            key = "module_file.loading" if self._own.shown is None else "module_file.status_empty"
            self.query_one("#status", Line).show(t(key, file=self._own.spec.name))
            return
        row = trace.step(index)
        self.query_one("#table", ArchTable).select(index + 1)
        self.query_one("#source", SourceView).mark(row.line, row.span, row.defined_at)
        self.query_one("#detail", Line).show("\n".join(file_detail(trace.table, row)))
        self.show_status("module_file.status", so_far=so_far(trace, index))

    def fit_own_panes(self, width: int) -> None:
        """The file's source beside the table where both fit whole; else the table alone (the student's editor
        shows the file, and the lines under the table quote the line of each call)."""
        source, rows = self.query_one("#source", SourceView), self.query_one("#table", ArchTable)
        source_width = source.content_width + 2
        beside = width > 0 and source_width + rows.virtual_size.width + 2 + 1 <= width
        source.display = beside and bool(self._own.table.source)
        source.styles.width = source_width
        panes = self.query_one("#panes")
        panes.set_class(False, "-stacked")
        height = max(rows.virtual_size.height, source.virtual_size.height if beside else 0)
        panes.styles.max_height = height + 3

    # Loading -----------------------------------------------------------------

    def start_loading(self) -> None:
        """After the first frame: the worker that loads the file now, then on every save (--watch) or request."""
        self._reload_wanted = asyncio.Event()
        self._keep_loaded()

    @property
    def _loader(self) -> ModuleLoader:
        if self.app.module_loader is None:
            self.app.module_loader = ModuleLoader()
        return self.app.module_loader

    @work(exclusive=True, group="own-network")
    async def _keep_loaded(self) -> None:
        assert self._reload_wanted is not None
        seen: tuple[int, int] | None | bool = False  # False: never looked
        while True:
            stamp = file_stamp(self._own.spec.path)
            if stamp != seen or self._reload_wanted.is_set():
                self._reload_wanted.clear()
                first, seen = seen is False, stamp
                spec = self._own.spec
                loaded = await self._loader.load(spec)
                if spec == self._own.spec:  # else the student changed the input meanwhile: load again
                    self._adopt_load(loaded, first)
                continue
            if self._own.watch:
                await asyncio.sleep(POLL_S)
            else:
                await self._reload_wanted.wait()

    def _adopt_load(self, loaded: OwnLoad, first: bool) -> None:
        own = self._own.after(loaded)
        if loaded.ok:
            key = "module_file.loaded" if first else "module_file.reloaded"
            count = len(loaded.table.rows) + loaded.truncated
            message = t(key, file=loaded.spec.name, count=count, params=f"{loaded.table.total_params:,}")
        else:
            message = ""
        self.adopt(lambda: replace(self.setup, own=own), message if self._file else "")

    def load_again(self, message: str = "") -> None:
        self.say(message or t("module_file.reload_asked", file=self._own.spec.name))
        if self._reload_wanted is not None:
            self._reload_wanted.set()

    # Keys ----------------------------------------------------------------------

    def own_batch(self, delta: int) -> None:
        self.change_own_spec(lambda spec: replace(spec, batch=spec.batch + delta))

    def change_own_spec(self, change) -> SpecError | None:
        """A new input, batch or arguments: refused with the reason (nothing changes), or kept and loaded again."""
        error = self.apply(lambda: replace(self.setup, own=replace(self._own, spec=change(self._own.spec))))
        if error is None:
            self.load_again()
        return error

    def edit_own(self) -> None:
        from tui.screens.text_dialog import Field, TextDialog  # imported when first opened

        spec = self._own.spec
        fields = [
            Field("input", t("module_file.edit_input"), ",".join(map(str, spec.input_shape))),
            Field("batch", t("module_file.edit_batch"), str(spec.batch)),
            Field("args", t("module_file.edit_args"), spec.args),
        ]
        self.app.push_screen(TextDialog(t("module_file.edit_title"), t("module_file.edit_hint"), fields, self._typed))

    def _typed(self, texts: Mapping[str, str]) -> SpecError | None:
        """The dialog's Apply: the typed input shape, batch and arguments, or why not (the dialog stays open)."""

        def changed(spec: FileSpec) -> FileSpec:
            shape, batch = parse_input(texts["input"]), parse_count(texts["batch"], "module_batch")
            return replace(spec, input_shape=shape, batch=batch, args=texts["args"])

        error = self.adopt(lambda: replace(self.setup, own=replace(self._own, spec=changed(self._own.spec))))
        if error is None:
            self.load_again()
        return error
