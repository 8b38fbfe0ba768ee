"""The committed corpus: authored files, reviewed annotations, counts, test split, `data stats`.

Checks on the public parts skip (naming the folder) when ``../shared/data`` is absent.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from analyzer.labels import LABELS
from training.data import ANNOTATIONS_DIR, AUTHORED_DIR, SINGLE_ANNOTATED_POOLS, cohen_kappa, majority_label

AUTHORED_FILES = sorted(AUTHORED_DIR.glob("*.jsonl"))
PENDING_FILES = sorted((AUTHORED_DIR.parent / "pending").glob("*.jsonl"))
ANNOTATION_FILES = sorted(ANNOTATIONS_DIR.glob("*.jsonl"))
ANNOTATION_KEYS = {"source", "ref", "label", "secondary", "hard", "note"}
STYLES = {"texting", "plain", "long", "formal"}
MAX_NEAR_DUPLICATE_RATE = 0.03
MIN_AUTHORED = {"invalidating": 1200, "self-centering": 1200, "advice-giving": 500, "validating": 500}
MIN_TEST_PER_LABEL = 100


def read_rows(paths: list[Path]) -> list[tuple[str, dict]]:
    """(``file:line``, row) for every non-empty line of the JSONL files."""
    rows = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    rows.append((f"{path.name}:{n}", json.loads(line)))
    return rows


@pytest.fixture(scope="module")
def authored() -> list[tuple[str, dict]]:
    return read_rows(AUTHORED_FILES)


@pytest.fixture(scope="module")
def pending() -> list[tuple[str, dict]]:
    return read_rows(PENDING_FILES)


@pytest.fixture(scope="module")
def annotations() -> list[tuple[str, dict]]:
    return read_rows(ANNOTATION_FILES)


@pytest.fixture(scope="module")
def data_dir() -> Path:
    from training.sources.paths import shared_data_dir

    try:
        return shared_data_dir()
    except FileNotFoundError as exc:
        pytest.skip(f"public data not available: {exc}")


@pytest.fixture(scope="module")
def records(data_dir) -> list[dict]:
    from training.data import corpus_records

    return corpus_records(data_dir)


# --- authored examples -----------------------------------------------------------


def test_authored_files_exist():
    assert len(AUTHORED_FILES) >= 6, f"expected the authored files in {AUTHORED_DIR}"


def test_authored_near_duplicate_rate(authored):
    from training.near_duplicates import near_duplicate_pairs, near_duplicate_rate

    replies = [row["reply"] for _, row in authored]
    rate = near_duplicate_rate(replies)
    examples = [f"{replies[i]!r} ~ {replies[j]!r}" for i, j, _ in near_duplicate_pairs(replies)[:5]]
    assert rate <= MAX_NEAR_DUPLICATE_RATE, f"near-duplicate rate {rate:.2%}; e.g. {examples}"


def record_problems(rows: list[tuple[str, dict]]) -> list[str]:
    """Schema problems of authored-style rows, one line each naming file and line."""
    problems = []
    for where, row in rows:
        if row.get("label") not in LABELS:
            problems.append(f"{where}: label {row.get('label')!r}")
        secondary = row.get("secondary")
        if not isinstance(secondary, list) or any(s not in LABELS for s in secondary):
            problems.append(f"{where}: secondary {secondary!r}")
        elif row.get("label") in secondary or len(set(secondary)) != len(secondary):
            problems.append(f"{where}: secondary repeats a label {secondary!r}")
        for key in ("reply", "disclosure"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                problems.append(f"{where}: empty {key}")
        if row.get("style") not in STYLES:
            problems.append(f"{where}: style {row.get('style')!r}")
    return problems


def test_authored_records_are_valid(authored):
    problems = record_problems(authored)
    assert not problems, "\n".join(problems[:20])


def test_pending_records_are_valid_pinned_to_train_and_unique_beside_authored(authored, pending):
    """Pending files can move into data/authored as they are: same schema, train only, no id clash."""
    problems = record_problems(pending)
    problems += [f"{where}: split {row.get('split')!r}" for where, row in pending if row.get("split") != "train"]
    problems += [f"id {i!r} missing or used more than once" for i in clashing_ids(authored + pending)]
    assert not problems, "\n".join(problems[:20])


def clashing_ids(rows: list[tuple[str, dict]]) -> list:
    """Ids that are missing (empty) or used by more than one row."""
    counts = Counter(row.get("id") for _, row in rows)
    return [i for i, n in counts.items() if n > 1 or not i]


def test_authored_ids_are_unique(authored):
    assert not clashing_ids(authored)


def test_authored_counts(authored):
    counts = Counter(row["label"] for _, row in authored)
    short = {label: (counts[label], need) for label, need in MIN_AUTHORED.items() if counts[label] < need}
    assert not short, f"authored examples below the minimum (have, need): {short}"


# --- reviewed references -----------------------------------------------------------


def test_annotation_rows_have_the_schema(annotations):
    problems = []
    for where, row in annotations:
        if set(row) - {"votes"} != ANNOTATION_KEYS:
            problems.append(f"{where}: keys {sorted(row)}")
            continue
        if "votes" in row:
            votes = row["votes"]
            if not isinstance(votes, list) or len(votes) not in (2, 3) or any(v is not None and v not in LABELS for v in votes):
                problems.append(f"{where}: votes {votes!r}")
            elif row["label"] != majority_label(votes):
                problems.append(f"{where}: label {row['label']!r} is not the majority of {votes}")
            elif len(votes) == 3 and votes[0] == votes[1]:
                problems.append(f"{where}: a third vote although the first two agree")
        problems += annotation_field_problems(where, row)
    assert not problems, "\n".join(problems[:20])


def annotation_field_problems(where: str, row: dict) -> list[str]:
    """Problems with an annotation row's source/ref, label, secondary and hard fields."""
    problems = []
    if not isinstance(row["source"], str) or not isinstance(row["ref"], str) or not row["ref"]:
        problems.append(f"{where}: source/ref")
    if row["label"] is not None and row["label"] not in LABELS:
        problems.append(f"{where}: label {row['label']!r}")
    if not isinstance(row["secondary"], list) or any(s not in LABELS for s in row["secondary"]):
        problems.append(f"{where}: secondary {row['secondary']!r}")
    if not isinstance(row["hard"], bool):
        problems.append(f"{where}: hard {row['hard']!r}")
    return problems


def test_annotation_refs_agree_across_files(annotations):
    labels: dict[tuple[str, str], set] = {}
    for _, row in annotations:
        labels.setdefault((row["source"], row["ref"]), set()).add(row["label"])
    conflicts = {k: v for k, v in labels.items() if len(v) > 1}
    assert not conflicts, f"the same reference labelled differently: {list(conflicts.items())[:10]}"


def test_annotation_refs_resolve(annotations, data_dir):
    from training.sources import resolve

    missing = []
    for where, row in annotations:
        try:
            rec = resolve(row["source"], row["ref"], data_dir)
        except (KeyError, ValueError) as exc:
            missing.append(f"{where}: {exc}")
            continue
        if not rec.reply.strip():
            missing.append(f"{where}: empty reply")
    assert not missing, "\n".join(missing[:20])


def test_cohen_kappa():
    assert cohen_kappa(["a", "b", "a", "b"], ["a", "b", "a", "b"]) == 1.0
    assert cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == 0.0
    assert cohen_kappa([], []) is None
    assert abs(cohen_kappa(["a", "a", "a", "b"], ["a", "a", "b", "b"]) - 0.5) < 1e-9


def test_majority_label():
    assert majority_label(["validating", "validating"]) == "validating"
    assert majority_label(["validating", "invalidating", "invalidating"]) == "invalidating"
    assert majority_label(["validating", "invalidating", "self-centering"]) is None
    assert majority_label([None, None, "validating"]) is None
    assert majority_label([]) is None


# --- the assembled corpus ------------------------------------------------------------


def test_test_split_is_curated_and_covers_every_label(records):
    test = [r for r in records if r["split"] == "test"]
    assert all(r["origin"] in ("authored", "reviewed") for r in test)
    counts = Counter(r["label"] for r in test)
    short = {label: counts[label] for label in LABELS if counts[label] < MIN_TEST_PER_LABEL}
    assert not short, f"test items per label below {MIN_TEST_PER_LABEL}: {short}"


def test_reviewed_references_never_return_with_their_rule_label(data_dir, annotations):
    # Rejected references included: a reviewer's "reject" must keep the rule label out of
    # train. Uncapped, since the default corpus takes no rule-mapped records at all.
    from training.data import corpus_records

    records = corpus_records(data_dir, mapped_cap=dict.fromkeys(LABELS, 10**6))
    reviewed = {f"{row['source']}:{row['ref']}" for _, row in annotations}
    mapped = [r["id"] for r in records if r["origin"] == "mapped"]
    leaked = [i for i in mapped if i in reviewed]
    assert mapped and not leaked, leaked[:10]


def test_reviewed_records_carry_their_votes_as_soft_targets(records):
    from training.finetune import soft_targets

    voted = [r for r in records if r["votes"]]
    assert voted and all(r["origin"] == "reviewed" for r in voted)
    assert all(not r["votes"] for r in records if r["origin"] != "reviewed")
    targets = soft_targets(voted)
    # The majority label always holds the largest share of a record's target.
    assert all(t[LABELS.index(r["label"])] == t.max() for r, t in zip(voted, targets))
    assert sum(1 for t in targets if t.max() < 1.0) > 100


def test_data_stats_cli(records, monkeypatch):
    from typer.testing import CliRunner

    import training.data
    from analyzer.cli import app

    monkeypatch.setattr(training.data, "corpus_records", lambda *a, **k: records)  # reuse the loaded corpus
    result = CliRunner().invoke(app, ["data", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert {"total", "by_label", "train_by_label", "by_source", "by_split"} <= set(stats)
    assert stats["total"] == len(records)
    assert set(stats["by_label"]) == set(LABELS)
    second = stats["double_annotation"]["train_second_votes"]
    table = CliRunner().invoke(app, ["data", "stats"])
    assert table.exit_code == 0, table.output
    assert "double-annotated (blind)" in table.output
    assert ("re-voted because a model doubted them" in table.output) == bool(second["items"])


# Single-annotated pools: drawn from train-side dialogs only; dev and test hold only
# double-annotated references (and authored examples).


def test_single_annotated_pools_stay_in_train(records, annotations):
    held_out = {r["id"] for r in records if r["split"] != "train"}
    single = {f"{row['source']}:{row['ref']}" for where, row in annotations
              if where.split(":")[0].endswith(SINGLE_ANNOTATED_POOLS) and row.get("label")}
    assert single and not single & held_out, sorted(single & held_out)[:10]


# Pending annotation rows (data/pending/annotations/): labelled, not yet in the corpus.

PENDING_ANNOTATION_FILES = sorted((AUTHORED_DIR.parent / "pending" / "annotations").glob("*.jsonl"))


def test_pending_annotations_are_valid_new_and_train_side(annotations, records, data_dir):
    from training.annotation_batches import ref_key
    from training.data import normalise_text, public_split
    from training.sources import resolve

    rows = read_rows(PENDING_ANNOTATION_FILES)
    assert rows, "data/pending/annotations/ holds no rows"
    problems = [f"{where}: keys {sorted(row)}" for where, row in rows if set(row) != ANNOTATION_KEYS]
    if problems:
        pytest.fail("\n".join(problems[:10]))
    for where, row in rows:
        problems += annotation_field_problems(where, row)
    problems += [f"{where}: secondary {row['secondary']!r} repeats the label" for where, row in rows
                 if row["label"] in row["secondary"]]
    refs = Counter(ref_key(row) for _, row in rows)
    problems += [f"{ref} annotated {n} times" for ref, n in refs.items() if n > 1]
    annotated = {ref_key(row) for _, row in annotations}
    problems += [f"{ref} is already in data/annotations" for ref in refs if ref in annotated]
    corpus_replies = {normalise_text(r["reply"]) for r in records}
    for where, row in rows:
        rec = resolve(row["source"], row["ref"], data_dir)
        if public_split(rec) != "train":
            problems.append(f"{where}: {ref_key(row)} falls in {public_split(rec)}")
        if normalise_text(rec.reply) in corpus_replies:
            problems.append(f"{where}: reply already in the corpus")
    assert not problems, problems[:10]
