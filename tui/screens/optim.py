"""The optimizer lesson: SGD, momentum, AdaGrad and Adam walking down a surface, then the course's training loop.

Page one draws the surface's contour with each optimizer's path up to the step
shown, all on one plot or side by side (v); the focused path (1–4) has its
update written out with its numbers. Page two (g) steps through the course's
loop line by line on nn.Linear(1, 1); z leaves zero_grad out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll

from engine.errors import SpecError
from engine.matrix import fmt_exact
from engine.optim import PathTrace, path_trace
from engine.optim_loop import LoopTrace, loop_trace
from engine.optim_plot import contour_rows
from engine.optim_setup import LOOP, PATHS, OptimSetup, format_optimizers
from engine.trace import kept_index
from tui.i18n import t
from tui.screens.lesson import StepLesson
from tui.text.optim import (
    fate_line,
    legend_rows,
    position_line,
    setting_label,
    surface_title,
    update_lines,
    window_text,
)
from tui.text.optim_loop import code_lines, explain, state_lines
from tui.widgets.contour import ContourCanvas, PathCanvas
from tui.widgets.perceptron_canvas import Canvas
from tui.widgets.text import Line

OptimTrace = PathTrace | LoopTrace
PATH_ACTIONS = {"focus", "surface", "momentum", "toggle_view", "book"}
LOOP_ACTIONS = {"zero_grad"}
PANELS = 4


class OptimScreen(StepLesson[OptimSetup, OptimTrace]):
    """Holds an OptimSetup, the focused path and one step per page; everything drawn comes from engine."""

    CSS_PATH = "optim.tcss"

    LESSON = "optim"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "focus(0)", "keys.optim_focus", key_display="1–4"),
        *(Binding(str(n + 1), f"focus({n})", "keys.optim_focus", show=False) for n in range(1, PANELS)),
        Binding("n", "surface(1)", "keys.optim_surface"),
        Binding("N", "surface(-1)", "keys.optim_surface_back", show=False),
        Binding("right_square_bracket", "lr(1)", "keys.optim_lr_up", key_display="]"),
        Binding("left_square_bracket", "lr(-1)", "keys.optim_lr_down", key_display="[", show=False),
        Binding("M", "momentum(1)", "keys.optim_momentum_up", show=False),
        Binding("m", "momentum(-1)", "keys.optim_momentum_down", show=False),
        Binding("v", "toggle_view", "keys.optim_view"),
        Binding("g", "toggle_page", "keys.optim_page"),
        Binding("z", "zero_grad", "keys.optim_zero_grad"),
        Binding("e", "edit", "keys.edit"),
        Binding("b", "book", "keys.optim_book", show=False),
    ]

    def __init__(self, setup: OptimSetup | None = None) -> None:
        super().__init__(setup or OptimSetup())
        self.focus_slot = 0
        self.side_by_side = False
        self._steps: dict[str, int] = {}

    def trace_for(self, setup: OptimSetup) -> OptimTrace:
        return path_trace(setup.paths) if setup.page == PATHS else loop_trace(setup.loop)

    def compose_work(self) -> ComposeResult:
        with Vertical(id="paths-page"):
            with Horizontal(id="plots"):
                yield ContourCanvas(id="plot")
                with Container(id="panels"):
                    for slot in range(1, PANELS + 1):
                        yield ContourCanvas(id=f"panel-{slot}", classes="panel")
                with VerticalScroll(id="legend-box", can_focus=False):
                    yield PathCanvas(id="legend")
            yield Line(id="update", markup=False)
            yield Line(id="notes", markup=False)
        with Vertical(id="loop-page"):
            yield Canvas(id="code")
            yield Line(id="tensors", markup=False)
            yield Line(id="explain", markup=False)

    def check_target(self) -> tuple[object, str]:
        if self.setup.page == LOOP:
            return self.setup.loop, t("optim.verify_loop")
        return self.setup.paths, t("optim.verify_paths")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each page shows its own keys; η ([ ]) and edit work on both."""
        if action in PATH_ACTIONS:
            return self.setup.page == PATHS
        if action in LOOP_ACTIONS:
            return self.setup.page == LOOP
        return True

    def index_after_change(self, old_trace: OptimTrace, old_index: int) -> int:
        """A new page returns to the step it showed last; a change on the same page keeps the place."""
        if type(old_trace) is not type(self.trace):
            return self._steps.get(self.setup.page, 0)
        return kept_index(old_trace, old_index, self.trace)

    # Drawing -----------------------------------------------------------------

    def draw_trace(self) -> None:
        """A new page or spec: which widgets show, and the titles that do not change with the step."""
        paths = self.setup.page == PATHS
        self.refresh_bindings()  # each page shows its own keys (check_action)
        self.query_one("#paths-page").display = paths
        self.query_one("#loop-page").display = not paths
        if not paths:
            return
        count = len(self.setup.paths.optimizers)
        self.focus_slot = min(self.focus_slot, count - 1)
        plot = self.query_one("#plot", ContourCanvas)
        plot.display = self.query_one("#legend-box").display = not self.side_by_side
        self.query_one("#panels").display = self.side_by_side
        surface = self.setup.paths.surface_info
        plot.border_title = surface_title(surface, self.setup.paths.origin)
        plot.border_subtitle = window_text(surface)
        self.query_one("#panels").set_class(count > 2, "-grid")
        for slot in range(1, PANELS + 1):
            self.query_one(f"#panel-{slot}").display = slot <= count

    def show_step(self) -> None:
        self._steps[self.setup.page] = self.index
        if self.setup.page == PATHS:
            self._show_paths()
        else:
            self._show_loop()

    def _show_paths(self) -> None:
        trace, index, focus = self.trace, self.index, self.focus_slot + 1
        surface = self.setup.paths.surface
        numbered = list(enumerate(trace.paths, start=1))
        if self.side_by_side:
            for slot, path in numbered:
                panel = self.query_one(f"#panel-{slot}", ContourCanvas)
                panel.border_title = setting_label(slot, path.setting)
                panel.border_subtitle = position_line(path.at(index))
                panel.set_class(slot == focus, "-focus")
                panel.paint(lambda w, h, one=[(slot, path)]: contour_rows(surface, one, index, focus, w, h))
        else:
            self.query_one("#plot", ContourCanvas).paint(
                lambda w, h: contour_rows(surface, numbered, index, focus, w, h)
            )
            self.query_one("#legend", PathCanvas).show(legend_rows(numbered, index, focus))
        path = trace.paths[self.focus_slot]
        self.query_one("#update", Line).show("\n".join(update_lines(path.at(index))))
        self.query_one("#notes", Line).show(fate_line(path, index, self.setup.paths.surface_info))
        self.show_status(
            "optim.status",
            update=index,
            steps=trace.spec.steps,
            surface=t(f"optim.surface_{surface}"),
            label=setting_label(focus, path.setting),
        )

    def _show_loop(self) -> None:
        step, spec = self.trace.step(self.index), self.setup.loop
        rows = []
        for code, line in code_lines(spec):
            style = "current" if line == step.line else ("label" if code.lstrip().startswith("#") else "")
            rows.append(((code, style),))
        code = self.query_one("#code", Canvas)
        code.show(rows)
        code.border_title = (
            t("optim.loop_title", iteration=step.iteration, iterations=spec.iterations)
            if step.iteration
            else t("optim.loop_title_before")
        )
        self.query_one("#tensors", Line).show("\n".join(state_lines(step)))
        self.query_one("#explain", Line).show(explain(step, spec))
        self.show_status(
            "optim.loop_status",
            zero_grad=t("optim.with_zero_grad" if spec.zero_grad else "optim.without_zero_grad"),
        )

    # Changing the setup --------------------------------------------------------

    def action_focus(self, slot: int) -> None:
        count = len(self.setup.paths.optimizers)
        if slot >= count:
            key = "optim.no_such_path_one" if count == 1 else "optim.no_such_path"
            self.say(t(key, slot=slot + 1, count=count), error=True)
            return
        self.focus_slot = slot
        self.show_step()
        self.say(t("optim.focused", label=setting_label(slot + 1, self.setup.paths.optimizers[slot])))

    def action_surface(self, delta: int) -> None:
        self.apply(
            lambda: self.setup.with_surface_step(delta),
            lambda: t(
                "optim.surface_changed", title=surface_title(self.setup.paths.surface_info, self.setup.paths.origin)
            ),
        )

    def action_lr(self, delta: int) -> None:
        if self.setup.page == LOOP:
            self.apply(
                lambda: self.setup.with_loop_lr_step(delta),
                lambda: t("optim.loop_lr_changed", lr=fmt_exact(self.setup.loop.lr)),
            )
            return
        slot = self.focus_slot
        self.apply(
            lambda: self.setup.with_lr_step(slot, delta),
            lambda: t("optim.changed", label=setting_label(slot + 1, self.setup.paths.optimizers[slot])),
        )

    def action_momentum(self, delta: int) -> None:
        slot = self.focus_slot
        self.apply(
            lambda: self.setup.with_momentum_step(slot, delta),
            lambda: t("optim.changed", label=setting_label(slot + 1, self.setup.paths.optimizers[slot])),
        )

    def action_book(self) -> None:
        self.apply(lambda: OptimSetup(page=PATHS, loop=self.setup.loop), t("optim.book_again"))

    def action_toggle_view(self) -> None:
        self.side_by_side = not self.side_by_side
        self.draw_trace()
        self.show_step()
        self.say(t("optim.side_by_side" if self.side_by_side else "optim.overlaid"))

    def action_toggle_page(self) -> None:
        self.apply(self.setup.with_page)

    def action_zero_grad(self) -> None:
        self.apply(
            self.setup.with_zero_grad_toggled,
            lambda: t("optim.zero_grad_on" if self.setup.loop.zero_grad else "optim.zero_grad_off"),
        )

    def action_edit(self) -> None:
        # imported when first opened, not at start-up
        from tui.screens.text_dialog import Field, TextDialog

        if self.setup.page == LOOP:
            fields = [
                Field("lr", t("optim_edit.loop_lr"), fmt_exact(self.setup.loop.lr)),
                Field("iterations", t("optim_edit.iterations"), str(self.setup.loop.iterations)),
            ]
        else:
            paths = self.setup.paths
            start = "" if paths.start is None else ", ".join(fmt_exact(v) for v in paths.start)
            fields = [
                Field("optimizers", t("optim_edit.optimizers"), format_optimizers(paths.optimizers)),
                Field("start", t("optim_edit.start"), start),
                Field("steps", t("optim_edit.steps"), str(paths.steps)),
            ]
        self.app.push_screen(TextDialog(t("optim_edit.title"), t("optim_edit.hint"), fields, self._apply_texts))

    def _apply_texts(self, texts: Mapping[str, str]) -> SpecError | None:
        """The dialog's Apply: the typed settings, if they make a valid setup."""
        if self.setup.page == LOOP:
            return self.adopt(lambda: self.setup.with_loop_texts(texts["lr"], texts["iterations"]))
        return self.adopt(lambda: self.setup.with_texts(texts["optimizers"], texts["start"], texts["steps"]))
