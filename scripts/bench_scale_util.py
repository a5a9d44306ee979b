#!/usr/bin/env python3
"""Small helpers of scripts/bench_scale.sh (issue 13's benchmark runner).

  bench_scale_util.py jsonl CORPUS OUT       the corpus as tantivy-cli documents, one JSON object
                                             a line: {"title": first line, "body": the rest}
  bench_scale_util.py tantivy-meta DIR       an empty tantivy index in DIR (meta.json) with the
                                             fields title and body: text, default tokenizer,
                                             positions, stored (as qari's title and body)
  bench_scale_util.py launch FILE...         ptyprobe outputs -> "median p95 max n_le_50 n"
                                             of ready_ms
  bench_scale_util.py keys FILE...           ptyprobe outputs of the reader sequence -> one line
                                             per kind of key: "KIND median_ms p95_ms
                                             median_bytes n silent"
  bench_scale_util.py stats VALUE...         "median p95 max n" of numbers
"""
import json
import math
import os
import sys


def pct(values, p):
    """The p-quantile by the nearest rank (p95 of 10 runs: the 10th, of 100: the 95th)."""
    v = sorted(values)
    if not v:
        return float("nan")
    return v[max(0, math.ceil(p * len(v)) - 1)]


def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return float("nan")
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def jsonl(corpus, out):
    """Every .txt article of the corpus (sorted paths), title and body as qari reads them."""
    n = 0
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for root, dirs, files in os.walk(corpus):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(".txt"):
                    continue
                with open(os.path.join(root, name), encoding="utf-8", errors="replace") as a:
                    text = a.read()
                title, _, body = text.partition("\n")
                f.write(json.dumps({"title": title.strip(), "body": body.strip()},
                                   ensure_ascii=False))
                f.write("\n")
                n += 1
    os.replace(tmp, out)
    print(n)


def tantivy_meta(d):
    text = {
        "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "default"},
        "stored": True,
        "fast": False,
    }
    meta = {
        "index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
        "segments": [],
        "schema": [
            {"name": "title", "type": "text", "options": text},
            {"name": "body", "type": "text", "options": text},
        ],
        "opstamp": 0,
    }
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f)


def load(files):
    out = []
    for p in files:
        try:
            with open(p) as f:
                out.append(json.load(f))
        except (OSError, ValueError):
            pass
    return out


def launch(files):
    ready = [d["ready_ms"] for d in load(files) if d.get("ready_ms") is not None]
    print("%.1f %.1f %.1f %d %d" % (median(ready), pct(ready, 0.95), max(ready or [0]),
                                    sum(r <= 50 for r in ready), len(ready)))


def keys(files):
    """Kinds by where a key falls in the sequence: `j`/`Space` after Enter (reader), after the
    first `z` (zoomed reader), typed after `/` (search, until Esc, or Enter, which opens the first
    hit in the reader)."""
    kinds = {}
    for d in load(files):
        mode = "list"
        for k in d.get("keys", []):
            name = k["key"]
            if mode == "search":
                if name in ("Esc", "Enter"):
                    mode = "list" if name == "Esc" else "reader"
                    continue
                kinds.setdefault("search", []).append(k)
                continue
            if name == "/":
                mode = "search"
            elif name == "Enter":
                mode = "reader"
            elif name == "z" and mode in ("reader", "zoom"):
                mode = "zoom" if mode == "reader" else "reader"
            elif name == "q":
                mode = "list"
            elif mode in ("reader", "zoom") and name in ("j", "Space"):
                kind = ("page" if name == "Space" else "j") + ("_zoom" if mode == "zoom" else "")
                kinds.setdefault(kind, []).append(k)
    # A key that wrote nothing within the quiet window (or at all) has no time: it is counted
    # apart ("silent"), never as 0 ms.
    for kind in ("j", "page", "j_zoom", "page_zoom", "search"):
        ks = [k for k in kinds.get(kind, []) if k["bytes"] > 0]
        silent = len(kinds.get(kind, [])) - len(ks)
        ms = [k["ms"] for k in ks]
        by = [k["bytes"] for k in ks]
        if ks:
            print("%s %.2f %.2f %d %d %d" % (kind, median(ms), pct(ms, 0.95), median(by), len(ks),
                                             silent))


def stats(values):
    v = [float(x) for x in values]
    print("%.1f %.1f %.1f %d" % (median(v), pct(v, 0.95), max(v or [0]), len(v)))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "jsonl":
        jsonl(*args)
    elif cmd == "tantivy-meta":
        tantivy_meta(*args)
    elif cmd == "launch":
        launch(args)
    elif cmd == "keys":
        keys(args)
    elif cmd == "stats":
        stats(args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
