"""Telegram Desktop result.json: single-chat and full exports, text entities, skipped items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.chats import ChatFormatError, iter_chat
from analyzer.chats.telegram import message_text
from tests.chat_fixtures import input_path


def test_text_as_string_or_entity_list_joins_without_extra_spaces() -> None:
    assert message_text("plain") == "plain"
    assert message_text(["see ", {"type": "link", "text": "https://x.example"}, " now"]) == "see https://x.example now"
    assert message_text([{"type": "bold", "text": "wow"}, "!"]) == "wow!"
    assert message_text(None) == ""


def write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_service_forwarded_media_and_deleted_accounts(tmp_path: Path) -> None:
    doc = {"name": "Ana", "type": "personal_chat", "id": 1, "messages": [
        {"id": 1, "type": "service", "date": "2023-01-01T10:00:00", "actor": "Ana", "action": "phone_call", "text": ""},
        {"id": 2, "type": "message", "date": "2023-01-01T10:01:00", "from": "Ana", "text": "hi"},
        {"id": 3, "type": "message", "date": "2023-01-01T10:02:00", "from": "Bo", "forwarded_from": "News", "text": "headline"},
        {"id": 4, "type": "message", "date": "2023-01-01T10:03:00", "from": "Bo", "photo": "photos/1.jpg", "text": ""},
        {"id": 5, "type": "message", "date": "2023-01-01T10:04:00", "from": "Bo", "photo": "photos/2.jpg", "text": "caption"},
        {"id": 6, "type": "message", "date": "2023-01-01T10:05:00", "from": None, "text": "ghost"},
        {"id": 7, "type": "message", "date_unixtime": "1672567560", "from": "Ana", "text": "no local date"},
    ]}
    got = [(c, m.sender, m.text) for c, m in iter_chat(write(tmp_path, doc))]
    assert got == [("", "Ana", "hi"), ("", "Bo", "caption"), ("", "Deleted Account", "ghost"), ("", "Ana", "no local date")]


def test_full_export_keeps_chats_apart() -> None:
    convs = {c for c, _ in iter_chat(input_path("telegram_full"))}
    assert convs == {"chats/0", "chats/1"}


def test_truncated_json_is_a_clear_error(tmp_path: Path) -> None:
    text = input_path("telegram_single").read_text("utf-8")
    path = tmp_path / "result.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^result.json: broken JSON \(.*\); expected a Telegram Desktop export"):
        list(iter_chat(path, "telegram"))


def test_json_without_messages_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ChatFormatError, match="no 'messages' list found"):
        list(iter_chat(write(tmp_path, {"name": "x", "type": "personal_chat"}), "telegram"))


def test_agrees_with_chat_miner() -> None:
    """chat-miner (MIT) as an oracle: each of our messages is one of its (it doubles no spaces here)."""
    import logging

    chatparsers = pytest.importorskip("chatminer.chatparsers")
    logging.disable(logging.CRITICAL)
    try:
        for name, chat_names in (("telegram_single", [None]), ("telegram_full", ["Omar", "Chem 201 study group"])):
            theirs = set()
            for chat in chat_names:
                parser = chatparsers.TelegramJsonParser(str(input_path(name)), chat_name=chat)
                parser.parse_file()
                df = parser.parsed_messages.get_df(as_pandas=True)
                theirs |= {(r.author, " ".join(r.message.split())) for r in df.itertuples()}
            ours = [(m.sender, " ".join(m.text.split())) for _, m in iter_chat(input_path(name))]
            assert ours and all(o in theirs for o in ours)
    finally:
        logging.disable(logging.NOTSET)
