"""`tensortour module [net|simple]`: the module lesson's flags and the setup they describe."""

from __future__ import annotations

import argparse

from engine.errors import SpecError
from engine.matmul_shapes import parse_shape
from engine.module import GRAD_PHASES, MODELS, VIEWS, ModuleSetup, module_trace
from engine.module_simple import SimpleConvSpec
from engine.train.config import parse_number

SIMPLE_FLAGS = {
    "filter_num": "number of conv filters (the book: 30)",
    "filter_size": "side of each filter (the book: 5)",
    "stride": "conv stride (the book: 1)",
    "pad": "conv padding (the book: 0)",
    "hidden_size": "units of the hidden Affine layer (the book: 100)",
    "output_size": "classes (the book: 10)",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model",
        nargs="?",
        choices=MODELS,
        default="net",
        help="net: the course's CIFAR-10 Net; simple: the book's SimpleConvNet (default net)",
    )
    parser.add_argument(
        "--view", choices=VIEWS, default="layers", help="start on the calls of forward() or on named_parameters()"
    )
    parser.add_argument(
        "--grad",
        choices=GRAD_PHASES,
        default="fresh",
        help="where the zero_grad story stands: fresh, after backward(), after zero_grad(), or zeros (default fresh)",
    )
    parser.add_argument("--batch", type=int, default=None, help="images in the batch fed to Net (default 4)")
    parser.add_argument("--input-dim", default=None, help="SimpleConvNet's input_dim C,H,W (the book: 1,28,28)")
    for name, words in SIMPLE_FLAGS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=None, help=f"SimpleConvNet: {words}")
    parser.add_argument(
        "--weight-init-std", default=None, help="SimpleConvNet: std of the initial weights (the book: 0.01)"
    )


def setup_from(args: argparse.Namespace) -> ModuleSetup:
    """The ModuleSetup the flags describe; raises SpecError for anything the lesson would refuse."""
    simple_given = [name for name in (*SIMPLE_FLAGS, "input_dim", "weight_init_std") if getattr(args, name) is not None]
    if args.model == "net" and simple_given:
        raise SpecError("module_flag_for_simple", flag="--" + simple_given[0].replace("_", "-"))
    if args.model == "simple" and args.batch is not None:
        raise SpecError("module_flag_for_net", flag="--batch")
    options: dict[str, object] = {name: getattr(args, name) for name in SIMPLE_FLAGS if getattr(args, name) is not None}
    if args.input_dim is not None:
        options["input_dim"] = parse_shape(args.input_dim, "module_input_dim")
    if args.weight_init_std is not None:
        options["weight_init_std"] = parse_number(args.weight_init_std, "module_weight_init_std")
    setup = ModuleSetup(
        model=args.model,
        view=args.view,
        grad=args.grad,
        batch=ModuleSetup().batch if args.batch is None else args.batch,
        simple=SimpleConvSpec(**options),
    )
    module_trace(setup)
    return setup


def flags_of(setup: ModuleSetup) -> dict[str, object]:
    """The network shown and its own settings; the other network's are not saved (the flags refuse them together)."""
    flags: dict[str, object] = {"model": setup.model, "view": setup.view, "grad": setup.grad}
    if setup.model == "net":
        return flags | {"batch": setup.batch}
    simple = setup.simple
    flags["input-dim"] = ",".join(map(str, simple.input_dim))
    flags |= {name.replace("_", "-"): getattr(simple, name) for name in SIMPLE_FLAGS}
    return flags | {"weight-init-std": simple.weight_init_std}
