"""Child of the kill -9 test: sends the queued plate-fitted photo, then dies before recording.

``python photo_kill_worker.py DB BASE_URL APP_KEY APP_SECRET``: the real client, except
that right after the bureau answered the photo upload the process kills itself (SIGKILL
on POSIX, TerminateProcess on Windows): the worst moment, sent but not recorded.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from vehreg_sdk import VehregClient
from vehreg_sdk.outbox import Outbox


class _DieAfterPhoto:
    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def upload_photo(self, *args: Any, **kwargs: Any) -> Any:
        self._real.upload_photo(*args, **kwargs)
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        raise SystemExit(99)  # pragma: no cover - never reached


class _Client:
    def __init__(self, real: VehregClient) -> None:
        self.uploads = real.uploads
        self.events = real.events
        self.ebike_registrations = _DieAfterPhoto(real.ebike_registrations)


def main() -> None:
    db, base_url, app_key, app_secret = sys.argv[1:5]
    with (
        Outbox(db) as outbox,  # a file, or a hub's postgresql:// URL
        VehregClient(base_url=base_url, app_key=app_key, app_secret=app_secret) as client,
    ):
        outbox.sync(_Client(client))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
