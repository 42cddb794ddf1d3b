"""Load the taxonomy file (data the administrator edits) and compile its cues for the tagger.

`load_taxonomy` validates the whole file and raises `TaxonomyError("<file>:<line>: <what>")`
on the first problem, so a typo never passes silently. `compile_taxonomy` turns the loaded
`Taxonomy` into a `CompiledTaxonomy` (phrases as normalized term tuples, regexes compiled,
cues indexed by their first term); it is a pure function of a frozen value, cached by
`functools.lru_cache`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from indexer.analysis import STOP_WORDS, Term, normalize_word, terms
from indexer.literals import Prechecked, prechecked
from indexer.records import Acronym, Cue, TagDef, Taxonomy

REGEX_PREFIX = "re:"
GROUPS = ("loe", "principle", "type")
_TOP_KEYS = frozenset({"version", "languages", "contexts", "acronyms", "equivalents", *GROUPS})
_TAG_KEYS = frozenset({"id", "name", "names", "definition", "threshold", "doc_threshold", "cues"})
_CUE_KEYS = frozenset({"phrase", "phrases", "weight", "lang", "requires", "unless", "window",
                       "scope"})
_SCOPES = ("any", "title", "text")
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REGEX_FLAGS = re.IGNORECASE


class TaxonomyError(Exception):
    """The taxonomy file is unreadable or invalid; the message names the file and line."""


def default_taxonomy_path() -> Path:
    """Return the path of the taxonomy shipped with the indexer."""
    return Path(__file__).with_name("taxonomy.yaml")


# --- YAML with line numbers -------------------------------------------------------------


class _Map(dict):
    """A YAML mapping that remembers its line and the line of each key (1-based)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line = 0
        self.key_lines: dict[str, int] = {}


class _Seq(list):
    """A YAML sequence that remembers its line and the line of each item (1-based)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line = 0
        self.item_lines: list[int] = []


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers; duplicate keys are errors."""


def _construct_map(loader: _MarkedLoader, node: yaml.MappingNode) -> _Map:
    """Build a `_Map` from `node`, refusing duplicate keys."""
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r}",
                                       problem_mark=key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader: _MarkedLoader, node: yaml.SequenceNode) -> _Seq:
    """Build a `_Seq` from `node`."""
    out = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


class _Where:
    """Formats errors as "<file>:<line>: <message>"."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, line: int, message: str) -> TaxonomyError:
        """Return a TaxonomyError for `line` of this file."""
        return TaxonomyError(f"{self.path}:{line}: {message}")


def _read_yaml(path: Path) -> tuple[Any, str]:
    """Return the parsed file and its text; raise TaxonomyError on I/O or syntax errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read taxonomy: {exc}") from exc
    try:
        return yaml.load(text, Loader=_MarkedLoader), text  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        context = ""
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            context = f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise TaxonomyError(f"{path}:{line}: YAML syntax error: {exc.problem}{context}") from exc
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}:0: YAML error: {exc}") from exc


# --- validation -------------------------------------------------------------------------


def _check_keys(where: _Where, data: _Map, allowed: frozenset[str], what: str) -> None:
    """Raise on any key of `data` that is not in `allowed` (typos must not pass silently)."""
    for key in data:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            raise where.error(data.key_lines.get(key, data.line),
                              f"unknown key {key!r} in {what} (allowed: {hint})")


def _number(where: _Where, data: _Map, key: str, default: float) -> float:
    """Return the number at `key` of `data`, or `default` when absent."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise where.error(data.key_lines.get(key, data.line), f"{key} must be a number, got {value!r}")
    return float(value)


def _text(where: _Where, data: _Map, key: str, *, required: bool = False) -> str:
    """Return the string at `key` of `data` ("" when absent and not required)."""
    if key not in data:
        if required:
            raise where.error(data.line, f"missing {key!r}")
        return ""
    value = data[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise where.error(data.key_lines[key], f"{key} must be a non-empty string, got {value!r}")
    return value.strip()


def _string_list(where: _Where, value: Any, line: int, what: str) -> list[str]:
    """Return `value` as a list of non-empty strings (a single string is a list of one)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
        raise where.error(line, f"{what} must be a list of words or phrases, got {value!r}")
    return [v.strip() for v in items]


_STOP_TERMS = frozenset(STOP_WORDS | {normalize_word(w) for w in STOP_WORDS})


def content_terms(text: str) -> list[Term]:
    """Return the terms of `text` the tagger matches on (no stop words, no single characters)."""
    return [t for t in terms(text) if len(t.text) >= 2 and t.text not in _STOP_TERMS]


def phrase_terms(phrase: str) -> tuple[str, ...]:
    """Return the normalized terms of `phrase` as the tagger matches them (stop words dropped)."""
    return tuple(t.text for t in content_terms(phrase))


def _check_pattern(where: _Where, pattern: str, line: int) -> None:
    """Raise if `pattern` is a bad regex or a phrase with no matchable words."""
    if pattern.startswith(REGEX_PREFIX):
        try:
            re.compile(pattern[len(REGEX_PREFIX):], _REGEX_FLAGS)
        except re.error as exc:
            raise where.error(line, f"bad regex {pattern!r}: {exc}") from exc
    elif not phrase_terms(pattern):
        raise where.error(line, f"phrase {pattern!r} has no words left after stop words")


def _context_words(where: _Where, data: _Map, key: str, contexts: Mapping[str, list[str]]) -> tuple[str, ...]:
    """Return the words of `requires`/`unless`, expanding "@name" references to `contexts:`."""
    if key not in data:
        return ()
    line = data.key_lines[key]
    out: list[str] = []
    for item in _string_list(where, data[key], line, key):
        if item.startswith("@"):
            if item[1:] not in contexts:
                raise where.error(line, f"unknown context {item!r} (define it under 'contexts:')")
            out.extend(contexts[item[1:]])
        else:
            _check_pattern(where, item, line)
            out.append(item)
    return tuple(out)


def _parse_cue_entry(where: _Where, entry: Any, line: int, contexts: Mapping[str, list[str]]) -> list[Cue]:
    """Return the cues of one `cues:` entry: a phrase string, or a mapping of options."""
    if isinstance(entry, str):
        _check_pattern(where, entry.strip(), line)
        return [Cue(pattern=entry.strip())]
    if not isinstance(entry, _Map):
        raise where.error(line, f"a cue must be a phrase or a mapping, got {entry!r}")
    _check_keys(where, entry, _CUE_KEYS, "cue")
    if ("phrase" in entry) == ("phrases" in entry):
        raise where.error(entry.line, "a cue needs exactly one of 'phrase' or 'phrases'")
    key = "phrase" if "phrase" in entry else "phrases"
    phrases = _string_list(where, entry[key], entry.key_lines[key], key)
    weight = _number(where, entry, "weight", 1.0)
    if weight == 0:
        raise where.error(entry.key_lines["weight"], "weight must not be 0")
    window = _number(where, entry, "window", 0)
    if window < 0 or window != int(window):
        raise where.error(entry.key_lines["window"], "window must be a whole number >= 0")
    lang = _text(where, entry, "lang") or "any"
    scope = _text(where, entry, "scope") or "any"
    if scope not in _SCOPES:
        raise where.error(entry.key_lines["scope"], f"scope must be one of {', '.join(_SCOPES)}")
    requires = _context_words(where, entry, "requires", contexts)
    unless = _context_words(where, entry, "unless", contexts)
    for phrase in phrases:
        _check_pattern(where, phrase, entry.key_lines[key])
    return [Cue(pattern=p, weight=weight, lang=lang, requires=requires, unless=unless,
                window=int(window), scope=scope) for p in phrases]


def _parse_cues(where: _Where, data: _Map, contexts: Mapping[str, list[str]]) -> tuple[Cue, ...]:
    """Return all cues of one tag."""
    if "cues" not in data:
        return ()
    entries = data["cues"]
    if not isinstance(entries, _Seq):
        raise where.error(data.key_lines["cues"], "cues must be a list")
    cues: list[Cue] = []
    for entry, line in zip(entries, entries.item_lines):
        cues.extend(_parse_cue_entry(where, entry, line, contexts))
    return tuple(cues)


def _parse_names(where: _Where, data: _Map) -> dict[str, str]:
    """Return the per-language display names of one tag."""
    names = data.get("names", {})
    if not isinstance(names, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
        raise where.error(data.key_lines.get("names", data.line),
                          "names must map a language code to a name, e.g. {en: ..., uk: ...}")
    return dict(names)


def _parse_tag(where: _Where, data: Any, line: int, group: str,
               contexts: Mapping[str, list[str]]) -> TagDef:
    """Return one validated TagDef of `group`."""
    if not isinstance(data, _Map):
        raise where.error(line, f"each {group} entry must be a mapping with id, name, cues...")
    _check_keys(where, data, _TAG_KEYS, f"{group} entry")
    tag_id = _text(where, data, "id", required=True)
    if not _ID_RE.match(tag_id):
        raise where.error(data.key_lines["id"], f"id {tag_id!r} must be lowercase words joined by '-'")
    threshold = _number(where, data, "threshold", 1.0)
    doc_threshold = _number(where, data, "doc_threshold", 2.0)
    for key, value in (("threshold", threshold), ("doc_threshold", doc_threshold)):
        if value <= 0:
            raise where.error(data.key_lines[key], f"{key} must be > 0")
    return TagDef(id=tag_id, group=group, name=_text(where, data, "name", required=True),
                  definition=_text(where, data, "definition"), names=_parse_names(where, data),
                  cues=_parse_cues(where, data, contexts), threshold=threshold,
                  doc_threshold=doc_threshold)


def _parse_group(where: _Where, root: _Map, group: str,
                 contexts: Mapping[str, list[str]]) -> tuple[TagDef, ...]:
    """Return the tags of one group, checking that their ids are unique."""
    if group not in root:
        raise where.error(root.line, f"missing top-level section {group!r}")
    entries = root[group]
    if not isinstance(entries, _Seq):
        raise where.error(root.key_lines[group], f"{group} must be a list of tags")
    tags: list[TagDef] = []
    for entry, line in zip(entries, entries.item_lines):
        tag = _parse_tag(where, entry, line, group, contexts)
        if any(t.id == tag.id for t in tags):
            raise where.error(line, f"duplicate {group} id {tag.id!r}")
        tags.append(tag)
    return tuple(tags)


def _parse_contexts(where: _Where, root: _Map) -> dict[str, list[str]]:
    """Return the named context word lists (`contexts:`), used as "@name" in cues."""
    data = root.get("contexts", _Map())
    if not isinstance(data, _Map):
        raise where.error(root.key_lines["contexts"], "contexts must map a name to a list of words")
    out: dict[str, list[str]] = {}
    for name, words in data.items():
        line = data.key_lines[name]
        out[str(name)] = _string_list(where, words, line, f"context {name!r}")
        for word in out[str(name)]:
            _check_pattern(where, word, line)
    return out


def _parse_acronyms(where: _Where, root: _Map) -> tuple[Acronym, ...]:
    """Return the glossary: `acronyms:` entries {short, long}."""
    entries = root.get("acronyms", _Seq())
    if not isinstance(entries, _Seq):
        raise where.error(root.key_lines["acronyms"], "acronyms must be a list of {short, long}")
    out: list[Acronym] = []
    for entry, line in zip(entries, entries.item_lines):
        if not isinstance(entry, _Map):
            raise where.error(line, "an acronym must be a mapping {short: ..., long: ...}")
        _check_keys(where, entry, frozenset({"short", "long"}), "acronym")
        out.append(Acronym(short=_text(where, entry, "short", required=True),
                           long=_text(where, entry, "long", required=True)))
    return tuple(out)


def _parse_equivalents(where: _Where, root: _Map) -> tuple[tuple[str, ...], ...]:
    """Return `equivalents:`: groups of phrases (any language) that a query treats as one."""
    entries = root.get("equivalents", _Seq())
    if not isinstance(entries, _Seq):
        raise where.error(root.key_lines["equivalents"], "equivalents must be a list of lists")
    groups = []
    for entry, line in zip(entries, entries.item_lines):
        phrases = _string_list(where, entry, line, "an equivalents group")
        if len(phrases) < 2:
            raise where.error(line, "an equivalents group needs at least two phrases")
        groups.append(tuple(phrases))
    return tuple(groups)


def load_taxonomy(path: Path) -> Taxonomy:
    """Return the validated taxonomy in `path`.

    Raises TaxonomyError("<file>:<line>: <what is wrong>") for unreadable files, YAML syntax
    errors, unknown keys, missing or duplicate ids, bad regexes and non-number weights.
    """
    path = Path(path)
    where = _Where(path)
    root, text = _read_yaml(path)
    if not isinstance(root, _Map):
        raise where.error(1, "the taxonomy must be a mapping with loe, principle and type")
    _check_keys(where, root, _TOP_KEYS, "the taxonomy")
    contexts = _parse_contexts(where, root)
    groups = {g: _parse_group(where, root, g, contexts) for g in GROUPS}
    return Taxonomy(loe=groups["loe"], principle=groups["principle"], types=groups["type"],
                    acronyms=_parse_acronyms(where, root),
                    equivalents=_parse_equivalents(where, root), source=str(path),
                    digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])


# --- compiled form ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompiledCue:
    """A cue ready to match: a term tuple (phrase) or a compiled regex, plus its context."""

    tag: int                                   # index into CompiledGroup.tags
    label: str                                 # the cue as written, shown as evidence
    weight: float
    lang: str
    terms: tuple[str, ...] = ()                # phrase terms; () for a regex cue
    regex: re.Pattern[str] | None = None
    precheck: Prechecked | None = None         # the regex with its literal pre-check
    requires: tuple[tuple[str, ...], ...] = ()
    unless: tuple[tuple[str, ...], ...] = ()
    window: int = 0
    scope: str = "any"
    requires_heads: frozenset[str] = frozenset()   # first terms of `requires`, a quick test
    unless_heads: frozenset[str] = frozenset()

    @property
    def key(self) -> tuple[str, ...] | str:
        """Return what makes two cues the same cue ("training"/"trained" -> ("train",))."""
        return self.terms or self.label


@dataclass(frozen=True, slots=True)
class CompiledGroup:
    """The cues of a set of tags, phrases indexed by their first term."""

    tags: tuple[TagDef, ...]
    by_first_term: Mapping[str, tuple[CompiledCue, ...]]
    regex_cues: tuple[CompiledCue, ...]


@dataclass(frozen=True, slots=True)
class CompiledTaxonomy:
    """A taxonomy compiled for tagging: lines of effort + principles, and document types."""

    taxonomy: Taxonomy
    topics: CompiledGroup                      # loe and principle tags, matched in one pass
    types: CompiledGroup


def _compile_cue(cue: Cue, tag: int) -> CompiledCue:
    """Return the compiled form of `cue` for the tag at index `tag`."""
    requires = tuple(phrase_terms(w) for w in cue.requires)
    unless = tuple(phrase_terms(w) for w in cue.unless)
    context = {"requires": requires, "unless": unless, "window": cue.window, "scope": cue.scope,
               "requires_heads": frozenset(p[0] for p in requires),
               "unless_heads": frozenset(p[0] for p in unless)}
    if cue.pattern.startswith(REGEX_PREFIX):
        regex = re.compile(cue.pattern[len(REGEX_PREFIX):], _REGEX_FLAGS)
        return CompiledCue(tag, cue.pattern, cue.weight, cue.lang, regex=regex,
                           precheck=prechecked(regex), **context)
    return CompiledCue(tag, cue.pattern, cue.weight, cue.lang, terms=phrase_terms(cue.pattern),
                       **context)


def _compile_group(tags: tuple[TagDef, ...]) -> CompiledGroup:
    """Return the compiled cues of `tags`."""
    index: dict[str, list[CompiledCue]] = {}
    regex_cues: list[CompiledCue] = []
    for i, tag in enumerate(tags):
        for cue in tag.cues:
            compiled = _compile_cue(cue, i)
            if compiled.regex is not None:
                regex_cues.append(compiled)
            else:
                index.setdefault(compiled.terms[0], []).append(compiled)
    frozen = {k: tuple(v) for k, v in index.items()}
    return CompiledGroup(tags, MappingProxyType(frozen), tuple(regex_cues))


@lru_cache(maxsize=8)
def compile_taxonomy(taxonomy: Taxonomy) -> CompiledTaxonomy:
    """Return `taxonomy` compiled for the tagger (cached: the taxonomy is frozen)."""
    return CompiledTaxonomy(taxonomy, _compile_group(taxonomy.loe + taxonomy.principle),
                            _compile_group(taxonomy.types))


def is_stop_term(term: str) -> bool:
    """Return True when `term` is a stop word or a single character ("U.S." -> u, s): skipped."""
    return len(term) < 2 or term in _STOP_TERMS
