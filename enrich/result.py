"""The answer of one enrichment source about one portal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass(slots=True)
class SourceResult:
    """What one source said about one portal (data may be partial when ok is False)."""

    source: str
    ok: bool
    data: dict | None = None
    error: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "ok": self.ok,
            "data": self.data,
            "error": self.error,
            "fetched_at": self.fetched_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> SourceResult:
        at = d["fetched_at"]
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        return cls(d["source"], bool(d["ok"]), d.get("data"), d.get("error"), utc(at))

    def is_fresh(self, ttl_hours: float, now: datetime | None = None) -> bool:
        """A successful result younger than the time-to-live."""
        now = now or datetime.now(UTC)
        return self.ok and now - utc(self.fetched_at) < timedelta(hours=ttl_hours)


def utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
