"""`tensortour optim`: the optimizer lesson's flags and the setup they describe."""

from __future__ import annotations

import argparse

from engine.errors import SpecError
from engine.matrix import fmt_exact
from engine.optim import BOOK_LR, BOOK_MOMENTUM, KINDS, MAX_STEPS, OptimizerSetting, PathSpec, path_trace
from engine.optim_loop import MAX_ITERATIONS, LoopSpec
from engine.optim_setup import LOOP, PATHS, OptimSetup, parse_start
from engine.optim_surfaces import BOOK, SURFACES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--optimizer",
        action="append",
        choices=KINDS,
        help="an optimizer to run; repeat for several (default: all four, with the book's η)",
    )
    parser.add_argument(
        "--lr",
        action="append",
        type=float,
        help="η: once for every optimizer, or once per --optimizer in order (default: the book's 0.95, 0.1, 1.5, 0.3)",
    )
    parser.add_argument(
        "--momentum",
        action="append",
        type=float,
        help=f"μ: once for every momentum optimizer, or once per --optimizer momentum in order (default {BOOK_MOMENTUM})",
    )
    parser.add_argument(
        "--start", default=None, help="the start, as --start=x,y (default: the surface's; the book's is --start=-7,2)"
    )
    parser.add_argument("--steps", type=int, default=30, help=f"how many updates, 1 to {MAX_STEPS} (default 30)")
    parser.add_argument("--surface", choices=list(SURFACES), default=BOOK, help="the function to descend")
    parser.add_argument("--loop", action="store_true", help="open on the training loop page")
    parser.add_argument("--no-zero-grad", action="store_true", help="the training loop without optimizer.zero_grad()")
    parser.add_argument("--loop-lr", type=float, default=LoopSpec.lr, help=f"the loop's η (default {LoopSpec.lr})")
    parser.add_argument(
        "--iterations",
        type=int,
        default=LoopSpec.iterations,
        help=f"the loop's iterations, 1 to {MAX_ITERATIONS} (default {LoopSpec.iterations})",
    )


def settings_from(
    kinds: list[str], lrs: list[float] | None, momentums: list[float] | None
) -> tuple[OptimizerSetting, ...]:
    """One setting per kind; η from --lr (once for all, or one each) or the book's; μ likewise for each momentum."""
    if lrs and len(lrs) not in (1, len(kinds)):
        raise SpecError("optim_lr_count", given=len(lrs), count=len(kinds))
    users = kinds.count("momentum")
    if momentums and not users:
        raise SpecError("optim_momentum_unused")
    if momentums and len(momentums) not in (1, users):
        raise SpecError("optim_momentum_count", given=len(momentums), count=users)
    chosen = lrs * len(kinds) if lrs and len(lrs) == 1 else lrs or [BOOK_LR[kind] for kind in kinds]
    mus = iter(momentums * users if momentums and len(momentums) == 1 else momentums or [])
    return tuple(
        OptimizerSetting(kind, lr, next(mus, BOOK_MOMENTUM) if kind == "momentum" else BOOK_MOMENTUM)
        for kind, lr in zip(kinds, chosen)
    )


def setup_from(args: argparse.Namespace) -> OptimSetup:
    """The OptimSetup the flags describe; raises SpecError for anything invalid."""
    paths = PathSpec(
        surface=args.surface,
        optimizers=settings_from(args.optimizer or list(KINDS), args.lr, args.momentum),
        start=None if args.start is None else parse_start(args.start),
        steps=args.steps,
    )
    path_trace(paths)
    loop = LoopSpec(lr=args.loop_lr, iterations=args.iterations, zero_grad=not args.no_zero_grad)
    return OptimSetup(page=LOOP if args.loop else PATHS, paths=paths, loop=loop)


def flags_of(setup: OptimSetup) -> dict[str, object]:
    """Both pages' settings and the page shown; a start only where one was typed (else the surface's own)."""
    paths = setup.paths
    flags: dict[str, object] = {
        "surface": paths.surface,
        "optimizer": [setting.kind for setting in paths.optimizers],
        "lr": [setting.lr for setting in paths.optimizers],
    }
    momentums = [setting.momentum for setting in paths.optimizers if setting.kind == "momentum"]
    if momentums:
        flags["momentum"] = momentums
    if paths.start is not None:
        flags["start"] = ",".join(fmt_exact(number) for number in paths.start)
    return flags | {
        "steps": paths.steps,
        "loop": setup.page == LOOP,
        "no-zero-grad": not setup.loop.zero_grad,
        "loop-lr": setup.loop.lr,
        "iterations": setup.loop.iterations,
    }
