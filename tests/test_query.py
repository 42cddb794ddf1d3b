"""Query args -> SearchRequest or QueryError, and query text -> Whoosh query or QueryError."""
from __future__ import annotations

import pytest

from search.errors import QueryError
from search.parser import parse_query
from search.query import SearchRequest


def req(taxonomy, **args):
    return SearchRequest.from_args({k: v if isinstance(v, list) else [v] for k, v in args.items()},
                                   taxonomy)


@pytest.mark.parametrize("args, expected", [
    ({}, SearchRequest(sort="newest")),
    ({"q": "audit"}, SearchRequest(text="audit")),
    ({"q": "audit", "loe": ["sector-reform", "defense-capability"]},
     SearchRequest(text="audit", filters=(("loe", ("sector-reform", "defense-capability")),))),
    ({"q": "x", "sort": "oldest", "page": "2", "per_page": "50"},
     SearchRequest(text="x", sort="oldest", page=2, per_page=50)),
    ({"from": "2019", "to": "2021-06"}, SearchRequest(date_from="2019", date_to="2021-06", sort="newest")),
    ({"q": "x", "expand": "0"}, SearchRequest(text="x", expand=False)),
])
def test_args_make_request(taxonomy, args, expected):
    assert req(taxonomy, **args) == expected


@pytest.mark.parametrize("args, message", [
    ({"loe": "nonexistent"}, "unknown line of effort"),
    ({"type": "memo"}, "unknown document type"),
    ({"sort": "random"}, "unknown sort"),
    ({"page": "0"}, "page must be"),
    ({"page": "abc"}, "whole number"),
    ({"per_page": "500"}, "per_page must be between 1 and 100"),
    ({"page": "100000"}, "too deep"),
    ({"from": "2019-13"}, "YYYY"),
    ({"year": "19"}, "four digits"),
    ({"q": "a" * 3000}, "too long"),
])
def test_bad_args_say_what_to_fix(taxonomy, args, message):
    with pytest.raises(QueryError, match=message):
        req(taxonomy, **args)


def test_toggle_adds_and_removes_a_value(taxonomy):
    r = req(taxonomy, q="audit")
    on = r.toggled("loe", "sector-reform")
    assert on.query_string() == "q=audit&loe=sector-reform"
    assert on.toggled("loe", "sector-reform").query_string() == "q=audit"


@pytest.mark.parametrize("text, message", [
    ('"unterminated phrase', "unterminated phrase"),
    ("(((", "unbalanced"),
    ("a)", "unbalanced"),
    ("*", "at least 3 letters"),
    ("pr*", "at least 3 letters"),
    ("title:", "needs a value"),
    ("NOT", "NOT needs a term"),
    ("-audit", "cannot only exclude"),
    ("audit OR", "OR needs a term"),
    (" OR ".join(f"w{i}" for i in range(500)), "at most"),
])
def test_malformed_queries_say_what_to_fix(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text)


@pytest.mark.parametrize("text, expected", [
    ("defence audit", "((text:defens OR title:defens OR section:defens) AND "
                      "(text:audit OR title:audit OR section:audit))"),
    ('"end-use monitoring"', '(text:"end use monitor" OR title:"end use monitor" '
                             'OR section:"end use monitor")'),
    ("title:charter", "(title:charter)"),
    ("type:minutes", "type:minutes"),
    ("procur*", "(text:procur* OR title:procur*)"),
])
def test_query_language(text, expected):
    assert str(parse_query(text).query) == expected


def test_ukrainian_words_are_lemmatized():
    parsed = parse_query("цивільного контролю")
    assert parsed.highlight == {"цивільний", "контроль"}
