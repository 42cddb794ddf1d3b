"""Chart data drawn as SVG by the templates: documents per year by type, and small trends.

Everything here is numbers (counts and coordinates in the SVG's own units); the templates
only loop over them, so charts work offline and without JavaScript.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from indexer.records import DOC_TYPES
from search.doctable import DocTable

CHART_WIDTH = 480
CHART_HEIGHT = 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 30, 8, 10, 24
MAX_YEAR_LABELS = 12
SPARK_WIDTH = 120
SPARK_HEIGHT = 28


@dataclass(frozen=True, slots=True)
class ChartRect:
    """One stacked segment: the documents of one type in one year."""

    year: str
    type: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One year of the chart: its total, its label position and its stacked segments."""

    year: str
    total: int
    label_x: float
    show_label: bool
    rects: tuple[ChartRect, ...]


@dataclass(frozen=True, slots=True)
class ChartTick:
    """A horizontal grid line with its count label."""

    value: int
    y: float


@dataclass(frozen=True, slots=True)
class LegendItem:
    """A document type present in the chart, with its count."""

    type: str
    count: int


@dataclass(frozen=True, slots=True)
class YearChart:
    """Documents per year, stacked by type; `undated` documents are not drawn."""

    width: int
    height: int
    baseline: float
    plot_left: float
    plot_right: float
    bars: tuple[ChartBar, ...]
    ticks: tuple[ChartTick, ...]
    legend: tuple[LegendItem, ...]
    total: int
    undated: int

    @property
    def is_empty(self) -> bool:
        """True when no dated document is drawn."""
        return not self.bars


@dataclass(frozen=True, slots=True)
class SparkBar:
    """One year of a trend sparkline."""

    year: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Sparkline:
    """A small per-year bar trend over a fixed range of years."""

    width: int
    height: int
    bars: tuple[SparkBar, ...]
    first_year: str
    last_year: str
    description: str


def year_type_counts(table: DocTable, mask: np.ndarray) -> dict[str, dict[str, int]]:
    """Return {year: {type: documents}} over the documents in `mask` (dated ones only)."""
    years, types = table.facets["year"], table.facets["type"]
    counts = years.matrix[mask].T.astype(np.int64) @ types.matrix[mask].astype(np.int64)
    out: dict[str, dict[str, int]] = {}
    for i, year in enumerate(years.values):
        row = {t: int(counts[i, j]) for j, t in enumerate(types.values) if counts[i, j]}
        if row:
            out[year] = row
    return out


def year_range(first: str, last: str) -> list[str]:
    """Return every year from `first` to `last` inclusive, as strings."""
    return [str(y) for y in range(int(first), int(last) + 1)]


def documents_per_year(table: DocTable, mask: np.ndarray, years: list[str]) -> list[int]:
    """Return the number of documents in `mask` dated in each of `years`."""
    column = table.facets["year"]
    per_value = dict(zip(column.values, column.matrix[mask].sum(axis=0).tolist()))
    return [int(per_value.get(y, 0)) for y in years]


def year_chart(table: DocTable, mask: np.ndarray) -> YearChart:
    """Return the stacked documents-per-year-by-type chart of the documents in `mask`."""
    counts = year_type_counts(table, mask)
    dated = sum(sum(row.values()) for row in counts.values())
    total = int(mask.sum())
    legend = tuple(LegendItem(t, sum(row.get(t, 0) for row in counts.values()))
                   for t in _type_order(counts))
    if not counts:
        return YearChart(CHART_WIDTH, CHART_HEIGHT, CHART_HEIGHT - _BOTTOM, _LEFT,
                         CHART_WIDTH - _RIGHT, (), (), legend, total, total - dated)
    years = year_range(min(counts), max(counts))
    top = _nice_top(max(sum(row.values()) for row in counts.values()))
    bars = _bars(years, counts, top, legend)
    ticks = tuple(ChartTick(v, _y_of(v, top)) for v in _tick_values(top))
    return YearChart(CHART_WIDTH, CHART_HEIGHT, _y_of(0, top), _LEFT, CHART_WIDTH - _RIGHT,
                     bars, ticks, legend, total, total - dated)


def sparkline(counts: list[int], years: list[str]) -> Sparkline:
    """Return a trend of `counts` (one per year of `years`) as small bars."""
    if not years:
        return Sparkline(SPARK_WIDTH, SPARK_HEIGHT, (), "", "", "No dated documents")
    slot = SPARK_WIDTH / len(years)
    top = max(max(counts), 1)
    bars = []
    for i, (year, n) in enumerate(zip(years, counts)):
        h = round((SPARK_HEIGHT - 2) * n / top, 2) if n else 0.0
        bars.append(SparkBar(year, n, round(i * slot + slot * 0.15, 2),
                             round(SPARK_HEIGHT - max(h, 1.0), 2), round(slot * 0.7, 2),
                             max(h, 1.0)))
    text = ", ".join(f"{y}: {n}" for y, n in zip(years, counts) if n)
    return Sparkline(SPARK_WIDTH, SPARK_HEIGHT, tuple(bars), years[0], years[-1],
                     f"Documents per year, {years[0]}–{years[-1]}: {text or 'none'}")


def _type_order(counts: dict[str, dict[str, int]]) -> list[str]:
    """Return the types present in `counts`, in taxonomy order (unknown types last)."""
    present = {t for row in counts.values() for t in row}
    known = [t for t in DOC_TYPES if t in present]
    return known + sorted(present - set(known))


def _bars(years: list[str], counts: dict[str, dict[str, int]], top: int,
          legend: tuple[LegendItem, ...]) -> tuple[ChartBar, ...]:
    """Return one stacked bar per year (empty years keep their slot)."""
    slot = (CHART_WIDTH - _LEFT - _RIGHT) / len(years)
    width = round(min(slot * 0.7, 48), 2)
    every = math.ceil(len(years) / MAX_YEAR_LABELS)
    out = []
    for i, year in enumerate(years):
        x = _LEFT + i * slot + (slot - width) / 2
        row, stacked, rects = counts.get(year, {}), 0, []
        for item in legend:
            n = row.get(item.type, 0)
            if n:
                y_top = _y_of(stacked + n, top)
                rects.append(ChartRect(year, item.type, n, round(x, 2), y_top, width,
                                       round(_y_of(stacked, top) - y_top, 2)))
                stacked += n
        out.append(ChartBar(year, stacked, round(x + width / 2, 2),
                            (len(years) - 1 - i) % every == 0, tuple(rects)))
    return tuple(out)


def _nice_top(peak: int) -> int:
    """Return the axis maximum: `peak` rounded up to a multiple of a readable step."""
    step = _step(peak)
    return max(step, math.ceil(peak / step) * step)


def _step(peak: int) -> int:
    """Return a grid step giving at most about five lines (1, 2, 5, 10, 20, 50, ...)."""
    raw = max(1, math.ceil(peak / 5))
    magnitude = 10 ** (len(str(raw)) - 1)
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


def _tick_values(top: int) -> list[int]:
    step = _step(top)
    return list(range(0, top + 1, step))


def _y_of(value: float, top: int) -> float:
    """Return the SVG y of `value` on an axis from 0 (baseline) to `top`."""
    plot = CHART_HEIGHT - _TOP - _BOTTOM
    return round(CHART_HEIGHT - _BOTTOM - plot * value / top, 2)
