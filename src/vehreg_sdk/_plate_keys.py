"""Offline copies of the bureau's key set (public through :mod:`vehreg_sdk.plates`)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._plate_errors import InvalidJwksError, keys_of


def _keys(jwks: object) -> list[Mapping[str, Any]]:
    return keys_of(jwks)


def _document(jwks: object) -> dict[str, Any]:
    """The JWKS JSON document of ``jwks`` (a model is dumped; a bare list is wrapped)."""
    keys = [dict(key) for key in _keys(jwks)]
    if isinstance(jwks, Mapping):
        return {**jwks, "keys": keys}
    dump = getattr(jwks, "model_dump", None)
    if callable(dump):
        document = dump(mode="json")
        if isinstance(document, dict):
            return {**document, "keys": keys}
    return {"keys": keys}


def load_jwks(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read an offline copy of the bureau's key set written by :func:`save_jwks`.

    Raises :class:`InvalidJwksError` when the file holds no JWKS (``OSError`` when it
    cannot be read at all).
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidJwksError(
            f"{os.fspath(path)} is not a saved key set (not JSON: {exc})",
            f"{os.fspath(path)} 不是已保存的车管所公钥集（不是有效的 JSON）",
        ) from exc
    if not isinstance(data, dict):
        raise InvalidJwksError(
            f'{os.fspath(path)} is not a saved key set: a JWKS is {{"keys": [...]}}',
            f"{os.fspath(path)} 不是已保存的车管所公钥集（应为 JWKS 对象）",
        )
    _keys(data)
    return data


def save_jwks(path: str | os.PathLike[str], jwks: Any) -> Path:
    """Write the key set atomically (temp file + replace), so a crash never leaves half a file.

    ``jwks`` is what :func:`verify_token` takes; the file holds its JWKS JSON document.
    """
    document = _document(jwks)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".jwks-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
