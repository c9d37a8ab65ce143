"""The report intake: ask only what triage does not already know, and let the person skip any question.

State diagram (also in docs/conversation.md):

```mermaid
stateDiagram-v2
    [*] --> what: report seen, story unknown
    [*] --> place: the place named exists in several regencies
    [*] --> victim: report message (story known)
    what --> victim
    place --> victim: button or typed city sets the code (case re-routed while unclaimed)
    victim --> location: victim unknown -> asked; known -> skipped
    location --> place: the answer names a place of several regencies
    location --> nearby: urgency emergency/high and no presence cue
    location --> contact
    nearby --> contact: "ya" upgrades to emergency (page)
    contact --> done
    done --> [*]
```

Every answer may be "lewati" / "skip". Each step is asked at most once: the "which city or regency?" question
(``place``, with the candidates as buttons) only when a place name is ambiguous, before the other questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from handlers import places
from handlers.triage import TriageResult

STEPS = ("what", "place", "victim", "location", "nearby", "contact")
QUESTION = {"what": "ask_what", "place": "ask_place", "victim": "ask_victim", "location": "ask_location",
            "nearby": "ask_nearby", "contact": "ask_contact"}
#: ``callback_data`` of a place button: ``place:<Kemendagri code>``.
PLACE_BUTTON = "place:"

# Safety-net cues that already say the perpetrator is, or is about to be, near the person.
PRESENCE_CUES = frozenset({"perpetrator_present", "abuser_returning_now", "violence_now", "help_violence",
                           "weapon_threat", "kill_threat", "hiding_or_chased"})

# Only a message that is nothing but a refusal is a skip ("lewat chat ini aja" is an answer, not a skip).
_SKIP = re.compile(r"^\s*/?(lewati|lewatin|skip|pass|next|lanjut|rahasia|ga(k)? mau( jawab| jawab dulu)?|"
                   r"tidak mau( jawab)?|tdk mau( jawab)?|ga(k)? usah|tidak usah|nggak usah|gausah|"
                   r"ga(k)? (mau )?(kasih tau|ngasih tau)|prefer not( to say)?|no comment)"
                   r"(\s+(aja|saja|dulu|ya|deh|kak|min))*\s*[.!]*\s*$", re.I)
_YES = re.compile(r"^\s*(ya+|iya+|iyaa*|y|yes|yup|betul|benar|bener|masih|ada|he+e|iy)\b", re.I)
_NO = re.compile(r"^\s*(tidak|tdk|ga|gak|nggak|engga|enggak|ndak|no|nope|sudah pergi|udah pergi|ga ada|gak ada|"
                 r"tidak ada)\b", re.I)
_AGE = re.compile(r"\b(\d{1,2})\s*(th|thn|tahun|taun|tahunan|yo|y\.?o\.?|years?)?\b", re.I)


@dataclass
class Intake:
    """The collected answers of one report; serialised into the conversation's state."""

    case_code: str | None = None
    urgency: str = "normal"
    asked: list[str] = field(default_factory=list)
    step: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)

    def to_state(self) -> dict[str, Any]:
        """A JSON-safe dict for the conversation state."""
        return {"case_code": self.case_code, "urgency": self.urgency, "asked": self.asked, "step": self.step,
                "answers": self.answers}

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> Intake | None:
        """The intake in ``state``, or None when no intake is running."""
        if not state:
            return None
        return cls(case_code=state.get("case_code"), urgency=state.get("urgency", "normal"),
                   asked=list(state.get("asked", [])), step=state.get("step"),
                   answers=dict(state.get("answers", {})))


def known_from_triage(result: TriageResult) -> dict[str, Any]:
    """What a report message already tells us, so those questions are not asked."""
    known: dict[str, Any] = {}
    if result.urgency != "none":
        known["what"] = True
    if result.victim != "unknown" or result.age is not None:
        known["victim"] = result.victim
        if result.age is not None:
            known["victim_age"] = result.age
    known.update(_where(result))
    if PRESENCE_CUES.intersection(result.danger_cues):
        known["nearby"] = "yes"
    return known


def _where(result: TriageResult) -> dict[str, Any]:
    """The location fields of a triage: a code, the candidates of an ambiguous name, or abroad."""
    if result.place_code:
        return {"location": result.place_code}
    if result.place_candidates:
        return {"location": "ambiguous", "place_candidates": list(result.place_candidates)}
    if result.abroad:
        return {"location": "abroad"}
    return {}


def next_step(intake: Intake) -> str | None:
    """The next question to ask, or None when the intake is complete."""
    for step in STEPS:
        if step in intake.answers or step in intake.asked:
            continue
        if step == "nearby" and intake.urgency not in ("emergency", "high"):
            continue
        if step == "place" and not (intake.answers.get("place_candidates")
                                    and intake.answers.get("location") == "ambiguous"):
            continue
        return step
    return None


def is_skip(text: str) -> bool:
    """The person chose not to answer."""
    return bool(_SKIP.match(text))


def interpret(step: str, text: str, result: TriageResult, *, callback_data: str | None = None,
              candidates: Sequence[str] = ()) -> dict[str, Any]:
    """Turn the answer to ``step`` into intake fields (an empty dict when nothing usable was said).

    ``callback_data`` is the button pressed (``place:<code>``), ``candidates`` the readings offered by the
    ``place`` question. A place answer that names no place, or a code that does not exist, is ``unknown``.
    """
    if step == "place" and callback_data and callback_data.startswith(PLACE_BUTTON):
        code = callback_data[len(PLACE_BUTTON):]
        chosen = code if places.exists(code) else "unknown"
        return {"place": chosen, "location": chosen}
    if is_skip(text) or result.intent == "skip":
        return {step: "skipped"}
    if step == "place":
        picked = places.pick(candidates, text)
        if picked is not None:
            return {"place": picked, "location": picked}
        abroad = _where(result).get("location") == "abroad"
        return {"place": "abroad" if abroad else "unknown", "location": "abroad" if abroad else "unknown"}
    if step == "what":
        return {"what": True}
    if step == "victim":
        out: dict[str, Any] = {"victim": result.victim}
        age = result.age
        if age is None:
            m = _AGE.search(text)
            if m and 0 < int(m.group(1)) < 100:
                age = int(m.group(1))
        if age is not None:
            out["victim_age"] = age
            out["victim"] = "child" if age < 18 else "adult"
        return out
    if step == "location":
        return _where(result) or {"location": "unknown"}
    if step == "nearby":
        if _YES.match(text) or result.intent == "affirm":
            return {"nearby": "yes"}
        if _NO.match(text) or result.intent == "deny":
            return {"nearby": "no"}
        return {"nearby": "unclear"}
    if step == "contact":
        return {"contact": text.strip()[:300]}
    return {}
