"""Pulih's sync engine: pure Python over plain data, no I/O.

Theory of operation: devices record changes offline, stamped by a hybrid logical clock
(`hlc`), and push them as `Change`s; the server classifies each one (`classify_change`),
merges it field by field with what other devices changed since its base (`resolve_conflict`,
notes by `merge_text`) and answers a `Result`; devices pull `PulledChange`s and replay their
pending work on top (`Replica`). The clock and the id maker are always passed in.
"""

from sync.changes import Change, ConflictKind, Op, PulledChange, Result, Status
from sync.duplicates import (
    KnownClient,
    NumberedClient,
    find_duplicate,
    holds_number,
    likely_duplicates,
    normalize_name,
)
from sync.errors import InvalidChange, InvalidClock, SyncError, UnknownEntity
from sync.hlc import Hlc, receive, tick
from sync.merge import (
    CONFLICT_KINDS,
    FIELD_RULES,
    NULL_BASE_VERSION,
    Decision,
    FieldConflict,
    FieldOutcome,
    FieldSituation,
    HistoryEntry,
    MergeOutcome,
    RecordState,
    ServerRecord,
    changed_by_others,
    classify_change,
    effective_base,
    field_situation,
    merge_change,
    record_state,
    replayed_base,
    resolve_conflict,
)
from sync.replica import Replica
from sync.textmerge import TextMerge, merge_text

__all__ = [
    "CONFLICT_KINDS",
    "FIELD_RULES",
    "NULL_BASE_VERSION",
    "KnownClient",
    "NumberedClient",
    "Decision",
    "HistoryEntry",
    "ServerRecord",
    "changed_by_others",
    "effective_base",
    "find_duplicate",
    "likely_duplicates",
    "normalize_name",
    "holds_number",
    "merge_change",
    "replayed_base",
    "Change",
    "ConflictKind",
    "FieldConflict",
    "FieldOutcome",
    "FieldSituation",
    "Hlc",
    "InvalidChange",
    "InvalidClock",
    "MergeOutcome",
    "Op",
    "PulledChange",
    "RecordState",
    "Replica",
    "Result",
    "Status",
    "SyncError",
    "TextMerge",
    "UnknownEntity",
    "classify_change",
    "field_situation",
    "merge_text",
    "receive",
    "record_state",
    "resolve_conflict",
    "tick",
]
