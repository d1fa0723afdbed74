"""Instrument definitions: the JSON files in `definitions/`, one per instrument, read as they are.

The same files are imported by the PWA at build time (pwa/src/shared/instruments.ts), so the
device and the server ask, check and score from one text. A definition holds:

- `instrument`, `version`, `title` and `source` (the published instrument and its scoring);
- `cards`: answer cards, each a list of options `{value, code?, label}`;
- `rows` (optional): what per-row items are asked about (ASSIST: the substances a-j);
- `items`: the questions in order: `{id, card | type: "text", per_row?, not_for?, skip_if?,
  reverse?, ...}`; `skip_if: {row?, item, in}` says an item is not asked when another answer is
  one of `in`;
- `scoring.min_answered` (optional) and `scales`: how scores are computed (see scoring.py);
- `scale_words`, `band_words`, `headline`: the words and the summary the device shows.

Answers are `{row: {item: value}}` for per-row items and `{item: value}` for the others.
Texts are `{"id": ..., "en": ...}`: an instrument's wording is part of its version, so it lives
with its items, and the app's one i18n layer picks the language (`i18n.localized`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


@dataclass(frozen=True)
class Instrument:
    """One instrument's definition, with lookups the validator and the scorer share."""

    data: dict[str, Any]

    @property
    def name(self) -> str:
        """The instrument code (`assist`, `urica`, ...), as in records."""
        return str(self.data["instrument"])

    @property
    def version(self) -> str:
        """The version of the published instrument this definition follows."""
        return str(self.data["version"])

    @property
    def rows(self) -> tuple[str, ...]:
        """The row ids (ASSIST's substances), in order; empty for a flat instrument."""
        return tuple(option["id"] for option in (self.data.get("rows") or {}).get("options", ()))

    @property
    def row_noun(self) -> str:
        """What a row is called in messages ("substance")."""
        return str((self.data.get("rows") or {}).get("noun", "row"))

    @cached_property
    def items(self) -> dict[str, dict[str, Any]]:
        """Every item by id, in the order asked."""
        return {item["id"]: item for item in self.data["items"]}

    def row_items(self, row: str) -> tuple[str, ...]:
        """The per-row items asked about one row (tobacco has no ASSIST Q5)."""
        return tuple(
            item_id
            for item_id, item in self.items.items()
            if item.get("per_row") and row not in item.get("not_for", ())
        )

    @property
    def flat_items(self) -> tuple[str, ...]:
        """The items asked once, not per row."""
        return tuple(i for i, item in self.items.items() if not item.get("per_row"))

    def options(self, item_id: str) -> list[dict[str, Any]]:
        """The answer options of a choice item (its card)."""
        card: list[dict[str, Any]] = self.data["cards"][self.items[item_id]["card"]]
        return card

    def values(self, item_id: str) -> tuple[int, ...]:
        """The values a choice item may take, in the card's order."""
        return tuple(option["value"] for option in self.options(item_id))

    @property
    def scales(self) -> list[dict[str, Any]]:
        """The scoring rules, in the order they are computed."""
        scales: list[dict[str, Any]] = self.data["scales"]
        return scales


def _load() -> dict[str, Instrument]:
    found = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.json")):
        instrument = Instrument(json.loads(path.read_text(encoding="utf-8")))
        if instrument.name != path.stem:
            raise ValueError(f"{path.name} defines {instrument.name!r}")
        found[instrument.name] = instrument
    return found


DEFINITIONS: dict[str, Instrument] = _load()
