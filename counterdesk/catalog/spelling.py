"""Toneless pinyin of catalog texts, for the search index.

pypinyin needs its phrase dictionary to read polyphones right (银行 is yin-hang, 重新 chong-xin),
and that dictionary takes about 55 MB once loaded: more than the rest of a 10,000-matter catalog.
It is needed only while the index is built, so the texts are spelt by a short-lived child process
(this file run by the same Python, JSON on stdin and stdout) and the counter never carries
the dictionary. The child also keeps that second of work off the process drawing the screen. When
the child cannot run, the texts are spelt here instead: slower to give back memory, same result.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_SYLLABLE = re.compile(r"[a-z]+\Z")
CHILD_TIMEOUT_S = 300


class Pinyin:
    """Syllables of texts, cut into words the way pypinyin cuts them (so 银行 stays yin-hang).

    Each word is spelt once: keywords repeat, and the names of a big catalog share words. Letters
    and digits in an (already lowercased) text stay as they are, one syllable per run.
    """

    def __init__(self) -> None:
        from pypinyin import lazy_pinyin
        from pypinyin.seg.simpleseg import seg

        self._lazy_pinyin = lazy_pinyin
        self._seg = seg
        self._words: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
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
        return syllables


def spell_here(texts: list[str]) -> list[str]:
    """The syllables of each text, separated by spaces, spelt in this process."""
    pinyin = Pinyin()
    return [" ".join(pinyin(text)) for text in texts]


def spell(texts: list[str]) -> list[str]:
    """The syllables of each (normalised) text, separated by spaces (``jiu ye kun nan``).

    Spelt in a child process when one can run, else here.
    """
    if not texts:
        return []
    try:
        # This file run as a script: the child needs pypinyin, not the rest of the package (numpy …).
        done = subprocess.run(
            [sys.executable, "-P", str(Path(__file__).resolve())],  # -P: no catalog/ on sys.path
            input=json.dumps(texts, ensure_ascii=False).encode("utf-8"),
            capture_output=True, timeout=CHILD_TIMEOUT_S, check=True,
        )
        spelt = json.loads(done.stdout)
        if isinstance(spelt, list) and len(spelt) == len(texts) and all(isinstance(s, str) for s in spelt):
            return spelt
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    return spell_here(texts)


def main() -> None:
    """The child: a JSON list of texts on stdin, the JSON list of their spellings on stdout."""
    texts = json.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(json.dumps(spell_here(texts), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


if __name__ == "__main__":
    main()
