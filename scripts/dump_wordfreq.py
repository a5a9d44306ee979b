#!/usr/bin/env python3
"""Dump the Arabic word frequencies of the `wordfreq` wheel as `word<TAB>centibels` lines, the
input of `cargo run --release --example gen_word_classes` (which writes data/word_classes.tsv).

usage: pip download --no-deps wordfreq==3.1.1 -d /tmp/wordfreq
       pip install msgpack
       python3 scripts/dump_wordfreq.py /tmp/wordfreq/wordfreq-3.1.1-py3-none-any.whl > /tmp/ar_freq.tsv

Source: the `wordfreq` 3.1.1 wheel (PyPI; code Apache-2.0 by Robyn Speer; its word lists under
CC BY-SA 4.0), file `wordfreq/data/large_ar.msgpack.gz`: 620,701 Arabic words with their
frequency across Wikipedia, subtitles (OpenSubtitles 2018), news, web text and Twitter, as
"centibels" (a word of bucket i has frequency 10^(-i/100)). Written in the list's own order
(most frequent first), so the same wheel gives the same bytes.
"""
import gzip
import io
import sys
import zipfile

import msgpack

MEMBER = "wordfreq/data/large_ar.msgpack.gz"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with zipfile.ZipFile(sys.argv[1]) as z:
        raw = z.read(MEMBER)
    data = msgpack.unpackb(gzip.decompress(raw), raw=False)
    header, buckets = data[0], data[1:]
    if header.get("format") != "cB":
        sys.exit(f"dump_wordfreq: {MEMBER}: unexpected format {header!r}")
    out = io.StringIO()
    for cb, words in enumerate(buckets):
        for w in words:
            if "\t" in w or "\n" in w:
                continue
            out.write(f"{w}\t{cb}\n")
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main()
