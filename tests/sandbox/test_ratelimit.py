"""The per-dealer token bucket: 429 with Retry-After when empty, refilled over time."""

from __future__ import annotations

from pathlib import Path

import httpx

from vehreg_sdk.sandbox import DEMO_DEALERS, create_app

from .conftest import FakeClock, Signer


async def test_429_with_retry_after_per_dealer(sandbox_db: Path | str) -> None:
    clock = FakeClock()
    app = create_app(sandbox_db, rate_limit=2, rate_burst=3, clock=clock)

    def client(index: int) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://t",
            auth=Signer(DEMO_DEALERS[index], clock),
        )

    async with client(0) as first, client(1) as second:
        statuses = [(await first.get("/v1/stores")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = await first.get("/v1/stores")
        assert limited.json()["code"] == "rate_limit.exceeded"
        assert limited.headers["retry-after"] == "1"
        assert limited.headers["content-type"] == "application/problem+json"
        # the other dealer has its own bucket
        assert (await second.get("/v1/stores")).status_code == 200
        # unauthenticated paths are not limited
        assert (await first.get("/v1/health")).status_code == 200
        clock.advance(0.5)  # 2/s: one token back
        assert (await first.get("/v1/stores")).status_code == 200
        assert (await first.get("/v1/stores")).status_code == 429
    await app.state.bureau.aclose()


async def test_off_by_default(bureau: httpx.AsyncClient) -> None:
    for _ in range(60):
        assert (await bureau.get("/v1/health")).status_code == 200
    statuses = {(await bureau.get("/v1/stores")).status_code for _ in range(60)}
    assert statuses == {200}
