"""The one triage path every message takes, live or from ``hotline triage``.

The safety net inside :func:`handlers.triage.triage` needs no server; Rasa adds intent, category and entities
when it answers in time. If it does not, the rules-only result stands.
"""

from __future__ import annotations

import logging
import time

from core.rasa_client import RasaClient, RasaUnavailable
from handlers.triage import TriageResult, triage

log = logging.getLogger(__name__)

# Rasa gains nothing from more text than this, and a 20,000-character paste must not stall a worker.
MAX_PARSE_CHARS = 1000


async def analyse(text: str, rasa: RasaClient | None) -> tuple[TriageResult, bool]:
    """Triage ``text``; returns the result and whether Rasa took part."""
    parse = None
    if rasa is not None and text.strip():
        t0 = time.perf_counter()
        try:
            parse = await rasa.parse(text[:MAX_PARSE_CHARS])
        except RasaUnavailable as exc:
            log.warning("rasa parse unavailable (%s) after %.0f ms", exc, (time.perf_counter() - t0) * 1000)
    return triage(text, parse), parse is not None
