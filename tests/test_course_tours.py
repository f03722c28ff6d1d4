"""Every tour in assets/course/ (found, not listed): it parses, its setups are the lesson's, its steps exist.

Also: a broken tour is refused with the file and the field named, and the course's
keys (> . < ,) are free in every lesson.
"""

from __future__ import annotations

import re

import pytest
from textual.binding import Binding

from tui.course import COURSE_BINDINGS, course_screen_class
from tui.course_tour import TOURS, one_paragraph, read_tour, tour_paths
from tui.i18n import LANGUAGES
from tui.lesson_file import LessonFileError
from tui.lessons import LESSONS, REGISTRY, make_screen
from tui.screens.lesson import StepLesson

TOUR_FILES = sorted(TOURS.glob("*.toml"))
MAX_WORDS = 60  # COURSE.md: a paragraph of ~60 English words at most (numbers and symbols not counted)
WORD = re.compile(r"[A-Za-z]")


def test_every_lesson_has_a_tour_in_course_order():
    assert {path.stem for path in TOUR_FILES} == set(LESSONS)
    assert list(tour_paths()) == [lesson for lesson in LESSONS if lesson in tour_paths()]  # course order


@pytest.mark.parametrize("path", TOUR_FILES, ids=lambda path: path.stem)
def test_a_tour_parses_and_every_stop_opens_within_its_lessons_trace(path):
    tour = read_tour(path)
    assert 2 <= len(tour.stops) <= 4
    for number, stop in enumerate(tour.stops, 1):
        assert set(stop.texts) == set(LANGUAGES) and all(stop.texts.values()), number
        words = [word for word in stop.texts["en"].split() if WORD.search(word)]
        assert len(words) <= MAX_WORDS, (number, len(words))
        screen = make_screen(tour.lesson, setup=stop.setup)
        if isinstance(screen, StepLesson):
            assert 1 <= stop.step <= screen.step_count, (number, stop.step, screen.step_count)
    places = [(stop.argv, stop.step) for stop in tour.stops]
    assert len(set(places)) == len(places), "two stops at the same place"


def test_a_broken_tour_is_refused_with_the_file_and_field_named(tmp_path):
    path = tmp_path / "conv.toml"
    path.write_text('lesson = "conv"\n[[stop]]\nstep = 1\nen = "a"\nzh = "b"\n[stop.setup]\npadding = "wide"\n')
    with pytest.raises(LessonFileError) as refused:
        read_tour(path)
    assert str(path) in refused.value.text() and "padding" in refused.value.text()
    path.write_text('lesson = "conv"\n[[stop]]\nstep = 1\nen = "only English"\n')
    with pytest.raises(LessonFileError, match="no_text"):
        read_tour(path)
    path.write_text('lesson = "pool"\n[[stop]]\nen = "a"\nzh = "b"\n')
    with pytest.raises(LessonFileError, match="tour_misnamed"):
        read_tour(path)


def test_a_paragraph_joins_its_lines_with_a_space_only_beside_latin_text():
    assert one_paragraph("\nOne line\nand the next.\n") == "One line and the next."
    assert one_paragraph("卷积核在\n输入上滑动，\nout[0,0] = 8\n。") == "卷积核在输入上滑动，out[0,0] = 8。"
    assert one_paragraph("均方误差加上\n½(0.6 − 1)² = 0.08") == "均方误差加上 ½(0.6 − 1)² = 0.08"


COURSE_KEYS = {key.strip() for binding in COURSE_BINDINGS for key in binding.key.split(",")}


@pytest.mark.parametrize("entry", REGISTRY, ids=LESSONS)
def test_the_course_keys_are_free_in_every_lesson(entry):
    keys = {
        key.strip()
        for cls in entry.screen().__mro__
        for binding in cls.__dict__.get("BINDINGS", [])
        for key in (binding.key if isinstance(binding, Binding) else binding[0]).split(",")
    }
    assert not keys & COURSE_KEYS
    assert issubclass(course_screen_class(entry.id), entry.screen())
