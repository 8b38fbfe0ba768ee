"""Reading users' labelled data: validation errors name file and line; property tests on bad input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from training.labelled_files import LabelledDataError, read_labelled


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_jsonl_and_csv(tmp_path):
    j = write(tmp_path, "a.jsonl", json.dumps({"reply": "that sounds hard", "label": "validating"}) + "\n\n")
    c = write(tmp_path, "b.csv", 'disclosure,reply,label,secondary\nmy cat died,"get a new one lol",invalidating,"advice-giving"\n')
    records = read_labelled([j, c])
    assert [r["label"] for r in records] == ["validating", "invalidating"]
    assert records[0]["disclosure"] is None and records[0]["source"] == "user"
    assert records[1]["secondary"] == ["advice-giving"]
    assert records[1]["id"] == "b:2"
    assert records[0]["votes"] == [] and records[1]["votes"] == []


def test_votes_are_kept_with_rejects_as_empty(tmp_path):
    j = write(tmp_path, "v.jsonl", json.dumps({"reply": "at least you tried", "label": "invalidating",
                                               "votes": ["invalidating", None, "validating"]}) + "\n")
    c = write(tmp_path, "v.csv", 'reply,label,votes\n"me too",self-centering,"self-centering;validating"\n')
    records = read_labelled([j, c])
    assert records[0]["votes"] == ["invalidating", "", "validating"]
    assert records[1]["votes"] == ["self-centering", "validating"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"reply": "ok", "label": "nice"}\n', "a.jsonl:1: unknown label 'nice'"),
        ('{"label": "validating"}\n', "a.jsonl:1: missing or empty 'reply'"),
        ('{"reply": "  ", "label": "validating"}\n', "missing or empty 'reply'"),
        ('{"reply": "ok", "label": "validating"}\n{oops\n', "a.jsonl:2: not valid JSON"),
        ('["reply"]\n', "a.jsonl:1: expected a JSON object"),
        ('{"reply": "ok"}\n', "a.jsonl:1: missing 'label'"),
        ('{"reply": "ok", "label": "validating", "split": "holdout"}\n', "'split' must be"),
        ('{"reply": "ok", "label": "validating", "secondary": ["x"]}\n', "unknown secondary label"),
        ('{"reply": "ok", "label": ["validating"]}\n', "a.jsonl:1: 'label' must be text"),
        ('{"reply": "ok", "label": "validating", "votes": ["validating", "kind"]}\n', "a.jsonl:1: unknown vote 'kind'"),
        ('{"reply": "ok", "label": "validating", "votes": 3}\n', "a.jsonl:1: 'votes' must be a list"),
        ('{"reply": "ok", "label": "validating", "split": ["test"]}\n', "'split' must be"),
        ("", "no records (empty file)"),
    ],
)
def test_bad_jsonl_names_file_and_line(tmp_path, content, message):
    p = write(tmp_path, "a.jsonl", content)
    with pytest.raises(LabelledDataError, match=None) as info:
        read_labelled([p])
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_csv_without_reply_column(tmp_path):
    p = write(tmp_path, "x.csv", "text,label\nhi,validating\n")
    with pytest.raises(LabelledDataError, match=r"x.csv:1: CSV header must have a 'reply' column"):
        read_labelled([p])


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(LabelledDataError, match="no such file"):
        read_labelled([tmp_path / "nope.jsonl"])
    b = tmp_path / "bin.jsonl"
    b.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(LabelledDataError, match="not UTF-8"):
        read_labelled([b])


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_unexpectedly(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    p.write_bytes(data)
    try:
        records = read_labelled([p])
    except LabelledDataError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(r["reply"].strip() and r["label"] for r in records)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["reply", "label", "disclosure", "secondary", "split", "id"]),
                                st.one_of(st.none(), st.text(max_size=20), st.integers(), st.lists(st.text(max_size=5), max_size=2))),
                min_size=1, max_size=5))
def test_arbitrary_json_objects_validate_or_fail_cleanly(tmp_path_factory, rows):
    p = tmp_path_factory.mktemp("fuzz") / "rows.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    try:
        read_labelled([p])
    except LabelledDataError as exc:
        assert str(exc).startswith(str(p))
