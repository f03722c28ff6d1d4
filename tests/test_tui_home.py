"""The home screen, the command palette and help, driven with Pilot."""

from __future__ import annotations

from pilot_support import drive
from textual.command import CommandList, CommandPalette
from textual.widgets import OptionList, Static

from tui.i18n import t
from tui.screens.conv import ConvScreen
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen


def test_help_lists_the_keys_and_escape_goes_back_twice():
    async def body(app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query(Static))
        for key in (
            "next",
            "prev",
            "play",
            "pad_up",
            "stride_up",
            "dil_up",
            "ksize_up",
            "kernel",
            "edit",
            "im2col",
            "random",
        ):
            assert t(f"keys.{key}", "en") in shown
        assert "→" in shown and "Space" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, ConvScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)

    drive(body)


async def palette_search(pilot, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(30):
        options = pilot.app.screen.query_one(CommandList)
        if options.option_count:
            break
        await pilot.pause(0.1)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def test_home_lists_the_lesson_and_opens_it_with_enter_or_the_palette():
    async def body(app, pilot):
        assert isinstance(app.screen, HomeScreen)
        options = app.screen.query_one("#lessons", OptionList)
        index = options.get_option_index("conv")
        assert "Convolution 卷积" in str(options.get_option_at_index(index).prompt)
        options.highlighted = index
        await pilot.press("enter")
        assert isinstance(app.screen, ConvScreen)
        await pilot.press("escape")
        found = await palette_search(pilot, "卷积")
        assert found and "Convolution 卷积" in found[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConvScreen)

    drive(body, lesson=None)


def test_palette_finds_the_english_name_and_q_quits():
    async def body(app, pilot):
        found = await palette_search(pilot, "conv")
        assert found and "Convolution 卷积" in found[0]
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    drive(body, lesson=None)
