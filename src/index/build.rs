//! Opening, building and updating an index: first launch builds, later launches read only the
//! files whose size or mtime changed, and a broken index is rebuilt.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::schema::Term;
use tantivy::{Index, IndexWriter, ReloadPolicy, TantivyDocument};

use super::manifest::{self, ArticleMeta, FileRecord};
use super::{index_dir, register_analyzer, schema, Fields, IndexError, Library};
use crate::corpus::{load_file, scan_dir, Article, FileEntry, Warning};

/// How to open an index.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Throw the index away and build it again.
    pub rebuild: bool,
    /// Worker threads for reading and indexing (0: one per core).
    pub threads: usize,
    /// Trust the folders' mtimes: when no folder changed since the last full scan, skip the
    /// per-file check. Catches added, removed and renamed files; a file edited in place is seen
    /// by the next full check (`qari index`, the TUI's launch). For quick lookups.
    pub quick: bool,
    /// Also build the entity index (the tagger's pass) if it is missing. Once it exists it is
    /// kept up to date on every full check either way.
    pub entities: bool,
}

/// What the index is doing, for a progress bar or the TUI's gauge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Another qari process is building this index; waiting for it.
    Waiting,
    /// The index is unusable and is being rebuilt; the reason, in one line.
    Rebuilding(String),
    /// Listing the corpus folder.
    Scanning,
    /// Reading and indexing files: done of total.
    Indexing { done: usize, total: usize },
    /// Tagging entities (the second pass): done of total files.
    Tagging { done: usize, total: usize },
    /// Writing the index to disk.
    Committing,
}

/// What an open did.
#[derive(Debug, Clone, Default)]
pub struct UpdateStats {
    /// Corpus files seen (0 when a quick check found no folder changed).
    pub files: usize,
    /// True when a quick check found nothing changed and no file was looked at.
    pub quick: bool,
    /// Articles in the index after the update.
    pub articles: usize,
    /// Files read during this open (new, changed or touched).
    pub files_read: usize,
    /// Bytes read during this open.
    pub bytes_read: u64,
    /// Files whose articles were (re)indexed.
    pub reindexed: usize,
    /// Files removed from the index.
    pub removed: usize,
    /// True when the index was built from nothing.
    pub built: bool,
    /// Why an existing index was thrown away, if it was.
    pub rebuilt: Option<String>,
    /// Problems with single files.
    pub warnings: Vec<Warning>,
    /// Wall time of the text pass.
    pub elapsed: Duration,
    /// What the entity pass did, when it ran.
    pub entities: Option<super::EntityStats>,
}

fn threads(options: OpenOptions) -> usize {
    if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    }
}

fn read_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Read {
        path: path.to_path_buf(),
        source,
    }
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn tv_err(path: &Path) -> impl FnOnce(tantivy::TantivyError) -> IndexError + '_ {
    move |e| IndexError::Tantivy {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Deletes this corpus's indexes of older schema versions (`<cache>/index-v<N>/<key>`): a new
/// version rebuilds, and the old one would only take disk space.
fn remove_old_versions(dir: &Path) {
    let (Some(key), Some(versions)) = (dir.file_name(), dir.parent().and_then(Path::parent)) else {
        return;
    };
    for v in 1..super::SCHEMA_VERSION {
        let old = versions.join(format!("index-v{v}")).join(key);
        if old.is_dir() {
            let _ = std::fs::remove_dir_all(&old);
            let _ = std::fs::remove_dir(old.parent().unwrap_or(&old));
        }
    }
}

/// Checks that the index in `dir` belongs to `corpus`, has our schema and opens; the reason if not.
fn validate(dir: &Path, corpus: &Path) -> Result<(Index, tantivy::IndexReader), String> {
    let owner =
        std::fs::read_to_string(dir.join("corpus.txt")).map_err(|_| "no corpus.txt".to_string())?;
    if Path::new(owner.trim_end_matches('\n')) != corpus {
        return Err(format!(
            "index belongs to another corpus ({})",
            owner.trim()
        ));
    }
    let index =
        Index::open_in_dir(dir.join("tantivy")).map_err(|e| format!("corrupt index: {e}"))?;
    let (ours, _) = schema();
    if index.schema() != ours {
        return Err("index has an old schema".into());
    }
    register_analyzer(&index);
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| format!("corrupt index: {e}"))?;
    for f in ["files.tsv", "articles.tsv", "dirs.tsv"] {
        if !dir.join(f).is_file() {
            return Err(format!("index manifest {f} is missing"));
        }
    }
    Ok((index, reader))
}

/// True when every folder recorded at the last full scan still has its mtime.
fn dirs_unchanged(dir: &Path, corpus: &Path) -> bool {
    match manifest::read_dirs(dir) {
        Ok(dirs) if !dirs.is_empty() => dirs.iter().all(|(rel, m)| {
            let p = if rel.is_empty() {
                corpus.to_path_buf()
            } else {
                corpus.join(rel)
            };
            crate::corpus::mtime_ns(&p) == *m
        }),
        _ => false,
    }
}

fn create(dir: &Path, corpus: &Path) -> Result<Index, IndexError> {
    remove_old_versions(dir);
    let tv = dir.join("tantivy");
    if tv.exists() {
        std::fs::remove_dir_all(&tv).map_err(write_err(&tv))?;
    }
    for f in ["files.tsv", "articles.tsv", "dirs.tsv"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    // The entity index goes too: a rebuild starts from nothing.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with("entities-") {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    std::fs::create_dir_all(&tv).map_err(write_err(&tv))?;
    let (schema, _) = schema();
    let index = Index::create_in_dir(&tv, schema).map_err(tv_err(&tv))?;
    register_analyzer(&index);
    manifest::write_files(dir, &HashMap::new()).map_err(write_err(dir))?;
    manifest::write_articles(dir, &[]).map_err(write_err(dir))?;
    manifest::write_dirs(dir, &[]).map_err(write_err(dir))?;
    std::fs::write(dir.join("corpus.txt"), format!("{}\n", corpus.display()))
        .map_err(write_err(dir))?;
    Ok(index)
}

fn document(f: &Fields, rel: &str, a: &Article) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.idh, super::id_hash(&a.id));
    doc.add_text(f.id, &a.id);
    doc.add_text(f.rel, rel);
    doc.add_text(f.title, &a.title);
    doc.add_text(f.body, a.paragraphs.join("\n\n"));
    if let Some(d) = &a.date {
        doc.add_text(f.date, d);
    }
    if let Some(s) = &a.source {
        doc.add_text(f.source, s);
    }
    doc
}

fn meta(rel: &str, a: &Article) -> ArticleMeta {
    ArticleMeta {
        id: a.id.clone(),
        date: a.date.clone(),
        source: a.source.clone(),
        rel: rel.to_string(),
        title: a.title.clone(),
    }
}

/// Holds the build lock of an index folder; another process blocks until it is released.
fn lock(dir: &Path, progress: &mut dyn FnMut(Progress)) -> Result<File, IndexError> {
    let path = dir.join("lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(write_err(&path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            progress(Progress::Waiting);
            file.lock().map_err(write_err(&path))?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(write_err(&path)(e)),
    }
    Ok(file)
}

/// Result of reading one changed file on a worker.
struct Read {
    rel: String,
    record: FileRecord,
    metas: Vec<ArticleMeta>,
    warnings: Vec<Warning>,
    bytes: u64,
    reindexed: bool,
}

pub(super) fn open(
    corpus: &Path,
    cache_dir: &Path,
    options: OpenOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Library, UpdateStats), IndexError> {
    let started = Instant::now();
    let corpus = std::path::absolute(corpus).unwrap_or_else(|_| corpus.to_path_buf());
    match std::fs::metadata(&corpus) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(crate::corpus::CorpusError::NotADir(corpus).into()),
        Err(_) => return Err(crate::corpus::CorpusError::Missing(corpus).into()),
    }
    let dir = index_dir(cache_dir, &corpus);
    std::fs::create_dir_all(&dir).map_err(write_err(&dir))?;
    let _lock = lock(&dir, progress)?;
    let mut stats = UpdateStats::default();

    let fresh = !dir.join("tantivy").exists();
    let existing = match (options.rebuild, fresh) {
        (true, _) => {
            stats.rebuilt = Some("rebuild requested".into());
            None
        }
        (false, true) => {
            stats.built = true;
            None
        }
        (false, false) => match validate(&dir, &corpus) {
            Ok(v) => Some(v),
            Err(reason) => {
                progress(Progress::Rebuilding(reason.clone()));
                stats.rebuilt = Some(reason);
                None
            }
        },
    };
    let (_, fields) = schema();
    let (index, old) = match existing {
        Some((index, reader)) => {
            if options.quick && dirs_unchanged(&dir, &corpus) {
                let mut entities = super::entities::open(&dir);
                if entities.is_none() && options.entities {
                    let files =
                        manifest::read_files(&dir).map_err(read_err(&dir.join("files.tsv")))?;
                    let (e, es) =
                        super::entities::update(&dir, &corpus, &files, threads(options), progress)?;
                    entities = Some(e);
                    stats.entities = Some(es);
                }
                let library = Library {
                    corpus,
                    dir,
                    index,
                    reader,
                    fields,
                    entities,
                };
                stats.quick = true;
                stats.articles = library.num_docs() as usize;
                stats.elapsed = started.elapsed();
                return Ok((library, stats));
            }
            let files = manifest::read_files(&dir).map_err(read_err(&dir.join("files.tsv")))?;
            (index, files)
        }
        None => (create(&dir, &corpus)?, HashMap::new()),
    };
    progress(Progress::Scanning);
    let scan = scan_dir(&corpus)?;
    let entries = scan.files;
    stats.files = entries.len();
    stats.warnings = scan.warnings;

    let current: HashMap<&str, &FileEntry> = entries.iter().map(|e| (e.rel.as_str(), e)).collect();
    let removed: Vec<String> = old
        .keys()
        .filter(|r| !current.contains_key(r.as_str()))
        .cloned()
        .collect();
    let to_read: Vec<&FileEntry> = entries
        .iter()
        .filter(|e| {
            old.get(&e.rel)
                .is_none_or(|r| r.size != e.size || r.mtime_ns != e.mtime_ns)
        })
        .collect();

    let files = if to_read.is_empty() && removed.is_empty() {
        old
    } else {
        let tv = dir.join("tantivy");
        let threads = threads(options);
        let writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(threads, threads * 128 * 1024 * 1024)
            .map_err(tv_err(&tv))?;
        for rel in &removed {
            writer.delete_term(Term::from_field_text(fields.rel, rel));
        }
        let reads = read_and_index(&to_read, &old, &writer, &fields, threads, progress)?;
        progress(Progress::Committing);
        let mut writer = writer;
        writer.commit().map_err(tv_err(&tv))?;
        writer.wait_merging_threads().map_err(tv_err(&tv))?;

        // New manifest: old records minus removed, plus what was read.
        let mut files = old;
        for rel in &removed {
            files.remove(rel);
        }
        let changed: std::collections::HashSet<&str> = reads
            .iter()
            .filter(|r| r.reindexed)
            .map(|r| r.rel.as_str())
            .chain(removed.iter().map(String::as_str))
            .collect();
        let mut articles: Vec<ArticleMeta> = if stats.built || stats.rebuilt.is_some() {
            Vec::new()
        } else {
            manifest::read_articles(&dir)
                .map_err(read_err(&dir.join("articles.tsv")))?
                .into_iter()
                .filter(|a| !changed.contains(a.rel.as_str()))
                .collect()
        };
        for r in reads {
            stats.files_read += 1;
            stats.bytes_read += r.bytes;
            stats.reindexed += usize::from(r.reindexed);
            stats.warnings.extend(r.warnings);
            files.insert(r.rel.clone(), r.record);
            if r.reindexed {
                articles.extend(r.metas);
            }
        }
        articles.sort_by(|a, b| a.id.cmp(&b.id));
        stats.removed = removed.len();
        manifest::write_articles(&dir, &articles).map_err(write_err(&dir))?;
        manifest::write_files(&dir, &files).map_err(write_err(&dir))?;
        files
    };
    manifest::write_dirs(&dir, &scan.dirs).map_err(write_err(&dir))?;
    stats.elapsed = started.elapsed();

    // The entity pass: built on request, then kept in step with the text index.
    let entities = if options.entities || super::entities::open(&dir).is_some() {
        let (e, es) = super::entities::update(&dir, &corpus, &files, threads(options), progress)?;
        stats.warnings.extend(es.warnings.iter().cloned());
        stats.entities = Some(es);
        Some(e)
    } else {
        None
    };

    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(tv_err(&dir))?;
    let library = Library {
        corpus,
        dir,
        index,
        reader,
        fields,
        entities,
    };
    stats.articles = library.num_docs() as usize;
    Ok((library, stats))
}

/// Reads the changed files on `threads` workers and feeds their articles to the writer. A file
/// whose bytes hash to what was indexed before (touched, not changed) is not re-indexed.
fn read_and_index(
    to_read: &[&FileEntry],
    old: &HashMap<String, FileRecord>,
    writer: &IndexWriter<TantivyDocument>,
    fields: &Fields,
    threads: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Read>, IndexError> {
    let mut report = |done, total| progress(Progress::Indexing { done, total });
    super::pool::for_each(to_read, threads, &mut report, |entry| {
        let (articles, warnings, hash) = load_file(entry);
        let unchanged = old.get(&entry.rel).is_some_and(|r| r.hash == hash);
        if !unchanged {
            writer.delete_term(Term::from_field_text(fields.rel, &entry.rel));
            for a in &articles {
                writer
                    .add_document(document(fields, &entry.rel, a))
                    .map_err(|e| IndexError::Tantivy {
                        path: entry.path.clone(),
                        message: e.to_string(),
                    })?;
            }
        }
        Ok(Read {
            rel: entry.rel.clone(),
            record: FileRecord {
                size: entry.size,
                mtime_ns: entry.mtime_ns,
                hash,
            },
            metas: articles.iter().map(|a| meta(&entry.rel, a)).collect(),
            warnings,
            bytes: entry.size.min(crate::corpus::MAX_FILE_BYTES),
            reindexed: !unchanged,
        })
    })
}
