"""The array indexing lesson's own small grammar: `a[...]` read by a tokenizer and a recursive descent, never eval.

    expression := 'a' '[' item (',' item)* [','] ']'
    item       := slice | int | list | '...' | 'None' | mask
    slice      := [int] ':' [int] [':' [int]]
    list       := '[' [(int | list) (',' (int | list))* [',']] ']'
    mask       := comparison | either
    either     := both ('|' both)*          (Python: & binds tighter than |)
    both       := atom ('&' atom)*
    atom       := '~' atom | '(' (comparison | either) ')'
    comparison := 'a' ['%' int] ('>' | '>=' | '<' | '<=' | '==' | '!=') int

Every accepted text means the same in Python, so tests can hand it to numpy.
Anything else raises SpecError naming the column (1-based) and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import EllipsisType
from typing import Union

from engine.errors import SpecError

MAX_LENGTH = 160
MAX_DIGITS = 9
COMPARISONS = (">=", "<=", "==", "!=", ">", "<")

_TOKEN = re.compile(r"[ \t]*(?:(?P<number>\d+)|(?P<name>[A-Za-z_]\w*)|(?P<op>\.\.\.|>=|<=|==|!=|[][(),:~&|%<>-]))")


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op" or "end"
    text: str
    column: int


@dataclass(frozen=True)
class Slice:
    start: int | None
    stop: int | None
    step: int | None

    @property
    def text(self) -> str:
        parts = ["" if v is None else str(v) for v in (self.start, self.stop)]
        return ":".join(parts) + ("" if self.step is None else f":{self.step}")


@dataclass(frozen=True)
class IntList:
    """A (possibly nested, possibly ragged) list of ints, as typed."""

    values: tuple

    @property
    def text(self) -> str:
        return _list_text(self.values)


@dataclass(frozen=True)
class Compare:
    op: str
    value: int
    modulus: int | None = None

    @property
    def text(self) -> str:
        operand = "a" if self.modulus is None else f"a % {self.modulus}"
        return f"{operand} {self.op} {self.value}"


@dataclass(frozen=True)
class Invert:
    operand: Mask

    @property
    def text(self) -> str:
        return "~" + _atom_text(self.operand)


@dataclass(frozen=True)
class Combine:
    op: str  # "&" or "|"
    left: Mask
    right: Mask

    @property
    def text(self) -> str:
        """Parentheses only where the tree needs them: `&` binds tighter than `|`, both group to the left."""
        left_bare = isinstance(self.left, Combine) and (self.op == "|" or self.left.op == "&")
        right_bare = self.op == "|" and isinstance(self.right, Combine) and self.right.op == "&"
        left = self.left.text if left_bare else _atom_text(self.left)
        right = self.right.text if right_bare else _atom_text(self.right)
        return f"{left} {self.op} {right}"


Mask = Union[Compare, Invert, Combine]
Item = Union[int, Slice, IntList, EllipsisType, None, Compare, Invert, Combine]


def _atom_text(node: Mask) -> str:
    return node.text if isinstance(node, Invert) else f"({node.text})"


def _list_text(values: tuple) -> str:
    return "[" + ", ".join(_list_text(v) if isinstance(v, tuple) else str(v) for v in values) + "]"


def item_text(item: Item) -> str:
    """The canonical spelling of one subscript item."""
    if item is None:
        return "None"
    if item is Ellipsis:
        return "..."
    return str(item) if isinstance(item, int) else item.text


@dataclass(frozen=True)
class Subscript:
    """`a[item, item, …]`: the items in order; a single item is still a tuple of one."""

    items: tuple

    @property
    def text(self) -> str:
        return "a[" + ", ".join(item_text(item) for item in self.items) + "]"


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise SpecError("index_too_long", length=len(text), limit=MAX_LENGTH)
    tokens, position = [], 0
    while True:
        match = _TOKEN.match(text, position)
        if match is None:
            rest = text[position:].lstrip(" \t")
            if not rest:
                break
            column = len(text) - len(rest) + 1
            raise SpecError("index_bad_character", column=column, char=rest[0])
        kind = match.lastgroup
        column = match.start(kind) + 1
        token = match.group(kind)
        if kind == "number" and (len(token) > MAX_DIGITS or (token[0] == "0" and len(token) > 1)):
            raise SpecError("index_bad_number", column=column, token=token, digits=MAX_DIGITS)
        tokens.append(Token(kind, token, column))
        position = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.at = 0

    @property
    def next(self) -> Token:
        return self.tokens[self.at]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.at + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def accept(self, text: str) -> bool:
        if self.next.text == text and self.next.kind != "end":
            self.at += 1
            return True
        return False

    def fail(self, expected: str) -> SpecError:
        """`expected` is a word in the catalogue (words.index_*), so the message is translated."""
        token = self.next
        if token.kind == "end":
            return SpecError("index_expected_end", what=f"index_{expected}", column=token.column)
        return SpecError(
            "index_expected",
            what=f"index_{expected}",
            column=token.column,
            found=token.text,
        )

    def expect(self, text: str, expected: str) -> Token:
        if self.next.text != text or self.next.kind == "end":
            raise self.fail(expected)
        return self.take()

    def expression(self) -> Subscript:
        if self.next.text != "a":
            raise self.fail("name")
        self.take()
        self.expect("[", "open_bracket")
        items = [self.item()]
        while self.accept(","):
            if self.next.text == "]":
                break
            items.append(self.item())
        if self.next.text in ("&", "|") and isinstance(items[-1], Compare):
            raise SpecError("index_needs_parens", column=self.next.column, op=self.next.text)
        self.expect("]", "close_or_comma")
        if self.next.kind != "end":
            raise self.fail("end")
        return Subscript(tuple(items))

    def item(self) -> Item:
        token = self.next
        if token.text == "...":
            self.take()
            return Ellipsis
        if token.text == "None" and token.kind == "name":
            self.take()
            return None
        if token.text == "[":
            return self.int_list()
        if token.text in ("a", "(", "~"):
            return self.mask()
        if token.text == ":" or self._starts_int():
            start = self.int_value() if token.text != ":" else None
            if self.next.text != ":":
                return start
            return self.slice_rest(start)
        raise self.fail("item")

    def _starts_int(self) -> bool:
        return self.next.kind == "number" or (self.next.text == "-" and self.peek().kind == "number")

    def int_value(self) -> int:
        negative = self.accept("-")
        if self.next.kind != "number":
            raise self.fail("integer")
        value = int(self.take().text)
        return -value if negative else value

    def optional_int(self) -> int | None:
        return self.int_value() if self._starts_int() else None

    def slice_rest(self, start: int | None) -> Slice:
        self.expect(":", "colon")
        stop = self.optional_int()
        step = None
        if self.accept(":"):
            step = self.optional_int()
        if self.next.text not in (",", "]"):
            raise self.fail("close_or_comma")
        return Slice(start, stop, step)

    def int_list(self) -> IntList:
        self.expect("[", "open_bracket")
        values: list = []
        while self.next.text != "]":
            if self.next.text == "[":
                values.append(self.int_list().values)
            elif self._starts_int():
                values.append(self.int_value())
            else:
                raise self.fail("list_element")
            if not self.accept(","):
                break
        self.expect("]", "close_or_comma")
        return IntList(tuple(values))

    def mask(self) -> Mask:
        if self.next.text == "a":
            return self.comparison()
        return self.either()

    def either(self) -> Mask:
        return self.chain("|", self.both)

    def both(self) -> Mask:
        return self.chain("&", self.atom)

    def chain(self, op: str, operand) -> Mask:
        """`operand (op operand)*`, grouped to the left as Python does."""
        node = operand()
        while self.next.text == op:
            self.take()
            node = Combine(op, node, operand())
        return node

    def atom(self) -> Mask:
        if self.accept("~"):
            return Invert(self.atom())
        if self.next.text == "a":
            raise SpecError(
                "index_needs_parens",
                column=self.next.column,
                op=self.tokens[self.at - 1].text,
            )
        self.expect("(", "mask_atom")
        inner = self.comparison() if self.next.text == "a" else self.either()
        if self.next.text in ("&", "|") and isinstance(inner, Compare):
            raise SpecError("index_needs_parens", column=self.next.column, op=self.next.text)
        self.expect(")", "close_paren")
        return inner

    def comparison(self) -> Compare:
        self.expect("a", "name")
        modulus = None
        if self.accept("%"):
            column = self.next.column
            modulus = self.int_value()
            if modulus == 0:
                raise SpecError("index_modulo_zero", column=column)
        if self.next.text not in COMPARISONS or self.next.kind == "end":
            raise self.fail("comparison")
        op = self.take().text
        return Compare(op, self.int_value(), modulus)


def parse_index(text: str) -> Subscript:
    """The subscript `text` spells, or SpecError with the column of the first thing outside the grammar."""
    return _Parser(text).expression()
