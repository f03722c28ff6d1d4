"""What a student cannot see: boxes cut by their container, lines cut by their box, marks out of sight.

Used by the layout tests of every lesson. Each check returns a list of
sentences, one per problem, so a failure says where to look.
"""

from __future__ import annotations

from textual.containers import ScrollableContainer
from textual.widget import Widget
from textual.widgets import Static

from tui.widgets.grid import Grid

OVERFLOW_MARKS = "◂▸▴▾"


def _scrolls(widget: Widget) -> bool:
    return isinstance(widget, ScrollableContainer) or widget.is_scrollable and widget.allow_vertical_scroll


def cut_boxes(screen) -> list[str]:
    """Displayed widgets whose box reaches outside a (non-scrolling) container or the screen."""
    problems = []
    for widget in screen.query("*"):
        if not widget.display or not widget.visible or widget.region.area == 0:
            continue
        for ancestor in widget.ancestors_with_self[1:]:
            if not isinstance(ancestor, Widget) or not ancestor.display:
                break
            if _scrolls(ancestor):
                break
            if not ancestor.region.contains_region(widget.region):
                problems.append(f"{widget!r} at {widget.region} is cut by {ancestor!r} at {ancestor.region}")
                break
    return problems


def cut_lines(screen) -> list[str]:
    """Static text taller than the box it is drawn in (a sentence cut without a mark)."""
    problems = []
    for widget in screen.query(Static):
        if not widget.display or widget.region.area == 0 or any(_scrolls(a) for a in widget.ancestors[:-1]):
            continue
        width = widget.content_region.width
        needed = widget.get_content_height(widget.content_region.size, widget.content_region.size, width)
        if widget.styles.text_wrap != "nowrap" and needed > widget.content_region.height:
            problems.append(
                f"{widget!r} needs {needed} lines at width {width} and shows {widget.content_region.height}: {widget.render()!s:.60}"
            )
    return problems


def hidden_marks(screen) -> list[str]:
    """Marked cells (window, current cell, result) out of their grid's sight while the grid shows no overflow mark."""
    problems = []
    for grid in screen.query(Grid):
        if not grid.display or grid.region.area == 0 or not grid.marks:
            continue
        if any(mark in (grid.border_subtitle or "") + (grid.border_title or "") for mark in OVERFLOW_MARKS):
            continue
        unseen = [cell for cell in grid.marks if not grid.in_sight(cell)]
        if unseen:
            problems.append(f"{grid!r} marks {unseen[:3]} out of sight with no overflow mark")
    return problems


def unseen(screen) -> list[str]:
    return cut_boxes(screen) + cut_lines(screen) + hidden_marks(screen)
