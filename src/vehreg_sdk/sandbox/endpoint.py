"""The request pipeline every route shares.

An :class:`Endpoint` is a plain synchronous handler plus what it accepts. The
pipeline reads the body (bounded), then in a worker thread: verifies the
signature, spends a rate-limit token, runs due reviews, applies the
idempotency key (POST), and calls the handler. Handlers raise
:class:`~vehreg_sdk.sandbox.problems.ProblemError` for every error; nothing a
client sends can produce a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio.to_thread
from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..privacy import masked_logger
from . import idempotency, review
from .auth import Dealer, authenticate
from .bureau import Bureau
from .files import MAX_MULTIPART_BODY, Part, parse_multipart, sha256_hex
from .problems import PROBLEM_CONTENT_TYPE, ProblemError

logger = masked_logger("vehreg_sdk.sandbox")

JSON_CONTENT_TYPE = "application/json"
MAX_JSON_BODY = 1024 * 1024

BodyKind = Literal["none", "json", "optional_json", "multipart"]


def new_request_id() -> str:
    """``req_`` and 24 hex characters."""
    return "req_" + secrets.token_hex(12)


@dataclass(slots=True)
class Reply:
    """What a handler answers: a status and a JSON-serialisable body."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    #: what an idempotent replay answers instead of ``body``, when the first answer shows
    #: something only once (a webhook secret); None replays ``body`` itself
    replay_body: Any = None


@dataclass(slots=True)
class Call:
    """One request as a handler sees it."""

    bureau: Bureau
    request_id: str
    now: float
    method: str
    path_params: dict[str, str]
    query: QueryParams
    headers: Headers
    body: bytes
    caller: Dealer | None

    @property
    def dealer(self) -> Dealer:
        """The authenticated dealer (every endpoint with ``auth=True`` has one)."""
        assert self.caller is not None
        return self.caller

    def json(self, *, optional: bool = False) -> Any:
        """The JSON body: 415 on another content type, 400 on malformed JSON."""
        if optional and not self.body.strip():
            return None
        media_type, charset = _media_type(self.headers)
        if media_type != JSON_CONTENT_TYPE and not media_type.endswith("+json"):
            raise ProblemError(
                "content_type.unsupported",
                detail="Send the body as application/json.",
                detail_zh="请求体应为 application/json。",
            )
        if charset not in ("", "utf-8", "utf8"):
            raise ProblemError(
                "content_type.unsupported",
                detail="JSON bodies are UTF-8.",
                detail_zh="JSON 请求体应为 UTF-8 编码。",
            )
        try:
            value = json.loads(self.body.decode("utf-8"))
            # "\ud800" escapes decode to lone surrogates that cannot be stored or echoed.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except (UnicodeError, ValueError, RecursionError) as exc:
            raise ProblemError("body.invalid_json") from exc
        return value

    def form(self) -> dict[str, Part]:
        """The multipart form: 415 on another content type, 400 when malformed."""
        media_type, _ = _media_type(self.headers)
        if media_type != "multipart/form-data":
            raise ProblemError(
                "content_type.unsupported",
                detail="Send the file as multipart/form-data.",
                detail_zh="文件应以 multipart/form-data 上传。",
            )
        return parse_multipart(self.headers.get("content-type", ""), self.body)


Handler = Callable[[Call], Reply]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A route: method, path template, handler, and what it accepts."""

    method: str
    path: str
    handler: Handler
    auth: bool = True
    body: BodyKind = "none"

    def route(self) -> Route:
        """The Starlette route running this endpoint through the pipeline."""

        async def endpoint(request: Request) -> Response:
            return await _serve(self, request)

        return Route(self.path, endpoint, methods=[self.method], name=self.handler.__name__)


def _media_type(headers: Headers) -> tuple[str, str]:
    raw = headers.get("content-type", "")
    media_type, _, params = raw.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def problem_response(problem: ProblemError, request_id: str) -> Response:
    return Response(
        problem.encoded(request_id),
        problem.status,
        headers=problem.headers,
        media_type=PROBLEM_CONTENT_TYPE,
    )


async def _read_body(request: Request, limit: int, code: str) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise ProblemError(code)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProblemError(code)
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]
    #: the body an idempotency record keeps (``body`` unless the reply said otherwise)
    stored_body: bytes | None = None
    #: A retryable answer (409 ``tax.pending``): not kept under the idempotency key.
    transient: bool = False


async def _serve(endpoint: Endpoint, request: Request) -> Response:
    bureau: Bureau = request.app.state.bureau
    request_id: str = getattr(request.state, "request_id", None) or new_request_id()
    bureau.attach(asyncio.get_running_loop())
    try:
        if endpoint.body == "multipart":
            body = await _read_body(request, MAX_MULTIPART_BODY, "upload.too_large")
        else:
            body = await _read_body(request, MAX_JSON_BODY, "body.too_large")
    except ProblemError as problem:
        return problem_response(problem, request_id)
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    call = Call(
        bureau=bureau,
        request_id=request_id,
        now=0.0,
        method=request.method,
        path_params={k: str(v) for k, v in request.path_params.items()},
        query=request.query_params,
        headers=request.headers,
        body=body,
        caller=None,
    )
    outcome = await anyio.to_thread.run_sync(
        _process,
        endpoint,
        call,
        raw_path.decode("latin-1"),
        request.scope.get("query_string", b"").decode("latin-1"),
    )
    return Response(
        outcome.body, outcome.status, headers=outcome.headers, media_type=outcome.content_type
    )


def _canonical_body(endpoint: Endpoint, call: Call) -> bytes:
    """What the idempotency fingerprint covers: the parsed request, not its framing."""
    if endpoint.body == "multipart":
        try:
            form = call.form()
        except ProblemError:
            return call.body
        parts = sorted(
            (name, part.filename or "", sha256_hex(bytes(part.data))) for name, part in form.items()
        )
        return json.dumps(parts, ensure_ascii=False).encode("utf-8")
    return idempotency.canonical_json(call.body)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")


def _encode(reply: Reply) -> _Outcome:
    stored = None if reply.replay_body is None else _json_bytes(reply.replay_body)
    return _Outcome(
        reply.status, JSON_CONTENT_TYPE, _json_bytes(reply.body), dict(reply.headers), stored
    )


def _encode_problem(problem: ProblemError, request_id: str) -> _Outcome:
    return _Outcome(
        problem.status,
        PROBLEM_CONTENT_TYPE,
        problem.encoded(request_id),
        dict(problem.headers),
        transient=problem.retryable,
    )


def _run_handler(endpoint: Endpoint, call: Call) -> _Outcome:
    try:
        return _encode(endpoint.handler(call))
    except ProblemError as problem:
        return _encode_problem(problem, call.request_id)
    except Exception:
        logger.exception("sandbox handler %s failed", endpoint.handler.__name__)
        return _encode_problem(ProblemError("internal.error"), call.request_id)


def _process(endpoint: Endpoint, call: Call, raw_path: str, raw_query: str) -> _Outcome:
    """Authenticate, then answer; a request signed with version 1.0 gets the deprecation headers."""
    deprecation: dict[str, str] = {}
    outcome = _authenticated(endpoint, call, raw_path, raw_query, deprecation)
    if deprecation:
        outcome.headers.update(deprecation)
    return outcome


def _authenticated(
    endpoint: Endpoint, call: Call, raw_path: str, raw_query: str, deprecation: dict[str, str]
) -> _Outcome:
    bureau = call.bureau
    call.now = bureau.clock()
    try:
        if endpoint.auth:
            signed = authenticate(
                bureau.db,
                call.headers,
                method=call.method,
                raw_path=raw_path,
                raw_query=raw_query,
                body=call.body,
                now=call.now,
            )
            call.caller = signed.dealer
            deprecation.update(signed.deprecation_headers)
            if bureau.rate_limiter is not None:
                bureau.rate_limiter.take(bureau.db, call.caller.id, call.now)
            # Reviews that fell due while nobody was looking happen before anyone reads.
            if review.sweep(bureau, call.now):
                bureau.events_created()
        if call.method != "POST" or call.caller is None:
            return _run_handler(endpoint, call)
        key = idempotency.check_key(call.headers.get(idempotency.HEADER))
        print_ = idempotency.fingerprint(call.method, raw_path, _canonical_body(endpoint, call))
        stored = idempotency.begin(
            bureau.db, call.caller.id, key, print_, call.now, ttl=bureau.settings.idempotency_ttl
        )
    except ProblemError as problem:
        return _encode_problem(problem, call.request_id)
    if stored is not None:
        return _Outcome(
            stored.status,
            stored.content_type,
            stored.body,
            {idempotency.REPLAYED_HEADER: "true"},
        )
    outcome = _run_handler(endpoint, call)
    if outcome.transient:
        idempotency.release(bureau.db, call.caller.id, key)
        return outcome
    idempotency.finish(
        bureau.db,
        call.caller.id,
        key,
        idempotency.StoredResponse(
            outcome.status,
            outcome.content_type,
            outcome.body if outcome.stored_body is None else outcome.stored_body,
        ),
    )
    return outcome
