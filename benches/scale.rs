//! In-process figures of issue 13 for `scripts/bench_scale.sh` (a bench binary, not a test:
//! timings never decide pass/fail). It needs a corpus whose text and entity indexes are already
//! built in `QARI_BENCH_CACHE` (the script builds them with the `qari` binary first), and prints
//! one `scale: NAME VALUE` line per figure for the script to read:
//!
//! - `stat_ms`: the stat scan of every file (`corpus::scan_dir`, what a full freshness check
//!   does before comparing with the manifest), median of 7, warm file-system cache;
//! - `search_p50_ms`, `search_p99_ms`: 1–3 word queries, 20 hits with snippets (the query list
//!   of `benches/index.rs`), 9 rounds after one warm-up round;
//! - `changed1_ms`: the reader's background refresh (`Library::open` with entities, one worker)
//!   after one file was changed (replaced by a renamed copy, so a hard-linked corpus is never
//!   written through);
//! - `added1000_ms`: the same after 1,000 new files in a new folder (removed again afterwards).
//!
//! Each refresh also prints, on stderr, when each of its phases began (from its progress
//! reports), to show where a refresh's time goes.
//!
//! ```sh
//! QARI_BENCH_CORPUS=/tmp/qari-bench/corpus100k QARI_BENCH_CACHE=/tmp/qari-bench/cache \
//!   cargo bench --bench scale
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use qari::index::{Library, OpenOptions, Progress, SearchOptions};

#[path = "common/queries.rs"]
mod queries;
use queries::QUERIES;

/// Folder of the 1,000 added files (sorted after the corpus's own numbered folders).
const ADDED: &str = "zz-scale-bench-added";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The reader's background refresh: a full check, entities kept in step, one worker.
fn refresh(corpus: &Path, cache: &Path) -> (Duration, qari::index::UpdateStats) {
    let options = OpenOptions {
        entities: true,
        threads: 1,
        ..OpenOptions::default()
    };
    let t = Instant::now();
    // When each phase began (the first progress report of each kind), for the phases line.
    let mut phases: Vec<(&'static str, Duration)> = Vec::new();
    let (_, stats) = Library::open(corpus, cache, options, &mut |p| {
        let name = match p {
            Progress::Waiting => "waiting",
            Progress::Rebuilding(_) => "rebuilding",
            Progress::Scanning => "scanning",
            Progress::Indexing { .. } => "indexing",
            Progress::Tagging { .. } => "tagging",
            Progress::Committing => "committing",
        };
        if phases.last().is_none_or(|l| l.0 != name) {
            phases.push((name, t.elapsed()));
        }
    })
    .expect("refresh");
    let total = t.elapsed();
    let line: Vec<String> = phases
        .iter()
        .map(|(n, at)| format!("{n}@{:.0}", ms(*at)))
        .collect();
    eprintln!(
        "scale: refresh phases (ms from the start; end {:.0}): {}",
        ms(total),
        line.join(" ")
    );
    (total, stats)
}

/// Writes `bytes` to `path` through a new file renamed over it (a new inode: a hard-linked
/// corpus keeps its other names' contents).
fn replace(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("scale-bench-tmp");
    std::fs::write(&tmp, bytes).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

fn main() {
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
    let (Some(corpus), Some(cache)) = (var("QARI_BENCH_CORPUS"), var("QARI_BENCH_CACHE")) else {
        eprintln!(
            "bench scale: set QARI_BENCH_CORPUS and QARI_BENCH_CACHE (a built index; see the \
             header of benches/scale.rs); skipped"
        );
        return;
    };
    if !corpus.is_dir() || !cache.is_dir() {
        eprintln!("bench scale: no corpus or cache folder; skipped");
        return;
    }
    let _ = std::fs::remove_dir_all(corpus.join(ADDED));

    let mut scans = Vec::new();
    let mut files = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        files = qari::corpus::scan_dir(&corpus).expect("scan").files;
        scans.push(t.elapsed());
    }
    scans.sort();
    println!("scale: files {}", files.len());
    println!("scale: stat_ms {:.1}", ms(scans[3]));

    // Settle first: whatever a crashed earlier run left is brought up to date here.
    let (settle, _) = refresh(&corpus, &cache);
    println!("scale: refresh_unchanged_ms {:.1}", ms(settle));

    let quick = OpenOptions {
        quick: true,
        ..OpenOptions::default()
    };
    let (lib, _) = Library::open(&corpus, &cache, quick, &mut |_| {}).expect("open");
    let mut lat = Vec::new();
    for round in 0..10 {
        for q in QUERIES {
            let t = Instant::now();
            let found = lib.search(q, SearchOptions::limit(20)).expect("search");
            if round > 0 {
                lat.push(t.elapsed());
            }
            std::hint::black_box(found);
        }
    }
    lat.sort();
    println!("scale: search_queries {}", lat.len());
    println!("scale: search_p50_ms {:.2}", ms(percentile(&lat, 0.5)));
    println!("scale: search_p99_ms {:.2}", ms(percentile(&lat, 0.99)));
    drop(lib);

    // One file changed.
    let victim = &files[files.len() / 2].path;
    let original = std::fs::read(victim).expect("read");
    let mut changed = original.clone();
    changed.extend_from_slice("\n\nفقرة أضيفت للقياس.\n".as_bytes());
    replace(victim, &changed);
    let (t, stats) = refresh(&corpus, &cache);
    println!("scale: changed1_ms {:.1}", ms(t));
    println!("scale: changed1_reindexed {}", stats.reindexed);
    replace(victim, &original);
    refresh(&corpus, &cache);

    // 1,000 files added: copies of the first 1,000 articles with a line of their own, so each
    // is a new article with new text.
    let added = corpus.join(ADDED);
    std::fs::create_dir_all(&added).expect("mkdir");
    for (i, f) in files.iter().take(1000).enumerate() {
        let mut bytes = std::fs::read(&f.path).expect("read");
        bytes.extend_from_slice(format!("\n\nنسخة رقم {i} أضيفت للقياس.\n").as_bytes());
        std::fs::write(added.join(format!("{:06}.txt", 900_000 + i)), bytes).expect("write");
    }
    let (t, stats) = refresh(&corpus, &cache);
    println!("scale: added1000_ms {:.1}", ms(t));
    println!("scale: added1000_reindexed {}", stats.reindexed);
    std::fs::remove_dir_all(&added).expect("remove");
    refresh(&corpus, &cache);
}

/// The binary's allocator, so the figures are the shipped program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
