"""CLI: `flask --app app train --labels DIR` retrains the shipped models."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from indexer.learning.corrections import corrected_documents
from indexer.learning.labels import LabeledDoc, LabelsError, load_labels
from indexer.learning.modelfile import ModelError
from indexer.learning.train import train_models
from indexer.records import Marking
from indexer.taxonomy import load_taxonomy
from search.errors import IndexDamaged, IndexMissing, NotFound
from web.auth import stores

TRAIN_COMMAND = "train"


def train_command(app: Flask) -> click.Command:
    @click.command(TRAIN_COMMAND)
    @click.option("--labels", "folders", multiple=True, required=True,
                  type=click.Path(file_okay=False, exists=True, path_type=Path),
                  help="A labels folder (gold.json, docs/, corpus/); repeat for several.")
    @click.option("--corrections/--no-corrections", default=True, show_default=True,
                  help="Also learn tags from the corrections people made in the UI.")
    @click.option("--models", "models_dir", type=click.Path(file_okay=False, path_type=Path),
                  default=None, help="Where the model files live (default: KB_MODELS_DIR, "
                                     "else indexer/models).")
    def command(folders: tuple[Path, ...], corrections: bool, models_dir: Path | None) -> None:
        """Retrain the tag, type, title, date and statement models (deterministic).

        The model files are replaced only when every model trained; on an error the
        shipped models stay as they are. Rebuild the index afterwards (`index --rebuild`
        happens by itself: the models are part of the index version).
        """
        taxonomy = load_taxonomy(Path(app.config["TAXONOMY"]))
        models_dir = models_dir or Path(app.config["MODELS_DIR"])
        try:
            docs = [d for folder in folders for d in load_labels(folder, taxonomy)]
            corrected = _corrected(app) if corrections else ()
            report = train_models(docs, taxonomy, corrected, models_dir)
        except (LabelsError, ModelError) as exc:
            raise click.ClickException(f"{exc}. The models were not changed.") from None
        stores(app).audit.record("cli", "train", "ok",
                                 detail=f"{report.documents} labeled, {report.corrected} corrected")
        click.echo(f"trained on {report.documents} labeled documents and {report.corrected} "
                   f"corrected ones; wrote " + ", ".join(p.name for p in report.files) +
                   f" in {models_dir}")

    return command


def _corrected(app: Flask) -> tuple[LabeledDoc, ...]:
    """Return the documents people corrected tags of, labeled with their corrected tags."""
    kb = app.extensions["kb"]
    records = []
    try:
        for doc_id in stores(app).corrections.overlay().tags:
            try:
                records.append(kb.record(doc_id, Marking.RESTRICTED))
            except NotFound:
                continue                    # corrected, then deleted from the corpus
    except (IndexMissing, IndexDamaged) as exc:
        click.echo(f"tag corrections not used: {exc}", err=True)
        return ()
    return corrected_documents(records, Path(app.config["CORPUS_DIR"]))


_FLASK_OPTIONS_WITH_VALUE = frozenset(("--app", "-A", "--env-file", "-e"))


def is_train_invocation(argv: list[str]) -> bool:
    """Return True when the process runs `flask ... train`: the one command that must start
    even when the model files do not match the taxonomy (it is how they are mended)."""
    args = iter(argv[1:])
    for arg in args:
        if arg in _FLASK_OPTIONS_WITH_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return arg == TRAIN_COMMAND
    return False
