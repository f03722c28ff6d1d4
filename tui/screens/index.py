"""The array indexing lesson: the cells of `a` a subscript picks, then one result element per step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal

from engine.errors import SpecError
from engine.index import BASIC, INTEGER, MASK, IndexTrace, Layout, index_trace
from engine.index_setup import IndexSetup
from engine.numbers import fmt
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.index import checked_text, kind_text, memory_text, step_text
from tui.widgets.grid import Grid
from tui.widgets.text import Line


def _cells(blocks, format_cell=fmt) -> list[list[list[str]]]:
    return [[[format_cell(v) for v in row] for row in block] for block in blocks]


class IndexScreen(StepLesson[IndexSetup, IndexTrace]):
    """Holds an IndexSetup and a step index; everything drawn comes from its IndexTrace."""

    CSS_PATH = "index.tcss"

    LESSON = "index"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_example", "keys.index_next_example"),
        Binding("e", "edit_expression", "keys.index_edit"),
        Binding("a", "edit_array", "keys.index_array"),
    ]

    def __init__(self, setup: IndexSetup | None = None) -> None:
        super().__init__(setup or IndexSetup())

    def trace_for(self, setup: IndexSetup) -> IndexTrace:
        return index_trace(setup.spec())

    def compose_work(self) -> ComposeResult:
        yield Line(id="expression", markup=False)
        with Horizontal(id="grids"):
            yield Grid(id="source")
            yield Grid(id="helper")
        yield Grid(id="result")
        yield Line(id="explain", markup=False)
        yield Line(id="memory", markup=False)
        yield Line(id="checked", markup=False)

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: new cells in every grid."""
        trace, array = self.trace, self.trace.spec.array
        source = self.query_one("#source", Grid)
        source.show(_cells(Layout(array.shape).cells(array)))
        source.set_titles(t("index.source", shape=trace.source_shape_text))
        self.query_one("#expression", Line).show(f"{trace.spec.subscript.text}  ·  {kind_text(trace.kind)}")
        self._show_helper()
        result = self.query_one("#result", Grid)
        layout = Layout(trace.result.shape)
        result.show(_cells(layout.cells(trace.result)), layout.captions("out"))
        result.set_titles(t("index.result_error") if trace.problem else t("index.result", shape=trace.shape_text))
        self.query_one("#memory", Line).show("" if trace.problem else memory_text(trace))
        checked = self.query_one("#checked", Line)
        checked.show(checked_text(trace))
        checked.set_class(not trace.numpy_agrees, "error")
        for grid in self.query(Grid):
            grid.scroll_to(0, 0, animate=False, immediate=True)

    def _show_helper(self) -> None:
        """The mask as True/False for a mask; the broadcast index arrays for integer arrays; nothing otherwise."""
        trace = self.trace
        helper = self.query_one("#helper", Grid)
        helper.display = trace.kind != BASIC and not trace.problem
        if trace.mask is not None:
            helper.show(_cells(Layout(trace.mask.shape).cells(trace.mask), str))
            helper.set_titles(t("index.mask_title", mask=trace.mask_text))
        elif trace.index_arrays:
            blocks, captions = trace.index_grid()
            texts = [t("index.array_caption", axis=array.axis, suffix=suffix) for array, suffix in captions]
            helper.show(_cells(blocks, str), texts if len(blocks) else ())
            helper.set_titles(t("index.arrays_title"))

    def show_step(self) -> None:
        """Move the marks and rewrite the step's sentence: the only work a step key does."""
        trace = self.trace
        step = trace.step(self.index)
        follow = [cell for cell, mark in step.marks.items() if mark == "current"]
        self.query_one("#source", Grid).mark(step.marks, follow=follow)
        result = self.query_one("#result", Grid)
        element = step.element
        if element is None:
            result.reveal(0)
            result.mark({})
        else:
            cell = Layout(trace.result.shape).cell(element.number)
            result.reveal(element.number + 1)
            result.mark({cell: "current"}, follow=[cell])
        helper = self.query_one("#helper", Grid)
        if trace.kind == MASK:
            helper.mark(step.marks, follow=follow)
        elif trace.kind == INTEGER and not trace.problem:
            cells = trace.index_cells(element) if element else []
            helper.mark(dict.fromkeys(cells, "current"), follow=cells)
        explain = self.query_one("#explain", Line)
        explain.show(step_text(trace, step))
        explain.set_class(trace.problem is not None, "error")
        self.show_status(
            "index.status",
            shape=trace.source_shape_text,
        )

    # Changing the setup --------------------------------------------------------

    def _expression_changed(self) -> str:
        return t("index.changed_expression", expression=self.trace.spec.subscript.text)

    def _array_changed(self) -> str:
        return t("index.changed_array", shape=self.trace.source_shape_text)

    def action_next_example(self) -> None:
        self.apply(self.setup.with_next_example, self._expression_changed, index=0)

    def action_edit_expression(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        def submit(texts: Mapping[str, str]) -> SpecError | None:
            return self.adopt(
                lambda: self.setup.with_expression(texts["expression"]),
                self._expression_changed,
                index=0,
            )

        field = Field("expression", t("index.expression_label"), self.trace.spec.subscript.text)
        self.app.push_screen(
            TextDialog(
                t("index.edit_expression_title"),
                t("index.edit_expression_hint"),
                [field],
                submit,
            )
        )

    def action_edit_array(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        def submit(texts: Mapping[str, str]) -> SpecError | None:
            return self.adopt(
                lambda: self.setup.with_array_text(texts["array"]),
                self._array_changed,
                index=0,
            )

        field = Field("array", t("index.array_label"), self.setup.array_text)
        self.app.push_screen(TextDialog(t("index.edit_array_title"), t("index.edit_array_hint"), [field], submit))
