"""The RNN lesson's language-model page, driven through the real app with Pilot.

A scripted training process (test_tui_rnn.py) stands in for the child, except
in one short real run that must show a sample.
"""

from __future__ import annotations

import pytest
from pilot_support import lesson, status, text
from test_tui_rnn import SAMPLE, STARTED, ScriptedProcess, batch, run
from textual.widgets import Sparkline, Static

from engine.rnn_setup import LM_SECONDS
from tui.screens.rnn import RnnScreen
from tui.widgets.rnn_lm import LanguageModelPane


@pytest.fixture
def scripted(monkeypatch):
    ScriptedProcess.made.clear()
    monkeypatch.setattr(LanguageModelPane, "process_factory", ScriptedProcess)
    return ScriptedProcess.made


async def settle(pilot, times: int = 5) -> None:
    for _ in range(times):
        await pilot.pause(0.02)


def test_g_trains_the_language_model_and_shows_loss_and_samples(scripted):
    async def body(app, pilot):
        await pilot.press("g")
        await settle(pilot)
        screen = lesson(app)
        assert screen.query_one("#lm").display and not screen.query_one("#unroll").display
        assert (
            len(scripted) == 1 and scripted[0].config["dataset"] == "text" and scripted[0].config["model"] == "charrnn"
        )
        assert scripted[0].config["hidden"] == [128] and scripted[0].out is None
        assert "Starting the training process" in text(app, "#lm-status")
        scripted[0].feed(STARTED, batch(1, 3.97, 0.2), batch(2, 3.5, 0.4), SAMPLE)
        await settle(pilot)
        assert text(app, "#lm-model") == "RNN(3, 128) → Linear(128, 3): 30,261 parameters"
        assert text(app, "#lm-data") == "assets/data/sonnets.txt · 107+27 windows × 32"
        assert text(app, "#lm-loss") == "loss 3.5 (first batch 3.97)"
        assert text(app, "#lm-status") == f"▶ epoch 1/200 · step 2 · 0.4 s of {LM_SECONDS:g} s"
        assert screen.query_one("#lm-spark", Sparkline).data == [3.97, 3.5]
        sample = screen.query_one("#lm-sample", Static)
        assert text(app, "#lm-sample") == "Shall I thee to a summer's day" and sample.border_title == "sample at step 2"
        scripted[0].feed(
            {
                "event": "epoch",
                "epoch": 1,
                "train_loss": 3.7,
                "test_loss": 3.25,
                "train_acc": 0.1,
                "test_acc": 0.1,
            }
        )
        await settle(pilot)
        assert text(app, "#lm-loss") == "loss 3.5 (first 3.97) · test loss 3.25"
        before = status(app)
        await pilot.press("right", "space", "u")
        assert status(app) == before and not screen.playing  # the unrolled lesson's keys rest on this page
        await pilot.press("x")
        await settle(pilot)
        assert scripted[0].stopped and "stopped at step 2 after 0.4 s" in text(app, "#lm-status")
        await pilot.press("r")
        await settle(pilot)
        assert len(scripted) == 2 and text(app, "#lm-loss") == "loss: waiting for the first batch"
        assert text(app, "#lm-sample") == "The network's own text appears here as it learns."
        await pilot.press("g")
        await settle(pilot)
        assert scripted[1].stopped and screen.query_one("#unroll").display and not screen.query_one("#lm").display
        await pilot.press("r")
        assert "seed 1" in status(app) and len(scripted) == 2  # r is new weights again

    run(body)


def test_the_run_stops_at_the_time_limit_and_failures_are_shown(scripted):
    async def body(app, pilot):
        await pilot.press("g")
        await settle(pilot)
        scripted[0].feed(STARTED, batch(1, 3.9, 1.0), batch(400, 0.4, LM_SECONDS + 0.05))
        await settle(pilot)
        assert scripted[0].stopped and f"stopped at the {LM_SECONDS:g} s limit, step 400" in text(app, "#lm-status")
        await pilot.press("r")
        await settle(pilot)
        scripted[1].feed(
            {
                "event": "failed",
                "code": "loss_not_finite",
                "params": {"value": "NaN", "epoch": 1, "step": 3, "lr": "0.005"},
                "torch_message": None,
            }
        )
        await settle(pilot)
        assert "training failed" in text(app, "#lm-status") and "NaN" in text(app, "#lm-keys")
        await pilot.press("x")
        assert "Not training" in text(app, "#message")

    run(body)


def test_leaving_the_screen_kills_the_run(scripted):
    async def body(app, pilot):
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RnnScreen) and scripted[0].killed

    run(body)


def test_a_real_short_run_writes_a_sample():
    """The real training child: within seconds the page shows the loss and the network's first sample."""

    async def body(app, pilot):
        await pilot.press("g")
        pane = lesson(app).query_one(LanguageModelPane)
        for _ in range(600):
            if lesson(app).query_one("#lm-sample", Static).border_title:
                break
            await pilot.pause(0.1)
        sample = text(app, "#lm-sample")
        assert lesson(app).query_one("#lm-sample", Static).border_title.startswith("sample at step ")
        assert len(sample) == 8 + 80 and text(app, "#lm-loss").startswith("loss ")
        assert text(app, "#lm-model").startswith("RNN(53, 128) → Linear(128, 53): ")
        process = pane.process
        await pilot.press("x")
        for _ in range(300):  # a loaded machine takes seconds to finish the batch and end the child
            if process.returncode is not None and pane.state == "stopped":
                break
            await pilot.pause(0.1)
        assert (
            pane.state == "stopped" and process.returncode is not None and "stopped at step" in text(app, "#lm-status")
        )

    run(body)
