"""Instruments as data: the definitions hold together, and every scorer meets worked examples.

Each worked example writes its published formula out here, independently of the scorer, so a
wrong rule in a definition or in scoring.py shows as a different number.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from server import instruments
from server.instruments.scoring import round_half_away
from server.schemas.rules import INSTRUMENTS

URICA_SCALES = {
    "precontemplation": (1, 5, 11, 13, 23, 26, 29, 31),
    "contemplation": (2, 4, 8, 12, 15, 19, 21, 24),
    "action": (3, 7, 10, 14, 17, 20, 25, 30),
    "maintenance": (6, 9, 16, 18, 22, 27, 28, 32),
}
WHOQOL_DOMAINS = {
    "physical": (3, 4, 10, 15, 16, 17, 18),
    "psychological": (5, 6, 7, 11, 19, 26),
    "social": (20, 21, 22),
    "environment": (8, 9, 12, 13, 14, 23, 24, 25),
}
WHOQOL_REVERSED = {3, 4, 26}


def test_every_instrument_of_the_vocabulary_has_a_definition() -> None:
    assert set(instruments.DEFINITIONS) == set(INSTRUMENTS)


@pytest.mark.parametrize("name", INSTRUMENTS)
def test_a_definition_names_its_version_source_and_words_in_both_languages(name: str) -> None:
    data = instruments.DEFINITIONS[name].data
    assert data["version"] and len(data["source"]) > 40
    texts = [item["text"] for item in data["items"]]
    texts += [o["label"] for card in data["cards"].values() for o in card]
    assert all(text["id"].strip() and text["en"].strip() for text in texts)
    for item in data["items"]:
        assert item.get("type") == "text" or item["card"] in data["cards"]
    assert set(data["headline"]) <= {s["id"] for s in data["scales"]}


def test_urica_definition_is_the_published_32_item_key() -> None:
    urica = instruments.DEFINITIONS["urica"]
    assert list(urica.items) == [f"q{n}" for n in range(1, 33)]
    assert set(urica.values("q1")) == {1, 2, 3, 4, 5}
    means = {s["id"]: s for s in urica.scales if s["method"] == "mean"}
    assert {k: tuple(int(i[1:]) for i in s["items"]) for k, s in means.items()} == URICA_SCALES


def test_whoqol_definition_is_the_who_key() -> None:
    whoqol = instruments.DEFINITIONS["whoqol_bref"]
    assert list(whoqol.items) == [f"q{n}" for n in range(1, 27)]
    reversed_items = {int(i[1:]) for i, item in whoqol.items.items() if item.get("reverse")}
    assert reversed_items == WHOQOL_REVERSED
    domains = {s["id"]: s for s in whoqol.scales if s["method"] == "mean"}
    assert {k: tuple(int(i[1:]) for i in s["items"]) for k, s in domains.items()} == (
        WHOQOL_DOMAINS
    )


def test_assist_definition_asks_q1_to_q8_of_substances_a_to_j() -> None:
    assist = instruments.DEFINITIONS["assist"]
    letters = [o["letter"] for o in assist.data["rows"]["options"]]
    assert letters == list("abcdefghij")
    assert assist.row_items("alcohol") == ("q1", "q2", "q3", "q4", "q5", "q6", "q7")
    assert assist.row_items("tobacco") == ("q1", "q2", "q3", "q4", "q6", "q7")
    assert assist.values("q8") == (0, 2, 1)


def _urica_answers(seed: int) -> dict[str, int]:
    return {f"q{n}": 1 + (n * seed + n // 3) % 5 for n in range(1, 33)}


@pytest.mark.parametrize("seed", [1, 2, 3, 7, 11])
def test_urica_scores_are_subscale_means_and_readiness_c_plus_a_plus_m_minus_pc(seed: int) -> None:
    answers = _urica_answers(seed)
    # Each subscale: the mean of its 8 items. Readiness = C + A + M - PC.
    mean = {
        s: Fraction(sum(answers[f"q{i}"] for i in items), 8) for s, items in URICA_SCALES.items()
    }
    readiness = (
        mean["contemplation"] + mean["action"] + mean["maintenance"] - mean["precontemplation"]
    )
    expected = {s: round_half_away(v, 3) for s, v in mean.items()}
    expected["readiness"] = round_half_away(readiness, 3)
    assert instruments.score("urica", answers) == expected


def test_urica_worked_by_hand() -> None:
    # PC items all 2 -> 16/8 = 2; C all 4 -> 4; A 3,4,3,4,3,4,3,4 -> 28/8 = 3.5;
    # M 5,4,3,2,1,2,3,4 -> 24/8 = 3. Readiness = 4 + 3.5 + 3 - 2 = 8.5.
    values = {"precontemplation": [2] * 8, "contemplation": [4] * 8}
    values |= {"action": [3, 4] * 4, "maintenance": [5, 4, 3, 2, 1, 2, 3, 4]}
    answers = {
        f"q{i}": v
        for s, items in URICA_SCALES.items()
        for i, v in zip(items, values[s], strict=True)
    }
    assert instruments.score("urica", answers) == {
        "precontemplation": 2,
        "contemplation": 4,
        "action": 3.5,
        "maintenance": 3,
        "readiness": 8.5,
    }


def _whoqol_answers(seed: int) -> dict[str, int]:
    return {f"q{n}": 1 + (n * seed + seed // 2) % 5 for n in range(1, 27)}


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
def test_whoqol_domains_are_4_times_the_item_mean_and_0_100_is_minus_4_times_100_over_16(
    seed: int,
) -> None:
    answers = _whoqol_answers(seed)

    def counted(n: int) -> int:  # Q3, Q4 and Q26 are reversed: 6 - answer
        value = answers[f"q{n}"]
        return 6 - value if n in WHOQOL_REVERSED else value

    expected: dict[str, int | float] = {
        "overall_qol": answers["q1"],
        "general_health": answers["q2"],
    }
    raw = {
        d: 4 * Fraction(sum(map(counted, items)), len(items)) for d, items in WHOQOL_DOMAINS.items()
    }
    expected |= {d: round_half_away(v, 2) for d, v in raw.items()}
    expected |= {
        f"{d}_100": round_half_away((v - 4) * Fraction(100, 16), 2) for d, v in raw.items()
    }
    assert instruments.score("whoqol_bref", answers) == expected


def test_whoqol_worked_by_hand() -> None:
    answers = {f"q{n}": 3 for n in range(1, 27)} | {"q3": 1, "q4": 2, "q10": 5, "q26": 5}
    # Physical: Q3 1 -> 5, Q4 2 -> 4, Q10 5, Q15-Q18 3 each: (5 + 4 + 5 + 12) / 7 = 26/7;
    # x 4 = 104/7 = 14.857 -> 14.86; (104/7 - 4) x 100/16 = 76/7 x 6.25 = 67.857 -> 67.86.
    # Psychological: Q26 5 -> 1, the rest 3: (15 + 1)/6 x 4 = 10.667 -> 10.67;
    # (32/3 - 4) x 6.25 = 41.667 -> 41.67.
    scores = instruments.score("whoqol_bref", answers)
    assert scores["physical"] == 14.86 and scores["physical_100"] == 67.86
    assert scores["psychological"] == 10.67 and scores["psychological_100"] == 41.67
    assert scores["social"] == 12 and scores["environment_100"] == 50


@pytest.mark.parametrize(
    ("value", "decimals", "rounded"),
    [
        (Fraction(46875, 1000), 2, 46.88),
        (Fraction(-46875, 1000), 2, -46.88),
        (Fraction(1, 3), 2, 0.33),
        (Fraction(2, 3), 2, 0.67),
        (Fraction(9, 8), 3, 1.125),
        (Fraction(16), 2, 16),
        (Fraction(-1, 8), 2, -0.13),
    ],
)
def test_scores_round_half_away_from_zero(value: Fraction, decimals: int, rounded: float) -> None:
    result = round_half_away(value, decimals)
    assert result == rounded and type(result) is type(rounded)


def test_asi_intake_keeps_ratings_and_names_the_highest() -> None:
    answers = {"medical": 1, "drug": 9, "psychiatric": 4, "urine": 0, "plan": "TC"}
    assert instruments.score("asi", answers) == {
        "medical": 1,
        "drug": 9,
        "psychiatric": 4,
        "highest": 9,
        "urine": "negative",
    }


def test_score_refuses_invalid_answers() -> None:
    with pytest.raises(ValueError):
        instruments.score("whoqol_bref", {"q1": 9})
