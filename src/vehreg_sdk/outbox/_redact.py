"""Error texts safe for a log, a page or a result file, shared by the outbox and the POS host.

An exception's message may quote the sale. A name or an address cannot be
recognised by a pattern, so the sale's own personal data is masked *by value*
first, then every ID number and mobile anywhere (:func:`vehreg_sdk.privacy.mask_text`).
A traceback is reduced to its frames, never its message.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from pathlib import PurePath

from ..privacy import mask_address, mask_id_number, mask_mobile, mask_name, mask_text

#: The longest exception text kept in a summary (the rest is cut).
MAX_ERROR_CHARS = 200

_OWNER_MASKS = (
    ("name", mask_name),
    ("id_number", mask_id_number),
    ("mobile", mask_mobile),
    ("address", mask_address),
)


def owner_personal(owner: object) -> dict[str, str]:
    """An owner's name, ID number, mobile and address, each mapped to its masked form.

    ``owner`` is a mapping (a queued payload) or an object with those attributes (a model).
    """
    found: dict[str, str] = {}
    for attr, mask in _OWNER_MASKS:
        text = owner.get(attr) if isinstance(owner, Mapping) else getattr(owner, attr, None)
        if isinstance(text, str) and len(text.strip()) >= 2:
            found[text.strip()] = mask(text)
    return found


def mask_values(text: str, personal: Mapping[str, str]) -> str:
    """``text`` with every value of ``personal`` replaced by its masked form (longest first),
    then every ID number and mobile masked."""
    for value in sorted(personal, key=len, reverse=True):
        text = text.replace(value, personal[value])
    return mask_text(text)


def exception_summary(
    exc: BaseException, personal: Mapping[str, str] | None = None, *, limit: int = MAX_ERROR_CHARS
) -> str:
    """``Type: first line of the message``, masked (:func:`mask_values`), cut to ``limit``."""
    try:
        text = str(exc).strip()
    except Exception:  # a broken __str__ must not break the report
        text = ""
    text = mask_values(text.splitlines()[0] if text else "", personal or {})
    if len(text) > limit:
        text = text[:limit] + "…"
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def frames(exc: BaseException, depth: int = 4) -> str:
    """Where an exception came from, as ``file:line in function`` frames, without its message."""
    extracted = traceback.extract_tb(exc.__traceback__)[-depth:]
    return (
        " <- ".join(
            f"{PurePath(f.filename).name}:{f.lineno} in {f.name}" for f in reversed(extracted)
        )
        or "(no traceback)"
    )
