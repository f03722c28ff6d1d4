"""The runs list as words: the rows the runs page shows and the table `tensortour runs --plain` prints.

No textual and no torch: the listing reads run.json and metrics.jsonl only.
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from engine.train.runs_list import RUN, RunSummary
from tui.i18n import t, visible

COLUMNS = ("folder", "dataset", "model", "settings", "best", "epochs", "date")
PAGE_COLUMNS = ("folder", "dataset", "model", "best", "epochs", "settings")  # the date is in the detail line
PAGE_HEADERS = {"best": "runs.page_best", "settings": "runs.page_settings"}
CELL_PADDING = 2  # a DataTable cell's padding, one cell either side
# what gives way, in turn, down to how narrow, while the table is too wide: a folder longer than a runs/<timestamp>
# name, the settings, then folder, dataset and model (the detail line says each whole); accuracy and epochs never
GIVES_WAY = (("folder", 16), ("settings", 12), ("folder", 10), ("dataset", 7), ("model", 5), ("settings", 4))


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


def page_table(runs: list[RunSummary], width: int) -> tuple[list[tuple[str, int]], list[tuple[str, ...]]]:
    """The runs page's columns (header, width) and rows for a table `width` cells wide: every column as wide as
    its widest cell, narrowed in the order of GIVES_WAY while the table is wider.
    A cell cut to fit ends in "…", and the detail line under the table says the cursor row whole."""
    full = [dict(zip(COLUMNS, row(run))) for run in runs]
    heads = {name: t(PAGE_HEADERS.get(name, f"runs.col_{name}")) for name in PAGE_COLUMNS}
    widths = {name: max([cell_len(heads[name]), *(cell_len(cells[name]) for cells in full)]) for name in PAGE_COLUMNS}
    for name, narrowest in GIVES_WAY:
        over = sum(widths.values()) + CELL_PADDING * len(widths) - width
        widths[name] -= max(0, min(over, widths[name] - narrowest))
    columns = [(fitted(heads[name], widths[name]), widths[name]) for name in PAGE_COLUMNS]
    rows = [tuple(fitted(cells[name], widths[name]) for name in PAGE_COLUMNS) for cells in full]
    return columns, rows


def detail_words(run: RunSummary) -> str:
    """The cursor row said whole: dataset, model, settings, date and folder (the table may have cut them to fit)."""
    cells = dict(zip(COLUMNS, row(run)))
    return t(
        "runs.detail",
        dataset=cells["dataset"],
        model=cells["model"],
        settings=cells["settings"],
        date=run.date or "–",
        folder=visible(str(run.path.absolute())),
    )


def fitted(text: str, width: int) -> str:
    """`text` in `width` terminal cells, ending in "…" when cut."""
    if cell_len(text) <= width:
        return text
    from rich.text import Text

    cut = Text(text)
    cut.truncate(width, overflow="ellipsis")
    return cut.plain


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
