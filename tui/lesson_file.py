"""Lesson files: a lesson's setup as TOML, read as data and turned into the lesson's own command line.

A file names its lesson (`lesson = "conv"`) and holds a `[setup]` table whose
keys are the lesson's long flags (`kernel-size` or `kernel_size`) and whose
values are what those flags take. The table becomes argv words, and those words
go through the lesson's own argparse parser and `setup_from` — the very code
`tensortour LESSON …` runs — so a file and a command line can never disagree.
Nothing in a file is ever evaluated: tomllib reads it, each value is checked for
its flag's type, and the lesson's parsers see only text, as they would from a shell.

Optional `[[narration]]` (a step and its words in en / zh) and `[[question]]`
tables ride along; the format leaves room for the guided course to add to them.
Every refusal names the file, the line and the field (LessonFileError).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from engine.errors import SpecError
from tui.i18n import LANGUAGES, error_text, language, t, visible
from tui.lessons import LESSONS, lesson_flags

MAX_BYTES = 1_000_000
FORMAT = 1
TOP_KEYS = ("format", "lesson", "setup", "narration", "question")
_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")


class LessonFileError(Exception):
    """What is wrong with a lesson file and where: `code` picks the sentence (`lesson_file.<code>`)."""

    def __init__(
        self,
        path: str | Path,
        code: str,
        *,
        line: int | None = None,
        field: str | None = None,
        spec_error: SpecError | None = None,
        **params: object,
    ) -> None:
        self.path, self.code, self.line, self.field = str(path), code, line, field
        self.spec_error, self.params = spec_error, params
        super().__init__(f"{self.path}:{line}: {field}: {code} {params}")

    def text(self) -> str:
        """`lesson.toml:7: setup.padding: …`, in the active language; what a file held is shown escaped."""
        where = self.path + (f":{self.line}" if self.line else "")
        if self.field:
            where += f": {visible(self.field)}"
        params = {key: visible(value) if isinstance(value, str) else value for key, value in self.params.items()}
        if "got" in params:
            params["got"] = t(f"lesson_file.type_{params['got']}")
        message = error_text(self.spec_error) if self.spec_error else t(f"lesson_file.{self.code}", **params)
        return f"{where}: {message}"


class FieldError(Exception):
    """A value that does not fit its flag, before the file's name and line are known."""

    def __init__(self, key: str, code: str, **params: object) -> None:
        self.key, self.code, self.params = key, code, params
        super().__init__(f"{key}: {code} {params}")


@dataclass(frozen=True)
class Note:
    """Words a teacher attached to a step (narration) or asked there (question); `texts` by language."""

    step: int | None
    texts: dict[str, str]
    answer: str | None = None

    def text(self, lang: str | None = None) -> str:
        """In the given or active language, else in the one the teacher wrote."""
        lang = lang or language()
        return self.texts.get(lang) or next(iter(self.texts.values()))


@dataclass(frozen=True)
class LessonFile:
    """A file read and checked: its lesson, the argv its setup stands for, the setup itself, its notes."""

    path: str
    lesson: str
    argv: tuple[str, ...]
    setup: object
    narration: tuple[Note, ...] = ()
    questions: tuple[Note, ...] = ()

    def narration_at(self, step: int) -> str:
        """The narration for step `step` (1-based, as the status line counts), joined; empty if none."""
        return "\n".join(note.text() for note in self.narration if note.step == step)


# The lesson's flags as a file sees them ------------------------------------------


class _Refused(Exception):
    pass


class _RaisingParser(argparse.ArgumentParser):
    """The lesson's parser, raising where argparse would print usage and exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Refused(message)

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        raise _Refused(message or "")


def lesson_parser(lesson_id: str) -> argparse.ArgumentParser:
    parser = _RaisingParser(prog=f"tensortour {lesson_id}", add_help=False)
    lesson_flags(lesson_id).add_arguments(parser)
    return parser


def key_of(action: argparse.Action) -> str:
    """A flag's file key: its first long option without dashes (`--kernel-size` → `kernel_size`), or a positional's name."""
    longs = [option for option in action.option_strings if option.startswith("--")]
    return (longs[0][2:] if longs else action.dest).replace("-", "_")


def file_actions(lesson_id: str) -> dict[str, argparse.Action]:
    """The flags a file may set, by key; a lesson's NOT_IN_FILES (those that write, fetch or run) are left out."""
    excluded = set(getattr(lesson_flags(lesson_id), "NOT_IN_FILES", ()))
    return {
        key_of(action): action
        for action in lesson_parser(lesson_id)._actions
        if key_of(action) not in excluded and not isinstance(action, argparse._HelpAction)
    }


def type_name(value: object) -> str:
    """The TOML type of a value, as the catalogue names it (lesson_file.type_*)."""
    names = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}
    return names.get(type(value), "date")


def _word(key: str, action: argparse.Action, value: object) -> str:
    """One value as the text argparse would get for it; refuses a value of the wrong TOML type or not a choice."""
    kind = action.type
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise FieldError(key, "want_integer", got=type_name(value))
    if kind is float and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise FieldError(key, "want_number", got=type_name(value))
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(key, "want_text", got=type_name(value))
    word = repr(value) if isinstance(value, float) else str(value)
    if action.choices is not None and word not in [str(choice) for choice in action.choices]:
        raise FieldError(key, "not_a_choice", value=word, choices=", ".join(map(str, action.choices)))
    return word


def _option_words(key: str, action: argparse.Action, value: object) -> list[str]:
    option = next(o for o in action.option_strings if o.startswith("--"))
    if isinstance(action, argparse.BooleanOptionalAction) or action.nargs == 0:
        if not isinstance(value, bool):
            raise FieldError(key, "want_boolean", got=type_name(value))
        if isinstance(action, argparse.BooleanOptionalAction):
            return [option if value else "--no-" + option[2:]]
        return [option] if value == action.const else []
    if isinstance(action, argparse._AppendAction):
        items = value if isinstance(value, list) else [value]
        return [f"{option}={_word(key, action, item)}" for item in items]
    if action.nargs == "?" and value is True:  # the flag alone, taking its const (tensor's --transpose)
        return [option]
    return [f"{option}={_word(key, action, value)}"]


def _positional_words(key: str, action: argparse.Action, value: object) -> list[str]:
    if action.nargs in ("*", "+"):
        return [_word(key, action, item) for item in (value if isinstance(value, list) else [value])]
    return [_word(key, action, value)]


def argv_from_table(lesson_id: str, table: dict[str, object]) -> list[str]:
    """The argv words a `[setup]` table stands for: options as `--flag=value`, then `--` and the positionals.

    `--flag=value` keeps a value that starts with a minus (`-1,6`) a value; raises FieldError.
    """
    actions = file_actions(lesson_id)
    seen: dict[str, str] = {}
    options: list[str] = []
    positionals: list[str] = []
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key in seen:
            raise FieldError(raw_key, "duplicate", other=seen[key])
        seen[key] = raw_key
        action = actions.get(key)
        if action is None:
            excluded = key in getattr(lesson_flags(lesson_id), "NOT_IN_FILES", ())
            known = ", ".join(name.replace("_", "-") for name in actions)
            raise FieldError(raw_key, "not_in_files" if excluded else "unknown_flag", lesson=lesson_id, known=known)
        if action.option_strings:
            options += _option_words(raw_key, action, value)
        else:
            positionals += _positional_words(raw_key, action, value)
    return options + (["--", *positionals] if positionals else [])


def setup_of(lesson_id: str, argv: list[str] | tuple[str, ...]) -> object:
    """The lesson's setup for `argv`, by its own parser and setup_from; raises _Refused or SpecError."""
    return lesson_flags(lesson_id).setup_from(lesson_parser(lesson_id).parse_args(list(argv)))


# Reading a file ---------------------------------------------------------------------


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """(table, key) → line number, found by reading the lines (`[[narration]]` tables count: narration[1], …).

    tomllib keeps no positions; this only serves messages, so a rough reading is enough.
    """
    lines: dict[tuple[str, str], int] = {}
    table, counts, in_string = "", {}, None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if in_string:
            in_string = None if stripped.count(in_string) % 2 else in_string
            continue
        if header := re.match(r"^\[\[\s*([^\]]+?)\s*\]\]", stripped):
            name = header.group(1)
            counts[name] = counts.get(name, -1) + 1
            table = f"{name}[{counts[name] + 1}]"
            lines.setdefault((table, ""), number)
        elif header := re.match(r"^\[\s*([^\]]+?)\s*\]", stripped):
            table = header.group(1)
            lines.setdefault((table, ""), number)
        elif key := re.match(r"""^("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""", stripped):
            *parents, name = [part.strip("\"'") for part in key.group(1).split(".")]
            lines.setdefault((".".join([table, *parents]).strip("."), name), number)
            for quote in ('"""', "'''"):
                if stripped.count(quote) % 2:
                    in_string = quote
    return lines


def read_lesson_file(path: str | Path) -> LessonFile:
    """Read and check a lesson file; raises LessonFileError saying where and what."""
    return parse_lesson_file(read_bytes(path), path)


def read_bytes(path: str | Path) -> bytes:
    """A lesson file's or a tour's bytes, refused past MAX_BYTES (read no further than that)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise LessonFileError(path, "unreadable", reason=error.strerror or str(error)) from None
    if len(data) > MAX_BYTES:
        raise LessonFileError(path, "too_big", limit=MAX_BYTES)
    return data


def parse_lesson_file(data: bytes, path: str | Path) -> LessonFile:
    document, lesson, fail = parse_document(data, path, TOP_KEYS)
    argv, setup = setup_in(lesson, document, "", fail)
    narration = _notes(document.get("narration", []), "narration", fail, need_step=True)
    questions = _notes(document.get("question", []), "question", fail, need_step=False)
    return LessonFile(str(path), lesson, argv, setup, narration, questions)


Fail = Callable[..., NoReturn]
"""`fail(code, table, key, field=None, **params)`: raise LessonFileError naming the file, the key's line and field."""


def parse_document(data: bytes, path: str | Path, top_keys: tuple[str, ...]) -> tuple[dict, str, Fail]:
    """A lesson file or a course tour checked up to its lesson: (the TOML document, the lesson, its `fail`).

    Only `top_keys` may stand at the top; `format` must be FORMAT where given; `lesson` must name a lesson.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LessonFileError(path, "not_utf8", line=data[: error.start].count(b"\n") + 1) from None
    import tomllib  # here, not at start-up: most runs read no file

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _AT_LINE.search(str(error))
        reason = _AT_LINE.sub("", str(error))
        raise LessonFileError(path, "malformed", line=int(found.group(1)) if found else None, reason=reason) from None
    lines = _key_lines(text)

    def fail(code: str, table: str = "", key: str = "", field: str | None = None, **params: object) -> NoReturn:
        line = lines.get((table, key)) or lines.get((table, "")) or lines.get(("", table))  # `setup = { … }` too
        raise LessonFileError(path, code, line=line, field=field or ".".join(filter(None, (table, key))), **params)

    for key in document:
        if key not in top_keys:
            fail("unknown_key", key=key, known=", ".join(top_keys))
    version = document.get("format", FORMAT)
    if type(version) is not int or version != FORMAT:
        fail("format", key="format", value=str(version), expected=FORMAT)
    lesson = document.get("lesson")
    if not isinstance(lesson, str):
        fail("no_lesson" if lesson is None else "want_text", key="lesson", got=type_name(lesson))
    if lesson not in LESSONS:
        fail("unknown_lesson", key="lesson", value=lesson, choices=", ".join(LESSONS))
    return document, lesson, fail


def setup_in(lesson: str, parent: dict, where: str, fail: Fail) -> tuple[tuple[str, ...], object]:
    """The `setup` table of `parent` (the table named `where`, "" for the top) through the lesson's own parser:
    (its argv, the setup); a value the lesson refuses names its field."""
    table = parent.get("setup", {})
    if not isinstance(table, dict):
        fail("want_table", where, "setup", got=type_name(table))
    field = ".".join(filter(None, (where, "setup")))
    try:
        argv = argv_from_table(lesson, table)
        return tuple(argv), setup_of(lesson, argv)
    except FieldError as error:
        fail(error.code, field, error.key, **error.params)
    except _Refused as error:
        fail("refused", field, reason=str(error))
    except SpecError as error:
        fail("invalid", field, spec_error=error)


def _notes(entries: object, name: str, fail, *, need_step: bool) -> tuple[Note, ...]:
    """`[[narration]]` (step, en, zh) or `[[question]]` (step?, en, zh, answer?) tables, checked."""
    if not isinstance(entries, list):
        fail("want_tables", key=name, got=type_name(entries))
    allowed = ("step", *LANGUAGES) + (() if need_step else ("answer",))
    notes = []
    for index, entry in enumerate(entries):
        table = f"{name}[{index + 1}]"
        if not isinstance(entry, dict):
            fail("want_tables", key=name, got=type_name(entry))
        for key, value in entry.items():
            if key not in allowed:
                fail("unknown_key", table, key, known=", ".join(allowed))
            if key in LANGUAGES and not isinstance(value, str):
                fail("want_text", table, key, got=type_name(value))
        step = entry.get("step")
        if step is None and need_step:
            fail("no_step", table)
        if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 1):
            fail("want_step", table, "step", value=str(step))
        texts = {lang: entry[lang] for lang in LANGUAGES if entry.get(lang, "").strip()}
        if not texts:
            fail("no_text", table, languages=", ".join(LANGUAGES))
        answer = entry.get("answer")
        if answer is not None and (isinstance(answer, bool) or not isinstance(answer, str | int | float)):
            fail("want_text", table, "answer", got=type_name(answer))
        notes.append(Note(step, texts, None if answer is None else str(answer)))
    return tuple(notes)
