"""Matter search by Chinese text, full pinyin and pinyin initials (就业困难 · jiuye · jykn).

Pinyin is computed once, when the index is built (first search, or ``Catalog.prepare_search``),
never per keystroke. Each searchable field of every matter is joined into one newline-separated
haystack, so a query is a handful of C-level ``str.find`` calls over a few big strings plus Python
work only for the entries that match; that keeps a 10,000-matter catalog instant. The ranking of
recent queries is kept, so retyping or changing a filter costs nothing.

Ranking: a match in the name (or code) always beats matches in keywords, included items and the
summary, which only add to it; within a field an exact match beats a prefix, which beats a match
further in. Pinyin matches must start at a syllable (``an`` does not match inside ``nan``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from counterdesk.domain.matter import Matter

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_SYLLABLE = re.compile(r"[a-z]+\Z")


def normalize(text: str) -> str:
    """Lowercase, full-width folded (ｊｙｋｎ → jykn), runs of whitespace turned into one space."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


class Pinyin:
    """Toneless pinyin of texts.

    Texts are cut into words the way pypinyin itself cuts them (so 银行 stays yin-hang) and each
    word and each text is spelt once: keywords repeat, and names of a big catalog share words.
    """

    def __init__(self) -> None:
        from pypinyin import lazy_pinyin
        from pypinyin.seg.simpleseg import seg

        self._lazy_pinyin = lazy_pinyin
        self._seg = seg
        self._words: dict[str, list[str]] = {}
        self._texts: dict[str, tuple[str, str, frozenset[int]]] = {}

    def __call__(self, text: str) -> tuple[str, str, frozenset[int]]:
        """``(full, initials, syllable start offsets in full)`` of an already normalised text."""
        known = self._texts.get(text)
        if known is None:
            known = self._texts[text] = self._spell(text)
        return known

    def _spell(self, text: str) -> tuple[str, str, frozenset[int]]:
        syllables: list[str] = []
        for word in self._seg(text):
            spelt = self._words.get(word)
            if spelt is None:
                spelt = self._words[word] = [
                    part
                    for chunk in self._lazy_pinyin(word)
                    for part in ([chunk] if _SYLLABLE.match(chunk) else _ASCII_WORD.findall(chunk))
                ]
            syllables.extend(spelt)
        starts, offset = [], 0
        for syllable in syllables:
            starts.append(offset)
            offset += len(syllable)
        return "".join(syllables), "".join(s[0] for s in syllables), frozenset(starts)


SCALE = 1 << 20
"""Scores are multiples of SCALE; the remainder breaks ties (shorter name, then code order)."""
CACHED_QUERIES = 512


@dataclass(frozen=True)
class _Weights:
    exact: int
    prefix: int
    inside: int


class _Field:
    """One haystack: the entries of one kind (names, keyword pinyin …) of every matter.

    Entries of one matter are consecutive, so a matter's best score in this field is kept by
    remembering the last matter seen rather than with a lookup per hit.
    """

    def __init__(self, weights: _Weights, entries: list[tuple[int, str]], bounds: list[frozenset[int]] | None = None):
        self.exact, self.prefix, self.inside = (w * SCALE for w in (weights.exact, weights.prefix, weights.inside))
        self.blob = "\n".join(text for _, text in entries)
        self.owners = [owner for owner, _ in entries]
        self.starts: list[int] = []
        offset = 0
        for _, text in entries:
            self.starts.append(offset)
            offset += len(text) + 1
        self.starts.append(offset)
        self.bounds = bounds

    def scan(self, term: str, totals: dict[int, int], base: list[int]) -> None:
        """Add this field's best score per matching matter to ``totals``."""
        find, starts, owners, bounds = self.blob.find, self.starts, self.owners, self.bounds
        size, last_owner, last_score = len(term), -1, 0
        at = find(term)
        while at != -1:
            entry = bisect_right(starts, at) - 1
            start, following = starts[entry], starts[entry + 1]
            if bounds is not None and at - start not in bounds[entry]:
                at = find(term, at + 1)
                continue
            if at != start:
                score = self.inside
            else:
                score = self.exact if start + size + 1 == following else self.prefix
            owner = owners[entry]
            if owner != last_owner:
                if score:
                    totals[owner] = totals.get(owner, base[owner]) + score
                    last_owner, last_score = owner, score
            elif score > last_score:
                totals[owner] += score - last_score
                last_score = score
            at = find(term, following)


NAME_TEXT = _Weights(1000, 800, 600)
NAME_SPELLING = _Weights(950, 750, 550)
CODE = _Weights(1000, 450, 0)
KEYWORD_ANY = _Weights(300, 200, 150)
ITEM_TEXT = _Weights(100, 100, 100)
SUMMARY_TEXT = _Weights(50, 50, 50)


class MatterIndex:
    """A search index over a fixed sequence of matters; results per query are kept for reuse."""

    def __init__(self, matters: Sequence[Matter]) -> None:
        self.matters = list(matters)
        by_length = sorted(range(len(self.matters)), key=lambda n: len(self.matters[n].name))
        self._base = [0] * len(self.matters)
        for rank, number in enumerate(by_length):
            self._base[number] = -rank
        self._cache: dict[str, tuple[int, ...]] = {}
        pinyin = Pinyin()
        names, codes, keywords, items, summaries = [], [], [], [], []
        spelled: dict[str, list] = {"name_full": [], "name_initials": [], "kw_full": [], "kw_initials": []}
        bounds: dict[str, list[frozenset[int]]] = {"name_full": [], "kw_full": []}
        for number, matter in enumerate(self.matters):
            name = normalize(matter.name)
            names.append((number, name))
            codes.append((number, matter.code.lower()))
            summaries.append((number, normalize(matter.summary)))
            items.extend((number, normalize(item.name)) for item in matter.items)
            for kind, text in [("name", name)] + [("kw", normalize(k)) for k in matter.keywords]:
                if kind == "kw":
                    keywords.append((number, text))
                full, initials, starts = pinyin(text)
                spelled[f"{kind}_full"].append((number, full))
                spelled[f"{kind}_initials"].append((number, initials))
                bounds[f"{kind}_full"].append(starts)
        self._text_fields = [
            _Field(NAME_TEXT, names),
            _Field(CODE, codes),
            _Field(KEYWORD_ANY, keywords),
            _Field(ITEM_TEXT, items),
            _Field(SUMMARY_TEXT, summaries),
        ]
        self._spelling_fields = [  # full spelling, initials, full spelling, initials
            _Field(NAME_SPELLING, spelled["name_full"], bounds["name_full"]),
            _Field(NAME_SPELLING, spelled["name_initials"]),
            _Field(KEYWORD_ANY, spelled["kw_full"], bounds["kw_full"]),
            _Field(KEYWORD_ANY, spelled["kw_initials"]),
        ]

    def search(self, query: str, allowed: Collection[int] | None = None, limit: int | None = None) -> list[Matter]:
        """Matters matching every word of ``query``, best first; ``allowed`` limits by position."""
        ranked = self.ranked(query)
        if allowed is not None:
            ranked = [number for number in ranked if number in allowed]
        return [self.matters[number] for number in ranked[:limit]]

    def ranked(self, query: str) -> tuple[int, ...]:
        """Positions of the matters matching every word of ``query``, best first."""
        key = normalize(query)
        known = self._cache.get(key)
        if known is None:
            if len(self._cache) >= CACHED_QUERIES:
                self._cache.clear()
            known = self._cache[key] = self._rank(key.split())
        return known

    def _spellings(self, term: str) -> list[tuple[_Field, str]]:
        """The pinyin fields to scan for a term, with the term as they spell it (letters only)."""
        spelling = "".join(_ASCII_WORD.findall(term)) if term.isascii() else ""
        if not spelling:
            return []
        if len(spelling) == 1:
            # One letter at a syllable start is exactly an initials match: skip the full spellings.
            return [(field, spelling) for field in self._spelling_fields[1::2]]
        return [(field, spelling) for field in self._spelling_fields]

    def _rank(self, terms: list[str]) -> tuple[int, ...]:
        totals: dict[int, int] | None = None
        for term in terms:
            found: dict[int, int] = {}
            for field in self._text_fields:
                field.scan(term, found, self._base)
            for field, spelling in self._spellings(term):
                field.scan(spelling, found, self._base)
            totals = found if totals is None else {n: s + found[n] for n, s in totals.items() if n in found}
            if not totals:
                return ()
        if totals is None:
            return tuple(range(len(self.matters)))
        return tuple(sorted(totals, key=totals.__getitem__, reverse=True))
