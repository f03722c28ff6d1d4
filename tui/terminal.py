"""What the streams can take: whether the app has a terminal, and text for an output that is not UTF-8.

The app reads keys from standard input and Textual draws on standard error, so
both must be terminals. `--plain`, `--headless` and every message write to
stdout and stderr; on an ASCII or Latin-1 output (`LC_ALL=C PYTHONUTF8=0`,
`PYTHONIOENCODING=ascii`) their symbols are written the ASCII way (`×` as `x`,
`→` as `->`, box lines as `-` `|` `+`) instead of ending in a UnicodeEncodeError.
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from collections.abc import Callable
from typing import TextIO

from tui.i18n import t

SYMBOLS = "×→…─│╭▀✓"  # what the app and the walk-throughs draw with
CHINESE = "张量梯度"
ASCII_ERRORS = "tensortour-ascii"

ASCII = {
    "×": "x",
    "·": "*",
    "÷": "/",
    "−": "-",
    "–": "-",
    "—": "--",
    "±": "+/-",
    "∂": "d",
    "→": "->",
    "←": "<-",
    "↑": "^",
    "↓": "v",
    "▶": ">",
    "▸": ">",
    "◂": "<",
    "…": "...",
    "⌊": "floor(",
    "⌋": ")",
    "✓": "ok",
    "✗": "X",
    "′": "'",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "≈": "~",
    "½": "1/2",
    "∞": "inf",
    "‖": "||",
    "ᵀ": "^T",
    "░": ".",
    "▒": ":",
    "\u2800": " ",
}


def _ascii_for(char: str) -> str:
    """One character the ASCII way: the table, then by the character's Unicode name, else `?`."""
    if char in ASCII:
        return ASCII[char]
    name = unicodedata.name(char, "")
    if name.startswith("CJK") or unicodedata.east_asian_width(char) == "W":
        return ""  # the Chinese half of a bilingual title; Chinese text itself is refused (chinese_problem)
    if name.startswith("GREEK"):
        letter = name.split()[-1].lower()
        return letter.capitalize() if "CAPITAL" in name else letter
    if name.startswith("SUPERSCRIPT") or name.startswith("MODIFIER LETTER"):
        return "^" + unicodedata.normalize("NFKD", char)
    if name.startswith("BOX DRAWINGS"):
        return _box_line(name)
    if name.startswith("BRAILLE"):
        return "."
    if "BLOCK" in name or name.startswith("BLACK"):
        return "#"
    decomposed = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return decomposed or "?"


def _box_line(name: str) -> str:
    """`─` as `-`, `│` as `|`, a corner, a tee or a cross as `+`, a diagonal as itself."""
    if "DIAGONAL" in name:
        return "\\" if "UPPER LEFT TO LOWER RIGHT" in name else "/"
    if " AND " in name or ("HORIZONTAL" in name) == ("VERTICAL" in name):
        return "+"
    return "-" if "HORIZONTAL" in name else "|"


def _write_ascii(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(map(_ascii_for, error.object[error.start : error.end])), error.end


codecs.register_error(ASCII_ERRORS, _write_ascii)


def can_show(stream: TextIO | None, text: str) -> bool:
    """Whether `stream`'s encoding can write `text`: a closed stream nothing, one without an encoding (StringIO) all."""
    if stream is None:
        return False
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def fall_back_to_ascii() -> None:
    """Give stdout and stderr the ASCII way of writing the symbols where their encoding lacks them."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not can_show(stream, SYMBOLS) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=ASCII_ERRORS)


def app_problem() -> str | None:
    """Why the app cannot run on these streams, in words (None: it can)."""
    problem = _missing_terminal()
    if problem:
        return _shown(lambda lang: t("cli.needs_terminal", lang, problem=t(problem, lang)))
    if not can_show(sys.__stderr__, SYMBOLS):
        return _shown(lambda lang: t("cli.app_needs_utf8", lang, encoding=sys.__stderr__.encoding))
    return None


def _missing_terminal() -> str | None:
    """The catalogue key of the stream that is not a terminal: Textual reads keys from stdin and draws on stderr."""
    for name, stream in (("stdin", sys.__stdin__), ("stderr", sys.__stderr__)):
        if stream is None:
            return f"cli.{name}_closed"
        if not stream.isatty():
            return f"cli.{name}_not_a_terminal"
    return None


def chinese_problem(lang: str) -> str | None:
    """Why Chinese cannot be written to stdout or stderr here (None: it can, or the language is English)."""
    streams = (sys.stdout, sys.stderr) if lang == "zh" else ()
    lacking = next((s.encoding for s in streams if s is not None and not can_show(s, CHINESE)), None)
    if lacking is None:
        return None
    return _shown(lambda language: t("cli.chinese_needs_utf8", language, encoding=lacking))


def _shown(message: Callable[[str | None], str]) -> str:
    """`message(None)` in the student's language, or `message("en")` where stderr cannot write that language."""
    text = message(None)
    return text if sys.stderr is None or can_show(sys.stderr, text) else message("en")


def say(message: str) -> None:
    """A message on stderr, or on stdout where stderr is closed, or nowhere."""
    stream = sys.stderr if sys.stderr is not None else sys.stdout
    if stream is not None:
        print(f"tensortour: {message}", file=stream)
