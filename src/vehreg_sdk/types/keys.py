"""``GET /v1/keys``: the bureau's public keys (a JWKS) that sign plate tokens."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._base import WireModel


class Jwks(WireModel):
    """A JSON Web Key Set (RFC 7517) of the bureau's Ed25519 keys (RFC 8037).

    Each key is kept as its JSON object (``kty``, ``crv``, ``x``, ``kid``, ...), exactly
    as :func:`vehreg_sdk.plates.verify_token` reads it; pass the model itself there.
    ``model_dump(mode="json")`` is the JWKS document again, for
    :func:`vehreg_sdk.plates.save_jwks`.
    """

    keys: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def kids(self) -> list[str]:
        """The key ids (``kid``) in the set, in order."""
        return [str(key["kid"]) for key in self.keys if "kid" in key]
