"""Predict before reveal in every step lesson: stop before a step that answers a question, ask, then show it.

A lesson's questions come from `engine/<lesson>_quiz.py` (`questions(setup,
trace)`), recomputed whenever the trace on screen is a new one; a lesson
without that module simply asks nothing. Moving forward (→, play, End) onto a
step with a question not yet answered for this setup stops at the step before
and asks in the screen's QuizPanel (while `app.quiz_on`, i.e. without
`--no-quiz`); the quiz-me key asks the next question from the current step
whether or not the quiz is on. An answer or Esc reveals the question's step and
posts `QuizAnswered` (correct, wrong, or None for a skip); ← cancels and leaves
the question for next time. Answered and skipped questions are not asked again
until the setup changes.

The screen mixing this in provides `LESSON`, `setup`, `trace`, `step_count`,
`index`, `say` and `_stop_playing`, and composes one `QuizPanel(id="quiz")`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from engine.quiz import Question, asked_before
from tui.i18n import t
from tui.quiz_events import QuizAnswered
from tui.widgets.quiz import QuizPanel


def lesson_questions(lesson_id: str, setup: object, trace: Any) -> tuple[Question, ...]:
    """The questions `engine/<lesson>_quiz.py` asks about this setup and trace; none where it has no such module."""
    name = f"engine.{lesson_id}_quiz"
    try:
        module = import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return ()
    return asked_before(tuple(module.questions(setup, trace)), trace.step_count)


def _same(first: object, second: object) -> bool:
    """Setups compared by value; one whose `==` cannot say (arrays inside) counts as changed."""
    try:
        return bool(first == second)
    except (TypeError, ValueError):
        return False


class Quizzing:
    """The quiz half of StepLesson: which question the next forward move meets, and what an answer reveals."""

    _quiz_trace: object = None
    _quiz_setup: object = None
    _quiz_questions: tuple[Question, ...] = ()
    _quiz_done: frozenset[str] = frozenset()

    @property
    def quiz_questions(self) -> tuple[Question, ...]:
        """This trace's questions, one per step, sorted by step; a changed setup forgets what was answered."""
        if self._quiz_trace is not self.trace:  # type: ignore[attr-defined]
            if not _same(self._quiz_setup, self.setup):  # type: ignore[attr-defined]
                self._quiz_done = frozenset()
            self._quiz_trace, self._quiz_setup = self.trace, self.setup  # type: ignore[attr-defined]
            self._quiz_questions = lesson_questions(self.LESSON, self.setup, self.trace)  # type: ignore[attr-defined]
        return self._quiz_questions

    @property
    def quiz_panel(self) -> QuizPanel:
        return self.query_one("#quiz", QuizPanel)  # type: ignore[attr-defined]

    def forward_to(self, target: int) -> int:
        """Where a forward move to `target` stops: the step before the first unanswered question on the way, which
        is then asked; `target` itself when there is none (or the quiz is off, or the move is not forward)."""
        start = self.index  # type: ignore[attr-defined]
        if not getattr(self.app, "quiz_on", False) or target <= start:  # type: ignore[attr-defined]
            return target
        for question in self.quiz_questions:
            if start < question.step <= target and question.id not in self._quiz_done:
                self._ask(question)
                return question.step - 1
        return target

    def action_quiz_me(self) -> None:
        """The next question after the current step, else the first one; its step's predecessor is shown to ask."""
        questions = self.quiz_questions
        if not questions:
            self.say(t("quiz_panel.none"))  # type: ignore[attr-defined]
            return
        following = [question for question in questions if question.step > self.index]  # type: ignore[attr-defined]
        question = following[0] if following else questions[0]
        self._stop_playing()  # type: ignore[attr-defined]
        self.index = question.step - 1  # type: ignore[attr-defined]
        self._ask(question)

    def _ask(self, question: Question) -> None:
        self._stop_playing()  # type: ignore[attr-defined]
        self.quiz_panel.ask(question)

    def quiz_follow_step(self) -> None:
        """After every step drawn: a question stays while its step's predecessor is shown, an answer while its step
        is; moving elsewhere (a click took the focus, then a key) puts either away."""
        panel = self.quiz_panel
        if panel.question is not None:
            shown_at = panel.question.step - 1 if panel.asking else panel.question.step
            if self.index != shown_at:  # type: ignore[attr-defined]
                panel.close()

    def quiz_setup_changed(self) -> None:
        """A new setup: its questions differ, so whatever the panel shows goes."""
        self.quiz_panel.close()

    def on_quiz_panel_answered(self, event: QuizPanel.Answered) -> None:
        self._reveal(event.question, event.correct)

    def on_quiz_panel_skipped(self, event: QuizPanel.Skipped) -> None:
        self._reveal(event.question, None)

    def on_quiz_panel_cancelled(self, event: QuizPanel.Cancelled) -> None:
        self.quiz_panel.close()

    def _reveal(self, question: Question, correct: bool | None) -> None:
        self._quiz_done = self._quiz_done | {question.id}
        self.index = question.step  # type: ignore[attr-defined]
        self.post_message(QuizAnswered(question.lesson, question.id, correct))  # type: ignore[attr-defined]
