"""With --lang zh no screen shows an English interface word: every lesson, at each example's first and last step.

Framework words stay (torch's and NumPy's own messages, `np.shares_memory`,
`ceil_mode=False`, ReLU, Space as a key's name); the words below are the
interface's own, each of which has a Chinese name in the catalogues.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from pilot_support import FakeVerifier

from tui.app import TensorTourApp
from tui.i18n import set_language
from tui.lessons import LESSONS

ENGLISH_UI_WORDS = (
    "step paused playing Next Prev Play Help Quit Back Edit Random custom course axis acc CE avg if "
    "blue orange Search Keys Maximize Screenshot Theme values pattern example mode window layer total "
    "ramp digit checkerboard laplacian emboss sharpen blur pulse wave mix apples twolayer rows columns "
    "numbers accuracy epoch batch"
).split()
WORD = re.compile(rf"(?<![\w.=(])({'|'.join(ENGLISH_UI_WORDS)})(?![\w=(])")

EXAMPLES = {
    "perceptron": ("g", 5),
    "activations": ("f", 5),
    "broadcast": ("n", 6),
    "matmul": ("n", 5),
    "index": ("n", 6),
    "autograd": ("p", 3),
    "conv": ("c", 8),
    "pool": ("o", 3),
    "arch": ("n", 4),
    "rnn": ("i", 3),
}
"""The key that brings the next example and how many there are; a lesson not here is seen at its first example."""


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def english_words_on_screen(lesson: str) -> list[str]:
    key, count = EXAMPLES.get(lesson, (None, 1))
    found: list[str] = []

    async def main():
        app = TensorTourApp(lang="zh", lesson=lesson)
        app.verifier = FakeVerifier()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for example in range(count):
                for where in ("home", "end"):
                    await pilot.press(where)
                    await pilot.pause()
                    # the header's subtitle is the lesson's bilingual title, on purpose
                    lines = screen_text(app).splitlines()[1:]
                    found.extend(
                        f"example {example + 1}, {where}: {match.group(1)!r} in {line.strip()!r}"
                        for line in lines
                        for match in WORD.finditer(line)
                    )
                if key:
                    await pilot.press(key)

    try:
        asyncio.run(main())
    finally:
        set_language("en")
    return found


@pytest.mark.parametrize("lesson", LESSONS)
def test_no_english_interface_word_on_a_chinese_screen(lesson):
    assert english_words_on_screen(lesson) == []


def test_the_palette_and_its_commands_speak_chinese():
    async def main():
        app = TensorTourApp(lang="zh", lesson="conv")
        app.verifier = FakeVerifier()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause(0.3)
            shown = screen_text(app)
            assert "Search for commands" not in shown and "搜索命令" in shown
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert "主题" in titles and "截图" in titles and not {"Theme", "Quit", "Keys", "Screenshot"} & set(titles)
            await pilot.press("escape")
            await pilot.pause()
            app.action_help_quit()
            await pilot.pause()
            notices = [notice.message + (notice.title or "") for notice in app._notifications]
            assert notices and all("quit" not in notice for notice in notices) and "退出" in notices[-1]

    try:
        asyncio.run(main())
    finally:
        set_language("en")
