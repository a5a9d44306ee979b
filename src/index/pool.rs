//! The one worker pool of the index passes: files are handed out to `threads` workers, the
//! calling thread reports progress, and the first error stops the pass.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::IndexError;

/// Runs `work` on every item on `threads` workers and returns the results (in no particular
/// order). `report(done, total)` is called from the calling thread as work completes.
pub(super) fn for_each<T, R, W>(
    items: &[T],
    threads: usize,
    report: &mut dyn FnMut(usize, usize),
    work: W,
) -> Result<Vec<R>, IndexError>
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> Result<R, IndexError> + Sync,
{
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let failure: Mutex<Option<IndexError>> = Mutex::new(None);
    let total = items.len();
    let results: Mutex<Vec<R>> = Mutex::new(Vec::with_capacity(total));
    let failed = || failure.lock().map(|f| f.is_some()).unwrap_or(true);
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut local = Vec::new();
                while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if failed() {
                        break;
                    }
                    match work(item) {
                        Ok(r) => local.push(r),
                        Err(e) => {
                            *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                            break;
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
                results
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(local);
            });
        }
        let mut last = usize::MAX;
        loop {
            let d = done.load(Ordering::Relaxed);
            if d != last {
                report(d, total);
                last = d;
            }
            if d >= total || failed() {
                break;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    report(total, total);
    Ok(results.into_inner().unwrap_or_else(|p| p.into_inner()))
}
