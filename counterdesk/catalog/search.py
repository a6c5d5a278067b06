"""Matter search by Chinese text, full pinyin and pinyin initials (就业困难 · jiuye · jykn).

Pinyin is computed once, when the index is built, never per keystroke. Each searchable field of
every matter is joined into one newline-separated haystack, so a query is a handful of C-level
``str.find`` calls over a few big strings plus Python work only for the entries that match; that
keeps a 10,000-matter catalog instant.

Ranking: a match in the name (or code) always beats matches in keywords, included items and the
summary, which only add to it; within a field an exact match beats a prefix, which beats a match
further in. Pinyin matches must start at a syllable (``an`` does not match inside ``nan``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from counterdesk.domain.matter import Matter

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_SYLLABLE = re.compile(r"[a-z]+\Z")
NAME, KEYWORD, ITEM, SUMMARY = range(4)


def normalize(text: str) -> str:
    """Lowercase, full-width folded (ｊｙｋｎ → jykn), runs of whitespace turned into one space."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


class Pinyin:
    """Toneless pinyin of texts, memoised because keywords and items repeat across matters."""

    def __init__(self) -> None:
        from pypinyin import lazy_pinyin

        self._lazy_pinyin = lazy_pinyin
        self._memo: dict[str, tuple[str, str, frozenset[int]]] = {}

    def __call__(self, text: str) -> tuple[str, str, frozenset[int]]:
        """``(full, initials, syllable start offsets in full)`` of an already normalised text."""
        known = self._memo.get(text)
        if known is None:
            syllables: list[str] = []
            for chunk in self._lazy_pinyin(text):
                syllables.extend([chunk] if _SYLLABLE.match(chunk) else _ASCII_WORD.findall(chunk))
            starts, offset = [], 0
            for syllable in syllables:
                starts.append(offset)
                offset += len(syllable)
            known = ("".join(syllables), "".join(s[0] for s in syllables), frozenset(starts))
            self._memo[text] = known
        return known


@dataclass(frozen=True)
class _Weights:
    group: int
    exact: int
    prefix: int
    inside: int


class _Field:
    """One haystack: the entries of one kind (names, keyword pinyin …) of every matter."""

    def __init__(self, weights: _Weights, entries: list[tuple[int, str]], bounds: list[frozenset[int]] | None = None):
        self.weights = weights
        self.blob = "\n".join(text for _, text in entries)
        self.owners = [owner for owner, _ in entries]
        self.starts: list[int] = []
        offset = 0
        for _, text in entries:
            self.starts.append(offset)
            offset += len(text) + 1
        self.starts.append(offset)
        self.bounds = bounds

    def scan(self, term: str, found: dict[int, list[int]]) -> None:
        """Add this field's best score per matching matter into ``found[owner]``."""
        find, starts, owners, bounds, w = self.blob.find, self.starts, self.owners, self.bounds, self.weights
        size = len(term)
        at = find(term)
        while at != -1:
            entry = bisect_right(starts, at) - 1
            start, end = starts[entry], starts[entry + 1] - 1
            offset = at - start
            if bounds is not None and offset not in bounds[entry]:
                at = find(term, at + 1)
                continue
            if offset == 0:
                score = w.exact if size == end - start else w.prefix
            else:
                score = w.inside
            row = found.get(owners[entry])
            if row is None:
                row = found[owners[entry]] = [0, 0, 0, 0, 1 << 30]
            if score > row[w.group]:
                row[w.group] = score
            if w.group == NAME and offset < row[4]:
                row[4] = offset
            at = find(term, end)


NAME_TEXT = _Weights(NAME, 1000, 800, 600)
NAME_SPELLING = _Weights(NAME, 950, 750, 550)
CODE = _Weights(NAME, 1000, 450, 0)
KEYWORD_ANY = _Weights(KEYWORD, 300, 200, 150)
ITEM_TEXT = _Weights(ITEM, 100, 100, 100)
SUMMARY_TEXT = _Weights(SUMMARY, 50, 50, 50)


class MatterIndex:
    """A search index over a fixed sequence of matters."""

    def __init__(self, matters: Sequence[Matter]) -> None:
        self.matters = list(matters)
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
        self._spelling_fields = [
            _Field(NAME_SPELLING, spelled["name_full"], bounds["name_full"]),
            _Field(NAME_SPELLING, spelled["name_initials"]),
            _Field(KEYWORD_ANY, spelled["kw_full"], bounds["kw_full"]),
            _Field(KEYWORD_ANY, spelled["kw_initials"]),
        ]

    def search(
        self, query: str, accept: Callable[[Matter], bool] | None = None, limit: int | None = None
    ) -> list[Matter]:
        """Matters matching every word of ``query`` and ``accept``, best first."""
        totals: dict[int, list[int]] | None = None
        for term in normalize(query).split():
            found: dict[int, list[int]] = {}
            for field in self._text_fields:
                field.scan(term, found)
            spelling = "".join(_ASCII_WORD.findall(term)) if term.isascii() else ""
            if spelling:
                for field in self._spelling_fields:
                    field.scan(spelling, found)
            totals = found if totals is None else _merge(totals, found)
            if not totals:
                return []
        if totals is None:
            return [m for m in self.matters if accept is None or accept(m)][:limit]
        ranked = sorted(
            (-sum(row[:4]), row[4], len(self.matters[number].name), number)
            for number, row in totals.items()
            if accept is None or accept(self.matters[number])
        )
        return [self.matters[row[3]] for row in ranked[:limit]]


def _merge(totals: dict[int, list[int]], found: dict[int, list[int]]) -> dict[int, list[int]]:
    merged = {}
    for number, row in totals.items():
        other = found.get(number)
        if other is not None:
            merged[number] = [a + b for a, b in zip(row[:4], other[:4], strict=True)] + [min(row[4], other[4])]
    return merged


def matches_filters(
    matter: Matter,
    audience: str | None,
    theme: str | None,
    type_: str | None,
    counties: Collection[str] | None,
) -> bool:
    """Whether a matter passes the picker's tab, theme, type and region filters."""
    return (
        (audience is None or matter.audience == audience)
        and (theme is None or matter.theme == theme)
        and (type_ is None or matter.type == type_)
        and (counties is None or matter.counties is None or not matter.counties.isdisjoint(counties))
    )
