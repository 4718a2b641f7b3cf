"""vehreg_sdk.plates and key sets: the ``Jwks`` model or JWKS JSON; bilingual errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vehreg_sdk import plates
from vehreg_sdk.types import Jwks

from .conftest import KID, sign

CHINESE = range(0x4E00, 0xA000)


def _is_bilingual(error: plates.PlateTokenError) -> bool:
    has_zh = any(ord(ch) in CHINESE for ch in error.message_zh)
    return bool(error.message) and has_zh and error.message_zh in str(error)


@pytest.mark.parametrize(
    "not_a_key_set",
    [
        pytest.param({"nokeys": []}, id="no-keys-member"),
        pytest.param({"keys": "abc"}, id="keys-not-a-list"),
        pytest.param(None, id="none"),
        pytest.param('{"keys": []}', id="json-text"),
        pytest.param(42, id="number"),
    ],
)
def test_a_bad_key_set_is_a_typed_bilingual_error(not_a_key_set: Any, tmp_path: Path) -> None:
    with pytest.raises(plates.InvalidJwksError) as verifying:
        plates.verify_token(sign(), not_a_key_set)
    with pytest.raises(plates.InvalidJwksError) as saving:
        plates.save_jwks(tmp_path / "keys.json", not_a_key_set)
    for caught in (verifying, saving):
        error = caught.value
        assert isinstance(error, plates.PlateTokenError)
        assert isinstance(error, ValueError)  # what callers caught before it had a class
        assert error.code == "plate_token.invalid_jwks"
        assert _is_bilingual(error), str(error)
        assert "JWKS" in error.message
    assert not (tmp_path / "keys.json").exists()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("not json {", id="not-json"),
        pytest.param("[1, 2]", id="a-list"),
        pytest.param('{"nokeys": []}', id="no-keys-member"),
    ],
)
def test_loading_a_file_that_is_no_key_set(tmp_path: Path, content: str) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(plates.InvalidJwksError) as caught:
        plates.load_jwks(path)
    assert _is_bilingual(caught.value), str(caught.value)


def test_a_file_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(plates.InvalidJwksError) as caught:
        plates.load_jwks(path)
    assert _is_bilingual(caught.value)


def test_verify_takes_the_jwks_model_of_the_client(jwks: dict[str, Any]) -> None:
    model = Jwks.model_validate(jwks)
    assert model.kids == [KID]
    assert plates.verify_token(sign(), model).kid == KID
    assert plates.verify_token(sign(), jwks).kid == KID  # and the plain JSON still
    assert plates.verify_token(sign(), jwks["keys"]).kid == KID
    with pytest.raises(plates.UnknownKeyError):
        plates.verify_token(sign(), Jwks(keys=[]))


def test_the_model_saves_as_the_jwks_document(tmp_path: Path, jwks: dict[str, Any]) -> None:
    model = Jwks.model_validate({**jwks, "issuer": "vehreg-sandbox"})
    path = plates.save_jwks(tmp_path / "jwks.json", model)
    assert json.loads(path.read_text("utf-8")) == {**jwks, "issuer": "vehreg-sandbox"}
    assert plates.load_jwks(path)["keys"] == jwks["keys"]
    assert plates.verify_token(sign(), plates.load_jwks(path)).kid == KID
    listed = plates.save_jwks(tmp_path / "list.json", jwks["keys"])  # a bare list is wrapped
    assert plates.load_jwks(listed) == jwks
