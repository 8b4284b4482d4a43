"""Toponyms that do not name a place: names of organisations, people and weapons, modifiers,
and capitals standing for their government.

News prose is full of place names that are not places where anything happens:

* inside an **organisation's or outlet's name**: a toponym followed by a run of capitalised
  words ending in an organisation head word ("the Kurdistan Workers' Party", "Libya Free TV",
  "the Ruritania Democratic Council"), introduced by one ("the Autonomous Administration of
  North and East Ruritania"), led by the Arabic-derived first word of a group's name
  ("Jaysh al-Sham", "Ahrar al-Sham"), followed by a channel number ("France 24"), or the Arabic
  forms ("قوات سوريا الديمقراطية", "تلفزيون سوريا");
* inside a political **hyphenated modifier**: "Iran-backed", "Syria-led", "pro-Turkey",
  "anti-Iraq" ("London-based" keeps London: local news corpora annotate it);
* part of a **person's name**: after a common given name ("Bashar al-Assad", "Hussein
  Allawi"), or a given name itself before a surname ("Hussein Allawi");
* the name of a **weapon system** used beside a weapon noun ("four Bradley vehicles", "a Pantsir
  missile system").

:func:`drop_not_places` removes such matches at recognition time. A national **capital standing
for its government** ("Washington says", "talks between Ankara and Damascus", "the regime in
Niamey") is still a toponym: :func:`mark_metonyms` keeps it with qualifier
:data:`~geo_tracker.models.METONYM`, so it stays in the JSON but is neither drawn as a place nor
used as an event's location (like a nationality word, :data:`~geo_tracker.models.NATIONALITY`).

Sources of the tables: the annotation rules of geo_tracker's development corpus of real reports
(its README lists what is not a place), the house styles of English and Arabic news agencies for
naming armed groups, parties and outlets, and, for given names, the most common Arabic, Kurdish,
Persian and Turkish given names in the romanisations news agencies use (compiled for this module;
the US Census lists of the ``names`` package, which :mod:`geo_tracker.persons` reads, hold few of
them).

Example:
    >>> from geo_tracker.gazetteer import Gazetteer
    >>> from geo_tracker.recognize import recognize
    >>> from geo_tracker.models import Place
    >>> gaz = Gazetteer.from_places([Place("ru", "Ruritania", "country", "RU", 10.0, 10.0, 300.0)])
    >>> text = "Fighters of the Ruritania Liberation Front and some Ruritania-backed units left for Ruritania."
    >>> [text[m.start:m.end] for m in recognize(text, gaz)]
    ['Ruritania']
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Sequence

from .models import METONYM, Location
from .normalize import KIND_WORDS, fold, is_arabic

if TYPE_CHECKING:  # pragma: no cover
    from .gazetteer import Gazetteer
    from .recognize import Match

__all__ = [
    "ARABIC_ORG_ADJECTIVES",
    "ARABIC_ORG_HEADS",
    "GIVEN_NAMES",
    "GOVERNMENT_NOUNS",
    "GOVERNMENT_STATES",
    "GOVERNMENT_VERBS",
    "GROUP_LEAD_WORDS",
    "HYPHEN_MODIFIERS",
    "ORG_HEADS",
    "ORG_OF_HEADS",
    "WEAPON_NOUNS",
    "WEAPON_SYSTEMS",
    "drop_not_places",
    "mark_metonyms",
    "not_place_reason",
]

# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

ORG_HEADS = frozenset(
    """forces front movement brigade brigades battalion battalions units militia militias mobilization
    mobilisation guards alliance workers institute network gazette tv television channel radio agency
    centre observatory""".split()
)
"""Last words of the names of armed groups, parties and outlets: a toponym followed by capitalised
words ending in one of these ("the Ruritania Democratic Forces", "the Ruritania Workers' Party",
"Ruritania Free TV") is part of the name. Civic institutions ("X City Council", "X Community
Center", "X Democratic Party", "the X Times") are left out on purpose: the LGL corpus of local
news annotates the town in them, while the reports corpus annotates the toponym in none; the
heads kept here cost LGL (nearly) nothing."""

ORG_OF_HEADS = frozenset("administration front movement forces brigades".split())
"""Organisation heads that introduce their territory with "of" ("the Autonomous Administration
of North and East Ruritania", "the Liberation Front of Ruritania")."""

ORG_RUN_WORDS = 4
"""Capitalised words at most between a toponym and the organisation head word that ends its name."""

ORG_LINK_WORDS = frozenset("of for al el".split())
"""Lowercase words allowed inside an organisation's name."""

COUNTED_NOUNS = frozenset(
    """km kilometres kilometers kilometre kilometer miles mile metres meters hours hours days people
    percent trucks vehicles soldiers troops""".split()
)
"""Words after "X NN" that make NN a count or a distance, not a channel number ("X 20 km")."""

NAMED_ORGANISATIONS = frozenset(
    fold(w) for w in ("Autonomous Administration", "AANES", "الإدارة الذاتية", "الادارة الذاتية")
)
"""Self-administrations that gazetteers list as names of their territory but that reports use
for the administration itself (the corpus rules name this one)."""

GROUP_LEAD_WORDS = frozenset(
    """tahrir ahrar jabhat jabhet jaysh jaish ansar hayat hay'at hayat liwa kataib kata'ib harakat harakat
    faylaq failaq asaib asa'ib saraya hurras fatah fateh nour nur thuwar""".split()
)
"""First words of Arabic-named armed groups in transliteration ("Jaysh al-X", "Liwa X"): a
toponym right after one is part of the group's name."""

HYPHEN_MODIFIERS = frozenset(
    """backed led linked affiliated aligned allied funded sponsored supported armed trained brokered
    controlled""".split()
)
"""Participles that make "X-<participle>" a political modifier ("Iran-backed", "Ruritania-led").
"X-based" is left out on purpose: the LGL corpus annotates the city in "a London-based firm"
(19 times), while the reports corpus annotates none."""

HYPHEN_PREFIXES = frozenset("pro anti".split())
"""Prefixes that make "<prefix>-X" a modifier ("pro-Turkey", "anti-Iraq")."""

ARABIC_ORG_HEADS = frozenset(
    fold(w)
    for w in "تلفزيون قناة قناه وكالة وكاله إذاعة اذاعة إذاعه راديو صحيفة صحيفه جريدة جريده شبكة حزب جبهة".split()
)
"""Arabic words that introduce an outlet, party or movement before its toponym ("تلفزيون X", "حزب X")."""

ARABIC_ORG_ADJECTIVES = frozenset(
    fold(w) for w in "الديمقراطية الديموقراطية الديمقراطيه الديموقراطيه الحرة الحره".split()
)
"""Arabic adjectives that follow the toponym of a force's or party's name ("قوات X الديمقراطية")."""

GIVEN_NAMES = frozenset(
    fold(w)
    for w in """
    muhammad mohammed mohammad mohamed muhammed ahmad ahmed mahmoud mahmud mustafa mostafa ali hassan hasan
    hussein husayn hussain hossein omar umar othman uthman osman khalid khaled saeed
    abdullah abdallah abdul abdel abd ibrahim ismail yusuf youssef yousef yusef ayman samir sami salim salem
    karim kareem nabil fadi rami tarek tariq ziad ziyad bashar hafez hafiz maher jamil jamal kamal faisal
    faysal fawaz farouk farouq faruq adnan anwar amin amer ammar hamza haidar haydar haider jaafar
    jafar qassem qasim qasem nouri nuri saleh salih suleiman sulaiman talal wael wissam yasser
    yasir zaid zayd zuhair riyad riad raed majid majed marwan mazen mazin munir nasser nasir nizar
    osama usama qais qays rashid rasheed raad sabah sadiq sadek shadi tamer tamir wahid yahya yazan
    fatima fatma aisha ayesha maryam mariam layla leila zainab zeinab huda noor nour rania amal salma
    sara sarah hana hanan ilham asma rima lina dima reem
    mazloum mazlum saleh salih aldar ilham nuri masoud masud nechirvan jalal kosrat hemin
    recep tayyip mevlut hulusi hakan ekrem kemal mehmet mustafa ahmet
    ebrahim hassan javad mohsen qasem esmail abbas mojtaba ali akbar
    vladimir sergei sergey dmitry dmitri mikhail alexander aleksandr nikolai yevgeny ivan igor
    """.split()
)
"""Given names common in the region's reporting, romanised as news agencies write them, read like
the Census given names of :mod:`geo_tracker.persons`: a toponym right after one is a surname, and
one followed by a capitalised word is a person."""

WEAPON_SYSTEMS = frozenset(
    fold(w)
    for w in """bradley abrams stryker humvee hummer mrap himars patriot pantsir tor buk kornet javelin stinger
    apache chinook reaper predator bayraktar shahed leopard challenger merkava cobra""".split()
)
"""Weapon systems named after people or places (the M2 Bradley, the Pantsir, the AH-64 Apache)."""

WEAPON_NOUNS = frozenset(
    """vehicle vehicles tank tanks system systems missile missiles launcher launchers drone drones helicopter
    helicopters jet jets aircraft armoured armored fighting carrier carriers battery batteries howitzer
    howitzers""".split()
)
"""Nouns beside a weapon system's name that show it is one ("four Bradley vehicles")."""

WEAPON_WINDOW_WORDS = 5
"""Words on each side of a weapon system's name searched for a weapon noun."""

GOVERNMENT_VERBS = frozenset(
    """says said say considers considered announced announces accused accuses denied denies wants wanted
    warned warns insists insisted rejected rejects demanded demands agreed agrees refused refuses
    supported supports backed backs claimed claims condemned condemns welcomed welcomes urged urges
    sent sends began begins decided decides hopes hoped believes believed fears feared seeks sought
    plans planned intends intended confirmed confirms responded responds threatened threatens
    has have had is was will would could should may might must does did shifted""".split()
)
"""Verbs (and auxiliaries) after a capital that make it the government acting ("Ankara says",
"Paris began withdrawing", "Washington has supported")."""

GOVERNMENT_STATES = frozenset(
    """trying seeking pushing pressing working keen ready willing reluctant opposed concerned expected
    considering planning preparing negotiating insisting demanding determined unwilling""".split()
)
"""Words after "X is/was" that make the capital its government ("Ruritown is trying to ...")."""

GOVERNMENT_NOUNS = frozenset(
    """regime government administration authorities leadership officials""".split()
)
"""Nouns after a capital that name its government ("the Niamey regime")."""

ARABIC_GOVERNMENT_VERBS = frozenset(
    """تقول قالت تعتبر اعتبرت تعلن أعلنت تتهم اتهمت تنفي نفت تريد أرادت تحذر حذرت ترفض رفضت تطالب طالبت
    توافق وافقت تدعم دعمت تؤكد أكدت تهدد هددت تدين أدانت دانت ترحب رحبت تسعى سعت تعتزم اعتزمت تخطط
    قررت تقرر تصر أصرت تزعم زعمت ترى رأت تدعو دعت تتهم تحاول حاولت""".split()
)
"""Arabic verbs of speech and stance that make a capital its government, before or after it: cities are
feminine, so the verb is third person feminine ("أنقرة تقول", "أعلنت دمشق"). Verbs of motion ("غادرت
دمشق", "left Damascus") are left out: after them the capital is an object. Compiled for this module
from the verbs Arabic news agencies use to attribute statements."""

ARABIC_GOVERNMENT_NOUNS = frozenset("حكومة نظام سلطات إدارة قيادة".split())
"""Arabic nouns before a capital that name its government ("حكومة دمشق", the Damascus government)."""

ARABIC_RELATION_WORDS = frozenset(
    "العلاقات علاقات محادثات المحادثات مفاوضات المفاوضات اتفاق الاتفاق التوتر توتر الخلاف خلاف التقارب تقارب".split()
)
"""Arabic nouns before "بين X وY" that make the two capitals governments ("المحادثات بين أنقرة ودمشق")."""

GOVERNMENT_BEFORE = re.compile(
    r"(?i)\b(?:(?:led|backed|supported|sponsored|sent|dispatched|deployed|invited(?:\s+\w+){0,4}|pressured|criticised|criticized|"
    r"recognised|recognized|approved|rejected|condemned)\s+by"
    r"|reactions?\s+from|pressure\s+from|support\s+(?:of|from)|agreements?\s+with|deals?\s+with|talks\s+with"
    r"|relations\s+with|ties\s+with|tensions?\s+with|(?:territor(?:y|ies)|control)\s+to"
    r"|in\s+power\s+in|(?:between|and)|accus\w+|demand\w*\s+of)\s+$"
)
"""Words before a capital that make it the government ("backed by X", "talks with X")."""

BETWEEN = re.compile(r"(?i)\b(?:between|talks|tensions?|agreement|deal|relations|ties|rift)\b[^.;]{0,40}$")
"""A "between X and Y" reading needs a relation word before it ("talks between X and Y")."""

# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------

_WORD = re.compile(r"[\w'’]+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def _words_after(text: str, end: int, n: int) -> list[str]:
    return _WORD.findall(text[end : end + 25 * n])[:n]


def _words_before(text: str, start: int, n: int) -> list[str]:
    return _WORD.findall(text[max(0, start - 25 * n) : start])[-n:]


def _head(word: str) -> str:
    return fold(word.rstrip("'’").removesuffix("'s").removesuffix("’s"))


def _in_headline(text: str, start: int) -> bool:
    """Whether the line holding ``start`` is written in title case (a headline: "Ruritania Sends
    Forces"), where a capitalised word is no evidence of a name."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    words = re.findall(r"[A-Za-z][\w'’-]*", text[line_start : line_end if line_end >= 0 else len(text)])
    return len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.6 * len(words)


def _in_org_name(text: str, start: int, end: int) -> bool:
    """Whether the toponym ``text[start:end]`` sits inside an organisation's or outlet's name."""
    if fold(text[start:end]) in NAMED_ORGANISATIONS:
        return True
    if _ARABIC.match(text[start:end]):
        before = _words_before(text, start, 1)
        after = _words_after(text, end, 1)
        head = fold(before[-1]) if before else ""
        return any(head[k:] in ARABIC_ORG_HEADS for k in (0, 1, 2)) or bool(
            after and fold(after[0]) in ARABIC_ORG_ADJECTIVES
        )
    tail = text[end:]
    channel = re.match(r"\s?\d{2}\b(?![.,:/]\d)(?:\s+([\w'’]+))?", tail)
    if channel:  # "France 24", "Ruritania 24" (a channel; not "Pulkovo 2 Airport", not "X 20 km")
        word = fold(channel.group(1) or "")
        return word not in KIND_WORDS and word not in COUNTED_NOUNS
    pos, limit = end, (1 if _in_headline(text, start) else ORG_RUN_WORDS)
    for _ in range(limit):
        m = re.match(r" ([\w'’]+)", text[pos : pos + 40])
        if not m:
            break
        pos += m.end()
        word = m.group(1)
        if re.search(r"['’]s?$", word) and _head(word) not in ORG_HEADS:
            break  # "Ruritania College's Observatory": a possessive ends the name
        if word[:1].isupper():
            if _head(word) in ORG_HEADS:
                return True
        elif word.lower() not in ORG_LINK_WORDS:
            break
    before = text[max(0, start - 60) : start]
    of = re.search(r"([A-Z][\w'’]*)\s+of\s+(?:the\s+)?(?:[A-Z][\w'’]*\s+(?:and\s+)?){0,3}$", before)
    if of and _head(of.group(1)) in ORG_OF_HEADS:
        return True
    lead = re.search(r"([\w'’]+)\s+(?:a[lnrstdz][-‑]\s?)?$", before)
    return bool(lead) and fold(lead.group(1)) in GROUP_LEAD_WORDS and lead.group(1)[:1].isupper()


def _in_hyphen_modifier(text: str, start: int, end: int) -> bool:
    """Whether the toponym is part of "X-backed", "X-led", "pro-X", "anti-X"."""
    after = re.match(r"[-‑]([a-z]+)\b", text[end : end + 20])
    if after and after.group(1) in HYPHEN_MODIFIERS:
        return True
    before = re.search(r"\b([A-Za-z]+)[-‑]$", text[max(0, start - 8) : start])
    return bool(before) and before.group(1).lower() in HYPHEN_PREFIXES


def _in_person_name(text: str, start: int, end: int) -> bool:
    """Whether the toponym is part of a person's name: after a given name, or a given name itself
    followed by a capitalised word (a surname) or an Arabic patronymic article ("Bashar al-")."""
    surface = text[start:end]
    if not surface[:1].isupper():
        return False
    prev = re.search(r"([A-Z][\w'’]+) +(?:a[lnrstdz][-‑] ?)?$", text[max(0, start - 30) : start])
    if prev and fold(prev.group(1)) in GIVEN_NAMES:
        return True
    if re.match(r" administration\b", text[end : end + 16]) and re.search(r"\bthe $", text[max(0, start - 4) : start]):
        return True  # "the Ruritan administration": a president's name, not a place
    first = surface.split()[0]
    if fold(first) not in GIVEN_NAMES:
        return False
    if re.fullmatch(r"\S+ a[lnrstdz]", surface):  # "Bashar al" of "Bashar al-Assad", cut at the hyphen
        return True
    nxt = re.match(r" (?:a[lnrstdz][-‑])?([A-Z][\w'’-]+)", text[end : end + 30])
    return " " not in surface and bool(nxt) and fold(nxt.group(1)) not in ORG_HEADS | KIND_WORDS


def _weapon(text: str, start: int, end: int) -> bool:
    """Whether the span names a weapon system used as one ("three Bradley vehicles")."""
    if fold(text[start:end]) not in WEAPON_SYSTEMS:
        return False
    near = _words_before(text, start, WEAPON_WINDOW_WORDS) + _words_after(text, end, WEAPON_WINDOW_WORDS)
    return any(w.lower() in WEAPON_NOUNS for w in near)


def not_place_reason(text: str, start: int, end: int) -> str | None:
    """Why ``text[start:end]`` is a toponym that names no place here, or ``None``.

    Example:
        >>> t = "Ruritania-backed monitors and Jaysh al-Ruritania fighters met Hassan Ruritania."
        >>> [not_place_reason(t, t.find(w, s), t.find(w, s) + len(w)) for w, s in
        ...  (("Ruritania", 0), ("Ruritania", 30), ("Ruritania", 60))]
        ['modifier', 'organisation', 'person']
    """
    if _in_hyphen_modifier(text, start, end):
        return "modifier"
    if _in_org_name(text, start, end):
        return "organisation"
    if _in_person_name(text, start, end):
        return "person"
    if _weapon(text, start, end):
        return "weapon"
    return None


def drop_not_places(text: str, matches: Sequence["Match"]) -> list["Match"]:
    """``matches`` without those :func:`not_place_reason` explains away."""
    return [m for m in matches if not_place_reason(text, m.start, m.end) is None]


# --------------------------------------------------------------------------
# Metonyms
# --------------------------------------------------------------------------


def _capital_row(gaz: "Gazetteer", surface: str) -> int | None:
    """The gazetteer row of the national capital ``surface`` names, if it names one."""
    from .gazetteer.aliases import capitals

    rows = capitals(gaz)
    if not rows:
        return None
    found = [i for i, _ in gaz.matches(surface) if i in rows]
    # A capital's own name ("Baghdad"), not a fuzzy neighbour of it.
    exact = [i for i in found if gaz.own_name_is(i, fold(surface))]
    return (exact or found or [None])[0]


def _arabic_words(text: str) -> list[str]:
    """Arabic words of ``text``, a leading conjunction و or ف dropped from each ("وأعلنت" → "أعلنت")."""
    words = re.findall(r"[\u0621-\u064a]+", text)
    return [w[1:] if w[:1] in "وف" and len(w) > 3 and w[1:] in ARABIC_GOVERNMENT_VERBS else w for w in words]


def _governs_arabic(text: str, start: int, end: int) -> bool:
    """:func:`_governs` for an Arabic mention: a stance verb right after or before it, a government
    noun before it, or "بين X وY" after a relation word."""
    after = _arabic_words(text[end : end + 30])[:1]
    before = _arabic_words(text[max(0, start - 60) : start])
    if after and after[0] in ARABIC_GOVERNMENT_VERBS:
        return True
    gap_before = text[max(0, start - 30) : start]
    if re.search(r"[.،,:؛;\n]\s*$", gap_before):
        return False
    if before and (before[-1] in ARABIC_GOVERNMENT_VERBS or before[-1] in ARABIC_GOVERNMENT_NOUNS):
        return True
    # "المحادثات بين أنقرة ودمشق": the first capital right after بين, the second after its و
    if before[-1:] == ["بين"]:
        head = before[:-1]
    elif before[-1:] == ["و"] and before[-3:-2] == ["بين"]:
        head = before[:-3]
    else:
        return False
    return any(w in ARABIC_RELATION_WORDS for w in head[-3:])


def _governs(text: str, start: int, end: int) -> bool:
    """Whether the words around the capital at ``text[start:end]`` make it its government."""
    if is_arabic(text[start:end]):
        return _governs_arabic(text, start, end)
    nxt = re.match(r"[’']?s?\s+([a-z]+)(?:\s+([a-z]+))?", text[end : end + 40])
    if nxt and nxt.group(1) in GOVERNMENT_NOUNS:
        return True
    if nxt and nxt.group(1) in GOVERNMENT_VERBS:
        verb, then = nxt.group(1), nxt.group(2) or ""
        if verb in ("is", "was", "are", "were"):
            return then in GOVERNMENT_STATES  # "X is trying", not "X was hit" or "X is a city"
        if verb in ("has", "have", "had"):
            return then not in ("been", "a", "an", "the", "long", "many", "some", "no")
        return True
    before = text[max(0, start - 60) : start]
    if re.search(r"(?i)\bthe\s+$", before) and nxt and nxt.group(1) in GOVERNMENT_NOUNS:
        return True
    m = GOVERNMENT_BEFORE.search(before)
    if not m:
        return False
    word = m.group(0).strip().lower()
    if word in ("between", "and"):
        return bool(BETWEEN.search(before[: m.start()] + " " + word))
    return True


def mark_metonyms(text: str, gaz: "Gazetteer", locations: Sequence[Location]) -> list[Location]:
    """``locations`` with every capital that stands for its government marked :data:`METONYM`.

    The mention keeps its place, moved to the capital's own row when the resolver chose another
    reading of the name, so the JSON still says which capital was meant.
    """
    rows: dict[int, int | None] = {}

    def capital(k: int) -> int | None:
        if k not in rows:
            loc = locations[k]
            plain = loc.qualifier is None or loc.qualifier.startswith("between")
            named = loc.mention[:1].isupper() or is_arabic(loc.mention)
            rows[k] = _capital_row(gaz, loc.mention) if plain and named else None
        return rows[k]

    out: list[Location] = []
    for k, loc in enumerate(locations):
        governs = _governs(text, loc.start, loc.end)
        row = capital(k) if _may_govern(text, loc, locations, k, governs) else None
        if row is None or not _metonym_in_context(text, loc, locations, capital, k, governs):
            out.append(loc)
            continue
        place = gaz.place(row)
        out.append(dataclasses.replace(
            loc, place=place, lat=place.lat, lon=place.lon, precision=1,
            uncertainty_km=place.uncertainty_km, qualifier=METONYM,
        ))
    return out


def _may_govern(text: str, loc: Location, locations: Sequence[Location], k: int, governs: bool) -> bool:
    """A cheap test before any gazetteer lookup: the words around the mention can make it a government
    (``governs``: :func:`_governs` of the mention)."""
    return governs or bool(re.match(r"\s+and\s+$", text[loc.end : locations[k + 1].start])
                                                       if k + 1 < len(locations) else False)


def _metonym_in_context(text: str, loc: Location, locations: Sequence[Location], capital, k: int, governs: bool) -> bool:
    """Whether the capital mention ``locations[k]`` stands for its government; ``capital(j)`` is the
    capital row of mention ``j`` or ``None``, ``governs`` is :func:`_governs` of the mention."""
    if governs:
        before = text[max(0, loc.start - 60) : loc.start]
        if re.search(r"(?i)\band\s+$", before) and not re.search(r"(?i)\bbetween\b", before):
            # "X and Y say": Y governs only when X, the mention before, is a capital too.
            return (k > 0 and capital(k - 1) is not None) or _governs_after(text, loc.end)
        return True
    # "between X and Y": X is a government when Y is a capital and a relation word precedes.
    nxt = k + 1
    if nxt < len(locations) and re.match(r"\s+and\s+$", text[loc.end : locations[nxt].start]) and capital(nxt) is not None:
        return bool(BETWEEN.search(text[max(0, loc.start - 60) : loc.start]))
    return False


def _governs_after(text: str, end: int) -> bool:
    nxt = re.match(r"\s+([a-z]+)", text[end : end + 30])
    return bool(nxt) and nxt.group(1) in GOVERNMENT_VERBS
