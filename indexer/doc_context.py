"""Who speaks in a document: the side its first-person and subjectless statements belong to.

A document's voice shows in its head: the publisher line ("U.S. Department of Defense",
"Міністерство оборони України"), a byline, "Remarks by Secretary X", "NATO Secretary
General", or a title naming a joint statement or agreement of two sides. The head is the
title and the first few blocks; the speaker is the actor named most (earliest first) there,
"Both sides" for joint texts (statements, declarations, agreements) naming two parties. The learned actor model
(indexer/learning/statements.py) reads the same head mentions as features.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from indexer.actors import mentions
from indexer.records import ACTOR_BOTH, ACTOR_UKRAINE, SourceDocument

HEAD_BLOCKS = 4          # title + this many first blocks make the head
HEAD_CHARS = 600         # of each block

_JOINT = re.compile(
    r"\b(?i:joint (?:statement|declaration|communiqu[eé]|press (?:statement|release))|"
    r"agreement (?:on|between)|memorandum|declaration (?:on|between)|charter)\b|"
    r"(?<!\w)(?i:спільн\w+ (?:заяв\w+|декларац\w+)|угод\w+ між|меморандум\w*|двосторонн\w+ угод\w+)(?!\w)")


_TOPIC = re.compile(r"(?:the )?Ukraine|Україн\w*|Ukrainian \w+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DocContext:
    """What a statement's sentence cannot say about itself: the document's voice and kind."""

    lang: str = "en"
    speaker: str | None = None               # one of records.ACTORS, None when unclear
    head_actors: tuple[str, ...] = ()        # actors named in the head, in order of first mention
    title_actors: tuple[str, ...] = ()       # actors named in the title
    joint: bool = False                      # a joint statement / agreement between parties
    doc_type: str | None = None
    date: str | None = None                  # the document's ISO date: dates "by the end of the year"
    title: str = ""


def document_context(doc: SourceDocument) -> DocContext:
    """Return the voice of `doc`, read from its title and first blocks."""
    title = doc.meta.title or ""
    head = [title] + [b.text[:HEAD_CHARS] for b in doc.blocks[:HEAD_BLOCKS]]
    return context_of(head, doc.meta.lang, doc.meta.doc_type, doc.meta.date)


def context_of(head: list[str], lang: str, doc_type: str | None = None,
               date: str | None = None) -> DocContext:
    """Return the context of a document whose title is `head[0]` and first blocks follow."""
    title_actors = _ordered(head[0]) if head else ()
    counts: Counter[str] = Counter()
    topic: Counter[str] = Counter()
    first: dict[str, int] = {}
    for text in head:
        for m in mentions(text):
            first.setdefault(m.actor, len(first))
            if _TOPIC.fullmatch(text[m.start:m.end]):
                topic[m.actor] += 1      # "Ukraine" is what nearly every text is about
            else:
                counts[m.actor] += 1
    if not counts:
        counts = topic or (Counter({ACTOR_UKRAINE: 1}) if lang == "uk" else Counter())
        first.setdefault(ACTOR_UKRAINE, len(first))
    head_actors = tuple(sorted(first, key=first.__getitem__))
    joint = any(_JOINT.search(t) for t in head[:3])
    speaker = None
    if joint and (len(set(head_actors) - {ACTOR_BOTH}) >= 2 or ACTOR_BOTH in head_actors):
        speaker = ACTOR_BOTH
    elif counts:
        speaker = max(counts, key=lambda a: (counts[a], -first[a]))
    return DocContext(lang=lang, speaker=speaker, head_actors=head_actors,
                      title_actors=title_actors, joint=joint, doc_type=doc_type,
                      date=date, title=head[0] if head else "")


def _ordered(text: str) -> tuple[str, ...]:
    """Return the actors named in `text`, each once, in order."""
    out: list[str] = []
    for m in mentions(text):
        if m.actor not in out:
            out.append(m.actor)
    return tuple(out)
