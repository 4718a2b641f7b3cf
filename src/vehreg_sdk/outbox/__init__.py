"""The offline outbox: sales made while the bureau is unreachable, registered later exactly once.

::

    from vehreg_sdk.outbox import Outbox

    with Outbox("shop.db") as outbox:
        item = outbox.enqueue(registration)      # fsync'd; item.local_id is the Idempotency-Key
        ...
        outbox.sync(client)                      # any process, any time; safe to run concurrently

A vendor hub opens a PostgreSQL outbox instead (``Outbox("postgresql://...")``, the
``[postgres]`` extra) and routes each sale to its dealer's credentials
(:class:`DealerRouter`); see ``docs/hub.md``.
"""

from ._backend import OutboxSchemaMismatch, OutboxUnavailable
from ._crypto import ENV_KEY, ENV_KEY_FILE, OutboxKeyProblem, generate_key
from ._dealers import (
    ENV_DEALERS_FILE,
    DealerConfigError,
    DealerCredentials,
    DealerRouter,
    load_dealers,
)
from ._export import export_csv
from ._followup import CancelReasonInvalid
from ._location import OutboxOnNetworkPath
from ._models import (
    FINAL_STATUSES,
    FOLLOWED_STATUSES,
    SHANGHAI,
    STATUS_TEXT,
    TERMINAL_STATUSES,
    Attachment,
    HistoryEntry,
    InvalidTransition,
    ItemNotFound,
    ItemStatus,
    OutboxDamaged,
    OutboxError,
    OutboxHealth,
    OutboxItem,
    SyncReport,
    VehicleAlreadyQueued,
    status_text,
)
from ._rows import PhotoInput, default_path, make_worker_id
from ._store import DEFAULT_MAX_AGE, Outbox
from ._sync import FINAL_REJECTION_CODES, SyncClient, claim

__all__ = [
    "DEFAULT_MAX_AGE",
    "ENV_DEALERS_FILE",
    "ENV_KEY",
    "ENV_KEY_FILE",
    "FINAL_REJECTION_CODES",
    "FINAL_STATUSES",
    "FOLLOWED_STATUSES",
    "SHANGHAI",
    "STATUS_TEXT",
    "TERMINAL_STATUSES",
    "Attachment",
    "CancelReasonInvalid",
    "DealerConfigError",
    "DealerCredentials",
    "DealerRouter",
    "HistoryEntry",
    "InvalidTransition",
    "ItemNotFound",
    "ItemStatus",
    "Outbox",
    "OutboxDamaged",
    "OutboxError",
    "OutboxHealth",
    "OutboxItem",
    "OutboxKeyProblem",
    "OutboxOnNetworkPath",
    "OutboxSchemaMismatch",
    "OutboxUnavailable",
    "PhotoInput",
    "SyncClient",
    "SyncReport",
    "VehicleAlreadyQueued",
    "claim",
    "default_path",
    "export_csv",
    "generate_key",
    "load_dealers",
    "make_worker_id",
    "status_text",
]
