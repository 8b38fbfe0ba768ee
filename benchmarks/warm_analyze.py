"""Warm `Analyzer.analyze()` latency per reply and `analyze_many` throughput.

With the Analyzer loaded once, measures on ~200 varied replies from the repo's authored
data (half with their disclosure, half alone):

1. ``analyze(reply, disclosure)`` per call: median, p95, mean, max (target: median <= 30 ms),
   overall and split by with/without disclosure;
   then the same replies with the classifier on a single worker (one pair at a time,
   interleaved), and the CPU time of that run (a load-robust estimate);
2. where that time goes: classifier (tokenise + ONNX run; the ONNX run alone), spaCy
   parsing (reply and disclosure), cue extraction, suggestion (incl. feeling lookup), rest;
3. ``analyze_many(pairs, batch_size=B)`` throughput in replies/s for B = 16 and 64.

Run: ``.venv/bin/python benchmarks/warm_analyze.py [--n 200] [--model DIR] [--json FILE]``
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from contextlib import contextmanager
from statistics import mean

from _common import add_common_args, classifier_variant, machine_line, median, model_dir_or_exit, percentile, print_table, sample_pairs, write_json

TARGET_MS = 30.0
BATCH_SIZES = (16, 64)
ONE_THREAD = "classifier, 1 worker"
PART_ORDER = (
    "classifier (tokenise + ONNX + softmax)",
    "  of which ONNX session.run",
    "spaCy parse (reply + disclosure)",
    "cue extraction",
    "suggestion",
    "feeling lookup (for suggestion)",
)


@contextmanager
def instrumented(an):
    """Wrap the Analyzer's parts with timers; yields {part: [seconds, calls]} (restored on exit)."""
    import analyzer.analysis as analysis_module

    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    sizes: list[int] = []

    def timer(part, fn, materialise=False, record_size=False):
        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            out = fn(*args, **kwargs)
            if materialise:
                out = list(out)
            totals[part][0] += time.perf_counter() - start
            totals[part][1] += 1
            if record_size:
                sizes.append(len(args[0]))
            return out

        return wrapped

    clf, session = an.classifier, an.classifier._session
    saved = {
        "predict_proba": clf.__dict__.get("predict_proba"),
        "run": session.__dict__.get("run"),
        "pipe": an.nlp.__dict__.get("pipe"),
        "extract": an.cue_extractor.__dict__.get("extract"),
    }
    saved_suggest, saved_feeling = analysis_module.suggest, analysis_module.find_feeling
    clf.predict_proba = timer("classifier (tokenise + ONNX + softmax)", clf.predict_proba, record_size=True)
    session.run = timer("  of which ONNX session.run", session.run)
    an.nlp.pipe = timer("spaCy parse (reply + disclosure)", an.nlp.pipe, materialise=True)
    an.cue_extractor.extract = timer("cue extraction", an.cue_extractor.extract)
    analysis_module.suggest = timer("suggestion", saved_suggest)
    analysis_module.find_feeling = timer("feeling lookup (for suggestion)", saved_feeling)
    try:
        yield totals, sizes
    finally:
        for obj, name in ((clf, "predict_proba"), (session, "run"), (an.nlp, "pipe"), (an.cue_extractor, "extract")):
            if saved[name] is None:
                delattr(obj, name)
            else:
                setattr(obj, name, saved[name])
        analysis_module.suggest, analysis_module.find_feeling = saved_suggest, saved_feeling


def latency_rows(times_ms: dict[str, list[float]]) -> list[list[str]]:
    return [
        [name, str(len(t)), f"{median(t):.1f}", f"{percentile(t, 95):.1f}", f"{mean(t):.1f}", f"{max(t):.1f}"]
        for name, t in times_ms.items()
        if t
    ]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--n", type=int, default=200, help="replies for the latency figures (default 200)")
    args = parser.parse_args(argv)
    model = model_dir_or_exit(args.model)

    from analyzer.analysis import Analyzer

    print(machine_line())
    print(f"model: {model}")
    started = time.perf_counter()
    an = Analyzer.load(model)
    print(f"Analyzer.load: {time.perf_counter() - started:.2f} s (in a process that had imported nothing else)")
    pairs = sample_pairs(args.n, seed=1)
    for d, r in sample_pairs(10, seed=99):  # warm-up: first-call allocations, caches
        an.analyze(r, disclosure=d)

    # Each reply is analysed with the shipped classifier and with a single worker (for a shared
    # machine), interleaved so background load hits both alike.
    settings = {
        "shipped (one worker per core)": an.classifier,
        ONE_THREAD: classifier_variant(an.classifier, workers=1),
    }
    shipped = an.classifier
    by_setting: dict[str, list[float]] = {name: [] for name in settings}
    one_thread_cpu: list[float] = []  # with 1 worker all work runs on this thread
    times: dict[str, list[float]] = {"all replies": [], "with disclosure": [], "reply alone": []}
    for d, r in pairs:
        for name, clf in settings.items():
            an.classifier = clf
            start, start_cpu = time.perf_counter(), time.thread_time()
            an.analyze(r, disclosure=d)
            by_setting[name].append((time.perf_counter() - start) * 1000)
            if name == ONE_THREAD:
                one_thread_cpu.append((time.thread_time() - start_cpu) * 1000)
        ms = by_setting["shipped (one worker per core)"][-1]
        times["all replies"].append(ms)
        times["with disclosure" if d else "reply alone"].append(ms)
    an.classifier = shipped
    med, p95 = median(times["all replies"]), percentile(times["all replies"], 95)
    print(f"\nWarm analyze() per reply, {len(pairs)} replies (ms):")
    print_table(["replies", "n", "median", "p95", "mean", "max"], latency_rows(times))
    print(f"median {med:.1f} ms (target <= {TARGET_MS:.0f} ms: {'PASS' if med <= TARGET_MS else 'FAIL'})")
    print("\nSame replies with the classifier on one worker, interleaved (ms):")
    print_table(["setting", "n", "median", "p95", "mean", "max"], latency_rows(by_setting))
    variant_ms = {name: t for name, t in by_setting.items() if not name.startswith("shipped")}
    cpu_med = median(one_thread_cpu)
    print(f"CPU time of analyze() with 1 worker (all on the calling thread, so little affected by other load; "
          f"about the latency on an idle core): median {cpu_med:.1f} ms, p95 {percentile(one_thread_cpu, 95):.1f} ms")

    with instrumented(an) as (totals, sizes):
        start = time.perf_counter()
        for d, r in pairs:
            an.analyze(r, disclosure=d)
        total = time.perf_counter() - start
    n = len(pairs)
    accounted = sum(s for part, (s, _) in totals.items() if not part.startswith("  "))
    order = sorted(totals, key=lambda part: PART_ORDER.index(part) if part in PART_ORDER else len(PART_ORDER))
    rows = [[part, f"{totals[part][0] / n * 1000:.2f}", f"{totals[part][0] / total:.0%}"] for part in order]
    rows.append(["rest (checks, sentence split, results)", f"{(total - accounted) / n * 1000:.2f}", f"{(total - accounted) / total:.0%}"])
    rows.append(["total", f"{total / n * 1000:.2f}", "100%"])
    print(f"\nWhere analyze() time goes (same {n} replies, instrumented pass; ms per reply):")
    print_table(["part", "ms/reply", "share"], rows)
    print(f"classifier inputs per reply (whole reply + its sentences when > 1): mean {mean(sizes):.2f}, max {max(sizes)}")
    breakdown = {part.strip(): round(s / n * 1000, 2) for part, (s, _) in totals.items()}

    many_pairs = sample_pairs(256, seed=2)
    throughput: dict[int, float] = {}
    for batch_size in BATCH_SIZES:
        start = time.perf_counter()
        results = list(an.analyze_many(many_pairs, batch_size=batch_size))
        throughput[batch_size] = len(results) / (time.perf_counter() - start)
    single = 1000 / mean(times["all replies"])
    print(f"\nanalyze_many throughput, {len(many_pairs)} pairs (half with disclosure):")
    print_table(
        ["batch size", "replies/s", "ms/reply"],
        [["1 (analyze() loop)", f"{single:.1f}", f"{1000 / single:.1f}"]]
        + [[str(b), f"{r:.1f}", f"{1000 / r:.1f}"] for b, r in throughput.items()],
    )

    result = {
        "n": n,
        "median_ms": round(med, 2),
        "p95_ms": round(p95, 2),
        "median_ms_with_disclosure": round(median(times["with disclosure"]), 2),
        "median_ms_reply_alone": round(median(times["reply alone"]), 2),
        "breakdown_ms_per_reply": breakdown,
        "median_ms_by_ort_setting": {name: round(median(t), 2) for name, t in variant_ms.items()},
        "one_thread_cpu_median_ms": round(cpu_med, 2),
        "analyze_many_replies_per_s": {str(b): round(r, 1) for b, r in throughput.items()},
        "pass": med <= TARGET_MS,
    }
    write_json(args.json_out, result)
    return result


if __name__ == "__main__":
    main()
