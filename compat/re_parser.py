"""CPython's private regex parser (`re._parser`, `re._constants`), checked at import (softly).

indexer/literals.py reads a compiled pattern's parse tree to find literals every match must
contain (cheap pre-checks before a regex scan). That tree is what `re.compile` builds on,
but it is private to CPython. If a Python upgrade moved it or dropped an opcode the walk
needs, this module logs why and `parser` is None: every pattern is then scanned in full
(slower, same results).
"""
from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

DISTRIBUTION = "CPython"
PINNED = "3.11"
OPCODES = ("LITERAL", "SUBPATTERN", "ATOMIC_GROUP", "BRANCH", "IN", "AT", "ASSERT",
           "ASSERT_NOT", "MAX_REPEAT", "MIN_REPEAT")
OPTIONAL_OPCODES = ("POSSESSIVE_REPEAT",)
PARSER_NAMES = ("parse", "SubPattern")

PROBLEM: str | None = None
try:
    from re import _constants as ops
    from re import _parser as parser
except ImportError:
    ops = parser = None
    PROBLEM = "re._parser / re._constants are gone"
else:
    _gone = ([n for n in OPCODES if not hasattr(ops, n)]
             + [n for n in PARSER_NAMES if not hasattr(parser, n)])
    if _gone:
        PROBLEM = f"re._constants / re._parser lack {', '.join(_gone)}"
    elif not hasattr(parser.parse("a"), "data"):
        PROBLEM = "re._parser.parse() no longer returns a SubPattern with .data"
if PROBLEM:
    PROBLEM = (f"{PROBLEM} in Python {sys.version.split()[0]}; indexer/literals.py was written "
               f"for {DISTRIBUTION} {PINNED}: every regex is scanned without pre-checks")
    log.warning("%s", PROBLEM)
    ops = parser = None
