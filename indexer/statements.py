"""Classify sentences as commitments, decisions, action items or figures, with actor,
amount and due date.

A *commitment* is a party undertaking to act ("The MoD will...", "Each Participant shall...",
"Ukraine commits to...", "Сторони сприятимуть..."): a future or obligation verb whose subject
is an actor; passive or impersonal futures ("will be reviewed", "will take place") are not.
A *decision* is something agreed, decided, approved or adopted by someone ("the co-chairs
agreed that...", "it was decided...", "План затверджено..."), not a participle ("the agreed
priorities"). An *action* is a task with an owner and a deadline (minutes' "Action: X to ...
by <date>", "Відповідальний: ..."). A *figure* is any other sentence stating an amount of
money or equipment. One kind per sentence, in that order of precedence: action, decision,
commitment, figure.

With the learned model (component `statements`, indexer/learning/statements.py) these rules
become features: the model confirms or vetoes the rules' commitments and decisions, adds the
ones they miss, and picks the actor; action items and figures stay the rules'. Due dates
(indexer/due_dates.py) and first-person actors use the document's context
(indexer/doc_context.py).
"""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterator, NamedTuple, Protocol

from indexer.actors import acting_actor, actor_at
from indexer.due_dates import find_due as _find_due
from indexer.literals import fold, prechecked
from indexer.records import STATEMENT_KINDS as KINDS
from indexer.records import Statement
from indexer.sentences import sentence_spans

if TYPE_CHECKING:
    from indexer.doc_context import DocContext

__all__ = ["KINDS", "classify_sentence", "extract_statements", "find_actor", "find_amount",
           "find_due", "rule_signals"]

# --- action items ------------------------------------------------------------------------
_ACTION_LABEL = re.compile(
    r"(?:^|[•·])[\s•*·\-–—\d.)]*(?:action(?: item)?s?|follow-up|доручення|доручити|захід)\s*[:–—]",
    re.IGNORECASE)
_OWNER_LABEL = re.compile(r"(?:[Вв]ідповідальн\w*|\bOwner|\bResponsible)\s*[:—–]")
_TASK = re.compile(
    r"^[\s•*·\-–—]*(?:[A-Z][\w.()\-–]*(?:\s+[\w.()\-–]+){0,9}?)\s+to\s+(?:deliver|submit|prepare|"
    r"provide|draft|present|report|complete|brief|send|share|organi[sz]e|update|propose|develop|"
    r"circulate|nominate|establish|finali[sz]e|table|review|issue|confirm|arrange)\b")
_UK_TASK = re.compile(r"^[\s•*·\-–—]*(?:Вирішили\s*:|Доручити(?!\w)|Доручено(?!\w))")

# --- decisions ---------------------------------------------------------------------------
_IT_WAS_DECIDED = re.compile(r"\bit (?:was|has been|is|had been) (?:also )?(?:agreed|decided|resolved)\b",
                             re.IGNORECASE)
_PASSIVE_DECISION = re.compile(
    r"(?<!that )(?<!which )\b(?:was|were|has been|have been|had been) (?:formally |jointly |"
    r"officially |also )?(?:agreed|decided|approved|adopted|endorsed|ratified|signed)\b(?! by the time)",
    re.IGNORECASE)
_DECISION_VERB = re.compile(
    r"\b(?:(?:have|has|had) )?(?:also |jointly |formally |unanimously |further |then )?"
    r"(?P<verb>agreed|decided|resolved|concurred|approved|endorsed|adopted|signed)\b", re.IGNORECASE)
_AFTER_AGREE = re.compile(r"(?:\s+(?:in|on) (?:\d{1,2} )?[A-Z]\w+(?: \d{4})?)?\s*(?:to|that|on|upon|with|in principle|:|,)", re.IGNORECASE)
_AFTER_APPROVE = re.compile(r"\s+(?:the|a|an|all|its|their|this|these|those|both|two|three|four|"
                            r"five|[A-Z0-9])")
_NOT_FINITE_BEFORE = re.compile(
    r"\b(?:the|an|a|already|previously|newly|mutually|as|were|was|is|are|been|being|be|"
    r"not|never|its|their|concept|plan|priorities|purposes|format|text|terms|roadmap|framework|"
    r"memorandum|document|list|measures|standards|procedures|programmes?|programs?|budget|"
    r"schedule|strategy|catalogue|catalog|doctrine|targets?|goals?|principles|rules|"
    r"decisions?|package|projects?|items?|recommendations|actions|record|minutes)\s+$",
    re.IGNORECASE)
_UK_DECISION = re.compile(
    r"(?<!\w)(?:погоди(?:в|ла|ло|ли)|домови(?:вся|всь|лася|лась|лися|лись)|ухвали(?:в|ла|ло|ли)|"
    r"затверди(?:в|ла|ло|ли)|виріши(?:в|ла|ло|ли)|схвали(?:в|ла|ло|ли)|підписа(?:в|ла|ло|ли)|"
    r"ухвалено|затверджено|вирішено|погоджено|схвалено|підписано|"
    r"прийня(?:в|ла|ли|то) рішення|дійшли згоди|(?:у|в)в[іе](?:в|ла|ли) (?:у|в) дію|"
    r"доручи(?:в|ла|ло|ли)|підтрима(?:в|ла|ло|ли) (?:проєкт|проект|рішення|ініціатив)\w*|"
    r"(?:був|була|було|були|мною)\s+(?:\w+\s+)?(?:і\s+\w+\s+)?(?:підписан|схвален|прийнят|затверджен|"
    r"ухвален|погоджен)\w*)(?!\w)", re.IGNORECASE)

# --- commitments -------------------------------------------------------------------------
_PLEDGE = re.compile(
    r"(?<!assistance )(?<!funds )(?<!aid )(?<!support )"
    r"\b(?:commit(?:s|ted)? (?:to|that|itself|themselves)|(?:is|are|remains?) committed to|"
    r"pledge[sd]?|undert(?:akes?|ook) to|reaffirm(?:s|ed)? (?:[\w-]+ ){0,2}(?:commitment|support|partnership)|"
    r"intends? to|plans? to|confirm(?:s|ed)? that (?:it|they) will|promised? to)\b|"
    r"(?<!\w)(?:план(?:ує|ують|уємо)|у планах|має на меті|мають на меті)(?!\w)|"
    r"зобов['’]язу(?:ється|ються|юся|ємося)|зобов['’]язал[аи]?(?:ся|сь)|"
    r"(?:має|мають) намір|гарантує|гарантують|"
    r"підтверджу(?:є|ють) (?:\w+ ){0,2}(?:зобов['’]язання|підтримку|партнерство)",
    re.IGNORECASE)
_MODAL = re.compile(
    r"\b(?:will|shall)\b(?!\s+(?:not\s+|also\s+)?be\b)(?!\s+(?:take place|arrive|help|focus|"
    r"remain|depend|happen|last|run|cost|mean|allow|enable|come|receive|get)\b)", re.IGNORECASE)
_UK_FUTURE = re.compile(
    r"(?<!\w)(?:\w+тим(?:уть|е|емо)|буд(?:е|уть)\s+\w+(?:ти)|надасть|нададуть|забезпечить|"
    r"забезпечать|спрямує|спрямують|виділить|виділять|передасть|передадуть|проведе|проведуть|"
    r"створить|створять|подасть|подадуть|підготує|підготують|профінансує|профінансують|"
    r"запровадить|запровадять|продовжить|продовжать|розгляне|розглянуть|оприлюднить|"
    r"оприлюднять|поставить|поставлять|розробить|розроблять|укладе|укладуть|збільшить|"
    r"збільшать|посилить|посилять|поширить|поширять|допоможе|допоможуть|"
    r"надамо|забезпечимо|спрямуємо|виділимо|передамо|проведемо|створимо|подамо|підготуємо|"
    r"запровадимо|продовжимо|розглянемо|поставимо|розробимо|укладемо|збільшимо|посилимо|"
    r"допоможемо)(?!\w)")
_UK_PARTY_CLAUSE = re.compile(
    r"^[\s•*·\-–—]*(?:Кожна |Українська |Американська |Обидві )?Сторон[аи]\s+\w+")
_CLAUSE_BREAK = re.compile(
    r"[;:•(]|\b(?:that|which|who|whom|whose|where|when|because|if|unless|so|while|and then)\b|"
    r",\s*(?:and|but)\s|(?<!\w)(?:що|який|яка|які|яке|щоб|коли|якщо)(?!\w)|,\s*(?:а|і|та|але)\s")
_AGENT = re.compile(
    r"(?<!\w)(?i:ми)(?!\w)|\b(?i:they|we|management|(?:working )?group|commission|board|committee|secretariat|council|"
    r"minister|deputy ministers?|directorate|department|office|agency|command|service|"
    r"administration|instructors|advisors|advisers|officials|participants?|part(?:y|ies)|"
    r"sides?|co-chairs|forces|personnel|government)\b|\b(?!(?:BDC|IPR|USAI|FMF|EDA|EUM|EEUM|GDP|"
    r"PME|NCO|PARP|FY|UAH|USD|EUR)\b)[A-Z]{2,6}\b|"
    r"(?<!\w)(?:[Рр]обоч\w+ груп\w+|[Кк]омісі\w+|[Рр]ад[аи]|[Мм]іністр\w*|[Уу]ряд|[Дд]ержав[аи]|"
    r"[Сс]екретаріат\w*|[Уу]правлінн\w+|[Сс]луж[бж]\w+|[Рр]адник\w*|[Кк]оаліці\w+)(?!\w)")
_MEETING = re.compile(r"\b(?:consultations|BDC|IPR|review|meeting|plenary|session|conference|"
                      r"summit|round)\b", re.IGNORECASE)

# --- figures, amounts, deadlines ---------------------------------------------------------
_MONEY = re.compile(
    r"(?:[$€£]\s?\d[\d,.]*(?:\s*(?:million|billion|thousand|mn|bn)\b|(?:[mb]\b))?|"
    r"\b(?:USD|EUR|UAH|US\$)\s?\d[\d,.]*(?:\s*(?:million|billion))?|"
    r"\b\d[\d,.]*\s*(?:million|billion)\s+(?:dollars|euros|hryvnias?)|"
    r"\b\d[\d,. ]*\s*(?:млн|млрд|тис\.?|мільйон\w*|мільярд\w*)\s*(?:грн|гривень|доларів|дол\.|євро)|"
    r"\b\d[\d,. ]*\s*(?:грн|гривень)(?!\w))",
    re.IGNORECASE)
_EQUIPMENT = re.compile(
    r"(?<![\d,.])(?!(?:19|20)\d\d\b)\d[\d,]*\s+(?:[\w-]+\s+){0,3}(?:radars?|vehicles?|howitzers?|"
    r"missiles?|rounds|drones?|boats?|aircraft|helicopters?|systems|launchers?|tanks|rifles|"
    r"units of|радар\w*|ракет\w*|гаубиц\w*|дрон\w*|безпілотник\w*|катер\w*|систем\w*)(?!\w)",
    re.IGNORECASE)
_DUE = re.compile(
    r"(?<!\w)(?:by|before|no later than|until|до)\s+((?:\d{1,2}\s+)?[A-Za-zА-Яа-яіїєґ]+\.?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|(?:the )?end of \d{4}|кінця \d{4}|Q[1-4] \d{4}|"
    r"\d{4}(?!\d))",
    re.IGNORECASE)


# Patterns run on whole sentences, with their literal pre-checks (indexer/literals.py):
# most sentences hold none of a pattern's words, and a substring test costs far less than
# a scan. Results are those of the plain patterns.
_PRECHECKS = MappingProxyType({rx: prechecked(rx) for rx in (
    _ACTION_LABEL, _OWNER_LABEL, _TASK, _UK_TASK, _IT_WAS_DECIDED, _PASSIVE_DECISION,
    _UK_DECISION, _DECISION_VERB, _PLEDGE, _UK_PARTY_CLAUSE, _MODAL, _UK_FUTURE, _MONEY,
    _EQUIPMENT, _DUE)})


_NAMED = (("action_label", _ACTION_LABEL), ("owner_label", _OWNER_LABEL), ("task", _TASK),
          ("uk_task", _UK_TASK), ("it_was_decided", _IT_WAS_DECIDED),
          ("passive_decision", _PASSIVE_DECISION), ("uk_decision", _UK_DECISION),
          ("decision_verb", _DECISION_VERB), ("pledge", _PLEDGE), ("uk_party", _UK_PARTY_CLAUSE),
          ("modal", _MODAL), ("uk_future", _UK_FUTURE), ("money", _MONEY),
          ("equipment", _EQUIPMENT), ("due", _DUE))


class _Sentence(NamedTuple):
    """A sentence and its `fold`, for the pre-checks."""

    text: str
    folded: str


def _sentence(text: str) -> _Sentence:
    """Return `text` ready for the pre-checked patterns."""
    return _Sentence(text, fold(text))


def _search(regex: re.Pattern[str], sentence: _Sentence) -> re.Match[str] | None:
    """Return `regex.search(sentence.text)`, skipping the scan when it cannot match."""
    return _PRECHECKS[regex].search(sentence.text, sentence.folded)


def _finditer(regex: re.Pattern[str], sentence: _Sentence) -> Iterator[re.Match[str]]:
    """Return `regex.finditer(sentence.text)`, skipping the scan when it cannot match."""
    return _PRECHECKS[regex].finditer(sentence.text, sentence.folded)


class StatementClassifier(Protocol):
    """A learned model of commitments and decisions (indexer/learning/statements.py)."""

    def considers(self, sentence: str) -> bool: ...

    def kind(self, sentence: str, ctx: "DocContext | None", passage_no: int = 1,
             sentence_no: int = 0) -> str | None: ...

    def actor(self, sentence: str, trigger: int | None, ctx: "DocContext | None") -> str | None: ...


def extract_statements(text: str, lang: str = "en", context: "DocContext | None" = None,
                       model: StatementClassifier | None = None,
                       passage_no: int = 1) -> tuple[Statement, ...]:
    """Return the statements found in `text`, one per classified sentence, in order.

    `context` is the document's voice and date (first-person actors, relative due dates);
    with a `model`, it decides commitments and decisions and their actors, the rules keep
    action items and figures. `passage_no` is the passage's place in its document.
    """
    out = []
    speaker = context.speaker if context else None
    for sentence_no, (start, end) in enumerate(sentence_spans(text)):
        sentence = _sentence(text[start:end])
        found = _classify(sentence)
        kind, trigger = found if found else (None, None)
        if model is not None and kind != "action" and (kind or model.considers(sentence.text)):
            learned = model.kind(sentence.text, context, passage_no, sentence_no)
            if learned:
                kind = learned
            elif kind in ("commitment", "decision"):
                kind = "figure" if _amount(sentence) else None
        if not kind:
            continue
        if model is not None and kind in ("commitment", "decision"):
            actor = model.actor(sentence.text, trigger, context)
        else:
            actor = acting_actor(sentence.text, trigger, speaker)
        due = _find_due(sentence.text, context.date if context else None)
        out.append(Statement(kind=kind, text=sentence.text, start=start, end=end, actor=actor,
                             amount=_amount(sentence), due=due.phrase if due else None))
    return tuple(out)


def rule_signals(sentence: str) -> tuple[str | None, int | None, tuple[str, ...]]:
    """Return (the rules' kind, where its actor acts, the names of the patterns that match):
    the learned classifier's view of what these rules see in `sentence`."""
    s = _sentence(sentence)
    found = _classify(s)
    hits = tuple(name for name, rx in _NAMED if _search(rx, s))
    agent = any(_has_agent(_subject(s.text, m.start()))
                for rx in (_MODAL, _UK_FUTURE) for m in _finditer(rx, s))
    finite = any(_is_finite_decision(s.text, m) for m in _finditer(_DECISION_VERB, s))
    extra = (("modal_agent",) if agent else ()) + (("finite_decision",) if finite else ())
    return (found[0] if found else None), (found[1] if found else None), hits + extra


def classify_sentence(sentence: str) -> str | None:
    """Return the statement kind of one sentence, or None if it is none of them."""
    found = _classify(_sentence(sentence))
    return found[0] if found else None


def find_actor(sentence: str) -> str | None:
    """Return the actor of the sentence's statement (the subject of its verb), or None."""
    found = _classify(_sentence(sentence))
    return actor_at(sentence, found[1] if found else None)


def find_amount(sentence: str) -> str | None:
    """Return the first money or equipment amount as written, or None."""
    return _amount(_sentence(sentence))


def find_due(sentence: str) -> str | None:
    """Return the deadline as written ("30 June 2019"), its ISO prefix when the words alone do
    not date it ("by the end of the year" needs the document's date), or None."""
    return _due(_sentence(sentence))


def _amount(sentence: _Sentence) -> str | None:
    """Return the first money or equipment amount as written, or None."""
    m = _search(_MONEY, sentence) or _search(_EQUIPMENT, sentence)
    return m.group(0).strip() if m else None


def _due(sentence: _Sentence) -> str | None:
    """Return the deadline as written (or as ISO when the words alone do not date it), or None."""
    due = _find_due(sentence.text)
    return due.phrase if due else None


def _classify(sentence: _Sentence) -> tuple[str, int | None] | None:
    """Return (kind, where its actor acts), or None; None as position means "first named"."""
    for kind, finder in (("action", _action_at), ("decision", _decision_at),
                         ("commitment", _commitment_at)):
        at = finder(sentence)
        if at is not None:
            return kind, at
    m = _search(_MONEY, sentence) or _search(_EQUIPMENT, sentence)
    return ("figure", None) if m else None


def _action_at(sentence: _Sentence) -> int | None:
    """Return where an action item's task starts, or None if the sentence is no task."""
    label = _search(_ACTION_LABEL, sentence) or _search(_OWNER_LABEL, sentence)
    if label:
        return label.end()
    has_due = _search(_DUE, sentence) is not None
    if has_due and (_search(_TASK, sentence) or _search(_UK_TASK, sentence)):
        return 0
    return None


def _decision_at(sentence: _Sentence) -> int | None:
    """Return the position of the deciding verb, or None if nothing was decided."""
    for rx in (_IT_WAS_DECIDED, _PASSIVE_DECISION, _UK_DECISION):
        m = _search(rx, sentence)
        if m:
            return m.start()
    for m in _finditer(_DECISION_VERB, sentence):
        if _is_finite_decision(sentence.text, m):
            return m.start()
    return None


def _is_finite_decision(sentence: str, m: re.Match[str]) -> bool:
    """Return True when `m` is a verb with a deciding subject, not a participle."""
    if _NOT_FINITE_BEFORE.search(sentence[max(0, m.start() - 16):m.start()]):
        return False
    rest = sentence[m.end():]
    verb = m.group("verb").lower()
    follows = _AFTER_AGREE if verb in ("agreed", "decided", "resolved", "concurred") else _AFTER_APPROVE
    if not (follows.match(rest) or not rest.strip(" .")):
        return False
    subject = _subject(sentence, m.start())
    return bool(_AGENT.search(subject) or _MEETING.search(subject) or actor_at(subject, None))


def _commitment_at(sentence: _Sentence) -> int | None:
    """Return the position of the committing verb, or None if no party commits."""
    m = _search(_PLEDGE, sentence)
    if m:
        return m.start()
    clause = _search(_UK_PARTY_CLAUSE, sentence)
    if clause:
        return clause.end()
    for rx in (_MODAL, _UK_FUTURE):
        for m in _finditer(rx, sentence):
            if _has_agent(_subject(sentence.text, m.start())):
                return m.start()
    return None


def _subject(sentence: str, verb_at: int) -> str:
    """Return the clause text before the verb at `verb_at` (its likely subject)."""
    head = sentence[:verb_at]
    cuts = [m.end() for m in _CLAUSE_BREAK.finditer(head)]
    return head[cuts[-1]:] if cuts else head


def _has_agent(subject: str) -> bool:
    """Return True when a clause subject names someone who can act."""
    return bool(_AGENT.search(subject) or actor_at(subject, None))
