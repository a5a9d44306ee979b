//! The real [`Source`]: the search index for the list and search, the corpus file for an opened
//! article, the tagger for its entities, and the entity index for "every article naming X".
//!
//! The TUI's loader opens the index with the quick check (folder mtimes), so the first full frame
//! needs no stat of every file; then [`LibrarySource::refresh`] runs on a background thread: the
//! full check (files edited in place) and the entity pass, and swaps the fresh index in.
//!
//! A damaged index met while reading (an error that says so, or a panic inside tantivy) is
//! rebuilt on a background thread, once, and swapped in; meanwhile the call that met it says
//! so, and the reader keeps working on what it has.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use super::source::{Catalog, EntityKind, OpenArticle, SearchResults, Source};
use crate::index::{IndexError, Library, OpenOptions, Progress, SearchOptions};

/// [`Source`] over an opened [`Library`].
pub struct LibrarySource {
    lib: Arc<RwLock<Arc<Library>>>,
    cache_dir: PathBuf,
    /// Set while a rebuild after damage runs.
    repairing: Arc<AtomicBool>,
}

impl LibrarySource {
    /// Wraps an opened library; `cache_dir` is where [`refresh`](Self::refresh) reopens it.
    pub fn new(lib: Library, cache_dir: PathBuf) -> LibrarySource {
        LibrarySource {
            lib: Arc::new(RwLock::new(Arc::new(lib))),
            cache_dir,
            repairing: Arc::new(AtomicBool::new(false)),
        }
    }

    fn current(&self) -> Arc<Library> {
        self.lib.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// True while the index is being rebuilt after damage was found.
    pub fn repairing(&self) -> bool {
        self.repairing.load(Ordering::SeqCst)
    }

    /// Runs `f` on the current library; damage it meets (an error saying so, or a panic inside
    /// tantivy) starts a rebuild and becomes a message saying so.
    fn guarded<T>(&self, f: impl FnOnce(&Library) -> Result<T, IndexError>) -> Result<T, String> {
        let lib = self.current();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&lib))) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) if e.is_damage() => Err(self.repair(&e.to_string())),
            Ok(Err(e)) => Err(e.to_string()),
            Err(p) => {
                let why = super::terminal::panic_message(p.as_ref());
                Err(self.repair(&format!("a panic while reading it: {why}")))
            }
        }
    }

    /// Starts the rebuild (unless one runs) and returns the message for the status bar.
    fn repair(&self, reason: &str) -> String {
        if !self.repairing.swap(true, Ordering::SeqCst) {
            let (slot, flag) = (self.lib.clone(), self.repairing.clone());
            let corpus = self.current().corpus().to_path_buf();
            let cache = self.cache_dir.clone();
            std::thread::spawn(move || {
                crate::index::lower_thread_priority();
                let options = OpenOptions {
                    rebuild: true,
                    entities: true,
                    threads: 1,
                    ..OpenOptions::default()
                };
                if let Ok((lib, _)) = Library::open(&corpus, &cache, options, &mut |_| {}) {
                    // Read the catalog here, not on the UI thread.
                    if lib.articles().is_ok() {
                        *slot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(lib);
                    }
                }
                flag.store(false, Ordering::SeqCst);
            });
        }
        format!("the index is damaged ({reason}); rebuilding it — try again in a moment")
    }

    /// Full freshness check plus the entity pass, then swaps the result in. Runs on a background
    /// thread; readers keep the old index until then.
    pub fn refresh(&self) -> Result<(), String> {
        self.refresh_with(&mut |_| {})
    }

    /// [`refresh`](Self::refresh), reporting its progress. It holds no lock the UI's calls
    /// take until the final swap (a test parks it in `progress` and reads meanwhile).
    fn refresh_with(&self, progress: &mut dyn FnMut(Progress)) -> Result<(), String> {
        let corpus = self.current().corpus().to_path_buf();
        // One worker: the other core stays with the UI while the corpus is tagged.
        let options = OpenOptions {
            entities: true,
            threads: 1,
            ..OpenOptions::default()
        };
        let (mut lib, stats) = Library::open(&corpus, &self.cache_dir, options, progress)
            .map_err(|e| e.to_string())?;
        lib.keep_catalog_of(&self.current(), &stats);
        *self.lib.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(lib);
        Ok(())
    }
}

impl Source for LibrarySource {
    fn articles(&self) -> Result<Arc<Catalog>, String> {
        self.guarded(|lib| lib.articles().cloned())
    }

    fn article(&self, id: &str) -> Result<OpenArticle, String> {
        OpenArticle::tagged(self.guarded(|lib| lib.load(id))?)
    }

    fn search(&self, query: &str, limit: usize) -> Result<SearchResults, String> {
        self.guarded(|lib| lib.search(query, as_you_type(limit)))
    }

    fn match_ranges(&self, query: &str, text: &str) -> Vec<Range<usize>> {
        self.current()
            .match_ranges_with(query, text, as_you_type(1))
            .unwrap_or_default()
    }

    fn articles_naming(&self, kind: EntityKind, key: &str) -> Result<Vec<String>, String> {
        self.guarded(|lib| match lib.articles_naming(kind, key) {
            Err(IndexError::Query(crate::index::QueryError::NoEntities)) => Ok(None),
            other => other.map(Some),
        })?
        .ok_or_else(|| "entities are still being tagged; try again in a moment".to_string())
    }
}

/// The options of a search typed in the TUI: the last word completes as a prefix.
fn as_you_type(limit: usize) -> SearchOptions {
    SearchOptions {
        prefix_last: true,
        ..SearchOptions::limit(limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Issue 13: while the background refresh (full check and entity pass) runs, the UI's calls
    /// (the list, an article, a search) never wait for it. The pass is parked inside its own
    /// progress callback; the calls must all return before it is let go.
    #[test]
    fn the_ui_never_waits_on_the_background_pass() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let cache = tempfile::tempdir().unwrap();
        // As the reader opens it: the quick check, no entity pass yet.
        let quick = OpenOptions {
            entities: false,
            ..OpenOptions::default()
        };
        let (lib, _) = Library::open(&corpus, cache.path(), quick, &mut |_| {}).unwrap();
        let src = Arc::new(LibrarySource::new(lib, cache.path().to_path_buf()));
        let (parked_tx, parked) = mpsc::channel();
        let (release, release_rx) = mpsc::channel::<()>();
        let pass = {
            let src = src.clone();
            std::thread::spawn(move || {
                let mut once = Some((parked_tx, release_rx));
                src.refresh_with(&mut |p| {
                    if matches!(p, Progress::Tagging { .. }) {
                        if let Some((tx, rx)) = once.take() {
                            tx.send(()).unwrap();
                            let _ = rx.recv();
                        }
                    }
                })
            })
        };
        // A generous bound: it only keeps a broken build from hanging the test run.
        let bound = Duration::from_secs(120);
        parked
            .recv_timeout(bound)
            .expect("the entity pass never started");
        let (done_tx, done) = mpsc::channel();
        {
            let src = src.clone();
            std::thread::spawn(move || {
                let list = src.articles().unwrap();
                let id = list.get(0).unwrap().id.to_string();
                let open = src.article(&id).unwrap();
                let hits = src.search("موسكو", 5).unwrap();
                done_tx
                    .send((list.len(), open.text.len(), hits.total))
                    .unwrap();
            });
        }
        let answer = done.recv_timeout(bound);
        release.send(()).unwrap();
        let (n, text, total) = answer.expect("a UI call waited on the background pass");
        assert!(n == 5 && text > 0 && total > 0, "{n} {text} {total}");
        pass.join().unwrap().unwrap();
        // The fresh library (with its entity index) is in place now.
        assert!(!src
            .articles_naming(EntityKind::Place, "موسكو")
            .unwrap()
            .is_empty());
    }
}
