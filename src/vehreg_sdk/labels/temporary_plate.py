"""The paper temporary plate (临时行驶车号牌) and the buyer's receipt, on A5 or A4 paper.

GA 36-2018 as far as docs/domain.md §3.3 knows it: the province character, the issuing
authority's letter and a sequence, the word 临时, plate kind 22; the exact sheet design was
not at hand [U], so this is a landscape sheet carrying what the rules require: the number,
the validity (``valid_from`` to the last valid day, inclusive), the VIN, the situation, the
issuing authority and a QR code with the bureau-signed compact credential, whose validity is
in its signed ``nbf``/``exp``. A plate the sandbox issued is marked SANDBOX.

Only a store authorised to print temporary plates (``Store.temporary_plate_issuer``) gets
the credential; any other store prints :meth:`TemporaryPlateSheet.receipt` for the buyer:
the number, the validity and the mailing status, and no QR code. ``render_temporary_plate``
draws either (PDF or PNG); ``labels.read_token`` reads the QR code back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ._errors import LabelDataError, LabelLayoutError

if TYPE_CHECKING:
    from ..types import Store, TemporaryPlate

__all__ = ["PAPERS", "SheetText", "TemporaryPlateSheet", "sheet_texts"]

#: Landscape paper sizes (width, height) in mm.
PAPERS: dict[str, tuple[float, float]] = {"A5": (210.0, 148.0), "A4": (297.0, 210.0)}
#: Issuer texts by the credential's issuer; a production bureau names its vehicle office.
AUTHORITY_ZH = "连云港市公安局交通警察支队车辆管理所"
_SITUATIONS = {
    "unsold": ("未销售", "unsold vehicle"),
    "purchased": ("购买后尚未注册登记", "bought, not yet registered"),
    "export": ("新车出口销售", "new car sold for export"),
    "research_test": ("科研、定型试验", "research or type testing"),
    "oversize": ("特型机动车", "oversize special vehicle"),
    "plate_production": ("号牌制作", "plate not made in time"),
}
_DELIVERY = {
    "pending": ("待签发", "not issued yet"),
    "printable": ("门店打印", "printed at the store"),
    "mailed": ("已邮寄", "mailed"),
    "delivered": ("已送达", "delivered"),
}


@dataclass(frozen=True, slots=True)
class TemporaryPlateSheet:
    """What the paper plate (or, without a credential, the receipt) shows."""

    plate_number: str
    plate_id: str
    vin: str
    valid_from: date
    last_valid_day: date
    situation: str
    store_name: str
    credential: str | None
    sandbox: bool = True
    delivery_method: str = "print_at_store"
    delivery_status: str = "printable"
    tracking_number: str | None = None

    @property
    def is_plate(self) -> bool:
        """A printable plate (it carries the credential), not the buyer's receipt."""
        return self.credential is not None

    @property
    def display_number(self) -> str:
        """The number as printed, with the separator dot after the authority letter."""
        number = self.plate_number
        return f"{number[:2]}·{number[2:]}" if len(number) > 2 and "·" not in number else number

    @classmethod
    def from_plate(cls, plate: TemporaryPlate, store: Store) -> TemporaryPlateSheet:
        """The sheet of an issued plate. A store authorised to print temporary plates gets
        the plate; any other store the receipt. Raises :class:`LabelDataError` when the plate
        has no number yet or belongs to another store."""
        if not plate.plate_number:
            raise LabelDataError(
                f"temporary plate {plate.id} is not issued yet ({plate.status})",
                f"临时号牌 {plate.id} 尚未签发（{plate.status}）",
            )
        if store.id != plate.store_id:
            raise LabelDataError(
                f"temporary plate {plate.id} belongs to store {plate.store_id}, not {store.id}",
                f"临时号牌 {plate.id} 属于门店 {plate.store_id}，不是 {store.id}",
            )
        printable = bool(store.temporary_plate_issuer and plate.plate_credential)
        return cls(
            plate_number=plate.plate_number,
            plate_id=plate.id,
            vin=plate.vin,
            valid_from=plate.valid_from,
            last_valid_day=plate.last_valid_day,
            situation=plate.situation,
            store_name=store.name,
            credential=plate.plate_credential if printable else None,
            sandbox=_sandbox_issued(plate),
            delivery_method=str(plate.delivery.method),
            delivery_status=plate.delivery.status,
            tracking_number=plate.delivery.tracking_number,
        )


#: The issuer name of plates the sandbox bureau signs (``plates.ISSUER``).
SANDBOX_ISSUER = "vehreg-sandbox"


def _sandbox_issued(plate: TemporaryPlate) -> bool:
    """Marked SANDBOX unless a bureau other than the sandbox says it issued the plate."""
    return plate.issuer in (None, SANDBOX_ISSUER)


@dataclass(frozen=True, slots=True)
class SheetText:
    """One line of text: top-left at (x, y) mm on an A5 sheet, ``height`` mm, at most
    ``width`` mm wide (shrunk to fit). A4 scales every value by 297/210."""

    text: str
    x: float
    y: float
    height: float
    width: float


NOT_A_PLATE = "本回执不是号牌，不得代替号牌使用 / This receipt is not a plate"
#: The QR code's box on an A5 sheet: x, y and side in mm (quiet zone included).
QR_BOX = (146.0, 66.0, 50.0)


def sheet_texts(sheet: TemporaryPlateSheet) -> list[SheetText]:
    """The text lines of the plate or the receipt, in A5 millimetres."""
    zh, en = _SITUATIONS.get(sheet.situation, (sheet.situation, sheet.situation))
    first, last = sheet.valid_from.isoformat(), sheet.last_valid_day.isoformat()
    validity = f"有效期 Valid {first} 至 to {last}"
    lines = [
        SheetText(f"车辆识别代号 VIN  {sheet.vin}", 16, 82, 5.5, 126),
        SheetText(f"事由 Purpose  {zh} {en}", 16, 91, 5.5, 126),
        SheetText("号牌种类 Kind  22 临时行驶车号牌", 16, 100, 5.5, 126),
        SheetText(f"签发 Issued by  {AUTHORITY_ZH}", 16, 109, 5.5, 126),
        SheetText(
            f"编号 No.  {sheet.plate_id}   门店 Store  {sheet.store_name}", 16, 118, 4.5, 126
        ),
    ]
    if sheet.is_plate:
        head = [
            SheetText("临时行驶车号牌  TEMPORARY PLATE", 16, 15, 9, 178),
            SheetText(sheet.display_number, 16, 34, 26, 124),
            SheetText("临时", 150, 36, 20, 46),
            SheetText(validity, 16, 70, 7, 126),
        ]
        tail = [SheetText("扫码核验 Scan to verify", QR_BOX[0] + 6, 118, 4.5, 40)]
    else:
        status_zh, status_en = _DELIVERY.get(sheet.delivery_status, (sheet.delivery_status,) * 2)
        tracking = f"  运单号 Tracking {sheet.tracking_number}" if sheet.tracking_number else ""
        head = [
            SheetText("临时号牌申领回执  TEMPORARY PLATE RECEIPT", 16, 15, 9, 178),
            SheetText(NOT_A_PLATE, 16, 28, 5, 178),
            SheetText(sheet.display_number, 16, 38, 20, 178),
            SheetText(validity, 16, 64, 6, 178),
        ]
        tail = [
            SheetText(f"寄送 Delivery  {status_zh} {status_en}{tracking}", 16, 73, 5.5, 178),
        ]
    if sheet.sandbox:
        tail.append(SheetText("SANDBOX 沙箱签发 · 非正式号牌 NOT A REAL PLATE", 16, 128, 6, 178))
    return head + lines + tail


def paper_size(paper: str) -> tuple[float, float]:
    """(width, height) mm of a landscape ``A5`` or ``A4`` sheet."""
    size = PAPERS.get(paper.upper())
    if size is None:
        raise LabelLayoutError(
            f"unknown paper {paper!r}; use A5 or A4", f"不支持的纸张 {paper!r}，可选 A5、A4"
        )
    return size
