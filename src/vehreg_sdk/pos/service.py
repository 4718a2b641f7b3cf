"""A till: the outbox, the plugins and a client, put together for the bridge and the hot folder.

Every sale goes through the outbox, online or not: :meth:`Till.submit` checks
it, runs the plugins, queues it durably and returns; :meth:`Till.sync` sends
what is due (the bridge calls it right away, so online the plate arrives
within a second). One path means one behaviour to test and no sale that
"only failed online".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..outbox import SHANGHAI, Outbox, OutboxError, OutboxItem, PhotoInput, SyncReport
from ..privacy import masked_logger
from ..rules import Violation
from ..types import EbikeRegistration, EbikeRegistrationCreate, Store
from ..types._base import violations_from_pydantic
from .hookspecs import ScanResult
from .host import PluginHost, exception_summary, owner_personal, personal_data

if TYPE_CHECKING:
    from ..types import EbikeCertificate

logger = masked_logger("vehreg_sdk.pos")

#: A clerk's bureau call (scan look-up, store list) gives up after this many seconds.
INTERACTIVE_TIMEOUT_S = 2.5

ClientFactory = Callable[[], Any]
"""Returns a :class:`vehreg_sdk.VehregClient` (called lazily, once)."""


def business_date() -> date:
    """Today in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


class SaleInvalid(OutboxError):
    """The sale breaks a rule; ``violations`` lists every problem in English and Chinese."""

    code = "sale.invalid"

    def __init__(self, violations: list[Violation]) -> None:
        count = len(violations)
        super().__init__(f"{count} problem(s) in the sale", f"销售信息有 {count} 处问题")
        self.violations = violations


@dataclass(slots=True)
class Check:
    """A checked (possibly incomplete) sale: the model when complete, and every violation."""

    registration: EbikeRegistrationCreate | None
    violations: list[Violation] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.is_error]

    @property
    def ok(self) -> bool:
        return self.registration is not None and not self.errors


class Till:
    """The POS side of one shop: outbox + plugin host + (lazily) a bureau client."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        host: PluginHost | None = None,
        client_factory: ClientFactory | None = None,
        worker_id: str | None = None,
        interactive_timeout: float = INTERACTIVE_TIMEOUT_S,
    ) -> None:
        self.outbox = outbox
        self.host = host or PluginHost()
        self._client_factory = client_factory
        self._client: Any = None
        self._client_lock = threading.Lock()
        self._stores: dict[str, Store] = {}
        self.worker_id = worker_id
        #: seconds a clerk waits at most for one bureau call (a scan, the store list);
        #: the background sync keeps the client's full timeout and retries
        self.interactive_timeout = interactive_timeout

    # ------------------------------------------------------------------ client
    @property
    def client(self) -> Any:
        with self._client_lock:
            if self._client is None:
                factory = self._client_factory or _default_client
                self._client = factory()
            return self._client

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None and hasattr(self._client, "close"):
                self._client.close()
            self._client = None

    @property
    def interactive_client(self) -> Any:
        """The client for a clerk's calls: ``interactive_timeout`` and no retries, so a
        bureau that accepts connections and never answers costs seconds, not minutes."""
        client = self.client
        if not hasattr(client, "with_options"):
            return client
        return client.with_options(timeout=self.interactive_timeout, max_retries=0)

    def store(self, store_id: str) -> Store | None:
        """The store's details (cached); ``None`` when the bureau cannot be reached."""
        if store_id not in self._stores:
            self.refresh_stores(interactive=False)
        return self._stores.get(store_id)

    def stores(self) -> list[Store]:
        """Every store of the dealer (the bureau's list, else the last one seen)."""
        self.refresh_stores(interactive=True)
        return list(self._stores.values())

    def cached_stores(self) -> list[Store]:
        """The stores as last seen, without asking the bureau."""
        return list(self._stores.values())

    def refresh_stores(self, *, interactive: bool = True) -> bool:
        """Ask the bureau for the store list; ``False`` when it could not be reached."""
        try:
            client = self.interactive_client if interactive else self.client
            for store in client.stores.list():
                self._stores[store.id] = store
        except Exception as exc:
            logger.info("pos: store list unavailable: %s", type(exc).__name__)
            return False
        return True

    # ------------------------------------------------------------------ scanning
    def scan(self, text: str) -> ScanResult | None:
        return self.host.parse_scan(text)

    def certificate(self, vehicle_code: str) -> EbikeCertificate | None:
        """The certificate from the bureau, or ``None`` when offline or unknown."""
        return self.look_up_certificate(vehicle_code)[0]

    def look_up_certificate(self, vehicle_code: str) -> tuple[EbikeCertificate | None, bool]:
        """``(certificate or None, bureau answered)``, within ``interactive_timeout``.

        A 404 is an answer (the bureau is up, the code unknown); a timeout, a refused
        connection or a 5xx is not.
        """
        from .._errors import APIConnectionError, InternalServerError, RateLimitError

        try:
            cert: EbikeCertificate = self.interactive_client.certificates.retrieve(vehicle_code)
        except (APIConnectionError, InternalServerError, RateLimitError) as exc:
            logger.info("pos: bureau unreachable for %s: %s", vehicle_code, type(exc).__name__)
            return None, False
        except Exception as exc:
            logger.info("pos: certificate %s unavailable: %s", vehicle_code, type(exc).__name__)
            return None, not _is_client_failure(exc)
        return cert, True

    # ------------------------------------------------------------------ checking and queueing
    def check(
        self, data: Mapping[str, Any], *, certificate: EbikeCertificate | None = None
    ) -> Check:
        """Every violation of ``data`` at once, for live validation of a form being filled in."""
        from .. import rules

        violations: list[Violation] = []
        model: EbikeRegistrationCreate | None = None
        try:
            model = EbikeRegistrationCreate.model_validate(dict(data))
        except ValidationError as exc:
            violations.extend(violations_from_pydantic(exc))
        try:
            violations.extend(
                rules.check_ebike_registration(
                    (model.vehicle if model else data.get("vehicle")) or {},
                    (model.owner if model else data.get("owner")) or {},
                    (model.sale if model else data.get("sale")) or {},
                    certificate,
                    on=business_date(),
                )
            )
        except Exception as exc:  # the rules never raise by contract; be safe at a till anyway
            # Not logger.exception: the traceback's message may quote the owner's name.
            logger.error(
                "pos: rule check failed: %s", exception_summary(exc, _personal(model, data))
            )
        if model is not None:
            violations.extend(self.host.validate_sale(model))
        return Check(model, _unique(violations))

    def submit(
        self,
        data: EbikeRegistrationCreate | Mapping[str, Any],
        *,
        dedupe_key: str | None = None,
        photos: Sequence[PhotoInput] = (),
        source: str = "api",
        actor: str = "clerk",
        meta: Mapping[str, Any] | None = None,
    ) -> OutboxItem:
        """Check the sale, run ``before_submit``, and queue it durably.

        Raises :class:`SaleInvalid` (every violation) or
        :class:`~vehreg_sdk.outbox.VehicleAlreadyQueued`; a replay of the same
        ``dedupe_key`` returns the first item.
        """
        if dedupe_key is not None:
            existing = self.outbox.find(dedupe_key=dedupe_key)
            if existing is not None:
                from dataclasses import replace

                return replace(existing, replayed=True)
        raw = data.model_dump(mode="json") if isinstance(data, EbikeRegistrationCreate) else data
        result = self.check(raw)
        if result.registration is None or result.errors:
            raise SaleInvalid(result.errors or result.violations)
        self.host.before_submit(result.registration)
        return self.outbox.enqueue(
            result.registration,
            photos=photos,
            dedupe_key=dedupe_key,
            source=source,
            actor=actor,
            meta=meta,
        )

    def submit_many(
        self,
        sales: Sequence[EbikeRegistrationCreate | Mapping[str, Any]],
        *,
        dedupe_keys: Sequence[str | None] | None = None,
        metas: Sequence[Mapping[str, Any] | None] | None = None,
        source: str = "api",
        actor: str = "clerk",
        photos: Sequence[Sequence[PhotoInput]] | None = None,
    ) -> list[OutboxItem]:
        """Check, run ``before_submit`` for, and queue several sales **all or nothing**.

        ``photos[i]`` are sale ``i``'s photos (prepared for the bureau when queued).

        A sale whose ``dedupe_keys[i]`` is already known comes back replayed. Every other
        sale is checked first; the first one with errors raises :class:`SaleInvalid` and
        nothing is queued. Then all are queued in one transaction
        (:meth:`~vehreg_sdk.outbox.Outbox.enqueue_many`): a vehicle that already has a live
        item raises :class:`~vehreg_sdk.outbox.VehicleAlreadyQueued`, and again nothing of
        the batch is queued.
        """
        keys = list(dedupe_keys) if dedupe_keys is not None else [None] * len(sales)
        if len(keys) != len(sales):
            raise ValueError("dedupe_keys needs one entry per sale")
        batch: list[EbikeRegistrationCreate | Mapping[str, Any]] = []
        fresh: list[EbikeRegistrationCreate] = []
        for sale, key in zip(sales, keys, strict=True):
            if key is not None and self.outbox.find(dedupe_key=key) is not None:
                batch.append(sale)  # a replay: enqueue_many gives back the first item
                continue
            raw = (
                sale.model_dump(mode="json") if isinstance(sale, EbikeRegistrationCreate) else sale
            )
            result = self.check(raw)
            if result.registration is None or result.errors:
                raise SaleInvalid(result.errors or result.violations)
            batch.append(result.registration)
            fresh.append(result.registration)
        for registration in fresh:
            self.host.before_submit(registration)
        return self.outbox.enqueue_many(
            batch, dedupe_keys=keys, metas=metas, source=source, actor=actor, photos=photos
        )

    # ------------------------------------------------------------------ sending
    def sync(self, *, limit: int | None = None) -> SyncReport:
        """Send what is due; after each plate, run ``after_registration`` (label printing)."""
        try:
            client = self.client
        except Exception as exc:  # no credentials yet: the sale stays queued
            logger.warning("pos: cannot create the client: %s", exception_summary(exc))
            from ..outbox import make_worker_id

            return SyncReport(worker=self.worker_id or make_worker_id())
        return self.outbox.sync(
            client, worker_id=self.worker_id, limit=limit, on_registered=self._registered
        )

    def _registered(self, item: OutboxItem, registration: EbikeRegistration) -> None:
        failures = self.host.after_registration(
            registration,
            self.store(item.store_id),
            item.local_id,
            personal=_personal(None, item.payload),
        )
        for failure in failures:
            logger.warning(
                "pos: %s failed after %s: %s", failure.plugin, item.local_id, failure.error
            )


def _personal(model: EbikeRegistrationCreate | None, data: Mapping[str, Any]) -> dict[str, str]:
    """The owner's personal data of a sale being checked (complete or not), to mask by value."""
    if model is not None:
        return personal_data({"sale": model})
    owner = data.get("owner")
    return owner_personal(owner) if isinstance(owner, Mapping) else {}


def _unique(violations: list[Violation]) -> list[Violation]:
    seen: set[tuple[str, str]] = set()
    out: list[Violation] = []
    for v in violations:
        key = (v.field, v.code)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _is_client_failure(exc: BaseException) -> bool:
    """No client at all (no credentials, a bad setting): nothing was asked of the bureau."""
    from .._errors import ConfigurationError, CredentialsError

    return isinstance(exc, CredentialsError | ConfigurationError)


def _default_client() -> Any:
    from .._client import VehregClient

    return VehregClient()


def violation_dicts(violations: Sequence[Violation]) -> list[dict[str, Any]]:
    return [v.to_dict() for v in violations]
