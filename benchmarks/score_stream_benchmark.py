"""Throughput and peak memory of `score` on a generated 1,000,000-message WhatsApp export.

    .venv/bin/python benchmarks/score_stream_benchmark.py [--messages N] [--pairs-only] [--json FILE]

Writes a synthetic Android export (made-up small talk between three people, ~1% of turns
an emotional disclosure followed by a reply; media, deleted, multi-line and system lines
mixed in) into a temporary folder, then scores it in a child process:
* ``pairs-only``: read + group turns + detect disclosures + pair (no reply classifier);
* ``full``: ``score_inputs`` with the shipped model, writing JSONL rows and an HTML report.
The child records its peak RSS (``ru_maxrss``) at every 10% of the file read, which shows
whether memory stays flat. Results go to ``benchmarks/results/score_stream.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks._common import machine_line, print_table  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "score_stream.json"
PEOPLE = ("Alex", "Sam", "Jo")
NNBSP = "\u202f"

SMALL_TALK = [
    "did you see the {thing}?", "running {n} min late", "ok sounds good", "haha yes", "lol", "what time {day}?",
    "can you grab {food} on the way", "just got home", "omw", "{day} works for me", "the {thing} was great",
    "I'm at the {place}, want anything?", "👍", "see you at {n}", "did you book the {thing}?", "send me the link",
    "that {thing} was so funny", "I love this {thing}", "I could cry 😂 the {thing} is back", "morning!",
    "how was the {thing}?", "not bad, busy day", "ugh the {place} was packed", "bring {food} pls",
]
DISCLOSURES = [
    "I've been feeling really low since {event}. I don't know who else to tell",
    "honestly I'm not ok. {event} and I can't stop crying",
    "I'm so anxious about {worry}, I haven't slept properly in days",
    "my {person} said I'm a disappointment and it really hurt",
    "I feel so alone since {event}",
    "I got some bad news today. {event}. I'm scared",
]
REPLIES = [
    "that sounds really hard. I'm sorry. want to talk about it?",
    "you should just {advice}, honestly",
    "at least it's not worse, you'll be fine",
    "omg same thing happened to me last year, I was a mess for months",
    "I'm here. that makes so much sense. how are you feeling now?",
    "have you tried {advice}?",
]
FILL = {
    "thing": ["game", "movie", "concert", "show", "match", "tickets", "party", "recipe"],
    "n": ["5", "10", "15", "7", "8"],
    "day": ["saturday", "sunday", "tomorrow", "friday"],
    "food": ["milk", "bread", "snacks", "coffee", "pizza"],
    "place": ["gym", "shop", "station", "office", "market"],
    "event": ["the breakup", "I lost my job", "grandma died", "the move", "my dad got sick", "the miscarriage"],
    "worry": ["the exam", "the surgery", "money", "the interview", "the custody hearing"],
    "person": ["dad", "mum", "boss", "sister"],
    "advice": ["talk to your manager", "go for a run", "get some sleep", "see a therapist", "quit"],
}


def _fill(rng: random.Random, template: str) -> str:
    return template.format(**{k: rng.choice(v) for k, v in FILL.items()})


def _header(t: datetime) -> str:
    return f"{t.month}/{t.day}/{t:%y}, {t.hour % 12 or 12}:{t:%M}{NNBSP}{'AM' if t.hour < 12 else 'PM'} -"


def generate(path: Path, messages: int, seed: int = 0) -> dict:
    """Write a synthetic export with ``messages`` messages; returns counts."""
    rng = random.Random(seed)
    t = datetime(2019, 1, 1, 9, 0)
    written = disclosures = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as fh:
        fh.write(f"{_header(t)} Messages and calls are end-to-end encrypted. Tap to learn more.\n")
        while written < messages:
            t += timedelta(minutes=rng.randint(20, 600))
            a, b = rng.sample(PEOPLE, 2)
            if rng.random() < 0.03:
                disclosures += 1
                lines = [(a, _fill(rng, rng.choice(DISCLOSURES)))]
                lines.append((b, _fill(rng, rng.choice(REPLIES))))
                lines.append((a, rng.choice(["thanks", "yeah", "ok", "I guess", "that helps, thank you"])))
            else:
                lines = [(rng.choice((a, b)), _fill(rng, rng.choice(SMALL_TALK))) for _ in range(rng.randint(2, 12))]
            for sender, text in lines:
                t += timedelta(minutes=rng.randint(0, 4))
                roll = rng.random()
                if roll < 0.02:
                    text = "<Media omitted>"
                elif roll < 0.025:
                    text = "This message was deleted"
                elif roll < 0.07:
                    text += "\n" + _fill(rng, rng.choice(SMALL_TALK))
                fh.write(f"{_header(t)} {sender}: {text}\n")
                written += 1
                if written >= messages:
                    break
            if rng.random() < 0.001:
                fh.write(f"{_header(t)} {a} changed the group description\n")
    return {"messages": written, "disclosure_episodes": disclosures, "bytes": path.stat().st_size}


def child(path: Path, mode: str, out_dir: Path) -> None:
    """Run one measurement in this (fresh) process and print its JSON result."""
    from analyzer.chats import iter_chat
    from analyzer.disclosure import default_detector
    from analyzer.pairing import PairingConfig, iter_pairs
    from analyzer.scoring.run import LazyAnalyzer, score_inputs

    size = path.stat().st_size
    checkpoints: list[dict] = []
    state = {"read": 0, "next": 0.0}
    started = time.perf_counter()

    def progress(n: int) -> None:
        state["read"] += n
        if state["read"] >= state["next"] * size:
            checkpoints.append({"read_share": round(state["read"] / size, 3),
                                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                                "seconds": round(time.perf_counter() - started, 1)})
            state["next"] += 0.1

    if mode == "pairs-only":
        pairs = sum(1 for _ in iter_pairs(iter_chat(path, "whatsapp", progress), default_detector(), PairingConfig()))
        summary = {"rows": pairs}
    else:
        from analyzer.analysis import Analyzer

        summary = score_inputs([path], LazyAnalyzer(Analyzer.load), output=out_dir / "pairs.jsonl",
                               report=out_dir / "report.html", progress=progress)
    elapsed = time.perf_counter() - started
    print(json.dumps({"mode": mode, "seconds": round(elapsed, 1), "rows": summary["rows"],
                      "messages": summary.get("messages"), "turns": summary.get("turns"),
                      "disclosures": summary.get("disclosures"),
                      "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "checkpoints": checkpoints}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--pairs-only", action="store_true", help="skip the full run with the reply classifier")
    parser.add_argument("--json", type=Path, default=RESULTS, dest="json_out", help=f"results file (default {RESULTS})")
    parser.add_argument("--child", nargs=3, metavar=("FILE", "MODE", "OUTDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child[0]), args.child[1], Path(args.child[2]))
        return 0
    print(machine_line())
    results: dict = {"machine": machine_line(), "date": datetime.now().isoformat(timespec="seconds")}
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "WhatsApp Chat with Alex.txt"
        started = time.perf_counter()
        results["input"] = generate(export, args.messages)
        results["input"]["generate_seconds"] = round(time.perf_counter() - started, 1)
        print(f"generated {results['input']['messages']:,} messages, {results['input']['bytes'] / 1e6:.1f} MB")
        modes = ["pairs-only"] if args.pairs_only else ["pairs-only", "full"]
        rows = []
        for mode in modes:
            out_dir = Path(tmp) / mode
            out_dir.mkdir()
            proc = subprocess.run([sys.executable, __file__, "--child", str(export), mode, str(out_dir)],
                                  capture_output=True, text=True, cwd=REPO)
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r["messages_per_second"] = round(results["input"]["messages"] / r["seconds"])
            r["mb_per_second"] = round(results["input"]["bytes"] / 1e6 / r["seconds"], 2)
            results[mode] = r
            rows.append([mode, f"{r['seconds']:.0f}", f"{r['messages_per_second']:,}", r["rows"], f"{r['max_rss_mb']:.0f}"])
            rss = [c["max_rss_mb"] for c in r["checkpoints"]]
            print(f"{mode}: peak RSS by share of file read: {rss}")
    print_table(["mode", "seconds", "messages/s", "rows", "peak RSS MB"], rows)
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
