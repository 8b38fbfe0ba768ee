"""Run every benchmark (`make benchmarks`) and end with one summary table.

Runs, each as its own process with its output shown as it comes: the speed benchmarks
(``cold_start.py``, ``warm_analyze.py``, ``inference_throughput.py``), then every
``benchmarks/*_benchmark.py`` script (cues, pairing, disclosure detection, training, ...).
Scripts that accept ``--json FILE`` write their headline figures there; the summary shows
the speed targets with PASS/FAIL and a few headline figures of the others.

Run: ``.venv/bin/python benchmarks/run_all.py [--model DIR] [--only a,b] [--skip a,b]
[--quick]``. ``--quick`` runs fewer repetitions of the speed benchmarks and skips the slow
ones (generalisation, training). Names are script names without ``.py``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO_DIR, VENV_BIN, load_average, machine_line, print_table

BENCH_DIR = Path(__file__).resolve().parent
SPEED = ("cold_start", "warm_analyze", "inference_throughput")
SLOW = ("generalisation_benchmark", "training_benchmark")  # minutes each; left out by --quick
QUICK_ARGS = {"cold_start": ["--runs", "3"], "warm_analyze": ["--n", "100"], "inference_throughput": ["--n", "500", "--repeats", "1"]}


def discover() -> list[str]:
    """The speed benchmarks, then the other ``*_benchmark.py`` scripts in name order."""
    others = sorted(p.stem for p in BENCH_DIR.glob("*_benchmark.py"))
    return list(SPEED) + [name for name in others if name not in SPEED]


def accepts(name: str, option: str) -> bool:
    """Whether a script takes ``option`` (its source names it, or uses ``add_common_args``); no import."""
    source = (BENCH_DIR / f"{name}.py").read_text(encoding="utf-8")
    common = option in ("--json", "--model") and "add_common_args(parser)" in source
    return common or f'add_argument("{option}"' in source


def run_one(name: str, model: Path | None, quick: bool, json_path: Path, timeout: float | None) -> tuple[int, float]:
    """Run one script with output passed through; return (exit code, seconds)."""
    cmd = [str(VENV_BIN / "python"), str(BENCH_DIR / f"{name}.py")]
    if accepts(name, "--json"):
        cmd += ["--json", str(json_path)]
    if model is not None and accepts(name, "--model"):
        cmd += ["--model", str(model)]
    if quick:
        cmd += QUICK_ARGS.get(name, [])
    print(f"\n{'=' * 100}\n$ {' '.join(cmd[1:]).replace(str(REPO_DIR) + '/', '')}\n{'=' * 100}", flush=True)
    start = time.perf_counter()
    try:
        code = subprocess.run(cmd, cwd=REPO_DIR, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        print(f"({name} stopped after {timeout:.0f} s)")
        code = 124
    return code, time.perf_counter() - start


def _flat(obj: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in obj.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[f"{prefix}{key}"] = value
    return out


def headline(name: str, figures: dict | None) -> list[list[str]]:
    """Summary rows (figure, value, target, verdict) for one script's JSON figures."""
    if not figures:
        return []
    yes = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    if name == "cold_start":
        return [
            ["check --json, new process, median", f"{figures['check_median_s']:.2f} s", "<= 3 s", yes(figures["pass_time"])],
            ["import spacy, new process, median", f"{figures['import_spacy_median_s']:.2f} s", "", ""],
            ["check / import spacy", f"{figures['ratio']:.2f}x", "<= 1.2x", yes(figures["pass_ratio"])],
            ["torch / transformers on check path", f"{figures['torch']} / {figures['transformers']}", "not imported",
             yes(figures["torch"] != "imported" and figures["transformers"] != "imported")],
        ]
    if name == "warm_analyze":
        many = figures["analyze_many_replies_per_s"]
        return [
            ["analyze() warm, median", f"{figures['median_ms']:.1f} ms", "<= 30 ms", yes(figures["pass"])],
            ["analyze() warm, p95", f"{figures['p95_ms']:.1f} ms", "", ""],
        ] + [[f"analyze_many batch {b}", f"{r:.1f} replies/s", "", ""] for b, r in many.items()]
    if name == "inference_throughput":
        return [
            [f"ONNX int8, batch {figures['batch_size']}", f"{figures['onnx_int8_pairs_per_s']:.1f} pairs/s", "", ""],
            [f"torch fp32, batch {figures['batch_size']}", f"{figures['torch_fp32_pairs_per_s']:.1f} pairs/s", "", ""],
            ["ONNX int8 / torch fp32", f"{figures['ratio']:.2f}x", ">= 1.0x", yes(figures["pass"])],
        ]
    flat = _flat(figures)
    return [[key, f"{value:.4g}", "", ""] for key, value in list(flat.items())[:6]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="model folder for scripts that take --model")
    parser.add_argument("--only", default="", help="comma-separated script names to run")
    parser.add_argument("--skip", default="", help="comma-separated script names to leave out")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions; skip the slow benchmarks")
    parser.add_argument("--timeout", type=float, default=None, help="seconds allowed per script")
    args = parser.parse_args(argv)

    names = discover()
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - set(names)
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have {', '.join(names)}")
        names = [n for n in names if n in wanted]
    skip = set(filter(None, args.skip.split(","))) | (set(SLOW) if args.quick else set())
    names = [n for n in names if n not in skip]

    print(machine_line())
    load_before = load_average()
    ran: list[tuple[str, int, float, dict | None]] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for name in names:
            json_path = Path(tmp) / f"{name}.json"
            code, seconds = run_one(name, args.model, args.quick, json_path, args.timeout)
            figures = json.loads(json_path.read_text(encoding="utf-8")) if json_path.is_file() else None
            ran.append((name, code, seconds, figures))

    print(f"\n{'=' * 100}\nSummary (load average before {load_before}, after {load_average()}; 1/5/15 min)\n")
    print_table(["script", "exit", "seconds"], [[n, str(c), f"{s:.0f}"] for n, c, s, _ in ran])
    rows = [[name] + row for name, _, _, figures in ran for row in headline(name, figures)]
    if rows:
        print()
        print_table(["script", "figure", "value", "target", "verdict"], rows)
    failed = [n for n, c, _, _ in ran if c != 0]
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
