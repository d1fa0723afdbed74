"""WHO ASSIST v3.1 by its old names: the substances, risk bands and scorer, read from the data.

The instrument itself (questions, response-card points, the Specific Substance Involvement Score
of Q2-Q7 with no Q5 for tobacco, and the WHO's bands: alcohol 0-10 low, 11-26 moderate, 27+
high; every other substance 0-3, 4-26, 27+) is `definitions/assist.json`; the generic scorer is
scoring.py. A substance that was not answered, or never used (Q1 "no"), gets no score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .definition import DEFINITIONS
from .scoring import Errors, score_answers, validate_answers

ASSIST = DEFINITIONS["assist"]
SUBSTANCES: tuple[str, ...] = ASSIST.rows
_INVOLVEMENT = next(s for s in ASSIST.scales if s["id"] == "involvement")


def risk_band(substance: str, score: int) -> str:
    """The WHO risk band of one substance's score: low, moderate or high."""
    bands = _INVOLVEMENT["bands"]
    for band in bands.get(substance, bands["*"]):
        if band.get("max") is None or score <= band["max"]:
            return str(band["band"])
    raise ValueError(score)


def validate_assist_answers(answers: Any) -> Errors:
    """Messages per field ("answers.<substance>.<question>") of ASSIST answers; {} if valid."""
    return validate_answers(ASSIST, answers)


def score_assist(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score and risk band of every answered substance (and the injecting flag of Q8).

    Raises ValueError when the answers are not valid (see validate_assist_answers).
    """
    return score_answers(ASSIST, answers)
