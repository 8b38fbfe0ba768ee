"""imessage-exporter txt."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from analyzer.chats import ChatFormatError, detect_format, iter_chat

EXPORT = """May 17, 2022  5:29:42 PM (Read by them after 1 hour, 49 seconds)
Me
Hello world

May 17, 2022  5:31:02 PM
+15555550123
Hi!
second line
Reactions:
Loved by Me
    May 17, 2022  5:35:00 PM
    Me
    a threaded reply, repeated at top level
This message responded to an earlier message.

May 17, 2022  5:33:10 PM
Me
/Users/me/Library/Messages/Attachments/ab/11/IMG_0001.HEIC

May 17, 2022  5:34:00 PM You renamed the conversation to Friends

May 17, 2022  5:35:00 PM
Me
a threaded reply, repeated at top level

May 17, 2022 10:01:00 PM
+15555550123
They deleted a message.

May 17, 2022 10:02:00 PM
+15555550123
Sent with Confetti
yay
"""


def test_blocks_and_non_text(tmp_path: Path) -> None:
    path = tmp_path / "+15555550123.txt"
    path.write_text(EXPORT, encoding="utf-8")
    assert detect_format(path) == "imessage"
    got = [(m.sender, m.time, m.text) for _, m in iter_chat(path)]
    assert got == [
        ("Me", datetime(2022, 5, 17, 17, 29, 42), "Hello world"),
        ("+15555550123", datetime(2022, 5, 17, 17, 31, 2), "Hi!\nsecond line"),
        ("Me", datetime(2022, 5, 17, 17, 35), "a threaded reply, repeated at top level"),
        ("+15555550123", datetime(2022, 5, 17, 22, 2), "yay"),
    ]


def test_no_blocks_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^x.txt: no message blocks found; expected an imessage-exporter"):
        list(iter_chat(path, "imessage"))
