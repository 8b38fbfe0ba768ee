"""Teacher targets for knowledge distillation (``training.train --teacher DIR``).

A trained model folder (for example the shipped default model) scores every training pair
twice, with its disclosure and as a reply alone, and the student is trained towards
``(1 - w) * label + w * teacher`` (Hinton et al. 2015; with a teacher of the same size
this is a "born-again" network, Furlanello et al. 2018). The teacher's probabilities are
its calibrated transformer scores (the lexical blend is left out: on its own training data
that model is overconfident). Several teacher folders make one teacher: the mean of their
probabilities (distilling an ensemble into one model, as in Hinton et al.). The targets
travel on the records, under ``teacher_probs`` and ``teacher_probs_reply``, so every
training path (soups included) sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from analyzer.labels import LABELS

PAIR_KEY = "teacher_probs"
REPLY_KEY = "teacher_probs_reply"
# One teacher model folder, or several whose scores are averaged.
Teachers = Path | Sequence[Path]


def teacher_dirs(teachers: Teachers) -> list[Path]:
    """One teacher folder or several, as a list of paths."""
    return [Path(teachers)] if isinstance(teachers, (str, Path)) else [Path(t) for t in teachers]


def check_teacher(teachers: Teachers, weight: float) -> None:
    """Raise ModelFolderError for a teacher folder inference cannot load, ValueError for a
    distillation weight outside (0, 1] or no folder at all; before any data is read or scored."""
    from analyzer.model import check_model_dir

    if not 0.0 < weight <= 1.0:
        raise ValueError(f"--distill-weight must be in (0, 1], got {weight}")
    dirs = teacher_dirs(teachers)
    if not dirs:
        raise ValueError("distillation needs at least one teacher folder")
    for teacher_dir in dirs:
        check_model_dir(teacher_dir)


def teacher_probabilities(teachers: Teachers, records: Sequence[dict]) -> tuple[np.ndarray, np.ndarray]:
    """The teacher's calibrated probabilities for each record's pair and for its reply alone
    (with several teacher folders, the mean of theirs)."""
    scores = [_one_teacher_probabilities(d, records) for d in teacher_dirs(teachers)]
    pair = np.mean([p for p, _ in scores], axis=0)
    reply = np.mean([r for _, r in scores], axis=0)
    return pair, reply


def _one_teacher_probabilities(teacher_dir: Path, records: Sequence[dict]) -> tuple[np.ndarray, np.ndarray]:
    from analyzer.model import ModelFolderError, ReplyClassifier

    clf = ReplyClassifier.load(teacher_dir)
    if tuple(clf.labels) != tuple(LABELS):
        raise ModelFolderError(f"{teacher_dir}: teacher labels {list(clf.labels)} are not {list(LABELS)}")
    pairs = [(r.get("disclosure") or None, r["reply"]) for r in records]
    pair_probs = clf.transformer_proba(pairs, batch_size=256)
    reply_probs = pair_probs.copy()
    with_disclosure = [i for i, (d, _) in enumerate(pairs) if d]
    if with_disclosure:
        reply_probs[with_disclosure] = clf.transformer_proba([(None, pairs[i][1]) for i in with_disclosure], batch_size=256)
    return pair_probs, reply_probs


def with_teacher_targets(teachers: Teachers, records: Sequence[dict]) -> list[dict]:
    """Copies of ``records`` carrying the teacher's probabilities (see the module docstring)."""
    pair_probs, reply_probs = teacher_probabilities(teachers, records)
    return [
        {**r, PAIR_KEY: pair_probs[i].tolist(), REPLY_KEY: reply_probs[i].tolist()}
        for i, r in enumerate(records)
    ]


def teacher_record(teachers: Teachers) -> dict:
    """What config.json records about the teacher: its path and its model file's SHA-256
    (lists of both for several teacher folders)."""
    import hashlib

    dirs = teacher_dirs(teachers)
    digests = [hashlib.sha256((d / "model.onnx").read_bytes()).hexdigest() for d in dirs]
    if len(dirs) == 1:
        return {"teacher": str(dirs[0]), "teacher_model_sha256": digests[0]}
    return {"teacher": [str(d) for d in dirs], "teacher_model_sha256": digests}


def teacher_arrays(records: Sequence[dict]) -> tuple[np.ndarray, np.ndarray] | None:
    """The records' teacher targets as two (n, labels) arrays, or None when none carries any.

    Raises ValueError when only some records carry them.
    """
    have = [PAIR_KEY in r for r in records]
    if not any(have):
        return None
    if not all(have):
        raise ValueError(f"{have.count(False)} of {len(records)} training records have no teacher probabilities")
    pair = np.asarray([r[PAIR_KEY] for r in records], dtype=np.float32)
    reply = np.asarray([r.get(REPLY_KEY, r[PAIR_KEY]) for r in records], dtype=np.float32)
    if pair.shape != (len(records), len(LABELS)) or reply.shape != pair.shape:
        raise ValueError(f"teacher probabilities must have {len(LABELS)} values per record")
    return pair, reply
