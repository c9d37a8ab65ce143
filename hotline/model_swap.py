"""Blue-green model swap: a new Rasa model goes live with no lost or failed reply, and rolls back the same way.

Not ``PUT /model``: that reaches one worker of one server and stalls it for the ~40 s the load takes. Instead:

1. start a second Rasa server ("green") with the new model beside the live one ("blue"), same tracker and lock
   store (Redis), same NLG endpoint: conversations carry on across the swap;
2. wait until its ``/status`` names the new model and the probe parses (``nlu/probes.yml``) give their intents,
   then pass the release gate (``hotline.release_gate``: triage with it beside the live server, no labelled
   emergency lost, the hold-out not worse); otherwise stop it and refuse (the live server never stopped serving);
3. publish green's URL (``hotline.rasa_route``): this process at once, every other app process within a second;
4. let blue drain (requests already sent to it finish) for ``drain_s``, then stop it.

Rolling back is the same swap with the previous model, which is remembered (without the gate: that model served
before, and a rollback must be quick). One swap at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from core.settings import PROJECT_ROOT
from hotline.rasa_route import RasaRoute
from hotline.release_gate import GateReport, run_gate
from hotline.services import RasaServer

log = logging.getLogger(__name__)

PROBES_FILE = PROJECT_ROOT / "nlu" / "probes.yml"


class SwapRefused(Exception):
    """The new model did not load or failed a probe; the live model keeps serving."""


@dataclass(frozen=True)
class SwapReport:
    """What a swap did (for the console and the logs; no message text)."""

    model: str
    previous: str
    started_in_s: float
    probes_passed: int
    switched_at: float
    gate: str = ""  # the gate's one-line comparison ("" for a rollback)


def load_probes(path: Path = PROBES_FILE) -> list[tuple[str, str]]:
    """(text, expected intent) pairs a model must parse right before it serves."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(str(p["text"]), str(p["intent"])) for p in data.get("probes", [])]


class ModelSwitch:
    """Owns the live Rasa server of ``hotline run`` and swaps its model blue-green."""

    def __init__(self, live: RasaServer, route: RasaRoute, *, probes: list[tuple[str, str]] | None = None,
                 drain_s: float = 5.0, on_swap: Callable[[RasaServer, RasaServer], None] | None = None,
                 gate: Callable[[str, str], Awaitable[GateReport]] | None = run_gate) -> None:
        self.live = live
        self.gate = gate
        self.route = route
        self.probes = probes if probes is not None else load_probes()
        self.drain_s = drain_s
        # Called with (old, new) once new serves, before old stops: e.g. the supervisor watches new instead.
        self.on_swap = on_swap
        self.previous_model: Path | None = None
        self._lock = asyncio.Lock()
        self._serial = 0

    @property
    def busy(self) -> bool:
        """Whether a swap is in progress."""
        return self._lock.locked()

    async def deploy(self, model: Path, *, gated: bool = True) -> SwapReport:
        """Serve ``model`` instead of the live one; ``SwapRefused`` (live model untouched) if it is not usable."""
        if self._lock.locked():
            raise SwapRefused("another swap is in progress")
        async with self._lock:
            if not await asyncio.to_thread(model.is_file):
                raise SwapRefused(f"no model file {model.name}")
            blue = self.live
            self._serial += 1
            green = dataclasses.replace(blue, port=0, proc=None, started_in_s=None, model=model,
                                        work_dir=blue.work_dir.parent / f"{blue.work_dir.name}-g{self._serial}")
            t0 = time.monotonic()
            gate = ""
            try:
                await asyncio.to_thread(green.start)
                passed = await self._check(green, model)
                if gated and self.gate is not None:
                    verdict = await self.gate(blue.url, green.url)
                    gate = verdict.summary()
                    if not verdict.passed:
                        raise RuntimeError(gate)
            except Exception as exc:
                await asyncio.to_thread(green.stop)
                log.error("model swap refused (%s)", exc)
                raise SwapRefused(str(exc)) from exc
            started = time.monotonic() - t0
            await self.route.publish(green.url)
            switched = time.time()
            if self.on_swap is not None:
                self.on_swap(blue, green)
            self.live = green
            self.previous_model = blue.model_path
            log.info("model swapped: %s serves (%.0f s to start); the old server drains %.0f s",
                     model.name, started, self.drain_s)
            await asyncio.sleep(self.drain_s)
            await asyncio.to_thread(blue.stop)
            return SwapReport(model=model.name, previous=blue.model_path.name, started_in_s=round(started, 1),
                              probes_passed=passed, switched_at=switched, gate=gate)

    async def rollback(self) -> SwapReport:
        """Serve the model that was live before the last swap (the same blue-green way)."""
        if self.previous_model is None:
            raise SwapRefused("nothing to roll back to")
        return await self.deploy(self.previous_model, gated=False)

    async def _check(self, green: RasaServer, model: Path) -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            status = (await client.get(f"{green.url}/status")).json()
            if status.get("model_file") != model.name:
                raise RuntimeError(f"the new server reports model {status.get('model_file')!r}")
            for i, (text, intent) in enumerate(self.probes):
                got = (await client.post(f"{green.url}/model/parse", json={"text": text})).json()
                name = (got.get("intent") or {}).get("name")
                if name != intent:
                    raise RuntimeError(f"probe {i + 1} parsed as {name!r}, expected {intent!r}")
        return len(self.probes)

    async def close(self) -> None:
        """Nothing to release but a swap in progress, which finishes or is cancelled with the app."""
        with contextlib.suppress(Exception):
            await self.route.close()
