"""The plugin host: loads plugins and calls their hooks, one plugin at a time.

pluggy stops a hook call at the first exception. A till must not: a label
plugin that crashes cannot be allowed to lose the sale or to stop the next
plugin. So the host calls each implementation itself, in pluggy's order
(``tryfirst``/``trylast``, then last registered first), logs and records a
failure, and goes on. Hook wrappers are therefore not supported in 1.0.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import pluggy

# exception_summary and owner_personal: how a failure is shown; the bridge imports them from here.
from ..outbox._redact import exception_summary as exception_summary
from ..outbox._redact import frames as _frames
from ..outbox._redact import owner_personal as owner_personal
from ..privacy import mask_name, masked_logger
from . import hookspecs
from .builtins import SCAN_SEPARATORS, builtin_plugins
from .hookspecs import ENTRY_POINT_GROUP, PROJECT_NAME, PrinterChoice, ScanResult

if TYPE_CHECKING:
    from ..rules import Violation
    from ..types import EbikeRegistration, EbikeRegistrationCreate, Store

logger = masked_logger("vehreg_sdk.pos")

#: How many recent failures :attr:`PluginHost.failures` keeps (for ``vehreg pos plugins``).
RECENT_FAILURES = 200


@dataclass(frozen=True, slots=True)
class PluginFailure:
    """A plugin raised: which plugin, in which hook, what, and when (epoch seconds)."""

    plugin: str
    hook: str
    error: str
    at: float

    def to_dict(self) -> dict[str, Any]:
        return {"plugin": self.plugin, "hook": self.hook, "error": self.error, "at": self.at}


@dataclass(frozen=True, slots=True)
class PluginInfo:
    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    builtin: bool


class PluginHost:
    """Holds the plugins of one till: the built-ins, entry-point plugins, and any given.

    ``disabled`` (or ``$VEHREG_DISABLE_PLUGINS``, comma-separated) names
    plugins not to load, built-ins included.
    """

    def __init__(
        self,
        *,
        plugins: Iterable[object] = (),
        load_entry_points: bool = True,
        builtins: bool = True,
        disabled: Iterable[str] | None = None,
    ) -> None:
        self.pm = pluggy.PluginManager(PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs.PosHookSpecs)
        if disabled is None:
            disabled = filter(None, os.environ.get("VEHREG_DISABLE_PLUGINS", "").split(","))
        self.disabled = {name.strip() for name in disabled}
        #: the most recent failures of any call (at most :data:`RECENT_FAILURES`), for display
        self.failures: deque[PluginFailure] = deque(maxlen=RECENT_FAILURES)
        self._dists: dict[str, tuple[str | None, str | None]] = {}
        self._builtin_names: set[str] = set()
        if builtins:
            for name, plugin in builtin_plugins(self):
                self._builtin_names.add(name)
                self.register(plugin, name=name)
        if load_entry_points:
            self.load_entry_points()
        for plugin in plugins:
            self.register(plugin)

    # ------------------------------------------------------------------ loading
    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register a plugin object or module; returns its name (``None`` if disabled)."""
        name = name or self.pm.get_canonical_name(plugin)
        if name in self.disabled:
            logger.info("pos: plugin %s is disabled", name)
            return None
        return self.pm.register(plugin, name=name)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> int:
        """Load every plugin of the entry-point group; a broken one is reported, not fatal."""
        count = 0
        for ep in entry_points(group=group):
            if ep.name in self.disabled or self.pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
                self.pm.register(plugin, name=ep.name)
            except Exception as exc:
                self._fail(ep.name, "load", exc)  # reported through self.failures
                continue
            dist = ep.dist
            self._dists[ep.name] = (dist.name, dist.version) if dist else (None, None)
            count += 1
        return count

    def plugins(self) -> list[PluginInfo]:
        out = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            dist, version = self._dists.get(name, (None, None))
            hooks = tuple(sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or []))
            out.append(PluginInfo(name, dist, version, hooks, name in self._builtin_names))
        return out

    # ------------------------------------------------------------------ hooks
    def parse_scan(self, text: str) -> ScanResult | None:
        result = self._call("parse_scan", [], {"text": text}, firstresult=True)
        return result if isinstance(result, ScanResult) else None

    def validate_sale(self, sale: EbikeRegistrationCreate) -> list[Violation]:
        """Every plugin's violations; a plugin that raises adds a warning, never blocks."""
        from ..rules import Violation

        found: list[Violation] = []
        failures: list[PluginFailure] = []
        for result in self._call("validate_sale", failures, {"sale": sale}) or []:
            found.extend(v for v in (result or []) if isinstance(v, Violation))
        for failure in failures:
            found.append(
                Violation(
                    code="plugin.failed",
                    field="",
                    message=f"plugin {failure.plugin} failed in {failure.hook}: {failure.error}",
                    message_zh=f"插件 {failure.plugin} 运行出错（{failure.hook}），已跳过",
                    severity="warning",
                )
            )
        return found

    def before_submit(self, sale: EbikeRegistrationCreate) -> list[PluginFailure]:
        """Run the before-submit plugins; returns the failures of this call."""
        failures: list[PluginFailure] = []
        self._call("before_submit", failures, {"sale": sale})
        return failures

    def after_registration(
        self,
        registration: EbikeRegistration,
        store: Store | None = None,
        local_id: str | None = None,
        *,
        personal: Mapping[str, str] | None = None,
    ) -> list[PluginFailure]:
        """Run the after-registration plugins (label printing...); returns this call's failures.

        The bureau's registration holds the owner masked; a plugin that looks the sale up
        (by ``local_id``) may still quote the real data in an exception. ``personal`` (from
        :func:`personal_data` of the queued sale) lets the host mask it by value too.
        """
        failures: list[PluginFailure] = []
        arguments = {"registration": registration, "store": store, "local_id": local_id}
        self._call("after_registration", failures, arguments, personal=personal)
        return failures

    def select_printer(self, store: Store | None) -> PrinterChoice | None:
        result = self._call("select_printer", [], {"store": store}, firstresult=True)
        return result if isinstance(result, PrinterChoice) else None

    # ------------------------------------------------------------------ internals
    def _call(
        self,
        hook_name: str,
        failures: list[PluginFailure],
        kwargs: Mapping[str, Any],
        *,
        firstresult: bool = False,
        personal: Mapping[str, str] | None = None,
    ) -> Any:
        """Call every implementation of ``hook_name``; each failure is appended to ``failures``.

        The caller owns ``failures`` (one list per call), so what a call reports never
        depends on the size of the recent-failures buffer or on other threads' calls.
        """
        caller = getattr(self.pm.hook, hook_name)
        results: list[Any] = []
        for impl in reversed(caller.get_hookimpls()):
            if impl.hookwrapper or impl.wrapper:
                logger.warning("pos: hook wrappers are not supported (%s)", impl.plugin_name)
                continue
            args = {name: kwargs.get(name) for name in impl.argnames}
            try:
                result = impl.function(**args)
            except Exception as exc:
                failures.append(self._fail(impl.plugin_name, hook_name, exc, kwargs, personal))
                continue
            if result is not None:
                if firstresult:
                    return result
                results.append(result)
        return None if firstresult else results

    def _fail(
        self,
        plugin: str,
        hook: str,
        exc: BaseException,
        arguments: Mapping[str, Any] | None = None,
        personal: Mapping[str, str] | None = None,
    ) -> PluginFailure:
        # The exception text may quote the sale: names and addresses cannot be recognised by
        # a pattern, so the call's own personal data is masked by value, then ID numbers and
        # mobiles anywhere. The traceback is logged as frames only, never with its message.
        error = exception_summary(exc, {**personal_data(arguments or {}), **(personal or {})})
        logger.error("pos: plugin %s failed in %s: %s", plugin, hook, error)
        logger.debug("pos: %s failed at %s", plugin, _frames(exc))
        failure = PluginFailure(plugin, hook, error, time.time())
        self.failures.append(failure)
        return failure


def personal_data(arguments: Mapping[str, Any]) -> dict[str, str]:
    """The personal data in a hook call's arguments, each with its masked form.

    A sale's or registration's owner (name, ID number, mobile, address), and for
    ``parse_scan`` the scanned text and each of its parts (an ID card reader types
    the name, number and address).
    """
    found: dict[str, str] = {}
    for key, value in arguments.items():
        owner = getattr(value, "owner", None)
        if owner is not None:
            found.update(owner_personal(owner))
        elif key == "text" and isinstance(value, str) and value.strip():
            for part in SCAN_SEPARATORS.split(value):
                if len(part.strip()) >= 2:
                    found[part.strip()] = mask_name(part)
            if len(value.strip()) >= 2:
                found[value.strip()] = mask_name(value)
    return found
