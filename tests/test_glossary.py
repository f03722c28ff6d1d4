"""One glossary (assets/i18n/glossary.toml) that every Chinese catalogue and lesson text follows.

The files are found, not listed: a lesson added later is checked by the same test.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui.i18n import ASSETS

GLOSSARY = ASSETS / "i18n" / "glossary.toml"
TERMS = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["term"]
CHINESE_TEXTS = sorted([*(ASSETS / "i18n" / "zh").glob("*.toml"), *(ASSETS / "lessons" / "zh").glob("*.md")])


def variants_in(text: str) -> list[str]:
    """Each variant in `text` outside an allowed phrase, with the word the glossary wants instead."""
    found = []
    for term in TERMS:
        cleaned = text
        for phrase in term.get("allow", []):
            cleaned = cleaned.replace(phrase, "")
        found += [f"{variant} → {term['zh']}" for variant in term.get("variants", []) if variant in cleaned]
    return found


def test_the_glossary_is_well_formed_and_not_a_catalogue():
    assert GLOSSARY.parent == ASSETS / "i18n"  # the catalogue loader reads only assets/i18n/<lang>/*.toml
    for term in TERMS:
        assert term["en"] and term["zh"] and term["zh"] not in term.get("variants", []), term
    assert {"识别精度", "正向传播", "独热", "课文", "感知机", "误差反向传播法"} <= {term["zh"] for term in TERMS}


@pytest.mark.parametrize("path", CHINESE_TEXTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_chinese_texts_use_the_glossarys_words(path: Path):
    assert variants_in(path.read_text(encoding="utf-8")) == []


def test_a_variant_is_flagged_and_an_allowed_gloss_is_not():
    assert variants_in("测试准确率 0.9") == ["准确率 → 识别精度"]
    assert variants_in("t 是独热（one-hot）表示") == []
    assert variants_in("t 是 one-hot 表示") == ["one-hot → 独热"]
    assert variants_in("按 t 隐藏讲义") == ["讲义 → 课文"] and variants_in("正如课程讲义所说") == []


@pytest.mark.parametrize("path", sorted((ASSETS / "course").glob("*.toml")), ids=lambda path: f"course/{path.stem}")
def test_the_course_tours_chinese_uses_the_glossarys_words(path: Path):
    """The tours' Chinese paragraphs (their English may name a term the glossary lists as a variant, like one-hot)."""
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [variants_in(stop["zh"]) for stop in document["stop"]] == [[] for _ in document["stop"]]
