"""Readers of the public data sets: invented fixtures in each source's real format,
ref round trips through ``resolve``, and (when ../shared/data exists) the real folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analyzer.labels import LABELS
from training import sources
from training.sources import SOURCES, iter_all, resolve
from training.sources.mapping import RULES
from training.sources.paths import ENV_VAR, shared_data_dir
from training.sources.record import SourceRecord

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
ADV, INV, SELF, VAL = LABELS


def by_ref(source: str, data_dir: Path = FIXTURES) -> dict[str, SourceRecord]:
    return {r.ref: r for r in SOURCES[source].iter_records(data_dir)}


@pytest.fixture(autouse=True)
def _fresh_cache():
    sources.clear_cache()
    yield
    sources.clear_cache()


# --- fixtures ---------------------------------------------------------------


def test_esconv_refs_disclosures_and_labels() -> None:
    recs = by_ref("esconv")
    assert list(recs) == [
        "train:0:1", "train:0:4", "train:0:6", "train:0:7", "train:0:9", "train:0:10",
        "train:1:0", "train:1:3", "train:1:5", "valid:0:1", "valid:0:3",
        "failed:0:1", "failed:0:3", "failed:0:4",
    ]  # seeker turns and the empty supporter turn (train:1:2) give no record
    # consecutive seeker turns join; a supporter turn after a supporter turn keeps the last seeker block
    assert recs["train:0:4"].disclosure == (
        "Not great. My landlord is raising the rent and I can't sleep.\nI keep checking my bank app at 3am."
    )
    assert recs["train:0:7"].disclosure == "Yeah. I feel stupid for not saving more."
    assert recs["train:1:0"].disclosure is None
    assert [(recs[r].label, recs[r].rule) for r in ("train:0:1", "train:0:4", "train:0:6", "train:0:7", "train:0:9", "train:0:10")] == [
        (None, "drop-greeting"), (VAL, "esconv-reflection"), (INV, "invalidating-denial-reassurance"),
        (ADV, "advice-suggestion-question"), (ADV, "esconv-suggestion"), (None, "drop-chat-task"),
    ]
    assert recs["train:1:3"].label == SELF
    assert recs["valid:0:1"].label == VAL and recs["valid:0:1"].rule == "self-disclosure-brief"
    assert recs["train:0:4"].group == recs["train:0:10"].group == "esconv:train:0"


def test_esconv_failed_json_old_schema() -> None:
    recs = by_ref("esconv")
    first = recs["failed:0:1"]
    assert first.disclosure == "I lost my job last week"  # trailing newline stripped
    assert first.native == "Questions"  # native strategy as written in failed.json
    assert (first.label, first.rule) == (ADV, "advice-suggestion-question")
    assert (recs["failed:0:3"].label, recs["failed:0:3"].native) == (INV, "Approval and Reassurance")
    assert recs["failed:0:4"].reply == "You should update your CV first."
    assert recs["failed:0:4"].rule == "esconv-suggestion"


def test_esconv_without_failed_json(tmp_path: Path) -> None:
    (tmp_path / "esconv").mkdir()
    for name in ("train.jsonl", "valid.jsonl"):
        (tmp_path / "esconv" / name).write_text((FIXTURES / "esconv" / name).read_text())
    assert not any(r.ref.startswith("failed:") for r in SOURCES["esconv"].iter_records(tmp_path))


def test_epitome_one_record_per_pair_with_levels() -> None:
    recs = by_ref("epitome")
    assert list(recs) == ["a1:r1", "a2:r2", "a3:r3", "a4:r4", "a2:r5"]
    assert recs["a1:r1"].native == "er=2,in=1,ex=2" and recs["a1:r1"].label == VAL
    assert recs["a4:r4"].native == "er=1,in=1,ex=0"  # listed twice (0 and 1): highest kept
    assert (recs["a2:r2"].label, recs["a2:r2"].rule) == (None, "epitome-zero-pool")
    assert recs["a3:r3"].label == SELF  # strong interpretation that is a take-over story
    assert recs["a2:r5"].label == INV
    assert recs["a2:r2"].group == recs["a2:r5"].group
    assert recs["a1:r1"].disclosure == "I haven't left my room in four days and nobody has noticed."


def test_diasafety_refs_and_rules() -> None:
    recs = by_ref("diasafety")
    assert list(recs) == ["train:0", "train:1", "train:3", "val:0", "test:0"]  # train:2 has an empty response
    assert recs["train:0"].native == "Risk Ignorance/Unsafe"
    assert (recs["train:0"].label, recs["train:0"].rule) == (None, "diasafety-pool")
    assert recs["train:1"].label == ADV
    assert recs["train:0"].group == recs["train:3"].group != recs["val:0"].group  # same context, same group


def test_empathetic_intents_rows_and_disclosures() -> None:
    recs = by_ref("empathetic_intents")
    assert list(recs) == ["sad:2", "sad:4", "sad:7", "sad:9"]  # joyful.csv is not a disclosure
    assert recs["sad:2"].disclosure == "My grandma moved into a care home last week."
    assert recs["sad:4"].disclosure == "She seems okay, but I miss our Sunday lunches, honestly."
    assert [recs[r].label for r in recs] == [VAL, ADV, INV, None]
    assert recs["sad:9"].native == "agreeing"
    assert recs["sad:2"].group == "empathetic_intents:hit:1_conv:2"
    with (FIXTURES / "empathetic_intents" / "empatheticdialogues_annotated" / "sad.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    for ref, rec in recs.items():
        row = rows[int(ref.split(":")[1])]
        assert (row[2], row[3]) == ("listener", rec.reply)


def test_empathetic_intents_positive_emotions_resolve_unmapped() -> None:
    rec = resolve("empathetic_intents", "joyful:2", FIXTURES)
    assert (rec.label, rec.rule, rec.reply) == (None, "ed-not-negative-emotion", "That is wonderful! What breed is it?")
    all_recs = list(SOURCES["empathetic_intents"].iter_records(FIXTURES, include_non_disclosures=True))
    assert len(all_recs) == 5


def test_empathetic_intents_bad_header(tmp_path: Path) -> None:
    folder = tmp_path / "empathetic_intents" / "empatheticdialogues_annotated"
    folder.mkdir(parents=True)
    (folder / "sad.csv").write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ValueError, match="expected header"):
        list(SOURCES["empathetic_intents"].iter_records(tmp_path))


def test_ucc_scores_in_native() -> None:
    recs = by_ref("ucc")
    assert list(recs) == ["val:1001", "val:1002", "test:2001"]
    assert recs["val:1001"].native == "dismissive=0.40,condescending=0.00,sarcastic=0.80"
    assert recs["test:2001"].native == "dismissive=0.90,condescending=0.75,sarcastic=0.00"
    assert all(r.disclosure is None and r.label is None and r.rule == "ucc-tone-only" for r in recs.values())


# --- shared behaviour ------------------------------------------------------


def test_every_fixture_record_round_trips_and_is_well_formed() -> None:
    recs = list(iter_all(FIXTURES))
    assert {r.source for r in recs} == set(SOURCES)
    for rec in recs:
        assert resolve(rec.source, rec.ref, FIXTURES) == rec
        assert rec.label is None or rec.label in LABELS
        assert rec.rule in RULES
        assert rec.reply and rec.reply == rec.reply.strip()
        row = rec.to_dict()
        assert row["id"] == f"{rec.source}:{rec.ref}"
        assert {"id", "disclosure", "reply", "label", "secondary", "source"} <= row.keys()
        json.dumps(row)


def test_iter_all_selected_sources_and_unknown_source() -> None:
    assert {r.source for r in iter_all(FIXTURES, ["ucc", "epitome"])} == {"ucc", "epitome"}
    with pytest.raises(ValueError, match="unknown source"):
        list(iter_all(FIXTURES, ["nope"]))
    with pytest.raises(ValueError, match="unknown source"):
        resolve("nope", "x", FIXTURES)


def test_resolve_missing_ref_and_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(KeyError, match="train:0:0"):
        resolve("esconv", "train:0:0", FIXTURES)  # a seeker turn is not a reply
    calls = []
    original = SOURCES["ucc"].iter_records
    monkeypatch.setattr(SOURCES["ucc"], "iter_records", lambda d: calls.append(d) or original(d))
    for _ in range(3):
        resolve("ucc", "val:1001", FIXTURES)
    assert len(calls) == 1


def test_to_dict_schema() -> None:
    rec = SourceRecord("esconv", "train:3:5", "my cat died", "I'm so sorry.", VAL, [], "Reflection of feelings", "esconv-reflection")
    assert rec.to_dict() == {
        "id": "esconv:train:3:5", "disclosure": "my cat died", "reply": "I'm so sorry.", "label": VAL,
        "secondary": [], "source": "esconv", "ref": "train:3:5", "native": "Reflection of feelings",
        "rule": "esconv-reflection", "group": "esconv:train:3:5",
    }


def test_shared_data_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert shared_data_dir() == tmp_path
    missing = tmp_path / "not-there"
    monkeypatch.setenv(ENV_VAR, str(missing))
    with pytest.raises(FileNotFoundError, match="not-there"):
        shared_data_dir()


def test_stats_command_on_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    from training.sources.__main__ import count, main

    stats = count(FIXTURES, list(SOURCES))
    assert stats["esconv"]["total"] == 14 and stats["esconv"]["dropped"] == 4
    main(["--data", str(FIXTURES), "--rules", "ucc"])
    out = capsys.readouterr().out
    assert "ucc" in out and "ucc-tone-only" in out


# --- the real shared folder --------------------------------------------------

try:
    REAL: Path | None = shared_data_dir()
except FileNotFoundError:
    REAL = None
needs_shared = pytest.mark.skipif(REAL is None, reason="shared data folder ../shared/data (or $REPLY_ANALYZER_DATA) not found")

# Totals are properties of the data (replies present), not of the mapping rules.
REAL_TOTALS = {"esconv": 17858, "epitome": 3023, "diasafety": 11206, "empathetic_intents": 25349, "ucc": 8852}


def _raw_reply(source: str, ref: str, data_dir: Path) -> str:
    """Look a ref up in the raw files, independently of the readers."""
    folder = data_dir / source
    if source == "esconv":
        split, index, turn = ref.split(":")
        if split == "failed":
            dialog = json.loads((folder / "failed.json").read_text())[int(index)]["dialog"]
            return dialog[int(turn)]["content"].strip()
        with (folder / f"{split}.jsonl").open() as fh:
            line = next(line for i, line in enumerate(fh) if i == int(index))
        return json.loads(line)["dialog"][int(turn)]["text"].strip()
    if source == "epitome":
        sp, rp = ref.split(":")
        # the three csvs differ slightly in whitespace/wording; the reader keeps the first file's text
        with (folder / "emotional-reactions-reddit.csv").open(newline="") as fh:
            return next(r["response_post"].strip() for r in csv.DictReader(fh) if (r["sp_id"], r["rp_id"]) == (sp, rp))
    if source == "diasafety":
        split, index = ref.split(":")
        return json.loads((folder / f"{split}.json").read_text())[int(index)]["response"].strip()
    if source == "empathetic_intents":
        emotion, row = ref.split(":")
        with (folder / "empatheticdialogues_annotated" / f"{emotion}.csv").open(newline="") as fh:
            rows = list(csv.reader(fh))[1:]
        assert rows[int(row)][2] == "listener"
        return rows[int(row)][3].strip()
    split, unit = ref.split(":")
    with (folder / f"{split}.csv").open(newline="") as fh:
        return next(r["comment"].strip() for r in csv.DictReader(fh) if r["_unit_id"] == unit)


@pytest.mark.needs_shared
@needs_shared
@pytest.mark.parametrize("source", list(SOURCES))
def test_real_folder_counts_and_round_trip(source: str) -> None:
    assert REAL is not None
    recs = list(SOURCES[source].iter_records(REAL))
    assert len(recs) == REAL_TOTALS[source]
    assert len({r.ref for r in recs}) == len(recs)
    assert all(r.rule in RULES for r in recs)
    sample = recs[:: max(1, len(recs) // 15)][:15] + recs[-1:]
    for rec in sample:
        assert resolve(source, rec.ref, REAL) == rec
        assert _raw_reply(source, rec.ref, REAL) == rec.reply
