"""The runs page (`tensortour runs`, or l on the training screen): past runs listed, compared, resumed, deleted.

Not a lesson: it has no setup or steps. The list comes from engine/train/runs_list.py
(run.json and metrics.jsonl, no torch); the overlay draws the marked runs' test loss
and test accuracy by epoch, one numbered curve a run.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Static

from engine.train.config import TrainConfig
from engine.train.runs_list import RunSummary, delete_run, list_runs
from tui.i18n import t, visible
from tui.keys import help_bindings, translate_bindings
from tui.runs_text import CELL_PADDING, detail_words, page_table
from tui.screens.help import HelpScreen
from tui.screens.runs_more import AskMoreEpochs
from tui.widgets.keybar import KeyBar
from tui.widgets.runs_chart import Curve, RunsChart

MARK = "*"
SCROLLBAR = 2  # the DataTable's vertical scrollbar, when the rows overflow


class ConfirmDelete(ModalScreen[bool]):
    """The question before a delete: y deletes, any other key keeps the run."""

    DEFAULT_CSS = """
    ConfirmDelete { align: center middle; }
    ConfirmDelete > Static { width: 60; max-width: 100%; height: auto; border: round $error; padding: 0 1; background: $surface; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(self.question, markup=False, id="question")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.dismiss(event.key == "y")


class RunsScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "mark", "keys.runs_mark", key_display="Space"),
        Binding("c", "compare", "keys.runs_compare"),
        Binding("r", "resume", "keys.runs_resume"),
        Binding("a", "more", "keys.runs_more"),
        Binding("d", "delete", "keys.runs_delete"),
        Binding("question_mark,f1", "help", "keys.help", key_display="?"),
        Binding("escape", "app.back", "keys.back", show=False),
        Binding("q", "app.quit", "keys.quit"),
    ]

    DEFAULT_CSS = """
    RunsScreen > Vertical { height: 1fr; }
    RunsScreen #runs-title { text-style: bold; padding: 0 1; }
    RunsScreen DataTable { height: 1fr; min-height: 4; }
    RunsScreen #charts { height: 2fr; display: none; }
    RunsScreen #charts.-shown { display: block; }
    RunsScreen RunsChart { width: 1fr; border: round $panel; }
    RunsScreen #legend, RunsScreen #runs-message, RunsScreen #run-detail { height: auto; padding: 0 1; }
    RunsScreen #run-detail { text-style: bold; }
    """

    def __init__(self, root: str | Path = "runs") -> None:
        super().__init__()
        translate_bindings(self)
        self.root = Path(root)
        self.runs: list[RunSummary] = []
        self.marked: set[Path] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(id="runs-title", markup=False)
            yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="run-detail", markup=False)
            with Horizontal(id="charts"):
                yield RunsChart(id="loss-overlay")
                yield RunsChart(id="acc-overlay")
            yield Static(id="legend", markup=False)
            yield Static(t("runs.hint"), id="runs-message", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("runs.command")
        self.query_one("#loss-overlay").border_title = t("runs.col_loss")
        self.query_one("#acc-overlay").border_title = t("runs.col_acc")
        self.reload()

    def reload(self) -> None:
        """Read the folder again and redraw the table, keeping the marks of runs still there."""
        self.runs = list_runs(self.root)
        self.marked &= {run.path for run in self.runs}
        where = visible(str(self.root.absolute()))
        self.query_one("#runs-title", Static).update(
            t("runs.title", root=where) if self.runs else t("runs.none", root=where)
        )
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        # the mark's column and a vertical scrollbar's room come off the width the other columns share
        columns, rows = page_table(self.runs, self.app.size.width - 1 - CELL_PADDING - SCROLLBAR)
        table.add_column(" ", width=1)
        for header, width in columns:
            table.add_column(header, width=width)
        for run, cells in zip(self.runs, rows):
            table.add_row(MARK if run.path in self.marked else " ", *cells, key=str(run.path))
        table.move_cursor(row=min(max(cursor, 0), max(len(self.runs) - 1, 0)))  # the row after a deleted one
        self.show_detail()

    def show_detail(self) -> None:
        run = self.current()
        self.query_one("#run-detail", Static).update(detail_words(run) if run else "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_resize(self, event: events.Resize) -> None:
        if self.is_mounted:
            self.reload()

    def current(self) -> RunSummary | None:
        table = self.query_one(DataTable)
        if not self.runs or not 0 <= table.cursor_row < len(self.runs):
            return None
        return self.runs[table.cursor_row]

    def say(self, words: str) -> None:
        self.query_one("#runs-message", Static).update(words)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(t("runs.command"), t("runs.description"), help_bindings(self, self.app)))

    def action_mark(self) -> None:
        run = self.current()
        if run is None:
            return
        self.marked ^= {run.path}
        table = self.query_one(DataTable)
        table.update_cell_at((table.cursor_row, 0), MARK if run.path in self.marked else " ")
        self.say(t("runs.marked", count=len(self.marked)))

    def action_compare(self) -> None:
        """The marked runs that finished an epoch, overlaid: test loss left, test accuracy right."""
        chosen = [run for run in self.runs if run.path in self.marked and run.history]
        if len(chosen) < 2:
            self.say(t("runs.compare_needs_two"))
            return
        loss, acc = [], []
        for number, run in enumerate(chosen, start=1):
            marker = str(number % 10)
            epochs = [float(record["epoch"]) for record in run.history]
            loss.append(Curve(marker, epochs, [_number(record, "test_loss") for record in run.history]))
            acc.append(Curve(marker, epochs, [_number(record, "test_acc") for record in run.history]))
        self.query_one("#charts").set_class(True, "-shown")
        self.query_one("#loss-overlay", RunsChart).show(loss)
        self.query_one("#acc-overlay", RunsChart).show(acc)
        names = [
            t("runs.legend", mark=number % 10, name=visible(run.path.name)) for number, run in enumerate(chosen, 1)
        ]
        self.query_one("#legend", Static).update("  ".join(names))
        self.say(t("runs.comparing", count=len(chosen), names=", ".join(visible(run.path.name) for run in chosen)))

    def action_resume(self) -> None:
        """The training screen, continuing this run from its checkpoint (as `train --resume DIR`)."""
        from engine.train.setup import TrainSetup

        run = self.current()
        if run is None:
            return
        if not run.resumable:
            self.say(t("runs.resume_none", folder=visible(str(run.path.absolute()))))
            return
        setup = TrainSetup(run.config or TrainConfig(), start=True, resume=str(run.path.absolute()))
        self.app.open_lesson("train", setup=setup)

    def action_more(self) -> None:
        """More epochs for this run: asks how many, then continues it from its checkpoint to the new total."""
        from engine.train.setup import TrainSetup

        run = self.current()
        if run is None:
            return
        folder = visible(str(run.path.absolute()))
        if not run.resumable:
            self.say(t("runs.resume_none", folder=folder))
            return
        target = run.epochs or run.epochs_done

        def answered(count: int | None) -> None:
            if count is None:
                self.say(t("runs.more_kept", folder=folder))
                return
            total = target + count
            config = (run.config or TrainConfig()).with_changes(epochs=total)
            setup = TrainSetup(config, start=True, resume=str(run.path.absolute()), changes={"epochs": total})
            self.app.open_lesson("train", setup=setup)

        question = t("runs.more_ask", folder=folder, done=run.epochs_done, target=target)
        self.app.push_screen(AskMoreEpochs(question), answered)

    def action_delete(self) -> None:
        run = self.current()
        if run is None:
            return
        folder = visible(str(run.path.absolute()))

        def answered(yes: bool | None) -> None:
            if not yes:
                self.say(t("runs.kept", folder=folder))
                return
            deleted = delete_run(run.path)
            self.reload()
            self.say(t("runs.deleted" if deleted else "runs.delete_refused", folder=folder))

        self.app.push_screen(ConfirmDelete(t("runs.delete_ask", folder=folder)), answered)


def _number(record: dict, key: str) -> float:
    value = record.get(key)
    return float(value) if isinstance(value, (int, float)) else float("nan")
