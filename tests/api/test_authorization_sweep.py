"""Every route of the app, enumerated: public ones are a short known list, the rest refuse anonymous
callers, and every route to a user's own object answers 404 to another user."""

from __future__ import annotations

from typing import Any

from litestar.routes import HTTPRoute

from tests.api.conftest import Client, report, signed_in, trader_with_free_expert

PUBLIC = {
    "/api/register",
    "/api/login",
    "/api/login/refresh",
    "/api/logout",
    "/health",
    "/health/ready",
    "/metrics",
}
SAMPLE_PARAMETERS = {
    "magic_number": "123",
    "subscription_id": "00000000-0000-0000-0000-000000000000",
    "trade_id": "00000000-0000-0000-0000-000000000000",
    "ticket_number": "1",
}


def api_routes(client: Client) -> list[tuple[str, str]]:
    routes = []
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/schema"):
            continue
        for method in sorted(route.methods):
            if method not in ("OPTIONS", "HEAD"):
                routes.append((method, route.path))
    return routes


def concrete(path: str, parameters: dict[str, str]) -> str:
    for name, value in parameters.items():
        path = path.replace(f"{{{name}:str}}", value).replace(f"{{{name}}}", value)
    return path + "/"


async def test_only_the_known_public_routes_answer_anonymous_callers(client: Client) -> None:
    routes = api_routes(client)
    assert len(routes) > 20, routes
    for method, path in routes:
        if path in PUBLIC:
            continue
        response = await client.request(method, concrete(path, SAMPLE_PARAMETERS), json={})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["www-authenticate"] == "Bearer"


async def test_every_route_to_a_users_own_object_is_404_to_another_user(client: Client) -> None:
    owner_headers, _, subscription = await trader_with_free_expert(client)
    trade = await report(client, owner_headers, ticket_number=1)
    _, stranger = await signed_in(client)
    owned = {"subscription_id": subscription["id"], "trade_id": trade["id"], "ticket_number": "1"}
    checked = 0
    for method, path in api_routes(client):
        names = {name for name in owned if f"{{{name}" in path}
        if not names:
            continue
        body: dict[str, Any] = {}
        response = await client.request(method, concrete(path, owned), json=body, headers=stranger)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        checked += 1
    assert checked >= 9
