#!/usr/bin/env bash
# Issue 13's benchmark runner: every figure the issue names, at 100k articles, in one markdown
# table (figure | goal | measured | met?). Not part of CI: timings never decide a test.
#
#   scripts/bench_scale.sh            the 100k corpus (made if missing; ≲ 20 min)
#   scripts/bench_scale.sh --quick    a 10k subset of it (a few minutes), to try the runner
#   scripts/bench_scale.sh --growth   build time, index size, RSS, search p50/p99 and the entity
#                                     pass at 10k, 30k and 100k (GROWTH_SIZES="10 30 100")
#
# Environment (all optional):
#   QARI_BENCH_CORPUS  the 100k corpus       (default $QARI_BENCH_DIR/corpus100k; made with
#                      ../shared/tools/make_corpus.py when missing; a copy made with
#                      `cp -al /tmp/corpus100k DIR` works too: the runner never writes through
#                      a corpus file, it replaces files by renaming)
#   QARI_BENCH_DIR     scratch folder: caches, state, subsets, the JSON for tantivy-cli
#                      (default /tmp/qari-bench); the user's own cache is never touched
#   QARI_BIN           the qari binary to measure (default: cargo build --release here)
#   TANTIVY_CLI        the tantivy-cli binary (default: `tantivy` on PATH, else
#                      /work/tantivy-cli/bin/tantivy; install: cargo install tantivy-cli --root DIR)
#   RUNS (10)          ptyprobe runs per figure;  PAIRS (2)  qari/tantivy-cli build pairs
#   CARGO_TARGET_DIR   as for cargo
#
# Needs: python3 with pyte (pip install pyte), /usr/bin/time, less.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${QARI_SHARED:-$repo/../shared}
util="python3 $here/bench_scale_util.py"
work=${QARI_BENCH_DIR:-/tmp/qari-bench}
corpus100=${QARI_BENCH_CORPUS:-$work/corpus100k}
runs=${RUNS:-10}
pairs=${PAIRS:-2}
mode=full
case "${1:-}" in
  --quick) mode=quick ;;
  --growth) mode=growth ;;
  "") ;;
  *) sed -n '2,24p' "$0"; exit 2 ;;
esac
mkdir -p "$work"
export QARI_CONFIG_DIR=$work/config   # an empty config: the user's config.toml is not read
mkdir -p "$QARI_CONFIG_DIR"
log=$work/run.log
: > "$log"
say() { echo "bench_scale: $*" >&2; }

# ---- corpus ------------------------------------------------------------------------------
if [ ! -d "$corpus100" ]; then
  say "making the 100k corpus in $corpus100 (make_corpus.py, a few minutes)"
  python3 "$shared/tools/make_corpus.py" "$corpus100" --articles 100000 --seeds "$repo/seeds" >&2
fi
# The first N thousand articles (N folders of 1,000), hard links to the 100k corpus.
subset() {
  local n=$1 dir=$work/corpus${1}k
  if [ "$n" -ge 100 ]; then echo "$corpus100"; return; fi
  if [ ! -d "$dir" ] || [ "$(ls "$dir" | wc -l)" -ne "$n" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    for f in $(ls "$corpus100" | grep -E '^[0-9]+$' | sort | head -n "$n"); do
      cp -al "$corpus100/$f" "$dir/$f"
    done
  fi
  echo "$dir"
}

# ---- binaries ----------------------------------------------------------------------------
target=${CARGO_TARGET_DIR:-$repo/target}
if [ -z "${QARI_BIN:-}" ]; then
  say "building qari (release)"
  (cd "$repo" && nice -n 10 cargo build --release --quiet)
  QARI_BIN=$target/release/qari
fi
say "building the scale bench"
(cd "$repo" && nice -n 10 cargo bench --bench scale --no-run --quiet 2>>"$log")
tantivy=${TANTIVY_CLI:-$(command -v tantivy || echo /work/tantivy-cli/bin/tantivy)}
command -v "$tantivy" >/dev/null 2>&1 || tantivy=""

# ---- measuring helpers -------------------------------------------------------------------
# timed OUT CMD...: wall seconds and peak RSS (KiB) of CMD into OUT as "secs kib".
timed() {
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$out.time" "$@" >>"$log" 2>&1 || true
  tail -n 1 "$out.time" > "$out"
}
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }'; }   # KiB -> MB (10^6 bytes)
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
index_of() { find "$1" -mindepth 2 -maxdepth 2 -type d | grep -v /state | head -n 1; }
# q CACHE ARGS...: qari on the corpus in $corpus with its own cache and state.
q() {
  local cache=$1; shift
  QARI_CACHE_DIR=$cache QARI_STATE_DIR=$cache/state "$QARI_BIN" --corpus "$corpus" "$@"
}
# The text pass from nothing: `qari search` builds the text index only (no entity pass).
text_build() {
  rm -rf "$1"; mkdir -p "$1"
  QARI_CACHE_DIR=$1 QARI_STATE_DIR=$1/state timed "$2" "$QARI_BIN" --corpus "$corpus" search --count موسكو
}
entity_pass() {   # cache, out: `qari index` on a built text index = the entity pass (2 workers)
  local idx; idx=$(index_of "$1"); [ -n "$idx" ] && rm -rf "$idx"/entities-*
  QARI_CACHE_DIR=$1 QARI_STATE_DIR=$1/state timed "$2" "$QARI_BIN" --corpus "$corpus" index
  grep -o 'entities: .*; [0-9.]* s' "$log" | tail -n 1 | sed 's/.*; \([0-9.]*\) s/\1/' > "$2.inner"
}
search_rss() {    # cache, out: the largest peak of five `qari search` runs (KiB)
  local max=0
  for query in موسكو "وزير الخارجية" place:روسيا كونداليزا "بوت*"; do
    QARI_CACHE_DIR=$1 QARI_STATE_DIR=$1/state timed "$work/s" "$QARI_BIN" --corpus "$corpus" search $query
    read -r _ k < "$work/s"; [ "$k" -gt "$max" ] && max=$k
    echo "search $query: $(cat "$work/s")" >> "$log"
  done
  echo "$max" > "$2"
}
scale_bench() {   # cache -> the `scale: NAME VALUE` lines of benches/scale.rs
  (cd "$repo" && QARI_BENCH_CORPUS=$corpus QARI_BENCH_CACHE=$1 cargo bench --bench scale --quiet 2>>"$log") \
    | grep '^scale: ' > "$work/scale.out"
}
fig() { awk -v n="$1" '$2 == n { print $3 }' "$work/scale.out"; }
probe() {         # out, ptyprobe args...
  local out=$1; shift
  python3 "$shared/tools/ptyprobe.py" --cols 120 --rows 40 "$@" > "$out" 2>>"$log" || true
}
probe24() {       # the same at 120x24 (the zoom against less)
  local out=$1; shift
  python3 "$shared/tools/ptyprobe.py" --cols 120 --rows 24 "$@" > "$out" 2>>"$log" || true
}
met() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 <= b + 0) ? "met" : "**not met**" }'; }

# ---- growth mode -------------------------------------------------------------------------
if [ "$mode" = growth ]; then
  echo "| articles | corpus MB | text pass s | text pass peak MB | text index MB | entity pass s | entity pass peak MB | \`qari search\` peak MB | stat scan ms | search p50 / p99 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for n in ${GROWTH_SIZES:-10 30 100}; do
    corpus=$(subset "$n")
    cache=$work/cache-growth
    say "growth: ${n}k"
    text_build "$cache" "$work/tb"; read -r tb_s tb_k < "$work/tb"
    entity_pass "$cache" "$work/ep"; read -r _ ep_k < "$work/ep"
    search_rss "$cache" "$work/sr"
    scale_bench "$cache"
    idx=$(index_of "$cache")
    [ -n "$idx" ] || { say "no index was built; see $log"; exit 1; }
    printf "| %s | %.0f | %s | %s | %.0f | %s | %s | %s | %s | %s / %s |\n" \
      "$(fig files)" "$(echo "$(bytes_of "$corpus") / 1000000" | bc -l)" "$tb_s" "$(mb "$tb_k")" \
      "$(echo "$(bytes_of "$idx/tantivy") / 1000000" | bc -l)" "$(cat "$work/ep.inner")" "$(mb "$ep_k")" \
      "$(mb "$(cat "$work/sr")")" "$(fig stat_ms)" "$(fig search_p50_ms)" "$(fig search_p99_ms)"
  done
  rm -rf "$work/cache-growth"
  exit 0
fi

# ---- the figures of issue 13 -------------------------------------------------------------
if [ "$mode" = quick ]; then corpus=$(subset 10); else corpus=$corpus100; fi
articles=$(find "$corpus" -name '*.txt' | wc -l)
corpus_bytes=$(bytes_of "$corpus")
cache=$work/cache
say "corpus $corpus: $articles articles, $corpus_bytes bytes; load: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. The text pass, side by side with tantivy-cli (same titles and bodies, default tokenizer,
#    2 threads, its default memory budget), alternating; the last qari cache is kept.
jsonl=$work/$(basename "$corpus").jsonl
if [ -n "$tantivy" ] && [ ! -s "$jsonl" ]; then
  say "writing $jsonl for tantivy-cli"
  $util jsonl "$corpus" "$jsonl" >> "$log"
fi
q_times=(); q_rss=(); t_times=(); t_rss=(); ratios_t=(); ratios_m=()
for i in $(seq "$pairs"); do
  say "text pass, pair $i of $pairs"
  text_build "$cache" "$work/tb"; read -r qs qk < "$work/tb"
  q_times+=("$qs"); q_rss+=("$qk")
  if [ -n "$tantivy" ]; then
    rm -rf "$work/tantivy-idx"; $util tantivy-meta "$work/tantivy-idx"
    timed "$work/tt" "$tantivy" index -i "$work/tantivy-idx" -f "$jsonl" -t 2
    read -r ts tk < "$work/tt"
    t_times+=("$ts"); t_rss+=("$tk")
    ratios_t+=("$(echo "$qs / $ts" | bc -l)"); ratios_m+=("$(echo "$qk / $tk" | bc -l)")
  fi
  echo "pair $i: qari $qs s $qk KiB; tantivy-cli ${ts:-} s ${tk:-} KiB" >> "$log"
done
idx=$(index_of "$cache")
[ -n "$idx" ] || { say "no index was built; see $log"; exit 1; }
text_index_bytes=$(bytes_of "$idx/tantivy")

# 2. Launch while the entity pass starts (text index only: each run quits long before the pass
#    could finish, so the next run starts it again).
marker="Articles ($articles)"
rm -rf "$work/probe"; mkdir -p "$work/probe"
for i in $(seq "$runs"); do
  rm -rf "$cache/state"
  QARI_CACHE_DIR=$cache QARI_STATE_DIR=$cache/state probe "$work/probe/pending$i.json" \
    --marker "$marker" --keys "q" -- "$QARI_BIN" --corpus "$corpus"
done
read -r lp_med lp_p95 lp_max lp_ok lp_n <<< "$($util launch "$work"/probe/pending*.json)"

# 3. The entity pass as `qari index` runs it (two workers), then `qari search`'s peak RSS.
say "entity pass"
entity_pass "$cache" "$work/ep"; read -r ep_s ep_k < "$work/ep"
ep_inner=$(cat "$work/ep.inner")
search_rss "$cache" "$work/sr"; sr_k=$(cat "$work/sr")

# 4. The reader's peak while its own background entity pass runs on a fresh entity cache: open,
#    read, search, then wait for the pass (one worker: ~2.5x the two-worker time). C-c quits
#    from anywhere, so /usr/bin/time sees the reader end and writes its peak.
say "reader during the entity pass"
rm -rf "$idx"/entities-* "$cache/state"
wait_ms=$(awk -v s="$ep_s" 'BEGIN { printf "%d", (s * 2.5 + 10) * 1000 }')
QARI_CACHE_DIR=$cache QARI_STATE_DIR=$cache/state probe "$work/probe/entity.json" \
  --timeout $((wait_ms / 1000 + 60)) --marker "$marker" \
  --quiet-ms 100 --keys "wait:1000 Enter wait:300 j j j j Space wait:100 q wait:200 / م و س ك و wait:300 Esc Esc wait:$wait_ms C-c" \
  -- /usr/bin/time -f "%M" -o "$work/entity.rss" "$QARI_BIN" --corpus "$corpus"
er_k=$(tail -n 1 "$work/entity.rss" 2>/dev/null || echo 0)
if ls -d "$idx"/entities-* >/dev/null 2>&1; then er_done="pass finished"; else er_done="pass not finished in the wait"; fi
q "$cache" index >> "$log" 2>&1   # whatever the reader left undone

# 5. The reader on the built indexes: launch, open the newest article and read it (three panes,
#    then zoomed with z), back to the list, search as you type. Each run: a fresh state dir; its
#    peak RSS from /usr/bin/time. A key is done when the program was quiet for 100 ms.
say "reader, $runs runs"
keys="wait:800 Enter wait:300 j j j j j j j j j j Space Space wait:100 z wait:300 j j j j j j j j j j Space Space wait:100 z wait:100 q wait:200 / م و س ك و Space ا ل ر wait:300 Esc Esc wait:100 C-c"
rss=()
for i in $(seq "$runs"); do
  rm -rf "$cache/state"
  QARI_CACHE_DIR=$cache QARI_STATE_DIR=$cache/state probe "$work/probe/warm$i.json" \
    --quiet-ms 100 --marker "$marker" --keys "$keys" -- /usr/bin/time -f "%M" -o "$work/warm$i.rss" "$QARI_BIN" --corpus "$corpus"
  rss+=("$(tail -n 1 "$work/warm$i.rss" 2>/dev/null || echo 0)")
done
read -r lw_med lw_p95 lw_max lw_ok lw_n <<< "$($util launch "$work"/probe/warm*.json)"
$util keys "$work"/probe/warm*.json > "$work/keys.out"
key() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$work/keys.out"; }
read -r rss_med _ rss_max _ <<< "$($util stats "${rss[@]}")"

# less on the article the reader opened (the first of the list sorted newest first: the latest
# full date, the first such in path order), for the bytes of a one-line scroll.
first=$(q "$cache" list --json 2>/dev/null | python3 -c 'import json,sys
dated = [a for a in json.load(sys.stdin) if (a["date"] or "")[:4].isdigit()]
print(max(dated, key=lambda a: a["date"][:10])["path"])')
# Zoomed qari against less, one-line scrolls of that same article at 120x24: at 40 rows a
# newswire article can fit on one screen, and a scroll that moves nothing proves nothing. Each
# key waits for 100 ms of quiet, so one key's bytes are not counted with the next one's.
j10="j j j j j j j j j j"
probe24 "$work/probe/less.json" --quiet-ms 100 --keys "wait:300 $j10 q" -- env -u LESS less "$first"
rm -rf "$cache/state"
QARI_CACHE_DIR=$cache QARI_STATE_DIR=$cache/state probe24 "$work/probe/zoom24.json" --quiet-ms 100 \
  --marker "$marker" --keys "wait:800 Enter wait:300 z wait:300 $j10 wait:100 C-c" -- "$QARI_BIN" --corpus "$corpus"
jbytes() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); b=sorted(k["bytes"] for k in d["keys"] if k["key"] == "j")
print(b[len(b)//2] if b else 0)' "$1"; }
less_b=$(jbytes "$work/probe/less.json")
zoom_b=$(jbytes "$work/probe/zoom24.json")
[ "$less_b" -lt 100 ] && echo "warning: less wrote $less_b B per j: does $first fit on 24 rows?" >&2

# 6. In process (benches/scale.rs): stat scan, search p50/p99, the reader's refresh after one
#    changed file and after 1,000 added files.
say "in-process figures"
scale_bench "$cache"

# ---- the table ---------------------------------------------------------------------------
tk_med=0; tt_med=0; rt=0; rm_=0
if [ -n "$tantivy" ]; then
  read -r tt_med _ _ _ <<< "$($util stats "${t_times[@]}")"
  read -r tk_med _ _ _ <<< "$($util stats "${t_rss[@]}")"
  read -r rt _ _ _ <<< "$(printf '%s\n' "${ratios_t[@]}" | awk '{ printf "%.3f ", $1 }' | xargs $util stats)"
  read -r rm_ _ _ _ <<< "$(printf '%s\n' "${ratios_m[@]}" | awk '{ printf "%.3f ", $1 }' | xargs $util stats)"
fi
# stats prints one decimal; the ratios need two: recompute them as medians here.
med2() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
[ -n "$tantivy" ] && { rt=$(med2 "${ratios_t[@]}"); rm_=$(med2 "${ratios_m[@]}"); }
read -r qt_med _ _ _ <<< "$($util stats "${q_times[@]}")"
read -r qk_med _ _ _ <<< "$($util stats "${q_rss[@]}")"
size_ratio=$(echo "$text_index_bytes / $corpus_bytes" | bc -l)
all_index_bytes=$(bytes_of "$idx")

echo
echo "Corpus: $corpus ($articles articles, $(printf %.0f "$(echo "$corpus_bytes / 1000000" | bc -l)") MB); $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); binary: $QARI_BIN"
echo
echo "| figure | goal | measured | met? |"
echo "|---|---|---|---|"
echo "| launch → first full frame, indexes built ($lw_n runs, 120×40) | ≤ 50 ms in every run | median $lw_med ms, p95 $lw_p95 ms, max $lw_max ms; $lw_ok of $lw_n runs ≤ 50 ms | $( [ "$lw_ok" = "$lw_n" ] && echo met || echo '**not met**') |"
echo "| launch → first full frame while the entity pass starts ($lp_n runs) | ≤ 50 ms in every run | median $lp_med ms, p95 $lp_p95 ms, max $lp_max ms; $lp_ok of $lp_n runs ≤ 50 ms | $( [ "$lp_ok" = "$lp_n" ] && echo met || echo '**not met**') |"
echo "| \`j\` in the reader, three panes: key → quiet ($(key j 5) keys, $(key j 6) silent) | median ≤ 2 ms, p95 ≤ 5 ms | median $(key j 2) ms, p95 $(key j 3) ms | $(met "$(key j 2)" 2) / $(met "$(key j 3)" 5) |"
echo "| bytes per \`j\`, three panes | only cells that change | median $(key j 4) B (less at 120×24: $less_b B) | reported |"
echo "| \`j\` after \`z\` (reader alone): key → quiet ($(key j_zoom 5) keys, $(key j_zoom 6) silent) | median ≤ 2 ms, p95 ≤ 5 ms | median $(key j_zoom 2) ms, p95 $(key j_zoom 3) ms | $(met "$(key j_zoom 2)" 2) / $(met "$(key j_zoom 3)" 5) |"
echo "| bytes per \`j\` after \`z\`, the newest article at 120×24 | ≤ 2× less on it ($less_b B: $((2 * less_b)) B) | median $zoom_b B | $(met "$zoom_b" $((2 * less_b))) |"
echo "| Space (page) in the reader: bytes, three panes / after \`z\` | ≤ one screen of cells (4,800) | median $(key page 4) B / $(key page_zoom 4) B; $(key page 2) / $(key page_zoom 2) ms | reported |"
echo "| search keystroke, 50 hits ($(key search 5) keys, $(key search 6) silent) | ≤ 20 ms | median $(key search 2) ms, p95 $(key search 3) ms | $(met "$(key search 3)" 20) (p95) |"
echo "| search in process, 1–3 words, 20 hits with snippets ($(fig search_queries) queries) | p99 ≤ 5 ms | p50 $(fig search_p50_ms) ms, p99 $(fig search_p99_ms) ms | $(met "$(fig search_p99_ms)" 5) |"
echo "| reader peak RSS after open + search + read ($runs runs) | ≤ 100 MB | median $(mb "$rss_med") MB, max $(mb "$rss_max") MB | $(met "$(mb "$rss_max")" 100) |"
echo "| reader peak RSS with its entity pass running, fresh entity cache ($er_done) | ≤ 150 MB | $(mb "$er_k") MB | $(met "$(mb "$er_k")" 150) |"
echo "| \`qari search\` peak RSS (largest of 5 queries) | ≤ 30 MB | $(mb "$sr_k") MB | $(met "$(mb "$sr_k")" 30) |"
echo "| relaunch after one changed file (the reader's refresh: full check, re-index, re-tag) | ≤ 1 s | $(fig changed1_ms) ms | $(met "$(fig changed1_ms)" 1000) |"
echo "| relaunch after 1,000 added files | ≤ 3 s | $(fig added1000_ms) ms | $(met "$(fig added1000_ms)" 3000) |"
echo "| stat scan of $(fig files) files (\`corpus::scan_dir\`, median of 7) | ≤ 300 ms | $(fig stat_ms) ms | $(met "$(fig stat_ms)" 300) |"
echo "| entity pass (\`qari index\` on the text index, 2 workers) | ≤ 60 s | $ep_inner s (process $ep_s s; peak $(mb "$ep_k") MB, counting the text index files it maps to verify their checksums) | $(met "$ep_inner" 60) |"
if [ -n "$tantivy" ]; then
echo "| text pass, time vs tantivy-cli ($pairs pairs, alternating) | ≤ 0.8× | qari $qt_med s, tantivy-cli $tt_med s: **${rt}×** | $(met "$rt" 0.8) |"
echo "| text pass, peak RSS vs tantivy-cli | ≤ 1.0× | qari $(mb "$qk_med") MB, tantivy-cli $(mb "$tk_med") MB: **${rm_}×** | $(met "$rm_" 1.0) |"
echo "| index on disk vs corpus | ≤ 1× | text index $(printf %.0f "$(echo "$text_index_bytes / 1000000" | bc -l)") MB = $(printf %.2f "$size_ratio")× (with entities and catalog $(printf %.0f "$(echo "$all_index_bytes / 1000000" | bc -l)") MB; tantivy-cli $(printf %.0f "$(echo "$(bytes_of "$work/tantivy-idx") / 1000000" | bc -l)") MB) | $(met "$size_ratio" 1) |"
else
echo "| text pass time and peak RSS | ≤ 0.8× / ≤ 1.0× tantivy-cli | qari $qt_med s, $(mb "$qk_med") MB; tantivy-cli not installed | — |"
echo "| index on disk vs corpus | ≤ 1× | text index $(printf %.2f "$size_ratio")× | $(met "$size_ratio" 1) |"
fi
