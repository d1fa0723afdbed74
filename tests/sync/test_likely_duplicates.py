"""The likely-duplicate rule, the twin of pwa/src/shared/duplicates.ts (admission from a list)."""

from sync import KnownClient, likely_duplicates, normalize_name
from sync.duplicates import levenshtein, similar_names

SITI = KnownClient("c1", "Siti Aminah", "1988-02-03", ("NEW-1", "OLD-1"))


def test_names_are_normalized_as_the_app_does() -> None:
    assert normalize_name("  Sítí  AMINAH-binti ") == "siti aminah binti"
    assert levenshtein("aminah", "aminnah", 2) == 1
    assert levenshtein("abc", "abcdef", 2) == 3  # stops past the limit
    assert similar_names("Siti Aminah", "SitiAminah")
    assert not similar_names("Siti Aminah", "Budi Santoso")


def test_a_number_now_or_before_and_a_similar_name_with_the_birth_date() -> None:
    assert likely_duplicates("old-1", "Lain", None, [SITI]) == [(SITI, "registration_number")]
    assert likely_duplicates("X", "Siti Aminnah", "1988-02-03", [SITI]) == [
        (SITI, "name_birth_date")
    ]
    assert likely_duplicates("X", "Siti Aminnah", "1990-01-01", [SITI]) == []
    assert likely_duplicates("X", "Siti Aminnah", None, [SITI]) == []
