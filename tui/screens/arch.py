"""The classic-CNN lesson: step through a network layer by layer, the shape shrinking and the channels growing.

Each step is one row of the layer table; under it the current layer's torch
call, the output-size and parameter formulas with its numbers, its
multiply-adds and the running totals. On an inception block the four branches
are drawn side by side with their concatenation. n / N or 1–4 switch the
network, e types an input size. Everything shown comes from engine.arch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from engine.arch import KIND_LABELS, compact, grouped, shape_text
from engine.arch_nets import NETWORKS, ArchSpec, ArchTrace, arch_trace, parse_size
from engine.errors import SpecError
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.arch import detail_lines, history
from tui.widgets.arch_table import ArchTable
from tui.widgets.text import Line


def table_rows(trace: ArchTrace) -> list[list[str]]:
    """The input, then one row per layer: type, configuration, output shape, parameters, multiply-adds."""
    spec = trace.spec
    rows = [[t("arch.input"), "", shape_text(spec.input_shape), "", ""]]
    rows += [
        [
            KIND_LABELS[row.kind],
            row.config,
            row.out_text,
            _amount(row.params),
            _amount(row.macs),
        ]
        for row in trace.rows
    ]
    return rows


def _amount(value: int) -> str:
    """A count for the table; a layer with none shows a dash, so the costly rows stand out."""
    return compact(value) if value else "–"


def table_header() -> list[str]:
    return [
        t("arch.col_type"),
        t("arch.col_config"),
        t("arch.col_output"),
        t("arch.col_params"),
        t("arch.col_macs"),
    ]


class ArchScreen(StepLesson[ArchSpec, ArchTrace]):
    """Holds an ArchSpec and a step index; the table and every line come from its ArchTrace."""

    CSS_PATH = "arch.tcss"

    LESSON = "arch"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "network(1)", "keys.arch_network"),
        Binding("N", "network(-1)", "keys.arch_network_prev", show=False),
        *(
            Binding(
                str(number),
                f"pick({number - 1})",
                f"keys.arch_pick_{number}",
                show=False,
            )
            for number in range(1, len(NETWORKS) + 1)
        ),
        Binding("e", "edit", "keys.arch_size"),
        Binding("r", "reset_size", "keys.arch_reset_size", show=False),
    ]

    def __init__(self, setup: ArchSpec | None = None) -> None:
        super().__init__(setup or ArchSpec())

    def trace_for(self, setup: ArchSpec) -> ArchTrace:
        return arch_trace(setup)

    def compose_work(self) -> ComposeResult:
        yield Line(id="history", markup=False)
        yield ArchTable(id="table")
        yield Line(id="call", markup=False)
        yield Line(id="detail", markup=False)
        yield Line(id="totals", markup=False)

    def check_target(self) -> tuple[object, str]:
        return self.setup, t("arch.verify_function")

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new network or input size: the history line and the whole table."""
        self.query_one("#history", Line).show(history(self.setup))
        self.query_one("#table", ArchTable).show(
            table_header(), table_rows(self.trace), (False, False, False, True, True)
        )

    def show_step(self) -> None:
        row = self.trace.step(self.index)
        self.query_one("#table", ArchTable).select(self.index + 1)
        self.query_one("#call", Line).show(row.call)
        self.query_one("#detail", Line).show("\n".join(detail_lines(row)))
        self.query_one("#totals", Line).show(
            t(
                "arch.totals",
                params=compact(self.trace.params_so_far[self.index]),
                params_total=grouped(self.trace.total_params),
                macs=compact(self.trace.macs_so_far[self.index]),
                macs_total=compact(self.trace.total_macs),
            )
        )
        self._show_status()

    def _show_status(self) -> None:
        spec = self.setup
        self.show_status(
            "arch.status",
            network=spec.net.title,
            size=spec.side,
        )

    # Changing the spec -------------------------------------------------------

    def _switch(self, spec: ArchSpec) -> None:
        """Another network opens at its input; the same one (at its own size again) stays on the layer shown."""
        message = t("arch.switched", network=spec.net.title, year=spec.net.year, size=spec.side)
        self.apply(
            lambda: spec,
            message,
            index=None if spec.network == self.setup.network else 0,
        )

    def action_network(self, step: int) -> None:
        self._switch(self.setup.with_network(step))

    def action_pick(self, position: int) -> None:
        self._switch(self.setup.with_network(position=position))

    def action_reset_size(self) -> None:
        self.apply(
            lambda: ArchSpec(self.setup.network),
            lambda: t("arch.size_changed", size=self.setup.side),
        )

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        field = Field(
            "size",
            t("arch_edit.size", network=self.setup.net.title),
            str(self.setup.side),
        )
        self.app.push_screen(TextDialog(t("arch_edit.title"), t("arch_edit.hint"), [field], self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The edit dialog's Apply: a whole number that the network can take as its input side."""
        return self.adopt(
            lambda: ArchSpec(self.setup.network, parse_size(texts["size"])),
            lambda: t("arch.size_changed", size=self.setup.side),
        )
