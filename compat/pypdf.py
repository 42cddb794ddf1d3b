"""pypdf private internals used by indexer/readers/pdf.py, checked at import (softly).

Opening an encrypted PDF, the reader must know whether the empty string is the *user*
password (viewers then open the file silently). pypdf's public `decrypt("")` tries the
owner password first, so it also succeeds on files whose author set a user password and
left the owner password empty. The exact check needs `PdfReader._encryption` and
`pypdf._encryption.AlgV4/AlgV5.verify_user_password`. If an upgrade removed them, this
module logs why and `empty_user_password` falls back to the public API, refusing what it
cannot prove openable (only USER_PASSWORD counts): the app starts and PDFs still index.
"""
from __future__ import annotations

import logging

from pypdf import PasswordType, PdfReader

from compat import missing, problem

log = logging.getLogger(__name__)

DISTRIBUTION = "pypdf"
PINNED = "7.1.0"
ENCRYPTION_FIELDS = ("V", "R", "Length", "values", "P", "id1_entry", "EncryptMetadata")
VALUES_FIELDS = ("O", "U", "UE")

PROBLEM: str | None = None
try:
    from pypdf._encryption import AlgV4, AlgV5, Encryption
except ImportError:
    AlgV4 = AlgV5 = Encryption = None
    PROBLEM = problem(DISTRIBUTION, PINNED, "pypdf._encryption", ["AlgV4", "AlgV5", "Encryption"])
else:
    # PdfReader._encryption is an instance attribute: checked per file (tests/test_compat.py
    # checks it on a real encrypted PDF)
    _gone = missing(AlgV4, ["verify_user_password"]) + missing(AlgV5, ["verify_user_password"])
    if _gone:
        PROBLEM = problem(DISTRIBUTION, PINNED, "pypdf._encryption.AlgV4/AlgV5", _gone)
if PROBLEM:
    log.warning("%s; encrypted PDFs are opened only when pypdf says the empty string is the "
                "user password", PROBLEM)


def empty_user_password(reader: PdfReader) -> bool:
    """Return True if the (encrypted) PDF opens with the empty string as its user password."""
    enc = getattr(reader, "_encryption", None) if PROBLEM is None else None
    if enc is None or any(not hasattr(enc, name) for name in ENCRYPTION_FIELDS) or any(
            not hasattr(enc.values, name) for name in VALUES_FIELDS):
        return _public_check(reader)
    if enc.V <= 4:
        key = AlgV4.verify_user_password(b"", enc.R, enc.Length, enc.values.O, enc.values.U,
                                         enc.P, enc.id1_entry, enc.EncryptMetadata)
    else:
        key = AlgV5.verify_user_password(enc.R, b"", enc.values.U, enc.values.UE)
    return bool(key)


def _public_check(reader: PdfReader) -> bool:
    """The fallback: True only if pypdf itself says "" is the user password."""
    return reader.decrypt("") == PasswordType.USER_PASSWORD
