"""The disclosure detector: shipped model behaviour, held-out quality, overfit + save/load round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.disclosure import CUE_FEATURES, CueLexicon, DisclosureDetector, cue_features, default_detector, normalise

DATA = Path(__file__).resolve().parents[1] / "data" / "disclosures" / "turns.jsonl"


def rows() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]


def test_labelled_data_shape() -> None:
    data = rows()
    assert len(data) >= 400
    assert len({r["id"] for r in data}) == len(data)
    assert {r["split"] for r in data} == {"train", "test"}
    assert all(isinstance(r["disclosure"], bool) and r["text"].strip() for r in data)
    assert sum(r["disclosure"] for r in data) > 150 and sum(not r["disclosure"] for r in data) > 150
    assert sum(r["hard"] and not r["disclosure"] for r in data) >= 100  # hard negatives


def test_no_near_duplicates_between_splits() -> None:
    from training.near_duplicates import near_duplicate_pairs

    data = rows()
    pairs = near_duplicate_pairs([r["text"] for r in data])
    assert [(data[i]["text"], data[j]["text"]) for i, j, _ in pairs if data[i]["split"] != data[j]["split"]] == []


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("my boss tore my report apart in front of everyone, I feel like an idiot", True),
        ("I've been feeling so lonely since the move, I cry most nights", True),
        ("we lost the baby last week and I can't stop thinking about it", True),
        ("I love this song", False),
        ("I could cry 😂 they finally fixed the wifi", False),
        ("running 10 min late, save me a seat", False),
        ("that sounds awful, I'm so sorry. do you want to talk?", False),
    ],
)
def test_shipped_detector_examples(text: str, yes: bool) -> None:
    assert default_detector().is_disclosure(text) is yes


def test_held_out_quality_floor() -> None:
    """Regression floor on the test split (benchmarks/disclosure_benchmark.py gives the figures)."""
    test = [r for r in rows() if r["split"] == "test"]
    det = default_detector()
    pred = det.predict([r["text"] for r in test])
    gold = [r["disclosure"] for r in test]
    tp = sum(p and g for p, g in zip(pred, gold))
    precision = tp / max(1, sum(pred))
    recall = tp / max(1, sum(gold))
    assert precision >= 0.85 and recall >= 0.85, (precision, recall)


def test_cue_features() -> None:
    lex = CueLexicon.load()
    mine = dict(zip(CUE_FEATURES, cue_features(normalise("I feel so alone and scared"), lex)))
    theirs = dict(zip(CUE_FEATURES, cue_features(normalise("that must be so scary for you, I'm sorry"), lex)))
    assert mine["first_person_emotion_clauses"] > 0 and mine["second_person_emotion_clauses"] == 0
    assert theirs["second_person_emotion_clauses"] > 0 and theirs["support"] > 0
    joke = dict(zip(CUE_FEATURES, cue_features(normalise("I'm dying 😂 lol"), lex)))
    assert joke["laughter"] > 0 and joke["hyperbole"] > 0
    assert normalise("I\u2019m OK") == "i'm ok"


def test_overfit_then_save_load_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from training.disclosure_model import SklearnDisclosureModel

    texts = ["my dad died last night and I can't stop crying", "I got fired today and I feel worthless",
             "I'm so lonely since the breakup", "see you at 7", "lol that meme", "can you grab milk?"]
    labels = [True, True, True, False, False, False]
    model = SklearnDisclosureModel.train(texts, labels, c=100.0, threshold=0.5)
    assert [p >= 0.5 for p in model.predict_proba(texts)] == labels
    skops_path = tmp_path / "det.skops"
    model.save(skops_path)
    again = SklearnDisclosureModel.load(skops_path)
    assert again.predict_proba(texts) == pytest.approx(model.predict_proba(texts), abs=1e-12)
    weights = tmp_path / "det.json"
    model.to_detector().save(weights)
    detector = DisclosureDetector.load(weights)
    assert detector.predict(texts) == labels
    assert detector.predict_proba(texts) == pytest.approx(model.predict_proba(texts), abs=1e-9)


def test_shipped_weights_equal_the_shipped_sklearn_model() -> None:
    pytest.importorskip("sklearn")
    from training.disclosure_model import SKOPS_FILE, SklearnDisclosureModel

    texts = [r["text"] for r in rows()] + ["", "😂😂", "I I I I", "unseen words only: zyxq wvut"]
    model = SklearnDisclosureModel.load(SKOPS_FILE)
    assert default_detector().threshold == model.threshold
    assert default_detector().predict_proba(texts) == pytest.approx(model.predict_proba(texts), abs=1e-9)


class Gadget:  # a type no detector file may contain
    pass


def test_refuses_unexpected_files(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    import skops.io as sio
    from sklearn.pipeline import Pipeline

    from training.disclosure_model import SklearnDisclosureModel

    path = tmp_path / "evil.skops"
    sio.dump({"vectorizer": Gadget(), "classifier": None, "cue_features": list(CUE_FEATURES)}, path)
    with pytest.raises(ValueError, match="refusing to load unexpected types"):
        SklearnDisclosureModel.load(path)
    sio.dump({"vectorizer": Pipeline([("p", "passthrough")]), "classifier": None, "cue_features": list(CUE_FEATURES)}, path)
    with pytest.raises(ValueError, match="not a disclosure detector file"):
        SklearnDisclosureModel.load(path)
    bad = tmp_path / "w.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a disclosure detector file"):
        DisclosureDetector.load(bad)
    with pytest.raises(FileNotFoundError, match="disclosure detector not found"):
        DisclosureDetector.load(tmp_path / "missing.json")


def test_scoring_needs_no_sklearn() -> None:
    """The analyzer side imports neither scikit-learn nor scipy (they are training extras)."""
    import subprocess
    import sys

    code = ("import sys; from analyzer.disclosure import default_detector; default_detector().predict(['hi']);"
            "import analyzer.pairing, analyzer.chats, analyzer.scoring.run;"
            "bad = [m for m in ('sklearn', 'scipy', 'skops') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stdout + result.stderr


def test_fast_enough_for_big_exports() -> None:
    import time

    det = default_detector()
    texts = [r["text"] for r in rows()] * 6
    det.predict_proba(texts[:100])
    started = time.perf_counter()
    det.predict_proba(texts)
    assert len(texts) / (time.perf_counter() - started) > 2000  # turns per second, generous for a loaded CI box
