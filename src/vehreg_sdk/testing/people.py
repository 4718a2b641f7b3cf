"""Fictional people, units and phone numbers with valid check characters."""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric, uscc

__all__ = [
    "LIANYUNGANG_AREA_CODES",
    "fake_address",
    "fake_mobile",
    "fake_name",
    "fake_resident_id",
    "fake_uscc",
]

#: GB/T 2260 codes of Lianyungang and its districts, with the first year each existed.
LIANYUNGANG_AREA_CODES: dict[str, int] = {
    "320700": 0,  # the city itself: valid in every year
    "320703": 1983,  # 连云区
    "320706": 1986,  # 海州区
    "320722": 1983,  # 东海县
    "320723": 1983,  # 灌云县
    "320724": 1996,  # 灌南县
    "320707": 2014,  # 赣榆区
}

# Common surnames and neutral given-name characters: the combinations are fictional.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "安宝斌博晨诚丹德东帆飞峰刚光海涵浩和红华欢辉佳嘉建健杰洁金锦晶静俊凯可兰磊丽林玲"
    "龙美明娜宁鹏平琪强庆秋荣瑞森山珊诗淑涛婷伟文霞翔欣鑫星秀雪亚艳阳怡毅颖勇宇玉元悦"
    "云泽志智中洲子"
)
_ROADS = ("通灌南路", "解放中路", "海连路", "苍梧路", "朝阳路", "花果山大道", "郁州路", "新浦路")
_DISTRICTS = ("海州区", "连云区", "赣榆区", "东海县", "灌云县", "灌南县")


def fake_resident_id(
    rng: random.Random, birth: date | None = None, *, area: str | None = None
) -> str:
    """A resident ID number with a valid MOD 11-2 check character for a fictional person.

    ``birth`` defaults to a random date 1960–2007; ``area`` to a Lianyungang
    code that existed in the birth year, so python-stdnum accepts it too.
    """
    born = birth or date(1960, 1, 1) + timedelta(days=rng.randrange(48 * 365))
    if area is None:
        areas = [code for code, since in LIANYUNGANG_AREA_CODES.items() if since <= born.year]
        area = rng.choice(sorted(areas))
    body = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def fake_uscc(rng: random.Random, *, area: str = "320700") -> str:
    """A unified social credit code of a company (9 1 …) with a valid check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + area + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body + "0")


def fake_mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number (prefix 13–19)."""
    return f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}"


def fake_name(rng: random.Random) -> str:
    """A fictional two- or three-character Chinese name."""
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(_SURNAMES) + given


def fake_address(rng: random.Random) -> str:
    """A fictional Lianyungang street address."""
    return f"连云港市{rng.choice(_DISTRICTS)}{rng.choice(_ROADS)}{rng.randint(1, 300)}号"
