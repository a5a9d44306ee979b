//! The entity index: which article names which person, place and organisation, built by the
//! tagger in a second pass after the text index.
//!
//! It is a separate tantivy index because tagging costs several times more than indexing text:
//! keeping it apart lets search work as soon as the text is indexed, and lets the TUI fill the
//! entity filter in afterwards. Its folder is keyed by the model's fingerprint, so a new model
//! re-tags the corpus. `tagged.bin` records, per file, the content hash and id it was tagged at;
//! only files where either differs are read again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::collector::DocSetCollector;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STRING,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::manifest::{self, FileRecord, Files};
use super::{register_analyzer, IndexError, Progress};
use crate::corpus::{load_file, FileEntry, Warning};
use crate::entities::{entity_key, extract_with, EntityKind, Tagger};

/// Bumped when extraction or keying changes in a way the model fingerprint does not show.
const ENTITY_INDEX_VERSION: u64 = 4;

/// Tokenizer of the entity fields: keys are already folded, so split on spaces only.
pub(super) const ENTITY_ANALYZER: &str = "qari_entity";

#[derive(Debug, Clone, Copy)]
struct Fields {
    idh: Field,
    rel: Field,
    person: Field,
    place: Field,
    org: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let key = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ENTITY_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        // The article's id hash as a fast column: "every article naming X" reads numbers from
        // the column, never a stored document or a term dictionary.
        idh: b.add_u64_field("idh", FAST),
        rel: b.add_text_field("rel", STRING),
        person: b.add_text_field("person", key.clone()),
        place: b.add_text_field("place", key.clone()),
        org: b.add_text_field("org", key),
    };
    (b.build(), fields)
}

/// What the entity pass did.
#[derive(Debug, Clone, Default)]
pub struct EntityStats {
    /// Files tagged in this pass.
    pub files_tagged: usize,
    /// Bytes of those files.
    pub bytes_tagged: u64,
    /// Files dropped from the entity index.
    pub removed: usize,
    /// Problems with single files.
    pub warnings: Vec<Warning>,
    /// Wall time of the pass.
    pub elapsed: Duration,
}

/// One file as the entity pass read it.
struct TaggedFile {
    rel: String,
    stamp: u64,
    size: u64,
    warnings: Vec<Warning>,
}

/// An opened entity index.
pub(super) struct EntityIndex {
    reader: IndexReader,
    fields: Fields,
}

fn folder(dir: &Path) -> PathBuf {
    let fp = crate::entities::tagger::builtin_fingerprint() ^ ENTITY_INDEX_VERSION;
    dir.join(format!("entities-{fp:016x}"))
}

fn tv_err(path: &Path) -> impl FnOnce(tantivy::TantivyError) -> IndexError + '_ {
    move |e| IndexError::tantivy(path, e)
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |error| IndexError::Write {
        path: path.to_path_buf(),
        error,
    }
}

/// `tagged.bin`: corpus file → [`stamp`] it was tagged at. Written last, so its presence means a
/// complete entity index.
const TAGGED: &str = "tagged.bin";

/// What a file was tagged at: its content hash and the id its articles were named from.
fn stamp(rec: &FileRecord) -> u64 {
    rec.hash ^ super::id_hash(&rec.id).rotate_left(17)
}

fn open_existing(edir: &Path) -> Option<(Index, HashMap<String, u64>)> {
    let tagged: HashMap<String, u64> = manifest::read(edir, TAGGED).ok()?;
    let index = Index::open_in_dir(edir.join("tantivy")).ok()?;
    if index.schema() != schema().0 {
        return None;
    }
    register_analyzer(&index);
    Some((index, tagged))
}

fn reader_of(index: &Index, edir: &Path) -> Result<EntityIndex, IndexError> {
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(tv_err(edir))?;
    Ok(EntityIndex {
        reader,
        fields: schema().1,
    })
}

/// Opens the entity index of the index in `dir` if a complete one exists (its `tagged.bin` is
/// written last), without tagging and without reading the manifest. `read_only`: the folder
/// cannot be written (see [`super::read_only`]).
pub(super) fn open(dir: &Path, read_only: bool) -> Option<EntityIndex> {
    let edir = folder(dir);
    if !edir.join(TAGGED).is_file() {
        return None;
    }
    let tv = edir.join("tantivy");
    let index = if read_only {
        super::read_only::open(&tv)
    } else {
        Index::open_in_dir(&tv)
    }
    .ok()?;
    if index.schema() != schema().0 {
        return None;
    }
    register_analyzer(&index);
    reader_of(&index, &edir).ok()
}

/// Brings the entity index in `dir` up to date with `files` (the text index's manifest): tags
/// the files whose content hash it has not seen, drops the removed ones.
pub(super) fn update(
    dir: &Path,
    corpus: &Path,
    files: &Files,
    threads: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<(EntityIndex, EntityStats), IndexError> {
    let started = Instant::now();
    let edir = folder(dir);
    // Entity indexes of other model versions are stale.
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("entities-") && e.path() != edir {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    // `fresh`: an index made now holds no documents, so none needs deleting before it is
    // re-added (a queued delete holds ~1.2 KB until the commit: 120 MB over a 100k pass).
    let (index, mut tagged, fresh) = match open_existing(&edir) {
        Some((index, tagged)) => (index, tagged, false),
        None => {
            let tv = edir.join("tantivy");
            if edir.exists() {
                std::fs::remove_dir_all(&edir).map_err(write_err(&edir))?;
            }
            std::fs::create_dir_all(&tv).map_err(write_err(&tv))?;
            let index = Index::create_in_dir(&tv, schema().0).map_err(tv_err(&tv))?;
            register_analyzer(&index);
            (index, HashMap::new(), true)
        }
    };
    let fields = schema().1;
    let removed: Vec<String> = tagged
        .keys()
        .filter(|r| !files.contains_key(*r))
        .cloned()
        .collect();
    let mut to_tag: Vec<(&String, &FileRecord)> = files
        .iter()
        .filter(|(rel, r)| tagged.get(*rel) != Some(&stamp(r)))
        .collect();
    to_tag.sort_by(|a, b| a.0.cmp(b.0));
    let mut stats = EntityStats {
        removed: removed.len(),
        ..EntityStats::default()
    };
    if to_tag.is_empty() && removed.is_empty() {
        stats.elapsed = started.elapsed();
        return Ok((reader_of(&index, &edir)?, stats));
    }
    let tagger = Tagger::load_builtin().map_err(IndexError::Model)?;
    let tv = edir.join("tantivy");
    // 20 MB a worker (tantivy's least is 15 MB): an entity document is a few short keys, so a
    // small arena still flushes rarely; at 100k articles with one worker the pass's anonymous
    // peak was 151 MB against 179 MB with 64 MB, in the same time (124–126 s).
    let writer: IndexWriter<TantivyDocument> = index
        .writer_with_num_threads(threads, threads * 20 * 1024 * 1024)
        .map_err(tv_err(&tv))?;
    for rel in &removed {
        writer.delete_term(Term::from_field_text(fields.rel, rel));
        tagged.remove(rel);
    }

    let mut report = |done, total| progress(Progress::Tagging { done, total });
    let results = super::pool::for_each(&to_tag, threads, &mut report, |&(rel, rec)| {
        let rel: &str = rel;
        let entry = FileEntry {
            path: crate::corpus::resolve_rel(corpus, rel),
            rel: rel.to_string(),
            id: rec.id.clone(),
            size: rec.size,
            mtime_ns: rec.mtime_ns,
        };
        let (articles, warnings, hash) = load_file(&entry);
        if !fresh {
            writer.delete_term(Term::from_field_text(fields.rel, rel));
        }
        for a in &articles {
            let mut doc = TantivyDocument::default();
            doc.add_u64(fields.idh, super::id_hash(&a.id));
            doc.add_text(fields.rel, rel);
            for e in extract_with(tagger, &a.text(), a.date) {
                let field = match e.kind {
                    EntityKind::Person => fields.person,
                    EntityKind::Place => fields.place,
                    EntityKind::Org => fields.org,
                    EntityKind::Date => continue,
                };
                doc.add_text(field, entity_key(e.kind, &e.name));
            }
            writer
                .add_document(doc)
                .map_err(|_| IndexError::WriterStopped { path: tv.clone() })?;
        }
        Ok(TaggedFile {
            rel: rel.to_string(),
            stamp: stamp(&FileRecord {
                hash,
                ..rec.clone()
            }),
            size: rec.size,
            warnings,
        })
    });
    let results = match results {
        Ok(r) => r,
        Err(e) => return Err(e.with_writer_cause(writer)),
    };
    progress(Progress::Committing);
    let mut writer = writer;
    writer.commit().map_err(tv_err(&tv))?;
    writer.wait_merging_threads().map_err(tv_err(&tv))?;
    for TaggedFile {
        rel,
        stamp,
        size,
        warnings,
    } in results
    {
        stats.files_tagged += 1;
        stats.bytes_tagged += size;
        stats.warnings.extend(warnings);
        tagged.insert(rel, stamp);
    }
    manifest::write(&edir, TAGGED, &tagged)?;
    stats.elapsed = started.elapsed();
    Ok((reader_of(&index, &edir)?, stats))
}

impl EntityIndex {
    fn field(&self, kind: EntityKind) -> Option<Field> {
        match kind {
            EntityKind::Person => Some(self.fields.person),
            EntityKind::Place => Some(self.fields.place),
            EntityKind::Org => Some(self.fields.org),
            EntityKind::Date => None,
        }
    }

    /// Id hashes ([`super::id_hash`]) of the articles naming the entity with folded `key`.
    pub(super) fn id_hashes(
        &self,
        kind: EntityKind,
        key: &str,
    ) -> Result<Vec<u64>, tantivy::TantivyError> {
        let Some(field) = self.field(kind) else {
            return Ok(Vec::new());
        };
        if key.split_whitespace().next().is_none() {
            return Ok(Vec::new());
        }
        let query = super::search::key_query(field, key);
        let searcher = self.reader.searcher();
        let docs = searcher.search(&*query, &DocSetCollector)?;
        let mut columns = HashMap::new();
        let mut out = Vec::with_capacity(docs.len());
        for d in docs {
            if let std::collections::hash_map::Entry::Vacant(v) = columns.entry(d.segment_ord) {
                v.insert(
                    searcher
                        .segment_reader(d.segment_ord)
                        .fast_fields()
                        .u64("idh")?,
                );
            }
            if let Some(h) = columns[&d.segment_ord].first(d.doc_id) {
                out.push(h);
            }
        }
        Ok(out)
    }
}
