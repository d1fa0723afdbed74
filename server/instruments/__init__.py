"""The program's instruments (WHO ASSIST, URICA, WHOQOL-BREF, the ASI intake) as data.

`definitions/*.json` are the instruments; `scoring.py` validates and scores any of them. The
PWA reads the same files (pwa/src/shared/instruments.ts). Pure: no I/O beyond reading the files
once at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .definition import DEFINITIONS, Instrument
from .scoring import Errors, score_answers, validate_answers

__all__ = ["DEFINITIONS", "Instrument", "score", "validate"]


def validate(instrument: str, answers: Any) -> Errors:
    """Messages per field of the answers to one instrument; {} when valid."""
    return validate_answers(DEFINITIONS[instrument], answers)


def score(instrument: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The scores of valid answers to one instrument (raises ValueError on invalid ones)."""
    return score_answers(DEFINITIONS[instrument], answers)
