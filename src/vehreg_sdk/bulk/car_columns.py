"""The columns of a car bulk sheet (``vehreg bulk ... --kind car``): a fleet or a dealer's cars.

One row is one ``POST /v1/vehicle-registrations`` body without its channel (the
run names the station or the on-site inspection once, for every row). Keys shared
with the e-bike sheet (``owner_name``, ``invoice_number``, ``uploads``…) mean the
same and are masked the same way.
"""

from __future__ import annotations

from typing import Final

from .columns import Column as C
from .columns import ColumnSet

__all__ = [
    "CAR_COLUMNS",
    "CAR_COLUMN_SET",
    "CAR_FIELD_COLUMNS",
    "ENERGY_TYPES",
    "OWNER_KINDS",
    "PLATE_SOURCES",
]

OWNER_KINDS: Final[dict[str, str]] = {"person": "个人", "unit": "单位"}
PLATE_SOURCES: Final[dict[str, str]] = {"selection": "选号", "retained": "保留", "sequence": "顺序"}
ENERGY_TYPES: Final[tuple[str, ...]] = ("ICE", "HEV", "PHEV", "EREV", "BEV", "FCEV")

CAR_COLUMNS: Final[tuple[C, ...]] = (
    C("client_reference", "参考号", "Client reference", False,
      "Your own unique key for the row; left empty, one is derived from the row.",
      "本行的唯一参考号，可留空（将根据本行内容生成）。", "BUS-2026-001", aliases=("reference",),
      text_format=True, width=18),
    C("vin", "车辆识别代号", "VIN", True, "17 characters (GB 16735).", "17 位车辆识别代号。",
      "LDKB00KA2TD000061", aliases=("车架号", "vin码"), text_format=True, width=20),
    C("certificate_number", "合格证编号", "Certificate number", True,
      "机动车整车出厂合格证编号.", "机动车整车出厂合格证编号。", "WLDK3126000061",
      text_format=True, width=18),
    C("vehicle_type", "车辆类型", "Vehicle type", True, "GA 802 code (K11, K33, H14…).",
      "车辆类型代码（K11、K33、H14 等）。", "K11", width=10),
    C("use_nature", "使用性质", "Use nature", True, "GA 24 code (A, C, R, S…).",
      "使用性质代码（A、C、R、S 等）。", "C", width=10),
    C("fuel_type", "燃料种类", "Fuel", True, "GA 24 code (A petrol, B diesel, C electric…).",
      "燃料种类代码（A 汽油、B 柴油、C 电等）。", "C", width=10),
    C("energy_type", "能源类型", "Energy type", True, "ICE, HEV, PHEV, EREV, BEV or FCEV.",
      "ICE、HEV、PHEV、EREV、BEV 或 FCEV。", "BEV", choices=ENERGY_TYPES, width=10),
    C("color", "车身颜色", "Colour", False, "Body colour (default: the certificate's).",
      "车身颜色（默认取合格证）。", "白", width=8),
    C("owner_kind", "所有人类型", "Owner kind", False,
      "个人 or 单位 (default: 单位 for id type N).",
      "个人或单位（证件类型为 N 时默认单位）。", "单位", choices=tuple(OWNER_KINDS.values()),
      width=10),
    C("owner_name", "所有人名称", "Owner name", True, "The person's or unit's name.",
      "个人姓名或单位名称。", "连云港演示公交有限公司", aliases=("所有人", "车主姓名"), width=24),
    C("owner_id_type", "证件类型", "ID type", False, "GA 24 code: A resident ID, N credit code.",
      "身份证明名称代码：A 居民身份证，N 统一社会信用代码。", "N", width=8),
    C("owner_id_number", "证件号码", "ID number", True, "ID number or credit code.",
      "身份证号码或统一社会信用代码。", "913207000000000011", aliases=("统一社会信用代码",),
      pii="id_number", text_format=True, width=21),
    C("owner_mobile", "联系电话", "Mobile", True, "11 digits.", "11 位手机号。", "19900010000",
      aliases=("手机号码",), pii="mobile", text_format=True),
    C("owner_address", "住所地址", "Address", True, "Registered address.", "住所地址。",
      "江苏省连云港市海州区演示大道 1 号", aliases=("住址", "地址"), pii="address", width=28),
    C("agent_name", "经办人姓名", "Agent name", False, "Required for a unit owner.",
      "单位办理时必填。", "李经办", pii="name", width=10),
    C("agent_id_number", "经办人身份证号", "Agent ID number", False, "Resident ID (A).",
      "经办人居民身份证号码。",
      "320706199001011234",  # fictional
      pii="id_number", text_format=True, width=21),
    C("agent_mobile", "经办人手机", "Agent mobile", False, "11 digits.", "11 位手机号。",
      "13912340000", pii="mobile", text_format=True),
    C("agent_authorisation_upload", "授权委托书附件", "Authorisation upload", False,
      "Upload id of the owner's authorisation.", "授权委托书的上传编号。", "up_…", width=16),
    C("invoice_number", "发票号码", "Invoice number", True, "机动车销售统一发票号码.",
      "机动车销售统一发票号码。", "44000001", text_format=True, width=14),
    C("invoice_date", "开票日期", "Invoice date", True, "YYYY-MM-DD.", "格式 YYYY-MM-DD。",
      "2026-12-01", width=12),
    C("price_yuan", "价税合计(元)", "Price (yuan)", True, "Invoice total incl. VAT, in yuan.",
      "发票价税合计，单位元。", "1800000.00", aliases=("售价",), width=14),
    C("insurance_policy_number", "交强险保单号", "Insurance policy", True,
      "Compulsory insurance (交强险) policy number.", "交强险保单号。", "PDZA2026000001",
      text_format=True, width=18),
    C("insurance_starts_on", "保险起期", "Insurance starts", True, "YYYY-MM-DD.",
      "格式 YYYY-MM-DD。", "2026-12-01", width=12),
    C("insurance_ends_on", "保险止期", "Insurance ends", True, "YYYY-MM-DD.", "格式 YYYY-MM-DD。",
      "2027-11-30", width=12),
    C("plate_kind", "号牌种类", "Plate kind", True, "01, 02, 51 or 52.", "01、02、51 或 52。",
      "51", choices=("01", "02", "51", "52"), text_format=True, width=8),
    C("plate_source", "号牌来源", "Plate source", False,
      "选号 (a selection), 保留 (a number kept) or 顺序 (in sequence, on site only).",
      "选号、保留或顺序（按顺序分配，仅限上门查验）。", "顺序",
      choices=tuple(PLATE_SOURCES.values()), width=10),
    C("selection_id", "选号编号", "Selection id", False, "For 选号.", "号牌来源为选号时填写。",
      "", width=14),
    C("plate_number", "号牌号码", "Plate number", False, "For 保留.", "号牌来源为保留时填写。",
      "", text_format=True, width=12),
    C("operating_enterprise_credit_code", "运营企业信用代码", "Operating enterprise",
      False, "Key vehicles: the operating enterprise's credit code.",
      "重点车辆：运营企业统一社会信用代码。", "913207000000000011", text_format=True, width=21),
    C("road_transport_licence_number", "道路运输证号", "Road-transport licence", False,
      "Key vehicles in operation (B, C, E, F, R).", "营运类重点车辆必填。", "苏交运管320700000001",
      text_format=True, width=20),
    C("safety_officer_name", "安全管理员", "Safety officer", False, "Key vehicles.",
      "重点车辆必填。", "赵安全", pii="name", width=10),
    C("safety_officer_mobile", "安全管理员手机", "Safety officer mobile", False,
      "Key vehicles.", "重点车辆必填。", "13912345678", pii="mobile", text_format=True),
    C("uploads", "附件编号", "Upload IDs", False, "Upload ids separated by ;.",
      "已上传照片编号，用 ; 分隔。", "", aliases=("附件",), width=16),
)  # fmt: skip

CAR_COLUMN_SET: Final[ColumnSet] = ColumnSet(
    "car", CAR_COLUMNS, "vin", "vehicle.vin", ("VIN", "车辆识别代号"), owner_repeats=False
)

#: Wire field path of a rule violation -> column key (the longest known prefix wins).
CAR_FIELD_COLUMNS: Final[dict[str, str]] = {
    "client_reference": "client_reference",
    **{f"vehicle.{k}": k for k in ("vin", "certificate_number", "vehicle_type", "use_nature",
                                   "fuel_type", "energy_type", "color")},
    "vehicle.key_vehicle": "use_nature",
    "vehicle.use_nature": "use_nature",
    "vehicle.vehicle_type": "vehicle_type",
    **{f"owner.{k}": f"owner_{k}" for k in ("kind", "name", "id_type", "id_number", "mobile",
                                            "address")},
    "agent": "agent_name",
    **{f"agent.{k}": f"agent_{k}" for k in ("name", "id_number", "mobile")},
    "agent.authorisation_upload": "agent_authorisation_upload",
    "invoice.number": "invoice_number",
    "invoice.date": "invoice_date",
    "invoice.price_fen": "price_yuan",
    "insurance.policy_number": "insurance_policy_number",
    "insurance.starts_on": "insurance_starts_on",
    "insurance.ends_on": "insurance_ends_on",
    "insurance": "insurance_ends_on",
    "plate.kind": "plate_kind",
    "plate.source": "plate_source",
    "plate.selection_id": "selection_id",
    "plate.number": "plate_number",
    "purchase_tax": "price_yuan",
    "supervision": "operating_enterprise_credit_code",
    "supervision.operating_enterprise_credit_code": "operating_enterprise_credit_code",
    "supervision.road_transport_licence_number": "road_transport_licence_number",
    "supervision.safety_officer": "safety_officer_name",
    "supervision.safety_officer.name": "safety_officer_name",
    "supervision.safety_officer.mobile": "safety_officer_mobile",
    "uploads": "uploads",
}  # fmt: skip


def car_column_of(field_path: str) -> str | None:
    """The car sheet column a wire field path belongs to (``owner.id_number``)."""
    path = field_path
    while path:
        if path in CAR_FIELD_COLUMNS:
            return CAR_FIELD_COLUMNS[path]
        if "." not in path:
            return None
        path = path.rsplit(".", 1)[0]
    return None
