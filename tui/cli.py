"""`tensortour`: parse the command line, then open the app or print a lesson as text.

Display options (--color, --fps) become Textual's environment variables, so this
module must not import textual before they are set; `--plain` never imports it.
"""

from __future__ import annotations

import argparse
import gc
import os
import shlex
import sys
from pathlib import Path
from typing import NoReturn

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
    visible,
)
from tui.lesson_file import LessonFile, LessonFileError, read_lesson_file
from tui.lessons import LESSONS, lesson_flags
from tui.terminal import app_problem, chinese_problem, fall_back_to_ascii, say

OPEN = "open"
RUNS = "runs"  # the runs page: not a lesson, a command of its own

COLOR_SYSTEMS = {
    "auto": None,
    "truecolor": "truecolor",
    "256": "256",
    "16": "standard",
    "none": None,
}


ARGPARSE_QUOTE_LIMIT = 320  # argparse's own refusal, with what was typed inside it


class _Parser(argparse.ArgumentParser):
    """argparse quotes what was typed raw in some refusals (`unrecognized arguments: …`): escape and shorten it."""

    def error(self, message: str) -> NoReturn:
        super().error(visible(message, ARGPARSE_QUOTE_LIMIT))


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
    parser.add_argument(
        "--no-quiz", action="store_true", **keep, help="no questions on the way (the quiz-me key Q still asks)"
    )


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the lesson named in `argv` gets its flags, so the others' engines are not imported."""
    argv = sys.argv[1:] if argv is None else argv
    named = next((word for word in argv if word in LESSONS), None)
    lessons = "\n".join(f"  {lesson:<10} {lesson_title(lesson)}" for lesson in LESSONS)
    parser = _Parser(
        prog="tensortour",
        description=t("cli.description", "en"),
        epilog=f"{t('cli.lessons', 'en')}:\n{lessons}\n\nExample: tensortour conv --input digit --kernel sobel-x --padding 1"
        "\n         tensortour open assets/examples/conv-padding.toml --plain",
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
        _output_options(lesson_parser)
        _display_options(lesson_parser, defaults=False)
    open_parser = sub.add_parser(
        OPEN,
        help=t("cli.open_help", "en"),
        description=t("cli.open_description", "en"),
    )
    open_parser.add_argument(
        "file", metavar="FILE", help="a lesson file (TOML), e.g. assets/examples/conv-padding.toml"
    )
    _output_options(open_parser)
    _display_options(open_parser, defaults=False)
    runs_parser = sub.add_parser(RUNS, help=t("runs.help", "en"), description=t("runs.description", "en"))
    runs_parser.add_argument("--dir", default="runs", metavar="DIR", help="the folder the runs are in (default: runs)")
    runs_parser.add_argument("--plain", action="store_true", help="print the list as a table and exit")
    _display_options(runs_parser, defaults=False)
    return parser


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plain",
        action="store_true",
        help="print the walk-through as text and exit",
    )
    parser.add_argument(
        "--save",
        metavar="FILE",
        help="write the setup as a lesson file (never over an existing one) and exit; `tensortour open FILE` opens it",
    )


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
    except KeyboardInterrupt:  # Ctrl+C before a lesson or a run has its own handling (e.g. while numpy loads)
        print("tensortour: interrupted", file=sys.stderr)
        return 130
    finally:
        gc.enable()


def _main(argv: list[str]) -> int:
    fall_back_to_ascii()
    with single_threaded_blas():
        args = parse_args(argv)  # imports the named lesson's engine, and numpy with it
    lang = args.lang or detect_language()
    set_language(lang)
    problem = chinese_problem(lang)
    if problem:
        say(problem)
        return 2
    options: dict[str, object] = {}
    source = None
    if args.lesson == RUNS and args.plain:
        return _runs_plain(Path(args.dir))
    try:
        if args.lesson == OPEN:
            source, args = _opened(args)
        if args.lesson == RUNS:
            options["runs_dir"] = args.dir
        elif args.lesson:
            flags = lesson_flags(args.lesson)
            setup = flags.setup_from(args)
            if getattr(args, "headless", False) or args.plain or args.save:
                gc.enable()
            if getattr(args, "headless", False):
                return flags.headless(args, setup)
            if args.plain or args.save:
                return _write(args, setup, source)
            options["setup"] = setup
            options["source"] = source
    except SpecError as error:
        say(error_text(error))
        return 2
    except LessonFileError as error:
        say(error.text())
        return 2
    problem = app_problem()
    if problem:
        say(problem)
        return 2
    _set_display_environment(args)
    from tui.app import TensorTourApp

    app = TensorTourApp(
        lang=lang, lesson=None if args.lesson == RUNS else args.lesson, quiz=not args.no_quiz, **options
    )
    app.run(mouse=not args.no_mouse)
    return app.return_code or 0  # 1 where the app ended on an error: a crash must not exit 0


def _runs_plain(root: Path) -> int:
    """`tensortour runs --plain`: the table of the runs under `root` (no torch: run.json and metrics.jsonl)."""
    from engine.train.runs_list import list_runs
    from tui.runs_text import plain_table

    gc.enable()
    if root.exists() and not root.is_dir():
        say(t("runs.not_a_folder", root=visible(str(root))))
        return 2
    return _print(plain_table(root, list_runs(root)))


def _opened(args: argparse.Namespace) -> tuple[LessonFile, argparse.Namespace]:
    """`open FILE`: the file read and checked, and the command line it stands for, parsed as if typed."""
    with single_threaded_blas():
        source = read_lesson_file(args.file)
        lesson_args = parse_args([source.lesson, *source.argv])
    for name in ("lang", "color", "fps", "no_mouse", "no_quiz", "plain", "save"):
        setattr(lesson_args, name, getattr(args, name, getattr(lesson_args, name, None)))
    return source, lesson_args


def _write(args: argparse.Namespace, setup: object, source: LessonFile | None) -> int:
    """`--plain` prints the walk-through (then a file's narration and questions); `--save` writes the setup."""
    from tui.lesson_file_text import plain_notes
    from tui.lessons import lesson as registered_lesson

    if args.plain:
        text = registered_lesson(args.lesson).text.plain(setup)
        code = _print(
            text + ("\n\n" + plain_notes(source) if source and (source.narration or source.questions) else "")
        )
        # a lesson may end --plain with its own status (the module lesson: 1 where the student's file failed)
        code = code or getattr(lesson_flags(args.lesson), "plain_status", lambda _setup: 0)(setup)
        if code:
            return code
    if args.save:
        return _save(args.lesson, setup, args.save, source)
    return 0


def _save(lesson_id: str, setup: object, target: str, source: LessonFile | None) -> int:
    from tui.lesson_file_text import lesson_file_text
    from tui.saving import write_new

    flags = lesson_flags(lesson_id).flags_of(setup)
    notes = (source.narration, source.questions) if source else ((), ())
    try:
        path = write_new(Path(target), lesson_file_text(lesson_id, flags, *notes))
    except FileExistsError:
        print(f"tensortour: {t('lesson_file.exists', path=os.path.abspath(target))}", file=sys.stderr)
        return 2
    except OSError as error:
        reason = error.strerror or str(error)
        print(
            f"tensortour: {t('lesson_file.not_written', path=os.path.abspath(target), reason=reason)}", file=sys.stderr
        )
        return 1
    print(t("lesson_file.saved", path=path, file=shlex.quote(target)))
    return 0


def _print(text: str) -> int:
    """Print and exit 0, also when the reader (`| head`) closed the pipe early; exit 2 where stdout is closed."""
    if sys.stdout is None:
        say(t("cli.stdout_closed"))
        return 2
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
