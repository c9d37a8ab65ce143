"""Hypothesis strategies for malformed channel input: JSON of any shape, Telegram updates with any field replaced
by garbage, Twilio forms with fields dropped or mangled. Used by the fuzz tests and ``hotline bench edge``."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.factories import twilio_text_form

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ids = st.one_of(st.integers(min_value=-(2**60), max_value=2**60), json_values)
texts = st.one_of(st.text(max_size=200), json_values)


@st.composite
def telegram_updates(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["message", "edited_message", "callback_query", "other", "any"]))
    if kind == "any":
        return draw(json_values)
    update: dict[str, Any] = {"update_id": draw(st.one_of(st.integers(min_value=0, max_value=2**40), ids))}
    user = draw(st.one_of(st.fixed_dictionaries({"id": ids, "first_name": texts}), json_values))
    chat = draw(st.one_of(st.fixed_dictionaries({"id": ids, "type": st.just("private")}), json_values))
    if kind in ("message", "edited_message"):
        message: dict[str, Any] = {"message_id": draw(ids), "chat": chat, "from": user,
                                   "date": draw(st.one_of(st.integers(), st.floats(), json_values))}
        for key in draw(st.sets(st.sampled_from(["text", "caption", "photo", "voice", "edit_date"]))):
            message[key] = draw(texts)
        update[kind] = draw(st.one_of(st.just(message), json_values)) if draw(st.booleans()) else message
    elif kind == "callback_query":
        origin = st.fixed_dictionaries({"message_id": ids, "chat": st.just(chat)})
        update["callback_query"] = {"id": draw(texts), "from": user, "data": draw(texts),
                                    "message": draw(st.one_of(origin, json_values))}
    else:
        update[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
    return update


FORM_KEYS = ["From", "MessageSid", "SmsMessageSid", "Body", "NumMedia", "ButtonPayload", "ProfileName", "To",
             "MessageStatus", "WaId"]


@st.composite
def twilio_forms(draw: st.DrawFn) -> dict[str, str]:
    form = twilio_text_form(draw(st.text(max_size=100)))
    for key in draw(st.sets(st.sampled_from(FORM_KEYS), max_size=4)):
        if draw(st.booleans()):
            form.pop(key, None)
        else:
            form[key] = draw(st.one_of(st.text(max_size=60), st.sampled_from(
                ["whatsapp:+6281200000001", "whatsapp:", "+62812", "SM" + "0" * 32, "-1", "1e9", "99999999999"])))
    return form
