"""Pinyin for the search index, spelt by a short-lived child process so the counter never holds
pypinyin's dictionaries."""

from __future__ import annotations

import subprocess
import sys

from counterdesk.catalog import spelling

TEXTS = ["银行开户", "重新申领", "长沙市", "就业困难人员认定", "a1 社保卡", ""]


def test_the_child_spells_polyphones_by_their_words():
    assert spelling.spell(TEXTS) == ["yin hang kai hu", "chong xin shen ling", "chang sha shi",
                                     "jiu ye kun nan ren yuan ren ding", "a1 she bao ka", ""]


def test_the_child_and_this_process_spell_alike():
    assert spelling.spell(TEXTS) == spelling.spell_here(TEXTS)


def test_the_child_never_loads_pypinyin_into_the_caller():
    code = ("import sys; from counterdesk.catalog.spelling import spell; spell(['银行']); "
            "print('pypinyin' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_without_a_child_the_texts_are_spelt_here(monkeypatch):
    monkeypatch.setattr(spelling.sys, "executable", "/nonexistent/python")
    assert spelling.spell(TEXTS) == spelling.spell_here(TEXTS)
