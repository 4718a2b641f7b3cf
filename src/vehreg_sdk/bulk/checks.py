"""The rules for a stream of rows: the bureau's own :func:`check_ebike_registration`.

A thin holder of the business date and the rule configuration, so the row
parser and the items given in wire form are judged by exactly the call the
sandbox makes for a 422. (``check_ebike_registration`` itself takes the fast
path for a clean row and caches the judgement of a catalogue model, which is
what makes 100,000 rows cheap.)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..rules._violation import Violation
from ..rules.config import DEFAULT_CONFIG, RuleConfig
from ..rules.registration import check_ebike_registration

__all__ = ["RowRules"]


class RowRules:
    """``check_ebike_registration`` on ``on`` under ``config``, for many rows in a row.

    ``certificate`` is ``None`` or a catalogue-derived mapping
    ``{"product_model": ..., "model": entry}`` (what offline validation has).
    """

    def __init__(self, *, on: date, config: RuleConfig = DEFAULT_CONFIG) -> None:
        self.on = on
        self.config = config

    def __call__(
        self,
        vehicle: Mapping[str, Any],
        owner: Mapping[str, Any],
        sale: Mapping[str, Any],
        certificate: Mapping[str, Any] | None,
    ) -> list[Violation]:
        return check_ebike_registration(
            vehicle, owner, sale, certificate, on=self.on, config=self.config
        )
