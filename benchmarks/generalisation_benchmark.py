"""How the score moves when whole sources or authored styles are held out (cheap baseline).

    .venv/bin/python benchmarks/generalisation_benchmark.py [--settings source,style,cues]
        [--bootstrap 1000] [--cue-cache FILE] [--model DIR] [--json FILE]

Trains the TF-IDF + cue + LR baseline (``training.baseline``) on the corpus train split,
then once more per held-out source (5) and per held-out authored style (4), and compares
macro-F1 on the held-out items with the in-distribution model's on the same items. Also
compares test items without any stock cue (the cue extractor finds none) with the rest.
``--model DIR`` additionally scores a model folder on the same test slices (no
retraining). Needs ``../shared/data``. About 6 minutes on 2 busy cores, more than half of
it spaCy parsing the ~11k replies once for the cue features; ``--cue-cache FILE`` keeps
those (hashed texts, no text) for the next run, which then takes ~3 minutes. See
training/generalisation.py.
"""

from __future__ import annotations

import os

# One BLAS/OpenMP thread: the fits are small and the machine is shared.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import machine_line, print_table, write_json  # noqa: E402

from training.generalisation import SETTINGS, run  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settings", default=",".join(SETTINGS),
                        help=f"comma-separated subset of {','.join(SETTINGS)} (default: all)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap rounds for the delta CI (0: none)")
    parser.add_argument("--cue-cache", type=Path, default=None,
                        help="JSON file to reuse/update cue features in (keyed by text hash; rebuilt when the cue code changes)")
    parser.add_argument("--model", type=Path, default=None, help="also score this model folder on the test slices")
    parser.add_argument("--json", type=Path, default=None, dest="json_out", help="also write the results here")
    args = parser.parse_args(argv)
    settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        parser.error(f"unknown setting(s) {', '.join(unknown)}; choose from {', '.join(SETTINGS)}")
    if args.model is not None and not (args.model / "model.onnx").is_file():
        print(f"error: no model.onnx in {args.model}", file=sys.stderr)
        sys.exit(2)

    print("command: " + shlex.join([Path(sys.executable).name, *sys.argv]))
    print(machine_line())
    started = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    from training.data import corpus_records

    try:
        records = corpus_records()
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    report = run(records, settings, rounds=args.bootstrap, model_dir=args.model,
                 cue_cache=args.cue_cache, log=log)

    print(f"\ncorpus: train {report.sizes['train']}, test {report.sizes['test']} "
          f"(test items without any stock cue: {report.sizes['test_no_stock_cue']})")
    print("baseline: TF-IDF word+char + cue counts + logistic regression (training.baseline)\n")
    print_table(
        ["setting", "n", "macro-F1 in-dist", "macro-F1 held-out", "delta", "95% CI of delta"],
        [[r.setting, r.n, f"{r.in_dist:.3f}", f"{r.held_out:.3f}", f"{r.delta:+.3f}",
          "" if r.ci_low != r.ci_low else f"[{r.ci_low:+.3f}, {r.ci_high:+.3f}]"] for r in report.rows],
    )
    print("\nin-dist: the baseline trained on the whole train split, on the same items;"
          " held-out: trained without that source/style.")
    print("no-stock-cue rows: in-dist = items with a cue (n in-dist = "
          + ", ".join(str(r.n_reference) for r in report.rows if r.setting.startswith("no stock"))
          + "), held-out = items without one; same model, no retraining.")
    if report.model_rows:
        print(f"\nmodel folder {args.model} on the test slices (baseline = the in-distribution baseline):\n")
        print_table(["slice", "n", "macro-F1 baseline", "macro-F1 model", "delta"],
                    [[m["slice"], m["n"], f"{m['baseline']:.3f}", f"{m['model']:.3f}",
                      f"{m['model'] - m['baseline']:+.3f}"] for m in report.model_rows])
    print("\nseconds: " + ", ".join(f"{k} {v}" for k, v in report.seconds.items()))
    write_json(args.json_out, {"command": sys.argv, **report.to_dict()})


if __name__ == "__main__":
    main()
