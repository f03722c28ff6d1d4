"""Snapshots of the course list at 80×24 in both languages (pytest-textual-snapshot).

Regenerate after a deliberate layout change with
`pytest tests/test_snapshots_course.py --snapshot-update` and look at the SVGs.
The progress file sits at a fixed path (it is shown on screen) and holds one lesson
done with a quiz score and one half way; the course sees the tours of the first eight
lessons only, so the picture stays the same as tours are added, and every kind of
state (done, half way, not started, no tour) is drawn.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pilot_support import SIZE, make_app

from engine.course_progress import FORMAT_NAME, VERSION
from tui.course_tour import tour_paths
from tui.lessons import LESSONS


@pytest.fixture(params=["en", "zh"])
def lang(request):
    return request.param


@pytest.fixture
def progress(monkeypatch, lang):
    """A fixed folder per language (it is shown on screen): the two snapshots may run at once on two workers."""
    state = Path(f"/tmp/tensortour-snapshot-state-{lang}")
    shutil.rmtree(state, ignore_errors=True)
    (state / "tensortour").mkdir(parents=True)
    lessons = {"perceptron": {"stop": 3, "stops_done": [0, 1, 2]}, "activations": {"stop": 1, "stops_done": [0]}}
    quiz = {"perceptron": {"gate": True, "xor": False, "xor2": True}}
    document = {"format": FORMAT_NAME, "version": VERSION, "current": None, "lessons": lessons, "quiz": quiz}
    (state / "tensortour" / "course.json").write_text(json.dumps(document))
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    first_eight = {lesson: path for lesson, path in tour_paths().items() if lesson in LESSONS[:8]}
    monkeypatch.setattr("tui.course.tour_paths", lambda: first_eight)
    yield
    shutil.rmtree(state, ignore_errors=True)


def test_course_list(snap_compare, progress, lang):
    """`tensortour course`: the perceptron done (quiz 2/3), activation functions at stop 2 of 4 and offered next."""
    app = make_app(lang, course=False)
    assert snap_compare(app, terminal_size=SIZE)


@pytest.fixture
def at_conv_stop(progress, lang):
    """The same progress, left inside the convolution lesson at its first stop."""
    path = Path(f"/tmp/tensortour-snapshot-state-{lang}") / "tensortour" / "course.json"
    document = json.loads(path.read_text())
    document["current"] = "conv"
    document["lessons"]["conv"] = {"stop": 0, "stops_done": []}
    path.write_text(json.dumps(document))


def test_course_stop(snap_compare, at_conv_stop, lang):
    """`tensortour course` reopens the convolution lesson at stop 1 of 3: its paragraph above the status line,
    the stop's keys on the message line."""
    app = make_app(lang, course=False)
    assert snap_compare(app, terminal_size=SIZE)
