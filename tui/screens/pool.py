"""The pooling lesson: a window slides over the input and keeps its max, average or min, one output cell per step.

`b` turns the same grids into the backward pass: the input grid shows ∂L/∂x
filling up step by step, the output grid the upstream gradient.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal

from engine.errors import SpecError
from engine.matrix import format_matrix, parse_matrix
from engine.numbers import fmt
from engine.pool import (
    PAD_VALUE,
    TORCH_FUNCTION,
    GradStep,
    PoolStep,
    PoolTrace,
    fmt_cell,
    pool_trace,
)
from engine.pool_setup import CUSTOM, PoolSetup
from tui.i18n import display_name, t
from tui.screens.lesson import StepLesson
from tui.text.pool import notes
from tui.widgets.grid import Grid
from tui.widgets.text import Line


def _cells(matrix: np.ndarray) -> list[list[str]]:
    return [[fmt_cell(value) for value in row] for row in matrix]


class PoolScreen(StepLesson[PoolSetup, PoolTrace]):
    """Holds a PoolSetup and a step index; everything drawn comes from its PoolTrace."""

    CSS_PATH = "pool.tcss"

    LESSON = "pool"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o,M", "next_mode", "keys.pool_mode"),
        Binding("b", "toggle_backward", "keys.pool_backward"),
        Binding("k", "kernel_size(-1)", "keys.ksize_down", show=False),
        Binding("K", "kernel_size(1)", "keys.ksize_up", show=False),
        Binding("s", "stride(-1)", "keys.stride_down", show=False),
        Binding("S", "stride(1)", "keys.stride_up", show=False),
        Binding("a", "auto_stride", "keys.pool_auto_stride", show=False),
        Binding("p", "padding(-1)", "keys.pad_down", show=False),
        Binding("P", "padding(1)", "keys.pad_up", show=False),
        Binding("x", "shift(1)", "keys.pool_shift_right"),
        Binding("X", "shift(-1)", "keys.pool_shift_left", show=False),
        Binding("i", "next_input", "keys.input"),
        Binding("r", "random_input", "keys.random", show=False),
        Binding("e", "edit", "keys.edit"),
    ]

    def __init__(self, setup: PoolSetup | None = None) -> None:
        super().__init__(setup or PoolSetup())
        self.backward = False
        self._random_seed = 0

    def trace_for(self, setup: PoolSetup) -> PoolTrace:
        return pool_trace(setup.spec())

    def compose_work(self) -> ComposeResult:
        with Horizontal(id="grids"):
            yield Grid(id="input")
            yield Grid(id="output")
        yield Line(id="equation", markup=False)
        yield Line(id="formula", markup=False)
        yield Line(id="notes", markup=False)

    def check_target(self) -> tuple[object, str]:
        return self.trace.spec, t("pool.verify_function", function=TORCH_FUNCTION[self.trace.spec.mode])

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new spec or view: new matrices in both grids, the formula and notes."""
        trace, spec = self.trace, self.trace.spec
        height, width = spec.input.shape
        input_grid, output_grid = (
            self.query_one("#input", Grid),
            self.query_one("#output", Grid),
        )
        if self.backward:
            output_grid.show([_cells(trace.upstream)])
            output_grid.set_titles(
                t("pool.grad_upstream", h=trace.out_height, w=trace.out_width),
                t("pool.grad_upstream_sub"),
            )
        else:
            input_grid.show([_cells(trace.padded)], padding=spec.padding)
            pad = fmt_cell(PAD_VALUE[spec.mode])
            input_grid.set_titles(
                t("pool.input_padded", h=height, w=width, p=spec.padding, pad=pad)
                if spec.padding
                else t("pool.input", h=height, w=width),
                t("pool.custom") if self.setup.input_name == CUSTOM else display_name(self.setup.input_name),
            )
            output_grid.show([_cells(trace.output)])
            output_grid.set_titles(
                t("pool.output", mode=t(f"pool.mode_{spec.mode}"), h=trace.out_height, w=trace.out_width)
            )
        self._show_formula()
        self._show_notes()

    def _show_formula(self) -> None:
        height, width = self.trace.formulas
        lines = [f"{height.symbolic}, ceil_mode=False, dilation=1"]
        if height.filled == width.filled:
            lines.append(f"H_out = W_out = {height.filled}")
        else:
            lines += [f"H_out = {height.filled}", f"W_out = {width.filled}"]
        self.query_one("#formula", Line).show("\n".join(lines))

    def _show_notes(self) -> None:
        spec = self.trace.spec
        if self.backward:
            lines = [t(f"pool.grad_rule_{spec.mode}"), t("pool.grad_sum")]
        else:
            lines = notes(self.setup, spec)
        self.query_one("#notes", Line).show("\n".join(lines))

    def show_step(self) -> None:
        """Move the marks and rewrite the arithmetic: the only work a step key does."""
        step = self.trace.step(self.index)
        window = dict.fromkeys(step.cells, "tap")
        output_grid = self.query_one("#output", Grid)
        current = (0, step.row, step.col)
        equation = step.equation
        if self.backward:
            grad = self.trace.grad_step(self.index)
            window.update(dict.fromkeys(grad.targets, "current"))
            self._show_gradient()
            equation += "\n" + self._backward_text(step, grad)
        else:
            if step.chosen_cell is not None:
                window[step.chosen_cell] = "current"
            output_grid.reveal(step.index + 1)
        self.query_one("#input", Grid).mark(
            {(0, r, c): mark for (r, c), mark in window.items()},
            follow=[(0, *step.cells[0]), (0, *step.cells[-1])],
        )
        output_grid.mark({current: "current"}, follow=[current])
        self.query_one("#equation", Line).show(equation)
        self._show_status()

    def _show_gradient(self) -> None:
        """∂L/∂x after the backward pass of steps 1..index+1; the padding ring holds what is dropped."""
        spec, grid = self.trace.spec, self.query_one("#input", Grid)
        height, width = spec.input.shape
        grid.show([_cells(self.trace.padded_grad(self.index))], padding=spec.padding)
        key = "pool.grad_input_padded" if spec.padding else "pool.grad_input"
        grid.set_titles(t(key, h=height, w=width), t("pool.grad_through", n=self.index + 1))

    def _backward_text(self, step: PoolStep, grad: GradStep) -> str:
        if step.chosen_cell is not None:
            return t(
                "pool.grad_route",
                label=step.label,
                g=fmt(grad.upstream),
                mode=t(f"pool.winner_{step.mode}"),
                target=grad.target_label,
            )
        text = t(
            "pool.grad_spread",
            label=step.label,
            g=fmt(grad.upstream),
            n=len(grad.targets),
            share=fmt(grad.share),
        )
        return text + (t("pool.grad_dropped", dropped=grad.dropped) if grad.dropped else "")

    def _show_status(self) -> None:
        spec = self.trace.spec
        self.show_status(
            "pool.status",
            mode=t(f"pool.mode_{spec.mode}"),
            k=spec.kernel_size,
            s=spec.actual_stride,
            auto=t("pool.auto") if spec.stride_is_auto else "",
            p=spec.padding,
        )

    # Changing the setup --------------------------------------------------------

    @staticmethod
    def _changed(field: str, value: object) -> str:
        return t("pool.changed", what=t(f"words.pool_{field}"), value=value)

    def action_next_mode(self) -> None:
        self.apply(
            self.setup.with_next_mode,
            lambda: self._changed("mode", t(f"pool.mode_{self.trace.spec.mode}")),
        )

    def action_kernel_size(self, delta: int) -> None:
        self.apply(
            lambda: replace(self.setup, kernel_size=self.setup.kernel_size + delta),
            self._kernel_changed,
        )

    def _kernel_changed(self) -> str:
        spec = self.trace.spec
        return (
            t("pool.changed_kernel", k=spec.kernel_size)
            if spec.stride_is_auto
            else self._changed("kernel_size", spec.kernel_size)
        )

    def action_stride(self, delta: int) -> None:
        self.apply(
            lambda: self.setup.with_stride_step(delta),
            lambda: self._changed("stride", self.trace.spec.stride),
        )

    def action_auto_stride(self) -> None:
        self.apply(
            lambda: replace(self.setup, stride=None),
            lambda: t("pool.stride_auto", k=self.trace.spec.kernel_size),
        )

    def action_padding(self, delta: int) -> None:
        self.apply(
            lambda: replace(self.setup, padding=self.setup.padding + delta),
            lambda: self._changed("padding", self.trace.spec.padding),
        )

    def action_shift(self, delta: int) -> None:
        self.apply(lambda: replace(self.setup, shift=self.setup.shift + delta), self._shifted)

    def _shifted(self) -> str:
        report = self.setup.shift_report()
        return (
            t("pool.shifted", value=self.setup.shift, side=t(f"pool.{report.side}"))
            if report
            else self._changed("shift", 0)
        )

    def action_next_input(self) -> None:
        self.apply(self.setup.with_next_input)

    def action_random_input(self) -> None:
        self._random_seed += 1
        self.apply(lambda: self.setup.with_random_input(self._random_seed))

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        field = Field("input", t("pool_edit.input"), format_matrix(self.setup.base_input))
        self.app.push_screen(TextDialog(t("pool_edit.title"), t("edit.hint"), [field], self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The edit dialog's Apply: the typed input, if it makes a valid setup."""
        return self.adopt(lambda: self.setup.with_input(parse_matrix(texts["input"], "input")))

    # Views -----------------------------------------------------------------------

    def action_toggle_backward(self) -> None:
        self.backward = not self.backward
        self.draw_trace()
        self.show_step()
        self.say(t("pool.backward_on" if self.backward else "pool.backward_off"))
