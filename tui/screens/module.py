"""The module lesson: the course's `Net` source beside its calls, a batch flowing through forward() line by line.

m switches to the book's SimpleConvNet, drawn as the notes' structure (conv →
ReLU → pool → affine → ReLU → affine → softmax), whose hyper-parameters keys
and the e dialog change; v shows named_parameters() instead of the calls, g
steps through what loss.backward() and zero_grad() do to .grad. Everything
shown comes from engine.module through tui.text.module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal

from engine.arch import grouped
from engine.errors import SpecError
from engine.module import GRAD_PHASES, VIEWS, ModuleSetup, ModuleTrace, grad_code, module_trace
from engine.module_parse import parse_arguments
from engine.module_simple import SimpleConvSpec, hyper_text, stepped, value_of
from engine.rnn_setup import parse_count
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.screens.module_file import OwnNetwork
from tui.text.module import (
    detail_lines,
    diagram,
    layer_header,
    layer_rows,
    parameter_header,
    parameter_rows,
    right_aligned,
    so_far,
)
from tui.widgets.arch_table import ArchTable
from tui.widgets.source_view import SourceView
from tui.widgets.text import Line

BORDERS = 2  # a round border takes a column on each side
SCROLLBAR = 1
SHORT_BELOW = 24  # rows
FILE_HIDES = ("view", "grad", "hyper")  # actions that are about the lesson's own networks


def _hyper(name: str, delta: int) -> Binding:
    """A SimpleConvNet hyper-parameter key: lower case lowers it, upper case raises it."""
    key = {"filter_num": "c", "filter_size": "k", "stride": "s", "pad": "p", "hidden_size": "u", "output_size": "o"}[
        name
    ]
    return Binding(
        key if delta < 0 else key.upper(),
        f"hyper('{name}', {delta})",
        f"keys.module_{name}_{'down' if delta < 0 else 'up'}",
        show=False,
    )


class ModuleScreen(OwnNetwork, StepLesson[ModuleSetup, ModuleTrace]):
    """Holds a ModuleSetup and a step index; the source, the table and every line come from its ModuleTrace.

    The student's own network (`--file`) is drawn and loaded by OwnNetwork (tui/screens/module_file.py).
    """

    CSS_PATH = "module.tcss"

    LESSON = "module"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "model", "keys.module_model"),
        Binding("v", "view", "keys.module_view"),
        Binding("g", "grad", "keys.module_grad"),
        Binding("e", "edit", "keys.edit"),
        Binding("b", "batch(-1)", "keys.module_batch_down", show=False),
        Binding("B", "batch(1)", "keys.module_batch_up", show=False),
        *(
            _hyper(name, delta)
            for name in ("filter_num", "filter_size", "stride", "pad", "hidden_size", "output_size")
            for delta in (-1, 1)
        ),
        Binding("i", "hyper('side', -1)", "keys.module_side_down", show=False),
        Binding("I", "hyper('side', 1)", "keys.module_side_up", show=False),
        Binding("r", "reset", "keys.module_reset", show=False),
    ]

    def __init__(self, setup: ModuleSetup | None = None) -> None:
        super().__init__(setup or ModuleSetup())

    def trace_for(self, setup: ModuleSetup) -> ModuleTrace:
        return module_trace(setup)

    def compose_work(self) -> ComposeResult:
        yield Line(id="own-state", markup=False)
        yield Line(id="failure", markup=False)
        yield Line(id="diagram", markup=False)
        yield Line(id="hyper", markup=False)
        with Horizontal(id="panes"):
            yield SourceView(id="source")
            yield ArchTable(id="table")
        yield Line(id="detail", markup=False)

    def on_mount(self) -> None:
        if self.setup.own is not None:
            self.call_after_refresh(self.start_loading)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The student's own network has its calls and no more: no parameters view, no zero_grad story, no book."""
        return not (action in FILE_HIDES and getattr(self, "setup", None) is not None and self._file)

    def check_target(self) -> tuple[object, str] | None:
        """The lesson's networks are checked against torch; the student's own is measured by torch already."""
        return None if self._file else (self.setup, t("module.verify_function"))

    def show_check(self, text: str, error: bool = False) -> None:
        if not self._file:  # a check of Net may answer after the student switched to their own network
            super().show_check(text, error)

    # Drawing -----------------------------------------------------------------

    @property
    def _net(self) -> bool:
        return self.setup.model == "net"

    def draw_trace(self) -> None:
        """A new setup: the source (Net) or the structure and arguments (SimpleConvNet), and the whole table."""
        for selector in ("#own-state", "#failure"):
            self.query_one(selector).display = False
        if self._file:
            self.draw_own()
            self._fit_panes()
            return
        setup, table = self.setup, self.trace.table
        source = self.query_one("#source", SourceView)
        source.display = self._net
        source.show(table.source)
        source.border_title = t("module.source_title")
        self.query_one("#diagram", Line).display = not self._net
        hyper = self.query_one("#hyper", Line)
        hyper.display = not self._net and not self._short
        hyper.show(hyper_text(setup.simple))
        rows = self.query_one("#table", ArchTable)
        if setup.view == "layers":
            rows.show(layer_header(setup), layer_rows(self.trace), right_aligned(setup))
            rows.border_title = t("module.layers_title_net" if self._net else "module.layers_title_simple")
        else:
            rows.show(parameter_header(setup), parameter_rows(self.trace), right_aligned(setup))
            rows.border_title = t("module.params_title", model=table.title)
        self._fit_panes()

    def show_step(self) -> None:
        if self._file:
            self.show_own_step()
            return
        index, trace = self.index, self.trace
        row = trace.row_at(index)
        self.query_one("#table", ArchTable).select(index + 1)
        if self._net:
            source = self.query_one("#source", SourceView)
            if self.setup.view == "layers":
                source.mark(row.line, row.span, row.defined_at)
            else:
                source.mark(row.defined_at)
        else:
            self._draw_diagram()
        self.query_one("#detail", Line).show("\n".join(detail_lines(trace, index)))
        view = "layers_net" if self.setup.view == "layers" and self._net else self.setup.view
        self.show_status(f"module.status_{view}", line=row.line or "", so_far=so_far(trace, index))

    @property
    def _short(self) -> bool:
        """A terminal too short for the boxed drawing and the arguments line: one line of names, the arguments in e."""
        return self.app.size.height < SHORT_BELOW

    def _draw_diagram(self) -> None:
        line = self.query_one("#diagram", Line)
        width = line.content_region.width or self.app.size.width - BORDERS
        lines, span = diagram(self.trace, self.index, width, boxes=not self._short)
        text = Text("\n".join(lines))
        if span:
            offset = 0
            for part in lines:
                text.stylize("bold reverse", offset + span[0], offset + span[1])
                offset += len(part) + 1
        line.show(text)

    def _fit_panes(self) -> None:
        """Source and table side by side where both fit whole, else one above the other (the source first);
        no taller than their content, so a tall terminal gives the room to the lines below."""
        panes = self.query_one("#panes")
        if self._file:
            self.fit_own_panes(panes.content_region.width)
            self.call_after_refresh(self._follow)
            return
        source, rows = self.query_one("#source", SourceView), self.query_one("#table", ArchTable)
        width = panes.content_region.width
        source_width = source.content_width + BORDERS
        beside = self._net and width > 0 and source_width + rows.virtual_size.width + BORDERS + SCROLLBAR <= width
        panes.set_class(self._net and not beside, "-stacked")
        source.styles.width = source_width if beside else "100%"
        source_height = source.virtual_size.height + BORDERS if self._net else 0
        table_height = rows.virtual_size.height + BORDERS + SCROLLBAR
        panes.styles.max_height = max(source_height, table_height) if beside else source_height + table_height
        self.query_one("#hyper", Line).display = not self._net and not self._short
        self.call_after_refresh(self._follow)

    def _follow(self) -> None:
        """Scroll the table to the current row once the new layout has given it its height."""
        if self.step_count:
            self.query_one("#table", ArchTable).select(self.index + 1)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._after_resize)

    def _after_resize(self) -> None:
        self._fit_panes()
        if self.setup.model == "simple":
            self._draw_diagram()

    # Changing the setup --------------------------------------------------------

    def _adopted(self, what: str, value: object) -> str:
        return t(
            "module.changed", what=t(f"words.module_{what}"), value=value, total=grouped(self.trace.table.total_params)
        )

    def action_model(self) -> None:
        """The next network: the student's own (where named), the course's Net, the book's SimpleConvNet."""
        models = self.setup.models
        model = models[(models.index(self.setup.model) + 1) % len(models)]
        name = self.setup.own.spec.name if self.setup.own is not None else ""
        self.apply(
            lambda: replace(self.setup, model=model, view="layers" if model == "file" else self.setup.view),
            lambda: t(f"module.switched_{model}", total=grouped(self.trace.table.total_params), file=name),
            index=0,
        )
        self.refresh_bindings()  # the key bar shows this network's keys

    def action_view(self) -> None:
        self.apply(lambda: self.setup.cycled("view", VIEWS), lambda: t(f"module.view_{self.setup.view}"))

    def action_grad(self) -> None:
        """The next point of the zero_grad story; the story is told in the parameters view."""
        self.apply(
            lambda: replace(self.setup.cycled("grad", GRAD_PHASES), view="params"),
            lambda: t("module.ran", code=grad_code(self.setup.grad, self.trace.table.title)),
        )

    def action_batch(self, delta: int) -> None:
        if self._file:
            self.own_batch(delta)
            return
        if not self._net:
            self.say(t("module.net_only"))
            return
        self.apply(
            lambda: replace(self.setup, batch=self.setup.batch + delta),
            lambda: self._adopted("batch", self.setup.batch),
        )

    def action_hyper(self, name: str, delta: int) -> None:
        """One SimpleConvNet hyper-parameter up or down, past the values the book's W2 cannot fit (said so)."""
        if self._net:
            self.say(t("module.simple_only", what=t(f"words.module_{name}")))
            return
        skipped: list[int] = []

        def make() -> ModuleSetup:
            spec, passed = stepped(self.setup.simple, name, delta)
            skipped[:] = passed
            return replace(self.setup, simple=spec)

        self.apply(make, lambda: self._stepped(name, skipped))

    def _stepped(self, name: str, skipped: list[int]) -> str:
        value, total = value_of(self.setup.simple, name), grouped(self.trace.table.total_params)
        what = t(f"words.module_{name}")
        if skipped:
            return t(
                "module.changed_skipping", what=what, value=value, skipped=", ".join(map(str, skipped)), total=total
            )
        return t("module.changed", what=what, value=value, total=total)

    def action_reset(self) -> None:
        if self._file:
            self.load_again()
        elif self._net:
            self.apply(
                lambda: replace(self.setup, batch=ModuleSetup().batch), lambda: self._adopted("batch", self.setup.batch)
            )
        else:
            self.apply(
                lambda: replace(self.setup, simple=SimpleConvSpec()),
                lambda: t("module.book_defaults", total=grouped(self.trace.table.total_params)),
            )

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        if self._file:
            self.edit_own()
            return
        if self._net:
            field = Field("batch", t("module_edit.batch"), str(self.setup.batch))
            title, hint = t("module_edit.title_net"), t("module_edit.hint_net")
        else:
            field = Field("arguments", t("module_edit.arguments"), hyper_text(self.setup.simple))
            title, hint = t("module_edit.title_simple"), t("module_edit.hint_simple")
        self.app.push_screen(TextDialog(title, hint, [field], self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The edit dialog's Apply: a batch size for Net, SimpleConvNet's keyword arguments otherwise."""
        if "batch" in texts:
            return self.adopt(
                lambda: replace(self.setup, batch=parse_count(texts["batch"], "module_batch")),
                lambda: self._adopted("batch", self.setup.batch),
            )
        return self.adopt(
            lambda: replace(self.setup, simple=parse_arguments(texts["arguments"])),
            lambda: t("module.arguments_changed", total=grouped(self.trace.table.total_params)),
        )
