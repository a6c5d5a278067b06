"""What every renderer returns: the PDF, and a warning when some of its text cannot be printed.

The embedded fonts draw the common and the rare Chinese characters (see ``fonts``), but a name may
still hold one none of them has (CJK Extension C and beyond): it would print as a blank. The
renderer checks the text of the data it was given, once, and the warning travels with the bytes,
so the command line and the screens that save, print or mail a paper only have to show it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping

from counterdesk.documents.pdf.fonts import glyph_warning


class RenderedPdf(bytes):
    """A PDF's bytes, with ``warning``: ``fonts.glyph_warning`` of its text, or None.

    It is ``bytes`` so that everything that writes, prints, mails or reads a PDF takes it as it is.
    """

    warning: str | None

    def __new__(cls, content: bytes, warning: str | None = None) -> RenderedPdf:
        pdf = super().__new__(cls, content)
        pdf.warning = warning
        return pdf


def rendered(content: bytes, *sources: object) -> RenderedPdf:
    """``content`` with the warning for the text of ``sources``: the data objects it was made from."""
    return RenderedPdf(content, glyph_warning(*texts_of(sources)))


def texts_of(value: object) -> Iterator[str]:
    """Every string in ``value``: a string, a dataclass's fields, a sequence's items, a mapping's values."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from texts_of(getattr(value, field.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from texts_of(item)
