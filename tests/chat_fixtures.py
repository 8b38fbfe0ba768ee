"""Access to the chat fixtures (tests/fixtures/chats/manifest.json) for the test modules."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "chats"


def manifest() -> list[dict]:
    """Every fixture: name, input path, format, expected/pairs files."""
    return json.loads((FIXTURES / "manifest.json").read_text("utf-8"))["fixtures"]


def fixture(name: str) -> dict:
    """One manifest entry by name."""
    return next(item for item in manifest() if item["name"] == name)


def input_path(name: str) -> Path:
    """The export file of a fixture."""
    return FIXTURES / fixture(name)["input"]


def expected(name: str) -> list[dict]:
    """What a reader must yield: conversation, sender, time (ISO or None), text."""
    lines = (FIXTURES / fixture(name)["expected"]).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def as_rows(items) -> list[dict]:
    """``iter_chat`` output in the expected-file shape."""
    return [{"conversation": c, "sender": m.sender, "time": m.time.isoformat() if m.time else None, "text": m.text}
            for c, m in items]
