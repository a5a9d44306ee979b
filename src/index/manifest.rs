//! The manifest beside the tantivy index: what was indexed from which file, so a relaunch can
//! tell changed files from unchanged ones by size and mtime alone, and list articles without
//! opening any article file.

use std::collections::HashMap;

use crate::atomic::write_atomic;
use std::path::Path;

/// What the index knows of one corpus file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub size: u64,
    pub mtime_ns: u128,
    pub hash: u64,
}

/// One article's list entry, as stored in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleMeta {
    /// The article id.
    pub id: String,
    /// ISO date, when known.
    pub date: Option<String>,
    /// Source agency, when known.
    pub source: Option<String>,
    /// Path of its file relative to the corpus root.
    pub rel: String,
    /// Title.
    pub title: String,
}

fn field(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Reads `files.tsv`: rel → record. Malformed lines are ignored (the file is rewritten whole).
pub fn read_files(dir: &Path) -> std::io::Result<HashMap<String, FileRecord>> {
    let text = std::fs::read_to_string(dir.join("files.tsv"))?;
    let mut map = HashMap::with_capacity(text.len() / 48);
    for line in text.lines() {
        let mut c = line.split('\t');
        let (Some(rel), Some(size), Some(mtime), Some(hash)) =
            (c.next(), c.next(), c.next(), c.next())
        else {
            continue;
        };
        if let (Ok(size), Ok(mtime_ns), Ok(hash)) =
            (size.parse(), mtime.parse(), u64::from_str_radix(hash, 16))
        {
            map.insert(
                rel.to_string(),
                FileRecord {
                    size,
                    mtime_ns,
                    hash,
                },
            );
        }
    }
    Ok(map)
}

/// Reads `articles.tsv`, sorted by id.
pub fn read_articles(dir: &Path) -> std::io::Result<Vec<ArticleMeta>> {
    let text = std::fs::read_to_string(dir.join("articles.tsv"))?;
    let mut out: Vec<ArticleMeta> = text
        .lines()
        .filter_map(|line| {
            let mut c = line.splitn(5, '\t');
            Some(ArticleMeta {
                id: c.next()?.to_string(),
                date: opt(c.next()?),
                source: opt(c.next()?),
                rel: c.next()?.to_string(),
                title: c.next()?.to_string(),
            })
        })
        .collect();
    // Written sorted; only a hand-edited file needs the sort.
    if !out.is_sorted_by(|a, b| a.id <= b.id) {
        out.sort_by(|a, b| a.id.cmp(&b.id));
    }
    Ok(out)
}

/// Writes `files.tsv` (sorted, so the same corpus gives the same bytes).
pub fn write_files(dir: &Path, files: &HashMap<String, FileRecord>) -> std::io::Result<()> {
    let mut rels: Vec<&String> = files.keys().collect();
    rels.sort();
    write_atomic(&dir.join("files.tsv"), |w| {
        for rel in rels {
            let r = &files[rel];
            writeln!(
                w,
                "{}\t{}\t{}\t{:016x}",
                field(rel),
                r.size,
                r.mtime_ns,
                r.hash
            )?;
        }
        Ok(())
    })
}

/// Writes `articles.tsv`.
pub fn write_articles(dir: &Path, articles: &[ArticleMeta]) -> std::io::Result<()> {
    write_atomic(&dir.join("articles.tsv"), |w| {
        for a in articles {
            writeln!(
                w,
                "{}\t{}\t{}\t{}\t{}",
                field(&a.id),
                field(a.date.as_deref().unwrap_or("")),
                field(a.source.as_deref().unwrap_or("")),
                field(&a.rel),
                field(&a.title)
            )?;
        }
        Ok(())
    })
}

/// Reads `dirs.tsv`: folder → mtime at the last full scan.
pub fn read_dirs(dir: &Path) -> std::io::Result<Vec<(String, u128)>> {
    let text = std::fs::read_to_string(dir.join("dirs.tsv"))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let (rel, m) = l.rsplit_once('\t')?;
            Some((rel.to_string(), m.parse().ok()?))
        })
        .collect())
}

/// Writes `dirs.tsv`.
pub fn write_dirs(dir: &Path, dirs: &[(String, u128)]) -> std::io::Result<()> {
    write_atomic(&dir.join("dirs.tsv"), |w| {
        for (rel, m) in dirs {
            writeln!(w, "{}\t{m}", field(rel))?;
        }
        Ok(())
    })
}
