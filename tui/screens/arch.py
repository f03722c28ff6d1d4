"""The classic-CNN lesson: step through a network layer by layer, the shape shrinking and the channels growing.

Each step is one row of the layer table; under it the current layer's torch
call, the output-size and parameter formulas with its numbers, its
multiply-adds and the running totals. On an inception block the four branches
are drawn side by side with their concatenation. n / N or 1–4 switch the
network, e types an input size. Everything shown comes from engine.arch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding

from engine.arch import KIND_LABELS, compact, grouped, shape_text
from engine.arch_nets import NETWORKS, ArchSpec, ArchTrace, arch_trace, parse_size
from engine.errors import SpecError
from tui.flags.arch import detail_lines, history
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.screens.text_dialog import Field, TextDialog
from tui.widgets.arch_table import ArchTable
from tui.widgets.text import Line

def table_rows(trace: ArchTrace) -> list[list[str]]:
    """The input, then one row per layer: type, configuration, output shape, parameters, multiply-adds."""
    spec = trace.spec
    rows = [[t("arch.input"), "", shape_text(spec.input_shape), "", ""]]
    rows += [[KIND_LABELS[row.kind], row.config, row.out_text, _amount(row.params), _amount(row.macs)] for row in trace.rows]
    return rows


def _amount(value: int) -> str:
    """A count for the table; a layer with none shows a dash, so the costly rows stand out."""
    return compact(value) if value else "–"


def table_header() -> list[str]:
    return [t("arch.col_type"), t("arch.col_config"), t("arch.col_output"), t("arch.col_params"), t("arch.col_macs")]


class ArchScreen(StepLesson):
    """Holds an ArchSpec and a step index; the table and every line come from its ArchTrace."""

    CSS_PATH = "arch.tcss"

    LESSON = "arch"

    BINDINGS = [
        Binding("n", "network(1)", "keys.arch_network"),
        Binding("N", "network(-1)", "keys.arch_network_prev", show=False),
        *(Binding(str(number), f"pick({number - 1})", f"keys.arch_pick_{number}", show=False) for number in range(1, len(NETWORKS) + 1)),
        Binding("e", "edit", "keys.arch_size"),
        Binding("r", "reset_size", "keys.arch_reset_size", show=False),
    ]

    def __init__(self, setup: ArchSpec | None = None) -> None:
        super().__init__()
        self.spec = setup or ArchSpec()
        self.trace: ArchTrace = arch_trace(self.spec)

    def compose_work(self) -> ComposeResult:
        yield Line(id="history", markup=False)
        yield ArchTable(id="table")
        yield Line(id="call", markup=False)
        yield Line(id="detail", markup=False)
        yield Line(id="totals", markup=False)
        yield Line(id="status", markup=False)
        yield Line(id="verify", markup=False)
        yield Line(id="message", markup=False)

    def on_mount(self) -> None:
        """StepLesson's on_mount runs too: Textual calls the handler of every class in the MRO."""
        self._show_trace()
        self.call_after_refresh(self._verify)

    def _verify(self) -> None:
        self.check_against_torch(self.spec, t("arch.verify_function"))

    # Drawing -----------------------------------------------------------------

    def _show_trace(self) -> None:
        """A new network or input size: the history line and the whole table, then the current step."""
        self.query_one("#history", Line).show(history(self.spec))
        self.query_one("#table", ArchTable).show(table_header(), table_rows(self.trace), (False, False, False, True, True))
        self.show_step()

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
        spec = self.spec
        self.show_status(
            "arch.status",
            network=spec.net.title,
            size=spec.side,
        )

    # Changing the spec -------------------------------------------------------

    def apply(self, make: Callable[[], ArchSpec], describe: Callable[[ArchSpec], str] | None = None) -> bool:
        """Adopt the spec `make` builds if torch would run it, else say why and keep the last valid one."""
        try:
            spec = make()
            trace = arch_trace(spec)
        except SpecError as error:
            self.refuse(error)
            return False
        same_network = spec.network == self.spec.network
        self.spec, self.trace = spec, trace
        self.index = min(self.index, trace.step_count - 1) if same_network else 0
        self._show_trace()
        self.say(describe(spec) if describe else "")
        self._verify()
        return True

    def _switched(self, spec: ArchSpec) -> str:
        return t("arch.switched", network=spec.net.title, year=spec.net.year, size=spec.side)

    def action_network(self, step: int) -> None:
        self.apply(lambda: self.spec.with_network(step), self._switched)

    def action_pick(self, position: int) -> None:
        self.apply(lambda: self.spec.with_network(position=position), self._switched)

    def action_reset_size(self) -> None:
        self.apply(lambda: ArchSpec(self.spec.network), lambda spec: t("arch.size_changed", size=spec.side))

    def action_edit(self) -> None:
        field = Field("size", t("arch_edit.size", network=self.spec.net.title), str(self.spec.side))
        self.app.push_screen(TextDialog(t("arch_edit.title"), t("arch_edit.hint"), [field], self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The edit dialog's Apply: a whole number that the network can take as its input side."""
        try:
            spec = ArchSpec(self.spec.network, parse_size(texts["size"]))
            arch_trace(spec)
        except SpecError as error:
            return error
        self.apply(lambda: spec, lambda spec: t("arch.size_changed", size=spec.side))
        return None

