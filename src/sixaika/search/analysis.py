"""Words to index terms, per language: Finnish lemmas (Voikko) or stems (Snowball).

Finnish inflects: "kaupungin" is a form of "kaupunki", "hankkeet" of "hanke". Voikko, a
morphological analyser, gives each word's base forms. Where its library or Finnish
dictionary is not installed, Snowball's Finnish stemmer (PyStemmer) stands in: it cuts
endings ("hankkeet" and "hanke" both become "hank") but does not undo consonant gradation
("kaupungin" -> "kaupung", "kaupunki" -> "kaupunk"). English and Swedish are stemmed with
Snowball in either case. ``analyser().name`` says which is in use.

>>> a = Analyser(finnish=None)
>>> a.name
'snowball'
>>> a.terms("Hankkeet ja hanke", "fi")
['hank', 'ja', 'hank']
>>> a.words("EU:n 6Aika-hankkeet")
['EU:n', '6Aika', 'hankkeet']
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache

import Stemmer

log = logging.getLogger(__name__)

LANGUAGES = ("fi", "en", "sv")
_SNOWBALL = {"fi": "finnish", "en": "english", "sv": "swedish"}
# Letters and digits, with an inner colon or apostrophe (EU:n, don't) kept in the word.
WORD = re.compile(r"\w+(?:[:'’]\w+)*")

Lemmatise = Callable[[str], list[str]]


class Analyser:
    """Turns text into index terms: lower-cased lemmas or stems, one list per word."""

    def __init__(self, finnish: Lemmatise | None):
        self.name = "voikko" if finnish else "snowball"
        self._finnish = finnish
        self._stemmers = {lang: Stemmer.Stemmer(_SNOWBALL[lang]) for lang in LANGUAGES}
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}

    @staticmethod
    def words(text: str) -> list[str]:
        return WORD.findall(text)

    def forms(self, word: str, lang: str) -> tuple[str, ...]:
        """The index terms one word stands for in ``lang`` (several when it is ambiguous)."""
        key = (word, lang)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._forms(word.lower(), lang)
        return found

    def _forms(self, word: str, lang: str) -> tuple[str, ...]:
        if word.isdigit():
            return (word,)
        if lang == "fi" and self._finnish:
            lemmas = [lemma.lower() for lemma in self._finnish(word)]
            return tuple(dict.fromkeys(lemmas)) or (word,)  # unknown to Voikko: as written
        stemmer = self._stemmers.get(lang)
        return (stemmer.stemWord(word),) if stemmer else (word,)

    def terms(self, text: str, lang: str) -> list[str]:
        """Every term of ``text`` in order (an ambiguous word gives each of its lemmas)."""
        return [term for word in self.words(text) for term in self.forms(word, lang)]

    def query_forms(self, word: str) -> set[str]:
        """What a searched word may stand for, in whichever language it was written."""
        return {term for lang in LANGUAGES for term in self.forms(word, lang)}


def voikko() -> Lemmatise | None:
    """Voikko's Finnish lemmatiser, or None when its library or dictionary is missing."""
    try:
        import libvoikko
    except ImportError:
        return None
    try:
        engine = libvoikko.Voikko("fi")
    except (OSError, libvoikko.VoikkoException):  # no libvoikko1, or no Finnish dictionary
        return None

    def lemmas(word: str) -> list[str]:
        found = []
        for analysis in engine.analyze(word):
            found.append(analysis.get("BASEFORM", word))
            found.extend(compound_parts(analysis.get("WORDBASES", "")))
        return found

    return lemmas


def compound_parts(wordbases: str) -> list[str]:
    """The base forms of a compound's parts, so that "liikenne" finds "kaupunkiliikenne".

    Voikko writes them as ``+kaupunki(kaupunki)+liikenne(liikenne)``; a derivation's
    suffix is ``+ys(+ys)``, and a word with one part besides suffixes is no compound.

    >>> compound_parts("+kuutos(kuutonen)+kaupunki(kaupunki)")
    ['kuutonen', 'kaupunki']
    >>> compound_parts("+yrit(yrittää)+ys(+ys)")
    []
    """
    parts = [p for p in re.findall(r"\(([^)]*)\)", wordbases) if p and not p.startswith("+")]
    return parts if len(parts) > 1 else []


@cache
def analyser(prefer_voikko: bool = True) -> Analyser:
    """The analyser of this process: Voikko for Finnish where installed, else Snowball."""
    chosen = Analyser(voikko() if prefer_voikko else None)
    if chosen.name == "snowball":
        log.warning("Voikko is not installed: Finnish words are stemmed with Snowball")
    else:
        log.info("Finnish words are lemmatised with Voikko")
    return chosen
