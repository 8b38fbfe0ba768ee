"""training.generalisation: metrics, held-out fits and slices, with a stub model (no spaCy, fast)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import training.generalisation as gen
from analyzer.labels import LABEL2ID, LABELS


def rec(i, label, source="authored", style="texting", split="test"):
    return {"id": str(i), "reply": f"{label} reply {i} {source} {style}", "label": label, "source": source,
            "style": style if source == "authored" else "", "split": split}


def corpus():
    out = []
    for i in range(160):
        label = LABELS[i % 4]
        source = ("authored", "esconv")[i % 2]
        style = ("texting", "formal")[(i // 2) % 2]
        out.append(rec(i, label, source, style, "test" if i % 5 == 0 else "train"))
    return out


def keyword_fitter(seen: list[set[str]]):
    """A stub Fitter: remembers the sources/styles it was trained on; predicts the label word."""

    def fit(train):
        seen.append({r["source"] for r in train} | {r["style"] for r in train if r["style"]})

        def predict(records):
            return np.array([LABEL2ID[r["reply"].split()[0]] for r in records])

        return predict

    return fit


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40))
def test_macro_f1_matches_sklearn(pairs):
    from sklearn.metrics import f1_score

    gold, pred = zip(*pairs)
    present = sorted(set(gold))
    expected = f1_score(gold, pred, labels=present, average="macro", zero_division=0)
    assert gen.macro_f1(gold, pred) == pytest.approx(expected)


def test_leave_one_out_drops_the_group_from_train():
    records = corpus()
    seen: list[set[str]] = []
    fit = keyword_fitter(seen)
    _, test = gen.split_records(records)
    reference = fit([r for r in records if r["split"] == "train"])(test)
    rows = gen.leave_one_out(records, gen.source_of, ("authored", "esconv", "ucc"), fit, reference, "src: ", rounds=50)
    assert [r.setting for r in rows] == ["src: authored", "src: esconv"]  # no ucc test items: skipped
    assert seen[1] == {"esconv"} and "esconv" not in seen[2]  # seen[0] is the reference fit
    assert all(r.n == 16 and r.in_dist == 1.0 and r.held_out == 1.0 and r.delta == 0.0 for r in rows)
    style_rows = gen.leave_one_out(records, gen.style_of, gen.STYLES, fit, reference, "style: ", rounds=0)
    assert [r.setting for r in style_rows] == ["style: texting", "style: formal"]
    assert style_rows[0].n == 8  # authored test items of that style only


def test_cue_slices_and_model_free_run():
    records = corpus()
    table = {r["reply"]: ({"label=validating": 1.0} if int(r["id"]) % 3 else {}) for r in records}
    report = gen.run(records, fit=keyword_fitter([]), table=table, rounds=20)
    names = [r.setting for r in report.rows]
    assert names[0] == "in-distribution: all test"
    assert any(n.startswith("leave source out") for n in names) and any(n.startswith("leave style out") for n in names)
    cue_rows = [r for r in report.rows if r.setting.startswith("no stock cue")]
    assert cue_rows and cue_rows[0].n + cue_rows[0].n_reference == report.sizes["test"]
    assert report.sizes["test_no_stock_cue"] == cue_rows[0].n


def test_bootstrap_interval_contains_the_delta():
    rng = np.random.default_rng(1)
    gold = rng.integers(0, 4, 200)
    a = np.where(rng.random(200) < 0.9, gold, (gold + 1) % 4)
    b = np.where(rng.random(200) < 0.6, gold, (gold + 1) % 4)
    low, high = gen.bootstrap_delta(gold, a, gold, b, paired=True, rounds=300)
    delta = gen.macro_f1(gold, b) - gen.macro_f1(gold, a)
    assert low <= delta <= high < 0


def test_cue_cache_round_trip(tmp_path, monkeypatch):
    calls: list[list[str]] = []

    def fake_build(texts, on_progress=None):
        calls.append(list(texts))
        return {t: {"n": float(len(t))} for t in texts}

    monkeypatch.setattr(gen, "build_cue_table", fake_build)
    monkeypatch.setattr(gen, "cue_fingerprint", lambda: "v1")
    cache = tmp_path / "cues.json"
    first = gen.load_cue_table(["a", "bb", "a"], cache)
    second = gen.load_cue_table(["a", "bb", "ccc"], cache)
    assert first == {"a": {"n": 1.0}, "bb": {"n": 2.0}}
    assert second["ccc"] == {"n": 3.0} and calls == [["a", "bb"], ["ccc"]]
    assert "bb" not in cache.read_text()  # only hashes of the texts are stored
    monkeypatch.setattr(gen, "cue_fingerprint", lambda: "v2")  # cue code changed: rebuild everything
    gen.load_cue_table(["a"], cache)
    assert calls[-1] == ["a"]
