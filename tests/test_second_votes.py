"""Second and third blind votes for single-annotated train references."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer.labels import LABELS
from training.annotation_batches import write_batches
from training.data import majority_label
from training.second_votes import apply_votes, combine, doubted, single_annotated_rows, third_items


def _row(ref: str, label: str | None, **extra) -> dict:
    return {"source": "esconv", "ref": ref, "label": label, "secondary": [], "hard": False, "note": "first", **extra}


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _read(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines()]


def test_only_labelled_rows_without_votes_are_candidates(tmp_path):
    _write(tmp_path / "train-pool-review.jsonl", [_row("a", "validating"), _row("b", None), _row("c", "invalidating", votes=["invalidating", "invalidating"])])
    _write(tmp_path / "esconv-failed.jsonl", [_row("d", "validating")])  # double-annotated pool: never redrawn
    rows = single_annotated_rows(tmp_path)
    assert [(r["ref"], r["file"]) for r in rows] == [("a", "train-pool-review.jsonl")]


def test_doubted_keeps_the_rows_the_model_disagrees_with():
    rows = [_row("a", "validating"), _row("b", "advice-giving"), _row("c", "self-centering")]
    assert [r["ref"] for r in doubted(rows, ["validating", "validating", "invalidating"])] == ["b", "c"]
    with pytest.raises(ValueError):
        doubted(rows, ["validating"])


def test_combine_takes_the_majority_and_flags_disagreement():
    first = _row("a", "validating", secondary=["invalidating"])
    agreed = combine(first, ["validating", "validating"], ["ok"])
    assert agreed["label"] == "validating" and agreed["hard"] is False and agreed["secondary"] == ["invalidating"]
    assert agreed["note"] == "first"
    changed = combine(first, ["validating", "invalidating", "invalidating"], ["'at least'", "minimises"])
    assert changed["label"] == "invalidating" and changed["hard"] is True
    assert changed["votes"] == ["validating", "invalidating", "invalidating"]
    assert changed["secondary"] == [] and "majority invalidating" in changed["note"] and "minimises" in changed["note"]
    rejected = combine(first, ["validating", "advice-giving", None], [])
    assert rejected["label"] is None and rejected["secondary"] == []


@given(st.lists(st.sampled_from([*LABELS, None]), min_size=2, max_size=3))
def test_combine_label_is_always_the_majority(votes):
    out = combine(_row("a", votes[0] or "validating"), votes, [])
    assert out["label"] == majority_label(votes)
    assert out["hard"] == (len(set(votes)) > 1)


def _second_round(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "annotations"
    folder.mkdir()
    _write(folder / "mapped-review.jsonl", [_row("a", "validating"), _row("b", "advice-giving"), _row("c", "self-centering"), _row("z", "validating")])
    second = tmp_path / "second"
    items = [{"source": "esconv", "ref": r, "pool": "mapped-review.jsonl", "disclosure": f"d-{r}", "reply": f"r-{r}"} for r in "abc"]
    write_batches(items, second, 1, prefix="s")
    _write(second / "labels-1.jsonl", [
        {"item": "s1-0001", "label": "validating", "note": "agree"},
        {"item": "s1-0002", "label": "invalidating", "note": "dismisses"},
        {"item": "s1-0003", "label": None, "note": "chatter"},
    ])
    return folder, second


def test_third_round_gets_only_the_disagreements_blind(tmp_path):
    folder, second = _second_round(tmp_path)
    third = third_items(second, folder)
    assert [(t["ref"], t["reply"]) for t in third] == [("b", "r-b"), ("c", "r-c")]


def test_apply_writes_votes_in_place_and_waits_for_third_votes(tmp_path):
    folder, second = _second_round(tmp_path)
    assert apply_votes(second, None, folder) == {"kept": 1, "awaiting third vote": 2}
    rows = {r["ref"]: r for r in _read(folder / "mapped-review.jsonl")}
    assert rows["a"]["votes"] == ["validating", "validating"] and rows["a"]["label"] == "validating"
    assert "votes" not in rows["b"] and "votes" not in rows["z"]

    third = tmp_path / "third"
    write_batches(third_items(second, folder), third, 1, prefix="t")
    _write(third / "labels-1.jsonl", [
        {"item": "t1-0001", "label": "invalidating", "note": "brushes off"},
        {"item": "t1-0002", "label": "validating", "note": "kind"},
    ])
    assert apply_votes(second, third, folder) == {"changed": 1, "rejected": 1}
    rows = {r["ref"]: r for r in _read(folder / "mapped-review.jsonl")}
    assert rows["b"]["label"] == "invalidating" and rows["b"]["hard"] and rows["b"]["votes"] == ["advice-giving", "invalidating", "invalidating"]
    assert rows["c"]["label"] is None and rows["c"]["votes"] == ["self-centering", None, "validating"]
    assert rows["a"]["votes"] == ["validating", "validating"]  # not voted twice
    assert rows["z"] == _row("z", "validating")


def test_agreement_figures_keep_the_rechecked_train_rows_apart(tmp_path):
    from training.data import double_annotation_stats

    _write(tmp_path / "esconv-failed.jsonl", [_row("a", "validating", votes=["validating", "validating"])])
    _write(tmp_path / "mapped-review.jsonl", [
        _row("b", "invalidating", votes=["advice-giving", "invalidating", "invalidating"]),
        _row("c", "validating"),
    ])
    stats = double_annotation_stats(tmp_path)
    assert stats["items"] == 1 and stats["first_two_agree"] == 1.0
    second = stats["train_second_votes"]
    assert second["items"] == 1 and second["first_two_agree"] == 0.0 and second["changed_label"] == 1


@pytest.mark.parametrize("command", [["apply"], ["third", "--out", "OUT"]])
def test_a_folder_without_batches_is_a_clear_error(tmp_path, capsys, command):
    from training.second_votes import main

    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    with pytest.raises(SystemExit) as exit_info:
        main([args[0], str(tmp_path / "missing"), *args[1:]])
    assert exit_info.value.code == 2
    assert "no key.jsonl" in capsys.readouterr().err


@pytest.mark.parametrize("module", ["training.second_votes", "training.annotation_batches"])
def test_draw_without_the_shared_data_is_a_clear_error(tmp_path, capsys, monkeypatch, module):
    import importlib

    monkeypatch.setenv("REPLY_ANALYZER_DATA", str(tmp_path / "no-such-folder"))
    with pytest.raises(SystemExit) as exit_info:
        importlib.import_module(module).main(["draw", "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    assert "shared data folder not found" in capsys.readouterr().err
