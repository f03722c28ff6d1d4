"""The convolution lesson: a kernel slides over the input, one output cell per step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher

from engine.conv import ConvStep, ConvTrace, conv_trace
from engine.conv_setup import CUSTOM, ConvSetup
from engine.errors import SpecError
from engine.matrix import fmt_exact, format_matrix, parse_matrix, parse_vector
from engine.numbers import fmt
from tui.i18n import display_name, t
from tui.screens.lesson import StepLesson
from tui.widgets.grid import Grid
from tui.widgets.text import Line


def _cells(matrix) -> list[list[str]]:
    return [[fmt(value) for value in row] for row in matrix]


class ConvScreen(StepLesson[ConvSetup, ConvTrace]):
    """Holds a ConvSetup and a step index; everything drawn comes from its ConvTrace."""

    CSS_PATH = "conv.tcss"

    LESSON = "conv"

    BINDINGS = [
        Binding("p", "change('padding', -1)", "keys.pad_down", show=False),
        Binding("P", "change('padding', 1)", "keys.pad_up", show=False),
        Binding("s", "change('stride', -1)", "keys.stride_down", show=False),
        Binding("S", "change('stride', 1)", "keys.stride_up", show=False),
        Binding("d", "change('dilation', -1)", "keys.dil_down", show=False),
        Binding("D", "change('dilation', 1)", "keys.dil_up", show=False),
        Binding("k", "kernel_size(-1)", "keys.ksize_down", show=False),
        Binding("K", "kernel_size(1)", "keys.ksize_up", show=False),
        Binding("c", "next_kernel", "keys.kernel"),
        Binding("i", "next_input", "keys.input"),
        Binding("r", "random_input", "keys.random", show=False),
        Binding("e", "edit", "keys.edit"),
        Binding("m", "toggle_im2col", "keys.im2col"),
        Binding("C", "change('in_channels', 1)", "keys.in_channels", show=False),
        Binding("O", "change('out_channels', 1)", "keys.out_channels", show=False),
    ]

    def __init__(self, setup: ConvSetup | None = None) -> None:
        super().__init__(setup or ConvSetup())
        self._random_seed = 0
        self._kernel_channel = -1

    def trace_for(self, setup: ConvSetup) -> ConvTrace:
        return conv_trace(setup.spec())

    def compose_work(self) -> ComposeResult:
        with ContentSwitcher(initial="grids", id="views"):
            with Horizontal(id="grids"):
                yield Grid(id="input")
                with Vertical(id="right"):
                    yield Grid(id="kernel")
                    yield Grid(id="output")
            with Horizontal(id="im2col"):
                yield Grid(id="unfolded")
                yield Grid(id="columns")
                yield Grid(id="flat-output")
        with VerticalScroll(id="equation-box", can_focus=False):
            yield Line(id="equation", markup=False)
        yield Line(id="formula", markup=False)

    def check_target(self) -> tuple[object, str]:
        return self.trace.spec, "torch.nn.functional.conv2d"

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec: new matrices in every grid, then the current step."""
        trace, spec = self.trace, self.trace.spec
        many_in = spec.in_channels > 1
        input_grid = self.query_one("#input", Grid)
        input_grid.show(
            [_cells(channel) for channel in trace.padded],
            [t("conv.channel", c=c) for c in range(spec.in_channels)] if many_in else (),
            padding=spec.padding,
        )
        height, width = spec.input.shape[1:]
        input_grid.set_titles(
            t("conv.input_padded", h=height, w=width, p=spec.padding)
            if spec.padding
            else t("conv.input", h=height, w=width)
        )
        output_grid = self.query_one("#output", Grid)
        output_grid.show(
            [_cells(channel) for channel in trace.output],
            [t("conv.out_channel", c=o) for o in range(spec.out_channels)] if spec.out_channels > 1 else (),
        )
        output_grid.set_titles(t("conv.output", h=trace.out_height, w=trace.out_width))
        self._show_unfolded()
        self._kernel_channel = -1
        self._show_formula()

    def _show_kernel(self, out_channel: int) -> None:
        spec = self.trace.spec
        grid = self.query_one("#kernel", Grid)
        grid.show(
            [_cells(kernel) for kernel in spec.weight[out_channel]],
            [t("conv.channel", c=c) for c in range(spec.in_channels)] if spec.in_channels > 1 else (),
        )
        size = spec.kernel_size
        grid.set_titles(
            t("conv.kernel_of", k=size, o=out_channel) if spec.out_channels > 1 else t("conv.kernel", k=size),
            display_name(self.setup.kernel_name_for(out_channel))
            if self.setup.kernel_name != CUSTOM
            else t("conv.custom"),
        )
        self._kernel_channel = out_channel

    def _show_unfolded(self) -> None:
        trace = self.trace
        positions = [f"({r},{c})" for r in range(trace.out_height) for c in range(trace.out_width)]
        unfolded = self.query_one("#unfolded", Grid)
        unfolded.show([_cells(trace.im2col)], row_labels=positions)
        unfolded.set_titles(
            t(
                "conv.im2col_title",
                rows=trace.im2col.shape[0],
                cols=trace.im2col.shape[1],
            )
        )
        columns = self.query_one("#columns", Grid)
        columns.show([_cells(trace.kernel_columns)])
        columns.set_titles(
            t(
                "conv.im2col_kernel",
                rows=trace.kernel_columns.shape[0],
                cols=trace.kernel_columns.shape[1],
            )
        )
        flat = self.query_one("#flat-output", Grid)
        flat.show([_cells(trace.output.reshape(trace.spec.out_channels, -1).T)])
        flat.set_titles(t("conv.im2col_output"))

    def _show_formula(self) -> None:
        """One sentence that wraps where the width ends: the symbols, the numbers, then W_out."""
        height, width = self.trace.formulas
        same = width.filled == height.filled
        self.query_one("#formula", Line).show(
            f"{height.symbolic} = {height.filled};  " + ("W_out = H_out" if same else f"W_out = {width.filled}")
        )

    def show_step(self) -> None:
        """Move the marks and rewrite the arithmetic: the only work a step key does."""
        step = self.trace.step(self.index)
        if step.out_channel != self._kernel_channel:
            self._show_kernel(step.out_channel)
        self._mark_input(step)
        self._mark_output(step)
        if self.query_one("#views", ContentSwitcher).current == "im2col":
            self._mark_unfolded(step)
        self.query_one("#equation", Line).show(self._equation(step))
        self._show_status()

    def _mark_input(self, step: ConvStep) -> None:
        spec = self.trace.spec
        top, left, bottom, right = step.window
        marks = {
            (c, r, col): "gap"
            for c in range(spec.in_channels)
            for r in range(top, bottom + 1)
            for col in range(left, right + 1)
        }
        marks.update({(tap.channel, tap.row, tap.col): "tap" for tap in step.taps})
        grid = self.query_one("#input", Grid)
        grid.mark(
            marks,
            follow=[(c, r, col) for c in (0,) for r, col in ((top, left), (bottom, right))],
        )

    def _mark_output(self, step: ConvStep) -> None:
        grid = self.query_one("#output", Grid)
        current = (step.out_channel, step.row, step.col)
        grid.reveal(step.index + 1)
        grid.mark({current: "current"}, follow=[current])

    def _mark_unfolded(self, step: ConvStep) -> None:
        trace = self.trace
        position = step.row * trace.out_width + step.col
        unfolded = self.query_one("#unfolded", Grid)
        row_cells = [(0, position, col) for col in range(trace.im2col.shape[1])]
        unfolded.mark(dict.fromkeys(row_cells, "row"), follow=row_cells[:1])
        column_cells = [(0, r, step.out_channel) for r in range(trace.kernel_columns.shape[0])]
        self.query_one("#columns", Grid).mark(dict.fromkeys(column_cells, "tap"))
        current = (0, position, step.out_channel)
        self.query_one("#flat-output", Grid).mark({current: "current"}, follow=[current])

    def _equation(self, step: ConvStep) -> str:
        spec = self.trace.spec
        if spec.in_channels == 1:
            return step.equation
        lines = [
            t(
                "conv.channel_sum",
                c=c,
                expression=step.channel_expression(c),
                total=fmt(step.channel_sums[c]),
            )
            for c in range(spec.in_channels)
        ]
        sums = " + ".join(fmt(s) if s >= 0 else f"({fmt(s)})" for s in step.channel_sums)
        lines.append(f"{step.label} = {sums} + {fmt(step.bias)} = {fmt(step.value)}")
        return "\n".join(lines)

    def _show_status(self) -> None:
        spec, setup = self.trace.spec, self.setup
        self.show_status(
            "conv.status",
            s=spec.stride,
            p=spec.padding,
            d=spec.dilation,
            k=spec.kernel_size,
            cin=spec.in_channels,
            cout=spec.out_channels,
            kernel=t("conv.custom") if setup.kernel_name == CUSTOM else display_name(setup.kernel_name),
            input=t("conv.custom") if setup.input_name == CUSTOM else display_name(setup.input_name),
        )

    # Changing the setup --------------------------------------------------------

    def _changed(self, what: str, value: object) -> str:
        return t("conv.changed", what=t(f"words.{what}"), value=value)

    def action_change(self, field: str, delta: int) -> None:
        value = getattr(self.setup, field) + delta
        if field == "in_channels":
            value = value if value <= 3 else 1
        elif field == "out_channels":
            value = value if value <= 4 else 1
        message = self._changed(field, value) if field in ("stride", "padding", "dilation") else ""
        self.apply(lambda: replace(self.setup, **{field: value}), message)

    def action_kernel_size(self, delta: int) -> None:
        self.apply(lambda: self.setup.with_kernel_size(self.setup.kernel_size + delta))

    def action_next_kernel(self) -> None:
        self.apply(self.setup.with_next_kernel)

    def action_next_input(self) -> None:
        self.apply(self.setup.with_next_input)

    def action_random_input(self) -> None:
        self._random_seed += 1
        self.apply(lambda: self.setup.with_random_input(self._random_seed))

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        fields = [
            Field("input", t("edit.input"), format_matrix(self.setup.base_input)),
            Field("kernel", t("edit.kernel"), format_matrix(self.setup.base_kernel)),
            Field(
                "bias",
                t("edit.bias"),
                " ".join(fmt_exact(b) for b in self.trace.spec.bias),
            ),
        ]
        self.app.push_screen(TextDialog(t("edit.title"), t("edit.hint"), fields, self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The edit dialog's Apply: the typed matrices, if they make a valid setup."""
        return self.adopt(
            lambda: self.setup.with_custom(
                parse_matrix(texts["input"], "input"),
                parse_matrix(texts["kernel"], "kernel"),
                tuple(parse_vector(texts["bias"], "bias")),
            )
        )

    # Views -----------------------------------------------------------------------

    def action_toggle_im2col(self) -> None:
        switcher = self.query_one("#views", ContentSwitcher)
        switcher.current = "grids" if switcher.current == "im2col" else "im2col"
        self.show_step()
