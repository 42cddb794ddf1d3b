"""The shipped models as one bundle, loaded with the taxonomy and checked against it.

A component is a module of `indexer.learning` that learns one thing (document tags, type,
title, date, statements) and provides:

- `classes(taxonomy) -> list[str] | None`: the ids its model predicts (checked at load);
- `from_payload(payload) -> object`: the runtime model from the file's `model` part;
- `train(docs, taxonomy) -> dict`: a new payload from labeled documents;
- `evaluate_folds([(runtime, docs), ...], taxonomy) -> dict[str, float]`: its figures over
  held-out folds, pooled (each document scored once, by the model of its own fold).

`attach_models` loads every registered component into `Taxonomy.models` and folds the model
files' digest into `Taxonomy.digest`, so a retrained model rebuilds the index like an edited
taxonomy does.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from indexer.learning.modelfile import MODELS_DIR, ModelError, load_model, model_path
from indexer.records import Taxonomy

# Registered components, in training order: name -> module under indexer.learning.
COMPONENTS: tuple[str, ...] = ("tags", "dates", "doctype", "statements")


@dataclass(frozen=True, slots=True)
class Models:
    """The runtime models by component name, and the digest of their files."""

    parts: Mapping[str, object] = field(default_factory=dict)
    digest: str = ""

    def get(self, component: str) -> object | None:
        """Return the runtime model of `component`, or None when it is not loaded."""
        return self.parts.get(component)


def component_module(name: str) -> ModuleType:
    """Return the module implementing component `name`."""
    return importlib.import_module(f"indexer.learning.{name}")


def load_models(taxonomy: Taxonomy, models_dir: Path = MODELS_DIR,
                components: tuple[str, ...] | None = None) -> Models:
    """Return every component's model from `models_dir`; raise ModelError naming the problem."""
    parts: dict[str, object] = {}
    h = hashlib.sha256()
    for name in COMPONENTS if components is None else components:
        module = component_module(name)
        payload = load_model(name, module.classes(taxonomy), models_dir)
        try:
            parts[name] = module.from_payload(payload)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"model file {model_path(name, models_dir)} is malformed "
                             f"({type(exc).__name__}: {exc})") from None
        h.update(name.encode() + model_path(name, models_dir).read_bytes())
    return Models(parts, h.hexdigest()[:16] if parts else "")


def attach_models(taxonomy: Taxonomy, models_dir: Path = MODELS_DIR,
                  components: tuple[str, ...] | None = None) -> Taxonomy:
    """Return `taxonomy` with its models (every registered component, or `components`)
    loaded and their digest in `digest`."""
    models = load_models(taxonomy, models_dir, components)
    digest = taxonomy.digest if not models.digest else \
        hashlib.sha256(f"{taxonomy.digest}:{models.digest}".encode()).hexdigest()[:16]
    return dataclasses.replace(taxonomy, models=models, digest=digest)


def models_of(taxonomy: Taxonomy) -> Models:
    """Return the models attached to `taxonomy` (an empty bundle when none are)."""
    return taxonomy.models if isinstance(taxonomy.models, Models) else Models()
