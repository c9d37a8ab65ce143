"""Train one release's Rasa model in a child process (``rasa train`` from the project's Python 3.10 env), never
in the serving Rasa and never on the event loop: the app only reads the child's output as it comes.

One training at a time per machine: the child runs only while this process holds an exclusive ``flock`` on the
lock file (the same lock ``flock(1)`` takes, so shell trainings on the machine take turns with it). Progress is
read from Rasa's own output: which component it trains ("Starting to train component 'DIETClassifier'") and the
epoch bar of the two neural components ("Epochs:  40%|...").
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from hotline.services import rasa_pythonpath

# Share of the whole run each component's training spans (the neural ones take nearly all the time).
STAGES: dict[str, tuple[float, float]] = {
    "WhitespaceTokenizer": (0.02, 0.02), "RegexFeaturizer": (0.03, 0.03), "LexicalSyntacticFeaturizer": (0.04, 0.04),
    "CountVectorsFeaturizer": (0.06, 0.06), "CappedCountVectorsFeaturizer": (0.06, 0.06),
    "DIETClassifier": (0.08, 0.70), "LeanDIETClassifier": (0.08, 0.70), "EntitySynonymMapper": (0.70, 0.70),
    "ResponseSelector": (0.71, 0.93), "LeanResponseSelector": (0.71, 0.93),
    "MemoizationPolicy": (0.94, 0.94), "RulePolicy": (0.96, 0.96),
}
_COMPONENT = re.compile(r"Starting to train component '(\w+)'")
_EPOCHS = re.compile(r"Epochs:\s+(\d{1,3})%")
LOG_TAIL_LINES = 40


class TrainingFailed(Exception):
    """``rasa train`` exited with an error (its log says why)."""


@dataclass
class Progress:
    """Where a training is, from Rasa's output lines."""

    value: float = 0.0
    component: str | None = None

    def feed(self, line: str) -> bool:
        """Read one output line; True if the progress moved."""
        before = self.value
        if m := _COMPONENT.search(line):
            self.component = m.group(1)
            self.value = max(self.value, STAGES.get(self.component, (self.value, self.value))[0])
        elif (m := _EPOCHS.search(line)) and self.component in STAGES:
            lo, hi = STAGES[self.component]
            self.value = max(self.value, lo + (hi - lo) * min(int(m.group(1)), 100) / 100)
        return self.value > before


def train_command(rasa: Path, *, name: str, finetune: Path | None, epoch_fraction: float) -> list[str]:
    """The ``rasa train`` command line run inside the release folder."""
    cmd = [str(rasa), "train", "--fixed-model-name", name, "--out", "models", "--num-threads", "2"]
    if finetune is not None:
        cmd += ["--finetune", str(finetune), "--epoch-fraction", str(epoch_fraction)]
    return cmd


async def hold_lock(path: Path, *, on_wait: Callable[[], Awaitable[None]] | None = None,
                    poll_s: float = 1.0) -> int:
    """An fd holding an exclusive flock on ``path`` (close it to release); waits without blocking the loop."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    told = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if not told and on_wait is not None:
                    await on_wait()
                    told = True
                await asyncio.sleep(poll_s)
    except BaseException:
        os.close(fd)
        raise


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a training log, progress bars collapsed to their last state."""
    if not path.exists():
        return ""
    with path.open("rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - 64_000))
        raw = f.read().decode("utf-8", "replace")
    # splitlines() would split at the bars' carriage returns too; a bar's last state is after its last one.
    out = [ln.rstrip("\r").split("\r")[-1] for ln in raw.split("\n")]
    out = [ln for ln in out if ln.strip()]
    return "\n".join(out[-lines:])


async def run_training(folder: Path, cmd: list[str], *, lock: Path,
                       on_progress: Callable[[float], Awaitable[None]],
                       on_start: Callable[[], Awaitable[None]] | None = None,
                       on_wait: Callable[[], Awaitable[None]] | None = None) -> tuple[Path, float]:
    """Run ``cmd`` in ``folder`` under the machine's training lock; (model file, seconds of training).

    Output goes to ``folder/train.log``; ``on_progress`` is called (at most every 2 s) as it moves. The child is
    niced (the live Rasa and the app keep the CPU they need) and killed if this task is cancelled.
    """
    fd = await hold_lock(lock, on_wait=on_wait)
    try:
        if on_start is not None:
            await on_start()
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3",
                   PYTHONPATH=rasa_pythonpath(),
                   # Components cached across releases (featurisers of unchanged data are not recomputed).
                   RASA_CACHE_DIRECTORY=str(folder.parent / ".rasa-cache"))
        log_path = folder / "train.log"
        t0 = time.monotonic()
        with log_path.open("wb") as log:
            proc = await asyncio.create_subprocess_exec(
                "nice", "-n", "10", *cmd, cwd=folder, env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, start_new_session=True)
            progress = Progress()
            last_report = 0.0
            assert proc.stdout is not None
            try:
                buffer = b""
                while chunk := await proc.stdout.read(4096):
                    log.write(chunk)
                    log.flush()
                    buffer += chunk
                    *lines, buffer = re.split(rb"[\r\n]", buffer)
                    moved = any([progress.feed(ln.decode("utf-8", "replace")) for ln in lines])
                    if moved and time.monotonic() - last_report > 2:
                        last_report = time.monotonic()
                        await on_progress(round(progress.value, 3))
                code = await proc.wait()
            except BaseException:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, 9)
                raise
        seconds = time.monotonic() - t0
        if code != 0:
            raise TrainingFailed(f"rasa train exited with {code}")
        models = sorted((folder / "models").glob("*.tar.gz"))
        if not models:
            raise TrainingFailed("rasa train wrote no model")
        return models[-1], seconds
    finally:
        os.close(fd)
