"""Turning whatever a caller passed into text a rule can check, without ever raising.

A validator may receive anything: ``None``, a number, bytes, a 10 MB paste,
control characters or lone surrogates from a broken scanner driver. These
helpers give back either clean text or the one violation that says why there
is none, so every ``validate_*`` function keeps its promise of returning a
list and never raising.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._dates import SHANGHAI, as_date, business_date, read_date, today_shanghai
from ._text import normalize, normalize_code
from ._violation import Severity, Violation

#: No code or number a clerk types is longer than this; longer input is rejected
#: before any normalisation, so a pasted 10 MB string costs nothing.
MAX_CODE_CHARS = 256  # pragma: no mutate (size guard: no code is this long)


def violation(
    code: str,
    field: str,
    message: str,
    message_zh: str,
    *,
    severity: Severity = "error",
    value: object = None,
    allowed: object = None,
) -> Violation:
    """A violation built with keywords, so call sites read as sentences."""
    return Violation(code, field, message, message_zh, severity, value, allowed)


def code_text(
    value: object,
    *,
    code: str,
    field: str,
    thing: str,
    thing_zh: str,
    max_chars: int = MAX_CODE_CHARS,
) -> str | Violation:
    """A code as typed or scanned, normalised (full-width -> half-width, no spaces, upper case).

    Returns the violation ``<code>.required`` for ``None``/blank input,
    ``<code>.type`` for a non-string and ``<code>.format`` for text longer
    than ``max_chars``; ``field`` is the path reported with it.
    """
    if value is None:
        return _required(code, field, thing, thing_zh)
    if not isinstance(value, str):
        return violation(
            f"{code}.type",
            field,
            f"The {thing} must be text.",
            f"{thing_zh}应为文本。",
            value=type(value).__name__,
        )
    if len(value) > max_chars:  # pragma: no mutate (size guard, as MAX_CODE_CHARS)
        return violation(
            f"{code}.format",
            field,
            f"The {thing} is far too long ({len(value)} characters).",
            f"{thing_zh}过长（{len(value)} 个字符）。",
            allowed=f"<= {max_chars}",
        )
    text = normalize_code(value)
    if not text:
        return _required(code, field, thing, thing_zh)
    return text


def plain_text(value: object, *, max_chars: int = MAX_CODE_CHARS) -> str | None:
    """Free text normalised, or ``None`` when it is not text or too long."""
    if not isinstance(value, str) or len(value) > max_chars:
        return None
    return normalize(value)


def has_text(value: object, *, max_chars: int = MAX_CODE_CHARS) -> bool:
    """Whether ``value`` is text of at most ``max_chars`` that is not blank once normalised."""
    # (Not mutated: a shortcut; plain_text below gives the same verdict.)
    if type(value) is str and len(value) <= max_chars and value.isprintable():  # pragma: no mutate
        # Printable text has no control characters to drop, so it is blank after
        # normalisation only if it is blank now.
        return not value.isspace() and value != ""
    return bool(plain_text(value, max_chars=max_chars))


def _required(code: str, field: str, thing: str, thing_zh: str) -> Violation:
    return violation(f"{code}.required", field, f"The {thing} is required.", f"请填写{thing_zh}。")


# Integers below 2**53 convert to float exactly; larger ones go through float() below.
_EXACT_INT = 1 << 53  # pragma: no mutate (a shortcut: float() below agrees)


def as_number(value: object) -> float | None:
    """A finite number (``bool`` excluded), or ``None``."""
    kind = type(value)
    if kind is int and -_EXACT_INT < value < _EXACT_INT:  # type: ignore[operator]  # pragma: no mutate
        return value  # type: ignore[return-value]  # an int is a valid float here
    if kind is float:
        # x - x is 0.0 for every finite float, nan for inf and nan.
        return value if value - value == 0 else None  # type: ignore[operator,return-value]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        return None
    return number if number - number == 0 else None


def field_of(source: object, name: str) -> object:
    """``source.name`` or ``source[name]`` for a mapping; ``None`` when absent or unreadable.

    The ``check_*`` functions are duck-typed: pydantic models, dataclasses,
    plain objects and dicts all work.
    """
    if source is None:
        return None
    if isinstance(source, dict):
        return source.get(name)
    try:
        return getattr(source, name, None)
    except Exception:  # a property that raises is treated as absent, never as a crash
        return None


def fields_of(source: object, names: tuple[str, ...]) -> Mapping[str, object]:
    """Several fields of ``source`` at once, as a mapping (``.get(name)`` is ``None`` if absent).

    One call instead of one per field: the rules read a dozen values of each object.
    """
    if source is None:
        return _EMPTY
    if isinstance(source, dict):
        return source
    kind = type(source)
    direct = _STORED_IN_DICT.get((kind, names))
    if direct is None:
        direct = _STORED_IN_DICT[(kind, names)] = _declares_all(kind, names)
    if direct:
        # A pydantic model keeps its field values in the instance dict: read it as is.
        stored = getattr(source, "__dict__", None)
        if isinstance(stored, dict):
            kinds = _DIRECT_KINDS.get(names)
            if kinds is not None and kind not in kinds and len(kinds) < 64:  # pragma: no mutate
                kinds.add(kind)
            return stored
    try:
        return {name: getattr(source, name, None) for name in names}
    except Exception:  # some property raised: read field by field, treating it as absent
        return {name: field_of(source, name) for name in names}


def direct_kinds(names: tuple[str, ...]) -> set[type]:
    """The classes whose instances :func:`fields_of` reads as their ``__dict__`` for ``names``.

    For hot paths: ``source.__dict__ if type(source) in kinds else fields_of(source, names)``
    gives what :func:`fields_of` gives, without a call. The set fills as :func:`fields_of`
    meets such classes (pydantic models declaring every name, without shadowing descriptors).
    """
    kinds = _DIRECT_KINDS.get(names)
    if kinds is None:
        kinds = _DIRECT_KINDS[names] = set()
    return kinds


__all__ = [
    "MAX_CODE_CHARS",
    "SHANGHAI",
    "as_date",
    "as_number",
    "business_date",
    "code_text",
    "direct_kinds",
    "enum_text",
    "field_of",
    "fields_of",
    "has_text",
    "plain_text",
    "read_date",
    "today_shanghai",
    "violation",
]

_EMPTY: Mapping[str, object] = MappingProxyType({})
# names -> classes whose instance dict fields_of returns (see direct_kinds)
_DIRECT_KINDS: dict[tuple[str, ...], set[type]] = {}
# (class, names) -> whether every name is a declared pydantic field of the class.
_STORED_IN_DICT: dict[tuple[type, tuple[str, ...]], bool] = {}


def _declares_all(kind: type, names: tuple[str, ...]) -> bool:
    """Whether ``kind`` is a pydantic model declaring every one of ``names`` as a field.

    Duck-typed: the rules do not import pydantic. A property or descriptor of the
    same name on the class would shadow the stored value, so its presence disables
    the shortcut.
    """
    declared = getattr(kind, "__pydantic_fields__", None)
    if not isinstance(declared, dict) or not all(name in declared for name in names):
        return False
    return not any(hasattr(getattr(kind, name, None), "__get__") for name in names)


def enum_text(value: object) -> str | None:
    """The value of an enum member or a short string; ``None`` for anything else."""
    if isinstance(value, str):
        # A str-based enum (StrEnum) holds its value as its string data.
        text = value if type(value) is str else str.__str__(value)
        return text if len(text) <= 64 else None  # pragma: no mutate (size guard)
    try:
        raw = getattr(value, "value", value)
    except Exception:
        return None
    return raw if isinstance(raw, str) and len(raw) <= 64 else None  # pragma: no mutate
