"""Predict before reveal in the step lessons' shell, driven through the real app; assertions on what is on screen.

The broadcasting lesson asks first what b (4,) becomes under rule 1 (step 2),
then what shape a + b has (step 3). Expected words come from the catalogues
and expected answers from NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest
from pilot_support import FakeVerifier, run_app, status

from engine.broadcast import broadcast_trace
from engine.broadcast_setup import BroadcastSetup, named_setup
from engine.quiz import AnswerError
from tui.app import TensorTourApp
from tui.cli import parse_args
from tui.i18n import error_text, t
from tui.lesson_file import Note, read_lesson_file
from tui.quiz_events import QuizAnswered
from tui.screens.lesson import StepLesson
from tui.screens.quizzing import teacher_question
from tui.widgets.quiz import QuizPanel

PADDED_B = str(np.zeros(4)[np.newaxis].shape)  # "(1, 4)"
RESULT = str(np.broadcast_shapes((3, 1), (4,)))  # "(3, 4)"
PREPENDED = t("quiz.broadcast.prepended", "en", name="b", shape="(4,)")


class ScoringApp(TensorTourApp):
    """The app with the answers its lessons post, as the course would keep them."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.answers: list[tuple[str, str, bool | None]] = []
        self.verifier = FakeVerifier()

    def on_quiz_answered(self, message: QuizAnswered) -> None:
        self.answers.append((message.lesson, message.question_id, message.correct))


def drive(body, *, lang="en", quiz=True, lesson="broadcast", setup=None, source=None):
    options = ({"setup": setup} if setup else {}) | ({"source": source} if source else {})
    run_app(body, ScoringApp(lang=lang, lesson=lesson, quiz=quiz, **options))


def screen(app) -> StepLesson:
    return next(s for s in app.screen_stack if isinstance(s, StepLesson))


def panel(app) -> QuizPanel:
    return screen(app).query_one(QuizPanel)


def shown(app) -> str:
    """The panel's words as drawn, or "" while it is hidden."""
    box = panel(app)
    if not box.display:
        return ""
    return "\n".join(str(line.render()) for line in box.query("Line") if line.display)


async def answer(pilot, typed: str) -> None:
    await pilot.press(*typed, "enter")
    await pilot.pause()


def test_right_wrong_and_malformed_answers_then_the_reveal():
    async def body(app, pilot):
        await pilot.press("right")  # rule 1 would show b's new shape: asked first
        assert "step 1/8" in status(app) and PREPENDED in shown(app)
        await answer(pilot, "four")
        expected = error_text(AnswerError("answer_shape", got="four"))
        assert expected in shown(app) and panel(app).asking and "step 1/8" in status(app)
        await pilot.press(*["backspace"] * 4)
        await answer(pilot, PADDED_B)
        assert "step 2/8" in status(app)
        assert t("quiz_panel.right", answer=PADDED_B) in shown(app) and "Rule 1 puts 1s in front" in shown(app)
        await pilot.press("right")  # the next step answers the result shape: asked again
        assert "step 2/8" in status(app) and "what shape does a + b have?" in shown(app)
        await answer(pilot, "(4, 3)")
        assert "step 3/8" in status(app)
        assert t("quiz_panel.wrong", given="(4, 3)", answer=RESULT) in shown(app)
        assert "-1: a:1, b:4 → 4; -2: a:3, b:1 → 3" in shown(app)
        assert app.answers == [("broadcast", "prepended", True), ("broadcast", "result_shape", False)]
        await pilot.press("right")
        assert "step 4/8" in status(app) and shown(app) == ""  # the answer goes once the student moves on
        await pilot.press("home", "right", "right")  # answered: not asked again for this setup
        assert "step 3/8" in status(app) and shown(app) == ""

    drive(body)


def test_esc_skips_and_reveals_left_cancels_and_end_stops_before_the_next_question():
    async def body(app, pilot):
        await pilot.press("end")  # stops before the first question on the way
        assert "step 1/8" in status(app) and PREPENDED in shown(app)
        await pilot.press("escape")
        assert "step 2/8" in status(app) and t("quiz_panel.skipped", answer=PADDED_B) in shown(app)
        assert app.answers == [("broadcast", "prepended", None)]
        assert app.screen is screen(app)  # Esc skipped the question, it did not leave the lesson
        await pilot.press("end")
        assert "step 2/8" in status(app) and panel(app).asking
        await pilot.press("left")  # ← cancels: nothing revealed, nothing posted
        assert "step 2/8" in status(app) and shown(app) == "" and len(app.answers) == 1
        await pilot.press("right")  # still unanswered: asked again
        assert panel(app).asking and "what shape does a + b have?" in shown(app)

    drive(body)


def test_esc_skips_even_when_a_click_took_the_focus_from_the_field():
    async def body(app, pilot):
        await pilot.press("right")
        assert panel(app).asking
        screen(app).set_focus(None)  # what a mouse click on the work does
        await pilot.press("escape")
        assert app.screen is screen(app) and "step 2/8" in status(app)
        assert app.answers == [("broadcast", "prepended", None)]
        await pilot.press("escape")  # nothing asked now: Esc leaves the lesson as everywhere
        assert not isinstance(app.screen, StepLesson)

    drive(body)


def test_play_pauses_at_a_question_and_a_new_setup_asks_afresh():
    async def body(app, pilot):
        await pilot.press("space")
        for _ in range(30):
            await pilot.pause(0.1)
            if panel(app).asking:
                break
        assert panel(app).asking and t("step.paused") in status(app) and "step 1/8" in status(app)
        await answer(pilot, PADDED_B)
        await pilot.press("n")  # the next example: its questions, none answered yet
        await pilot.press("home", "right")
        assert panel(app).asking and "b (2,)" in shown(app)

    drive(body)


def test_no_quiz_steps_freely_and_q_still_asks():
    async def body(app, pilot):
        await pilot.press("right", "right")
        assert "step 3/8" in status(app) and shown(app) == ""
        await pilot.press("Q")  # the next question after step 3: how many of a's numbers are copies
        trace = broadcast_trace(BroadcastSetup().spec())
        copies = trace.steps[5].rows[0]
        assert "step 5/8" in status(app) and "how many of its numbers are then copies?" in shown(app)
        await answer(pilot, str(int(np.prod(copies)) - 3))
        assert "step 6/8" in status(app) and t("quiz_panel.right", answer="9") in shown(app)
        await pilot.press("end")
        assert "step 8/8" in status(app)
        await pilot.press("Q")  # none after the last step: the first one, its step shown before it
        assert "step 1/8" in status(app) and PREPENDED in shown(app)
        await pilot.press("escape", "question_mark")
        assert t("keys.quiz_me") in app.export_screenshot().replace("&#160;", " ")

    drive(body, quiz=False)


def test_a_setup_without_questions_says_so_on_q():
    """Two scalars: no axis to pad, compare or copy, so nothing to ask."""

    async def body(app, pilot):
        await pilot.press("Q")
        assert t("quiz_panel.none") in str(screen(app).query_one("#message").render())
        await pilot.press("right", "right")
        assert "step 3/" in status(app)

    drive(body, setup=named_setup(((), ()), "add"))


def test_chinese_asks_in_chinese_with_the_tolerance():
    async def body(app, pilot):
        await pilot.press("right", "right", "right", "right")  # the cursor from x = 0 to x = 1
        words = shown(app)
        assert t("quiz.activations.value", "zh", f="σ", x="1") in words
        assert t("quiz_panel.tolerance", "zh", tolerance="0.01") in words
        await answer(pilot, "0.73")
        assert "✓" in shown(app) and "σ(1) = 1 / (1 + e^(-1)) = 0.7311" in shown(app)

    drive(body, lang="zh", lesson="activations")


TEACHER_FILE = """
format = 1
lesson = "broadcast"
[setup]
shapes = ["3,1", "4"]
[[question]]
step = 2
en = "Which rule lets b join a?"
answer = "rule 1, then 3"
[[question]]
step = 8
en = "What is in row 2, column 3 of a + b?"
answer = 32
"""


def test_a_lesson_files_questions_are_asked_at_their_steps(tmp_path):
    """A number is marked, any other answer shown as the teacher wrote it; neither counts in the course's score."""
    path = tmp_path / "class.toml"
    path.write_text(TEACHER_FILE)
    source = read_lesson_file(path)
    row, column = 2, 3
    in_numpy = (np.arange(1, 4).reshape(3, 1) + np.arange(10, 50, 10))[row - 1, column - 1]

    async def body(app, pilot):
        await pilot.press("right")  # the teacher's question wins step 2 over the lesson's own
        assert "Which rule lets b join a?" in shown(app) and "step 1/8" in status(app)
        await answer(pilot, "rule 3")
        assert t("quiz_panel.open", answer="rule 1, then 3") in shown(app) and "step 2/8" in status(app)
        screen(app).index = 6
        await pilot.press("Q")
        assert "What is in row 2, column 3 of a + b?" in shown(app)
        await answer(pilot, str(in_numpy))
        assert t("quiz_panel.right", answer=str(in_numpy)) in shown(app) and "step 8/8" in status(app)
        assert app.answers == []

    drive(body, setup=source.setup, source=source)


@pytest.mark.parametrize(
    "argv",
    [["--no-quiz", "broadcast"], ["broadcast", "--no-quiz"], ["open", "x.toml", "--no-quiz"]],
)
def test_no_quiz_is_a_display_option_before_or_after_the_lesson(argv):
    assert parse_args(argv).no_quiz is True
    assert parse_args([a for a in argv if a != "--no-quiz"]).no_quiz is False


def test_a_teachers_answer_is_marked_when_it_reads_as_a_number_or_a_shape():
    def made(answer, step=3):
        return teacher_question("conv", 1, Note(step, {"en": "?"}, answer))

    number, marked = made("0.25")
    assert marked and number.kind == "number" and number.tolerance == pytest.approx(0.01) and number.step == 2
    assert made("32")[0].tolerance == 0 and made("1/3")[0].answer == pytest.approx(1 / 3)
    assert made("(3, 4)")[0].answer == (3, 4) and made("(3, 4)")[1]
    assert made("the max wins")[1] is False
    assert made("7", step=None) is None and made("7", step=1) is None and made(None) is None
