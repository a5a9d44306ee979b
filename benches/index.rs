//! Index benchmark on the 100k-article corpus (a bench binary, not a test: timings never decide
//! pass/fail). Measures: first build (MB/s), reopen of a built index, search latency p50/p99 for
//! 1–3 word queries with 20 snippets, name searches with variants and typos (latency and top-20
//! precision), keystrokes of search as you type, and the update after one file changed.
//!
//! ```sh
//! python3 ../shared/tools/make_corpus.py /tmp/corpus100k --articles 100000 --seeds seeds
//! QARI_BENCH_CORPUS=/tmp/corpus100k cargo bench --bench index
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use qari::index::{Library, OpenOptions, SearchOptions};

#[path = "common/queries.rs"]
mod queries;
use queries::QUERIES;

/// Names as users type them, each with the spelling the corpus uses: as the corpus spells them,
/// and misspelled (a vowel letter dropped or added, g as غ or ج, one letter wrong). Names of
/// ANERcorp's news, which the corpus is made of.
const NAME_QUERIES: &[(&str, &str)] = &[
    ("بوش", "بوش"),
    ("شيراك", "شيراك"),
    ("بلير", "بلير"),
    ("ساركوزي", "ساركوزي"),
    ("أولمرت", "أولمرت"),
    ("كوندوليزا", "كوندوليزا"),
    ("غوانتانامو", "غوانتانامو"),
    ("بيشاور", "بيشاور"),
    ("ميونيخ", "ميونيخ"),
    ("عباس", "عباس"),
    ("كونداليزا", "كوندوليزا"),
    ("ساركوزى", "ساركوزي"),
    ("اولمرط", "أولمرت"),
    ("جوانتانامو", "غوانتانامو"),
    ("ميونخ", "ميونيخ"),
    ("شيرك", "شيراك"),
    ("بليير", "بلير"),
    ("فيرغسون", "فيرجسون"),
    ("باكستن", "باكستان"),
    ("واشنطون", "واشنطن"),
];

/// Does `text` hold one of `forms` (whole forms), bare or behind a clitic?
fn holds(text: &str, forms: &[String]) -> bool {
    qari::text::tokens(text).any(|t| {
        let w = qari::text::normalize(t.text);
        let w = qari::text::whole_form(&w);
        forms.iter().any(|f| {
            w == f || qari::text::clitic_chains().any(|c| w.strip_prefix(c) == Some(f.as_str()))
        })
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let corpus = PathBuf::from(
        std::env::var("QARI_BENCH_CORPUS").unwrap_or_else(|_| "/tmp/corpus100k".into()),
    );
    if !corpus.is_dir() {
        eprintln!(
            "bench index: no corpus at {} (see the header of benches/index.rs); skipped",
            corpus.display()
        );
        return;
    }
    // QARI_BENCH_CACHE keeps the index between runs (then the build figures are skipped).
    let temp = tempfile::tempdir().expect("temp dir");
    let cache_dir = std::env::var_os("QARI_BENCH_CACHE").map(PathBuf::from);
    let cache = cache_dir.as_deref().unwrap_or(temp.path());
    let mut quiet = |_| {};

    let t = Instant::now();
    let (lib, stats) =
        Library::open(&corpus, cache, OpenOptions::default(), &mut quiet).expect("build");
    let build = t.elapsed();
    let mb = stats.bytes_read as f64 / 1e6;
    if stats.built {
        println!(
            "first build: {} articles, {:.1} MB in {:.2} s = {:.1} MB/s",
            stats.articles,
            mb,
            build.as_secs_f64(),
            mb / build.as_secs_f64()
        );
    }
    drop(lib);

    let t = Instant::now();
    let options = OpenOptions {
        entities: true,
        quick: true,
        ..OpenOptions::default()
    };
    let (lib, stats) = Library::open(&corpus, cache, options, &mut quiet).expect("entities");
    let tagging = t.elapsed();
    let es = stats.entities.unwrap_or_default();
    println!(
        "entity pass: {} files, {:.1} MB in {:.2} s = {:.1} MB/s",
        es.files_tagged,
        es.bytes_tagged as f64 / 1e6,
        tagging.as_secs_f64(),
        es.bytes_tagged as f64 / 1e6 / tagging.as_secs_f64()
    );
    drop(lib);

    for quick in [false, true] {
        let mut reopen = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let options = OpenOptions {
                quick,
                ..OpenOptions::default()
            };
            let (lib, stats) = Library::open(&corpus, cache, options, &mut quiet).expect("reopen");
            reopen.push(t.elapsed());
            assert_eq!(stats.files_read, 0);
            drop(lib);
        }
        reopen.sort();
        let what = if quick {
            "quick check (folder mtimes)"
        } else {
            "full check (stat every file)"
        };
        println!(
            "reopen, {what}: median {:.1} ms",
            reopen[2].as_secs_f64() * 1e3
        );
    }

    let quick = OpenOptions {
        quick: true,
        ..OpenOptions::default()
    };
    let (lib, _) = Library::open(&corpus, cache, quick, &mut quiet).expect("open");
    let mut ent = Vec::new();
    for q in [
        "place:روسيا",
        "place:العراق",
        "person:بوش",
        "org:\"الأمم المتحدة\"",
        "place:واشنطن",
    ] {
        let t = Instant::now();
        let n = lib
            .search(q, SearchOptions::limit(20))
            .map(|h| h.hits.len())
            .unwrap_or(0);
        ent.push((t.elapsed(), n, q));
    }
    ent.sort();
    println!(
        "entity queries ({}), 20 hits: median {:.2} ms, max {:.2} ms",
        ent.iter()
            .map(|(_, n, q)| format!("{q} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        ent[2].0.as_secs_f64() * 1e3,
        ent[4].0.as_secs_f64() * 1e3
    );
    let mut lat = Vec::new();
    let mut hits_total = 0;
    for round in 0..10 {
        for q in QUERIES {
            let t = Instant::now();
            let hits = lib
                .search(q, SearchOptions::limit(20))
                .expect("search")
                .hits;
            let d = t.elapsed();
            if round > 0 {
                lat.push(d);
                hits_total += hits.len();
            }
        }
    }
    lat.sort();
    println!(
        "search, 20 hits with snippets, {} queries: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} hits)",
        lat.len(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3,
        hits_total
    );
    // Names, with spelling variants and typos on (the default): latency and top-20 precision
    // (each hit holds the name as the corpus spells it, or as typed).
    let mut lat = Vec::new();
    let (mut good, mut shown) = (0, 0);
    let mut worst = Vec::new();
    for round in 0..5 {
        for (q, meant) in NAME_QUERIES {
            let t = Instant::now();
            let found = lib.search(q, SearchOptions::limit(20)).expect("search");
            let d = t.elapsed();
            if round > 0 {
                lat.push(d);
                continue;
            }
            let forms: Vec<String> = [q, meant]
                .iter()
                .map(|w| qari::text::whole_form(&qari::text::normalize(w)).to_string())
                .collect();
            let ok = found
                .hits
                .iter()
                .filter(|h| {
                    let a = lib.load(&h.id).expect("load");
                    holds(&a.text(), &forms)
                })
                .count();
            good += ok;
            shown += found.hits.len();
            worst.push(format!(
                "{q} {ok}/{} of {} (also {})",
                found.hits.len(),
                found.total,
                found.also.join(" ")
            ));
        }
    }
    lat.sort();
    println!(
        "name search with variants and typos, {} queries: p50 {:.2} ms, p99 {:.2} ms; top-20 precision {good}/{shown}",
        lat.len(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );
    for w in &worst {
        println!("    {w}");
    }
    // As you type in the reader: every prefix of a few names, the last word a prefix.
    let typing = SearchOptions {
        prefix_last: true,
        ..SearchOptions::limit(50)
    };
    let mut lat = Vec::new();
    for name in ["ساركوزي", "كوندوليزا رايس", "الأمم المتحدة", "غوانتانامو"]
    {
        let chars: Vec<char> = name.chars().collect();
        for n in 1..=chars.len() {
            let q: String = chars[..n].iter().collect();
            let t = Instant::now();
            let _ = lib.search(&q, typing);
            lat.push(t.elapsed());
        }
    }
    lat.sort();
    println!(
        "search as you type (last word a prefix, 50 hits), {} keystrokes: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat.len(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3
    );
    // Open articles as the reader does: resolve the id in the catalog, read its one file.
    let t = Instant::now();
    let catalog = lib.articles().expect("catalog").clone();
    println!(
        "catalog of {} articles, first use (read, decode, check): {:.1} ms",
        catalog.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let step = (catalog.len() / 200).max(1);
    let mut opens = Vec::new();
    for i in (0..catalog.len()).step_by(step) {
        let id = catalog.get(i).expect("entry").id;
        let t = Instant::now();
        let a = lib.load(id).expect("load");
        opens.push(t.elapsed());
        assert_eq!(a.id, id);
    }
    opens.sort();
    println!(
        "open an article (catalog lookup + its file), {} ids: p50 {:.3} ms, p99 {:.3} ms",
        opens.len(),
        percentile(&opens, 0.5).as_secs_f64() * 1e3,
        percentile(&opens, 0.99).as_secs_f64() * 1e3
    );
    drop(lib);

    // Change one file and relaunch.
    let files = qari::corpus::scan_dir(&corpus).expect("scan").files;
    let victim = &files[files.len() / 2].path;
    let original = std::fs::read(victim).expect("read");
    let mut changed = original.clone();
    changed.extend_from_slice("\n\nفقرة أضيفت للقياس.\n".as_bytes());
    std::fs::write(victim, &changed).expect("write");
    let t = Instant::now();
    let (_, stats) =
        Library::open(&corpus, cache, OpenOptions::default(), &mut quiet).expect("update");
    println!(
        "relaunch after one file changed: {:.1} ms ({} file read, {} re-indexed)",
        t.elapsed().as_secs_f64() * 1e3,
        stats.files_read,
        stats.reindexed
    );
    std::fs::write(victim, &original).expect("restore");
}

/// The binary's allocator, so the figures are the shipped program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
