"""`tensortour tensor`: the tensor lesson's flags and the spec they describe."""

from __future__ import annotations

import argparse
import re

from engine.tensor_parse import MAX_DIMS, MAX_ELEMENTS, MAX_SEED, parse_seed, parse_shape, parse_transpose, parse_view
from engine.tensor_spec import TOPICS, TensorSpec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # `--view -1,6`: Python 3.11's argparse takes only `-1` or `-1.5` for a negative number and `-1,6` for an
    # option; 3.13 takes any word starting with a minus and a digit, as set here (this lesson has no such option)
    parser._negative_number_matcher = re.compile(r"^-\.?\d")
    parser.add_argument(
        "--topic",
        choices=TOPICS,
        default=None,
        help="what to show (default: view when --view or --transpose is given, else create)",
    )
    parser.add_argument(
        "--shape",
        default="2,3,4",
        help=f"the shape of x, e.g. 2,3,4 (1 to {MAX_DIMS} dimensions, at most {MAX_ELEMENTS} elements)",
    )
    parser.add_argument("--view", default=None, help="the sizes x.view / x.reshape get, e.g. -1,6 or -1,2*2*2")
    parser.add_argument(
        "--transpose",
        nargs="?",
        const="0,1",
        default=None,
        help="transpose two dims of x first (default 0,1), making it non-contiguous",
    )
    parser.add_argument("--seed", default="0", help=f"seed for torch.manual_seed before torch.rand (0 to {MAX_SEED})")


def setup_from(args: argparse.Namespace) -> TensorSpec:
    """The TensorSpec the flags describe; raises SpecError for malformed text or a tensor past the screen's bounds.

    A view torch refuses is not an error here: the lesson shows torch's words.
    """
    topic = args.topic or ("view" if args.view is not None or args.transpose is not None else "create")
    return TensorSpec(
        topic=topic,
        shape=parse_shape(args.shape),
        view=parse_view(args.view) if args.view is not None else TensorSpec.view,
        transpose=parse_transpose(args.transpose) if args.transpose is not None else None,
        seed=parse_seed(args.seed),
    )


def flags_of(spec: TensorSpec) -> dict[str, object]:
    flags: dict[str, object] = {
        "topic": spec.topic,
        "shape": ",".join(map(str, spec.shape)),
        "view": ",".join(spec.view),
    }
    if spec.transpose is not None:
        flags["transpose"] = ",".join(map(str, spec.transpose))
    return flags | {"seed": spec.seed}
