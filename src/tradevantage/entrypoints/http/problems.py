"""Every error becomes RFC 9457 problem details with a human `detail` (old clients read only that)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tradevantage.domain.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from tradevantage.domain.users.throttling import TooManyAttempts
from tradevantage.entrypoints.http.body import EMPTY_BODY

PROBLEM_JSON = "application/problem+json"
BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}
logger = logging.getLogger("tradevantage.http")
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")

_DOMAIN_STATUS: list[tuple[type[DomainError], int]] = [
    (ValidationFailed, 400),
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
]


def problem(
    status: int,
    detail: str,
    errors: Iterable[FieldError] = (),
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = detail
    field_errors = [{"field": error.field, "message": error.message} for error in errors]
    if field_errors:
        body["errors"] = field_errors
    if extra:
        body.update(extra)
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))


def _domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[dict[str, Any]]:
    if isinstance(error, TooManyAttempts):
        return problem(429, error.detail, headers={"Retry-After": str(error.retry_after)})
    status = next((code for kind, code in _DOMAIN_STATUS if isinstance(error, kind)), 400)
    headers = BEARER_CHALLENGE if status == 401 else None
    return problem(status, error.detail, error.errors, headers)


def _validation_error(_: Request[Any, Any, Any], error: ValidationException) -> Response[dict[str, Any]]:
    items = [item for item in (error.extra if isinstance(error.extra, list) else []) if isinstance(item, dict)]
    if any(item.get("key") == "data" for item in items):
        return _body_error(str(items[0].get("message", "")))
    errors = [FieldError(str(item.get("key") or "body"), str(item.get("message", "Invalid value."))) for item in items]
    if not errors:
        return problem(400, error.detail or "Invalid request.")
    names = ", ".join(dict.fromkeys(e.field for e in errors))
    return problem(400, f"Invalid input: {names}.", errors)


def _body_error(message: str) -> Response[dict[str, Any]]:
    """Litestar names the whole body `data`: it was missing, lacked a field, or was no JSON object."""
    if missing := _MISSING_FIELD.search(message):
        field = missing.group(1)
        return problem(400, f"Invalid input: {field}.", [FieldError(field, "This field is required.")])
    if message.strip("'") == "data":
        return problem(400, EMPTY_BODY)
    return problem(400, f"The request body is not a JSON object of the expected shape: {message}.")


def _http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    status = error.status_code
    headers = dict(error.headers or {})
    detail = error.detail or HTTPStatus(status).phrase
    if isinstance(error, NotAuthorizedException):
        headers.update(BEARER_CHALLENGE)
        detail = _unauthorized_detail(detail)
    return problem(status, detail, headers=headers)


def _database_unavailable(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    logger.warning("Database unavailable on %s %s: %s", request.method, request.url.path, type(error).__name__)
    return problem(503, "The database is unavailable; try again shortly.", headers={"Retry-After": "5"})


def _database_error(request: Request[Any, Any, Any], error: DBAPIError) -> Response[dict[str, Any]]:
    """A connection found lost (and discarded) is an outage to the caller; any other database error is
    a bug."""
    if error.connection_invalidated:
        return _database_unavailable(request, error)
    return _unexpected_error(request, error)


def _unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem(500, "The server failed to handle this request. It has been logged.")


def _unauthorized_detail(detail: str) -> str:
    if detail in ("", "Unauthorized", "No JWT token found in request header"):
        return "Authentication credentials were not provided or are invalid."
    return detail if detail.endswith(".") else detail + "."


def exception_handlers() -> ExceptionHandlersMap:
    return {
        # Raised when the database cannot be reached, drops the connection or times out.
        OperationalError: _database_unavailable,
        InterfaceError: _database_unavailable,
        DisconnectionError: _database_unavailable,
        PoolTimeout: _database_unavailable,
        DBAPIError: _database_error,
        OSError: _database_unavailable,
        DomainError: _domain_error,
        ValidationException: _validation_error,
        HTTPException: _http_error,
        Exception: _unexpected_error,
    }
