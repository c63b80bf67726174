"""Indicator formulas: a tiny, safe expression language over checklist item codes.

A formula is a Python-syntax expression, parsed with :mod:`ast` and checked against a
whitelist of node types; nothing is ever passed to ``eval``. What a formula may contain:

* numbers, strings, ``True``/``False``; ``+ - * /``; comparisons; ``and``, ``or``, ``not``;
* a bare item code of an ``int`` or ``money`` item (its count) or a ``ynp`` item (its answer
  string, e.g. ``E6_model == "yes"``);
* ``female(C1)``, ``male(C1)``, ``total(C1)`` — the parts of an ``mf`` item;
* ``share(C1)`` — women's share of an ``mf`` item, a :class:`Ratio` (female / total);
* ``ratio(a, b)`` — the :class:`Ratio` a / b of two numeric expressions;
* ``compliance()`` — (yes + 0.5 × partial) / applicable answered YNP items, as a :class:`Ratio`;
* ``ref(I1)`` — the value of another indicator;
* ``on_time(G3, "06-10")`` — whether a date item is on or before 10 June of the reporting year
  (strictly before it when the campaign's on-time rule says so);
* ``every(a, b, ...)`` — true when every *answered* condition holds, no data when none is;
* ``when(a, b)`` — the yes/no ``b``, judged only for units where ``a`` holds (no data
  elsewhere): ``when(share(C1) >= 30, female(C2) >= 1)``.

Unanswered inputs are ``None`` and propagate: anything computed from no data is no data.
A :class:`Ratio` used in arithmetic or a comparison stands for its percentage.

Roll-ups never average per-unit values: each ``share``/``ratio``/``compliance`` call and each
count (``female(...)``, ``total(...)``, a bare code) is summed over the units first, and the
rest of the formula is then evaluated on those sums (see :mod:`.indicators`).
"""
from __future__ import annotations

import ast
import operator
import re
from datetime import date
from typing import Any, Callable, Mapping, Optional

MAX_FORMULA_LENGTH = 500

#: Value types a formula expression can have (static check).
NUMBER, RATIO, BOOL, TEXT = "number", "ratio", "bool", "text"

#: The indicator ``unit`` each formula result type must be declared with.
UNIT_FOR_TYPE = {RATIO: "%", BOOL: "yes/no", NUMBER: "ratio"}

COUNT_FUNCTIONS = frozenset({"female", "male", "total"})
RATIO_FUNCTIONS = frozenset({"share", "ratio", "compliance"})
FUNCTIONS = COUNT_FUNCTIONS | RATIO_FUNCTIONS | {"ref", "on_time", "every", "when"}

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")

_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
_COMPARISONS = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Call, ast.Name,
    ast.Constant, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd, ast.Not,
    ast.And, ast.Or, *_COMPARISONS,
)


class FormulaError(ValueError):
    """A formula that cannot be parsed or uses something outside the language."""


class Ratio:
    """A numerator over a denominator, kept apart so roll-ups can sum both before dividing."""

    __slots__ = ("numerator", "denominator")

    def __init__(self, numerator: float, denominator: float):
        self.numerator = numerator
        self.denominator = denominator

    @property
    def percent(self) -> Optional[float]:
        """numerator / denominator × 100, or ``None`` (no data) when the denominator is 0."""
        if not self.denominator:
            return None
        return self.numerator / self.denominator * 100

    def __add__(self, other: "Ratio") -> "Ratio":
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Ratio) and self.numerator == other.numerator
                and self.denominator == other.denominator)

    def __repr__(self) -> str:
        return f"Ratio({self.numerator!r}, {self.denominator!r})"


def parse_month_day(text: object) -> tuple[int, int]:
    """``"06-10"`` → ``(6, 10)``; raises :class:`FormulaError` for anything else."""
    match = _MONTH_DAY.match(text) if isinstance(text, str) else None
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            date(2001, month, day)  # a non-leap year: "02-29" would not exist every year
            return month, day
        except ValueError:
            pass
    raise FormulaError(f'deadline {text!r} is not a month-day like "06-10"')


class Formula:
    """A parsed, syntax-checked formula. Build it with :func:`parse_formula`."""

    def __init__(self, source: str, tree: ast.Expression):
        self.source = source
        self.tree = tree
        not_items = set()  # function names and ref() arguments are not item codes
        self.refs: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                not_items.add(id(node.func))
                if _callee(node) == "ref":
                    for arg in node.args:
                        if isinstance(arg, ast.Name):
                            self.refs.add(arg.id)
                            not_items.add(id(arg))
        self.items: set[str] = {
            node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and id(node) not in not_items
        }
        self._unit_fn: Optional[Callable] = None
        self._rollup: Optional[tuple[list[Callable], Callable]] = None

    def __repr__(self) -> str:
        return f"Formula({self.source!r})"

    def evaluate(self, scope: Any) -> Any:
        """Evaluate for one unit. ``scope`` provides ``value(code)``, ``ref(code)``,
        ``compliance()`` and ``year`` (see :class:`.indicators.UnitScope`)."""
        if self._unit_fn is None:
            self._unit_fn = _compile(self.tree.body, None)
        return self._unit_fn(scope)

    def rollup_parts(self) -> tuple[list[Callable], Callable]:
        """The per-unit parts summed by a roll-up, and the function combining their sums.

        Returns ``(parts, combine)``: each part is a per-unit function (unit scope → number,
        :class:`Ratio` or ``None``); ``combine(scope)`` evaluates the formula on a roll-up scope
        whose ``part(i)`` is the sum of part ``i`` over the units and ``ref(code)`` the rolled-up
        value of another indicator.
        """
        if self._rollup is None:
            parts: list[Callable] = []

            def hook(node: ast.AST) -> Optional[Callable]:
                if _is_rollup_leaf(node):
                    index = len(parts)
                    parts.append(_compile(node, None))
                    return lambda scope: scope.part(index)
                if isinstance(node, ast.Call) and _callee(node) in ("on_time", "every", "when"):
                    return lambda scope: None  # a per-unit yes/no has no province-wide sum
                return None

            combine = _compile(self.tree.body, hook)
            self._rollup = (parts, combine)
        return self._rollup


def _is_rollup_leaf(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return True
    return isinstance(node, ast.Call) and _callee(node) in COUNT_FUNCTIONS | RATIO_FUNCTIONS


def _callee(node: ast.Call) -> str:
    """The called function's name (parse_formula lets only calls of a plain name through)."""
    assert isinstance(node.func, ast.Name)
    return node.func.id


def parse_formula(source: str) -> Formula:
    """Parse ``source`` and check it uses only the whitelisted syntax and functions."""
    if not isinstance(source, str) or not source.strip():
        raise FormulaError("the formula is empty")
    source = source.strip()
    if len(source) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_FORMULA_LENGTH} characters")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a valid formula ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("not a valid formula") from None
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(f"{type(node).__name__} is not allowed in a formula")
        if isinstance(node, ast.Constant) and (
                node.value is None or not isinstance(node.value, (int, float, str))):
            raise FormulaError(f"the constant {node.value!r} is not allowed in a formula")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = ast.unparse(node.func)
                raise FormulaError(f"unknown function {name}(); known: "
                                   + ", ".join(sorted(FUNCTIONS)))
            if node.keywords:
                raise FormulaError(f"{node.func.id}() takes no keyword arguments")
        if isinstance(node, ast.Name) and node.id in FUNCTIONS and id(node) not in called:
            raise FormulaError(f"{node.id} is a function: call it as {node.id}(...)")
    return Formula(source, tree)


def check_formula(formula: Formula, item_types: Mapping[str, str],
                  indicator_units: Mapping[str, str]) -> tuple[Optional[str], list[str]]:
    """Type-check a formula against the template's items and indicators.

    ``item_types`` maps item code → answer type; ``indicator_units`` maps indicator code →
    declared unit. Returns the formula's result type (``None`` if unknown) and every problem.
    """
    problems: list[str] = []
    ref_types = {code: _type_for_unit(unit) for code, unit in indicator_units.items()}
    result = _infer(formula.tree.body, item_types, ref_types, problems)
    return result, problems


def _type_for_unit(unit: str) -> Optional[str]:
    return {"%": RATIO, "yes/no": BOOL, "ratio": NUMBER}.get(unit)


def _infer(node: ast.AST, items: Mapping[str, str], refs: Mapping[str, Optional[str]],
           problems: list[str]) -> Optional[str]:
    """Return the static type of ``node``, appending any problem to ``problems``."""
    def need(child: ast.AST, allowed: tuple[str, ...], what: str) -> Optional[str]:
        kind = _infer(child, items, refs, problems)
        if kind is not None and kind not in allowed:
            problems.append(f"{what} needs {' or '.join(allowed)}, got {kind} "
                            f"in {ast.unparse(child)!r}")
            return None
        return kind

    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return BOOL
        return TEXT if isinstance(node.value, str) else NUMBER
    if isinstance(node, ast.Name):
        return _infer_name(node.id, items, refs, problems)
    if isinstance(node, ast.Call):
        return _infer_call(node, items, refs, problems, need)
    if isinstance(node, ast.BinOp):
        need(node.left, (NUMBER, RATIO), "arithmetic")
        need(node.right, (NUMBER, RATIO), "arithmetic")
        return NUMBER
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            need(node.operand, (BOOL,), "not")
            return BOOL
        need(node.operand, (NUMBER, RATIO), "a sign")
        return NUMBER
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            need(value, (BOOL,), "and/or")
        return BOOL
    if isinstance(node, ast.Compare):
        kinds = [_infer(part, items, refs, problems) for part in [node.left, *node.comparators]]
        numeric = {NUMBER, RATIO}
        for op, left, right in zip(node.ops, kinds, kinds[1:], strict=False):
            if left is None or right is None:
                continue
            if left in numeric and right in numeric:
                continue
            if left == right and isinstance(op, (ast.Eq, ast.NotEq)):
                continue
            problems.append(f"cannot compare {left} with {right} in {ast.unparse(node)!r}")
        return BOOL
    problems.append(f"{type(node).__name__} is not allowed in a formula")
    return None


def _infer_name(name: str, items: Mapping[str, str], refs: Mapping[str, Optional[str]],
                problems: list[str]) -> Optional[str]:
    if name in refs:
        problems.append(f"{name} is an indicator: write ref({name})")
        return None
    item_type = items.get(name)
    if item_type is None:
        problems.append(f"unknown item {name}")
        return None
    if item_type in ("int", "money"):
        return NUMBER
    if item_type == "ynp":
        return TEXT
    hint = {"mf": f"female({name}), male({name}), total({name}) or share({name})",
            "date": f'on_time({name}, "MM-DD")'}.get(item_type)
    problems.append(f"item {name} ({item_type}) cannot be used directly"
                    + (f"; use {hint}" if hint else ""))
    return None


def _infer_call(node: ast.Call, items: Mapping[str, str], refs: Mapping[str, Optional[str]],
                problems: list[str], need: Callable) -> Optional[str]:
    name = _callee(node)
    args = node.args
    arity = {"female": 1, "male": 1, "total": 1, "share": 1, "ratio": 2, "compliance": 0,
             "ref": 1, "on_time": 2, "when": 2}
    if name in arity and len(args) != arity[name]:
        problems.append(f"{name}() takes {arity[name]} argument(s), got {len(args)}")
        return _result_type(name, node, refs)
    if name == "every" and not args:
        problems.append("every() needs at least one condition")
        return BOOL

    def item_arg(arg: ast.AST, wanted: str) -> None:
        if not isinstance(arg, ast.Name):
            problems.append(f"{name}() needs an item code, got {ast.unparse(arg)!r}")
        elif arg.id not in items:
            problems.append(f"{name}(): unknown item {arg.id}"
                            + (f" (an indicator: write ref({arg.id}))" if arg.id in refs else ""))
        elif items[arg.id] != wanted:
            problems.append(f"{name}() needs a {wanted} item, {arg.id} is {items[arg.id]}")

    if name in COUNT_FUNCTIONS or name == "share":
        item_arg(args[0], "mf")
    elif name == "ratio":
        for arg in args:
            need(arg, (NUMBER,), "ratio()")
    elif name == "ref":
        arg = args[0]
        if not isinstance(arg, ast.Name):
            problems.append(f"ref() needs an indicator code, got {ast.unparse(arg)!r}")
        elif arg.id not in refs:
            problems.append(f"ref(): unknown indicator {arg.id}")
    elif name == "on_time":
        item_arg(args[0], "date")
        deadline = args[1]
        if not (isinstance(deadline, ast.Constant) and isinstance(deadline.value, str)):
            problems.append('on_time() needs a deadline string like "06-10"')
        else:
            try:
                parse_month_day(deadline.value)
            except FormulaError as exc:
                problems.append(f"on_time(): {exc}")
    elif name in ("every", "when"):
        for arg in args:
            need(arg, (BOOL,), f"{name}()")
    return _result_type(name, node, refs)


def _result_type(name: str, node: ast.Call, refs: Mapping[str, Optional[str]]) -> Optional[str]:
    if name in COUNT_FUNCTIONS:
        return NUMBER
    if name in RATIO_FUNCTIONS:
        return RATIO
    if name == "ref":
        arg = node.args[0] if node.args else None
        return refs.get(arg.id) if isinstance(arg, ast.Name) else None
    return BOOL  # on_time, every, when


# --- evaluation -----------------------------------------------------------------------------
# Formulas are compiled once into nested closures; evaluating one is then a handful of Python
# calls, which matters when a workbook rolls up thousands of visits.

def _as_number(value: Any) -> Any:
    return value.percent if isinstance(value, Ratio) else value


def _mf_part(value: Any, part: str) -> Optional[int]:
    return None if value is None else value[part]


def _mf_total(value: Any) -> Optional[int]:
    return None if value is None else value["male"] + value["female"]


def _share(value: Any) -> Optional[Ratio]:
    return None if value is None else Ratio(value["female"], value["male"] + value["female"])


def _make_ratio(numerator: Any, denominator: Any) -> Optional[Ratio]:
    numerator, denominator = _as_number(numerator), _as_number(denominator)
    if numerator is None or denominator is None:
        return None
    return Ratio(numerator, denominator)


def _on_time(value: Any, month: int, day: int, year: Optional[int],
             strict: bool = False) -> Optional[bool]:
    """On time: on or before the day, or (``strict``: a campaign reading "trước 10/6" as
    strictly before) before it."""
    if not isinstance(value, date):
        return None
    deadline = date(year or value.year, month, day)
    return value < deadline if strict else value <= deadline


def _every(values: list) -> Optional[bool]:
    known = [value for value in values if value is not None]
    return all(known) if known else None


def _arithmetic(op: ast.operator, left: Any, right: Any) -> Any:
    left, right = _as_number(left), _as_number(right)
    if left is None or right is None:
        return None
    if isinstance(op, ast.Div):
        return left / right if right else None
    return _ARITHMETIC[type(op)](left, right)


def _compare(ops: list, values: list) -> Optional[bool]:
    values = [_as_number(value) for value in values]
    if any(value is None for value in values):
        return None
    try:
        return all(_COMPARISONS[type(op)](a, b) for op, a, b in zip(ops, values, values[1:], strict=False))
    except TypeError:
        return None


def _kleene(is_and: bool, values: list) -> Optional[bool]:
    """Three-valued and/or: unknown only when the known values do not decide."""
    if is_and:
        if any(value is False for value in values):
            return False
        return None if any(value is None for value in values) else True
    if any(value is True for value in values):
        return True
    return None if any(value is None for value in values) else False


def _compile(node: ast.AST, hook: Optional[Callable[[ast.AST], Optional[Callable]]]) -> Callable:
    """Turn a checked AST node into ``fn(scope) -> value``; ``hook`` may replace any node."""
    if hook is not None:
        replaced = hook(node)
        if replaced is not None:
            return replaced
    if isinstance(node, ast.Constant):
        constant = node.value
        return lambda scope: constant
    if isinstance(node, ast.Name):
        code = node.id
        return lambda scope: scope.value(code)
    if isinstance(node, ast.Call):
        return _compile_call(node, hook)
    if isinstance(node, ast.BinOp):
        left, right, op = _compile(node.left, hook), _compile(node.right, hook), node.op
        return lambda scope: _arithmetic(op, left(scope), right(scope))
    if isinstance(node, ast.UnaryOp):
        operand, unary = _compile(node.operand, hook), node.op
        if isinstance(unary, ast.Not):
            return lambda scope: (lambda v: None if v is None else not v)(operand(scope))
        sign = -1 if isinstance(unary, ast.USub) else 1
        return lambda scope: (lambda v: None if v is None else sign * v)(_as_number(operand(scope)))
    if isinstance(node, ast.BoolOp):
        parts, is_and = [_compile(v, hook) for v in node.values], isinstance(node.op, ast.And)
        return lambda scope: _kleene(is_and, [part(scope) for part in parts])
    if isinstance(node, ast.Compare):
        parts, ops = [_compile(v, hook) for v in [node.left, *node.comparators]], node.ops
        return lambda scope: _compare(ops, [part(scope) for part in parts])
    raise FormulaError(f"{type(node).__name__} is not allowed in a formula")


def _compile_call(node: ast.Call, hook: Optional[Callable]) -> Callable:
    name = _callee(node)
    code = node.args[0].id if node.args and isinstance(node.args[0], ast.Name) else None
    if name in ("female", "male"):
        return lambda scope: _mf_part(scope.value(code), name)
    if name == "total":
        return lambda scope: _mf_total(scope.value(code))
    if name == "share":
        return lambda scope: _share(scope.value(code))
    if name == "ratio":
        top, bottom = _compile(node.args[0], hook), _compile(node.args[1], hook)
        return lambda scope: _make_ratio(top(scope), bottom(scope))
    if name == "compliance":
        return lambda scope: scope.compliance()
    if name == "ref":
        return lambda scope: scope.ref(code)
    if name == "on_time":
        deadline = node.args[1]  # check_formula refuses anything but a string constant
        month, day = parse_month_day(deadline.value if isinstance(deadline, ast.Constant) else None)
        return lambda scope: _on_time(scope.value(code), month, day, scope.year,
                                      getattr(scope, "strict_deadlines", False))
    parts = [_compile(arg, hook) for arg in node.args]
    if name == "when":
        condition, judged = parts
        return lambda scope: judged(scope) if condition(scope) is True else None
    return lambda scope: _every([part(scope) for part in parts])  # every
