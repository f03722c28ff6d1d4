"""Stopping a run in the app keeps its promise: x waits for the batch and its save, r never overwrites the
last run, SIGTERM to the app stops the run cleanly and gives the terminal back.

A scripted child (a few lines of Python, no torch) plays the training process: it
answers stop only after a "batch" of BATCH_S seconds, as a slow batch would.
"""

from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest
from test_tui_train import XOR, run, screen, started, text, until

from engine.train.events import StoppedEvent, event_from_json
from tui.i18n import t
from tui.training_process import TrainingProcess

ROOT = Path(__file__).resolve().parent.parent
BATCH_S = 2.5  # long enough that a loaded machine still sees "stopping" before the batch ends
STARTED = json.dumps(started(XOR, "points", ["blue", "orange"]))
CHILD = f"""
import json, os, sys, time
request = json.loads(sys.stdin.readline())
if request["out"]:
    os.makedirs(request["out"], exist_ok=True)
    with open(os.path.join(request["out"], "metrics.jsonl"), "a") as metrics:
        metrics.write("{{}}\\n")
print({STARTED!r}, flush=True)
for line in sys.stdin:
    if json.loads(line).get("cmd") == "stop":
        time.sleep({BATCH_S})
        print(json.dumps({{"event": "stopped", "epoch": 1, "step": 3}}), flush=True)
        break
"""


@pytest.fixture
def scripted(monkeypatch):
    monkeypatch.setattr(TrainingProcess, "CHILD", ("-c", CHILD))


def test_stop_waits_for_the_batch_and_the_childs_last_word(scripted):
    async def main():
        process = TrainingProcess(XOR.to_json(), None)
        await process.start()
        events = []

        async def read():
            async for event in process:
                events.append(event)

        reading = asyncio.ensure_future(read())
        while not events:
            await asyncio.sleep(0.02)
        asked = time.monotonic()
        await process.stop()
        waited = time.monotonic() - asked
        await reading
        return events, waited, process.returncode

    events, waited, status = asyncio.run(main())
    assert events[-1] == StoppedEvent(1, 3) and status == 0, "stopped by its own word, not killed"
    assert waited >= BATCH_S * 0.9


def test_x_says_it_waits_x_again_stops_at_once_and_r_never_overwrites_the_last_run(scripted, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # r's new folder is runs/<timestamp> here

    async def body(app, pilot):
        train = screen(app)
        await until(pilot, lambda: train.state == "running", 10)
        first = train.process
        await pilot.press("x")
        assert train.state == "stopping" and text(app, "#message") == t("train_ui.stopping")
        await until(pilot, lambda: train.state == "stopped" and first.returncode is not None, 5)
        assert first.returncode == 0 and t("train_ui.stopped_in", epoch=2, step=3) in text(app, "#message")
        await pilot.press("r")
        assert train.run_out != str(tmp_path / "run") and Path(train.run_out).parent == Path("runs").absolute()
        assert text(app, "#message") == t("train_ui.new_folder", old=tmp_path / "run", new=train.run_out)
        await until(pilot, lambda: train.state == "running" and train.process is not first, 10)
        second = train.process
        pressed = time.monotonic()
        await pilot.press("x", "x")
        await until(pilot, lambda: second.returncode is not None, 5)
        assert time.monotonic() - pressed < BATCH_S and second.returncode == -signal.SIGKILL
        assert text(app, "#message") == t("train_ui.stopped_now_unsaved")
        await pilot.press("q")

    run(body, start=True, out=str(tmp_path / "run"))


def test_sigterm_to_the_app_stops_the_run_after_its_batch_then_exits(scripted, tmp_path):
    caught = []
    previous = signal.signal(signal.SIGTERM, lambda *args: caught.append(args))  # the app's own handler replaces it

    async def body(app, pilot):
        train = screen(app)
        await until(pilot, lambda: train.state == "running", 10)
        child = train.process
        os.kill(os.getpid(), signal.SIGTERM)
        await until(pilot, lambda: not app.is_running, 5)
        assert child.returncode == 0 and app.return_code == 128 + signal.SIGTERM

    try:
        run(body, start=True, out=str(tmp_path / "run"))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert caught == [], "the app took SIGTERM itself"


def test_sigterm_gives_the_terminal_back():
    """In a real terminal: the alternate screen and mouse reporting are switched off, and the status says SIGTERM."""
    pid, terminal = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.environ["PYTHONPATH"] = str(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "tui", "perceptron"])
    screen_bytes = read_until(terminal, lambda data: b"\x1b[?1049h" in data and len(data) > 20_000, 30)
    os.kill(pid, signal.SIGTERM)
    after = read_until(terminal, lambda data: False, 10)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 128 + signal.SIGTERM, screen_bytes[-200:]
    assert b"\x1b[?1049l" in after and b"\x1b[?1000l" in after


def read_until(terminal: int, done, seconds: float) -> bytes:
    data, started_at = b"", time.monotonic()
    while not done(data) and time.monotonic() - started_at < seconds:
        ready, _, _ = select.select([terminal], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(terminal, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def test_the_scripted_childs_started_event_is_one_the_app_reads():
    assert event_from_json(json.loads(STARTED)).KIND == "started"
