"""The runs list: real, half-written, older and foreign folders are each listed as what they are; delete is careful."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from engine.train.config import TrainConfig
from engine.train.presets import default_config
from engine.train.runs_list import (
    HALF_WRITTEN,
    NOT_A_RUN,
    OLDER,
    RUN,
    changed_settings,
    delete_run,
    list_runs,
    summarize,
)
from tests.runs_support import fake_run, mixed_runs

ROOT = Path(__file__).resolve().parents[1]


def test_each_folder_is_listed_as_what_it_is(tmp_path):
    runs = mixed_runs(tmp_path)
    kinds = {run.path: run.kind for run in list_runs(tmp_path)}
    assert kinds == {
        runs["a"]: RUN,
        runs["b"]: RUN,
        runs["half"]: HALF_WRITTEN,
        runs["older"]: OLDER,
        runs["foreign"]: NOT_A_RUN,
    }
    b = summarize(runs["b"])
    assert (b.dataset, b.model, b.changed, b.best_test_acc, b.epochs_done) == ("xor", "mlp", {"lr": 0.001}, 0.8, 3)
    assert summarize(runs["older"]).best_test_acc == 0.75
    assert list_runs(tmp_path)[-1].kind == NOT_A_RUN


def test_damaged_files_never_crash(tmp_path):
    folder = fake_run(tmp_path, "r", TrainConfig(), [0.5])
    (folder / "run.json").write_text('{"version": 1, "config": {"lr": -1}}')  # a setting TrainConfig refuses
    assert summarize(folder).kind == HALF_WRITTEN
    (folder / "run.json").write_bytes(b"\xff\x00{")
    (folder / "metrics.jsonl").write_bytes(b"\xff\n[1]\n")
    assert summarize(folder).kind == HALF_WRITTEN
    assert list_runs(tmp_path / "missing") == []
    (tmp_path / "a-file").write_text("x")
    assert [run.path.name for run in list_runs(tmp_path)] == ["r"]


def test_delete_only_a_real_run(tmp_path):
    runs = mixed_runs(tmp_path)
    (runs["a"] / ".metrics.jsonl.1.tmp").write_text("")
    assert delete_run(runs["a"]) and not runs["a"].exists()
    assert not delete_run(runs["foreign"]) and (runs["foreign"] / "cat.png").exists()
    (runs["b"] / "notes.txt").write_text("mine")
    assert not delete_run(runs["b"]) and (runs["b"] / "checkpoint.pt").exists()
    link = tmp_path / "link"
    link.symlink_to(runs["older"])
    assert not delete_run(link) and runs["older"].exists()


def test_plain_table_without_torch(tmp_path):
    mixed_runs(tmp_path)
    code = (
        "import sys; from tui.cli import main; code = main(['runs', '--dir', sys.argv[1], '--plain']);"
        "assert 'torch' not in sys.modules and 'textual' not in sys.modules, 'imported'; sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert str(tmp_path) in lines[0]
    body = "\n".join(lines)
    for words in ("lr=0.001", "90.0%", "3/3", "half-written", "older version", "not a run", "photos"):
        assert words in body
    run_json = json.loads((tmp_path / "20260101-100000" / "run.json").read_text())
    assert run_json["config"]["dataset"] == "xor"


def test_plain_table_with_no_runs(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tui", "runs", "--dir", str(tmp_path / "none"), "--plain"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0 and "No runs" in done.stdout


def test_a_pairs_own_defaults_are_not_listed_as_changed():
    """simplecnn on shapes learns at lr 0.001 by default: a run with it has changed nothing."""
    pair = default_config("simplecnn", "shapes")
    assert changed_settings(pair) == {} and changed_settings(pair.with_changes(lr=0.01)) == {"lr": 0.01}


def test_a_dir_that_is_a_file_is_refused_not_called_empty(tmp_path, capsys):
    """'No runs in FILE yet' would be false: the student named a file where a folder of runs was meant."""
    from tui.cli import main
    from tui.i18n import t, visible

    named = tmp_path / "metrics.jsonl"
    named.write_text("{}\n")
    assert main(["runs", "--dir", str(named), "--plain"]) == 2
    assert capsys.readouterr().err == f"tensortour: {t('runs.not_a_folder', root=visible(str(named)))}\n"
