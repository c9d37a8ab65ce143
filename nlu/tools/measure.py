"""Measure triage on labelled files offline, beside a keyword bot, with Rasa's parses cached.

usage: .venv/bin/python nlu/tools/measure.py FILE.jsonl [FILE.jsonl ...] [--rasa=start|URL|none] [--errors]
       [--sources]

For each file prints the shared scorer's metrics (emergency recall, false emergencies, urgency, category,
victim, non-report) for the hotline and, on the same messages, a keyword bot of the RapidPro kind (a danger
word opens a case; a danger word AND a now-word pages). ``--rasa=start`` (the default) starts a local Rasa
server from nlu/models; ``--rasa=none`` measures the rules and the statistical heads alone.

Rasa's answers are cached in ``var/parse_cache/`` keyed by the model's hash and a SHA-256 of the text (the text
itself is not stored), so a change to the rules is re-measured in seconds. ``--errors`` prints the ids of the
wrong verdicts with their danger cues (never the texts: the shared real files must not be copied anywhere);
``--sources`` counts the wrong verdicts by the component that raised them (``TriageResult.raised_by``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from handlers.safety import VIOLENCE, normalise  # noqa: E402
from handlers.triage import triage  # noqa: E402

CACHE = ROOT / "var" / "parse_cache"
SCORER = ROOT.parent / "shared" / "triage" / "score.py"

# The keyword bot: danger words and now-words of the kind a RapidPro flow matches on.
_KW_DANGER = re.compile(r"\b(?:" + VIOLENCE + r"|bunuh\w*|mati|perkosa\w*|diperkosa|dilecehkan|pelecehan|"
                        r"kekerasan|kdrt|ancam\w*|diancam|culik\w*|diculik|dijual|cabul|siksa\w*|disiksa)\b")
_KW_NOW = re.compile(r"\b(?:sekarang|skrg|lagi|sedang|tolong|darurat|segera|cepat|malam ini|tadi)\b")


def keyword_bot(text: str) -> str:
    """Urgency as a keyword bot would decide it: emergency, high (a case) or none."""
    norm = normalise(text)
    if not _KW_DANGER.search(norm):
        return "none"
    return "emergency" if _KW_NOW.search(norm) else "high"


def _model_hash(mode: str = "start") -> str:
    """The cache's name: the repo model's training hash, or the id of the model a given server serves."""
    if mode.startswith("http"):
        import httpx

        return "served-" + str(httpx.get(f"{mode}/status", timeout=30).json()["model_id"])
    h = ROOT / "nlu" / "models" / ".hash"
    return h.read_text().strip() if h.exists() else "none"


async def _parses(texts: list[str], url: Callable[[], str] | None,
                  cache_name: str | None = None) -> list[dict[str, Any] | None]:
    """Rasa's parse of each text, from the cache or from the server ``url()`` starts on first need."""
    if url is None:
        return [None] * len(texts)
    from core.rasa_client import RasaClient

    CACHE.mkdir(parents=True, exist_ok=True)
    cache_file = CACHE / f"{cache_name or _model_hash()}.jsonl"
    cache: dict[str, Any] = {}
    if cache_file.exists():
        for line in cache_file.read_text(encoding="utf-8").splitlines():
            k, v = json.loads(line)
            cache[k] = v
    out: list[dict[str, Any] | None] = []
    client: RasaClient | None = None
    with cache_file.open("a", encoding="utf-8") as f:
        for text in texts:
            key = hashlib.sha256(text[:1000].encode()).hexdigest()
            if key not in cache:
                if client is None:
                    client = RasaClient(url(), timeout=30.0)
                parse = await client.parse(text[:1000])
                parse = {k: v for k, v in parse.items() if k != "text"}
                cache[key] = parse
                f.write(json.dumps([key, parse], ensure_ascii=False) + "\n")
            out.append(cache[key])
    if client is not None:
        await client.aclose()
    return out


def _score(labels_path: Path, preds: list[dict[str, Any]]) -> dict[str, float]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("triage_score", SCORER)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    labels = {r["id"]: r for r in map(json.loads, labels_path.read_text(encoding="utf-8").splitlines()) if r}
    m, _ = mod.score(labels, {p["id"]: p for p in preds})
    return dict(m)


def _sources(rows: list[dict[str, Any]], preds: list[dict[str, Any]]) -> None:
    """Which component raised each wrong verdict: counts by urgency and source, cue id and Rasa intent."""
    from collections import Counter

    labels = {r["id"]: r for r in rows}
    wrong = [p for p in preds if p["urgency"] not in labels[p["id"]]["urgency"]]
    by_source = Counter((p["urgency"] if p["urgency"] == "emergency" else "report",
                         f"{p['raised_by']}{' (asks first)' if p['uncertain'] else ''}") for p in wrong)
    for (urg, src), n in by_source.most_common():
        print(f"  source {urg:9s} {src:32s} {n}")
    cues = Counter(c for p in wrong for c in p["cues"])
    print("  cues: " + ", ".join(f"{c} {n}" for c, n in cues.most_common()))
    intents = Counter(p["intent"] for p in wrong if p["raised_by"] == "rasa")
    print("  rasa-only intents: " + ", ".join(f"{i} {n}" for i, n in intents.most_common()))


def measure(path: Path, url: Callable[[], str] | None, errors: bool, opts: dict[str, str] | None = None) -> None:
    """Print the hotline's and the keyword bot's figures on one labelled file."""
    opts = opts or {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    parses = asyncio.run(_parses([r["text"] for r in rows], url, opts.get("cache")))
    preds, kw = [], []
    for row, parse in zip(rows, parses, strict=True):
        res = triage(row["text"], parse)
        preds.append({"id": row["id"], "urgency": res.urgency, "category": res.category, "victim": res.victim,
                      "cues": res.danger_cues, "intent": res.intent, "conf": res.confidence,
                      "raised_by": res.raised_by, "uncertain": res.uncertain_report})
        k = keyword_bot(row["text"])
        kw.append({"id": row["id"], "urgency": k, "category": "other" if k != "none" else "none",
                   "victim": "unknown"})
    m, mk = _score(path, preds), _score(path, kw)
    any_report = sum(p["urgency"] != "none" for p in preds) / len(preds)
    kw_report = sum(p["urgency"] != "none" for p in kw) / len(kw)
    print(f"{path.name} (n={len(rows)}, rasa={'yes' if url else 'no'})")
    for name, val in m.items():
        ref = mk.get(name)
        print(f"  {name:22s} {val:.3f}   keyword bot {ref:.3f}" if isinstance(val, float) else f"  {name} {val}")
    print(f"  {'any_report':22s} {any_report:.3f}   keyword bot {kw_report:.3f}")
    asks = sum(p["uncertain"] for p in preds) / len(preds)
    print(f"  {'case_opened':22s} {any_report - asks:.3f}   (any report less the {asks:.3f} asked first)")
    if "sources" in opts:
        _sources(rows, preds)
    if errors:
        labels = {r["id"]: r for r in rows}
        for p in preds:
            want = labels[p["id"]]["urgency"]
            if p["urgency"] not in want:
                print(f"  wrong {p['id']}: {p['urgency']} (want {'/'.join(want)}) cues={p['cues']} "
                      f"by={p['raised_by']}{'?' if p['uncertain'] else ''} "
                      f"intent={p['intent']} conf={p['conf'] and round(p['conf'], 2)}")


def main(argv: list[str]) -> int:
    """Command line."""
    files = [Path(a) for a in argv if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "1") for a in argv if a.startswith("--"))
    mode = opts.get("rasa", "start")
    servers: list[Any] = []

    def start() -> str:
        if mode != "start":
            return mode
        if not servers:
            from core.settings import Settings
            from hotline.services import RasaServer

            s = Settings()
            servers.append(RasaServer(venv=s.rasa_venv, project=s.rasa_project, work_dir=s.var_dir / "rasa").start())
        return str(servers[0].url)

    url = None if mode == "none" else start
    if url is not None:
        # A server given by URL may serve any model: its answers are cached under that model's id.
        opts["cache"] = _model_hash(mode)
    try:
        for f in files:
            measure(f, url, "errors" in opts, opts)
    finally:
        for server in servers:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
