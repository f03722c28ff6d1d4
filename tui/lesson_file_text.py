"""A setup written out as a lesson file: the flags a lesson's `flags_of` gives, as TOML, with their command line.

tomllib only reads; the values here are flat (text, numbers, booleans, arrays of
them), so a few lines write them, and every file written is read back by the
same reader the `open` command uses (a test round-trips every lesson).
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Iterable, Mapping

from tui.i18n import LANGUAGES, t
from tui.lesson_file import FORMAT, LessonFile, Note, argv_from_table

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = "".join(
        _ESCAPES.get(char) or (f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in text
    )
    return f'"{escaped}"'


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("-inf" if value < 0 else "inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def command_line(lesson_id: str, flags: Mapping[str, object]) -> str:
    """The command that opens the same setup, as a shell would take it."""
    return shlex.join(["tensortour", lesson_id, *argv_from_table(lesson_id, dict(flags))])


def lesson_file_text(
    lesson_id: str,
    flags: Mapping[str, object],
    narration: Iterable[Note] = (),
    questions: Iterable[Note] = (),
) -> str:
    """The file: a comment with the command line it equals, the lesson, [setup], then any narration and questions."""
    command = command_line(lesson_id, flags)
    lines = [f"# {t('lesson_file.header')}"]
    if command.isprintable():  # a value with a line break would end the comment early
        lines.append(f"# {t('lesson_file.same_as')} {command}")
    lines += [f"format = {FORMAT}", f"lesson = {toml_string(lesson_id)}", "", "[setup]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in flags.items()]
    for name, notes in (("narration", narration), ("question", questions)):
        for note in notes:
            lines += ["", f"[[{name}]]"]
            if note.step is not None:
                lines.append(f"step = {note.step}")
            lines += [f"{lang} = {toml_string(note.texts[lang])}" for lang in LANGUAGES if lang in note.texts]
            if note.answer is not None:
                lines.append(f"answer = {toml_string(note.answer)}")
    return "\n".join(lines) + "\n"


def plain_notes(source: LessonFile) -> str:
    """A file's narration by step, then its questions, then their answers (last, so a handout can stop before them)."""
    lines: list[str] = []
    if source.narration:
        lines.append(t("lesson_file.narration_heading", file=source.path))
        lines += [f"  {t('lesson_file.step', step=note.step)}: {note.text()}" for note in source.narration]
    if source.questions:
        lines += [""] if lines else []
        lines.append(t("lesson_file.questions_heading"))
        for number, note in enumerate(source.questions, start=1):
            at = f" ({t('lesson_file.step', step=note.step)})" if note.step else ""
            lines.append(f"  {number}.{at} {note.text()}")
        lines += ["", t("lesson_file.answers_heading")]
        lines += [
            f"  {number}. {note.answer if note.answer is not None else t('lesson_file.no_answer')}"
            for number, note in enumerate(source.questions, start=1)
        ]
    return "\n".join(lines)
