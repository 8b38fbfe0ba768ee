"""Blind annotation batches: pool selection, batch/key files, merging labels back."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from training.annotation_batches import merge_labels, pool_of, write_batches
from training.sources.record import SourceRecord


def _rec(source: str, reply: str, rule: str = "", native: str = "") -> SourceRecord:
    return SourceRecord(source=source, ref="r1", disclosure="my dog died", reply=reply, label=None, rule=rule, native=native)


@pytest.mark.parametrize(
    ("rec", "pool"),
    [
        (_rec("empathetic_intents", "At least he had a long life", "ed-consoling"), "ed-cue-phrases"),
        (_rec("empathetic_intents", "I had a cat once", "ed-unmapped-intent", "neutral"), "ed-neutral-agreeing"),
        (_rec("empathetic_intents", "I had a cat once", "ed-unmapped-intent", "wishing"), None),
        (_rec("empathetic_intents", "That is so sad", "ed-sympathizing"), None),
        (_rec("esconv", "I went through a breakup too", "self-disclosure-takeover"), "esconv-self-disclosure"),
        (_rec("esconv", "Don't worry, it will pass", "esconv-affirmation"), "esconv-cue-phrases"),
        (_rec("esconv", "Hi there!", "drop-greeting"), None),
        (_rec("epitome", "same", "epitome-zero-pool"), "epitome-zero-or-self"),
        (_rec("epitome", "you got this", "epitome-strong"), None),
        (_rec("diasafety", "I'm sorry", "diasafety-pool", "Risk Ignorance/Safe"), "diasafety-risk-safe"),
        (_rec("diasafety", "I'm sorry", "diasafety-pool", "Risk Ignorance/Unsafe"), None),
    ],
)
def test_pool_of(rec, pool):
    assert pool_of(rec) == pool


def _items(n: int) -> list[dict]:
    return [{"source": "esconv", "ref": f"train:{i}:1", "pool": "p", "disclosure": f"d{i}", "reply": f"r{i}"} for i in range(n)]


def test_batches_are_blind_and_the_key_maps_every_item(tmp_path):
    counts = write_batches(_items(10), tmp_path, 3)
    assert counts == {"p": 10}
    batch_rows = [json.loads(l) for k in (1, 2, 3) for l in (tmp_path / f"batch-{k}.jsonl").read_text().splitlines()]
    assert all(set(r) == {"item", "disclosure", "reply"} for r in batch_rows)  # no source, no rule label
    key = [json.loads(l) for l in (tmp_path / "key.jsonl").read_text().splitlines()]
    assert sorted(r["item"] for r in key) == sorted(r["item"] for r in batch_rows)
    assert len({r["ref"] for r in key}) == 10


def test_merge_turns_labels_into_annotation_rows(tmp_path):
    write_batches(_items(3), tmp_path, 1)
    (tmp_path / "labels-1.jsonl").write_text(
        json.dumps({"item": "p1-0001", "label": "validating", "secondary": ["validating", "advice-giving"], "hard": True, "note": " ok "}) + "\n"
        + json.dumps({"item": "p1-0003", "label": None, "secondary": ["advice-giving"], "note": "rejected: chatter"}) + "\n"
    )
    rows = merge_labels(tmp_path, [tmp_path / "labels-1.jsonl"])
    assert rows == [
        {"source": "esconv", "ref": "train:0:1", "label": "validating", "secondary": ["advice-giving"], "hard": True, "note": "ok"},
        {"source": "esconv", "ref": "train:2:1", "label": None, "secondary": [], "hard": False, "note": "rejected: chatter"},
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"item": "p1-0009", "label": "validating"}', "unknown item"),
        ('{"item": "p1-0001", "label": "supportive"}', "unknown label"),
        ('{"item": "p1-0001", "label": "validating", "secondary": ["kind"]}', "unknown label"),
        ("not json", "not JSON"),
    ],
)
def test_merge_names_file_and_line_of_a_bad_row(tmp_path, line, message):
    write_batches(_items(2), tmp_path, 1)
    path = tmp_path / "labels-1.jsonl"
    path.write_text('{"item": "p1-0002", "label": "invalidating"}\n' + line + "\n")
    with pytest.raises(ValueError, match=rf"labels-1.jsonl:2: {message}"):
        merge_labels(tmp_path, [path])


def test_merge_refuses_an_item_labelled_twice(tmp_path):
    write_batches(_items(1), tmp_path, 1)
    row = json.dumps({"item": "p1-0001", "label": "validating"})
    (tmp_path / "labels-1.jsonl").write_text(row + "\n")
    (tmp_path / "labels-2.jsonl").write_text(row + "\n")
    with pytest.raises(ValueError, match="labels-2.jsonl:1: item p1-0001 labelled twice"):
        merge_labels(tmp_path, [tmp_path / "labels-1.jsonl", tmp_path / "labels-2.jsonl"])


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_pool_of_takes_any_reply_text(reply):
    for source, rule, native in (("empathetic_intents", "ed-unmapped-intent", "neutral"), ("esconv", "esconv-others", ""),
                                 ("epitome", "epitome-weak", ""), ("diasafety", "diasafety-pool", "Offending User/Safe")):
        assert pool_of(_rec(source, reply, rule, native)) in (
            None, "ed-cue-phrases", "ed-neutral-agreeing", "esconv-cue-phrases")


def test_merge_of_a_folder_without_a_key_is_a_clear_error(tmp_path, capsys):
    from training.annotation_batches import main

    with pytest.raises(SystemExit) as exit_info:
        main(["merge", str(tmp_path), "--out", str(tmp_path / "rows.jsonl")])
    assert exit_info.value.code == 2
    assert "no key.jsonl" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("rec", "pool"),
    [
        (_rec("empathetic_intents", "That is so sad", "ed-sympathizing"), "uncertain-empathetic_intents"),
        (_rec("esconv", "Have you tried running?", "esconv-suggestion"), "uncertain-esconv"),
        (_rec("esconv", "Hi there!", "drop-greeting"), None),
        (_rec("epitome", "you got this", "epitome-strong"), "uncertain-epitome"),
        (_rec("diasafety", "I'm sorry", "diasafety-pool", "Risk Ignorance/Unsafe"), "uncertain-diasafety"),
        (_rec("diasafety", "I'm sorry", "diasafety-pool", "Risk Ignorance/Safe"), "uncertain-diasafety"),
        (_rec("diasafety", "Take ibuprofen", "diasafety-pool", "Unauthorized Expertise/Safe"), None),
        (_rec("diasafety", "So true", "diasafety-pool", "Toxicity Agreement/Unsafe"), None),
    ],
)
def test_uncertain_pool_takes_every_undropped_record_but_diasafety_non_disclosures(rec, pool):
    from training.annotation_batches import uncertain_pool_of

    assert uncertain_pool_of(rec) == pool


def test_least_sure_takes_the_smallest_margins_within_the_source_cap():
    from training.annotation_batches import least_sure

    items = [{"source": src, "ref": f"r{i}"} for i, src in enumerate(["a", "a", "a", "b", "b"])]
    probs = [
        [0.40, 0.38, 0.12, 0.10],  # a, margin 0.02
        [0.50, 0.45, 0.03, 0.02],  # a, margin 0.05
        [0.34, 0.33, 0.17, 0.16],  # a, margin 0.01
        [0.90, 0.05, 0.03, 0.02],  # b, margin 0.85
        [0.60, 0.30, 0.05, 0.05],  # b, margin 0.30
    ]
    picked = least_sure(items, probs, limit=4, max_share=0.5)
    assert sorted(r["ref"] for r in picked) == ["r0", "r2", "r3", "r4"]  # a capped at 2: r1 left out
    assert sorted(r["ref"] for r in least_sure(items, probs, limit=2, max_share=1.0)) == ["r0", "r2"]
    assert least_sure(items, probs, limit=10) == least_sure(list(reversed(items)), list(reversed(probs)), limit=10)


def test_draw_from_an_unusable_model_folder_is_a_usage_error(tmp_path, capsys):
    from training.annotation_batches import main

    with pytest.raises(SystemExit) as exit_info:
        main(["draw", "--uncertain", str(tmp_path), "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    assert str(tmp_path) in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_draw_skips_records_and_reply_texts_already_pending(tmp_path, monkeypatch):
    """A record labelled in data/pending/annotations is not drawn again, nor is its reply text."""
    import training.data
    from training.annotation_batches import ref_key, train_side_candidates, uncertain_pool_of
    from training.data import normalise_text
    from training.sources.paths import shared_data_dir

    try:
        data_dir = shared_data_dir()
    except FileNotFoundError as exc:
        pytest.skip(f"public data not available: {exc}")
    pending = tmp_path / "pending"
    pending.mkdir()
    monkeypatch.setattr(training.data, "PENDING_ANNOTATIONS_DIR", pending)
    before = list(train_side_candidates(data_dir, uncertain_pool_of))
    first = before[0]
    row = {"source": first["source"], "ref": first["ref"], "label": "validating", "secondary": [], "hard": False, "note": ""}
    (pending / "round.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    after = list(train_side_candidates(data_dir, uncertain_pool_of))
    assert ref_key(first) not in {ref_key(i) for i in after}
    assert normalise_text(first["reply"]) not in {normalise_text(i["reply"]) for i in after}
    assert len(after) == len(before) - 1
