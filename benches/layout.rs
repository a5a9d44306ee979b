//! Layout speed: a 5 KB and a 1 MB article laid out in full at 120 columns (cold: sanitise,
//! resolve, wrap, reorder every line), and what the reader pane pays with the lazy layout: the
//! first screen of a 1 MB article (by anchor, and with a full row count), and a warm one-screen
//! scroll.
//!
//! The same benchmarks run twice: with wall-clock time (criterion's default), and with the
//! benchmark thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`), which stays meaningful
//! when the machine is shared and the thread waits for a core.
//!
//! Run: `cargo bench --bench layout`

use std::hint::black_box;
use std::path::PathBuf;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qari::corpus::Article;
use qari::layout::{ArticleLayout, BidiMode, LayoutOptions};

/// Paragraphs of the seed articles, in order (real Arabic newswire with Latin and numbers).
fn seed_paragraphs() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .split("\n\n")
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// An article of at least `bytes` bytes of text, cycling through the seed paragraphs.
fn article(bytes: usize) -> Article {
    let paras = seed_paragraphs();
    let mut body = Vec::new();
    let mut len = 0;
    for p in paras.iter().cycle() {
        if len >= bytes {
            break;
        }
        len += p.len() + 2;
        body.push(p.clone());
    }
    Article {
        id: "bench".into(),
        title: body.remove(0),
        paragraphs: body,
        date: None,
        source: None,
        path: PathBuf::from("bench"),
        truncated: false,
        marks: Vec::new(),
        url: None,
    }
}

/// CPU time of the current thread, in nanoseconds (`CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// A criterion measurement of the benchmark thread's CPU time.
struct CpuTime;

struct NsFormatter;

impl ValueFormatter for NsFormatter {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if ns < 1e3 {
            (1.0, "ns")
        } else if ns < 1e6 {
            (1e-3, "µs")
        } else if ns < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        for v in values {
            *v *= factor;
        }
        unit
    }
    fn scale_throughputs(&self, _: f64, _: &Throughput, values: &mut [f64]) -> &'static str {
        for v in values {
            *v = 0.0;
        }
        "n/a"
    }
    fn scale_for_machines(&self, _: &mut [f64]) -> &'static str {
        "ns"
    }
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NsFormatter
    }
}

fn bench_cpu(c: &mut Criterion<CpuTime>) {
    let opts = LayoutOptions {
        width: 120,
        mode: BidiMode::App,
        shape: false,
    };
    let small = article(5 * 1024);
    let big = article(1024 * 1024);
    c.bench_function("cpu/full layout 5KB article @120", |b| {
        b.iter(|| {
            let l = ArticleLayout::from_article(black_box(&small));
            black_box(l.all_rows(&opts))
        })
    });
    let mut g = c.benchmark_group("cpu/1MB");
    g.sample_size(20);
    g.bench_function("full layout 1MB article @120", |b| {
        b.iter(|| {
            let l = ArticleLayout::from_article(black_box(&big));
            black_box(l.all_rows(&opts))
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let opts = LayoutOptions {
        width: 120,
        mode: BidiMode::App,
        shape: false,
    };
    let small = article(5 * 1024);
    let big = article(1024 * 1024);
    eprintln!(
        "article sizes: {} and {} bytes",
        small.text().len(),
        big.text().len()
    );

    c.bench_function("full layout 5KB article @120", |b| {
        b.iter(|| {
            let l = ArticleLayout::from_article(black_box(&small));
            black_box(l.all_rows(&opts))
        })
    });

    c.bench_function("full layout 5KB article @120 shaped", |b| {
        let o = LayoutOptions {
            shape: true,
            ..opts
        };
        b.iter(|| {
            let l = ArticleLayout::from_article(black_box(&small));
            black_box(l.all_rows(&o))
        })
    });

    let mut g = c.benchmark_group("1MB");
    g.sample_size(20);
    g.bench_function("full layout 1MB article @120", |b| {
        b.iter(|| {
            let l = ArticleLayout::from_article(black_box(&big));
            black_box(l.all_rows(&opts))
        })
    });
    g.bench_function(
        "first screen via anchor (40 rows, cold) 1MB article @120",
        |b| {
            b.iter(|| {
                let l = ArticleLayout::from_article(black_box(&big));
                let a = l.start(&opts).unwrap();
                black_box(l.rows_from(&opts, a, 40))
            })
        },
    );
    g.bench_function("first screen (row count + 40 rows) 1MB article @120", |b| {
        b.iter(|| {
            let l = ArticleLayout::from_article(black_box(&big));
            let n = l.row_count(&opts);
            black_box((n, l.rows(&opts, 0..40)))
        })
    });
    g.finish();

    let warm = ArticleLayout::from_article(&big);
    let n = warm.row_count(&opts);
    let mut top = 0;
    c.bench_function("scroll one screen (40 rows, warm) 1MB article @120", |b| {
        b.iter(|| {
            top = (top + 40) % n.saturating_sub(40).max(1);
            black_box(warm.rows(&opts, top..top + 40))
        })
    });
}

criterion_group!(benches, bench);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench_cpu
}
criterion_main!(benches, cpu_benches);
