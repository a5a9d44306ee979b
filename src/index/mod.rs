//! The search index: a tantivy index in the cache dir, built on first launch and kept in step
//! with the corpus folder, plus a small manifest that makes relaunches cheap.
//!
//! Layout of one index (per corpus folder and schema version):
//! ```text
//! <cache>/index-v<SCHEMA>/<xxh3 of the corpus path>/
//!     corpus.txt     the corpus path (tells a foreign index apart)
//!     files.bin      per corpus file: size, mtime, content hash, the id it was named from
//!     articles.bin   the catalog: every article's id, title, date, source, file, sorted by id,
//!                    and the list's newest-first order (a flat layout, mapped: see `catalog.rs`)
//!     dirs.bin       every folder's mtime at the last full scan (the quick check)
//!     lock           held while building or updating, so two qari processes take turns
//!     tantivy/       the index itself
//!     entities-<fingerprint>/   the entity index (tantivy/ and tagged.bin)
//! ```
//! The other manifests are checksummed `postcard` values (see `manifest.rs`); the catalog is read
//! at most once per open and held by the [`Library`], so listing and opening articles read it once.

mod build;
mod catalog;
mod entities;
mod expand;
mod fault;
mod manifest;
mod pool;
pub use pool::lower_thread_priority;
mod query;
mod read_only;
mod search;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use build::{OpenOptions, Progress, UpdateStats};
pub(crate) use catalog::newest_key;
pub use catalog::{ArticleMeta, Catalog};
pub use entities::EntityStats;
pub use search::{Hit, QueryError, SearchOptions, SearchResults, MAX_QUERY_DEPTH};

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};

use crate::text::analyzer::{text_analyzer, ANALYZER_NAME};

/// Bumped whenever the schema, the analyzer, the manifest format or what the catalog stores
/// (an article's date and source, read by `corpus::extract_metadata`) changes: an index of
/// another version is rebuilt. 8: sources from closing lines, days with a prefix (`الـ15`).
/// 9: Markdown read as text (no markup in titles and bodies; front matter dates and sources).
pub const SCHEMA_VERSION: u32 = 10;

/// Errors of the index layer.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The corpus folder itself is unusable.
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    /// tantivy failed in a way a rebuild did not fix.
    #[error("search index at {path}: {message}")]
    Tantivy { path: PathBuf, message: String },
    /// tantivy found the index files damaged (corrupt data, a file missing or unreadable).
    #[error("search index at {path} is damaged: {message}")]
    Damaged { path: PathBuf, message: String },
    /// A file of the index (or the lock) cannot be read.
    #[error("cannot read the index file {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The cache folder, or a file in it, cannot be written.
    #[error("cannot write the index at {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    /// An article listed by the index cannot be read from its corpus file.
    #[error("{path}: {message}")]
    Article { path: PathBuf, message: String },
    /// A bad query.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// An unknown or ambiguous id.
    #[error(transparent)]
    Id(#[from] crate::corpus::IdError),
    /// tantivy's indexing threads stopped (their error, when they gave one, is reported
    /// instead): a document could not be added.
    #[error("search index at {path}: the index writer stopped")]
    WriterStopped { path: PathBuf },
    /// The built-in entity model cannot be loaded (a broken build).
    #[error("entity tagger: {0}")]
    Model(&'static crate::entities::ModelError),
}

impl IndexError {
    /// A tantivy error on the index at `path`: [`IndexError::Damaged`] when it says the files
    /// are corrupt, missing or unreadable, [`IndexError::Tantivy`] otherwise.
    pub(crate) fn tantivy(path: &Path, e: tantivy::TantivyError) -> IndexError {
        use tantivy::TantivyError as E;
        let (path, message) = (path.to_path_buf(), e.to_string());
        // A full disk reaches us as an I/O error, wrapped in another error (opening a file for
        // writing), or, from a writer thread, only as text.
        let mut full = message.contains("(os error 28)") || message.contains("StorageFull");
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(c) = cause {
            full |= c
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull);
            cause = c.source();
        }
        if full {
            return IndexError::Write {
                path,
                error: std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "no space left on device",
                ),
            };
        }
        match e {
            E::DataCorruption(_)
            | E::OpenReadError(_)
            | E::IncompatibleIndex(_)
            | E::DeserializeError(_) => IndexError::Damaged { path, message },
            // tantivy reports some undecodable files as I/O errors of these kinds.
            E::IoError(io)
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::InvalidData
                        | std::io::ErrorKind::UnexpectedEof
                        | std::io::ErrorKind::NotFound
                ) =>
            {
                IndexError::Damaged { path, message }
            }
            _ => IndexError::Tantivy { path, message },
        }
    }

    /// A tantivy error while reading the index for a query: as [`IndexError::tantivy`], and an
    /// I/O error of any kind counts as damage too (tantivy reports undecodable dictionaries as
    /// `Other` I/O errors; nothing is written on this path, so a full disk cannot be the cause).
    pub(crate) fn tantivy_read(path: &Path, e: tantivy::TantivyError) -> IndexError {
        match e {
            tantivy::TantivyError::IoError(io) => IndexError::Damaged {
                path: path.to_path_buf(),
                message: io.to_string(),
            },
            e => IndexError::tantivy(path, e),
        }
    }

    /// Replaces [`IndexError::WriterStopped`] with the error that stopped the writer's
    /// threads (a full disk, say), which tantivy gives only when they are joined.
    pub(crate) fn with_writer_cause<D: tantivy::Document>(
        self,
        writer: tantivy::IndexWriter<D>,
    ) -> IndexError {
        let IndexError::WriterStopped { path } = self else {
            return self;
        };
        let cause = match writer.wait_merging_threads() {
            Err(e) => IndexError::tantivy(&path, e),
            Ok(()) => IndexError::WriterStopped { path: path.clone() },
        };
        // The threads' error may have lost its cause ("Worker thread failed"): a disk that
        // takes no more bytes is the usual one, and is easy to check.
        match cause {
            IndexError::Write { .. } => cause,
            _ if disk_full(&path) => IndexError::Write {
                path,
                error: std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "no space left on device",
                ),
            },
            _ => cause,
        }
    }

    /// True when the error says the index itself is damaged (a manifest failing its checksum or
    /// not decoding, tantivy finding corrupt or missing data): rebuilding it is the repair.
    pub fn is_damage(&self) -> bool {
        match self {
            IndexError::Read { error, .. } => error.kind() == std::io::ErrorKind::InvalidData,
            IndexError::Damaged { .. } => true,
            _ => false,
        }
    }
}

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    /// [`id_hash`] of the id: how the entity index names articles.
    pub idh: Field,
    pub rel: Field,
    pub title: Field,
    pub body: Field,
    pub date: Field,
    /// First and last day the date may mean, packed (`query::span`): `date:` ranges admit an
    /// article when both lie inside.
    pub date_lo: Field,
    pub date_hi: Field,
    pub source: Field,
    /// The source's folded key (as an organisation's): `source:` clauses.
    pub source_key: Field,
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER_NAME)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        idh: b.add_u64_field("idh", FAST),
        rel: b.add_text_field("rel", STRING),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text),
        date: b.add_text_field("date", STRING | STORED),
        date_lo: b.add_u64_field("date_lo", INDEXED | FAST),
        date_hi: b.add_u64_field("date_hi", INDEXED | FAST),
        source: b.add_text_field("source", STRING | STORED),
        source_key: b.add_text_field(
            "source_key",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(entities::ENTITY_ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
    };
    (b.build(), fields)
}

/// An opened index over one corpus: lookups and searches.
pub struct Library {
    corpus: PathBuf,
    dir: PathBuf,
    reader: tantivy::IndexReader,
    fields: Fields,
    /// Read on first use: `qari search` never needs it.
    catalog: OnceLock<Arc<Catalog>>,
    entities: Option<entities::EntityIndex>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("corpus", &self.corpus)
            .field("dir", &self.dir)
            .finish()
    }
}

/// True when a 1 MiB file cannot be written in `dir` for lack of space (the probe is removed).
fn disk_full(dir: &Path) -> bool {
    use std::io::Write;
    let probe = dir.join(".space-probe");
    let full = std::fs::File::create(&probe)
        .and_then(|mut f| {
            f.write_all(&[0u8; 1 << 20])?;
            f.sync_all()
        })
        .is_err_and(|e| e.kind() == std::io::ErrorKind::StorageFull);
    let _ = std::fs::remove_file(&probe);
    full
}

/// A 64-bit hash of an article id, a fast column in both indexes: an entity clause becomes a
/// set of hashes that filters the text search as it collects, without reading any stored id.
pub(crate) fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// What ties an index to its corpus: the folder's name, and the payload of every tantivy commit
/// (so a tantivy folder copied in from another corpus's index is noticed).
pub(crate) fn corpus_key(corpus: &Path) -> u64 {
    xxhash_rust::xxh3::xxh3_64(corpus.as_os_str().as_encoded_bytes())
}

/// The tantivy commit payload of an index of `corpus`.
pub(crate) fn commit_payload(corpus: &Path) -> String {
    format!("qari corpus {:016x}", corpus_key(corpus))
}

/// The folder of the index for `corpus` under `cache_dir`.
pub fn index_dir(cache_dir: &Path, corpus: &Path) -> PathBuf {
    let key = corpus_key(corpus);
    cache_dir
        .join(format!("index-v{SCHEMA_VERSION}"))
        .join(format!("{key:016x}"))
}

impl Library {
    /// The one place a Library is put together (quick and full opens alike).
    fn new(
        corpus: PathBuf,
        dir: PathBuf,
        reader: tantivy::IndexReader,
        catalog: Option<Catalog>,
        entities: Option<entities::EntityIndex>,
    ) -> Library {
        Library {
            corpus,
            dir,
            reader,
            fields: schema().1,
            catalog: catalog
                .map(Arc::new)
                .map_or_else(OnceLock::new, OnceLock::from),
            entities,
        }
    }

    /// Opens the index of `corpus` under `cache_dir`, building it on first use and bringing it up
    /// to date with the folder otherwise (only changed files are read). Reports progress.
    pub fn open(
        corpus: &Path,
        cache_dir: &Path,
        options: OpenOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(Library, UpdateStats), IndexError> {
        build::open(corpus, cache_dir, options, progress)
    }

    /// The corpus folder this index covers.
    pub fn corpus(&self) -> &Path {
        &self.corpus
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// After a refresh (`stats`): takes the catalog `older` (an earlier open of the same index)
    /// holds when this open changed nothing, so the reader keeps one catalog and not a second
    /// copy of the same file.
    pub fn keep_catalog_of(&mut self, older: &Library, stats: &UpdateStats) {
        let unchanged = stats.reindexed == 0
            && stats.removed == 0
            && !stats.built
            && stats.rebuilt.is_none()
            && older.dir == self.dir;
        if let (true, Some(c)) = (unchanged, older.catalog.get()) {
            self.catalog = OnceLock::from(c.clone());
        }
    }

    /// Every article's list entry, as the last update saw it, sorted by id. Read from the index
    /// on first use (a damaged catalog is an error here; `qari index` rebuilds it), then held.
    pub fn articles(&self) -> Result<&Arc<Catalog>, IndexError> {
        if let Some(c) = self.catalog.get() {
            return Ok(c);
        }
        let catalog = Arc::new(manifest::read_catalog(&self.dir)?);
        Ok(self.catalog.get_or_init(|| catalog))
    }

    /// Reads the article `id` (or unique prefix) from its file, and only that file.
    pub fn load(&self, prefix: &str) -> Result<crate::corpus::Article, IndexError> {
        let catalog = self.articles()?;
        let meta = catalog
            .get(catalog.resolve(prefix)?)
            .ok_or_else(|| crate::corpus::IdError::Unknown(prefix.to_string()))?;
        let path = crate::corpus::resolve_rel(&self.corpus, meta.rel);
        let entry = crate::corpus::FileEntry {
            size: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            path: path.clone(),
            rel: meta.rel.to_string(),
            id: crate::corpus::file_id_of(meta.id, meta.rel),
            mtime_ns: 0,
        };
        let (articles, warnings, _) = crate::corpus::load_file(&entry);
        articles
            .into_iter()
            .find(|a| a.id == meta.id)
            .ok_or_else(|| IndexError::Article {
                path,
                message: warnings.first().map_or(
                    "the article is no longer in its file (run `qari index`)".to_string(),
                    |w| w.message.clone(),
                ),
            })
    }

    /// Runs a user query (syntax: [`query`]'s module docs) and returns the best hits, the total
    /// and the other spellings it also matched.
    pub fn search(&self, query: &str, opts: SearchOptions) -> Result<SearchResults, IndexError> {
        search::search(self, query, opts)
    }

    /// Number of documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

pub(crate) fn register_analyzer(index: &tantivy::Index) {
    index.tokenizers().register(ANALYZER_NAME, text_analyzer());
    index.tokenizers().register(
        entities::ENTITY_ANALYZER,
        TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::FILES_READ;

    fn files_read() -> u64 {
        FILES_READ.with(|n| n.get())
    }

    #[test]
    fn opening_an_article_reads_only_its_own_file() {
        let corpus = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        for i in 0..40 {
            std::fs::write(
                corpus.path().join(format!("{i:03}.txt")),
                format!("عنوان {i}\n\n(سانا - 21 اكتوبر 2020) نص المقال {i}"),
            )
            .unwrap();
        }
        std::fs::write(
            corpus.path().join("batch.jsonl"),
            "{\"title\":\"أ\",\"body\":\"نص\",\"id\":\"r1\"}\n{\"title\":\"ب\",\"body\":\"نص\",\"id\":\"r2\"}\n",
        )
        .unwrap();
        let open = || {
            Library::open(
                corpus.path(),
                cache.path(),
                OpenOptions::default(),
                &mut |_| {},
            )
        };
        let (lib, stats) = open().unwrap();
        assert_eq!(stats.articles, 42);
        assert_eq!(lib.articles().unwrap().len(), 42);
        // The manifests are not read again once the catalog is held: remove them to prove it.
        for f in [manifest::ARTICLES, manifest::FILES, manifest::DIRS] {
            std::fs::remove_file(lib.dir().join(f)).unwrap();
        }
        let before = files_read();
        let a = lib.load("017").unwrap();
        assert_eq!(a.title, "عنوان 17");
        assert_eq!(a.date.map(|d| d.iso()).as_deref(), Some("2020-10-21"));
        assert_eq!(files_read() - before, 1);
        let r = lib.load("batch/r2").unwrap();
        assert_eq!(r.title, "ب");
        assert_eq!(files_read() - before, 2);
        // A relaunch notices the missing manifests and rebuilds.
        drop(lib);
        let (lib, stats) = open().unwrap();
        assert!(stats.rebuilt.is_some(), "{stats:?}");
        assert_eq!(lib.articles().unwrap().len(), 42);
        // A refresh that changes nothing keeps the catalog already held, not a second copy;
        // one that changed something keeps its own.
        let held = lib.articles().unwrap().clone();
        let (mut again, stats) = open().unwrap();
        assert_eq!((stats.reindexed, stats.removed), (0, 0), "{stats:?}");
        again.keep_catalog_of(&lib, &stats);
        assert!(Arc::ptr_eq(again.articles().unwrap(), &held));
        std::fs::write(corpus.path().join("new.txt"), "جديد\n\nنص جديد").unwrap();
        let (mut changed, stats) = open().unwrap();
        assert_eq!(stats.reindexed, 1, "{stats:?}");
        changed.keep_catalog_of(&lib, &stats);
        assert_eq!(changed.articles().unwrap().len(), 43);
    }

    #[test]
    fn a_file_that_loses_its_name_is_reindexed_under_the_new_one() {
        let corpus = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        std::fs::write(corpus.path().join("b.txt"), "عنوان ب\n\nنص").unwrap();
        let open = || {
            Library::open(
                corpus.path(),
                cache.path(),
                OpenOptions::default(),
                &mut |_| {},
            )
        };
        let (lib, _) = open().unwrap();
        assert_eq!(lib.articles().unwrap().get(0).unwrap().id, "b");
        drop(lib);
        // `b.md` sorts first and takes the name `b`; `b.txt` becomes `b.txt` though its bytes
        // did not change.
        std::fs::write(corpus.path().join("b.md"), "# عنوان م\n\nنص").unwrap();
        let (lib, _) = open().unwrap();
        let ids: Vec<&str> = lib.articles().unwrap().iter().map(|a| a.id).collect();
        assert_eq!(ids, ["b", "b.txt"]);
        assert_eq!(lib.load("b.txt").unwrap().title, "عنوان ب");
        assert_eq!(
            lib.search("عنوان", SearchOptions::limit(10)).unwrap().total,
            2
        );
    }
}
