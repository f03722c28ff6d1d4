"""The runs page under Pilot: the list, two runs marked and overlaid, delete asks first."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pilot_support import run_app
from textual.widgets import DataTable, Static

from tests.runs_support import mixed_runs
from tui.app import TensorTourApp
from tui.screens.runs import ConfirmDelete, RunsScreen
from tui.widgets.runs_chart import RunsChart


def drive_runs(root: Path, body, lang: str = "en") -> None:
    run_app(body, TensorTourApp(lang=lang, runs_dir=str(root)), real_verifier=True)


def words(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_list_mark_two_overlay_then_delete_asks(tmp_path):
    runs = mixed_runs(tmp_path)

    async def body(app, pilot):
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 5
        cells = [" ".join(map(str, table.get_row_at(index))) for index in range(5)]
        assert "lr=0.001" in cells[1] and "half-written" in cells[0] and "not a run" in cells[4]
        await pilot.press("c")
        assert "two or more" in words(app, "#runs-message")
        await pilot.press("down", "space", "down", "space", "c")
        await pilot.pause()
        assert "Comparing 2 runs" in words(app, "#runs-message")
        legend = words(app, "#legend")
        assert "1 20260101-110000" in legend and "2 20260101-100000" in legend
        loss = screen.query_one("#loss-overlay", RunsChart)
        assert [curve.marker for curve in loss.curves] == ["1", "2"]
        assert [len(curve.values) for curve in loss.curves] == [3, 3]
        assert screen.query_one("#acc-overlay", RunsChart).curves[1].values == [0.5, 0.7, 0.9]
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDelete)
        assert "Delete" in words(app, "#question")
        await pilot.press("n")
        assert runs["a"].exists() and "Kept" in words(app, "#runs-message")
        await pilot.press("d", "y")
        await pilot.pause()
        assert not runs["a"].exists() and table.row_count == 4
        assert "20260101-090000" in str(table.get_row_at(table.cursor_row))  # the row after the deleted one
        await pilot.press("down", "d", "y")  # the last row is no run: asked, then refused
        await pilot.pause()
        assert runs["foreign"].exists() and "not a run's own" in words(app, "#runs-message")

    drive_runs(tmp_path, body)


def test_chinese_list(tmp_path):
    mixed_runs(tmp_path)

    async def body(app, pilot):
        cells = " ".join(map(str, app.screen.query_one(DataTable).get_row_at(0)))
        assert "未写完" in cells
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"

    drive_runs(tmp_path, body, lang="zh")


def test_the_palette_opens_the_runs_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mixed_runs(tmp_path / "runs")

    async def main():
        app = TensorTourApp(lang="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p", *"past runs")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, RunsScreen) and app.screen.query_one(DataTable).row_count == 5

    asyncio.run(main())


def test_l_on_the_training_form_opens_the_runs_page_and_esc_returns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mixed_runs(tmp_path / "runs")

    async def main():
        app = TensorTourApp(lang="en", lesson="train")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, RunsScreen) and app.screen.root == Path("runs")
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "TrainScreen"

    asyncio.run(main())
