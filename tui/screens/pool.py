"""The pooling lesson: a window slides over the input and keeps its max, average or min, one output cell per step."""

from __future__ import annotations

from collections.abc Callable
