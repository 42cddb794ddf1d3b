"""A per-request time budget: search stages check it and stop an expensive query early."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from search.errors import QueryTooExpensive


@dataclass
class Deadline:
    """The CPU time a request may still spend; `check()` raises QueryTooExpensive past it.

    CPU time of the request's own thread, not wall-clock: on a busy server, waiting for the
    interpreter lock is not the query's fault and must not fail ordinary queries.
    """

    budget_s: float
    started: float = field(default_factory=time.thread_time)

    def check(self) -> None:
        """Raise QueryTooExpensive if the budget is spent."""
        if time.thread_time() - self.started > self.budget_s:
            raise QueryTooExpensive(
                f"the search took longer than its {self.budget_s * 1000:.0f} ms budget: narrow "
                "it with fewer words or wildcards, a phrase, facets or dates")
