"""The RNN lesson: h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh) unrolled one hidden unit per step.

`g` turns to the second page, a character-level RNN trained live in the training
child process (tui/widgets/rnn_lm.py); `g` again comes back and stops it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical

from engine.errors import SpecError
from engine.matrix import format_matrix, parse_matrix
from engine.numbers import fmt
from engine.rnn import FORMULA, RnnTrace, rnn_trace
from engine.rnn_setup import (
    CUSTOM,
    LM_SECONDS,
    RnnSetup,
    language_model_config,
    parse_count,
)
from tui.i18n import display_name, t
from tui.screens.lesson import StepLesson
from tui.text.rnn import output_line
from tui.widgets.grid import Grid
from tui.widgets.text import Line

if TYPE_CHECKING:  # imported on the second page's first visit
    from tui.widgets.rnn_lm import LanguageModelPane

UNROLL_ACTIONS = frozenset(
    {
        "step",
        "jump",
        "toggle_play",
        "speed",
        "hidden",
        "new_weights",
        "next_sequence",
        "edit",
    }
)
LM_ACTIONS = frozenset({"train_again", "stop_training"})


def _cells(matrix: np.ndarray) -> list[list[str]]:
    return [[fmt(value) for value in row] for row in matrix]


class RnnScreen(StepLesson[RnnSetup, RnnTrace]):
    """Holds an RnnSetup and a step index; everything drawn comes from its RnnTrace."""

    CSS_PATH = "rnn.tcss"

    LESSON = "rnn"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "toggle_page", "keys.rnn_lm"),
        Binding("i", "next_sequence", "keys.rnn_sequence", show=False),
        Binding("r", "new_weights", "keys.rnn_weights"),
        Binding("e", "edit", "keys.edit"),
        Binding("u", "hidden(-1)", "keys.rnn_units_down", show=False),
        Binding("U", "hidden(1)", "keys.rnn_units_up", show=False),
        Binding("r", "train_again", "keys.rnn_again", show=False),
        Binding("x", "stop_training", "keys.rnn_stop", show=False),
    ]

    def __init__(self, setup: RnnSetup | None = None) -> None:
        super().__init__(setup or RnnSetup())
        self.page = "unroll"

    def trace_for(self, setup: RnnSetup) -> RnnTrace:
        return rnn_trace(setup.spec())

    def compose_work(self) -> ComposeResult:
        with Vertical(id="unroll"):
            with Horizontal(id="states"):
                yield Grid(id="x")
                yield Grid(id="h")
            with Horizontal(id="weights"):
                yield Grid(id="w-ih")
                yield Grid(id="w-hh")
                yield Grid(id="bias")
            yield Line(id="equation", markup=False)
            yield Line(id="notes", markup=False)

    def check_target(self) -> tuple[object, str]:
        return self.trace.spec, "torch.nn.RNN"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each page has its own keys: `r` is new weights on the first page and a new run on the second."""
        if action in UNROLL_ACTIONS:
            return self.page == "unroll"
        if action in LM_ACTIONS:
            return self.page == "lm"
        return True

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: every matrix and the titles."""
        trace, spec = self.trace, self.trace.spec
        x, h = self.query_one("#x", Grid), self.query_one("#h", Grid)
        x.show([_cells(spec.sequence)], row_labels=trace.x_labels)
        x.set_titles(t("rnn.x_title", t=spec.steps, i=spec.input_size))
        h.show([_cells(trace.hidden)], row_labels=trace.h_labels)
        h.set_titles(t("rnn.h_title", rows=len(trace.h_labels), h=spec.hidden_size))
        units = [str(unit) for unit in range(spec.hidden_size)]
        for selector, matrix, title in (
            (
                "#w-ih",
                spec.w_ih,
                t("rnn.w_ih_title", h=spec.hidden_size, i=spec.input_size),
            ),
            ("#w-hh", spec.w_hh, t("rnn.w_hh_title", h=spec.hidden_size)),
            ("#bias", spec.biases, t("rnn.bias_title")),
        ):
            grid = self.query_one(selector, Grid)
            grid.show([_cells(matrix)], row_labels=units)
            grid.set_titles(title)

    def show_step(self) -> None:
        """Move the marks and rewrite the arithmetic: the only work a step key does."""
        trace, spec = self.trace, self.trace.spec
        step = trace.step(self.index)
        row = {(0, step.x_row, col): "tap" for col in range(spec.input_size)}
        self.query_one("#x", Grid).mark(row, follow=list(row))
        h = self.query_one("#h", Grid)
        marks = {(0, step.previous_row, col): "tap" for col in range(spec.hidden_size)}
        marks[(0, *step.cell)] = "current"
        h.reveal(trace.filled(self.index))
        h.mark(marks, follow=[(0, *step.cell), (0, step.previous_row, 0)])
        for selector, width in (
            ("#w-ih", spec.input_size),
            ("#w-hh", spec.hidden_size),
            ("#bias", 2),
        ):
            cells = {(0, step.unit, col): "tap" for col in range(width)}
            self.query_one(selector, Grid).mark(cells, follow=list(cells))
        self.query_one("#equation", Line).show("\n".join(step.lines))
        last = self.index == trace.step_count - 1
        self.query_one("#notes", Line).show(output_line(trace) if last else FORMULA)
        self.show_status(
            "rnn.status",
            label=step.label,
            parameters=spec.parameters,
            seed=self.setup.seed,
        )

    # Changing the setup --------------------------------------------------------

    def action_hidden(self, delta: int) -> None:
        self.apply(
            lambda: self.setup.with_hidden_step(delta),
            lambda: t("rnn.changed_hidden", h=self.setup.hidden_size, seed=self.setup.seed),
        )

    def action_new_weights(self) -> None:
        self.apply(
            self.setup.with_next_seed,
            lambda: t("rnn.changed_seed", seed=self.setup.seed),
        )

    def action_next_sequence(self) -> None:
        self.apply(self.setup.with_next_sequence, self._sequence_changed)

    def _sequence_changed(self) -> str:
        setup = self.setup
        name = t("rnn.custom") if setup.sequence_name == CUSTOM else display_name(setup.sequence_name)
        return t(
            "rnn.changed_sequence",
            name=name,
            t=setup.sequence.shape[0],
            i=setup.sequence.shape[1],
        )

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        fields = [
            Field("sequence", t("rnn_edit.sequence"), format_matrix(self.setup.sequence)),
            Field("hidden", t("rnn_edit.hidden"), str(self.setup.hidden_size)),
            Field("seed", t("rnn_edit.seed"), str(self.setup.seed)),
        ]
        self.app.push_screen(TextDialog(t("rnn_edit.title"), t("edit.hint"), fields, self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The edit dialog's Apply: all three fields, if together they make a valid setup."""

        def typed_setup() -> RnnSetup:
            sequence = parse_matrix(texts["sequence"], "rnn_sequence")
            hidden = parse_count(texts["hidden"], "rnn_hidden")
            seed = parse_count(texts["seed"], "rnn_seed")
            return replace(self.setup, hidden_size=hidden, seed=seed).with_sequence(sequence)

        return self.adopt(typed_setup, self._sequence_changed)

    # The language model page ---------------------------------------------------------

    async def _language_model(self) -> LanguageModelPane:
        """The second page, made on its first visit: its training machinery costs the first frame ~10 ms."""
        from tui.widgets.rnn_lm import LanguageModelPane

        panes = self.query(LanguageModelPane)
        if panes:
            return panes.first()
        pane = LanguageModelPane(id="lm")
        await self.query_one("#work").mount(pane)
        return pane

    async def action_toggle_page(self) -> None:
        """Each visit of the second page starts a fresh run; coming back stops it."""
        pane = await self._language_model()
        if self.page == "unroll":
            self._stop_playing()
            self.page = "lm"
            self.query_one("#unroll").display = False
            self.query_one("#step-lines").display = False
            pane.display = True
            pane.start(language_model_config(), LM_SECONDS)
        else:
            pane.stop()
            self.page = "unroll"
            pane.display = False
            self.query_one("#unroll").display = True
            self.query_one("#step-lines").display = True
            self.show_step()
        self.refresh_bindings()  # the key bar shows this page's keys
        self.say("")

    async def action_train_again(self) -> None:
        (await self._language_model()).start(language_model_config(), LM_SECONDS)
        self.say(t("rnn_lm.again"))

    async def action_stop_training(self) -> None:
        pane = await self._language_model()
        if pane.running:
            pane.stop()
            self.say(t("rnn_lm.asked_stop"))
        else:
            self.say(t("rnn_lm.not_running"))
