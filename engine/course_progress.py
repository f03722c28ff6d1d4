"""The guided course's progress: which stops are done, where the student is, the quiz answers; as versioned JSON.

The file lives in `$XDG_STATE_HOME/tensortour/` (default `~/.local/state/tensortour/`)
and is replaced in one step on every change (run_files.replace_whole), so a crash
leaves the old progress or the new, never half a file. A file this version cannot
take (not JSON, not ours, from a newer TensorTour, unreadable) is never read half
and never deleted: it is renamed beside itself and the course starts afresh, and
the caller is told both names. Knows nothing of lessons or tours: a lesson is a
name, a stop a number.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.train.run_files import replace_whole

FORMAT_NAME = "tensortour-course-progress"
VERSION = 1
FILE_NAME = "course.json"
MAX_BYTES = 1_000_000  # a student's progress is a few kilobytes; more is not a progress file


def state_folder(environ: dict[str, str] | os._Environ = os.environ) -> Path:
    """`$XDG_STATE_HOME/tensortour`, or `~/.local/state/tensortour` where it is unset or relative (the XDG rule)."""
    base = environ.get("XDG_STATE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path(os.path.expanduser("~")) / ".local" / "state"
    return root / "tensortour"


def progress_path(environ: dict[str, str] | os._Environ = os.environ) -> Path:
    return state_folder(environ) / FILE_NAME


class ProgressProblem(Exception):
    """Why a file is not progress this version can take: `kind` is corrupt, foreign, future or unreadable."""

    def __init__(self, kind: str, reason: str = "") -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind, self.reason = kind, reason


@dataclass
class LessonProgress:
    """`stop`: the stop the student is at (0-based; the tour's length once past its last); `done`: stops finished."""

    stop: int = 0
    done: set[int] = field(default_factory=set)


@dataclass
class Progress:
    lessons: dict[str, LessonProgress] = field(default_factory=dict)
    current: str | None = None
    """The lesson that was open when the student left (None: the course list was)."""
    quiz: dict[str, dict[str, bool | None]] = field(default_factory=dict)
    """Answers by lesson and question id: True right, False wrong, None skipped; the latest answer counts."""

    def lesson(self, name: str) -> LessonProgress:
        return self.lessons.setdefault(name, LessonProgress())

    def started(self) -> bool:
        return bool(self.lessons or self.quiz)

    def arrive(self, name: str, stop: int) -> None:
        """The student is at `stop` of lesson `name` (and in that lesson)."""
        self.lesson(name).stop = stop
        self.current = name

    def finish(self, name: str, stop: int) -> None:
        self.lesson(name).done.add(stop)

    def leave(self) -> None:
        """Back on the course list: a later start opens the list, not a lesson."""
        self.current = None

    def answer(self, name: str, question: str, correct: bool | None) -> None:
        self.quiz.setdefault(name, {})[question] = correct

    def score(self, name: str) -> tuple[int, int]:
        """(right, asked) in lesson `name`; a skipped question counts as asked."""
        answers = self.quiz.get(name, {})
        return sum(answer is True for answer in answers.values()), len(answers)

    def to_json(self) -> str:
        document = {
            "format": FORMAT_NAME,
            "version": VERSION,
            "current": self.current,
            "lessons": {
                name: {"stop": lesson.stop, "stops_done": sorted(lesson.done)} for name, lesson in self.lessons.items()
            },
            "quiz": self.quiz,
        }
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def progress_from_json(text: str) -> Progress:
    """The progress a file's text holds; raises ProgressProblem (foreign, future, corrupt) for anything else."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ProgressProblem("corrupt", str(error)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ProgressProblem("foreign")
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise ProgressProblem("corrupt", f"version {version!r}")
    if version > VERSION:
        raise ProgressProblem("future", str(version))
    try:
        return _read(document)
    except (TypeError, ValueError, AttributeError) as error:
        raise ProgressProblem("corrupt", str(error)) from None


def _count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(f"not a stop number: {value!r}")
    return value


def _read(document: dict) -> Progress:
    current = document.get("current")
    if current is not None and not isinstance(current, str):
        raise TypeError(f"current: {current!r}")
    lessons = {}
    for name, entry in dict(document.get("lessons", {})).items():
        done = {_count(stop) for stop in list(entry.get("stops_done", []))}
        lessons[str(name)] = LessonProgress(_count(entry.get("stop", 0)), done)
    quiz: dict[str, dict[str, bool | None]] = {}
    for name, answers in dict(document.get("quiz", {})).items():
        for question, answer in dict(answers).items():
            if answer is not None and not isinstance(answer, bool):
                raise TypeError(f"quiz.{name}.{question}: {answer!r}")
        quiz[str(name)] = {str(question): answer for question, answer in answers.items()}
    return Progress(lessons, current, quiz)


@dataclass(frozen=True)
class Loaded:
    """What load found: the progress to go on with, and where a file it could not take was put (or why not)."""

    progress: Progress
    problem: ProgressProblem | None = None
    set_aside_as: Path | None = None
    set_aside_error: str | None = None
    """Why the file could not be renamed either; then nothing may be written over it."""


def load(path: Path) -> Loaded:
    """The progress at `path`: empty when there is none; a file it cannot take is set aside (see the module)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Loaded(Progress())
    except OSError as error:
        problem = ProgressProblem("unreadable", error.strerror or str(error))
    else:
        try:
            if len(data) > MAX_BYTES:
                raise ProgressProblem("corrupt", f"over {MAX_BYTES:,} bytes")
            return Loaded(progress_from_json(data.decode("utf-8")))
        except UnicodeDecodeError as error:
            problem = ProgressProblem("corrupt", str(error))
        except ProgressProblem as error:
            problem = error
    try:
        return Loaded(Progress(), problem, set_aside(path, problem.kind))
    except OSError as error:
        return Loaded(Progress(), problem, set_aside_error=error.strerror or str(error))


def set_aside(path: Path, kind: str) -> Path:
    """Rename `path` beside itself (`course.json.corrupt-20261205-191500`, `-2` … if taken), never over a file."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for number in range(1, 1000):
        target = path.with_name(f"{path.name}.{kind}-{stamp}" + (f"-{number}" if number > 1 else ""))
        if os.path.lexists(target):
            continue
        os.rename(path, target)
        return target
    raise FileExistsError(target)


def save(path: Path, progress: Progress) -> None:
    """Write `progress` to `path` in one step (its folder made first); raises OSError where it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_whole(path, progress.to_json().encode("utf-8"))
