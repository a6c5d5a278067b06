"""The papers the counter hands out, built from the catalog and the database: one place that turns
stored facts into the plain inputs of the PDF renderers (``documents/pdf/models.py``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from sqlmodel import Session

from counterdesk.documents.pdf.models import CardData, CardMaterial
from counterdesk.domain import guidance
from counterdesk.domain.clock import now
from counterdesk.domain.errors import InvalidInput
from counterdesk.services.hall import DEFAULT_HALL_NAME, Hall

_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def card_for(session: Session, *, catalog, hall: Hall | None, matter_code: str, county_code: str,
             answers: Mapping[str, str]) -> CardData:
    """The 明白卡 of a matter handled in a county, for a complete set of situation answers.

    ``session`` is taken like every service's, so a later card may add stored facts (the hall's
    address, opening hours) without changing its callers.
    """
    matter = catalog.matter(matter_code)
    county = catalog.county(county_code)
    if not matter.handled_in(county.code):
        raise InvalidInput(f"“{matter.name}”不在{county.name}办理，请另选办理地点。",
                           code="county_not_handled", field="county")
    guidance.validate_answers(matter, answers, complete=True)
    result = guidance.guide(matter, answers)
    situation = [(q.text, q.option(result.answers[q.id]).text) for q in result.questions]
    materials = [CardMaterial(name=m.name, kind=m.kind, copies=m.copies, required=m.required, note=m.note)
                 for m in result.materials]
    return CardData(
        hall_name=hall.name if hall is not None else DEFAULT_HALL_NAME,
        matter_name=matter.name,
        matter_code=matter.code,
        audience_label=matter.audience_label,
        county_name=county.name,
        county_code=county.code,
        city_name=catalog.city_of(county.code).name,
        situation=situation,
        materials=materials,
        process=list(matter.process),
        conditions=list(matter.conditions),
        time_limit_days=matter.time_limit_days,
        fee=matter.fee,
        phone=matter.phone,
        generated_at=now(),
    )


def card_file_name(card: CardData) -> str:
    """A file name a clerk recognises in a folder: 明白卡-<matter>-<county>-<time>.pdf."""
    name = _UNSAFE_IN_FILE_NAME.sub("_", card.matter_name)[:40]
    return f"明白卡-{name}-{card.county_name}-{card.generated_at:%Y%m%d-%H%M%S}.pdf"


def write_pdf(data: bytes, path: Path) -> Path:
    """Write a PDF so that a reader never sees half a file (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
    return path


def save_card(card: CardData, directory: Path) -> Path:
    """Render the 明白卡 and save it in ``directory`` (the hall's output folder); returns the file."""
    from counterdesk.documents.pdf.card import render_card

    return write_pdf(render_card(card), directory / card_file_name(card))
