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

A lesson file's `[[question]]`s with a step and an answer are asked the same
way, while the setup on screen is the file's own (teacher_question); they are
not posted for the course's score.

The screen mixing this in provides `LESSON`, `setup`, `trace`, `step_count`,
`index`, `say` and `_stop_playing`, and composes one `QuizPanel(id="quiz")`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from engine.quiz import AnswerError, Question, asked_before, parse_number, parse_shape
from tui.i18n import t
from tui.lesson_file import Note
from tui.lessons import lesson as registered
from tui.lessons import lesson_flags
from tui.quiz_events import QuizAnswered
from tui.widgets.quiz import QuizPanel


def lesson_questions(lesson_id: str, setup: object, trace: Any) -> tuple[Question, ...]:
    """The questions `engine/<lesson>_quiz.py` asks about this setup and trace; none where it has no such module."""
    try:
        module = registered(lesson_id).quiz
    except ModuleNotFoundError as error:
        if error.name != f"engine.{lesson_id}_quiz":
            raise
        return ()
    return asked_before(tuple(module.questions(setup, trace)), trace.step_count)


FILE_ID = "file-"  # a lesson file's question n is `file-n`: never a bank question's id, never posted for the score


def teacher_question(lesson_id: str, number: int, note: Note) -> tuple[Question, bool] | None:
    """A lesson file's `[[question]]` as asked at its step (1-based in the file), or None where it has no step
    to stop before or no answer. (question, marked): an answer that reads as a number (right within one unit of
    its last decimal) or a shape is marked; any other is shown as the teacher wrote it."""
    if note.step is None or note.step < 2 or note.answer is None:
        return None
    ask = {"lesson": lesson_id, "id": f"{FILE_ID}{number}", "step": note.step - 1}
    text = note.answer.strip()
    try:
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
        return Question(
            **ask, kind="number", answer=parse_number(text), tolerance=10.0**-decimals if decimals else 0.0
        ), True
    except AnswerError:
        pass
    try:
        return Question(**ask, kind="shape", answer=parse_shape(text)), True
    except AnswerError:
        return Question(**ask, kind="number", answer=0.0), False


def _same(first: object, second: object) -> bool:
    """Setups compared by value; one whose `==` cannot say (arrays inside) counts as changed."""
    try:
        return bool(first == second)
    except (TypeError, ValueError):
        return False


class Quizzing:
    """The quiz half of StepLesson: which question the next forward move meets, and what an answer reveals."""

    LESSON: ClassVar[str] = ""

    _quiz_trace: object = None
    _quiz_setup: object = None
    _quiz_questions: tuple[Question, ...] = ()
    _quiz_done: frozenset[str] = frozenset()

    @property
    def quiz_questions(self) -> tuple[Question, ...]:
        """This trace's questions, one per step, sorted by step; a changed setup forgets what was answered."""
        if self._quiz_trace is not self.trace:
            if not _same(self._quiz_setup, self.setup):
                self._quiz_done = frozenset()
            self._quiz_trace, self._quiz_setup = self.trace, self.setup
            teachers = self._teacher_questions()
            bank = lesson_questions(self.LESSON, self.setup, self.trace)
            # the teacher's question wins a step both ask at (asked_before keeps the first listed)
            self._quiz_questions = asked_before(tuple(teachers) + bank, self.step_count)
        return self._quiz_questions

    _quiz_notes: dict[str, tuple[Note, bool]] = {}
    """A lesson file's questions by id: the teacher's words, and whether the answer is marked."""

    def _teacher_questions(self) -> list[Question]:
        """The lesson file's questions while the setup on screen is still the file's own (another may not fit)."""
        source = getattr(self, "source", None)
        self._quiz_notes = {}
        if source is None:
            return []
        flags_of = lesson_flags(self.LESSON).flags_of
        if flags_of(self.setup) != flags_of(source.setup):
            return []
        asked = []
        for number, note in enumerate(source.questions, start=1):
            made = teacher_question(self.LESSON, number, note)
            if made is not None:
                asked.append(made[0])
                self._quiz_notes[made[0].id] = (note, made[1])
        return asked

    @property
    def quiz_panel(self) -> QuizPanel:
        return self.query_one("#quiz", QuizPanel)

    def forward_to(self, target: int) -> int:
        """Where a forward move to `target` stops: the step before the first unanswered question on the way, which
        is then asked; `target` itself when there is none (or the quiz is off, or the move is not forward)."""
        start = self.index
        if not getattr(self.app, "quiz_on", False) or target <= start:
            return target
        for question in self.quiz_questions:
            if start < question.step <= target and question.id not in self._quiz_done:
                self._ask(question)
                return question.step - 1
        return target

    def action_back(self) -> None:
        """Esc skips a question being asked wherever the focus is (a click may have taken it from the field);
        otherwise it goes back to the lesson list."""
        if self.quiz_panel.asking:
            self.quiz_panel.action_skip()
        else:
            self.app.action_back()

    def action_quiz_me(self) -> None:
        """The next question after the current step, else the first one; its step's predecessor is shown to ask."""
        questions = self.quiz_questions
        if not questions:
            self.say(t("quiz_panel.none"))
            return
        following = [question for question in questions if question.step > self.index]
        question = following[0] if following else questions[0]
        self.index = question.step - 1
        self._ask(question)

    def _ask(self, question: Question) -> None:
        self._stop_playing()
        if question.id not in self._quiz_notes:
            self.quiz_panel.ask(question)
            return
        note, marked = self._quiz_notes[question.id]
        if marked:
            self.quiz_panel.ask(question, words=note.text(), why="")
        else:
            self.quiz_panel.ask(question, words=note.text(), why="", open_answer=note.answer)

    def quiz_follow_step(self) -> None:
        """After every step drawn: a question stays while its step's predecessor is shown, an answer while its step
        is; moving elsewhere (a click took the focus, then a key) puts either away."""
        panel = self.quiz_panel
        if panel.question is not None:
            shown_at = panel.question.step - 1 if panel.asking else panel.question.step
            if self.index != shown_at:
                panel.close()

    def quiz_setup_changed(self) -> None:
        """A new setup: its questions differ, so whatever the panel shows goes (there is none before compose)."""
        for panel in self.query(QuizPanel):
            panel.close()

    def on_quiz_panel_answered(self, event: QuizPanel.Answered) -> None:
        self._reveal(event.question, event.correct)

    def on_quiz_panel_skipped(self, event: QuizPanel.Skipped) -> None:
        self._reveal(event.question, None)

    def on_quiz_panel_cancelled(self, event: QuizPanel.Cancelled) -> None:
        self.quiz_panel.close()

    def _reveal(self, question: Question, correct: bool | None) -> None:
        self._quiz_done = self._quiz_done | {question.id}
        self.index = question.step
        if question.id not in self._quiz_notes:
            self.post_message(QuizAnswered(question.lesson, question.id, correct))
