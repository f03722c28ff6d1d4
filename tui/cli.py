"""`tensortour`: parse the command line, then open the app or print a lesson as text.

Display options (--color, --fps) become Textual's environment variables, so this
module must not import textual before they are set; `--plain` never imports it.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from engine.errors import SpecError
from tui import __version__
from tui.blas import single_threaded_blas
from tui.i18n import (
    LANGUAGES,
    detect_language,
    error_text,
    lesson_title,
    set_language,
    t,
)
from tui.lessons import LESSONS, lesson_flags

COLOR_SYSTEMS = {
    "auto": None,
    "truecolor": "truecolor",
    "256": "256",
    "16": "standard",
    "none": None,
}


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
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="en or zh (default: from LANG / LC_ALL)",
        **keep,
    )
    parser.add_argument(
        "--color",
        choices=list(COLOR_SYSTEMS),
        **({"default": "auto"} if defaults else keep),
        help="colour system",
    )
    parser.add_argument("--fps", type=_positive_int, **keep, help="frames per second cap (default 60)")
    parser.add_argument("--no-mouse", action="store_true", **keep, help="ignore the mouse")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the lesson named in `argv` gets its flags, so the others' engines are not imported."""
    argv = sys.argv[1:] if argv is None else argv
    named = next((word for word in argv if word in LESSONS), None)
    lessons = "\n".join(f"  {lesson:<10} {lesson_title(lesson)}" for lesson in LESSONS)
    parser = argparse.ArgumentParser(
        prog="tensortour",
        description=t("cli.description", "en"),
        epilog=f"{t('cli.lessons', 'en')}:\n{lessons}\n\nExample: tensortour conv --input digit --kernel sobel-x --padding 1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tensortour {__version__}")
    _display_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="lesson", metavar="LESSON")
    for lesson in LESSONS:
        lesson_parser = sub.add_parser(
            lesson,
            help=lesson_title(lesson),
            description=t(f"lesson.{lesson}.summary", "en"),
        )
        if lesson == named:
            lesson_flags(lesson).add_arguments(lesson_parser)
        lesson_parser.add_argument(
            "--plain",
            action="store_true",
            help="print the walk-through as text and exit",
        )
        _display_options(lesson_parser, defaults=False)
    return parser


def parse_args(argv: list[str]) -> argparse.Namespace:
    return build_parser(argv).parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start-up runs without the cyclic garbage collector: imports and the first screen
    allocate much and free little, and its passes over them cost ~10 % of the time to the
    first frame. TensorTourApp turns it back on once that frame is painted; the other
    paths (a headless run trains for minutes) turn it on before they start."""
    gc.disable()
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    finally:
        gc.enable()


def _main(argv: list[str]) -> int:
    with single_threaded_blas():
        args = parse_args(argv)  # imports the named lesson's engine, and numpy with it
    lang = args.lang or detect_language()
    set_language(lang)
    options: dict[str, object] = {}
    try:
        if args.lesson:
            flags = lesson_flags(args.lesson)
            setup = flags.setup_from(args)
            if getattr(args, "headless", False) or args.plain:
                gc.enable()
            if getattr(args, "headless", False):
                return flags.headless(args, setup)
            if args.plain:
                from tui.lessons import lesson as registered_lesson

                printed = _print(registered_lesson(args.lesson).text.plain(setup))
                # a lesson may end --plain with its own status (the module lesson: 1 where the student's file failed)
                return printed or getattr(flags, "plain_status", lambda _setup: 0)(setup)
            options["setup"] = setup
    except SpecError as error:
        print(f"tensortour: {error_text(error)}", file=sys.stderr)
        return 2
    _set_display_environment(args)
    from tui.app import TensorTourApp

    TensorTourApp(lang=lang, lesson=args.lesson, **options).run(mouse=not args.no_mouse)
    return 0


def _print(text: str) -> int:
    """Print and exit 0, also when the reader (`| head`) closed the pipe early."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _set_display_environment(args: argparse.Namespace) -> None:
    if args.color == "none":
        os.environ["NO_COLOR"] = "1"
    elif COLOR_SYSTEMS.get(args.color):
        os.environ["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS[args.color]
    if args.fps:
        os.environ["TEXTUAL_FPS"] = str(args.fps)
