"""Any answers, of any shape, get field errors or scores, never an exception; and the scores of
valid answers stay inside the ranges their instruments publish."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from server import instruments

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 12)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


def _valid_answers(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Answers built from each item's own card: valid values, any subset of items."""
    definition = instruments.DEFINITIONS[name]

    def value(item_id: str) -> st.SearchStrategy[Any]:
        item = definition.items[item_id]
        if item.get("type") == "text":
            return st.text(max_size=20).filter(lambda s: "\x00" not in s)
        return st.sampled_from(definition.values(item_id))

    flat = st.fixed_dictionaries({}, optional={i: value(i) for i in definition.flat_items})
    rows = st.fixed_dictionaries(
        {},
        optional={
            row: st.fixed_dictionaries(
                {}, optional={i: value(i) for i in definition.row_items(row)}
            )
            for row in definition.rows
        },
    )
    return st.tuples(flat, rows).map(lambda pair: pair[0] | pair[1])


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(instruments.DEFINITIONS)), answers=JSON)
def test_any_answers_get_field_errors_or_scores(name: str, answers: Any) -> None:
    errors = instruments.validate(name, answers)
    assert all(key == "answers" or key.startswith("answers.") for key in errors)
    if not errors:
        instruments.score(name, answers)


@settings(max_examples=300, deadline=None)
@given(answers=_valid_answers("whoqol_bref"))
def test_whoqol_domains_stay_within_4_20_and_0_100(answers: dict[str, Any]) -> None:
    scores = instruments.score("whoqol_bref", answers)
    for domain in ("physical", "psychological", "social", "environment"):
        if domain in scores:
            assert 4 <= scores[domain] <= 20
            assert 0 <= scores[f"{domain}_100"] <= 100


@settings(max_examples=300, deadline=None)
@given(answers=_valid_answers("urica"))
def test_urica_means_stay_within_1_5_and_readiness_within_minus_2_14(
    answers: dict[str, Any],
) -> None:
    scores = instruments.score("urica", answers)
    for scale in ("precontemplation", "contemplation", "action", "maintenance"):
        if scale in scores:
            assert 1 <= scores[scale] <= 5
    if "readiness" in scores:
        assert -2 <= scores["readiness"] <= 14


@settings(max_examples=300, deadline=None)
@given(answers=_valid_answers("assist"))
def test_assist_scores_and_bands_agree_whenever_the_skip_rules_hold(
    answers: dict[str, Any],
) -> None:
    if instruments.validate("assist", answers):
        return  # an answer given to a question its skip rule leaves out
    for substance, entry in instruments.score("assist", answers).items():
        if substance == "injecting":
            assert entry in ("never", "recent", "past")
            continue
        low, moderate = (10, 26) if substance == "alcohol" else (3, 26)
        expected = (
            "low" if entry["score"] <= low else "moderate" if entry["score"] <= moderate else "high"
        )
        assert entry["risk"] == expected
        assert 0 <= entry["score"] <= (31 if substance == "tobacco" else 39)
