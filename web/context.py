"""What every route module needs from the app: the KnowledgeBase, the query args, and the
shape of the clearance callable that app.py passes in (app.current_clearance decides it).
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, request

from indexer.records import Marking
from search.kb import KnowledgeBase

Clearance = Callable[[], Marking]


def kb(app: Flask) -> KnowledgeBase:
    """Return the app's KnowledgeBase."""
    return app.extensions["kb"]


def query_args() -> dict[str, list[str]]:
    """Return the request's query string as plain pairs, for the `*Request.from_args` parsers."""
    return request.args.to_dict(flat=False)
