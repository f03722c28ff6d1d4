"""The training lesson's quiz and a lesson file's narration, driven through the real app with Pilot.

The quiz test trains for real (xor, a few seconds, most of it torch's import in
the child): the answers typed before the run are marked when the run shows the
numbers. The narration test feeds recorded events, as test_tui_train.py does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pilot_support import drive
from test_tui_train import XOR, batch, epoch, feed, run, screen, started, text, until
from textual.widgets import Input

from engine.train.setup import TrainSetup
from engine.train_quiz import questions
from tui.app import TensorTourApp
from tui.i18n import t
from tui.lesson_file import read_lesson_file
from tui.quiz_events import QuizAnswered
from tui.screens.train_quiz import Given

FAILED = {"event": "failed", "code": "train_runtime_error", "params": {}, "torch_message": "boom"}
LESSON_FILE = """
lesson = "train"

[setup]
dataset = "xor"
hidden = "8"
epochs = 3
batch-size = 64
threads = 1

[[narration]]
step = 1
en = "Epoch one: the boundary is still a guess."
zh = "第 1 轮：决策边界还只是猜测。"

[[narration]]
step = 2
en = "Epoch two: watch the loss fall."
zh = "第 2 轮：看损失下降。"
"""


class ScoringApp(TensorTourApp):
    """The app with the quiz on, keeping the answers its lessons post, as the course would."""

    def __init__(self, **options: object) -> None:
        super().__init__(quiz=True, **options)
        self.answers: list[tuple[str, str, bool | None]] = []

    def on_quiz_answered(self, message: QuizAnswered) -> None:
        self.answers.append((message.lesson, message.question_id, message.correct))


def drive_scoring(body, setup: TrainSetup, size: tuple[int, int] = (80, 24)) -> None:
    async def main():
        app = ScoringApp(lesson="train", setup=setup)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await body(app, pilot)

    asyncio.run(main())


def test_answers_typed_before_a_real_run_are_marked_when_it_shows_the_numbers(tmp_path):
    batches, parameters, first_loss = questions(XOR)
    assert (batches.answer, parameters.answer) == (13, 42)  # ⌈800/64⌉; (2·8 + 8) + (8·2 + 2)

    async def body(app, pilot):
        train = screen(app)
        train.query_one("#field-lr", Input).focus()
        await pilot.press("enter")
        assert train.state == "form" and train.process is None
        assert "How many batches does one epoch take?" in text(app, "#quiz-question")
        await pilot.press("x")  # not a number: refused, the question stays
        await pilot.press("enter")
        assert text(app, "#quiz-error") == t("error.answer_number", got="x")
        await pilot.press("backspace", "1", "3", "enter")
        assert "How many parameters" in text(app, "#quiz-question") and train.process is None
        await pilot.press("4", "0", "enter")
        assert "cross-entropy loss" in text(app, "#quiz-question")
        await pilot.press("escape")
        await until(pilot, lambda: "measured" in text(app, "#quiz-verdict"))
        shown = text(app, "#quiz-verdict")
        assert t("quiz_panel.right", answer="13") in shown
        assert t("quiz_panel.wrong", given="40", answer="42") in shown and "(2·8 + 8) + (8·2 + 2)" in shown
        assert t("quiz_panel.skipped", answer="0.6931") in shown and "ln 2 = 0.6931" in shown
        assert "batch 0/13" in text(app, "#progress") or "/13" in text(app, "#progress")
        train.runs.kill_now()  # the run has shown what the quiz needed
        await until(pilot, lambda: train.process.returncode is not None, 5)
        assert app.answers == [
            ("train", "batches", True),
            ("train", "parameters", False),
            ("train", "first_loss", None),
        ]

    drive_scoring(body, TrainSetup(XOR, out=str(tmp_path / "run")))


@pytest.mark.parametrize("size", [(60, 18), (200, 50)])
def test_the_question_fits_the_smallest_and_a_large_screen(size):
    async def body(app, pilot):
        train = screen(app)
        train.query_one("#field-lr", Input).focus()
        await pilot.press("enter")
        panel, field = train.query_one("#quiz"), train.query_one("#quiz-answer")
        assert panel.display and app.focused is field
        assert panel.region.bottom <= size[1] - 1 and panel.region.right <= size[0]  # above the key bar
        assert field.region.height == 1 and field.region.bottom <= panel.region.bottom
        assert "How many batches does one epoch take?" in text(app, "#quiz-question").replace("\n", " ")

    drive_scoring(body, TrainSetup(XOR), size)


def test_without_the_quiz_start_asks_nothing():
    async def body(app, pilot):
        assert not app.quiz_on
        assert not screen(app).quiz_before_run(XOR)
        assert not screen(app).query_one("#quiz").display

    run(body)


def write_lesson_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def lesson_file(tmp_path: Path):
    return read_lesson_file(write_lesson_file(tmp_path, LESSON_FILE))


def test_narration_steps_are_epochs_shown_as_each_starts(tmp_path):
    source = lesson_file(tmp_path)

    async def body(app, pilot):
        train = screen(app)
        narration = train.query_one("#narration")
        feed(app, XOR, [started(XOR, "points", ["blue", "orange"])])
        await pilot.pause()
        assert narration.display and text(app, "#narration") == "Epoch one: the boundary is still a guess."
        feed(app, XOR, [batch(1, 13, 0.7), epoch(1, 0.69, 0.68, 0.5)])
        await pilot.pause()
        assert text(app, "#narration") == "Epoch two: watch the loss fall."
        feed(app, XOR, [epoch(2, 0.6, 0.6, 0.6)])  # epoch 3 has no words: epoch 2's stay
        await pilot.pause()
        assert text(app, "#narration") == "Epoch two: watch the loss fall."
        assert "narrates epoch" not in text(app, "#message")

    drive(body, lesson="train", setup=source.setup, source=source)


def test_narration_for_an_epoch_the_run_never_reaches_is_said(tmp_path):
    source = read_lesson_file(write_lesson_file(tmp_path, LESSON_FILE.replace("epochs = 3", "epochs = 1")))

    async def body(app, pilot):
        config = source.setup.config
        feed(app, config, [started(config, "points", ["blue", "orange"])])
        await pilot.pause()
        assert text(app, "#message") == t("train_narration.unused", step=2, total=1)

    drive(body, lesson="train", setup=source.setup, source=source)


def test_narration_waits_while_the_run_is_not_the_files(tmp_path):
    source = lesson_file(tmp_path)
    changed = XOR.with_changes(epochs=4)

    async def body(app, pilot):
        feed(app, changed, [started(changed, "points", ["blue", "orange"])])
        await pilot.pause()
        assert not screen(app).query_one("#narration").display

    drive(body, lesson="train", setup=source.setup, source=source, lang="zh")


def test_a_run_that_fails_before_its_numbers_still_tells_the_answers():
    """The verdicts wait for events; a run that ends first (here a failure event) tells them all at once."""
    config = XOR

    async def body(app, pilot):
        train = screen(app)
        asked = questions(config)
        train._quiz_given = [Given(asked[0], True, "13"), Given(asked[2], None, "")]
        train._quiz_run, train._quiz_lines, train._quiz_first_batch = train.runs_started, [], False
        feed(app, config, [FAILED])
        await pilot.pause()
        shown = text(app, "#quiz-verdict")
        assert t("quiz_panel.right", answer="13") in shown and t("quiz_panel.skipped", answer="0.6931") in shown

    run(body)
