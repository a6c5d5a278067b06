"""Reading batch files: strict decoding, every line accounted for, CSV and JSON Lines alike."""

from __future__ import annotations

import csv
import io
import json
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterdesk.domain.errors import InvalidInput
from counterdesk.services.batchfile import MAX_LINE_BYTES, MAX_RECORD_LINES, BatchReader, RejectsWriter, check_encoding
from counterdesk.services.batchrows import check_columns, flatten, normalise, unflatten

ROW = {"ref": "r-1", "matter": "ZC-JYKN-001", "county": "430626", "applicant": {"name": "张三"}}
tmp_files = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60, deadline=None)


def rows_of(path, fmt=None):
    return list(BatchReader(path, fmt))


def test_utf8_bom_is_accepted_and_not_part_of_the_first_key(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(ROW).encode() + b"\n")
    [row] = rows_of(path)
    assert row.data["ref"] == "r-1"


def test_csv_saved_by_excel_as_utf8_with_bom_reads_its_first_column(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffref,matter,county\r\nr-1,ZC-JYKN-001,430626\r\n".encode())
    [row] = rows_of(path)
    assert (row.line, row.data) == (2, {"ref": "r-1", "matter": "ZC-JYKN-001", "county": "430626"})


def test_gbk_csv_from_excel_is_named_and_refused(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("ref,applicant.name\nr-1,张三\n".encode("gbk"))
    with pytest.raises(InvalidInput) as refused:
        check_encoding(path)
    assert refused.value.code == "batch_encoding_gbk"
    assert "UTF-8" in refused.value.message


def test_undecodable_bytes_are_refused_with_the_line_they_start_on(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"ref": "a"}\n{"ref": "b"}\n{"name": "Jos\xe9"}\n')
    with pytest.raises(InvalidInput) as refused:
        check_encoding(path)
    assert refused.value.code == "batch_encoding" and "第 3 行" in refused.value.message


@pytest.mark.parametrize("head, code", [(b"\xff\xfer\x00", "batch_encoding"), (b"PK\x03\x04rest", "batch_format")])
def test_utf16_and_spreadsheets_are_refused(tmp_path, head, code):
    path = tmp_path / "file.csv"
    path.write_bytes(head)
    with pytest.raises(InvalidInput) as refused:
        check_encoding(path)
    assert refused.value.code == code


def test_a_file_that_is_not_json_lines_is_refused_as_a_whole(tmp_path):
    path = tmp_path / "array.jsonl"
    path.write_text(json.dumps([ROW, ROW]), encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        rows_of(path)
    assert refused.value.code == "batch_format"


def test_every_non_blank_line_is_a_row_even_when_it_cannot_be_read(tmp_path):
    lines = [json.dumps(ROW), "", "not json", '{"ref": "a", "ref": "b"}', "[1, 2]", "x" * (MAX_LINE_BYTES + 10),
             "\x00", "   ", json.dumps(ROW)]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = rows_of(path)
    assert [(r.line, r.problem.code if r.problem else None) for r in rows] == [
        (1, None), (3, "invalid_json"), (4, "duplicate_key"), (5, "not_object"), (6, "line_too_long"),
        (7, "invalid_json"), (9, None)]


def test_csv_record_spanning_lines_starts_where_it_starts(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('ref,remark\n\nr-1,"第一行\n第二行"\nr-2,ok\nr-3\n"r-4,bad\n', encoding="utf-8")
    rows = rows_of(path)
    assert [(r.line, r.problem.code if r.problem else None) for r in rows] == [
        (3, None), (5, None), (6, "csv_columns"), (7, "csv_unterminated_quote")]
    assert rows[0].data == {"ref": "r-1", "remark": "第一行\n第二行"}


def test_csv_with_an_unknown_column_is_refused_as_a_whole(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("ref,matter,county,aplicant.name\nr-1,M,430626,张三\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        list(BatchReader(path, check_header=check_columns))
    assert refused.value.code == "batch_columns" and "aplicant.name" in refused.value.message


def test_rejects_csv_keeps_the_input_columns_behind_line_code_and_reason(tmp_path):
    source = tmp_path / "rows.csv"
    source.write_text("_line,ref,remark\n9,r-1,x\n", encoding="utf-8")
    reader = BatchReader(source)
    [row] = list(reader)
    writer = RejectsWriter(tmp_path / "rejects.csv", "csv", reader.header)
    writer.write(row, "invalid_remark", "备注过长")
    writer.close()
    assert list(csv.reader(io.StringIO((tmp_path / "rejects.csv").read_text(encoding="utf-8")))) == [
        ["_line", "_code", "_reason", "ref", "remark"], ["2", "invalid_remark", "备注过长", "r-1", "x"]]


def test_unknown_keys_are_refused_rather_than_dropped():
    with pytest.raises(InvalidInput) as refused:
        normalise({**ROW, "remarks": "typo"})
    assert refused.value.code == "unknown_field"
    with pytest.raises(InvalidInput) as refused:
        normalise({**ROW, "applicant": {"name": "张三", "credit_code": "91430626MA4L7K2Q1M"}})
    assert refused.value.field == "applicant.credit_code"


def test_a_list_where_text_belongs_is_refused_not_stringified():
    with pytest.raises(InvalidInput) as refused:
        normalise({**ROW, "applicant": {"name": ["张", "三"]}})
    assert refused.value.code == "not_text"


def test_one_attachment_path_may_be_given_as_a_plain_string():
    row = normalise({**ROW, "attachments": {"M01": "scans/a.pdf", "M02": []}})
    assert row.attachments == {"M01": ("scans/a.pdf",)}


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
keys = st.text("abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12).filter(lambda k: k[0] != "_")
paths = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=";"), min_size=1, max_size=20) \
    .map(str.strip).filter(bool)


@given(
    scalars=st.fixed_dictionaries({"ref": texts, "matter": texts, "county": texts, "remark": texts}),
    answers=st.dictionaries(keys, texts, max_size=4),
    attachments=st.dictionaries(keys, st.lists(paths, min_size=1, max_size=3), max_size=4),
    applicant=st.dictionaries(st.sampled_from(["name", "mobile", "id_number", "email"]), texts),
)
def test_flatten_and_unflatten_are_inverse(scalars, answers, attachments, applicant):
    row = {**scalars, "answers": answers, "attachments": attachments, "applicant": applicant}
    assert unflatten(flatten(row)) == {k: v for k, v in row.items() if v != {}}


cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=40)


@tmp_files
@given(records=st.lists(st.tuples(cells, cells), min_size=1, max_size=8))
def test_any_csv_written_by_a_spreadsheet_reads_back_cell_for_cell_with_its_start_line(tmp_path, records):
    path = tmp_path / "rows.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("ref", "remark"), *records])
    rows = rows_of(path)
    expected, line = [], 2
    for ref, remark in records:
        if ref.strip() or remark.strip():
            expected.append((line, {k: v for k, v in (("ref", ref), ("remark", remark)) if v.strip()}))
        line += 1 + ref.count("\n") + remark.count("\n")
    assert [(r.line, r.data) for r in rows] == expected


@tmp_files
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_arbitrary_bytes_are_read_or_refused_but_never_crash_or_vanish(tmp_path, data):
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"ref": "first"}\n' + data)
    try:
        rows = rows_of(path, "jsonl")
    except InvalidInput as refused:
        assert refused.code in ("batch_encoding", "batch_encoding_gbk", "batch_format")
        return
    text = data.decode("utf-8")
    non_blank = [line for line in text.split("\n") if line.strip()]
    assert len(rows) == 1 + len(non_blank)
    assert all(r.data is not None or r.problem is not None for r in rows)


def test_an_unterminated_quote_is_one_rejected_row_and_every_later_row_is_still_read(tmp_path):
    path = tmp_path / "rows.csv"
    body = [f'r-{n},"地址{n}号",备注{n}' for n in range(1, 11)]
    body[3] = 'r-4,"地址4号,备注 without its closing quote'
    path.write_text("ref,address,remark\n" + "\n".join(body) + "\n", encoding="utf-8")
    rows = rows_of(path)
    assert len(rows) == 10
    assert [r.line for r in rows] == list(range(2, 12))
    assert [r.problem.code for r in rows if r.problem] == ["csv_unterminated_quote"]
    assert rows[4].data == {"ref": "r-5", "address": "地址5号", "remark": "备注5"}


def test_a_field_spanning_hundreds_of_lines_is_one_rejected_row_and_the_rows_after_it_are_read(tmp_path):
    path = tmp_path / "rows.csv"
    huge = "\n".join("很长的备注" * 40 for _ in range(300))
    path.write_text(f'ref,remark\nr-1,ok\nr-2,"{huge}"\nr-3,ok\nr-4,ok\n', encoding="utf-8")
    rows = rows_of(path)
    assert [(r.line, r.problem.code if r.problem else r.data["ref"]) for r in rows] == [
        (2, "r-1"), (3, "csv_field_too_long"), (303, "r-3"), (304, "r-4")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet='ab",\n 张', max_size=12), min_size=1, max_size=8))
def test_whatever_the_quotes_rows_start_in_order_and_none_swallows_the_rest(tmp_path_factory, cells):
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    lines = [f"r-{n},{cell.replace(chr(10), ' ')}" for n, cell in enumerate(cells)]
    path.write_text("ref,remark\n" + "\n".join(lines) + "\n", encoding="utf-8")
    starts = [row.line for row in rows_of(path)] + [len(lines) + 2]
    assert starts[0] == 2
    assert all(0 < later - earlier <= MAX_RECORD_LINES for earlier, later in pairwise(starts))
