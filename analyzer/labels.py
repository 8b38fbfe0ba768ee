"""The four reply labels, in the contract order of DESIGN.md."""

from __future__ import annotations

LABELS: tuple[str, ...] = ("advice-giving", "invalidating", "self-centering", "validating")
LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(LABELS)}


def check_label(label: str) -> str:
    """Return ``label`` unchanged if it is one of LABELS, else raise ValueError."""
    if label not in LABEL2ID:
        raise ValueError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
    return label
