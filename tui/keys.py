"""Bindings whose descriptions are catalogue keys, translated when a screen is made."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from tui.i18n import t


def translate_bindings(node: DOMNode) -> None:
    """Replace `keys.*` descriptions with the active language's words.

    Textual reads descriptions from the node's BindingsMap, which each node copies
    from its class at construction; swapping that copy lets one class serve both
    languages in the same process (the tests run both).
    """
    node._bindings = BindingsMap.from_keys(
        {
            key: [_translated(binding) for binding in bindings]
            for key, bindings in node._bindings.key_to_bindings.items()
        }
    )


def help_bindings(*nodes: DOMNode) -> list[Binding]:
    """The nodes' bindings as declared (one row per action, keys joined), base classes first, translated.

    A key is listed once, with the binding it runs: a subclass's over its base's,
    an earlier node's (the screen's `q`) over a later one's (the app's).
    """
    claimed: set[str] = set()
    rows = []
    for node in nodes:
        classes = [cls for cls in type(node).__mro__ if "BINDINGS" in cls.__dict__]
        running = set()
        for cls in classes:  # most derived first: its bindings win
            for binding in cls.__dict__["BINDINGS"]:
                keys = {key.strip() for key in binding.key.split(",")}
                if not keys & claimed:
                    running.add(id(binding))
                claimed |= keys
        rows += [
            _translated(binding)
            for cls in reversed(classes)
            for binding in cls.__dict__["BINDINGS"]
            if id(binding) in running and binding.description.startswith("keys.")
        ]
    return rows


def _translated(binding: Binding) -> Binding:
    if binding.description.startswith("keys."):
        return replace(binding, description=t(binding.description))
    return binding


def key_label(binding: Binding) -> str:
    """`→ / l` style label for the help screen, from the binding's key list."""
    return " / ".join(_pretty(key) for key in binding.key.split(","))


_PRETTY = {
    "right": "→",
    "left": "←",
    "up": "↑",
    "down": "↓",
    "space": "Space",
    "plus": "+",
    "minus": "−",
    "equals_sign": "=",
    "home": "Home",
    "end": "End",
    "escape": "Esc",
    "question_mark": "?",
    "f1": "F1",
    "enter": "Enter",
    "ctrl+p": "Ctrl+P",
    "ctrl+s": "Ctrl+S",
    "ctrl+e": "Ctrl+E",
    "f2": "F2",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
}


def _pretty(key: str) -> str:
    return _PRETTY.get(key.strip(), key.strip())
