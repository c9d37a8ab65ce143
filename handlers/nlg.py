"""Response rendering for Rasa's NLG endpoint (``POST /nlg``) and for the local fallback.

Rasa predicts *which* response to give (``utter_faq``, ``utter_greet``...); the text comes from here, so staff
edits to answers are live without retraining and every answer exists in Indonesian and English.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from handlers import texts
from handlers.texts import Lang

if TYPE_CHECKING:
    from handlers.regions import Service

# Which response Rasa's rules give to each intent; used when Rasa's dialogue cannot be reached.
INTENT_RESPONSE = {
    "greet": "utter_greet", "thanks": "utter_thanks", "goodbye": "utter_goodbye", "faq": "utter_faq_answer",
    "ask_directory": "utter_directory", "human": "utter_handoff", "out_of_scope": "utter_out_of_scope",
    "nlu_fallback": "utter_out_of_scope", "affirm": "utter_ack", "deny": "utter_ack", "skip": "utter_skip_ok",
    "inform": "utter_ack_inform",
}

# Response names of nlu/domain.yml → keys of handlers/texts.py.
_SIMPLE = {"utter_greet": "greet", "utter_thanks": "thanks", "utter_goodbye": "goodbye",
           "utter_handoff": "human", "utter_out_of_scope": "out_of_scope", "utter_default": "out_of_scope",
           "utter_ack": "ack", "utter_ack_inform": "ack", "utter_skip_ok": "skip_ok",
           "utter_delete_confirm": "deleted", "utter_stop_confirm": "stopped", "utter_report_received": "ask_what"}
_FAQ_RESPONSES = ("utter_faq", "utter_faq_answer")


def directory(region: str | None, lang: Lang, live: texts.LiveTexts | None = None,
              services: Sequence[Service] | None = None) -> str:
    """The services of ``region`` (national services when unknown): the directory in force in this process
    (``regions.LiveDirectory``), or ``services`` (the console's preview of an edit not saved yet)."""
    from handlers.regions import directory_for, region_label

    if not region or region in ("unknown", "nasional"):
        return (texts.text("directory_ask_region", lang, live=live) + "\n\n"
                + str(texts.faq("sapa129", lang, live=live)))
    lines = [texts.text("directory_header", lang, live=live, region=region_label(region))]
    for svc in directory_for(region) if services is None else services:
        lines.append(f"• {svc.render(lang)}")
    return "\n".join(lines)


def render(response: str, slots: dict[str, Any], live: texts.LiveTexts | None = None) -> str:
    """The text of ``response`` for a tracker with ``slots`` (``lang``, ``faq_topic``, ``region``).

    Content editors' overrides apply: ``live``, else the texts installed in this process (``texts.use``).
    """
    lang: Lang = "en" if slots.get("lang") == "en" else "id"
    if response in _FAQ_RESPONSES or response.startswith("utter_faq/"):
        topic = response.removeprefix("utter_faq/") if "/" in response else slots.get("faq_topic")
        return texts.faq(topic, lang, live=live) or texts.text("out_of_scope", lang, live=live)
    if response == "utter_directory":
        return directory(slots.get("region"), lang, live)
    key = _SIMPLE.get(response)
    if key is None:
        return texts.text("ack", lang, live=live)
    return texts.text(key, lang, live=live)


def nlg_response(body: dict[str, Any]) -> dict[str, Any]:
    """Answer one Rasa NLG request (``{"response", "tracker": {"slots"}, ...}``)."""
    slots = (body.get("tracker") or {}).get("slots") or {}
    return {"text": render(str(body.get("response") or body.get("template") or ""), slots)}
