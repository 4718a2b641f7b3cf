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
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import pluggy

from ..privacy import mask_text, masked_logger
from . import hookspecs
from .hookspecs import ENTRY_POINT_GROUP, PROJECT_NAME, PrinterChoice, ScanResult

if TYPE_CHECKING:
    from ..rules import Violation
    from ..types import EbikeRegistration, EbikeRegistrationCreate, Store

logger = masked_logger("vehreg_sdk.pos")

_MISSING = object()


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
        self.failures: deque[PluginFailure] = deque(maxlen=200)
        self._dists: dict[str, tuple[str | None, str | None]] = {}
        self._builtin_names: set[str] = set()
        if builtins:
            from .builtins import builtin_plugins

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
                self._fail(ep.name, "load", exc)
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
        result = self._call("parse_scan", firstresult=True, text=text)
        return result if isinstance(result, ScanResult) else None

    def validate_sale(self, sale: EbikeRegistrationCreate) -> list[Violation]:
        """Every plugin's violations; a plugin that raises adds a warning, never blocks."""
        from ..rules import Violation

        found: list[Violation] = []
        before = len(self.failures)
        for result in self._call("validate_sale", sale=sale) or []:
            found.extend(v for v in (result or []) if isinstance(v, Violation))
        for failure in list(self.failures)[before:]:
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
        return self._failures_of(lambda: self._call("before_submit", sale=sale))

    def after_registration(
        self,
        registration: EbikeRegistration,
        store: Store | None = None,
        local_id: str | None = None,
    ) -> list[PluginFailure]:
        """Run the after-registration plugins (label printing...); returns their failures."""
        return self._failures_of(
            lambda: self._call(
                "after_registration", registration=registration, store=store, local_id=local_id
            )
        )

    def select_printer(self, store: Store | None) -> PrinterChoice | None:
        result = self._call("select_printer", firstresult=True, store=store)
        return result if isinstance(result, PrinterChoice) else None

    # ------------------------------------------------------------------ internals
    def _failures_of(self, call: Any) -> list[PluginFailure]:
        before = len(self.failures)
        call()
        return list(self.failures)[before:]

    def _call(self, hook_name: str, *, firstresult: bool = False, **kwargs: Any) -> Any:
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
                self._fail(impl.plugin_name, hook_name, exc)
                continue
            if result is not None:
                if firstresult:
                    return result
                results.append(result)
        return None if firstresult else results

    def _fail(self, plugin: str, hook: str, exc: BaseException) -> None:
        # The exception text may quote a sale: mask it before it reaches a log or a page.
        error = mask_text(f"{type(exc).__name__}: {exc}")
        logger.error("pos: plugin %s failed in %s: %s", plugin, hook, error)
        logger.debug("pos: traceback of %s", plugin, exc_info=exc)
        self.failures.append(PluginFailure(plugin, hook, error, time.time()))
