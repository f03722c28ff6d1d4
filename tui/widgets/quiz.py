"""The question box every screen asks with: predict, then see the engine's answer and why.

Reusable by any screen (the step lessons' shell, the training screen). The API:

- compose a `QuizPanel(id=...)` (hidden until asked) where the question should
  appear, in the screen's normal flow rather than docked over scrolling content
  (the step lessons put it under the work, above the key bar);
- `panel.ask(question)` shows an engine `Question` (engine/quiz.py) in the
  student's language: its choices numbered 1..n, or the tolerance of a number,
  and a field that takes the focus (`words=` / `why=` replace the catalogue's,
  `open_answer=` asks without marking: a teacher's answer in words);
- `panel.question` is what is on show (None while hidden), `panel.asking`
  whether the field still waits;
- Enter marks what was typed (`engine.quiz.mark`): a malformed answer keeps the
  question open with what is expected; a right or wrong one shows ✓ or ✗, the
  engine's answer and the `_why` explanation, and posts `QuizPanel.Answered`;
- Esc shows the answer unmarked and posts `QuizPanel.Skipped`; ← at the start of
  the field posts `QuizPanel.Cancelled` (nothing shown: the question stays unasked);
- `panel.close()` hides it again (a screen does so once the student moves on).

The panel never changes the screen it is on: the screen decides what to reveal
on each message (the step lessons go to the question's step) and whether to
post `tui.quiz_events.QuizAnswered` for the course's score.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from engine.errors import SpecError
from engine.numbers import fmt
from engine.quiz import Question, answer_text, mark
from tui.i18n import error_text, t, visible
from tui.keys import translate_bindings
from tui.widgets.text import Line

GIVEN_LIMIT = 40  # characters of the student's answer quoted back beside the right one


def option_label(question: Question, index: int) -> str:
    """A choice's words: a catalogue key under `quiz.<lesson>.` or a literal label."""
    option = question.choices[index]
    return t(f"quiz.{question.lesson}.{option}") if question.choice_keys else option


def question_text(question: Question, words: str | None = None) -> str:
    """What is asked (the catalogue's words, or `words` given), with the tolerance a number is marked within
    (none stated for an exact one)."""
    asked = t(question.key, **question.params) if words is None else words
    if question.kind == "number" and question.tolerance > 0:
        asked += " " + t("quiz_panel.tolerance", tolerance=fmt(question.tolerance))
    return asked


def choices_text(question: Question) -> str:
    return "\n".join(f"{n} {option_label(question, n - 1)}" for n in range(1, len(question.choices) + 1))


def revealed_answer(question: Question) -> str:
    """The engine's answer as the reveal writes it: `6`, `(3, 4)`, or `2 (no)` for a choice."""
    if question.kind == "choice":
        label = option_label(question, int(question.answer))  # type: ignore[arg-type]
        return t("quiz_panel.choice_answer", number=answer_text(question), label=label)
    return answer_text(question)


class PanelLine(Line):
    """A line of the panel: laid out again on every change. The panel is often hidden when its text changes (a
    hidden Line measures nothing), and one question is seldom as tall as the one before; it changes once per
    question, not per step, so the layout costs nothing that matters."""

    def show(self, text: str | Text) -> None:
        super().show(text)
        self.refresh(layout=True)


class AnswerField(Input):
    """The answer's field: ← with the cursor at its start (nothing to move past) cancels the question.

    Focusable only while a question waits, so a screen's auto-focus never hands it the lesson's keys.
    """

    can_focus = False

    def action_cursor_left(self, select: bool = False) -> None:
        if self.cursor_position == 0 and not select and isinstance(self.parent, QuizPanel):
            self.parent.cancel()
        else:
            super().action_cursor_left(select)


class QuizPanel(Vertical):
    """One question at a time: asking (the field has the focus), then told (✓/✗ or skipped, and why)."""

    DEFAULT_CSS = """
    QuizPanel {
        display: none; height: auto; border: round $accent; padding: 0 1;
        border-title-style: bold; border-subtitle-color: $text-muted;
        & > Line { height: auto; }
        & > #quiz-question { text-style: bold; }
        & > #quiz-error { color: $error; text-style: bold; display: none; }
        & > #quiz-verdict { text-style: bold reverse; display: none; }
        & > #quiz-why { display: none; }
        & > Input, & > Input:focus { border: none; height: 1; padding: 0 1; }
        & > Input:focus { background: $boost; }
    }
    """

    BINDINGS = [
        Binding("escape", "skip", "keys.quiz_skip", key_display="Esc"),
    ]

    class Answered(Message):
        """A well-formed answer, marked: `correct` is the verdict (None: an open question, shown not marked);
        `typed` what the student wrote."""

        def __init__(self, question: Question, correct: bool | None, typed: str) -> None:
            super().__init__()
            self.question, self.correct, self.typed = question, correct, typed

    class Skipped(Message):
        """Esc: the answer is shown, unmarked."""

        def __init__(self, question: Question) -> None:
            super().__init__()
            self.question = question

    class Cancelled(Message):
        """← at the start of the field: nothing shown, the question stays unanswered."""

        def __init__(self, question: Question) -> None:
            super().__init__()
            self.question = question

    question: Question | None = None
    """The question on show (asking or told); None while hidden."""
    asking = False
    """True while the field waits for an answer; False once it is marked, skipped or closed."""
    _why: str = ""
    _open_answer: str | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield PanelLine(id="quiz-question", markup=False)
        yield PanelLine(id="quiz-choices", markup=False)
        yield AnswerField(id="quiz-answer")
        yield PanelLine(id="quiz-error", markup=False)
        yield PanelLine(id="quiz-verdict", markup=False)
        yield PanelLine(id="quiz-why", markup=False)

    def ask(
        self,
        question: Question,
        *,
        words: str | None = None,
        why: str | None = None,
        open_answer: str | None = None,
    ) -> None:
        """Show `question` with an empty field and give the field the focus.

        `words` and `why` replace the catalogue's (a teacher's question from a lesson file).
        With `open_answer` nothing is marked: Enter shows that answer and posts Answered
        with `correct` None (a teacher's answer that is neither a number nor a shape).
        """
        self.question, self.asking = question, True
        self._why = t(question.why_key, **question.params) if why is None else why
        self._open_answer = open_answer
        self.border_title = t("quiz_panel.title")
        self.border_subtitle = t("quiz_panel.hint")
        self._show("#quiz-question", question_text(question, words) if open_answer is None else words or "")
        self._show("#quiz-choices", choices_text(question) if question.kind == "choice" else "")
        field = self.query_one("#quiz-answer", Input)
        kind = question.kind if open_answer is None else "open"
        field.placeholder = t(f"quiz_panel.placeholder_{kind}", count=len(question.choices))
        field.value = ""
        field.display = field.can_focus = True
        for name in ("#quiz-error", "#quiz-verdict", "#quiz-why"):
            self.query_one(name).display = False
        self.display = True
        field.focus()

    def close(self) -> None:
        """Hide the panel and give the focus back to the screen, so its keys work again."""
        self.question, self.asking = None, False
        self.display = self.query_one("#quiz-answer").can_focus = False
        if self.screen.focused is not None and self in self.screen.focused.ancestors_with_self:
            self.screen.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.asking or self.question is None:
            return
        question = self.question
        if self._open_answer is not None:
            self._tell(t("quiz_panel.open", answer=self._open_answer))
            self.post_message(self.Answered(question, None, event.value))
            return
        try:
            verdict = mark(question, event.value)
        except SpecError as error:
            self._show("#quiz-error", error_text(error))
            return
        words = "quiz_panel.right" if verdict.correct else "quiz_panel.wrong"
        self._tell(t(words, answer=revealed_answer(question), given=visible(event.value.strip(), GIVEN_LIMIT)))
        self.post_message(self.Answered(question, verdict.correct, event.value))

    def action_skip(self) -> None:
        if self.asking and self.question is not None:
            question = self.question
            answer = revealed_answer(question) if self._open_answer is None else self._open_answer
            self._tell(t("quiz_panel.skipped", answer=answer))
            self.post_message(self.Skipped(question))

    def cancel(self) -> None:
        if self.asking and self.question is not None:
            self.post_message(self.Cancelled(self.question))

    def _show(self, selector: str, text: str) -> None:
        """A line of the panel shown with `text`, hidden when there is none."""
        line = self.query_one(selector, Line)
        line.display = bool(text)
        line.show(text)

    def _tell(self, verdict: str) -> None:
        """The field goes, the verdict and the explanation with the numbers come; the focus returns to the screen."""
        assert self.question is not None
        self.asking = False
        for name in ("#quiz-error", "#quiz-choices"):
            self.query_one(name).display = False
        field = self.query_one("#quiz-answer", Input)
        field.display = field.can_focus = False
        self._show("#quiz-verdict", verdict)
        self._show("#quiz-why", self._why)
        self.border_subtitle = ""
        self.screen.set_focus(None)
