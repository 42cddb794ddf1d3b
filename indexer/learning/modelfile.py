"""Versioned model files: `indexer/models/<component>.json`, checked against the taxonomy.

Each file holds `{"format", "component", "classes", "trained", "model"}`: `classes` are the
ids the model predicts (tag or type ids, actor names...), checked when it is loaded, so a
taxonomy edited without retraining stops the start with a message saying what differs and
which command retrains.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

FORMAT = 1
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
RETRAIN = "flask --app app train --labels DIR"


class ModelError(Exception):
    """A model file that is missing, unreadable or does not match the taxonomy."""


def model_path(component: str, models_dir: Path = MODELS_DIR) -> Path:
    """Return the file of `component` ("tags", "doctype", ...) in `models_dir`."""
    return models_dir / f"{component}.json"


def save_model(component: str, classes: Sequence[str], model: Mapping[str, Any],
               trained: Mapping[str, Any], models_dir: Path = MODELS_DIR) -> Path:
    """Write a model file atomically (sorted keys, so retraining on the same data is
    byte-identical) and return its path."""
    path = model_path(component, models_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"format": FORMAT, "component": component, "classes": list(classes),
                       "trained": dict(trained), "model": dict(model)},
                      ensure_ascii=False, sort_keys=True, indent=0, separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{component}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(body + "\n")
        os.chmod(tmp, 0o644)            # a data file shipped with the code, not a secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_model(component: str, classes: Sequence[str] | None,
               models_dir: Path = MODELS_DIR) -> Mapping[str, Any]:
    """Return the `model` part of a component's file; raise ModelError naming the problem.

    When `classes` is given, the file's classes must be the same set.
    """
    path = model_path(component, models_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"model file {path} is missing; retrain with `{RETRAIN}`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"model file {path} cannot be read ({exc}); retrain with `{RETRAIN}`") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("component") != component:
        raise ModelError(f"model file {path} is not a format-{FORMAT} '{component}' model; "
                         f"retrain with `{RETRAIN}`")
    if classes is not None and set(data.get("classes", ())) != set(classes):
        have, want = set(data.get("classes", ())), set(classes)
        parts = []
        if want - have:
            parts.append("the taxonomy has " + ", ".join(sorted(want - have)) + " which the model lacks")
        if have - want:
            parts.append("the model has " + ", ".join(sorted(have - want)) + " which the taxonomy lacks")
        raise ModelError(f"model file {path} does not match the taxonomy: {'; '.join(parts)}. "
                         f"Retrain with `{RETRAIN}`")
    return data["model"]
