"""Registries: the registered routes, in order, and how a request finds its route.

Owns: `FirstMatchRegistry` and `OrderedRegistry` with responses' exact sequencing, and the
exact-URL index that keeps lookups flat: string-URL routes are indexed by (method, normalised URL
without query); regex routes sit in a short list merged in by registration order. What a
registry needs of a route is the route's public contract: `filing_key`, `refusals`, `served`.
Must not import an HTTP client.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable
from typing import Any, SupportsIndex

from canned._core import urls
from canned._core.mismatch import Refusal
from canned._core.request import view_of
from canned._core.routes import BaseResponse

IndexKey = tuple[str, urls.URLKey]


def _take_out(routes: list[BaseResponse], route: BaseResponse) -> bool:
    """Remove `route` itself (not an equal one) from `routes`; whether it was there."""
    for position, candidate in enumerate(routes):
        if candidate is route:
            del routes[position]
            return True
    return False


class _RouteList(list[BaseResponse]):
    """The live `registered` list: it counts the changes users make through it, and the
    registry rebuilds its index when the count moved (a counter, not a reference back to the
    registry: no cycle, so a mock is freed without waiting for the garbage collector)."""

    changes = 0

    def _dirty(self) -> None:
        self.changes += 1

    def append(self, item: BaseResponse) -> None:
        super().append(item)
        self._dirty()

    def extend(self, items: Iterable[BaseResponse]) -> None:
        super().extend(items)
        self._dirty()

    def insert(self, index: SupportsIndex, item: BaseResponse) -> None:
        super().insert(index, item)
        self._dirty()

    def pop(self, index: SupportsIndex = -1) -> BaseResponse:
        item = super().pop(index)
        self._dirty()
        return item

    def remove(self, item: BaseResponse) -> None:
        super().remove(item)
        self._dirty()

    def clear(self) -> None:
        super().clear()
        self._dirty()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        super().sort(*args, **kwargs)
        self._dirty()

    def reverse(self) -> None:
        super().reverse()
        self._dirty()

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, value)
        self._dirty()

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._dirty()

    def __iadd__(self, items: Iterable[BaseResponse]) -> _RouteList:  # type: ignore[override,misc]  # list's own signature returns Self
        super().__iadd__(items)
        self._dirty()
        return self


class FirstMatchRegistry:
    """Same as `responses.registries.FirstMatchRegistry`.

    Routes that match the same request answer in registration order and the last one repeats.
    Subclasses may override `find(request) -> (route | None, reasons)`.
    """

    def __init__(self) -> None:
        self._responses = _RouteList()
        # A lone route is filed as itself, several as a list: most URLs have one route, and a
        # list per route is one more object for the garbage collector to walk, each collection.
        self._index: dict[IndexKey, BaseResponse | list[BaseResponse]] = {}
        self._patterns: list[BaseResponse] = []
        self._order: dict[int, int] = {}
        self._counter = itertools.count()
        self._indexed = 0  # the list's `changes` that the index reflects
        self.used: list[BaseResponse] = []  # routes sequencing took out, for the diagnosis

    @property
    def registered(self) -> list[BaseResponse]:
        """The live list of routes (changes made to it are seen by the registry)."""
        return self._responses

    def reset(self) -> None:
        list.clear(self._responses)
        self._index.clear()
        self._patterns.clear()
        self._order.clear()
        self._indexed = self._responses.changes
        self.used.clear()

    # -- the index -------------------------------------------------------------------------

    def _index_route(self, route: BaseResponse) -> None:
        """File `route` under its method and URL key (regex routes: in `_patterns`); its place
        in `_order` is given by the caller."""
        key = route.filing_key
        if key is None:
            self._patterns.append(route)  # tried for every request, in registration order
        else:
            index_key = (route.method, key)
            filed = self._index.get(index_key)
            if filed is None:
                self._index[index_key] = route
            elif type(filed) is list:
                filed.append(route)
            else:
                self._index[index_key] = [filed, route]  # type: ignore[list-item]  # a route

    def _routes_at(self, index_key: IndexKey) -> list[BaseResponse]:
        """The routes filed under `index_key`, in registration order."""
        filed = self._index.get(index_key)
        if filed is None:
            return []
        return filed if type(filed) is list else [filed]  # type: ignore[list-item]  # a route

    def _unfile(self, index_key: IndexKey, route: BaseResponse) -> bool:
        """Take `route` out from under `index_key`; whether it was filed there."""
        filed = self._index.get(index_key)
        if filed is route:
            del self._index[index_key]
            return True
        if type(filed) is not list or not _take_out(filed, route):
            return False
        if len(filed) == 1:
            self._index[index_key] = filed[0]
        return True

    def _unindex_route(self, route: BaseResponse) -> None:
        key = route.filing_key
        if key is None:
            found = _take_out(self._patterns, route)
        else:
            found = self._unfile((route.method, key), route)
        if not found:
            # filed under an earlier URL or method (changed after registration): find it
            for index_key in list(self._index):
                if self._unfile(index_key, route):
                    break
            else:
                _take_out(self._patterns, route)
        self._forget_order(route)

    def _forget_order(self, route: BaseResponse) -> None:
        """Drop `route`'s place, unless the live list still holds it (added twice)."""
        if not any(listed is route for listed in self._responses):
            self._order.pop(id(route), None)

    def _ensure_index(self) -> None:
        """Rebuild the index after the live list was changed from outside."""
        if self._responses.changes == self._indexed:
            return
        self._index, self._patterns = {}, []
        self._order = {id(route): position for position, route in enumerate(self._responses)}
        self._counter = itertools.count(len(self._responses))
        for route in self._responses:
            self._index_route(route)
        self._indexed = self._responses.changes

    def _pop(self, route: BaseResponse) -> None:
        """Remove one route from the live list and the index."""
        for position, candidate in enumerate(self._responses):
            if candidate is route:
                list.__delitem__(self._responses, position)
                break
        self._unindex_route(route)

    # -- finding ---------------------------------------------------------------------------

    def _candidates(self, method: str, key: urls.URLKey) -> list[BaseResponse]:
        exact = self._routes_at((method, key))
        if not self._patterns:
            return exact
        order = self._order
        return sorted((*exact, *self._patterns), key=lambda route: order[id(route)])

    def _first_of(self, request: Any, routes: list[BaseResponse]) -> BaseResponse | None:
        """responses' sequencing over the routes that could answer: the first that takes the
        request answers and stays; when a second one takes it too, the first is used up (it is
        removed, and answers this once more only if it never answered). A route with `times=`
        answers that many times before the next one does, whatever follows it."""
        found = None
        for route in routes:
            if route.refusals(request, quick=True):
                continue
            if found is None:
                if route.times is not None:
                    return route  # it answers its `times`, then refuses by itself
                found = route
                continue
            self._pop(found)
            self.used.append(found)
            return route if found.served or found.call_count else found
        return found

    def find(self, request: Any) -> tuple[BaseResponse | None, list[str]]:
        """The route that answers `request`, or `(None, reasons)` with one reason per route
        (each a `Refusal`: the text responses shows, with every reason behind it).

        Exact routes of this method and URL and every regex route are tried in registration
        order; when none answers, `/`-ending routes answer paths beneath them, the longest
        prefix first (canned's own rule: responses matches such a URL exactly only).
        """
        self._ensure_index()
        view = view_of(request)
        try:
            key = view.key
        except ValueError:
            return None, self._reasons(request)
        route = self._look(request, view.method, key)
        if route is None and self._misfiled():  # a route's URL or method changed after `add`
            self._indexed = -1  # the index is rebuilt from the routes as they are now
            self._ensure_index()
            route = self._look(request, view.method, key)
        if route is not None:
            return route, []
        return None, self._reasons(request)

    def _look(self, request: Any, method: str, key: urls.URLKey) -> BaseResponse | None:
        route = self._first_of(request, self._candidates(method, key))
        if route is not None:
            return route
        for parent in urls.parent_paths(key.path):
            bucket = self._routes_at((method, key.with_path(parent)))
            if bucket:
                route = self._first_of(request, bucket)
                if route is not None:
                    return route
        return None

    def _misfiled(self) -> bool:
        """Whether a route is no longer filed under its method and URL (they were changed
        after it was added, as responses allows). Asked only when no route answers: the
        index is then rebuilt, and the request asked again."""
        patterns = {id(route) for route in self._patterns}
        for route in self._responses:
            key = route.filing_key
            if key is None:
                if id(route) not in patterns:
                    return True
                continue
            filed = self._index.get((route.method, key))
            if filed is not route and not (
                type(filed) is list and any(each is route for each in filed)
            ):
                return True
        return False

    def _reasons(self, request: Any) -> list[str]:
        return [Refusal(route.refusals(request)) for route in self._responses]

    # -- changing ----------------------------------------------------------------------------

    def add(self, response: BaseResponse) -> BaseResponse:
        """Register `response`; an instance already registered is registered as a deep copy."""
        self._ensure_index()
        order = self._order
        if id(response) in order:
            # responses #479: a re-added instance is registered as a copy, with no calls of its own
            response = copy.deepcopy(response)
            response.forget_calls()
        list.append(self._responses, response)
        order[id(response)] = next(self._counter)
        self._index_route(response)
        return response

    def remove(self, response: BaseResponse) -> list[BaseResponse]:
        """Remove every route equal to `response`; return the routes removed.

        Differs: responses returns the probe once per removal.
        """
        self._ensure_index()
        removed = [route for route in self._responses if route == response]
        for route in removed:
            self._pop(route)
        return removed

    def replace(self, response: BaseResponse) -> BaseResponse:
        """Put `response` in place of the first equal route.

        Raises:
            ValueError: no equal route is registered.
        """
        self._ensure_index()
        position = next((i for i, r in enumerate(self._responses) if r == response), None)
        if position is None:
            raise ValueError(f"Response is not registered for URL {response.url}")
        route = self._responses[position]
        order = self._order[id(route)]
        self._unindex_route(route)
        list.__setitem__(self._responses, position, response)
        self._forget_order(route)
        self._order[id(response)] = order
        self._index_route(response)
        key = response.filing_key
        if key is None:
            self._patterns.sort(key=lambda r: self._order[id(r)])
        else:
            filed = self._index[(response.method, key)]
            if type(filed) is list:
                filed.sort(key=lambda r: self._order[id(r)])
        return response


class OrderedRegistry(FirstMatchRegistry):
    """Same as `responses.registries.OrderedRegistry`: routes answer strictly in order.

    A request that does not match the next route fails, and the rest of the queue is dropped
    (kept as in responses).
    """

    def find(self, request: Any) -> tuple[BaseResponse | None, list[str]]:
        if not self.registered:
            return None, ["No more registered responses"]
        self._ensure_index()
        route = self.registered[0]
        self._pop(route)
        ok, reason = route.matches(request)
        if ok:
            self.used.append(route)
            return route, []
        used = list(self.used)
        self.reset()
        self.used.extend(used)
        self.add(route)
        return None, [
            f"Next 'Response' in the order doesn't match due to the following reason: {reason}."
        ]
