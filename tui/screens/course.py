"""The course list: every lesson in course order, where the student is in each, the quiz score, what comes next."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList
from textual.widgets.option_list import Option

from tui.i18n import t
from tui.keys import help_bindings, translate_bindings
from tui.lessons import LESSONS
from tui.screens.help import HelpScreen
from tui.widgets.keybar import KeyBar
from tui.widgets.text import Line


class CourseScreen(Screen[None]):
    BINDINGS = [
        Binding("question_mark,f1", "help", "keys.help", key_display="?"),
        Binding("escape", "app.back", "keys.back", show=False),
    ]

    DEFAULT_CSS = """
    CourseScreen > Vertical { padding: 0 1; height: 1fr; }
    CourseScreen #intro { color: $text-muted; }
    CourseScreen #notes { text-style: bold; display: none; }
    CourseScreen #next { text-style: bold; }
    CourseScreen OptionList { height: 1fr; min-height: 4; border: round $panel; }
    CourseScreen #saved-in { color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._shown_notes = 0

    @property
    def course(self):
        return self.app.course

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Line(t("course.intro"), id="intro", markup=False)
            yield Line(id="notes", markup=False)
            yield OptionList(id="course-lessons")
            yield Line(id="next", markup=False)
            yield Line(t("course.saved_in", path=self.course.path), id="saved-in", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("course.title")
        self.refresh_list()

    def on_screen_resume(self) -> None:
        if self.app.screen is self:  # not when a resumed lesson was pushed over it at once
            self.course.back_on_the_list()
            self.refresh_list()

    def refresh_list(self) -> None:
        """Each lesson's state, the notes (set aside, reset, not saved) and the lesson to go on with, highlighted."""
        options = self.query_one("#course-lessons", OptionList)
        options.clear_options()
        options.add_options(
            Option(f"{number:2}. {t(f'lesson.{lesson}.title')}  —  {self.course.state(lesson)}", id=lesson)
            for number, lesson in enumerate(LESSONS, 1)
        )
        upcoming = self.course.next_lesson()
        options.highlighted = LESSONS.index(upcoming) if upcoming else 0
        notes = self.query_one("#notes", Line)
        notes.display = bool(self.course.notes)
        notes.show("\n".join(self.course.notes))
        nxt = self.query_one("#next", Line)
        title = t(f"lesson.{upcoming}.title") if upcoming else ""
        nxt.show(t("course.next", lesson=title) if upcoming else t("course.finished"))
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.course.open(event.option.id)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(t("course.title"), t("help.course"), help_bindings(self, self.app)))
