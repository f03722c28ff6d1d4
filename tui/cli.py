"""`tensortour`: parse the command line, then open the app or print a lesson as text.

Display options (--color, --fps) become Textual's environment variables, so this
module must not import textual before they are set; `--plain` never imports it.
"""

from __future__ import annotations

import argparse
import os
import sys

from engine.errors import SpecError
from tui import __version__
from tui.i18n import LANGUAGES, detect_language, error_text, lesson_title, set_language, t
from tui.lessons import LESSONS

COLOR_SYSTEMS = {"auto": None, "truecolor": "truecolor", "256": "256", "16": "standard", "none": None}


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _display_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """The same options before or after the lesson name; only the top level sets defaults."""
    keep = {} if defaults else {"default": argparse.SUPPRESS}
    parser.add_argument("--lang", choices=LANGUAGES, help="en or zh (default: from LANG / LC_ALL)", **keep)
    parser.add_argument("--color", choices=list(COLOR_SYSTEMS), **({"default": "auto"} if defaults else keep), help="colour system")
    parser.add_argument("--fps", type=_positive_int, **keep, help="frames per second cap (default 60)")
    parser.add_argument("--no-mouse", action="store_true", **keep, help="ignore the mouse")


def build_parser() -> argparse.ArgumentParser:
    lessons = "\n".join(f"  {lesson:<8} {lesson_title(lesson)}" for lesson in LESSONS)
    parser = argparse.ArgumentParser(
        prog="tensortour",
        description=t("cli.description", "en"),
        epilog=f"{t('cli.lessons', 'en')}:\n{lessons}\n\nExample: tensortour conv --input digit --kernel sobel-x --padding 1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tensortour {__version__}")
    _display_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="lesson", metavar="LESSON")
    conv = sub.add_parser("conv", help=lesson_title("conv"), description=t("lesson.conv.summary", "en"))
    conv.add_argument("--input", default="ramp", help="a preset (ramp, checkerboard, vertical-edge, digit, digit-28) or rows like '1 2 3; 4 5 6'")
    conv.add_argument("--kernel", default="sobel-x", help="a preset (identity, box-blur, gaussian-blur, sharpen, sobel-x, sobel-y, laplacian, emboss) or rows like '1 0; 0 -1'")
    conv.add_argument("--kernel-size", type=int, help="kernel size: a preset is drawn at it, a typed kernel cropped or zero-extended")
    conv.add_argument("--bias", default="", help="one number per output channel (default 0)")
    conv.add_argument("--stride", type=int, default=1)
    conv.add_argument("--padding", type=int, default=0)
    conv.add_argument("--dilation", type=int, default=1)
    conv.add_argument("--in-channels", type=int, default=1, help="1 to 3")
    conv.add_argument("--out-channels", type=int, default=1, help="1 to 4")
    conv.add_argument("--plain", action="store_true", help="print the walk-through as text and exit")
    _display_options(conv, defaults=False)
    return parser


def conv_setup_from(args: argparse.Namespace):
    """The ConvSetup the flags describe; raises SpecError for anything invalid."""
    from engine.conv_setup import CUSTOM, ConvSetup
    from engine.matrix import parse_matrix, parse_vector
    from engine.presets import INPUTS, KERNELS

    setup = ConvSetup(
        input_name=args.input if args.input in INPUTS else CUSTOM,
        base_input=None if args.input in INPUTS else parse_matrix(args.input, "input"),
        kernel_name=args.kernel if args.kernel in KERNELS else CUSTOM,
        base_kernel=None if args.kernel in KERNELS else parse_matrix(args.kernel, "kernel"),
        stride=args.stride,
        padding=args.padding,
        dilation=args.dilation,
        in_channels=args.in_channels,
        out_channels=args.out_channels,
    )
    if args.kernel_size is not None:
        setup = setup.with_kernel_size(args.kernel_size)
    bias = tuple(parse_vector(args.bias, "bias"))
    setup = setup.with_custom(setup.base_input, setup.base_kernel, bias) if bias else setup
    setup.spec()
    return setup


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = args.lang or detect_language()
    set_language(lang)
    options: dict[str, object] = {}
    try:
        if args.lesson == "conv":
            from engine.conv import conv_trace
            from tui.plain import conv_walkthrough

            setup = conv_setup_from(args)
            if args.plain:
                print(conv_walkthrough(setup, conv_trace(setup.spec())))
                return 0
            options["setup"] = setup
    except SpecError as error:
        print(f"tensortour: {error_text(error)}", file=sys.stderr)
        return 2
    _set_display_environment(args)
    from tui.app import TensorTourApp

    TensorTourApp(lang=lang, lesson=args.lesson, **options).run(mouse=not args.no_mouse)
    return 0


def _set_display_environment(args: argparse.Namespace) -> None:
    if args.color == "none":
        os.environ["NO_COLOR"] = "1"
    elif COLOR_SYSTEMS.get(args.color):
        os.environ["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS[args.color]
    if args.fps:
        os.environ["TEXTUAL_FPS"] = str(args.fps)
