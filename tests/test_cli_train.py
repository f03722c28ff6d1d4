"""`tensortour train` from the shell: --headless writes metrics.jsonl and a checkpoint, exit codes, Ctrl+C, --resume, --plain."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import torch
from test_cli import ROOT, clean_env, tensortour

from engine.train.checkpoint import load_checkpoint

TINY = [
    "--dataset",
    "xor",
    "--hidden",
    "8",
    "--batch-size",
    "64",
    "--threads",
    "1",
    "--device",
    "cpu",
]
METRIC_KEYS = {
    "epoch",
    "train_loss",
    "test_loss",
    "test_acc",
    "samples_per_s",
    "elapsed_s",
}


def metrics(run_dir) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


def test_headless_writes_one_metrics_line_per_epoch_and_a_checkpoint(tmp_path):
    run = tensortour("train", "--headless", *TINY, "--epochs", "3", "--out", str(tmp_path / "run"))
    assert run.returncode == 0, run.stderr
    lines = metrics(tmp_path / "run")
    assert [line["epoch"] for line in lines] == [1, 2, 3]
    assert all(METRIC_KEYS <= set(line) for line in lines)
    assert all(0 <= line["test_acc"] <= 1 and line["samples_per_s"] > 0 for line in lines)
    saved = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert saved["epoch"] == 3 and saved["config"]["dataset"] == "xor"
    assert "epoch   3" in run.stdout and "test acc" in run.stdout
    assert "Linear" in run.stdout  # the model summary comes before training


def test_headless_defaults_to_a_timestamped_run_directory(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "tui", "train", "--headless", *TINY, "--epochs", "1"],
        cwd=tmp_path,
        env=clean_env(PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert len(metrics(run_dir)) == 1
    assert run.stdout.count(str(run_dir)) >= 2  # the full path, when the run starts and when it ends
    listed = subprocess.run(
        [sys.executable, "-m", "tui", "runs", "--plain"],
        cwd=tmp_path,
        env=clean_env(PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    (row,) = [line for line in listed.stdout.splitlines() if line.startswith(run_dir.name)]
    assert row.split()[1:3] == ["xor", "mlp"] and "hidden=8" in row and "batch_size=64" in row and "1/1" in row


@pytest.mark.parametrize(
    "args, words",
    [
        (["--lr", "0"], "learning rate must be a finite number in (0, ∞), got 0"),
        (["--lr", "nan"], "learning rate must be a finite number"),
        (["--batch-size", "0"], "batch size must be a whole number of at least 1"),
        (["--hidden", "16,x"], "Hidden sizes are 1 to 8 whole numbers"),
        (["--model", "net"], "it needs images, and xor is a set of 2-D points"),
        (["--noise", "2"], "noise must be a finite number in [0, 1]"),
    ],
)
def test_bad_settings_exit_2_with_a_clear_message(args, words, tmp_path):
    run = tensortour("train", "--headless", *TINY, *args, "--out", str(tmp_path))
    assert run.returncode == 2
    assert words in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "metrics.jsonl").exists()


def test_an_unknown_choice_is_argparse_usage_error():
    run = tensortour("train", "--headless", "--optimizer", "rmsprop")
    assert run.returncode == 2 and "invalid choice: 'rmsprop'" in run.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_exits_2_quoting_torch(tmp_path, cuda_refusal):
    run = tensortour("train", "--headless", *TINY, "--device", "cuda", "--out", str(tmp_path / "run"))
    assert run.returncode == 2
    assert cuda_refusal in run.stderr
    assert not (tmp_path / "run").exists()


def test_missing_dataset_files_exit_2_naming_the_file(tmp_path):
    run = tensortour(
        "train",
        "--headless",
        "--dataset",
        "mnist",
        "--data-dir",
        str(tmp_path),
        "--out",
        str(tmp_path / "run"),
    )
    assert run.returncode == 2
    assert "train-images-idx3-ubyte" in run.stderr and "--download" in run.stderr


def test_a_diverging_run_exits_1_and_says_why(tmp_path):
    run = tensortour(
        "train",
        "--headless",
        *TINY,
        "--optimizer",
        "sgd",
        "--lr",
        "1e30",
        "--epochs",
        "5",
        "--out",
        str(tmp_path),
    )
    assert run.returncode == 1
    assert "the learning rate 1e+30 is probably too high" in run.stderr


def test_ctrl_c_stops_cleanly_and_resume_finishes_the_run(tmp_path):
    run_dir = tmp_path / "run"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "train",
            "--headless",
            *TINY,
            "--epochs",
            "40",
            "--out",
            str(run_dir),
        ],
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in child.stdout:
        if "epoch   2" in line:
            break
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "--resume" in out and "Traceback" not in err
    saved = load_checkpoint(run_dir / "checkpoint.pt")
    done = len(metrics(run_dir))
    assert (
        saved["epoch"] == done
        and [p.name for p in run_dir.iterdir() if not p.name.endswith((".pt", ".jsonl")) and p.name != "run.json"] == []
    )
    resumed = tensortour("train", "--headless", "--resume", str(run_dir))
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming after epoch {done}" in resumed.stdout
    assert [line["epoch"] for line in metrics(run_dir)] == list(range(1, 41))


def test_resume_of_nothing_exits_2(tmp_path):
    run = tensortour("train", "--headless", "--resume", str(tmp_path / "nothing"))
    assert run.returncode == 2 and "no run to resume" in run.stderr


def test_plain_prints_the_summary_without_training():
    run = tensortour("train", "--plain", "--dataset", "shapes", "--model", "net")
    assert run.returncode == 0, run.stderr
    assert "62,006" in run.stdout and "16×5×5" in run.stdout
    assert "plane" not in run.stdout  # shapes has its own class names


def test_plain_in_chinese():
    run = tensortour("train", "--plain", "--lang", "zh", *TINY)
    assert run.returncode == 0 and "数据：xor" in run.stdout


def test_headless_leaves_no_stray_files_when_setup_fails(tmp_path):
    os.makedirs(tmp_path / "data")
    run = tensortour(
        "train",
        "--headless",
        "--dataset",
        "cifar10",
        "--data-dir",
        str(tmp_path / "data"),
        "--out",
        str(tmp_path / "run"),
    )
    assert run.returncode == 2
    assert not (tmp_path / "run").exists() and list((tmp_path / "data").iterdir()) == []


@pytest.mark.parametrize("where", ["file", "inside a file"])
def test_an_out_directory_that_cannot_be_made_exits_2_naming_it(tmp_path, where):
    blocker = tmp_path / "taken"
    blocker.write_text("not a directory")
    out = blocker if where == "file" else blocker / "run"
    run = tensortour("train", "--headless", *TINY, "--epochs", "1", "--out", str(out))
    assert run.returncode == 2
    assert f"Cannot write the run to {out}" in run.stderr and "--out" in run.stderr
    assert "Traceback" not in run.stderr and blocker.read_text() == "not a directory"


def test_resume_from_a_file_that_is_no_checkpoint_exits_2_and_leaves_it(tmp_path):
    text = tmp_path / "checkpoint.pt"
    text.write_text("hello")
    run = tensortour("train", "--headless", "--resume", str(tmp_path))
    assert run.returncode == 2
    assert "is a text file, not a PyTorch checkpoint" in run.stderr and "Traceback" not in run.stderr
    assert text.read_text() == "hello" and sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt"]
