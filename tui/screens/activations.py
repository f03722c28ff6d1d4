"""The activation-functions lesson: f and f′ plotted, a cursor reading both; softmax on a vector; why non-linear.

Three views share the screen: a curve (steps = cursor positions along x),
softmax (steps = the vector's entries) and the collapse demo (steps = random
inputs). Each view keeps its own step, so switching back returns to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from engine.activations import (
    FORMULAS,
    FUNCTIONS,
    TORCH_FUNCTION,
    ActivationSpec,
    CurveTrace,
    SoftmaxTrace,
    activation_trace,
)
from engine.activations_collapse import ActivationSetup, CollapseTrace, collapse_trace
from engine.activations_plot import curve_rows
from engine.errors import SpecError
from engine.matrix import fmt_exact, parse_vector
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.activations import (
    DOTTED,
    SOLID,
    collapse_lines,
    collapse_matrices,
    collapse_verdict,
    curve_lines,
    function_name,
    softmax_lines,
    softmax_table,
    use_line,
    vec,
)
from tui.widgets.perceptron_canvas import Canvas
from tui.widgets.text import Line

CURVE, SOFTMAX, COLLAPSE = "curve", "softmax", "collapse"

ActivationsTrace = CurveTrace | SoftmaxTrace | CollapseTrace


class ActivationsScreen(StepLesson[ActivationSetup, ActivationsTrace]):
    """Holds an ActivationSetup and one step per view; everything drawn comes from engine's traces."""

    CSS_PATH = "activations.tcss"

    LESSON = "activations"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "function(1)", "keys.activations_function"),
        Binding("F", "function(-1)", "keys.activations_function_back", show=False),
        *(
            Binding(str(n), f"pick('{name}')", f"keys.activations_{name}", show=False)
            for n, name in enumerate(FUNCTIONS, start=1)
        ),
        Binding("e", "edit", "keys.activations_edit"),
        Binding("c", "toggle_collapse", "keys.activations_collapse"),
        Binding("r", "redraw", "keys.activations_redraw", show=False),
    ]

    def __init__(self, setup: ActivationSetup | None = None) -> None:
        super().__init__(setup or ActivationSetup())
        self._steps: dict[str, int] = {}
        self.index = self._view_step()

    def trace_for(self, setup: ActivationSetup) -> ActivationsTrace:
        return collapse_trace(setup.seed) if setup.collapse else activation_trace(setup.spec)

    @property
    def view(self) -> str:
        if self.setup.collapse:
            return COLLAPSE
        return SOFTMAX if self.setup.spec.is_softmax else CURVE

    def _view_step(self) -> int:
        """The step the current view had last (each view keeps its own); a curve starts at x = 0."""
        return self._steps.get(self.view, self.trace.index_of(0.0) if self.view == CURVE else 0)

    def index_after_change(self, old_trace: ActivationsTrace, old_index: int) -> int:
        return self._view_step()

    def compose_work(self) -> ComposeResult:
        yield Canvas(id="functions")
        yield Canvas(id="plot")
        for name in ("reading", "collapse", "use"):
            yield Line(id=name, markup=False)

    def check_target(self) -> tuple[object, str]:
        spec = self.setup.spec
        return spec, t("activations.verify_function", function=TORCH_FUNCTION[spec.function])

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new view or spec: the function bar, titles and the text that does not change with the step."""
        function = self.setup.spec.function
        bar = [
            (
                f" {n} {function_name(name)} ",
                "current" if name == function and not self.setup.collapse else "label",
            )
            for n, name in enumerate(FUNCTIONS, start=1)
        ]
        self.query_one("#functions", Canvas).show([bar])
        plot, collapse = (
            self.query_one("#plot", Canvas),
            self.query_one("#collapse", Line),
        )
        for name in ("#plot", "#reading", "#verify"):
            self.query_one(name).display = not self.setup.collapse
        collapse.display = self.setup.collapse
        if self.view == SOFTMAX:
            plot.border_title, plot.border_subtitle = FORMULAS[function]
        elif self.view == CURVE:
            plot.border_title, plot.border_subtitle = (
                f"{mark} {formula}" for mark, formula in zip((SOLID, DOTTED), FORMULAS[function])
            )
        use = "\n".join(collapse_verdict(self.trace)) if self.setup.collapse else use_line(function)
        self.query_one("#use", Line).show(use)

    def show_step(self) -> None:
        self._steps[self.view] = self.index
        if self.view == COLLAPSE:
            matrices = collapse_matrices(self.trace)
            self.query_one("#collapse", Line).show(
                "\n".join([*matrices, "", *collapse_lines(self.trace.step(self.index))])
            )
            self.show_status("activations.collapse_status", seed=self.setup.seed)
        else:
            if isinstance(self.trace, SoftmaxTrace):
                rows = softmax_table(self.trace)
                table = [((rows[0], "header"),)] + [
                    ((line, "current" if k == self.index else ""),) for k, line in enumerate(rows[1:-1])
                ]
                self.query_one("#plot", Canvas).show([*table, ((rows[-1], "label"),)])
                reading = softmax_lines(self.trace, self.index)
            else:
                self.query_one("#plot", Canvas).show(curve_rows(self.trace, self.index))
                reading = curve_lines(self.trace.step(self.index))
            self.query_one("#reading", Line).show("\n".join(reading))
            self.show_status("activations.status", name=function_name(self.setup.spec.function))

    # Changing the setup --------------------------------------------------------

    def _keeping_spec(self, setup: ActivationSetup) -> ActivationSetup:
        """`setup` holding the current spec object where its spec is equal: the checker is asked once per spec."""
        return replace(setup, spec=self.setup.spec) if setup.spec == self.setup.spec else setup

    def _with_function(self, function: str) -> ActivationSetup:
        return self._keeping_spec(
            replace(
                self.setup,
                spec=replace(self.setup.spec, function=function),
                collapse=False,
            )
        )

    def action_function(self, delta: int) -> None:
        following = FUNCTIONS[(FUNCTIONS.index(self.setup.spec.function) + delta) % len(FUNCTIONS)]
        self.action_pick(following)

    def action_pick(self, function: str) -> None:
        self.apply(lambda: self._with_function(function))

    def action_toggle_collapse(self) -> None:
        collapse = not self.setup.collapse
        self.apply(
            lambda: replace(self.setup, collapse=collapse),
            t("activations.collapse_on" if collapse else "activations.collapse_off"),
        )

    def action_redraw(self) -> None:
        if not self.setup.collapse:
            self.say(t("activations.only_collapse"))
            return
        self.apply(
            lambda: replace(self.setup, seed=self.setup.seed + 1),
            lambda: t("activations.redrawn", seed=self.setup.seed),
        )

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        field = Field(
            "vector",
            t("activations_edit.vector"),
            " ".join(fmt_exact(v) for v in self.setup.spec.vector),
        )
        self.app.push_screen(
            TextDialog(
                t("activations_edit.title"),
                t("activations_edit.hint"),
                [field],
                self._apply_texts,
            )
        )

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The dialog's Apply: the typed vector, if it makes a valid softmax input; softmax is then shown."""

        def softmax_setup() -> ActivationSetup:
            spec = ActivationSpec("softmax", tuple(parse_vector(texts["vector"], "activations_vector")))
            return self._keeping_spec(replace(self.setup, spec=spec, collapse=False))

        return self.adopt(
            softmax_setup,
            lambda: t("activations.vector_changed", vector=vec(self.setup.spec.vector)),
        )
