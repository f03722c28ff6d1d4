"""A Static that only asks for a new layout when its text needs a different number of lines."""

from __future__ import annotations

from textual.widgets import Static


class Line(Static):
    """Text that changes on every step (the arithmetic, the status).

    Static.update() re-lays out the whole screen by default, which costs far more
    than the step itself; most steps keep the same height, so this skips it.
    """

    def show(self, text: str) -> None:
        self.update(text, layout=False)
        width = self.content_size.width
        if width and self.get_content_height(self.size, self.size, width) != self.content_size.height:
            self.refresh(layout=True)
