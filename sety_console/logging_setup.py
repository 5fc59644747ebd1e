"""A rotating log file in the user log dir; API keys and hub tokens are redacted from every record."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from sety_console.credentials import redact


class RedactKeys(logging.Filter):
    """Never let an API key or a hub token reach a log handler, whatever the message or its arguments hold."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(directory: Path, *, level: int = logging.INFO) -> Path:
    """Log to `directory/sety-console.log` (5 × 2 MB) and stderr; returns the file path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "sety-console.log"
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    stream_handler = logging.StreamHandler()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in (file_handler, stream_handler):
        handler.setFormatter(fmt)
        handler.addFilter(RedactKeys())
    stream_handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(file_handler)
    root.addHandler(stream_handler)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry full URLs
    return path
