"""Every way a photo reaches the bureau prepares it: the client (sync and async), the
outbox at enqueue, the POS bridge's intake. The bureau is the sandbox over loopback."""

from __future__ import annotations

import base64
import hashlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from starlette.testclient import TestClient
from vehreg_pos_bridge import BridgeConfig, create_app

from vehreg_sdk import APIStatusError, AsyncVehregClient, VehregClient
from vehreg_sdk.outbox import Outbox
from vehreg_sdk.photos import MAX_BYTES, prepare_photo
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.testing.photos import phone_photo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from outbox.outbox_support import FakeClient, sale_payload

DEALER = DEMO_DEALERS[0]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path_factory.mktemp("photos") / "s.db") as server:
        yield server


@pytest.fixture(scope="module")
def phone_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "IMG_0007.JPG"
    path.write_bytes(phone_photo((4032, 3024), orientation=6))
    assert path.stat().st_size > 5 * 1024 * 1024  # over the bureau's limit as it is
    return path


def _clean_jpeg(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and not image.getexif() and len(data) <= MAX_BYTES
    assert image.width < image.height  # turned upright


def test_the_client_uploads_a_phone_photo_the_bureau_would_refuse(
    sandbox: SandboxServer, phone_jpeg: Path
) -> None:
    expected = prepare_photo(phone_jpeg)
    with VehregClient(
        base_url=sandbox.base_url, app_key=DEALER.app_key, app_secret=DEALER.app_secret
    ) as client:
        upload = client.uploads.create(kind="id_front", file=phone_jpeg)
        assert upload.size == len(expected.data)
        assert upload.sha256 == hashlib.sha256(expected.data).hexdigest()
        with pytest.raises(APIStatusError) as info:  # the opt-out sends the 7 MB as it is
            client.uploads.create(kind="id_front", file=phone_jpeg, prepare=False)
        assert info.value.status_code == 413
    _clean_jpeg(expected.data)


async def test_the_async_client_prepares_too(sandbox: SandboxServer, phone_jpeg: Path) -> None:
    expected = prepare_photo(phone_jpeg)
    original = phone_jpeg.read_bytes()  # noqa: ASYNC240 - test set-up
    async with AsyncVehregClient(
        base_url=sandbox.base_url, app_key=DEALER.app_key, app_secret=DEALER.app_secret
    ) as client:
        upload = await client.uploads.create(kind="id_back", file=original)
    assert upload.sha256 == hashlib.sha256(expected.data).hexdigest()


def test_the_outbox_keeps_the_prepared_photo_not_the_original(
    tmp_path: Path, phone_jpeg: Path
) -> None:
    before = hashlib.sha256(phone_jpeg.read_bytes()).hexdigest()
    with Outbox(tmp_path / "shop.db") as box:
        item = box.enqueue(sale_payload(1), photos=[("id_front", phone_jpeg)])
        (attachment,) = item.attachments
        stored = box.attachment_data(item.local_id, attachment.seq)
    assert attachment.content_type == "image/jpeg" and attachment.filename == "IMG_0007.jpg"
    _clean_jpeg(stored)
    assert hashlib.sha256(phone_jpeg.read_bytes()).hexdigest() == before


def test_the_bridge_takes_an_iphone_heic_photo(tmp_path: Path) -> None:
    heic = phone_photo((2016, 1512), orientation=6, format="HEIF", quality=80)
    fake = FakeClient()
    host = PluginHost(load_entry_points=False)
    till = Till(Outbox(tmp_path / "bridge.db"), host=host, client_factory=lambda: fake)
    app = create_app(till, "tok-0123456789abcdef", BridgeConfig(port=8790), start_worker=False)
    auth = {"Authorization": "Bearer tok-0123456789abcdef"}
    body = {**sale_payload(2), "photos": [
        {"kind": "id_front", "content_base64": base64.b64encode(heic).decode()}]}  # fmt: skip
    with TestClient(app, base_url="http://127.0.0.1:8790") as api:
        created = api.post("/sales", json=body, headers=auth)
        assert created.status_code == 202, created.text
        broken = base64.b64encode(heic[:40]).decode()
        bad = {**sale_payload(3), "photos": [{"kind": "id_front", "content_base64": broken}]}
        refused = api.post("/sales", json=bad, headers=auth)
        assert refused.status_code == 422 and refused.json()["code"] == "photos.invalid"
        assert "照片" in refused.json()["detail_zh"]
    item = till.outbox.get(created.json()["local_id"])
    (attachment,) = item.attachments
    assert attachment.content_type == "image/jpeg"
    _clean_jpeg(till.outbox.attachment_data(item.local_id, attachment.seq))
    till.close()
    till.outbox.close()


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_car_photos_are_prepared_and_can_opt_out(use_async: bool) -> None:
    """A car's photo goes through the same preparation as an e-bike's (and ``prepare=False``)."""
    import respx
    from httpx import Response

    from vehreg_sdk.photos import PhotoError

    base = "https://bureau.example"
    sent: list[bytes] = []
    with respx.mock(base_url=base) as mock:
        route = mock.post("/v1/vehicle-registrations/vr_1/photos")
        route.side_effect = lambda request: (sent.append(request.content), Response(500))[1]
        options: dict[str, Any] = {
            "base_url": base,
            "app_key": "ak",
            "app_secret": "s",
            "max_retries": 0,
        }
        not_a_photo = b"%PDF-1.7 not a photo"
        if use_async:
            async with AsyncVehregClient(**options) as aclient:
                with pytest.raises(PhotoError):
                    await aclient.vehicle_registrations.upload_photo(
                        "vr_1", kind="plate_fitted", file=not_a_photo
                    )
                with pytest.raises(APIStatusError):
                    await aclient.vehicle_registrations.upload_photo(
                        "vr_1", kind="plate_fitted", file=not_a_photo, prepare=False
                    )
        else:
            with VehregClient(**options) as client:
                with pytest.raises(PhotoError):
                    client.vehicle_registrations.upload_photo(
                        "vr_1", kind="plate_fitted", file=not_a_photo
                    )
                with pytest.raises(APIStatusError):
                    client.vehicle_registrations.upload_photo(
                        "vr_1", kind="plate_fitted", file=not_a_photo, prepare=False
                    )
    assert (
        len(sent) == 1 and not_a_photo in sent[0]
    )  # refused before sending; the opt-out sent as is
