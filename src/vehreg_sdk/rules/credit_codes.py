"""统一社会信用代码 (unified social credit code) as GB 32100-2015 defines it.

18 characters of ``0-9 A-H J-N P-R T U W-Y``:

* position 1: 登记管理部门代码, the registration authority (``9`` market regulation);
* position 2: 机构类别代码, the institution category within that authority;
* positions 3–8: 登记管理机关行政区划码, the administrative area (GB/T 2260 digits);
* positions 9–17: 主体标识码, the body's code (the former organisation code);
* position 18: the check character, MOD 31 (python-stdnum ``cn.uscc``).

Positions 1 and 2 come from code sets that grew after the standard by
notices (``A`` military units, ``N`` agriculture and rural affairs, used by
village collectives, ``G``, ``J``, ``Q``), so they are data,
:data:`USCC_REGISTRATION_AUTHORITIES`, not a pattern: a new notice is a new
row, passed as ``authorities=``. python-stdnum requires 8 leading digits and so
refuses every ``A``, ``N`` or ``Y`` code; its check arithmetic is still the one
used here. Code values: [S] (the standard's tables as public code reproduces
them, agreeing with docs/domain.md §5.2 where it lists them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from stdnum.cn import uscc

from .. import privacy
from ._input import code_text, violation
from ._violation import Violation

__all__ = ["USCC_REGISTRATION_AUTHORITIES", "UsccAuthority", "validate_uscc"]


@dataclass(frozen=True, slots=True)
class UsccAuthority:
    """A registration authority (position 1) and its institution categories (position 2)."""

    label_zh: str
    label_en: str
    categories: Mapping[str, str]
    """Category code -> Chinese name."""


def _authority(zh: str, en: str, **categories: str) -> UsccAuthority:
    return UsccAuthority(zh, en, MappingProxyType({k[1:]: v for k, v in categories.items()}))


#: Position 1 -> authority with its position-2 categories. Extend with ``dict(...)`` and
#: pass as ``authorities=`` when a notice adds a code.
USCC_REGISTRATION_AUTHORITIES: Mapping[str, UsccAuthority] = MappingProxyType(
    {
        "1": _authority(
            "机构编制", "institutional establishment", c1="机关", c2="事业单位",
            c3="中央编办直接管理机构编制的群众团体", c9="其他",
        ),
        "2": _authority("外交", "foreign affairs", c1="外国常驻新闻机构", c9="其他"),
        "3": _authority(
            "司法行政", "justice administration", c1="律师执业机构", c2="公证处",
            c3="基层法律服务所", c4="司法鉴定机构", c5="仲裁委员会", c6="商事调解组织",
            c9="其他",
        ),
        "4": _authority("文化", "culture", c1="外国在华文化中心", c9="其他"),
        "5": _authority(
            "民政", "civil affairs", c1="社会团体", c2="民办非企业单位", c3="基金会",
            c4="村民委员会", c5="居民委员会", c9="其他",
        ),
        "6": _authority(
            "旅游", "tourism", c1="外国政府旅游部门常驻代表机构",
            c2="港澳台地区旅游部门常驻内地（大陆）代表机构", c9="其他",
        ),
        "7": _authority("宗教", "religious affairs", c1="宗教活动场所", c2="宗教院校", c9="其他"),
        "8": _authority("工会", "trade unions", c1="基层工会", c2="非法人工会组织", c9="其他"),
        "9": _authority(
            "工商（市场监管）", "market regulation", c1="企业", c2="个体工商户",
            c3="农民专业合作社", c9="其他",
        ),
        "A": _authority("中央军委改革和编制办公室", "military units", c1="军队事业单位", c9="其他"),
        "G": _authority("公安", "public security", c1="境外非政府组织代表机构", c9="其他"),
        "J": _authority("住房和城乡建设", "housing and construction", c1="业主大会", c9="其他"),
        "N": _authority(
            "农业农村", "agriculture and rural affairs", c1="组级集体经济组织",
            c2="村级集体经济组织", c3="乡镇级集体经济组织", c9="其他",
        ),
        "Q": _authority(
            "侨联", "overseas Chinese federations", c1="区县级侨联组织", c2="乡镇级侨联组织",
            c3="村级侨联组织", c9="其他",
        ),
        "Y": _authority("其他", "other", c1="其他"),
    }
)  # fmt: skip

#: The GB 32100 alphabet (no I, O, S, V, Z) after position 8; positions 3-8 are digits.
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")


def validate_uscc(
    value: object,
    *,
    field: str = "id_number",
    authorities: Mapping[str, UsccAuthority] = USCC_REGISTRATION_AUTHORITIES,
) -> list[Violation]:
    """统一社会信用代码: shape, registration authority and category, MOD 31 check.

    Codes: ``uscc.format`` (not 18 characters of the alphabet, or positions 3–8
    not digits), ``uscc.registration_authority`` (position 1 not in
    ``authorities``), ``uscc.category`` (position 2 not a category of that
    authority) and ``uscc.checksum``. The value in a violation is masked: a clerk
    may have typed a resident ID number here.
    """
    text = code_text(
        value, code="uscc", field=field, thing="credit code", thing_zh="统一社会信用代码"
    )
    if isinstance(text, Violation):
        return [text]
    if not _USCC_SHAPE.fullmatch(text):
        return [
            violation(
                "uscc.format",
                field,
                "A unified social credit code is 18 characters: digits or capital letters "
                "other than I, O, S, V and Z, with digits in positions 3–8.",
                "统一社会信用代码应为18位：数字或大写字母（不含I、O、S、V、Z），第3–8位为数字。",
                value=privacy.mask_id_number(text[:24]),
                allowed="18 characters",
            )
        ]
    authority = authorities.get(text[0])
    if authority is None:
        return [
            violation(
                "uscc.registration_authority",
                field,
                f"The first character of the credit code, {text[0]}, is not a registration "
                "authority code of GB 32100.",
                f"统一社会信用代码第1位 {text[0]} 不是有效的登记管理部门代码。",
                value=privacy.mask_id_number(text),
                allowed=tuple(authorities),
            )
        ]
    if text[1] not in authority.categories:
        return [
            violation(
                "uscc.category",
                field,
                f"The second character of the credit code, {text[1]}, is not an institution "
                f"category of registration authority {text[0]} ({authority.label_en}).",
                f"统一社会信用代码第2位 {text[1]} 不是登记管理部门 {text[0]}"
                f"（{authority.label_zh}）的机构类别代码。",
                value=privacy.mask_id_number(text),
                allowed=tuple(authority.categories),
            )
        ]
    expected = uscc.calc_check_digit(text)
    if text[17] != expected:
        return [
            violation(
                "uscc.checksum",
                field,
                "The credit code's last character does not match; a character was probably "
                "mistyped.",
                "统一社会信用代码校验位不符，可能有字符录入错误。",
                value=privacy.mask_id_number(text),
                allowed=expected,
            )
        ]
    return []
