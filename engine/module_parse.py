"""SimpleConvNet's constructor arguments typed as Python: `filter_size=3, conv_param={...}` → SimpleConvSpec.

The student types the keyword arguments of the book's constructor,
`input_dim=(1, 28, 28), conv_param={'filter_num': 30, 'filter_size': 5,
'pad': 0, 'stride': 1}, hidden_size=100, output_size=10,
weight_init_std=0.01`, and, as in Python, an argument left out takes the
book's default. The text is read with Python's own parser (ast) and only
literals are accepted: nothing typed is ever evaluated. A mistake names its
column, so the dialog can point at it.
"""

from __future__ import annotations

import ast

from engine.errors import SpecError
from engine.module_simple import SimpleConvSpec

MAX_LENGTH = 400
ARGUMENTS = ("input_dim", "conv_param", "hidden_size", "output_size", "weight_init_std")
CONV_KEYS = ("filter_num", "filter_size", "pad", "stride")
PREFIX = "f("  # the typed text is parsed as the arguments of a call


def column(node: ast.AST) -> int:
    """1-based column in the typed text."""
    return node.col_offset - len(PREFIX) + 1


def _number(node: ast.AST, name: str, whole: bool) -> int | float:
    """A literal number, with an optional minus sign; nothing else."""
    negative = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    inner = node.operand if negative else node
    value = inner.value if isinstance(inner, ast.Constant) else None
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise SpecError(
            "module_want_whole" if whole else "module_want_number", what=f"module_{name}", column=column(node)
        )
    return -value if negative else value


def _input_dim(node: ast.AST) -> tuple[int, ...]:
    if not isinstance(node, (ast.Tuple, ast.List)):
        raise SpecError("module_want_triple", column=column(node))
    return tuple(int(_number(element, "input_dim", whole=True)) for element in node.elts)


def _conv_param(node: ast.AST) -> dict[str, int]:
    """The book reads conv_param['filter_num'] and the other three: each must be there, and nothing else."""
    if not isinstance(node, ast.Dict):
        raise SpecError("module_want_dict", column=column(node))
    values: dict[str, int] = {}
    for key, value in zip(node.keys, node.values):
        if key is None or not isinstance(key, ast.Constant) or key.value not in CONV_KEYS:
            shown = key.value if isinstance(key, ast.Constant) else "**"
            raise SpecError("module_unknown_key", key=str(shown), column=column(key or value))
        values[key.value] = int(_number(value, key.value, whole=True))
    missing = [key for key in CONV_KEYS if key not in values]
    if missing:
        raise SpecError("module_missing_key", key=missing[0], column=column(node))
    return values


def parse_call(text: str) -> ast.Call:
    """`text` read as the arguments of a call, by Python's parser; SpecError with the column of a mistake."""
    if len(text) > MAX_LENGTH:
        raise SpecError("module_text_too_long", limit=MAX_LENGTH, length=len(text))
    try:
        call = ast.parse(f"{PREFIX}{text})", mode="eval").body
    except SyntaxError as error:
        at = max((error.offset or 1) - len(PREFIX), 1) if error.lineno == 1 else len(text) + 1
        raise SpecError("module_syntax", message=error.msg, column=min(at, len(text) + 1)) from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise SpecError("module_syntax", message=str(error), column=1) from None
    if not isinstance(call, ast.Call):  # `a) + f(b`: the text closed the call and opened another expression
        raise SpecError("module_one_call", column=column(call))
    return call


def parse_arguments(text: str) -> SimpleConvSpec:
    """The spec the typed keyword arguments describe; SpecError (with a column where there is one) otherwise."""
    call = parse_call(text)
    if call.args:
        raise SpecError("module_positional", column=column(call.args[0]))
    options: dict[str, object] = {}
    given: set[str] = set()
    for keyword in call.keywords:
        if keyword.arg in CONV_KEYS:  # the book passes these four inside one dict
            raise SpecError("module_in_conv_param", name=keyword.arg, column=column(keyword))
        if keyword.arg not in ARGUMENTS:
            raise SpecError("module_unknown_argument", name=str(keyword.arg or "**"), column=column(keyword))
        if keyword.arg in given:  # Python's compiler, not its parser, refuses this: "keyword argument repeated"
            raise SpecError("module_repeated", name=keyword.arg, column=column(keyword))
        given.add(keyword.arg)
        if keyword.arg == "input_dim":
            options["input_dim"] = _input_dim(keyword.value)
        elif keyword.arg == "conv_param":
            options.update(_conv_param(keyword.value))
        else:
            whole = keyword.arg != "weight_init_std"
            options[keyword.arg] = _number(keyword.value, keyword.arg, whole)
    return SimpleConvSpec(**options)
