"""The first screen: what TensorTour is and the lessons, in course order."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import lesson_title, t
from tui.keys import help_bindings, translate_bindings
from tui.lessons import LESSONS
from tui.screens.help import HelpScreen
from tui.widgets.keybar import KeyBar

COURSE_ENTRY = "course"  # the first entry: the guided course


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("question_mark,f1", "help", "keys.help", key_display="?"),
    ]

    DEFAULT_CSS = """
    HomeScreen > Vertical { padding: 1 2; height: 1fr; }
    HomeScreen #tagline { margin-bottom: 1; text-style: bold; }
    HomeScreen #choose { color: $text-muted; margin-bottom: 1; }
    HomeScreen OptionList { height: 1fr; border: round $panel; }
    """

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(t("app.tagline"), id="tagline")
            yield Static(t("app.choose"), id="choose")
            yield OptionList(
                Option(self._course_entry(), id=COURSE_ENTRY),
                *[
                    Option(
                        f"{lesson_title(lesson)}  —  {t(f'lesson.{lesson}.summary')}",
                        id=lesson,
                    )
                    for lesson in LESSONS
                ],
                id="lessons",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = ""

    @staticmethod
    def _course_entry() -> str:
        """Start the course, or continue it once there is progress (read here, never set aside)."""
        from engine.course_progress import ProgressProblem, progress_from_json, progress_path

        try:
            started = progress_from_json(progress_path().read_text(encoding="utf-8")).started()
        except (OSError, UnicodeDecodeError, ProgressProblem):
            started = False
        key = "course.continue" if started else "course.start"
        return f"{t(key)}  —  {t('course.summary')}"

    def on_screen_resume(self) -> None:
        self.query_one("#lessons", OptionList).replace_option_prompt(COURSE_ENTRY, self._course_entry())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == COURSE_ENTRY:
            self.app.open_course()
        else:
            self.app.open_lesson(event.option.id)

    def action_help(self) -> None:
        bindings = help_bindings(self, self.app)
        self.app.push_screen(HelpScreen(t("app.title"), t("help.home"), bindings))
