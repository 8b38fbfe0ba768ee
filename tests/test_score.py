"""score_inputs with a test double for the classifier: outputs, summary, modes, atomicity, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analyzer.chats import ChatFormatError
from analyzer.labels import LABELS
from analyzer.scoring.run import ScoreInputError, score_inputs, total_bytes
from tests.chat_fixtures import input_path
from tests.stub_analyzer import StubAnalyzer

CHAT_KEYS = ["file", "discloser", "replier", "time", "disclosure", "reply", "label", "scores", "cues"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_chat_export_to_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "pairs.jsonl"
    summary = score_inputs([input_path("wa_android_us")], StubAnalyzer(), output=out)
    rows = read_jsonl(out)
    assert rows and all(list(r) == CHAT_KEYS for r in rows)
    first = rows[0]
    assert first["discloser"] == "Maya" and first["replier"] == "Jordan"
    assert first["disclosure"].startswith("ok so I need to tell you something") and first["time"] == "2023-03-14T17:21:00"
    assert set(first["scores"]) == set(LABELS) and first["label"] in LABELS
    assert summary["mode"] == "chat" and summary["rows"] == len(rows)
    assert summary["files"][0]["messages"] == 59 and summary["disclosures"] >= summary["rows"] - 2
    shares = summary["repliers"]["Jordan"]["labels"]
    assert abs(sum(shares.values()) - 1) < 1e-6
    assert sum(s["pairs"] for s in summary["repliers"].values()) == len(rows)


def test_chat_export_to_csv(tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    score_inputs([input_path("discord_channel")], StubAnalyzer(), output=out)
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == ["file", "discloser", "replier", "time", "disclosure", "reply", "label",
                                 *[f"score_{label}" for label in LABELS], "cues"]
    assert rows and all(float(r["score_validating"]) >= 0 for r in rows)
    assert isinstance(json.loads(rows[0]["cues"]), list)


def test_reply_rows_pass_columns_through(tmp_path: Path) -> None:
    data = tmp_path / "labelled.jsonl"
    records = [
        {"id": "r1", "disclosure": "I failed my exam", "reply": "you should study more", "label": "advice-giving", "split": "test"},
        {"id": "r2", "disclosure": None, "reply": "I'm so sorry, that sounds hard", "label": "validating", "note": "x"},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "scored.jsonl"
    stub = StubAnalyzer()
    summary = score_inputs([data], stub, output=out)
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == ["r1", "r2"]
    assert rows[0]["input_label"] == "advice-giving" and rows[0]["label"] == "advice-giving" and rows[0]["split"] == "test"
    assert rows[1]["note"] == "x" and set(rows[1]["scores"]) == set(LABELS)
    assert stub.seen == [("I failed my exam", "you should study more"), (None, "I'm so sorry, that sounds hard")]
    assert summary["mode"] == "rows" and summary["rows"] == 2
    out_csv = tmp_path / "scored.csv"
    score_inputs([data], StubAnalyzer(), output=out_csv)
    header = out_csv.read_text("utf-8").splitlines()[0].split(",")
    assert header[:4] == ["id", "disclosure", "reply", "input_label"] and header[-5:] == ["label", *[f"score_{x}" for x in LABELS]]


def test_rows_need_reply_text(tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    data.write_text("reply,disclosure\nok,fine\n,empty\n", encoding="utf-8")
    with pytest.raises(ChatFormatError, match="^rows.csv: row 2 has no reply text"):
        score_inputs([data], StubAnalyzer(), output=tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


def test_mixing_rows_and_chats_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text('{"reply": "hi"}\n', encoding="utf-8")
    with pytest.raises(ScoreInputError, match="cannot mix reply-row files"):
        score_inputs([data, input_path("sms")], StubAnalyzer())


def test_me_filters_replies_and_names_the_phone_owner(tmp_path: Path) -> None:
    out = tmp_path / "mine.jsonl"
    summary = score_inputs([input_path("sms")], StubAnalyzer(), output=out, me="Sam")
    rows = read_jsonl(out)
    assert rows and {r["replier"] for r in rows} == {"Sam"}
    assert list(summary["repliers"]) == ["Sam"]
    summary = score_inputs([input_path("wa_android_us")], StubAnalyzer(), me="Nobody")
    assert summary["rows"] == 0 and "--me 'Nobody' matches no sender; senders: Jordan, Maya" in summary["warnings"][0]


def test_all_turns(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    summary = score_inputs([input_path("generic_jsonl")], StubAnalyzer(), output=out, all_turns=True)
    rows = read_jsonl(out)
    assert len(rows) == summary["turns"] and any(r["paired"] for r in rows) and not all(r["paired"] for r in rows)
    assert rows[0]["disclosure"] is None


def test_failure_leaves_no_partial_output(tmp_path: Path) -> None:
    class Exploding(StubAnalyzer):
        def analyze_many(self, pairs, batch_size=64):
            for i, result in enumerate(super().analyze_many(pairs, batch_size)):
                if i == 2:
                    raise RuntimeError("boom")
                yield result

    out = tmp_path / "pairs.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        score_inputs([input_path("wa_android_us")], Exploding(), output=out, report=tmp_path / "r.html")
    assert out.read_text("utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs.jsonl"]


def test_progress_counts_every_byte(tmp_path: Path) -> None:
    seen: list[int] = []
    path = input_path("messenger")
    score_inputs([path], StubAnalyzer(), progress=seen.append)
    assert sum(seen) == total_bytes([path]) == sum(p.stat().st_size for p in path.parent.glob("message_*.json"))


def test_bad_arguments(tmp_path: Path) -> None:
    stub = StubAnalyzer()
    with pytest.raises(ScoreInputError, match="--output must end in .jsonl or .csv"):
        score_inputs([input_path("sms")], stub, output=tmp_path / "x.txt")
    with pytest.raises(ScoreInputError, match="--report must end in .html"):
        score_inputs([input_path("sms")], stub, report=tmp_path / "x.pdf")
    with pytest.raises(ScoreInputError, match="does not exist"):
        score_inputs([input_path("sms")], stub, output=tmp_path / "no" / "x.jsonl")
    with pytest.raises(ScoreInputError, match="no input files"):
        score_inputs([], stub)
    with pytest.raises(ChatFormatError, match="no such file"):
        score_inputs([tmp_path / "missing.txt"], stub)


def test_stdout_output(capsys) -> None:
    score_inputs([input_path("imessage")], StubAnalyzer(), output=Path("-"))
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(json.loads(line)["file"].endswith("Dana.txt") for line in lines)


def test_many_files_and_formats_in_one_run(tmp_path: Path) -> None:
    names = ["wa_ios_uk", "telegram_full", "instagram", "discord_dm", "imessage", "sms", "generic_csv"]
    summary = score_inputs([input_path(n) for n in names], StubAnalyzer(), output=tmp_path / "all.jsonl",
                           report=tmp_path / "all.html")
    assert [f["format"] for f in summary["files"]] == ["whatsapp", "telegram", "messenger", "discord", "imessage", "sms", "csv"]
    assert all(f["rows"] > 0 for f in summary["files"])
    assert (tmp_path / "all.html").stat().st_size > 5000


def test_row_fixtures(tmp_path: Path) -> None:
    """The committed labelled-data (DESIGN schema) and generic reply CSV fixtures."""
    from tests.chat_fixtures import FIXTURES

    labelled, replies = FIXTURES / "rows" / "labelled.jsonl", FIXTURES / "rows" / "replies.csv"
    out = tmp_path / "labelled.scored.jsonl"
    summary = score_inputs([labelled], StubAnalyzer(), output=out)
    rows = read_jsonl(out)
    assert summary["rows"] == 5 and [r["id"] for r in rows] == ["fx-001", "fx-002", "fx-003", "fx-004", "fx-005"]
    assert rows[3]["disclosure"] is None and rows[3]["secondary"] == ["invalidating"] and rows[4]["topic"] == "pets"
    assert all(r["input_label"] in LABELS and r["label"] in LABELS for r in rows)
    out_csv = tmp_path / "replies.scored.csv"
    score_inputs([replies], StubAnalyzer(), output=out_csv, report=tmp_path / "rows.html")
    with out_csv.open(encoding="utf-8", newline="") as fh:
        scored = list(csv.DictReader(fh))
    assert [r["thread"] for r in scored] == ["t1", "t2", "t3", "t4"] and scored[3]["reviewer_note"] == "multi\nline note"
    assert "2024-01-29" in (tmp_path / "rows.html").read_text("utf-8")  # the week of the rows' "when" column
