"""The catalogues and lesson texts: both languages complete, every key the code asks for exists."""

from __future__ import annotations

import marshal
import re
import string
import sys
import tomllib
from pathlib import Path

import pytest

from engine.errors import SpecError
from tui import i18n
from tui.i18n import ASSETS, LANGUAGES, catalogue, detect_language, error_text, set_language
from tui.lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent


def _file_keys(path: Path) -> set[str]:
    def walk(tree: dict, prefix: str = "") -> set[str]:
        keys: set[str] = set()
        for key, value in tree.items():
            keys |= walk(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}"}
        return keys

    with open(path, "rb") as handle:
        return walk(tomllib.load(handle))


@pytest.mark.parametrize("name", sorted(p.name for p in (ASSETS / "i18n" / "en").glob("*.toml")))
def test_each_catalogue_file_has_the_same_keys_in_both_languages(name):
    assert _file_keys(ASSETS / "i18n" / "en" / name) == _file_keys(ASSETS / "i18n" / "zh" / name)


def test_both_languages_have_the_same_files():
    assert {p.name for p in (ASSETS / "i18n" / "en").glob("*.toml")} == {
        p.name for p in (ASSETS / "i18n" / "zh").glob("*.toml")
    }


def test_placeholders_match_between_languages():
    fields = lambda text: {name for _, name, _, _ in string.Formatter().parse(text) if name}  # noqa: E731
    english, chinese = catalogue("en"), catalogue("zh")
    mismatched = {key for key in english if fields(english[key]) != fields(chinese[key])}
    assert not mismatched


def test_every_key_the_code_asks_for_exists():
    """Literal keys in t("section.key") calls and in Binding descriptions ("keys.…")."""
    calls = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_0-9.]+)["']""")
    descriptions = re.compile(r"""["'](keys\.[a-z_0-9]+)["']""")
    english = catalogue("en")
    sources = [path.read_text() for path in (ROOT / "tui").rglob("*.py")]
    used = {key for text in sources for pattern in (calls, descriptions) for key in pattern.findall(text)}
    assert used, "the pattern found no keys: it is broken"
    assert sorted(used - english.keys()) == []


@pytest.mark.parametrize("lesson", LESSONS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_listed_lesson_has_its_text_and_title(lesson, lang):
    text = (ASSETS / "lessons" / lang / f"{lesson}.md").read_text(encoding="utf-8")
    assert text.startswith("# ") and len(text.splitlines()) > 20
    assert catalogue(lang)[f"lesson.{lesson}.title"]


def test_the_home_screen_lists_the_course_in_order():
    """The course's order: the theory first (perceptron … rnn), live training last."""
    assert LESSONS[0] == "perceptron" and LESSONS[-1] == "train"
    assert LESSONS.index("autograd") < LESSONS.index("conv") < LESSONS.index("pool") < LESSONS.index("rnn")


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "", "LANG": "zh_CN"}, "zh"),
    ],
)
def test_language_comes_from_the_locale(environ, expected):
    assert detect_language(environ) == expected


def test_the_merged_catalogue_is_cached_while_its_files_are_unchanged(tmp_path, monkeypatch):
    """Start-up reads the cache instead of parsing TOML; a file changed since is parsed again."""
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    parsed = i18n.catalogue.__wrapped__("en")
    cache_file = i18n._cache_file(i18n.ASSETS / "i18n" / "en")
    assert cache_file.is_file() and cache_file.is_relative_to(tmp_path)
    stamp, cached = marshal.loads(cache_file.read_bytes())
    assert cached == parsed

    cache_file.write_bytes(marshal.dumps((stamp, {"app.title": "from the cache"})))
    assert i18n.catalogue.__wrapped__("en") == {"app.title": "from the cache"}

    stale = [(name, mtime - 1, size) for name, mtime, size in stamp]
    cache_file.write_bytes(marshal.dumps((stale, {"app.title": "stale"})))
    assert i18n.catalogue.__wrapped__("en") == parsed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_quoted_control_character_is_shown_as_its_escape(lang):
    """Typed text or a file's bytes, quoted raw, would move the cursor or recolour the terminal."""
    set_language(lang)
    try:
        said = error_text(SpecError("index_bad_character", column=1, char="\x1b"))
    finally:
        set_language("en")
    assert "\\x1b" in said and "\x1b" not in said
