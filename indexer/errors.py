"""Errors raised by the indexer for files that fail in an expected way."""
from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be read for an expected reason.

    The message is the one-line reason shown to the user (and recorded in the
    build report); the build skips the file and continues.
    """
