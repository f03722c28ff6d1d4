"""The DataLoader lesson: N numbered samples, the epoch's batches as rows, one batch per step.

Left, the dataset with the current batch's samples marked; right, this epoch's
batches (row i is what `for i, batch in enumerate(loader)` receives at i). Below,
one of four views (`v`): the loader's notes, the course's transform on one pixel,
what num_workers does, and the course's `dataiter.next()` next to `next(dataiter)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal

from engine.data import DataSpec, DataTrace, data_trace, usable_cpus
from engine.data_transform import NORMALIZE, parse_pixel
from engine.errors import SpecError
from engine.rnn_setup import parse_count
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.data import (
    batches_title,
    loader_notes,
    next_lines,
    order_note,
    row_label,
    step_lines,
    transform_lines,
    worker_lines,
)
from tui.widgets.grid import Grid
from tui.widgets.text import Line

VIEWS = ("loader", "transform", "workers", "next")
DATASET_COLUMNS = 10  # row r of the dataset holds samples 10r … 10r+9


def _dataset_cell(sample: int) -> tuple[int, int, int]:
    return (0, *divmod(sample, DATASET_COLUMNS))


class DataScreen(StepLesson[DataSpec, DataTrace]):
    """Holds a DataSpec and a step index (epoch × batch); everything drawn comes from its DataTrace."""

    CSS_PATH = "data.tcss"

    LESSON = "data"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "batch_size(-1)", "keys.loader_batch_down", show=False),
        Binding("B", "batch_size(1)", "keys.loader_batch_up"),
        Binding("n", "size(-1)", "keys.loader_size_down", show=False),
        Binding("N", "size(1)", "keys.loader_size_up", show=False),
        Binding("s", "toggle('shuffle')", "keys.loader_shuffle"),
        Binding("d", "toggle('drop_last')", "keys.loader_drop_last"),
        Binding("w", "workers(-1)", "keys.loader_workers_down", show=False),
        Binding("W", "workers(1)", "keys.loader_workers_up", show=False),
        Binding("r", "next_seed", "keys.loader_seed", show=False),
        Binding("v", "next_view", "keys.loader_view"),
        Binding("m", "next_normalize", "keys.loader_normalize", show=False),
        Binding("e", "edit", "keys.edit"),
    ]

    def __init__(self, setup: DataSpec | None = None) -> None:
        super().__init__(setup or DataSpec())
        self.view = VIEWS[0]
        self._drawn_epoch: tuple[int, int | None] | None = None

    def trace_for(self, setup: DataSpec) -> DataTrace:
        return data_trace(setup)

    def compose_work(self) -> ComposeResult:
        yield Line(id="code", markup=False)
        with Horizontal(id="grids"):
            yield Grid(id="dataset")
            yield Grid(id="batches")
        yield Line(id="legend", markup=False)
        yield Line(id="batch", markup=False)
        yield Line(id="aside", markup=False)

    def check_target(self) -> tuple[object, str]:
        spec = self.trace.spec
        return spec, t("dataloader.verify_function", workers=spec.checked_workers)

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: the code line, the dataset's cells, the view below; the batches follow the step."""
        spec = self.trace.spec
        self.query_one("#code", Line).show(spec.code)
        samples = [str(sample) for sample in range(spec.size)]
        rows = [samples[start : start + DATASET_COLUMNS] for start in range(0, spec.size, DATASET_COLUMNS)]
        dataset = self.query_one("#dataset", Grid)
        dataset.show([rows])
        dataset.set_titles(t("dataloader.dataset_title", n=spec.size))
        self.query_one("#legend", Line).show(self._legend())
        self._drawn_epoch = None
        self._show_view()

    def _legend(self) -> str:
        legend = t("dataloader.dataset_legend")
        return legend + (t("dataloader.dataset_legend_dropped") if self.trace.spec.drop_last else "")

    def _draw_epoch(self, number: int, shown_up_to: int | None) -> None:
        """This epoch's batches as rows (and what drop_last dropped, in italics, as a last row); with
        `shown_up_to`, only the batches loaded so far, and the count waits."""
        epoch, grid = self.trace.epochs[number], self.query_one("#batches", Grid)
        batches = epoch.batches if shown_up_to is None else epoch.batches[: shown_up_to + 1]
        rows = [[str(sample) for sample in batch] for batch in batches]
        labels = [row_label(self.trace, batch) for batch in range(len(rows))]
        if epoch.dropped and shown_up_to is None:
            rows.append([str(sample) for sample in epoch.dropped])
            labels.append(t("dataloader.row_dropped"))
        grid.show([rows], row_labels=labels)
        title = batches_title(self.trace, number, count_shown=shown_up_to is None)
        grid.set_titles(title, order_note(self.trace, number))
        self._drawn_epoch = (number, shown_up_to)

    def _shown_up_to(self) -> int | None:
        """With the quiz on, epoch 1's batches after the current one wait, with the count and len(loader): the
        student predicts them. None: everything is shown."""
        step, first = self.trace.step(self.index), self.trace.epochs[0]
        if not getattr(self.app, "quiz_on", False) or step.epoch or step.batch is None:
            return None
        return step.batch if step.batch < len(first.batches) - 1 else None

    def show_step(self) -> None:
        """Mark the batch in both grids and say what the loop body receives."""
        step = self.trace.step(self.index)
        epoch = self.trace.epochs[step.epoch]
        shown_up_to = self._shown_up_to()
        if self._drawn_epoch != (step.epoch, shown_up_to):
            self._draw_epoch(step.epoch, shown_up_to)
        dropped = epoch.dropped if shown_up_to is None else ()
        dropped_row = len(epoch.batches)
        marks = {(0, dropped_row, col): "pad" for col in range(len(dropped))}
        follow = [(0, dropped_row, 0)] if dropped else []
        if step.batch is not None:
            follow = [(0, step.batch, 0), (0, step.batch, len(step.samples) - 1)]
            marks.update({(0, step.batch, col): "current" for col in range(len(step.samples))})
        self.query_one("#batches", Grid).mark(marks, follow=follow)
        dataset_marks = {_dataset_cell(sample): "pad" for sample in dropped}
        dataset_marks.update({_dataset_cell(sample): "gap" for sample in step.seen})
        dataset_marks.update({_dataset_cell(sample): "current" for sample in step.samples})
        dataset_follow = [_dataset_cell(sample) for sample in (step.samples or dropped)[:1]]
        self.query_one("#dataset", Grid).mark(dataset_marks, follow=dataset_follow)
        self.query_one("#batch", Line).show("\n".join(step_lines(self.trace, self.index)))
        if self.view == "loader":
            self._show_view()  # its len(loader) line waits with the batches
        spec = self.trace.spec
        self.show_status(
            "dataloader.status",
            epoch=step.epoch + 1,
            epochs=spec.epochs,
            n=spec.size,
            batch_size=spec.batch_size,
            order=t("dataloader.status_shuffled", seed=spec.seed) if spec.shuffle else t("dataloader.status_fixed"),
            drop=t("dataloader.status_drop") if spec.drop_last else "",
            w=spec.num_workers,
        )

    def _show_view(self) -> None:
        lines = {
            "loader": lambda: loader_notes(self.trace)[0 if self._shown_up_to() is None else 1 :],
            "transform": lambda: transform_lines(self.trace),
            "workers": lambda: worker_lines(self.trace.spec, usable_cpus(), quote_whole=False),
            "next": lambda: next_lines(self.trace),
        }[self.view]()
        self.query_one("#aside", Line).show("\n".join(lines))

    # Changing the setup --------------------------------------------------------

    def _change(self, field: str, value: object) -> None:
        self.apply(
            lambda: replace(self.setup, **{field: value}),
            lambda: t("dataloader.changed", what=t(f"words.loader_{field}"), value=getattr(self.setup, field)),
        )

    def action_batch_size(self, delta: int) -> None:
        self._change("batch_size", self.setup.batch_size + delta)

    def action_size(self, delta: int) -> None:
        self._change("size", self.setup.size + delta)

    def action_toggle(self, field: str) -> None:
        self._change(field, not getattr(self.setup, field))

    def action_workers(self, delta: int) -> None:
        self._change("num_workers", self.setup.num_workers + delta)

    def action_next_seed(self) -> None:
        if self.setup.shuffle:
            self._change("seed", self.setup.seed + 1)
        else:
            self.apply(
                lambda: replace(self.setup, seed=self.setup.seed + 1),
                lambda: t("dataloader.seed_unused", seed=self.setup.seed),
            )

    def action_next_normalize(self) -> None:
        names = list(NORMALIZE)
        following = names[(names.index(self.setup.normalize) + 1) % len(names)]
        if self.view != "transform":
            self.view = "transform"
        self._change("normalize", following)

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        spec = self.setup
        fields = [
            Field("size", t("dataloader_edit.size"), str(spec.size)),
            Field("batch_size", t("dataloader_edit.batch_size"), str(spec.batch_size)),
            Field("seed", t("dataloader_edit.seed"), str(spec.seed)),
            Field("epochs", t("dataloader_edit.epochs"), str(spec.epochs)),
            Field("pixel", t("dataloader_edit.pixel"), " ".join(map(str, spec.pixel))),
        ]
        self.app.push_screen(TextDialog(t("dataloader_edit.title"), t("edit.hint"), fields, self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The edit dialog's Apply: every field, if together they make a valid loader."""

        def typed() -> DataSpec:
            return replace(
                self.setup,
                size=parse_count(texts["size"], "loader_size"),
                batch_size=parse_count(texts["batch_size"], "loader_batch_size"),
                seed=parse_count(texts["seed"], "loader_seed"),
                epochs=parse_count(texts["epochs"], "loader_epochs"),
                pixel=parse_pixel(texts["pixel"]),
            )

        return self.adopt(typed)

    # Views -----------------------------------------------------------------------

    def action_next_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self._show_view()
        self.say(t(f"dataloader.view_{self.view}"))
