"""WHO ASSIST v3.1 scoring: scores, band edges and invalid answers."""

from __future__ import annotations

from typing import Any

import pytest

from server.instruments.assist import SUBSTANCES, score_assist, validate_assist_answers

# Answers (points) that add up to a given score, built from valid points only.
ANSWERS_BY_SCORE: dict[int, dict[str, int]] = {
    0: {"q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 0, "q7": 0},
    3: {"q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 3, "q7": 0},
    4: {"q2": 4, "q3": 0, "q4": 0, "q5": 0, "q6": 0, "q7": 0},
    10: {"q2": 4, "q3": 0, "q4": 0, "q5": 0, "q6": 3, "q7": 3},
    11: {"q2": 2, "q3": 0, "q4": 0, "q5": 0, "q6": 6, "q7": 3},
    26: {"q2": 4, "q3": 5, "q4": 5, "q5": 6, "q6": 3, "q7": 3},
    27: {"q2": 4, "q3": 5, "q4": 5, "q5": 7, "q6": 3, "q7": 3},
    39: {"q2": 6, "q3": 6, "q4": 7, "q5": 8, "q6": 6, "q7": 6},
}


@pytest.mark.parametrize(
    ("substance", "score", "risk"),
    [
        ("alcohol", 0, "low"),
        ("alcohol", 10, "low"),
        ("alcohol", 11, "moderate"),
        ("alcohol", 26, "moderate"),
        ("alcohol", 27, "high"),
        ("alcohol", 39, "high"),
        ("amphetamine", 0, "low"),
        ("amphetamine", 3, "low"),
        ("amphetamine", 4, "moderate"),
        ("amphetamine", 26, "moderate"),
        ("amphetamine", 27, "high"),
        ("cannabis", 3, "low"),
        ("cannabis", 4, "moderate"),
        ("opioids", 26, "moderate"),
        ("opioids", 27, "high"),
        ("other", 10, "moderate"),
        ("other", 11, "moderate"),
    ],
)
def test_score_assist_bands_at_edges(substance: str, score: int, risk: str) -> None:
    answers = {substance: ANSWERS_BY_SCORE[score]}
    assert score_assist(answers) == {substance: {"score": score, "risk": risk}}


@pytest.mark.parametrize(
    ("questions", "score", "risk"),
    [
        ({"q2": 0, "q3": 0, "q4": 0, "q6": 3, "q7": 0}, 3, "low"),
        ({"q2": 2, "q3": 0, "q4": 0, "q6": 0, "q7": 0}, 2, "low"),
        ({"q2": 4, "q3": 0, "q4": 0, "q6": 0, "q7": 0}, 4, "moderate"),
        ({"q2": 6, "q3": 6, "q4": 7, "q6": 6, "q7": 6}, 31, "high"),
    ],
)
def test_score_assist_tobacco_has_no_q5(questions: dict[str, int], score: int, risk: str) -> None:
    assert score_assist({"tobacco": questions}) == {"tobacco": {"score": score, "risk": risk}}


def test_score_assist_scores_every_answered_substance_only() -> None:
    answers = {
        "tobacco": {"q2": 6, "q3": 6, "q4": 0, "q6": 0, "q7": 0},
        "amphetamine": ANSWERS_BY_SCORE[27],
        "alcohol": ANSWERS_BY_SCORE[10],
    }
    assert score_assist(answers) == {
        "tobacco": {"score": 12, "risk": "moderate"},
        "amphetamine": {"score": 27, "risk": "high"},
        "alcohol": {"score": 10, "risk": "low"},
    }


def test_score_assist_counts_missing_questions_as_zero() -> None:
    assert score_assist({"cannabis": {"q6": 3}}) == {"cannabis": {"score": 3, "risk": "low"}}


def test_score_assist_of_no_answers_is_empty() -> None:
    assert score_assist({}) == {}


def test_score_assist_raises_on_invalid_answers() -> None:
    with pytest.raises(ValueError):
        score_assist({"alcohol": {"q2": 1}})


def test_validate_accepts_every_substance_with_every_valid_point() -> None:
    answers = {
        s: {"q2": 6, "q3": 6, "q4": 7, "q6": 6, "q7": 6} | ({} if s == "tobacco" else {"q5": 8})
        for s in SUBSTANCES
    }
    assert validate_assist_answers(answers) == {}
    assert validate_assist_answers({}) == {}


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"alcohol": {"q2": 1}}, {"answers.alcohol.q2": ["Must be one of: 0, 2, 3, 4, 6."]}),
        ({"alcohol": {"q3": 2}}, {"answers.alcohol.q3": ["Must be one of: 0, 3, 4, 5, 6."]}),
        ({"cannabis": {"q4": 3}}, {"answers.cannabis.q4": ["Must be one of: 0, 4, 5, 6, 7."]}),
        ({"opioids": {"q5": 4}}, {"answers.opioids.q5": ["Must be one of: 0, 5, 6, 7, 8."]}),
        ({"sedatives": {"q6": 5}}, {"answers.sedatives.q6": ["Must be one of: 0, 3, 6."]}),
        ({"inhalants": {"q7": 1}}, {"answers.inhalants.q7": ["Must be one of: 0, 3, 6."]}),
        ({"alcohol": {"q2": "4"}}, {"answers.alcohol.q2": ["Must be one of: 0, 2, 3, 4, 6."]}),
        ({"alcohol": {"q2": 4.0}}, {"answers.alcohol.q2": ["Must be one of: 0, 2, 3, 4, 6."]}),
        ({"alcohol": {"q2": True}}, {"answers.alcohol.q2": ["Must be one of: 0, 2, 3, 4, 6."]}),
        ({"alcohol": {"q2": None}}, {"answers.alcohol.q2": ["Must be one of: 0, 2, 3, 4, 6."]}),
        (
            {"tobacco": {"q5": 0}},
            {"answers.tobacco.q5": ["Unknown question; must be one of: q1, q2, q3, q4, q6, q7."]},
        ),
        (
            {"alcohol": {"q9": 0}},
            {
                "answers.alcohol.q9": [
                    "Unknown question; must be one of: q1, q2, q3, q4, q5, q6, q7."
                ]
            },
        ),
        (
            {"kratom": {"q2": 2}},
            {
                "answers.kratom": [
                    "Unknown substance; must be one of: tobacco, alcohol, cannabis, cocaine, "
                    "amphetamine, inhalants, sedatives, hallucinogens, opioids, other."
                ]
            },
        ),
        ({"alcohol": 4}, {"answers.alcohol": ["Must be an object of questions (q1 to q7)."]}),
        ([1, 2], {"answers": ["Must be an object of substances."]}),
        (
            {"alcohol": {"q2": 1, "q6": 3}, "cannabis": {"q7": 2}},
            {
                "answers.alcohol.q2": ["Must be one of: 0, 2, 3, 4, 6."],
                "answers.cannabis.q7": ["Must be one of: 0, 3, 6."],
            },
        ),
    ],
)
def test_validate_reports_each_invalid_field(answers: Any, errors: dict[str, list[str]]) -> None:
    assert validate_assist_answers(answers) == errors


def test_q8_is_not_asked_when_no_substance_was_ever_used() -> None:
    never = {substance: {"q1": 0} for substance in SUBSTANCES}
    assert validate_assist_answers(never | {"q8": 0}) == {}
    assert validate_assist_answers(never | {"q8": 2}) == {
        "answers.q8": ["Must be empty or 0: not asked when q1 of every substance is 0."]
    }
    assert score_assist(never) == {}
    # Before Q1 is answered for every substance, Q8 may be answered (older records have no Q1).
    assert score_assist({"opioids": {"q2": 6}, "q8": 2}) == {
        "opioids": {"score": 6, "risk": "moderate"},
        "injecting": "recent",
    }
