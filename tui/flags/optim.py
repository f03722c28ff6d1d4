"""`tensortour optim`: the optimizer lesson's flags and the setup they describe."""

from __future__ import annotations

import argparse
from dataclasses import replace

from engine.errors import SpecError
from engine.optim import BOOK_LR, BOOK_MOMENTUM, KINDS, MAX_STEPS, OptimizerSetting, PathSpec, path_trace
from engine.optim_loop import LoopSpec
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
    parser.add_argument("--momentum", type=float, default=None, help=f"μ of momentum (default {BOOK_MOMENTUM})")
    parser.add_argument(
        "--start", default=None, help="the start, as --start=x,y (default: the surface's; the book's is --start=-7,2)"
    )
    parser.add_argument("--steps", type=int, default=30, help=f"how many updates, 1 to {MAX_STEPS} (default 30)")
    parser.add_argument("--surface", choices=list(SURFACES), default=BOOK, help="the function to descend")
    parser.add_argument("--loop", action="store_true", help="open on the training loop page")
    parser.add_argument("--no-zero-grad", action="store_true", help="the training loop without optimizer.zero_grad()")


def settings_from(kinds: list[str], lrs: list[float] | None, momentum: float | None) -> tuple[OptimizerSetting, ...]:
    """One setting per kind; η from --lr (once for all, or one each) or the book's; μ for momentum."""
    if lrs and len(lrs) not in (1, len(kinds)):
        raise SpecError("optim_lr_count", given=len(lrs), count=len(kinds))
    if momentum is not None and "momentum" not in kinds:
        raise SpecError("optim_momentum_unused")
    chosen = lrs * len(kinds) if lrs and len(lrs) == 1 else lrs or [BOOK_LR[kind] for kind in kinds]
    return tuple(
        OptimizerSetting(kind, lr, BOOK_MOMENTUM if momentum is None else momentum) for kind, lr in zip(kinds, chosen)
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
    loop = replace(LoopSpec(), zero_grad=not args.no_zero_grad)
    return OptimSetup(page=LOOP if args.loop else PATHS, paths=paths, loop=loop)
