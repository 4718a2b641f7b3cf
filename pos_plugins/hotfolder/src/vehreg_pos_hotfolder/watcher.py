"""The hot folder: the POS drops sale files into INBOX; each is queued, then moved away.

::

    INBOX/             the POS writes ``sale-123.json.tmp`` and renames it to ``sale-123.json``
    INBOX/processed/   files whose sales are in the outbox
    INBOX/rejected/    files that could not be queued, each with ``<name>.reason.json``
    INBOX/results/     ``<name>.result.json``: local id, status, plate, bilingual errors;
                       rewritten as the sale moves on (plate assigned, rejected...)

Half-written files are never read: temporary names are ignored, and a file is
taken only when its size and modification time have not changed for
``settle_seconds`` across two polls; a JSON file that still does not parse is
given ``give_up_seconds`` before it is rejected.

A file is all or nothing: every sale in it is checked first (rules, plugins, a
vehicle twice in the file), then all are queued in one transaction, so a file
that is rejected left nothing behind and can be corrected and dropped again.
Each sale is queued (fsync'd) *before* its file is moved, under a key of its
own (:func:`row_key`: its ``pos_reference``, else the hash of the sale's own
content), so a crash in between, or the same sale dropped twice, in the same
file or another, never queues it twice.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vehreg_sdk.outbox import (
    InvalidTransition,
    ItemNotFound,
    OutboxItem,
    VehicleAlreadyQueued,
)
from vehreg_sdk.photos import PhotoError, photos_from_json
from vehreg_sdk.pos import SaleInvalid, Till, violation_dicts
from vehreg_sdk.privacy import masked_logger

from .files import (
    MalformedFile,
    is_candidate,
    parse_sales,
    unique_destination,
    write_json_atomic,
)
from .keys import file_stamp, row_key, vehicle_code
from .photos import PhotoFile, listed_photos, missing, sha256
from .results import SINGLE_SALE_KEYS, photo_problem, sale_result, twice_in_file

logger = masked_logger("vehreg_pos_hotfolder")

SOURCE = "hotfolder"


@dataclass(slots=True)
class FileOutcome:
    """What happened to one file: ``processed`` or ``rejected``, and where it went."""

    name: str
    outcome: str
    moved_to: Path
    result_path: Path
    local_ids: list[str] = field(default_factory=list)
    duplicate: bool = False


@dataclass(slots=True)
class _Seen:
    size: int
    mtime_ns: int


class HotFolder:
    """Polls one inbox. Call :meth:`poll` in a loop (``vehreg pos watch`` does)."""

    def __init__(
        self,
        inbox: Path,
        till: Till,
        *,
        default_store_id: str | None = None,
        settle_seconds: float = 1.0,
        give_up_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inbox = Path(inbox)
        self.till = till
        self.default_store_id = default_store_id
        self.settle_seconds = settle_seconds
        self.give_up_seconds = give_up_seconds
        self._clock = clock
        self.processed = self.inbox / "processed"
        self.rejected = self.inbox / "rejected"
        self.results = self.inbox / "results"
        for folder in (self.inbox, self.processed, self.rejected, self.results):
            folder.mkdir(parents=True, exist_ok=True)
        self._seen: dict[str, _Seen] = {}
        self._results_since = 0.0

    # ------------------------------------------------------------------ polling
    def poll(self) -> list[FileOutcome]:
        """Take every settled file once, then bring result files up to date."""
        outcomes = []
        present = set()
        for path in sorted(self.inbox.iterdir()):
            if not path.is_file() or not is_candidate(path):
                continue
            present.add(path.name)
            try:
                outcome = self._consider(path)
            except OSError as exc:  # still open in the POS (Windows), vanished, ...: next poll
                logger.info("hotfolder: %s not ready: %s", path.name, exc)
                continue
            if outcome is not None:
                outcomes.append(outcome)
        self._seen = {k: v for k, v in self._seen.items() if k in present}
        self.refresh_results()  # never raises for a file in use: retried on the next poll
        return outcomes

    def _consider(self, path: Path) -> FileOutcome | None:
        stat = path.stat()
        now = self._clock()
        seen = _Seen(stat.st_size, stat.st_mtime_ns)
        previous = self._seen.get(path.name)
        self._seen[path.name] = seen
        age = now - stat.st_mtime_ns / 1e9
        if previous != seen or age < self.settle_seconds:
            return None  # still changing, or too fresh: a POS that ignores the rename rule
        data = path.read_bytes()
        if len(data) != seen.size:
            return None
        try:
            sales = parse_sales(path, data)
            photo_lists = [listed_photos(self.inbox, sale) for sale in sales]
        except MalformedFile as exc:
            return self._reject(path, data, exc.message, exc.message_zh)
        except ValueError as exc:
            if age < self.give_up_seconds:
                return None  # perhaps still being written
            return self._reject(path, data, f"not valid JSON: {exc}", "JSON 格式错误，无法解析")
        absent = [name for photos in photo_lists for name in missing(photos)]
        if absent:
            if age < self.give_up_seconds:
                return None  # the POS writes the photos first; perhaps not all are there yet
            names = ", ".join(absent)
            return self._reject(
                path, data, f"photo files not found: {names}", f"找不到照片文件：{names}"
            )
        try:
            photo_data = [[photo.read() for photo in photos] for photos in photo_lists]
        except MalformedFile as exc:
            return self._reject(path, data, exc.message, exc.message_zh)
        if len(sales) == 1 and "photos_for" in sales[0]:
            return self._attach(path, data, sales[0], photo_lists[0], photo_data[0])
        return self._queue(path, data, sales, photo_lists, photo_data)

    # ------------------------------------------------------------------ queueing
    def _queue(
        self,
        path: Path,
        data: bytes,
        sales: list[dict[str, Any]],
        photo_lists: list[list[PhotoFile]],
        photo_data: list[list[tuple[str, bytes, str]]],
    ) -> FileOutcome:
        """Queue every sale of the file, or none of them (a file is the POS's unit of work)."""
        result_path = self.results / f"{path.stem}.result.json"
        prepared: list[tuple[int, dict[str, Any], str]] = []
        problems: list[dict[str, Any]] = []
        first_row: dict[str, int] = {}
        photos: list[list[tuple[str, bytes, str]]] = []
        for row, sale in enumerate(sales, start=1):
            sale = dict(sale)
            reference = sale.pop("pos_reference", None)
            try:  # as POST /sales takes them; prepared (upright, small, no GPS) when queued
                photos.append(photos_from_json(sale.pop("photos", None)))
            except PhotoError as exc:
                photos.append([])
                problems.append(photo_problem(exc, row))
            key = row_key(sale, reference)
            if self.default_store_id and not sale.get("store_id"):
                sale["store_id"] = self.default_store_id
            prepared.append((row, sale, key))
            if self.till.outbox.find(dedupe_key=key) is not None:
                continue  # queued before (the same file again): replayed, not checked again
            check = self.till.check(sale)
            if check.registration is None or check.errors:
                for v in violation_dicts(check.errors or check.violations):
                    problems.append({**v, "row": row})
                continue
            code = check.registration.vehicle.vehicle_code
            if code in first_row:
                problems.append({**twice_in_file(code, first_row[code]), "row": row})
            first_row.setdefault(code, row)
        if problems:
            return self._reject(
                path,
                data,
                "the file has problems; none of its sales was queued",
                "文件中的销售信息有误，整个文件均未提交",
                problems,
            )
        stamp = file_stamp(path)
        try:
            queued = self.till.submit_many(
                [sale for _, sale, _ in prepared],
                dedupe_keys=[key for _, _, key in prepared],
                metas=[
                    {"result": result_path.name, "row": row, "file": path.name, "stamp": stamp}
                    for row, _, _ in prepared
                ],
                source=SOURCE,
                actor=f"hotfolder:{path.name}",
                photos=photos,
            )
        except PhotoError as exc:  # not a readable photo, or HEIC without the heic extra
            return self._reject(
                path, data, f"{exc.message}; none of the file's sales was queued",
                f"{exc.message_zh}；整个文件均未提交", [photo_problem(exc, None)],
            )  # fmt: skip
        except SaleInvalid as exc:  # a plugin changed its mind between the check and now
            return self._reject(
                path, data, exc.message, exc.message_zh, violation_dicts(exc.violations)
            )
        except VehicleAlreadyQueued as exc:  # nothing of the file was queued: fix and resend
            rows = [row for row, sale, _ in prepared if vehicle_code(sale) == exc.vehicle_code]
            errors = [{**exc.to_dict(), "field": "vehicle.vehicle_code", "row": r} for r in rows]
            return self._reject(
                path,
                data,
                f"{exc.message}; none of the file's sales was queued",
                f"{exc.message_zh}；整个文件均未提交",
                errors or [exc.to_dict()],
            )
        items = [(row, item) for (row, _, _), item in zip(prepared, queued, strict=True)]
        for (_, item), photos in zip(items, photo_data, strict=True):
            self._add_photos(item, photos, path.name)
        if any(photo_data):  # the photos show in the result; ``replayed`` is kept
            items = [
                (row, replace(self.till.outbox.get(item.local_id), replayed=item.replayed))
                for row, item in items
            ]
        # Replayed items that this very file queued on an earlier poll (its result could not be
        # written or the file not moved: open in the POS, an antivirus lock) are not duplicates.
        duplicate = all(
            item.replayed
            and not (item.meta.get("file") == path.name and item.meta.get("stamp") == stamp)
            for _, item in items
        )
        write_json_atomic(result_path, self._result(path.name, items, duplicate=duplicate))
        moved = unique_destination(self.processed, path.name)
        os.replace(path, moved)
        _delete_photo_files(photo_lists)
        logger.info("hotfolder: %s queued as %s", path.name, [i.local_id for _, i in items])
        return FileOutcome(
            path.name, "processed", moved, result_path, [i.local_id for _, i in items], duplicate
        )

    def _add_photos(
        self, item: OutboxItem, photos: list[tuple[str, bytes, str]], file_name: str
    ) -> None:
        """Queue the photos with the sale; one already queued (the same file seen again after
        a crash) is not queued twice."""
        for kind, data, name in photos:
            digest = sha256(data)
            current = self.till.outbox.get(item.local_id)
            if any(a.kind == kind and a.sha256 == digest for a in current.attachments):
                continue
            self.till.outbox.add_photo(
                item.local_id, (kind, data, name), actor=f"hotfolder:{file_name}"
            )

    def _attach(
        self,
        path: Path,
        data: bytes,
        doc: dict[str, Any],
        photo_files: list[PhotoFile],
        photos: list[tuple[str, bytes, str]],
    ) -> FileOutcome:
        """Photos for a sale queued earlier: the plate-fitted photo, or retakes."""
        reference = str(doc.get("photos_for") or "")
        outbox = self.till.outbox
        item = outbox.find(dedupe_key=f"pos:{reference}")
        if item is None:
            try:
                item = outbox.get(reference)
            except ItemNotFound:
                return self._reject(
                    path,
                    data,
                    f"photos_for: no sale {reference!r} in the outbox",
                    f"photos_for：离线队列中没有销售 {reference!r}",
                )
        try:
            self._add_photos(item, photos, path.name)
        except InvalidTransition as exc:
            return self._reject(path, data, exc.message, exc.message_zh)
        item = outbox.get(item.local_id)
        result_path = self.results / f"{path.stem}.result.json"
        row = int(item.meta.get("row", 1))
        write_json_atomic(result_path, self._result(path.name, [(row, item)], duplicate=False))
        moved = unique_destination(self.processed, path.name)
        os.replace(path, moved)
        _delete_photo_files([photo_files])
        logger.info("hotfolder: %s: %d photo(s) for %s", path.name, len(photos), item.local_id)
        return FileOutcome(path.name, "processed", moved, result_path, [item.local_id])

    def _reject(
        self,
        path: Path,
        data: bytes,
        message: str,
        message_zh: str,
        errors: list[dict[str, Any]] | None = None,
        items: list[tuple[int, OutboxItem]] | None = None,
    ) -> FileOutcome:
        moved = unique_destination(self.rejected, path.name)
        reason = {
            "file": path.name,
            "status": "rejected",
            "message": message,
            "message_zh": message_zh,
            "errors": errors or [],
        }
        write_json_atomic(moved.with_name(moved.name + ".reason.json"), reason)
        result_path = self.results / f"{path.stem}.result.json"
        result = self._result(path.name, items or [], duplicate=False)
        result.update({"status": "rejected", "message": message, "message_zh": message_zh})
        result["errors"] = errors or []
        write_json_atomic(result_path, result)
        os.replace(path, moved)
        logger.warning("hotfolder: %s rejected: %s", path.name, message)
        return FileOutcome(path.name, "rejected", moved, result_path)

    # ------------------------------------------------------------------ results
    def _result(
        self, name: str, items: list[tuple[int, OutboxItem]], *, duplicate: bool
    ) -> dict[str, Any]:
        sales = [sale_result(row, item) for row, item in items]
        out: dict[str, Any] = {"file": name, "duplicate": duplicate, "sales": sales}
        if len(sales) == 1:
            out.update({k: sales[0][k] for k in SINGLE_SALE_KEYS})
        return out

    def refresh_results(self) -> int:
        """Rewrite the result files of hot-folder sales that changed since the last call."""
        since = self._results_since
        started = self.till.outbox.now()
        changed = self.till.outbox.list(source=SOURCE, updated_since=since - 1.0)
        written = 0
        failed = False
        for item in changed:
            name = item.meta.get("result")
            if not isinstance(name, str):
                continue
            path = self.results / name
            try:
                current = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # the POS took the result file away: nothing to update
            entries = current.get("sales", [])
            fresh = sale_result(int(item.meta.get("row", 1)), item)
            replaced = [
                {**fresh, "duplicate": e.get("duplicate", False)}
                if e.get("local_id") == item.local_id
                else e
                for e in entries
            ]
            if replaced == entries:
                continue
            current["sales"] = replaced
            if len(replaced) == 1:
                current.update({k: fresh[k] for k in SINGLE_SALE_KEYS})
            try:
                write_json_atomic(path, current)
            except OSError as exc:  # open in the POS or Excel, locked by antivirus: next poll
                logger.info("hotfolder: result %s not updated yet: %s", name, exc)
                failed = True
                continue
            written += 1
        if not failed:  # else the same window is read again: rewriting a result is idempotent
            self._results_since = started
        return written


def _delete_photo_files(photo_lists: list[list[PhotoFile]]) -> None:
    """The photos are in the outbox now: their files go (a left-over one is harmless)."""
    for photos in photo_lists:
        for photo in photos:
            try:
                photo.path.unlink(missing_ok=True)
            except OSError as exc:  # open in the POS (Windows): it stays, nothing is lost
                logger.info("hotfolder: photo file %s not deleted: %s", photo.path.name, exc)
