"""The POS plugin host (pluggy) and the till service the bridge and the hot folder share.

Write a plugin with :data:`hookimpl`; publish it in the entry-point group
``vehreg_sdk.plugins``. The hook specs are a versioned public API
(:data:`HOOKSPEC_VERSION`, docs/plugins.md).
"""

from .hookspecs import (
    ENTRY_POINT_GROUP,
    HOOKSPEC_VERSION,
    PROJECT_NAME,
    PosHookSpecs,
    PrinterChoice,
    ScanResult,
    hookimpl,
    hookspec,
)
from .host import PluginFailure, PluginHost, PluginInfo
from .service import Check, SaleInvalid, Till, business_date, violation_dicts

__all__ = [
    "ENTRY_POINT_GROUP",
    "HOOKSPEC_VERSION",
    "PROJECT_NAME",
    "Check",
    "PluginFailure",
    "PluginHost",
    "PluginInfo",
    "PosHookSpecs",
    "PrinterChoice",
    "SaleInvalid",
    "ScanResult",
    "Till",
    "business_date",
    "hookimpl",
    "hookspec",
    "violation_dicts",
]
