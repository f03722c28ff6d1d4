"""The RNN lesson driven through the real app with Pilot; assertions on what is on screen.

Expected numbers come from engine (itself checked against torch.nn.RNN in
test_rnn_engine.py). The language-model page's tests (test_tui_rnn_lm.py and the
snapshots) use the scripted training process defined here.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from pilot_support import CJK, AppHost, drive, grid, lesson, one_app_fuzz, status, text
from textual.widgets import Input, Static

from engine.errors import SpecError
from engine.matrix import parse_matrix
from engine.numbers import fmt
from engine.rnn import FORMULA, rnn_trace
from engine.rnn_setup import RnnSetup, parse_count, seeded_weights
from engine.train.events import event_from_json
from tui.i18n import error_text
from tui.screens.rnn import RnnScreen
from tui.screens.text_dialog import TextDialog
from tui.widgets.keybar import KeyBar

DEFAULT = RnnSetup()


def run(body, setup: RnnSetup = DEFAULT, **options) -> None:
    drive(body, lesson="rnn", setup=setup, **options)


def cells(g) -> list[list[str]]:
    return [list(row) for row in g._cells[0]]


def shown(matrix) -> list[list[str]]:
    return [[fmt(v) for v in row] for row in np.atleast_2d(matrix)]


def test_grids_and_step_keys_walk_unit_by_unit_marking_what_each_uses():
    trace = rnn_trace(DEFAULT.spec())

    spec = trace.spec

    async def body(app, pilot):
        assert cells(grid(app, "#x")) == shown(spec.sequence) and grid(app, "#x").border_title == "x 4×2"
        assert cells(grid(app, "#h")) == shown(trace.hidden) and grid(app, "#h").border_title == "h 5×3"
        assert cells(grid(app, "#w-ih")) == shown(spec.w_ih) and cells(grid(app, "#w-hh")) == shown(spec.w_hh)
        assert cells(grid(app, "#bias")) == [[fmt(a), fmt(b)] for a, b in zip(spec.b_ih, spec.b_hh)]
        assert "step 1/12 · h1[0]" in status(app) and text(app, "#equation") == "\n".join(trace.step(0).lines)
        assert text(app, "#notes") == FORMULA
        await pilot.press("right", "right", "right", "l")
        step = trace.step(4)
        assert "step 5/12 · h2[1] · 21 parameters" in status(app) and text(app, "#equation") == "\n".join(step.lines)
        assert grid(app, "#x").marks == {(0, 1, 0): "tap", (0, 1, 1): "tap"}
        assert grid(app, "#h").marks == {
            (0, 1, 0): "tap",
            (0, 1, 1): "tap",
            (0, 1, 2): "tap",
            (0, 2, 1): "current",
        }
        for selector, width in (("#w-ih", 2), ("#w-hh", 3), ("#bias", 2)):
            assert grid(app, selector).marks == {(0, 1, col): "tap" for col in range(width)}
        h = grid(app, "#h")
        assert (
            h.cell_text(0, 2, 1) == fmt(trace.output[1, 1])
            and h.cell_text(0, 2, 2) == "·"
            and h.cell_text(0, 0, 2) == "0"
        )
        await pilot.press("h", "end")
        assert "step 12/12 · h4[2]" in status(app) and "output = h1…h4 (4×3) and h_n = h4" in text(app, "#notes")
        assert [h.cell_text(0, 4, col) for col in range(3)] == [fmt(v) for v in trace.h_n]
        await pilot.press("home")
        assert "step 1/12" in status(app)

    run(body)


def test_u_and_U_change_the_hidden_size_within_torchs_rules():
    async def body(app, pilot):
        await pilot.press("right", "U")
        assert "/16" in status(app) and "step 2/16 · h1[1]" in status(app)
        assert cells(grid(app, "#w-hh")) == shown(seeded_weights(0, 2, 4)[1])
        assert "hidden size → 4" in text(app, "#message")
        await pilot.press("u", "u", "u")
        assert "/4 " in status(app) and "h1[0]" in status(app)
        before = status(app)
        await pilot.press("u")
        assert "hidden_size must be greater than zero" in text(app, "#message") and status(app) == before
        assert lesson(app).query_one("#message").has_class("error")

    run(body)


def test_r_draws_new_weights_and_i_cycles_the_sequences():
    async def body(app, pilot):
        await pilot.press("r")
        assert "seed 1" in status(app) and cells(grid(app, "#w-ih")) == shown(seeded_weights(1, 2, 3)[0])
        await pilot.press("i")
        assert text(app, "#message") == "sequence → pulse (5 steps of 2)" and "/15" in status(app)
        await pilot.press("i")
        assert text(app, "#message") == "sequence → wave (6 steps of 1)" and grid(app, "#x").border_title == "x 6×1"
        assert cells(grid(app, "#w-ih")) == shown(seeded_weights(1, 1, 3)[0])

    run(body)


async def open_edit(pilot) -> TextDialog:
    await pilot.press("e")
    assert isinstance(pilot.app.screen, TextDialog)
    return pilot.app.screen


def test_edit_applies_three_fields_and_keeps_bad_ones_in_the_dialog():
    async def body(app, pilot):
        dialog = await open_edit(pilot)
        assert dialog.texts() == {
            "sequence": "1 0; 0 1; 1 1; -1 0.5",
            "hidden": "3",
            "seed": "0",
        }
        dialog.query_one("#edit-sequence", Input).value = "1 2 3; 0 0 1"
        dialog.query_one("#edit-hidden", Input).value = "2"
        await pilot.press("enter")
        assert (
            isinstance(app.screen, RnnScreen)
            and "/4 " in status(app)
            and text(app, "#message") == "sequence → custom (2 steps of 3)"
        )
        expected = rnn_trace(RnnSetup("custom", parse_matrix("1 2 3; 0 0 1", "x"), 2, 0).spec())
        assert text(app, "#equation") == "\n".join(expected.step(0).lines)
        for field, typed, cause in (
            ("sequence", "1 2; 3", "is ragged"),
            ("hidden", "two", "must be a whole number, not 'two'"),
            ("hidden", "9", "The hidden size goes from 1 to 6"),
            ("seed", "-4", "The weights seed goes from 0 to 9999"),
            ("sequence", "; ".join(["1"] * 9), "1 to 8 time steps"),
        ):
            before = status(app), text(app, "#equation")
            dialog = await open_edit(pilot)
            dialog.query_one(f"#edit-{field}", Input).value = typed
            await pilot.press("enter")
            assert app.screen is dialog and cause in str(dialog.query_one("#edit-error", Static).render())
            assert dialog.query_one(f"#edit-{field}", Input).value == typed
            await pilot.press("escape")
            assert (status(app), text(app, "#equation")) == before

    run(body)


def test_chinese_status_keys_and_errors():
    async def body(app, pilot):
        assert "第 1/12 步" in status(app) and "个参数" in status(app)
        bar = set(lesson(app).query_one(KeyBar).descriptions())
        assert "语言模型" in bar and "Language model" not in bar
        await pilot.press("u", "u", "u")
        message = text(app, "#message")
        assert CJK.search(message) and "hidden_size must be greater than zero" in message

    run(body, lang="zh")


# The language-model page ------------------------------------------------------------------


class ScriptedProcess:
    """Stands in for TrainingProcess: the test feeds its events; stop() answers `stopped` at once."""

    made: ClassVar[list[ScriptedProcess]] = []

    def __init__(self, config: dict, out: str | None, resume: str | None = None) -> None:
        self.config, self.out = config, out
        self.stopped = self.killed = False
        self.events: asyncio.Queue = asyncio.Queue()
        ScriptedProcess.made.append(self)

    async def start(self) -> None:
        pass

    def feed(self, *events: dict | None) -> None:
        """Events as the child writes them (None ends the run), read as the app reads them."""
        for event in events:
            scripted = None if event is None else UNREAD.get(event["event"], {}) | event
            self.events.put_nowait(scripted and event_from_json(scripted))

    async def __aiter__(self):
        while (event := await self.events.get()) is not None:
            yield event

    async def stop(self) -> None:
        self.stopped = True
        self.feed({"event": "stopped", "epoch": 1, "step": 1}, None)

    def kill_now(self) -> None:
        self.killed = True


# What the page does not show, so the scripted events below may leave it out
UNREAD = {
    "started": {"device": "cpu", "device_name": "CPU", "threads": 1, "points": [], "summary": [],
                "epoch": 0, "global_step": 0, "lr": 0.005, "out": None},
    "batch": {"lr": 0.005, "samples_per_s": 0.0, "eta_s": 0.0, "memory_mb": None},
    "epoch": {"samples_per_s": 0.0, "elapsed_s": 0.0, "lr": 0.005},
}  # fmt: skip
STARTED = {
    "event": "started",
    "dataset": {
        "name": "text",
        "kind": "text",
        "train": 107,
        "test": 27,
        "input_shape": [32],
        "classes": list("abc"),
        "source": "assets/data/sonnets.txt",
        "extent": None,
    },
    "parameters": 30261,
    "epochs": 200,
    "steps_per_epoch": 4,
}


def batch(step: int, loss: float, elapsed: float) -> dict:
    return {
        "event": "batch",
        "epoch": 1,
        "step": step,
        "steps_per_epoch": 4,
        "global_step": step,
        "loss": loss,
        "elapsed_s": elapsed,
    }


SAMPLE = {
    "event": "sample",
    "epoch": 0,
    "global_step": 2,
    "prompt": "Shall I ",
    "text": "thee to a summer's day",
}


TYPED = st.text(st.sampled_from(list("0123456789 ;,.-+eEnaif[]x")), max_size=16)


def test_random_text_in_the_edit_dialog_never_breaks_the_lesson():
    """Whatever is typed in the three fields: either the lesson takes it, or the dialog says why and keeps it."""
    with AppHost(lesson="rnn", setup=DEFAULT) as host:

        async def submit(app, pilot, texts):
            if not isinstance(app.screen, TextDialog):
                await pilot.press("e")
            for key, value in texts.items():
                app.screen.query_one(f"#edit-{key}", Input).value = value
            await pilot.press("enter")
            dialog = app.screen if isinstance(app.screen, TextDialog) else None
            error = str(dialog.query_one("#edit-error", Static).render()) if dialog else None
            return app.is_running, error, status(app)

        @one_app_fuzz(25)
        @given(
            TYPED,
            st.one_of(st.integers(-2, 9).map(str), TYPED),
            st.one_of(st.integers(-2, 12000).map(str), TYPED),
        )
        def check(sequence, hidden, seed):
            running, error, shown_status = host.call(
                lambda app, pilot: submit(app, pilot, {"sequence": sequence, "hidden": hidden, "seed": seed})
            )
            assert running
            try:
                setup = RnnSetup(
                    "custom",
                    parse_matrix(sequence, "rnn_sequence"),
                    parse_count(hidden, "rnn_hidden"),
                    parse_count(seed, "rnn_seed"),
                )
                trace = rnn_trace(setup.spec())
            except SpecError as problem:
                assert error == error_text(problem)
                return
            assert error is None and f"/{trace.step_count} " in shown_status and f"seed {setup.seed} " in shown_status

        check()
