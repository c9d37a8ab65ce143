"""Prometheus metrics of the hotline, served at ``GET /metrics`` (``deploy/grafana-dashboard.json`` plots them).

No label ever carries a person's data: channels, reasons, queue and service names only.

Call sites: the webhooks count ``MESSAGES`` and ``POISON``; the core calls ``observe_reply`` (first reply,
and whether it was the emergency safety reply) and the escalation ``observe_page``; senders call
``count_retry``; ``hotline run``'s supervisor counts ``RESTARTS``. Queue depths are read at scrape time from
the callables given to ``track_queue``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

# One registry per process, not prometheus_client's global one, so the exposition is exactly the hotline's.
REGISTRY: Final = CollectorRegistry(auto_describe=True)

# Latency buckets in seconds: the safety reply is expected in milliseconds, a full reply in tens of
# milliseconds, a page in under a second; the tail up to a minute shows an overload.
_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

MESSAGES: Final = Counter(
    "hotline_messages", "Deliveries accepted for processing, by channel.", ["channel"], registry=REGISTRY
)
POISON: Final = Counter(
    "hotline_poison_updates",
    "Authenticated deliveries that could not be processed (answered 200, kept aside encrypted), by channel and reason.",
    ["channel", "reason"],
    registry=REGISTRY,
)
REJECTED: Final = Counter(
    "hotline_rejected_requests",
    "Requests refused at the edge (unauthenticated, too large, malformed), by route and status.",
    ["route", "status"],
    registry=REGISTRY,
)
REPLY_SECONDS: Final = Histogram(
    "hotline_reply_seconds", "Time from a message's arrival to its first reply, by channel.", ["channel"],
    buckets=_BUCKETS, registry=REGISTRY,
)
SAFETY_REPLY_SECONDS: Final = Histogram(
    "hotline_safety_reply_seconds", "Time from an emergency message's arrival to the emergency numbers, by channel.",
    ["channel"], buckets=_BUCKETS, registry=REGISTRY,
)
PAGE_SECONDS: Final = Histogram(
    "hotline_page_seconds", "Time from an emergency message's arrival to the first page sent to staff.",
    buckets=_BUCKETS, registry=REGISTRY,
)
RETRIES: Final = Counter(
    "hotline_send_retries", "Outbound sends retried after a failure, by channel.", ["channel"], registry=REGISTRY
)
PROCESSING_FAILURES: Final = Counter(
    "hotline_processing_failures",
    "Accepted deliveries whose background processing raised, by channel.",
    ["channel"],
    registry=REGISTRY,
)
RESTARTS: Final = Counter(
    "hotline_service_restarts", "Child services (Redis, Rasa) restarted by the supervisor, by service.", ["service"],
    registry=REGISTRY,
)


def observe_reply(channel: str, seconds: float, *, safety: bool = False) -> None:
    """Record the time to a message's first reply; ``safety=True`` when that reply was the emergency numbers."""
    REPLY_SECONDS.labels(channel=channel).observe(seconds)
    if safety:
        SAFETY_REPLY_SECONDS.labels(channel=channel).observe(seconds)


def observe_page(seconds: float) -> None:
    """Record the time from an emergency's arrival to its first page."""
    PAGE_SECONDS.observe(seconds)


def count_retry(channel: str) -> None:
    """Count one retried outbound send."""
    RETRIES.labels(channel=channel).inc()


class _Queues(Collector):
    """``hotline_queue_depth{queue}`` read at scrape time from registered callables."""

    def __init__(self) -> None:
        self.sources: dict[str, Callable[[], int]] = {}

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily("hotline_queue_depth", "Items waiting, by queue.", labels=["queue"])
        for name, source in list(self.sources.items()):
            try:
                family.add_metric([name], float(source()))
            except Exception as exc:  # a broken source must not break the whole scrape
                log.warning("queue depth %s unavailable (%s)", name, type(exc).__name__)
        yield family

    def describe(self) -> Iterable[Metric]:
        return []


_QUEUES: Final = _Queues()
REGISTRY.register(_QUEUES)


def track_queue(name: str, depth: Callable[[], int]) -> None:
    """Expose ``depth()`` as ``hotline_queue_depth{queue=name}``; a later call with the same name replaces it."""
    _QUEUES.sources[name] = depth


def exposition() -> bytes:
    """All metrics in the Prometheus text format."""
    return generate_latest(REGISTRY)
