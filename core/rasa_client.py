"""HTTP client for the Rasa server: NLU parse, dialogue turns on a parsed intent, and pause/resume events.

Every call has a short timeout: the hotline must answer a person in danger even when Rasa is slow or down,
so callers catch :class:`RasaUnavailable` and fall back to the rules-only path.
"""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    """Thin async client over Rasa's HTTP API."""

    def __init__(self, base_url: str, *, client: httpx.AsyncClient | None = None, timeout: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self._owns_client = client is None
        self.timeout = timeout

    async def aclose(self) -> None:
        """Close the underlying HTTP client if this object created it."""
        if self._owns_client:
            await self._client.aclose()

    async def _post(self, path: str, payload: Any) -> Any:
        try:
            r = await self._client.post(f"{self.base_url}{path}", json=payload, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if r.status_code >= 400:
            raise RasaUnavailable(f"HTTP {r.status_code} on {path}")
        return r.json()

    async def parse(self, text: str) -> dict[str, Any]:
        """``POST /model/parse``: intent, entities and response-selector result for ``text``."""
        result: dict[str, Any] = await self._post("/model/parse", {"text": text})
        return result

    async def turn(self, sender_id: str, intent: str, entities: dict[str, Any] | None = None) -> list[str]:
        """One dialogue turn with an already-parsed intent: Rasa's policies pick the response, the app's NLG
        endpoint renders it, the tracker (Redis) records the intent and slots.

        ``POST /conversations/<sender>/trigger_intent`` rather than a REST-channel message: an intent shortcut
        (``/intent{...}``) sent through the REST channel still runs Rasa's whole NLU pipeline on those
        characters, a second full parse per message; this endpoint goes straight to the dialogue, under the
        same lock store. Either way the tracker holds intents and slots, never what the person wrote.
        """
        data = await self._post(f"/conversations/{sender_id}/trigger_intent",
                                {"name": intent, "entities": entities or {}})
        messages = data.get("messages") if isinstance(data, dict) else None
        return [m["text"] for m in messages or [] if isinstance(m, dict) and m.get("text")]

    async def pause(self, sender_id: str) -> None:
        """Pause the bot's dialogue for a conversation (a counsellor has taken over)."""
        await self._post(f"/conversations/{sender_id}/tracker/events", [{"event": "pause"}])

    async def resume(self, sender_id: str) -> None:
        """Resume the bot's dialogue after a handoff ends."""
        await self._post(f"/conversations/{sender_id}/tracker/events", [{"event": "resume"}])

    async def forget(self, sender_id: str) -> None:
        """Erase what Rasa's tracker holds for this conversation (``hapus``)."""
        # Rasa has no DELETE for trackers; replacing the event list with a restart empties it.
        try:
            r = await self._client.put(
                f"{self.base_url}/conversations/{sender_id}/tracker/events",
                json=[{"event": "restart"}], timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if r.status_code >= 400:
            raise RasaUnavailable(f"HTTP {r.status_code} on forget")

    async def status(self) -> dict[str, Any]:
        """``GET /status``."""
        try:
            r = await self._client.get(f"{self.base_url}/status", timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        result: dict[str, Any] = r.json()
        return result
