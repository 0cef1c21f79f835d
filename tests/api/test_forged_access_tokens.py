"""Forged and misused access tokens are refused with 401 (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from tests.api.conftest import TEST_SECRET, Client, assert_problem, login, register


def _unsigned(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


FORGERIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "alg-none": _unsigned,
    "another-key": lambda c: jwt.encode(c, "a different secret of enough length!!", algorithm="HS256"),
    "another-algorithm": lambda c: jwt.encode(c, TEST_SECRET, algorithm="HS512"),
    "another-issuer": lambda c: jwt.encode({**c, "iss": "someone-else"}, TEST_SECRET, algorithm="HS256"),
    "another-audience": lambda c: jwt.encode({**c, "aud": "another-api"}, TEST_SECRET, algorithm="HS256"),
    "promoted-role": lambda c: jwt.encode(
        {**c, "extras": {**c["extras"], "role": "admin"}}, "a different secret of enough length!!", algorithm="HS256"
    ),
    "no-type": lambda c: jwt.encode(
        {**c, "extras": {k: v for k, v in c["extras"].items() if k != "typ"}}, TEST_SECRET, algorithm="HS256"
    ),
}


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
async def test_forged_access_tokens_are_refused(client: Client, forgery: str) -> None:
    user = await register(client)
    tokens = await login(client, user["email"])
    claims = jwt.decode(tokens["access"], TEST_SECRET, algorithms=["HS256"], audience="tradevantage-api")
    assert (await client.get("/api/user/", headers={"Authorization": f"Bearer {tokens['access']}"})).status_code == 200

    forged = FORGERIES[forgery](claims)
    response = await client.get("/api/user/", headers={"Authorization": f"Bearer {forged}"})

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
