"""Errors of plate tokens and status lists, and reading a key set: shared by ``plates`` and
``_plate_status`` (public through :mod:`vehreg_sdk.plates`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ._errors import VehregError


class PlateTokenError(VehregError):
    """A plate token is not genuine or cannot be read. ``message_zh`` carries the Chinese text."""

    code = "plate_token.invalid"


class MalformedTokenError(PlateTokenError):
    """Not a plate token at all (wrong shape, bad encoding, missing claims)."""

    code = "plate_token.malformed"


class TokenTamperedError(PlateTokenError):
    """The signature does not match the content: the token was altered (for example the plate)."""

    code = "plate_token.tampered"


class UnknownKeyError(PlateTokenError):
    """The token names a key (``kid``) that the key set does not hold."""

    code = "plate_token.unknown_key"


class VinMismatchError(PlateTokenError):
    """A genuine token that names another vehicle than the one checked (``verify_token(vin=)``)."""

    code = "plate_token.vin_mismatch"


class InvalidJwksError(PlateTokenError, ValueError):
    """What was given as the bureau's key set is not a JWKS (``{"keys": [...]}``).

    Also a :class:`ValueError`, as it was before it had its own class.
    """

    code = "plate_token.invalid_jwks"


class TokenValidityError(PlateTokenError):
    """A genuine token that does not hold now; ``claims`` is what it says (verified)."""

    code = "plate_token.not_valid"

    def __init__(self, message: str, message_zh: str, *, claims: Any) -> None:
        super().__init__(message, message_zh)
        self.claims = claims


class TokenExpiredError(TokenValidityError):
    """A temporary plate's token whose validity (``exp``) has ended."""

    code = "plate_token.expired"


class TokenNotYetValidError(TokenValidityError):
    """A temporary plate's token whose validity (``nbf``) has not begun."""

    code = "plate_token.not_yet_valid"


class TokenRevokedError(TokenValidityError):
    """The registration was cancelled or rejected: the status list names it.

    ``revoked_at`` and ``reason`` come from the list; ``list_issued_at`` says how fresh the
    list is.
    """

    code = "plate_token.revoked"

    def __init__(
        self,
        message: str,
        message_zh: str,
        *,
        claims: Any,
        revoked_at: datetime,
        reason: str,
        list_issued_at: datetime,
    ) -> None:
        super().__init__(message, message_zh, claims=claims)
        self.revoked_at = revoked_at
        self.reason = reason
        self.list_issued_at = list_issued_at


class StatusListError(PlateTokenError):
    """A plate status list that is not genuine, not readable, or does not follow the cached one."""

    code = "plate_status.invalid"


def keys_of(jwks: object) -> list[Mapping[str, Any]]:
    """The key objects of a key set (JWKS dict, its ``keys`` list, or the ``Jwks`` model)."""
    if isinstance(jwks, Mapping):
        keys = jwks.get("keys")
    elif isinstance(jwks, list | tuple):
        keys = jwks
    else:  # the Jwks model (duck-typed: this module does not import pydantic)
        keys = getattr(jwks, "keys", None)
    if not isinstance(keys, list | tuple):
        raise InvalidJwksError(
            'the bureau\'s key set must be a JWKS, {"keys": [...]} as GET /v1/keys returns '
            f"it, not {type(jwks).__name__}",
            '车管所公钥集格式错误：应为 GET /v1/keys 返回的 JWKS（{"keys": [...]}）',
        )
    return [key for key in keys if isinstance(key, Mapping)]
