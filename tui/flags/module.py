"""`tensortour module [net|simple]` and `tensortour module --file my_net.py:Net --input 3,32,32`: the flags, the setup.

`--file` names the student's own Python file, which is then run (in a child
process, as `import my_net` would run it): only ever the file named here.
"""

from __future__ import annotations

import argparse

from engine.errors import SpecError
from engine.matmul_shapes import parse_shape
from engine.module import GRAD_PHASES, MODELS, VIEWS, ModuleSetup, module_trace
from engine.module_file import DEFAULT_TIMEOUT, DTYPES, FileSpec, parse_input, parse_target
from engine.module_file_result import OwnNet
from engine.module_simple import SimpleConvSpec
from engine.train.config import parse_number

# a lesson file is data: it never names a Python file that opening it would run
NOT_IN_FILES = ("file", "input", "args", "dtype", "watch", "timeout")
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
    own = parser.add_argument_group(
        "your own network",
        "--file RUNS THE PYTHON CODE IN THAT FILE (as `import my_net` would, in a separate process; its "
        "`if __name__ == '__main__':` block does not run). Nothing runs unless you name a file.",
    )
    own.add_argument("--file", metavar="FILE[:CLASS]", help="your network: a .py file and the nn.Module class in it")
    own.add_argument("--input", metavar="C,H,W", help="the shape of one input, as 3,32,32 (--batch goes in front)")
    own.add_argument(
        "--args",
        metavar="LITERAL",
        default="",
        help="the constructor's arguments as Python literals: 10, widths=(16, 32)",
    )
    own.add_argument(
        "--dtype", choices=DTYPES, default="float", help="x holds float32 numbers, or long indices for nn.Embedding"
    )
    own.add_argument("--watch", action="store_true", help="load the file again whenever it is saved")
    own.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds your code may run (default {DEFAULT_TIMEOUT:g})",
    )


def setup_from(args: argparse.Namespace) -> ModuleSetup:
    """The ModuleSetup the flags describe; raises SpecError for anything the lesson would refuse.

    With --plain the student's file is loaded here (the app loads it after its first frame).
    """
    if args.file is not None:
        return _own_setup(args)
    given_flags = (
        ("--input", args.input),
        ("--args", args.args),
        ("--watch", args.watch),
        ("--dtype", args.dtype != "float"),
    )
    for flag, given in given_flags:
        if given:
            raise SpecError("module_file_without_file", flag=flag)
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
    """The network shown and its own settings; the other network's are not saved (the flags refuse them together).

    A student's own network is never saved: a lesson file is data and must not name code that opening it would run.
    """
    if setup.model == "file":
        raise SpecError("module_file_not_saved")
    flags: dict[str, object] = {"model": setup.model, "view": setup.view, "grad": setup.grad}
    if setup.model == "net":
        return flags | {"batch": setup.batch}
    simple = setup.simple
    flags["input-dim"] = ",".join(map(str, simple.input_dim))
    flags |= {name.replace("_", "-"): getattr(simple, name) for name in SIMPLE_FLAGS}
    return flags | {"weight-init-std": simple.weight_init_std}


def _own_setup(args: argparse.Namespace) -> ModuleSetup:
    simple_given = [name for name in (*SIMPLE_FLAGS, "input_dim", "weight_init_std") if getattr(args, name) is not None]
    if simple_given:
        raise SpecError("module_flag_for_simple", flag="--" + simple_given[0].replace("_", "-"))
    if args.input is None:
        raise SpecError("module_file_needs_input")
    if args.watch and args.plain:
        raise SpecError("module_file_watch_plain")
    path, class_name = parse_target(args.file)
    spec = FileSpec(
        path,
        class_name,
        parse_input(args.input),
        batch=1 if args.batch is None else args.batch,
        args=args.args,
        timeout=args.timeout,
        dtype=args.dtype,
    )
    own = OwnNet(spec, watch=args.watch)
    if args.plain:
        from engine.module_file_run import load  # starts the child process: only for --plain

        own = own.after(load(spec, echo=True))
    return ModuleSetup(model="file", own=own)


def plain_status(setup: ModuleSetup) -> int:
    """`--plain`'s exit status: 1 where the student's file did not run through forward(), so CI can see it."""
    own = setup.own
    return 1 if own is not None and own.latest is not None and not own.latest.ok else 0
