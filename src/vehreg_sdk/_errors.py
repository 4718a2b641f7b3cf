"""The error hierarchy. Every message is English and Chinese, and personal data is masked.

::

    VehregError
    ├── APIStatusError            the bureau answered with 4xx/5xx (problem+json)
    │   ├── BadRequestError            400
    │   ├── AuthenticationError        401
    │   ├── PermissionDeniedError      403
    │   ├── NotFoundError              404
    │   ├── ConflictError              409  (``existing_id`` for vehicle.already_registered)
    │   ├── UnprocessableEntityError   422
    │   ├── RateLimitError             429
    │   └── InternalServerError        5xx
    ├── APIConnectionError        no response at all
    │   └── APITimeoutError
    ├── LocalValidationError      the domain rules refused the input; nothing was sent
    ├── WaitTimeoutError          ``wait()`` ran out of time
    ├── WebhookVerificationError  a webhook's signature or timestamp is wrong
    ├── CredentialsError          no base URL, app key or secret could be found
    └── ConfigurationError        a setting (``VEHREG_TIMEOUT``...) has an unusable value

Importing this module loads neither httpx nor pydantic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .privacy import mask_text

if TYPE_CHECKING:
    import httpx

    from .rules._violation import Violation

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "CredentialsError",
    "InternalServerError",
    "LocalValidationError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "VehregError",
    "WaitTimeoutError",
    "WebhookVerificationError",
]


class VehregError(Exception):
    """Base of every error the SDK raises. ``message`` is English, ``message_zh`` Chinese."""

    message: str
    message_zh: str

    def __init__(self, message: str, message_zh: str = "") -> None:
        self.message = mask_text(message)
        self.message_zh = mask_text(message_zh)
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.message_zh:
            return f"{self.message} / {self.message_zh}"
        return self.message


class CredentialsError(VehregError):
    """The client could not find its base URL, app key or app secret."""


class ConfigurationError(VehregError):
    """A setting has a value the SDK cannot use; ``setting`` names it (``VEHREG_TIMEOUT``)."""

    code = "configuration.invalid"

    def __init__(self, setting: str, message: str, message_zh: str) -> None:
        self.setting = setting
        super().__init__(message, message_zh)


class APIConnectionError(VehregError):
    """No HTTP response arrived: DNS, refused connection, reset, TLS failure."""

    def __init__(
        self,
        message: str = "Could not reach the vehicle administration",
        message_zh: str = "无法连接车管所服务",
        *,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message, message_zh)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""

    def __init__(self, *, request: httpx.Request | None = None) -> None:
        super().__init__("The request timed out", "请求超时", request=request)


# Titles for responses that are not problem+json (a proxy's 502 page, say).
_STATUS_TEXT: dict[int, tuple[str, str]] = {
    400: ("Bad request", "请求有误"),
    401: ("Authentication failed: check the app key and secret", "身份验证失败：请检查应用密钥"),
    403: ("Permission denied", "无权限执行此操作"),
    404: ("Not found", "未找到"),
    408: ("Request timeout", "请求超时"),
    409: ("Conflict", "操作冲突"),
    422: ("Unprocessable entity", "提交的内容未通过校验"),
    429: ("Too many requests: slow down", "请求过于频繁，请稍后再试"),
}


class APIStatusError(VehregError):
    """The bureau answered with an error status (``application/problem+json``).

    ``code`` is stable and dotted (``vehicle.already_registered``); switch on it, not on
    the text. ``errors`` lists per-field problems as :class:`~vehreg_sdk.rules.Violation`,
    the same type :class:`LocalValidationError` uses. ``request_id`` is what support asks for.
    """

    status_code: int
    code: str
    detail: str
    detail_zh: str
    request_id: str | None
    errors: list[Violation]
    problem: dict[str, Any]
    #: how many retries were taken before this response (0: the first attempt)
    retries_taken: int

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        detail: str,
        detail_zh: str,
        request_id: str | None,
        errors: list[Violation] | None = None,
        problem: Mapping[str, Any] | None = None,
        response: httpx.Response | None = None,
        retries_taken: int = 0,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.detail = mask_text(detail)
        self.detail_zh = mask_text(detail_zh)
        self.request_id = request_id
        self.errors = list(errors or [])
        self.problem = dict(problem or {})
        self.response = response
        self.retries_taken = retries_taken
        super().__init__(self.detail, self.detail_zh)

    def __str__(self) -> str:
        head = f"[{self.status_code} {self.code}] {self.detail}"
        if self.detail_zh:
            head += f" / {self.detail_zh}"
        lines = [head]
        lines.extend(f"  - {mask_text(str(v))}" for v in self.errors)
        lines.append(f"  (request_id: {self.request_id or 'unknown'})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, code={self.code!r}, "
            f"request_id={self.request_id!r})"
        )

    @classmethod
    def from_response(cls, response: httpx.Response, *, retries_taken: int = 0) -> APIStatusError:
        """Build the subclass that matches ``response.status_code`` from its problem body."""
        status = response.status_code
        problem: dict[str, Any] = {}
        try:
            parsed = json.loads(response.content) if response.content else {}
            if isinstance(parsed, dict):
                problem = parsed
        except ValueError:
            pass
        default_en, default_zh = _STATUS_TEXT.get(
            status, ("Server error", "车管所服务出错") if status >= 500 else ("Error", "错误")
        )
        error_cls = _class_for_status(status)
        kwargs: dict[str, Any] = {
            "status_code": status,
            "code": str(problem.get("code") or f"http.{status}"),
            "detail": str(problem.get("detail") or problem.get("title") or default_en),
            "detail_zh": str(problem.get("detail_zh") or default_zh),
            "request_id": problem.get("request_id") or response.headers.get("x-request-id"),
            "errors": _violations(problem.get("errors") or []),
            "problem": problem,
            "response": response,
            "retries_taken": retries_taken,
        }
        if error_cls is ConflictError:
            kwargs["existing_id"] = problem.get("existing_id")
        if error_cls is RateLimitError:
            kwargs["retry_after"] = response.headers.get("retry-after")
        return error_cls(**kwargs)


def _violations(items: Iterable[Any]) -> list[Violation]:
    from .rules._violation import Violation

    out: list[Violation] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        out.append(
            Violation(
                code=str(item.get("code", "invalid")),
                field=str(item.get("field", "")),
                message=mask_text(str(item.get("message", ""))),
                message_zh=mask_text(str(item.get("message_zh", ""))),
                severity="warning" if item.get("severity") == "warning" else "error",
            )
        )
    return out


class BadRequestError(APIStatusError):
    """400: the request was malformed (bad JSON, bad signature encoding, bad parameter)."""


class AuthenticationError(APIStatusError):
    """401: unknown app key, wrong signature, stale timestamp or a replayed nonce."""


class PermissionDeniedError(APIStatusError):
    """403: the dealer may not act on this store or registration."""


class NotFoundError(APIStatusError):
    """404: no such registration, certificate, product model or store."""


class ConflictError(APIStatusError):
    """409: the state forbids the action. ``existing_id`` names the registration that
    already holds the vehicle when ``code == "vehicle.already_registered"``."""

    existing_id: str | None

    def __init__(self, *, existing_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.existing_id = existing_id


class UnprocessableEntityError(APIStatusError):
    """422: the bureau's rules refused the data; see ``errors`` for each field."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the raw ``Retry-After`` header."""

    retry_after: str | None

    def __init__(self, *, retry_after: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the bureau failed. Retried automatically; raised once retries run out."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _class_for_status(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, APIStatusError)


class LocalValidationError(VehregError):
    """The domain rules refused the input before anything was sent (no network call).

    ``violations`` holds every blocking problem, ``warnings`` the ones that would not block;
    each has ``field``, ``code``, ``message`` (English) and ``message_zh`` (Chinese).
    """

    code = "local_validation"

    def __init__(self, violations: list[Violation], warnings: list[Violation] | None = None):
        self.violations = list(violations)
        self.warnings = list(warnings or [])
        count = len(self.violations)
        super().__init__(f"{count} problem(s) found before sending", f"提交前发现 {count} 个问题")

    def __str__(self) -> str:
        lines = [f"[{self.code}] {self.message} / {self.message_zh}"]
        lines.extend(f"  - {mask_text(str(v))}" for v in self.violations)
        lines.extend(f"  - (warning / 提示) {mask_text(str(v))}" for v in self.warnings)
        return "\n".join(lines)


class WaitTimeoutError(VehregError, TimeoutError):
    """``wait()`` gave up; ``last`` is the registration as last seen."""

    def __init__(self, registration_id: str, status: str, timeout: float, last: Any = None):
        self.registration_id = registration_id
        self.status = status
        self.last = last
        super().__init__(
            f"Registration {registration_id} is still '{status}' after {timeout:g} s",
            f"登记 {registration_id} 在 {timeout:g} 秒后仍为“{status}”状态",
        )


class WebhookVerificationError(VehregError):
    """A webhook failed verification. ``code``: ``webhook.missing_header``,
    ``webhook.malformed_header``, ``webhook.timestamp_out_of_tolerance``,
    ``webhook.signature_mismatch`` or ``webhook.invalid_payload``."""

    def __init__(self, code: str, message: str, message_zh: str) -> None:
        self.code = code
        super().__init__(message, message_zh)

    def __str__(self) -> str:
        return f"[{self.code}] {super().__str__()}"
