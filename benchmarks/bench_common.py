"""Benchmark inputs and worker runner: the real abstracts of ../shared, repeated streams,
synthetic PubMed XML, and one-thread subprocess workers that answer with one JSON line.

Shared by ``bench_speed.py`` (interleaved side-by-side speed), ``bench_stages.py`` (throughput
and peak memory per stage), ``profile_extract.py`` and ``scripts/output_digest.py``.

>>> [p for p, _t, _a in repeated([("T", "A")], 2)]
['90000000', '90000001']
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
SHARED_TEXTS = REPO.parent / "shared" / "corpora" / "real_texts.jsonl"
DEMO_XML = REPO / "corpora" / "demo" / "demo_pubmed.xml"
# every BLAS/OpenMP pool a worker may load, held to one thread (threadpoolctl checks it too)
ONE_CORE_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "BLIS_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1",
                "NUMEXPR_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}


# ------------------------------------------------------------------------------------ inputs

def public_corpus_texts() -> list[tuple[str, str]]:
    """Distinct PubMed ``(title, abstract)`` pairs of the public corpora in ../shared.

    NCBI-disease (train/dev/test) and BioRED (train/dev/test), deduplicated by PMID, plus the
    JNLPBA (GENIA) abstracts: about 3,800 real abstracts, so the spaCy stages are timed on text they have never seen (their
    token and lookup caches would flatter a corpus of repeated texts).
    """
    root = SHARED_TEXTS.parent.parent / "resources" / "corpora"
    files = sorted((root / "ncbi_disease").glob("NCBI*_corpus.txt")) + \
        sorted((root / "biored").glob("*.PubTator"))
    titles: dict[str, str] = {}
    abstracts: dict[str, str] = {}
    for f in files:
        for line in f.open(encoding="utf-8"):
            pmid, sep, rest = line.partition("|")
            if not sep or rest[:2] not in ("t|", "a|"):
                continue
            (titles if rest[0] == "t" else abstracts).setdefault(pmid, rest[2:].rstrip("\n"))
    for title, abstract in jnlpba_texts(root / "jnlpba" / "jnlpba_standoff_train_test.tar.gz"):
        pmid = f"jnlpba:{len(titles)}"
        titles[pmid], abstracts[pmid] = title, abstract
    return [(titles[p], abstracts.get(p, "")) for p in sorted(titles)]


def jnlpba_texts(archive: Path) -> list[tuple[str, str]]:
    """``(title, abstract)`` of the JNLPBA (GENIA) train and test abstracts, about 2,400,
    read from the standoff archive without unpacking it (first line is the title)."""
    import tarfile
    if not archive.is_file():
        return []
    out = []
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.isfile() and member.name.endswith(".txt"):
                text = tar.extractfile(member).read().decode("utf-8")
                title, _, abstract = text.strip().partition("\n")
                out.append((title, abstract.strip()))
    return out


def base_texts(source: Path | None = None) -> list[tuple[str, str]]:
    """Distinct ``(title, abstract)`` pairs: the shared real texts plus the public corpora's
    abstracts, else the demo corpus (or ``source``)."""
    if source is None and SHARED_TEXTS.is_file():
        return base_texts(SHARED_TEXTS) + public_corpus_texts()
    path = source or DEMO_XML
    if path.suffix == ".jsonl":
        out = []
        for line in path.open(encoding="utf-8"):
            if line.strip():
                title, _, abstract = json.loads(line)["text"].partition("\n")
                out.append((title, abstract))
        return out
    if path.is_file():
        from pipeline.medline import read_articles
        return [(a.title, a.abstract) for a in read_articles(path)]
    sys.exit(f"no input texts: neither {SHARED_TEXTS} nor {DEMO_XML} exists; pass --texts")


def repeated(texts: list[tuple[str, str]], n: int) -> Iterator[tuple[str, str, str]]:
    """``(pmid, title, abstract)`` for ``n`` abstracts cycling over ``texts`` (new ids)."""
    for i, (title, abstract) in zip(range(n), itertools.cycle(texts)):
        yield str(90_000_000 + i), title, abstract


def write_pubmed_xml(texts: list[tuple[str, str]], n: int, path: Path) -> None:
    """A synthetic ``<PubmedArticleSet>`` of ``n`` records, written streaming."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for pmid, title, abstract in repeated(texts, n):
            fh.write(
                f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
                f'<PMID Version="1">{pmid}</PMID><Article PubModel="Print"><Journal><JournalIssue>'
                f'<PubDate><Year>2024</Year></PubDate></JournalIssue><Title>Bench J</Title>'
                f'</Journal><ArticleTitle>{escape(title)}</ArticleTitle><Abstract>'
                f'<AbstractText>{escape(abstract)}</AbstractText></Abstract>'
                f'<Language>eng</Language></Article><MeshHeadingList><MeshHeading>'
                f'<DescriptorName UI="D008103" MajorTopicYN="N">Liver Cirrhosis</DescriptorName>'
                f'</MeshHeading></MeshHeadingList></MedlineCitation></PubmedArticle>\n')
        fh.write("</PubmedArticleSet>\n")


def distinct_texts(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``texts`` without repeats, first occurrence kept, order unchanged (first-sight input).

    >>> distinct_texts([("a", "b"), ("c", ""), ("a", "b")])
    [('a', 'b'), ('c', '')]
    """
    return list(dict.fromkeys(texts))


def texts_stream(texts: list[tuple[str, str]], n: int) -> Iterator[tuple[str, str]]:
    """``(pmid, "title\\nabstract")`` for ``n`` abstracts cycling over ``texts``.

    >>> list(texts_stream([("T", "A")], 1))
    [('90000000', 'T\\nA')]
    """
    return ((pmid, f"{t}\n{a}") for pmid, t, a in repeated(texts, n))


def run_worker(script: Path, args: list[str], *, pin: bool = False) -> dict[str, Any]:
    """Run ``script --worker ...args`` in a fresh process with one thread per pool; its last
    stdout line is the JSON measurement. ``pin`` also binds it to core 0 with ``taskset``.
    A failed worker gives ``{"error": last stderr line}`` instead of stopping the run."""
    cmd = [sys.executable, str(script), *args]
    if pin and shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    env = os.environ | ONE_CORE_ENV | {"PYTHONPATH": str(REPO)}
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(res.stdout.strip().splitlines()[-1])
