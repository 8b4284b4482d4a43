"""Toponym recognition: find the spans of a report that name gazetteer places.

The report is folded once (:class:`~geo_tracker.normalize.FoldedText`) and
split into tokens; at each token only the n-grams that can start a known
key are looked up (longest first). Arabic proclitics (و ف ب ك ل) glued to a
name are peeled off (a conjunction also before a name that starts with a proclitic
letter: "وواسط"). Capitalised spans no table lists are tried against the
transliteration skeletons of the curated layers and of the world layer's populated
places in the covered countries, and confirmed with rapidfuzz, so unseen spellings of
regional places still match; a guess at world places only must pass the tests their
exact spelling would, and stands only where the report names their country otherwise.

Matches of the world layer must look like names (capitalised, not a common
English word) — the curated regional layer is trusted more.

Example:
    >>> from geo_tracker.gazetteer import Gazetteer
    >>> from geo_tracker.models import Place
    >>> gaz = Gazetteer.from_places([Place("sy-q", "Al-Qamishli", "city", "SY", 37.05, 41.22, 3.0,
    ...                                    alt_names=("Qamishli", "القامشلي"))])
    >>> text = "A convoy headed to Qamishly, then بالقامشلي."
    >>> [(m.surface, text[m.start:m.end]) for m in recognize(text, gaz)]
    [('Qamishly', 'Qamishly'), ('القامشلي', 'القامشلي')]
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from collections.abc import Sequence
from itertools import accumulate

from .gazetteer import Gazetteer
from .gazetteer.aliases import alias_hits, alias_spans
from .gazetteer.kinds import cue_kinds
from .notplaces import drop_not_places
from .persons import PersonNames, given_names
from .normalize import ARTICLES, FoldedText, core_name, fold, is_arabic, skeleton_token
from .stopwords import COMMON_WORDS

MAX_FUZZY_TOKENS = 3
_APOSTROPHES = "'’‘ʼ"
_CONTRACTION = re.compile(r"['’](?:ve|ll|re|d|m|t)$", re.IGNORECASE)
"""A contraction ("I've", "I'll") folds to a word that names some village ("Ive")."""
FUZZY_MIN_RATIO = 80.0

_AR_PROCLITIC = re.compile(r"^(?:[وف]?[بكل]?(ال)|[وف]?ل(ل)|[وفبكل]{1,2})(?=..)")


@dataclass(frozen=True)
class Match:
    """A recognised span with its candidate places (index, match type)."""

    start: int
    end: int
    surface: str
    key: str
    hits: tuple[tuple[int, str], ...]


def _token_starts(tokens: list[str]) -> list[int]:
    return [0, *accumulate(len(tok) + 1 for tok in tokens[:-1])] if tokens else []


def _name_starts(ft: FoldedText, tokens: list[str], starts: list[int]) -> list[int]:
    """Indices of the tokens a mention can start at: all but Latin words written in lowercase.

    A mention must look like a name (see :func:`_accept`), so no span starting
    with a lowercase letter is one; most tokens of news prose are skipped here,
    before any lookup.
    """
    aligned = ft.aligned
    return [
        i for i, s in enumerate(starts)
        if not (aligned[s : s + 1].islower() and tokens[i][:1].isascii() and tokens[i][:1].isalpha())
    ]


def _lookup(index, key: str) -> tuple[tuple[int, str], ...]:
    hits = [(i, "exact") for i in index.exact.get(key, ())]
    seen = {i for i, _ in hits}
    hits += [(i, "bare") for i in index.bare.get(key, ()) if i not in seen]
    return tuple(hits)


def _widen(gaz: Gazetteer, key: str, surface: str, hits: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    """Add the candidates of the name's core and skeleton to a phrase's candidates.

    "Al-Waleed border crossing" must also reach the rows that list only
    "al-Waleed" or "معبر الوليد", so that context, not the accident of which
    table spells the whole phrase, decides between them.
    """
    seen = {i for i, _ in hits}
    extra: list[tuple[int, str]] = []
    core = core_name(key)
    if core != key and len(core) >= 3:
        for i in gaz.index.exact.get(core, ()) + gaz.index.bare.get(core, ()):
            if i not in seen:
                seen.add(i)
                extra.append((i, "bare"))
    for i in gaz.skeleton_matches(surface, spelled=bool(hits or extra)):
        if i not in seen:
            # A world place guessed by skeleton never joins a phrase that spells a place as
            # written: resolution would drop it (resolve._spelled_hits), and here it would only
            # make the phrase look like a well-known place's name.
            seen.add(i)
            extra.append((i, "skeleton"))
    return hits + tuple(extra)


def _names_a_country_or_state(gaz: Gazetteer, m: Match) -> bool:
    """Whether ``m`` is a country's or first-level region's own name ("Georgia", not "Georgian")."""
    return any(gaz.index.kinds[i] in ("country", "admin1") and gaz.own_name_is(i, m.key) for i, _ in m.hits)


def _with_districts(gaz: Gazetteer, m: Match) -> Match:
    """``m`` with the counties its name may stand for (added after acceptance: a county never
    makes a word a place mention, it is only one more reading of one)."""
    if _names_a_country_or_state(gaz, m):
        return m  # "Ohio" is the state, not Ohio County, Indiana
    seen = {i for i, _ in m.hits}
    extra = tuple((i, "bare") for i in gaz.district_readings(m.key) if i not in seen)
    return dataclasses.replace(m, hits=m.hits + extra) if extra else m


def _looks_like_name(surface: str) -> bool:
    first = surface.lstrip()[:1]
    return bool(first) and (first.isupper() or is_arabic(first))


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \"'‘“(")
    return start == 0 or not before or before[-1] in ".!?\n:;"


def _well_known(index, hits) -> bool:
    return any(index.kinds[i] in ("continent", "country", "admin1", "admin2", "city") for i, _ in hits)


def _in_capitalised_run(text: str, start: int, end: int) -> bool:
    """True when a capitalised word touches the span ("Human Rights", "Orchard St.")."""
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    touching_after = len(after) == 2 and after[0] == " " and after[1].isupper()
    touching_before = len(before) == 2 and before[1] == " " and before[0].isalpha() and not _sentence_initial(text, start - 1)
    if touching_before:
        word = re.search(r"(\w+)\W*$", text[max(0, start - 30) : start])
        touching_before = bool(word) and word.group(1)[:1].isupper()
    return touching_after or touching_before


def _dateline(text: str, start: int, end: int) -> bool:
    """A capitalised place opening a sentence or line, followed by a comma or a dash."""
    return _sentence_initial(text, start) and bool(re.match(r"\s*(,|[-–—]|\()", text[end : end + 3]))


def _inside_compound(text: str, start: int, end: int) -> bool:
    """True for a piece of a hyphenated word ("Wal" of "Wal-Mart", "Tri" of "Tri-County");
    an Arabic article before the hyphen ("al-Bab") does not count."""
    if text[end : end + 1] in "-‑" and text[end + 1 : end + 2].isalpha():
        return True
    art = re.search(r"(\w+)[-‑]$", text[max(0, start - 12) : start])
    return bool(art) and art.group(1).lower() not in ARTICLES


def _accept(gaz: Gazetteer, text: str, m: Match, people: PersonNames) -> bool:
    """Whether a span is a place mention rather than an ordinary word or a name."""
    index = gaz.index
    surface = m.surface
    curated = any(index.layers[i] != "world" for i, _ in m.hits)
    single = " " not in m.key
    if m.key in COMMON_WORDS:
        return False
    article, _, rest = m.key.partition(" ")
    if article == "the" and rest and all(t in COMMON_WORDS for t in rest.split()):
        return False  # "The crossing", "The base": a noun phrase, not a name
    if is_arabic(surface):
        # Arabic has no capitals: a lone word of the world layer must name a
        # well-known place; curated regional names are trusted.
        return len(m.key) >= 3 and (curated or not single or _well_known(index, m.hits))
    if not _looks_like_name(surface):
        return False
    if curated:
        return True
    # A country or state by its own name ("Georgia Tech"), not by an alternate one.
    area = _names_a_country_or_state(gaz, m)
    if people.is_person(text, m.start, m.end, well_known=area):
        return False
    if _inside_compound(text, m.start, m.end) and not _well_known(index, m.hits):
        return False
    if surface.isupper() and single:
        # Headlines in capitals name countries and regions; short capitalised
        # words are mostly acronyms (SANA, SDF, NATO).
        # A dateline ("CHARLESTON, W.Va. —") names a known place.
        return len(surface) > 3 and (
            any(index.kinds[i] in ("country", "admin1") for i, _ in m.hits)
            or (_dateline(text, m.start, m.end) and _well_known(index, m.hits))
        )
    if single and _sentence_initial(text, m.start):
        # A capital at the start of a sentence proves nothing.
        return _well_known(index, m.hits)
    if single and not _well_known(index, m.hits) and _in_capitalised_run(text, m.start, m.end):
        return False
    return True


def _arabic_variants(tok: str) -> list[tuple[int, str]]:
    """(offset in token, rest) for an Arabic token with proclitics peeled off."""
    m = _AR_PROCLITIC.match(tok)
    if not m:
        return []
    rest = tok[m.end() :]
    out = []
    if m.group(1) or m.group(2):
        out.append((m.end() - 2, "ال" + rest) if m.group(1) else (m.end(), "ال" + rest))
        out.append((m.end(), rest))
    else:
        out.append((m.end(), rest))
        if m.end() == 2 and tok[0] in "وف" and len(tok) > 4:
            # A conjunction before a name that starts with a proclitic letter: "وواشنطن" is
            # "و" + "واشنطن", "وبغداد" is "و" + "بغداد" (tried after the two-letter reading).
            # Only و and ف: they join any word, while "كبيرة" (large) is no "ك" + "بيرة".
            out.append((1, tok[1:]))
    return out


def recognize(text: str, gaz: Gazetteer) -> list[Match]:
    """All place-name spans of ``text``, left to right, non-overlapping, longest first."""
    ft = FoldedText.of(text)
    tokens = ft.folded.split(" ")
    starts = _token_starts(tokens)
    index = gaz.index
    first = index.first_tokens
    found: list[Match] = []
    people = PersonNames.of(text)
    candidates = _name_starts(ft, tokens, starts)
    resume = 0
    for i in candidates:
        if i < resume:
            continue
        tok = tokens[i]
        match = None
        width = first.get(tok)
        if width:
            match = _longest_at(gaz, ft, tokens, starts, i, width, tok, 0)
        elif tok[:-1] in first and _possessive(ft, tokens, starts, i):
            match = _longest_at(gaz, ft, tokens, starts, i, 1, tok, 0)
        if match is None and tok and is_arabic(tok[:1]) and tok not in COMMON_WORDS:
            # A common word is no proclitic plus a name ("لسان" is not "ل" + "سان").
            for offset, rest in _arabic_variants(tok):
                w = first.get(rest)
                if w:
                    match = _longest_at(gaz, ft, tokens, starts, i, w, rest, offset)
                    if match:
                        break
        if match is not None and _accept(gaz, text, match[0], people):
            found.append(_with_districts(gaz, match[0]))
            resume = i + match[1]
    found = _without_overlaps(
        _alias_matches(gaz, text) + _with_articles(text, [_town_of_area(gaz, m) for m in found]) + _code_matches(gaz, text, found)
    )
    found = [m for m in found if not _CONTRACTION.search(m.surface)]
    merged = _merge(found, _fuzzy_spans(gaz, text, ft, tokens, starts, candidates, found, people))
    return drop_not_places(text, _world_guesses_in_context(gaz, merged))


def _world_guess(gaz: Gazetteer, m: Match) -> bool:
    """Whether ``m`` is only a skeleton guess at world places (no curated row, no spelling as written)."""
    return all(how == "skeleton" and gaz.index.layers[i] == "world" for i, how in m.hits)


def _world_guesses_in_context(gaz: Gazetteer, matches: list[Match]) -> list[Match]:
    """``matches`` without the world skeleton guesses in a country the rest of the text never names.

    The world layer's skeleton keys cover thousands of villages
    (:data:`~geo_tracker.gazetteer.world.SKELETON_COUNTRIES`), so a capitalised word of any report
    ("Mardi", a surname) may share a skeleton with one. A guess stands only where another
    mention, spelled as written or curated, places the report in that country.
    """
    index = gaz.index
    guesses = [_world_guess(gaz, m) for m in matches]
    countries = {index.countries[i] for m, guess in zip(matches, guesses) if not guess for i, _ in m.hits}
    return [m for m, guess in zip(matches, guesses) if not guess or any(index.countries[i] in countries for i, _ in m.hits)]


def match_span(gaz: Gazetteer, text: str, start: int, end: int) -> Match | None:
    """The candidates of a given span (e.g. a gold annotation), by the same rules as :func:`recognize`.

    Example:
        >>> from geo_tracker.models import Place
        >>> gaz = Gazetteer.from_places([Place("sy", "Syria", "country", "SY", 34.8, 38.6, 300.0)])
        >>> match_span(gaz, "The Syrian side", 4, 10).hits
        ((0, 'alias'),)
    """
    surface = text[start:end]
    hits = alias_hits(gaz, surface) or tuple(gaz.matches(surface))
    m = _with_districts(gaz, Match(start, end, surface, fold(surface), hits))
    if not m.hits:
        m = dataclasses.replace(m, hits=tuple(gaz.fuzzy(surface)))
    return m if m.hits else None


def _alias_matches(gaz: Gazetteer, text: str) -> list[Match]:
    """Nationality words and news-style abbreviations ("Syrian", "U.S.", "W.Va.") as place mentions."""
    out = []
    for start, end in alias_spans(text):
        hits = alias_hits(gaz, text[start:end])
        if hits:
            out.append(Match(start, end, text[start:end], fold(text[start:end]), hits))
    return out


_CODE = re.compile(r"(?<![\w.-])[A-Z]{3,4}(?![\w.-])")
_SENTENCE_END = re.compile(r"[.!?\n]\s")
CODE_CUE_TOKENS = 3
"""How many words either side of a code may hold the facility word that makes it one ("the base (ORAA)")."""
_FACILITY_KINDS = frozenset({"airfield", "airport"})


def _code_matches(gaz: Gazetteer, text: str, found: Sequence[Match] = ()) -> list[Match]:
    """Codes written as codes: an airfield's ("EBL", "ORER") with a facility word near it, a country's ("DRC").

    Capitals alone prove nothing (most are acronyms: NATO, SDF), so an
    airfield's code counts only with "airport", "air base", "airfield",
    "ICAO", "مطار"… within :data:`CODE_CUE_TOKENS` words. A country's news
    abbreviation ("DRC") needs none: the world layer lists only the few
    that are not ISO codes. A first-level region's code ("NSW") counts where
    the text names its country by name elsewhere (in ``found``).

    Example:
        >>> from geo_tracker.gazetteer.index import IndexBuilder
        >>> from geo_tracker.gazetteer.world import WorldRow
        >>> b = IndexBuilder()
        >>> b.add_world([WorldRow("airfield:ORER", "Erbil International Airport", ("Erbil International Airport",),
        ...     "airfield", "IQ", None, 36.24, 43.96, 3.0, 0, "airportsdata", codes=("ORER", "EBL"))])
        >>> gaz = Gazetteer(b.build())
        >>> [m.surface for m in _code_matches(gaz, "Planes landed at EBL airport. EBL said no.")]
        ['EBL']
        >>> gaz.code_matches("EBL"), gaz.code_matches("Ebl")
        ((0,), ())
    """
    if not gaz.index.codes:
        return []
    kinds = gaz.index.kinds
    named = {gaz.index.countries[i] for m in found for i, how in m.hits if kinds[i] == "country" and how != "code"}
    out = []
    for hit in _CODE.finditer(text):
        hits = gaz.code_matches(hit.group())
        if not hits:
            continue
        # The same sentence only: "… at EBL airport. EBL said" gives the second EBL no cue.
        before = _SENTENCE_END.split(text[max(0, hit.start() - 60) : hit.start()])[-1]
        after = _SENTENCE_END.split(text[hit.end() : hit.end() + 60])[0]
        near = fold(before).split()[-CODE_CUE_TOKENS:] + fold(after).split()[:CODE_CUE_TOKENS]
        regions = [i for i in hits if kinds[i] == "admin1" and gaz.index.countries[i] in named]
        if regions:
            out.append(Match(hit.start(), hit.end(), hit.group(), fold(hit.group()), tuple((i, "code") for i in regions)))
        elif any(kinds[i] == "country" for i in hits) or cue_kinds(near) & _FACILITY_KINDS:
            out.append(Match(hit.start(), hit.end(), hit.group(), fold(hit.group()), tuple((i, "code") for i in hits)))
    return out


def _without_overlaps(matches: list[Match]) -> list[Match]:
    """Left to right, the longest of overlapping matches; on a tie the first listed."""
    order = sorted(range(len(matches)), key=lambda k: (matches[k].start, matches[k].start - matches[k].end, k))
    out: list[Match] = []
    for k in order:
        m = matches[k]
        if not out or m.start >= out[-1].end:
            out.append(m)
    return out


_SAINT_TITLES = frozenset(("st", "ste", "saint", "sainte"))


def _is_saint(key: str) -> bool:
    """Whether a folded key is a saint's title and a given name ("st patrick", not "st petersburg")."""
    title, _, name = key.partition(" ")
    return title in _SAINT_TITLES and name in given_names()


def _possessive(ft: FoldedText, tokens: list[str], starts: list[int], j: int) -> bool:
    """Whether token ``j`` is a possessive ("Ohio's", "Israel’s"), folded to "ohios"."""
    if not tokens[j].endswith("s") or len(tokens[j]) < 3:
        return False
    _, end = ft.span(starts[j], starts[j] + len(tokens[j]))
    return ft.original[end - 2 : end - 1] in _APOSTROPHES and ft.original[end - 1 : end] in "sS"


def _key_lengths(index, window: str) -> set[int] | None:
    """Lengths of the keys that ``window`` starts with and that end at a token boundary,
    from one trie walk per table (``None`` when the tables cannot walk prefixes)."""
    try:
        found = index.exact.prefixes(window) + index.bare.prefixes(window)
    except AttributeError:
        return None
    n = len(window)
    # A key may also end just before a possessive "s" ("ohio" in "ohios", from "Ohio's").
    return {
        len(k) for k in found
        if len(k) == n or window[len(k)] == " " or (window[len(k)] == "s" and window[len(k) + 1 : len(k) + 2] in ("", " "))
    }


def _longest_at(gaz, ft, tokens, starts, i, width, head, offset):
    index = gaz.index
    last = min(width, len(tokens) - i)
    window = " ".join([head, *tokens[i + 1 : i + last]])
    lengths = _key_lengths(index, window)
    if lengths is not None and not lengths:
        return None
    for k in range(last, 0, -1):
        key = head if k == 1 else " ".join([head, *tokens[i + 1 : i + k]])
        if lengths is not None and len(key) not in lengths and len(key) - 1 not in lengths:
            continue
        f_end = starts[i + k - 1] + len(tokens[i + k - 1])
        hits: tuple[tuple[int, str], ...] = ()
        if _possessive(ft, tokens, starts, i + k - 1) and not _is_saint(key[:-1]):
            # "France's" is France: the possessive comes off first ("frances" names villages too).
            # A saint in the possessive is a feast, church or school ("St. Patrick's Day",
            # "St. Mary's students"): it stays whole, a place only if the gazetteer has it so
            # ("St. John's", Newfoundland). "St. Petersburg's" is still St. Petersburg.
            hits = _lookup(index, key[:-1])
            if hits:
                key, f_end = key[:-1], f_end - 1
        if not hits and (lengths is None or len(key) in lengths):
            hits = _lookup(index, key)
        if hits:
            start, end = ft.span(starts[i] + offset, f_end)
            end = start + len(ft.original[start:end].rstrip(_APOSTROPHES))
            surface = ft.original[start:end]
            return Match(start, end, surface, key, _widen(gaz, key, surface, hits)), k
    return None


AREA_WORDS = frozenset((fold("منطقة"),))
"""Words for "area" that some gazetteer rows fold into a district's name ("منطقة X" is both the
X district and "the X area"). Before a town's name it is the area around the town
(:mod:`geo_tracker.qualify` gives "منطقة X" the qualifier ``area``)."""

POPULATED_KINDS = frozenset(("city", "town", "village"))


def _town_of_area(gaz: Gazetteer, m: Match) -> Match:
    """``m`` without a leading area word when the rest names a town ("منطقة X" → X)."""
    word, _, rest = m.key.partition(" ")
    if word not in AREA_WORDS or not rest:
        return m
    hits = _lookup(gaz.index, rest)
    if not any(gaz.index.kinds[i] in POPULATED_KINDS for i, _ in hits):
        return m
    start = m.start + m.surface.index(" ") + 1
    while m.surface[start - m.start : start - m.start + 1].isspace():
        start += 1
    surface = m.surface[start - m.start :]
    return Match(start, m.end, surface, rest, _widen(gaz, rest, surface, hits))


def _with_articles(text: str, matches: list[Match]) -> list[Match]:
    """Extend a match left over a hyphenated article ("al-", "ad-") the key left out."""
    out = []
    for m in matches:
        head = text[max(0, m.start - 4) : m.start]
        art = re.search(r"(?i)\b([a-z]{1,3})[-‑]\s?$", head)
        if art and art.group(1).lower() in ARTICLES:
            start = m.start - (len(head) - art.start())
            m = Match(start, m.end, text[start : m.end], m.key, m.hits)
        out.append(m)
    return out


def _fuzzy_spans(gaz, text, ft, tokens, starts, candidates, found: list[Match], people: PersonNames) -> list[Match]:
    """Capitalised spans not already matched, tried against curated skeletons.

    A span of two or more words may also start with a short word ("Tel Tamir") or replace a
    single world-layer word it starts with ("Ain" of "Ain Isaa"): the longer, curated reading
    of the phrase is the one the report means. The caller drops the replaced match.
    """
    if not gaz.index.skeletons:
        return []
    aligned = ft.aligned
    prefixes = gaz.skeleton_prefixes
    out: list[Match] = []
    resume = 0
    for i in candidates:
        if (
            i < resume
            or len(tokens[i]) < 3
            or not aligned[starts[i] : starts[i] + 1].isupper()
            or tokens[i] in COMMON_WORDS
            or tokens[i] in ARTICLES
        ):
            continue
        if tokens[i].isascii() and skeleton_token(tokens[i]) not in prefixes:
            continue  # every span starting here has a skeleton starting so (see skeleton())
        start = ft.offset(starts[i])
        cover = next((m for m in found if m.start <= start < m.end), None)
        if cover is not None and not _replaceable(gaz, cover, start):
            continue
        shortest = 2 if cover is not None or len(tokens[i]) < 4 else 1
        hit = None
        for k in range(min(MAX_FUZZY_TOKENS, len(tokens) - i), shortest - 1, -1):
            window = tokens[i : i + k]
            if any(t in COMMON_WORDS for t in window[1:]):
                continue
            f_end = starts[i + k - 1] + len(tokens[i + k - 1])
            s, e = ft.span(starts[i], f_end)
            if cover is not None and not re.search(r"\w", text[cover.end : e]):
                break  # no word beyond the match it would replace
            confirmed = tuple((j, "skeleton") for j in gaz.skeleton_matches(text[s:e]) if gaz.spelled_like(j, text[s:e], min_ratio=FUZZY_MIN_RATIO))
            guess = Match(s, e, text[s:e], " ".join(window), confirmed)
            if confirmed and not people.is_person(text, s, e) and _guess_accepted(gaz, text, guess, people):
                hit = (guess, k)
                break
        if hit:
            out.append(hit[0])
            resume = i + hit[1]
    return out


def _guess_accepted(gaz: Gazetteer, text: str, m: Match, people: PersonNames) -> bool:
    """Whether a skeleton guess is a mention: a guess of world places only must pass :func:`_accept`,
    as their names spelled exactly would ("Earlier" opening a sentence is no village's spelling)."""
    return not _world_guess(gaz, m) or _accept(gaz, text, m, people)


def _replaceable(gaz: Gazetteer, m: Match, start: int) -> bool:
    """Whether a longer curated phrase starting at ``start`` may replace ``m``: one world-layer word there."""
    return m.start == start and " " not in m.key and all(gaz.index.layers[i] == "world" for i, _ in m.hits)


def _merge(a: list[Match], b: list[Match]) -> list[Match]:
    """Matches ``a`` and the fuzzy spans ``b``; a span of ``b`` replaces the match of ``a`` it overlaps."""
    kept = [m for m in a if not any(f.start < m.end and m.start < f.end for f in b)]
    return sorted(kept + b, key=lambda m: m.start)
