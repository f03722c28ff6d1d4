"""The loss chart: textual-plot's PlotWidget with the batch loss, and train and test loss per epoch.

A run reports thousands of batch losses; the chart keeps them all but draws each
curve downsampled to two points per column (braille has two dots a cell across),
and redraws at most four times a second however fast events come.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
from textual.app import ComposeResult
from textual.containers import Grid
from textual.strip import Strip
from textual.timer import Timer
from textual_hires_canvas import Canvas
from textual_plot import HiResMode, PlotWidget
from textual_plot.plot_widget import Legend

REDRAW_INTERVAL_S = 0.5
BATCH_STYLE = "grey50"
TRAIN_STYLE = "bold #4aa8ff"
TEST_STYLE = "bold #ff9f40"
TRAIN_MARKER = "+"
TEST_MARKER = "x"


def downsample(xs: Sequence[float], ys: Sequence[float], buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of x and y in each of `buckets` equal slices of the points (all points when they are fewer)."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) <= buckets or buckets < 1:
        return x, y
    edges = np.linspace(0, len(x), buckets + 1).astype(int)
    sums_x, sums_y = np.add.reduceat(x, edges[:-1]), np.add.reduceat(y, edges[:-1])
    counts = np.diff(edges)
    return sums_x / counts, sums_y / counts


def epoch_ticks(epochs: int, most: int = 6) -> list[float]:
    """Whole epochs only, at most `most` of them: 0, 1, 2, 3 or 0, 20, 40, … 100."""
    step = next(step for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**9) if epochs / step <= most)
    return [float(epoch) for epoch in range(0, epochs + 1, step)]


class _Canvas(Canvas):
    """textual-hires-canvas 0.14 draws an unstyled empty line before its first layout; Textual's NO_COLOR filter fails on it."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        return strip if strip.cell_length else Strip.blank(self.size.width, self.rich_style)


class LossChart(PlotWidget, can_focus=False):
    """Not focusable: PlotWidget's own keys (r, arrows, +/−) must not take the lesson's."""

    DEFAULT_CSS = """
    LossChart {
        & > .plot--axis { color: $text-muted; }
        & > .plot--tick { color: $text-muted; text-style: none; }
        & > .plot--label { color: $text-muted; text-style: none; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, allow_pan_and_zoom=False)
        self.batches: tuple[list[float], list[float]] = ([], [])
        self.train: tuple[list[float], list[float]] = ([], [])
        self.test: tuple[list[float], list[float]] = ([], [])
        self.epochs = 1
        self._last_draw = 0.0
        self._timer: Timer | None = None
        self.draws = 0

    def compose(self) -> ComposeResult:
        """PlotWidget's own layout, with the canvas that survives NO_COLOR."""
        with Grid():
            for name in ("margin-top", "margin-left", "plot", "margin-bottom"):
                yield _Canvas(1, 1, id=name)
        yield Legend(id="legend")

    def on_mount(self) -> None:
        self.margin_top, self.margin_bottom, self.margin_left = 0, 1, 7

    def reset(self, epochs: int) -> None:
        self.batches, self.train, self.test = ([], []), ([], []), ([], [])
        self.epochs = max(1, epochs)
        self.changed()

    def add_batch(self, x: float, loss: float) -> None:
        self.batches[0].append(x)
        self.batches[1].append(loss)
        self.changed()

    def add_epoch(self, epoch: float, train_loss: float, test_loss: float) -> None:
        for series, value in ((self.train, train_loss), (self.test, test_loss)):
            series[0].append(epoch)
            series[1].append(value)
        self.changed()

    def changed(self) -> None:
        """Redraw now, or REDRAW_INTERVAL_S after the last redraw if one just happened."""
        if self._timer is not None:
            return
        wait = self._last_draw + REDRAW_INTERVAL_S - time.monotonic()
        if wait <= 0:
            self.redraw()
        else:
            self._timer = self.set_timer(wait, self.redraw)

    def redraw(self) -> None:
        self._timer = None
        self._last_draw = time.monotonic()
        self.draws += 1
        self.clear()
        buckets = max(2, 2 * (self.size.width - self.margin_left - 2))
        values = [v for series in (self.batches, self.train, self.test) for v in series[1] if math.isfinite(v)]
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        pad = (high - low) * 0.05 or abs(high) * 0.05 or 0.5
        self.set_xlimits(0, self.epochs)
        self.set_xticks(epoch_ticks(self.epochs, most=max(2, (self.size.width - self.margin_left) // 6)))
        self.set_ylimits(max(0.0, low - pad) if low >= 0 else low - pad, high + pad)
        if self.batches[0]:
            self.plot(
                *downsample(*self.batches, buckets),
                line_style=BATCH_STYLE,
                hires_mode=HiResMode.BRAILLE,
            )
        for (xs, ys), style, marker in (
            (self.train, TRAIN_STYLE, TRAIN_MARKER),
            (self.test, TEST_STYLE, TEST_MARKER),
        ):
            if xs:
                x, y = downsample(xs, ys, buckets)
                self.plot(x, y, line_style=style, hires_mode=HiResMode.BRAILLE)
                self.scatter(*downsample(xs, ys, buckets // 4), marker=marker, marker_style=style)
