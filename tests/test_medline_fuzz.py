"""Fuzzing the PubMed XML reader: whatever the bytes, only ParseError comes out.

Inputs are mutated PubMed documents (flipped, cut, spliced and duplicated bytes; odd
encodings; gzip wrapping and corruption; non-ASCII digits and huge numbers in number fields;
overlong PMIDs). Every article the reader yields must also be storable or rejected by
:func:`~pipeline.store.check_article`, and the storable ones must go into SQLite without error.

CI runs a few thousand inputs; ``MSCGRAPH_FUZZ_N=100000`` runs more (and
``MSCGRAPH_FUZZ_SEED`` picks another sequence).
"""
from __future__ import annotations

import gzip
import os
import random
from collections import Counter
from pathlib import Path
from typing import Iterator

from eutils_server import article_set, make_records
from pipeline.errors import ParseError
from pipeline.medline import ParsedArticle, parse_pubmed_xml
from pipeline.store import Store, check_article

FIX = Path(__file__).resolve().parent / "fixtures" / "medline"
N = int(os.environ.get("MSCGRAPH_FUZZ_N", "3000"))
SEED = int(os.environ.get("MSCGRAPH_FUZZ_SEED", "15"))

_NUMBERS = ("\u00b2", "\u0663", "\u0e52\u0e50", "99999999999999999999", "2147483648",
            "-1", "0", "1e9", " 7 ", "\uff11\uff12", "1" * 400)
_FIELDS = ('Version="1"', "<Year>2020</Year>", "<Month>01</Month>", "<Day>1</Day>",
           "<Day>01</Day>")
_SNIPPETS = (b"<", b">", b"&", b"&amp;", b"&#0;", b"&#xD800;", b"]]>", b"<![CDATA[",
             b"<!--", b"-->", b"<?pi?>", b"\x00", b"\xff\xfe", b"\xc3", b"\xe2\x82",
             b'<!DOCTYPE x [<!ENTITY a "b">]>', b"<PubmedArticle>", b"</PubmedArticle>",
             b"<MedlineCitation>", b"<PMID>", b"</PMID>", b"<DeleteCitation>",
             b"<PubmedBookArticle>", b'<?xml version="1.0" encoding="latin-1"?>',
             b'<?xml version="1.0" encoding="no-such-codec"?>', b"\x1f\x8b")


def _seeds() -> list[bytes]:
    seeds = [p.read_bytes() for p in sorted(FIX.glob("*.xml"))]
    seeds.append(article_set(make_records(4, start_pmid=700)).encode())
    return seeds


def _mutate(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(10)
    if kind == 0 and data:  # flip bytes
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf)
    if kind == 1:  # cut
        return data[:rng.randrange(len(data) + 1)]
    if kind == 2:  # insert a snippet
        at = rng.randrange(len(data) + 1)
        return data[:at] + rng.choice(_SNIPPETS) + data[at:]
    if kind == 3:  # splice a random slice elsewhere
        a, b = sorted(rng.randrange(len(data) + 1) for _ in range(2))
        at = rng.randrange(len(data) + 1)
        return data[:at] + data[a:b] + data[at:]
    if kind == 4:  # delete a slice
        a, b = sorted(rng.randrange(len(data) + 1) for _ in range(2))
        return data[:a] + data[b:]
    if kind == 5:  # a number field gets a strange value
        text = data.decode("utf-8", "replace")
        field = rng.choice(_FIELDS)
        value = rng.choice(_NUMBERS)
        new = (f'Version="{value}"' if field.startswith("Version")
               else field.split(">")[0] + f">{value}<" + field.split("<")[-1])
        return text.replace(field, new, rng.choice((1, -1))).encode("utf-8")
    if kind == 6:  # overlong or odd PMIDs
        text = data.decode("utf-8", "replace")
        return text.replace(">", ">" + "9" * rng.choice((33, 64, 5)), 3).encode("utf-8")
    if kind == 7:  # gzip, possibly corrupt
        packed = bytearray(gzip.compress(data))
        if rng.random() < 0.7 and len(packed) > 20:
            packed[rng.randrange(10, len(packed))] ^= 1 << rng.randrange(8)
        return bytes(packed)
    if kind == 8:  # another encoding than declared
        return data.decode("utf-8", "replace").encode(rng.choice(("utf-16", "latin-1",
                                                                   "utf-32")), "replace")
    return rng.randbytes(rng.randrange(200))  # noise


def fuzz_inputs(n: int, seed: int) -> Iterator[bytes]:
    """``n`` mutated documents, reproducibly from ``seed``."""
    rng = random.Random(seed)
    seeds = _seeds()
    for _ in range(n):
        data = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            data = _mutate(rng, data)
        yield data


def test_only_parse_errors_escape_the_reader():
    escaped: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    storable: list = []
    with Store("sqlite://") as store:
        for i, data in enumerate(fuzz_inputs(N, SEED)):
            try:
                for rec in parse_pubmed_xml(data):
                    outcomes[type(rec).__name__] += 1
                    if isinstance(rec, ParsedArticle) and check_article(rec.article) is None:
                        storable.append((rec.article, rec.raw_xml))
                outcomes["clean"] += 1
            except ParseError as e:
                message = str(e)
                assert message.startswith("<bytes>: "), message  # names the input ...
                assert "line" in message or "bytes" in message or "entities" in message, \
                    message  # ... and where in it (a declared entity: the document itself)
                outcomes["ParseError"] += 1
            except Exception as e:  # noqa: BLE001 - counting is the point
                escaped[f"{type(e).__name__}: {str(e)[:80]}"] += 1
                if len(escaped) == 1:
                    first = (i, data[:300])
            if len(storable) >= 200:
                store.upsert_articles(storable)  # SQLite takes every storable article
                storable.clear()
        store.upsert_articles(storable)
    print(f"\n{N} fuzzed inputs: {dict(outcomes)}; non-ParseError: {sum(escaped.values())}")
    assert not escaped, (f"{sum(escaped.values())} of {N} inputs raised something else than "
                         f"ParseError, first input #{first[0]} {first[1]!r}: "
                         f"{escaped.most_common(5)}")
    assert outcomes["ParseError"] and outcomes["ParsedArticle"] and outcomes["RejectedRecord"]
