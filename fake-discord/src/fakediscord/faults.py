"""REST fault injection: make the next matching requests fail (429, 5xx, ...)."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from http import HTTPStatus

from aiohttp import web

from .responses import json_response


@dataclass(eq=False)
class FaultRule:
    """Fail the next ``remaining`` requests matching ``method`` and ``pattern``."""

    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    retry_after: float
    is_global: bool

    def matches(self, method: str, path: str) -> bool:
        """Whether the rule applies to this request."""
        return (
            self.remaining > 0
            and method == self.method
            and self.pattern.fullmatch(path) is not None
        )


class FaultInjector:
    """Holds pending fault rules and builds the failure responses."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(
        self,
        method: str,
        path_regex: str,
        *,
        status: int,
        times: int,
        retry_after: float,
        is_global: bool,
    ) -> FaultRule:
        """Register a rule; see :meth:`FakeDiscord.fail_next`."""
        rule = FaultRule(
            method.upper(), re.compile(path_regex), status, times, retry_after, is_global
        )
        self.rules.append(rule)
        return rule

    @property
    def pending(self) -> list[FaultRule]:
        """Rules that still have failures left to inject."""
        return [rule for rule in self.rules if rule.remaining > 0]

    def take(self, method: str, path: str) -> web.Response | None:
        """Consume one failure for this request, returning the error response (or ``None``)."""
        rule = next((rule for rule in self.rules if rule.matches(method, path)), None)
        if rule is None:
            return None
        rule.remaining -= 1
        if rule.status == 429:
            return self._rate_limited(rule)
        try:
            reason = HTTPStatus(rule.status).phrase
        except ValueError:
            reason = "Error"
        return json_response({"message": f"{rule.status}: {reason}", "code": 0}, rule.status)

    @staticmethod
    def _rate_limited(rule: FaultRule) -> web.Response:
        headers = {
            "Retry-After": str(math.ceil(rule.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + rule.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
            "X-RateLimit-Bucket": "fakediscord-bucket",
            "X-RateLimit-Scope": "global" if rule.is_global else "user",
            "Via": "1.1 google",
        }
        if rule.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": rule.retry_after,
            "global": rule.is_global,
        }
        return json_response(body, 429, headers)
