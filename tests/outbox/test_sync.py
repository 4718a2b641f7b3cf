"""Sync against a scripted client: every outcome lands in the right state, under the same key."""

from __future__ import annotations

from vehreg_sdk import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InternalServerError,
    LocalValidationError,
    RateLimitError,
    UnprocessableEntityError,
)
from vehreg_sdk.outbox import ItemStatus, Outbox, claim
from vehreg_sdk.outbox._sync import IN_PROGRESS_RETRY_SECONDS
from vehreg_sdk.rules import Violation
from vehreg_sdk.testing import SAMPLE_PNG

from .outbox_support import FakeClient, OpenOutbox, run_sql, sale_payload, status_error

PNG = SAMPLE_PNG  # a real PNG: photos are decoded to be prepared


def _mobile_violation() -> Violation:
    return Violation("mobile.invalid", "owner.mobile", "Mobile number is invalid", "手机号码无效")


def test_online_sale_gets_its_plate(outbox: Outbox) -> None:
    client = FakeClient()
    item = outbox.enqueue(sale_payload(1))
    report = outbox.sync(client)
    done = outbox.get(item.local_id)
    assert report.plate_assigned == [item.local_id]
    assert done.status == ItemStatus.PLATE_ASSIGNED and done.plate_number == "苏G000001"
    assert done.registration() is not None and done.registration().id == done.registration_id  # type: ignore[union-attr]
    assert client.ebike_registrations.calls[0]["idempotency_key"] == item.local_id
    events = [h.event for h in outbox.history(item.local_id)]
    assert events == ["enqueued", "claimed", "accepted", "plate_assigned"]


def test_retryable_failures_back_off_and_keep_the_key(open_outbox: OpenOutbox) -> None:
    # A long backoff, skipped by hand below: with a short one a slow (loaded) machine would
    # see the item fall due again inside the same sync and retry it twice in one report.
    outbox = open_outbox(retry_base_seconds=60)
    client = FakeClient()
    client.ebike_registrations.outcomes = [
        APIConnectionError(),
        APITimeoutError(),
        status_error(InternalServerError, 503, "bureau.unavailable"),
    ]
    item = outbox.enqueue(sale_payload(2))
    for _ in range(3):
        report = outbox.sync(client)
        assert report.retry_later == [item.local_id] and report.bureau_unreachable
        waiting = outbox.get(item.local_id)
        assert waiting.status == ItemStatus.QUEUED and waiting.errors
        assert waiting.errors[0]["message_zh"]
        run_sql(outbox, "UPDATE items SET next_attempt_at = 0")  # skip the backoff
    outbox.sync(client)
    assert outbox.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED
    keys = {call["idempotency_key"] for call in client.ebike_registrations.calls}
    assert keys == {item.local_id} and len(client.ebike_registrations.calls) == 4
    outbox.close()


def test_backoff_is_not_retried_early(open_outbox: OpenOutbox) -> None:
    box = open_outbox(retry_base_seconds=60)
    client = FakeClient()
    client.ebike_registrations.outcomes = [APIConnectionError()]
    item = box.enqueue(sale_payload(3))
    box.sync(client)
    assert box.sync(client).claimed == 0
    assert box.get(item.local_id).next_attempt_at.timestamp() > box.now() + 25
    box.close()


def test_rate_limit_honours_retry_after(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [
        status_error(RateLimitError, 429, "rate_limited", retry_after="42")
    ]
    item = outbox.enqueue(sale_payload(4))
    outbox.sync(client)
    wait = outbox.get(item.local_id).next_attempt_at.timestamp() - outbox.now()
    assert 40 < wait <= 42


def test_fixable_rejection_needs_attention_then_amend_resends(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [
        status_error(UnprocessableEntityError, 422, "validation.failed", [_mobile_violation()])
    ]
    item = outbox.enqueue(sale_payload(5))
    report = outbox.sync(client)
    parked = outbox.get(item.local_id)
    assert report.needs_attention == [item.local_id]
    assert parked.status == ItemStatus.NEEDS_ATTENTION
    assert (
        parked.errors[0]["field"] == "owner.mobile"
        and parked.errors[0]["message_zh"] == "手机号码无效"
    )
    assert outbox.sync(client).claimed == 0  # parked: not retried by itself
    outbox.amend(item.local_id, sale_payload(5, mobile="13900002222"))
    outbox.sync(client)
    assert outbox.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED
    assert client.ebike_registrations.calls[-1]["idempotency_key"] == f"{item.local_id}.r1"


def test_final_rejection_is_rejected(outbox: Outbox) -> None:
    client = FakeClient()
    stolen = Violation(
        "vehicle.stolen", "vehicle.vehicle_code", "Reported stolen", "该车已被报失窃"
    )
    client.ebike_registrations.outcomes = [
        status_error(UnprocessableEntityError, 422, "validation.failed", [stolen])
    ]
    item = outbox.enqueue(sale_payload(6))
    assert outbox.sync(client).rejected == [item.local_id]
    assert outbox.get(item.local_id).status == ItemStatus.REJECTED


def test_409_for_our_own_earlier_attempt_is_adopted(outbox: Outbox) -> None:
    """Days later the idempotency record is gone; the business key answers 409 with the id."""
    client = FakeClient()
    item = outbox.enqueue(sale_payload(7))
    earlier = client.ebike_registrations._registration(dict(item.payload))
    client.ebike_registrations.outcomes = [
        status_error(ConflictError, 409, "vehicle.already_registered", existing_id=earlier.id)
    ]
    outbox.sync(client)
    done = outbox.get(item.local_id)
    assert done.status == ItemStatus.PLATE_ASSIGNED and done.registration_id == earlier.id


def test_409_for_someone_elses_registration_is_rejected(outbox: Outbox) -> None:
    client = FakeClient()
    other = client.ebike_registrations._registration(
        {**sale_payload(8), "client_reference": "another-till"}
    )
    client.ebike_registrations.outcomes = [
        status_error(ConflictError, 409, "vehicle.already_registered", existing_id=other.id)
    ]
    item = outbox.enqueue(sale_payload(8))
    outbox.sync(client)
    assert outbox.get(item.local_id).status == ItemStatus.REJECTED


def test_configuration_errors_need_attention(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [
        status_error(AuthenticationError, 401, "auth.invalid_signature")
    ]
    item = outbox.enqueue(sale_payload(9))
    outbox.sync(client)
    parked = outbox.get(item.local_id)
    assert parked.status == ItemStatus.NEEDS_ATTENTION
    assert parked.errors[0]["code"] == "auth.invalid_signature"
    outbox.retry(item.local_id)
    outbox.sync(client)
    assert outbox.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED


def test_local_validation_error_needs_attention(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [LocalValidationError([_mobile_violation()])]
    item = outbox.enqueue(sale_payload(10))
    outbox.sync(client)
    assert outbox.get(item.local_id).status == ItemStatus.NEEDS_ATTENTION


def test_unexpected_bug_keeps_the_sale(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [RuntimeError("boom")]
    outbox.retry_base_seconds = 60  # not due again within this run, however slow the machine
    item = outbox.enqueue(sale_payload(11))
    outbox.sync(client)
    assert outbox.get(item.local_id).status == ItemStatus.QUEUED


def test_a_run_stops_early_when_the_bureau_is_down(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [APIConnectionError() for _ in range(10)]
    for n in range(6):
        outbox.enqueue(sale_payload(20 + n))
    report = outbox.sync(client)
    assert report.claimed == 3  # the rest stays due for the next run, untouched
    assert outbox.counts()["queued"] == 6


def test_photos_are_uploaded_once_with_stable_keys(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [APIConnectionError()]
    item = outbox.enqueue(sale_payload(12), photos=[("id_front", PNG), ("invoice", PNG)])
    outbox.sync(client)
    run_sql(outbox, "UPDATE items SET next_attempt_at = 0")
    outbox.sync(client)
    keys = [call["idempotency_key"] for call in client.uploads.calls]
    assert keys == [f"{item.local_id}.upload.0", f"{item.local_id}.upload.1"]  # not re-uploaded
    assert client.ebike_registrations.calls[-1]["uploads"] == [f"up_{k}" for k in keys]


def test_an_expired_lease_is_retaken_with_the_same_key(open_outbox: OpenOutbox) -> None:
    now = [1_750_000_000.0]
    box = open_outbox(lease_seconds=30, clock=lambda: now[0])
    item = box.enqueue(sale_payload(13))
    taken = claim(box, "till-1")  # then till 1 dies before recording anything
    assert taken is not None and taken.status == ItemStatus.SUBMITTING
    client = FakeClient()
    assert box.sync(client, worker_id="till-2").claimed == 0  # the lease still holds
    now[0] += 31
    box.sync(client, worker_id="till-2")
    done = box.get(item.local_id)
    assert done.status == ItemStatus.PLATE_ASSIGNED
    assert client.ebike_registrations.calls[0]["idempotency_key"] == item.local_id
    retaken = [h for h in box.history(item.local_id) if h.event == "lease_expired"]
    assert retaken and "till-1" in retaken[0].detail and retaken[0].actor == "till-2"
    box.close()


def test_after_registration_failure_does_not_lose_the_sale(outbox: Outbox) -> None:
    def explode(item: object, registration: object) -> None:
        raise OSError("printer on fire")

    item = outbox.enqueue(sale_payload(14))
    report = outbox.sync(FakeClient(), on_registered=explode)
    assert report.hook_failures == [item.local_id]
    assert outbox.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED


def test_registration_without_plate_stays_submitted_then_refreshes(outbox: Outbox) -> None:
    client = FakeClient()
    regs = client.ebike_registrations
    original = regs._registration

    def no_plate(kwargs: dict[str, object]) -> object:
        return original(kwargs, plate=False)

    regs.create = lambda **kw: (regs.calls.append(kw), no_plate(kw))[1]  # type: ignore[method-assign]
    item = outbox.enqueue(sale_payload(15))
    assert outbox.sync(client).submitted == [item.local_id]
    pending = outbox.get(item.local_id)
    assert pending.status == ItemStatus.SUBMITTED and pending.registration_id
    # the bureau assigns the plate later; the refresh picks it up
    reg = regs.created[pending.registration_id]
    regs.created[reg.id] = reg.model_copy(update={"plate_number": "苏G777777", "plate_token": "t"})
    run_sql(outbox, "UPDATE items SET next_attempt_at = 0")
    outbox.sync(client)
    assert outbox.get(item.local_id).plate_number == "苏G777777"
    assert len(regs.calls) == 1  # refreshed with a GET, never created twice


def test_409_in_progress_is_tried_again_later_with_the_same_key(outbox: Outbox) -> None:
    """Another request with this key is still running at the bureau: wait, do not park."""
    import httpx

    client = FakeClient()
    client.ebike_registrations.outcomes = [
        status_error(ConflictError, 409, "idempotency.in_progress"),
        status_error(
            ConflictError,
            409,
            "idempotency.in_progress",
            response=httpx.Response(409, headers={"Retry-After": "7"}),
        ),
    ]
    item = outbox.enqueue(sale_payload(16))
    report = outbox.sync(client)
    assert report.retry_later == [item.local_id] and report.needs_attention == []
    waiting = outbox.get(item.local_id)
    assert waiting.status == ItemStatus.QUEUED
    assert waiting.errors[0]["code"] == "idempotency.in_progress"
    assert 0 < waiting.next_attempt_at.timestamp() - outbox.now() <= IN_PROGRESS_RETRY_SECONDS
    run_sql(outbox, "UPDATE items SET next_attempt_at = 0")
    outbox.sync(client)
    wait = outbox.get(item.local_id).next_attempt_at.timestamp() - outbox.now()
    assert 6 < wait <= 7  # the bureau's Retry-After
    run_sql(outbox, "UPDATE items SET next_attempt_at = 0")
    outbox.sync(client)
    assert outbox.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED
    keys = [call["idempotency_key"] for call in client.ebike_registrations.calls]
    assert keys == [item.local_id] * 3


def test_in_progress_answers_do_not_count_as_an_outage(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [
        status_error(ConflictError, 409, "idempotency.in_progress") for _ in range(4)
    ]
    for n in range(5):
        outbox.enqueue(sale_payload(40 + n))
    report = outbox.sync(client)
    assert report.claimed == 5 and len(report.plate_assigned) == 1
    assert outbox.counts()["queued"] == 4 and outbox.counts()["needs_attention"] == 0


def test_waiting_for_the_plate_writes_no_history_rows(outbox: Outbox) -> None:
    """A submitted item is looked at every 30 s; only a change is an audit-trail row."""
    client = FakeClient()
    regs = client.ebike_registrations
    original = regs._registration
    regs.create = lambda **kw: (regs.calls.append(kw), original(kw, plate=False))[1]  # type: ignore[method-assign]
    item = outbox.enqueue(sale_payload(17))
    outbox.sync(client)
    accepted = outbox.get(item.local_id)
    assert accepted.status == ItemStatus.SUBMITTED
    before = [h.event for h in outbox.history(item.local_id)]
    assert before == ["enqueued", "claimed", "accepted"]
    for _ in range(5):  # five refreshes, the plate still not assigned
        run_sql(outbox, "UPDATE items SET next_attempt_at = 0")
        assert outbox.sync(client).claimed == 1
    assert [h.event for h in outbox.history(item.local_id)] == before
    assert outbox.get(item.local_id).updated_at == accepted.updated_at

    # a look that fails is recorded once, not once per failed look
    real_retrieve = regs.retrieve

    def unreachable(registration_id: str, **_: object) -> object:
        raise APIConnectionError()

    regs.retrieve = unreachable  # type: ignore[method-assign]
    for _ in range(3):
        run_sql(outbox, "UPDATE items SET next_attempt_at = 0")
        outbox.sync(client)
    events = [h.event for h in outbox.history(item.local_id)]
    assert events == [*before, "retry_scheduled"]
    assert outbox.get(item.local_id).status == ItemStatus.SUBMITTED

    regs.retrieve = real_retrieve  # type: ignore[method-assign]
    reg = regs.created[accepted.registration_id]  # type: ignore[index]
    regs.created[reg.id] = reg.model_copy(update={"plate_number": "苏G888888", "plate_token": "t"})
    run_sql(outbox, "UPDATE items SET next_attempt_at = 0")
    outbox.sync(client)
    done = outbox.get(item.local_id)
    assert done.status == ItemStatus.PLATE_ASSIGNED and done.plate_number == "苏G888888"
    assert [h.event for h in outbox.history(item.local_id)][-1] == "plate_assigned"
    assert len(regs.calls) == 1
