"""The training child process speaks the protocol the app relies on: events out, commands in, nothing else on stdout."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from engine.train.config import TrainConfig
from engine.train.events import event_from_json

ROOT = Path(__file__).resolve().parent.parent
TINY = TrainConfig(dataset="xor", hidden=(8,), epochs=200, batch_size=64, threads=1, device="cpu")


def start(request: dict) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-m", "engine.train.child"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    send(child, request)
    return child


def send(child: subprocess.Popen, message: dict) -> None:
    child.stdin.write(json.dumps(message) + "\n")
    child.stdin.flush()


def read_until(child: subprocess.Popen, kind: str) -> list[dict]:
    events = []
    for line in child.stdout:
        events.append(json.loads(line))  # every stdout line is one JSON event
        typed = event_from_json(events[-1]).to_json()
        assert json.dumps(typed) == json.dumps(events[-1])  # key order included
        if events[-1]["event"] in (kind, "failed"):
            return events
    raise AssertionError(f"the child ended before {kind!r}: {events[-3:]} {child.stderr.read()}")


def test_the_child_trains_pauses_steps_and_stops_on_request(tmp_path):
    child = start({"config": TINY.to_json(), "out": str(tmp_path), "resume": None})
    try:
        started = read_until(child, "started")[-1]
        assert started["dataset"]["name"] == "xor" and started["epochs"] == 200
        read_until(child, "epoch")
        send(child, {"cmd": "pause"})
        paused = read_until(child, "paused")[-1]
        send(child, {"cmd": "step"})
        batch = read_until(child, "batch")[-1]
        assert batch["global_step"] == paused["global_step"] + 1
        send(child, {"cmd": "stop"})
        stopped = read_until(child, "stopped")[-1]
        assert child.wait(timeout=10) == 0
    finally:
        child.kill()
    assert stopped["step"] == batch["step"] % batch["steps_per_epoch"]
    assert (tmp_path / "checkpoint.pt").is_file()


def test_closing_stdin_stops_the_child():
    child = start({"config": TINY.to_json(), "out": None, "resume": None})
    try:
        read_until(child, "batch")
        child.stdin.close()
        assert read_until(child, "stopped")[-1]["event"] == "stopped"
        assert child.wait(timeout=10) == 0
    finally:
        child.kill()


def test_a_bad_setup_is_one_failed_event():
    config = TINY.to_json() | {"dataset": "mnist", "data_dir": "/nonexistent"}
    child = start({"config": config, "out": None, "resume": None})
    out, _ = child.communicate(timeout=60)
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["failed"]
    assert events[0]["code"].startswith("data_")
    assert child.returncode == 1


def test_an_unreadable_request_is_said_plainly():
    child = subprocess.run(
        [sys.executable, "-m", "engine.train.child"],
        cwd=ROOT,
        input="not json\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    event = json.loads(child.stdout)
    assert event["event"] == "failed" and event["code"] == "train_bad_request"
    assert child.returncode == 1


def train_until_saved_then(tmp_path: Path, end) -> dict:
    """A child that trains, saves at epoch 2 on request, trains two epochs more, then meets `end(child)`."""
    child = start({"config": TINY.with_changes(batch_size=128).to_json(), "out": str(tmp_path), "resume": None})
    try:
        read_until(child, "started")
        while read_until(child, "epoch")[-1]["epoch"] < 2:
            pass
        send(child, {"cmd": "save"})
        saved = read_until(child, "saved")[-1]
        while read_until(child, "epoch")[-1]["epoch"] < 4:
            pass
        end(child)
        child.wait(timeout=30)
    finally:
        child.kill()
    return saved


def test_a_killed_child_leaves_files_a_resume_completes(tmp_path):
    """SIGKILL: no code of the child runs, yet the checkpoint is whole, metrics.jsonl holds whole lines that
    start with its history, and a resume drops the rest and ends as an unbroken run does."""
    from run_support import assert_agree, metrics_lines, same_weights, without_timing

    from engine.train.commands import run
    from engine.train.loop import Trainer

    train_until_saved_then(tmp_path, lambda child: child.send_signal(signal.SIGKILL))
    assert_agree(tmp_path, exactly=False)
    done = len(metrics_lines(tmp_path))
    resumed = Trainer(TINY, [].append, out=tmp_path, resume=tmp_path, changes={"epochs": done + 1})
    assert_agree(tmp_path, exactly=True)
    assert resumed.epoch < done, "the kill came after epochs the checkpoint does not hold"
    assert run(resumed) == "done"
    unbroken = Trainer(TINY.with_changes(batch_size=128, epochs=done + 1), [].append)
    assert run(unbroken) == "done"
    assert without_timing(metrics_lines(tmp_path)) == without_timing(unbroken.history)
    assert same_weights(resumed.model.state_dict(), unbroken.model.state_dict())


def test_when_the_app_goes_away_the_child_stops_after_its_batch_and_saves(tmp_path):
    """The app killed: its ends of both pipes close. The child must not die of the closed stdout."""
    from run_support import assert_agree

    def app_gone(child: subprocess.Popen) -> None:
        child.stdout.close()
        time.sleep(0.5)  # the child writes a batch event (every 0.1 s) into the closed pipe before stdin ends
        child.stdin.close()

    train_until_saved_then(tmp_path, app_gone)
    assert_agree(tmp_path, exactly=True)
