"""Retrain every shipped model from labeled folders (and people's tag corrections).

`check_labels` refuses data that cannot train a sound model (too few examples of a tag);
`train_models` trains each registered component and replaces the model files only when
every component trained, so a failure keeps the shipped models.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.learning.bundle import COMPONENTS, component_module, load_models
from indexer.learning.labels import LabeledDoc, LabelsError
from indexer.learning.modelfile import MODELS_DIR, model_path, save_model
from indexer.records import Taxonomy

MIN_EXAMPLES = 3          # documents with, and without, each line of effort and principle
TAG_ONLY = "tags"         # the component that learns from tag corrections too


@dataclass(frozen=True, slots=True)
class TrainReport:
    """What a training run used and wrote."""

    documents: int
    corrected: int                      # documents whose tags people corrected
    files: tuple[Path, ...]


def check_labels(docs: Sequence[LabeledDoc], taxonomy: Taxonomy) -> None:
    """Raise LabelsError when a line of effort or principle has too few examples either way."""
    if not docs:
        raise LabelsError("no labeled documents")
    short = []
    for group in ("loe", "principle"):
        for tag in taxonomy.group(group):
            scored = [d for d in docs if tag.id not in d.ignore]
            pos = sum(tag.id in getattr(d, group) for d in scored)
            if pos < MIN_EXAMPLES or len(scored) - pos < MIN_EXAMPLES:
                short.append(f"{tag.id} ({pos} with, {len(scored) - pos} without)")
    if short:
        raise LabelsError(f"too few examples to learn from (at least {MIN_EXAMPLES} documents "
                          f"with and {MIN_EXAMPLES} without each tag): " + "; ".join(short))


def _trained(name: str) -> dict:
    return {"component": name}


def train_models(docs: Sequence[LabeledDoc], taxonomy: Taxonomy,
                 corrected: Sequence[LabeledDoc] = (), models_dir: Path = MODELS_DIR,
                 components: Sequence[str] | None = None) -> TrainReport:
    """Train each component on `docs` (the tags component also on `corrected`) and replace
    its model file; nothing is replaced unless every component trained and loads back."""
    check_labels([*docs, *corrected], taxonomy)
    names = tuple(COMPONENTS if components is None else components)
    staging = Path(tempfile.mkdtemp(prefix=".train-", dir=models_dir.parent))
    try:
        for name in names:
            module = component_module(name)
            data = [*docs, *corrected] if name == TAG_ONLY else list(docs)
            payload = module.train(data, taxonomy)
            save_model(name, module.classes(taxonomy) or [], payload,
                       {"documents": len(data), "corrected": len(corrected) if name == TAG_ONLY else 0},
                       staging)
        load_models(taxonomy, staging, names)          # what we ship must load
        models_dir.mkdir(parents=True, exist_ok=True)
        files = []
        for name in names:
            os.replace(model_path(name, staging), model_path(name, models_dir))
            files.append(model_path(name, models_dir))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return TrainReport(len(docs), len(corrected), tuple(files))
