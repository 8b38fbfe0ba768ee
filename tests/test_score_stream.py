"""Streaming: memory does not grow with the size of the export (a small run of the 1M benchmark)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_pairing_memory_is_flat(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.score_stream_benchmark import generate

    export = tmp_path / "chat.txt"
    info = generate(export, 150_000, seed=3)
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "score_stream_benchmark.py"), "--child",
                           str(export), "pairs-only", str(tmp_path)], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    rss = [c["max_rss_mb"] for c in result["checkpoints"]]
    assert len(rss) >= 8 and result["rows"] > 100
    assert rss[-1] - rss[1] < 15, rss  # MB; the file is ~7 MB and 150k messages
    assert info["messages"] == 150_000
