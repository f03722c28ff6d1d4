"""Several runs' curves over epochs in one chart: the loss chart's plot, one line and one marker per run.

Each run is drawn with its own number as the marker (1, 2, 3 …), named in the
legend line under the chart, so the curves read apart without colour (NO_COLOR).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from textual_plot import HiResMode

from tui.widgets.loss_chart import LossChart, downsample, epoch_ticks

STYLES = ("bold #4aa8ff", "bold #ff9f40", "bold #60c860", "bold #e060e0", "bold #f0e040", "bold #40e0e0")


@dataclass(frozen=True)
class Curve:
    """One run's values by epoch (1, 2, …) and the marker it is drawn with."""

    marker: str
    epochs: Sequence[float]
    values: Sequence[float]


class RunsChart(LossChart):
    """The loss chart's axes and canvas, drawing the curves it is given instead of a live run's."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.curves: list[Curve] = []

    def show(self, curves: Sequence[Curve]) -> None:
        self.curves = list(curves)
        self.epochs = max((max(curve.epochs, default=1) for curve in self.curves), default=1)
        self.changed()

    def redraw(self) -> None:
        self._timer = None
        self.draws += 1
        self.clear()
        values = [v for curve in self.curves for v in curve.values if math.isfinite(v)]
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        pad = (high - low) * 0.05 or abs(high) * 0.05 or 0.5
        self.set_xlimits(0, self.epochs)
        self.set_xticks(epoch_ticks(int(self.epochs), most=max(2, (self.size.width - self.margin_left) // 6)))
        self.set_ylimits(low - pad, high + pad)
        buckets = max(2, 2 * (self.size.width - self.margin_left - 2))
        for index, curve in enumerate(self.curves):
            style = STYLES[index % len(STYLES)]
            x, y = downsample(curve.epochs, curve.values, buckets)
            self.plot(x, y, line_style=style, hires_mode=HiResMode.BRAILLE)
            self.scatter(x, y, marker=curve.marker, marker_style=style)
