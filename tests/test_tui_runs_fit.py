"""The runs page at 80 columns: the table fits, a cut cell says so and the detail line says it whole; a adds epochs
to a run, asking how many and refusing what is no count."""

from __future__ import annotations

from rich.cells import cell_len
from test_tui_runs import drive_runs, words
from textual.widgets import DataTable, Input

from engine.train.config import TrainConfig
from tests.runs_support import fake_run, mixed_runs
from tui.screens.runs_more import AskMoreEpochs

LONG = TrainConfig(dataset="fashion-mnist", model="simplecnn", epochs=10, lr=0.003, optimizer="sgd", batch_size=128)


def test_the_table_fits_80_columns_and_the_detail_line_says_what_was_cut(tmp_path):
    mixed_runs(tmp_path)
    fake_run(tmp_path, "20261205-180000", LONG, [0.7, 0.8])

    async def body(app, pilot):
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= 80 - 2  # no sideways scrolling beside the scrollbar's room
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[1] == "20261205-180000" and first[2] == "fashion-mnist"
        assert first[-1].endswith("…") and cell_len(first[-1]) <= 14
        detail = words(app, "#run-detail")
        assert "optimizer=sgd lr=0.003 batch_size=128" in detail and str(tmp_path / "20261205-180000") in detail
        await pilot.press("down")
        assert words(app, "#run-detail").startswith("moons · mlp · half-written · defaults · ")

    drive_runs(tmp_path, body)


def test_a_asks_how_many_epochs_refuses_what_is_no_count_and_resumes_to_the_new_total(tmp_path):
    fake_run(tmp_path, "20260101-100000", TrainConfig(dataset="xor", epochs=3), [0.5, 0.7, 0.9])
    opened = []

    async def body(app, pilot):
        app.open_lesson = lambda lesson, setup: opened.append((lesson, setup))
        await pilot.press("a")
        assert isinstance(app.screen, AskMoreEpochs)
        assert "has trained 3 of its 3 epochs. How many epochs to add after those 3?" in words(app, "#more-question")
        field = app.screen.query_one(Input)
        for typed, said in (("0", "from 1 to 10000"), ("two", "must be a number"), ("2.5", "whole number")):
            field.value = typed
            await pilot.press("enter")
            assert isinstance(app.screen, AskMoreEpochs) and said in words(app, "#more-refused")
        await pilot.press("escape")
        assert "No epochs added" in words(app, "#runs-message") and opened == []
        await pilot.press("a")
        app.screen.query_one(Input).value = "4"
        await pilot.press("enter")
        ((lesson, setup),) = opened
        assert lesson == "train" and setup.start and setup.changes == {"epochs": 7}
        assert setup.resume == str((tmp_path / "20260101-100000").absolute())  # the engine side of a resume with
        # more epochs (a finished run trains on) is tests/test_train_settings.py's --resume … --epochs 5

    drive_runs(tmp_path, body)
