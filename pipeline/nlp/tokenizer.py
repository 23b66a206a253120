"""``mscgraph.tokenizer.v1``: normalize the text, then tokenize it as spaCy's rule tokenizer.

:func:`pipeline.normalize.normalize_text` repairs layout noise first (the offset map back
to the original text goes to the Doc state, :class:`pipeline.nlp.state.DocState`); the
tokens are those of spaCy's rule tokenizer with biomedical infixes (``CD4+CD25+`` ->
``CD4+ CD25+``, ``(IFN)-γ`` -> ``( IFN ) -γ``), computed per whitespace chunk and memoized.

Example
-------
>>> import spacy
>>> nlp = spacy.blank("en")
>>> NormalizingTokenizer(nlp.vocab, base_tokenizer(nlp)).words("CD4+CD25+ Tregs.")
(['CD4+', 'CD25+', 'Tregs', '.'], [False, True, False, False])
"""
from __future__ import annotations

import itertools
import logging
import re
from string import ascii_letters, digits
from typing import Any, Callable, Iterable, Iterator, NamedTuple

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_suffix_regex

from ..normalize import normalize_text
from .state import DocState, Words, register_extensions

__all__ = ["NormalizingTokenizer", "base_tokenizer", "create_tokenizer"]

log = logging.getLogger(__name__)

def base_tokenizer(nlp: Language) -> Tokenizer:
    """spaCy's English rule tokenizer with the biomedical infixes and ``CD25+`` kept whole."""
    infixes = list(nlp.Defaults.infixes) + [
        r"(?<=[0-9]\+)(?=[A-Za-z])",      # CD4+CD25+ -> CD4+ CD25+
        r"[()\[\]]",                      # interleaved abbreviations: interferon (IFN)-γ
        r"/",                             # TGF-β1)/Smad, SDF-1/CXCR4
        r"(?<![0-9]),(?=[A-Za-z(])",      # "(TB),prothrombin time": missing space
        r"(?<=[a-z]);(?=[A-Za-z])",
    ]
    # keep "CD25+" whole: drop the digit-plus suffix rule
    suffixes = [x for x in nlp.Defaults.suffixes if x != r"(?<=[0-9])\+"]
    base = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
    return Tokenizer(nlp.vocab, rules=base.rules, prefix_search=base.prefix_search,
                     suffix_search=compile_suffix_regex(suffixes).search,
                     infix_finditer=compile_infix_regex(infixes).finditer,
                     token_match=base.token_match, url_match=base.url_match)


#: A non-space chunk with the single space after it (spaCy's token separator, the last token's
#: trailing space), or a run of whitespace (\s is str.isspace, as in spaCy's tokenizer loop;
#: after a chunk that took one space it is what spaCy makes whitespace tokens of).
_CHUNK_RE = re.compile(r"\S+ ?|\s+")

#: Longest chunk tokenized as spaCy does. spaCy's affix loop (and its port) is quadratic in the
#: chunk length: a 100 KB run of brackets takes minutes. A longer chunk (no real word comes
#: near: the longest of ~3,900 abstracts has 111 characters) is tokenized in pieces of this
#: length, each as spaCy would, so such input takes linear time.
MAX_CHUNK = 128


#: Chunks whose spaCy tokens follow from their shape (unless a tokenizer exception applies):
#: an optional ``(``, an ASCII word (``IL6`` too), hyphenated ASCII words or a number, an
#: optional ``, ; : )`` or a period after a lowercase letter. Each part and each hyphen is
#: one token (checked on probes, see :meth:`NormalizingTokenizer._simple_path_agrees`).
_NO_LEFTS: dict[str, tuple[str, ...]] = {}   # shared: never mutated
_SIMPLE_CHUNK_RE = re.compile(r"(\()?([A-Za-z]+(?:-[A-Za-z]+)*|[A-Za-z]+[0-9]+|[0-9]+)"
                              r"([,;:)]|(?<=[a-z])\.)?")
_HYPHEN_SPLIT_RE = re.compile(r"(-)")


class _Chunk(NamedTuple):
    """The tokens of one whitespace-delimited chunk, and the exception-pair starts its
    beginning completes (see :meth:`NormalizingTokenizer._bridge_pairs`)."""

    words: tuple[str, ...]
    spaces: tuple[bool, ...]    # trailing-space flags: True for the last token before a space
    lefts: dict[str, tuple[str, ...]]   # pair starts one of its heads completes, by last char
    ws: bool                    # a whitespace chunk
    text: str                   # the chunk without the space after it
    tail: str | None            # ``text``, when a bridge pair may start at its end


class NormalizingTokenizer:
    """Normalize the text (:func:`pipeline.normalize.normalize_text`), then tokenize it.

    Records the offset map back to the original text and the token texts in the Doc state
    (:class:`pipeline.nlp.state.DocState`).

    Tokens are those of the wrapped spaCy rule tokenizer. spaCy tokenizes each whitespace-
    delimited chunk on its own, so the tokens of a chunk are memoized (``max_chunks``
    entries, first come first kept) and a document is built with ``Doc(vocab, words,
    spaces)``. An unseen chunk is split by a Python port of spaCy's affix loop with the same
    regexes (:meth:`_port_words`), simple chunks (``word``, ``(word``, ``word,``) without
    regexes (:meth:`_simple_words`); chunks a tokenizer exception may touch go through the
    rule tokenizer, in one call per document.
    Caveat: token-level ``NORM`` values of tokenizer exceptions are not copied (the lexeme's
    norm is used); nothing in this project reads them. Call :meth:`clear_cache` after
    changing the wrapped tokenizer's rules.
    """

    def __init__(self, vocab: Any, tokenizer: Tokenizer, *, max_chunks: int = 200_000) -> None:
        register_extensions()
        self.vocab = vocab
        self.tokenizer = tokenizer
        self.max_chunks = max_chunks
        self.clear_cache()

    def clear_cache(self) -> None:
        """Forget the memoized chunk tokens (after changing the rule tokenizer)."""
        self._chunks: dict[str, _Chunk] = {}
        self._bridges: set[tuple[str, str]] | None = None
        # bridge heads by first character, with the pair starts they complete
        self._heads_by_char: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}
        # pair starts grouped by their last character, per set of starts (few distinct)
        self._lefts_by_end: dict[frozenset[str], dict[str, tuple[str, ...]]] = {}
        self._rule_keys: frozenset[str] = frozenset()
        self._simple_ok = False

    def _bridge_pairs(self) -> set[tuple[str, str]]:
        """Adjacent token pairs of the tokenizer exceptions that affix rules split.

        spaCy's final special-case pass matches such token sequences over the whole document;
        a match across a single space never applies (no exception contains a space) but can
        shadow an overlapping one inside a chunk. So chunks where one may end with the first
        token of a pair and the next (after one space) start with the second are tokenized
        together (see :meth:`words`); no match crosses any other chunk boundary.
        """
        if self._bridges is None:
            t = self.tokenizer
            plain = Tokenizer(self.vocab, rules={}, prefix_search=t.prefix_search,
                              suffix_search=t.suffix_search, infix_finditer=t.infix_finditer,
                              token_match=t.token_match, url_match=t.url_match)
            pairs: set[tuple[str, str]] = set()
            for key in t.rules or {}:
                w = [x.text for x in plain(key)]
                pairs.update(zip(w, w[1:]))
            lefts: dict[str, set[str]] = {}
            for a, b in pairs:
                lefts.setdefault(b, set()).add(a)
            heads: dict[str, list[tuple[str, frozenset[str]]]] = {}
            for b, starts in sorted(lefts.items()):
                heads.setdefault(b[0], []).append((b, frozenset(starts)))
            self._heads_by_char = {c: tuple(v) for c, v in heads.items()}
            self._rule_keys = frozenset(t.rules or ())
            self._bridges = pairs
            self._simple_ok = self._simple_path_agrees()
        return self._bridges

    def _simple_path_agrees(self) -> bool:
        """Whether :meth:`_simple_words` gives :meth:`_port_words`'s tokens on probe chunks
        (every letter and digit, letter pairs, unit and URL-like words, with each opening
        and closing mark); when not (a customized tokenizer), simple chunks take the port.
        """
        chars = ascii_letters + digits
        stems = list(chars) + [a + b for a in "aeszAESZ09" for b in "aegmsAEGMS09"] + [
            "localhost", "www", "com", "http", "https", "mg", "kg", "km", "am", "pm", "US",
            "Dr", "vs", "al", "eg", "ie", "etc", "st", "Mr", "No", "cm", "Inc", "fig", "Sec",
            "IL6", "CD34", "km2", "pH7", "mg5", "Sec2", "a-b", "bone-marrow", "x-D", "e-mail",
            "A-Z", "non-human", "a-b-c", "co-op", "O-O", "o-o", "X-ray", "T-cell", "s-s",
            "vs-a", "a-vs", "Dr-No", "am-pm", "www-com", "http-www"]
        for stem in stems:
            for a in ("", "("):
                for b in ("", ",", ";", ":", ")", "."):
                    chunk = a + stem + b
                    m = _SIMPLE_CHUNK_RE.fullmatch(chunk)
                    got = self._simple_words(chunk, m) if m is not None else None
                    if got is not None and got != self._port_words(chunk):
                        log.warning("tokenizer fast path disabled: %r differs", chunk)
                        return False
        return True

    def __call__(self, text: str) -> Doc:
        norm = normalize_text(text)
        words, spaces = self.words(norm.text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        state = DocState.of(doc)
        state.set_norm(norm)
        # the token texts the components read (dropped by mscgraph_linker: not serializable)
        state.set_words(Words(None, words, spaces))
        return doc

    def words(self, text: str) -> tuple[list[str], list[bool]]:
        """Token texts and trailing-space flags of ``text``, as spaCy's tokenizer gives them.

        Chunks joined by one space whose edges may form a tokenizer-exception pair (see
        :meth:`_bridge_pairs`) are tokenized together by spaCy.

        >>> import spacy
        >>> nlp = spacy.blank("en")
        >>> NormalizingTokenizer(nlp.vocab, base_tokenizer(nlp)).words("a (b) c")
        (['a', '(', 'b', ')', 'c'], [True, False, False, True, False])
        """
        cache = self._chunks
        get = cache.get
        if self._bridges is None:
            self._bridge_pairs()
        chunks = _CHUNK_RE.findall(text)
        # set operations in C; the chunks are learned in text order
        new = set(chunks).difference(cache)
        learned = self._learn([c for c in dict.fromkeys(chunks) if c in new]) if new else cache
        words: list[str] = []
        spaces: list[bool] = []
        # the chunk before a single space, when a bridge pair may start at its end
        prev: str | None = None
        window: list[str] | None = None  # chunks joined by bridged single spaces
        first = ""                      # the last chunk that was not bridged to its left
        win_at = 0                      # index in words of that chunk's first token
        for chunk in chunks:
            got = get(chunk) or learned[chunk]
            if got.ws:
                if window:
                    self._retokenize(window, words, spaces, win_at)
                    window = None
                prev = None
            else:
                # rare: the chunk starts with the second piece of an exception pair
                starts = got.lefts.get(prev[-1]) if prev is not None and got.lefts else None
                if starts and any(prev.endswith(a) for a in starts):
                    if window is None:
                        window = [first]
                    window.append(got.text)
                else:
                    if window:
                        self._retokenize(window, words, spaces, win_at)
                        window = None
                    first, win_at = got.text, len(words)
                # only a single space (the chunk took it) lets a pair span two chunks
                prev = got.tail if chunk[-1] == " " else None
            words.extend(got.words)
            spaces.extend(got.spaces)
        if window:
            self._retokenize(window, words, spaces, win_at)
        return words, spaces

    def _retokenize(self, window: list[str], words: list[str], spaces: list[bool],
                    at: int) -> None:
        """Replace the tokens from ``at`` on by spaCy's tokens of the chunks of ``window``."""
        doc = self.tokenizer(" ".join(window))
        trailing = spaces[-1]   # the space after the window, if any
        words[at:] = [t.text for t in doc]
        spaces[at:] = [bool(t.whitespace_) for t in doc]
        spaces[-1] = trailing

    def _affix_words(self, chunk: str) -> tuple[str, ...] | None:
        """spaCy's tokens of one non-space chunk without building a ``Doc``, or ``None``.

        Simple chunks (:data:`_SIMPLE_CHUNK_RE`) take :meth:`_simple_words`, chunks over
        :data:`MAX_CHUNK` characters :meth:`_long_words`, the rest :meth:`_port_words`.
        """
        if len(chunk) > MAX_CHUNK:
            return self._long_words(chunk)
        if self._simple_ok:
            m = _SIMPLE_CHUNK_RE.fullmatch(chunk)
            if m is not None:
                got = self._simple_words(chunk, m)
                if got is not None:
                    return got
        return self._port_words(chunk)

    def _long_words(self, chunk: str) -> tuple[str, ...]:
        """The tokens of a chunk over :data:`MAX_CHUNK` characters: those of its pieces of
        :data:`MAX_CHUNK` characters, each tokenized as spaCy would (linear time; a token
        may be cut at a piece boundary)."""
        seen: dict[str, tuple[str, ...]] = {}
        words: list[str] = []
        for at in range(0, len(chunk), MAX_CHUNK):
            piece = chunk[at:at + MAX_CHUNK]
            got = seen.get(piece)
            if got is None:
                got = self._affix_words(piece)
                if got is None:
                    got = tuple(t.text for t in self.tokenizer(piece))
                seen[piece] = got
            words.extend(got)
        return tuple(words)

    def _simple_words(self, chunk: str, m: re.Match[str]) -> tuple[str, ...] | None:
        """The tokens of a chunk matching :data:`_SIMPLE_CHUNK_RE` without running the
        affix regexes: an optional ``(``, a word, an optional closing mark, each its own
        token; ``None`` when a string spaCy looks up is an exception key or the tokens
        could start a special-case match."""
        opening, word, closing = m.groups()
        rules = self._rule_keys
        bridges = self._bridges
        if chunk in rules or word in rules:
            return None
        words: tuple[str, ...] = (word,)
        if "-" in word:   # split at each hyphen, as spaCy's infix rule does
            words = tuple(_HYPHEN_SPLIT_RE.split(word))
            for i, w in enumerate(words):
                if w in rules or (i and (words[i - 1], w) in bridges):
                    return None
        if opening:
            if chunk[1:] in rules or "(" in rules or ("(", words[0]) in bridges:
                return None
            words = ("(",) + words
        if closing:
            if chunk[:-1] in rules or closing in rules or (words[-1], closing) in bridges:
                return None
            words += (closing,)
        return words

    def _port_words(self, chunk: str) -> tuple[str, ...] | None:
        """spaCy's tokens of one non-space chunk without building a ``Doc``, or ``None``.

        A port of the affix loop of spaCy's ``Tokenizer`` (``_split_affixes`` and
        ``_attach_tokens``, spaCy 3) calling the same prefix, suffix, infix, token-match and
        URL-match functions. ``None`` (tokenize with spaCy) when a tokenizer exception could
        apply: a string the loop looks up is an exception key, or a token or an adjacent
        token pair could start a special-case match (:meth:`_bridge_pairs`).
        """
        t = self.tokenizer
        rules = self._rule_keys
        token_match, url_match = t.token_match, t.url_match
        prefix_search, suffix_search = t.prefix_search, t.suffix_search
        bridges = self._bridges
        if chunk in rules:
            return None
        string = chunk
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = 0
        while string and len(string) != last_size:
            if token_match is not None and token_match(string):
                break
            if string in rules:
                return None
            last_size = len(string)
            m = prefix_search(string) if prefix_search is not None else None
            pre_len = m.end() - m.start() if m is not None else 0
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre in rules:
                    return None
            m = suffix_search(string[pre_len:]) if suffix_search is not None else None
            suf_len = m.end() - m.start() if m is not None else 0
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf in rules:
                    return None
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
            elif pre_len:
                string, suf_len = minus_pre, 0
            elif suf_len:
                string, pre_len = minus_suf, 0
            # an affix that is an exception key, or starts a special-case match with its
            # neighbour, sends the chunk to spaCy anyway (see the check below): stop now
            if pre_len:
                if prefix in rules or (prefixes and (prefixes[-1], prefix) in bridges):
                    return None
                prefixes.append(prefix)
            if suf_len:
                if suffix in rules or (suffixes and (suffix, suffixes[-1]) in bridges):
                    return None
                suffixes.append(suffix)
        words = prefixes
        if string:
            if string in rules:
                return None
            if (token_match is not None and token_match(string)) or \
                    (url_match is not None and url_match(string)):
                words.append(string)
            else:
                start = 0
                for m in (t.infix_finditer(string) if t.infix_finditer is not None else ()):
                    a, b = m.start(), m.end()
                    if a == 0:
                        continue
                    if a != start:
                        words.append(string[start:a])
                    if a != b:
                        words.append(string[a:b])
                    start = b
                if string[start:]:
                    words.append(string[start:])
        words.extend(reversed(suffixes))
        for i, w in enumerate(words):
            if w in rules or (i and (words[i - 1], w) in bridges):
                return None
        return tuple(words)

    def _solid(self, chunk: str, words: tuple[str, ...]) -> "_Chunk":
        """The :class:`_Chunk` of a non-space chunk with its tokens ``words``.

        A chunk over :data:`MAX_CHUNK` characters never joins a bridge (see :meth:`words`).
        """
        falses = (False,) * len(words)
        if len(chunk) > MAX_CHUNK:
            return _Chunk(words, falses, _NO_LEFTS, False, chunk, None)
        heads = self._heads_by_char.get(chunk[0])
        if not heads:
            return _Chunk(words, falses, _NO_LEFTS, False, chunk, chunk)
        lefts: frozenset[str] = frozenset()
        for head, starts in heads:
            if chunk.startswith(head):
                lefts = lefts | starts
        by_end = self._lefts_by_end.get(lefts)
        if by_end is None:
            grouped: dict[str, list[str]] = {}
            for a in sorted(lefts):
                grouped.setdefault(a[-1], []).append(a)
            by_end = self._lefts_by_end[lefts] = {k: tuple(v) for k, v in grouped.items()}
        return _Chunk(words, falses, by_end, False, chunk, chunk)

    def _learn(self, chunks: list[str]) -> dict[str, "_Chunk"]:
        """Tokenize ``chunks`` (see :data:`_CHUNK_RE`) with the rule tokenizer; remember them
        while there is room."""
        got: dict[str, _Chunk] = {}
        spaced = [c for c in chunks if c[-1] == " " and not c[0].isspace()]
        cache = self._chunks
        solid = list(dict.fromkeys(
            x for x in itertools.chain((c for c in chunks if not c[-1].isspace()),
                                       (c[:-1] for c in spaced)) if x not in cache))
        for c in dict.fromkeys(c for c in chunks if c[0].isspace()):
            w = tuple(t.text for t in self.tokenizer(c))
            got[c] = _Chunk(w, (False,) * len(w), _NO_LEFTS, True, "", None)
        if solid:
            self._bridge_pairs()
            hard = []
            for c in solid:
                w = self._affix_words(c)
                if w is None:
                    hard.append(c)
                else:
                    got[c] = self._solid(c, w)
            solid = hard
        if solid:
            # one call; "\n" separators keep the chunks apart (no exception spans a newline)
            doc = self.tokenizer("\n".join(solid))
            k = 0
            toks: list[str] = []
            for t in itertools.chain(doc, (None,)):
                if t is not None and t.text != "\n":
                    toks.append(t.text)
                    continue
                c = solid[k]
                got[c] = self._solid(c, tuple(toks))
                k += 1
                toks = []
        for c in spaced:
            base = got.get(c[:-1]) or cache[c[:-1]]
            got[c] = _Chunk(base.words, base.spaces[:-1] + (True,), base.lefts, False,
                            base.text, base.tail)
        if len(self._chunks) + len(got) <= self.max_chunks:
            self._chunks.update(got)
        return got

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # serialization delegates to the wrapped rule tokenizer
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return self.tokenizer.to_bytes(exclude=exclude)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "NormalizingTokenizer":
        self.clear_cache()
        self.tokenizer.from_bytes(data, exclude=exclude)
        return self

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        self.tokenizer.to_disk(path, exclude=exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "NormalizingTokenizer":
        self.clear_cache()
        self.tokenizer.from_disk(path, exclude=exclude)
        return self


@spacy.registry.tokenizers("mscgraph.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], NormalizingTokenizer]:
    """Registry entry ``mscgraph.tokenizer.v1`` (use in ``[nlp.tokenizer]``)."""
    def make(nlp: Language) -> NormalizingTokenizer:
        return NormalizingTokenizer(nlp.vocab, base_tokenizer(nlp))
    return make
