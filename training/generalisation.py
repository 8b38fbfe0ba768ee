"""How far the score moves when whole sources or styles are held out of training.

Three settings, each compared with an *in-distribution* reference (the same kind of model
trained on the whole train split of ``training.data.corpus_records``):

- leave-one-source-out: for each source group (authored, diasafety, epitome, esconv,
  empathetic_intents) train on the train split without that source (reviewed and mapped
  records alike) and test on that source's test items;
- leave-one-style-out: for each authored style (texting, plain, long, formal) train
  without the authored records of that style and test on the authored test items of it;
- no-stock-cue slice: test items whose reply has no cue found by
  :class:`analyzer.cues.CueExtractor` (no stock phrase of the guide, no imperative),
  compared with the test items that have one (no retraining).

The model is a :class:`training.baseline.Baseline` (TF-IDF + cue counts + logistic
regression); cue features are computed once per reply text and looked up for every fit,
which makes the nine extra fits affordable on two cores. Deltas come with a 95% bootstrap
interval (paired where both scores are on the same items). ``evaluate_slices`` scores a
model folder on the same test slices without retraining.

Run it with ``benchmarks/generalisation_benchmark.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from analyzer.labels import LABEL2ID, LABELS

SOURCE_GROUPS = ("authored", "diasafety", "epitome", "esconv", "empathetic_intents")
STYLES = ("texting", "plain", "long", "formal")
SETTINGS = ("source", "style", "cues")

CueTable = dict[str, dict[str, float]]
Predictor = Callable[[Sequence[dict]], np.ndarray]  # records -> predicted label ids
Fitter = Callable[[Sequence[dict]], Predictor]  # train records -> predictor


# --- metrics -----------------------------------------------------------------------


def macro_f1(gold: Sequence[int] | np.ndarray, pred: Sequence[int] | np.ndarray) -> float:
    """Macro-F1 over the labels present in ``gold`` (as ``training.metrics.classification_metrics``)."""
    g = np.asarray(gold, dtype=np.int64)
    p = np.asarray(pred, dtype=np.int64)
    if g.size == 0:
        return 0.0
    k = len(LABELS)
    conf = np.bincount(g * k + p, minlength=k * k).reshape(k, k)
    tp = np.diag(conf).astype(float)
    support = conf.sum(axis=1)
    predicted = conf.sum(axis=0)
    denom = support + predicted
    f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
    return float(f1[support > 0].mean())


def bootstrap_delta(
    gold_a: np.ndarray, pred_a: np.ndarray, gold_b: np.ndarray, pred_b: np.ndarray,
    paired: bool, rounds: int = 1000, seed: int = 0,
) -> tuple[float, float]:
    """95% bootstrap interval of ``macro_f1(b) - macro_f1(a)``.

    ``paired``: a and b score the same items (resample item indices once for both);
    otherwise the two item sets are resampled independently.
    """
    if rounds <= 0 or len(gold_a) == 0 or len(gold_b) == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    deltas = np.empty(rounds)
    for i in range(rounds):
        ia = rng.integers(0, len(gold_a), len(gold_a))
        ib = ia if paired else rng.integers(0, len(gold_b), len(gold_b))
        deltas[i] = macro_f1(gold_b[ib], pred_b[ib]) - macro_f1(gold_a[ia], pred_a[ia])
    low, high = np.percentile(deltas, [2.5, 97.5])
    return float(low), float(high)


@dataclass(frozen=True)
class Comparison:
    """One table row: the reference score, the held-out score, their difference and its 95% CI."""

    setting: str
    n: int
    n_reference: int
    in_dist: float
    held_out: float
    ci_low: float
    ci_high: float

    @property
    def delta(self) -> float:
        return self.held_out - self.in_dist

    def to_dict(self) -> dict:
        return {**asdict(self), "delta": self.delta}


def compare(
    setting: str, gold_ref: np.ndarray, pred_ref: np.ndarray, gold: np.ndarray, pred: np.ndarray,
    paired: bool, rounds: int,
) -> Comparison:
    """A :class:`Comparison` of predictions ``pred`` against the reference ``pred_ref``."""
    low, high = bootstrap_delta(gold_ref, pred_ref, gold, pred, paired, rounds)
    return Comparison(setting, len(gold), len(gold_ref), macro_f1(gold_ref, pred_ref), macro_f1(gold, pred), low, high)


# --- slices ------------------------------------------------------------------------


def gold_ids(records: Sequence[dict]) -> np.ndarray:
    """Gold label ids of ``records``."""
    return np.array([LABEL2ID[r["label"]] for r in records], dtype=np.int64)


def source_of(rec: dict) -> str:
    """The source group of a corpus record (``authored`` or a public source name)."""
    return rec["source"]


def style_of(rec: dict) -> str:
    """The style of an authored record (texting, plain, long, formal); '' for public data."""
    return (rec.get("style") or "") if rec["source"] == "authored" else ""


def has_stock_cue(rec: dict, table: CueTable) -> bool:
    """True when the cue extractor found at least one cue in the reply."""
    return bool(table[rec["reply"]])


def split_records(records: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """(train, test) parts of split-tagged corpus records; dev is not used here."""
    return [r for r in records if r["split"] == "train"], [r for r in records if r["split"] == "test"]


def leave_one_out(
    records: Sequence[dict], key: Callable[[dict], str], groups: Sequence[str], fit: Fitter,
    reference: np.ndarray, prefix: str, rounds: int = 1000,
    on_group: Callable[[str], None] | None = None,
) -> list[Comparison]:
    """For each group: fit without its train records, test on its test items; compare with ``reference``.

    ``reference`` holds the in-distribution predictions for every test record (in order).
    Groups without test items are skipped.
    """
    train, test = split_records(records)
    gold = gold_ids(test)
    rows = []
    for group in groups:
        idx = np.array([i for i, r in enumerate(test) if key(r) == group], dtype=np.int64)
        if idx.size == 0:
            continue
        if on_group:
            on_group(group)
        predict = fit([r for r in train if key(r) != group])
        held = predict([test[i] for i in idx])
        rows.append(compare(f"{prefix}{group}", gold[idx], reference[idx], gold[idx], held, True, rounds))
    return rows


def cue_slices(
    test: Sequence[dict], pred: np.ndarray, table: CueTable, rounds: int = 1000,
) -> list[Comparison]:
    """No-stock-cue test items (held-out column) against those with a cue (in-dist column).

    One row for the whole test split, one for authored items, one for reviewed public items.
    """
    gold = gold_ids(test)
    rows = []
    for name, keep in (
        ("no stock cue vs some: all test", lambda r: True),
        ("no stock cue vs some: authored", lambda r: r["source"] == "authored"),
        ("no stock cue vs some: public", lambda r: r["source"] != "authored"),
    ):
        none = np.array([i for i, r in enumerate(test) if keep(r) and not has_stock_cue(r, table)], dtype=np.int64)
        some = np.array([i for i, r in enumerate(test) if keep(r) and has_stock_cue(r, table)], dtype=np.int64)
        if none.size and some.size:
            rows.append(compare(name, gold[some], pred[some], gold[none], pred[none], False, rounds))
    return rows


# --- the baseline with precomputed cue features ---------------------------------------


def build_cue_table(texts: Sequence[str], batch: int = 2000,
                    on_progress: Callable[[int, int], None] | None = None) -> CueTable:
    """Cue-count features (as ``training.baseline.cue_features``) for each distinct text."""
    from training.baseline import cue_features

    unique = list(dict.fromkeys(texts))
    table: CueTable = {}
    for start in range(0, len(unique), batch):
        part = unique[start : start + batch]
        table.update(zip(part, cue_features(part)))
        if on_progress:
            on_progress(min(start + batch, len(unique)), len(unique))
    return table


CUE_CODE_FILES = ("cues.py", "cue_patterns.py", "cue_scope.py", "imperative.py", "nlp.py")


def cue_fingerprint() -> str:
    """Hash of the cue extractor's code, pattern files and spaCy model version.

    Cached cue features are valid only while it is unchanged.
    """
    import hashlib
    from importlib import metadata

    import analyzer
    from analyzer.nlp import SPACY_PACKAGE

    root = Path(analyzer.__file__).parent
    files = [root / name for name in CUE_CODE_FILES] + sorted((root / "data" / "cues").glob("*"))
    digest = hashlib.sha1()
    for path in files:
        if path.is_file():
            digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    try:
        digest.update(metadata.version(SPACY_PACKAGE.replace("_", "-")).encode("utf-8"))
    except metadata.PackageNotFoundError:
        pass
    return digest.hexdigest()


def _text_key(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def load_cue_table(texts: Sequence[str], cache: Path | None = None,
                   on_progress: Callable[[int, int], None] | None = None) -> CueTable:
    """:func:`build_cue_table`, reusing and updating the JSON file ``cache`` when given.

    The cache maps a hash of each text to its features (no text is stored) and is ignored
    when its :func:`cue_fingerprint` differs from the current one.
    """
    import json
    import os

    fingerprint = cue_fingerprint()
    stored: dict[str, dict[str, float]] = {}
    if cache is not None and cache.is_file():
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict) and data.get("fingerprint") == fingerprint:
            stored = data.get("features") or {}
    table: CueTable = {}
    missing = []
    for text in dict.fromkeys(texts):
        key = _text_key(text)
        if key in stored:
            table[text] = stored[key]
        else:
            missing.append(text)
    if missing:
        table.update(build_cue_table(missing, on_progress=on_progress))
        if cache is not None:
            stored.update({_text_key(t): table[t] for t in missing})
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(cache.name + ".tmp")
            tmp.write_text(json.dumps({"fingerprint": fingerprint, "features": stored}), encoding="utf-8")
            os.replace(tmp, cache)
    return table


@contextmanager
def cached_cue_features(table: CueTable) -> Iterator[None]:
    """Make ``training.baseline`` look cue features up in ``table`` (parsing only unseen texts)."""
    import training.baseline as baseline_module

    original = baseline_module.cue_features

    def lookup(texts: Sequence[str]) -> list[dict[str, float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in table]
        if missing:
            table.update(zip(missing, original(missing)))
        return [table[t] for t in texts]

    baseline_module.cue_features = lookup
    try:
        yield
    finally:
        baseline_module.cue_features = original


def baseline_fitter(table: CueTable, seed: int = 0) -> Fitter:
    """A :data:`Fitter` training :class:`training.baseline.Baseline` with cue features from ``table``."""
    from training.baseline import Baseline

    def fit(train: Sequence[dict]) -> Predictor:
        with cached_cue_features(table):
            model = Baseline.fit([r["reply"] for r in train], [LABEL2ID[r["label"]] for r in train], seed=seed)

        def predict(records: Sequence[dict]) -> np.ndarray:
            with cached_cue_features(table):
                return model.predict_proba([r["reply"] for r in records]).argmax(axis=1)

        return predict

    return fit


# --- putting it together ------------------------------------------------------------


@dataclass
class Report:
    """Everything the benchmark prints: table rows, per-slice model scores, sizes, seconds."""

    rows: list[Comparison]
    model_rows: list[dict]
    sizes: dict[str, int]
    seconds: dict[str, float]

    def to_dict(self) -> dict:
        return {"rows": [r.to_dict() for r in self.rows], "model_rows": self.model_rows,
                "sizes": self.sizes, "seconds": self.seconds}


def run(
    records: Sequence[dict], settings: Sequence[str] = SETTINGS, fit: Fitter | None = None,
    table: CueTable | None = None, rounds: int = 1000, model_dir: Path | None = None,
    cue_cache: Path | None = None, log: Callable[[str], None] = lambda _msg: None,
) -> Report:
    """Run the chosen settings on split-tagged corpus records (see the module docstring).

    ``fit`` defaults to the baseline with cached cue features; ``table`` (reply -> cue
    features) is built when not given, reusing the file ``cue_cache`` if given (see
    :func:`load_cue_table`). ``model_dir`` also scores that model folder on the test slices.
    """
    import time

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    if table is None:
        log(f"cue features for {len(records)} replies (spaCy, the slow part; cache: {cue_cache or 'none'})")
        table = load_cue_table([r["reply"] for r in records], cue_cache,
                               on_progress=lambda done, total: log(f"  cue features {done}/{total}"))
    seconds["cue_features"] = round(time.perf_counter() - started, 1)
    fit = fit or baseline_fitter(table)
    train, test = split_records(records)
    log(f"fit on the whole train split ({len(train)} records)")
    t0 = time.perf_counter()
    reference = fit(train)(test)
    seconds["fit_reference"] = round(time.perf_counter() - t0, 1)
    rows: list[Comparison] = [compare("in-distribution: all test", gold_ids(test), reference, gold_ids(test),
                                      reference, True, 0)]
    t0 = time.perf_counter()
    if "source" in settings:
        rows += leave_one_out(records, source_of, SOURCE_GROUPS, fit, reference, "leave source out: ", rounds,
                              on_group=lambda g: log(f"fit without source {g}"))
    seconds["sources"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    if "style" in settings:
        rows += leave_one_out(records, style_of, STYLES, fit, reference, "leave style out: ", rounds,
                              on_group=lambda g: log(f"fit without style {g}"))
    seconds["styles"] = round(time.perf_counter() - t0, 1)
    if "cues" in settings:
        rows += cue_slices(test, reference, table, rounds)
    model_rows: list[dict] = []
    if model_dir is not None:
        log(f"score {model_dir} on {len(test)} test items")
        t0 = time.perf_counter()
        model_rows = evaluate_slices(model_dir, test, reference, table)
        seconds["model"] = round(time.perf_counter() - t0, 1)
    seconds["total"] = round(time.perf_counter() - started, 1)
    sizes = {"train": len(train), "test": len(test), "test_no_stock_cue": sum(not table[r["reply"]] for r in test)}
    return Report(rows, model_rows, sizes, seconds)


def slice_indices(test: Sequence[dict], table: CueTable) -> dict[str, list[int]]:
    """Named index lists over the test split: all, per source, per authored style, cue/no cue, hard."""
    slices: dict[str, list[int]] = {"all test": list(range(len(test)))}
    for group in SOURCE_GROUPS:
        slices[f"source={group}"] = [i for i, r in enumerate(test) if source_of(r) == group]
    for style in STYLES:
        slices[f"style={style}"] = [i for i, r in enumerate(test) if style_of(r) == style]
    slices["no stock cue"] = [i for i, r in enumerate(test) if not has_stock_cue(r, table)]
    slices["some stock cue"] = [i for i, r in enumerate(test) if has_stock_cue(r, table)]
    slices["hard"] = [i for i, r in enumerate(test) if r.get("hard")]
    return {name: idx for name, idx in slices.items() if idx}


def evaluate_slices(model_dir: Path, test: Sequence[dict], reference: np.ndarray, table: CueTable) -> list[dict]:
    """Macro-F1 of a model folder (pairs with disclosures) and of the baseline on each test slice."""
    from analyzer.model import ReplyClassifier

    clf = ReplyClassifier.load(model_dir)
    probs = clf.predict_proba([(r.get("disclosure"), r["reply"]) for r in test], batch_size=64)
    pred = probs.argmax(axis=1)
    gold = gold_ids(test)
    out = []
    for name, idx in slice_indices(test, table).items():
        ix = np.array(idx, dtype=np.int64)
        out.append({"slice": name, "n": len(idx), "baseline": macro_f1(gold[ix], reference[ix]),
                    "model": macro_f1(gold[ix], pred[ix])})
    return out
