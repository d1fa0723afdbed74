"""Pulih's tables: people and devices, the synced records, and the change log."""

from .auth import Device, LoginThrottle, SealKey, Token, User, user_facilities
from .figures import SessionCount
from .log import AuditEvent, ChangeLog, Conflict, DeviceAuditEntry, SyncCounter
from .records import (
    ENTITY_MODELS,
    WRITABLE_ENTITIES,
    Alert,
    Assessment,
    Attendance,
    Client,
    Cohort,
    CounselingSession,
    Enrollment,
    Facility,
    PhaseChange,
    Release,
    ScopeExit,
    Transfer,
)

__all__ = [
    "ENTITY_MODELS",
    "Alert",
    "Cohort",
    "PhaseChange",
    "Release",
    "ScopeExit",
    "Transfer",
    "WRITABLE_ENTITIES",
    "Assessment",
    "Attendance",
    "AuditEvent",
    "SealKey",
    "SessionCount",
    "ChangeLog",
    "Client",
    "Conflict",
    "CounselingSession",
    "Device",
    "DeviceAuditEntry",
    "Enrollment",
    "Facility",
    "LoginThrottle",
    "SyncCounter",
    "Token",
    "User",
    "user_facilities",
]
