"""Format detection, one-line errors for unknown/broken input, and fuzzing of every reader."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.chats import FORMATS, ChatFormatError, detect_format, iter_chat
from analyzer.chats.message import Message
from tests.chat_fixtures import input_path, manifest


def test_unknown_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\neggs\nmilk\n", encoding="utf-8")
    with pytest.raises(ChatFormatError) as err:
        detect_format(path)
    message = str(err.value)
    assert message.startswith("notes.txt: unrecognised chat export; expected a WhatsApp .txt, Telegram result.json")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unrecognised chat export"),
        (b'{"some": "json", "but": ["not", "a", "chat"]', "unrecognised chat export"),
        (b"<html><body>hi</body></html>", "unrecognised chat export"),
    ],
)
def test_unrecognised_inputs(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    with pytest.raises(ChatFormatError, match=f"^input.bin: {problem}"):
        detect_format(path)


def test_folder_zip_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ChatFormatError, match="is a folder; pass the export file itself"):
        detect_format(tmp_path)
    archive = tmp_path / "WhatsApp Chat.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_chat.txt", "x")
    with pytest.raises(ChatFormatError, match="is a zip archive; unzip the export"):
        detect_format(archive)
    with pytest.raises(ChatFormatError, match="^nope.txt: no such file"):
        detect_format(tmp_path / "nope.txt")
    with pytest.raises(ChatFormatError, match="unknown format 'pdf'"):
        iter_chat(input_path("sms"), "pdf")


def test_wrong_explicit_format_is_a_clear_error() -> None:
    with pytest.raises(ChatFormatError, match="no WhatsApp message lines found"):
        list(iter_chat(input_path("telegram_single"), "whatsapp"))
    with pytest.raises(ChatFormatError, match="broken XML|root element"):
        list(iter_chat(input_path("telegram_single"), "sms"))


def test_json_lines_that_look_like_an_export_key_order(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"sender": "Ana", "text": "hi"}) + "\n", encoding="utf-8")
    assert detect_format(path) == "jsonl"


# ----------------------------------------------------------------- fuzzing
READABLE = [f for f in FORMATS if f != "instagram"]
SAMPLES = {item["format"]: input_path(item["name"]).read_bytes() for item in manifest()}
NAMES = {"whatsapp": "_chat.txt", "telegram": "result.json", "messenger": "message_1.json", "discord": "x.json",
         "imessage": "x.txt", "sms": "sms.xml", "csv": "x.csv", "jsonl": "x.jsonl"}


@st.composite
def mutated(draw, fmt: str) -> bytes:
    data = SAMPLES[fmt]
    kind = draw(st.sampled_from(["truncate", "splice", "random", "repeat"]))
    if kind == "random":
        return draw(st.binary(max_size=400))
    i = draw(st.integers(0, len(data)))
    if kind == "truncate":
        return data[:i]
    if kind == "repeat":
        j = draw(st.integers(i, min(len(data), i + 300)))
        return data[:j] + data[i:j] + data[j:]
    junk = draw(st.binary(min_size=1, max_size=40) | st.text(max_size=40).map(lambda s: s.encode("utf-8")))
    return data[:i] + junk + data[i + draw(st.integers(0, 40)):]


def _check(path: Path, fmt: str) -> None:
    try:
        for conversation, msg in iter_chat(path, fmt):
            assert isinstance(conversation, str) and isinstance(msg, Message)
            assert isinstance(msg.sender, str) and isinstance(msg.text, str) and msg.text
    except ChatFormatError as err:
        assert "\n" not in str(err) and str(err).startswith(path.name + ": ")


@pytest.mark.parametrize("fmt", READABLE)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_readers_never_crash_on_damaged_input(tmp_path: Path, fmt: str, data) -> None:
    content = data.draw(mutated(fmt))
    path = tmp_path / NAMES[fmt]
    for stale in tmp_path.glob("message_*.json"):
        stale.unlink()
    path.write_bytes(content)
    _check(path, fmt)
    try:
        detected = detect_format(path)
    except ChatFormatError:
        return
    _check(path, detected)
