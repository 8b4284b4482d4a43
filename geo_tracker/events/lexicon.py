"""Cue words for event extraction, English and Arabic, as compiled regexes.

Each vocabulary maps a canonical label to surface patterns (English regex
fragments and Arabic phrases, the latter made tolerant of alef/ya/ta-marbuta
spelling). :func:`find_terms` returns non-overlapping, longest-first matches.

Example:
    >>> from geo_tracker.events.lexicon import CARGO, ACTORS, find_terms
    >>> [m.label for m in find_terms(CARGO, "20 refrigerated trucks and fuel tankers")]
    ['refrigerated trucks', 'fuel tankers']
    >>> find_terms(ACTORS, "دخلت قافلة للقوات الأمريكية")[0].label
    'US-led coalition'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import arabic_pattern, fold_case

try:  # the regex parser of the standard library (``sre_parse`` before Python 3.11); private, so
    # everything read from it is optional: without it, vocabularies just skip the word pre-check
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = [
    "ACTORS", "AGGREGATE_CUES", "AIR_MEANS", "ALTERNATIVE_CUES", "ASIDE_CUES", "BACKGROUND_CUES", "CARGO",
    "CONVOY_CUES", "CONVOY_DEMONSTRATIVES", "COUNT_NOUNS", "DIRECTION", "FEATURES", "MOVEMENT_VERBS", "MOVERS",
    "ROLE_CUES", "SITE_ANAPHORS", "SITE_COORDINATION_GAP", "SITE_COORDINATION_WORD", "SITE_KINDS", "SITE_LOCATIVE_GAP",
    "SITE_CONJUNCT_END", "SITE_NAME_AFTER", "SITE_NAME_GAP", "SITE_STATUS", "SITE_TRAILING_CONJUNCT", "STATIONING_CUES",
    "SUBSET_CUES", "VAGUE_QUANTITIES", "Term", "Vocabulary", "find_terms",
    "compile_vocabulary",
]

Vocabulary = dict[str, tuple[str, ...]]
"""Canonical label -> surface patterns. Patterns containing Arabic letters are literal phrases; the
others are regexes, each one alternative (group any ``|`` inside: ``"fuel (?:tanks|trucks)"``)."""

_ARABIC = re.compile(r"[\u0600-\u06FF]")


_LATIN_START = r"(?<![\w-])"
_ARABIC_START = r"(?<![\w])"


def _start(surface: str) -> str:
    """The left boundary a surface form needs: Latin cues refuse a hyphen before them too."""
    return _ARABIC_START if _ARABIC.search(surface) else _LATIN_START


def _body(surface: str) -> str:
    """Regex for one surface form after its left boundary: Arabic phrases allow clitics (و، ب، ل، ال)."""
    if _ARABIC.search(surface):
        if surface.startswith("ال"):
            return rf"(?:[وفبك]?ال|[وف]?لل){arabic_pattern(surface[2:])}(?!\w)"
        return rf"(?:[وفبلك]?(?:ال|لل)?){arabic_pattern(surface)}(?!\w)"
    return rf"{surface}(?![\w])"


def _pattern(surface: str) -> str:
    """Regex for one surface form, its left boundary included."""
    return _start(surface) + _body(surface)


@lru_cache(maxsize=None)
def _compiled(items: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for label, surfaces in items:
        ordered = sorted(surfaces, key=len, reverse=True)
        out.append((label, re.compile("|".join(_pattern(s) for s in ordered), re.IGNORECASE)))
    return tuple(out)


@dataclass(frozen=True)
class _Matcher:
    """A vocabulary's cues of one script compiled for scanning: one locator regex (every label's
    cues in one alternation, which the regex engine scans in one pass) and each label's own
    regex, tried only where the locator stops.  ``words`` (Latin script only), when set, finds
    a word that every cue contains, in the text folded by :func:`~geo_tracker.text.fold_case`:
    where it finds none, the (much slower, case-insensitive) locator cannot match either."""

    locator: re.Pattern[str]
    labels: tuple[tuple[str, re.Pattern[str] | None], ...]
    words: re.Pattern[str] | None = None


_LITERAL, _BRANCH, _SUBPATTERN = (getattr(_sre_parse, op, None) for op in ("LITERAL", "BRANCH", "SUBPATTERN"))
_REPEATS = tuple(
    getattr(_sre_parse, op) for op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_sre_parse, op)
)


def _required_words(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """Lower-case ASCII strings one of which every match of a parsed regex sequence contains
    (its longest run of plain characters, or the words of a part it cannot skip), or None.

    Example:
        >>> sorted(_required_words(list(_sre_parse.parse("(?:military |armou?red )columns?", re.I))))
        ['column']
        >>> sorted(_required_words(list(_sre_parse.parse("enters?|left", re.I))))
        ['enter', 'left']
    """
    options: list[frozenset[str]] = []
    run = ""
    for op, av in items + [(None, None)]:
        if op is _LITERAL and av < 128:  # type: ignore[operator]
            run += chr(av).lower()  # type: ignore[arg-type]
            continue
        if run:
            options.append(frozenset({run}))
            run = ""
        part: frozenset[str] | None = None
        if op is _BRANCH:
            branches = [_required_words(list(branch)) for branch in av[1]]  # type: ignore[index]
            if all(b is not None for b in branches):
                part = frozenset().union(*branches)  # type: ignore[arg-type]
        elif op is _SUBPATTERN:
            part = _required_words(list(av[-1]))  # type: ignore[index]
        elif op in _REPEATS and av[0] >= 1:  # type: ignore[index]
            part = _required_words(list(av[2]))  # type: ignore[index]
        if part is not None:
            options.append(part)
    return max(options, key=lambda words: min(map(len, words)), default=None)


def _words_regex(surfaces: list[str]) -> re.Pattern[str] | None:
    """A case-sensitive regex for folded text finding a word every Latin surface form contains,
    or None when some form has none."""
    if None in (_LITERAL, _BRANCH, _SUBPATTERN):
        return None  # a Python whose private regex parser changed: no pre-check, same results
    words: set[str] = set()
    for surface in surfaces:
        try:
            found = _required_words(list(_sre_parse.parse(surface, re.IGNORECASE)))
        except (AttributeError, TypeError, ValueError, IndexError):
            return None  # as above
        if not found:
            return None
        words |= found
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def _alternation(surfaces: list[str]) -> re.Pattern[str] | None:
    """One regex for surface forms of one script (they share a left boundary), longest first.

    The script's left boundary is tested once, before the alternation, rather than at
    the head of every branch: the same matches, but most positions fail at once
    instead of trying every branch (several times faster on long texts).
    """
    if not surfaces:
        return None
    ordered = sorted(surfaces, key=len, reverse=True)
    return re.compile(_start(ordered[0]) + "(?:" + "|".join(_body(s) for s in ordered) + ")", re.IGNORECASE)


_LATIN, _ARABIC_SCRIPT = 0, 1
"""The scripts a vocabulary is compiled for separately."""


@lru_cache(maxsize=None)
def _matcher(items: tuple[tuple[str, tuple[str, ...]], ...], script: int) -> _Matcher | None:
    """The matcher for ``script``'s cues of a vocabulary (None if it has none), compiled on first
    use: a corpus without Arabic never compiles the Arabic cues, which take most of the time
    compiling the vocabularies does."""
    labels = []
    every: list[str] = []
    for label, surfaces in items:
        own = [s for s in surfaces if bool(_ARABIC.search(s)) == (script == _ARABIC_SCRIPT)]
        every.extend(own)
        labels.append((label, _alternation(own)))
    locator = _alternation(every)
    if locator is None:
        return None
    return _Matcher(locator, tuple(labels), _words_regex(every) if script == _LATIN else None)


def compile_vocabulary(vocabulary: Vocabulary) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled regex per label (cached).

    Example:
        >>> compile_vocabulary({"x": ("base",)})[0][1].pattern
        '(?<![\\\\w-])base(?![\\\\w])'
    """
    return _compiled(tuple((k, tuple(v)) for k, v in vocabulary.items()))


@lru_cache(maxsize=4)
def _folded(text: str) -> str:
    """:func:`fold_case` of a report text, kept for its sentences' searches."""
    return fold_case(text)


@dataclass(frozen=True)
class Term:
    """One cue found in text: its label and its span (offsets into the searched text)."""

    label: str
    start: int
    end: int
    text: str


def find_terms(vocabulary: Vocabulary, text: str, start: int = 0, end: int | None = None) -> list[Term]:
    """Non-overlapping cues of ``vocabulary`` in ``text[start:end]``, in text order; where cues
    start at the same place, the longest wins.

    Example:
        >>> [t.label for t in find_terms(SITE_STATUS, "plans to establish a base")]
        ['planned']
    """
    end = len(text) if end is None else end
    return list(_find_terms(tuple((k, tuple(v)) for k, v in vocabulary.items()), text, start, end))


@lru_cache(maxsize=1024)
def _find_terms(items: tuple[tuple[str, tuple[str, ...]], ...], text: str, start: int, end: int) -> tuple[Term, ...]:
    """:func:`find_terms`, remembered: the event rules ask for one vocabulary's cues in one sentence
    or clause several times (is it a convoy, does it tell of movers, what are its roles), and a long
    span is scanned only once per vocabulary. (1,024 entries: the spans of a few reports; the texts
    they hold are segments of at most ``pipeline.SEGMENT_CHARS``.)"""
    found: list[Term] = []
    for script in (_LATIN, _ARABIC_SCRIPT):
        if script == _ARABIC_SCRIPT and not _ARABIC.search(text, start, end):
            continue
        matcher = _matcher(items, script)
        if matcher is None or (matcher.words is not None and not matcher.words.search(_folded(text), start, end)):
            continue
        pos = start
        while (hit := matcher.locator.search(text, pos, end)) is not None:
            best: Term | None = None
            for label, regex in matcher.labels:
                m = regex.match(text, hit.start(), end) if regex is not None else None
                if m and m.end() > m.start() and (best is None or m.end() > best.end):
                    best = Term(label, m.start(), m.end(), m.group(0))
            if best is None:  # pragma: no cover - the locator and the labels hold the same cues
                pos = hit.end() if hit.end() > hit.start() else hit.start() + 1
                continue
            found.append(best)
            pos = best.end
    found.sort(key=lambda t: t.start)
    kept: list[Term] = []
    for term in found:  # Latin and Arabic cues never overlap in practice; keep the first if they do
        if not kept or term.start >= kept[-1].end:
            kept.append(term)
    return tuple(kept)


_ARM = r"armou?red"
_VEH = r"(?:vehicles?|carriers?|personnel carriers?)"

CARGO: Vocabulary = {
    "armoured vehicles": (rf"{_ARM} {_VEH}", r"{0}s?".format(_ARM), r"APCs?", r"MRAPs?", r"Humvees?",
                          "مدرعات", "عربات مدرعة", "آليات مدرعة", "ناقلات جند", "همرات"),
    "refrigerated trucks": (r"refrigerated (?:trucks?|lorries)", r"refrigerator trucks?", "برادات", "شاحنات مبردة", "شاحنات تبريد"),
    "fuel tankers": (r"(?:fuel |oil )?tankers?", r"fuel (?:tanks|trucks)", "صهاريج", "صهاريج وقود", "صهريج", "ناقلات نفط", "ناقلات وقود"),
    "trucks": (r"trucks?", r"lorries", r"lorry", r"trailers?", "شاحنات", "شاحنة", "قاطرات"),
    "military vehicles": (r"military vehicles?", r"vehicles?", r"cars", r"pick-?ups?", r"4x4s?", "آليات عسكرية", "آليات",
                          "آلية", "عربات عسكرية", "عربات", "سيارات", "سيارات رباعية الدفع"),
    "tanks": (r"tanks", r"battle tanks", "دبابات"),
    "weapons": (r"weapons", r"arms", r"munitions", "أسلحة", "سلاح"),
    "ammunition": (r"ammunition", r"ammo", r"shells", "ذخائر", "ذخيرة"),
    "logistical equipment": (r"logistic(?:al)? (?:equipment|materials?|supplies|support)", r"logistics", "معدات لوجستية",
                             "مواد لوجستية", "مواد لوجيستية", "دعم لوجستي"),
    "military equipment": (r"military (?:equipment|hardware|materiel|supplies)", "معدات عسكرية", "تجهيزات عسكرية", "عتاد عسكري"),
    "generators": (r"(?:electric(?:al|ity)? )?generators?", "مولدات", "مولدات كهربائية"),
    "concrete blocks": (r"concrete (?:blocks?|barriers?|walls?|slabs?)", r"blast walls?", "كتل إسمنتية", "كتل خرسانية",
                        "حواجز إسمنتية", "مكعبات إسمنتية"),
    "construction equipment": (r"bulldozers?", r"construction (?:equipment|materials?|vehicles)", r"engineering vehicles?",
                               r"excavators?", "جرافات", "آليات هندسية", "مواد بناء", "مواد إنشائية"),
    "prefabricated buildings": (r"prefabricated (?:rooms?|buildings?|units?)", r"caravans?", "كرفانات", "غرف مسبقة الصنع"),
    "containers": (r"(?:closed |shipping )?containers?", "حاويات"),
    "food supplies": (r"food (?:supplies|stuffs?)", "مواد غذائية"),
}
"""Vehicle and cargo kinds carried by convoys."""

COUNT_NOUNS: Vocabulary = {
    "vehicles": (r"(?:[\w-]+ ){0,3}?(?:vehicles?|trucks?|lorries|tankers?|carriers?|APCs?|MRAPs?|Humvees?|tanks|cars|"
                 r"pick-?ups|trailers?|buses|bulldozers|refrigerators?)",
                 "آلية", "آليات", "عربة", "عربات", "شاحنة", "شاحنات", "مدرعة", "مدرعات", "صهريج", "صهاريج",
                 "سيارة", "سيارات", "دبابة", "دبابات", "ناقلة", "ناقلات", "برادة", "برادات", "جرافة", "جرافات", "قاطرة"),
}
"""Nouns that a vehicle count may quantify ("45 military vehicles", "30 شاحنة")."""

VAGUE_QUANTITIES: Vocabulary = {
    "dozens": (r"dozens of", r"scores of", "عشرات"),
    "hundreds": (r"hundreds of", "مئات"),
    "several": (r"several", r"a number of", r"a few", "عدد من", "عدة"),
}
"""Unquantified amounts kept as ``Convoy.vehicles_note``."""

SUBSET_CUES: Vocabulary = {
    "subset": (r"including", r"among them", r"among which", r"of which", r"of them", r"consisting partly of",
               "بينها", "بينهم", "منها", "من بينها", "تشمل"),
}
"""Phrases after which counts describe part of the convoy, not more of it."""

CONVOY_CUES: Vocabulary = {
    "convoy": (r"convoys?", r"(?:military |armou?red )columns?", r"columns? of", r"motorcades?", "قافلة", "قوافل", "رتل", "أرتال"),
    "reinforcements": (r"reinforcements", r"shipments?", r"consignments?", "تعزيزات", "شحنة", "شحنات"),
}
"""Words that name a movement of vehicles."""

MOVEMENT_VERBS: Vocabulary = {
    "moved": (r"entered", r"enters?", r"entering", r"crossed", r"cross(?:es|ing)?", r"arrived", r"arriv(?:es|ing)",
              r"brought(?: in)?", r"bring(?:s|ing)?", r"sent", r"dispatched", r"transported", r"headed", r"heading",
              r"moved", r"moving", r"came in", r"left", r"leaving", r"withdr[ae]w", r"withdrawing", r"pulled out",
              r"departed", r"set out", r"drove", r"passed", r"reached",
              # "deployed at a checkpoint" says where troops stand, "deployed to X" that they moved.
              r"deployed(?! (?:at|in|on|along|around|near|inside|across|throughout)\b)",
              # More verbs of going and coming, and the masculine Arabic forms (after رتل, masculine).
              r"came", r"coming", r"arrive", r"went", r"rolled(?: in| into)?", r"travell?ed", r"advanced", r"redeployed", r"relocated",
              r"returned", r"pour(?:ed|ing|s)? into", r"transferred", r"headed back",
              r"patroll?(?:ed|ing)",
              "دخلوا", "وصلوا", "عبروا", "توجهوا", "انسحبوا", "خرجوا", "غادروا", "قدموا",
              # The present tense of headlines: "Convoy reaches X", "تعزيزات تصل إلى X".
              r"reach(?:es|ing)", r"heads", r"moves", r"rolls(?: in| into)?", r"pulls out", r"withdraws", r"sends", r"deploys",
              r"returns", r"departs",
              "تصل", "يصل", "تعبر", "يعبر", "تغادر", "يغادر", "تنسحب", "ينسحب", "تتوجه", "يتوجه", "ترسل", "يرسل", "تستقدم",
              "يستقدم", "تنقل", "ينقل", "تخرج", "يخرج", "يدخل",
              "توجه", "اتجه", "يتجه", "تتجه", "متجها", "متجهاً", "قادما", "قادماً", "جاءت", "انطلقت", "انطلق", "تحركت", "تحرك",
              "مرت", "عادت", "عاد", "نقل", "استقدم", "أرسل", "أدخل",
              "دخلت", "دخل", "تدخل", "عبرت", "وصلت", "وصل", "أرسلت", "استقدمت", "أدخلت", "خرجت", "خرج", "غادرت",
              "غادر", "انسحبت", "انسحب", "توجهت", "اتجهت", "متجهة", "قادمة", "سحبت", "نقلت"),
}
"""Verbs showing that counted vehicles moved (makes "45 trucks entered" a convoy)."""

DIRECTION: Vocabulary = {
    "entering": (r"entered", r"enters?", r"entering", r"crossed into", r"cross(?:es|ing)? into", r"came into",
                 r"came in", r"brought (?:in|into)", r"into (?:north(?:-?east(?:ern)?)? )?syria",
                 "دخلت", "دخل", "تدخل", "أدخلت", "ادخلت", "دخول"),
    "leaving": (r"(?:left|leaving|leaves|exited|exiting|departed|departing)(?= (?:the )?(?:syria|syrian|country|territor))",
                r"withdr[ae]w(?:n)?(?: to)?", r"withdrawing", r"withdrawal", r"pulled out", r"crossed out",
                r"out of (?:the country|syria)",
                # Towards Iraq is out of Syria ("left for Iraq", "crossed into the Kurdistan Region").
                r"(?:left|departed|head(?:ed|ing)|return(?:ed|ing)|withdr[ae]w|mov(?:ed|ing)|went|going|"
                r"cross(?:ed|es|ing)?) (?:back )?(?:for|to|towards?|into) (?:the )?(?:northern )?(?:iraq|kurdistan)",
                r"into (?:the )?(?:northern )?(?:iraq|kurdistan)", "خرجت", "خرج", "خروج", "غادرت", "غادر", "انسحبت", "انسحب", "انسحاب", "سحبت", "أخرجت"),
}
"""Whether a convoy entered or left the country of the report."""

_STATIONED = (r"(?:based|stationed|garrisoned) (?:in|at)", "المتمركزة في", "المتمركزين في", "المتمركز في", "المرابطة في")
"""Where movers are stationed, which is where they set out from: "troops based in X left their base",
"القوات المتمركزة في X انسحبت" (general English and Arabic military usage)."""

STATIONING_CUES: Vocabulary = {"stationed": _STATIONED}
"""The stationing phrases alone: they make a place before the movement verb an origin (an origin cue of
:data:`ROLE_CUES` too)."""

ROLE_CUES: Vocabulary = {
    "origin": (r"(?:coming |arriving |travell?ing |departing |set out |setting out )?from", r"out of", r"left",
               r"departed", r"withdr[ae]w from", "قادمة من", "قادما من", "قادمين من", "آتية من", "انطلقت من",
               "انطلاقا من", "من", *_STATIONED),
    "via": (r"via", r"through", r"crossed at", r"by way of", r"across", r"passing", r"passed", r"past",
            "عبر", "مرورا ب", "مروراً ب", "عن طريق", "من خلال", "من معبر",
            # A place crossed on the way is passed through ("crossed the town of X", "عبرت بلدة X");
            # "crossed into X" keeps its destination, the nearer cue.
            r"crossed", "عبرت", "عبروا", "مرت ب", "مرت من", "مر ب", "مر من"),
    "destination": (r"towards?", r"heading (?:to|for|towards)", r"headed (?:to|for|towards)", r"bound for",
                    r"on (?:its|their) way to", r"to", r"into", r"for", r"reached", r"arrived (?:at|in)", r"entered",
                    r"continue to", r"moving to", r"as far as",
                    # "in the direction of X" (a container word twice, but the phrase says where to)
                    r"(?:in|to|into) (?:the )?direction of", "في اتجاه", "في إتجاه",
                    # The present tense of headlines: "Convoy reaches X", "arrives in X", "enters X".
                    r"reach(?:es)?", r"arrives? (?:at|in)", r"enters", r"heads (?:to|for|towards)",
                    "باتجاه", "متجهة إلى", "متجهة الى", "متجهة نحو", "إلى", "الى", "نحو", "صوب", "وصلت إلى",
                    "دخلت", "لتصل إلى", "حتى",
                    # A patrol goes where it patrols: "patrolling around X", "patrols in X".
                    r"patroll?(?:ed|ing|s)? (?:around|in|through|along|near)", r"patrols? (?:around|in|through|along|near)",
                    # Plural Arabic verbs of arrival (masculine plural subject: "الجنود دخلوا").
                    "دخلوا", "وصلوا إلى"),
    "other_side": (r"(?:border|borders|boundary|frontier) with", r"with", "مع"),
    "ignore": (r"according to", r"said", r"reported", r"told", r"citing", "وفقا ل", "وفقاً ل", "بحسب", "حسب", "نقلا عن",
               "نقلاً عن", "وفق",
               # Attribution: "sources from X", "local reports from X", "a reporter in X", "مصادر محلية في X" name
               # where the news came from, not where the convoy came from.
               r"(?:sources?|reports?|activists?|residents?|reporters?|correspondents?|journalists?|witnesses|officials?|"
               r"monitors?|observers?|locals)(?: (?-i:[a-z])\w*){0,2}? (?:from|in|at|of)",
               # Allegiance: "trucks belonging to militias in X", "قافلة تابعة لـ": whose, not where to.
               r"belonging to", r"affiliated (?:with|to)", r"loyal to", r"backed by", "تابعة ل", "التابعة ل", "تابع ل", "التابع ل",
               "مصادر من", "مصادر في", "مصادر محلية من", "مصادر محلية في", "مصادر أهلية من", "مصادر أهلية في",
               "مصدر من", "مصدر في", "مصدر محلي في", "مصدر محلي من", "مراسل", "مراسلنا في", "ناشطون في", "ناشطون من",
               "نشطاء في", "نشطاء من", "أهالي", "سكان"),
    "container": (r"in", r"at", r"of", r"near", r"inside", r"outside", r"'s", r"countryside", r"province", r"area",
                  "في", "بريف", "ريف", "قرب", "بالقرب من", "داخل"),
}
"""Words right before a place mention that tell its role in a convoy's route."""

ACTORS: Vocabulary = {
    "US-led coalition": (r"U\.?S\.?-led (?:international |global )?coalition", r"(?:the )?international coalition",
                         r"(?:the )?global coalition", r"coalition forces", r"coalition troops", r"coalition",
                         r"U\.?S\.? (?:forces|troops|army|military|soldiers|marines)", r"(?-i:US)", r"U\.S\.", r"American",
                         r"Pentagon", r"CJTF-OIR", "التحالف الدولي", "قوات التحالف", "التحالف",
                         "القوات الأمريكية", "القوات الأميركية", "الجيش الأمريكي", "الجيش الأميركي", "الأمريكية", "الأميركية",
                         # masculine, after a masculine noun: "رتل عسكري أمريكي" (an American military convoy)
                         "أمريكي", "أميركي", "الأمريكي", "الأميركي"),
    "Russian forces": (r"Russian (?:forces|troops|army|military|military police|soldiers)", r"Russians?",
                       "القوات الروسية", "الجيش الروسي", "الشرطة العسكرية الروسية", "الروسية", "الروس",
                       "روسي", "الروسي"),
    "Turkish army": (r"Turkish (?:army|forces|troops|military|soldiers)", r"Turkish-backed",
                     "الجيش التركي", "القوات التركية", "الأتراك", "تركي", "التركي"),
    "SDF": (r"(?-i:SDF)", r"Syrian Democratic Forces", r"(?-i:QSD)", "قسد", "قوات سوريا الديمقراطية", "قوات سورية الديمقراطية"),
    "Iran-backed militias": (r"Iran(?:ian)?-backed (?:militias?|groups|forces)", r"pro-Iran(?:ian)? (?:militias?|groups|forces)",
                             r"Iranian (?:militias?|forces|troops)", r"(?-i:IRGC)", r"Revolutionary Guards?", r"Hezbollah",
                             "الميليشيات الإيرانية", "الميليشيات الموالية لإيران", "ميليشيات إيران",
                             "الحرس الثوري", "حزب الله"),
    "Syrian government forces": (r"Syrian government forces", r"(?:Syrian )?regime forces", r"Syrian (?:army|regime)",
                                 r"government forces", r"pro-government forces", r"Assad forces", r"(?-i:SAA)",
                                 "قوات النظام", "الجيش السوري", "قوات الحكومة السورية", "جيش النظام", "القوات الحكومية",
                                 "النظام السوري"),
}
"""Canonical actor -> the ways reports name it."""

SITE_KINDS: Vocabulary = {
    "airfield": (r"(?:military )?airfields?", r"(?:military )?airports?", r"air ?bases?", r"air ?strips?",
                 r"landing strips?", r"runways?", "مطار", "مطار عسكري", "مطارات", "مهبط", "مهبط طائرات", "مدرج", "مطارها"),
    "base": (r"(?:military )?bases?", r"(?:military )?camps?", r"garrisons?", "قاعدة", "قاعدة عسكرية", "قواعد", "معسكر",
             # with a possessive suffix: "لقاعدتها في X" (to its base in X)
             "قاعدتها", "قاعدته", "قاعدتهم", "قواعدها", "قواعده", "قواعدهم"),
    "outpost": (r"outposts?", r"observation (?:posts?|points?)", r"military posts?", "نقطة مراقبة", "نقاط مراقبة",
                "نقطة المراقبة", "نقاط المراقبة", "مخفر"),
    "checkpoint": (r"checkpoints?", r"check-points?", r"roadblocks?", "حاجز", "حواجز", "حاجز عسكري", "حاجزا", "حاجزاً"),
    "position": (r"military (?:points?|positions?)", r"positions", "نقطة عسكرية", "نقاط عسكرية", "موقع عسكري", "مواقع عسكرية"),
}
"""Canonical site kind -> the words for it."""

AIRSTRIP_FEATURE_KINDS = ("airstrip", "helipad")
"""Features that name a site only when no other site is the subject ("an airstrip at the base")."""

FEATURES: Vocabulary = {
    "airstrip": (r"air ?strips?", r"landing strips?", r"runways?", "مهبط", "مدرج", "مهبط طائرات"),
    "helipad": (r"helipads?", r"helicopter (?:pads?|landing (?:pads?|sites?))", r"heliports?", "مهبط مروحيات", "مهبط للمروحيات", "مهبط طائرات مروحية"),
    "missile launchers": (r"(?:missile|rocket) launchers?", r"HIMARS", r"launch pads?", "منصات صواريخ", "منصات إطلاق", "راجمات"),
    "air defence": (r"air[- ]defen[cs]e(?: systems?)?", r"anti-aircraft", r"Patriot", r"Avenger", r"C-RAM",
                    "دفاع جوي", "الدفاع الجوي", "مضادات طيران", "منظومة دفاع"),
    "radar": (r"radars?", "رادار", "رادارات"),
    "watchtowers": (r"watch ?towers?", r"observation towers?", "أبراج مراقبة", "برج مراقبة"),
    "barracks": (r"barracks", r"housing units", "ثكنات", "مهاجع"),
    "fortifications": (r"fortifications?", r"earth(?:en)? (?:berms?|mounds?)", r"trenches", r"sand barriers?", "تحصينات", "سواتر ترابية", "خنادق"),
}
"""Equipment or facilities mentioned at a site."""

_BUILDING = r"(?:establishing|building|setting up|constructing|creating|erecting|installing)"  # "is expanding" is 'expanded'
_BUILD = r"(?:establish(?:ing)?|build(?:ing)?|set(?:ting)? up|construct(?:ing)?|creat(?:e|ing)|open(?:ing)?|install(?:ing)?|erect(?:ing)?)"  # expanding is 'expanded'

_AR_MODALS = ("تعتزم", "يعتزم", "تنوي", "ينوي", "تخطط", "يخطط", "تسعى", "يسعى", "تستعد", "يستعد")
_AR_BUILD_NOUNS = ("إنشاء", "بناء", "تشييد", "إقامة", "توسيع")
_AR_PLANNED = tuple(f"{m} {p}{n}" for m in _AR_MODALS for p in ("", "ل") for n in _AR_BUILD_NOUNS)
"""Arabic "intends to build…" phrases, so the verbal noun is not read as a status of its own."""

SITE_STATUS: Vocabulary = {
    "planned": (rf"(?:plans?|planning|planned|intends?|intending|intention|aims?|aiming|seeks?|seeking|prepar(?:es?|ing)|"
                rf"is set|are set|is expected|are expected|is about|decided|proposed|considering)(?: \w+)? to {_BUILD}?",
                rf"will {_BUILD}", r"plans? for", r"proposed", r"planned", rf"in order to {_BUILD}",
                # the purpose of a movement: "entered … to set up a new post", "لإنشاء نقطة"
                "لإنشاء", "لبناء", "لإقامة", "لتشييد",
                *_AR_PLANNED, "تعتزم", "يعتزم", "تنوي", "ينوي", "تخطط", "يخطط", "تسعى", "يسعى", "تستعد", "يستعد", "نية", "خطة", "مخطط"),
    "under_construction": (rf"(?:began|begun|begins?|started|starts?|starting|beginning|continu(?:es?|ed|ing)) (?:to )?{_BUILD}",
                           rf"(?:is|are|was|were|has been|have been) {_BUILDING}", r"(?:began|started|begun) (?:the )?construction", r"(?:is|are|was|were) being (?:built|established|constructed|set up)",
                           r"construction (?:of|work|works)", r"under construction", r"building (?:a|an|the|new)",
                           r"works? (?:is|are) underway", r"(?:has|have) begun", r"constructing", r"building",
                           "بدأت ببناء", "بدأت بإنشاء", "بدأت بتشييد", "بدأ ببناء", "بدأ بإنشاء", "تقوم ببناء", "تقوم بإنشاء",
                           "تعمل على إنشاء", "تعمل على بناء", "بناء", "إنشاء", "تشييد", "قيد الإنشاء", "أعمال بناء"),
    "established": (r"established", r"set up", r"opened(?! fire)", r"built", r"constructed", r"created", r"erected", r"installed",
                    r"completed", r"turned (?:it )?into",
                    r"converted",
                    # Forces back at a site they had left: re-established ("returned to the Tal Baydar base").
                    r"return(?:ed|s)? to(?= (?:the|their|its) )(?! (?:the |their )?(?:northern )?(?:iraq|kurdistan|country|home))",
                    r"re-?(?:established|opened|occupied|entered)", r"redeployed (?:to|in|at|into)",
                    "عادت إلى", "عاد إلى", "عودتها إلى", "عودتهم إلى", "عادت القوات", "عادت قوات", "عاد الجيش", "أنشأت", "أنشأ", "أقامت", "أقام", "افتتحت", "افتتاح", "استحدثت", "استحدث",
                    "شيدت", "بنت", "حولت"),
    # An existing site in use (the corpus rule: attacked, hosting troops, aircraft landing): 'established',
    # but only where no cue of a change (expanded, withdrawn…) is stated (sites.STATUS_OF).
    "in_use": (
                    r"(?:was |were |been |being |came under )?(?:attack(?:ed|s)?|target(?:ed|ing)|shell(?:ed|ing)|struck|hit)(?= (?:at|on|near|the|a|by)\b)",
                    r"came under (?:attack|fire)", r"host(?:s|ed|ing)", r"stationed", r"landed",
                    "استهدف", "استهدفت", "استهداف", "قصف", "هبطت", "هبوط", "تتمركز", "يتمركز", "المتمركزة"),
    "expanded": (r"expand(?:ed|ing|s)?", r"(?:military|logistic(?:al)?) (?:materials?|supplies)", r"expansion", r"enlarg(?:ed|ing)", r"reinforc(?:ed|ing|es)", r"fortif(?:ied|ying)",
                 r"upgrad(?:ed|ing)", r"bolster(?:ed|ing)", r"strengthen(?:ed|ing)", r"extended",
                 "توسيع", "توسعة", "وسعت", "تعزيز", "عززت", "تحصين", "حصنت", "تطوير",
                 # Reinforcements and new equipment brought to a site (the corpus rule: 'expanded').
                 r"reinforcements", r"(?:new |military |logistic(?:al)? )?(?:equipment|hardware)", r"deliver(?:ed|ing|y)",
                 "تعزيزات", "معدات"),
    "withdrawn": (r"withdr[ae]w(?:n)?(?: from)?", r"withdrawing(?: from)?", r"withdrawal(?: from)?", r"pulled out(?: of)?",
                  r"evacuat(?:ed|ing|ion)", r"vacat(?:ed|ing)", r"abandon(?:ed|ing)", r"handed (?:it )?over", r"handing over",
                  r"dismantl(?:ed|ing)", r"closed", r"left the", r"redeployed from",
                  # moving away from a site: "the relocation of the troops from the X base"
                  r"relocat(?:ed|ing|ion|es?)(?= (?:[\w'’-]+ ){0,4}?(?:from|out of)\b)",
                  r"retreat(?:ed|ing|s)?(?: from)?", r"pulled back(?: from)?", r"left (?:their|its|his|her|our)",
                  r"leav(?:e|es|ing)(?= (?:the|their|its|a|an|another|two|three|four|several)\b)",
                  r"hand(?:s|ed|ing)?(?= (?:the|its|their|a|an)\b(?:\W+\w+){0,6}?\W+over\b)", r"hand(?:s|ed|ing)? over", r"hand-?over",
                  "انسحبت", "انسحب", "انسحاب", "أخلت", "أخلى", "إخلاء", "سلمت", "تسليم", "فككت", "تفكيك", "غادرت"),
}
"""Site status -> the verbs and phrases that report it."""


# Convoy cues for summaries, air transport, alternatives, background and asides. The words are
# general English and Arabic news language (how agencies attribute a report, how they sum up
# several movements, how air transport and stationing are said), not phrases of any one corpus.

ALTERNATIVE_CUES: Vocabulary = {
    # "heading either to X or to Y": after the first destination, an alternative is not the route.
    "alternative": (r"or", r"either", r"otherwise", r"possibly", "أو", "او", "إما", "إمّا", "ربما"),
}
"""Words that offer another possible route point; the first one named is kept."""

SITE_ANAPHORS: Vocabulary = {
    # "entered the base", "وصلت إلى القاعدة": a definite site noun with no name of its own names the
    # site the report has just told of.
    "site": (r"the (?:military )?(?:base|air ?base|airport|airfield)", "القاعدة", "المطار",
             # "poured into the area", "وصلت إلى المنطقة": the unnamed area of the site just told of.
             r"the area", "المنطقة"),
}
"""Definite site nouns that, as a convoy's destination, refer back to the site named before."""

CONVOY_DEMONSTRATIVES: Vocabulary = {
    # "this convoy", "these reinforcements", "هذه القافلة", "هذا الرتل": the movement told before.
    "this": (r"this", r"these", r"that", r"those", r"such", "هذه", "هذا", "تلك", "ذلك", "هذان", "هاتان"),
}
"""Demonstratives that, before a convoy word, refer back to a convoy already told."""

AGGREGATE_CUES: Vocabulary = {
    # Summaries of several movements over a period ("sent two convoys recently", "thousands of trucks
    # over the past months", "خلال الأشهر الماضية"): no single movement of their own.
    "plural_convoys": (r"(?:two|three|four|five|six|seven|eight|nine|ten|several|multiple|many|numerous|dozens of|"
                       r"hundreds of|a number of|more|further|successive|consecutive|\d+)(?: (?:such|more|other|new|large|big|military|american|russian|"
                       r"turkish|iranian|coalition|[\w.-]+-led|u\.?s\.?|logistic(?:al|s)?))* (?:convoys|columns|shipments)",
                       r"such convoys", "قافلتين", "قافلتان", "رتلين", "رتلان", "قوافل", "أرتال", "عدة قوافل", "عدة أرتال"),
    "period": (r"(?:over|during|in|within|throughout|for) the (?:past|last|previous) (?:\w+ ){0,2}?(?:hours|days|weeks|months|years)",
               r"in recent (?:days|weeks|months|years)", r"so far this (?:week|month|year)",
               r"since the (?:beginning|start) of", r"over recent (?:days|weeks|months)",
               "خلال الساعات الماضية", "خلال الأيام الماضية", "خلال الأسابيع الماضية", "خلال الأشهر الماضية",
               "خلال الشهور الماضية", "خلال الأشهر القليلة الماضية", "خلال الأيام القليلة الماضية",
               "خلال الأسابيع القليلة الماضية", "خلال الساعات الأربع والعشرين الماضية", "خلال الـ24 ساعة الماضية",
               "منذ بداية العام", "منذ مطلع العام", "خلال العام الجاري", "خلال العام الحالي"),
    "mass": (r"thousands of", r"tens of thousands of", "آلاف", "الآلاف من"),
    # Habits, not one movement: "trucks cross daily from X", "تعبر يومياً".
    "habitual": (r"daily", r"every (?:day|night|week|month)", r"regularly", r"routinely", r"on a (?:daily|regular|weekly) basis",
                 "يوميا", "يومياً", "بشكل يومي", "بشكل دوري", "بشكل منتظم", "كل يوم", "كل أسبوع"),
}
"""A plural convoy word, a period of accumulation, a mass quantity or a habit: the sentence sums up movements."""

AIR_MEANS: Vocabulary = {
    # Aircraft movements are not convoys: "reinforcements flown in by two cargo planes",
    # "airlifted", "عبر طائرتين", "على متن طائرة شحن".
    "air": (r"(?<!accompanied )(?<!escorted )(?<!covered )(?<!protected )(?<!backed )(?<!supported )"
            r"(?:by|via|aboard|on board|on|in|using)(?: [\w-]+){0,2} (?:planes?|aircraft|airplanes?|airliners?|"
            r"helicopters?|flights?|airlifts?)",
            r"airlift(?:ed|ing|s)?", r"air ?bridge", r"by air", r"flown in", r"cargo planes?", r"transport planes?",
            "عبر طائرة", "عبر طائرتين", "عبر طائرات", "بطائرة", "بطائرتين", "بطائرات", "على متن طائرة", "على متن طائرتين",
            "على متن طائرات", "طائرة شحن", "طائرتي شحن", "طائرات شحن", "جسر جوي", "جواً", "جوا"),
}
"""Air transport: a sentence whose reinforcements come by air tells of no convoy."""

MOVERS: Vocabulary = {
    # Who or what moves when a report names no convoy word: "troops withdrew from X towards Y",
    # "mercenaries came from X and entered Y", "brought military vehicles to their bases in X".
    "force": (r"troops", r"forces", r"soldiers", r"mercenaries", r"fighters", r"military police", r"(?:military )?units",
              r"personnel", r"servicemen", "قوات", "القوات", "جنود", "الجنود", "عناصر", "مرتزقة", "الشرطة العسكرية",
              "مقاتلين", "مقاتلون", "وحدات"),
    "patrol": (r"(?:military |joint |armou?red )?patrols?", "دورية", "دوريات"),
}
"""Forces and patrols whose stated movement along a named route counts as a convoy (vehicle patrols are
convoys); their cargo words (:data:`CARGO`) do too."""

BACKGROUND_CUES: Vocabulary = {
    # Earlier movements recalled as background ("had already pulled out of", "comes after … withdrew",
    # "كانت قد انسحبت"): a force's movement told so is not the report's event.
    "background": (r"had", r"already", r"earlier this (?:week|month|year)", r"previously", r"previous", r"comes? after",
                   r"came after", r"since", "كانت قد", "كان قد", "سبق أن", "سبق لها", "بعد أن", "عقب",
                   "منذ"),
}
"""Words that set a force's movement in the past of the report."""

ASIDE_CUES: Vocabulary = {
    # "… entered the airport despite the US armour deployed on the stretch from X to Y": after such a word
    # the sentence describes the surroundings, not the convoy's route.
    "aside": (r"despite", r"in spite of", r"although", r"though", r"amid", r"whereas", "رغم", "برغم", "بالرغم من",
              "على الرغم من", "وسط", "في ظل", "في حين"),
}
"""Concessive and circumstantial words after which places are no route points."""


# ---------------------------------------------------------------- where a site's own phrase puts it
# English and Arabic grammar of facility names and locative phrases (not phrases of any one corpus):
# "the X base", "X's airport", "a base in the city of X", "the base, located 10 km north of X",
# "قاعدة X", "القاعدة الأمريكية في مطار X", "قاعدة عسكرية جديدة بمنطقة X", "bases in X, Y and Z".

SITE_NAME_GAP = re.compile(
    r"\s*(?:['’]s)?\s*[\"'’”]?\s*(?:(?:U\.S\.|US|American|Russian|Turkish|Iranian|French|British|coalition)\s+)?"
    r"(?:(?:military|air|army|naval|main|forward|operating|logistics?|new|old|former|key|"
    r"illegal|strategic|international|civil|civilian|helicopter)\s+)*",
    re.IGNORECASE,
)
"""What may stand between a place and the site word right after it: "X base", "X's airport",
"X military airport", "“X” base" (the site is at X)."""

_LOCATIVE_WORDS = (
    # English: prepositions, articles and determiners, "located/based", distances, bearings, place nouns
    r"in|at|near|of|from|outside|inside|within|close|next|to|on|by|the|a|an|its|their|his|her|this|that|which|"
    r"is|was|are|were|located|situated|based|lying|lies|sits|about|some|around|approximately|nearly|roughly|"
    r"\d+(?:[.,]\d+)?|km|kms|kilomet(?:re|er)s?|miles?|(?:north|south)(?:[- ]?(?:east|west))?(?:ern)?|"
    r"east(?:ern)?|west(?:ern)?|countryside|outskirts|vicinity|area|region|province|governorate|city|town|village|"
    r"district|heart|cent(?:er|re)|edge|suburbs?|towns|cities|villages|provinces|across|throughout|along|areas|regions|"
    # whose the site is, between it and its place: "the bases of the coalition forces in X"
    r"coalition|international|global|forces|troops|army|military|"
    # a passive or relative verb of making the site: "a base was set up near X", "the base they had built in X",
    # "an airport established at the base in X"
    r"established|built|set|up|constructed|opened|erected|installed|being|under|construction|they|it|had|has|have|"
    r"bases?|camps?|"
    # Arabic: prepositions, place nouns, bearings, relative words ("الواقعة في") and nisba adjectives
    # ("القاعدة الأمريكية في", "قاعدة عسكرية جديدة له بمنطقة")
    r"[وفب]?(?:في|قرب|بالقرب|من|عند|منطقة|مدينة|بلدة|قرية|ريف|محافظة|ناحية|حي|شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|"
    r"غربي|محيط|أطراف|داخل|الواقعة|الواقع|التي|الذي|تقع|يقع|له|لها|لهم|جديدة|جديد|مناطق|ل?قوات|ال?تحالف|للتحالف|ال?جيش|للجيش)|ال[\u0621-\u064A]+(?:ية|ي)|"
    r"[\u0621-\u064A]+(?:ية|ي|يا|ياً|يًا)"
)

SITE_LOCATIVE_GAP = re.compile(
    rf"(?=[^.;!?\n]{{0,70}}$)(?:[\s,()\"'‘’“”]|(?<![\w-])(?:{_LOCATIVE_WORDS})(?![\w-]))*"
    r"(?:(?<![\w-])(?:[وفبلك]?ال|لل|[وفبلك]))?",  # an Arabic article or proclitic left outside the place's span
    re.IGNORECASE,
)
"""What may stand between a site word and the place its phrase names after it: "base in X", "the
airbase of X", "a base, located 10 km north of the town of X", "قاعدة في ريف X", "مطار مدينة X"."""

SITE_COORDINATION_GAP = re.compile(
    r"\s*(?:[,،]\s*)?(?:(?:and|or|as well as|including|such as|namely|&|و|أو|و?منها|و?بينها|و?أبرزها)\s*)?"
    r"(?:(?:\w+\s+)?(?:in|at|في)\s+)?(?:the\s+)?[\"'‘’“”]?\s*",
    re.IGNORECASE,
)
"""What joins coordinated places of one plural site word: "bases in X, Y and Z", "قواعد في X وY",
"the X and 'Y' bases", "three bases in X, and four in Y"."""

SITE_COORDINATION_WORD = re.compile(r"[,،&]|(?<![\w-])(?:and|or|as well as|including|such as|namely)(?![\w-])|و|أو", re.IGNORECASE)
"""A coordination gap must hold one of these (two places side by side are not a list)."""

SITE_TRAILING_CONJUNCT = re.compile(r"\s*,?\s*(?:and|as well as)\s+(?:the\s+)?[\"'‘’“”]?", re.IGNORECASE)
"""Between a singular site word named by the place before it and a second site place after it:
"the X base and Y" (both are sites)."""

SITE_CONJUNCT_END = re.compile(
    r"[\"'‘’“”]?\s*(?:$|[.,;:!?()]|(?:in|near|on|at|after|before|during|since|which|where|and)\b)", re.IGNORECASE
)
"""What may follow that second place: the end of the phrase, not a noun it qualifies ("the X base
and Y residents")."""

SITE_PROPER_NAME = re.compile(
    r"(?:(?<![\w'’-])(?:(?:al|el|Al|El|Ad|As|Ash|At|Ar|Az)[-‑])?[A-Z0-9][\w'’‑-]*\s+){0,3}"
    r"(?<![\w'’-])(?:(?:al|el|Al|El)[-‑])?[A-Z0-9][\w'’‑-]*(?=\s*[\"'’”]?\s*(?:\([^()\n]{1,30}\)\s*)?$)"
)
"""A proper name of up to four capitalised words (or a code such as "K-1"), perhaps with another
spelling in brackets ("the X (Y) base"), right before a site
word: the facility's own name ("the Tal Khazna base", "Marj Hilal military base") when the
gazetteer knows no place there."""

SITE_NAME_AFTER = re.compile(
    r"\s+((?:(?:al|el|Al|El|Ad|As|Ash|At|Ar|Az)[-‑])?[A-Z0-9][\w'’‑-]*(?:\s+(?:(?:al|el|Al|El)[-‑])?[A-Z0-9][\w'’‑-]*){0,2})"
)
"""A facility's own name right after a capitalised site word ("Camp X", "Base X", "Air Base 101"):
English military naming puts the site word first."""

SITE_NAME_STOPWORDS = frozenset(
    """the a an this that these those its their his her our new old main former key large small big major
    another other second third first us u.s. american russian turkish iranian iraqi syrian kurdish french british
    israeli coalition international military air army naval joint forward strategic illegal secret nearby
    local regional government regime""".split()
)
"""Words that open a capitalised run before a site word but name no facility ("The US base",
"Another Base", "the Russian base"): demonyms, determiners and site adjectives."""
