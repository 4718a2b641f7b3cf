"""Webhook endpoints and signed delivery with retries.

Each delivery POSTs the event JSON with::

    Vehreg-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

A 2xx answer within the timeout is success (a redirect is not followed: it is a
failed attempt). Otherwise the delivery is retried after ``backoff * 2**(attempt-1)``
seconds, up to ``max_attempts`` attempts. Only loopback URLs are accepted: the
sandbox must never call out of the machine (the production bureau's policy is the
opposite: https to public addresses only; docs/api/events.md).

A secret is shown once, in the answer that creates it; idempotent replays of that
answer leave it out. After a rotation the previous secret keeps signing deliveries,
as a second ``v1=``, until its grace period ends.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
import httpx

from ..types.events import EventType
from ..webhooks import SIGNATURE_HEADER, signature_header
from .bureau import Bureau
from .clock import rfc3339
from .problems import ProblemError, json_object, unknown_field, violation

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ALL_EVENTS = "*"


def check_endpoint_body(payload: Any) -> tuple[str, list[str]]:
    """``url`` and ``events`` of a create request; 422 listing every problem."""
    payload = json_object(payload)
    errors = [unknown_field(name) for name in payload if name not in ("url", "events")]
    url = payload.get("url")
    if not isinstance(url, str) or not url:
        errors.append(violation("url", "field.required", "url is required.", "请填写 url。"))
    else:
        try:
            parts = urlsplit(url)
            _ = parts.port  # raises ValueError on a malformed port
            host_ok = parts.hostname in LOOPBACK_HOSTS and parts.scheme in ("http", "https")
        except ValueError:
            host_ok = False
        if not host_ok or len(url) > 2048:
            errors.append(
                violation(
                    "url",
                    "webhook.url_not_allowed",
                    "The sandbox delivers only to http(s) loopback URLs "
                    "(127.0.0.1, localhost, [::1]).",
                    "沙箱仅向本机回环地址（127.0.0.1、localhost、[::1]）推送。",
                )
            )
    events = payload.get("events")
    allowed = (*EventType.ALL, ALL_EVENTS)
    if not isinstance(events, list) or not events:
        errors.append(
            violation(
                "events", "field.required", "events is a non-empty list.", "events 应为非空列表。"
            )
        )
    else:
        for index, name in enumerate(events):
            if name not in allowed:
                errors.append(
                    violation(
                        f"events.{index}",
                        "field.choice",
                        f"One of: {', '.join(allowed)}.",
                        f"应为以下之一：{'、'.join(allowed)}。",
                    )
                )
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    assert isinstance(url, str) and isinstance(events, list)
    return url, list(dict.fromkeys(str(e) for e in events))


#: an endpoint with the expiry of its previous secret (NULL when there is none)
ENDPOINT_SELECT = (
    "SELECT w.*, p.expires_at AS previous_secret_expires_at FROM webhook_endpoints w "
    "LEFT JOIN webhook_previous_secrets p ON p.endpoint_id = w.id"
)
#: default and longest overlap of the old and new secret after a rotation (24 h)
ROTATION_GRACE_S = 24 * 3600


def endpoint_doc(row: sqlite3.Row, now: float, *, secret: bool = False) -> dict[str, Any]:
    """The public form; ``secret`` only where the contract shows it (once)."""
    expires = row["previous_secret_expires_at"]  # rows come from ENDPOINT_SELECT
    doc: dict[str, Any] = {
        "id": row["id"],
        "object": "webhook_endpoint",
        "url": row["url"],
        "events": json.loads(row["events"]),
        "created_at": rfc3339(row["created_at"]),
        "previous_secret_expires_at": rfc3339(expires) if expires and expires > now else None,
    }
    if secret:
        doc["secret"] = row["secret"]
    return doc


def check_rotation_body(payload: Any) -> int:
    """``grace_period_s`` of a rotate-secret request (absent body: the 24 h default)."""
    if payload is None:
        return ROTATION_GRACE_S
    payload = json_object(payload)
    errors = [unknown_field(name) for name in payload if name != "grace_period_s"]
    grace = payload.get("grace_period_s", ROTATION_GRACE_S)
    limits = f"from 0 to {ROTATION_GRACE_S} seconds"
    limits_zh = f"0 至 {ROTATION_GRACE_S} 秒"
    # bool is an int in Python, never in the contract
    if isinstance(grace, bool) or not isinstance(grace, int):
        errors.append(
            violation(
                "grace_period_s",
                "field.type",
                f"An integer number of seconds, {limits}.",
                f"应为整数秒，{limits_zh}。",
            )
        )
    elif not 0 <= grace <= ROTATION_GRACE_S:
        errors.append(
            violation(
                "grace_period_s",
                "field.too_small" if grace < 0 else "field.too_large",
                f"The grace period is {limits}.",
                f"宽限期应为 {limits_zh}。",
            )
        )
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    return int(grace)


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


#: Seconds a ``sending`` lease lasts beyond the attempts' timeouts.
SENDING_GRACE_S = 10.0


# --------------------------------------------------------------------------- delivery


def _claim_due(bureau: Bureau, now: float) -> list[dict[str, Any]]:
    """Mark due deliveries ``sending`` (so only one worker sends each) and return them.

    A ``sending`` delivery's ``next_attempt_at`` is its sender's lease: the time by
    which the attempt is over (sends go one after another, each within the timeout).
    A lease that ran out (its worker process died) makes the delivery due again, so
    a worker starting beside live ones never takes over what they are sending.
    """
    with bureau.db.read() as conn:  # the common case, nothing due, without taking the write lock
        if not conn.execute(
            "SELECT 1 FROM deliveries WHERE state IN ('pending', 'sending') "
            "AND next_attempt_at <= ? LIMIT 1",
            (now,),
        ).fetchone():
            return []
    with bureau.db.write() as conn:
        rows = conn.execute(
            "SELECT d.seq, d.attempts, e.doc, w.url, w.secret, p.secret AS previous_secret, "
            "p.expires_at AS previous_expires_at FROM deliveries d "
            "JOIN events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id "
            "LEFT JOIN webhook_previous_secrets p ON p.endpoint_id = w.id "
            "WHERE d.state IN ('pending', 'sending') AND d.next_attempt_at <= ? "
            "AND w.deleted_at IS NULL ORDER BY d.seq LIMIT 50",
            (now,),
        ).fetchall()
        timeout = bureau.settings.webhook_timeout
        for position, row in enumerate(rows, start=1):
            conn.execute(
                "UPDATE deliveries SET state = 'sending', next_attempt_at = ? WHERE seq = ?",
                (now + timeout * position + SENDING_GRACE_S, row["seq"]),
            )
    return [dict(row) for row in rows]


def _record(bureau: Bureau, seq: int, attempts: int, error: str | None, now: float) -> float | None:
    """Store an attempt's result; the delay until the retry, or None when done."""
    settings = bureau.settings
    with bureau.db.write() as conn:
        if error is None:
            conn.execute(
                "UPDATE deliveries SET state = 'delivered', attempts = ?, last_error = NULL "
                "WHERE seq = ?",
                (attempts, seq),
            )
            return None
        if attempts >= settings.webhook_max_attempts:
            conn.execute(
                "UPDATE deliveries SET state = 'failed', attempts = ?, last_error = ? "
                "WHERE seq = ?",
                (attempts, error, seq),
            )
            return None
        delay: float = settings.webhook_backoff * 2 ** (attempts - 1)
        conn.execute(
            "UPDATE deliveries SET state = 'pending', attempts = ?, last_error = ?, "
            "next_attempt_at = ? WHERE seq = ?",
            (attempts, error, now + delay, seq),
        )
        return delay


async def deliver_due(bureau: Bureau) -> None:
    """Send every due delivery once; arm a timer for the retries."""
    now = bureau.clock()
    due = await anyio.to_thread.run_sync(_claim_due, bureau, now)
    if not due:
        return
    async with httpx.AsyncClient(
        timeout=bureau.settings.webhook_timeout, trust_env=False
    ) as client:
        for item in due:
            body = item["doc"].encode("utf-8")
            event = json.loads(item["doc"])
            attempts = int(item["attempts"]) + 1
            sent_at = bureau.clock()
            # During a rotation's grace period the receiver may still hold the old secret.
            previous = item["previous_secret"]
            also = (previous,) if previous and item["previous_expires_at"] > sent_at else ()
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: signature_header(body, item["secret"], int(sent_at), also=also),
                "Vehreg-Event-Id": event["id"],
                "Vehreg-Delivery-Attempt": str(attempts),
                "User-Agent": "vehreg-sandbox-webhooks/1",
            }
            error: str | None = None
            try:
                response = await client.post(item["url"], content=body, headers=headers)
                if not 200 <= response.status_code < 300:
                    error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            retry = await anyio.to_thread.run_sync(
                _record, bureau, item["seq"], attempts, error, bureau.clock()
            )
            if retry is not None:
                bureau.retry_deliveries_in(retry)


def release_stuck(bureau: Bureau) -> float | None:
    """At start: deliveries whose sender's lease ran out go back to pending.

    Returns the seconds until the next delivery falls due (another worker's lease
    runs out, or a retry's wait ends; None: nothing waits), so the bureau can look
    again then: the timer that would have fired may have died with its process. A
    live worker's sends are left alone.
    """
    now = bureau.clock()
    with bureau.db.write() as conn:
        conn.execute(
            "UPDATE deliveries SET state = 'pending' WHERE state = 'sending' "
            "AND next_attempt_at <= ?",
            (now,),
        )
        (until,) = conn.execute(
            "SELECT MIN(next_attempt_at) FROM deliveries WHERE state IN ('pending', 'sending')"
        ).fetchone()
    return None if until is None else max(0.0, float(until) - now)
