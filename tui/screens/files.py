"""The two keys every lesson has for teachers: Ctrl+S saves the setup as a lesson file, F2 the screen as SVG.

Both write into $TENSORTOUR_HANDOUTS or the current directory, under a new name
(`conv.toml`, `conv-2.toml` …; `conv-step-3.svg` …), never over a file, and say
the full path on the message line. A lesson opened from a file keeps the file's
narration and questions when saved again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.binding import Binding

from engine.errors import SpecError
from tui.i18n import error_text, lesson_title, t
from tui.lesson_file import LessonFile
from tui.lessons import lesson_flags
from tui.saving import output_folder, write_numbered

FILE_BINDINGS = [
    Binding("ctrl+s", "save_setup", "keys.save_setup", key_display="Ctrl+S", show=False),
    Binding("f2,ctrl+e", "handout", "keys.handout", key_display="F2", show=False),
]
"""In each screen's BINDINGS (Textual reads BINDINGS only from DOMNode classes, and this mixin is not one)."""


class SavesFiles:
    """Ctrl+S and F2 for a lesson screen; the screen has LESSON, `say(text, error)` and its current setup."""

    LESSON: ClassVar[str] = ""
    source: LessonFile | None = None
    """The lesson file this screen was opened from, if any."""

    def setup_to_save(self) -> object | None:
        """The setup Ctrl+S writes; None when there is none to write (the screen has said why)."""
        return self.setup

    def handout_stem(self) -> str:
        """The SVG's name without the suffix, after the lesson and what is on screen."""
        return self.LESSON

    def say(self, text: str, error: bool = False) -> None:
        raise NotImplementedError

    def action_save_setup(self) -> None:
        from tui.lesson_file_text import lesson_file_text

        setup = self.setup_to_save()
        if setup is None:
            return
        try:
            flags = lesson_flags(self.LESSON).flags_of(setup)
        except SpecError as error:  # a setup no file may hold (a student's own network: code, not data)
            self.say(error_text(error), error=True)
            return
        notes = (self.source.narration, self.source.questions) if self.source else ((), ())
        text = lesson_file_text(self.LESSON, flags, *notes)
        path = self._write(lambda folder: write_numbered(folder, self.LESSON, ".toml", text))
        if path:
            self.say(t("lesson_file.setup_saved", path=path, name=path.name))

    def action_handout(self) -> None:
        stem = self.handout_stem()
        svg = self.app.export_screenshot(title=f"TensorTour — {lesson_title(self.LESSON)} — {stem}")
        path = self._write(lambda folder: write_numbered(folder, stem, ".svg", svg))
        if path:
            self.say(t("lesson_file.handout_saved", path=path))

    def _write(self, write: Callable[[Path], Path]) -> Path | None:
        folder = output_folder()
        try:
            return write(folder)
        except OSError as error:
            self.say(t("lesson_file.save_failed", path=folder, reason=error.strerror or str(error)), error=True)
            return None
