//! The one worker pool of the index passes: files are handed out to `threads` workers, results
//! come back over a channel to the calling thread, which reports progress, and the first error
//! stops the pass.
//!
//! Hand-written rather than rayon: the passes need progress on the calling thread (the TUI's
//! gauge, the CLI's bar) and a thread count of their own (the TUI's background pass uses one
//! worker so the other core stays with the UI); a scoped pool over a channel is 30 lines.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::IndexError;

/// Lowers the calling thread's scheduling priority to nice 19, for work in the background of
/// the reader (the refresh of the index and its entity pass): threads it starts inherit it, so
/// on two busy cores the UI thread gets the CPU as soon as a key arrives. Linux only (there
/// the nice value is per thread); elsewhere a no-op. Failure is harmless and ignored.
pub fn lower_thread_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id; no memory is shared.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19);
    }
}

/// Shortest time between two progress reports (a report per file would flood the TUI's channel).
const REPORT_EVERY: Duration = Duration::from_millis(30);

/// Runs `work` on every item on `threads` workers and returns the results (in no particular
/// order). `report(done, total)` is called from the calling thread as results arrive.
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
    let stop = AtomicBool::new(false);
    let total = items.len();
    let mut results = Vec::with_capacity(total);
    let mut failure = None;
    report(0, total);
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..threads.max(1) {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            s.spawn(move || {
                while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let result = work(item);
                    let failed = result.is_err();
                    if tx.send(result).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut last = Instant::now();
        for result in rx {
            match result {
                Ok(r) => results.push(r),
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    failure.get_or_insert(e);
                }
            }
            if last.elapsed() >= REPORT_EVERY {
                report(results.len(), total);
                last = Instant::now();
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    report(total, total);
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn the_background_thread_and_its_workers_run_at_nice_19_and_the_caller_does_not() {
        // SAFETY: getpriority on a thread id of this process.
        let nice = || unsafe {
            *libc::__errno_location() = 0;
            libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t)
        };
        let before = nice();
        let (own, worker) = std::thread::spawn(move || {
            lower_thread_priority();
            let worker = std::thread::spawn(nice).join().unwrap();
            (nice(), worker)
        })
        .join()
        .unwrap();
        assert_eq!((own, worker), (19, 19));
        assert_eq!(nice(), before);
    }

    #[test]
    fn every_item_once_and_the_first_error_stops() {
        let items: Vec<u32> = (0..1000).collect();
        let mut reports = Vec::new();
        let mut out =
            for_each(&items, 3, &mut |d, t| reports.push((d, t)), |&i| Ok(i * 2)).unwrap();
        out.sort_unstable();
        assert_eq!(out, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(reports.last(), Some(&(1000, 1000)));
        let err = for_each(&items, 2, &mut |_, _| {}, |&i| {
            if i == 10 {
                Err(IndexError::Tantivy {
                    path: "x".into(),
                    message: "boom".into(),
                })
            } else {
                Ok(i)
            }
        });
        assert!(matches!(err, Err(IndexError::Tantivy { .. })));
    }
}
