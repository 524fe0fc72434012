"""The urllib3 adapter (being written): intercepts nothing yet."""

from __future__ import annotations

from typing import Final


class Interceptor:
    """Installs nothing yet."""

    def install(self) -> None:
        pass

    def uninstall(self) -> None:
        pass


interceptor: Final = Interceptor()
