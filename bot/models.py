"""Typed models of what the channels send us: the parts of a Telegram ``Update``, a Twilio WhatsApp form and
the web chat body that the project uses, validated at the edge.

Anything that does not fit these models never reaches the core (``handlers/``): the adapters answer it (200 to
an authenticated channel, so it is not redelivered forever; 4xx to anyone else), keep it aside encrypted
(``bot/edge.py``) and count it. What does fit is safe to store and send to: ids are integers in the ranges the
channels use (and the database columns hold), timestamps are real dates, texts are strings without the NUL
characters PostgreSQL refuses or the lone surrogates that cannot be encoded.

Fields the core only uses for comfort (the display name, the send time, the message id used by ``hapus``) are
lenient: a value of the wrong shape is dropped rather than costing the person their message. The fields a reply
depends on (update id, chat id, text) are strict.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)

# Telegram ids have at most 52 significant bits (Bot API docs); bounding them also keeps them inside the
# 64-bit integers of the database and out of float territory in JSON.
_TG_ID_MAX: Final = 2**53
# message_id is stored in an INTEGER column (32 bits on PostgreSQL).
_INT32_MAX: Final = 2**31 - 1
# Unix times between 2000 and 2100: anything else is not a real send time (and 1e20 overflows datetime).
_TIME_MIN: Final = 946_684_800
_TIME_MAX: Final = 4_102_444_800
# Texts have no length limit here: the body limits bound them, and the core keeps the first 4,000 characters and
# tells the person; refusing a long message would leave its writer without an answer.
_CONTROL_OUT = re.compile("[\x00\ud800-\udfff]")

# Message keys that carry an attachment. We keep only the fact that something was attached (media_count),
# never the file ids: a victim's photo or voice note is evidence the core must not silently store.
MEDIA_KEYS: Final = (
    "photo",
    "video",
    "video_note",
    "voice",
    "audio",
    "document",
    "animation",
    "sticker",
    "contact",
    "location",
    "venue",
)


def clean_str(value: str) -> str:
    """Drop NUL (PostgreSQL refuses it in text) and lone surrogates (they cannot be encoded as UTF-8)."""
    return _CONTROL_OUT.sub("", value)


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Validate, or drop the value: for fields the core can do without."""
    try:
        return handler(value)
    except ValidationError:
        return None


TgId = Annotated[StrictInt, Field(gt=-_TG_ID_MAX, lt=_TG_ID_MAX)]
UnixTime = Annotated[StrictInt, Field(ge=_TIME_MIN, le=_TIME_MAX)]


class _Model(BaseModel):
    # Unknown keys are ignored (Telegram adds fields over time); models are read-only once validated.
    model_config = ConfigDict(extra="ignore", frozen=True)


class TgUser(_Model):
    """``User``: only the first name is used (to address staff)."""

    id: TgId
    first_name: Annotated[str | None, WrapValidator(_or_none)] = Field(default=None, max_length=256)

    @field_validator("first_name")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return clean_str(value) if value else None


class TgChat(_Model):
    """``Chat``: the id is the conversation key."""

    id: TgId


class TgMessage(_Model):
    """``Message`` (or an edited one). ``chat`` is required: it is where the answer goes."""

    message_id: Annotated[int | None, WrapValidator(_or_none)] = Field(default=None, ge=0, le=_INT32_MAX)
    chat: TgChat
    from_: Annotated[TgUser | None, WrapValidator(_or_none)] = Field(default=None, alias="from")
    date: Annotated[UnixTime | None, WrapValidator(_or_none)] = None
    edit_date: Annotated[UnixTime | None, WrapValidator(_or_none)] = None
    text: StrictStr | None = None
    caption: StrictStr | None = None
    # Attachments: present or not; their content is never kept.
    photo: Any = None
    video: Any = None
    video_note: Any = None
    voice: Any = None
    audio: Any = None
    document: Any = None
    animation: Any = None
    sticker: Any = None
    contact: Any = None
    location: Any = None
    venue: Any = None

    @field_validator("text", "caption")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return clean_str(value) if value is not None else None

    @property
    def media_count(self) -> int:
        """1 when something is attached (a Telegram message carries at most one attachment; an album is
        several messages), else 0."""
        return int(any(getattr(self, key) is not None for key in MEDIA_KEYS))

    @property
    def sent_at(self) -> datetime:
        """When the message was sent (or last edited); now if Telegram gave no usable time."""
        stamp = self.edit_date or self.date
        return datetime.fromtimestamp(stamp, UTC) if stamp else datetime.now(UTC)


class TgOrigin(_Model):
    """The message a button was attached to (``MaybeInaccessibleMessage``); the chat may be missing."""

    message_id: Annotated[int | None, WrapValidator(_or_none)] = Field(default=None, ge=0, le=_INT32_MAX)
    chat: Annotated[TgChat | None, WrapValidator(_or_none)] = None


class TgCallbackQuery(_Model):
    """``CallbackQuery``: an inline button press (``data`` is at most 64 bytes in the Bot API)."""

    id: Annotated[StrictStr, Field(min_length=1, max_length=128)]
    from_: TgUser = Field(alias="from")
    message: Annotated[TgOrigin | None, WrapValidator(_or_none)] = None
    data: Annotated[StrictStr | None, Field(max_length=256)] = None

    @field_validator("data")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return clean_str(value) if value is not None else None


class TgUpdate(_Model):
    """``Update``: the three kinds the core handles (``ALLOWED_UPDATES``); others validate and are ignored."""

    update_id: Annotated[StrictInt, Field(ge=0, lt=_TG_ID_MAX)]
    message: TgMessage | None = None
    edited_message: TgMessage | None = None
    callback_query: TgCallbackQuery | None = None


# --------------------------------------------------------------------------------------------------------
# Twilio WhatsApp


class WaForm(_Model):
    """The fields of a Twilio inbound WhatsApp webhook the core uses (form-encoded, all strings).

    ``From`` must be a WhatsApp address whose number the sender can answer (``address_of`` accepts it);
    ``MessageSid`` is Twilio's 34-character id (``SM``/``MM`` + 32 hex digits).
    """

    from_: Annotated[StrictStr, Field(alias="From", pattern=r"^whatsapp:\+\d{6,15}$")]
    message_sid: Annotated[StrictStr, Field(alias="MessageSid", pattern=r"^[A-Z]{2}[0-9a-fA-F]{32}$")]
    body: Annotated[StrictStr, Field(alias="Body")] = ""
    num_media: Annotated[int, WrapValidator(lambda v, h: _or_none(v, h) or 0)] = Field(
        default=0, alias="NumMedia", ge=0, le=100
    )
    button_payload: Annotated[StrictStr | None, WrapValidator(_or_none)] = Field(
        default=None, alias="ButtonPayload", max_length=256
    )
    profile_name: Annotated[StrictStr | None, WrapValidator(_or_none)] = Field(
        default=None, alias="ProfileName", max_length=256
    )

    @field_validator("body", "button_payload", "profile_name")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return clean_str(value) if value is not None else None


# --------------------------------------------------------------------------------------------------------
# Rasa NLG


def _str_or_none(value: Any) -> str | None:
    return clean_str(value) if isinstance(value, str) and len(value) <= 256 else None


class NlgSlots(_Model):
    """The tracker slots ``handlers.nlg.render`` reads; a slot of another type counts as unset."""

    lang: Annotated[str | None, WrapValidator(lambda v, h: _str_or_none(v))] = None
    faq_topic: Annotated[str | None, WrapValidator(lambda v, h: _str_or_none(v))] = None
    region: Annotated[str | None, WrapValidator(lambda v, h: _str_or_none(v))] = None


class NlgTracker(_Model):
    """The part of Rasa's tracker in an NLG request that the texts depend on."""

    slots: NlgSlots = Field(default_factory=NlgSlots)


class NlgRequest(_Model):
    """Body of Rasa's ``POST /nlg`` (``response`` in Rasa 3, ``template`` in older versions)."""

    response: Annotated[StrictStr | None, Field(max_length=256)] = None
    template: Annotated[StrictStr | None, Field(max_length=256)] = None
    tracker: NlgTracker = Field(default_factory=NlgTracker)

    @property
    def name(self) -> str:
        """The response name Rasa asks for."""
        return self.response or self.template or ""
