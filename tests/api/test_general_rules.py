"""The general rules of the API contract, which every endpoint inherits."""

from __future__ import annotations

import pytest

from tests.api.conftest import Client, assert_problem, login, publish, register, signed_in
from tests.factories import PASSWORD


@pytest.mark.parametrize("path", ["/api/login/", "/api/login"])
async def test_paths_work_with_and_without_trailing_slash(client: Client, path: str) -> None:
    user = await register(client)
    response = await client.post(path, json={"email": user["email"], "password": PASSWORD})
    assert response.status_code == 200


async def test_trailing_nul_byte_after_json_is_ignored(client: Client) -> None:
    user = await register(client)
    body = f'{{"email":"{user["email"]}","password":"{PASSWORD}"}}'.encode() + b"\x00"
    response = await client.post("/api/login/", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_json_is_read_whatever_the_content_type(client: Client, content_type: str | None) -> None:
    user = await register(client)
    headers = {"Content-Type": content_type} if content_type else {}
    body = f'{{"email":"{user["email"]}","password":"{PASSWORD}"}}'.encode()
    response = await client.post("/api/login/", content=body, headers=headers)
    assert response.status_code == 200, response.text


async def test_windows_1252_body_is_read(client: Client) -> None:
    body = '{"email":"pound@example.com","full_name":"Trader £","password":"secret-£-123"}'.encode("cp1252")
    response = await client.post("/api/register/", content=body)
    assert response.status_code == 201
    assert response.json()["full_name"] == "Trader £"
    await login(client, "pound@example.com", "secret-£-123")


async def test_malformed_json_is_400_saying_where(client: Client) -> None:
    response = await client.post("/api/login/", content=b'{"email": "a@example.com",, }')
    body = assert_problem(response, 400)
    assert "Malformed JSON" in body["detail"]
    assert "byte" in body["detail"]


@pytest.mark.parametrize("body", [b"", b"\x00"])
async def test_empty_body_is_400(client: Client, body: bytes) -> None:
    response = await client.post("/api/login/", content=body)
    assert assert_problem(response, 400)["detail"] == "A JSON request body is required."


async def test_body_that_is_not_an_object_is_400(client: Client) -> None:
    assert_problem(await client.post("/api/login/", content=b"[1, 2]"), 400)


async def test_wrong_type_names_the_field(client: Client) -> None:
    response = await client.post("/api/login/", json={"email": 5, "password": PASSWORD})
    assert_problem(response, 400, "email")


async def test_unknown_body_fields_are_ignored(client: Client) -> None:
    user = await register(client)
    response = await client.post("/api/login/", json={"email": user["email"], "password": PASSWORD, "otp": 1})
    assert response.status_code == 200


async def test_body_over_one_mebibyte_is_413(client: Client) -> None:
    payload = b'{"email":"a@example.com","password":"' + b"x" * (1024 * 1024) + b'"}'
    response = await client.post("/api/login/", content=payload)
    assert_problem(response, 413)


async def test_unknown_path_is_404_problem(client: Client) -> None:
    assert_problem(await client.get("/api/nowhere/"), 404)


async def test_wrong_method_is_405_with_allow(client: Client) -> None:
    response = await client.delete("/api/user/")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


async def test_health_needs_no_token_and_no_database(client: Client) -> None:
    response = await client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_the_database_answers(client: Client) -> None:
    response = await client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_openapi_schema_lists_every_accounts_endpoint(client: Client) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert {
        ("/api/register", "post"),
        ("/api/login", "post"),
        ("/api/login/refresh", "post"),
        ("/api/logout", "post"),
        ("/api/user", "get"),
        ("/api/user", "patch"),
        ("/api/user/password", "post"),
        ("/health", "get"),
        ("/health/ready", "get"),
    } <= operations
    register_op = schema["paths"]["/api/register"]["post"]
    assert {"201", "400", "409"} <= set(register_op["responses"])
    assert "requestBody" in register_op


async def test_docs_page_is_served(client: Client) -> None:
    response = await client.get("/schema/swagger")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


async def test_page_links_keep_the_query_in_the_order_it_was_written(client: Client) -> None:
    _, headers = await signed_in(client, "programmer")
    for magic in range(1, 4):
        await publish(client, headers, magic_number=magic, price=0)
    for query in ("page_size=1&ordering=name&search=EA", "search=EA&ordering=name&page_size=1"):
        answer = (await client.get(f"/api/experts/?{query}&page=2", headers=headers)).json()
        assert answer["next"].split("?", 1)[1] == f"{query}&page=3"
        assert answer["previous"].split("?", 1)[1] == query
