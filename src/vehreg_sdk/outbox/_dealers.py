"""A hub's dealers: whose bureau credentials register which store's sales.

A vendor hub serves many dealers; each has its own app key and secret from the bureau,
and its stores. A server has no desktop keyring, so the credentials come from one of
two documented places (never from the outbox database):

* **environment variables**, one set per dealer (``<ID>`` is the dealer id upper-cased,
  every character other than a letter or digit turned into ``_``)::

      VEHREG_DEALER_<ID>_APP_KEY=ak_...
      VEHREG_DEALER_<ID>_APP_SECRET=...   (or ..._APP_SECRET_FILE=/run/secrets/...)
      VEHREG_DEALER_<ID>_STORES=st_001,st_002

  plus ``VEHREG_DEALER_<ID>_ID=dl_...`` when the id must keep its spelling (lower case,
  dashes); without it the id is ``<ID>`` lower-cased.

* **a secrets file** named by ``VEHREG_HUB_DEALERS_FILE``, TOML, owner-only (0600; refused
  otherwise), one table per dealer::

      [dealers.dl_demo_haizhou]
      app_key = "ak_..."
      app_secret_ref = "file:/run/secrets/haizhou"  # or "env:NAME"; or app_secret = "..."
      stores = ["st_001", "st_002"]

  A ``*_ref`` names where a secrets manager put the secret: a mounted file (Kubernetes,
  Docker, Vault Agent) or a variable its injector set.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ._models import OutboxError

ENV_DEALERS_FILE: Final = "VEHREG_HUB_DEALERS_FILE"
_ENV_DEALER = re.compile(r"^VEHREG_DEALER_(?P<name>[A-Z0-9_]+?)_APP_KEY$")


class DealerConfigError(OutboxError):
    """A dealer's credentials are missing or kept where they must not be."""

    code = "hub.dealer_config"

    def __init__(self, where: str, message: str, message_zh: str) -> None:
        super().__init__(f"{where}: {message}", f"{where}：{message_zh}")
        self.where = where


@dataclass(frozen=True, slots=True)
class DealerCredentials:
    dealer_id: str
    app_key: str
    app_secret: str = field(repr=False)
    store_ids: tuple[str, ...]


def env_name(dealer_id: str) -> str:
    """The ``<ID>`` of a dealer's variables: ``dl_demo-haizhou`` → ``DL_DEMO_HAIZHOU``."""
    return re.sub(r"[^A-Z0-9]", "_", dealer_id.upper())


def _secret_from_ref(ref: str, where: str) -> str:
    scheme, _, target = ref.partition(":")
    if scheme == "env":
        value = os.environ.get(target)
    elif scheme == "file":
        path = Path(target)
        _check_private(path, where)
        value = path.read_text(encoding="utf-8").strip() if path.is_file() else None
    else:
        raise DealerConfigError(
            where,
            f"unknown secret reference {scheme!r}: use env:NAME or file:/path",
            f"无法识别的密钥引用 {scheme!r}：请使用 env:变量名 或 file:/路径",
        )
    if not value:
        raise DealerConfigError(
            where, f"the secret {ref} is empty or missing", f"密钥 {ref} 为空或不存在"
        )
    return value


def _check_private(path: Path, where: str) -> None:
    if os.name == "posix" and path.exists() and path.stat().st_mode & 0o077:
        raise DealerConfigError(
            where,
            f"{path} is readable by others; make it owner-only (chmod 600 {path})",
            f"{path} 可被他人读取，请改为仅所有者可读（chmod 600 {path}）",
        )


def _from_env(environ: Mapping[str, str]) -> list[DealerCredentials]:
    found = []
    for name in sorted(environ):
        match = _ENV_DEALER.match(name)
        if not match:
            continue
        prefix = f"VEHREG_DEALER_{match['name']}_"
        where = f"{prefix}*"
        secret = environ.get(prefix + "APP_SECRET")
        if not secret and environ.get(prefix + "APP_SECRET_FILE"):
            secret = _secret_from_ref("file:" + environ[prefix + "APP_SECRET_FILE"], where)
        if not secret:
            raise DealerConfigError(
                where,
                f"{prefix}APP_SECRET (or {prefix}APP_SECRET_FILE) is not set",
                f"未设置 {prefix}APP_SECRET（或 {prefix}APP_SECRET_FILE）",
            )
        stores = tuple(
            s.strip() for s in environ.get(prefix + "STORES", "").split(",") if s.strip()
        )
        dealer_id = environ.get(prefix + "ID") or match["name"].lower()
        found.append(DealerCredentials(dealer_id, environ[name], secret, stores))
    return found


def _from_file(path: Path) -> list[DealerCredentials]:
    where = f"{ENV_DEALERS_FILE}={path}"
    if not path.is_file():
        raise DealerConfigError(where, "no such file", "文件不存在")
    _check_private(path, where)
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    found = []
    for dealer_id, table in sorted((doc.get("dealers") or {}).items()):
        spot = f"{where} [dealers.{dealer_id}]"
        secret = table.get("app_secret")
        if not secret and table.get("app_secret_ref"):
            secret = _secret_from_ref(str(table["app_secret_ref"]), spot)
        if not table.get("app_key") or not secret:
            raise DealerConfigError(
                spot, "needs app_key and app_secret (or app_secret_ref)",
                "须填写 app_key 和 app_secret（或 app_secret_ref）",
            )  # fmt: skip
        stores = tuple(str(s) for s in table.get("stores") or ())
        found.append(DealerCredentials(dealer_id, str(table["app_key"]), str(secret), stores))
    return found


def load_dealers(
    environ: Mapping[str, str] | None = None, *, file: Path | None = None
) -> list[DealerCredentials]:
    """Every dealer configured for this hub: the secrets file's, then the environment's
    (a dealer in both: the environment wins). A store served by two dealers is an error."""
    env = os.environ if environ is None else environ
    path = file or (Path(env[ENV_DEALERS_FILE]) if env.get(ENV_DEALERS_FILE) else None)
    by_id = {d.dealer_id: d for d in (_from_file(path) if path else [])}
    by_id.update({d.dealer_id: d for d in _from_env(env)})
    owner: dict[str, str] = {}
    for dealer in by_id.values():
        for store in dealer.store_ids:
            if owner.setdefault(store, dealer.dealer_id) != dealer.dealer_id:
                raise DealerConfigError(
                    f"store {store}",
                    f"is listed for both {owner[store]} and {dealer.dealer_id}",
                    f"同时属于经销商 {owner[store]} 和 {dealer.dealer_id}",
                )
    return list(by_id.values())


class DealerRouter:
    """Hands ``Outbox.sync`` the right client for each item: its store's dealer's.

    ``client_factory(dealer)`` makes a client (default: a :class:`vehreg_sdk.VehregClient`
    on ``base_url`` with the dealer's key and secret); each is made once and kept.
    """

    def __init__(
        self,
        dealers: Sequence[DealerCredentials],
        *,
        base_url: str | None = None,
        client_factory: Callable[[DealerCredentials], Any] | None = None,
    ) -> None:
        self._dealers = {d.dealer_id: d for d in dealers}
        self._store_owner = {s: d.dealer_id for d in dealers for s in d.store_ids}
        self._base_url = base_url
        self._factory = client_factory or self._default_client
        self._clients: dict[str, Any] = {}

    @classmethod
    def from_environment(cls, *, base_url: str | None = None) -> DealerRouter:
        return cls(load_dealers(), base_url=base_url)

    def _default_client(self, dealer: DealerCredentials) -> Any:
        from .._client import VehregClient

        return VehregClient(
            base_url=self._base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
        )

    def store_ids(self) -> list[str]:
        return sorted(self._store_owner)

    def client(self, dealer_id: str) -> Any:
        if dealer_id not in self._clients:
            self._clients[dealer_id] = self._factory(self._dealers[dealer_id])
        return self._clients[dealer_id]

    def client_for_store(self, store_id: str) -> Any:
        return self.client(self._store_owner[store_id])

    def routes(self) -> Iterator[tuple[str, Any, list[str]]]:
        """(dealer id, its client, its stores) for every dealer."""
        for dealer_id, dealer in self._dealers.items():
            yield dealer_id, self.client(dealer_id), list(dealer.store_ids)

    def close(self) -> None:
        for client in self._clients.values():
            close = getattr(client, "close", None)
            if close is not None:
                close()
        self._clients.clear()

    def __enter__(self) -> DealerRouter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
