"""Configuration of the rules: what a city or a deployment may change, with safe defaults.

Everything docs/domain.md marks uncertain ([U]) or local lives here or in
:mod:`.ebike_standards` as data. Build one :class:`RuleConfig` for your city
and pass it as ``config=`` to the ``check_*`` functions; the module-level
``DEFAULT_CONFIG`` is used otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ._violation import Severity
from .ebike_standards import DEFAULT_STANDARDS, EbikeRuleSet

__all__ = ["DEFAULT_CONFIG", "DEFAULT_MEASURED_TOLERANCE", "MinorPolicy", "RuleConfig"]


@dataclass(frozen=True, slots=True)
class MinorPolicy:
    """How owners under age are treated (docs/domain.md §13).

    A rider must be 16 (道路交通安全法实施条例 art. 72 [M]); a campus batch
    may still register a younger student's bike, so ``under_16_severity`` can
    be relaxed to ``"warning"``. Under ``guardian_age`` a guardian is
    required; under ``consent_age`` the guardian's consent too (PIPL art. 28/31).
    """

    riding_age: int = 16
    under_16_severity: Severity = "error"
    guardian_age: int = 18
    consent_age: int = 14


#: Allowed difference between a measured value and the certificate before a warning.
#: No official inspection tolerance was found [U]; these are deliberately generous.
DEFAULT_MEASURED_TOLERANCE: Mapping[str, float] = MappingProxyType(
    {
        "max_speed_kmh": 1.0,
        "mass_kg": 1.5,
        "length_mm": 20,
        "width_mm": 20,
        "height_mm": 20,
        "wheel_centre_distance_mm": 20,
        "saddle_height_mm": 20,
        "saddle_length_mm": 10,
    }
)


@dataclass(frozen=True, slots=True)
class RuleConfig:
    """All the rules' knobs in one value.

    ``standards`` maps a catalogue standard name to its rule set;
    ``measured_tolerance`` is per attribute (absent: no comparison);
    ``registration_deadline_days``, if set, flags a sale older than that many
    days on the registration date (one page says 15 days [S/U], so off by
    default); ``ebike_plate_pattern`` is the issuing authority's plate regex.
    """

    standards: Mapping[str, EbikeRuleSet] = field(default_factory=lambda: DEFAULT_STANDARDS)
    minor_policy: MinorPolicy = field(default_factory=MinorPolicy)
    measured_tolerance: Mapping[str, float] = field(
        default_factory=lambda: DEFAULT_MEASURED_TOLERANCE
    )
    registration_deadline_days: int | None = None
    ebike_plate_pattern: str | None = None

    def with_standard(self, ruleset: EbikeRuleSet) -> RuleConfig:
        """A copy in which ``ruleset`` replaces the standard of the same name (a city override)."""
        standards = dict(self.standards)
        standards[ruleset.standard] = ruleset
        return replace(self, standards=MappingProxyType(standards))

    def replace(self, **changes: Any) -> RuleConfig:
        """A copy with some fields changed (``config.replace(registration_deadline_days=15)``)."""
        return replace(self, **changes)


DEFAULT_CONFIG = RuleConfig()
