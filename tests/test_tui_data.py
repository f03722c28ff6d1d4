"""The DataLoader lesson driven with keys under Pilot, asserting on what is on screen.

Expected batches come from torch's DataLoader itself; torch's refusals are taken
from torch at test time.
"""

from __future__ import annotations

import torch
from fit_support import unseen
from pilot_support import CJK, drive, verification_line
from spec_errors import spec_error
from textual.widgets import Input, Static
from torch.utils.data import DataLoader

from engine.data import DataSpec, data_trace
from engine.data_transform import parse_pixel
from tui.i18n import error_text
from tui.screens.data import DataScreen
from tui.screens.text_dialog import TextDialog
from tui.widgets.grid import Grid
from tui.widgets.keybar import KeyBar


def screen(app) -> DataScreen:
    return next(s for s in app.screen_stack if isinstance(s, DataScreen))


def text(app, selector: str) -> str:
    return str(screen(app).query_one(selector, Static).render())


def rows(app, selector: str = "#batches") -> list[list[str]]:
    return [list(row) for row in screen(app).query_one(selector, Grid)._cells[0]]


def marked(app, selector: str, mark: str) -> set[tuple[int, int, int]]:
    return {cell for cell, kind in screen(app).query_one(selector, Grid).marks.items() if kind == mark}


def torch_batches(size=10, batch_size=4, seed=0, shuffle=True, drop_last=False, epochs=2) -> list[list[list[str]]]:
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    loader = DataLoader(range(size), batch_size=batch_size, shuffle=shuffle, generator=generator, drop_last=drop_last)
    return [[[str(s) for s in batch.tolist()] for batch in loader] for _ in range(epochs)]


def torch_refusal(call) -> str:
    try:
        call()
    except ValueError as error:
        return str(error)
    raise AssertionError("torch accepted it")


def test_steps_walk_the_batches_of_each_epoch_as_torch_yields_them():
    expected = torch_batches()

    async def body(app, pilot):
        assert "step 1/6 · epoch 1/2" in text(app, "#status") and rows(app) == expected[0]
        assert marked(app, "#batches", "current") == {(0, 0, c) for c in range(4)}
        assert marked(app, "#dataset", "current") == {(0, 0, int(s)) for s in expected[0][0]}
        assert text(app, "#batch").startswith(f"epoch 1, i=0: tensor([{', '.join(expected[0][0])}])")
        await pilot.press("right", "l")
        assert "step 3/6" in text(app, "#status") and "2 of 4 samples, 10 of 10 loaded" in text(app, "#batch")
        assert marked(app, "#dataset", "gap") == {(0, 0, int(s)) for batch in expected[0][:2] for s in batch}
        await pilot.press("right")
        assert "epoch 2/2" in text(app, "#status") and rows(app) == expected[1] != expected[0]
        assert screen(app).query_one("#batches", Grid).border_title == "epoch 2/2 · 3 batches"
        assert text(app, "#batch").endswith("loaded by worker 0") and rows(app)[0] == expected[1][0]

    drive(body, lesson="data", setup=DataSpec())


def test_keys_change_the_loader_and_torchs_refusals_keep_the_last_good_one():
    async def body(app, pilot):
        await pilot.press("B")
        assert rows(app) == torch_batches(batch_size=5)[0] and "batch size → 5" in text(app, "#message")
        await pilot.press("b", "b", "b", "b")
        assert "B=1" in text(app, "#status")
        before = text(app, "#status")
        await pilot.press("b")
        words = torch_refusal(lambda: DataLoader(range(10), batch_size=0))
        assert words in text(app, "#message") and text(app, "#status") == before
        await pilot.press("B", "B", "B", "d")  # B=4, drop_last: the short batch becomes the dropped row
        assert rows(app) == [*torch_batches(drop_last=True)[0], rows(app)[-1]] and len(rows(app)[-1]) == 2
        labels = screen(app).query_one("#batches", Grid)._row_labels
        assert labels[-1] == "dropped" and marked(app, "#batches", "pad") == {(0, 2, 0), (0, 2, 1)}
        assert "drop_last: the last 2 samples of each epoch's order are dropped" in text(app, "#aside")
        await pilot.press("s")
        assert rows(app) == [["0", "1", "2", "3"], ["4", "5", "6", "7"], ["8", "9"]] and "in order" in text(
            app, "#status"
        )
        await pilot.press("r")
        assert "no effect while shuffle=False" in text(app, "#message")
        await pilot.press("s", "d")
        assert rows(app) == torch_batches(seed=1)[0]
        await pilot.press("w", "w", "w")
        assert "num_workers option should be non-negative" in text(app, "#message") and "W=0" in text(app, "#status")
        assert screen(app).query_one("#batches", Grid)._row_labels[0] == "i=0"

    drive(body, lesson="data", setup=DataSpec())


def test_views_show_the_transform_workers_and_dataiter_next():
    trace = data_trace(DataSpec())

    async def body(app, pilot):
        await pilot.press("v")
        aside = text(app, "#aside")
        assert all(channel.arithmetic in aside for channel in trace.transform)
        assert "R 255 → 255/255 = 1.0 → (1.0 − 0.5)/0.5 = 1.0" in aside and "transforms.Normalize((0.5" in aside
        await pilot.press("m")
        assert "(0.485, 0.456, 0.406)" in text(app, "#aside") and "2.2489083" in text(app, "#aside")
        await pilot.press("v")
        assert "batch i goes to worker i mod 2" in text(app, "#aside")
        await pilot.press("v")
        iterator = iter(DataLoader(range(4)))
        try:
            iterator.next()
        except AttributeError as error:
            words = str(error).replace("_SingleProcessDataLoaderIter", "_MultiProcessingDataLoaderIter")
        assert f"AttributeError: {words}" in text(app, "#aside")
        first = next(
            iter(DataLoader(range(10), batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(0)))
        )
        assert f"next(dataiter) → tensor({first.tolist()})" in text(app, "#aside")
        await pilot.press("v")
        assert "len(loader) = 3" in text(app, "#aside")

    drive(body, lesson="data", setup=DataSpec())


async def edit(pilot, **typed: str) -> None:
    await pilot.press("e")
    dialog = pilot.app.screen
    assert isinstance(dialog, TextDialog)
    for key, value in typed.items():
        dialog.query_one(f"#edit-{key}", Input).value = value
    dialog.query_one(Input).focus()
    await pilot.pause()
    await pilot.press("enter")


def test_the_edit_dialog_applies_a_loader_and_keeps_bad_text_with_the_reason():
    async def body(app, pilot):
        await edit(pilot, size="23", batch_size="5", seed="7", epochs="3", pixel="0 128 255")
        assert isinstance(app.screen, DataScreen) and "step 1/15 · epoch 1/3 · N=23 B=5" in text(app, "#status")
        assert rows(app) == torch_batches(23, 5, 7, epochs=3)[0]
        before = text(app, "#status")
        for field, typed, cause in (
            ("seed", str(2**64), lambda: DataSpec(seed=2**64)),
            ("pixel", "0 128 256", lambda: parse_pixel("0 128 256")),
        ):
            await edit(pilot, **{field: typed})
            dialog = app.screen
            assert isinstance(dialog, TextDialog) and dialog.query_one(f"#edit-{field}", Input).value == typed
            assert str(dialog.query_one("#edit-error", Static).render()) == error_text(spec_error(cause))
            await pilot.press("escape")
            assert text(app, "#status") == before

    drive(body, lesson="data", setup=DataSpec())


def test_chinese_words_and_torchs_english_refusal():
    async def body(app, pilot):
        assert (
            "第 1/6 步 · 第 1/2 轮" in text(app, "#status")
            and "已打乱" in screen(app).query_one("#batches", Grid).border_subtitle
        )
        assert "打乱" in set(screen(app).query_one(KeyBar).descriptions())
        await pilot.press("w", "w", "w")
        assert CJK.search(text(app, "#message")) and "num_workers option should be non-negative" in text(
            app, "#message"
        )

    drive(body, lesson="data", setup=DataSpec(), lang="zh")


def test_a_large_loader_scrolls_to_the_batch_and_says_what_is_out_of_sight():
    async def body(app, pilot):
        await pilot.press("end")
        for size in ((80, 24), (60, 18)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert unseen(app.screen) == []
        batches = screen(app).query_one("#batches", Grid)
        assert "▴" in batches.border_subtitle and marked(app, "#batches", "current")

    drive(body, lesson="data", setup=DataSpec(size=500, batch_size=16, epochs=3))


def test_verification_line_reports_the_real_dataloader_agrees():
    async def body(app, pilot):
        line = await verification_line(app, pilot)
        assert line == "✓ DataLoader(num_workers=2) + float32 transform agrees: max |Δ| = 0"

    drive(body, lesson="data", setup=DataSpec(), real_verifier=True)
