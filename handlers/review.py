"""What lands in the review inbox, and why (issue 14): the triage's doubts become labelled real traffic.

A message lands when the triage was unsure of it (:data:`RULES`, a small list of named rules over the triage's
labels), when the citizen answered "no" to "is this about violence?" (``not_violence``), or when a counsellor
corrected the triage of its case (``corrected``). Its text is redacted here (:mod:`handlers.redaction`) before
it is stored, so the raw words never leave the ``messages`` table; ``storage/review.py`` stores and reads.

Landing never holds up or breaks a reply: it runs after the turn's answers, and a failure is logged (by type)
and dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handlers.redaction import redact
from handlers.store import Store, StoreUnavailable
from handlers.texts import FAQ
from handlers.triage import CONFIDENT, REPORT_INTENTS, TriageResult
from storage import review as db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """A named doubt of the triage: ``applies(result)`` on the triage of a message that stands on its own."""

    reason: str
    label: str  # what the inbox page says (Bahasa Indonesia)
    applies: Callable[[TriageResult], bool]


def _rasa_report(r: TriageResult) -> str | None:
    """The category of a confident Rasa report intent, else None."""
    sure = r.confidence is not None and r.confidence >= CONFIDENT
    return REPORT_INTENTS.get(r.intent or "") if sure else None


# The statistical heads and Rasa disagreeing, and Rasa unsure: each is a message a label would teach something.
RULES: tuple[Rule, ...] = (
    Rule("weak_intent", "Rasa ragu (keyakinan rendah)",
         lambda r: r.confidence is not None and r.confidence < CONFIDENT),
    Rule("report_vetoed", "Rasa yakin ini laporan, aturan dan model bilang bukan",
         lambda r: _rasa_report(r) is not None and r.urgency == "none"),
    Rule("emergency_by_model", "Model darurat menaikkan ke darurat tanpa kata bahaya",
         lambda r: r.urgency == "emergency" and not r.danger_cues and _rasa_report(r) is None),
    Rule("category_overruled", "Jenis kekerasan dari aturan berbeda dengan Rasa",
         lambda r: (cat := _rasa_report(r)) is not None and r.category not in ("none", cat)),
    Rule("victim_by_model", "Model korban mengalahkan aturan",
         lambda r: (r.victim_evidence or "").startswith("model ")),
)
REASON_LABEL: dict[str, str] = {
    **{rule.reason: rule.label for rule in RULES},
    "not_violence": "Warga menjawab \"bukan kekerasan\"",
    "corrected": "Triase dikoreksi konselor",
}

# What an editor may give as the intent: the NLU contract's intents (docs/ARCHITECTURE.md) and one per FAQ key.
INTENTS: tuple[str, ...] = (
    *REPORT_INTENTS, "greet", "thanks", "goodbye", "affirm", "deny", "skip", "inform", "ask_directory",
    "delete_data", "stop", "human", "out_of_scope", *(f"faq/{key}" for key in sorted(FAQ)),
)


def reasons_for(result: TriageResult, *, in_intake: bool) -> list[str]:
    """Why a message's triage should be reviewed (empty: it should not).

    An answer to an intake question ("depok", "12 tahun") is read against that question, not on its own: it
    lands only through a correction. A message without Rasa's reading (Rasa down) has no doubt to learn from.
    """
    if in_intake or result.intent is None:
        return []
    return [rule.reason for rule in RULES if rule.applies(result)]


def verdict_of(result: TriageResult) -> dict[str, Any]:
    """The bot's labels for a message (no text): what the editor confirms or corrects."""
    intent = f"faq/{result.faq_key}" if result.intent == "faq" and result.faq_key else result.intent
    return {"urgency": result.urgency, "category": result.category, "victim": result.victim, "intent": intent,
            "confidence": round(result.confidence, 2) if result.confidence is not None else None}


def suggested(item: Any) -> dict[str, str]:
    """The labels the form starts from: the counsellor's correction, "not a report" when the citizen said so,
    else the bot's verdict."""
    verdict = dict(item.verdict or {})
    labels = {"urgency": verdict.get("urgency") or "none", "category": verdict.get("category") or "none",
              "victim": verdict.get("victim") or "unknown", "intent": verdict.get("intent") or ""}
    if item.correction:
        labels.update({k: v for k, v in item.correction.items() if k in ("urgency", "category", "victim") and v})
    elif "not_violence" in (item.reasons or ()):
        labels.update(urgency="none", category="none", intent="out_of_scope")
    if labels["intent"] not in INTENTS:
        labels["intent"] = ""
    return labels


class ReviewInbox:
    """Puts messages in the review inbox, redacted, through ``storage/review.py`` (on the store's thread)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def land(self, *, message_id: int, reasons: list[str], verdict: dict[str, Any]) -> int | None:
        """Redact citizen message ``message_id`` and put it in the inbox for ``reasons``; the item id, or None
        when the message is gone (``hapus``) or the database refused (logged, never raised)."""

        def work(session: Any) -> int | None:
            found = db.inbound_text(session, message_id=message_id)
            if found is None:
                return None
            conversation_id, text = found
            red = redact(text)
            item = db.add_item(session, conversation_id=conversation_id, message_id=message_id, reasons=reasons,
                               text=red.text, redactions=red.kinds, verdict=verdict)
            return item.id if item is not None else None

        return await self._quietly(work)

    async def correction(self, correction_id: int) -> int | None:
        """The case's report message lands with reason ``corrected`` and the counsellor's labels beside the bot's."""

        def work(session: Any) -> int | None:
            source = db.correction_source(session, correction_id=correction_id)
            if source is None:
                return None
            red = redact(source.text)
            item = db.add_item(session, conversation_id=source.conversation_id, message_id=source.message_id,
                               reasons=["corrected"], text=red.text, redactions=red.kinds, verdict=source.verdict,
                               case_id=source.case_id, correction=source.correction)
            return item.id if item is not None else None

        return await self._quietly(work)

    async def _quietly(self, work: Callable[[Any], int | None]) -> int | None:
        try:
            return await self.store.run(work)
        except StoreUnavailable:
            log.warning("review inbox: database unavailable; item not stored")
        except Exception as exc:  # a review item is never worth a failed turn
            log.error("review inbox: item not stored (%s)", type(exc).__name__)
        return None
