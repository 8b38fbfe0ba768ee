"""Where the shared public data lives."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "REPLY_ANALYZER_DATA"
REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    """Return the shared data folder: ``$REPLY_ANALYZER_DATA`` or ``<repo>/../shared/data``.

    Raises FileNotFoundError naming the folder when it does not exist.
    """
    env = os.environ.get(ENV_VAR)
    path = Path(env).expanduser() if env else REPO_ROOT.parent / "shared" / "data"
    if not path.is_dir():
        how = f"set by ${ENV_VAR}" if env else f"default; set ${ENV_VAR} to override"
        raise FileNotFoundError(f"shared data folder not found: {path} ({how})")
    return path
