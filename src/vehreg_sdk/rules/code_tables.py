"""GA 24 code tables as enums whose values are the codes the bureau uses.

``UseNature("A")`` is 非营运; every member has ``label_zh`` (the Chinese a
clerk reads) and ``label_en``. Sources: docs/domain.md §3.2 (号牌种类),
§5.1 (身份证明名称), §7.1 (使用性质), §7.2 (车辆类型, the GA 802 subset
dealers meet) and §7.3 (燃料种类), all [V-code] from agreeing public tables.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FuelType", "IdDocumentType", "PlateKind", "UseNature", "VehicleType"]

# (code) -> (Chinese label, English label), one table per enum. Kept beside the
# enums rather than in them because enum bodies turn every attribute into a member.
_LABELS: dict[str, dict[str, tuple[str, str]]] = {}


class _CodeTable(StrEnum):
    """A GA 24 code table: the value is the code; labels come from ``_LABELS``."""

    @property
    def label_zh(self) -> str:
        """The Chinese name shown to a clerk (``非营运``)."""
        return _LABELS[type(self).__name__][self.value][0]

    @property
    def label_en(self) -> str:
        """The English name (``non-operating``)."""
        return _LABELS[type(self).__name__][self.value][1]


class UseNature(_CodeTable):
    """使用性质 (GA 24): what the vehicle is used for."""

    NON_OPERATING = "A"
    HIGHWAY_PASSENGER = "B"
    PUBLIC_TRANSPORT = "C"
    TAXI = "D"
    TOURISM = "E"
    FREIGHT = "F"
    RENTAL = "G"
    POLICE = "H"
    FIRE = "I"
    AMBULANCE = "J"
    ENGINEERING_RESCUE = "K"
    OPERATING_TO_NON_OPERATING = "L"
    TAXI_TO_NON_OPERATING = "M"
    DRIVING_SCHOOL = "N"
    KINDERGARTEN_SCHOOL_BUS = "O"
    PRIMARY_SCHOOL_BUS = "P"
    JUNIOR_SCHOOL_BUS = "Q"
    DANGEROUS_GOODS = "R"
    SCHOOL_BUS = "S"
    RIDE_HAILING = "T"
    RIDE_HAILING_TO_NON_OPERATING = "U"
    OTHER = "Z"


_LABELS["UseNature"] = {
    "A": ("非营运", "non-operating"),
    "B": ("公路客运", "highway passenger transport"),
    "C": ("公交客运", "public transport"),
    "D": ("出租客运", "taxi"),
    "E": ("旅游客运", "tourist passenger transport"),
    "F": ("货运", "freight"),
    "G": ("租赁", "rental"),
    "H": ("警用", "police"),
    "I": ("消防", "fire service"),
    "J": ("救护", "ambulance"),
    "K": ("工程救险", "engineering rescue"),
    "L": ("营转非", "formerly operating"),
    "M": ("出租转非", "former taxi"),
    "N": ("教练", "driving school"),
    "O": ("幼儿校车", "kindergarten school bus"),
    "P": ("小学生校车", "primary school bus"),
    "Q": ("初中生校车", "junior secondary school bus"),
    "R": ("危化品运输", "dangerous goods transport"),
    "S": ("中小学生校车", "school bus"),
    "T": ("预约出租客运", "ride-hailing"),
    "U": ("预约出租转非", "former ride-hailing"),
    "Z": ("其他", "other"),
}


class VehicleType(_CodeTable):
    """车辆类型 (GA 802 / GA 24.4): the subset a dealer or service station meets."""

    LARGE_BUS = "K11"
    LARGE_DOUBLE_DECK_BUS = "K12"
    LARGE_SLEEPER_BUS = "K13"
    LARGE_ARTICULATED_BUS = "K14"
    LARGE_OFF_ROAD_BUS = "K15"
    LARGE_SEDAN = "K16"
    LARGE_SPECIAL_BUS = "K17"
    LARGE_SCHOOL_BUS = "K18"
    MEDIUM_BUS = "K21"
    MEDIUM_DOUBLE_DECK_BUS = "K22"
    MEDIUM_SLEEPER_BUS = "K23"
    MEDIUM_ARTICULATED_BUS = "K24"
    MEDIUM_OFF_ROAD_BUS = "K25"
    MEDIUM_SEDAN = "K26"
    MEDIUM_SPECIAL_BUS = "K27"
    MEDIUM_SCHOOL_BUS = "K28"
    SMALL_BUS = "K31"
    SMALL_OFF_ROAD_BUS = "K32"
    SMALL_SEDAN = "K33"
    SMALL_SPECIAL_BUS = "K34"
    SMALL_SCHOOL_BUS = "K38"
    SMALL_VAN = "K39"
    MINI_BUS = "K41"
    MINI_OFF_ROAD_BUS = "K42"
    MINI_SEDAN = "K43"
    MINI_VAN = "K49"
    HEAVY_TRUCK = "H11"
    HEAVY_BOX_TRUCK = "H12"
    HEAVY_CLOSED_TRUCK = "H13"
    HEAVY_TANKER = "H14"
    HEAVY_FLATBED = "H15"
    HEAVY_CONTAINER_TRUCK = "H16"
    HEAVY_DUMP_TRUCK = "H17"
    HEAVY_SPECIAL_TRUCK = "H18"
    HEAVY_STAKE_TRUCK = "H19"
    HEAVY_CAR_CARRIER = "H1A"
    MEDIUM_TRUCK = "H21"
    MEDIUM_BOX_TRUCK = "H22"
    MEDIUM_CLOSED_TRUCK = "H23"
    MEDIUM_TANKER = "H24"
    MEDIUM_FLATBED = "H25"
    MEDIUM_CONTAINER_TRUCK = "H26"
    MEDIUM_DUMP_TRUCK = "H27"
    MEDIUM_SPECIAL_TRUCK = "H28"
    MEDIUM_STAKE_TRUCK = "H29"
    LIGHT_TRUCK = "H31"
    LIGHT_BOX_TRUCK = "H32"
    LIGHT_CLOSED_TRUCK = "H33"
    LIGHT_TANKER = "H34"
    LIGHT_FLATBED = "H35"
    LIGHT_DUMP_TRUCK = "H37"
    LIGHT_STAKE_TRUCK = "H39"
    MINI_TRUCK = "H41"
    MINI_BOX_TRUCK = "H42"
    LOW_SPEED_TRUCK = "H51"
    HEAVY_SEMI_TRAILER_TRACTOR = "Q11"
    HEAVY_FULL_TRAILER_TRACTOR = "Q12"
    MEDIUM_SEMI_TRAILER_TRACTOR = "Q21"
    MEDIUM_FULL_TRAILER_TRACTOR = "Q22"
    LIGHT_SEMI_TRAILER_TRACTOR = "Q31"
    LIGHT_FULL_TRAILER_TRACTOR = "Q32"
    HEAVY_SEMI_TRAILER = "B11"
    MEDIUM_SEMI_TRAILER = "B21"
    LIGHT_SEMI_TRAILER = "B31"
    HEAVY_FULL_TRAILER = "G11"
    MEDIUM_FULL_TRAILER = "G21"
    LIGHT_FULL_TRAILER = "G31"
    LARGE_SPECIAL_OPERATION_VEHICLE = "Z11"
    LARGE_SPECIAL_OPERATION_CARGO_VEHICLE = "Z12"
    MEDIUM_SPECIAL_OPERATION_VEHICLE = "Z21"
    MEDIUM_SPECIAL_OPERATION_CARGO_VEHICLE = "Z22"
    TROLLEYBUS = "D11"
    TRAM = "D12"
    ORDINARY_MOTORCYCLE = "M21"
    LIGHT_MOTORCYCLE = "M22"
    THREE_WHEELED_MOTORCYCLE = "M11"
    THREE_WHEELED_VEHICLE = "N11"
    LARGE_WHEELED_TRACTOR = "T11"
    SMALL_WHEELED_TRACTOR = "T21"
    WALKING_TRACTOR = "T22"
    OTHER = "X99"


_SIZE_ZH = {"1": "大型", "2": "中型", "3": "小型", "4": "微型"}
_BUS_KIND = {
    "1": ("普通客车", "bus"),
    "2": ("双层客车", "double-deck bus"),
    "3": ("卧铺客车", "sleeper bus"),
    "4": ("铰接客车", "articulated bus"),
    "5": ("越野客车", "off-road bus"),
    "6": ("轿车", "sedan"),
    "7": ("专用客车", "special bus"),
    "8": ("专用校车", "school bus"),
    "9": ("面包车", "van"),
}
# Small and mini buses number their kinds differently (K33 is a sedan, K39 a van).
_SMALL_BUS_KIND = {
    "1": ("普通客车", "bus"),
    "2": ("越野客车", "off-road bus"),
    "3": ("轿车", "sedan"),
    "4": ("专用客车", "special bus"),
    "8": ("专用校车", "school bus"),
    "9": ("面包车", "van"),
}
_TRUCK_KIND = {
    "1": ("普通货车", "truck"),
    "2": ("厢式货车", "box truck"),
    "3": ("封闭货车", "closed truck"),
    "4": ("罐式货车", "tanker"),
    "5": ("平板货车", "flatbed"),
    "6": ("集装厢车", "container truck"),
    "7": ("自卸货车", "dump truck"),
    "8": ("特殊结构货车", "special-structure truck"),
    "9": ("仓栅式货车", "stake truck"),
    "A": ("车辆运输车", "car carrier"),
}
_SIZE_EN = {"1": "large", "2": "medium", "3": "small", "4": "mini"}
_TRUCK_SIZE = {
    "1": ("重型", "heavy"),
    "2": ("中型", "medium"),
    "3": ("轻型", "light"),
    "4": ("微型", "mini"),
    "5": ("低速", "low-speed"),
}


def _vehicle_type_label(code: str) -> tuple[str, str]:
    head, size, kind = code[0], code[1], code[2]
    if head == "K":
        zh, en = (_BUS_KIND if size in "12" else _SMALL_BUS_KIND)[kind]
        return _SIZE_ZH[size] + zh, f"{_SIZE_EN[size]} {en}"
    if head == "H":
        zh, en = _TRUCK_KIND[kind]
        return _TRUCK_SIZE[size][0] + zh, f"{_TRUCK_SIZE[size][1]} {en}"
    return _OTHER_TYPE_LABELS[code]


_OTHER_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "Q11": ("重型半挂牵引车", "heavy semi-trailer tractor"),
    "Q12": ("重型全挂牵引车", "heavy full-trailer tractor"),
    "Q21": ("中型半挂牵引车", "medium semi-trailer tractor"),
    "Q22": ("中型全挂牵引车", "medium full-trailer tractor"),
    "Q31": ("轻型半挂牵引车", "light semi-trailer tractor"),
    "Q32": ("轻型全挂牵引车", "light full-trailer tractor"),
    "B11": ("重型半挂车", "heavy semi-trailer"),
    "B21": ("中型半挂车", "medium semi-trailer"),
    "B31": ("轻型半挂车", "light semi-trailer"),
    "G11": ("重型全挂车", "heavy full trailer"),
    "G21": ("中型全挂车", "medium full trailer"),
    "G31": ("轻型全挂车", "light full trailer"),
    "Z11": ("大型专项作业车", "large special operation vehicle"),
    "Z12": ("大型载货专项作业车", "large special operation cargo vehicle"),
    "Z21": ("中型专项作业车", "medium special operation vehicle"),
    "Z22": ("中型载货专项作业车", "medium special operation cargo vehicle"),
    "D11": ("无轨电车", "trolleybus"),
    "D12": ("有轨电车", "tram"),
    "M11": ("普通正三轮摩托车", "three-wheeled motorcycle"),
    "M21": ("普通二轮摩托车", "motorcycle"),
    "M22": ("轻便二轮摩托车", "light motorcycle"),
    "N11": ("三轮汽车", "three-wheeled vehicle"),
    "T11": ("大型轮式拖拉机", "large wheeled tractor"),
    "T21": ("小型轮式拖拉机", "small wheeled tractor"),
    "T22": ("手扶拖拉机", "walking tractor"),
    "X99": ("其它", "other"),
}

_LABELS["VehicleType"] = {member.value: _vehicle_type_label(member.value) for member in VehicleType}


class FuelType(_CodeTable):
    """燃料种类 (GA 24). ``HYDROGEN`` (X) is from one table only [U]."""

    PETROL = "A"
    DIESEL = "B"
    ELECTRIC = "C"
    MIXED_OIL = "D"
    NATURAL_GAS = "E"
    LPG = "F"
    METHANOL = "L"
    ETHANOL = "M"
    SOLAR = "N"
    HYBRID = "O"
    HYDROGEN = "X"
    NONE = "Y"
    OTHER = "Z"


_LABELS["FuelType"] = {
    "A": ("汽油", "petrol"),
    "B": ("柴油", "diesel"),
    "C": ("电", "electric"),
    "D": ("混合油", "mixed oil"),
    "E": ("天然气", "natural gas"),
    "F": ("液化石油气", "liquefied petroleum gas"),
    "L": ("甲醇", "methanol"),
    "M": ("乙醇", "ethanol"),
    "N": ("太阳能", "solar"),
    "O": ("混合动力", "hybrid"),
    "X": ("氢", "hydrogen"),
    "Y": ("无", "none"),
    "Z": ("其他", "other"),
}


class PlateKind(_CodeTable):
    """号牌种类 (GA 24.7)."""

    LARGE = "01"
    SMALL = "02"
    EMBASSY = "03"
    CONSULATE = "04"
    HK_MACAO_ENTRY = "05"
    FOREIGN = "06"
    MOTORCYCLE = "07"
    LIGHT_MOTORCYCLE = "08"
    EMBASSY_MOTORCYCLE = "09"
    CONSULATE_MOTORCYCLE = "10"
    HK_MACAO_ENTRY_MOTORCYCLE = "11"
    FOREIGN_MOTORCYCLE = "12"
    LOW_SPEED = "13"
    TRACTOR = "14"
    TRAILER = "15"
    COACH = "16"
    COACH_MOTORCYCLE = "17"
    TEST = "18"
    TEST_MOTORCYCLE = "19"
    TEMPORARY_ENTRY = "20"
    TEMPORARY_ENTRY_MOTORCYCLE = "21"
    TEMPORARY = "22"
    POLICE = "23"
    POLICE_MOTORCYCLE = "24"
    FORMER_AGRICULTURAL = "25"
    HONG_KONG = "26"
    MACAO = "27"
    ARMED_POLICE = "31"
    MILITARY = "32"
    LARGE_NEW_ENERGY = "51"
    SMALL_NEW_ENERGY = "52"
    OTHER = "99"


_LABELS["PlateKind"] = {
    "01": ("大型汽车号牌", "large vehicle plate"),
    "02": ("小型汽车号牌", "small vehicle plate"),
    "03": ("使馆汽车号牌", "embassy vehicle plate"),
    "04": ("领馆汽车号牌", "consulate vehicle plate"),
    "05": ("境外汽车号牌", "cross-border vehicle plate"),
    "06": ("外籍汽车号牌", "foreign vehicle plate"),
    "07": ("普通摩托车号牌", "motorcycle plate"),
    "08": ("轻便摩托车号牌", "light motorcycle plate"),
    "09": ("使馆摩托车号牌", "embassy motorcycle plate"),
    "10": ("领馆摩托车号牌", "consulate motorcycle plate"),
    "11": ("境外摩托车号牌", "cross-border motorcycle plate"),
    "12": ("外籍摩托车号牌", "foreign motorcycle plate"),
    "13": ("低速车号牌", "low-speed vehicle plate"),
    "14": ("拖拉机号牌", "tractor plate"),
    "15": ("挂车号牌", "trailer plate"),
    "16": ("教练汽车号牌", "driving-school vehicle plate"),
    "17": ("教练摩托车号牌", "driving-school motorcycle plate"),
    "18": ("试验汽车号牌", "test vehicle plate"),
    "19": ("试验摩托车号牌", "test motorcycle plate"),
    "20": ("临时入境汽车号牌", "temporary entry vehicle plate"),
    "21": ("临时入境摩托车号牌", "temporary entry motorcycle plate"),
    "22": ("临时行驶车号牌", "temporary plate"),
    "23": ("警用汽车号牌", "police vehicle plate"),
    "24": ("警用摩托车号牌", "police motorcycle plate"),
    "25": ("原农机号牌", "former agricultural machine plate"),
    "26": ("香港入出境车号牌", "Hong Kong cross-border plate"),
    "27": ("澳门入出境车号牌", "Macao cross-border plate"),
    "31": ("武警号牌", "armed police plate"),
    "32": ("军队号牌", "military plate"),
    "51": ("大型新能源汽车号牌", "large new-energy vehicle plate"),
    "52": ("小型新能源汽车号牌", "small new-energy vehicle plate"),
    "99": ("其他号牌", "other plate"),
}


class IdDocumentType(_CodeTable):
    """身份证明名称 (GA 24). Owners use ``A`` (resident ID) or, for a unit, ``N`` (credit code).

    ``I`` is 外国人永久居留身份证 in one table and 旅行证 in others [V-code, disputed].
    """

    RESIDENT_ID = "A"
    ORGANISATION_CODE = "B"
    MILITARY_OFFICER = "C"
    SOLDIER = "D"
    RETIRED_OFFICER = "E"
    OVERSEAS_PERSON = "F"
    DIPLOMAT = "G"
    HOUSEHOLD_REGISTER = "H"
    FOREIGN_PERMANENT_RESIDENT = "I"
    UNIT_DEREGISTRATION = "J"
    RESIDENCE_PERMIT = "K"
    RESIDENT_INSTITUTION = "L"
    TEMPORARY_RESIDENT_ID = "M"
    UNIFIED_SOCIAL_CREDIT_CODE = "N"
    INDIVIDUAL_BUSINESS_LICENCE = "P"


_LABELS["IdDocumentType"] = {
    "A": ("居民身份证", "resident identity card"),
    "B": ("组织机构代码证书", "organisation code certificate"),
    "C": ("军官证", "military officer's card"),
    "D": ("士兵证", "soldier's card"),
    "E": ("军官离退休证", "retired officer's card"),
    "F": ("境外人员身份证明", "overseas person's identity document"),
    "G": ("外交人员身份证明", "diplomat's identity document"),
    "H": ("居民户口簿", "household register"),
    "I": ("外国人永久居留身份证", "foreigner's permanent residence ID card"),
    "J": ("单位注销证明", "unit deregistration certificate"),
    "K": ("居住暂住证明", "residence permit"),
    "L": ("驻华机构证明", "resident institution certificate"),
    "M": ("临时居民身份证", "temporary resident identity card"),
    "N": ("统一社会信用代码", "unified social credit code"),
    "P": ("个体工商户营业执照注册号", "individual business licence number"),
}
