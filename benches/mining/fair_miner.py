"""The Rust miner ported to pure Python, algorithm for algorithm, as the mining
benchmark's baseline: single-threaded, standard library only.

What it ports (each function names its Rust original):
- crates/draftloop-core/src/mining/extract.rs: tokens (the ASCII fast path and UAX #29
  word boundaries as the unicode-segmentation crate draws them), sentences, changes
  (sentences diffed first, words only within changed sentences), every classification
  rule of `analyze`, greeting and closing lines, length and bullets;
- crates/draftloop-core/src/mining/words.rs: contractions, spelling variants, typos,
  emoji, greetings, closings;
- crates/draftloop-core/src/mining/mod.rs: the aggregation into suggestions and their
  instructions (MineOptions defaults: min_support 3, min_length_share 0.3);
- the `similar` crate (2.7.0): `capture_diff_slices` with Algorithm::Myers, i.e. Myers'
  divide and conquer with the middle snake, the Compact hook's clean-up and the Replace
  hook, so the diff ops come out the same, ties included: what a change is classified as
  depends on them. There is no deadline (the Rust side has one of 500 ms per pair, far
  from reached on the benchmark's pairs; examples/mining_analyses runs without).

Where Rust compares 64-bit FNV hashes (sentences, lowercased tokens), this compares the
strings hashed: the same answers but for hash collisions. Word boundaries, alphanumerics
and emoji come from the unicode-segmentation crate's tables (unicode_tables.py, made by
make_unicode_tables.py); upper and lower case from Python's own Unicode data, which may
lag Rust's by a version for characters added since.

Usage:
    fair_miner.py PAIRS.jsonl > report.json       # as `draftloop mine --format json`
    fair_miner.py --analyses PAIRS.jsonl          # as examples/mining_analyses
"""
import bisect
import json
import math
import re
import sys
from collections import Counter

import unicode_tables as ut

sys.setrecursionlimit(100_000)

# ---------------------------------------------------------------------------------------
# Characters as Rust's `char` sees them.

# Rust's char::is_whitespace: the White_Space property (str::trim, split_whitespace).
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_WS_SET = frozenset(WHITE_SPACE)
_NON_WS_RUN = re.compile("[^" + re.escape(WHITE_SPACE) + "]+")


def _ranges(table):
    return [lo for lo, _ in table], [hi for _, hi in table]


_ALPHA = _ranges(ut.ALPHABETIC)
_NUMBER = _ranges(ut.NUMBER)
_PICTO = _ranges(ut.EXTENDED_PICTOGRAPHIC)
_WORD_LO = [lo for lo, _, _ in ut.WORD]
_WORD_HI = [hi for _, hi, _ in ut.WORD]
_WORD_CAT = [c for _, _, c in ut.WORD]


def _in(ranges, cp):
    los, his = ranges
    i = bisect.bisect_right(los, cp) - 1
    return i >= 0 and cp <= his[i]


def is_alnum(c):
    """char::is_alphanumeric: Alphabetic or General_Category=Number."""
    if c < "\x80":
        return c.isalnum()
    cp = ord(c)
    return _in(_ALPHA, cp) or _in(_NUMBER, cp)


def is_ws(c):
    return c in _WS_SET


def trim(s):
    return s.strip(WHITE_SPACE)


def split_whitespace(s):
    return _NON_WS_RUN.findall(s)


def rust_lines(text):
    """str::lines: split at \\n, a \\r before it dropped; no last empty line."""
    if not text:
        return []
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    else:
        # The last line has no \n: its \r (if any) stays.
        last = parts.pop()
        return [p[:-1] if p.endswith("\r") else p for p in parts] + [last]
    return [p[:-1] if p.endswith("\r") else p for p in parts]


def utf8_len(s):
    return len(s) if s.isascii() else len(s.encode("utf-8"))


def round_half_away(x):
    """f64::round: halves away from zero (Python's round() goes to even)."""
    r = math.floor(abs(x))
    if abs(x) - r >= 0.5:
        r += 1
    return math.copysign(r, x)


# ---------------------------------------------------------------------------------------
# Tokens (extract.rs: tokenize, tokenize_ascii, tokenize_pair) and UAX #29 word
# boundaries (unicode-segmentation 1.13.3, UWordBounds::next).

# tokenize_ascii: a run of [A-Za-z0-9_] joined across ' . : between letters and across
# ' . , ; between digits (WB6-7, WB11-12); any other byte but ASCII white space
# (u8::is_ascii_whitespace: no \x0b) is a token of its own.
_ASCII_TOKEN = re.compile(
    r"[A-Za-z0-9_]+(?:(?:(?<=[A-Za-z])['.:](?=[A-Za-z])|(?<=[0-9])['.,;](?=[0-9]))[A-Za-z0-9_]+)*"
    r"|[^ \t\n\x0c\r]")

(ALetter, CR, Double_Quote, Extend, ExtendNumLet, Format, Hebrew_Letter, Katakana, LF,
 MidLetter, MidNum, MidNumLet, Newline, Numeric, Regional_Indicator, Single_Quote,
 WSegSpace, ZWJ) = (ut.WORD_CATS.index(n) for n in (
    "ALetter", "CR", "Double_Quote", "Extend", "ExtendNumLet", "Format", "Hebrew_Letter",
    "Katakana", "LF", "MidLetter", "MidNum", "MidNumLet", "Newline", "Numeric",
    "Regional_Indicator", "Single_Quote", "WSegSpace", "ZWJ"))
Any = -1


def word_cat(c):
    cp = ord(c)
    i = bisect.bisect_right(_WORD_LO, cp) - 1
    return _WORD_CAT[i] if i >= 0 and cp <= _WORD_HI[i] else Any


def _is_pictographic(c):
    return _in(_PICTO, ord(c))


# UWordBoundsState and its FormatExtend subtypes.
(S_START, S_LETTER, S_HLETTER, S_NUMERIC, S_KATAKANA, S_EXTENDNUMLET, S_REGIONAL_HALF,
 S_REGIONAL_FULL, S_ZWJ, S_EMOJI, S_WSEGSPACE) = range(11)
(FE_ACCEPT_NONE, FE_REQUIRE_LETTER, FE_REQUIRE_HLETTER, FE_ACCEPT_QLETTER,
 FE_REQUIRE_NUMERIC) = range(100, 105)


def split_word_bound_indices(text):
    """UnicodeSegmentation::split_word_bound_indices, the forward state machine as the
    crate writes it (with its reading of WB4 and WB3c), char offsets for byte offsets."""
    cats = [word_cat(c) for c in text]
    n = len(text)
    out = []
    pos = 0
    while pos < n:
        take_curr = True
        idx = pos
        saveidx = pos
        state = S_START
        cat = Any
        savecat = Any
        skipped_format_extend = False
        i = pos
        while i < n:
            idx = i
            prev_zwj = cat == ZWJ
            cat = cats[i]
            ch = text[i]
            i += 1
            # WB4: Extend, Format and ZWJ fold into what precedes them.
            if state != S_START and cat in (Extend, Format, ZWJ):
                skipped_format_extend = True
                continue
            # WB3c: ZWJ × Extended_Pictographic.
            if prev_zwj and _is_pictographic(ch):
                state = S_EMOJI
                continue
            if state == S_START:
                if cat == CR:
                    if idx + 1 < n and cats[idx + 1] == LF:  # WB3
                        idx += 1
                    break  # WB3a
                if cat == ALetter:
                    state = S_LETTER
                elif cat == Hebrew_Letter:
                    state = S_HLETTER
                elif cat == Numeric:
                    state = S_NUMERIC
                elif cat == Katakana:
                    state = S_KATAKANA
                elif cat == ExtendNumLet:
                    state = S_EXTENDNUMLET
                elif cat == Regional_Indicator:
                    state = S_REGIONAL_HALF
                elif cat in (LF, Newline):
                    break
                elif cat == ZWJ:
                    state = S_ZWJ
                elif cat == WSegSpace:
                    state = S_WSEGSPACE
                else:
                    if idx + 1 < n and cats[idx + 1] in (Format, Extend, ZWJ):
                        state = FE_ACCEPT_NONE
                        continue
                    break  # WB999
            elif state == S_WSEGSPACE:
                if cat == WSegSpace and not skipped_format_extend:
                    state = S_WSEGSPACE
                else:
                    take_curr = False
                    break
            elif state == S_ZWJ or state == S_EMOJI or state == S_REGIONAL_FULL:
                take_curr = False
                break
            elif state == S_LETTER or state == S_HLETTER:
                if cat == ALetter:
                    state = S_LETTER
                elif cat == Hebrew_Letter:
                    state = S_HLETTER
                elif cat == Numeric:
                    state = S_NUMERIC
                elif cat == ExtendNumLet:
                    state = S_EXTENDNUMLET
                elif cat == Double_Quote and state == S_HLETTER:
                    savecat, saveidx = cat, idx
                    state = FE_REQUIRE_HLETTER
                elif cat == Single_Quote and state == S_HLETTER:
                    state = FE_ACCEPT_QLETTER
                elif cat in (MidLetter, MidNumLet, Single_Quote):
                    savecat, saveidx = cat, idx
                    state = FE_REQUIRE_LETTER
                else:
                    take_curr = False
                    break
            elif state == S_NUMERIC:
                if cat == Numeric:
                    state = S_NUMERIC
                elif cat == ALetter:
                    state = S_LETTER
                elif cat == Hebrew_Letter:
                    state = S_HLETTER
                elif cat == ExtendNumLet:
                    state = S_EXTENDNUMLET
                elif cat in (MidNum, MidNumLet, Single_Quote):
                    savecat, saveidx = cat, idx
                    state = FE_REQUIRE_NUMERIC
                else:
                    take_curr = False
                    break
            elif state == S_KATAKANA:
                if cat == Katakana:
                    state = S_KATAKANA
                elif cat == ExtendNumLet:
                    state = S_EXTENDNUMLET
                else:
                    take_curr = False
                    break
            elif state == S_EXTENDNUMLET:
                if cat == ExtendNumLet:
                    state = S_EXTENDNUMLET
                elif cat == ALetter:
                    state = S_LETTER
                elif cat == Hebrew_Letter:
                    state = S_HLETTER
                elif cat == Numeric:
                    state = S_NUMERIC
                elif cat == Katakana:
                    state = S_KATAKANA
                else:
                    take_curr = False
                    break
            elif state == S_REGIONAL_HALF:
                if cat == Regional_Indicator:
                    state = S_REGIONAL_FULL
                else:
                    take_curr = False
                    break
            else:  # FormatExtend(t)
                t = state
                if t == FE_REQUIRE_NUMERIC and cat == Numeric:
                    state = S_NUMERIC
                elif t in (FE_REQUIRE_LETTER, FE_ACCEPT_QLETTER) and cat == ALetter:
                    state = S_LETTER
                elif t in (FE_REQUIRE_LETTER, FE_ACCEPT_QLETTER) and cat == Hebrew_Letter:
                    state = S_HLETTER
                elif t == FE_REQUIRE_HLETTER and cat == Hebrew_Letter:
                    state = S_HLETTER
                elif t in (FE_ACCEPT_NONE, FE_ACCEPT_QLETTER):
                    take_curr = False
                    break
                else:
                    break  # rewound below
        if state in (FE_REQUIRE_LETTER, FE_REQUIRE_HLETTER, FE_REQUIRE_NUMERIC):
            # Looked for a letter or digit after a mid-word character; none came.
            idx = saveidx
            cat = savecat
            take_curr = False
        if take_curr:
            idx += 1
        out.append((pos, text[pos:idx]))
        pos = idx
    return out


def tokenize(text):
    """extract.rs tokenize: (starts, texts) of the tokens that are not white space."""
    if text.isascii():
        ms = list(_ASCII_TOKEN.finditer(text))
        return [m.start() for m in ms], [m.group() for m in ms]
    starts, texts = [], []
    for s, t in split_word_bound_indices(text):
        if trim(t):
            starts.append(s)
            texts.append(t)
    return starts, texts


def tokenize_pair(draft, final):
    """extract.rs tokenize_pair: the tokens of each text. Rust segments the shared start
    and end of two ASCII texts once, a speed-up that yields the same tokens, and
    segments other texts whole."""
    return tokenize(draft), tokenize(final)


_IS_WORD = {}


def is_word(t):
    """Tok::is_word: any alphanumeric character."""
    r = _IS_WORD.get(t)
    if r is None:
        r = any(is_alnum(c) for c in t)
        _IS_WORD[t] = r
    return r


def is_emoji_char(c):
    """words.rs is_emoji."""
    cp = ord(c)
    return (0x1F300 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x1F000 <= cp <= 0x1F2FF
            or 0x2B00 <= cp <= 0x2BFF or cp == 0xFE0F or cp == 0x200D)


def tok_is_emoji(t):
    return not t.isascii() and any(is_emoji_char(c) for c in t)


_LOWER = {}


def lower_key(t):
    """What lower_hash hashes: the token, each character lowercased on its own
    (char::to_lowercase: no final-sigma rule, unlike str::to_lowercase)."""
    r = _LOWER.get(t)
    if r is None:
        r = t.lower() if t.isascii() else "".join(c.lower() for c in t)
        _LOWER[t] = r
    return r


# ---------------------------------------------------------------------------------------
# similar 2.7.0: capture_diff_slices(Algorithm::Myers, old, new), which runs Myers'
# diff into Compact(Replace(Capture)). Ops are (tag, old_start, old_end, new_start,
# new_end) as DiffOp::as_tag_tuple gives them.

EQUAL, DELETE, INSERT, REPLACE = range(4)


def diff(old, new):
    n, m = len(old), len(new)
    max_d = (n + m + 1) // 2 + 1
    # myers::diff_deadline: one V for each direction, shared by every recursion (as in
    # Rust), offset by the top-level max_d.
    vf = [0] * (2 * max_d + 2)
    vb = [0] * (2 * max_d + 2)
    raw = []  # Compact collects the raw ops: [tag, old_index, old_len, new_index, new_len]
    _conquer(old, 0, n, new, 0, m, vf, vb, max_d, raw)
    _cleanup(old, new, raw)
    return _replace(raw)


def _find_middle_snake(old, os, oe, new, ns, ne, vf, vb, off):
    n = oe - os
    m = ne - ns
    delta = n - m
    odd = delta & 1 == 1
    vf[1 + off] = 0
    vb[1 + off] = 0
    d_max = (n + m + 1) // 2 + 1
    for d in range(d_max):
        # Forward path.
        for k in range(d, -d - 1, -2):
            if k == -d or (k != d and vf[k - 1 + off] < vf[k + 1 + off]):
                x = vf[k + 1 + off]
            else:
                x = vf[k - 1 + off] + 1
            y = x - k
            x0, y0 = x, y
            if x < n and 0 <= y < m:
                # common_prefix_len of old[os+x..oe] and new[ns+y..ne]
                i, j = os + x, ns + y
                while i < oe and j < ne and new[j] == old[i]:
                    i += 1
                    j += 1
                x = i - os
            vf[k + off] = x
            if odd and abs(k - delta) <= d - 1:
                if vf[k + off] + vb[-(k - delta) + off] >= n:
                    return x0 + os, y0 + ns
        # Backward path.
        for k in range(d, -d - 1, -2):
            if k == -d or (k != d and vb[k - 1 + off] < vb[k + 1 + off]):
                x = vb[k + 1 + off]
            else:
                x = vb[k - 1 + off] + 1
            y = x - k
            if x < n and 0 <= y < m:
                # common_suffix_len of old[os..os+n-x] and new[ns..ns+m-y]
                i, j = os + n - x - 1, ns + m - y - 1
                adv = 0
                while i >= os and j >= ns and new[j] == old[i]:
                    i -= 1
                    j -= 1
                    adv += 1
                x += adv
                y += adv
            vb[k + off] = x
            if not odd and abs(k - delta) <= d:
                if vb[k + off] + vf[-(k - delta) + off] >= n:
                    return n - x + os, m - y + ns
    return None  # only when a deadline passes in Rust


def _conquer(old, os, oe, new, ns, ne, vf, vb, off, ops):
    p = 0
    while os + p < oe and ns + p < ne and new[ns + p] == old[os + p]:
        p += 1
    if p > 0:
        ops.append([EQUAL, os, p, ns, p])
    os += p
    ns += p
    s = 0
    while oe - s > os and ne - s > ns and new[ne - 1 - s] == old[oe - 1 - s]:
        s += 1
    oe -= s
    ne -= s
    if os >= oe and ns >= ne:
        pass
    elif ns >= ne:
        ops.append([DELETE, os, oe - os, ns, 0])
    elif os >= oe:
        ops.append([INSERT, os, 0, ns, ne - ns])
    else:
        x, y = _find_middle_snake(old, os, oe, new, ns, ne, vf, vb, off)
        _conquer(old, os, x, new, ns, y, vf, vb, off, ops)
        _conquer(old, x, oe, new, y, ne, vf, vb, off, ops)
    if s > 0:
        ops.append([EQUAL, oe, s, ne, s])


# DiffOp's private adjustments (types.rs), on [tag, old_index, old_len, new_index, new_len].
def _adjust(op, offset, length):
    op[1] += offset
    op[3] += offset
    tag = op[0]
    if tag == EQUAL or tag == REPLACE:
        op[2] += length
        op[4] += length
    elif tag == DELETE:
        op[2] += length
    else:
        op[4] += length


def _empty(op):
    return op[2] == 0 and op[4] == 0


def _prefix_len(old, o0, o1, new, n0, n1):
    if o0 >= o1 or n0 >= n1:
        return 0
    c = 0
    while o0 + c < o1 and n0 + c < n1 and new[n0 + c] == old[o0 + c]:
        c += 1
    return c


def _suffix_len(old, o0, o1, new, n0, n1):
    if o0 >= o1 or n0 >= n1:
        return 0
    c = 0
    while o1 - 1 - c >= o0 and n1 - 1 - c >= n0 and new[n1 - 1 - c] == old[o1 - 1 - c]:
        c += 1
    return c


def _cleanup(old, new, ops):
    """compact.rs cleanup_diff_ops: each delete, then each insert, shifted up and down to
    merge with its like. (A delete's new range is empty, so deletes only swap and merge.)"""
    for tag in (DELETE, INSERT):
        p = 0
        while p < len(ops):
            if ops[p][0] == tag:
                p = _shift_up(ops, old, new, p)
                p = _shift_down(ops, old, new, p)
            p += 1


def _shift_up(ops, old, new, p):
    while p >= 1:
        prev = tuple(ops[p - 1])
        this = tuple(ops[p])
        tt, pt = this[0], prev[0]
        if pt == EQUAL and tt in (INSERT, DELETE):
            s = _suffix_len(old, prev[1], prev[1] + prev[2], new, this[3], this[3] + this[4])
            if s > 0:
                if p + 1 < len(ops) and ops[p + 1][0] == EQUAL:
                    _adjust(ops[p + 1], -s, s)  # grow_left
                else:
                    # For a delete the crate sizes this op oddly (old range's length less
                    # s); unreachable, as s is 0 for a delete, but kept as written.
                    ln = s if tt == INSERT else prev[2] - s
                    ops.insert(p + 1, [EQUAL, prev[1] + prev[2] - s, ln, this[3] + this[4] - s, ln])
                _adjust(ops[p], -s, 0)  # shift_left
                _adjust(ops[p - 1], 0, -s)  # shrink_left
                if _empty(ops[p - 1]):
                    del ops[p - 1]
                    p -= 1
            elif _empty(ops[p - 1]):
                del ops[p - 1]
                p -= 1
            else:
                break
        elif (tt, pt) in ((INSERT, DELETE), (DELETE, INSERT)):
            ops[p - 1], ops[p] = ops[p], ops[p - 1]
            p -= 1
        elif tt == INSERT and pt == INSERT:
            _adjust(ops[p - 1], 0, this[4])  # grow_right
            del ops[p]
            p -= 1
        elif tt == DELETE and pt == DELETE:
            _adjust(ops[p - 1], 0, this[2])
            del ops[p]
            p -= 1
        else:
            raise AssertionError("unexpected tag")
    return p


def _shift_down(ops, old, new, p):
    while p + 1 < len(ops):
        nxt = tuple(ops[p + 1])
        this = tuple(ops[p])
        tt, nt = this[0], nxt[0]
        if nt == EQUAL and tt in (INSERT, DELETE):
            c = _prefix_len(old, nxt[1], nxt[1] + nxt[2], new, this[3], this[3] + this[4])
            if c > 0:
                if p >= 1 and ops[p - 1][0] == EQUAL:
                    _adjust(ops[p - 1], 0, c)  # grow_right
                else:
                    ops.insert(p, [EQUAL, nxt[1], c, this[3], c])
                    p += 1
                _adjust(ops[p], c, 0)  # shift_right
                _adjust(ops[p + 1], c, -c)  # shrink_right
                if _empty(ops[p + 1]):
                    del ops[p + 1]
            elif _empty(ops[p + 1]):
                del ops[p + 1]
            else:
                break
        elif (tt, nt) in ((INSERT, DELETE), (DELETE, INSERT)):
            ops[p], ops[p + 1] = ops[p + 1], ops[p]
            p += 1
        elif tt == INSERT and nt == INSERT:
            _adjust(ops[p], 0, nxt[4])
            del ops[p + 1]
        elif tt == DELETE and nt == DELETE:
            _adjust(ops[p], 0, nxt[2])
            del ops[p + 1]
        else:
            raise AssertionError("unexpected tag")
    return p


def _replace(raw):
    """replace.rs Replace into capture.rs Capture: runs of deletes and inserts between
    equal runs become one replace (or stay a delete or an insert); equal runs merge."""
    out = []
    dl = ins = eq = None

    def flush_eq():
        nonlocal eq
        if eq is not None:
            o, n, ln = eq
            out.append((EQUAL, o, o + ln, n, n + ln))
            eq = None

    def flush_del_ins():
        nonlocal dl, ins
        if dl is not None:
            o, ol, n = dl
            dl = None
            if ins is not None:
                _, n2, nl = ins
                ins = None
                out.append((REPLACE, o, o + ol, n2, n2 + nl))
            else:
                out.append((DELETE, o, o + ol, n, n))
        elif ins is not None:
            o, n, nl = ins
            ins = None
            out.append((INSERT, o, o, n, n + nl))

    for tag, o, ol, n, nl in raw:
        if tag == EQUAL:
            flush_del_ins()
            eq = (eq[0], eq[1], eq[2] + ol) if eq is not None else (o, n, ol)
        elif tag == DELETE:
            flush_eq()
            dl = (dl[0], dl[1] + ol, dl[2]) if dl is not None else (o, ol, n)
        elif tag == INSERT:
            flush_eq()
            ins = (ins[0], ins[1], nl + ins[2]) if ins is not None else (o, n, nl)
        else:
            raise AssertionError("Myers emits no replace")
    flush_eq()
    flush_del_ins()
    return out


# ---------------------------------------------------------------------------------------
# extract.rs: sentences and changes.

def sentences(text, starts, texts):
    """Token ranges of each sentence: one ends after '.', '!' or '?' followed by white
    space or the end of the text, and at a line break (read off the tokens)."""
    n = len(texts)
    tlen = len(text)
    # Only tokens that may end a sentence are looked at: the stops, the last token, and
    # those a line break follows (each checked below as Rust checks every token).
    ends = {i for i, t in enumerate(texts) if t == "." or t == "!" or t == "?"}
    nl = text.find("\n")
    while nl != -1:
        ends.add(bisect.bisect_right(starts, nl) - 1)
        nl = text.find("\n", nl + 1)
    ends.discard(-1)
    if n:
        ends.add(n - 1)
    out = []
    first = 0
    for i in sorted(ends):
        t = texts[i]
        end = starts[i] + len(t)
        nxt = starts[i + 1] if i + 1 < n else tlen
        stop = (t == "." or t == "!" or t == "?") and (
            (end < nxt and text[end] in _WS_SET) or nxt == tlen)
        if stop or i + 1 == n or "\n" in text[end:nxt]:
            out.append((first, i + 1))
            first = i + 1
    return out


class Pair:
    """One pair's tokens, and the bags of lowercased words that `similarity` compares,
    made once per range (Rust sorts hashes afresh on each call; the answer is the same)."""
    __slots__ = ("a_st", "a_tx", "b_st", "b_tx", "bags")

    def __init__(self, a, b):
        self.a_st, self.a_tx = a
        self.b_st, self.b_tx = b
        self.bags = {}

    def bag(self, side, r0, r1):
        k = (side, r0, r1)
        got = self.bags.get(k)
        if got is None:
            texts = self.a_tx if side == 0 else self.b_tx
            words = [lower_key(t) for t in texts[r0:r1] if is_word(t)]
            got = self.bags[k] = (Counter(words), len(words))
        return got


def similarity(p, a0, a1, b0, b1):
    """Share of the longer side's words that the other side also has (case ignored)."""
    ca, na = p.bag(0, a0, a1)
    cb, nb = p.bag(1, b0, b1)
    longer = max(na, nb)
    if longer == 0:
        return 1.0
    if len(ca) > len(cb):
        ca, cb = cb, ca
    shared = 0
    for w, c in ca.items():
        d = cb.get(w)
        if d:
            shared += c if c < d else d
    return shared / longer


def split_by_case(p, o0, o1, n0, n1):
    """A replaced run often hides separate edits that differ only in case: align
    ignoring case, then split the run."""
    ops = diff([lower_key(t) for t in p.a_tx[o0:o1]], [lower_key(t) for t in p.b_tx[n0:n1]])
    if not any(op[0] == EQUAL for op in ops):
        return [(REPLACE, o0, o1, n0, n1)]
    out = []
    for t, a0, a1, b0, b1 in ops:
        if t != EQUAL:
            out.append((t, o0 + a0, o0 + a1, n0 + b0, n0 + b1))
        else:
            # Equal but for case: each token a casing change of its own.
            for i, j in zip(range(o0 + a0, o0 + a1), range(n0 + b0, n0 + b1)):
                if p.a_tx[i] != p.b_tx[j]:
                    out.append((REPLACE, i, i + 1, j, j + 1))
    return out


def word_changes(p, o0, o1, n0, n1, out):
    for t, a0, a1, b0, b1 in diff(p.a_tx[o0:o1], p.b_tx[n0:n1]):
        a0, a1, b0, b1 = o0 + a0, o0 + a1, n0 + b0, n0 + b1
        if t == EQUAL:
            continue
        if t == REPLACE:
            out.extend(split_by_case(p, a0, a1, b0, b1))
        else:
            out.append((t, a0, a1, b0, b1))


MAX_ALIGNED = 64 * 64
PAIRED, CUT, ADDED = range(3)


def align_sentences(p, sa, sb):
    """Pairs the old sentences of a changed run with the new ones they were edited into:
    in order, each pair sharing at least half its words, as many shared words as can be."""
    m, n = len(sa), len(sb)
    if m * n > MAX_ALIGNED:
        return [(i, None) for i in range(m)] + [(None, j) for j in range(n)]
    width = n + 1
    best = [0.0] * ((m + 1) * width)
    came = [ADDED] * ((m + 1) * width)
    for i in range(m + 1):
        for j in range(n + 1):
            here_v, here_s = -math.inf, ADDED
            if i > 0 and j > 0:
                s = similarity(p, *sa[i - 1], *sb[j - 1])
                if s >= 0.5:
                    here_v, here_s = best[(i - 1) * width + j - 1] + s, PAIRED
            if i > 0 and best[(i - 1) * width + j] > here_v:
                here_v, here_s = best[(i - 1) * width + j], CUT
            if j > 0 and best[i * width + j - 1] > here_v:
                here_v, here_s = best[i * width + j - 1], ADDED
            if i + j > 0:
                best[i * width + j] = here_v
                came[i * width + j] = here_s
    steps = []
    i, j = m, n
    while i + j > 0:
        c = came[i * width + j]
        if c == PAIRED:
            steps.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif c == CUT:
            steps.append((i - 1, None))
            i -= 1
        else:
            steps.append((None, j - 1))
            j -= 1
    steps.reverse()
    return steps


def changes(p, sa, sb):
    """Which sentences changed, then which words within changed sentences."""
    ka = [tuple(p.a_tx[s:e]) for s, e in sa]
    kb = [tuple(p.b_tx[s:e]) for s, e in sb]
    la, lb = len(p.a_tx), len(p.b_tx)

    def span_of(ranges, r0, r1, ln):
        if r0 < r1 and r0 < len(ranges) and r1 - 1 < len(ranges):
            return ranges[r0][0], ranges[r1 - 1][1]
        # An empty range sits where the next sentence starts (or at the end).
        return (ranges[r0][0], ranges[r0][0]) if r0 < len(ranges) else (ln, ln)

    out = []
    for tag, s0, s1, t0, t1 in diff(ka, kb):
        if tag == EQUAL:
            continue
        o0, o1 = span_of(sa, s0, s1, la)
        n0, n1 = span_of(sb, t0, t1, lb)
        if tag == DELETE:
            out.extend((DELETE, sa[i][0], sa[i][1], n0, n0) for i in range(s0, s1))
        elif tag == INSERT:
            out.extend((INSERT, o0, o0, sb[i][0], sb[i][1]) for i in range(t0, t1))
        else:
            steps = align_sentences(p, sa[s0:s1], sb[t0:t1])
            paired = any(i is not None and j is not None for i, j in steps)
            if not paired and similarity(p, o0, o1, n0, n1) >= 0.5:
                # Sentences joined or split: their words still line up.
                word_changes(p, o0, o1, n0, n1, out)
                continue
            at_a, at_b = o0, n0
            for i, j in steps:
                if j is None:
                    r = sa[s0 + i]
                    at_a = r[1]
                    out.append((DELETE, r[0], r[1], at_b, at_b))
                elif i is None:
                    r = sb[t0 + j]
                    at_b = r[1]
                    out.append((INSERT, at_a, at_a, r[0], r[1]))
                else:
                    ra, rb = sa[s0 + i], sb[t0 + j]
                    at_a, at_b = ra[1], rb[1]
                    word_changes(p, ra[0], ra[1], rb[0], rb[1], out)
    return out


# ---------------------------------------------------------------------------------------
# words.rs

CONTRACTIONS = [
    ("don't", "do not"), ("doesn't", "does not"), ("didn't", "did not"), ("can't", "cannot"),
    ("won't", "will not"), ("isn't", "is not"), ("aren't", "are not"), ("wasn't", "was not"),
    ("it's", "it is"), ("that's", "that is"), ("we're", "we are"), ("you're", "you are"),
    ("they're", "they are"), ("we'll", "we will"), ("you'll", "you will"), ("i'm", "i am"),
    ("let's", "let us"), ("we've", "we have"), ("you've", "you have"),
]


def contraction(frm, to):
    """True when a contraction is made, False when undone, None otherwise."""
    f = frm.lower().replace("\u2019", "'")
    t = to.lower().replace("\u2019", "'")
    for short, long in CONTRACTIONS:
        if f == long and t == short:
            return True
        if f == short and t == long:
            return False
    return None


SPELLING = [("our", "or"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing"),
            ("isation", "ization"), ("yse", "yze"), ("tre", "ter"), ("ogue", "og"),
            ("elled", "eled"), ("elling", "eling"), ("ence", "ense")]


def spelling_variant(frm, to):
    f, t = frm.lower(), to.lower()
    fl, tl = utf8_len(f), utf8_len(t)  # str::len counts bytes
    if f == t or fl < 4:
        return None
    for uk, us in SPELLING:
        for a, b, direction in ((uk, us, "american"), (us, uk, "british")):
            if fl + len(b) != tl + len(a):
                continue
            if f.endswith(a) and t.endswith(b):
                fs, ts = f[:len(f) - len(a)], t[:len(t) - len(b)]
                if fs == ts and fs:
                    return direction
            # An ending inside the word: colours → colors, organised → organized.
            i = f.find(a)
            if i > 0 and f[:i] + b + f[i + len(a):] == t:
                return direction
    return None


def is_typo(frm, to):
    a, b = frm.lower(), to.lower()
    if a == b or min(len(a), len(b)) < 3:
        return False
    return edit_distance(a, b) <= (2 if max(len(a), len(b)) > 6 else 1)


def edit_distance(a, b):
    """Optimal string alignment distance (adjacent transpositions count once)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


GREETINGS = ["hi", "hello", "dear", "hey", "greetings", "good morning", "good afternoon",
             "good evening"]
CLOSINGS = ["best", "best regards", "kind regards", "regards", "warm regards", "thanks",
            "thank you", "many thanks", "cheers", "sincerely", "yours sincerely",
            "all the best", "talk soon"]


def starts_with_word(line, word):
    """Whether `line` starts with `word` as a whole word ("Hi Sam", not "His plan")."""
    return line.startswith(word) and not (len(line) > len(word) and is_alnum(line[len(word)]))


def is_greeting(line):
    l = trim(line).lower()
    return utf8_len(l) < 60 and any(starts_with_word(l, g) for g in GREETINGS)


def is_closing(line):
    l = trim(line).rstrip(",.!").lower()
    for c in CLOSINGS:
        if l == c:
            return True
        # The sign-off with a short name after a comma ("Thanks, Sam").
        if l.startswith(c) and l[len(c):].startswith(",") and len(split_whitespace(l[len(c) + 1:])) <= 2:
            return True
    return False


# ---------------------------------------------------------------------------------------
# extract.rs: analyze and the rules around it.

class Found:
    __slots__ = ("kind", "key", "details", "weight", "before", "after", "whole_sentence")

    def __init__(self, kind, key, details, weight, before, after, whole_sentence=False):
        self.kind, self.key, self.details, self.weight = kind, key, details, weight
        self.before, self.after, self.whole_sentence = before, after, whole_sentence


def span(text, starts, texts, i, j):
    """The text from token i to token j - 1, as written."""
    if i >= j:
        return ""
    return text[starts[i]:starts[j - 1] + len(texts[j - 1])]


def context(text, starts, texts, frm, to):
    """Up to five tokens of context on each side of a change, as written."""
    return span(text, starts, texts, max(frm - 5, 0), min(to + 5, len(texts)))


def phrase_key(phrase):
    i, j = 0, len(phrase)
    while i < j and not is_alnum(phrase[i]):
        i += 1
    while j > i and not is_alnum(phrase[j - 1]):
        j -= 1
    return " ".join(split_whitespace(phrase[i:j])).lower()


MAX_PHRASE_WORDS = 12
MAX_TERM_WORDS = 3


def lowered(frm, to):
    """Whether `to` has fewer capitals than `from`."""
    return sum(1 for c in to if c.isupper()) < sum(1 for c in frm if c.isupper())


def term(frm, to, weight, before, after):
    return Found("replace_term", f"{frm.lower()}→{to.lower()}", {"from": frm, "to": to},
                 weight, before, after)


def analyze(draft, final):
    p = Pair(*tokenize_pair(draft, final))
    a_st, a_tx, b_st, b_tx = p.a_st, p.a_tx, p.b_st, p.b_tx
    sa, sb = sentences(draft, a_st, a_tx), sentences(final, b_st, b_tx)
    sa_set, sb_set = set(sa), set(sb)
    sentence_starts = {s for s, _ in sb}
    found, edited, edits = [], [], 0
    for tag, o0, o1, n0, n1 in changes(p, sa, sb):
        edits += max(o1 - o0, n1 - n0)
        whole_sentence = tag == DELETE and (o0, o1) in sa_set
        if whole_sentence:
            edited.append({"added": False, "text": span(draft, a_st, a_tx, o0, o1)})
        elif tag == INSERT and (n0, n1) in sb_set:
            edited.append({"added": True, "text": span(final, b_st, b_tx, n0, n1)})
        before = context(draft, a_st, a_tx, o0, o1)
        after = context(final, b_st, b_tx, n0, n1)
        # Punctuation and emoji people take out, character by character; not the hyphens
        # and commas inside words that were replaced or a phrase removed whole. An emoji
        # is never part of a phrase: it counts beside a replaced word too.
        inserted = b_tx[n0:n1]
        a_w = [is_word(t) for t in a_tx[o0:o1]]
        b_w = [is_word(t) for t in inserted]
        words_removed = any(a_w)
        phrase_removed = words_removed and not any(b_w)
        for t, w in zip(a_tx[o0:o1], a_w):
            if w:
                continue
            emoji = tok_is_emoji(t)
            if emoji and not phrase_removed and t not in inserted:
                found.append(Found("emoji", "", {"chars": t}, 1.0, before, after))
            elif (not words_removed and not emoji and t not in inserted
                  and t not in (",", ".", "'", '"')):
                found.append(Found("punctuation", t, {"chars": t}, 1.0, before, after))
        dw = [o0 + i for i, w in enumerate(a_w) if w]
        iw = [n0 + j for j, w in enumerate(b_w) if w]
        frm = draft[a_st[dw[0]]:a_st[dw[-1]] + len(a_tx[dw[-1]])] if dw else ""
        to = final[b_st[iw[0]]:b_st[iw[-1]] + len(b_tx[iw[-1]])] if iw else ""
        weight = float(max(len(dw), len(iw)))
        if dw and iw:
            made = contraction(frm, to)
            if made is not None:
                key = "use" if made else "avoid"
                found.append(Found("contractions", key, {"use": made}, weight, before, after))
            elif frm.lower() == to.lower():
                # A word that now starts a sentence is capitalized by grammar, not taste.
                lower = lowered(frm, to)
                if n0 in sentence_starts and not lower:
                    continue
                key = "lower" if lower else "upper"
                found.append(Found("casing", key, {"to": key}, weight, before, after))
            elif len(dw) == 1 and len(iw) == 1:
                direction = spelling_variant(frm, to)
                if direction is not None:
                    found.append(Found("spelling_variant", direction, {"spelling": direction},
                                       weight, before, after))
                elif not is_typo(frm, to):
                    found.append(term(frm, to, weight, before, after))
            elif len(dw) <= MAX_TERM_WORDS and len(iw) <= MAX_TERM_WORDS:
                found.append(term(frm, to, weight, before, after))
        elif dw and len(dw) <= MAX_PHRASE_WORDS:
            at_start = o0 <= 1
            found.append(Found("remove_phrase", phrase_key(frm),
                               {"phrase": frm.rstrip(",;:"), "position": "start" if at_start else "any"},
                               weight, before, after, whole_sentence))
        elif iw and not dw and len(iw) <= MAX_PHRASE_WORDS:
            at_end = n1 + 1 >= len(b_tx)
            found.append(Found("add_phrase", phrase_key(to),
                               {"phrase": to, "position": "end" if at_end else "any"},
                               weight, before, after))
    draft_words, final_words = len(a_tx), len(b_tx)
    lines(draft, final, found)
    whole(draft, final, draft_words, final_words, found)
    return {"edits": edits, "draft_words": draft_words, "final_words": final_words,
            "found": found, "sentences": edited}


def first_line(text):
    for l in rust_lines(text):
        l = trim(l)
        if l:
            return l
    return ""


def closing_line(text):
    """The sign-off: the last line, or the one before a short signature ("Thanks,\\nSam")."""
    last = [l for l in (trim(x) for x in reversed(rust_lines(text))) if l][:2]
    if last and is_closing(last[0]):
        return last[0]
    if len(last) == 2 and len(split_whitespace(last[0])) <= 3 and is_closing(last[1]):
        return last[1]
    return last[0] if last else ""


def lines(draft, final, found):
    """Greetings and closings are lines; the phrase finds they explain fold into them."""
    cases = [("greeting", first_line(final), first_line(draft), is_greeting),
             ("closing", closing_line(final), closing_line(draft), is_closing)]
    for kind, kept, wrote, is_ in cases:
        if not is_(kept) or phrase_key(kept) == phrase_key(wrote):
            continue
        key, wrote_key = phrase_key(kept), phrase_key(wrote)

        def within(part):
            return part != "" and (part in key or part in wrote_key)

        weight = 0.0
        keep = []
        for f in found:
            if f.kind == "replace_term":
                part = all(within(x) for x in f.key.split("→"))
            elif f.kind in ("add_phrase", "remove_phrase", "punctuation"):
                part = within(f.key)
            else:
                part = False
            if part:
                weight += f.weight
            else:
                keep.append(f)
        found[:] = keep
        found.append(Found(kind, key, {"phrase": kept}, max(weight, 1.0), wrote, kept))


def bullets(text):
    n = 0
    for l in rust_lines(text):
        l = l.lstrip(WHITE_SPACE)
        if l.startswith("- ") or l.startswith("* ") or l.startswith("\u2022 "):
            n += 1
            continue
        head, sep, _ = l.partition(". ")
        if sep and head and all("0" <= c <= "9" for c in head):
            n += 1
    return n


def excerpt(text):
    """The first 160 bytes, back to a character boundary."""
    if text.isascii():
        return text[:160]
    return text.encode("utf-8")[:160].decode("utf-8", errors="ignore")


def whole(draft, final, draft_words, final_words, found):
    """Patterns of the whole text: length and list structure."""
    if draft_words >= 20:
        ratio = final_words / draft_words
        kind = "shorten" if ratio <= 0.85 else "lengthen" if ratio >= 1.15 else None
        if kind:
            if kind == "shorten":
                found[:] = [f for f in found if not f.whole_sentence]
            found.append(Found(kind, "", {"ratio": ratio, "final_words": final_words},
                               float(abs(draft_words - final_words)), excerpt(draft), excerpt(final)))
    added = max(bullets(final) - bullets(draft), 0)
    if added >= 2:
        found.append(Found("to_bullets", "", {"bullets": added}, float(added),
                           excerpt(draft), excerpt(final)))


# ---------------------------------------------------------------------------------------
# mod.rs: Aggregator, Tally, finish, instruction.

MIN_SUPPORT = 3
MIN_LENGTH_SHARE = 0.3
MAX_EXAMPLES = 3


class Tally:
    __slots__ = ("support", "weight", "examples", "first", "ratio_sum", "words_sum",
                 "chars", "mixed_position")

    def __init__(self):
        self.support, self.weight, self.examples, self.first = 0, 0.0, [], None
        self.ratio_sum, self.words_sum, self.chars, self.mixed_position = 0.0, 0.0, set(), False

    def add(self, f):
        self.support += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append({"before": f.before, "after": f.after})
        d = f.details
        ratio, words, chars = d.get("ratio"), d.get("final_words"), d.get("chars")
        self.ratio_sum += float(ratio) if _is_number(ratio) else 0.0
        self.words_sum += float(words) if _is_number(words) else 0.0
        if isinstance(chars, str):
            self.chars.add(chars)
        if self.first is None:
            self.first = d
        else:
            self.mixed_position |= self.first.get("position") != d.get("position")

    def details(self, kind):
        first = dict(self.first) if self.first is not None else {}
        n = float(max(self.support, 1))
        if kind in ("shorten", "lengthen"):
            return {"ratio": round_half_away(self.ratio_sum / n * 100.0) / 100.0,
                    "target_words": round_half_away(self.words_sum / n / 10.0) * 10.0}
        if kind == "emoji":
            return {"chars": "".join(sorted(self.chars))}
        if kind in ("remove_phrase", "add_phrase") and self.mixed_position:
            first["position"] = "any"
        return first


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Aggregator:
    def __init__(self):
        self.pairs, self.distance_sum, self.ratio_sum = 0, 0.0, 0.0
        self.groups = {}  # doc_type → [pairs, edits, {(kind, key): Tally}]

    def add(self, a, doc_type):
        self.pairs += 1
        dw, fw = a["draft_words"], a["final_words"]
        denom = max(dw, fw)
        self.distance_sum += 0.0 if denom == 0 else min(1.0, a["edits"] / denom)
        self.ratio_sum += 1.0 if dw == 0 else fw / dw
        group = self.groups.setdefault(doc_type, [0, 0.0, {}])
        group[0] += 1
        group[1] += float(a["edits"])
        # Support counts pairs: a pattern found twice in one pair counts once.
        seen = set()
        tallies = group[2]
        for f in a["found"]:
            k = (f.kind, f.key)
            tally = tallies.get(k)
            if tally is None:
                tally = tallies[k] = Tally()
            tally.weight += f.weight
            if k not in seen:
                seen.add(k)
                tally.add(f)

    def finish(self):
        n = float(max(self.pairs, 1))
        suggestions = []
        # BTreeMap<Option<String>, _>: no content type first, then by name.
        for doc_type in sorted(self.groups, key=lambda d: (d is not None, d or "")):
            pairs, edits, tallies = self.groups[doc_type]
            total_edits = max(edits, 1.0)
            for (kind, key), tally in tallies.items():
                needed = MIN_SUPPORT
                if kind in ("shorten", "lengthen"):
                    needed = max(needed, math.ceil(MIN_LENGTH_SHARE * pairs))
                if tally.support < needed:
                    continue
                details = tally.details(kind)
                suggestions.append({
                    "kind": kind,
                    "instruction": instruction(kind, details),
                    "support": tally.support,
                    "doc_type": doc_type,
                    "impact": min(tally.weight / total_edits, 1.0),
                    "examples": tally.examples,
                    "details": dict(sorted(details.items())),  # serde_json maps sort keys
                })
        # Rust sorts with a stable sort by impact, support (both descending), instruction;
        # the tallies' HashMap order never decides, as no two in a group share all three.
        suggestions.sort(key=lambda s: (-s["impact"], -s["support"], s["instruction"]))
        return {"pairs": self.pairs, "mean_edit_distance": self.distance_sum / n,
                "mean_length_ratio": self.ratio_sum / n, "suggestions": suggestions}


def display_f64(x):
    """Rust's `{}` for an f64: no '.0' on whole numbers, never an exponent."""
    if x == int(x):
        return str(int(x))
    r = repr(x)
    return r if "e" not in r else format(x, "f")


def instruction(kind, d):
    def s(field):
        v = d.get(field)
        return v if isinstance(v, str) else ""

    def f(field, default):
        v = d.get(field)
        return float(v) if _is_number(v) else default

    if kind == "replace_term":
        return f"Replace '{s('from')}' with '{s('to')}'."
    if kind == "remove_phrase":
        if d.get("position") == "start":
            return f"Don't open with '{s('phrase')}'."
        return f"Don't write '{s('phrase')}'."
    if kind == "add_phrase":
        if d.get("position") == "end":
            return f"End with '{s('phrase')}'."
        return f"Include '{s('phrase')}'."
    if kind == "shorten":
        return (f"Drafts are cut to about {f('ratio', 1.0) * 100.0:.0f}% of their length: "
                f"keep it to about {display_f64(f('target_words', 0.0))} words.")
    if kind == "lengthen":
        return (f"Drafts are grown to about {f('ratio', 1.0) * 100.0:.0f}% of their length: "
                f"write about {display_f64(f('target_words', 0.0))} words.")
    if kind == "to_bullets":
        return "Use bullet points for lists of items."
    if kind == "punctuation":
        return "Don't use exclamation marks." if s("chars") == "!" else f"Avoid '{s('chars')}'."
    if kind == "emoji":
        return "Don't use emoji."
    if kind == "casing":
        if s("to") == "lower":
            return "Use sentence case: don't capitalize ordinary words."
        return "Capitalize names and headings as people do."
    if kind == "contractions":
        if d.get("use") is True:
            return "Use contractions (don't, it's, we're)."
        return "Avoid contractions: write 'do not', 'it is'."
    if kind == "greeting":
        return f"Open with '{s('phrase')}'."
    if kind == "closing":
        return f"Close with '{s('phrase')}'."
    if kind == "spelling_variant":
        if s("spelling") == "american":
            return "Use American spelling (color, organize)."
        return "Use British spelling (colour, organise)."
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------

def read_pairs(path):
    """The JSONL file's pairs as the CLI reads them: lines split at \\n only, blank ones
    skipped."""
    with open(path, encoding="utf-8", newline="\n") as fh:
        for n, line in enumerate(fh, 1):
            if not trim(line):
                continue
            try:
                pair = json.loads(line)
                yield pair["draft"], pair["final"], pair.get("doc_type")
            except (ValueError, KeyError, TypeError) as e:
                sys.exit(f"line {n}: not a {{\"draft\", \"final\"}} object: {e}")


def analysis_record(a):
    """One line of examples/mining_analyses."""
    return {
        "edits": a["edits"], "draft_words": a["draft_words"], "final_words": a["final_words"],
        "found": [{"kind": f.kind, "key": f.key, "details": f.details, "weight": f.weight,
                   "before": f.before, "after": f.after, "whole_sentence": f.whole_sentence}
                  for f in a["found"]],
        "sentences": a["sentences"],
    }


def main(argv):
    args = argv[1:]
    analyses = "--analyses" in args
    args = [x for x in args if x != "--analyses"]
    if len(args) != 1:
        sys.exit("usage: fair_miner.py [--analyses] PAIRS.jsonl")
    out = sys.stdout
    if analyses:
        for draft, final, _ in read_pairs(args[0]):
            rec = analysis_record(analyze(draft, final))
            out.write(json.dumps(rec, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
        return
    agg = Aggregator()
    for draft, final, doc_type in read_pairs(args[0]):
        if isinstance(doc_type, str):
            doc_type = trim(doc_type).lower() or None
        else:
            doc_type = None
        agg.add(analyze(draft, final), doc_type)
    out.write(json.dumps(agg.finish(), ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv)
