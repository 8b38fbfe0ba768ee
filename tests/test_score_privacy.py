"""Privacy: the scoring path opens no network connection and never logs message text."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analyzer.scoring.run import score_inputs
from tests.chat_fixtures import input_path
from tests.stub_analyzer import StubAnalyzer

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "models" / "default"
SENTINEL = "ZEBRA-SENTINEL-4411"

# Runs in a child process: an audit hook records every attempt to connect, send to an address,
# resolve a name, bind a non-loopback address or open a URL, then the scoring path runs.
# (Creating a socket is not a connection: urllib3, imported by spaCy's CLI module, probes IPv6
# support by binding a socket to ::1 at import time.) Python-level only; see strace below.
GUARD = r"""
import json, socket, sys
events = []
LOOPBACK = ("127.0.0.1", "::1", "localhost")
def hook(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        if sock.family != socket.AF_UNIX:
            events.append(f"{event} {address!r}")
    elif event == "socket.bind":
        sock, address = args
        if sock.family != socket.AF_UNIX and address[0] not in LOOPBACK:
            events.append(f"{event} {address!r}")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
                   "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect"):
        events.append(f"{event} {args[:2]!r}")
sys.addaudithook(hook)
mode, out, *inputs = sys.argv[1:]
try:
    if mode == "probe":  # control: an attempt the hook must see
        try:
            socket.create_connection(("192.0.2.1", 9), timeout=0.01)
        except OSError:
            pass
    elif mode == "cli":
        from analyzer.cli import main
        sys.argv = ["reply-analyzer", "score", *inputs, "--output", out]
        try:
            main()
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
    else:
        from pathlib import Path
        sys.path.insert(0, ".")
        from analyzer.scoring.run import score_inputs
        from tests.stub_analyzer import StubAnalyzer
        score_inputs([Path(p) for p in inputs], StubAnalyzer(), output=Path(out), report=Path(out + ".html"))
finally:
    print("EVENTS=" + json.dumps(events))
"""


def _mode() -> str:
    """The real CLI and model when the model is shipped; the stub classifier otherwise."""
    if (MODEL / "model.onnx").is_file():
        return "cli"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("models/default/model.onnx is missing; CI must prove the real scoring path offline")
    return "stub"


def _inputs(tmp_path: Path) -> list[str]:
    chat = tmp_path / "chat.csv"
    chat.write_text(
        "timestamp,sender,message\n"
        f"2024-01-01T10:00,Ana,I feel so alone since the move and I cry every night {SENTINEL}\n"
        f"2024-01-01T10:02,Bo,I'm so sorry {SENTINEL} that sounds really hard\n", encoding="utf-8")
    return [str(chat), str(input_path("wa_android_us")), str(input_path("telegram_full"))]


def test_scoring_opens_no_network_connection(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-c", GUARD, _mode(), str(out), *_inputs(tmp_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    events = json.loads(result.stdout.rsplit("EVENTS=", 1)[1])
    assert events == []
    assert out.stat().st_size > 0


def test_the_guard_sees_a_connection_attempt(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", GUARD, "probe", str(tmp_path / "x")], capture_output=True,
                            text=True, cwd=REPO, timeout=60)
    events = json.loads(result.stdout.rsplit("EVENTS=", 1)[1])
    assert any(e.startswith("socket.connect") for e in events), events


def test_no_connect_syscalls(tmp_path: Path) -> None:
    """The same run under strace: no connect() to an internet address, from Python or native code."""
    strace = shutil.which("strace")
    if strace is None or subprocess.run([strace, "-o", os.devnull, "true"], capture_output=True).returncode != 0:
        pytest.skip("strace not available or not permitted here")
    out, trace = tmp_path / "out.jsonl", tmp_path / "trace.txt"
    cmd = [strace, "-f", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace),
           sys.executable, "-c", GUARD, _mode(), str(out), *_inputs(tmp_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in trace.read_text().splitlines() if "AF_INET" in line]
    assert lines == []


def test_message_text_never_reaches_logs_or_stderr(tmp_path: Path, caplog, capsys) -> None:
    caplog.set_level(logging.DEBUG)
    inputs = [Path(p) for p in _inputs(tmp_path)]
    summary = score_inputs(inputs, StubAnalyzer(), output=tmp_path / "out.jsonl", report=tmp_path / "r.html")
    assert SENTINEL in (tmp_path / "out.jsonl").read_text("utf-8")  # the user's own output has it, of course
    warned = score_inputs(inputs, StubAnalyzer(), me="Nobody")
    assert warned["warnings"]
    captured = capsys.readouterr()
    assert SENTINEL not in captured.err and SENTINEL not in captured.out
    assert all(SENTINEL not in record.getMessage() for record in caplog.records)
    assert SENTINEL not in json.dumps(summary) and SENTINEL not in json.dumps(warned)


def test_cli_summary_has_no_message_text(tmp_path: Path) -> None:
    if _mode() != "cli":
        pytest.skip("needs the shipped model (models/default)")
    inputs = _inputs(tmp_path)
    cmd = [sys.executable, "-m", "analyzer", "score", *inputs, "--output", str(tmp_path / "o.jsonl")]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert SENTINEL not in result.stdout and SENTINEL not in result.stderr
