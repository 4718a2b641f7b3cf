"""RFC 9457 problem details: every error the bureau answers, in English and Chinese.

Each stable dotted ``code`` has a default status, title and bilingual detail
here, so the catalogue in docs/api/errors.md and the server cannot drift apart
(a test compares them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..rules._violation import Violation

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:vehreg:problem:"


@dataclass(frozen=True, slots=True)
class ProblemKind:
    """The defaults of one problem code."""

    status: int
    title: str
    detail: str
    detail_zh: str


PROBLEMS: dict[str, ProblemKind] = {
    "route.not_found": ProblemKind(404, "Not Found", "No such path.", "请求的路径不存在。"),
    "route.method_not_allowed": ProblemKind(
        405,
        "Method Not Allowed",
        "This path does not accept this method.",
        "该路径不支持此请求方法。",
    ),
    "auth.missing_headers": ProblemKind(
        401, "Unauthorized", "A request-signing header is missing.", "缺少请求签名头。"
    ),
    "auth.invalid_signature": ProblemKind(
        401,
        "Unauthorized",
        "The key is unknown or the signature does not match the request.",
        "应用密钥无效或签名与请求不符。",
    ),
    "auth.clock_skew": ProblemKind(
        401,
        "Unauthorized",
        "The request timestamp is more than 300 seconds from the bureau's clock.",
        "请求时间戳与服务器时间相差超过 300 秒，请校准时钟。",
    ),
    "auth.replayed": ProblemKind(
        401,
        "Unauthorized",
        "This nonce was already used in the last 10 minutes.",
        "该随机数在 10 分钟内已被使用，疑似重放请求。",
    ),
    "rate_limit.exceeded": ProblemKind(
        429,
        "Too Many Requests",
        "Too many requests; retry after the indicated delay.",
        "请求过于频繁，请稍后重试。",
    ),
    "idempotency.missing_key": ProblemKind(
        400,
        "Bad Request",
        "A POST needs an Idempotency-Key header.",
        "POST 请求必须携带 Idempotency-Key 请求头。",
    ),
    "idempotency.invalid_key": ProblemKind(
        400,
        "Bad Request",
        "An Idempotency-Key is 1 to 255 printable ASCII characters.",
        "Idempotency-Key 应为 1 至 255 个可打印 ASCII 字符。",
    ),
    "idempotency.conflict": ProblemKind(
        409,
        "Conflict",
        "This Idempotency-Key was used with a different request.",
        "该 Idempotency-Key 已用于另一个不同的请求。",
    ),
    "idempotency.in_progress": ProblemKind(
        409,
        "Conflict",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        "使用该 Idempotency-Key 的请求正在处理中，请稍后重试。",
    ),
    "body.invalid_json": ProblemKind(
        400, "Bad Request", "The body is not valid UTF-8 JSON.", "请求内容不是有效的 UTF-8 JSON。"
    ),
    "body.invalid_multipart": ProblemKind(
        400, "Bad Request", "The multipart body is malformed.", "multipart 请求体格式错误。"
    ),
    "body.too_large": ProblemKind(
        413, "Content Too Large", "The request body is too large.", "请求内容过大。"
    ),
    "content_type.unsupported": ProblemKind(
        415,
        "Unsupported Media Type",
        "This Content-Type is not accepted here.",
        "不支持该 Content-Type。",
    ),
    "query.invalid": ProblemKind(
        400, "Bad Request", "A query parameter is invalid.", "查询参数无效。"
    ),
    "validation.failed": ProblemKind(
        422,
        "Unprocessable Content",
        "The request breaks one or more rules; see errors.",
        "请求内容不符合规则，详见 errors。",
    ),
    "certificate.not_found": ProblemKind(
        404,
        "Not Found",
        "No certificate of conformity has this vehicle code.",
        "未找到该整车编码对应的产品合格证。",
    ),
    "catalogue.model_not_found": ProblemKind(
        404,
        "Not Found",
        "This product model is not in the catalogue.",
        "产品目录中没有该产品型号。",
    ),
    "vehicle.stolen": ProblemKind(
        422,
        "Unprocessable Content",
        "This vehicle is on the stolen-vehicle list; do not sell it and contact the police.",
        "该车辆在被盗抢车辆名单中，请停止销售并联系公安机关。",
    ),
    "vehicle.already_registered": ProblemKind(
        409,
        "Conflict",
        "This vehicle code already has a live registration.",
        "该整车编码已有有效的登记记录。",
    ),
    "store.not_found": ProblemKind(404, "Not Found", "No such store.", "门店不存在。"),
    "registration.not_found": ProblemKind(
        404, "Not Found", "No such registration.", "登记记录不存在。"
    ),
    "registration.invalid_state": ProblemKind(
        409,
        "Conflict",
        "The registration's status does not allow this action.",
        "当前登记状态不允许此操作。",
    ),
    "upload.too_large": ProblemKind(
        413, "Content Too Large", "An upload is at most 5 MB.", "上传文件不能超过 5 MB。"
    ),
    "upload.unsupported_type": ProblemKind(
        415,
        "Unsupported Media Type",
        "Only JPEG and PNG files are accepted (checked by content).",
        "仅接受 JPEG 或 PNG 图片（按文件内容判断）。",
    ),
    "webhook_endpoint.not_found": ProblemKind(
        404, "Not Found", "No such webhook endpoint.", "Webhook 端点不存在。"
    ),
    "plates.exhausted": ProblemKind(
        503, "Service Unavailable", "The sandbox ran out of plate numbers.", "沙箱号牌号码已用尽。"
    ),
    "batch.not_found": ProblemKind(404, "Not Found", "No such batch.", "批次不存在。"),
    "batch_item.reference_conflict": ProblemKind(
        409,
        "Conflict",
        "This client_reference already registered a different item; use a new reference.",
        "该 client_reference 已用于登记另一条不同的内容，请使用新的参考号。",
    ),
    "tax.unpaid": ProblemKind(
        422,
        "Unprocessable Content",
        "The purchase tax of this vehicle is not paid. Pay it, then resend the registration "
        "under a new Idempotency-Key (the old key replays this refusal).",
        "该车辆购置税尚未缴纳。缴纳后请使用新的 Idempotency-Key 重新提交登记"
        "（原 Key 将重放本次拒绝）。",
    ),
    "tax.pending": ProblemKind(
        409,
        "Conflict",
        "The tax office's record of this vehicle has not arrived yet; retry after the "
        "indicated delay with the same Idempotency-Key.",
        "税务机关的完税信息尚未传送到车管所，请按提示稍后使用同一 Idempotency-Key 重试。",
    ),
    "station.not_eligible": ProblemKind(
        422,
        "Unprocessable Content",
        "The registration service station cannot register this vehicle; see routing.",
        "登记服务站不能办理该车辆的注册登记，请按 routing 的指引办理。",
    ),
    "vehicle.imported": ProblemKind(
        422,
        "Unprocessable Content",
        "An imported car is registered at the vehicle office with its import papers; see routing.",
        "进口车辆须持进口凭证到车管所办理注册登记，详见 routing。",
    ),
    "owner.not_local": ProblemKind(
        422,
        "Unprocessable Content",
        "The buyer's residence is not in the 苏G area: apply for a temporary plate; see routing.",
        "购车人住所地不在连云港（苏G）辖区，请申领临时号牌，详见 routing。",
    ),
    "plate_selection.not_found": ProblemKind(
        404, "Not Found", "No such plate selection.", "选号记录不存在。"
    ),
    "plate_selection.draw_limit": ProblemKind(
        422,
        "Unprocessable Content",
        "This vehicle has used today's plate draws; try again tomorrow (Asia/Shanghai).",
        "该车辆今日选号次数已用完，请明天再试（北京时间）。",
    ),
    "plate_selection.invalid_state": ProblemKind(
        409,
        "Conflict",
        "The plate selection's status does not allow this action.",
        "当前选号状态不允许此操作。",
    ),
    "plate_number.taken": ProblemKind(
        409,
        "Conflict",
        "This plate number is already reserved or in use; choose another.",
        "该号牌号码已被预留或使用，请另选号码。",
    ),
    "onsite_inspection.not_found": ProblemKind(
        404, "Not Found", "No such on-site inspection.", "上门查验记录不存在。"
    ),
    "onsite_inspection.invalid_state": ProblemKind(
        409,
        "Conflict",
        "The on-site inspection's status does not allow this action.",
        "当前上门查验状态不允许此操作。",
    ),
    "onsite_inspection.not_passed": ProblemKind(
        422,
        "Unprocessable Content",
        "This vehicle has no passed on-site inspection and safety test to register with.",
        "该车辆没有可用于注册登记的、已通过的上门查验和安全技术检验记录。",
    ),
    "supervision.required": ProblemKind(
        422,
        "Unprocessable Content",
        "A key vehicle's registration records its supervision enrolment.",
        "重点车辆注册登记须录入源头监管信息。",
    ),
    "temporary_plate.not_found": ProblemKind(
        404, "Not Found", "No such temporary plate.", "临时号牌记录不存在。"
    ),
    "temporary_plate.limit_reached": ProblemKind(
        422,
        "Unprocessable Content",
        "This vehicle has had as many temporary plates as the rules allow for this situation.",
        "该车辆在此事由下申领临时号牌的次数已达上限。",
    ),
    "temporary_plate.exists": ProblemKind(
        409,
        "Conflict",
        "Another dealer already requested a temporary plate for this vehicle, situation and "
        "start date.",
        "其他经销商已为该车辆以相同事由和起始日期申领临时号牌。",
    ),
    "temporary_plate.plates_handed_over": ProblemKind(
        422,
        "Unprocessable Content",
        "This vehicle's metal plates were handed over: it needs no temporary plate.",
        "该车辆已领取正式号牌，无需申领临时号牌。",
    ),
    "registration.plates_already_handed_over": ProblemKind(
        409,
        "Conflict",
        "The metal plates were recorded as handed over on another day.",
        "该登记已记录在其他日期交付正式号牌。",
    ),
    "internal.error": ProblemKind(
        500, "Internal Server Error", "An unexpected error occurred.", "服务器内部错误。"
    ),
}


class ProblemError(Exception):
    """Raised anywhere in a request; the endpoint turns it into a problem+json response."""

    def __init__(
        self,
        code: str,
        *,
        status: int | None = None,
        detail: str | None = None,
        detail_zh: str | None = None,
        errors: Iterable[Violation] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
        retryable: bool = False,
    ) -> None:
        kind = PROBLEMS[code]
        self.code = code
        self.status = status or kind.status
        self.title = kind.title if status is None else _title(self.status, kind.title)
        self.detail = detail or kind.detail
        self.detail_zh = detail_zh or kind.detail_zh
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        #: A passing condition (409 ``tax.pending``): the answer is not kept under the
        #: idempotency key, so a retry with the same key is judged again.
        self.retryable = retryable
        super().__init__(f"{code}: {self.detail}")

    def body(self, request_id: str) -> dict[str, Any]:
        """The problem document."""
        doc: dict[str, Any] = {
            "type": TYPE_PREFIX + self.code,
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
            "detail_zh": self.detail_zh,
            "request_id": request_id,
            "errors": [field_error(v) for v in self.errors],
        }
        doc.update(self.extra)
        return doc

    def encoded(self, request_id: str) -> bytes:
        return json.dumps(self.body(request_id), ensure_ascii=False, default=str).encode("utf-8")


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
}


def _title(status: int, fallback: str) -> str:
    return _TITLES.get(status, fallback)


def field_error(violation: Violation) -> dict[str, Any]:
    """One ``errors[]`` entry: field, code, both messages, severity, and any (masked) values."""
    return violation.to_dict()


def violation(field: str, code: str, message: str, message_zh: str) -> Violation:
    """A field error raised by the sandbox itself (not by the rules module)."""
    return Violation(code=code, field=field, message=message, message_zh=message_zh)


def unknown_field(name: str) -> Violation:
    """The ``errors[]`` entry for a body field the endpoint does not take."""
    return violation(name, "field.unknown", "Unknown field.", "不支持的字段。")


def body_not_object() -> Violation:
    """The ``errors[]`` entry for a JSON body that is not an object."""
    return violation(
        "body", "field.type", "The body must be a JSON object.", "请求体应为 JSON 对象。"
    )


def json_object(payload: Any) -> dict[str, Any]:
    """``payload`` if a JSON object, else 422 ``validation.failed``: :func:`body_not_object`."""
    if not isinstance(payload, dict):
        raise ProblemError("validation.failed", errors=[body_not_object()])
    return payload
