//! Walking a corpus folder and reading its files into articles.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::decode::{decode, DecodeError};
use super::markdown::parse_md;
use super::parse::{parse_jsonl_line, parse_txt, Parsed};
use super::Article;
use crate::text::dates::{find_dates, PartialDate};

#[cfg(test)]
thread_local! {
    /// Files [`load_file`] read on this thread: lets tests prove what an operation reads.
    pub(crate) static FILES_READ: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Files larger than this are read up to this many bytes and marked truncated.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The corpus as a whole cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The folder does not exist.
    #[error("corpus folder {0} does not exist")]
    Missing(PathBuf),
    /// The path is a file, not a folder.
    #[error("corpus path {0} is not a folder")]
    NotADir(PathBuf),
    /// The folder exists but cannot be listed.
    #[error("cannot read corpus folder {path}: {error}")]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// Something wrong with one file (or one line of a `.jsonl`); the rest of the corpus still loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file, as the user would type it.
    pub path: PathBuf,
    /// Line number for `.jsonl` problems.
    pub line: Option<usize>,
    /// What is wrong, in user words.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path.display(), l, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// A corpus file found by [`scan_dir`]: where it is and its size and mtime, without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Absolute path.
    pub path: PathBuf,
    /// Path relative to the corpus root, `/`-separated.
    pub rel: String,
    /// The id its articles are named from (see [`scan_dir`]): the relative path without its
    /// extension (`sub/a`), or with it when another file claims the same name (`sub/a.md` beside
    /// `sub/a.txt`). A `.jsonl` file's records are `<id>/<record id>`.
    pub id: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since the epoch (0 if unknown).
    pub mtime_ns: u128,
}

/// What [`scan_dir`] found: the article files and every folder with its mtime (a folder's mtime
/// changes when a file is added, removed or renamed in it, which lets a quick check skip the
/// per-file stat).
#[derive(Debug, Default)]
pub struct Scan {
    /// Article files, sorted by relative path.
    pub files: Vec<FileEntry>,
    /// Folders (relative, `""` for the root) and their mtimes in ns.
    pub dirs: Vec<(String, u128)>,
    /// Loops and unreadable entries.
    pub warnings: Vec<Warning>,
}

/// Articles of a corpus and the problems met on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every article, sorted by id.
    pub articles: Vec<Article>,
    /// One per file or line that could not be read completely.
    pub warnings: Vec<Warning>,
}

fn is_article_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("txt" | "md" | "markdown" | "jsonl")
    )
}

/// Lists the article files under `root` (recursively, following symlinks, skipping hidden
/// entries), sorted by relative path. Loops and unreadable entries become warnings.
pub fn scan_dir(root: &Path) -> Result<Scan, CorpusError> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CorpusError::Missing(root.to_path_buf()),
        _ => CorpusError::Unreadable {
            path: root.to_path_buf(),
            error: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(CorpusError::NotADir(root.to_path_buf()));
    }
    std::fs::read_dir(root).map_err(|e| CorpusError::Unreadable {
        path: root.to_path_buf(),
        error: e,
    })?;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let mut warnings = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let message = if e.loop_ancestor().is_some() {
                    "symlink loop, skipped".to_string()
                } else {
                    match e.io_error() {
                        Some(io) => format!("cannot read: {io}"),
                        None => e.to_string(),
                    }
                };
                warnings.push(Warning {
                    path,
                    line: None,
                    message,
                });
                continue;
            }
        };
        if entry.file_type().is_dir() {
            dirs.push((rel_path(root, entry.path()), mtime_ns(entry.path())));
            continue;
        }
        if !entry.file_type().is_file() || !is_article_file(entry.path()) {
            continue;
        }
        let (size, mtime_ns) = match entry.metadata() {
            Ok(m) => (
                m.len(),
                m.modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos()),
            ),
            Err(e) => {
                warnings.push(Warning {
                    path: entry.path().to_path_buf(),
                    line: None,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let rel = rel_path(root, entry.path());
        files.push(FileEntry {
            path: entry.path().to_path_buf(),
            id: String::new(),
            rel,
            size,
            mtime_ns,
        });
    }
    assign_ids(&mut files);
    Ok(Scan {
        files,
        dirs,
        warnings,
    })
}

/// Gives every file the id its articles are named from, unique across the scan whatever the
/// order files are read in (the index reads only changed files; `load_dir` reads all):
/// - a `.txt`/`.md` file is its path without extension, except that when several share that
///   name (`a.md`, `a.txt`), the first by path keeps it and the others keep their extension;
/// - a `.jsonl` file names its records `<stem>/<record>`, or `<path>/<record>` (`c.jsonl/x1`)
///   when a folder of the same name holds article files, whose ids could be the same.
fn assign_ids(files: &mut [FileEntry]) {
    use rustc_hash::FxHashSet;
    fn stem(rel: &str) -> &str {
        rel.rsplit_once('.').map_or(rel, |(s, _)| s)
    }
    let is_jsonl = |rel: &str| {
        rel.len() > 6 && rel.is_char_boundary(rel.len() - 6) && {
            rel[rel.len() - 6..].eq_ignore_ascii_case(".jsonl")
        }
    };
    // Folders that hold article files (every prefix of every relative path): only a jsonl file
    // needs them, so they are collected only when there is one.
    let folders: FxHashSet<&str> = if files.iter().any(|f| is_jsonl(&f.rel)) {
        files
            .iter()
            .flat_map(|f| f.rel.match_indices('/').map(|(i, _)| &f.rel[..i]))
            .collect()
    } else {
        FxHashSet::default()
    };
    // Ids given so far, one set per namespace: a `.txt`/`.md` file's id is an article id, a
    // `.jsonl` file's is the prefix of its records' ids. A path given as a fallback is taken
    // too (`a.txt` beside `a.md` must not meet the stem of `a.txt.md`).
    let mut taken: FxHashSet<&str> = FxHashSet::default();
    let mut taken_jsonl: FxHashSet<&str> = FxHashSet::default();
    taken.reserve(files.len());
    // Files are sorted by path, so "first by path" is the order of this loop.
    let ids: Vec<String> = files
        .iter()
        .map(|f| {
            let s = stem(&f.rel);
            let id = if is_jsonl(&f.rel) {
                if !folders.contains(s) && taken_jsonl.insert(s) {
                    s
                } else {
                    taken_jsonl.insert(&f.rel);
                    &f.rel
                }
            } else if taken.insert(s) {
                s
            } else {
                taken.insert(&f.rel);
                &f.rel
            };
            id.to_string()
        })
        .collect();
    for (f, id) in files.iter_mut().zip(ids) {
        f.id = id;
    }
}

/// The [`FileEntry::id`] of the file `rel` that holds the article `article_id`: the file's own
/// id for `.txt`/`.md`, the part before the record id for `.jsonl` (whichever of `<stem>/` and
/// `<path>/` the scan chose). Lets the index reopen one file without scanning the folder.
pub fn file_id_of(article_id: &str, rel: &str) -> String {
    if !rel.to_ascii_lowercase().ends_with(".jsonl") {
        return article_id.to_string();
    }
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    if article_id.starts_with(rel) && article_id[rel.len()..].starts_with('/') {
        rel.to_string()
    } else {
        stem.to_string()
    }
}

/// The file `rel` (a [`FileEntry::rel`]) names under `root`. A name that is not UTF-8 is
/// stored with U+FFFD in place of its bad bytes, so that path does not exist: such a component
/// is found again by listing its folder for the first name (in the scan's order) that reads
/// the same.
pub fn resolve_rel(root: &Path, rel: &str) -> PathBuf {
    let direct = root.join(rel);
    if !rel.contains('\u{FFFD}') || direct.exists() {
        return direct;
    }
    let mut path = root.to_path_buf();
    for part in rel.split('/') {
        let exact = path.join(part);
        if !part.contains('\u{FFFD}') || exact.exists() {
            path = exact;
            continue;
        }
        let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(&path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n.to_string_lossy() == part)
            .collect();
        names.sort();
        match names.into_iter().next() {
            Some(name) => path.push(name),
            None => return direct,
        }
    }
    path
}

/// `path` relative to `root`, `/`-separated.
fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Modification time in ns since the epoch, 0 when unknown.
pub fn mtime_ns(path: &Path) -> u128 {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The first article of a file named `name` holding `text`, read as the loader reads it (tests).
#[cfg(test)]
pub(crate) fn load_text(name: &str, text: &str) -> Article {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let entry = FileEntry {
        size: 0,
        path,
        rel: name.into(),
        id: name.split('.').next().unwrap_or(name).into(),
        mtime_ns: 0,
    };
    load_file(&entry).0.remove(0)
}

/// Reads one corpus file: its articles, warnings, and the file's bytes hash (for change
/// detection), or a warning when nothing could be read.
pub fn load_file(entry: &FileEntry) -> (Vec<Article>, Vec<Warning>, u64) {
    #[cfg(test)]
    FILES_READ.with(|n| n.set(n.get() + 1));
    let mut warnings = Vec::new();
    let warn = |message: String| Warning {
        path: entry.path.clone(),
        line: None,
        message,
    };
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&entry.path)
        .and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes));
    if let Err(e) = read {
        return (Vec::new(), vec![warn(format!("cannot read: {e}"))], 0);
    }
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let truncated = entry.size > MAX_FILE_BYTES || bytes.len() as u64 >= MAX_FILE_BYTES;
    if truncated {
        warnings.push(warn(format!(
            "{} MiB, over the {} MiB cap: only the first {} MiB are read",
            entry.size / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
        // Do not cut a UTF-8 sequence in half.
        while let Some(&b) = bytes.last() {
            if b & 0xC0 == 0x80 || b >= 0xC0 {
                bytes.pop();
                if b >= 0xC0 {
                    break;
                }
            } else {
                break;
            }
        }
    }
    let ext = entry
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    // In a `.jsonl` file a NUL byte spoils its line, not the file: that line is emptied (keeping
    // the numbering) with a warning, and the other records load.
    if ext == "jsonl" && bytes.contains(&0) {
        let mut kept = Vec::with_capacity(bytes.len());
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if n > 0 {
                kept.push(b'\n');
            }
            if line.contains(&0) {
                warnings.push(Warning {
                    path: entry.path.clone(),
                    line: Some(n + 1),
                    message: "NUL byte in the line, skipped".into(),
                });
            } else {
                kept.extend_from_slice(line);
            }
        }
        bytes = kept;
    }
    let decoded = match decode(&bytes) {
        Ok(d) => d,
        Err(DecodeError::Binary) => {
            return (
                Vec::new(),
                vec![warn("looks like a binary file, skipped".into())],
                hash,
            )
        }
    };
    if decoded.replaced > 0 {
        warnings.push(warn(format!(
            "{} invalid {} sequence(s) replaced with �",
            decoded.replaced, decoded.encoding
        )));
    }
    if decoded.text.trim().is_empty() {
        warnings.push(warn("empty file, skipped".into()));
        return (Vec::new(), warnings, hash);
    }
    let base_id = entry.id.clone();
    let mut articles = Vec::new();
    let mut push = |parsed: Parsed, id: String, line: Option<usize>| -> Vec<Warning> {
        // A Markdown article's list of link addresses is no part of its text.
        let text_paras = &parsed.paragraphs[..parsed.paragraphs.len() - usize::from(parsed.notes)];
        let (date, source) = super::metadata::extract_metadata(&parsed.title, text_paras);
        let marks = text_marks(&parsed);
        let given = parsed.date.as_deref().map(|d| (d, given_date(d)));
        let mut warnings = Vec::new();
        let mut warn = |message: String| {
            warnings.push(Warning {
                path: entry.path.clone(),
                line,
                message,
            })
        };
        if let Some((text, None)) = given {
            warn(format!(
                "date {:?} is not a date qari can read; ignored",
                crate::layout::terminal_safe(text, false)
            ));
        }
        let url = parsed.url.as_deref().and_then(|u| {
            let web = crate::text::urls::web_address(u);
            if web.is_none() {
                warn(format!(
                    "url {:?} is not one web address (http or https); ignored",
                    crate::layout::terminal_safe(u, false)
                ));
            }
            web.map(str::to_string)
        });
        articles.push(Article {
            id,
            title: parsed.title,
            paragraphs: parsed.paragraphs,
            date: given.and_then(|(_, d)| d).or(date),
            source: parsed.source.or(source),
            url,
            path: entry.path.clone(),
            truncated,
            marks,
        });
        warnings
    };
    match ext.as_str() {
        "jsonl" => {
            // Record ids seen in this file: a repeated one gets `#2`, `#3`… so every record
            // keeps an id of its own.
            let mut seen = std::collections::HashSet::new();
            for (n, line) in decoded.text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match parse_jsonl_line(line) {
                    Ok(p) => {
                        let local = p.local_id.clone().unwrap_or_else(|| (n + 1).to_string());
                        let mut id = format!("{base_id}/{local}");
                        let mut k = 1;
                        while !seen.insert(id.clone()) {
                            k += 1;
                            id = format!("{base_id}/{local}#{k}");
                        }
                        warnings.extend(push(p, id, Some(n + 1)));
                    }
                    Err(message) => warnings.push(Warning {
                        path: entry.path.clone(),
                        line: Some(n + 1),
                        message,
                    }),
                }
            }
        }
        "md" | "markdown" => {
            let parsed = parse_md(&decoded.text);
            if parsed.title.is_empty() && parsed.paragraphs.is_empty() {
                warnings.push(warn(
                    "no text once the Markdown markup is read, skipped".into(),
                ));
            } else {
                warnings.extend(push(parsed, base_id, None));
            }
        }
        _ => warnings.extend(push(parse_txt(&decoded.text), base_id, None)),
    }
    (articles, warnings, hash)
}

/// The marks of `parsed`'s paragraphs as ranges into [`Article::text`] (the title, then each
/// paragraph after two bytes of `\n\n`).
fn text_marks(parsed: &Parsed) -> Vec<super::Mark> {
    let mut starts = Vec::with_capacity(parsed.paragraphs.len());
    let mut off = parsed.title.len();
    for p in &parsed.paragraphs {
        off += 2;
        starts.push(off);
        off += p.len();
    }
    parsed
        .marks
        .iter()
        .map(|m| super::Mark {
            range: starts[m.para] + m.mark.range.start..starts[m.para] + m.mark.range.end,
            kinds: m.mark.kinds,
        })
        .collect()
}

/// A jsonl `date`: ISO (a time after it is ignored), else what the Arabic date parser reads in
/// it (`21 تشرين الأول 2020`); `None` when it is neither.
fn given_date(d: &str) -> Option<PartialDate> {
    PartialDate::from_iso(d).or_else(|| find_dates(d).first().map(|m| m.date))
}

/// Reads every article under `root`, sorted by id. Per-file problems become warnings. Ids are
/// unique by construction (see [`scan_dir`]), the same ones the index gives.
pub fn load_dir(root: &Path) -> Result<Loaded, CorpusError> {
    let Scan {
        files,
        mut warnings,
        ..
    } = scan_dir(root)?;
    let mut articles = Vec::new();
    for f in &files {
        let (a, w, _) = load_file(f);
        articles.extend(a);
        warnings.extend(w);
    }
    articles.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Loaded { articles, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_formats_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(
            root.join("a.txt"),
            "عنوان أ\n\n(سبوتنيك - 21 اكتوبر 2020) نص",
        )
        .unwrap();
        std::fs::write(root.join("sub/b.md"), "# عنوان ب\n\nنص").unwrap();
        std::fs::write(
            root.join("c.jsonl"),
            "{\"title\":\"ج\",\"body\":\"نص\",\"id\":\"x1\"}\nnot json\n",
        )
        .unwrap();
        std::fs::write(root.join("empty.txt"), "  \n").unwrap();
        std::fs::write(root.join("bin.txt"), b"\0\x01\x02PK").unwrap();
        std::fs::write(root.join("ignored.pdf"), "x").unwrap();
        let l = load_dir(root).unwrap();
        let ids: Vec<&str> = l.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "c/x1", "sub/b"]);
        assert_eq!(
            l.articles[0].date.map(|d| d.iso()).as_deref(),
            Some("2020-10-21")
        );
        assert_eq!(l.articles[0].source.as_deref(), Some("سبوتنيك"));
        let w: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            w.iter()
                .any(|w| w.contains("c.jsonl:2") && w.contains("invalid JSON")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|w| w.contains("empty.txt") && w.contains("empty")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|w| w.contains("bin.txt") && w.contains("binary")),
            "{w:?}"
        );
    }

    #[test]
    fn missing_and_file_roots_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            load_dir(&dir.path().join("nope")),
            Err(CorpusError::Missing(_))
        ));
        std::fs::write(dir.path().join("f"), "x").unwrap();
        assert!(matches!(
            load_dir(&dir.path().join("f")),
            Err(CorpusError::NotADir(_))
        ));
    }

    #[test]
    fn ids_are_unique_and_the_same_on_every_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("c")).unwrap();
        std::fs::write(root.join("a.txt"), "عنوان أ\n\nنص").unwrap();
        std::fs::write(root.join("a.md"), "# عنوان ب\n\nنص").unwrap();
        // Its stem is the path `a.txt` falls back to.
        std::fs::write(root.join("a.txt.md"), "# عنوان ج\n\nنص").unwrap();
        // Same stem, two cases of the extension: two jsonl prefixes.
        std::fs::write(root.join("d.jsonl"), "{\"title\":\"د\",\"body\":\"نص\"}\n").unwrap();
        std::fs::write(root.join("d.JSONL"), "{\"title\":\"د\",\"body\":\"نص\"}\n").unwrap();
        std::fs::write(root.join("c/x1.txt"), "عنوان ج\n\nنص").unwrap();
        std::fs::write(
            root.join("c.jsonl"),
            "{\"title\":\"د\",\"body\":\"نص\",\"id\":\"x1\"}\n\
             {\"title\":\"ه\",\"body\":\"نص\",\"id\":\"x1\"}\n",
        )
        .unwrap();
        let loaded = load_dir(root).unwrap();
        let ids: Vec<&str> = loaded.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "a",
                "a.txt",
                "a.txt.md",
                "c.jsonl/x1",
                "c.jsonl/x1#2",
                "c/x1",
                "d.jsonl/1",
                "d/1"
            ]
        );
        // Each file read on its own (as the index reads changed files) names its articles the
        // same way, and the id leads back to the file's id.
        let scan = scan_dir(root).unwrap();
        let mut one_by_one: Vec<String> = Vec::new();
        for f in &scan.files {
            for a in load_file(f).0 {
                assert_eq!(super::file_id_of(&a.id, &f.rel), f.id, "{}", a.id);
                one_by_one.push(a.id);
            }
        }
        one_by_one.sort();
        assert_eq!(one_by_one, ids);
    }

    #[test]
    fn a_nul_byte_spoils_its_jsonl_line_only_and_utf16_warnings_say_utf16() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("n.jsonl"),
            b"{\"title\":\"\xd8\xa3\",\"body\":\"x\"}\n{\"title\":\"b\0\",\"body\":\"y\"}\n{\"title\":\"c\",\"body\":\"z\"}\n",
        )
        .unwrap();
        // UTF-16LE with a lone surrogate.
        let mut u16 = vec![0xFF, 0xFE];
        for unit in [0x0639u16, 0x0646, 0xD800, 0x0020, 0x0646, 0x0635] {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        std::fs::write(dir.path().join("w.txt"), u16).unwrap();
        let l = load_dir(dir.path()).unwrap();
        let ids: Vec<&str> = l.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["n/1", "n/3", "w"]);
        let w: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            w.iter()
                .any(|w| w.contains("n.jsonl:2") && w.contains("NUL")),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|w| w.contains("w.txt") && w.contains("UTF-16LE")),
            "{w:?}"
        );
        assert!(!w.iter().any(|w| w.contains("UTF-8")), "{w:?}");
    }

    #[test]
    fn unreadable_jsonl_dates_are_warned_about_and_dropped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("n.jsonl"),
            "{\"title\":\"د\",\"body\":\"نص\",\"date\":\"\\u001b]0;owned\\u0007\"}\n\
             {\"title\":\"ه\",\"body\":\"نص\",\"date\":\"2021-03-04T10:00:00Z\"}\n",
        )
        .unwrap();
        let l = load_dir(dir.path()).unwrap();
        assert_eq!(l.articles[0].date, None);
        assert_eq!(
            l.articles[1].date.map(|d| d.iso()).as_deref(),
            Some("2021-03-04")
        );
        let w = l.warnings[0].to_string();
        assert!(w.contains("n.jsonl:1") && w.contains("not a date"), "{w}");
        assert!(!w.contains('\x1b') && !w.contains('\x07'), "{w:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "عنوان\n\nنص").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let l = load_dir(dir.path()).unwrap();
        assert_eq!(l.articles.len(), 1);
        assert!(
            l.warnings.iter().any(|w| w.message.contains("loop")),
            "{:?}",
            l.warnings
        );
    }
}
