//! Opening, building and updating an index: first launch builds, later launches read only the
//! files whose size or mtime changed, and a broken index is rebuilt.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::schema::Term;
use tantivy::{Index, IndexWriter, ReloadPolicy, TantivyDocument};

use super::catalog::{ArticleMeta, Catalog};
use super::manifest::{self, FileRecord, Files, ARTICLES, DIRS, FILES};
use super::{index_dir, register_analyzer, schema, Fields, IndexError, Library};
use crate::corpus::{load_file, scan_dir, Article, FileEntry, Warning};
use crate::text::dates::PartialDate;

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
    /// Check every index file against its checksum (reads the whole index: ~0.4 GB at 100k
    /// articles), rebuilding if one fails. `qari index` does; lookups rely on read errors.
    pub verify: bool,
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
    /// True when the index folder cannot be written: the index was used as last built.
    pub read_only: bool,
}

fn threads(options: OpenOptions) -> usize {
    if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    }
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |error| IndexError::Write {
        path: path.to_path_buf(),
        error,
    }
}

fn tv_err(path: &Path) -> impl FnOnce(tantivy::TantivyError) -> IndexError + '_ {
    move |e| IndexError::tantivy(path, e)
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

/// An index found valid on disk: it is ours and tantivy opens it with our schema.
struct Existing {
    index: Index,
    reader: tantivy::IndexReader,
}

/// Checks that the index in `dir` belongs to `corpus`, has our schema, opens, and has its
/// manifests; the reason if not. The manifests themselves are read (and checked) when needed: a
/// quick lookup such as `qari search` needs none of them. `read_only`: the folder cannot be
/// written (see [`super::read_only`]).
fn validate(dir: &Path, corpus: &Path, read_only: bool) -> Result<Existing, String> {
    let owner =
        std::fs::read_to_string(dir.join("corpus.txt")).map_err(|_| "no corpus.txt".to_string())?;
    if Path::new(owner.trim_end_matches('\n')) != corpus {
        return Err(format!(
            "index belongs to another corpus ({})",
            owner.trim()
        ));
    }
    let tv = dir.join("tantivy");
    let index = if read_only {
        super::read_only::open(&tv)
    } else {
        Index::open_in_dir(&tv)
    }
    .map_err(|e| format!("corrupt index: {e}"))?;
    let (ours, _) = schema();
    if index.schema() != ours {
        return Err("index has an old schema".into());
    }
    register_analyzer(&index);
    let payload = index
        .load_metas()
        .map_err(|e| format!("corrupt index: {e}"))?
        .payload;
    if payload.is_some_and(|p| p != super::commit_payload(corpus)) {
        return Err("the search index belongs to another corpus".into());
    }
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| format!("corrupt index: {e}"))?;
    for f in [FILES, DIRS] {
        if !dir.join(f).is_file() {
            return Err(format!("index manifest {f} is missing"));
        }
    }
    if !dir.join(ARTICLES).is_file() {
        return Err(format!("index manifest {ARTICLES} is missing"));
    }
    Ok(Existing { index, reader })
}

/// Checks every file of the tantivy index against its checksum.
fn verify_checksums(index: &Index, dir: &Path) -> Result<(), IndexError> {
    let bad = index.validate_checksum().map_err(tv_err(dir))?;
    if bad.is_empty() {
        return Ok(());
    }
    let mut names: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
    names.sort();
    Err(IndexError::Tantivy {
        path: dir.join("tantivy"),
        message: format!("damaged files (checksum): {}", names.join(", ")),
    })
}

/// True when every folder recorded at the last full scan still has its mtime.
fn dirs_unchanged(dir: &Path, corpus: &Path) -> bool {
    match manifest::read::<Vec<(String, u128)>>(dir, DIRS) {
        Ok(dirs) if !dirs.is_empty() => dirs.iter().all(|(rel, m)| {
            let p = if rel.is_empty() {
                corpus.to_path_buf()
            } else {
                crate::corpus::resolve_rel(corpus, rel)
            };
            crate::corpus::mtime_ns(&p) == *m
        }),
        _ => false,
    }
}

fn create(dir: &Path, corpus: &Path) -> Result<Index, IndexError> {
    remove_old_versions(dir);
    let tv = dir.join("tantivy");
    // Whatever is in the way goes, a file where the folder should be included.
    if tv.is_dir() {
        std::fs::remove_dir_all(&tv).map_err(write_err(&tv))?;
    } else if tv.symlink_metadata().is_ok() {
        std::fs::remove_file(&tv).map_err(write_err(&tv))?;
    }
    for f in [FILES, ARTICLES, DIRS] {
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
    manifest::write(dir, FILES, &Files::new())?;
    manifest::write_catalog(dir, &Catalog::default())?;
    manifest::write::<[(String, u128)]>(dir, DIRS, &[])?;
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
        doc.add_text(f.date, d.iso());
        if d.year.is_some() {
            let (lo, hi) = super::query::span(d);
            doc.add_u64(f.date_lo, u64::from(lo));
            doc.add_u64(f.date_hi, u64::from(hi));
        }
    }
    if let Some(s) = &a.source {
        doc.add_text(f.source, s);
        doc.add_text(
            f.source_key,
            crate::entities::entity_key(crate::entities::EntityKind::Org, s),
        );
    }
    doc
}

/// What the catalog needs of an article read on a worker (the article's text is dropped there).
struct Listed {
    id: String,
    title: String,
    date: Option<PartialDate>,
    source: Option<String>,
}

impl Listed {
    fn of(a: &Article) -> Listed {
        Listed {
            id: a.id.clone(),
            title: a.title.clone(),
            date: a.date,
            source: a.source.clone(),
        }
    }

    fn meta<'a>(&'a self, rel: &'a str) -> ArticleMeta<'a> {
        ArticleMeta {
            id: &self.id,
            date: self.date,
            source: self.source.as_deref(),
            rel,
            title: &self.title,
        }
    }
}

/// Holds the build lock of an index folder; another process blocks until it is released.
/// Takes the index folder's lock (waiting, with a notice, while another qari updates it).
/// `None` when the folder cannot be written at all (a read-only file system or no permission):
/// nothing can change the index then, so it may be read without a lock.
fn lock(dir: &Path, progress: &mut dyn FnMut(Progress)) -> Result<Option<File>, IndexError> {
    let path = dir.join("lock");
    // A folder where the lock file should be (a damaged cache) is cleared first.
    if path.is_dir() {
        std::fs::remove_dir_all(&path).map_err(write_err(&path))?;
    }
    let file = match File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if read_only(&e) => return Ok(None),
        Err(e) => return Err(write_err(&path)(e)),
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            progress(Progress::Waiting);
            file.lock().map_err(write_err(&path))?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(write_err(&path)(e)),
    }
    Ok(Some(file))
}

/// True for the errors of a folder that cannot be written: a read-only file system or a
/// permission refused.
fn read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

/// Opens an index that cannot be written (see [`lock`]) as it was last built: checked like any
/// other, never updated; a warning says so when the corpus folders changed since.
fn open_read_only(
    dir: &Path,
    corpus: PathBuf,
    options: OpenOptions,
    started: Instant,
) -> Result<(Library, UpdateStats), IndexError> {
    let cannot = |why: &str| IndexError::Write {
        path: dir.to_path_buf(),
        error: std::io::Error::new(
            std::io::ErrorKind::ReadOnlyFilesystem,
            format!("the folder is read-only and {why}; set QARI_CACHE_DIR to a writable folder"),
        ),
    };
    if !dir.join("tantivy").exists() {
        return Err(cannot("holds no index to read"));
    }
    let e = validate(dir, &corpus, true)
        .map_err(|reason| cannot(&format!("its index is unusable ({reason})")))?;
    let mut stats = UpdateStats {
        quick: true,
        read_only: true,
        ..UpdateStats::default()
    };
    // A lookup trusts unchanged folders as usual; `qari index` is told in any case.
    if !options.quick || !dirs_unchanged(dir, &corpus) {
        stats.warnings.push(Warning {
            path: dir.to_path_buf(),
            line: None,
            message: "the index folder is read-only: using the index as last built; \
                      changes to the corpus since then are not in it"
                .into(),
        });
    }
    let entities = super::entities::open(dir, true);
    let library = Library::new(corpus, dir.to_path_buf(), e.reader, None, entities);
    stats.articles = library.num_docs() as usize;
    stats.elapsed = started.elapsed();
    Ok((library, stats))
}

/// Result of reading one changed file on a worker.
struct Read {
    rel: String,
    record: FileRecord,
    listed: Vec<Listed>,
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
    let Some(_lock) = lock(&dir, progress)? else {
        return open_read_only(&dir, corpus, options, started);
    };
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
        (false, false) => match validate(&dir, &corpus, false) {
            Ok(v) => Some(v),
            Err(reason) => {
                progress(Progress::Rebuilding(reason.clone()));
                stats.rebuilt = Some(reason);
                None
            }
        },
    };
    let (_, fields) = schema();
    // A valid index whose folders did not change is opened as it is (the quick check).
    let existing = match existing {
        Some(e) if options.quick && dirs_unchanged(&dir, &corpus) => {
            let mut entities = super::entities::open(&dir, false);
            if entities.is_none() && options.entities {
                let files: Files = manifest::read(&dir, FILES)?;
                let (e, es) =
                    super::entities::update(&dir, &corpus, &files, threads(options), progress)?;
                entities = Some(e);
                stats.entities = Some(es);
            }
            stats.quick = true;
            let library = Library::new(corpus, dir, e.reader, None, entities);
            stats.articles = library.num_docs() as usize;
            stats.elapsed = started.elapsed();
            return Ok((library, stats));
        }
        // The full check needs the file records, and the catalog when something changed;
        // damaged ones (or, when asked, index files failing their checksums) mean a rebuild.
        Some(e) => match manifest::read::<Files>(&dir, FILES)
            .and_then(|files| manifest::verify(&dir, ARTICLES).map(|()| files))
            .and_then(|files| {
                if options.verify {
                    verify_checksums(&e.index, &dir)?;
                }
                Ok(files)
            }) {
            Ok(files) => Some((e, files)),
            Err(err) => {
                let reason = err.to_string();
                progress(Progress::Rebuilding(reason.clone()));
                stats.rebuilt = Some(reason);
                None
            }
        },
        None => None,
    };
    let (index, old, had_index) = match existing {
        Some((e, files)) => (e.index, files, true),
        None => (create(&dir, &corpus)?, Files::new(), false),
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
    // New, changed, or named differently now (another file took its name, or gave it back).
    let to_read: Vec<&FileEntry> = entries
        .iter()
        .filter(|e| {
            old.get(&e.rel)
                .is_none_or(|r| r.size != e.size || r.mtime_ns != e.mtime_ns || r.id != e.id)
        })
        .collect();

    let (files, catalog) = if to_read.is_empty() && removed.is_empty() {
        // Nothing to merge: the Library reads the catalog when asked.
        (old, None)
    } else {
        let old_catalog = if had_index {
            manifest::read_catalog(&dir)?
        } else {
            Catalog::default()
        };
        let tv = dir.join("tantivy");
        let threads = threads(options);
        let writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(threads, threads * 128 * 1024 * 1024)
            .map_err(tv_err(&tv))?;
        for rel in &removed {
            writer.delete_term(Term::from_field_text(fields.rel, rel));
        }
        let reads = match read_and_index(&to_read, &old, &writer, &fields, &tv, threads, progress) {
            Ok(reads) => reads,
            Err(e) => return Err(e.with_writer_cause(writer)),
        };
        progress(Progress::Committing);
        let mut writer = writer;
        let mut commit = writer.prepare_commit().map_err(tv_err(&tv))?;
        commit.set_payload(&super::commit_payload(&corpus));
        commit.commit().map_err(tv_err(&tv))?;
        super::fault::point("commit");
        writer.wait_merging_threads().map_err(tv_err(&tv))?;

        // New manifests: the old ones minus removed and re-indexed files, plus what was read.
        let changed: std::collections::HashSet<&str> = reads
            .iter()
            .filter(|r| r.reindexed)
            .map(|r| r.rel.as_str())
            .chain(removed.iter().map(String::as_str))
            .collect();
        let catalog = Catalog::build(
            old_catalog
                .iter()
                .filter(|a| !changed.contains(a.rel))
                .chain(
                    reads
                        .iter()
                        .filter(|r| r.reindexed)
                        .flat_map(|r| r.listed.iter().map(|l| l.meta(&r.rel))),
                ),
        );
        let mut files = old;
        for rel in &removed {
            files.remove(rel);
        }
        for r in reads {
            stats.files_read += 1;
            stats.bytes_read += r.bytes;
            stats.reindexed += usize::from(r.reindexed);
            stats.warnings.extend(r.warnings);
            files.insert(r.rel, r.record);
        }
        stats.removed = removed.len();
        manifest::write_catalog(&dir, &catalog)?;
        super::fault::point("catalog");
        manifest::write(&dir, FILES, &files)?;
        (files, Some(catalog))
    };
    manifest::write(&dir, DIRS, &scan.dirs)?;
    stats.elapsed = started.elapsed();

    // The entity pass: built on request, then kept in step with the text index.
    let entities = if options.entities || super::entities::open(&dir, false).is_some() {
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
    let library = Library::new(corpus, dir, reader, catalog, entities);
    stats.articles = library.num_docs() as usize;
    Ok((library, stats))
}

/// Reads the changed files on `threads` workers and feeds their articles to the writer. A file
/// whose bytes hash to what was indexed before (touched, not changed) is not re-indexed.
fn read_and_index(
    to_read: &[&FileEntry],
    old: &Files,
    writer: &IndexWriter<TantivyDocument>,
    fields: &Fields,
    tv: &Path,
    threads: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Read>, IndexError> {
    let mut report = |done, total| progress(Progress::Indexing { done, total });
    super::pool::for_each(to_read, threads, &mut report, |entry| {
        let (articles, warnings, hash) = load_file(entry);
        // Touched but not changed, and still named the same: nothing to index.
        let unchanged = old
            .get(&entry.rel)
            .is_some_and(|r| r.hash == hash && r.id == entry.id);
        if !unchanged {
            writer.delete_term(Term::from_field_text(fields.rel, &entry.rel));
            for a in &articles {
                writer
                    .add_document(document(fields, &entry.rel, a))
                    .map_err(|_| IndexError::WriterStopped {
                        path: tv.to_path_buf(),
                    })?;
            }
            super::fault::point("file");
        }
        Ok(Read {
            rel: entry.rel.clone(),
            record: FileRecord {
                size: entry.size,
                mtime_ns: entry.mtime_ns,
                hash,
                id: entry.id.clone(),
            },
            listed: articles.iter().map(Listed::of).collect(),
            warnings,
            bytes: entry.size.min(crate::corpus::MAX_FILE_BYTES),
            reindexed: !unchanged,
        })
    })
}
