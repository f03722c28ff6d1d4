"""The perceptron lesson: a gate's truth table, the weighted sums, and the line w1·x1 + w2·x2 + b = 0 in the plane.

Steps go through the four inputs. g cycles AND, OR, NAND, XOR and the
two-layer XOR; w/W, v/V and b/B move w1, w2 and b by 0.1, e types them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical

from engine.errors import SpecError
from engine.perceptron import (
    GATES,
    WEIGHTS,
    PerceptronSpec,
    PerceptronTrace,
    as_decimal,
    gate_name,
    perceptron_trace,
)
from engine.perceptron_plot import plot_rows
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text import aligned
from tui.text.perceptron import (
    input_text,
    legend,
    notes,
    step_lines,
    table_cells,
    table_title,
    weights_line,
)
from tui.widgets.perceptron_canvas import Canvas
from tui.widgets.text import Line


class PerceptronScreen(StepLesson[PerceptronSpec, PerceptronTrace]):
    """Holds a PerceptronSpec and the input being looked at; everything drawn comes from its PerceptronTrace."""

    CSS_PATH = "perceptron.tcss"

    LESSON = "perceptron"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "gate(1)", "keys.perceptron_gate"),
        Binding("G", "gate(-1)", "keys.perceptron_gate_back", show=False),
        Binding("w", "weight('w1', -1)", "keys.perceptron_w1_down", show=False),
        Binding("W", "weight('w1', 1)", "keys.perceptron_w1_up", show=False),
        Binding("v", "weight('w2', -1)", "keys.perceptron_w2_down", show=False),
        Binding("V", "weight('w2', 1)", "keys.perceptron_w2_up", show=False),
        Binding("b", "weight('b', -1)", "keys.perceptron_b_down", show=False),
        Binding("B", "weight('b', 1)", "keys.perceptron_b_up", show=False),
        Binding("e", "edit", "keys.edit"),
        Binding("r", "reset", "keys.perceptron_reset", show=False),
    ]

    def __init__(self, setup: PerceptronSpec | None = None) -> None:
        super().__init__(setup or PerceptronSpec())

    def trace_for(self, setup: PerceptronSpec) -> PerceptronTrace:
        return perceptron_trace(setup)

    def compose_work(self) -> ComposeResult:
        yield Line(id="weights", markup=False)
        with Horizontal(id="top"):
            with Vertical(id="left"):
                yield Canvas(id="table")
                yield Line(id="legend", markup=False)
            yield Canvas(id="plot")
        for name in ("equation", "notes"):
            yield Line(id=name, markup=False)

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: the weights, titles, legend and notes."""
        self.query_one("#weights", Line).show(weights_line(self.setup))
        self.query_one("#table", Canvas).border_title = table_title(self.setup)
        self.query_one("#plot", Canvas).border_title = t("perceptron.plot_title")
        self.query_one("#legend", Line).show("\n".join(legend(self.trace)))

    def show_step(self) -> None:
        row = self.trace.step(self.index)
        # with the quiz on, the inputs not reached yet are predictions: their sums, outputs and the score wait
        hiding = getattr(self.app, "quiz_on", False) and row.index < self.trace.step_count - 1
        lines = aligned(table_cells(self.trace, row.index if hiding else None))
        table = [((lines[0], "header"),)]
        for other, text in zip(self.trace.rows, lines[1:]):
            style = "current" if other.index == row.index else ""
            body, mark = text[:-1], text[-1]
            table.append(
                (
                    (body, style),
                    (mark, f"{style} wrong" if not other.correct else style),
                )
            )
        self.query_one("#table", Canvas).show(table)
        self.query_one("#plot", Canvas).show(plot_rows(self.trace, row.index))
        self.query_one("#equation", Line).show("\n".join(step_lines(row)))
        self.query_one("#notes", Line).show("\n".join(notes(self.trace, complete=not hiding)))
        self.show_status("perceptron.status", x=input_text(row), gate=gate_name(self.setup.gate))

    # Changing the spec ---------------------------------------------------------

    def action_gate(self, delta: int) -> None:
        following = GATES[(GATES.index(self.setup.gate) + delta) % len(GATES)]
        self.apply(lambda: self.setup.with_gate(following), self._describe_gate)

    def action_reset(self) -> None:
        self.apply(lambda: self.setup.with_gate(self.setup.gate), self._describe_gate)

    def _describe_gate(self) -> str:
        spec = self.setup
        if spec.two_layer:
            return t("perceptron.gate_two_layer")
        return t(
            "perceptron.gate_changed",
            gate=gate_name(spec.gate),
            weights=spec.unit.text(),
        )

    def action_weight(self, name: str, delta: int) -> None:
        self.apply(
            lambda: self.setup.with_step(name, delta),
            lambda: t("perceptron.changed", what=name, value=self.setup.weight_text(name)),
        )

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        try:
            self.setup.with_weights()
        except SpecError as error:
            self.refuse(error)
            return
        fields = [Field(name, t(f"perceptron_edit.{name}"), str(getattr(self.setup, name))) for name in WEIGHTS]
        self.app.push_screen(
            TextDialog(
                t("perceptron_edit.title"),
                t("perceptron_edit.hint"),
                fields,
                self._apply_texts,
            )
        )

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The dialog's Apply: all three numbers, if each parses and is in range."""
        return self.adopt(
            lambda: self.setup.with_weights(
                **{name: as_decimal(texts[name], f"perceptron_{name}") for name in WEIGHTS}
            ),
            lambda: self.setup.unit.text(),
        )
