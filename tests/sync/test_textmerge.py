"""Three-way line merge of notes: clean where edits do not overlap, symmetric always."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.textmerge import TextMerge, merge_text

CLEAN = [
    # (case, base, ours, theirs, merged)
    ("edits in different places", "a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n", "A\nb\nC\n"),
    ("edits on adjacent lines", "a\nb\nc\n", "A\nb\nc\n", "a\nB\nc\n", "A\nB\nc\n"),
    ("identical edits are taken once", "a\nb\n", "a\nX\n", "a\nX\n", "a\nX\n"),
    ("only ours changed", "a\nb\n", "a\nb\nc\n", "a\nb\n", "a\nb\nc\n"),
    ("only theirs changed", "a\nb\n", "a\nb\n", "z\na\nb\n", "z\na\nb\n"),
    ("insertions at one point keep both", "a\nc\n", "a\nb1\nc\n", "a\nb2\nc\n", "a\nb1\nb2\nc\n"),
    ("both append at the end", "a\n", "a\nb\n", "a\nc\n", "a\nb\nc\n"),
    ("both prepend", "a\n", "y\na\n", "x\na\n", "x\ny\na\n"),
    ("deletion and distant edit", "a\nb\nc\nd\n", "a\nc\nd\n", "a\nb\nc\nD\n", "a\nc\nD\n"),
    ("same deletion on both sides", "a\nb\nc\n", "a\nc\n", "a\nc\n", "a\nc\n"),
    ("deletion next to an insertion", "a\nb\nc\n", "a\nc\n", "a\nb\nc\nd\n", "a\nc\nd\n"),
    ("empty base, both write", "", "x\n", "y\n", "x\ny\n"),
    ("empty base, one writes", "", "", "y\n", "y\n"),
    ("everything empty", "", "", "", ""),
    ("one side clears, other untouched", "a\nb\n", "", "a\nb\n", ""),
    ("no trailing newline, both append", "a", "a\nb", "a\nc", "a\nb\nc"),
    ("no trailing newline, edit elsewhere", "a\nb", "A\nb", "a\nb\nc", "A\nb\nc"),
    ("one side adds the final newline", "a\nb", "a\nb\n", "A\nb", "A\nb\n"),
    ("one side drops the final newline", "a\nb\n", "a\nb", "a\nb\nc\n", "a\nb\nc"),
    ("no line breaks at all, one side", "note", "note", "note!", "note!"),
    ("crlf lines stay whole", "a\r\nb\r\n", "A\r\nb\r\n", "a\r\nB\r\n", "A\r\nB\r\n"),
]

CONFLICTS = [
    # (case, base, ours, theirs)
    ("same line changed differently", "a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n"),
    ("overlapping ranges changed", "a\nb\nc\nd\n", "a\nX\nY\nd\n", "a\nb\nZ\nW\n"),
    ("deletion against an edit", "a\nb\nc\n", "a\nc\n", "a\nB\nc\n"),
    ("insertion inside a changed range", "a\nb\nc\nd\n", "a\nb\nX\nc\nd\n", "a\nQ\nR\nd\n"),
    ("single line without newline", "note", "note A", "note B"),
    ("clearing against a rewrite", "a\n", "", "b\n"),
]


@pytest.mark.parametrize(("case", "base", "ours", "theirs", "merged"), CLEAN)
def test_merge_is_clean(case: str, base: str, ours: str, theirs: str, merged: str) -> None:
    assert merge_text(base, ours, theirs) == TextMerge(merged, clean=True), case
    assert merge_text(base, theirs, ours) == TextMerge(merged, clean=True), case


@pytest.mark.parametrize(("case", "base", "ours", "theirs"), CONFLICTS)
def test_merge_conflicts_on_overlapping_different_edits(
    case: str, base: str, ours: str, theirs: str
) -> None:
    assert not merge_text(base, ours, theirs).clean, case
    assert not merge_text(base, theirs, ours).clean, case


def test_conflict_text_keeps_ours_then_theirs() -> None:
    assert merge_text("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n") == TextMerge("a\nX\nY\nc\n", False)


lines = st.lists(st.sampled_from(["a", "b", "c", "d", "", "a b"]), max_size=8)
texts = st.builds(lambda ls, nl: "\n".join(ls) + ("\n" if nl and ls else ""), lines, st.booleans())


@given(texts, texts, texts)
def test_merge_is_symmetric(base: str, ours: str, theirs: str) -> None:
    forward, backward = merge_text(base, ours, theirs), merge_text(base, theirs, ours)
    assert forward.clean == backward.clean
    if forward.clean:
        assert forward.text == backward.text


@given(texts, texts)
def test_merge_with_an_unchanged_side_takes_the_other(base: str, edited: str) -> None:
    assert merge_text(base, base, edited) == TextMerge(edited, clean=True)
    assert merge_text(base, edited, base) == TextMerge(edited, clean=True)


@given(texts, texts)
def test_merge_of_identical_edits_is_that_edit(base: str, edited: str) -> None:
    assert merge_text(base, edited, edited) == TextMerge(edited, clean=True)


@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_merge_never_fails_on_any_text(base: str, ours: str, theirs: str) -> None:
    merged = merge_text(base, ours, theirs)
    assert merged.clean == merge_text(base, theirs, ours).clean
