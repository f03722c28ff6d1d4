"""Predict before the run: the training lesson asks its questions when the student starts a run, and the run
itself reveals the answers.

The questions come from engine/train_quiz.py (the run's TrainConfig only). With
the quiz on (`app.quiz_on`, off with `--no-quiz`), Start from the form asks them
one after another in a QuizPanel under the form; Enter records an answer, Esc
skips one, ← at the start of the field goes back to the form (no run starts).
Then the run starts, and each verdict waits for the event that shows its number:
the model summary and "batch 0/N" (StartedEvent) for the batches and the
parameters, the first point of the loss chart (the first BatchEvent) for the
first loss. `r`, a resumed run and `--start` ask nothing.

TrainScreen mixes this in before LiveView, so `apply_event` and `chart_replaced`
see every event first and pass it on.
"""

from __future__ import annotations

from engine.numbers import fmt
from engine.quiz import Question
from engine.train.config import TrainConfig
from engine.train.events import BatchEvent, StartedEvent, TrainEvent
from engine.train_quiz import FIRST_BATCH, STARTED, questions
from tui.i18n import t, visible
from tui.quiz_events import QuizAnswered
from tui.widgets.quiz import GIVEN_LIMIT, QuizPanel, revealed_answer


class HeldQuizPanel(QuizPanel):
    """A QuizPanel that takes an answer and keeps the verdict for later: the run reveals it (`reveal`)."""

    def _tell(self, verdict: str) -> None:
        """Marked or skipped: the field goes and nothing is told yet."""
        self.asking = False
        field = self.query_one("#quiz-answer")
        field.display = field.can_focus = False
        for name in ("#quiz-error", "#quiz-choices"):
            self.query_one(name).display = False
        self.screen.set_focus(None)

    def reveal(self, lines: list[str]) -> None:
        """The verdicts so far, each with why, in place of a question."""
        self.question, self.asking = None, False
        self.border_title = t("quiz_panel.title")
        self.border_subtitle = ""
        for name in ("#quiz-question", "#quiz-choices", "#quiz-answer", "#quiz-error", "#quiz-why"):
            self.query_one(name).display = False
        self._show("#quiz-verdict", "\n".join(lines))
        self.display = True


class Given:
    """What the student said to one question: right (True), wrong (False) or skipped (None), and the words."""

    def __init__(self, question: Question, correct: bool | None, typed: str) -> None:
        self.question, self.correct, self.typed = question, correct, typed

    def line(self, **extra: object) -> str:
        """`✓ Right: 25. ⌈800/32⌉: …`: the verdict as the step lessons word it, then why, with the run's numbers."""
        question = self.question
        answer = revealed_answer(question)
        if self.correct is None:
            verdict = t("quiz_panel.skipped", answer=answer)
        else:
            key = "quiz_panel.right" if self.correct else "quiz_panel.wrong"
            verdict = t(key, answer=answer, given=visible(self.typed.strip(), GIVEN_LIMIT))
        why = t(question.why_key, **question.params)
        if extra:
            why = t("train_quiz.with_measured", why=why, measured=t(f"{question.key}_measured", **extra))
        return t("train_quiz.reveal", verdict=verdict, why=why)


class TrainQuizzing:
    """The quiz half of TrainScreen: ask before a run, reveal as the run shows each number."""

    _quiz_waiting: list[Question]
    _quiz_config: TrainConfig | None = None
    _quiz_given: list[Given]
    _quiz_lines: list[str]
    _quiz_run: int | None = None  # runs_started of the run the answers belong to
    _quiz_first_batch = False

    @property
    def quiz_panel(self) -> HeldQuizPanel:
        return self.query_one("#quiz", HeldQuizPanel)  # type: ignore[attr-defined]

    def quiz_before_run(self, config: TrainConfig) -> bool:
        """Ask this run's questions first (True: the run starts once they are answered); False: start at once."""
        resuming = self.runs_started == 0 and self.setup.resume  # type: ignore[attr-defined]
        if not getattr(self.app, "quiz_on", False) or resuming:  # type: ignore[attr-defined]
            return False
        asked = list(questions(config))
        if not asked:
            return False
        self._quiz_waiting, self._quiz_config, self._quiz_given = asked, config, []
        self._quiz_run = None
        self.quiz_panel.ask(self._quiz_waiting[0])
        return True

    def _quiz_next(self, given: Given) -> None:
        self._quiz_given.append(given)
        self.post_message(QuizAnswered(given.question.lesson, given.question.id, given.correct))  # type: ignore[attr-defined]
        self._quiz_waiting.pop(0)
        if self._quiz_waiting:
            self.quiz_panel.ask(self._quiz_waiting[0])
            return
        config, self._quiz_config = self._quiz_config, None
        self.start(config)  # type: ignore[attr-defined]
        self._quiz_run, self._quiz_lines, self._quiz_first_batch = self.runs_started, [], False  # type: ignore[attr-defined]
        self.quiz_panel.reveal([t("train_quiz.waiting")])

    def on_quiz_panel_answered(self, event: QuizPanel.Answered) -> None:
        event.stop()
        self._quiz_next(Given(event.question, event.correct, event.typed))

    def on_quiz_panel_skipped(self, event: QuizPanel.Skipped) -> None:
        event.stop()
        self._quiz_next(Given(event.question, None, ""))

    def on_quiz_panel_cancelled(self, event: QuizPanel.Cancelled) -> None:
        """← : back to the form, no run; the answers given so far are dropped."""
        event.stop()
        self._quiz_waiting, self._quiz_config = [], None
        self.quiz_panel.close()
        self.query_one("TrainForm").focus_start()  # type: ignore[attr-defined]

    def quiz_forget(self) -> None:
        """The form again or another run: what the panel shows belongs to the run before."""
        self._quiz_run = None
        if self._quiz_config is None:
            self.quiz_panel.close()

    # The run reveals -----------------------------------------------------------------

    def apply_event(self, event: TrainEvent) -> None:
        self._quiz_seen(event)
        super().apply_event(event)  # type: ignore[misc]

    def chart_replaced(self, event: TrainEvent) -> None:
        self._quiz_seen(event)
        super().chart_replaced(event)  # type: ignore[misc]

    def _quiz_seen(self, event: TrainEvent) -> None:
        if self._quiz_run is None or self._quiz_run != self.runs_started:  # type: ignore[attr-defined]
            return
        if isinstance(event, StartedEvent):
            self._quiz_reveal(STARTED)
        elif isinstance(event, BatchEvent) and not self._quiz_first_batch:
            self._quiz_first_batch = True
            self._quiz_reveal(FIRST_BATCH, measured=fmt(event.loss))
        elif event.FINAL and not self._quiz_first_batch:
            # the run ended before it showed every number (a failure, a stop): the answers are the engine's anyway
            self._quiz_first_batch = True
            self._quiz_reveal(STARTED, FIRST_BATCH)

    def _quiz_reveal(self, *steps: int, **measured: object) -> None:
        """The verdicts of the questions these events answer, below those told before (each told once)."""
        told = [given for given in self._quiz_given if given.question.step in steps]
        self._quiz_given = [given for given in self._quiz_given if given not in told]
        self._quiz_lines += [given.line(**measured) for given in told]
        self.quiz_panel.reveal(self._quiz_lines)
