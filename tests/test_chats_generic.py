"""Generic CSV / JSONL chats and labelled reply rows."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from analyzer.chats import ChatFormatError, detect_format, is_row_input, iter_chat
from analyzer.chats.generic import iter_records
from analyzer.chats.timeparse import parse_timestamp


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("sender,timestamp,text", "Ana,2024-01-02T03:04:05,hello"),
        ("Author,Date,Message", "Ana,2024-01-02 03:04:05,hello"),
        ("from,time,body,chat_id", "Ana,2024-01-02T03:04:05,hello,c1"),
        ("speaker,created_at,content", "Ana,2024-01-02T03:04:05,hello"),
    ],
)
def test_csv_column_names(tmp_path: Path, header: str, row: str) -> None:
    path = tmp_path / "chat.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert detect_format(path) == "csv"
    [(conv, msg)] = list(iter_chat(path))
    assert (msg.sender, msg.time, msg.text) == ("Ana", datetime(2024, 1, 2, 3, 4, 5), "hello")
    assert conv == ("c1" if "chat_id" in header else "")


def test_jsonl_and_json_array(tmp_path: Path) -> None:
    rows = [{"user": "Ana", "ts": 1704164645, "msg": "hi"}, {"user": "Bo", "ts": 1704164645000, "msg": "hey"}]
    jsonl = tmp_path / "chat.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n", encoding="utf-8")
    array = tmp_path / "chat.json"
    array.write_text(json.dumps(rows), encoding="utf-8")
    for path in (jsonl, array):
        assert detect_format(path) == "jsonl"
        got = [(m.sender, m.time, m.text) for _, m in iter_chat(path)]
        when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        assert got == [("Ana", when, "hi"), ("Bo", when, "hey")]


def test_labelled_rows_are_row_input(tmp_path: Path) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps({"id": "a1", "disclosure": "I failed", "reply": "you should study", "label": "advice-giving",
                                "secondary": [], "source": "authored", "split": "test"}) + "\n", encoding="utf-8")
    assert is_row_input(path)
    with pytest.raises(ChatFormatError, match="holds reply rows"):
        iter_chat(path)
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text("reply,disclosure\nhi,hello\n", encoding="utf-8")
    assert is_row_input(csv_path) and list(iter_records(csv_path, "csv")) == [{"reply": "hi", "disclosure": "hello"}]


def test_missing_columns_and_bad_lines_are_clear(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^x.csv: no sender/text columns \(found: a, b\)"):
        list(iter_chat(path, "csv"))
    path = tmp_path / "x.jsonl"
    path.write_text('{"sender": "a", "text": "b"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^x.jsonl: line 2 is not valid JSON"):
        list(iter_chat(path, "jsonl"))
    path.write_text('{"sender": "a", "text": "b"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^x.jsonl: line 2 is not a JSON object"):
        list(iter_chat(path, "jsonl"))


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("2024-01-02T03:04:05.1234567+00:00", datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)),
        ("05-Jan-23 09:41 PM", datetime(2023, 1, 5, 21, 41)),
        ("1/5/2023 9:41 PM", datetime(2023, 1, 5, 21, 41)),
        (1704164645, datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("1704164645000", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
        (1e30, None),
    ],
)
def test_parse_timestamp(value: object, want: datetime | None) -> None:
    assert parse_timestamp(value) == want
