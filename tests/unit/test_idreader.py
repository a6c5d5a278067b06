"""Following the reader's output file: only lines written after the start, each once."""

from __future__ import annotations

import threading

from counterdesk.documents.idreader import follow


def test_the_follower_skips_earlier_cards_and_yields_each_new_line_once(tmp_path):
    output = tmp_path / "reader.jsonl"
    output.write_text('{"old": "an earlier citizen"}\n', encoding="utf-8")
    stop = threading.Event()
    lines = follow(output, stop)
    with output.open("a", encoding="utf-8") as reader:
        reader.write('{"name": "张三"}\n{"name": "李')
        reader.flush()
        assert next(lines) == '{"name": "张三"}'
        reader.write('四"}\n')
    assert next(lines) == '{"name": "李四"}'
    stop.set()
    assert list(lines) == []
