"""The runs list as words: the rows the runs page shows and the table `tensortour runs --plain` prints.

No textual and no torch: the listing reads run.json and metrics.jsonl only.
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from engine.train.runs_list import RUN, RunSummary
from tui.i18n import t, visible

COLUMNS = ("folder", "dataset", "model", "settings", "best", "epochs", "date")


def settings_words(run: RunSummary) -> str:
    if run.kind != RUN and not run.dataset:
        return t(f"runs.kind_{run.kind}")
    words = " ".join(f"{name}={_value(value)}" for name, value in run.changed.items())
    return words or t("runs.defaults")


def row(run: RunSummary) -> tuple[str, ...]:
    """One run's cells, in COLUMNS order; a folder that is not a whole run says so in the settings cell."""
    best = f"{run.best_test_acc:.1%}" if run.best_test_acc is not None else "–"
    epochs = f"{run.epochs_done}/{run.epochs}" if run.epochs else str(run.epochs_done or "–")
    settings = settings_words(run)
    if run.kind != RUN and run.dataset:
        settings = f"{t(f'runs.kind_{run.kind}')} · {settings}"
    return (visible(run.path.name), run.dataset or "–", run.model or "–", settings, best, epochs, run.date or "–")


def headers() -> tuple[str, ...]:
    return tuple(t(f"runs.col_{name}") for name in COLUMNS)


def plain_table(root: Path, runs: list[RunSummary]) -> str:
    """The table, its columns as wide as their widest cell (in terminal cells)."""
    where = visible(str(root.absolute()))
    if not runs:
        return t("runs.none", root=where)
    table = [headers(), *(row(run) for run in runs)]
    widths = [max(cell_len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell + " " * (width - cell_len(cell)) for cell, width in zip(line, widths)).rstrip() for line in table
    ]
    return "\n".join([t("runs.title", root=where), "", *lines])


def _value(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)
