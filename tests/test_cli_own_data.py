"""`tensortour train --data-file / --image-folder`: a bad file exits 2 naming it, headless and before the app
opens, in English and Chinese; a good one trains and says how it was read; lesson files carry the flags."""

from __future__ import annotations

import subprocess
import sys

from own_data_support import disk_state, image_folder, separable_csv
from subprocess_support import ROOT, python

from engine.train.setup import TrainSetup
from tui.cli import main, parse_args
from tui.flags.train import flags_of, setup_from
from tui.i18n import t
from tui.lesson_file import parse_lesson_file
from tui.lesson_file_text import lesson_file_text
from tui.screens.train_form import config_from_texts, form_texts


def headless(*args: str) -> int:
    return main(["train", "--headless", "--threads", "1", "--device", "cpu", *args])


def test_a_csv_trains_headless_says_how_it_was_read_and_resumes_from_where_it_moved(tmp_path, capsys):
    path = separable_csv(tmp_path / "points.csv", rows=60)
    assert headless("--data-file", str(path), "--epochs", "1", "--out", str(tmp_path / "run")) == 0
    out = capsys.readouterr().out
    assert t("own_data.csv_labels", labels="3, 7", classes="0, 1") in out
    assert t("own_data.split", train=48, test=12, seed=0) in out and str(path) in out
    moved = path.rename(tmp_path / "moved.csv")
    assert headless("--resume", str(tmp_path / "run"), "--epochs", "2") == 2
    assert f"{path} does not exist" in capsys.readouterr().err
    assert headless("--resume", str(tmp_path / "run"), "--epochs", "2", "--data-file", str(moved)) == 0


def test_bad_data_exits_2_naming_the_file_and_starts_no_run(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,0\n3,4\n")
    pets = image_folder(tmp_path / "pets", per_class=2)
    (pets / "dark" / "zz.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    before = disk_state(tmp_path)
    cases = [
        (("--data-file", str(bad)), f"{bad}, line 3: 2 values; every line needs 3"),
        (("--data-file", str(tmp_path / "none.csv")), f"{tmp_path / 'none.csv'} does not exist"),
        (("--image-folder", str(bad)), "not a folder"),
        (("--dataset", "spiral", "--data-file", str(bad)), "--data-file is for --dataset csv"),
        (("--data-file", str(bad), "--image-folder", str(pets)), "--image-folder is for --dataset image-folder"),
        (("--dataset", "image-folder"), "name it with --image-folder"),
        (("--image-folder", str(pets), "--image-size", "100"), "100"),
        (("--image-folder", str(pets), "--image-size", "8"), f"{pets / 'dark' / 'zz.jpg'}"),  # found while loading
    ]
    for flags, words in cases:
        assert headless(*flags, "--out", str(tmp_path / "run")) == 2, flags
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err, (flags, err)
    assert not (tmp_path / "run").exists() and disk_state(tmp_path) == before


def test_the_app_refuses_a_bad_file_before_it_opens_in_chinese(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("0,0,0\n1,1,1.5\n")
    command = [sys.executable, "-m", "tui", "train", "--data-file", str(bad), "--lang", "zh"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    words = t("error.own_csv_label", "zh", path=str(bad), line=2, value="1.5")
    assert done.returncode == 2 and f"{bad} 第 2 行：标签 “1.5”" in words and words in done.stderr, done.stderr


def test_own_data_flags_round_trip_through_a_lesson_file_and_the_form(tmp_path):
    path = separable_csv(tmp_path / "p.csv", rows=8)
    pets = image_folder(tmp_path / "pets", per_class=2)
    for argv in (["--data-file", str(path)], ["--image-folder", str(pets), "--image-size", "16", "--model", "net"]):
        setup = setup_from(parse_args(["train", *argv]))
        flags = flags_of(setup)
        opened = parse_lesson_file(lesson_file_text("train", flags).encode(), "train.toml")
        assert opened.setup == setup and flags_of(opened.setup) == flags
        assert config_from_texts(form_texts(setup.config), setup.config) == setup.config
    assert setup.config.dataset == "image-folder" and setup.config.image_size == 16
    assert TrainSetup(setup.config).config.image_folder == str(pets)


def test_checking_own_data_loads_neither_torch_nor_pillow(tmp_path):
    """The form and the command line check a CSV or a folder's layout in the UI process: no torch, no Pillow."""
    path = separable_csv(tmp_path / "p.csv", rows=8)
    pets = image_folder(tmp_path / "pets", per_class=2)
    code = (
        "import sys; from tui.cli import parse_args; from tui.flags.train import setup_from\n"
        "for flag, value in (('--data-file', sys.argv[1]), ('--image-folder', sys.argv[2])):\n"
        "    setup_from(parse_args(['train', flag, value]))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'PIL'}))"
    )
    assert python(code, str(path), str(pets)).strip() == "[]"
