"""Disjunctive facet counts over documents: OR inside a facet, AND across facets."""
from __future__ import annotations

import dataclasses

import numpy as np

from indexer.records import Taxonomy
from search.doctable import DocTable
from search.query import FACETS, SearchRequest
from search.results import Chip, FacetValue

MAX_VALUES = {"org": 15, "year": 20}
LANG_LABELS = {"en": "English", "uk": "Українська"}


def selection_masks(table: DocTable, req: SearchRequest) -> dict[str, np.ndarray]:
    """Return, per selected facet, the mask of documents carrying any selected value."""
    return {facet: table.facets[facet].mask_any(vals) for facet, vals in req.filters}


def apply_selections(base: np.ndarray, masks: dict[str, np.ndarray], skip: str = "") -> np.ndarray:
    """Return `base` narrowed by every selection mask except the one of facet `skip`."""
    out = base.copy()
    for facet, mask in masks.items():
        if facet != skip:
            out &= mask
    return out


def facet_counts(table: DocTable, base: np.ndarray, req: SearchRequest,
                 taxonomy: Taxonomy) -> dict[str, tuple[FacetValue, ...]]:
    """Return the non-zero values of every facet with counts over `base`.

    A facet's counts ignore its own selection, so its other values stay visible.
    """
    masks = selection_masks(table, req)
    out = {}
    for facet in FACETS:
        column = table.facets[facet]
        counts = column.matrix[apply_selections(base, masks, skip=facet)].sum(axis=0)
        values = [(v, int(c)) for v, c in zip(column.values, counts) if c > 0]
        out[facet] = tuple(FacetValue(v, label(facet, v, taxonomy), c, v in req.selected(facet),
                                      req.toggled(facet, v).query_string())
                           for v, c in _order(facet, values, taxonomy))
    return out


def chips(req: SearchRequest, taxonomy: Taxonomy) -> tuple[Chip, ...]:
    """Return the active filters as removable chips."""
    out = [Chip(facet, v, label(facet, v, taxonomy), req.toggled(facet, v).query_string())
           for facet, vals in req.filters for v in vals]
    for name, value in (("from", req.date_from), ("to", req.date_to)):
        if value:
            rest = dataclasses.replace(req, page=1, **{"date_" + name: None})
            out.append(Chip(name, value, f"{name} {value}", rest.query_string()))
    return tuple(out)


def label(facet: str, value: str, taxonomy: Taxonomy) -> str:
    """Return the display label of a facet value."""
    if facet in ("loe", "principle", "type"):
        return taxonomy.label(facet, value)
    if facet == "lang":
        return LANG_LABELS.get(value, value)
    return value


def _order(facet: str, values: list[tuple[str, int]], taxonomy: Taxonomy) -> list[tuple[str, int]]:
    """Return facet values in display order: taxonomy order, newest year, or by count."""
    if facet in ("loe", "principle", "type"):
        rank = {t.id: i for i, t in enumerate(taxonomy.group(facet))}
        values = sorted(values, key=lambda vc: rank.get(vc[0], len(rank)))
    elif facet == "year":
        values = sorted(values, reverse=True)
    else:
        values = sorted(values, key=lambda vc: (-vc[1], vc[0]))
    return values[:MAX_VALUES.get(facet, len(values))]
