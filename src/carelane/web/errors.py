"""One mapping from errors to HTTP responses, all in one stable JSON shape:

{"error": {"code": "...", "message": "...", "details": [{"field": "...", "message": "..."}]}}

A guard's refusal (`GuardedInputError`) adds members of its own beside those three, such
as the spans of personal data a public reply would expose.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from carelane.accounts.errors import (
    ForbiddenError,
    NotSignedInError,
    SignInFailedError,
    SignInThrottledError,
)
from carelane.domain.errors import (
    ConflictError,
    DomainError,
    FieldError,
    GuardedInputError,
    InvalidInputError,
    NotFoundError,
)
from carelane.posts.batch import BatchTooLargeError

STATUS_OF: list[tuple[type[DomainError], int]] = [
    (BatchTooLargeError, 413),
    (NotSignedInError, 401),
    (SignInFailedError, 401),
    (SignInThrottledError, 429),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (InvalidInputError, 422),
]


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorResponse(BaseModel):
    """The shape of every error carelane answers with."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (401, 403, 404, 409, 413, 422)
}
"""For routes' `responses=`, so that /docs shows the error shape."""


def printable(text: str) -> str:
    """`text` safe to encode as UTF-8: undecodable bytes and lone surrogates as escapes."""
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


def error_body(code: str, message: str, details: list[FieldError]) -> dict[str, Any]:
    """The stable error shape, ready to serialise."""
    return {
        "error": {
            "code": code,
            "message": printable(message),
            "details": [
                {"field": printable(d.field), "message": printable(d.message)} for d in details
            ],
        }
    }


def error_response(status: int, code: str, message: str, details: list[FieldError]) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


def _domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    status = next((s for kind, s in STATUS_OF if isinstance(error, kind)), 400)
    details = error.errors if isinstance(error, InvalidInputError) else []
    message = str(error) or error.code
    if isinstance(error, InvalidInputError):
        message = "the request is invalid"
        if isinstance(error, BatchTooLargeError):
            message = "the batch holds too many posts"
        if isinstance(error, GuardedInputError):
            message = error.message
    body = error_body(error.code, message, details)
    if isinstance(error, GuardedInputError):
        # What the client needs to put the input right, beside the stable members.
        body["error"].update({k: v for k, v in error.extra.items() if k not in body["error"]})
    response = JSONResponse(body, status_code=status)
    if isinstance(error, SignInThrottledError):
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="carelane"'
    return response


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie") and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "request"


def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = [
        FieldError(_location(tuple(e.get("loc", ()))), str(e.get("msg", "is invalid")))
        for e in error.errors()
    ]
    return error_response(422, InvalidInputError.code, "the request is invalid", details)


def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(error.status_code, "http_error")
    response = error_response(error.status_code, code, str(error.detail), [])
    if error.headers:
        response.headers.update(error.headers)
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Answer every domain error, invalid request and HTTP error in the stable shape."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
