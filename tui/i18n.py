"""One catalogue of UI words per language, and the active one.

The catalogue of a language is every assets/i18n/<lang>/*.toml merged: app.toml
for shared words, one file per lesson, so lessons can be added side by side.
"""

from __future__ import annotations

import marshal
import math
import os
import string
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from engine.errors import SpecError

ASSETS = Path(__file__).resolve().parent.parent / "assets"
LANGUAGES = ("en", "zh")

_active = "en"


def detect_language(environ: Mapping[str, str] = os.environ) -> str:
    """`zh*` in LC_ALL, LC_MESSAGES or LANG (first one set wins) picks Chinese."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str) -> None:
    global _active
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _active = lang


def language() -> str:
    return _active


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flat `section.key → text` mapping of one language; a key defined twice is an error.

    Parsing the TOML files costs ~6 ms a language at every start, so the merged
    mapping is cached like byte code (see _cache_file) and used while every file
    keeps its name, size and modification time.
    """
    folder = ASSETS / "i18n" / lang
    with os.scandir(folder) as entries:
        files = sorted((entry.name, entry.stat()) for entry in entries if entry.name.endswith(".toml"))
    stamp = [(name, stat.st_mtime_ns, stat.st_size) for name, stat in files]
    cache_file = _cache_file(folder)
    try:
        cached_stamp, cached = marshal.loads(cache_file.read_bytes())
        if cached_stamp == stamp:
            return cached
    except (OSError, ValueError, EOFError, TypeError):
        pass
    import tomllib  # only when the cache is missing or stale

    merged: dict[str, str] = {}
    for name, _ in files:
        path = folder / name
        with open(path, "rb") as handle:
            entries = _flatten(tomllib.load(handle))
        clash = merged.keys() & entries.keys()
        if clash:
            raise ValueError(f"{path}: keys already defined in another file: {sorted(clash)}")
        merged.update(entries)
    _write_cache(cache_file, (stamp, merged))
    return merged


def _cache_file(folder: Path) -> Path:
    """Where Python would put byte code for a module in `folder`: __pycache__, or under PYTHONPYCACHEPREFIX."""
    name = f"catalogue.{sys.implementation.cache_tag}.marshal"
    if sys.pycache_prefix:
        absolute = folder.resolve()
        return Path(sys.pycache_prefix, *absolute.parts[1:], name)
    return folder / "__pycache__" / name


def _write_cache(cache_file: Path, content: object) -> None:
    """Write atomically, and not at all where byte code is not written (PYTHONDONTWRITEBYTECODE, read-only installs)."""
    if sys.dont_write_bytecode:
        return
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        partial = cache_file.with_name(f"{cache_file.name}.{os.getpid()}")
        partial.write_bytes(marshal.dumps(content))
        os.replace(partial, cache_file)
    except OSError:
        pass


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The text for `key` in the active language, with `{params}` filled in.

    `{got:@numbers}` writes a count with its noun, `1 number` / `3 numbers`
    (`counted`): English needs the singular, which a bare `{got} numbers` gets wrong.
    """
    text = catalogue(lang or _active).get(key) or catalogue("en").get(key, key)
    if not params:
        return text
    return _CountingFormatter(lang).vformat(text, (), params) if ":@" in text else text.format(**params)


def counted(noun: str, count: int, lang: str | None = None) -> str:
    """`count` with its noun from the catalogues' [count] section: `<noun>_one` for 1 (English), `<noun>` else."""
    return t(f"count.{noun}_one" if count == 1 else f"count.{noun}", lang, count=f"{count:,}")


class _CountingFormatter(string.Formatter):
    def __init__(self, lang: str | None) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec.startswith("@"):
            return counted(format_spec[1:], int(value), self.lang)
        return super().format_field(value, format_spec)


def display_name(name: str) -> str:
    """A name engine gives (a preset, a class) as the student reads it: 斜坡 for `ramp` in Chinese.

    The catalogues' [names] section; a name missing there is shown as it is. Flags keep the ids.
    """
    key = f"names.{name}"
    return t(key) if key in catalogue("en") else name


def lesson_title(lesson: str) -> str:
    """Both languages at once, "Convolution 卷积", so a search in either finds it."""
    return f"{t(f'lesson.{lesson}.title', 'en')} {t(f'lesson.{lesson}.title', 'zh')}"


def error_text(error: SpecError) -> str:
    """A SpecError in the student's language, followed by PyTorch's own words where it has them.

    Text the student typed or a file held is quoted with its control characters
    escaped (`\\x08`, `\\x1b`): shown raw they would move the cursor or recolour
    the terminal instead of saying what was wrong. A long quote (a 100 000-character
    paste, a 4 000-digit number) keeps its start and end around a mark saying how much
    was cut, so the message still fits beside the work.
    """
    params = {key: _quoted(value) for key, value in error.params.items()}
    if "what" in params:
        params["what"] = (
            t(f"words.{params['what']}") if f"words.{params['what']}" in catalogue("en") else params["what"]
        )
    message = t(f"error.{error.code}", **params)
    if error.torch_message:
        message += " " + t("error.torch_says", message=visible(error.torch_message, TORCH_QUOTE_LIMIT))
    return message


QUOTE_LIMIT = 120  # characters of one quoted value: most paths and rows of numbers fit whole, a paste does not
TORCH_QUOTE_LIMIT = 400  # PyTorch's own words: a shape message is long, a quoted pickle need not be


def _quoted(value: object) -> object:
    """A message parameter as it may be shown: text escaped and shortened, an int of thousands of digits shortened."""
    if isinstance(value, str):
        return visible(value, QUOTE_LIMIT)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**QUOTE_LIMIT:
        try:
            return visible(str(value), QUOTE_LIMIT)
        except ValueError:  # past int's 4300-digit str() limit: a number computed from a typed one
            return f"{'-' if value < 0 else ''}~10**{int(value.bit_length() * math.log10(2))}"
    return value


def visible(text: str, limit: int | None = None) -> str:
    """`text` with each control character written as its escape, so it shows as what it is.

    Past `limit` characters only the start and the end are kept, around a mark
    that says how many were cut.
    """
    if limit is not None and len(text) > limit:
        end = limit * 2 // 5  # a path's end names the file
        start = limit - end
        cut = t("error.cut", n=f"{len(text) - start - end:,}")
        return f"{visible(text[:start])}{cut}{visible(text[-end:])}"
    return "".join(
        char if char.isprintable() or char in " \n" else char.encode("unicode_escape").decode() for char in text
    )


def lesson_text(lesson: str, lang: str | None = None) -> str:
    path = ASSETS / "lessons" / (lang or _active) / f"{lesson}.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        return f"*{path}: {error.strerror}*"
