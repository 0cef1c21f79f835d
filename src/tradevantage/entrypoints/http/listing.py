"""What every list endpoint shares: page parameters, links that keep the query, and filter parsing."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Request

from tradevantage.domain.errors import FieldError, ValidationFailed
from tradevantage.domain.pagination import Page
from tradevantage.domain.values import parse_timestamp, text_problem


def page_links(request: Request[Any, Any, Any], page: Page[Any]) -> tuple[str | None, str | None]:
    """`next` and `previous` URLs that keep every other query parameter, the way DRF writes them."""
    number = page.request.number
    next_url = _with_page(request, number + 1) if page.has_next else None
    previous_url = _with_page(request, number - 1) if page.has_previous else None
    return next_url, previous_url


def _with_page(request: Request[Any, Any, Any], number: int) -> str:
    """The request's URL for another page; page 1 is written without `page`, as DRF does."""
    # From the query string itself: the parsed parameters do not keep the order the client wrote.
    query = [(key, value) for key, value in parse_qsl(request.url.query, keep_blank_values=True) if key != "page"]
    if number > 1:
        query.append(("page", str(number)))
    return str(request.url.with_replacements(query=urlencode(query)))


def filter_time(name: str, value: str | None) -> datetime | None:
    """A range filter's bound: a date (its midnight UTC) or a timestamp; a bad one names the parameter."""
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError as error:
        raise ValidationFailed([FieldError(name, str(error))]) from None


def filter_text(name: str, value: str | None) -> str | None:
    """A text filter: blank means none; NUL or other control characters are refused, naming the parameter."""
    if value is None or not value.strip():
        return None
    if problem := text_problem(value):
        raise ValidationFailed([FieldError(name, problem)])
    return value.strip()
