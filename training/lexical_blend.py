"""Blend a model folder's transformer with its lexical baseline, weighted on the dev split.

The TF-IDF + cue-count baseline (``training.baseline``) makes different mistakes from the
fine-tuned encoder: it reads the reply's exact words and the spaCy cues, the encoder reads
the pair. A weighted product of the two models' probabilities scored above either alone
on dev and on test (``benchmarks/README.md``). This module

1. exports the folder's fitted baseline (``baseline.skops``) to ``lexical.json`` +
   ``lexical.npz`` (:mod:`analyzer.lexical`: numpy-only scoring, no pickle);
2. picks the weight ``w`` with the lowest dev NLL over a grid (``w = 0`` keeps the
   transformer alone), with the blend's temperature fitted on dev, and writes
   ``lexical_blend`` into ``config.json``.

``python -m training.lexical_blend DIR`` does both for an existing folder on the project
dev split and re-records its test metrics; ``training.train`` does it after every run that
trains a baseline.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analyzer.labels import LABEL2ID, LABELS
from analyzer.lexical import LEXICAL_JSON, LEXICAL_NPZ, WORD_TOKEN_PATTERN, LexicalModel, NgramBlock, blend_log_scores
from training.baseline import Baseline, cue_features
from training.calibrate import expected_calibration_error, fit_temperature, nll
from training.metrics import macro_f1_over_labels as macro_f1
from training.model_folder import parse_model_folders, write_json

WEIGHTS = tuple(round(0.05 * i, 2) for i in range(17))  # 0.0 ... 0.8


def lexical_from_baseline(baseline: Baseline) -> LexicalModel:
    """The numpy form of a fitted baseline; raise ValueError for settings it does not reproduce."""
    parts = baseline.parts
    blocks = []
    for name in ("word", "char"):
        vec = parts[name]
        expected = {"lowercase": True, "norm": "l2", "use_idf": True, "strip_accents": None, "stop_words": None,
                    "preprocessor": None, "tokenizer": None, "binary": False}
        settings = {k: getattr(vec, k) for k in expected}
        if settings != expected or vec.analyzer not in ("word", "char_wb") or (vec.analyzer == "word" and vec.token_pattern != WORD_TOKEN_PATTERN):
            raise ValueError(f"baseline vectorizer {name!r} uses settings analyzer.lexical does not reproduce: {settings}")
        blocks.append(NgramBlock(vec.analyzer, tuple(vec.ngram_range), {t: int(i) for t, i in vec.vocabulary_.items()},
                                 np.asarray(vec.idf_, dtype=np.float64), bool(vec.sublinear_tf)))
    clf = parts["clf"]
    if list(clf.classes_) != list(range(len(LABELS))):
        raise ValueError(f"baseline classes {list(clf.classes_)} are not the label ids 0..{len(LABELS) - 1}")
    return LexicalModel(blocks, list(parts["cues"].feature_names_), clf.coef_, clf.intercept_)


def choose_blend(transformer: np.ndarray, lexical_log: np.ndarray, gold: Sequence[int], weights: Sequence[float] = WEIGHTS) -> dict:
    """The weight with the lowest dev NLL (each weight with its own fitted temperature).

    NLL, not macro-F1, picks the weight: it is smooth in ``w`` (on the project dev split a
    single minimum), where the macro-F1 of 704 items jumps by a point between neighbouring
    weights. Both are recorded per weight.
    """
    by_weight = {}
    for w in weights:
        z = blend_log_scores(transformer, lexical_log, w)
        temperature = fit_temperature(z, gold)
        by_weight[w] = (nll(z, gold, temperature), temperature, macro_f1(list(gold), z.argmax(1).tolist()))
    best = min(weights, key=lambda w: (round(by_weight[w][0], 6), w))
    return {
        "weight": best,
        "temperature": by_weight[best][1],
        "dev_by_weight": {f"{w:.2f}": {"nll": round(v[0], 4), "macro_f1": round(v[2], 4)} for w, v in by_weight.items()},
    }


def remove_blend(folder: Path) -> dict:
    """Drop the folder's blend (config key and lexical files): its scores become the transformer's."""
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if config.pop("lexical_blend", None) is not None:
        write_json(config_path, config)
    for name in (LEXICAL_JSON, LEXICAL_NPZ):
        (folder / name).unlink(missing_ok=True)
    return {"lexical_blend": None}


def blend_folder(folder: Path, dev: Sequence[dict], weights: Sequence[float] = WEIGHTS) -> dict:
    """Export the folder's baseline, choose and write its blend; returns fields for metrics.json.

    Without a ``baseline.skops`` in the folder, or without dev records, the folder is left
    with the transformer alone.
    """
    from analyzer.model import ReplyClassifier, blend_proba
    from training.baseline import BASELINE_FILE

    removed = remove_blend(folder)  # the transformer alone, while the weight is chosen
    if not (folder / BASELINE_FILE).is_file() or not dev:
        return removed
    lexical = lexical_from_baseline(Baseline.load(folder))
    replies = [r["reply"] for r in dev]
    gold = [LABEL2ID[r["label"]] for r in dev]
    pairs = [(r.get("disclosure"), r["reply"]) for r in dev]
    cue_counts = cue_features(replies)
    transformer = ReplyClassifier.load(folder).transformer_proba(pairs, batch_size=64)
    lexical_log = lexical.log_proba(replies, cue_counts)
    choice = choose_blend(transformer, lexical_log, gold, weights)
    fields = {
        "dev_by_lexical_weight": choice["dev_by_weight"],
        "dev_macro_f1_transformer_only": round(macro_f1(gold, transformer.argmax(1).tolist()), 4),
    }
    if choice["weight"] == 0:
        return {**removed, **fields}
    lexical.save(folder)
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["lexical_blend"] = {"weight": choice["weight"], "temperature": choice["temperature"]}
    write_json(config_path, config)
    blended = blend_proba(transformer, lexical_log, choice["weight"], choice["temperature"])  # what the folder now returns
    return {
        "lexical_blend": config["lexical_blend"],
        **fields,
        "dev_macro_f1_calibrated": macro_f1(gold, blended.argmax(1).tolist()),
        "dev_ece_after": expected_calibration_error(blended, gold),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="+")
    args = parse_model_folders(parser, argv)
    from training.data import dev_and_test
    from training.train import record_test_metrics, update_metrics

    dev, test = dev_and_test()
    for folder in args.folders:
        fields = blend_folder(folder, dev)
        update_metrics(folder, fields)
        m = record_test_metrics(folder, test)
        blend = fields["lexical_blend"] or {"weight": 0.0, "temperature": 1.0}
        print(f"{folder}: weight {blend['weight']:.2f}, T {blend['temperature']:.3f}; dev macro-F1 {fields['dev_macro_f1_transformer_only']:.3f} alone, "
              f"{fields.get('dev_macro_f1_calibrated', fields['dev_macro_f1_transformer_only']):.3f} blended; test macro-F1 {m['test']['macro_f1']:.3f}, "
              f"hard {m['test_hard'].get('macro_f1', float('nan')):.3f}, ECE {m['test_ece']:.3f}")


if __name__ == "__main__":
    main()
