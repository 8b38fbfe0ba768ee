"""Evaluate a model folder on labelled records: DESIGN.md metrics plus breakdowns."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analyzer.labels import LABEL2ID, LABELS
from analyzer.model import ReplyClassifier
from training.calibrate import expected_calibration_error
from training.metrics import classification_metrics, grouped_metrics, macro_f1_over_labels


def metrics_from_probs(records: Sequence[dict], probs: np.ndarray) -> dict:
    """Metrics for predicted probabilities: overall, ECE, per source, per style, hard items."""
    gold = [LABEL2ID[r["label"]] for r in records]
    pred = probs.argmax(axis=1).tolist() if len(records) else []
    out = classification_metrics(gold, pred)
    out["ece"] = expected_calibration_error(probs, gold) if len(records) else 0.0
    out["by_source"] = grouped_metrics([r.get("source") or "user" for r in records], gold, pred)
    styled = [i for i, r in enumerate(records) if r.get("style")]
    out["by_style"] = grouped_metrics([records[i]["style"] for i in styled], [gold[i] for i in styled], [pred[i] for i in styled])
    hard = [i for i, r in enumerate(records) if r.get("hard")]
    if hard:
        out["hard"] = classification_metrics([gold[i] for i in hard], [pred[i] for i in hard])
    return out


def first_vote_reference(records: Sequence[dict]) -> dict | None:
    """Macro-F1 and accuracy of the first blind annotator's vote against the final label.

    Only records with ``votes`` (the reviewed public items) count. It is a human reference for
    the model on the same items, and an optimistic one: the first vote is one of the votes the
    final label was taken from. None when no record has votes.
    """
    voted = [r for r in records if r.get("votes") and r["votes"][0] in LABEL2ID]
    if not voted:
        return None
    gold = [LABEL2ID[r["label"]] for r in voted]
    first = [LABEL2ID[r["votes"][0]] for r in voted]
    return {"n": len(voted), "macro_f1": macro_f1_over_labels(gold, first),
            "accuracy": sum(g == f for g, f in zip(gold, first)) / len(voted)}


def score_with_reply_only(clf: ReplyClassifier, records: Sequence[dict], batch_size: int = 64):
    """``(ScoreParts of the (disclosure, reply) pairs, blended probabilities of the replies alone)``.

    A blended folder's cues are parsed once for both passes (the lexical half reads the
    reply only, so they are the same).
    """
    from analyzer.lexical import reply_cue_counts

    replies = [r["reply"] for r in records]
    cue_counts = reply_cue_counts(replies) if clf.lexical is not None else None
    parts = clf.score_parts([(r.get("disclosure"), r["reply"]) for r in records], batch_size=batch_size, cue_counts=cue_counts)
    reply_only = clf.predict_proba([(None, reply) for reply in replies], batch_size=batch_size, cue_counts=cue_counts)
    return parts, reply_only


def evaluate_model(model_dir: str | Path | None, records: Sequence[dict], batch_size: int = 64) -> dict:
    """Run the model folder on ``records`` (need ``reply``, ``label``; ``disclosure`` optional).

    For a folder that blends a lexical model, also the two halves alone: ``transformer_only``
    and ``baseline`` (the lexical model is the folder's baseline, exported).
    """
    clf = ReplyClassifier.load(model_dir)
    parts = clf.score_parts([(r.get("disclosure"), r["reply"]) for r in records], batch_size=batch_size)
    result = metrics_from_probs(records, parts.blended)
    if parts.lexical is not None:
        keep = ("n", "accuracy", "macro_f1", "per_label")
        for key, probs in (("transformer_only", parts.transformer), ("baseline", parts.lexical)):
            m = metrics_from_probs(records, probs)
            result[key] = {k: m[k] for k in keep}
    result["model"] = str(clf.model_dir)
    return result


def confusion_rows(confusion: list[list[int]]) -> list[list[str]]:
    """Confusion matrix as table rows, gold label first (for rich / markdown rendering)."""
    return [[LABELS[i], *map(str, row)] for i, row in enumerate(confusion)]
