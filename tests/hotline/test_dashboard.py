"""The Grafana dashboard in deploy/ plots only metrics the app exposes (so a renamed metric cannot leave an
empty panel behind unnoticed)."""

from __future__ import annotations

import json
import re

from prometheus_client.parser import text_string_to_metric_families

from core import metrics
from core.settings import PROJECT_ROOT


def test_every_dashboard_query_uses_an_exposed_metric() -> None:
    dashboard = json.loads((PROJECT_ROOT / "deploy" / "grafana-dashboard.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {m for expr in exprs for m in re.findall(r"\bhotline_[a-z_]+", expr)}
    families = list(text_string_to_metric_families(metrics.exposition().decode()))
    exposed = {f.name for f in families} | {f.name + suffix for f in families
                                            for suffix in ("_total", "_bucket", "_count", "_sum")}
    assert used and used <= exposed, used - exposed
    # Every kind of figure the issue asks for has a panel.
    for name in ("hotline_messages_total", "hotline_reply_seconds_bucket", "hotline_safety_reply_seconds_bucket",
                 "hotline_page_seconds_bucket", "hotline_queue_depth", "hotline_send_retries_total",
                 "hotline_poison_updates_total", "hotline_service_restarts_total"):
        assert name in used, name
