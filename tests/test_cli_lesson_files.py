"""`tensortour open FILE` and `--save FILE` on the command line; the example files in assets/examples."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.i18n import t
from tui.lesson_file import read_lesson_file
from tui.lesson_file_text import plain_notes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "assets" / "examples").glob("*.toml"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_there_are_examples_and_the_readme_lists_each_with_its_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(EXAMPLES) >= 5
    for path in EXAMPLES:
        assert f"tensortour open assets/examples/{path.name}" in readme, path.name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_open_plain_is_the_lessons_plain_with_the_same_flags_then_the_files_words(capsys, path):
    source = read_lesson_file(path)
    assert source.narration and source.questions
    code, opened, _ = run(capsys, "open", str(path), "--plain")
    _, typed, _ = run(capsys, source.lesson, "--plain", *source.argv)
    assert code == 0 and opened == typed.rstrip("\n") + "\n\n" + plain_notes(source) + "\n"
    walk_through = typed
    for note in source.questions:  # a sanity check of the examples: each answer is on the walk-through
        assert re.search(rf"(?<![\w.]){re.escape(note.answer)}(?![\w.])", walk_through), note.answer
    answers = opened.rsplit("\n\n", 1)[1]
    assert answers.startswith("Answers:") and all(note.answer in answers for note in source.questions)


def test_open_plain_speaks_the_language_asked_for(capsys):
    code, out, _ = run(capsys, "--lang", "zh", "open", str(ROOT / "assets/examples/pool-max.toml"), "--plain")
    assert code == 0 and "讲解（" in out and "进来四个数" in out and "答案：" in out


def test_save_writes_a_file_that_opens_to_the_same_walk_through(capsys, tmp_path):
    target = tmp_path / "pad.toml"
    code, out, _ = run(capsys, "conv", "--input", "digit", "--padding", "2", "--save", str(target))
    assert code == 0 and str(target) in out and "tensortour open" in out
    assert "tensortour conv --input=digit" in target.read_text(encoding="utf-8")
    _, typed, _ = run(capsys, "conv", "--input", "digit", "--padding", "2", "--plain")
    _, opened, _ = run(capsys, "open", str(target), "--plain")
    assert opened == typed


def test_save_never_writes_over_a_file(capsys, tmp_path):
    target = tmp_path / "mine.toml"
    target.write_text("my notes\n", encoding="utf-8")
    code, _, err = run(capsys, "pool", "--save", str(target))
    assert code == 2 and "already exists" in err and str(target) in err
    assert target.read_text(encoding="utf-8") == "my notes\n"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.toml"]  # no temporary file left behind


def test_save_into_a_folder_that_is_not_there_says_why(capsys, tmp_path):
    code, _, err = run(capsys, "pool", "--save", str(tmp_path / "no" / "such.toml"))
    assert code == 1 and "Could not write" in err and "No such file or directory" in err


def test_open_then_save_keeps_the_narration_and_questions(capsys, tmp_path):
    example = ROOT / "assets/examples/data-loader.toml"
    target = tmp_path / "copy.toml"
    assert run(capsys, "open", str(example), "--save", str(target))[0] == 0
    original, copy = read_lesson_file(example), read_lesson_file(target)
    assert (copy.lesson, copy.narration, copy.questions) == (original.lesson, original.narration, original.questions)
    assert copy.setup == original.setup


def test_a_bad_file_exits_2_with_one_line_naming_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('lesson = "conv"\n[setup]\nstride = "two"\n', encoding="utf-8")
    run_ = subprocess.run(
        [sys.executable, "-m", "tui", "open", str(bad), "--plain"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run_.returncode == 2 and run_.stdout == ""
    assert run_.stderr == f"tensortour: {bad}:3: setup.stride: should be a whole number, got text.\n"


def test_a_students_own_network_is_not_saved_in_a_lesson_file(capsys, tmp_path):
    """A lesson file is data: one that named net.py would run its code when opened."""
    net = tmp_path / "net.py"
    net.write_text(
        "import torch.nn as nn\nclass Net(nn.Linear):\n    def __init__(self):\n        super().__init__(3, 2)\n"
    )
    target = tmp_path / "mine.toml"
    code, _, err = run(capsys, "module", "--file", f"{net}:Net", "--input", "3", "--save", str(target))
    assert code == 2 and t("error.module_file_not_saved") in err and not target.exists()
