"""The guided course while it is open: the progress and where it is saved, the tours, moving between stops.

The app holds one Course from the moment the course is first opened (`tensortour
course`, or the first entry of the home list). It opens a lesson at its next stop
as a course screen — the lesson's own screen with two more keys, `>` and `<`
(COURSE_BINDINGS) — and records every move and every quiz answer at once, so
quitting anywhere loses nothing. Saving never stops the course: where the state
folder cannot be written, the course says so once and goes on.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

from textual.binding import Binding

from engine.course_progress import Loaded, Progress, ProgressProblem, load, progress_path, save
from tui.blas import single_threaded_blas
from tui.course_tour import Tour, read_tour, tour_paths
from tui.i18n import counted, t
from tui.lesson_file import LessonFileError
from tui.lessons import LESSONS
from tui.lessons import lesson as registered

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from tui.quiz_events import QuizAnswered

COURSE_BINDINGS = [
    Binding("greater_than_sign,full_stop", "course_stop(1)", "keys.course_next", key_display=">"),
    Binding("less_than_sign,comma", "course_stop(-1)", "keys.course_back", key_display="<"),
]
"""Free in every lesson (a test checks): `.` and `,` are the same keys unshifted."""


class CourseStops:
    """What a lesson screen gains in the course: `>` / `<` move between the tour's stops."""

    def action_course_stop(self, delta: int) -> None:
        self.app.course.move(self, delta)


@cache
def course_screen_class(lesson: str) -> type[Screen]:
    """The lesson's screen class with the course's keys (Textual reads BINDINGS from DOMNode classes only)."""
    screen = registered(lesson).screen()
    # the same module: Textual finds CSS_PATH beside the file that defines the class
    namespace = {"BINDINGS": COURSE_BINDINGS, "__module__": screen.__module__}
    return type(screen.__name__, (CourseStops, screen), namespace)


def set_aside_message(loaded: Loaded, path: os.PathLike) -> str:
    problem: ProgressProblem = loaded.problem
    why = t(f"course.why_{problem.kind}", reason=problem.reason)
    if loaded.set_aside_as is not None:
        return t("course.set_aside", path=path, why=why, moved=loaded.set_aside_as)
    return t("course.not_set_aside", path=path, why=why, reason=loaded.set_aside_error)


class Course:
    """The student's progress through the course, saved on every change; `notes` are said on the course list."""

    def __init__(self, app: App, *, reset: bool = False, environ: os._Environ | dict = os.environ) -> None:
        self.app = app
        self.path = progress_path(environ)
        loaded = load(self.path)
        self.progress = loaded.progress
        self.notes: list[str] = []
        self.saving = loaded.set_aside_error is None  # a file that could not be moved is never written over
        if loaded.problem is not None:
            self.notes.append(set_aside_message(loaded, self.path))
        if reset:
            self.notes.append(self._reset())
        self._tours: dict[str, Tour | LessonFileError | None] = {}
        self._last: str | None = None  # the lesson opened last in this session, for what to offer next
        self.save()  # finds out at once whether progress can be kept

    def _reset(self) -> str:
        old = self.progress
        answers = sum(len(answers) for answers in old.quiz.values())
        self.progress = Progress()
        return t(
            "course.reset",
            lessons=counted("course_lessons", len(old.lessons)),
            answers=counted("course_answers", answers),
            path=self.path,
        )

    def save(self) -> None:
        """Write the progress; the first failure is said (on the course list and the screen open) and ends saving."""
        if not self.saving:
            return
        try:
            save(self.path, self.progress)
        except OSError as error:
            self.saving = False
            note = t("course.not_saved", path=self.path, reason=error.strerror or str(error))
            self.notes.append(note)
            say = getattr(self.app.screen, "say", None)
            if callable(say):
                say(note, error=True)

    # The tours ------------------------------------------------------------------

    def tour(self, lesson: str) -> Tour | LessonFileError | None:
        """The lesson's tour, its refusal where the file is broken, or None where it has none."""
        if lesson not in self._tours:
            path = tour_paths().get(lesson)
            try:
                self._tours[lesson] = read_tour(path) if path else None
            except LessonFileError as error:
                self._tours[lesson] = error
        return self._tours[lesson]

    def stop_count(self, lesson: str) -> int:
        tour = self.tour(lesson)
        return len(tour.stops) if isinstance(tour, Tour) else 0

    def state(self, lesson: str) -> str:
        """`not started`, `stop k of n` or `done`, then the quiz score where a question was asked."""
        total = self.stop_count(lesson)
        entry = self.progress.lessons.get(lesson)
        if not total:
            state = t("course.state_no_tour")
        elif entry is None:
            state = t("course.state_new")
        elif entry.done >= set(range(total)):
            state = t("course.state_done")
        else:
            state = t("course.state_stop", stop=entry.stop + 1, total=total)
        right, asked = self.progress.score(lesson)
        return state + (f" · {t('course.score', right=right, asked=asked)}" if asked else "")

    def next_lesson(self) -> str | None:
        """The lesson to offer: the one being toured, else the first unfinished one after the lesson last opened
        (wrapping round to the start); None when every tour is done."""
        current = self.progress.current
        if current in LESSONS and self._unfinished(current):
            return current
        start = LESSONS.index(self._last) + 1 if self._last in LESSONS else 0
        return next((lesson for lesson in LESSONS[start:] + LESSONS[:start] if self._unfinished(lesson)), None)

    def _unfinished(self, lesson: str) -> bool:
        entry = self.progress.lessons.get(lesson)
        return entry is None or not entry.done >= set(range(self.stop_count(lesson)))

    def resumable(self) -> str | None:
        """The lesson the student left mid-tour (to reopen at its stop), if any."""
        current = self.progress.current
        return (
            current if current in LESSONS and self._unfinished(current) and current in self.progress.lessons else None
        )

    # Moving ---------------------------------------------------------------------

    def open(self, lesson: str) -> None:
        """Open `lesson` at its next stop (a finished tour starts again at its first); no tour: the free lesson."""
        tour = self.tour(lesson)
        entry = self.progress.lessons.get(lesson)
        self._last = lesson
        if not isinstance(tour, Tour):
            screen = self._screen(lesson, None)
            self.app.push_screen(screen)
            self.progress.arrive(lesson, 0)  # opened: the list offers the next lesson after it
            self.save()
            note = t("course.no_tour") if tour is None else t("course.tour_broken", error=tour.text())
            screen.call_after_refresh(screen.say, note, tour is not None)
            return
        number = entry.stop if entry is not None and entry.stop < len(tour.stops) else 0
        screen = self._screen(lesson, tour, number)
        self.app.push_screen(screen)
        self._arrive(screen, tour, number)

    def _screen(self, lesson: str, tour: Tour | None, number: int = 0) -> Screen:
        with single_threaded_blas():
            cls = course_screen_class(lesson)
            screen = cls(setup=tour.stops[number].setup) if tour else cls()
        if tour is not None:
            self._place(screen, tour, number)
        return screen

    @staticmethod
    def _place(screen: Screen, tour: Tour, number: int) -> None:
        """The stop's paragraph as the screen's narration, at the stop's step (a screen without steps has no index)."""
        if hasattr(screen, "index"):
            screen.source = tour.source(number)
            screen.index = tour.stops[number].step - 1

    def _arrive(self, screen: Screen, tour: Tour, number: int) -> None:
        self.progress.arrive(tour.lesson, number)
        self.save()
        say = t("course.at_stop", stop=number + 1, total=len(tour.stops))
        if not hasattr(screen, "index"):  # no narration line (the training lesson): the paragraph is the message
            say = f"{tour.stops[number].text()} ({say})"
        if screen.is_mounted:
            screen.say(say)
        else:
            screen.call_after_refresh(screen.say, say)

    def move(self, screen: Screen, delta: int) -> None:
        """`>` (delta 1) finishes the stop and goes to the next, or into the free lesson; `<` goes back one."""
        lesson = screen.LESSON
        tour = self.tour(lesson)
        if not isinstance(tour, Tour):
            screen.say(t("course.no_tour"))
            return
        at = min(self.progress.lesson(lesson).stop, len(tour.stops))
        if delta > 0 and at >= len(tour.stops):
            screen.say(t("course.still_free"))
            return
        if delta < 0 and at == 0:
            screen.say(t("course.first_stop"))
            return
        if delta > 0:
            self.progress.finish(lesson, at)
        number = at + (1 if delta > 0 else -1)
        if number == len(tour.stops):
            self.progress.arrive(lesson, number)
            self.save()
            screen.say(t("course.free"))
            return
        if hasattr(screen, "adopt"):
            screen.source = tour.source(number)
            screen.adopt(lambda: tour.stops[number].setup, index=tour.stops[number].step - 1)
        else:
            screen = self._screen(lesson, tour, number)
            self.app.switch_screen(screen)
        self._arrive(screen, tour, number)

    def back_on_the_list(self) -> None:
        """The course list is showing again: a later start opens it, not the lesson left."""
        if self.progress.current is not None:
            self.progress.leave()
            self.save()

    def answered(self, message: QuizAnswered) -> None:
        self.progress.answer(message.lesson, message.question_id, message.correct)
        self.save()
