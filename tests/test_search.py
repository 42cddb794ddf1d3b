"""Search over the tests/corpus index: facets, sorting, paging, markings, acronyms, JSON."""
from __future__ import annotations

import pytest

from indexer.records import Marking
from search.errors import QueryError
from search.query import SearchRequest


def everything(kb, clearance=Marking.RESTRICTED, **kw):
    return kb.search(SearchRequest(per_page=100, sort="newest", **kw), clearance)


def counts(results, facet):
    return {v.value: v.count for v in results.facets[facet]}


def test_browse_lists_every_visible_document_newest_first(kb):
    res = everything(kb)
    dates = [h.date for h in res.hits if h.date]
    assert res.total == len(res.hits) > 5
    assert dates == sorted(dates, reverse=True)
    assert res.is_browse and all(h.snippets for h in res.hits)


def test_facet_counts_are_document_counts_and_never_zero(kb):
    res = everything(kb)
    for facet, values in res.facets.items():
        assert all(v.count > 0 for v in values), facet
    for v in res.facets["loe"]:
        assert v.count == sum(1 for h in res.hits if v.value in h.loe)
    for v in res.facets["type"]:
        assert v.count == sum(1 for h in res.hits if h.type == v.value)


def test_multi_select_inside_a_facet_is_or_and_ignores_its_own_selection(kb):
    base = everything(kb)
    two = [v.value for v in base.facets["loe"]][:2]
    res = everything(kb, filters=(("loe", tuple(two)),))
    expected = {h.id for h in base.hits if set(two) & set(h.loe)}
    assert {h.id for h in res.hits} == expected
    assert counts(res, "loe") == counts(base, "loe")
    assert [v.value for v in res.facets["loe"] if v.selected] == sorted(two, key=two.index)


def test_different_facets_combine_with_and(kb):
    base = everything(kb)
    loe = base.facets["loe"][0].value
    lang = "en"
    res = everything(kb, filters=(("loe", (loe,)), ("lang", (lang,))))
    assert {h.id for h in res.hits} == {h.id for h in base.hits if loe in h.loe and h.lang == lang}
    assert counts(res, "lang")[lang] == res.total


def test_selecting_a_value_gives_its_count_as_total(kb):
    base = everything(kb)
    for v in base.facets["type"]:
        assert everything(kb, filters=(("type", (v.value,)),)).total == v.count


def test_date_range_keeps_documents_inside_it(kb):
    res = everything(kb, date_from="2017", date_to="2021")
    assert res.total > 0
    assert all("2017" <= h.date[:4] <= "2021" for h in res.hits)


def test_sorting_by_oldest_reverses_newest(kb):
    newest = [h.id for h in everything(kb).hits if h.date]
    oldest = [h.id for h in kb.search(SearchRequest(per_page=100, sort="oldest"),
                                      Marking.RESTRICTED).hits if h.date]
    assert oldest == newest[::-1]


def test_pages_do_not_overlap(kb):
    p1 = kb.search(SearchRequest(per_page=2, page=1, sort="newest"), Marking.RESTRICTED)
    p2 = kb.search(SearchRequest(per_page=2, page=2, sort="newest"), Marking.RESTRICTED)
    assert len(p1.hits) == len(p2.hits) == 2
    assert not {h.id for h in p1.hits} & {h.id for h in p2.hits}
    assert p1.total == p2.total and p1.pages == (p1.total + 1) // 2


@pytest.mark.parametrize("clearance", list(Marking))
def test_hits_and_counts_follow_clearance(kb, clearance):
    res = everything(kb, clearance)
    assert all(Marking[h.marking] <= clearance for h in res.hits)
    full = everything(kb)
    assert res.total == sum(1 for h in full.hits if Marking[h.marking] <= clearance)
    assert sum(v.count for v in res.facets["lang"]) == res.total


def test_canary_is_invisible_below_restricted(kb):
    for clearance in (Marking.PUBLIC, Marking.INTERNAL):
        res = kb.search(SearchRequest(text="zanzibarite"), clearance)
        assert res.total == 0 and res.hits == () and res.suggestion is None
        assert all(not vals for vals in res.facets.values())
        orgs = everything(kb, clearance).facets["org"]
        assert "Canary Logistics Directorate" not in {v.value for v in orgs}
        assert "QHP" not in {e.short for e in kb.glossary(clearance)}
    assert kb.search(SearchRequest(text="zanzibarite"), Marking.RESTRICTED).total == 1
    assert "QHP" in {e.short for e in kb.glossary(Marking.RESTRICTED)}


def test_relevance_search_highlights_matches(kb):
    res = kb.search(SearchRequest(text="procurement", expand=False), Marking.RESTRICTED)
    assert res.total > 0
    marked = [f.text.lower() for h in res.hits for s in h.snippets for f in s.fragments
              if f.is_match]
    assert marked and all(m.startswith("procur") for m in marked)
    assert all("<mark>" in s.html for h in res.hits for s in h.snippets)


def test_uk_and_us_spellings_match_each_other(kb):
    defence = {h.id for h in kb.search(SearchRequest(text="defence"), Marking.RESTRICTED).hits}
    defense = {h.id for h in kb.search(SearchRequest(text="defense"), Marking.RESTRICTED).hits}
    assert defence == defense and defence


def test_ukrainian_inflected_forms_match(kb):
    a = kb.search(SearchRequest(text="цивільний контроль", expand=False), Marking.RESTRICTED)
    b = kb.search(SearchRequest(text="цивільного контролю", expand=False), Marking.RESTRICTED)
    assert a.total == b.total > 0
    assert {h.lang for h in a.hits} == {"uk"}


def test_equivalents_cross_languages_and_can_be_switched_off(kb):
    """A Ukrainian query also finds English documents through the taxonomy's equivalents."""
    on = kb.search(SearchRequest(text="цивільний контроль"), Marking.RESTRICTED)
    off = kb.search(SearchRequest(text="цивільний контроль", expand=False), Marking.RESTRICTED)
    assert {h.lang for h in off.hits} == {"uk"}
    assert "en" in {h.lang for h in on.hits} and off.total < on.total
    assert any(e.term == "цивільний контроль" for e in on.expanded)


def test_acronym_and_long_form_find_each_other(kb):
    short = kb.search(SearchRequest(text="MJC"), Marking.RESTRICTED)
    long = kb.search(SearchRequest(text="Multinational Joint Commission"), Marking.RESTRICTED)
    assert {h.id for h in short.hits} == {h.id for h in long.hits}
    assert len(short.hits) >= 2
    assert short.expanded[0].term == "MJC"
    off = kb.search(SearchRequest(text="Multinational Joint Commission", expand=False),
                    Marking.RESTRICTED)
    assert off.expanded == () and off.total < long.total


def test_did_you_mean_only_when_the_correction_has_hits(kb):
    res = kb.search(SearchRequest(text="logisitcs"), Marking.RESTRICTED)
    assert res.total == 0 and res.suggestion == "logistics"
    assert kb.search(SearchRequest(text="qqqqzzzz"), Marking.RESTRICTED).suggestion is None


def test_partial_matches_rank_when_and_finds_nothing(kb):
    res = kb.search(SearchRequest(text="procurement xylophone"), Marking.RESTRICTED)
    assert res.total > 0


@pytest.mark.parametrize("text", ["*", "(((", '"open', "loe:nonexistent", "type:memo"])
def test_bad_queries_raise_query_error(kb, text):
    with pytest.raises(QueryError):
        kb.search(SearchRequest(text=text), Marking.RESTRICTED)


@pytest.mark.parametrize("text, check", [
    ("type:minutes", lambda h: h.type == "minutes"),
    ("lang:uk", lambda h: h.lang == "uk"),
    ("loe:sector-reform", lambda h: "sector-reform" in h.loe),
])
def test_fielded_terms_filter_documents(kb, text, check):
    res = kb.search(SearchRequest(text=text, per_page=100), Marking.RESTRICTED)
    assert res.total > 0 and all(check(h) for h in res.hits)
    assert res.total == len(res.hits)


def test_fielded_term_with_words_keeps_highlighted_snippets(kb):
    res = kb.search(SearchRequest(text="type:minutes co-chairs"), Marking.RESTRICTED)
    assert res.total > 0 and all(h.type == "minutes" for h in res.hits)
    assert any(f.is_match for h in res.hits for s in h.snippets for f in s.fragments)


def test_postings_cache_evicts_least_recently_used_past_its_byte_budget():
    import numpy as np
    from search.doctable import PostingsCache
    cache = PostingsCache(max_bytes=3 * 800)
    arrays = {k: (np.zeros(50), np.zeros(50)) for k in "abcd"}        # 800 bytes each
    for k in "abc":
        cache.put(("t", k), arrays[k])
    assert cache.get(("t", "a")) is arrays["a"]                          # a is now most recent
    cache.put(("t", "d"), arrays["d"])
    assert cache.get(("t", "b")) is None and cache.get(("t", "a")) is arrays["a"]
    cache.put(("t", "huge"), (np.zeros(1000), np.zeros(1000)))           # over budget: not kept
    assert cache.get(("t", "huge")) is None


@pytest.mark.parametrize("phrase", ["civilian control", "multinational joint commission",
                                    "the the", "defense", "цивільного контролю", "no such words here"])
def test_phrase_matching_agrees_with_whoosh(index_dir, phrase):
    """Our position check must find exactly the documents Whoosh's span matcher finds."""
    from whoosh import index as whoosh_index
    from whoosh import query as wq
    from indexer import schema as f
    from indexer.analysis import terms
    from search.scoring import phrase_docnums
    words = [t.text for t in terms(phrase)]
    ix = whoosh_index.open_dir(str(f.current_generation(index_dir)))
    with ix.searcher() as s:
        expected = sorted(s.docs_for_query(wq.Phrase(f.DOC_TEXT, words)))
        assert phrase_docnums(s.reader(), f.DOC_TEXT, words) == expected
