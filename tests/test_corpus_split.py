"""Corpus assembly: deterministic splits, no reply text in two splits, mapped data only in train."""

from __future__ import annotations

from collections import Counter

import pytest

from training.data import assemble, normalise_text, split_for


def rec(reply, label="validating", origin="authored", source="authored"):
    return {"id": reply, "disclosure": None, "reply": reply, "label": label, "secondary": [], "source": source,
            "origin": origin, "hard": False, "style": ""}


def test_split_is_deterministic_and_ignores_case_and_spacing():
    assert split_for("That sounds  hard") == split_for("that sounds hard ")
    shares = Counter(split_for(f"reply number {i}") for i in range(4000))
    assert 0.12 < shares["test"] / 4000 < 0.18
    assert 0.07 < shares["dev"] / 4000 < 0.13


def test_assemble_dedupes_and_keeps_mapped_out_of_dev_and_test():
    curated = [rec(f"curated reply {i}") for i in range(300)] + [rec("Curated reply 1")]  # duplicate by case
    mapped = [rec(f"mapped reply {i}", "advice-giving", "mapped", "esconv") for i in range(300)]
    mapped.append(rec("curated reply 2", "advice-giving", "mapped", "esconv"))  # twin of a curated reply
    out = assemble(curated, mapped, mapped_cap={"advice-giving": 50})
    keys = [normalise_text(r["reply"]) for r in out]
    assert len(keys) == len(set(keys))
    assert all(r["split"] == "train" for r in out if r["origin"] == "mapped")
    assert sum(r["origin"] == "mapped" for r in out) == 50
    twin = [r for r in out if normalise_text(r["reply"]) == "curated reply 2"]
    assert len(twin) == 1 and twin[0]["origin"] == "authored"


def test_no_reply_in_two_splits_in_real_corpus():
    from training.data import corpus_records

    try:
        records = corpus_records()
    except FileNotFoundError as exc:
        pytest.skip(f"shared data missing: {exc}")
    splits: dict[str, set[str]] = {}
    for r in records:
        splits.setdefault(normalise_text(r["reply"]), set()).add(r["split"])
    assert all(len(s) == 1 for s in splits.values())
    test = [r for r in records if r["split"] == "test"]
    assert all(r["origin"] != "mapped" for r in test)


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--teacher", "no-such-folder"], "--teacher: model folder no-such-folder does not exist"),
     (["--teacher", "models/default", "--distill-weight", "1.5"], "--distill-weight must be in (0, 1], got 1.5")],
)
def test_train_cli_rejects_a_bad_teacher_before_reading_data(args, expected, capsys, monkeypatch):
    import training.data
    from training.train import main

    monkeypatch.setattr(training.data, "corpus_records", lambda **_: pytest.fail("read the corpus"))
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["-1", "two", "1.5"])
def test_train_cli_rejects_a_bad_mapped_cap_before_reading_data(bad, capsys):
    from training.train import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--mapped-cap", bad])
    assert exit_info.value.code == 2
    assert "must be a whole number >= 0" in capsys.readouterr().err


def test_rows_pinned_to_train_stay_there_and_never_displace_a_held_out_reply():
    held_out = [r for r in (rec(f"reply number {i}") for i in range(200)) if split_for(r["reply"]) != "train"]
    pinned = [{**rec(r["reply"].upper(), "self-centering"), "pinned_split": "train"} for r in held_out[:5]]
    pinned += [{**r, "pinned_split": "train"} for r in (rec(f"pinned reply {i}") for i in range(40))]
    out = assemble(pinned + held_out, [])
    by_key = {normalise_text(r["reply"]): r for r in out}
    # The held-out twins keep their label and split although the pinned copies came first.
    assert all(by_key[normalise_text(r["reply"])]["split"] == split_for(r["reply"]) != "train" for r in held_out)
    assert all(by_key[normalise_text(r["reply"])]["label"] == "validating" for r in held_out)
    assert sum(r["reply"].startswith("pinned") for r in out) == 40
    assert all(r["split"] == "train" for r in out if r["reply"].startswith("pinned"))


def test_authored_rows_may_only_be_pinned_to_train(tmp_path):
    from training.data import iter_authored

    (tmp_path / "a.jsonl").write_text(
        '{"reply": "same but worse lol", "label": "self-centering", "split": "train"}\n'
        '{"reply": "that sounds hard", "label": "validating"}\n', encoding="utf-8")
    rows = list(iter_authored(tmp_path))
    assert rows[0]["pinned_split"] == "train" and "pinned_split" not in rows[1]
    (tmp_path / "b.jsonl").write_text('{"reply": "ok", "label": "validating", "split": "test"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"b\.jsonl:1: \"split\" may only be \"train\""):
        list(iter_authored(tmp_path))
