"""The broadcasting lesson: shapes right-aligned, compared axis by axis, size-1 axes stretched, one rule a step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal

from engine.broadcast import (
    COMPARE,
    COMPUTE,
    NAMES,
    RESULT,
    STRETCH,
    BroadcastStep,
    BroadcastTrace,
    broadcast_trace,
)
from engine.broadcast_numpy import MESSAGE, VALUES, numpy_check
from engine.broadcast_setup import BroadcastSetup, parse_shapes
from engine.broadcast_shape import python_shape
from engine.broadcast_values import (
    VALUES_LIMIT,
    BroadcastValues,
    broadcast_values,
    largest_array,
)
from engine.errors import SpecError
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.broadcast import (
    element_counts,
    example_name,
    explain,
    failure_lines,
    shapes_line,
    table_cells,
    table_labels,
    value_cells,
)
from tui.widgets.grid import Grid
from tui.widgets.text import Line

RESULT_GRID = "value-result"


class BroadcastScreen(StepLesson[BroadcastSetup, BroadcastTrace]):
    """Holds a BroadcastSetup and a step index; the table, sentences and numbers all come from engine."""

    CSS_PATH = "broadcast.tcss"

    LESSON = "broadcast"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_example", "keys.broadcast_example"),
        Binding("e", "edit", "keys.edit"),
        Binding("v", "toggle_values", "keys.broadcast_values"),
        Binding("o", "next_op", "keys.broadcast_op", show=False),
    ]

    def __init__(self, setup: BroadcastSetup | None = None) -> None:
        super().__init__(setup or BroadcastSetup())
        self.wants_values = True
        self._values: tuple[BroadcastTrace, BroadcastValues | None] | None = None

    def trace_for(self, setup: BroadcastSetup) -> BroadcastTrace:
        return broadcast_trace(setup.spec())

    def compose_work(self) -> ComposeResult:
        yield Grid(id="shapes")
        for name in ("explain", "failure", "counts"):
            yield Line(id=name, markup=False)
        with Horizontal(id="values"):
            for name in NAMES:
                yield Grid(id=f"value-{name}")
            yield Grid(id=RESULT_GRID)

    @property
    def values(self) -> BroadcastValues | None:
        """The trace's numbers, None where an array is too big to show; computed once per trace."""
        if self._values is None or self._values[0] is not self.trace:
            self._values = self.trace, broadcast_values(self.trace)
        return self._values[1]

    @property
    def showing_values(self) -> bool:
        return self.values is not None and self.wants_values

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: the table's title, which value grids exist, NumPy's verdict."""
        spec = self.trace.spec
        self.query_one("#shapes", Grid).set_titles(t("broadcast.shapes"), shapes_line(self.trace))
        for index, name in enumerate(NAMES):
            self.query_one(f"#value-{name}", Grid).display = index < len(spec.shapes)
        self._check = numpy_check(self.trace, self.values if self.showing_values else None)

    def _show_verdict(self, step: BroadcastStep) -> None:
        """NumPy's verdict; on a mismatch, "this message" only once the message is on screen."""
        check = self._check
        if not check.agrees:
            text = t("broadcast.verify_bad", numpy=check.numpy_says)
        elif check.what == MESSAGE and step.failed:
            text = t("broadcast.verify_message")
        elif check.what == MESSAGE:
            text = t("broadcast.verify_refuses", step=self.trace.step_count)
        elif check.what == VALUES:
            text = t(
                "broadcast.verify_values",
                expression=self.trace.spec.expression,
                count=self.trace.result_elements,
            )
        else:
            text = t("broadcast.verify_shape", shape=check.numpy_says)
        self.show_check(text, error=not check.agrees)

    def show_step(self) -> None:
        """Redraw the small table and value grids for the step; nothing here computes."""
        step = self.trace.step(self.index)
        self._show_table(step)
        note = f" {t('broadcast.copied')}" if step.kind == STRETCH and self.showing_values else ""
        self.query_one("#explain", Line).show(explain(self.trace, step) + note)
        failure = self.query_one("#failure", Line)
        failure.display = step.failed
        failure.show("\n".join(failure_lines(self.trace)) if step.failed else "")
        values = self.query_one("#values")
        values.display = self.showing_values
        counts = self.query_one("#counts", Line)
        counts.display = not self.showing_values
        counts.show(element_counts(self.trace))
        if self.showing_values:
            self._show_values(step)
        self._show_verdict(step)
        self._show_status()

    def _show_table(self, step: BroadcastStep) -> None:
        operands = len(self.trace.spec.shapes)
        ndim = self.trace.spec.ndim
        marks = {(0, 0, axis): "pending" for axis in range(ndim)}
        marks.update({(0, k + 1, axis): "gap" for k, axis in step.added})
        if step.axis is not None:
            active = range(operands) if step.kind == COMPARE else step.stretched
            marks.update({(0, k + 1, step.axis): "tap" for k in active})
            marks[(0, 0, step.axis)] = marks[(0, operands + 1, step.axis)] = "current"
        grid = self.query_one("#shapes", Grid)
        grid.show(
            [table_cells(self.trace, step)],
            row_labels=table_labels(self.trace),
            marks=marks,
        )
        if step.axis is not None:
            # scrolled once the new content is laid out: 32 axes do not fit
            self.call_after_refresh(grid.mark, marks, [(0, 0, step.axis), (0, operands + 1, step.axis)])

    def _show_values(self, step: BroadcastStep) -> None:
        """Each operand as the step has it, copies marked; the result once rule 4 has fixed its shape."""
        for name, view in zip(NAMES, self.values.at(step)):
            grid = self.query_one(f"#value-{name}", Grid)
            cells, labels = value_cells(view.values)
            marks = dict.fromkeys(view.copied_cells(), "gap") | dict.fromkeys(view.copied_cells(fresh=True), "tap")
            grid.show(cells, labels, marks=marks)
            grid.set_titles(t("broadcast.operand", name=name, shape=python_shape(view.values.shape)))
        result = self.query_one(f"#{RESULT_GRID}", Grid)
        result.display = step.kind in (RESULT, STRETCH, COMPUTE)
        if result.display:
            cells, labels = value_cells(self.values.result)
            result.show(cells, labels, revealed=None if step.kind == COMPUTE else 0)
            result.set_titles(
                t(
                    "broadcast.result",
                    expression=self.trace.spec.expression,
                    shape=python_shape(self.trace.result_shape),
                )
            )

    def _show_status(self) -> None:
        if self.values is None:
            view = t("broadcast.view_too_big")
        else:
            view = t("broadcast.view_values") if self.wants_values else t("broadcast.view_symbolic")
        self.show_status(
            "broadcast.status",
            example=example_name(self.setup),
            view=view,
        )

    # Changing the setup --------------------------------------------------------

    def action_next_example(self) -> None:
        self.apply(
            self.setup.with_next_example,
            lambda: t("broadcast.example", name=example_name(self.setup)),
            index=0,
        )

    def action_next_op(self) -> None:
        self.apply(
            self.setup.with_next_op,
            lambda: t("broadcast.operation", expression=self.trace.spec.expression),
        )

    def action_toggle_values(self) -> None:
        if self.values is None:
            self.say(
                t(
                    "broadcast.too_big",
                    limit=VALUES_LIMIT,
                    count=largest_array(self.trace),
                )
            )
            return
        self.wants_values = not self.wants_values
        self.draw_trace()
        self.show_step()
        self.say(t("broadcast.values_on") if self.wants_values else t("broadcast.values_off"))

    def action_edit(self) -> None:
        """`e`: one field per operand, c left empty for two shapes; a mistake keeps the dialog and the text."""
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        typed = [python_shape(shape) for shape in self.setup.shapes] + [""] * (len(NAMES) - len(self.setup.shapes))
        fields = [Field(name, t(f"broadcast_edit.{name}"), text) for name, text in zip(NAMES, typed)]
        self.app.push_screen(
            TextDialog(
                t("broadcast_edit.title"),
                t("broadcast_edit.hint"),
                fields,
                self._apply_texts,
            )
        )

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The dialog's Apply: the typed shapes, if they parse and fit the limits (a mismatch is welcome)."""
        return self.adopt(
            lambda: self.setup.with_shapes(parse_shapes([texts[name] for name in NAMES])),
            lambda: shapes_line(self.trace),
            index=0,
        )
