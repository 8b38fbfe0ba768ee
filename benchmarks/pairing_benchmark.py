"""Pair precision / recall of disclosure detection + pairing on the labelled chat fixtures.

    .venv/bin/python benchmarks/pairing_benchmark.py [--errors] [--json FILE] [--check]

Every fixture listed in ``tests/fixtures/chats/manifest.json`` is read with its reader,
grouped into turns, scored by the shipped disclosure detector and paired
(``analyzer.pairing``). A predicted pair is correct when its disclosure turn has a line
starting with the gold disclosure anchor and its reply turn a line starting with the gold
reply anchor (one-to-one). ``--check`` exits 1 below recall 0.90 or precision 0.80 (all
fixtures). Figures are given for all fixtures, for the development fixtures (looked at while
the detector was built) and for the held-out ones (written after it was final).
No classifier is involved: this measures finding the pairs, not labelling them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzer.chats import iter_chat  # noqa: E402
from analyzer.disclosure import DisclosureDetector  # noqa: E402
from analyzer.pairing import Pair, PairingConfig, iter_pairs  # noqa: E402
from benchmarks._common import machine_line, print_table, write_json  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "chats"
MIN_RECALL, MIN_PRECISION = 0.90, 0.80


def _has_line(text: str, anchor: str) -> bool:
    return any(line.strip().startswith(anchor.strip()) for line in text.split("\n"))


def match(pred: list[Pair], gold: list[dict]) -> tuple[list[Pair], list[Pair], list[dict]]:
    """(correct predictions, false positives, missed gold pairs)."""
    free = list(gold)
    hits, false_pos = [], []
    for pair in pred:
        found = next(
            (g for g in free if pair.disclosure is not None and _has_line(pair.disclosure.text, g["disclosure"])
             and _has_line(pair.reply.text, g["reply"])),
            None,
        )
        if found is None:
            false_pos.append(pair)
        else:
            free.remove(found)
            hits.append(pair)
    return hits, false_pos, free


def _prf(rows: list[dict]) -> dict:
    tp = sum(r["correct"] for r in rows)
    fp = sum(r["predicted"] - r["correct"] for r in rows)
    fn = sum(r["gold"] - r["correct"] for r in rows)
    return {"fixtures": len(rows), "gold_pairs": tp + fn, "predicted_pairs": tp + fp, "correct": tp,
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0, "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0}


def run(detector: DisclosureDetector, config: PairingConfig = PairingConfig(), heldout: bool | None = None) -> dict:
    """Counts overall, per subset and per fixture; ``errors`` lists every miss and false pair.

    ``heldout``: None for all fixtures, True/False for only the held-out / development ones.
    """
    manifest = json.loads((FIXTURES / "manifest.json").read_text("utf-8"))["fixtures"]
    if heldout is not None:
        manifest = [m for m in manifest if bool(m.get("heldout")) == heldout]
    rows, errors = [], []
    for item in manifest:
        gold = json.loads((FIXTURES / item["pairs"]).read_text("utf-8"))["pairs"]
        pred = list(iter_pairs(iter_chat(FIXTURES / item["input"]), detector, config))
        hits, false_pos, missed = match(pred, gold)
        rows.append({"fixture": item["name"], "format": item["format"], "heldout": bool(item.get("heldout")),
                     "gold": len(gold), "predicted": len(pred), "correct": len(hits)})
        errors += [{"fixture": item["name"], "kind": "false pair", "disclosure": p.disclosure.text if p.disclosure else None,
                    "reply": p.reply.text} for p in false_pos]
        errors += [{"fixture": item["name"], "kind": "missed", **g} for g in missed]
    return {**_prf(rows), "development": _prf([r for r in rows if not r["heldout"]]),
            "heldout": _prf([r for r in rows if r["heldout"]]), "per_fixture": rows, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="print every missed and false pair")
    parser.add_argument("--check", action="store_true", help=f"exit 1 below recall {MIN_RECALL} or precision {MIN_PRECISION}")
    parser.add_argument("--json", type=Path, default=None, dest="json_out", help="also write the headline figures here")
    args = parser.parse_args(argv)
    print(machine_line())
    started = time.perf_counter()
    result = run(DisclosureDetector.load())
    print_table(["fixture", "format", "held out", "gold", "predicted", "correct"],
                [[r["fixture"], r["format"], "yes" if r["heldout"] else "", r["gold"], r["predicted"], r["correct"]]
                 for r in result["per_fixture"]])
    print()
    for name, m in (("all", result), ("development", result["development"]), ("held out", result["heldout"])):
        print(f"{name:12} {m['fixtures']:2d} fixtures, {m['gold_pairs']:3d} gold pairs: precision {m['precision']:.3f}, "
              f"recall {m['recall']:.3f}")
    print(f"({time.perf_counter() - started:.1f} s)")
    if args.errors:
        for e in result["errors"]:
            d = (e.get("disclosure") or "")[:90].replace("\n", " / ")
            r = (e.get("reply") or "")[:70].replace("\n", " / ")
            print(f"  [{e['fixture']}] {e['kind']}: {d!r} -> {r!r}")
    write_json(args.json_out, {k: v for k, v in result.items() if k != "errors"})
    if args.check and (result["recall"] < MIN_RECALL or result["precision"] < MIN_PRECISION):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
