"""Errors a student can cause by typing, with a code the UI translates."""

from __future__ import annotations


class SpecError(ValueError):
    """A lesson setting that cannot be computed.

    `code` picks the sentence from the UI's catalogue (assets/i18n); `params`
    fill it in. `torch_message` is PyTorch's own wording for the same mistake,
    quoted to the student verbatim where PyTorch has one.
    """

    def __init__(self, code: str, torch_message: str | None = None, **params: object) -> None:
        self.code = code
        self.params = params
        self.torch_message = torch_message
        detail = ", ".join(f"{k}={_short_repr(v)}" for k, v in params.items())
        super().__init__(f"{code}({detail})" + (f": {torch_message}" if torch_message else ""))


def _short_repr(value: object) -> str:
    """repr(), but an int past str()'s 4300 digits (computed from a typed one) by its size."""
    try:
        return repr(value)
    except ValueError:
        return f"<int of {value.bit_length()} bits>"
