"""Validation and scoring of answers against an instrument's definition (definition.py).

Theory of operation: a device stores the value of each answer (ASSIST's points, a Likert 1-5, an
ASI rating), never a precomputed score; scores are recomputed from the answers by the rules the
definition names. The PWA runs the same rules (pwa/src/shared/instruments.ts) and both run
tests/vectors/instruments.json. Arithmetic is exact (fractions) and a scale with `decimals` is
rounded half away from zero only at the end, so both languages give the same numbers.

Scale methods: `sum` (per row with `per_row`, then banded: ASSIST), `mean` (x `multiply`),
`item` (the value), `code` (the chosen option's code), `max`, `combine` (a signed sum of earlier
scales), `rescale` (an earlier scale mapped linearly `from` -> `to`). A reversed item counts
(lowest + highest value) - answer. A scale whose items are not answered (fewer than
`min_answered`, default all) is left out: "not asked" is not a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..schemas.common import is_storable
from .definition import Instrument

Errors = dict[str, list[str]]


def _skipped(instrument: Instrument, item: dict[str, Any], answers: Any, row: str | None) -> Any:
    """The answer that made `item` not asked (it is skipped), or None when it is asked."""
    rule = item.get("skip_if")
    if not rule:
        return None
    if rule.get("every_row"):  # ASSIST: no substance ever used ends the interview
        values = [answers.get(r) for r in instrument.rows]
        given = [v.get(rule["item"]) if isinstance(v, Mapping) else None for v in values]
        ended = all(g in rule["in"] and not isinstance(g, bool) for g in given)
        return given[0] if given and ended else None
    source = answers.get(rule.get("row", row)) if rule.get("row") or row else answers
    value = source.get(rule["item"]) if isinstance(source, Mapping) else None
    return value if value in rule["in"] and not isinstance(value, bool) else None


def _check_value(instrument: Instrument, item_id: str, value: Any) -> str | None:
    item = instrument.items[item_id]
    if item.get("type") == "text":
        limit = item["max_length"]
        if not isinstance(value, str) or len(value) > limit:
            return f"Must be text of at most {limit} characters."
        return None if is_storable(value) else "Must be text without NUL or invalid characters."
    allowed = instrument.values(item_id)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        return f"Must be one of: {', '.join(str(v) for v in sorted(allowed))}."
    return None


def _check_items(
    instrument: Instrument, values: Mapping[str, Any], answers: Any, row: str | None, key: str
) -> Errors:
    errors: Errors = {}
    allowed = instrument.row_items(row) if row else instrument.flat_items
    for item_id, value in values.items():
        field = f"{key}.{item_id}"
        if item_id not in allowed:
            errors[field] = [f"Unknown question; must be one of: {', '.join(allowed)}."]
            continue
        problem = _check_value(instrument, item_id, value)
        if problem is None:
            because = _skipped(instrument, instrument.items[item_id], answers, row)
            if because is not None and value not in (0, ""):
                rule = instrument.items[item_id]["skip_if"]
                source = ".".join(filter(None, (rule.get("row"), rule["item"])))
                if rule.get("every_row"):
                    source = f"{rule['item']} of every {instrument.row_noun}"
                problem = f"Must be empty or 0: not asked when {source} is {because}."
        if problem:
            errors[field] = [problem]
    return errors


def validate_answers(instrument: Instrument, answers: Any) -> Errors:
    """Messages per field (`answers.<row>.<item>`, `answers.<item>`); {} when valid."""
    rows = instrument.rows
    noun = instrument.row_noun
    if not isinstance(answers, Mapping):
        return {"answers": [f"Must be an object of {noun + 's' if rows else 'questions'}."]}
    flat = {k: v for k, v in answers.items() if k not in rows}
    errors: Errors = {}
    for row in rows:
        if row not in answers:
            continue
        key = f"answers.{row}"
        if not isinstance(answers[row], Mapping):
            asked = instrument.row_items(row)
            errors[key] = [f"Must be an object of questions ({asked[0]} to {asked[-1]})."]
            continue
        errors |= _check_items(instrument, answers[row], answers, row, key)
    known = {k: v for k, v in flat.items() if k in instrument.flat_items}
    for unknown in flat.keys() - known.keys():
        choices = rows or instrument.flat_items
        errors[f"answers.{unknown}"] = [
            f"Unknown {noun if rows else 'question'}; must be one of: {', '.join(choices)}."
        ]
    errors |= _check_items(instrument, known, answers, None, "answers")
    return errors


def round_half_away(value: Fraction, decimals: int) -> int | float:
    """`value` rounded half away from zero to `decimals` places; an int when whole."""
    scale: int = 10**decimals
    magnitude = (2 * abs(value.numerator) * scale + value.denominator) // (2 * value.denominator)
    steps = magnitude if value >= 0 else -magnitude
    return steps // scale if steps % scale == 0 else steps / scale


def _points(instrument: Instrument, item_id: str, value: int) -> int:
    if not instrument.items[item_id].get("reverse"):
        return value
    allowed = instrument.values(item_id)
    return min(allowed) + max(allowed) - value


def _numbers(instrument: Instrument, source: Mapping[str, Any], items: list[str]) -> list[int]:
    """The counted values of the answered choice items among `items`."""
    return [_points(instrument, i, source[i]) for i in items if isinstance(source.get(i), int)]


def _band(scale: dict[str, Any], row: str, score: int) -> str:
    bands = scale["bands"]
    for band in bands.get(row, bands["*"]):
        if band.get("max") is None or score <= band["max"]:
            return str(band["band"])
    raise ValueError(f"no band for {score}")


def _row_sums(instrument: Instrument, scale: dict[str, Any], answers: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rule = scale.get("skip_row_if")
    for row in instrument.rows:
        values = answers.get(row)
        if not isinstance(values, Mapping):
            continue
        if rule and values.get(rule["item"]) in rule["in"]:
            continue
        asked = [i for i in scale["items"] if i in instrument.row_items(row)]
        score = sum(_numbers(instrument, values, asked))
        out[row] = {"score": score, scale.get("band_key", "band"): _band(scale, row, score)}
    return out


def _flat_value(
    instrument: Instrument, scale: dict[str, Any], answers: Any, done: dict[str, Any]
) -> Fraction | str | None:
    method = scale["method"]
    if method == "combine":
        terms = [(done.get(t["scale"]), t["sign"]) for t in scale["terms"]]
        if any(not isinstance(v, Fraction) for v, _ in terms):
            return None
        return sum((v * sign for v, sign in terms), Fraction(0))
    if method == "rescale":
        value = done.get(scale["of"])
        if not isinstance(value, Fraction):
            return None
        low, high = (int(n) for n in scale["from"])
        to_low, to_high = (int(n) for n in scale["to"])
        return (value - low) * Fraction(to_high - to_low, high - low) + to_low
    items: list[str] = scale["items"]
    if method == "code":
        chosen = answers.get(items[0])
        codes = {o["value"]: str(o["code"]) for o in instrument.options(items[0])}
        return codes.get(chosen) if isinstance(chosen, int) else None
    numbers = _numbers(instrument, answers, items)
    if len(numbers) < scale.get("min_answered", len(items)) or not numbers:
        return None
    if method == "mean":
        return Fraction(sum(numbers), len(numbers)) * Fraction(scale.get("multiply", 1))
    if method == "max":
        return Fraction(max(numbers))
    return Fraction(sum(numbers))  # sum and item


def score_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Every scale the answers allow, by id (per-row scales by row). Valid answers only."""
    errors = validate_answers(instrument, answers)
    if errors:
        raise ValueError(f"invalid {instrument.name} answers: {errors}")
    least = (instrument.data.get("scoring") or {}).get("min_answered", 0)
    if len(_numbers(instrument, answers, list(instrument.flat_items))) < least:
        return {}
    scores: dict[str, Any] = {}
    done: dict[str, Fraction | str] = {}
    for scale in instrument.scales:
        if scale.get("per_row"):
            scores |= _row_sums(instrument, scale, answers)
            continue
        value = _flat_value(instrument, scale, answers, done)
        if value is None:
            continue
        done[scale["id"]] = value
        if isinstance(value, str):
            scores[scale["id"]] = value
        else:
            scores[scale["id"]] = round_half_away(value, scale.get("decimals", 2))
    return scores
