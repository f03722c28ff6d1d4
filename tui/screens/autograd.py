"""The backprop lesson: a graph drawn in text, stepped forward node by node, then backward, then compared.

`p` picks the graph (course, apples, twolayer, then the course's graph under
no_grad, as a vector output, with backward called twice), `b` jumps between
the forward and the backward pass, `e` edits the inputs. The table beside the steps holds
every leaf's gradient from backward and from central differences; torch's
verdict (through the child process) is the line under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from engine.autograd_presets import PRESETS, AutogradSpec, spec_with_texts
from engine.autograd_trace import REFUSED, AutogradTrace, autograd_trace
from engine.errors import SpecError
from engine.matrix import fmt_exact, format_matrix
from tui.i18n import display_name, t
from tui.screens.lesson import StepLesson
from tui.text.autograd import (
    CURRENT,
    PENDING,
    detail_lines,
    graph_lines,
    preset_name,
    table_rows,
    touched,
)
from tui.widgets.grid import Grid
from tui.widgets.text import Line

STYLES = {CURRENT: "bold reverse", PENDING: "dim"}


class AutogradScreen(StepLesson[AutogradSpec, AutogradTrace]):
    """Holds an AutogradSpec and a step index; all it draws comes from its AutogradTrace."""

    CSS_PATH = "autograd.tcss"

    LESSON = "autograd"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "next_preset", "keys.autograd_preset"),
        Binding("b", "switch_pass", "keys.autograd_backward"),
        Binding("e", "edit", "keys.edit"),
    ]

    def __init__(self, setup: AutogradSpec | None = None) -> None:
        super().__init__(setup or AutogradSpec())

    def trace_for(self, setup: AutogradSpec) -> AutogradTrace:
        return autograd_trace(setup)

    def compose_work(self) -> ComposeResult:
        yield Line(id="graph", markup=False)
        yield Line(id="detail", markup=False)
        # the grid keeps its content's height: below it the box, not blank grid lines
        with Vertical(id="grads-box"):
            yield Grid(id="grads")

    def check_target(self) -> tuple[object, str]:
        return self.setup, t("autograd.verify_function")

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        self.query_one("#grads", Grid).set_titles(t("autograd.table_title"))

    def show_step(self) -> None:
        trace, index = self.trace, self.index
        graph = Text(no_wrap=True, overflow="ellipsis")
        for number, (line, state) in enumerate(graph_lines(trace, index)):
            graph.append("\n" if number else "")
            graph.append(line, STYLES.get(state, ""))
        self.query_one("#graph", Line).show(graph)
        self.query_one("#detail", Line).show("\n".join(detail_lines(trace, index)))
        rows, labels = table_rows(trace, index)
        grid = self.query_one("#grads", Grid)
        leaves = touched(trace, index)
        current = [row for row, cell in enumerate(trace.cells) if cell.leaf in leaves]
        grid.show([rows], row_labels=labels, marks={(0, row, 1): "current" for row in current})
        if current:
            grid.mark(grid.marks, follow=[(0, current[0], 1), (0, current[-1], 1)])
        kind = t(f"autograd.kind_{trace.step(index).kind}")
        self.show_status("autograd.status", kind=kind, preset=display_name(trace.spec.preset))

    # Changing the spec ---------------------------------------------------------

    def action_next_preset(self) -> None:
        preset = PRESETS[(PRESETS.index(self.setup.preset) + 1) % len(PRESETS)]
        # the new graph's own inputs: an x typed for one does not fit another
        spec = AutogradSpec(preset=preset)
        self.apply(lambda: spec, t("autograd.preset_changed", name=preset_name(spec)), index=0)

    def action_switch_pass(self) -> None:
        to_backward = self.index < self.trace.backward_index
        self.index = self.trace.backward_index if to_backward else 0
        if not to_backward:
            self.say(t("autograd.to_forward"))
        else:
            refused = self.trace.step(self.index).kind == REFUSED
            self.say(t("autograd.to_refused" if refused else "autograd.to_backward"))

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        spec = self.setup
        if spec.preset == "apples":
            fields = [Field(name, t(f"autograd_edit.{name}"), fmt_exact(float(value))) for name, value in spec.inputs()]
        elif spec.preset == "twolayer":
            fields = [
                Field(
                    "x",
                    t("autograd_edit.x_vector"),
                    " ".join(fmt_exact(v) for v in spec.x.reshape(-1)),
                ),
                Field("class", t("autograd_edit.class"), str(spec.target)),
            ]
        else:
            fields = [Field("x", t("autograd_edit.x_matrix"), format_matrix(spec.x))]
        if spec.preset == "vector":  # empty while v is the default, which then follows x's shape
            typed = "" if spec.gradient is None else format_matrix(spec.gradient)
            fields.append(Field("v", t("autograd_edit.v"), typed))
        self.app.push_screen(TextDialog(t("autograd_edit.title"), t("edit.hint"), fields, self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The dialog's Apply: valid inputs replace the spec; otherwise the dialog says why and keeps the text."""
        return self.adopt(lambda: spec_with_texts(self.setup, texts), t("autograd.applied"))
