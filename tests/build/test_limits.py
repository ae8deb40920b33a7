"""Sources read within limits: an alias bomb, a huge value and a huge file are refused at
once, each in a line naming the file (the other limits: BAD_INPUTS of test_pipeline)."""

from __future__ import annotations

import tracemalloc

from tests.build.test_pipeline import run

# Synthetic: nine lines of aliases, each naming the one before nine times, stand for 9**9
# (387 million) values in 373 bytes. Walked, such a file took 3.7 GB and 33 s.
ALIAS_BOMB = """\
id: project/bomb
type: Project
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_an_alias_bomb_is_refused_at_once(mini, capsys):
    (mini / "data/projects/bomb.yaml").write_text(ALIAS_BOMB)
    assert len(ALIAS_BOMB.encode()) <= 553
    tracemalloc.start()
    try:
        code, _, err = run(capsys, "validate", "--quiet")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 2
    assert err == (
        "error: data/projects/bomb.yaml:4: YAML anchors and aliases (&name, *name) are not "
        "read: write the value out\n"
    )
    assert peak < 100_000_000, peak  # walking the aliases took 3.7 GB (and 33 s)


def test_a_huge_value_or_file_is_refused_naming_it(mini, capsys, monkeypatch):
    huge = "x" * 16 * 1024 * 1024  # gave a MemoryError that named no file
    (mini / "data/projects/p2.yaml").write_text(
        f"id: project/p2\ntype: Project\ntitle:\n  fi: {huge}\n"
    )
    code, _, err = run(capsys, "validate", "--quiet")
    assert code == 2 and err == (
        "error: data/projects/p2.yaml: the file is 16.8 MB, more than a source file may be "
        "(SIXAIKA_SOURCE_MAX_MB: 10)\n"
    )
    monkeypatch.setenv("SIXAIKA_SOURCE_MAX_MB", "20")
    code, _, err = run(capsys, "validate", "--quiet", "--lang", "fi")
    assert code == 2 and err == (
        "virhe: data/projects/p2.yaml:4: arvossa on 16777216 merkkiä, enemmän kuin sallitut "
        "100000\n"
    )
