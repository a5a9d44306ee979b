//! Fault injection for the crash tests: `QARI_FAULT=<point>:<n>` aborts the process (as
//! `kill -9` would end it: no unwinding, no destructors) the `n`-th time the index passes the
//! named point. Unset, a point costs one relaxed atomic load.
//!
//! Points: `file` (a changed file's documents handed to the writer), `commit` (tantivy
//! committed, manifests not yet written), `catalog` (the catalog written, the file records not).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The parsed `QARI_FAULT`, if set and well-formed.
fn target() -> Option<&'static (String, usize)> {
    static TARGET: OnceLock<Option<(String, usize)>> = OnceLock::new();
    TARGET
        .get_or_init(|| {
            let v = std::env::var("QARI_FAULT").ok()?;
            let (point, n) = v.split_once(':')?;
            Some((point.to_string(), n.parse().ok()?))
        })
        .as_ref()
}

/// Passes the point `name`; aborts the process if `QARI_FAULT` names it and this is the `n`-th
/// time.
pub(crate) fn point(name: &str) {
    static HITS: AtomicUsize = AtomicUsize::new(0);
    if let Some((point, n)) = target() {
        if point == name && HITS.fetch_add(1, Ordering::SeqCst) + 1 == *n {
            std::process::abort();
        }
    }
}
