"""`RequestsMock`: the core `Mock` plus the requests-only extras responses users reach for.

Owns: `target`, `real_adapter_send`, `_real_send`, `unbound_on_send`, `_on_request`,
`_find_match`, `_parse_request_params`, `_read_filelike_body` and replaying recorded files.
Reaches requests only through `canned._adapters.requests`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Callable, Final
from urllib.parse import urlsplit

from canned._adapters import requests as requests_adapter
from canned._core import urls, validation
from canned._core.mock import Mock, OnUnmatched, ResponseCallback
from canned._core.registry import FirstMatchRegistry
from canned._core.routes import BaseResponse, is_overridden

DEFAULT_TARGET: Final = "requests.adapters.HTTPAdapter.send"


class RequestsMock(Mock):
    """Same as `responses.RequestsMock` (see `canned._core.mock.Mock` for the differences).

    A `target` other than `HTTPAdapter.send` is patched too, with the same intercepting send.
    A subclass's own `_on_request`, `_find_match` or `_parse_request_params` is called for each
    request, as in responses.
    """

    # Set per class: a subclass overrides `_parse_request_params`, so it gives `request.params`.
    _own_params: bool = False
    # Set per mock of a subclass that overrides `_on_request`: `unbound_on_send()`, which the
    # requests adapter calls in place of its own handling.
    send_override: Callable[..., Any] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._own_params = is_overridden(cls, "_parse_request_params")
        cls._asks_hooks = cls._asks_hooks or cls._own_params

    def __init__(
        self,
        assert_all_requests_are_fired: bool = True,
        response_callback: ResponseCallback | None = None,
        passthru_prefixes: Sequence[str | re.Pattern[str]] = (),
        target: str = DEFAULT_TARGET,
        registry: type[FirstMatchRegistry] = FirstMatchRegistry,
        *,
        real_adapter_send: Callable[..., Any] | None = None,
        on_unmatched: OnUnmatched = "raise",
        **options: Any,
    ) -> None:
        super().__init__(
            assert_all_requests_are_fired=assert_all_requests_are_fired,
            response_callback=response_callback,
            passthru_prefixes=passthru_prefixes,
            registry=registry,
            on_unmatched=on_unmatched,
            **options,
        )
        if not isinstance(target, str) or "." not in target:
            validation.reject(
                "RequestsMock()", "target", "a dotted path such as 'pkg.Class.send'", target
            )
        if target != DEFAULT_TARGET:
            self._check_target(target)
        self.target = target
        if real_adapter_send is not None:
            validation.check_callable("RequestsMock()", "real_adapter_send", real_adapter_send)
        self.real_adapter_send = real_adapter_send
        self._real_send = real_adapter_send or requests_adapter.real_send
        self._patcher: Any = None
        if is_overridden(type(self), "_on_request"):
            self.send_override = self.unbound_on_send()

    @staticmethod
    def _check_target(target: str) -> None:
        """A custom target must name something that exists now, not fail at activation."""
        import pkgutil

        try:
            pkgutil.resolve_name(target)
        except (ImportError, AttributeError, ValueError) as error:
            raise ValueError(
                f"RequestsMock(): target must name an existing attribute, got {target!r}: {error}"
            ) from error

    def enter(self) -> None:
        super().enter()
        if self.target != DEFAULT_TARGET and self._patcher is None:
            from unittest import mock as std_mock

            self._patcher = std_mock.patch(target=self.target, new=self.unbound_on_send())
            self._patcher.start()

    def stop(self, allow_assert: bool = True) -> None:
        if self._patcher is not None and self.activations == 1:
            self._patcher.stop()
            self._patcher = None
        super().stop(allow_assert=allow_assert)

    def unbound_on_send(self) -> Callable[..., Any]:
        """Same as responses: a `send(adapter, request, *args, **kwargs)` answered by this mock."""

        def send(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            return self._on_request(adapter, request, **requests_adapter.send_kwargs(args, kwargs))

        return send

    def _on_request(self, adapter: Any, request: Any, *, retries: Any = None, **kwargs: Any) -> Any:
        real = requests_adapter.real_send_for(self)
        return requests_adapter.on_request(
            self, adapter, request, kwargs, real=real, retries=retries
        )

    def _find_through_hooks(self, request: Any) -> tuple[BaseResponse | None, list[str]]:
        """responses' order: `request.params` from `_parse_request_params(request.path_url)`
        (a requests `PreparedRequest` only), then `_find_match`."""
        if self._own_params:
            path_url = getattr(request, "path_url", None)
            if path_url is not None:
                request.params = self._parse_request_params(path_url)
        return super()._find_through_hooks(request)

    @staticmethod
    def _parse_request_params(url: str) -> dict[str, str | list[str]]:
        # responses passes `request.path_url` (a path and query, no host): read the query only
        return urls.group_pairs(urls.query_pairs(urlsplit(url).query))

    @staticmethod
    def _read_filelike_body(body: Any) -> Any:
        if hasattr(body, "read"):
            return body.read()
        return body

    # -- replaying recorded files (responses' _recorder format) ----------------------------------

    def _parse_response_file(self, file_path: str) -> dict[str, Any]:
        """Read a recorded file; YAML by default. Override to read TOML or JSON."""
        import yaml

        with open(file_path, encoding="utf-8") as file:
            data: dict[str, Any] = yaml.safe_load(file)
        return data

    def _add_from_file(self, file_path: str) -> None:
        """Same as `responses._add_from_file`: register every recorded answer in the file."""
        from canned.cassettes.replay import add_recorded

        add_recorded(self, self._parse_response_file(file_path))
