"""What the student chose in the optimizer lesson: the page, the paths' spec and the loop's, and the text forms.

Keys and the edit dialog each make a new OptimSetup; the specs inside validate
themselves, so a setup that raises SpecError is never adopted and the screen
keeps the last good one. The text forms ("sgd 0.95, momentum 0.1 0.9") are
what `--plain` prints and the dialog shows, and read back to the same settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from engine.errors import SpecError
from engine.matrix import fmt_exact, parse_vector
from engine.optim import BOOK_LR, BOOK_MOMENTUM, KINDS, MAX_OPTIMIZERS, OptimizerSetting, PathSpec
from engine.optim_loop import LoopSpec
from engine.optim_surfaces import SURFACES

PATHS, LOOP = "paths", "loop"
LR_LADDER = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 0.95, 1.0, 1.05, 1.5, 2.0, 3.0, 10.0)
MOMENTUM_LADDER = (0.0, 0.5, 0.9, 0.95, 0.99, 1.0, 1.1)
_SEPARATORS = re.compile(r"[,;\n]")


def _number(token: str, what: str) -> float:
    """One number (a token holds no separator), refused as parse_vector refuses it."""
    return parse_vector(token, what)[0]


def ladder_step(ladder: tuple[float, ...], current: float, delta: int) -> float:
    """The next value of `ladder` above (delta 1) or below (−1) `current`; the end of the ladder stays put."""
    if delta > 0:
        return next((value for value in ladder if value > current), ladder[-1])
    return next((value for value in reversed(ladder) if value < current), ladder[0])


def format_optimizers(settings: tuple[OptimizerSetting, ...]) -> str:
    """`sgd 0.95, momentum 0.1 0.9, adagrad 1.5, adam 0.3`: exact, so it reads back to the same floats."""
    return ", ".join(
        f"{s.kind} {fmt_exact(s.lr)}" + (f" {fmt_exact(s.momentum)}" if s.kind == "momentum" else "") for s in settings
    )


def parse_optimizers(text: str) -> tuple[OptimizerSetting, ...]:
    """Optimizers separated by commas: a kind, then η (default: the book's), then μ for momentum."""
    settings = []
    for part in (chunk.split() for chunk in _SEPARATORS.split(text)):
        if not part:
            continue
        kind = part[0].lower()
        if kind not in KINDS:
            raise SpecError("optim_unknown_kind", kind=part[0], choices=", ".join(KINDS))
        limit = 3 if kind == "momentum" else 2
        if len(part) > limit:
            raise SpecError("optim_too_many_numbers", kind=kind, extra=part[limit])
        lr = _number(part[1], "optim_lr") if len(part) > 1 else BOOK_LR[kind]
        momentum = _number(part[2], "optim_momentum") if len(part) > 2 else BOOK_MOMENTUM
        settings.append(OptimizerSetting(kind, lr, momentum))
    if not 1 <= len(settings) <= MAX_OPTIMIZERS:
        raise SpecError("optim_optimizer_count", count=len(settings), high=MAX_OPTIMIZERS)
    return tuple(settings)


def parse_start(text: str) -> tuple[float, float]:
    """`-7, 2` or `-7 2`: two numbers."""
    numbers = parse_vector(text, "optim_start")
    if len(numbers) != 2:
        raise SpecError("optim_start_pair", count=len(numbers))
    return numbers[0], numbers[1]


def parse_one(text: str, what: str) -> float:
    numbers = parse_vector(text, what)
    if len(numbers) != 1:
        raise SpecError("optim_one_number", what=what, count=len(numbers))
    return numbers[0]


def parse_count(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise SpecError("not_an_integer", what=what, token=text.strip()) from None


@dataclass(frozen=True)
class OptimSetup:
    """The page shown (the paths on a surface, or the training loop) and the spec of each page."""

    page: str = PATHS
    paths: PathSpec = field(default_factory=PathSpec)
    loop: LoopSpec = field(default_factory=LoopSpec)

    @property
    def spec(self) -> PathSpec | LoopSpec:
        return self.paths if self.page == PATHS else self.loop

    def with_page(self) -> OptimSetup:
        return replace(self, page=LOOP if self.page == PATHS else PATHS)

    def with_surface_step(self, delta: int) -> OptimSetup:
        """The next surface, each from its own start (a typed start belongs to the surface it was typed for)."""
        names = list(SURFACES)
        following = names[(names.index(self.paths.surface) + delta) % len(names)]
        return replace(self, paths=replace(self.paths, surface=following, start=None))

    def with_setting(self, slot: int, **changes: float) -> OptimSetup:
        settings = list(self.paths.optimizers)
        settings[slot] = replace(settings[slot], **changes)
        return replace(self, paths=replace(self.paths, optimizers=tuple(settings)))

    def with_lr_step(self, slot: int, delta: int) -> OptimSetup:
        return self.with_setting(slot, lr=ladder_step(LR_LADDER, self.paths.optimizers[slot].lr, delta))

    def with_momentum_step(self, slot: int, delta: int) -> OptimSetup:
        setting = self.paths.optimizers[slot]
        if setting.kind != "momentum":
            raise SpecError("optim_momentum_only", kind=setting.kind)
        return self.with_setting(slot, momentum=ladder_step(MOMENTUM_LADDER, setting.momentum, delta))

    def with_loop_lr_step(self, delta: int) -> OptimSetup:
        return replace(self, loop=replace(self.loop, lr=ladder_step(LR_LADDER, self.loop.lr, delta)))

    def with_zero_grad_toggled(self) -> OptimSetup:
        return replace(self, loop=replace(self.loop, zero_grad=not self.loop.zero_grad))

    def with_loop_texts(self, lr: str, iterations: str) -> OptimSetup:
        """The loop page's dialog: η and the number of iterations."""
        loop = LoopSpec(parse_one(lr, "optim_lr"), parse_count(iterations, "optim_iterations"), self.loop.zero_grad)
        return replace(self, loop=loop)

    def with_texts(self, optimizers: str, start: str, steps: str) -> OptimSetup:
        """The edit dialog's three fields; an empty start means the surface's own."""
        paths = PathSpec(
            surface=self.paths.surface,
            optimizers=parse_optimizers(optimizers),
            start=parse_start(start) if start.strip() else None,
            steps=parse_count(steps, "optim_steps"),
        )
        return replace(self, paths=paths)
