"""WHO ASSIST v3.1: Specific Substance Involvement Scores and their risk bands.

Theory of operation: a device stores the points of each answer, not the choice, so a score is the
sum of questions 2 to 7 of a substance. Tobacco has no question 5 (WHO ASSIST v3.1, p. 12). The
bands are the WHO's: alcohol 0-10 low, 11-26 moderate, 27+ high; every other substance 0-3 low,
4-26 moderate, 27+ high. A substance that was not answered gets no score: "not asked" is not "low".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SUBSTANCES = (
    "tobacco",
    "alcohol",
    "cannabis",
    "cocaine",
    "amphetamine",
    "inhalants",
    "sedatives",
    "hallucinogens",
    "opioids",
    "other",
)

# The points each answer can carry, per question (WHO ASSIST v3.1 response card).
POINTS: dict[str, tuple[int, ...]] = {
    "q2": (0, 2, 3, 4, 6),
    "q3": (0, 3, 4, 5, 6),
    "q4": (0, 4, 5, 6, 7),
    "q5": (0, 5, 6, 7, 8),
    "q6": (0, 3, 6),
    "q7": (0, 3, 6),
}
QUESTIONS_BY_SUBSTANCE: dict[str, tuple[str, ...]] = {
    substance: tuple(q for q in POINTS if not (substance == "tobacco" and q == "q5"))
    for substance in SUBSTANCES
}

# (highest low score, highest moderate score): above the second is high.
BANDS: dict[str, tuple[int, int]] = {"alcohol": (10, 26)}
DEFAULT_BANDS = (3, 26)


def risk_band(substance: str, score: int) -> str:
    """The WHO risk band of one substance's score: low, moderate or high."""
    low_max, moderate_max = BANDS.get(substance, DEFAULT_BANDS)
    if score <= low_max:
        return "low"
    if score <= moderate_max:
        return "moderate"
    return "high"


def validate_assist_answers(answers: Any) -> dict[str, list[str]]:
    """Messages per field ("answers.<substance>.<question>") of ASSIST answers; {} if valid."""
    if not isinstance(answers, Mapping):
        return {"answers": ["Must be an object of substances."]}
    errors: dict[str, list[str]] = {}
    for substance, questions in answers.items():
        key = f"answers.{substance}"
        if substance not in QUESTIONS_BY_SUBSTANCE:
            errors[key] = [f"Unknown substance; must be one of: {', '.join(SUBSTANCES)}."]
            continue
        if not isinstance(questions, Mapping):
            errors[key] = ["Must be an object of questions (q2 to q7)."]
            continue
        allowed = QUESTIONS_BY_SUBSTANCE[substance]
        for question, points in questions.items():
            field = f"{key}.{question}"
            if question not in allowed:
                errors[field] = [f"Unknown question; must be one of: {', '.join(allowed)}."]
            elif (
                isinstance(points, bool)
                or not isinstance(points, int)
                or points not in POINTS[question]
            ):
                choices = ", ".join(str(p) for p in sorted(POINTS[question]))
                errors[field] = [f"Must be one of: {choices}."]
    return errors


def score_assist(answers: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, Any]]:
    """Score and risk band of every answered substance; a missing question counts 0.

    Raises ValueError when the answers are not valid (see validate_assist_answers).
    """
    errors = validate_assist_answers(answers)
    if errors:
        raise ValueError(f"invalid ASSIST answers: {errors}")
    scores: dict[str, dict[str, Any]] = {}
    for substance, questions in answers.items():
        score = sum(questions.values())
        scores[substance] = {"score": score, "risk": risk_band(substance, score)}
    return scores
