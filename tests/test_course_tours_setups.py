"""Every guided tour (assets/course/<lesson>.toml, COURSE.md) opens: each stop's setup goes through the lesson's own
parser, as a lesson file's `[setup]` does (tui/lesson_file.py), and its step is one the trace has.

The paragraphs are there in both languages, short, and their Chinese follows the glossary and wraps by the rules
(no line starts with closing punctuation) at every width a course screen may give them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.test_glossary import variants_in
from tests.test_typography import atoms, broken_rules
from tui.i18n import ASSETS
from tui.lesson_file import argv_from_table, setup_of
from tui.lessons import LESSONS, lesson
from tui.wrap import tidy, wrap

TOURS = sorted((ASSETS / "course").glob("*.toml"))
STEP_FREE = {"train"}
"""Lessons whose stop fills a form instead of opening at a step (COURSE.md: train's `step` is ignored)."""


def tour(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_there_are_tours():
    assert TOURS


@pytest.mark.parametrize("path", TOURS, ids=lambda path: path.stem)
def test_every_stop_opens_at_a_step_of_its_trace(path: Path):
    document = tour(path)
    lesson_id = document["lesson"]
    assert lesson_id == path.stem and lesson_id in LESSONS
    assert set(document) <= {"format", "lesson", "stop"}
    stops = document["stop"]
    assert 2 <= len(stops) <= 4
    for number, stop in enumerate(stops, start=1):
        assert set(stop) <= {"step", "en", "zh", "setup"}, number
        setup = setup_of(lesson_id, argv_from_table(lesson_id, stop.get("setup", {})))
        if lesson_id in STEP_FREE:
            continue
        step = stop["step"]
        trace = lesson(lesson_id).screen().trace_for(None, setup)  # trace_for reads only its setup
        assert isinstance(step, int) and 1 <= step <= trace.step_count, (number, step, trace.step_count)


@pytest.mark.parametrize("path", TOURS, ids=lambda path: path.stem)
def test_every_paragraph_is_short_in_both_languages(path: Path):
    for number, stop in enumerate(tour(path)["stop"], start=1):
        assert stop["en"].strip() and stop["zh"].strip(), number
        assert len(stop["en"].split()) <= 70, (number, len(stop["en"].split()))


@pytest.mark.parametrize("path", TOURS, ids=lambda path: path.stem)
def test_the_chinese_follows_the_glossary_and_wraps_by_the_rules(path: Path):
    problems = []
    for number, stop in enumerate(tour(path)["stop"], start=1):
        text = tidy(" ".join(stop["zh"].split()))
        problems += [f"stop {number}: {variant}" for variant in variants_in(text)]
        for width in range(30, 81):
            lines = [str(line) for line in wrap(text, width)]
            problems += [f"stop {number}: {p}" for p in broken_rules(lines, atoms(text), width, width - 2)]
    assert problems == []
