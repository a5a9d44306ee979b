//! The search index: a tantivy index in the cache dir, built on first launch and kept in step
//! with the corpus folder, plus a small manifest that makes relaunches cheap.
//!
//! Layout of one index (per corpus folder and schema version):
//! ```text
//! <cache>/index-v<SCHEMA>/<xxh3 of the corpus path>/
//!     corpus.txt     the corpus path (tells a foreign index apart)
//!     files.tsv      one line per corpus file: rel, size, mtime, content hash
//!     articles.tsv   one line per article: id, date, source, rel, title (for `list` and the TUI)
//!     lock           held while building or updating, so two qari processes take turns
//!     tantivy/       the index itself
//! ```

mod build;
mod entities;
mod manifest;
mod pool;
mod search;

use std::path::{Path, PathBuf};

pub use build::{OpenOptions, Progress, UpdateStats};
pub use entities::EntityStats;
pub use manifest::ArticleMeta;
pub use search::{Hit, QueryError};

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};

use crate::text::analyzer::{text_analyzer, ANALYZER_NAME};

/// Bumped whenever the schema, the analyzer or the manifest format changes: an index of another
/// version is rebuilt.
pub const SCHEMA_VERSION: u32 = 5;

/// Errors of the index layer.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The corpus folder itself is unusable.
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    /// tantivy failed in a way a rebuild did not fix.
    #[error("search index at {path}: {message}")]
    Tantivy { path: PathBuf, message: String },
    /// A file of the index (or the lock) cannot be read.
    #[error("cannot read the index file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The cache folder, or a file in it, cannot be written.
    #[error("cannot write the index at {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
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
    /// The built-in entity model cannot be loaded (a broken build).
    #[error("entity tagger: {0}")]
    Model(&'static crate::entities::ModelError),
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
    pub source: Field,
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
        source: b.add_text_field("source", STRING | STORED),
    };
    (b.build(), fields)
}

/// An opened index over one corpus: lookups and searches.
pub struct Library {
    corpus: PathBuf,
    dir: PathBuf,
    index: tantivy::Index,
    reader: tantivy::IndexReader,
    fields: Fields,
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

/// A 64-bit hash of an article id, a fast column in both indexes: an entity clause becomes a
/// set of hashes that filters the text search as it collects, without reading any stored id.
pub(crate) fn id_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// The folder of the index for `corpus` under `cache_dir`.
pub fn index_dir(cache_dir: &Path, corpus: &Path) -> PathBuf {
    let key = xxhash_rust::xxh3::xxh3_64(corpus.as_os_str().as_encoded_bytes());
    cache_dir
        .join(format!("index-v{SCHEMA_VERSION}"))
        .join(format!("{key:016x}"))
}

impl Library {
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

    /// Every article's metadata, as the last update saw it, sorted by id. Reads no article file.
    pub fn articles(&self) -> Result<Vec<ArticleMeta>, IndexError> {
        manifest::read_articles(&self.dir).map_err(|e| IndexError::Read {
            path: self.dir.join("articles.tsv"),
            source: e,
        })
    }

    /// Resolves an id or unique id prefix.
    pub fn resolve(&self, prefix: &str) -> Result<ArticleMeta, IndexError> {
        let metas = self.articles()?;
        let id =
            crate::corpus::resolve_in(metas.iter().map(|m| m.id.as_str()), prefix)?.to_string();
        Ok(metas
            .into_iter()
            .find(|m| m.id == id)
            .ok_or(crate::corpus::IdError::Unknown(id))?)
    }

    /// Reads the article `id` (or unique prefix) from its file.
    pub fn load(&self, prefix: &str) -> Result<crate::corpus::Article, IndexError> {
        let meta = self.resolve(prefix)?;
        let path = self.corpus.join(&meta.rel);
        let entry = crate::corpus::FileEntry {
            size: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            path: path.clone(),
            rel: meta.rel.clone(),
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

    /// Runs a user query (see [`search::parse`] for the syntax) and returns up to `limit` hits.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, IndexError> {
        search::search(self, query, limit)
    }

    /// True when the entity index (for `person:`/`place:`/`org:` queries) has been built.
    pub fn has_entities(&self) -> bool {
        self.entities.is_some()
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
