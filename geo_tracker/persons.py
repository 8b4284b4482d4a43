"""Evidence that a capitalised word is part of a person's name, not a place.

Thousands of small places share their names with people (Lincoln, Baker,
Jackson, Michael). A world-layer match is read as a person when:

* a title stands before it ("Sen. Clinton", "Mayor Baker", "Sgt. Ripley"), from
  :data:`TITLES`;
* a common given name stands before it ("Michael Baker") — the US Census
  given-name lists shipped with the ``names`` package (public-domain data);
* it is itself a common given name followed by a capitalised word
  ("Paris Hilton", "Jordan Peterson");
* a verb of speech follows it ("Ripley said");
* the same document introduced it as part of a person's name before
  ("Gov. Bill Haslam … Haslam").

Example:
    >>> people = PersonNames.of("Mayor Jim Baker visited Lincoln. Baker said the road is open.")
    >>> people.is_person("Mayor Jim Baker visited Lincoln. Baker said the road is open.", 33, 38)
    True
    >>> people.is_person("Mayor Jim Baker visited Lincoln. Baker said the road is open.", 24, 31)
    False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .normalize import KIND_WORDS, fold
from .stopwords import COMMON_WORDS

GIVEN_NAME_MIN_PERCENT = 0.005
"""Given names at least this frequent (percent of the Census sample) count as given names."""

TITLE_ABBREVIATIONS = frozenset(
    "mr mrs ms dr sen rep gov sgt lt gen col capt cpl pvt maj adm cmdr supt insp det atty hon rev pres "
    "sec amb fr prof spc sfc ssgt msgt cmdt brig".split()
)
"""Dotted title abbreviations ("Sen. Clinton"); any other word before a dot ends a sentence."""

VERY_COMMON_GIVEN_PERCENT = 1.0
"""Given names this frequent (percent) read as people before a capitalised word, even when an area
bears the name (the Isle of Man's Michael, Turkmenistan's Mary)."""

SURNAME_MIN_PERCENT = 0.002
"""Surnames at least this frequent count as surnames ("Georgia O'Keeffe" yes, "Georgia Tech" no)."""

MAX_NAME_WORDS = 3
"""Capitalised words after a title or given name read as the rest of the name ("Barack Obama")."""

PLACE_MODIFIERS = frozenset(
    "tech state university college power department senate house assembly legislature governor national "
    "southern northern eastern western central supreme court general public highway police democrats "
    "republicans republican democratic army guard avenue street road river valley lake county city airport "
    "beach bay island islands mountains hospital school schools times post herald".split()
)
"""Words after a place name that make it a modifier ("Georgia Tech", "Jordan River"), not a given name."""

SPEECH_VERBS = frozenset(
    "said says told added explained noted wrote asked replied stated argued recalled testified".split()
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
_WORD = re.compile(r"[A-Z][\w'’-]*\.?")


TITLES = frozenset(
    """president vice senator representative congressman congresswoman governor mayor judge justice
    sheriff deputy officer detective sergeant lieutenant captain colonel major admiral commissioner
    councilman councilwoman councilor alderman chairman chairwoman superintendent principal coach
    pastor reverend bishop rabbi imam sheikh doctor professor mr mrs ms miss minister secretary
    ambassador spokesman spokeswoman attorney prosecutor trooper chief speaker premier chancellor
    dean provost commander corporal private ayatollah cardinal pope""".split()
) | TITLE_ABBREVIATIONS
"""Words that introduce a person in news ("Mayor Baker", "Sheriff Art Forgey"). Written out
rather than taken from a name parser's table, which lists every profession and words such as
"first", "united" and "district" that begin the names of places and institutions."""


def titles() -> frozenset[str]:
    """Folded personal titles (see :data:`TITLES`)."""
    return TITLES


def _census_names(*tables: str, min_percent: float) -> frozenset[str]:
    """Folded names at least ``min_percent`` frequent in the ``names`` package's Census tables."""
    out: set[str] = set()
    try:
        root = resources.files("names")
    except ModuleNotFoundError:  # pragma: no cover - a declared dependency
        return frozenset()
    for table in tables:
        for line in root.joinpath(table).read_text(encoding="ascii", errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 2 and float(parts[1]) >= min_percent:
                out.add(fold(parts[0]))
    return frozenset(out - _MONTHS - COMMON_WORDS)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Folded common given names from the US Census lists of the ``names`` package."""
    return _census_names("dist.male.first", "dist.female.first", min_percent=GIVEN_NAME_MIN_PERCENT)


@lru_cache(maxsize=1)
def very_common_given_names() -> frozenset[str]:
    """Given names so common ("Michael", "Mary") that a person is the likelier reading even
    where a region bears the name."""
    return _census_names("dist.male.first", "dist.female.first", min_percent=VERY_COMMON_GIVEN_PERCENT)


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Folded common surnames from the US Census list of the ``names`` package."""
    return _census_names("dist.all.last", min_percent=SURNAME_MIN_PERCENT)


def _previous_word(text: str, start: int) -> tuple[str, bool]:
    """The word just before ``start`` and whether a dot follows it ("Sen. X")."""
    m = re.search(r"([A-Za-z][\w'’-]*)(\.?)\s+$", text[max(0, start - 40) : start])
    return (m.group(1), bool(m.group(2))) if m else ("", False)


def _next_word(text: str, end: int) -> str:
    m = re.match(r"\s+([\w'’-]+)", text[end : end + 40])
    return m.group(1) if m else ""


@dataclass(frozen=True)
class PersonNames:
    """The name parts a document uses for people (surnames introduced after a title or given name)."""

    introduced: frozenset[str]

    @classmethod
    def of(cls, text: str) -> "PersonNames":
        """Scan ``text`` for "Title/Given-name Capitalised…" runs and keep the words after the trigger.

        Example:
            >>> sorted(PersonNames.of("President Barack Obama met Sen. Jo Ann Ernst.").introduced)
            ['barack', 'ernst', 'obama']
        """
        found: set[str] = set()
        given, title_words = given_names(), titles()
        words = list(_WORD.finditer(text))
        k = 0
        while k < len(words) - 1:
            word = words[k].group(0)
            first = fold(word.rstrip("."))
            # "Sen. Clinton", but not the end of a sentence ("…the President. Egypt").
            trigger = first in TITLE_ABBREVIATIONS if word.endswith(".") else (first in given or first in title_words)
            j = k
            while trigger and j + 1 < len(words) and j - k < MAX_NAME_WORDS:
                gap = text[words[j].end() : words[j + 1].start()]
                if gap != " " or (words[j].group(0).endswith(".") and j > k):
                    break
                found.add(fold(words[j + 1].group(0).rstrip(".")))
                j += 1
            k = max(j, k + 1)
        return cls(frozenset(found - given - _MONTHS))

    def is_person(self, text: str, start: int, end: int, *, well_known: bool = False) -> bool:
        """Whether ``text[start:end]`` reads as (part of) a person's name.

        A ``well_known`` place (a country, a state) followed by a capitalised
        word is a modifier ("Georgia Tech"), not a given name, unless that word
        is a common surname ("Georgia Smith").
        """
        key = fold(text[start:end])
        prev, dotted = _previous_word(text, start)
        before = fold(prev)
        if prev[:1].isupper() and (
            (before in TITLE_ABBREVIATIONS if dotted else before in titles())
            or (not dotted and before in given_names())
        ):
            return True
        nxt = _next_word(text, end)
        if nxt and fold(nxt) in SPEECH_VERBS and not well_known:  # "Georgia says" is the state speaking
            return True
        after = fold(nxt)
        if (
            key in given_names()
            and nxt[:1].isupper()
            and text[end : end + 1] == " "
            and after not in KIND_WORDS
            and after not in PLACE_MODIFIERS
            and (not well_known or after in surnames() or key in very_common_given_names())
        ):
            return True
        return key in self.introduced
