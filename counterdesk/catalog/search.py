"""Matter search by Chinese text, full pinyin and pinyin initials (就业困难 · jiuye · jykn).

Pinyin is computed once, when the index is built (first search, or ``Catalog.prepare_search``),
never per keystroke, and by a child process (see ``spelling``). Each searchable field of every
matter is joined into one newline-separated haystack. A query splits each haystack at the term (one
C-level call), and the positions found are turned into scores per matter with numpy: no Python
work per match, so even ``y`` against 10,000 matters (9,000 of them match) stays within a few
milliseconds. The ranking of recent queries is kept, so retyping or changing a filter costs nothing.

Ranking: a match in the name (or code) always beats matches in the aliases (other names citizens
and the portal use), which beat keywords, included items and the summary; those only add to it.
Within a field an exact match beats a prefix, which beats a match further in. Pinyin matches must
start at a syllable (``an`` does not match inside ``nan``).

Citizens do not say it the catalog's way, so a word that matches nothing at all gets a second
reading (only then: a word that matches costs nothing more):

- Chinese out of order (困难就业, 人员就业困难): the word is cut, from the left, into the longest
  pieces that occur in some text of the catalog, and every piece must match; the pieces' scores add.
- Pinyin with one slip (kaifandain, jiuyekunan): five letters or more may be one letter off
  (replaced, left out, one too many, two neighbours swapped) from a spelling that starts at a
  syllable. By the pigeonhole principle one half of the word is intact, so exact searches for the
  halves find the candidates and numpy checks them all at once.

When the query as a whole finds nothing, ``suggest`` gives the nearest matters (您是不是要找): those
sharing the most two-character pieces (or pinyin halves) with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from counterdesk.catalog.spelling import spell
from counterdesk.domain.matter import MatterEntry

_ASCII_WORD = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase, full-width folded (ｊｙｋｎ → jykn), runs of whitespace turned into one space."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


SCORE_DTYPE = np.int32
CACHED_QUERIES = 128
NEAR_MIN = 5
"""Shortest spelling that may be one letter off: shorter ones would find near everything."""
NEAR_MAX = 40
"""Longest: no matter's spelling is near a longer word, and the haystack is padded for this many."""


@dataclass(frozen=True)
class _Weights:
    exact: int
    prefix: int
    inside: int


class _Field:
    """One haystack: the distinct texts of one kind (names, keyword pinyin …) of every matter.

    Each distinct text is stored once with the matters that have it (keywords repeat a lot). With
    ``syllables`` (full pinyin), a match must start where a syllable starts; ``prefix_only`` fields
    (codes) match only from the start of a text.
    """

    def __init__(self, weights: _Weights, entries: Iterable[tuple[int, str]],
                 syllables: Iterable[Sequence[int]] | None = None, *, prefix_only: bool = False):
        self.weights = np.array([weights.inside, weights.prefix, weights.exact], dtype=SCORE_DTYPE)
        self.prefix_only = prefix_only
        owners_of: dict[str, list[int]] = {}
        offsets_of: dict[str, Sequence[int]] = {}
        for (owner, text), offsets in zip(entries, syllables if syllables is not None else repeat(()), strict=False):
            owners_of.setdefault(text, []).append(owner)
            offsets_of[text] = offsets
        starts = np.fromiter((len(text) + 1 for text in owners_of), dtype=np.int64, count=len(owners_of))
        # A leading newline lets a prefix-only field find "\n" + term; text positions shift by one.
        self.starts = np.concatenate(([1], 1 + np.cumsum(starts)))
        self.blob = "\n" + "\n".join(owners_of)
        self.chars = frozenset(self.blob)
        counts = np.fromiter(map(len, owners_of.values()), dtype=np.int64, count=len(owners_of))
        self.first_owner = np.concatenate(([0], np.cumsum(counts)))
        """Text i belongs to the matters ``owners[first_owner[i]:first_owner[i + 1]]``."""
        self.owners = np.fromiter((owner for group in owners_of.values() for owner in group), dtype=np.int32,
                                  count=int(counts.sum()))
        self.marks = None
        """With ``syllables``: 1 where a syllable starts, for matches that must start at one."""
        self.letters = None
        """With ``syllables``: the (ASCII) haystack as bytes, for checking near matches with numpy, with
        zeros after it so that a match checked at the very end reads no further than the array."""
        if syllables is not None:
            marks = np.zeros(len(self.blob) + 1, dtype=np.uint8)
            for start, text in zip(self.starts.tolist(), owners_of, strict=False):  # starts has one more, the end
                marks[[start + at for at in offsets_of[text]]] = 1
            self.marks = marks
            self.letters = np.frombuffer(self.blob.encode("ascii", "replace") + bytes(NEAR_MAX + 2), dtype=np.uint8)

    def positions(self, term: str) -> np.ndarray:
        """Where ``term`` occurs in the haystack.

        One C-level split finds the occurrences that do not overlap. That is every one that counts,
        except in a field of syllables with a term that can overlap itself (``yy``, ``anan``): the
        one skipped might be the one starting at a syllable, so those are looked for one by one.
        """
        needle = "\n" + term if self.prefix_only else term
        if not self.chars.issuperset(needle):
            return np.empty(0, dtype=np.int64)
        if self.marks is not None and _overlaps_itself(term):
            found, at = [], self.blob.find(term)
            while at != -1:
                found.append(at)
                at = self.blob.find(term, at + 1)
            return np.array(found, dtype=np.int64)
        pieces = self.blob.split(needle)
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))[:-1]
        starts = np.cumsum(lengths + len(needle)) - len(needle)
        return starts + 1 if self.prefix_only else starts

    def scores(self, term: str, best: np.ndarray) -> None:
        """Raise ``best`` (one score per matter) to this field's best score for ``term``."""
        at = self.positions(term)
        if self.marks is not None and at.size:
            at = at[self.marks[at] == 1]
        if not at.size:
            return
        text = np.searchsorted(self.starts, at, side="right") - 1
        start = self.starts[text]
        level = (at == start).astype(np.int8)
        level += level & (self.starts[text + 1] - 1 - start == len(term))
        self._credit(text, self.weights[level], best)

    def near_scores(self, term: str, best: np.ndarray) -> None:
        """Raise ``best`` to this field's best score for a spelling one slip away from ``term``.

        A match starts at a syllable and is a piece of one text that ``term`` turns into with one
        letter replaced, left out, added, or two neighbours swapped. Only for spelling fields and
        terms of ``NEAR_MIN`` to ``NEAR_MAX`` letters.
        """
        marks, padded = self.marks, self.letters
        assert marks is not None and padded is not None  # only spelling fields look for near matches
        size, half = len(term), len(term) // 2
        left, right = term[:half], term[half + 1:]
        # One slip touches at most two neighbouring letters, so ``left`` or ``right`` is intact.
        after_left = self.positions(left)
        shifted = (self.positions(right)[:, None] - (half + 1) + np.array([-1, 0, 1])).ravel()
        starts = np.concatenate((after_left, shifted[shifted >= 1]))
        starts = np.unique(starts[marks[starts] == 1])
        if not starts.size:
            return
        wanted = np.frombuffer(term.encode("ascii"), dtype=np.uint8)
        grid = starts[:, None] + np.arange(size)
        same = padded[grid] == wanted             # letter j in place
        early = padded[grid + 1] == wanted        # letter j one further: the text has one more letter
        late = padded[grid - 1] == wanted         # letter j one back: the term has one letter too many
        rows = np.arange(starts.size)
        head = np.where(same.all(axis=1), size, same.argmin(axis=1))  # letters equal before the slip
        same_after, early_after, late_after = _all_from(same), _all_from(early), _all_from(late)
        swapped = ((head <= size - 2)
                   & (padded[starts + np.minimum(head + 1, size)] == wanted[np.minimum(head, size - 1)])
                   & (padded[starts + head] == wanted[np.minimum(head + 1, size - 1)])
                   & same_after[rows, np.minimum(head + 2, size)])
        text = np.searchsorted(self.starts, starts, side="right") - 1
        text_start, room = self.starts[text], self.starts[text + 1] - 1 - starts
        level = np.full(starts.size, -1, dtype=np.int64)
        for ok, used in ((same_after[rows, np.minimum(head + 1, size)] | swapped, size),
                         (early_after[rows, head], size + 1),
                         (late_after[rows, np.minimum(head, size - 1) + 1], size - 1)):
            ok = ok & (used <= room) & (used > 0)
            kind = (starts == text_start).astype(np.int64) + ((starts == text_start) & (used == room))
            level = np.where(ok, np.maximum(level, kind), level)
        found = level >= 0
        self._credit(text[found], self.weights[level[found]], best)

    def _credit(self, text: np.ndarray, score: np.ndarray, best: np.ndarray) -> None:
        """Raise ``best`` of every matter having one of the texts found to that text's score."""
        keep = score > 0
        text, score = text[keep], score[keep]
        first, count = self.first_owner[text], self.first_owner[text + 1] - self.first_owner[text]
        ends = np.cumsum(count)
        owner_at = np.arange(ends[-1] if ends.size else 0) + np.repeat(first - (ends - count), count)
        np.maximum.at(best, self.owners[owner_at], np.repeat(score, count))

    def has(self, piece: str) -> bool:
        """Whether some text of this field contains ``piece`` (which holds no newline)."""
        return self.chars.issuperset(piece) and piece in self.blob


def _all_from(equal: np.ndarray) -> np.ndarray:
    """``[row, k]``: whether ``equal[row, k:]`` is all true (one extra column: the empty rest)."""
    rows = equal.shape[0]
    tail = np.flip(np.cumprod(np.flip(equal, axis=1), axis=1), axis=1).astype(bool)
    return np.concatenate((tail, np.ones((rows, 1), dtype=bool)), axis=1)


def _overlaps_itself(term: str) -> bool:
    """Whether two occurrences of ``term`` can overlap (some proper prefix is also a suffix)."""
    return any(term[:size] == term[-size:] for size in range(1, len(term)))


NAME_TEXT = _Weights(1000, 800, 600)
NAME_SPELLING = _Weights(950, 750, 550)
CODE = _Weights(1000, 450, 0)
ALIAS_TEXT = _Weights(900, 500, 350)
ALIAS_SPELLING = _Weights(850, 450, 300)
KEYWORD_ANY = _Weights(300, 200, 150)
ITEM_TEXT = _Weights(100, 100, 100)
SUMMARY_TEXT = _Weights(50, 50, 50)
SUGGESTED = 5
"""How many nearest matters ``suggest`` gives."""


class MatterIndex:
    """A search index over a fixed sequence of matters; results per query are kept for reuse."""

    def __init__(self, matters: Sequence[MatterEntry]) -> None:
        self.matters = list(matters)
        by_length = sorted(range(len(self.matters)), key=lambda n: len(self.matters[n].name))
        self._tiebreak = np.empty(len(self.matters), dtype=np.int32)
        self._tiebreak[by_length] = np.arange(len(self.matters), dtype=np.int32)
        self._cache: dict[str, np.ndarray] = {}
        names: list[tuple[int, str]] = []
        codes: list[tuple[int, str]] = []
        aliases: list[tuple[int, str]] = []
        keywords: list[tuple[int, str]] = []
        items: list[tuple[int, str]] = []
        summaries: list[tuple[int, str]] = []
        for number, matter in enumerate(self.matters):
            names.append((number, normalize(matter.name)))
            codes.append((number, matter.code.lower()))
            summaries.append((number, normalize(matter.summary)))
            aliases.extend((number, normalize(alias)) for alias in matter.aliases)
            items.extend((number, normalize(name)) for name in matter.item_names)
            keywords.extend((number, normalize(keyword)) for keyword in matter.keywords)
        self._text_fields = [
            _Field(NAME_TEXT, names),
            _Field(CODE, codes, prefix_only=True),
            _Field(ALIAS_TEXT, aliases),
            _Field(KEYWORD_ANY, keywords),
            _Field(ITEM_TEXT, items),
            _Field(SUMMARY_TEXT, summaries),
        ]
        self._wording_fields = [self._text_fields[0], *self._text_fields[2:]]
        """The fields of Chinese text a word out of order is cut against (all but the codes)."""
        unique = list(dict.fromkeys(text for _, text in names + aliases + keywords))
        spelt = dict(zip(unique, spell(unique), strict=True))
        self._spelling_fields = [  # full spelling, initials, … for names, aliases, keywords
            *_spelt(NAME_SPELLING, names, spelt),
            *_spelt(ALIAS_SPELLING, aliases, spelt),
            *_spelt(KEYWORD_ANY, keywords, spelt),
        ]

    def search(self, query: str, allowed: np.ndarray | None = None, limit: int | None = None) -> list[MatterEntry]:
        """Matters matching every word of ``query``, best first; ``allowed`` is a mask by position."""
        ranked = self.ranked(query)
        if allowed is not None:
            ranked = ranked[allowed[ranked]]
        return [self.matters[number] for number in ranked[:limit].tolist()]

    def ranked(self, query: str) -> np.ndarray:
        """Positions of the matters matching every word of ``query``, best first."""
        key = normalize(query)
        known = self._cache.get(key)
        if known is None:
            if len(self._cache) >= CACHED_QUERIES:
                self._cache.clear()
            known = self._cache[key] = self._rank(key.split())
        return known

    def suggest(self, query: str, allowed: np.ndarray | None = None, limit: int = SUGGESTED) -> list[MatterEntry]:
        """The matters nearest to a query that found nothing (您是不是要找), best first.

        A matter scores for every two-character piece of a Chinese word (or half of a pinyin
        word) found in its name, aliases or keywords; the pieces need not all be there.
        """
        total = np.zeros(len(self.matters), dtype=np.int64)
        for term in normalize(query).split():
            spelling = "".join(_ASCII_WORD.findall(term)) if term.isascii() else ""
            if spelling:
                half = len(spelling) // 2
                pieces = [spelling[:half], spelling[half:]] if len(spelling) >= 4 else [spelling]
                fields = self._spelling_fields[::2] if len(spelling) >= 4 else self._spelling_fields
            else:
                pieces = [term[at:at + 2] for at in range(len(term) - 1)] or [term]
                fields = [self._text_fields[0], self._text_fields[2], self._text_fields[3]]
            for piece in dict.fromkeys(pieces):
                for field in fields:
                    best = np.zeros(len(self.matters), dtype=SCORE_DTYPE)
                    field.scores(piece, best)
                    total += best
        if allowed is not None:
            total[~allowed] = 0
        numbers = np.flatnonzero(total > 0)
        order = np.lexsort((self._tiebreak[numbers], -total[numbers]))
        return [self.matters[number] for number in numbers[order][:limit].tolist()]

    def _spellings(self, term: str) -> list[tuple[_Field, str]]:
        """The pinyin fields to scan for a term, with the term as they spell it (letters only)."""
        spelling = "".join(_ASCII_WORD.findall(term)) if term.isascii() else ""
        if not spelling:
            return []
        if len(spelling) == 1:
            # One letter at a syllable start is exactly an initials match: skip the full spellings.
            return [(field, spelling) for field in self._spelling_fields[1::2]]
        return [(field, spelling) for field in self._spelling_fields]

    def _exact(self, term: str) -> np.ndarray:
        """Each matter's score for ``term`` as typed (0: no match)."""
        found = np.zeros(len(self.matters), dtype=np.int64)
        for field in self._text_fields:
            best = np.zeros(len(self.matters), dtype=SCORE_DTYPE)
            field.scores(term, best)
            found += best
        for field, spelling in self._spellings(term):
            best = np.zeros(len(self.matters), dtype=SCORE_DTYPE)
            field.scores(spelling, best)
            found += best
        return found

    def _term(self, term: str) -> np.ndarray:
        """Each matter's score for one word of the query, read again when it matches nothing at all."""
        found = self._exact(term)
        if found.any():
            return found
        if not term.isascii():
            return self._out_of_order(term)
        spelling = "".join(_ASCII_WORD.findall(term))
        if NEAR_MIN <= len(spelling) <= NEAR_MAX:
            for field in self._spelling_fields[::2]:
                best = np.zeros(len(self.matters), dtype=SCORE_DTYPE)
                field.near_scores(spelling, best)
                found += best
        return found

    def _out_of_order(self, term: str) -> np.ndarray:
        """The word cut into the longest pieces found in the catalog's texts; every piece must match."""
        total = np.zeros(len(self.matters), dtype=np.int64)
        matched = np.ones(len(self.matters), dtype=bool)
        for piece in self._pieces(term):
            found = self._exact(piece)
            matched &= found > 0
            total += found
        return np.where(matched, total, 0)

    def _pieces(self, term: str) -> list[str]:
        """Greedy from the left; empty when some character occurs nowhere. A piece that occurs
        nowhere cannot grow into one that does, so each piece costs one look per extra character."""
        pieces, at = [], 0
        while at < len(term):
            end = at
            while end < len(term) and any(field.has(term[at:end + 1]) for field in self._wording_fields):
                end += 1
            if end == at:
                return []
            pieces.append(term[at:end])
            at = end
        return pieces

    def _rank(self, terms: list[str]) -> np.ndarray:
        if not terms:
            return np.arange(len(self.matters), dtype=np.int32)
        total = np.zeros(len(self.matters), dtype=np.int64)
        matched = np.ones(len(self.matters), dtype=bool)
        for term in terms:
            found = self._term(term)
            matched &= found > 0
            total += found
        numbers = np.flatnonzero(matched)
        order = np.lexsort((self._tiebreak[numbers], -total[numbers]))
        return numbers[order].astype(np.int32)


def _spelt(weights: _Weights, entries: list[tuple[int, str]], spelt: dict[str, str]) -> tuple[_Field, _Field]:
    """The full-spelling and the initials fields of these texts, given their space-separated syllables."""
    full = _Field(weights, ((owner, spelt[text].replace(" ", "")) for owner, text in entries),
                  (_syllable_starts(spelt[text]) for _, text in entries))
    initials = _Field(weights, ((owner, "".join(s[0] for s in spelt[text].split())) for owner, text in entries))
    return full, initials


def _syllable_starts(syllables: str) -> list[int]:
    """Offsets of the syllables once the spaces between them are dropped."""
    starts, offset = [], 0
    for syllable in syllables.split():
        starts.append(offset)
        offset += len(syllable)
    return starts
