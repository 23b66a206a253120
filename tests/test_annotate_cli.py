"""Tests of ``mscgraph annotate`` (pipeline/cli/annotate_cmd.py) on self-written texts."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.cli.annotate_cmd import input_text, read_inputs
from pipeline.errors import ParseError

DOCS = [
    {"id": "d1", "text": "Stromal grafts\nBone marrow-derived MSCs lowered serum ALT in "
                         "rats with liver fibrosis."},
    {"pmid": "42", "title": "Kupffer cells in injury", "abstract": "Kupffer cells secrete "
                                                                   "IL-10."},
    {"id": "empty", "text": ""},
    {"id": "title-only", "title": "Hepatic stellate cells"},
]


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_annotate_file_to_file(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", DOCS)
    out = tmp_path / "out.jsonl"
    assert main(["-q", "annotate", "--input", str(src), "--output", str(out),
                 "--no-relations", "--batch-size", "2"]) == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["d1", "42", "empty", "title-only"]
    for rec, src_doc in zip(lines, DOCS):
        assert set(rec) == {"id", "entities", "relations", "context"}
        text = input_text(src_doc)
        for e in rec["entities"]:
            assert text[e["start"]:e["end"]] == e["text"]
            assert {"type", "concept", "name"} <= set(e)
    d1 = {(e["text"], e["concept"]) for e in lines[0]["entities"]}
    assert ("Bone marrow-derived MSCs", "CL:0002540") in d1
    assert any(t.endswith("ALT") and c == "MESH:D000410" for t, c in d1)
    assert lines[2]["entities"] == [] and lines[2]["relations"] == []
    assert lines[1]["entities"][0]["text"] == "Kupffer cells"


def test_annotate_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin",
                        io.TextIOWrapper(io.BytesIO((json.dumps(DOCS[0]) + "\n\n").encode())))
    assert main(["-q", "annotate", "-i", "-", "-o", "-", "--no-relations"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and json.loads(out[0])["id"] == "d1"


def test_malformed_line_names_the_line(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    src = write_jsonl(tmp_path / "bad.jsonl", [DOCS[0], "{not json", DOCS[1]])
    assert main(["-q", "annotate", "-i", str(src), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert "line 2" in capsys.readouterr().err


def test_skip_errors_continues(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "bad.jsonl", [DOCS[0], "[1, 2]", DOCS[1]])
    out = tmp_path / "o.jsonl"
    assert main(["-q", "annotate", "-i", str(src), "-o", str(out), "--skip-errors",
                 "--no-relations"]) == 0
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["d1", "42"]


def test_read_inputs_and_missing_file(tmp_path: Path) -> None:
    got = list(read_inputs(io.BytesIO(b'{"pmid": 7, "title": "T", "abstract": "A."}\n')))
    assert got == [("7", "T\nA.")]
    with pytest.raises(ParseError, match="line 1"):
        list(read_inputs(io.BytesIO(b"nope\n")))
    assert main(["-q", "annotate", "-i", str(tmp_path / "missing.jsonl")]) == 1


@pytest.mark.parametrize("line", [b'{"id": "x", "title": 12}', b'{"id": "x", "text": ["a"]}',
                                  b'{"id": [1], "text": "a"}', b'{"id": "x", "text": "\xff\xfe"}',
                                  b'\xff{"id": "x", "text": "MSCs."}'])
def test_bad_lines_are_clear_errors_and_skippable(tmp_path: Path, line: bytes,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(json.dumps(DOCS[0]).encode() + b"\n" + line + b"\n"
                    + json.dumps(DOCS[1]).encode() + b"\n")
    out = tmp_path / "o.jsonl"
    assert main(["-q", "annotate", "-i", str(src), "-o", str(out), "--no-relations"]) == 1
    assert "input line 2" in capsys.readouterr().err
    assert main(["-q", "annotate", "-i", str(src), "-o", str(out), "--no-relations",
                 "--skip-errors"]) == 0
    assert len(out.read_text().splitlines()) == 2        # the good lines are kept


def test_failed_run_leaves_an_existing_output_alone(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.write_text("earlier results\n")
    src = write_jsonl(tmp_path / "bad.jsonl", [DOCS[0], "{not json"])
    assert main(["-q", "annotate", "-i", str(src), "-o", str(out)]) == 1
    assert out.read_text() == "earlier results\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
