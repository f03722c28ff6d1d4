"""The optimizer lesson's plot and legend: Canvases that know the paths' colours; the plot fills its box.

Engine draws the contour and the paths for a given number of cells
(engine.optim_plot); these widgets only map the paths' style names to the
theme's colours and ask for the picture that fills the plot's box. Each path
also reads without colour: its head is its number, the focused one reversed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events

from tui.widgets.perceptron_canvas import Canvas, CanvasRow

Painter = Callable[[int, int], Sequence[CanvasRow]]


class PathCanvas(Canvas):
    """A Canvas with a colour for each of the four paths, the contour and a head that left the plot."""

    COMPONENT_CLASSES = Canvas.COMPONENT_CLASSES | {
        "canvas--contour",
        "canvas--path1",
        "canvas--path2",
        "canvas--path3",
        "canvas--path4",
        "canvas--head",
        "canvas--off",
    }

    DEFAULT_CSS = """
    PathCanvas {
        & > .canvas--contour { color: $text-muted; }
        & > .canvas--path1 { color: $primary; }
        & > .canvas--path2 { color: $success; }
        & > .canvas--path3 { color: $warning; }
        & > .canvas--path4 { color: $error; }
        & > .canvas--head { text-style: bold; }
        & > .canvas--off { text-style: bold underline; }
    }
    """


class ContourCanvas(PathCanvas):
    """Shows what `painter(width, height)` draws for its content size; `paint()` redraws it."""

    DEFAULT_CSS = """
    ContourCanvas { width: 1fr; height: 1fr; }
    """

    painter: Painter | None = None

    def paint(self, painter: Painter | None = None) -> None:
        """Draw with `painter` (kept for the next resize), or again with the one kept."""
        if painter is not None:
            self.painter = painter
        width, height = self.content_size
        if self.painter is not None and width > 0 and height > 0:
            self.show(self.painter(width, height))

    def on_resize(self, event: events.Resize) -> None:
        self.paint()
