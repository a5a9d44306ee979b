//! The real [`Source`]: the search index for the list and search, the corpus file for an opened
//! article, the tagger for its entities, and the entity index for "every article naming X".
//!
//! The TUI's loader opens the index with the quick check (folder mtimes), so the first full frame
//! needs no stat of every file; then [`LibrarySource::refresh`] runs on a background thread: the
//! full check (files edited in place) and the entity pass, and swaps the fresh index in.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use super::source::{Catalog, EntityKind, OpenArticle, SearchResults, Source};
use crate::index::{Library, OpenOptions, Progress, SearchOptions};

/// [`Source`] over an opened [`Library`].
pub struct LibrarySource {
    lib: RwLock<Arc<Library>>,
    cache_dir: PathBuf,
}

impl LibrarySource {
    /// Wraps an opened library; `cache_dir` is where [`refresh`](Self::refresh) reopens it.
    pub fn new(lib: Library, cache_dir: PathBuf) -> LibrarySource {
        LibrarySource {
            lib: RwLock::new(Arc::new(lib)),
            cache_dir,
        }
    }

    fn current(&self) -> Arc<Library> {
        self.lib.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Full freshness check plus the entity pass, then swaps the result in. Runs on a background
    /// thread; readers keep the old index until then.
    pub fn refresh(&self) -> Result<(), String> {
        let corpus = self.current().corpus().to_path_buf();
        // One worker: the other core stays with the UI while the corpus is tagged.
        let options = OpenOptions {
            entities: true,
            threads: 1,
            ..OpenOptions::default()
        };
        let (lib, _) = Library::open(&corpus, &self.cache_dir, options, &mut |_: Progress| {})
            .map_err(|e| e.to_string())?;
        *self.lib.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(lib);
        Ok(())
    }
}

impl Source for LibrarySource {
    fn articles(&self) -> Result<Arc<Catalog>, String> {
        self.current()
            .articles()
            .cloned()
            .map_err(|e| e.to_string())
    }

    fn article(&self, id: &str) -> Result<OpenArticle, String> {
        OpenArticle::tagged(self.current().load(id).map_err(|e| e.to_string())?)
    }

    fn search(&self, query: &str, limit: usize) -> Result<SearchResults, String> {
        self.current()
            .search(query, as_you_type(limit))
            .map_err(|e| e.to_string())
    }

    fn match_ranges(&self, query: &str, text: &str) -> Vec<Range<usize>> {
        self.current()
            .match_ranges_with(query, text, as_you_type(1))
            .unwrap_or_default()
    }

    fn articles_naming(&self, kind: EntityKind, key: &str) -> Result<Vec<String>, String> {
        self.current()
            .articles_naming(kind, key)
            .map_err(|e| match e {
                crate::index::IndexError::Query(crate::index::QueryError::NoEntities) => {
                    "entities are still being tagged; try again in a moment".to_string()
                }
                other => other.to_string(),
            })
    }
}

/// The options of a search typed in the TUI: the last word completes as a prefix.
fn as_you_type(limit: usize) -> SearchOptions {
    SearchOptions {
        prefix_last: true,
        ..SearchOptions::limit(limit)
    }
}
