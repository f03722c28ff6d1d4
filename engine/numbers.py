"""How numbers are written on screen: short, exact for integers, 4 significant digits otherwise."""

from __future__ import annotations


def fmt(value: float) -> str:
    """Integers without a decimal point, other values to 4 significant digits."""
    if value == 0:
        return "0"
    if float(value).is_integer() and abs(value) < 1e7:
        return str(int(value))
    text = f"{value:.4g}"
    return text.replace("e+0", "e").replace("e-0", "e-")


def fmt_factor(value: float) -> str:
    """A number as a factor in a product: negatives in parentheses, `2×(-1)`."""
    text = fmt(value)
    return f"({text})" if value < 0 else text
