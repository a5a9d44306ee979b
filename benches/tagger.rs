//! Tagging speed on bad input (issue 10, "Bad input"): `entities::extract` over 1 MiB of each
//! kind of the generators in `tests/tagger_bad_input.rs` (Arabic news as one line, no Arabic,
//! one-letter words, mixed scripts, control characters) and over a 16 MiB one-line article.
//! Prints MB/s of each (CPU time of this thread, median of the runs) and the linearity ratio
//! (16 MiB time / 1 MiB time ÷ 16: about 1 when the time is linear in the length), and flags
//! any input slower than the budget below.
//!
//! Run: `cargo bench --bench tagger` (about a minute; CPU time, so a busy machine slows it less
//! than wall time would, but quote it side by side with a reference run).

use std::hint::black_box;

#[path = "../tests/tagger_bad_input.rs"]
#[allow(dead_code)]
mod inputs;

/// Slowest acceptable speed on any input, MB/s of one core (the bulk target is 5 MB/s on news;
/// bad input may be slower, but not pathologically).
const BUDGET_MB_S: f64 = 2.0;
/// Largest acceptable linearity ratio (16 MiB time / 1 MiB time ÷ 16).
const LINEAR_MAX: f64 = 1.5;

/// CPU time of the current thread, in seconds (`CLOCK_THREAD_CPUTIME_ID`).
fn cpu_secs() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// Median CPU seconds of `runs` calls of `extract` on `text`, and the number of entities.
fn time(text: &str, runs: usize) -> (f64, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut n = 0;
    for _ in 0..runs {
        let t0 = cpu_secs();
        n = black_box(qari::entities::extract(black_box(text), None))
            .map(|e| e.len())
            .unwrap_or(0);
        times.push(cpu_secs() - t0);
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], n)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    const MIB: usize = 1024 * 1024;
    // Load the model before timing anything.
    qari::entities::extract("قال بوتين", None).expect("built-in model");
    let mut flagged = Vec::new();
    println!(
        "{:<24} {:>10} {:>9} {:>8} {:>9}",
        "input", "bytes", "CPU s", "MB/s", "entities"
    );
    let mut row = |name: &str, text: &str, runs: usize| -> f64 {
        let (secs, n) = time(text, runs);
        let speed = text.len() as f64 / secs / 1e6;
        let flag = if speed < BUDGET_MB_S {
            flagged.push(format!("{name}: {speed:.1} MB/s < {BUDGET_MB_S} MB/s"));
            "  SLOW"
        } else {
            ""
        };
        println!(
            "{name:<24} {:>10} {secs:>9.3} {speed:>8.2} {n:>9}{flag}",
            text.len()
        );
        secs
    };
    let mut one_mib = 0.0;
    for (name, text) in inputs::kinds(MIB) {
        let secs = row(name, &text, 5);
        if name == "arabic news, one line" {
            one_mib = secs;
        }
    }
    let long = inputs::news_line(16 * MIB, 1);
    let secs = row("arabic news, 16 MiB line", &long, 3);
    let ratio = secs / one_mib / 16.0;
    println!("linearity: 16 MiB time / 1 MiB time / 16 = {ratio:.2} (at most {LINEAR_MAX})");
    if ratio > LINEAR_MAX {
        flagged.push(format!("16 MiB line: ratio {ratio:.2} > {LINEAR_MAX}"));
    }
    if flagged.is_empty() {
        println!("all inputs within budget");
    } else {
        for f in &flagged {
            println!("OVER BUDGET: {f}");
        }
    }
}
