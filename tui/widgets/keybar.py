"""The keys of the current screen as one line of text, each clickable.

Textual's Footer mounts a widget per key, which costs ~70 ms before a lesson's
first frame; one Static does the same job, redrawn when the screen says its
bindings changed (a lesson page whose check_action hides other keys).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    COMPONENT_CLASSES = {"keybar--key"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
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

    def draw(self) -> None:
        key_style = self.get_component_rich_style("keybar--key")
        line = Text(no_wrap=True, overflow="ellipsis")
        for node, binding in self._shown():
            click = Style(meta={"@click": f"{'app' if node is self.app else 'screen'}.{binding.action}"})
            line.append(f" {self.app.get_key_display(binding)} ", key_style + click)
            line.append(f"{binding.description} ", click)
        self.update(line)

    def descriptions(self) -> list[str]:
        return [binding.description for _, binding in self._shown()]

    def _shown(self):
        """(namespace, binding) for each shown action once, screen's keys first, as Footer orders them."""
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.show and binding.description and binding.action not in seen:
                seen.add(binding.action)
                yield active.node, binding
