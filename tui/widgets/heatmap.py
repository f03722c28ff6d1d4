"""Half-block pictures drawn with the Line API: two pixels a terminal row (▀, top pixel as fg, bottom as bg).

Decision boundaries, test images and filters all become a Picture: an RGB pixel
array with characters (the test points, captions) written over some cells. The
widget is handed a function of its size that draws the Picture, so it redraws
itself when the pane is resized. Without colour (NO_COLOR) each painted cell
shows a shade character instead, and the glyphs (● ○ ✓ ✗) still read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

RGB = tuple[int, int, int]
CLASS_COLORS: tuple[RGB, ...] = (
    (8, 119, 189),
    (245, 147, 34),
    (46, 160, 67),
    (200, 60, 150),
    (150, 110, 220),
    (190, 190, 40),
)
POINT_GLYPHS = ("●", "○", "▲", "△", "■", "□")
MONO_SHADES = (" ", "░", "▒", "▓", "█")
NEUTRAL: RGB = (48, 48, 48)


@dataclass(frozen=True)
class Mark:
    """A character written over a cell (a point, a caption letter); colour None keeps the terminal's own."""

    text: str
    color: RGB | None = None
    bold: bool = False


@dataclass(eq=False)
class Picture:
    """`pixels` (2·rows, cols, 3) uint8, `painted` where a pixel is set, marks by (row, col), shades for NO_COLOR."""

    rows: int
    cols: int
    pixels: np.ndarray = field(init=False)
    painted: np.ndarray = field(init=False)
    shades: np.ndarray = field(init=False)
    marks: dict[tuple[int, int], Mark] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pixels = np.zeros((2 * self.rows, self.cols, 3), np.uint8)
        self.painted = np.zeros((2 * self.rows, self.cols), bool)
        self.shades = np.full((self.rows, self.cols), " ", dtype="<U1")

    def paint(self, top: int, left: int, image: np.ndarray, shades: np.ndarray | None = None) -> None:
        """Put an (h, w, 3) uint8 image with its top-left pixel at (top, left), clipped; top must be even."""
        height = max(0, min(image.shape[0], 2 * self.rows - top))
        width = max(0, min(image.shape[1], self.cols - left))
        self.pixels[top : top + height, left : left + width] = image[:height, :width]
        self.painted[top : top + height, left : left + width] = True
        if shades is None:
            shades = luminance_shades(image)
        cells = shades[: (height + 1) // 2, :width]
        self.shades[top // 2 : top // 2 + cells.shape[0], left : left + width] = cells

    def write(
        self,
        row: int,
        col: int,
        text: str,
        color: RGB | None = None,
        bold: bool = False,
    ) -> None:
        """Text over cells from (row, col), clipped at the right edge; a wide character takes two cells."""
        for char in text:
            width = cell_len(char)
            if not 0 <= row < self.rows or col + width > self.cols:
                return
            self.marks[(row, col)] = Mark(char, color, bold)
            if width == 2:
                self.marks[(row, col + 1)] = Mark("", color, bold)
            col += width


def luminance_shades(image: np.ndarray) -> np.ndarray:
    """(h, w, 3) → (⌈h/2⌉, w) shade characters: the brightness of each cell's two pixels, for NO_COLOR."""
    light = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32) / 255
    if light.shape[0] % 2:
        light = np.vstack([light, light[-1:]])
    cells = (light[0::2] + light[1::2]) / 2
    levels = np.clip((cells * len(MONO_SHADES)).astype(int), 0, len(MONO_SHADES) - 1)
    return np.array(MONO_SHADES)[levels]


def fit(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Nearest-neighbour resample of the first two axes to (height, width): cheap and keeps sharp pixels."""
    rows = (np.arange(height) * image.shape[0] // max(height, 1)).clip(0, image.shape[0] - 1)
    cols = (np.arange(width) * image.shape[1] // max(width, 1)).clip(0, image.shape[1] - 1)
    return image[rows][:, cols]


def grey(values: np.ndarray) -> np.ndarray:
    """0..1 → grey RGB."""
    level = (np.clip(values, 0, 1) * 255).astype(np.uint8)
    return np.stack([level] * 3, axis=-1)


def diverging(values: np.ndarray) -> np.ndarray:
    """−1..1 → blue (negative) through dark grey (0) to red (positive): a filter's sign shows in its colour."""
    v = np.clip(values, -1, 1)[..., None]
    negative, zero, positive = (
        np.array([70, 130, 255.0]),
        np.array(NEUTRAL, float),
        np.array([255, 80, 60.0]),
    )
    mixed = np.where(v < 0, zero + (negative - zero) * -v, zero + (positive - zero) * v)
    return mixed.astype(np.uint8)


def class_color(label: int) -> RGB:
    return CLASS_COLORS[label % len(CLASS_COLORS)]


def boundary_picture(
    rows: int,
    cols: int,
    label: Sequence[Sequence[int]],
    confidence: Sequence[Sequence[float]],
    classes: int,
    points: Sequence[Sequence[float]],
    extent: Sequence[float],
) -> Picture:
    """The predicted class over the plane, paler where the model is unsure, with the test points as glyphs on it.

    Square in data units: a half-block pixel is about as wide as it is tall.
    """
    side = max(1, min(cols, 2 * rows))
    picture = Picture(rows, cols)
    labels = np.asarray(label, dtype=np.int64)
    certainty = np.clip(
        (np.asarray(confidence, dtype=np.float32) - 1 / classes) / (1 - 1 / classes),
        0,
        1,
    )
    colors = np.array([class_color(c) for c in range(max(classes, 1))], np.float32)
    rgb = np.array(NEUTRAL, np.float32) + (colors[labels % len(colors)] - np.array(NEUTRAL, np.float32)) * (
        0.35 + 0.65 * certainty[..., None]
    )
    shades = np.array(MONO_SHADES)[labels % len(MONO_SHADES)]
    image, cell_shades = (
        fit(rgb.astype(np.uint8), side, side),
        fit(shades, (side + 1) // 2, side),
    )
    picture.paint(0, 0, image, cell_shades)
    x0, x1, y0, y1 = extent
    for x, y, point_label in points:
        col = int((x - x0) / (x1 - x0) * side) if x1 > x0 else 0
        row = int((y1 - y) / (y1 - y0) * side) // 2 if y1 > y0 else 0
        if 0 <= col < side and 0 <= row < (side + 1) // 2:
            picture.write(
                row,
                col,
                POINT_GLYPHS[int(point_label) % len(POINT_GLYPHS)],
                _lighter(class_color(int(point_label))),
                bold=True,
            )
    return picture


def gallery(
    rows: int,
    cols: int,
    images: Sequence[np.ndarray],
    captions: Sequence[tuple[str, RGB | None]],
) -> Picture:
    """Tiles of (h, w, 3) uint8 images in a grid, each with a caption line under it, as many as fit."""
    picture = Picture(rows, cols)
    if not images:
        return picture
    height, width = images[0].shape[:2]
    caption_width = max((cell_len(text) for text, _ in captions), default=0)
    best = None
    for per_row in range(1, len(images) + 1):
        lines = -(-len(images) // per_row)
        tile_w = cols // per_row - 1
        tile_rows = rows // lines - 1
        scale = min(tile_w / width, 2 * tile_rows / height)
        if scale > 0 and (best is None or scale > best[0]):
            best = (scale, per_row)
    if best is None:
        return picture
    scale, per_row = best
    scale = float(int(scale)) if scale >= 1 else scale  # whole-pixel enlargement keeps every pixel the same size
    tile_h = max(2, int(height * scale) // 2 * 2)
    tile_w = max(1, int(width * scale))
    slot_w = max(tile_w, min(caption_width, cols // per_row - 1)) + 1
    for index, (image, (text, color)) in enumerate(zip(images, captions)):
        row, col = divmod(index, per_row)
        top, left = row * (tile_h // 2 + 1), col * slot_w
        if top + tile_h // 2 >= rows:
            break
        picture.paint(2 * top, left, fit(image, tile_h, tile_w))
        picture.write(top + tile_h // 2, left, text[: slot_w - 1], color)
    return picture


def _lighter(color: RGB) -> RGB:
    return tuple(min(255, int(c * 0.5 + 255 * 0.5)) for c in color)  # type: ignore[return-value]


Draw = Callable[[int, int], Picture]


class HalfBlocks(Widget, can_focus=False):
    """Shows what `draw(rows, cols)` returns, drawn again at the new size when the pane is resized.

    Each line's Strip is built once per picture: the pane repaints whenever a
    neighbour changes, and building a line of styled cells costs far more than reusing it.
    """

    DEFAULT_CSS = "HalfBlocks { width: 1fr; height: 1fr; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._draw: Draw | None = None
        self._picture: Picture | None = None
        self._lines: dict[int, Strip] = {}
        self._styles: dict[tuple, Style] = {}

    @property
    def picture(self) -> Picture | None:
        return self._picture

    def show(self, draw: Draw | None) -> None:
        self._draw = draw
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def notify_style_update(self) -> None:
        self._styles.clear()
        self._lines.clear()
        super().notify_style_update()

    def _redraw(self) -> None:
        width, height = self.size
        self._picture = self._draw(height, width) if self._draw and width and height else None
        self._lines.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        strip = self._lines.get(y)
        if strip is None:
            strip = self._lines[y] = self._build_line(y)
        return strip

    def _build_line(self, y: int) -> Strip:
        picture, base = self._picture, self._style(None, None)
        if picture is None or y >= picture.rows:
            return Strip.blank(self.size.width, base)
        mono = self.app.no_color
        segments = []
        top_row, bottom_row = (
            picture.pixels[2 * y].tolist(),
            picture.pixels[2 * y + 1].tolist(),
        )
        top_set, bottom_set = (
            picture.painted[2 * y].tolist(),
            picture.painted[2 * y + 1].tolist(),
        )
        for col in range(picture.cols):
            mark = picture.marks.get((y, col))
            top = tuple(top_row[col]) if top_set[col] else None
            bottom = tuple(bottom_row[col]) if bottom_set[col] else None
            if mark is not None:
                if mark.text:
                    back = None if mono else _mean(top, bottom)
                    segments.append(
                        Segment(
                            mark.text,
                            self._style(None if mono else mark.color, back, mark.bold),
                        )
                    )
            elif mono:
                segments.append(Segment(picture.shades[y, col] if top or bottom else " ", base))
            elif top is not None:
                segments.append(Segment("▀", self._style(top, bottom)))
            elif bottom is not None:
                segments.append(Segment("▄", self._style(bottom, None)))
            else:
                segments.append(Segment(" ", base))
        return Strip(segments, picture.cols).crop_extend(0, self.size.width, base)

    def _style(self, color: RGB | None, background: RGB | None, bold: bool = False) -> Style:
        """The widget's own style with these colours on top, looked up once (rich_style walks the DOM)."""
        key = (color, background, bold)
        style = self._styles.get(key)
        if style is None:
            if len(self._styles) > 4096:
                self._styles.clear()
            extra = Style(
                color=Color.from_rgb(*color) if color else None,
                bgcolor=Color.from_rgb(*background) if background else None,
                bold=bold or None,
            )
            base = self._styles.get((None, None, False)) or self.rich_style
            style = self._styles[key] = base + extra
        return style


def _mean(top: RGB | None, bottom: RGB | None) -> RGB | None:
    if top is None or bottom is None:
        return top or bottom
    return tuple((a + b) // 2 for a, b in zip(top, bottom))  # type: ignore[return-value]
