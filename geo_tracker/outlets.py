"""Outlets: who said what, and how many independent outlets said it.

A merged event keeps every source; its *corroboration* counts the outlets that
stated it independently. A report whose sentences about the event cite
another outlet of the same event ("…, Russia Today reported", "بحسب المرصد
السوري") is that outlet's account relayed, not a second one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .normalize import fold, is_arabic

if TYPE_CHECKING:
    from .models import Evidence

_OUTLET_FILLER = frozenset("for of the and on in al el news agency".split())


def outlet_key(source: str | None) -> str:
    """A comparable key for an outlet name: its acronym when the name has three or more
    significant words, so "Syrian Observatory for Human Rights" and "SOHR" are one outlet.

    Example:
        >>> outlet_key("Syrian Observatory for Human Rights"), outlet_key("SOHR"), outlet_key(" Asharq Al-Awsat ")
        ('sohr', 'sohr', 'asharq al-awsat')
    """
    name = " ".join((source or "").split()).casefold()
    acronym = _acronym(name)
    return acronym if len(acronym) >= 3 else name


def _acronym(name: str) -> str:
    """First letters of a name's significant words (two or more), lower case; else ''."""
    words = [w for w in name.replace("-", " ").split() if w.casefold() not in _OUTLET_FILLER]
    return "".join(w[0] for w in words).casefold() if len(words) >= 2 else ""


_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:for|of|the|and|al|el)\s+)*[A-Z][\w'’-]*)*")


_ARABIC_NAMES_BY_OUTLET: dict[str, tuple[str, ...]] = {
    "Syrian Observatory for Human Rights": ("المرصد السوري لحقوق الإنسان", "المرصد السوري"),
    "SANA": ("سانا", "الوكالة العربية السورية للأنباء"),
    "RT": ("روسيا اليوم",),
    "Reuters": ("رويترز",),
    "Agence France-Presse": ("فرانس برس",),
    "Hawar News Agency": ("هاوار",),
    "North Press Agency": ("نورث برس",),
    "Enab Baladi": ("عنب بلدي",),
}
"""How Arabic-language reports name some outlets that report on Syria (names as the outlets write
them); keyed by the outlet's English name. Names that are also ordinary words are left out:
الشرق الأوسط is "the Middle East", الجزيرة also the Jazira region, الفرنسية "French"."""


def _arabic_names() -> dict[str, set[str]]:
    """``{outlet key: folded Arabic names}`` from the table above."""
    return {outlet_key(english): {fold(a) for a in arabic} for english, arabic in _ARABIC_NAMES_BY_OUTLET.items()}


ARABIC_NAMES = _arabic_names()


def _outlet_names(source: str) -> set[str]:
    """What a sentence may call an outlet: its name, its acronym, its leading acronym ("RT" of
    "RT Arabic"), and its Arabic names when it is a well-known outlet."""
    name = " ".join(source.split())
    head = name.split()[0] if name else ""
    names = {name.casefold(), outlet_key(name)}
    if len(_acronym(name)) >= 3:  # "AA" of a two-word name would match too many phrases
        names.add(_acronym(name))
    if head.isupper() and 2 <= len(head) <= 5:  # an outlet that calls itself by an acronym: "RT Arabic"
        names.add(head.casefold())
    names |= {arabic for n in list(names) for arabic in ARABIC_NAMES.get(n, ())}
    return {n for n in names if len(n) >= 2}


def cited_names(sentence: str) -> set[str]:
    """The names a sentence could be citing: its capitalised runs and their acronyms.

    Example:
        >>> sorted(cited_names("Russia Today reported that SOHR counted 50 trucks."))
        ['rt', 'russia today', 'sohr']
    """
    out: set[str] = set()
    for run in _NAME_RUN.findall(sentence):
        out.add(run.casefold())
        out.add(_acronym(run))
    return {n for n in out if len(n) >= 2}


def _cites(sentences: str, cited: set[str], names: set[str]) -> bool:
    """Whether ``sentences`` name an outlet: a Latin name as one of their name runs, an Arabic
    one anywhere in the (folded) text."""
    return bool(names & cited) or any(is_arabic(n) and n in sentences for n in names)


def _origin(report: list[Evidence], outlets: dict[str, set[str]]) -> str:
    """The outlet a report's statement comes from: the one any of its sentences cites, if that is
    another outlet of the same event; else the report's own."""
    own = outlet_key(report[0].source) or "report:" + report[0].report_id
    cited = set().union(*(cited_names(ev.sentence) for ev in report))
    folded = fold(" ".join(ev.sentence for ev in report))
    return next((key for key, names in outlets.items() if key != own and _cites(folded, cited, names)), own)


def corroboration(evidence: tuple[Evidence, ...]) -> int:
    """Independent outlets among ``evidence``: a report without an outlet counts on its own, and a
    statement that cites another outlet of the same event ("…, Russia Today reported") counts as
    that outlet's, not as a second source.

    Example:
        >>> from geo_tracker.models import Evidence
        >>> corroboration((Evidence("r1", "s", source="SOHR"), Evidence("r2", "s", source="SOHR"),
        ...                Evidence("r3", "s"), Evidence("r4", "s", source="Syrian Observatory for Human Rights")))
        2
        >>> corroboration((Evidence("r1", "50 trucks entered.", source="RT Arabic"),
        ...                Evidence("r2", "50 trucks entered, Russia Today reported.", source="Syriac Press")))
        1
        >>> corroboration((Evidence("r1", "A convoy entered.", source="SOHR"),
        ...                Evidence("r2", "دخلت قافلة بحسب المرصد السوري لحقوق الإنسان", source="IMLebanon")))
        1
    """
    reports: dict[str, list[Evidence]] = {}
    for ev in evidence:
        reports.setdefault(ev.report_id, []).append(ev)
    if len(reports) < 2:
        return len(reports)  # one report's statement is one outlet's, whatever it cites
    outlets = {outlet_key(ev.source): _outlet_names(ev.source) for ev in evidence if ev.source and outlet_key(ev.source)}
    return len({_origin(report, outlets) for report in reports.values()})
