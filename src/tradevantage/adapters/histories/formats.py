"""Choosing the reader of a trade-history file: by name, or from the file's first kilobytes."""

from __future__ import annotations

from tradevantage.adapters.histories.json_lines import TradevantageJsonLines
from tradevantage.adapters.histories.readers import READERS as FILE_READERS
from tradevantage.adapters.histories.readers import Reader, detect_reader
from tradevantage.domain.errors import FieldError, ValidationFailed

AUTO = "auto"
READERS: dict[str, Reader] = {**FILE_READERS, TradevantageJsonLines.name: TradevantageJsonLines()}


def format_names() -> list[str]:
    return [AUTO, *READERS]


def choose_reader(name: str, head: str) -> Reader:
    """The reader called `name`, or with `auto` the one that recognises `head` (the start of the file)."""
    if name != AUTO:
        if name not in READERS:
            raise ValidationFailed(
                [FieldError("format", f"Unknown format {name!r}; use one of {', '.join(format_names())}.")]
            )
        return READERS[name]
    reader = detect_reader(head) or next((r for r in READERS.values() if r.detects(head)), None)
    if reader is None:
        raise ValidationFailed(
            [FieldError("format", f"Cannot tell this file's format; give --format ({', '.join(READERS)}).")]
        )
    return reader
