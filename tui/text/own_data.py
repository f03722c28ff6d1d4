"""What a run on the student's own data says about it: how the file was read, mapped, scaled, resized and split."""

from __future__ import annotations

from engine.train.events import DatasetInfo
from tui.i18n import t, visible


def data_notes(data: DatasetInfo) -> list[str]:
    """One line per note the training process attached to the data (none for the built-in sets)."""
    lines = []
    for key, values in data.notes:
        shown = {name: visible(value) if isinstance(value, str) else value for name, value in values.items()}
        lines.append(t(key, **shown))
    return lines
