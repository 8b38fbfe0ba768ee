"""Cold start of `reply-analyzer check --json`: a new process analysing one reply.

Measures, on this machine:

1. the wall time of the console script ``.venv/bin/reply-analyzer check --json --to D R``
   (median over ``--runs`` new processes) against ``python -c "import spacy"`` in the same
   venv, interleaved so background load hits both alike; targets: median <= 3 s and
   <= 1.2x ``import spacy``. ``python -c pass`` and ``import spacy`` with torch blocked
   are printed as references (the interpreter floor and what spaCy itself costs);
2. where the time goes inside the process (imports, model load, spaCy load, analysis);
3. ``python -X importtime`` of the real check path summarised per top-level package, and
   which heavy packages ended up in ``sys.modules`` (torch and transformers must not:
   ``analyzer.cli`` blocks torch for check/score on purpose).

Run: ``.venv/bin/python benchmarks/cold_start.py [--runs 7] [--model DIR] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from _common import REPO_DIR, VENV_BIN, add_common_args, machine_line, median, model_dir_or_exit, print_table, write_json

DISCLOSURE = "my boss tore my report apart in front of everyone, I feel like an idiot"
REPLY = "ugh that sucks. just tell him he's wrong and ask HR to sit in next time"
JSON_KEYS = {"label", "scores", "sentences", "cues", "suggestion"}
HEAVY = ("torch", "transformers", "datasets", "sklearn", "scipy", "pandas", "onnxruntime", "spacy", "thinc", "rich")
TARGET_S, TARGET_RATIO = 3.0, 1.2

# Runs the real console script in-process (so -X importtime sees its imports) and reports,
# at exit, which heavy packages are in sys.modules and whether torch was blocked (None).
_MODULES_PROBE = """
import atexit, json, runpy, sys
def _report():
    state = {}
    for name in __HEAVY__:
        if name not in sys.modules:
            state[name] = "absent"
        elif sys.modules[name] is None:
            state[name] = "blocked"
        else:
            state[name] = "imported"
    state["_modules"] = len(sys.modules)
    print("BENCH-MODULES " + json.dumps(state), file=sys.stderr, flush=True)
atexit.register(_report)
sys.argv = __ARGV__
runpy.run_path(sys.argv[0], run_name="__main__")
"""

# Times the phases of the check path in one process, mirroring analyzer.cli.main +
# commands.check: import the CLI, block torch, import the analyzer, load, analyse, print.
_PHASES_PROBE = """
import time, sys
t = [time.perf_counter()]
import analyzer.cli as cli
t.append(time.perf_counter())
if hasattr(cli, "_skip_torch_import"):
    cli._skip_torch_import(["reply-analyzer", "check"])
else:
    sys.modules.setdefault("torch", None)
from analyzer.analysis import Analyzer
from analyzer.cues import CueExtractor
from analyzer.model import ReplyClassifier
from analyzer.nlp import load_nlp
t.append(time.perf_counter())
import onnxruntime, tokenizers
t.append(time.perf_counter())
clf = ReplyClassifier.load(__MODEL__)
t.append(time.perf_counter())
nlp = load_nlp()
t.append(time.perf_counter())
cues = CueExtractor.load(nlp)
t.append(time.perf_counter())
res = Analyzer(clf, cues, nlp).analyze(__REPLY__, disclosure=__DISCLOSURE__)
t.append(time.perf_counter())
import json
json.dumps(res.to_dict(), indent=2, ensure_ascii=False)
t.append(time.perf_counter())
print("BENCH-PHASES " + json.dumps([b - a for a, b in zip(t, t[1:])]))
"""
PHASE_NAMES = (
    "import analyzer.cli (typer, all commands)",
    "import analyzer.analysis (spaCy, numpy, cues)",
    "import onnxruntime + tokenizers",
    "ReplyClassifier.load (ONNX session, tokenizer)",
    "load_nlp (spaCy pipeline, no NER)",
    "CueExtractor.load (patterns, matchers)",
    "first analyze()",
    "to_dict + JSON",
)
REST = "rest: interpreter start-up + shutdown"


def timed_run(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall time and CPU time (user + sys, all threads) of one new process running ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_DIR)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def check_command(model: Path | None) -> list[str]:
    cmd = [str(VENV_BIN / "reply-analyzer"), "check", "--json", "--to", DISCLOSURE]
    if model is not None:
        cmd += ["--model", str(model)]
    return cmd + [REPLY]


def validate_check_output(proc: subprocess.CompletedProcess) -> None:
    """Exit with the CLI's own error if `check` failed or printed something other than the JSON contract."""
    if proc.returncode != 0:
        sys.exit(f"error: `reply-analyzer check` exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    try:
        obj = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"error: `reply-analyzer check --json` did not print JSON: {proc.stdout[:200]!r}")
    missing = JSON_KEYS - set(obj)
    if missing:
        sys.exit(f"error: `check --json` output lacks {sorted(missing)}")


def import_breakdown(model: Path | None, top: int) -> tuple[list[tuple[str, float]], float, dict]:
    """Run the check path under ``-X importtime``: per-package self time (ms), total (ms), module states."""
    argv = check_command(model)
    code = _MODULES_PROBE.replace("__HEAVY__", repr(HEAVY)).replace("__ARGV__", repr(argv))
    proc = subprocess.run(
        [str(VENV_BIN / "python"), "-X", "importtime", "-c", code], capture_output=True, text=True, cwd=REPO_DIR
    )
    per_package: dict[str, float] = {}
    states: dict = {}
    for line in proc.stderr.splitlines():
        if line.startswith("BENCH-MODULES "):
            states = json.loads(line.split(" ", 1)[1])
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        top_name = name.split(".")[0]
        per_package[top_name] = per_package.get(top_name, 0.0) + int(self_us) / 1000
    total = sum(per_package.values())
    ranked = sorted(per_package.items(), key=lambda kv: -kv[1])
    return ranked[:top], total, states


def phase_breakdown(model: Path, runs: int) -> list[float]:
    """Median seconds of each check-path phase over ``runs`` new processes, then the rest of
    the process's wall time (interpreter start-up and shutdown) as a last element."""
    code = (
        _PHASES_PROBE.replace("__MODEL__", repr(str(model)))
        .replace("__REPLY__", repr(REPLY))
        .replace("__DISCLOSURE__", repr(DISCLOSURE))
    )
    samples: list[list[float]] = []
    for _ in range(runs):
        wall, _, proc = timed_run([str(VENV_BIN / "python"), "-c", code])
        line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH-PHASES ")), None)
        if line is None:
            print(f"(phase probe failed: {proc.stderr.strip()[-300:]})")
            return []
        phases = json.loads(line.split(" ", 1)[1])
        samples.append(phases + [max(0.0, wall - sum(phases))])
    return [median([s[i] for s in samples]) for i in range(len(samples[0]))]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--runs", type=int, default=7, help="timed new processes per command (default 7)")
    parser.add_argument("--top", type=int, default=14, help="packages shown in the import breakdown")
    args = parser.parse_args(argv)
    model = model_dir_or_exit(args.model)
    python = str(VENV_BIN / "python")

    commands = {
        "reply-analyzer check --json": check_command(args.model),
        'python -c "import spacy"': [python, "-c", "import spacy"],
        "import spacy, torch blocked": [python, "-c", "import sys; sys.modules['torch'] = None; import spacy"],
        'python -c "pass"': [python, "-c", "pass"],
    }
    print(machine_line())
    print(f"model: {model}")
    print(f"check command: {' '.join(commands['reply-analyzer check --json'][:3])} --to ... <reply>")
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for name, cmd in commands.items():  # one untimed warm-up each (page cache, .pyc)
        _, _, proc = timed_run(cmd)
        if name.startswith("reply-analyzer"):
            validate_check_output(proc)
    for _ in range(args.runs):  # interleaved so background load affects every command alike
        for name, cmd in commands.items():
            seconds, cpu_seconds, proc = timed_run(cmd)
            if proc.returncode != 0:
                sys.exit(f"error: {name} exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
            times[name].append(seconds)
            cpu[name].append(cpu_seconds)

    check_s = median(times["reply-analyzer check --json"])
    spacy_s = median(times['python -c "import spacy"'])
    ratio = check_s / spacy_s
    print(f"\nWall time of a new process, {args.runs} runs each (after one warm-up):")
    print_table(
        ["command", "median s", "min s", "max s", "median CPU s"],
        [[name, f"{median(t):.3f}", f"{min(t):.3f}", f"{max(t):.3f}", f"{median(cpu[name]):.3f}"] for name, t in times.items()],
    )
    print("(CPU s = user + system time of the process, all threads; less sensitive to other load than wall time)")
    print(f"\ncheck median {check_s:.2f} s (target <= {TARGET_S:.1f} s: {'PASS' if check_s <= TARGET_S else 'FAIL'})")
    print(f"check / import spacy = {ratio:.2f}x (target <= {TARGET_RATIO}x: {'PASS' if ratio <= TARGET_RATIO else 'FAIL'})")
    cpu_ratio = median(cpu["reply-analyzer check --json"]) / median(cpu['python -c "import spacy"'])
    print(f"same ratio in CPU time: {cpu_ratio:.2f}x")

    phases = phase_breakdown(model, runs=3)
    if phases:
        print("\nWhere the time goes inside one check process (median of 3 processes):")
        rows = [[name, f"{s * 1000:.0f}"] for name, s in zip(PHASE_NAMES + (REST,), phases)]
        rows.append(["total", f"{sum(phases) * 1000:.0f}"])
        print_table(["phase", "ms"], rows)

    ranked, total_ms, states = import_breakdown(args.model, args.top)
    print(f"\npython -X importtime of the check path: {total_ms:.0f} ms of imports; top packages by self time:")
    print_table(["package", "self ms", "share"], [[n, f"{ms:.0f}", f"{ms / total_ms:.0%}"] for n, ms in ranked])
    torch_state, transformers_state = states.get("torch", "unknown"), states.get("transformers", "unknown")
    print("\nHeavy packages after the check path: " + ", ".join(f"{k}={v}" for k, v in states.items() if k in HEAVY))
    print(f"torch on the check path: {torch_state} ({'OK' if torch_state != 'imported' else 'NOT OK: torch was imported'})")
    print(f"transformers on the check path: {transformers_state} ({'OK' if transformers_state != 'imported' else 'NOT OK'})")

    result = {
        "check_median_s": round(check_s, 3),
        "import_spacy_median_s": round(spacy_s, 3),
        "check_median_cpu_s": round(median(cpu["reply-analyzer check --json"]), 3),
        "import_spacy_median_cpu_s": round(median(cpu['python -c "import spacy"']), 3),
        "cpu_ratio": round(cpu_ratio, 3),
        "ratio": round(ratio, 3),
        "import_spacy_torch_blocked_median_s": round(median(times["import spacy, torch blocked"]), 3),
        "python_floor_median_s": round(median(times['python -c "pass"']), 3),
        "phases_ms": {n: round(s * 1000, 1) for n, s in zip(PHASE_NAMES + (REST,), phases)},
        "imports_ms": round(total_ms, 1),
        "top_imports_ms": {n: round(ms, 1) for n, ms in ranked},
        "torch": torch_state,
        "transformers": transformers_state,
        "runs": args.runs,
        "pass_time": check_s <= TARGET_S,
        "pass_ratio": ratio <= TARGET_RATIO,
    }
    write_json(args.json_out, result)
    return result


if __name__ == "__main__":
    main()
