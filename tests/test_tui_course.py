"""The guided course in the real app (Pilot): stops, resume after quitting, --reset, files set aside, no saving.

Each test points XDG_STATE_HOME at its own tmp_path, so the progress file is the test's.
"""

from __future__ import annotations

import errno
import json
import os

from pilot_support import run_app
from test_tui_home import palette_search
from textual.widgets import OptionList, Static

from engine.course_progress import FORMAT_NAME, VERSION, progress_path
from tui.app import TensorTourApp
from tui.course_tour import TOURS, read_tour
from tui.i18n import t
from tui.quiz_events import QuizAnswered
from tui.screens.course import CourseScreen
from tui.screens.home import HomeScreen
from tui.screens.lesson import StepLesson

PERCEPTRON = read_tour(TOURS / "perceptron.toml")


def run(body, *, lang="en", course: bool | None = False, size=(80, 24)) -> None:
    """`await body(app, pilot)` in an app started as `tensortour course` (`--reset` where course is True);
    course=None starts it as plain `tensortour` (the home screen)."""
    run_app(body, TensorTourApp(lang=lang, **({} if course is None else {"course": course})), size=size)


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def stored(tmp_path) -> dict:
    return json.loads((tmp_path / "tensortour" / "course.json").read_text())


def test_quitting_mid_lesson_reopens_that_stop_and_the_tour_ends_in_the_free_lesson(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    async def first_visit(app, pilot):
        assert isinstance(app.screen, CourseScreen)
        await pilot.press("enter")  # the first lesson, the perceptron, at its first stop
        lesson = app.screen
        assert isinstance(lesson, StepLesson) and lesson.LESSON == "perceptron"
        assert lesson.index == PERCEPTRON.stops[0].step - 1
        assert shown(lesson, "#narration") == PERCEPTRON.stops[0].text("en")
        await pilot.press("greater_than_sign")
        assert shown(lesson, "#narration") == PERCEPTRON.stops[1].text("en")
        assert t("course.at_stop", "en", stop=2, total=3) in shown(lesson, "#message")

    run(first_visit)
    assert stored(tmp_path)["current"] == "perceptron"
    assert stored(tmp_path)["lessons"]["perceptron"] == {"stop": 1, "stops_done": [0]}

    async def second_visit(app, pilot):
        lesson = app.screen  # straight back at stop 2, the course list under it
        assert isinstance(lesson, StepLesson) and isinstance(app.screen_stack[-2], CourseScreen)
        assert shown(lesson, "#narration") == PERCEPTRON.stops[1].text("en")
        await pilot.press("less_than_sign")
        assert shown(lesson, "#narration") == PERCEPTRON.stops[0].text("en")
        await pilot.press("full_stop", "full_stop", "full_stop")  # . as >: past the last stop
        assert shown(lesson, "#message") == t("course.free", "en")
        await pilot.press("escape")
        assert isinstance(app.screen, CourseScreen)
        options = app.screen.query_one("#course-lessons", OptionList)
        assert t("course.state_done", "en") in str(options.get_option("perceptron").prompt)
        assert options.highlighted == 1  # the next lesson is offered
        assert "Activation functions" in shown(app.screen, "#next")

    run(second_visit)
    assert stored(tmp_path)["current"] is None
    assert stored(tmp_path)["lessons"]["perceptron"]["stops_done"] == [0, 1, 2]


def test_reset_says_what_it_forgot_and_quiz_answers_are_kept_and_scored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    path = tmp_path / "tensortour" / "course.json"
    path.parent.mkdir()
    old = {"conv": {"stop": 1, "stops_done": [0]}, "pool": {"stop": 0, "stops_done": []}}
    document = {"format": FORMAT_NAME, "version": VERSION, "lessons": old, "quiz": {"conv": {"q1": True}}}
    path.write_text(json.dumps(document))

    async def body(app, pilot):
        notes = shown(app.screen, "#notes")
        assert "2 lessons' stops and 1 quiz answer" in notes and str(path) in notes
        assert stored(tmp_path)["lessons"] == {}
        await pilot.press("enter")
        app.screen.post_message(QuizAnswered("perceptron", "gate-output", True))
        app.screen.post_message(QuizAnswered("perceptron", "xor-line", False))
        await pilot.pause()
        await pilot.press("escape")
        options = app.screen.query_one("#course-lessons", OptionList)
        assert "quiz 1/2" in str(options.get_option("perceptron").prompt)

    run(body, course=True)
    assert stored(tmp_path)["quiz"] == {"perceptron": {"gate-output": True, "xor-line": False}}


def test_a_future_version_file_is_set_aside_and_a_lesson_without_a_tour_opens_free_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr("tui.course.tour_paths", lambda: {"perceptron": TOURS / "perceptron.toml"})
    path = progress_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": FORMAT_NAME, "version": VERSION + 1}))

    async def body(app, pilot):
        notes = shown(app.screen, "#notes")
        kept = next(p for p in path.parent.iterdir() if p.name.startswith("course.json.future-"))
        assert "更新版本" in notes and str(path) in notes and str(kept) in notes
        options = app.screen.query_one("#course-lessons", OptionList)
        assert t("course.state_no_tour", "zh") in str(options.get_option("pool").prompt)
        options.highlighted = options.get_option_index("pool")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.LESSON == "pool" and shown(app.screen, "#message") == t("course.no_tour", "zh")

    run(body, lang="zh")
    assert stored(tmp_path)["version"] == VERSION


def test_a_folder_it_cannot_write_leaves_the_course_running_and_says_so(tmp_path, monkeypatch):
    state = tmp_path / "state"
    (state / "tensortour").mkdir(parents=True)
    os.chmod(state / "tensortour", 0o555)
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    if os.geteuid() == 0:  # root writes anywhere: refuse as the kernel would refuse anyone else

        def refused(*args, **kwargs):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr("engine.train.run_files.tempfile.mkstemp", refused)

    async def body(app, pilot):
        notes = shown(app.screen, "#notes")
        assert "Progress is not saved" in notes and str(state / "tensortour" / "course.json") in notes
        await pilot.press("enter", "greater_than_sign")
        assert shown(app.screen, "#narration") == PERCEPTRON.stops[1].text("en")

    try:
        run(body)
    finally:
        os.chmod(state / "tensortour", 0o755)
    assert list((state / "tensortour").iterdir()) == []


def test_the_home_list_starts_then_continues_the_course(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    async def body(app, pilot):
        assert isinstance(app.screen, HomeScreen)
        options = app.screen.query_one("#lessons", OptionList)
        assert str(options.get_option_at_index(0).prompt).startswith("Start the course  —  ")
        await pilot.press("enter")
        assert isinstance(app.screen, CourseScreen)
        await pilot.press("enter", "escape", "escape")
        assert isinstance(app.screen, HomeScreen)
        assert str(options.get_option_at_index(0).prompt).startswith("Continue the course  —  ")
        assert any("The course" in hit for hit in await palette_search(pilot, "课程"))

    run(body, course=None)


def test_the_home_list_names_the_course_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    async def body(app, pilot):
        first = str(app.screen.query_one("#lessons", OptionList).get_option_at_index(0).prompt)
        assert first.startswith("开始课程  —  ") and "course" not in first.lower()

    run(body, course=None, lang="zh")


def test_the_command_line_takes_reset_and_the_display_options_after_course():
    from tui.cli import COURSE, parse_args

    args = parse_args([COURSE, "--reset", "--lang", "zh", "--color", "none"])
    assert (args.lesson, args.reset, args.lang, args.color) == ("course", True, "zh", "none")
    assert parse_args([COURSE]).reset is False
