"""The CCC certificate (中国强制性产品认证) of an e-bike model: state and expiry on the sale date.

E-bike CCC is mandatory since 2019-04-15 [S]; states are 有效 / 暂停 / 撤销 /
注销 / 过期 [S] (the catalogue sends them in English, the CQC look-up in
Chinese; both are understood).
"""

from __future__ import annotations

from ._input import as_date, enum_text, fields_of, violation
from ._violation import Violation
from .codes import validate_ccc_number
from .ebike_standards import CCC_MANDATORY_FROM

__all__ = ["check_ccc"]

_PATH = "certificate.model.ccc"
_CCC_FIELDS = ("number", "state", "expiry")

# state (English or Chinese) -> (code, English, Chinese); ``None`` code: valid.
_STATES: dict[str, tuple[str | None, str, str]] = {
    "valid": (None, "", ""),
    "有效": (None, "", ""),
    "suspended": ("ccc.suspended", "The CCC certificate is suspended.", "CCC证书已暂停。"),
    "暂停": ("ccc.suspended", "The CCC certificate is suspended.", "CCC证书已暂停。"),
    "revoked": ("ccc.revoked", "The CCC certificate has been revoked.", "CCC证书已撤销。"),
    "撤销": ("ccc.revoked", "The CCC certificate has been revoked.", "CCC证书已撤销。"),
    "cancelled": ("ccc.cancelled", "The CCC certificate has been cancelled.", "CCC证书已注销。"),
    "注销": ("ccc.cancelled", "The CCC certificate has been cancelled.", "CCC证书已注销。"),
    "expired": ("ccc.expired", "The CCC certificate has expired.", "CCC证书已过期。"),
    "过期": ("ccc.expired", "The CCC certificate has expired.", "CCC证书已过期。"),
}


def check_ccc(ccc: object, sale_date: object, manufacture_date: object = None) -> list[Violation]:
    """The CCC record (``number``, ``state``, ``expiry``) judged on the sale date.

    Codes: ``ccc.missing`` (none for a bike made since 2019-04-15),
    ``ccc_number.*`` (see :func:`validate_ccc_number`), ``ccc.suspended``,
    ``ccc.revoked``, ``ccc.cancelled``, ``ccc.expired`` (by state or by an
    expiry before the sale date) and ``ccc.state_unknown``.
    """
    sale_date = as_date(sale_date)  # a datetime counts as its Shanghai date
    if ccc is None:
        made = as_date(manufacture_date)
        if made is not None and made < CCC_MANDATORY_FROM:
            return []
        return [
            violation(
                "ccc.missing",
                _PATH,
                "The model has no CCC certificate; e-bikes need one since 2019-04-15.",
                "该车型无CCC证书；自2019年4月15日起电动自行车须获CCC认证。",
            )
        ]
    record = fields_of(ccc, _CCC_FIELDS)
    number_violations = validate_ccc_number(record.get("number"), on=sale_date, field="number")
    found = [v.at(_PATH) for v in number_violations]
    state = enum_text(record.get("state"))
    outcome = (_STATES.get(state) or _STATES.get(state.strip().lower())) if state else None
    if outcome is None:
        found.append(
            violation(
                "ccc.state_unknown",
                f"{_PATH}.state",
                "The CCC certificate's state is unknown; check it before selling.",
                "CCC证书状态未知，请核实后再销售。",
                value=state,
                allowed=("valid", "有效"),
            )
        )
    elif outcome[0] is not None:
        found.append(violation(outcome[0], f"{_PATH}.state", outcome[1], outcome[2], value=state))
    expiry = as_date(record.get("expiry"))
    already_expired = outcome is not None and outcome[0] == "ccc.expired"
    if expiry is not None and sale_date is not None and expiry < sale_date and not already_expired:
        found.append(
            violation(
                "ccc.expired",
                f"{_PATH}.expiry",
                f"The CCC certificate expired on {expiry.isoformat()}, before the sale.",
                f"CCC证书已于 {expiry.isoformat()} 到期，早于销售日期。",
                value=expiry.isoformat(),
                allowed=f">= {sale_date.isoformat()}",
            )
        )
    return found
