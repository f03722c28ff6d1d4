"""The perceptron, optimizer and DataLoader questions asked in the real app (quiz on), answered by typing."""

from __future__ import annotations

import asyncio

from pilot_support import FakeVerifier, lesson, text

from engine.data import DataSpec
from engine.perceptron import PerceptronSpec
from tui.app import TensorTourApp
from tui.i18n import set_language, t
from tui.widgets.perceptron_canvas import Canvas


def drive(body, lesson_id: str, setup: object) -> None:
    async def main():
        app = TensorTourApp(lesson=lesson_id, quiz=True, setup=setup)
        app.verifier = FakeVerifier()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await body(app, pilot)

    try:
        asyncio.run(main())
    finally:
        set_language("en")


def test_perceptron_hides_the_inputs_ahead_until_they_are_predicted():
    async def body(app, pilot):
        table = lesson(app).query_one("#table", Canvas)
        assert [row.split()[2:4] for row in table.text().splitlines()[1:]] == [["-0.7", "0"]] + [["?", "?"]] * 3
        assert "of 4 rows right" not in text(app, "#notes")
        await pilot.press("right")
        assert "At x = (1, 0), what is the sum" in text(app, "#quiz-question")
        assert lesson(app).index == 0
        await pilot.press("minus", "0", "full_stop", "2", "enter")
        assert lesson(app).index == 1 and table.text().splitlines()[2].split()[2:4] == ["-0.2", "0"]
        assert text(app, "#quiz-verdict") == t("quiz_panel.right", answer="-0.2")
        assert text(app, "#quiz-why") == "Σ = 0.5·1 + 0.5·0 + (-0.7) = -0.2 ≤ 0 → y = 0"
        await pilot.press("right")
        assert "y = 0 or y = 1" in text(app, "#quiz-question")
        await pilot.press("2", "enter")  # it does not fire at (0, 1)
        assert text(app, "#quiz-verdict").startswith("✗")
        await pilot.press("right", "escape")  # skipped: the last input shows, and the score with it
        assert lesson(app).index == 3 and "4 of 4 rows right" in text(app, "#notes")

    drive(body, "perceptron", PerceptronSpec("and"))


def test_data_asks_for_a_batch_shape():
    async def body(app, pilot):
        await pilot.press("end")  # stops before the first question's step
        assert "How many of the 10 samples" in text(app, "#quiz-question")
        await pilot.press("1", "0", "enter", "end")
        assert "Will its first batch be" in text(app, "#quiz-question")
        await pilot.press("escape", "end")
        assert "What shape is the batch tensor of epoch 2, i=2?" in text(app, "#quiz-question")
        await pilot.press("left_parenthesis", "2", "comma", "right_parenthesis", "enter")
        assert text(app, "#quiz-verdict") == t("quiz_panel.right", answer="(2,)")

    drive(body, "data", DataSpec())
