"""The command line where the input or the terminal is hostile (issue 15: 7, 9, 15, 16, 17, 19).

Each case runs `tensortour` as a student would, in a subprocess, and expects one
clear line and exit 2 (or the walk-through and exit 0), never a traceback. The words
expected come from the catalogue, engine's SpecError, or the library that refuses.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import pty
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from spec_errors import spec_error

from engine.conv_setup import ConvSetup
from engine.errors import SpecError
from engine.loss import LossSpec, parse_y
from engine.train.download import download
from tui.cli import parse_args
from tui.i18n import error_text, t
from tui.lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def tensortour(*args: str, env: dict[str, str] | None = None, **options) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "PYTHONIOENCODING")}
    if "stdout" in options or "stderr" in options:
        options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **options}
    else:
        options["capture_output"] = True
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], cwd=ROOT, env={**clean, **(env or {})}, **{"timeout": 60, **options}
    )


def said(run: subprocess.CompletedProcess) -> str:
    return run.stderr.decode()


# 7 and 9: refused before anything is built ---------------------------------------------


@pytest.mark.parametrize(
    "args, cause",
    [
        (["conv", "--out-channels", "0"], lambda: ConvSetup(out_channels=0).spec()),
        (["conv", "--out-channels", "1000000000"], lambda: ConvSetup(out_channels=10**9).spec()),
        (["loss", "--y", "1e200 0 0 0 0 0 0 0 0 0"], lambda: LossSpec(parse_y("1e200 0 0 0 0 0 0 0 0 0"))),
    ],
    ids=["no output channel", "a billion output channels", "a squared error past float64"],
)
def test_bad_sizes_and_overflowing_numbers_exit_2_with_one_line(args, cause):
    run = tensortour(*args, "--plain", timeout=20)
    assert (run.returncode, said(run)) == (2, f"tensortour: {error_text(spec_error(cause))}\n")


# 15: no terminal ---------------------------------------------------------------------------


def needs_terminal(problem: str) -> str:
    return f"tensortour: {t('cli.needs_terminal', problem=t(problem))}\n"


def test_the_app_with_stdin_closed_or_not_a_terminal_says_it_needs_one():
    closed = tensortour("conv", preexec_fn=lambda: os.close(0))
    assert (closed.returncode, said(closed)) == (2, needs_terminal("cli.stdin_closed"))
    null = tensortour("conv", stdin=subprocess.DEVNULL)
    assert (null.returncode, said(null)) == (2, needs_terminal("cli.stdin_not_a_terminal"))


def test_the_app_drawing_on_a_pipe_says_it_needs_a_terminal():
    """Textual draws on stderr: keys from a terminal are not enough."""
    keys, terminal = pty.openpty()
    try:
        run = tensortour("conv", stdin=terminal)
    finally:
        os.close(keys), os.close(terminal)
    assert (run.returncode, said(run)) == (2, needs_terminal("cli.stderr_not_a_terminal"))


def test_plain_with_stdout_closed_says_so():
    run = tensortour("conv", "--plain", preexec_fn=lambda: os.close(1), stdout=None, stderr=subprocess.PIPE)
    assert (run.returncode, said(run)) == (2, f"tensortour: {t('cli.stdout_closed')}\n")


# 16: an output that is not UTF-8 -----------------------------------------------------------

EVERY_PLAIN = """
import sys
from tui.cli import main
codes = [main([name, "--plain"]) for name in {lessons}]
try:
    main(["--help"])
except SystemExit as exit:
    codes.append(exit.code)
main(["conv", "--stride", "0", "--plain"])
sys.stdout.write(repr(codes))
"""


def test_every_walk_through_help_and_refusal_are_written_in_ascii_on_an_ascii_output():
    run = subprocess.run(
        [sys.executable, "-c", EVERY_PLAIN.format(lessons=[name for name in LESSONS if name != "train"])],
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C"},
        capture_output=True,
        timeout=120,
    )
    out, err = run.stdout.decode("ascii"), run.stderr.decode("ascii")  # not one byte past ASCII
    assert out.endswith(repr([0] * len(LESSONS))), err  # the lessons but train (its model table: the headless test)
    assert "kernel 3x3, channels 1->1" in out and "floor((" in out  # the conv walk-through, the ASCII way
    assert err.startswith("tensortour: The stride must be at least 1, got 0.")


def test_chinese_on_an_ascii_output_says_what_to_set():
    run = tensortour("conv", "--plain", "--lang", "zh", env={"PYTHONIOENCODING": "ascii"})
    expected = t("cli.chinese_needs_utf8", "en", encoding="ascii")
    assert (run.returncode, said(run), run.stdout) == (2, f"tensortour: {expected}\n", b"")


def test_the_app_on_an_ascii_terminal_says_what_to_set():
    keys, screen = pty.openpty()
    try:
        run = tensortour("conv", stdin=screen, stderr=screen, env={"PYTHONIOENCODING": "ascii"})
        shown = os.read(keys, 4096).decode("ascii")
    finally:
        os.close(keys), os.close(screen)
    assert run.returncode == 2
    assert " ".join(shown.split()) == f"tensortour: {t('cli.app_needs_utf8', encoding='ascii')}"


# 19: what was typed, quoted back ------------------------------------------------------------


def parse_refusal(argv: list[str]) -> str:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), pytest.raises(SystemExit) as exit:
        parse_args(argv)
    assert exit.value.code == 2
    return stderr.getvalue().splitlines()[-1]


def test_argparse_refusals_escape_and_shorten_what_was_typed():
    assert parse_refusal(["conv", "\x1b]0;pwned\x07\x1b[31mRED"]).endswith(
        "unrecognized arguments: \\x1b]0;pwned\\x07\\x1b[31mRED"
    )
    long = parse_refusal(["conv", "x" * 100_000])
    assert len(long) < 480 and "characters cut" in long


def test_headless_output_escapes_paths_keeps_brackets_and_falls_back_to_ascii(tmp_path):
    """A run folder named `[/x]` is no rich markup, its ESC no colour, and an ASCII output gets no UnicodeEncodeError."""
    out = tmp_path / "[/x]\x1b[31mRED"
    run = tensortour(
        *("train", "--headless", "--dataset", "xor", "--epochs", "1", "--threads", "1", "--out", str(out)),
        env={"PYTHONIOENCODING": "ascii"},
    )
    assert run.returncode == 0, said(run)
    text = run.stdout.decode("ascii")
    assert f"{tmp_path}/[/x]\\x1b[31mRED" in text and not CONTROL.search(text.replace("\n", ""))
    assert (out / "checkpoint.pt").is_file()


# 17: a bad mirror, a name the system refuses ----------------------------------------------------


@pytest.mark.parametrize("mirror", ["http://[::1", "mirror.lan"])
def test_a_mirror_urllib_cannot_open_is_refused_in_its_words(tmp_path, mirror):
    url = f"{mirror}/mnist/train-images-idx3-ubyte.gz"
    with pytest.raises(ValueError) as urllib_says:
        urllib.request.Request(url)
    error = spec_error(lambda: download("mnist", tmp_path, mirror=mirror))
    assert (error.code, error.params) == ("data_mirror_bad", {"mirror": mirror, "reason": str(urllib_says.value)})
    assert not any(tmp_path.iterdir())


def test_a_resume_name_too_long_for_the_system_is_one_line():
    name = "a" * 300
    run = tensortour("train", "--headless", "--resume", name)
    expected = SpecError("checkpoint_os_error", path=name, reason=os.strerror(errno.ENAMETOOLONG))
    assert (run.returncode, said(run)) == (2, f"tensortour: {error_text(expected)}\n")


def test_a_data_dir_name_too_long_for_the_system_is_one_line(tmp_path):
    name = str(tmp_path / ("a" * 300))
    run = tensortour("train", "--headless", "--dataset", "mnist", "--data-dir", name)
    reason = os.strerror(errno.ENAMETOOLONG)
    opening = t("error.data_unreadable", path="PATH", reason=reason).split("PATH")[0]  # "Could not read "
    assert run.returncode == 2 and said(run).startswith(f"tensortour: {opening}") and reason in said(run)
    assert said(run).count("\n") == 1
