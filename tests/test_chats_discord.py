"""DiscordChatExporter JSON and CSV."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from analyzer.chats import ChatFormatError, detect_format, iter_chat


def test_json_keeps_user_messages_only(tmp_path: Path) -> None:
    author = lambda name, bot=False: {"id": "1", "name": name.lower(), "nickname": name, "isBot": bot}  # noqa: E731
    doc = {"guild": {"id": "0", "name": "Direct Messages"}, "channel": {"id": "9", "name": "ana"}, "messages": [
        {"id": "1", "type": "RecipientAdd", "timestamp": "2023-01-01T10:00:00+00:00", "content": "", "author": author("Ana")},
        {"id": "2", "type": "Default", "timestamp": "2023-01-01T10:01:00.123+00:00", "content": "hi", "author": author("Ana")},
        {"id": "3", "type": "Reply", "timestamp": "2023-01-01T10:02:00+00:00", "content": "hey", "author": author("Bo")},
        {"id": "4", "type": "Default", "timestamp": "2023-01-01T10:03:00+00:00", "content": "", "author": author("Bo"),
         "attachments": [{"url": "x.png"}]},
        {"id": "5", "type": "Default", "timestamp": "2023-01-01T10:04:00+00:00", "content": "beep", "author": author("Bot", True)},
        {"id": "6", "type": "ChannelPinnedMessage", "timestamp": "2023-01-01T10:05:00+00:00", "content": "pinned", "author": author("Ana")},
    ], "messageCount": 6}
    path = tmp_path / "dm.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert detect_format(path) == "discord"
    got = [(m.sender, m.time, m.text) for _, m in iter_chat(path)]
    assert got == [("Ana", datetime(2023, 1, 1, 10, 1, 0, 123000, tzinfo=timezone.utc), "hi"),
                   ("Bo", datetime(2023, 1, 1, 10, 2, tzinfo=timezone.utc), "hey")]


def test_csv_with_iso_dates_and_discriminators(tmp_path: Path) -> None:
    path = tmp_path / "channel.csv"
    path.write_text(
        'AuthorID,Author,Date,Content,Attachments,Reactions\n'
        '1,ana#0420,2023-01-01T10:01:00.1234567+00:00,"hi, all\nsecond line",,\n'
        '2,bo,2023-01-01T10:02:00+00:00,,https://cdn.example/x.png,\n', encoding="utf-8")
    assert detect_format(path) == "discord"
    got = [(m.sender, m.time, m.text) for _, m in iter_chat(path)]
    assert got == [("ana", datetime(2023, 1, 1, 10, 1, 0, 123456, tzinfo=timezone.utc), "hi, all\nsecond line")]


def test_csv_missing_columns_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("AuthorID,Author\n1,ana\n", encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^x.csv: missing columns AuthorID, Author, Date, Content"):
        list(iter_chat(path, "discord"))
