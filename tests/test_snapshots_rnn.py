"""Snapshots of the RNN lesson at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_rnn.py --snapshot-update` and look at the SVGs.
The torch check is a fake with a fixed verdict and the language model's
training process a scripted one, so every run draws the same screen.
"""

from __future__ import annotations

import pytest
from pilot_support import SIZE, make_app, verified
from test_tui_rnn import SAMPLE, STARTED, ScriptedProcess, batch

from engine.rnn_setup import RnnSetup
from tui.widgets.rnn_lm import LanguageModelPane

EPOCH = {
    "event": "epoch",
    "epoch": 1,
    "train_loss": 3.61,
    "test_loss": 3.25,
    "train_acc": 0.1,
    "test_acc": 0.12,
}
LOSSES = (3.97, 3.71, 3.42, 3.3, 3.12, 2.95, 2.9, 2.71, 2.66, 2.5, 2.43, 2.41)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rnn_unrolled(snap_compare, lang):
    """`tensortour rnn`, five units in: h2[1] from x2, h1 and row 1 of the weights."""
    app = make_app(lang, "rnn", setup=RnnSetup())
    assert snap_compare(app, press=["right"] * 4, terminal_size=SIZE, run_before=verified)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rnn_language_model(snap_compare, lang, monkeypatch):
    """`g`: the language model page with a scripted run (loss, sparkline, a sample)."""
    ScriptedProcess.made.clear()
    monkeypatch.setattr(LanguageModelPane, "process_factory", ScriptedProcess)

    async def train(pilot) -> None:
        await verified(pilot)
        await pilot.press("g")
        await pilot.pause(0.1)
        ScriptedProcess.made[-1].feed(
            STARTED,
            *(batch(step, loss, step * 0.25) for step, loss in enumerate(LOSSES, 1)),
            EPOCH,
            SAMPLE,
        )
        for _ in range(10):
            await pilot.pause(0.05)

    app = make_app(lang, "rnn", setup=RnnSetup())
    assert snap_compare(app, terminal_size=SIZE, run_before=train)
