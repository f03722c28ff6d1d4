"""The perceptron, optimizer and DataLoader questions asked in the real app (quiz on), answered by typing."""

from __future__ import annotations

from pilot_support import drive as pilot_drive
from pilot_support import lesson, text

from engine.data import DataSpec
from engine.perceptron import PerceptronSpec
from tui.i18n import t
from tui.widgets.grid import Grid
from tui.widgets.perceptron_canvas import Canvas


def drive(body, lesson_id: str, setup: object) -> None:
    pilot_drive(body, lesson=lesson_id, setup=setup, quiz=True)


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


def test_data_keeps_epoch_1_ahead_back_and_asks_its_batches():
    async def body(app, pilot):
        screen = lesson(app)
        rows = screen.query_one("#batches", Grid)
        assert "…" in rows.border_title and "len(loader)" not in text(app, "#aside")
        await pilot.press("right")  # stops: batch i=1's shape is the first question
        assert "What shape is the batch tensor of epoch 1, i=1?" in text(app, "#quiz-question")
        await pilot.press("left_parenthesis", "4", "comma", "right_parenthesis", "enter")
        assert text(app, "#quiz-verdict") == t("quiz_panel.right", answer="(4,)")
        await pilot.press("right")
        assert "how many batches does one epoch give?" in text(app, "#quiz-question")
        assert "len(loader)" not in text(app, "#aside") and "3 batches" not in rows.border_title
        await pilot.press("3", "enter")
        assert text(app, "#quiz-verdict") == t("quiz_panel.right", answer="3")
        assert "len(loader) = 3" in text(app, "#aside") and "3 batches" in rows.border_title
        await pilot.press("right")
        assert "Will its first batch be [3, 7, 5, 2] again" in text(app, "#quiz-question")
        await pilot.press("2", "enter")
        assert text(app, "#quiz-verdict") == t("quiz_panel.right", answer="2 (a different batch)")

    drive(body, "data", DataSpec())
