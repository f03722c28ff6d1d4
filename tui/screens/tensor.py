"""The tensor lesson: torch.Tensor over its storage, one step at a time, in five topics.

Each step draws up to two tensors (their 2-D slices side by side) and, beneath
them, the storage rows they read: index above, value below. The current cell
is marked in the tensors and in the storage at once, its address arithmetic
spelled out; cells an in-place step wrote are underlined. 1–5 pick a topic,
n / N walk the examples, x transposes x, v tries the next view, e edits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import product
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal

from engine.errors import SpecError
from engine.index import Layout as GridLayout
from engine.tensor import TensorTrace, tensor_trace
from engine.tensor_parse import MAX_SEED, parse_shape, parse_transpose, parse_view
from engine.tensor_spec import PRESETS, TOPICS, TensorSpec
from engine.tensor_steps import Panel, Storage, TensorStep
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.tensor import (
    address_lines,
    code_lines,
    notes,
    panel_cells,
    panel_subtitle,
    panel_title,
    refusal_text,
    sizes,
    storage_cells,
    storage_title,
    topic_line,
    topic_name,
)
from tui.widgets.slice_grid import SliceGrid
from tui.widgets.text import Line

TENSOR_GRIDS = ("left", "right")
STORAGE_GRIDS = ("storage-0", "storage-1")


class TensorScreen(StepLesson[TensorSpec, TensorTrace]):
    """Holds a TensorSpec and a step index; everything drawn comes from its TensorTrace."""

    CSS_PATH = "tensor.tcss"

    LESSON = "tensor"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "example(1)", "keys.tensor_example"),
        Binding("N", "example(-1)", "keys.tensor_example_prev", show=False),
        Binding("1", "topic(0)", "keys.tensor_topic", key_display="1–5"),
        *(
            Binding(str(number), f"topic({number - 1})", f"keys.tensor_topic_{number}", show=False)
            for number in range(1, len(TOPICS) + 1)
        ),
        Binding("x", "transpose", "keys.tensor_transpose"),
        Binding("v", "next_view", "keys.tensor_view"),
        Binding("r", "reseed", "keys.tensor_seed", show=False),
        Binding("e", "edit", "keys.edit"),
    ]

    def __init__(self, setup: TensorSpec | None = None) -> None:
        super().__init__(setup or TensorSpec())
        self._drawn_content: dict[str, object] = {}

    def trace_for(self, setup: TensorSpec) -> TensorTrace:
        return tensor_trace(setup)

    def compose_work(self) -> ComposeResult:
        yield Line(id="code", markup=False)
        yield Line(id="refusal", markup=False)
        with Horizontal(id="tensors"):
            for name in TENSOR_GRIDS:
                yield SliceGrid(id=name)
        with Container(id="storages"):
            for name in STORAGE_GRIDS:
                yield SliceGrid(id=name, classes="storage")
        yield Line(id="address", markup=False)
        yield Line(id="notes", markup=False)

    def check_target(self) -> tuple[object, str]:
        return self.setup, t("tensor.verify_function")

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: every grid is drawn afresh at the next step."""
        self._drawn_content.clear()

    def on_resize(self, event: events.Resize) -> None:
        """The slices wrap to the width: lay them out again."""
        self._drawn_content.clear()
        self.call_after_refresh(self.show_step)

    def _work_width(self) -> int:
        work = self.query_one("#work")
        return work.content_region.width or self.app.size.width - 2

    def show_step(self) -> None:
        """Code, grids, marks and sentences of step `self.index`; a grid is re-filled only when its content changes."""
        step = self.trace.step(self.index)
        self.query_one("#code", Line).show("\n".join(code_lines(step)))
        refusal = self.query_one("#refusal", Line)
        refusal.display = step.refusal is not None
        refusal.show(refusal_text(step))
        width = self._work_width()
        drawn = [self._panel_content(step, panel) for panel in step.panels]
        widths = _shares([SliceGrid.natural_width(c[0], c[1], f"{c[2]} · {c[3]}") for c in drawn], width)
        for number, name in enumerate(TENSOR_GRIDS):
            grid = self.query_one(f"#{name}", SliceGrid)
            grid.display = number < len(step.panels)
            if grid.display:
                grid.styles.max_width = widths[number]
                self._draw_panel(grid, step, step.panels[number], drawn[number], widths[number])
        rows = [(storage_cells(storage), storage_title(storage)) for storage in step.storages]
        needs = [SliceGrid.natural_width([cells], (), title) for cells, title in rows]
        side_by_side = sum(needs) + len(needs) <= width
        self.query_one("#storages").set_class(side_by_side, "-side")
        widths = _shares(needs, width) if side_by_side else [width - 1] * len(needs)  # 1: the margin
        for number, name in enumerate(STORAGE_GRIDS):
            grid = self.query_one(f"#{name}", SliceGrid)
            grid.display = number < len(step.storages)
            if grid.display:
                grid.styles.max_width = widths[number]
                self._draw_storage(grid, step, step.storages[number], rows[number], widths[number])
        self.query_one("#address", Line).show("\n".join(address_lines(step)))
        self.query_one("#notes", Line).show("\n".join(notes(step)))
        self.show_status("tensor.status", topic=topic_line(self.setup))

    def _fill(self, grid: SliceGrid, content: tuple, fill) -> None:
        """Call `fill()` unless the grid already shows `content` (stepping cells keeps the grids, moves the marks)."""
        if self._drawn_content.get(grid.id) != content:
            self._drawn_content[grid.id] = content
            fill()

    @staticmethod
    def _panel_content(step: TensorStep, panel: Panel) -> tuple:
        """The panel's cells as (blocks, rows, cols) of text, its slice captions, its title and subtitle."""
        layout = GridLayout(panel.layout.shape)
        cells = layout.cells(panel_cells(step, panel)).tolist()
        return cells, layout.captions(panel.name), panel_title(panel), panel_subtitle(panel)

    def _draw_panel(self, grid: SliceGrid, step: TensorStep, panel: Panel, content: tuple, width: int) -> None:
        shape = panel.layout.shape
        layout = GridLayout(shape)
        cells, captions, title, subtitle = content

        def fill() -> None:
            grid.show_slices(cells, captions, width=width, group=shape[1] if len(shape) == 4 else 1)
            grid.set_titles(title, subtitle)

        self._fill(grid, (*content, width), fill)
        storage = step.storages[panel.storage]
        positions = panel.layout.storage_indices()
        marks = {
            layout.cell_at(index): "changed"
            for index in product(*map(range, shape))
            if int(positions[index]) in storage.changed
        }
        current = [layout.cell_at(a.index) for a in step.addresses if a.tensor == panel.name]
        marks.update(dict.fromkeys(current, "current"))
        grid.mark(marks, follow=current or list(marks)[:1])

    def _draw_storage(self, grid: SliceGrid, step: TensorStep, storage: Storage, content: tuple, width: int) -> None:
        cells, title = content

        def fill() -> None:
            grid.show_slices([cells], width=width)
            grid.set_titles(title, t("tensor.storage_legend"))

        self._fill(grid, (cells, title, width), fill)
        marks = {(0, 0, i): "label" for i in range(storage.size)}
        marks.update({(0, 1, i): "changed" for i in storage.changed})
        current = [
            cell
            for address in step.addresses
            if address.storage == storage.name
            for cell in ((0, 0, address.position), (0, 1, address.position))
        ]
        marks.update(dict.fromkeys(current, "current"))
        grid.mark(marks, follow=current or [(0, 1, min(storage.changed, default=0))])

    # Changing the setup --------------------------------------------------------

    def action_example(self, step: int) -> None:
        def said() -> str:
            spec = self.setup
            number = PRESETS.index(spec) + 1
            return t("tensor.changed_example", number=number, total=len(PRESETS), name=topic_name(spec.topic))

        self.apply(lambda: self.setup.with_next_preset(step), said, index=0)

    def action_topic(self, number: int) -> None:
        self.apply(
            lambda: self.setup.with_topic(TOPICS[number]),
            lambda: t("tensor.changed_topic", name=topic_name(self.setup.topic)),
            index=0,
        )

    def action_transpose(self) -> None:
        self.apply(
            self.setup.with_transpose_toggled,
            self._transpose_changed,
        )

    def _transpose_changed(self) -> str:
        if self.setup.transpose is None:
            said = t("tensor.changed_transpose_off")
        else:
            contiguous = self.setup.source.is_contiguous
            said = t("tensor.changed_transpose_ones" if contiguous else "tensor.changed_transpose_on")
        return said + self._elsewhere("layout")

    def _elsewhere(self, setting: str) -> str:
        """Where a setting the current topic does not use is used: the seed in topic 1, x's layout in 2–4."""
        used = self.setup.topic == "create" if setting == "seed" else self.setup.topic in ("view", "reshape", "inplace")
        return "" if used else t(f"tensor.elsewhere_{setting}")

    def action_next_view(self) -> None:
        self.apply(
            self.setup.with_next_view,
            lambda: t("tensor.changed_view", view=", ".join(self.setup.view)) + self._elsewhere("layout"),
        )

    def action_reseed(self) -> None:
        self.apply(
            lambda: replace(self.setup, seed=(self.setup.seed + 1) % (MAX_SEED + 1)),
            lambda: t("tensor.changed_seed", seed=self.setup.seed) + self._elsewhere("seed"),
        )

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        spec = self.setup
        fields = [
            Field("shape", t("tensor_edit.shape"), sizes(spec.shape)),
            Field("view", t("tensor_edit.view"), ",".join(spec.view)),
            Field("transpose", t("tensor_edit.transpose"), sizes(spec.transpose) if spec.transpose else ""),
        ]
        self.app.push_screen(TextDialog(t("tensor_edit.title"), t("tensor_edit.hint"), fields, self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The edit dialog's Apply: the three fields, if together they make a valid spec (r changes the seed)."""
        return self.adopt(
            lambda: replace(
                self.setup,
                shape=parse_shape(texts["shape"]),
                view=parse_view(texts["view"]),
                transpose=parse_transpose(texts["transpose"]),
            ),
            lambda: t("tensor.changed_edit", shape=sizes(self.setup.shape), view=", ".join(self.setup.view)),
            index=0,
        )


def _shares(needs: list[int], total: int) -> list[int]:
    """Widths for boxes side by side, each with a margin of one cell: the narrow ones get what they need,
    the wide ones share what is left evenly."""
    widths, remaining = [0] * len(needs), total - len(needs)
    for taken, number in enumerate(sorted(range(len(needs)), key=needs.__getitem__)):
        widths[number] = min(needs[number], remaining // (len(needs) - taken))
        remaining -= widths[number]
    return widths
