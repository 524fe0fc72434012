"""Which route the unmatched message names as the closest: the one a person would pick, whatever
the order the routes were registered in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest
from tests.core.conftest import ask

import canned
from canned import matchers
from canned._core.diagnosis import Diagnosis
from canned._core.mismatch import Refusal
from canned._core.request import Request

# A route as the tests register it: method, URL and the matchers it adds.
RouteSpec = tuple[str, Any, Sequence[Any]]

IN_BOTH_ORDERS = pytest.mark.parametrize("order", [1, -1], ids=["as_listed", "reversed"])


def route(method: str, url: Any, *match: Any) -> RouteSpec:
    return method, url, match


def closest_section(
    routes: Sequence[RouteSpec],
    order: int,
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> str:
    """The "Closest route" section of the message for one request, the routes registered in
    `order` (1 as listed, -1 reversed)."""
    mock = canned.RequestsMock(assert_all_requests_are_fired=False)
    for route_method, route_url, match in routes[::order]:
        mock.add(route_method, route_url, match=list(match))
    outcome = ask(mock, method, url, headers, body)
    assert outcome.kind == "unmatched"
    return outcome.message[outcome.message.index("Closest route: ") :]


def diagnosed_section(routes: Sequence[canned.Response], method: str, url: str) -> str:
    """The "Closest route" section for routes no registry would take (a URL that does not parse)
    or a request no adapter would send, diagnosed as a registry reports them."""
    view = Request(method, url)
    reasons = [Refusal(each.refusals(view)) for each in routes]
    text = str(Diagnosis.of(view, view, routes, reasons, []))
    return text[text.index("Closest route: ") :]


# -- only the method differs --------------------------------------------------------------------


@IN_BOTH_ORDERS
def test_a_request_with_only_the_method_wrong_names_the_same_url_with_the_other_method(
    order: int,
) -> None:
    routes = [
        route("POST", "https://api.test/v1/users"),
        route("GET", "https://api.test/v1/accounts"),
    ]
    section = closest_section(routes, order, "GET", "https://api.test/v1/users")
    assert section == (
        "Closest route: POST https://api.test/v1/users\n- method: expected POST, got GET\n"
    )


@IN_BOTH_ORDERS
def test_the_same_url_with_another_method_beats_every_url_one_segment_off(order: int) -> None:
    routes = [
        route("GET", "https://api.test/v1/accounts"),
        route("GET", "https://api.test/v1/users/7"),
        route("GET", "https://api.test/v2/users"),
        route("DELETE", "https://api.test/v1/users"),
        route("GET", "https://api.test/v1/user"),
    ]
    section = closest_section(routes, order, "GET", "https://api.test/v1/users")
    assert section == (
        "Closest route: DELETE https://api.test/v1/users\n- method: expected DELETE, got GET\n"
    )


# -- URL near-misses ----------------------------------------------------------------------------

URL_NEAR_MISSES = [
    pytest.param(
        "https://api.test/v1/users/",
        [
            route("GET", "https://api.test/v1/users"),
            route("GET", "https://api.test/v1/users/7"),
            route("GET", "https://api.test/v1/accounts/"),
            route("POST", "https://api.test/v1/users/"),
        ],
        "Closest route: GET https://api.test/v1/users\n- url: path /v1/users/ ≠ /v1/users\n",
        id="trailing_slash",
    ),
    pytest.param(
        "https://api.test/v1/user",
        [
            route("GET", "https://api.test/v1/users"),
            route("GET", "https://api.test/v1/orders"),
            route("GET", "https://api.test/v1/users/7"),
            route("GET", "https://api.test/v1"),
        ],
        "Closest route: GET https://api.test/v1/users\n- url: path /v1/user ≠ /v1/users\n",
        id="one_segment_off",
    ),
    pytest.param(
        "https://api.test/v2/users",
        [
            route("GET", "https://api.test/v1/users"),
            route("GET", "https://api.test/v2/orders"),
            route("GET", "https://api.test/v1/orders"),
            route("GET", "https://api.test/users"),
        ],
        "Closest route: GET https://api.test/v1/users\n- url: path /v2/users ≠ /v1/users\n",
        id="another_version_prefix",
    ),
    pytest.param(
        "https://api.exmaple.test/v1/users",
        [
            route("GET", "https://api.example.test/v1/users"),
            route("GET", "https://cdn.example.test/v1/users"),
            route("GET", "https://api.example.test/v1/orders"),
        ],
        "Closest route: GET https://api.example.test/v1/users\n"
        "- url: host api.exmaple.test ≠ api.example.test\n",
        id="host_typo",
    ),
    pytest.param(
        "http://api.test/v1/users",
        [
            route("GET", "https://api.test/v1/users"),
            route("GET", "http://api.test/v1/orders"),
            route("GET", "http://api.test:8080/v1/users"),
        ],
        "Closest route: GET https://api.test/v1/users\n- url: scheme http ≠ https\n",
        id="http_for_https",
    ),
]


@IN_BOTH_ORDERS
@pytest.mark.parametrize(("url", "routes", "expected"), URL_NEAR_MISSES)
def test_a_url_near_miss_names_the_route_nearest_to_it(
    url: str, routes: list[RouteSpec], expected: str, order: int
) -> None:
    assert closest_section(routes, order, "GET", url) == expected


# -- same method and URL: the fewest differing fields -------------------------------------------

THREE_FIELDS = matchers.json_params_matcher({"name": "ada", "role": "admin", "team": "core"})
TWO_FIELDS = matchers.header_matcher({"X-Tenant": "acme", "X-Trace": "1"})
ONE_FIELD = matchers.query_param_matcher({"page": "2"})


@IN_BOTH_ORDERS
def test_among_routes_on_the_same_method_and_url_the_fewest_differing_fields_win(
    order: int,
) -> None:
    routes = [
        route("POST", "https://api.test/v1/users", THREE_FIELDS),
        route("POST", "https://api.test/v1/users", ONE_FIELD),
        route("POST", "https://api.test/v1/users", TWO_FIELDS),
    ]
    section = closest_section(
        routes,
        order,
        "POST",
        "https://api.test/v1/users",
        {"Content-Type": "application/json"},
        b'{"name": "bob", "role": "user", "team": "web"}',
    )
    assert section == (
        "Closest route: POST https://api.test/v1/users\n- query 'page': expected '2', missing\n"
    )


@IN_BOTH_ORDERS
def test_a_route_on_the_right_method_and_url_beats_one_that_only_lacks_fields(order: int) -> None:
    routes = [
        route("PUT", "https://api.test/v1/users/7"),
        route("PATCH", "https://api.test/v1/users/7", TWO_FIELDS),
    ]
    section = closest_section(routes, order, "PATCH", "https://api.test/v1/users/7")
    assert section == (
        "Closest route: PATCH https://api.test/v1/users/7\n"
        "- header 'X-Tenant': expected 'acme', missing\n"
        "- header 'X-Trace': expected '1', missing\n"
    )


# -- regexes and URLs that do not parse ---------------------------------------------------------


@IN_BOTH_ORDERS
def test_a_regex_that_misses_the_url_ranks_after_a_string_route_far_off(order: int) -> None:
    routes = [
        route("GET", re.compile(r"https://api\.test/v1/users/\d+")),
        route("GET", "https://api.test/v2/orders"),
    ]
    section = closest_section(routes, order, "GET", "https://api.test/v1/users")
    assert section == (
        "Closest route: GET https://api.test/v2/orders\n- url: path /v1/users ≠ /v2/orders\n"
    )


@IN_BOTH_ORDERS
def test_a_regex_that_matches_the_url_ranks_as_the_same_url(order: int) -> None:
    routes = [
        route("DELETE", re.compile(r"https://api\.test/v1/users/\d+")),
        route("GET", "https://api.test/v1/users/8"),
    ]
    section = closest_section(routes, order, "GET", "https://api.test/v1/users/7")
    assert section == (
        "Closest route: DELETE re.compile('https://api\\\\.test/v1/users/\\\\d+')\n"
        "- method: expected DELETE, got GET\n"
    )


@IN_BOTH_ORDERS
def test_among_regexes_that_miss_the_right_method_then_the_likeness_decides(order: int) -> None:
    routes = [
        route("POST", re.compile(r"https://api\.test/v1/users/\d+")),
        route("GET", re.compile(r"https://api\.test/v1/orders/\d+")),
        route("GET", re.compile(r"https://api\.test/v1/users/\d+")),
    ]
    section = closest_section(routes, order, "GET", "https://api.test/v1/users")
    assert section == (
        "Closest route: GET re.compile('https://api\\\\.test/v1/users/\\\\d+')\n"
        "- url: https://api.test/v1/users does not match 'https://api\\\\.test/v1/users/\\\\d+'\n"
    )


@IN_BOTH_ORDERS
def test_a_route_url_that_does_not_parse_ranks_after_a_string_route_far_off(order: int) -> None:
    routes = [
        canned.Response("GET", "api.test/v1/users"),
        canned.Response("GET", "https://other.test/v2/orders"),
    ]
    section = diagnosed_section(routes[::order], "GET", "https://api.test/v1/users")
    assert section == (
        "Closest route: GET https://other.test/v2/orders\n"
        "- url: host api.test ≠ other.test, path /v1/users ≠ /v2/orders\n"
    )


@IN_BOTH_ORDERS
def test_a_request_url_that_does_not_parse_is_ranked_by_method_then_likeness(order: int) -> None:
    routes = [
        canned.Response("POST", "https://api.test/v1/users"),
        canned.Response("GET", "https://api.test/v1/orders"),
        canned.Response("GET", re.compile(r"https://api\.test/v1/users")),
        canned.Response("GET", "https://api.test/v1/users"),
    ]
    section = diagnosed_section(routes[::order], "GET", "/v1/users")
    assert section == (
        "Closest route: GET https://api.test/v1/users\n- url: '/v1/users' is not an absolute URL\n"
    )


# -- a realistic API ----------------------------------------------------------------------------

API = "https://api.shop.test"


def resource_routes(version: str, resource: str) -> list[RouteSpec]:
    """The five routes of a REST resource: list, create, read, replace, delete."""
    collection = f"{API}/{version}/{resource}"
    return [
        route("GET", collection),
        route("POST", collection),
        route("GET", f"{collection}/1"),
        route("PUT", f"{collection}/1"),
        route("DELETE", f"{collection}/1"),
    ]


SHOP_ROUTES: list[RouteSpec] = [
    *resource_routes("v1", "users"),
    *resource_routes("v1", "orders"),
    *resource_routes("v1", "products"),
    *resource_routes("v1", "invoices"),
    *resource_routes("v1", "carts"),
    *resource_routes("v2", "users"),
    *resource_routes("v2", "orders"),
    route("PATCH", f"{API}/v1/users/1"),
    route("PATCH", f"{API}/v2/users/1"),
    route("GET", f"{API}/v1/users/1/orders"),
    route("GET", f"{API}/v1/orders/1/items"),
    route("POST", f"{API}/v1/orders/1/items"),
    route("POST", f"{API}/v1/orders/1/refund"),
    route("GET", f"{API}/v1/invoices/1/pdf"),
    route("GET", f"{API}/v1/search", matchers.query_param_matcher({"q": "lamp"})),
    route("GET", re.compile(r"https://api\.shop\.test/v1/products/\d+/reviews")),
    route("GET", f"{API}/v1/health"),
    route("POST", f"{API}/v1/sessions"),
    route("DELETE", f"{API}/v1/sessions"),
    route("POST", "https://auth.shop.test/oauth/token"),
    route("GET", "https://cdn.shop.test/images/logo.png"),
    route("GET", f"{API}/v2/orders/1/items"),
]

SHOP_NEAR_MISSES = [
    pytest.param(
        "GET",
        f"{API}/v1/user/1",
        f"Closest route: GET {API}/v1/users/1\n- url: path /v1/user/1 ≠ /v1/users/1\n",
        id="singular_resource",
    ),
    pytest.param(
        "POST",
        f"{API}/v1/orders/",
        f"Closest route: POST {API}/v1/orders\n- url: path /v1/orders/ ≠ /v1/orders\n",
        id="trailing_slash",
    ),
    pytest.param(
        "DELETE",
        f"{API}/v2/invoices/1",
        f"Closest route: DELETE {API}/v1/invoices/1\n- url: path /v2/invoices/1 ≠ /v1/invoices/1\n",
        id="version_the_resource_lacks",
    ),
    pytest.param(
        "GET",
        "https://api.shpo.test/v1/products",
        f"Closest route: GET {API}/v1/products\n- url: host api.shpo.test ≠ api.shop.test\n",
        id="host_typo",
    ),
    pytest.param(
        "PUT",
        "http://api.shop.test/v1/carts/1",
        f"Closest route: PUT {API}/v1/carts/1\n- url: scheme http ≠ https\n",
        id="http_for_https",
    ),
    pytest.param(
        "GET",
        f"{API}/v1/orders/1/item",
        f"Closest route: GET {API}/v1/orders/1/items\n"
        "- url: path /v1/orders/1/item ≠ /v1/orders/1/items\n",
        id="nested_singular",
    ),
    pytest.param(
        "GET",
        "https://auth.shop.test/oauth/token",
        "Closest route: POST https://auth.shop.test/oauth/token\n"
        "- method: expected POST, got GET\n",
        id="wrong_method",
    ),
    pytest.param(
        "GET",
        f"{API}/v1/search?q=lamb",
        f"Closest route: GET {API}/v1/search\n- query 'q': expected 'lamp', got 'lamb'\n",
        id="wrong_query",
    ),
]


def test_the_realistic_api_has_fifty_routes() -> None:
    assert len(SHOP_ROUTES) == 50


@IN_BOTH_ORDERS
@pytest.mark.parametrize(("method", "url", "expected"), SHOP_NEAR_MISSES)
def test_among_fifty_routes_a_near_miss_names_the_intended_route(
    method: str, url: str, expected: str, order: int
) -> None:
    assert closest_section(SHOP_ROUTES, order, method, url) == expected
