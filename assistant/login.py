"""``--auth`` logins throttled per client address, so that a password cannot be guessed at speed.

Gradio checks the password itself (``POST /login``: 200 when right, 400 when wrong) but hands its ``auth``
callable no request, so no client address. ``LoginThrottleMiddleware`` wraps the whole app instead: it
counts each ``POST /login`` as a failure of its address before passing it on (so that attempts sent in
parallel are counted too) and forgets the address's failures when Gradio answers 200 (a right password).
Once an address has failed ``login_failures_allowed`` times in a row, its logins are answered with 429
(and ``Retry-After``), unread, for ``login_delay_s``, doubled at each further failure up to
``login_max_delay_s``. Other addresses are not affected: a user can log in while someone else is refused.

The address is the TCP peer's, or, with ``trust_forwarded_for``, the last ``X-Forwarded-For`` entry (what
the proxy in front saw); behind a proxy every user shares the proxy's address unless that is set.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import Settings

THROTTLED = ("Too many failed logins from this address; try again in {seconds} s. / "
             "محاولات دخول فاشلة كثيرة من هذا العنوان؛ أعد المحاولة بعد {seconds} ثانية.")


@dataclass
class _Record:
    failures: int = 0  # in a row
    until: float = 0.0  # refused until then (clock seconds)


class LoginThrottle:
    """Consecutive login failures per client, and how long each must wait before trying again."""

    def __init__(self, failures_allowed: int, delay_s: float, max_delay_s: float,
                 clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000):
        if failures_allowed < 1 or delay_s <= 0 or max_delay_s < delay_s:
            raise ValueError("login throttling needs failures_allowed >= 1 and 0 < delay_s <= max_delay_s")
        self.failures_allowed, self.delay_s, self.max_delay_s = failures_allowed, delay_s, max_delay_s
        self.clock = clock
        self.max_clients = max_clients
        self._records: dict[str, _Record] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginThrottle:
        return cls(settings.login_failures_allowed, settings.login_delay_s, settings.login_max_delay_s)

    def attempt(self, client: str) -> float:
        """A login attempt by ``client``: 0.0 when it may go ahead, and it is then counted as a failure until
        ``succeeded``; else the seconds it must still wait (and it is not counted)."""
        record = self._records.get(client)
        wait = max(0.0, record.until - self.clock()) if record else 0.0
        if wait == 0.0:
            self._failed(client)
        return wait

    def _failed(self, client: str) -> None:
        record = self._records.pop(client, None) or _Record()
        record.failures += 1
        if record.failures >= self.failures_allowed:
            doublings = record.failures - self.failures_allowed
            delay = self.max_delay_s if doublings > 60 else min(self.max_delay_s, self.delay_s * 2 ** doublings)
            record.until = self.clock() + delay
        self._records[client] = record  # last in the dict: the most recent failure
        if len(self._records) > self.max_clients:
            self._forget()

    def succeeded(self, client: str) -> None:
        self._records.pop(client, None)

    def _forget(self) -> None:
        """Keep the table bounded: drop clients free to try again, else the least recent."""
        now = self.clock()
        for client in [c for c, r in self._records.items() if r.until <= now][: len(self._records) - self.max_clients]:
            del self._records[client]
        while len(self._records) > self.max_clients:
            del self._records[next(iter(self._records))]


def client_address(scope: Scope, trust_forwarded_for: bool = False) -> str:
    """The address a request came from (module docstring)."""
    if trust_forwarded_for:
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-for":
                last = value.decode("latin-1").split(",")[-1].strip()
                if last:
                    return last
    client = scope.get("client")
    return client[0] if client else "unknown"


class LoginThrottleMiddleware:
    """ASGI middleware around a Gradio app: ``POST /login`` throttled per client (module docstring)."""

    def __init__(self, app: ASGIApp, throttle: LoginThrottle, trust_forwarded_for: bool = False):
        self.app = app
        self.throttle = throttle
        self.trust_forwarded_for = trust_forwarded_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = client_address(scope, self.trust_forwarded_for)
        wait = self.throttle.attempt(client)
        if wait > 0:
            seconds = math.ceil(wait)
            response = JSONResponse({"detail": THROTTLED.format(seconds=seconds)}, status_code=429,
                                    headers={"Retry-After": str(seconds)})
            await response(scope, receive, send)
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status == [200]:
            self.throttle.succeeded(client)
