"""The push pipeline (docs/protocol.md, "Push", steps P1-P10): see pipeline.py for its flow."""

from .pipeline import push, touch_device

__all__ = ["push", "touch_device"]
