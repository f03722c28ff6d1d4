"""The student's own data: a CSV of x,y,label points and a folder of class subfolders train, and every bad file
or folder is refused naming it (and its line), in English and Chinese, with nothing on disk changed."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from own_data_support import disk_state, image_folder, separable_csv
from spec_errors import spec_error

from engine.train import image_folder as folder_module
from engine.train import own_data
from engine.train.commands import run
from engine.train.config import TrainConfig
from engine.train.datasets import load_dataset
from engine.train.image_folder import list_image_folder, read_folder_images
from engine.train.loop import Trainer
from engine.train.own_check import check_own_data
from engine.train.own_data import read_points_csv
from tui.i18n import error_text, set_language


def csv_config(path: Path, **changes) -> TrainConfig:
    return TrainConfig(dataset="csv", data_file=str(path), hidden=(16,), threads=1, device="cpu", **changes)


def folder_config(path: Path, **changes) -> TrainConfig:
    return TrainConfig(dataset="image-folder", image_folder=str(path), image_size=8, threads=1, device="cpu", **changes)


# A CSV of points ------------------------------------------------------------------


def test_a_csv_trains_with_its_labels_in_sorted_order_a_seeded_split_and_the_boundary_drawn(tmp_path):
    path = separable_csv(tmp_path / "points.csv")
    before = disk_state(tmp_path)
    data = load_dataset(csv_config(path))
    assert data.kind == "points" and data.class_names == ("3", "7")
    assert (len(data.y_train), len(data.y_test)) == (96, 24)
    assert set(data.y_train.tolist()) == {0, 1}
    x0, x1, y0, y1 = data.extent
    assert x0 < float(data.x_train[:, 0].min()) and float(data.x_train[:, 0].max()) < x1
    assert y0 < float(data.x_train[:, 1].min()) and float(data.x_train[:, 1].max()) < y1 and x1 - x0 == y1 - y0
    assert abs(float(data.x_train.mean())) < 1e-5  # scaled by the training points' mean and spread
    assert [key for key, _ in data.notes][1:] == ["own_data.csv_labels", "own_data.csv_scaled", "own_data.split"]
    again, other = load_dataset(csv_config(path)), load_dataset(csv_config(path, seed=1))
    assert again.x_test.equal(data.x_test) and not other.x_test.equal(data.x_test)
    trainer = Trainer(csv_config(path, epochs=8, batch_size=16), [].append, views=False)
    assert run(trainer) == "done" and trainer.history[-1]["test_acc"] >= 0.9  # chance is 0.5
    assert disk_state(tmp_path) == before


@pytest.mark.parametrize("header", [True, False])
def test_the_header_line_is_optional_and_blank_lines_are_skipped(tmp_path, header):
    path = tmp_path / "p.csv"
    path.write_text(("x,y,label\n" if header else "") + "0,0,-1\n\n1.5, 2 ,5\n-1e2,3,-1\n4,4,5\n", encoding="utf-8-sig")
    points = read_points_csv(path)
    assert points.header is header and points.labels == (-1, 5) and points.classes.tolist() == [0, 1, 0, 1]
    assert points.points.tolist()[1:3] == [[1.5, 2.0], [-100.0, 3.0]]


ROWS = "0,0,0\n1,1,1\n2,2,0\n3,3,1\n"
CSV_REFUSALS = {
    "empty": ("", "own_empty", None),
    "blank lines only": ("\n \n", "own_empty", None),
    "header only": ("x,y,label\n", "own_csv_header_only", None),
    "short row": (ROWS + "4,4\n", "own_csv_columns", 5),
    "long row": ("x,y,label\n" + ROWS + "4,4,1,9\n", "own_csv_columns", 6),
    "short header": ("x,y\n" + ROWS, "own_csv_columns", 1),
    "label 1.5": (ROWS + "4,4,1.5\n", "own_csv_label", 5),
    "label cat": (ROWS + "4,4,cat\n", "own_csv_label", 5),
    "x not a number": (ROWS + "4,abc,1\n", "own_csv_not_number", 5),
    "inf": (ROWS + "inf,4,1\n", "own_csv_not_finite", 5),
    "nan": (ROWS + "4,nan,1\n", "own_csv_not_finite", 5),
    "1e400": (ROWS + "1e400,4,1\n", "own_csv_not_finite", 5),
    "one class": ("0,0,2\n1,1,2\n2,2,2\n3,3,2\n", "own_one_class", None),
    "too few": ("0,0,0\n1,1,1\n", "own_csv_too_few", None),
    "six classes": ("".join(f"{i},{i},{i}\n" for i in range(6)), "own_csv_many_classes", None),
    "not utf-8": (ROWS.encode() + b"4,4,\xff\n", "own_csv_not_text", 5),
}


@pytest.mark.parametrize("name", CSV_REFUSALS)
def test_a_bad_csv_is_refused_naming_the_file_and_line_in_both_languages(tmp_path, name):
    text, code, line = CSV_REFUSALS[name]
    path = tmp_path / "points.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    before = disk_state(tmp_path)
    error = spec_error(lambda: check_own_data(csv_config(path)))
    assert error.code == code and error.params.get("line") == line
    for lang in ("en", "zh"):
        set_language(lang)
        try:
            words = error_text(error)
        finally:
            set_language("en")
        assert str(path) in words and (line is None or str(line) in words) and "{" not in words
    assert disk_state(tmp_path) == before


def test_a_million_rows_are_refused_with_the_cap_read_no_further(tmp_path):
    path = tmp_path / "million.csv"
    path.write_text("0,0,0\n1,1,1\n" * 500_000)
    error = spec_error(lambda: read_points_csv(path))
    assert error.code == "own_csv_too_many" and "100,000" in error_text(error) and str(path) in error_text(error)


def test_too_many_rows_and_too_many_bytes_are_refused_with_the_cap(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text(ROWS * 3)
    monkeypatch.setattr(own_data, "MAX_ROWS", 10)
    error = spec_error(lambda: read_points_csv(path))
    assert error.code == "own_csv_too_many" and "10" in error_text(error)
    monkeypatch.setattr(own_data, "MAX_CSV_BYTES", 20)
    assert spec_error(lambda: read_points_csv(path)).code == "own_csv_too_large"


def test_a_missing_path_or_a_folder_is_refused_for_what_it_is(tmp_path):
    assert spec_error(lambda: check_own_data(csv_config(tmp_path / "nope.csv"))).code == "own_missing"
    error = spec_error(lambda: check_own_data(csv_config(tmp_path)))
    assert error.code == "data_not_a_file" and "a folder" in error_text(error)
    assert spec_error(lambda: TrainConfig(dataset="csv")).code == "own_needs_path"
    assert spec_error(lambda: TrainConfig(dataset="csv", data_file="p.csv", model="net")).code == "train_needs_images"


# A folder of images ---------------------------------------------------------------


def test_an_image_folder_reads_like_imagefolder_converts_to_rgb_resizes_and_trains(tmp_path):
    root = image_folder(tmp_path / "pets")
    before = disk_state(tmp_path)
    listing = list_image_folder(root)
    assert listing.classes == ("bright", "dark")  # sorted folder names; .hidden is no class
    assert len(listing.files) == 24 and listing.skipped == 4  # notes.txt ×2, README.md, .hidden
    assert listing.files[0][0] == root / "bright" / "1.jpg" and root / "bright" / "more" / "0.PNG" in dict(
        listing.files
    )
    decoded = read_folder_images(listing, 8)
    assert decoded.images.shape == (24, 3, 8, 8) and decoded.images.dtype == np.uint8
    assert decoded.resized == 24 and decoded.converted == 18  # the L, P and RGBA ones
    data = load_dataset(folder_config(root))
    assert data.kind == "images" and data.class_names == ("bright", "dark") and data.input_shape == (3, 8, 8)
    assert (len(data.y_train), len(data.y_test)) == (19, 5) and float(data.x_train.abs().max()) <= 1.0
    trainer = Trainer(folder_config(root, epochs=6, batch_size=8), [].append, views=False)
    assert run(trainer) == "done" and trainer.history[-1]["test_acc"] >= 0.8  # chance is 0.5
    assert disk_state(tmp_path) == before


def _one_class(root: Path) -> None:
    (root / "cat").mkdir(parents=True)
    (root / "cat" / "a.png").write_bytes(b"")


def _class_empty(root: Path) -> None:
    image_folder(root, per_class=2)
    for path in (root / "dark").rglob("*.*"):
        path.unlink()


def _broken(root: Path, name: str, content) -> None:
    image_folder(root, per_class=2)
    path = root / "dark" / name
    path.write_bytes(content(root))


def _truncated(root: Path) -> bytes:
    return (root / "bright" / "more" / "0.PNG").read_bytes()[:60]


FOLDER_REFUSALS = {
    "missing": (lambda root: None, "own_missing", ""),
    "a file": (lambda root: root.write_text("x"), "own_not_folder", ""),
    "no classes": (lambda root: root.mkdir(), "own_no_classes", ""),
    "one class": (_one_class, "own_one_class_folder", ""),
    "a class with no images": (_class_empty, "own_class_empty", "dark"),
    "text named .png": (lambda root: _broken(root, "0a.png", lambda _: b"hello"), "own_not_image", "dark/0a.png"),
    "a gif named .png": (
        lambda root: _broken(root, "0b.png", lambda _: b"GIF89a" + bytes(40)),
        "own_not_image",
        "dark/0b.png",
    ),
    "a cut png": (lambda root: _broken(root, "0c.png", _truncated), "own_bad_image", "dark/0c.png"),
}


@pytest.mark.parametrize("name", FOLDER_REFUSALS)
def test_a_bad_image_folder_is_refused_naming_the_folder_or_image(tmp_path, name):
    make, code, named = FOLDER_REFUSALS[name]
    root = tmp_path / "pets"
    make(root)
    before = disk_state(tmp_path)
    error = spec_error(lambda: load_dataset(folder_config(root)))
    assert error.code == code and str(root / named).rstrip("/") in error_text(error)
    set_language("zh")
    try:
        assert str(root) in error_text(error) and "{" not in error_text(error)
    finally:
        set_language("en")
    assert disk_state(tmp_path) == before


def test_class_names_keep_any_letters_but_show_control_characters_escaped(tmp_path):
    root = image_folder(tmp_path / "pets", per_class=2)
    (root / "dark").rename(root / "猫\x1b[31m")
    assert load_dataset(folder_config(root)).class_names == ("bright", "猫\\x1b[31m")


def test_folders_of_too_many_files_or_images_are_refused_with_the_cap(tmp_path, monkeypatch):
    root = image_folder(tmp_path / "pets", per_class=3)
    monkeypatch.setattr(folder_module, "MAX_IMAGES", 5)
    error = spec_error(lambda: list_image_folder(root))
    assert error.code == "own_too_many_images" and "5" in error_text(error)
    monkeypatch.setattr(folder_module, "MAX_ENTRIES", 6)
    assert spec_error(lambda: list_image_folder(root)).code == "own_too_many_files"


def test_a_folder_nested_deeper_than_python_recurses_is_read(tmp_path):
    """300 levels under a recursion limit of 150 (deeper real trees would trip pytest's own clean-up)."""
    root = image_folder(tmp_path / "pets", per_class=1)
    deep = root / "dark"
    for _ in range(300):
        deep = deep / "d"
        deep.mkdir()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)
    try:
        files = list_image_folder(root).files
    finally:
        sys.setrecursionlimit(limit)
    assert len(files) == 2


def test_image_size_is_bounded():
    for size in (7, 65, 1.5):
        assert spec_error(lambda size=size: TrainConfig(image_size=size)).code == "train_between"


def test_a_past_run_on_own_data_lists_its_file_as_a_setting():
    from engine.train.runs_list import changed_settings

    assert changed_settings(TrainConfig(dataset="csv", data_file="p.csv")) == {"data_file": "p.csv"}
    assert changed_settings(TrainConfig(dataset="image-folder", image_folder="pets", model="simplecnn", lr=0.001)) == {
        "image_folder": "pets"
    }
