"""Recognize web-page furniture: banners, navigation, share bars, cookie notices, credits, footers.

Furniture is text a site puts around every page (English and Ukrainian): "skip to main
content", "an official website of the ... government" banners, "for immediate release",
share/print/subscribe bars, cookie notices, breadcrumbs ("Home > News > Releases"), "back
to news"-style links, photo credits, "related news" sidebars, copyright and policy footers.
Each rule is a general pattern of a kind of furniture, checked against a whole short block,
never one site's wording; long blocks (sentences of content) are never furniture.

`furniture_kind(text)` names the kind a block is (or None); `drop_furniture(blocks)` returns
the blocks without them (and without the headline lists under a late "related news" heading).
Generic section labels ("Abstract", "Article info", "Overview") are not furniture, but they are
not titles either: `is_generic_label`.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from indexer.records import Block

MAX_WORDS = 30                 # a block longer than this is content, whatever it says
_MAX_CHARS = 40 * MAX_WORDS    # longer texts are not even looked at
_SHORT = 12                    # vocabulary-only bars (share, menus) are at most this long

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SEP = r"[\s|•·/\\,;:–—>»›-]*"


def _full(*alternatives: str) -> re.Pattern[str]:
    """Return a pattern matching a whole block made of the alternatives (and separators)."""
    one = "|".join(f"(?:{a})" for a in alternatives)
    return re.compile(rf"(?i)^{_SEP}(?:(?:{one}){_SEP})+$")


# Government and site banners ("An official website of the United States government").
_BANNER = _full(
    r"an? official (?:web ?site|site) of (?:the )?[\w.,' -]{0,60}?(?:government|state|union)",
    r"офіційн\w+ (?:веб-?)?(?:сайт|портал|ресурс)\b[\w\s'’.,-]{0,60}",
    r"here['’]?s how you know", r"official websites? use \.\w+",
    r"(?:an? )?\.\w{2,4} (?:web ?site|address) (?:belongs to|means) .{0,160}?",
    r"secure \.\w{2,4} websites? use https[^.]{0,40}\.?",
    r"an? lock \(?[^)]{0,40}\)? or https://[^.]{0,120}\.\w{2,4} website\.?",
    r"share sensitive information only on official,? secure websites\.?",
    r"(?:this|the) (?:web ?)?site (?:is|was) (?:best viewed|optimized)[^.]{0,60}\.?",
    r"your browser (?:does ?n[o']t|doesn['’]t) support [\w\s]{1,30}",
    r"(?:please )?enable javascript[^.]{0,60}\.?|javascript (?:is )?(?:disabled|required)[^.]{0,60}\.?",
    r"from [\w.]{2,30}, the free encyclopedia",
    r"(?:звичайна|мобільна|повна|текстова|доступна) версія (?:сайту|сторінки)|"
    r"версія для (?:людей|осіб) з (?:порушенням|вадами) зору",
    r"(?:mobile|full|desktop|text-only|accessible|high contrast) (?:version|site|view)(?: of the site)?",
)

# Navigation: skip links, "back to / return to / to news", read more, menus.
_NAVIGATION = _full(
    r"skip (?:to|navigation)(?: (?:main|primary|page))?(?: content| navigation| menu)?",
    r"(?:go |jump )?(?:back |return(?:ed)? )?to (?:the )?(?:top|home(?: ?page)?|main(?: page)?|"
    r"(?:all |the |our )?(?:news|stories|articles|releases|press releases|updates|publications|"
    r"reports|blog|events|search results|list|index|previous page)(?: (?:and|&) \w+)?)",
    r"перейти (?:до|на) (?:основного |головного )?(?:вмісту|змісту|контенту|меню|головної)",
    r"(?:повернутися|назад|повернення) (?:до|на) [\w\s'’-]{1,40}|на головну|до всіх новин",
    r"(?:read|learn|see|view|show|load) (?:more|all|full story|the full \w+)(?: \w+)?",
    r"(?:next|previous|prev|older|newer) (?:article|story|post|page|news|item)s?",
    r"(?:main )?menu|toggle navigation|navigation|search|close|open menu|home",
    r"читати (?:далі|більше)|детальніше|докладніше|більше новин|усі новини|всі новини|"
    r"меню|пошук|головна|навігація|закрити",
    r"(?:згорнути\s*)?(?:переглянути|показати|завантажити) (?:більше|все|ще)|згорнути",
    r"english(?: version)?|українською|українська(?: версія)?|english|eng|укр|ua|en",
    r"(?:no|\d+) comments?|post an? comment|leave an? (?:comment|reply)|comments?|"
    r"коментар(?:і|ів)?|(?:залишити|додати) коментар",
)

# Share, print, social and subscribe bars.
_SHARE = _full(
    r"share(?: (?:this|on|via|the|article|page|story|post))*", r"print(?: this)?(?: page| article| story)?",
    r"e-?mail(?: this)?(?: page| article)?", r"tweet|facebook|twitter|x\.com|linkedin|whatsapp|"
    r"telegram|viber|reddit|youtube|instagram|flickr|pinterest|rss(?: feed)?|copy link|link copied",
    r"font size|text size|a\s?a\s?a|a[-+]|listen(?: to this article)?|download(?: pdf| as pdf)?|pdf",
    r"(?:follow|like) us(?: on [\w\s]{1,30})?", r"subscribe(?: (?:to|for) [\w\s]{1,40})?",
    r"sign up (?:for|to) [\w\s]{1,40}|get (?:email )?updates[\w\s]{0,30}",
    r"поділитис[яь]|поширити|надрукувати|друк(?:увати)?|версія для друку|роздрукувати",
    r"підпи(?:сатися|шіться)(?: на [\w\s'’]{1,40})?|стежте за нами[\w\s]{0,30}",
)

_COOKIE = re.compile(
    r"(?i)\bcookies?\b[^.]{0,200}\b(?:use|using|accept|consent|settings|policy|experience)"
    r"|\b(?:use|using|accept|consent to) (?:of )?(?:the )?cookies?\b"
    r"|(?:файл\w* )?cookie|кукі|куки")

# Photo and video credits and bylines of images.
_CREDIT = re.compile(
    r"(?i)^\(?\s*(?:[\w.’' -]{0,40} )?(?:photo|photograph|image|video|graphic|illustration)s?"
    r"(?: (?:by|credit|courtesy(?: of)?)| ?[:|©]).{0,80}$"
    r"|^\(?\s*(?:фото|відео|ілюстрація|зображення)(?:\s*[:—–-]|\s+\w+)[^.]{0,80}\)?\.?$"
    r"|^\(?\s*(?:credit|courtesy)s?\s*[:|][^.]{0,80}\)?$"
    r"|^virin:\s*[\w-]+$")

# Footers: copyright, policies, site links.
_FOOTER = _full(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[^|]{0,80}?(?:all rights reserved\.?)?",
    r"all rights reserved\.?", r"(?:усі|всі) права (?:захищені|захищено)\.?",
    r"privacy(?: policy| program| notice)?|terms (?:of use|and conditions|of service)|"
    r"accessibility(?: statement)?|disclaimers?|site ?map|contact(?: us)?|about us|foia|"
    r"no fear act|usa\.gov|external link disclaimer|link disclaimer|help|faq",
    r"політика конфіденційності|умови використання|контакти|про нас|мапа сайту|карта сайту",
)

_RELEASE = _full(r"(?:for )?immediate release", r"для (?:негайного )?(?:оприлюднення|публікації)",
                 r"press release|news release|прес-реліз")

_NOTICE = re.compile(
    r"(?i)^(?:an? |the )?(?:redacted|unclassified|full|printable|pdf|public|accessible)"
    r"(?: \w+)? version of (?:this|the) (?:report|document|article|page|publication)"
    r"[^.]{0,40}(?:is|are|was) (?:now )?available[^.]{0,120}\.?$"
    r"|^this is an? (?:old|archived|previous|cached) (?:revision|version|copy) of this "
    r"(?:page|article|document)"
    r"|^(?:this|the) (?:document|report) has (?:a )?restricted distribution"
    r"|^(?:its|the) contents may not (?:otherwise )?be disclosed"
    r"|^[\w\s()]{0,40}is a permanent link to this (?:revision|version|page)")

# Sidebars: a heading that introduces a list of other pages' headlines.
_RELATED = _full(
    r"(?:related|latest|recent|more|other|top|popular|trending|featured|most (?:read|popular|viewed))"
    r" (?:news|stories|articles|content|links|posts|releases|updates|reading|topics|videos)",
    r"(?:you (?:may|might) also (?:like|be interested in)|see also|also read|read (?:also|next)"
    r"|in other news|more from [\w\s]{1,30}|recommended(?: for you)?)",
    r"(?:читайте|дивіться) (?:також|ще)|схожі (?:новини|матеріали|статті)|останні новини|"
    r"інші новини|популярне|новини за темою|рекомендуємо",
)

# Breadcrumbs: 3+ short items joined by >, », ›, / (no digits: a dateline is not a breadcrumb).
_CRUMB_SEP = re.compile(r"\s+[>»›/]\s+|\s*[>»›]\s*")

_GENERIC_LABEL = re.compile(
    r"(?i)^(?:article (?:info(?:rmation)?|history|details)|abstract|summary|keywords?|"
    r"contents|table of contents|overview|introduction|background|preamble|annex(?: \w+)?|"
    r"appendix(?: \w+)?|news|press|media|article|report|audit|statement|fact sheet|"
    r"анотація|резюме|зміст|вступ|передмова|огляд|новини|преамбула|додаток(?: \w+)?)[\s.:]*$")

KINDS = ("banner", "navigation", "share", "cookie", "credit", "footer", "release", "notice",
         "related", "breadcrumb")


def furniture_kind(text: str) -> str | None:
    """Return the kind of site furniture `text` is ("banner", "navigation", ...), or None."""
    if len(text) > _MAX_CHARS or not text.strip():
        return None
    return _short_kind(text)


@lru_cache(maxsize=4096)           # a block is looked at again when titles are ranked
def _short_kind(text: str) -> str | None:
    words = _WORD.findall(text)
    if len(words) > MAX_WORDS:
        return None
    line = " ".join(text.split())
    for kind, pattern in (("banner", _BANNER), ("release", _RELEASE), ("related", _RELATED),
                          ("notice", _NOTICE)):
        if pattern.match(line):
            return kind
    if len(words) <= _SHORT or "|" in line:
        for kind, pattern in (("navigation", _NAVIGATION), ("share", _SHARE), ("footer", _FOOTER)):
            if pattern.match(line):
                return kind
    if len(words) <= 40 and _COOKIE.search(line) and len(words) >= 2:
        return "cookie"
    if len(words) <= 16 and _CREDIT.match(line):
        return "credit"
    if _is_breadcrumb(line):
        return "breadcrumb"
    return None


def _is_breadcrumb(line: str) -> bool:
    """True for "Home > News > Releases": 3+ short items between >, », › or spaced slashes."""
    if any(ch.isdigit() for ch in line):
        return False
    items = [i for i in _CRUMB_SEP.split(line) if i.strip()]
    return len(items) >= 3 and all(len(i.split()) <= 5 for i in items)


def is_furniture(text: str) -> bool:
    """Return True when `text` is a block of site furniture."""
    return furniture_kind(text) is not None


_BYLINE = re.compile(
    r"(?i)^(?:by|posted by|written by|authors?|автор(?:и|ка)?|від)\b\s*:?\s+"
    r"(?!\d{4}\b)[^\W_][\w.’'-]*(?:[\s,]+(?:and |та |і |й )?[^\W\d_][\w.’'-]*){0,11}"
    r"(?:\s*[,—–|-]\s*.{0,60})?$")


_BYLINE_LABEL = re.compile(r"(?i)^(?:authors?|автор(?:и|ка)?|written by)\s*:")


def is_byline(text: str) -> bool:
    """Return True for a byline ("By Jane Roe", "Автори: ..."): not a title, not a summary."""
    line = " ".join(text.split())
    return bool(_BYLINE_LABEL.match(line)) or (len(line) <= 160 and bool(_BYLINE.match(line)))


def is_generic_label(text: str) -> bool:
    """Return True for a generic section label ("Abstract", "ARTICLE INFO"): never a title."""
    return bool(_GENERIC_LABEL.match(" ".join(text.split())))


_SIDEBAR_ITEM_WORDS = 25


def furniture_flags(blocks: Sequence[Block]) -> list[bool]:
    """Return, per block, whether it is furniture.

    A "related news" heading in the second half of the document also takes the short,
    unpunctuated headline lines after it, up to the next heading.
    """
    flags = [is_furniture(b.text) for b in blocks]
    half = len(blocks) // 2
    in_sidebar = False
    for i, b in enumerate(blocks):
        if flags[i] and i >= half and _RELATED.match(" ".join(b.text.split())):
            in_sidebar = True
            continue
        if in_sidebar:
            text = b.text.strip()
            if b.is_heading or len(text.split()) > _SIDEBAR_ITEM_WORDS or text[-1:] in ".!?":
                in_sidebar = False
            else:
                flags[i] = True
    return flags


def drop_furniture(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Return `blocks` without furniture; all of them when nothing else would be left."""
    kept = tuple(b for b, flag in zip(blocks, furniture_flags(blocks)) if not flag)
    return kept or tuple(blocks)
