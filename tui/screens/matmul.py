"""The matrix shapes lesson: A = X·W + B laid out as in the textbook, W above A and X to its left.

The first steps apply the shape rules one at a time; then each step is one
number of A, with its row of X and column of W marked. Everything drawn comes
from the MatmulTrace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.widgets import Static

from engine.errors import SpecError
from engine.matmul import DotStep, MatmulTrace, ShapeStep, Slice, matmul_trace
from engine.matmul_shapes import parse_shape, shape_text
from engine.matmul_spec import RANDOM, TYPED, MatmulSpec
from engine.numbers import fmt
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.matmul import explain_text, header_lines, library_lines, rule_text
from tui.widgets.grid import Grid
from tui.widgets.text import Line

ARITHMETIC_TERMS = 6


def _cells(matrix, width: int = 0) -> list[list[str]]:
    return [[fmt(value).rjust(width) for value in row] for row in matrix]


class MatmulScreen(StepLesson[MatmulSpec, MatmulTrace]):
    """Holds a MatmulSpec and a step index; shape steps first, then one dot product per step."""

    CSS_PATH = "matmul.tcss"

    LESSON = "matmul"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_example", "keys.matmul_example"),
        Binding("e", "edit", "keys.edit"),
        Binding("r", "random", "keys.random", show=False),
        Binding("b", "toggle_bias", "keys.matmul_bias", show=False),
    ]

    def __init__(self, setup: MatmulSpec | None = None) -> None:
        super().__init__(setup or MatmulSpec())
        self._seed = 0
        self._batch = -1

    def trace_for(self, setup: MatmulSpec) -> MatmulTrace:
        return matmul_trace(setup)

    def compose_work(self) -> ComposeResult:
        with Container(id="falk"):
            yield Line(id="rules")
            yield Grid(id="w")
            with Container(id="x-cell"):
                yield Grid(id="x")
            yield Grid(id="a")
            yield Static(id="corner")
            yield Grid(id="b")
        yield Line(id="explain", markup=False)

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: which grids exist; the current step fills them."""
        trace = self.trace
        values = trace.spec.has_values
        product = values and trace.result is not None
        self.query_one("#w").display = self.query_one("#x-cell").display = values
        self.query_one("#a").display = product
        self.query_one("#b").display = self.query_one("#corner").display = product and trace.spec.has_bias
        self._batch = -1

    def _show_slice(self, batch: int) -> None:
        """The matrices of one batch; W, A and B share a cell width so their columns line up."""
        trace, spec, check = self.trace, self.trace.spec, self.trace.check
        part = trace.slice(batch)
        self._batch = batch
        x_grid = self.query_one("#x", Grid)
        x_grid.show([_cells(part.x)])
        x_grid.set_titles(self._title("X", spec.x_shape, check.x_promoted, part.x_index, part.x.shape))
        if trace.result is None:
            w_grid = self.query_one("#w", Grid)
            w_grid.show([_cells(part.w)])
            w_grid.set_titles(self._title("W", spec.w_shape, check.w_promoted, part.w_index, part.w.shape))
            return
        matrices = [part.w, part.a] + ([part.b] if part.b is not None else [])
        width = max(len(fmt(value)) for matrix in matrices for value in matrix.flat)
        for name, matrix in zip("wab", matrices):
            self.query_one(f"#{name}", Grid).show([_cells(matrix, width)])
        self.query_one("#w", Grid).set_titles(
            self._title("W", spec.w_shape, check.w_promoted, part.w_index, part.w.shape)
        )
        a_title = t(
            "matmul.title_batch",
            name="A",
            index=",".join(map(str, part.a_index)),
            shape=shape_text(check.core_out),
        )
        self.query_one("#a", Grid).set_titles(
            a_title if part.a_index else t("matmul.title", name="A", shape=shape_text(check.core_out))
        )
        if part.b is not None:
            self.query_one("#b", Grid).set_titles(
                t(
                    "matmul.title_bias",
                    b=trace.bias_text,
                    shape=shape_text(part.b.shape),
                )
            )

    @staticmethod
    def _title(name: str, shape, promoted, index: tuple[int, ...], matrix_shape) -> str:
        if index:
            return t(
                "matmul.title_batch",
                name=name,
                index=",".join(map(str, index)),
                shape=shape_text(matrix_shape),
            )
        if len(shape) == 1:
            return t(
                "matmul.title_promoted",
                name=name,
                shape=shape_text(shape),
                promoted=shape_text(promoted),
            )
        return t("matmul.title", name=name, shape=shape_text(shape))

    def show_step(self) -> None:
        """Move the marks and rewrite the text: the only work a step key does."""
        trace = self.trace
        step = trace.step(self.index)
        if trace.spec.has_values:
            batch = trace.batch_of(self.index)
            if batch != self._batch:
                self._show_slice(batch)
            self._mark(step, trace.slice(batch))
        self.query_one("#rules", Line).show(self._rules(step))
        self.query_one("#explain", Line).show(self._explain(step))
        self._show_status()

    def _rules(self, step: ShapeStep | DotStep) -> Text:
        """Every rule's line; during the shape steps the current one is marked ▸ and bold."""
        text = Text("\n".join(header_lines(self.trace)))
        for rule in self.trace.shape_steps:
            current = rule is step
            text.append(
                "\n" + ("▸ " if current else "  ") + rule_text(self.trace, rule).replace("\n", "\n  "),
                style="bold" if current else "",
            )
        return text

    def _explain(self, step: ShapeStep | DotStep) -> str:
        if isinstance(step, DotStep):
            return f"{step.formula}\n  {step.arithmetic(ARITHMETIC_TERMS)}"
        return "\n".join([explain_text(self.trace, step), *library_lines(self.trace)])

    def _mark(self, step: ShapeStep | DotStep, part: Slice) -> None:
        """Taps on the row of X and the column of W that meet; the current number of A; B's copies muted."""
        rows, inner = part.x.shape
        cols = part.w.shape[1]
        if isinstance(step, DotStep):
            row, col, current = step.row, step.col, (0, step.row, step.col)
        else:
            row, col, current = 0, 0, None
        pairing = current is not None or step.kind in ("inner", "refused")
        x_marks = {(0, row, k): "tap" for k in range(inner)} if pairing else {}
        w_marks = {(0, k, col): "tap" for k in range(part.w.shape[0])} if pairing else {}
        self.query_one("#x", Grid).mark(x_marks, follow=[(0, row, 0)])
        self.query_one("#w", Grid).mark(w_marks, follow=[(0, 0, col)])
        if self.trace.result is None:
            return
        a_grid = self.query_one("#a", Grid)
        a_grid.reveal(step.filled if isinstance(step, DotStep) else 0)
        a_grid.mark({current: "current"} if current else {}, follow=[current or (0, 0, 0)])
        if part.b is not None:
            marks = {(0, r, c): "pad" for r in range(1, rows) for c in range(cols)}
            if current:
                marks[current] = "tap"
            elif step.kind == "bias":
                marks.update({(0, 0, c): "tap" for c in range(cols)})
            self.query_one("#b", Grid).mark(marks, follow=[current or (0, 0, 0)])

    def _show_status(self) -> None:
        spec = self.setup
        if not spec.has_values:
            values = t("matmul.values_none")
        elif spec.source == RANDOM:
            values = t("matmul.values_random", seed=f"#{spec.seed}")
        else:
            values = t("matmul.values_typed" if spec.source == TYPED else "matmul.values_pattern")
        self.show_status(
            "matmul.status",
            example=t(f"matmul.example_{spec.example}"),
            values=values,
        )

    # Changing the spec -----------------------------------------------------------

    def action_next_example(self) -> None:
        spec = self.setup.with_next_example()
        self.apply(
            lambda: spec,
            t("matmul.example_now", name=t(f"matmul.example_{spec.example}")),
            index=0,
        )

    def action_random(self) -> None:
        self._seed += 1
        self.apply(
            lambda: self.setup.with_random(self._seed),
            t("matmul.random_now", seed=f"#{self._seed}"),
        )

    def action_toggle_bias(self) -> None:
        on = not self.setup.has_bias
        self.apply(
            lambda: self.setup.with_bias(on),
            t("matmul.bias_on" if on else "matmul.bias_off"),
        )

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        spec = self.setup
        fields = [
            Field("x_shape", t("matmul.edit_x_shape"), shape_text(spec.x_shape)),
            Field("w_shape", t("matmul.edit_w_shape"), shape_text(spec.w_shape)),
            *(Field(name, t(f"matmul.edit_{name}"), spec.values_text(name)) for name in "xwb"),
        ]
        self.app.push_screen(TextDialog(t("matmul.edit_title"), t("matmul.edit_hint"), fields, self._try_edit))

    def _try_edit(self, typed: Mapping[str, str]) -> SpecError | None:
        """Called by the edit dialog; returns an error to show there, or None when applied."""
        try:
            spec = self.setup.with_typed(
                parse_shape(typed["x_shape"], "matmul_x"),
                parse_shape(typed["w_shape"], "matmul_w"),
                typed["x"],
                typed["w"],
                typed["b"],
            )
            self.trace_for(spec)
        except SpecError as error:
            return error
        self.apply(lambda: spec)
        return None
