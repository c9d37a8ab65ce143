"""The channel-agnostic core: every citizen message goes through :meth:`Hotline.handle`.

Order matters and is the same for every message:

1. staff messages and button presses go to the staff desk (checked by sender id, never by message text);
2. the message is stored once (duplicate deliveries stop here); if the database is down it is spooled;
3. the deterministic safety net runs and, on danger, the emergency numbers go out before anything else;
4. quick-exit commands (``hapus``, ``berhenti``) act at once;
5. a conversation in human handoff is relayed to the counsellor;
6. triage (Rasa parse + rules), then the report intake or a Rasa dialogue turn.

See docs/conversation.md for the state diagram.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.types import Button, IncomingMessage, OutgoingMessage, Sender
from core.bounded import BoundedDict
from core.rasa_client import RasaClient, RasaUnavailable
from handlers import intake as intake_mod
from handlers import places, texts
from handlers.aid_ledger import AidLedger, LocalLedger, chat_key, delivery_key
from handlers.analysis import analyse
from handlers.delivery import Delivery
from handlers.intake import Intake
from handlers.nlg import INTENT_RESPONSE, render
from handlers.privacy import pseudonym
from handlers.review import ReviewInbox, reasons_for, verdict_of
from handlers.safety import DangerReport, detect_danger
from handlers.store import Spool, Store, StoreUnavailable, jsonable
from handlers.texts import Lang
from handlers.triage import TriageResult, detect_language
from storage import crud, lookups

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4000  # what we store and triage of one message; the rest is dropped (and the person told)
_CONTROL_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_DELETE = re.compile(r"^\s*/?(hapus|delete|hapus data( saya| aku| ku)?|hapus chat( saya| aku)?)\s*[.!]*\s*$", re.I)
_STOP = re.compile(r"^\s*/?(berhenti|stop|unsubscribe)\s*[.!]*\s*$", re.I)
_START = re.compile(r"^\s*/start\b", re.I)
# How long the emergency numbers may wait for the staff look-up (a database query) before going out anyway.
STAFF_CHECK_WAIT_S = 0.5
# A delivery whose turn has not started after this long (a surge) gets a one-time "busy, please wait" notice.
BUSY_AFTER_S = 10.0
# Deliveries whose first aid is remembered (a retried webhook then gets no second copy of the numbers).
FIRST_AID_REMEMBERED = 10_000


def _cancel(task: asyncio.Future[bool]) -> None:
    if not task.done():
        task.cancel()


class CaseDesk(Protocol):
    """Opens and updates cases; pages on emergencies (handlers/cases.py)."""

    async def open_case(self, *, conversation_id: int, result: TriageResult) -> str: ...

    async def update_case(self, *, code: str, fields: dict[str, Any]) -> None: ...

    async def escalate(self, *, code: str) -> None: ...

    async def place_case(self, *, code: str, place_code: str) -> bool: ...


class StaffDesk(Protocol):
    """Staff commands, claim buttons and the counsellor side of a handoff (handlers/staff.py)."""

    async def is_staff(self, msg: IncomingMessage) -> bool: ...

    async def try_handle(self, msg: IncomingMessage, sender: Sender) -> bool: ...

    async def relay_to_staff(self, *, conversation_id: int, sender_id: str, text: str) -> bool: ...


def clean_text(raw: str) -> str:
    """Remove zero-width and bidi control characters, normalise, trim."""
    return unicodedata.normalize("NFC", _CONTROL_RE.sub("", raw or "")).strip()


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit (not only emoji or punctuation)."""
    return any(ch.isalnum() for ch in text)


@dataclass
class Turn:
    """What one message did (returned for tests and benchmarks; never logged with text)."""

    duplicate: bool = False
    emergency_sent: bool = False
    urgency: str | None = None
    intent: str | None = None
    case_code: str | None = None
    rasa_ok: bool | None = None
    stored: bool = True
    replies: int = 0


class Hotline:
    """The core every adapter calls."""

    def __init__(self, *, store: Store, spool: Spool, rasa: RasaClient | None, cases: CaseDesk,
                 staff: StaffDesk | None = None,
                 delete_chat_messages: Callable[[str, list[int]], Awaitable[int]] | None = None,
                 delivery: Delivery | None = None, staff_wait_s: float = STAFF_CHECK_WAIT_S,
                 forget_elsewhere: Sequence[Callable[[str], Awaitable[None]]] = (),
                 busy_after_s: float = BUSY_AFTER_S, aid_ledger: AidLedger | None = None,
                 review: ReviewInbox | None = None,
                 forget_review_items: Sequence[Callable[[tuple[int, ...]], Awaitable[None]]] = ()) -> None:
        self.store = store
        # Messages the triage was unsure of go to the editors' review inbox (redacted there).
        self.review = review if review is not None else ReviewInbox(store)
        self.spool = spool
        self.rasa = rasa
        self.cases = cases
        self.staff = staff
        self.delete_chat_messages = delete_chat_messages
        self.delivery = delivery if delivery is not None else Delivery()
        self.staff_wait_s = staff_wait_s
        # Stores outside the database that hold a sender id (Rasa's keys in Redis): emptied on ``hapus``.
        self.forget_elsewhere = list(forget_elsewhere)
        # Files outside the database that hold review items' redacted text (release folders): emptied on ``hapus``.
        self.forget_review_items = list(forget_review_items)
        # People already told in this outage that the service is disturbed: told once, not on every retry.
        self._told_down: set[str] = set()
        # Deliveries accepted and not yet started (for the busy notice), and the people told in this surge.
        self.busy_after_s = busy_after_s
        self._waiting_since: dict[tuple[str, str], float] = {}
        self._busy_told: set[str] = set()
        # Emergency numbers started by ``first_aid`` for a delivery, by (sender id, delivery id), until handled.
        # A future dropped unawaited (10,000 deliveries later) is cancelled rather than left running.
        self._first_aid: BoundedDict[tuple[str, str], asyncio.Future[bool]] = BoundedDict(
            FIRST_AID_REMEMBERED, on_evict=_cancel
        )
        self._verdicts: BoundedDict[tuple[str, str], DangerReport] = BoundedDict(FIRST_AID_REMEMBERED)
        # Shared with the other app processes: a delivery retried onto another process gets the numbers once.
        self.aid_ledger: AidLedger = aid_ledger if aid_ledger is not None else LocalLedger()

    # ----------------------------------------------------------------------------------------------- first aid
    def first_aid(self, msg: IncomingMessage, sender: Sender) -> None:
        """Send the emergency numbers for a delivery now, ahead of the chat's earlier messages still queued.

        Adapters call this when they accept a delivery, before it waits its turn behind the same chat's earlier
        messages (which a surge can make long). Only the safety net's verdict counts here (no I/O but a staff
        look-up of at most ``staff_wait_s``); ``handle`` later finds the numbers sent and does not repeat them.
        The same delivery seen twice (a webhook retried) gets them once. Any other delivery whose turn has not
        started after ``busy_after_s`` (a surge) brings its sender one "busy, please wait" notice with the numbers.
        """
        key = (msg.sender_id, msg.external_id)
        if key in self._first_aid or key in self._waiting_since:
            return
        text = clean_text(msg.text)[:MAX_TEXT_CHARS]
        danger = detect_danger(text)
        # ``handle`` reuses the verdict: the safety net costs a millisecond or two, twice is a surge's worth.
        self._verdicts[key] = danger
        if danger.level != "emergency":
            # Not in danger by the safety net: if the turn has not started in ``busy_after_s`` (a surge), the
            # person is told once that the answer will take a while, with the numbers.
            if len(self._waiting_since) < FIRST_AID_REMEMBERED:
                self._waiting_since[key] = time.monotonic()
                asyncio.get_running_loop().call_later(self.busy_after_s, self._busy_check, key, msg, sender, text)
            return
        self._first_aid[key] = asyncio.ensure_future(self._send_first_aid(msg, sender, text))

    def _busy_check(self, key: tuple[str, str], msg: IncomingMessage, sender: Sender, text: str) -> None:
        if self._waiting_since.pop(key, None) is None or msg.sender_id in self._busy_told:
            return  # the turn has started, or the person was already told
        self._busy_told.add(msg.sender_id)
        lang = detect_language(text)
        # Not urgent: in a surge the emergency numbers go before it; it goes before the ordinary replies.
        notice = OutgoingMessage(recipient_id=msg.sender_id, reply_to_at=msg.received_at,
                                 text=texts.text("busy", lang) + "\n" + texts.EMERGENCY_NUMBERS[lang])
        task = asyncio.ensure_future(self.delivery.send(sender, notice, notice=True))
        task.add_done_callback(_quiet)

    async def _send_first_aid(self, msg: IncomingMessage, sender: Sender, text: str) -> bool:
        if self.staff is not None:
            check = asyncio.ensure_future(self.staff.is_staff(msg))
            done, _ = await asyncio.wait({check}, timeout=self.staff_wait_s)
            if not done:
                check.add_done_callback(_quiet)
            elif check.exception() is None and check.result():
                return False  # a counsellor quoting a report: the staff desk handles it
        ledger_key = delivery_key(msg)
        if not await self.aid_ledger.begin(ledger_key):
            return False  # the same delivery reached another app process, which sent the numbers
        await self.delivery.send(sender, OutgoingMessage(recipient_id=msg.sender_id, urgent=True,
                                                         text=texts.emergency_block(detect_language(text)),
                                                         reply_to_at=msg.received_at))
        await self.aid_ledger.sent(ledger_key)
        return True

    # ------------------------------------------------------------------------------------------------- entry
    async def handle(self, msg: IncomingMessage, sender: Sender, *, replay: bool = False) -> Turn:
        """Process one delivery from any channel.

        ``replay``: the message was spooled while the database was down and already got the emergency numbers;
        it is now stored and processed without sending them twice.
        """
        t0 = time.perf_counter()
        turn = Turn()
        text = clean_text(msg.text)
        truncated = len(text) > MAX_TEXT_CHARS
        text = text[:MAX_TEXT_CHARS]

        async def say(body: str, *, urgent: bool = False, buttons: tuple[Button, ...] = ()) -> None:
            # Never raises: a failed send is retried in the background and cannot undo the storing, the case
            # or the page. ``reply_to_at`` tells the channel that this answers a message that just arrived.
            turn.replies += 1
            await self.delivery.send(sender, OutgoingMessage(recipient_id=msg.sender_id, text=body, urgent=urgent,
                                                             buttons=buttons, reply_to_at=msg.received_at))

        # The safety net runs before any I/O: its verdict needs no server (first aid may have it already).
        danger = self._verdicts.pop((msg.sender_id, msg.external_id), None) or detect_danger(text)
        lang: Lang = detect_language(text)
        waited_since = self._waiting_since.pop((msg.sender_id, msg.external_id), None)
        if waited_since is not None and time.monotonic() - waited_since < self.busy_after_s:
            self._busy_told.discard(msg.sender_id)  # answered in time: a later surge may tell them again
        aid = self._first_aid.get((msg.sender_id, msg.external_id))
        if aid is not None and not replay:
            with contextlib.suppress(asyncio.CancelledError):
                if await aid:
                    turn.emergency_sent = True
                    turn.replies += 1
        numbers_due = danger.level == "emergency" and not replay and aid is None
        if self.staff is not None and await self._staff_handled(msg, sender, numbers_due, lang, turn, say):
            return turn
        if danger.level == "emergency":
            if numbers_due and not turn.emergency_sent:
                await say(texts.emergency_block(lang), urgent=True)
            turn.emergency_sent = True

        analysis: asyncio.Task[tuple[TriageResult, bool]] | None = None
        if has_words(text) and not (_DELETE.match(text) or _STOP.match(text) or _START.match(text)):
            # Rasa reads the message while the database stores it: the two waits overlap. Dropped (cancelled)
            # if the message turns out to be a duplicate or part of a handoff.
            analysis = asyncio.create_task(analyse(text, self.rasa))
        try:
            # One message of a chat at a time across app processes (the numbers above never wait for it).
            async with self.aid_ledger.turn(chat_key(msg)):
                return await self._handle_stored(msg, text, truncated, danger.level, lang, turn, say, analysis, t0,
                                                 replay=replay)
        finally:
            if analysis is not None and not analysis.done():
                analysis.cancel()

    async def _staff_handled(self, msg: IncomingMessage, sender: Sender, numbers_due: bool, lang: Lang,
                             turn: Turn, say: Callable[..., Awaitable[None]]) -> bool:
        """Whether the message is staff's (and was handled as such).

        Staff are recognised from the database. A database that hangs or refuses must not hold back the
        emergency numbers: after ``staff_wait_s`` they go out (at worst to a staff member during an outage), and
        without a database answer the message takes the citizen path and is recognised when it is replayed.
        """
        assert self.staff is not None
        check = asyncio.ensure_future(self.staff.try_handle(msg, sender))
        if numbers_due:
            done, _ = await asyncio.wait({check}, timeout=self.staff_wait_s)
            if not done:
                log.warning("staff lookup slow; emergency numbers sent first (%s)", pseudonym(msg.sender_id))
                await say(texts.emergency_block(lang), urgent=True)
                turn.emergency_sent = True
        try:
            return await check
        except StoreUnavailable:
            log.warning("staff lookup unavailable; handling as a citizen message")
        except Exception as exc:  # whatever broke, the person still gets the citizen path and the numbers
            log.error("staff lookup failed (%s); handling as a citizen message", type(exc).__name__)
        return False

    async def _handle_stored(self, msg: IncomingMessage, text: str, truncated: bool, danger_level: str | None,
                             lang: Lang, turn: Turn, say: Callable[..., Awaitable[None]],
                             analysis: asyncio.Task[tuple[TriageResult, bool]] | None, t0: float, *,
                             replay: bool = False) -> Turn:
        try:
            stored = await self.store.run(lambda s: _record(s, msg, text))
        except StoreUnavailable:
            turn.stored = False
            if replay:  # still down: the replay pass keeps the message in the spool, in its place
                return turn
            log.error("database unavailable; message spooled (conv %s)", pseudonym(msg.sender_id))
            await self.spool.keep(dataclasses.replace(msg, text=text))
            if not turn.emergency_sent and msg.sender_id not in self._told_down:
                # Once per person per outage: a replay that fails again, or the person's next message, is
                # not answered with the same notice again.
                self._told_down.add(msg.sender_id)
                await say(texts.text("fallback_service_down", lang) + "\n" + texts.EMERGENCY_NUMBERS[lang])
            return turn
        self._told_down.discard(msg.sender_id)
        if stored is None:
            turn.duplicate = True
            log.info("duplicate delivery ignored (%s)", msg.channel)
            return turn
        conv_id, message_id, is_new, state, stored_lang, handoff = stored
        if detect_language(text) != "en" and len(text.split()) < 4:
            lang = "en" if stored_lang == "en" else lang  # a short "yes"/"ok" keeps the conversation's language

        try:
            await self._dispatch(msg, text, lang, truncated, conv_id, message_id, is_new, state, handoff,
                                 danger_level, turn, say, analysis)
        finally:
            log.info("turn conv=%s urgency=%s intent=%s rasa=%s replies=%d in %.0f ms",
                     pseudonym(msg.sender_id), turn.urgency, turn.intent, turn.rasa_ok, turn.replies,
                     (time.perf_counter() - t0) * 1000)
        return turn

    async def _dispatch(self, msg: IncomingMessage, text: str, lang: Lang, truncated: bool, conv_id: int,
                        message_id: int, is_new: bool, state: dict[str, Any], handoff: bool,
                        danger_level: str | None, turn: Turn, say: Callable[..., Awaitable[None]],
                        analysis: asyncio.Task[tuple[TriageResult, bool]] | None = None) -> None:
        # Quick exit first: a person who types "hapus" may be watched right now.
        if _DELETE.match(text):
            await self._erase(msg, lang, say)
            return
        if _STOP.match(text):
            await self.store.run(lambda s: _opt_out(s, conv_id, message_id))
            await say(texts.text("stopped", lang))
            return
        if handoff and self.staff is not None and text:
            if await self.staff.relay_to_staff(conversation_id=conv_id, sender_id=msg.sender_id, text=text):
                if state.get("intake"):
                    # A counsellor has taken over: the bot's questionnaire must not resume after the handoff.
                    state["intake"] = None
                    await self._finish(conv_id, state, lang, message_id, "processed", None)
                else:
                    await self._mark(message_id, "processed", None)
                return

        welcomed = bool(state.get("welcomed"))
        welcomed_now = is_new or not welcomed or bool(_START.match(text))
        if welcomed_now:
            if not turn.emergency_sent:
                await say(texts.text("welcome", lang) + "\n\n" + texts.EMERGENCY_NUMBERS[lang])
            state["welcomed"] = True
            if _START.match(text):
                await self._finish(conv_id, state, lang, message_id, "processed", None)
                return

        pending = state.pop("confirm_report", None)
        if pending is not None and danger_level != "emergency":
            # The answer to "is this about violence?": yes opens the case the earlier message described; no
            # closes the question; anything else is read as a new message.
            answer = _yes_no(msg.callback_data, text)
            if answer is not None:
                if answer:
                    await self._intake(msg, text, lang, conv_id, state, None, _result_from_state(pending), turn,
                                       say)
                else:
                    await say(texts.text("confirm_report_no", lang))
                await self._finish(conv_id, state, lang, message_id, "processed", None)
                if not answer and isinstance(pending.get("message_id"), int):
                    # The earlier message only Rasa read as a report, and the citizen says it is not one.
                    await self.review.land(message_id=pending["message_id"], reasons=["not_violence"],
                                           verdict=verdict_of(_result_from_state(pending)))
                return

        current = Intake.from_state(state.get("intake"))
        if (current is not None and current.step == "place" and danger_level != "emergency"
                and (msg.callback_data or "").startswith(intake_mod.PLACE_BUTTON)):
            # A place button: the answer to "which city or regency?" (a button press carries no text to triage).
            await self._intake(msg, text, lang, conv_id, state, current, _no_triage(lang), turn, say)
            await self._finish(conv_id, state, lang, message_id, "processed", None)
            return
        if truncated:
            await say(texts.text("too_long", lang))
        if not has_words(text):
            await say(texts.text("media_only" if msg.media_count else "empty", lang))
            await self._finish(conv_id, state, lang, message_id, "processed", None)
            return

        result, rasa_ok = await (analysis if analysis is not None else analyse(text, self.rasa))
        turn.rasa_ok, turn.urgency, turn.intent = rasa_ok, result.urgency, result.intent
        lang = result.language if has_words(text) and len(text.split()) >= 4 else lang
        if result.urgency == "emergency" and not turn.emergency_sent:
            await say(texts.emergency_block(lang), urgent=True)
            turn.emergency_sent = True

        if result.intent == "delete_data":
            await self._erase(msg, lang, say)
            return
        # Where the triage was unsure, the message goes to the review inbox once the turn has answered.
        doubts = reasons_for(result, in_intake=current is not None)
        if welcomed_now and result.urgency == "none" and result.intent == "greet":
            # The welcome already greeted; a second "halo" would only push the numbers off the screen.
            await self._finish(conv_id, state, lang, message_id, _status(rasa_ok), result)
            await self._land(message_id, doubts, result)
            return

        if current is not None and result.urgency == "none" and _side_question(result, text):
            # "apa itu puspaga?" in the middle of the intake: answer it, then ask the pending question again.
            await self._dialogue(msg, lang, result, rasa_ok, say)
            if current.step in intake_mod.QUESTION:
                await say(texts.text(intake_mod.QUESTION[current.step], lang))
            await self._finish(conv_id, state, lang, message_id, _status(rasa_ok), result)
            return
        if current is None and result.uncertain_report and result.urgency in ("normal", "high"):
            # Nothing in the words marks this as a report (only Rasa's reading): ask before opening a case.
            # An emergency never gets here: its numbers went out and its page fired above.
            # The message id travels with the question: a "no" sends that message to the review inbox.
            state["confirm_report"] = {**_result_to_state(result), "message_id": message_id}
            await say(texts.text("confirm_report", lang), buttons=(
                Button(texts.text("confirm_yes", lang), CONFIRM_YES), Button(texts.text("confirm_no", lang),
                                                                             CONFIRM_NO)))
            await self._finish(conv_id, state, lang, message_id, _status(rasa_ok), result)
            await self._land(message_id, doubts, result)
            return
        if result.urgency != "none" or current is not None:
            await self._intake(msg, text, lang, conv_id, state, current, result, turn, say)
        else:
            await self._dialogue(msg, lang, result, rasa_ok, say)
        # Without Rasa, the rules-only answer stands but the message is re-read when Rasa is back.
        await self._finish(conv_id, state, lang, message_id, _status(rasa_ok), result)
        await self._land(message_id, doubts, result)

    async def _land(self, message_id: int, reasons: list[str], result: TriageResult) -> None:
        """The review inbox takes the message for ``reasons`` (nothing when there are none; never raises)."""
        if reasons:
            await self.review.land(message_id=message_id, reasons=reasons, verdict=verdict_of(result))

    # ------------------------------------------------------------------------------------------------ intake
    async def _intake(self, msg: IncomingMessage, text: str, lang: Lang, conv_id: int, state: dict[str, Any],
                      current: Intake | None, result: TriageResult, turn: Turn,
                      say: Callable[..., Awaitable[None]]) -> None:
        if current is None or (result.urgency != "none" and current.step in (None, "done")):
            current = Intake(urgency=result.urgency)
            current.answers.update(intake_mod.known_from_triage(result))
            current.case_code = await self.cases.open_case(conversation_id=conv_id, result=result)
            if result.urgency == "emergency":
                await say(texts.text("emergency_paged", lang))
            if current.answers.get("location") == "abroad":
                await say(texts.text("place_abroad", lang))
        else:
            step = current.step
            if step is not None and step in intake_mod.STEPS:
                answer = intake_mod.interpret(step, text, result, callback_data=msg.callback_data,
                                              candidates=current.answers.get("place_candidates") or ())
                current.answers.update(answer)
                if answer.get(step) == "skipped":
                    await say(texts.text("skip_ok", lang))
                await self._apply_answer(current, answer, result, lang, say)
            # A new report inside the intake can only raise urgency, never lower it.
            if _rank(result.urgency) > _rank(current.urgency):
                current.urgency = result.urgency
                if current.case_code:
                    await self.cases.update_case(code=current.case_code, fields={"urgency": result.urgency})
                    if result.urgency == "emergency":
                        await self.cases.escalate(code=current.case_code)
                        await say(texts.text("emergency_paged", lang))
        turn.case_code = current.case_code
        nxt = intake_mod.next_step(current)
        if nxt is None:
            key = {"emergency": "report_done_emergency", "high": "report_done_high"}.get(current.urgency,
                                                                                       "report_done_normal")
            await say(texts.text(key, lang, code=current.case_code or "-"))
            if result.category == "sexual" or current.answers.get("category") == "sexual":
                await say(texts.text("tpks_note", lang))
            current.step = "done"
            state["intake"] = None
            return
        current.asked.append(nxt)
        current.step = nxt
        await say(texts.text(intake_mod.QUESTION[nxt], lang), buttons=_place_buttons(current, nxt))
        state["intake"] = current.to_state()

    async def _apply_answer(self, current: Intake, answer: dict[str, Any], result: TriageResult, lang: Lang,
                            say: Callable[..., Awaitable[None]]) -> None:
        if not current.case_code:
            return
        fields: dict[str, Any] = {}
        if answer.get("victim") in ("child", "adult"):
            fields["victim_age_group"] = answer["victim"]
        if isinstance(answer.get("victim_age"), int):
            fields["victim_age"] = answer["victim_age"]
        if "contact" in answer and answer["contact"] != "skipped":
            fields["safe_contact"] = answer["contact"]
        if result.relationship:
            fields["relationship"] = result.relationship
        if fields:
            await self.cases.update_case(code=current.case_code, fields=fields)
        where = answer.get("location")
        if isinstance(where, str) and places.exists(where):
            await self.cases.place_case(code=current.case_code, place_code=where)
        elif where in ("unknown", "abroad"):
            await say(texts.text("place_abroad" if where == "abroad" else "place_unknown", lang))
        if answer.get("nearby") == "yes" and current.urgency != "emergency":
            current.urgency = "emergency"
            await say(texts.emergency_block(lang), urgent=True)
            await self.cases.update_case(code=current.case_code, fields={"urgency": "emergency"})
            await self.cases.escalate(code=current.case_code)
            await say(texts.text("emergency_paged", lang))

    # ---------------------------------------------------------------------------------------------- dialogue
    async def _dialogue(self, msg: IncomingMessage, lang: Lang, result: TriageResult, rasa_ok: bool,
                        say: Callable[..., Awaitable[None]]) -> None:
        intent = result.intent or "nlu_fallback"
        slots = {"lang": lang, "faq_topic": result.faq_key, "region": result.region}
        if rasa_ok and self.rasa is not None:
            try:
                entities = {k: v for k, v in slots.items() if v}
                replies = await self.rasa.turn(msg.sender_id, intent, entities)
                for body in replies:
                    await say(body)
                if replies:
                    return
            except RasaUnavailable as exc:
                log.warning("rasa dialogue unavailable (%s); answering locally", exc)
        if not rasa_ok:
            await say(texts.text("fallback_service_down", lang) + "\n" + texts.EMERGENCY_NUMBERS[lang])
            return
        # Rasa parsed but its dialogue (or the tracker store on Redis) failed: same answer, rendered here, and
        # the numbers, since part of the service is down.
        await say(render(INTENT_RESPONSE.get(intent, "utter_out_of_scope"), slots) + "\n\n"
                  + texts.EMERGENCY_NUMBERS[lang])

    # ------------------------------------------------------------------------------------------------- erase
    async def _erase(self, msg: IncomingMessage, lang: Lang, say: Callable[..., Awaitable[None]]) -> None:
        report = await self.store.run(lambda s: crud.erase_conversation(s, sender_id=msg.sender_id))
        chat_ids = list(report.telegram_message_ids)
        if msg.chat_message_id is not None:
            chat_ids.append(msg.chat_message_id)
        if self.rasa is not None:
            try:
                await self.rasa.forget(msg.sender_id)
            except RasaUnavailable:
                log.warning("rasa tracker not erased (unavailable)")
        for forget in self.forget_elsewhere:
            await forget(msg.sender_id)
        if report.review_item_ids:
            for scrub in self.forget_review_items:
                await scrub(report.review_item_ids)
        try:
            await self.store.run(crud.flush_erased)
        except StoreUnavailable:
            log.warning("write-ahead log not flushed after an erasure (database unavailable)")
        if self.delete_chat_messages is not None and chat_ids:
            await self.delete_chat_messages(msg.sender_id, chat_ids)
        await say(texts.text("deleted", lang))

    # ---------------------------------------------------------------------------------------------- helpers
    def _say_to(self, sender: Sender, recipient_id: str) -> Callable[..., Awaitable[None]]:
        async def say(body: str, *, urgent: bool = False) -> None:
            await self.delivery.send(sender, OutgoingMessage(recipient_id=recipient_id, text=body, urgent=urgent))

        return say

    async def _mark(self, message_id: int, status: str, result: TriageResult | None) -> None:
        summary = _summary(result)
        await self.store.run(lambda s: crud.set_message_status(s, message_id=message_id, status=status,
                                                               triage=summary))

    async def _finish(self, conv_id: int, state: dict[str, Any], lang: Lang, message_id: int, status: str,
                      result: TriageResult | None) -> None:
        """Save the conversation state and the message's status in one transaction (one commit per turn)."""
        summary = _summary(result)
        await self.store.run(lambda s: crud.finish_turn(s, conversation_id=conv_id, message_id=message_id,
                                                        state=state, lang=lang, status=status, triage=summary))

    async def replay_spool(self, sender_for: Callable[[str], Sender]) -> int:
        """Store and process messages spooled while the database was down; returns how many were stored.

        Each message is handled on its own: one that fails for another reason than the database is set aside
        (kept for inspection) and the pass goes on. The messages stay on disk until the pass ends, so a crash
        in the middle loses none (a message stored twice is a duplicate and ignored).
        """
        taken = await self.spool.claim()
        done = 0
        rest: list[IncomingMessage] = []
        for i, msg in enumerate(taken):
            try:
                turn = await self.handle(msg, sender_for(msg.channel), replay=True)
            except Exception as exc:
                log.error("replay of a spooled message failed (%s); set aside", type(exc).__name__)
                await self.spool.set_aside(msg)
                continue
            if not turn.stored:
                # Still down: this message and the rest wait for the next pass, in order.
                rest = taken[i:]
                break
            done += 1
        await self.spool.release(rest)
        return done

    async def retry_pending(self, sender_for: Callable[[str], Sender], *, limit: int = 50) -> int:
        """Re-triage messages answered without Rasa, now that it is back; returns how many were processed."""
        if self.rasa is None:
            return 0
        pending = await self.store.run(lambda s: _pending(s, limit))
        count = 0
        for message_id, sender_id, channel, text in pending:
            result, rasa_ok = await analyse(text or "", self.rasa)
            if not rasa_ok:
                break
            lang: Lang = result.language
            if result.urgency == "none":
                msg = IncomingMessage(channel=channel, sender_id=sender_id,  # type: ignore[arg-type]
                                      external_id=f"retry:{message_id}", text=text or "")
                await self._dialogue(msg, lang, result, True, self._say_to(sender_for(channel), sender_id))
            await self._mark(message_id, "processed", result)
            count += 1
        return count


CONFIRM_YES, CONFIRM_NO = "confirm:yes", "confirm:no"
_YES = re.compile(r"^\s*(y|ya+|iy+a+|iye|yes|yup|benar|betul|bener|betol|he\W?eh)\b", re.I)
_NO = re.compile(r"^\s*(tidak|tdk|gak|ga|gk|nggak|ngga|enggak|engga|bukan|no|nope|nggak kok)\b", re.I)


def _no_triage(lang: Lang) -> TriageResult:
    """The triage of a message without words (a button press): nothing found."""
    return TriageResult(urgency="none", category="none", victim="unknown", language=lang, intent=None,
                        confidence=None, faq_key=None)


def _place_buttons(current: Intake, step: str) -> tuple[Button, ...]:
    """The candidates of an ambiguous place as buttons (one per regency/city), for the ``place`` question."""
    candidates = current.answers.get("place_candidates") or ()
    if step != "place" or not candidates:
        return ()
    match = places.PlaceMatch(code=None, candidates=tuple(candidates))
    return tuple(Button(label, intake_mod.PLACE_BUTTON + code) for code, label in places.choices(match))


def _yes_no(callback_data: str | None, text: str) -> bool | None:
    """The answer to a yes/no question: a button, or a short reply starting with yes or no; None otherwise."""
    if callback_data in (CONFIRM_YES, CONFIRM_NO):
        return callback_data == CONFIRM_YES
    if len(text.split()) > 12:
        return None
    if _NO.match(text):
        return False
    if _YES.match(text):
        return True
    return None


def _result_to_state(result: TriageResult) -> dict[str, Any]:
    """The triage a pending question rests on, as JSON for the conversation's state (labels, no message text)."""
    kept = dataclasses.asdict(result)
    kept.pop("entities", None)  # entity values quote the message
    return dict(jsonable(kept))


def _result_from_state(state: dict[str, Any]) -> TriageResult:
    fields = {f.name for f in dataclasses.fields(TriageResult)}
    return TriageResult(**{k: v for k, v in state.items() if k in fields})


def _quiet(task: asyncio.Future[Any]) -> None:
    """Retrieve a background look-up's outcome so an outage is not reported as 'never retrieved'."""
    if not task.cancelled():
        task.exception()


def _status(rasa_ok: bool) -> str:
    return "processed" if rasa_ok else "pending_retry"


_LABEL = re.compile(r"^[a-z0-9_. ]{1,60}$")


def _summary(result: TriageResult | None) -> dict[str, Any] | None:
    """What a message row keeps of its triage: the verdict and why (for the console's case page).

    Cue and rule names only (``weapon_threat``, ``age``, ``model 0.73 over rule child_words``), each checked
    against a plain label pattern, so no word of the message can reach the row however triage evolves.
    """
    if result is None:
        return None
    return jsonable({"urgency": result.urgency, "category": result.category, "victim": result.victim,
                     "intent": result.intent,
                     "confidence": round(result.confidence, 2) if result.confidence is not None else None,
                     "danger_cues": [c for c in result.danger_cues if _LABEL.match(c)],
                     "victim_evidence": result.victim_evidence if result.victim_evidence
                     and _LABEL.match(result.victim_evidence) else None,
                     "uncertain_report": bool(result.uncertain_report),
                     "raised_by": result.raised_by if result.raised_by and _LABEL.match(result.raised_by) else None})


_QUESTION = re.compile(r"\?|^\s*(apa|apakah|gimana|bagaimana|berapa|di ?mana|kapan|siapa|bisa(kah)?|boleh(kah)?|"
                       r"what|how|where|when|who|can|is|are|do|does)\b", re.I)


def _side_question(result: TriageResult, text: str) -> bool:
    """A confident question about services, worded as a question (not an answer to the intake's question)."""
    return (result.intent in ("faq", "ask_directory") and (result.confidence or 0.0) >= 0.8
            and bool(_QUESTION.search(text)))


def _rank(urgency: str) -> int:
    return {"none": 0, "normal": 1, "high": 2, "emergency": 3}.get(urgency, 0)


def _record(session: Any, msg: IncomingMessage, text: str) -> tuple[int, int, bool, dict[str, Any], str, bool] | None:
    existing = crud.get_conversation(session, sender_id=msg.sender_id)
    created = existing is None
    conv = existing or crud.get_or_create_conversation(session, sender_id=msg.sender_id, channel=msg.channel)
    stored = crud.record_inbound(session, conversation=conv, channel=msg.channel, external_id=msg.external_id,
                                 text=text, media_count=msg.media_count, chat_message_id=msg.chat_message_id)
    if stored is None:
        return None
    if conv.opted_out:  # a new message from someone who opted out means they want to talk again
        conv.opted_out = False
    return conv.id, stored.id, created, dict(conv.state or {}), conv.lang, conv.handoff_staff_id is not None


def _opt_out(session: Any, conv_id: int, message_id: int) -> None:
    conv = lookups.conversation_by_id(session, conv_id)
    if conv is not None:
        crud.set_opted_out(session, conversation=conv, opted_out=True)
    crud.set_message_status(session, message_id=message_id, status="processed", triage=None)


def _pending(session: Any, limit: int) -> list[tuple[int, str, str, str | None]]:
    rows = crud.list_pending_messages(session, limit=limit)
    senders = lookups.sender_ids(session, (m.conversation_id for m in rows))
    return [(m.id, senders[m.conversation_id], m.channel, m.text) for m in rows if m.conversation_id in senders]
