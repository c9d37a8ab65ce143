"""FAQ releases: the database's topics and example questions become a Rasa model that goes live only through a gate.

``prepare`` snapshots the training data and runs, in a background task of this app process:

1. **write** a Rasa project for the release under ``var/releases/<id>/`` (``hotline.release_data``);
2. **train** it with ``rasa train`` in a child process under the machine's training lock
   (``hotline.release_train``): a *fine-tune* of the live model (``--finetune --epoch-fraction``) when examples
   were only added to topics the live model knows, else a *full* training (a new or removed topic, or removed
   examples: Rasa 3.6 accepts a fine-tune with a new FAQ key and then crashes at its end, so this decides first).
   The review inbox's confirmed items since the live release are written in too (``hotline.release_reviewed``:
   into the Rasa data under their intent, and as ``reviewed.jsonl``, a labelled set of real traffic); one
   that left since (its citizen erased, or an editor reopened it) makes it a full training, so the model forgets
   it;
3. **gate** it: a Rasa server with the candidate beside the live one; FAQ topic accuracy on the held-out example
   questions may not be lower than the live model's, and triage (``hotline.release_gate.run_gate``: no labelled
   emergency lost, the hold-out not worse) may not be worse; then the candidate parses recent citizen messages
   to list (by id) those it would send to a changed topic; triage is measured on the reviewed messages too
   (counts only, not a criterion: the candidate trained on them);
4. **ready** (or **failed**, with the reason). ``make_live`` refuses anything but a ready release whose gate
   passed, and swaps it in blue-green (``hotline.model_swap.ModelSwitch``); ``rollback`` goes back the same way.

A release's row holds counts and ids only, never a message text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from core.settings import Settings
from handlers.store import Store
from handlers.triage import faq_key_of
from hotline.model_swap import ModelSwitch, SwapRefused
from hotline.release_data import FAQ_PREFIX, read_seed, write_release
from hotline.release_gate import parse_all, run_faq_gate, run_gate, run_reviewed_gate
from hotline.release_reviewed import (
    domain_intents,
    known_examples,
    read_labelled,
    split_for_rasa,
    write_labelled,
    write_rasa,
)
from hotline.release_train import TrainingFailed, run_training, train_command
from hotline.services import RasaServer
from storage import content, review, training
from storage.models import Staff, utcnow

log = logging.getLogger(__name__)

# How many of the newest stored citizen messages the candidate parses for "which real messages would go to it".
RECENT_MESSAGES = 500
# How often a release's job says it is alive (storage.training.fail_abandoned waits two minutes of silence).
HEARTBEAT_S = 20.0


class ReleaseRefused(Exception):
    """The release cannot be prepared or go live (the message says why, in Bahasa Indonesia)."""


@dataclass(frozen=True)
class Plan:
    """What a release would train, compared with the live model's data."""

    kind: str  # "finetune" | "full"
    topics: list[str]
    example_ids: list[int]
    changed_topics: list[str]
    added: int
    removed: int
    new_topics: list[str]
    dropped_topics: list[str]
    reviewed_ids: list[int] = field(default_factory=list)  # every confirmed review item now
    reviewed_new: int = 0  # confirmed since the live release
    reviewed_gone: int = 0  # in the live release, no longer confirmed (erased with ``hapus``, reopened)

    @property
    def changed(self) -> bool:
        """Whether anything differs from the live model's data."""
        return bool(self.added or self.removed or self.new_topics or self.dropped_topics or self.reviewed_new
                    or self.reviewed_gone)


def make_plan(session: Session) -> Plan:
    """Compare the database's training data with the live release's (or the repo's seed)."""
    data = training.training_set(session)
    live = training.live_release(session)
    base_topics, base_ids = (list(live.topics), list(live.examples)) if live else training.seed_baseline(session)
    topics = sorted(k for k, v in data.train.items() if v)
    now_ids = set(data.example_topics)
    added, removed = now_ids - set(base_ids), set(base_ids) - now_ids
    new_topics = sorted(set(topics) - set(base_topics))
    dropped = sorted(set(base_topics) - set(topics))
    removed_keys = training.example_topic_keys(session, ids=removed)
    # Reviewed real messages: those confirmed since the live release are new; one the live release trained on
    # that is no longer confirmed must leave the model, which a fine-tune cannot do.
    reviewed = review.confirmed_examples(session)
    base_reviewed = set(live.reviewed or []) if live else set()
    fresh = [e for e in reviewed if e.id not in base_reviewed]
    gone = base_reviewed - {e.id for e in reviewed}
    fresh_faq = {e.intent.removeprefix(FAQ_PREFIX) for e in fresh
                 if e.intent and e.intent.startswith(FAQ_PREFIX) and e.intent.removeprefix(FAQ_PREFIX) in topics}
    changed = sorted({data.example_topics[i] for i in added} | set(removed_keys.values()) | set(new_topics)
                     | set(dropped) | fresh_faq)
    # A fine-tune needs every intent it trains to be known by the live model: the non-FAQ intents always are
    # (the repo's domain), an FAQ topic only if the live model has it (a new topic already means a full one).
    unknown = fresh_faq - set(base_topics)
    kind = "finetune" if not new_topics and not dropped and not removed and not gone and not unknown else "full"
    return Plan(kind=kind, topics=topics, example_ids=sorted(now_ids), changed_topics=changed, added=len(added),
                removed=len(removed), new_topics=new_topics, dropped_topics=dropped,
                reviewed_ids=[e.id for e in reviewed], reviewed_new=len(fresh), reviewed_gone=len(gone))


class ReleaseManager:
    """Prepares, gates and ships FAQ releases for one app process (the one that owns the live Rasa server)."""

    def __init__(self, *, store: Store, settings: Settings, switch_of: Callable[[], ModelSwitch | None],
                 live_url_of: Callable[[], str | None]) -> None:
        self.store = store
        self.settings = settings
        self.switch_of = switch_of
        self.live_url_of = live_url_of
        self.root = settings.var_dir / "releases"
        self.task: asyncio.Task[None] | None = None
        self.swap: asyncio.Task[None] | None = None
        self.last_swap: str | None = None
        self._seeded = False
        # Set when a background job (training or swap) ends: tests and the console wait on it.
        self.changed = asyncio.Event()

    # ------------------------------------------------------------------------------------------- seeding
    async def ensure_seeded(self) -> None:
        """Seed the topics from the repo's generated data once (an empty database), and fail releases a stopped
        process left unfinished."""
        if self._seeded:
            return
        seed = await asyncio.to_thread(read_seed, self.settings.rasa_project / "data" / "nlu.yml",
                                       every=training.HOLDOUT_EVERY)
        await self.store.run(lambda s: training.seed_topics(s, seed))
        self._seeded = True

    async def reap(self) -> None:
        """Fail releases whose job (in any app process) stopped beating: nothing will finish them."""
        failed = await self.store.run(training.fail_abandoned)
        if failed:
            log.warning("%d release(s) abandoned by a stopped process marked failed", failed)

    @property
    def busy(self) -> bool:
        """Whether a release is being prepared in this process."""
        return self.task is not None and not self.task.done()

    def base_model(self) -> Path:
        """The live model file (what a fine-tune starts from)."""
        switch = self.switch_of()
        if switch is not None:
            return switch.live.model_path
        return self.settings.rasa_project / "models" / "hotline.tar.gz"

    # ------------------------------------------------------------------------------------------- prepare
    async def prepare(self, editor: Staff, note: str) -> int:
        """Queue a release of the database's data and start it in the background; its id."""
        await self.ensure_seeded()
        await self.reap()
        if self.busy or await self.store.run(training.active_release) is not None:
            raise ReleaseRefused("Sudah ada rilis yang sedang disiapkan. Tunggu sampai selesai.")
        plan = await self.store.run(make_plan)
        if not plan.changed:
            raise ReleaseRefused("Belum ada perubahan contoh pertanyaan sejak model yang melayani sekarang.")
        base = self.base_model()
        row = await self.store.run(lambda s: training.create_release(
            s, editor=editor, kind=plan.kind, note=note, base_model=str(base), topics=plan.topics,
            example_ids=plan.example_ids, changed_topics=plan.changed_topics, reviewed=plan.reviewed_ids))
        release_id = row.id
        self.changed.clear()
        self.task = asyncio.create_task(self._run(release_id, plan, base))
        return release_id

    async def export_reviewed(self, folder: Path, plan: Plan) -> list[int]:
        """Write the plan's reviewed examples into the release folder; the ids written.

        Read again now, so an item erased (``hapus``) since the plan was made is not written.
        """
        wanted = set(plan.reviewed_ids)
        examples = [e for e in await self.store.run(review.confirmed_examples) if e.id in wanted]

        def write() -> list[int]:
            reviewed = split_for_rasa(examples, intents=domain_intents(folder / "domain.yml"), topics=plan.topics,
                                      known=known_examples(folder / "data" / "nlu.yml"))
            write_rasa(folder, reviewed)
            write_labelled(folder, reviewed.examples)
            log.info("release data: %d reviewed messages, %d trained by Rasa, skipped %s", len(reviewed.examples),
                     sum(len(v) for v in reviewed.rasa.values()), reviewed.skipped)
            return reviewed.ids

        return await asyncio.to_thread(write)

    async def _update(self, release_id: int, **fields: Any) -> None:
        await self.store.run(lambda s: training.update_release(s, release_id=release_id, **fields))

    async def _beat(self, release_id: int) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            with contextlib.suppress(Exception):  # a database hiccup: the next beat comes well within the limit
                await self._update(release_id, heartbeat_at=utcnow())

    async def _run(self, release_id: int, plan: Plan, base: Path) -> None:
        folder = self.root / str(release_id)
        beat = asyncio.create_task(self._beat(release_id))
        try:
            data = await self.store.run(training.training_set)
            answers = await self.store.run(lambda s: _answers(s, plan.new_topics))
            await asyncio.to_thread(write_release, folder, project=self.settings.rasa_project,
                                    train={k: v for k, v in data.train.items() if k in plan.topics},
                                    answers=answers)
            exported = await self.export_reviewed(folder, plan)
            await self._update(release_id, folder=str(folder), reviewed=exported)
            cmd = train_command(self.settings.rasa_venv / "bin" / "rasa", name=f"release-{release_id}",
                                finetune=base if plan.kind == "finetune" else None,
                                epoch_fraction=self.settings.release_epoch_fraction)
            model, seconds = await run_training(
                folder, cmd, lock=self.settings.release_lock_path(),
                on_start=lambda: self._update(release_id, state="training", progress=0.01),
                on_progress=lambda p: self._update(release_id, progress=p))
            await self._update(release_id, state="gating", progress=1.0, model_path=str(model),
                               train_seconds=round(seconds, 1))
            await self.gate(release_id)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await self._update(release_id, state="failed", error="dihentikan", finished_at=utcnow())
            raise
        except TrainingFailed as exc:
            await self._update(release_id, state="failed", error=f"pelatihan gagal: {exc} (lihat log)",
                               finished_at=utcnow())
        except Exception as exc:  # the release fails with its reason; the live model is untouched
            log.exception("release %d failed", release_id)
            await self._update(release_id, state="failed", error=f"gagal: {type(exc).__name__}: {exc}"[:500],
                               finished_at=utcnow())
        finally:
            beat.cancel()
            self.changed.set()

    async def gate(self, release_id: int) -> bool:
        """Gate a trained release against the live model and store the verdict: ready, or failed with why."""
        row = await self.store.run(lambda s: training.get_release(s, release_id=release_id))
        if row is None or not row.model_path or not row.folder:
            raise ValueError(f"release {release_id} has no trained model")
        # Held out means never trained on by either model: the repo's own model (nlu/tools/gen_nlu.py leaves the
        # seed's held-out questions out of nlu/data) as much as every release (storage.training.training_set).
        held = await self.store.run(training.holdout)
        gate, passed = await self._gate(Path(row.folder), Path(row.model_path), held, list(row.changed_topics))
        await self._update(release_id, state="ready" if passed else "failed", gate=gate, gate_passed=passed,
                           error=None if passed else "; ".join(
                               line for line in gate["summary"] if "tidak lulus" in line),
                           finished_at=utcnow())
        return passed

    async def _gate(self, folder: Path, model: Path, holdout: dict[str, list[str]],
                    changed_topics: list[str]) -> tuple[dict[str, Any], bool]:
        live_url = self.live_url_of()
        if not live_url:
            raise RuntimeError("tidak ada server Rasa yang melayani untuk dibandingkan")
        candidate = RasaServer(venv=self.settings.rasa_venv, project=folder, work_dir=folder / "rasa", model=model)
        await asyncio.to_thread(candidate.start)
        try:
            faq = await run_faq_gate(live_url, candidate.url, holdout)
            triage = await run_gate(live_url, candidate.url)
            rows = await asyncio.to_thread(read_labelled, folder)
            reviewed = await run_reviewed_gate(live_url, candidate.url, rows)
            recent = await self.store.run(lambda s: training.recent_citizen_texts(s, limit=RECENT_MESSAGES))
            texts = [t for _, t in recent]
            new_parses, live_parses = await asyncio.gather(parse_all(candidate.url, texts),
                                                           parse_all(live_url, texts))
        finally:
            await asyncio.to_thread(candidate.stop)
        matches = []
        for (mid, _), new, old in zip(recent, new_parses, live_parses, strict=True):
            key = faq_key_of(new)
            if key in changed_topics:
                matches.append({"id": mid, "topic": key, "new": faq_key_of(old) != key})
        gate = {"faq": {k: list(v) for k, v in faq.topics.items()}, "faq_live": faq.live, "faq_new": faq.new,
                "faq_total": faq.total, "faq_worse": faq.worse_topics(), "faq_passed": faq.passed,
                "triage": {"emergencies_live": triage.emergencies_live, "emergencies_new": triage.emergencies_new,
                           "lost": list(triage.lost), "holdout_live": triage.holdout_live,
                           "holdout_new": triage.holdout_new, "messages": triage.messages},
                "triage_passed": triage.passed, "summary": [faq.summary(), triage.summary()],
                "reviewed": {"messages": reviewed.messages, "urgency_live": reviewed.urgency_live,
                             "urgency_new": reviewed.urgency_new, "summary": reviewed.summary()},
                "matches": matches, "parsed_recent": len(texts)}
        return gate, faq.passed and triage.passed

    # ------------------------------------------------------------------------------------------- ship
    async def make_live(self, editor: Staff, release_id: int) -> None:
        """Start the blue-green swap to a ready release whose gate passed; ``ReleaseRefused`` otherwise."""
        row = await self.store.run(lambda s: training.get_release(s, release_id=release_id))
        if row is None:
            raise ReleaseRefused("Rilis tidak ada.")
        if row.state != "ready" or not row.gate_passed or not row.model_path:
            raise ReleaseRefused("Rilis ini tidak bisa dijalankan: hanya rilis yang siap dan lulus gerbang.")
        switch = self.switch_of()
        if switch is None:
            raise ReleaseRefused("Rasa dijalankan di luar aplikasi ini: model tidak bisa diganti dari sini.")
        if switch.busy or (self.swap is not None and not self.swap.done()):
            raise ReleaseRefused("Penggantian model lain sedang berjalan.")
        model = Path(row.model_path)
        self.changed.clear()

        async def run() -> None:
            try:
                # The gate ran on this very file when it was prepared; the swap still checks the probe parses.
                report = await switch.deploy(model, gated=False)
                await self.store.run(lambda s: training.mark_live(s, editor=editor, release_id=release_id))
                self.last_swap = f"rilis #{release_id} melayani ({report.probes_passed} uji parse lulus)"
            except SwapRefused as exc:
                self.last_swap = f"rilis #{release_id} ditolak: {exc}"
            finally:
                self.changed.set()

        self.swap = asyncio.create_task(run())

    async def rollback(self, editor: Staff) -> None:
        """Serve the model before the live release again (blue-green); ``ReleaseRefused`` if there is none."""
        switch = self.switch_of()
        live = await self.store.run(training.live_release)
        if switch is None or live is None or switch.previous_model is None:
            raise ReleaseRefused("Tidak ada model sebelumnya untuk dikembalikan.")
        if switch.busy or (self.swap is not None and not self.swap.done()):
            raise ReleaseRefused("Penggantian model lain sedang berjalan.")
        self.changed.clear()

        async def run() -> None:
            try:
                report = await switch.rollback()
                await self.store.run(lambda s: training.mark_rolled_back(s, editor=editor, release_id=live.id))
                self.last_swap = f"dikembalikan: {report.model} melayani"
            except SwapRefused as exc:
                self.last_swap = f"pengembalian ditolak: {exc}"
            finally:
                self.changed.set()

        self.swap = asyncio.create_task(run())

    async def stop(self) -> None:
        """Cancel a training or swap still running (app shutdown): the child process is killed."""
        for task in (self.task, self.swap):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task


def _answers(session: Session, keys: list[str]) -> dict[str, str]:
    """The Indonesian answers of new topics (the text the ResponseSelector matches questions against)."""
    out = {}
    for key in keys:
        row = content.latest(session, kind="faq", key=key, lang="id")
        if row is not None and row.body:
            out[key] = row.body
    return out
