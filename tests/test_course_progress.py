"""The course's progress file (engine/course_progress.py): round trip, where it lives, files it cannot take."""

from __future__ import annotations

import json

import pytest

from engine.course_progress import (
    FILE_NAME,
    FORMAT_NAME,
    VERSION,
    Progress,
    load,
    progress_path,
    save,
    state_folder,
)


def test_progress_survives_a_round_trip_and_leaves_no_temporary_file(tmp_path):
    progress = Progress()
    progress.arrive("conv", 1)
    progress.finish("conv", 0)
    progress.answer("conv", "out-cell", True)
    progress.answer("conv", "shape", None)
    path = tmp_path / "tensortour" / FILE_NAME
    save(path, progress)
    loaded = load(path)
    assert loaded.problem is None and loaded.progress == progress
    assert loaded.progress.score("conv") == (1, 2)
    assert [p.name for p in path.parent.iterdir()] == [FILE_NAME]
    document = json.loads(path.read_text())
    assert document["format"] == FORMAT_NAME and document["version"] == VERSION


def test_the_state_folder_follows_xdg_and_ignores_a_relative_value(tmp_path):
    assert state_folder({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "tensortour"
    home = state_folder({})
    assert home.parts[-3:] == (".local", "state", "tensortour")
    assert state_folder({"XDG_STATE_HOME": "relative/state"}) == home
    assert progress_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "tensortour" / FILE_NAME


def test_no_file_is_a_fresh_start(tmp_path):
    loaded = load(tmp_path / FILE_NAME)
    assert loaded.problem is None and not loaded.progress.started()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"{ not json", "corrupt"),
        (b"\xff\xfe not utf-8", "corrupt"),
        (json.dumps({"format": FORMAT_NAME, "version": 1, "lessons": {"conv": {"stop": -1}}}).encode(), "corrupt"),
        (json.dumps({"format": FORMAT_NAME, "version": 1, "quiz": {"conv": {"q": "yes"}}}).encode(), "corrupt"),
        (json.dumps({"format": FORMAT_NAME, "version": "1"}).encode(), "corrupt"),
        (json.dumps({"name": "someone else's settings"}).encode(), "foreign"),
        (b"[1, 2, 3]", "foreign"),
        (json.dumps({"format": FORMAT_NAME, "version": VERSION + 1}).encode(), "future"),
    ],
)
def test_a_file_it_cannot_take_is_set_aside_never_deleted(tmp_path, content, kind):
    path = tmp_path / FILE_NAME
    path.write_bytes(content)
    loaded = load(path)
    assert loaded.problem.kind == kind and not loaded.progress.started()
    assert not path.exists() and loaded.set_aside_as.parent == tmp_path
    assert loaded.set_aside_as.name.startswith(f"{FILE_NAME}.{kind}-")
    assert loaded.set_aside_as.read_bytes() == content


def test_a_second_file_set_aside_in_the_same_second_takes_a_new_name(tmp_path):
    path = tmp_path / FILE_NAME
    names = set()
    for _ in range(2):
        path.write_text("{ broken")
        names.add(load(path).set_aside_as.name)
    assert len(names) == 2 and len(list(tmp_path.iterdir())) == 2


def test_a_file_that_cannot_be_set_aside_is_never_written_over(tmp_path, monkeypatch):
    from tui.course import Course

    path = tmp_path / "tensortour" / FILE_NAME
    path.parent.mkdir()
    path.write_text("{ broken")

    def refused(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("engine.course_progress.os.rename", refused)
    course = Course(None, environ={"XDG_STATE_HOME": str(tmp_path)})
    assert not course.saving and "Permission denied" in course.notes[0] and str(path) in course.notes[0]
    course.progress.arrive("conv", 1)
    course.save()
    assert path.read_text() == "{ broken"
