"""A release's manifest: read as it was written, and a damaged one told in one sentence."""

from __future__ import annotations

import json

import pytest

from sixaika.errors import Failure
from sixaika.release import MANIFEST_FILE, Dataset, File, Manifest, Release

TURTLE = File("projects.ttl", 9, "0" * 64, "text/turtle", File("projects.ttl.gz", 3, "1" * 64))
# file entries, each damaged in one field: its size, its gzip copy's checksum
FILE = {"name": "projects.ttl", "bytes": "9", "sha256": "0" * 64}
GZIP = {"ttl": {**FILE, "bytes": 9, "gzip": {**FILE, "bytes": 3, "sha256": 1}}}

WRITTEN = Manifest(
    "r1",
    "2026-12-06T06:00:00+00:00",
    "https://example.org/",
    2,
    {"projects": Dataset("https://example.org/graph/projects", 2, {"ttl": TURTLE})},
    source_commit="0" * 40,
    software="1" * 64,
)


def _release(tmp_path, text: str) -> Release:
    (tmp_path / MANIFEST_FILE).write_text(text)
    return Release(tmp_path)


def _damaged(**changes) -> str:
    return json.dumps({**json.loads(WRITTEN.to_json()), **changes})


def test_a_manifest_is_read_as_it_was_written(tmp_path):
    release = _release(tmp_path, WRITTEN.to_json())
    assert release.damaged is None
    assert release.manifest == WRITTEN


@pytest.mark.parametrize(
    "text, why",
    [
        (_damaged(software=123), "its field software is 123, not text"),
        (_damaged(source_commit=["abc"]), 'its field source_commit is ["abc"], not text'),
        (_damaged(triples="2"), 'its field triples is "2", not a whole number'),
        (_damaged(synthetic="yes"), 'its field synthetic is "yes", not true or false'),
        (_damaged(triples=True), "its field triples is true, not a whole number"),
        (_damaged(datasets=[]), "its field datasets is [], not a JSON object"),
        (_damaged(datasets={"projects": 2}), "its field datasets.projects is not a JSON object"),
        (
            _damaged(datasets={"projects": {"triples": 2}}),
            "it lacks the field 'datasets.projects.graph'",
        ),
        (
            _damaged(datasets={"projects": {"graph": "g", "triples": 2, "files": {"ttl": FILE}}}),
            'its field datasets.projects.files.ttl.bytes is "9", not a whole number',
        ),
        (
            _damaged(datasets={"projects": {"graph": "g", "triples": 2, "files": GZIP}}),
            "its field datasets.projects.files.ttl.gzip.sha256 is 1, not text",
        ),
        ('{"id": "r1", "built": ', "is damaged: Expecting value: line 1 column 23"),
        ("[1, 2]", "is damaged: it is not a JSON object"),
        ('{"id": "r1"}', "is damaged: it lacks the field 'built'"),
    ],
)
def test_a_damaged_manifest_says_what_is_wrong_and_how_to_mend_it(tmp_path, text, why):
    release = _release(tmp_path, text)
    assert why in release.damaged
    with pytest.raises(Failure) as failed:
        _ = release.manifest
    assert str(failed.value).startswith(f"the release {tmp_path} cannot be used: its manifest")
    assert why in str(failed.value) and "`sixaika build` makes a new one" in str(failed.value)
    assert "`sixaika build` tekee uuden" in failed.value.text("fi")


def test_a_release_without_a_manifest_says_so(tmp_path):
    assert Release(tmp_path).damaged.startswith(f"its {MANIFEST_FILE} cannot be read ([Errno 2]")
