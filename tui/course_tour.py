"""The course's tours: `assets/course/<lesson>.toml`, a few stops per lesson, read by the lesson-file rules.

A stop is a step to open at, a paragraph in en and zh, and a `[stop.setup]` table
that is exactly a lesson file's `[setup]` (COURSE.md): its keys are the lesson's
long flags, and it goes through the lesson's own parser (tui.lesson_file), so a
tour can hold only setups the command line would take. A stop becomes a
LessonFile whose one narration note is its paragraph at its step: the lesson
screen shows it in `#narration` as it shows a teacher's file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tui.i18n import ASSETS, LANGUAGES, language
from tui.lesson_file import Fail, LessonFile, Note, parse_document, read_bytes, setup_in, type_name
from tui.lessons import LESSONS

TOURS = ASSETS / "course"
STOP_KEYS = ("step", *LANGUAGES, "setup")
TOP_KEYS = ("format", "lesson", "stop")


@dataclass(frozen=True)
class Stop:
    step: int
    """1-based, as the status line counts."""
    texts: dict[str, str]
    argv: tuple[str, ...]
    setup: object

    def text(self, lang: str | None = None) -> str:
        return self.texts[lang or language()]


@dataclass(frozen=True)
class Tour:
    lesson: str
    path: str
    stops: tuple[Stop, ...]

    def source(self, number: int) -> LessonFile:
        """Stop `number` (0-based) as the lesson file the screen is opened from: its setup, its paragraph as narration."""
        stop = self.stops[number]
        return LessonFile(self.path, self.lesson, stop.argv, stop.setup, (Note(stop.step, stop.texts),))


def tour_paths(folder: Path = TOURS) -> dict[str, Path]:
    """Every tour file there is, by lesson, in course order (a lesson's file is named after it)."""
    found = {path.stem: path for path in folder.glob("*.toml")} if folder.is_dir() else {}
    return {lesson: found[lesson] for lesson in LESSONS if lesson in found} | {
        stem: path for stem, path in sorted(found.items()) if stem not in LESSONS
    }


def read_tour(path: Path) -> Tour:
    """Read and check a tour by the lesson-file rules; raises LessonFileError naming the file, the line and the field."""
    document, lesson, fail = parse_document(read_bytes(path), path, TOP_KEYS)
    if lesson != path.stem:
        fail("tour_misnamed", key="lesson", value=lesson, name=path.name)
    stops = document.get("stop")
    if not isinstance(stops, list) or not stops:
        fail("tour_no_stops", key="stop")
    return Tour(lesson, str(path), tuple(_stop(lesson, entry, f"stop[{n}]", fail) for n, entry in enumerate(stops, 1)))


def _stop(lesson: str, entry: object, table: str, fail: Fail) -> Stop:
    if not isinstance(entry, dict):
        fail("want_tables", key="stop", got=type_name(entry))
    for key, value in entry.items():
        if key not in STOP_KEYS:
            fail("unknown_key", table, key, known=", ".join(STOP_KEYS))
        if key in LANGUAGES and not (isinstance(value, str) and value.strip()):
            fail("want_text", table, key, got=type_name(value))
    missing = [lang for lang in LANGUAGES if lang not in entry]
    if missing:
        fail("no_text", table, languages=", ".join(missing))
    step = entry.get("step", 1)
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        fail("want_step", table, "step", value=str(step))
    argv, setup = setup_in(lesson, entry, table, fail)
    return Stop(step, {lang: one_paragraph(entry[lang]) for lang in LANGUAGES}, argv, setup)


def one_paragraph(text: str) -> str:
    """The lines of a TOML multi-line string as one paragraph: joined by a space beside Latin text and symbols
    (`x`, `½`), by nothing between two Chinese characters or beside full-width punctuation (a space there shows
    mid-sentence)."""
    joined = ""
    for line in (line.strip() for line in text.strip().splitlines()):
        if joined and line:
            pair = (joined[-1], line[0])
            latin = any(unicodedata.east_asian_width(char) not in "WF" for char in pair)
            joined += " " if latin and not any(_full_width_punctuation(char) for char in pair) else ""
        joined += line
    return joined


def _full_width_punctuation(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF" and unicodedata.category(char).startswith("P")
