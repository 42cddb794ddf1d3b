"""Turn people's tag corrections into labeled documents for the next retrain."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from indexer.learning.labels import LabeledDoc
from indexer.records import IndexedDocument

CORRECTIONS_PUBLISHER = "corrections"


def corrected_documents(docs: Iterable[IndexedDocument], corpus_dir: Path) -> tuple[LabeledDoc, ...]:
    """Return a LabeledDoc per corrected document whose file is still in `corpus_dir`.

    `docs` are documents with corrections applied (confirmed and added tags present,
    rejected ones gone): their tags are the labels. Only tags are labeled; type, title, date
    and statements stay unknown, so only the tags component learns from them.
    """
    out = []
    for doc in docs:
        path = corpus_dir / doc.path
        if not path.is_file():
            continue
        out.append(LabeledDoc(
            key=doc.doc_id, name=doc.path, corpus_path=path,
            header={"source": CORRECTIONS_PUBLISHER, "lang": doc.meta.lang}, raw_text="",
            loe=tuple(t.tag for t in doc.tags if t.group == "loe"),
            principle=tuple(t.tag for t in doc.tags if t.group == "principle")))
    return tuple(out)
