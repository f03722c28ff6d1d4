"""The loss lesson: MSE and cross-entropy one term a step, the totals beside torch's losses, then accuracy against w.

`a` jumps between the terms and the accuracy curve; `e` edits y and the class,
`c`/`C` move the class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from engine.errors import SpecError
from engine.loss import (
    CLASSES,
    CURVE,
    TERM,
    TOTAL,
    LossSpec,
    LossStep,
    LossTrace,
    loss_trace,
    parse_class,
    parse_y,
)
from engine.loss_curve import W_HIGH, W_LOW
from engine.matrix import fmt_exact
from engine.numbers import fmt
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.loss import (
    cursor_lines,
    model_line,
    relation_lines,
    running_line,
    sum_note,
    term_cells,
    term_lines,
    totals_line,
)
from tui.widgets.grid import Grid
from tui.widgets.loss_plot import LossPlot, Panel
from tui.widgets.text import Line


class LossScreen(StepLesson[LossSpec, LossTrace]):
    """Holds a LossSpec and a step index; every number drawn comes from its LossTrace."""

    CSS_PATH = "loss.tcss"

    LESSON = "loss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "keys.edit"),
        Binding("c", "target(1)", "keys.loss_class"),
        Binding("C", "target(-1)", "keys.loss_class_prev", show=False),
        Binding("a", "toggle_curve", "keys.loss_curve"),
    ]

    def __init__(self, setup: LossSpec | None = None) -> None:
        super().__init__(setup or LossSpec())

    def trace_for(self, setup: LossSpec) -> LossTrace:
        return loss_trace(setup)

    def compose_work(self) -> ComposeResult:
        yield Grid(id="terms")
        yield LossPlot(id="plot")
        for name in ("equation", "sums", "notes"):
            yield Line(id=name, markup=False)

    def check_target(self) -> tuple[object, str]:
        return self.setup, t("loss.verify_function")

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: the terms table and the curves."""
        trace = self.trace
        grid = self.query_one("#terms", Grid)
        grid.show(
            [term_cells(trace)],
            row_labels=["k", *(str(term.k) for term in trace.terms)],
        )
        grid.set_titles(t("loss.terms_title", c=trace.spec.target))
        curve = trace.curve
        panels = [
            Panel(t("loss.plot_accuracy"), curve.accuracies, 0.0, 1.0, "0", "1"),
            Panel(
                t("loss.plot_ce"),
                curve.losses,
                0.0,
                curve.loss_high,
                "0",
                fmt(curve.loss_high),
            ),
        ]
        self.query_one("#plot", LossPlot).show(panels, (f"w = {fmt(W_LOW)}", fmt(W_HIGH)))

    def show_step(self) -> None:
        step = self.trace.step(self.index)
        on_curve = step.kind == CURVE
        self.query_one("#terms", Grid).display = not on_curve
        self.query_one("#plot", LossPlot).display = on_curve
        if step.kind == TERM:
            self._show_term(step)
        elif step.kind == TOTAL:
            self._show_totals()
        else:
            self._show_cursor(step)
        self._show_status(step)

    def _show_term(self, step: LossStep) -> None:
        term = step.term
        self.query_one("#terms", Grid).mark(
            {(0, term.k + 1, col): "current" for col in range(4)},
            follow=[(0, term.k + 1, 0)],
        )
        self.query_one("#equation", Line).show("\n".join(term_lines(term)))
        self.query_one("#sums", Line).show(running_line(term))
        self.query_one("#notes", Line).show(sum_note(self.trace))

    def _show_totals(self) -> None:
        self.query_one("#terms", Grid).mark({(0, k + 1, col): "tap" for k in range(self.trace.n) for col in (2, 3)})
        self.query_one("#equation", Line).show(totals_line(self.trace))
        self.query_one("#sums", Line).show("\n".join(relation_lines(self.trace)))
        self.query_one("#notes", Line).show(sum_note(self.trace))

    def _show_cursor(self, step: LossStep) -> None:
        self.query_one("#plot", LossPlot).move_cursor(self.trace.curve.stop_index(step.stop))
        self.query_one("#equation", Line).show("\n".join(cursor_lines(self.trace, step.point)))
        self.query_one("#sums", Line).show(t("loss.why_short"))
        self.query_one("#notes", Line).show(model_line())

    def _show_status(self, step: LossStep) -> None:
        where = {
            TERM: lambda: t("loss.where_term", k=step.term.k if step.term else 0),
            TOTAL: lambda: t("loss.where_total"),
            CURVE: lambda: t("loss.where_curve"),
        }[step.kind]()
        self.show_status("loss.status", where=where, c=self.trace.spec.target)

    # Changing the spec -----------------------------------------------------------

    def action_target(self, delta: int) -> None:
        spec = self.setup
        target = (spec.target + delta) % CLASSES
        self.apply(lambda: LossSpec(spec.y, target), t("loss.class_changed", c=target))

    def action_toggle_curve(self) -> None:
        to_curve = self.index < self.trace.curve_start
        self.index = self.trace.curve_start if to_curve else 0
        self.say(t("loss.to_curve" if to_curve else "loss.to_terms"))

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        spec = self.setup
        fields = [
            Field("y", t("loss_edit.y"), " ".join(fmt_exact(v) for v in spec.y)),
            Field("class", t("loss_edit.class"), str(spec.target)),
        ]
        self.app.push_screen(TextDialog(t("loss_edit.title"), t("edit.hint"), fields, self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The dialog's Apply: a valid y and class replace the spec; otherwise the dialog says why and keeps the text."""
        return self.adopt(
            lambda: LossSpec(parse_y(texts["y"]), parse_class(texts["class"])),
            lambda: f"{t('loss.applied')} {sum_note(self.trace)}",
        )
