"""`?` lists every key once, as the screen runs it, with keys named as on the keyboard (PgUp, not pageup)."""

from __future__ import annotations

from pilot_support import drive

from tui.screens.help import HelpScreen


def help_rows(app) -> list[str]:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return str(screen.query(".help-keys").first().render()).splitlines()


def test_a_lesson_help_lists_each_key_once_with_its_keyboard_name():
    async def body(app, pilot):
        await pilot.press("question_mark")
        rows = help_rows(app)
        keys = [row.strip().split("  ")[0] for row in rows]
        assert keys.count("Ctrl+P") == 1 and keys.count("q") == 1
        assert "PgUp" in keys and "PgDn" in keys and "pageup" not in keys

    drive(body, lesson="pool")


def test_the_training_help_lists_the_forms_keys_and_q_once():
    async def body(app, pilot):
        await pilot.press("question_mark")
        rows = help_rows(app)
        keys = [row.strip().split("  ")[0] for row in rows]
        assert keys.count("q") == 1 and keys.count("Ctrl+P") == 1
        assert "Tab / Shift+Tab" in keys and "Enter" in keys
        assert any("start the run" in row for row in rows)

    drive(body, lesson="train")
