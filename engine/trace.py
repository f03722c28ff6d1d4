"""What every lesson's trace offers the screen that steps through it.

A trace is computed once from a valid spec; stepping is an index into it. When
the student changes the spec, the screen asks the new trace for the step that
shows the same thing the old one showed (the same output cell, the same layer),
so a change of stride or kernel does not throw the student back to step 1.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Trace(Protocol):
    @property
    def step_count(self) -> int: ...

    def step(self, index: int) -> Any: ...


@runtime_checkable
class PositionedTrace(Trace, Protocol):
    """A trace whose steps are about something that survives a change of spec (a cell, a layer)."""

    def position(self, index: int) -> Hashable: ...

    def index_at(self, position: Hashable) -> int | None:
        """The step about `position`, or None where the new spec has no such thing."""
        ...


def kept_index(old: Trace, index: int, new: Trace) -> int:
    """The step of `new` to show after a change from `old` at `index`: the same position, else the same number."""
    if isinstance(old, PositionedTrace) and isinstance(new, PositionedTrace) and 0 <= index < old.step_count:
        found = new.index_at(old.position(index))
        if found is not None:
            return found
    return min(max(index, 0), new.step_count - 1)
