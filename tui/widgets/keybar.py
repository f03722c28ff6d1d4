"""The keys of the current screen as one line of text, each clickable.

Textual's Footer mounts a widget per key, which costs ~70 ms before a lesson's
first frame; one Static does the same job, redrawn when the screen says its
bindings changed (a lesson page whose check_action hides other keys) and when
the terminal's width changes. Where the keys do not fit, the last ones go
first; `q` and `?` always stay, and `?` then reads "more" (help lists them all).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import Static

from tui.i18n import t

ALWAYS = ("quit", "help")


class KeyBar(Static):
    COMPONENT_CLASSES = {"keybar--key"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        link-style: none;
        link-color: $footer-description-foreground;
        link-background: $footer-background;
        link-style-hover: reverse;
        & > .keybar--key { color: $footer-key-foreground; text-style: bold; }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.draw())
        self.draw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        self.draw()

    def draw(self) -> None:
        key_style = self.get_component_rich_style("keybar--key")
        line = Text(no_wrap=True)
        for namespace, binding, description in self.fitted(self.size.width or self.app.size.width):
            click = Style(meta={"@click": f"{namespace}.{binding.action}"})
            line.append(f" {self.app.get_key_display(binding)} ", key_style + click)
            line.append(f"{description} ", click)
        self.update(line)

    def descriptions(self) -> list[str]:
        return [description for _, _, description in self.fitted(self.size.width or self.app.size.width)]

    def fitted(self, width: int) -> list[tuple[str, Binding, str]]:
        """The keys that fit in `width` cells: the screen's in order, then q and ?; the last of the others go first."""
        shown = list(self._shown())
        others = [item for item in shown if item[1].action not in ALWAYS]
        kept = [item for item in shown if item[1].action in ALWAYS]
        kept.sort(key=lambda item: ALWAYS.index(item[1].action))
        dropped = False
        while others and self._width(others + kept) > width:
            others.pop()
            dropped = True
        if dropped:
            kept = [(n, b, t("keys.more") if b.action == "help" else d) for n, b, d in kept]
        return others + kept

    def _width(self, items: list[tuple[str, Binding, str]]) -> int:
        return sum(
            cell_len(f" {self.app.get_key_display(binding)} {description} ") for _, binding, description in items
        )

    def _shown(self):
        """(namespace, binding, description) for each shown action once, screen's keys first, as Footer orders them."""
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.show and binding.description and binding.action not in seen:
                seen.add(binding.action)
                yield (
                    ("app" if active.node is self.app else "screen"),
                    binding,
                    binding.description,
                )
