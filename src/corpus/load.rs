//! Walking a corpus folder and reading its files into articles.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::decode::{decode, DecodeError};
use super::parse::{parse_jsonl_line, parse_md, parse_txt, Parsed};
use super::Article;

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
    #[error("cannot read corpus folder {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
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
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(CorpusError::NotADir(root.to_path_buf()));
    }
    std::fs::read_dir(root).map_err(|e| CorpusError::Unreadable {
        path: root.to_path_buf(),
        source: e,
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
            rel,
            size,
            mtime_ns,
        });
    }
    Ok(Scan {
        files,
        dirs,
        warnings,
    })
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

/// Reads one corpus file: its articles, warnings, and the file's bytes hash (for change
/// detection), or a warning when nothing could be read.
pub fn load_file(entry: &FileEntry) -> (Vec<Article>, Vec<Warning>, u64) {
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
            "{} invalid UTF-8 byte sequence(s) replaced with �",
            decoded.replaced
        )));
    }
    if decoded.text.trim().is_empty() {
        warnings.push(warn("empty file, skipped".into()));
        return (Vec::new(), warnings, hash);
    }
    let base_id = entry
        .rel
        .rsplit_once('.')
        .map_or(entry.rel.as_str(), |(stem, _)| stem)
        .to_string();
    let ext = entry
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut articles = Vec::new();
    let mut push = |parsed: Parsed, id: String| {
        let (date, source) = super::metadata::extract_metadata(&parsed.title, &parsed.paragraphs);
        articles.push(Article {
            id,
            title: parsed.title,
            paragraphs: parsed.paragraphs,
            date: parsed
                .date
                .map(|d| normalise_given_date(&d))
                .or_else(|| date.map(|d| d.iso())),
            source: parsed.source.or(source),
            path: entry.path.clone(),
            truncated,
        });
    };
    match ext.as_str() {
        "jsonl" => {
            for (n, line) in decoded.text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match parse_jsonl_line(line) {
                    Ok(p) => {
                        let local = p.local_id.clone().unwrap_or_else(|| (n + 1).to_string());
                        push(p, format!("{base_id}/{local}"));
                    }
                    Err(message) => warnings.push(Warning {
                        path: entry.path.clone(),
                        line: Some(n + 1),
                        message,
                    }),
                }
            }
        }
        "md" | "markdown" => push(parse_md(&decoded.text), base_id),
        _ => push(parse_txt(&decoded.text), base_id),
    }
    (articles, warnings, hash)
}

/// A jsonl `date` in ISO already stays; anything else goes through the Arabic date parser.
fn normalise_given_date(d: &str) -> String {
    let iso_like = d.len() >= 4 && d.chars().take(4).all(|c| c.is_ascii_digit());
    if iso_like {
        return d.chars().take(10).collect();
    }
    crate::text::dates::find_dates(d)
        .first()
        .map_or_else(|| d.to_string(), |m| m.date.iso())
}

/// Reads every article under `root`. Per-file problems become warnings; duplicate ids (`a.txt`
/// beside `a.md`) keep the first and name the second by its full relative path.
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
    dedupe_ids(&mut articles, root);
    Ok(Loaded { articles, warnings })
}

/// Makes ids unique: a later article whose id is taken gets its path with extension.
pub fn dedupe_ids(articles: &mut [Article], root: &Path) {
    articles.sort_by(|a, b| a.id.cmp(&b.id).then(a.path.cmp(&b.path)));
    let mut seen = std::collections::HashSet::new();
    for a in articles.iter_mut() {
        if !seen.insert(a.id.clone()) {
            let rel = a
                .path
                .strip_prefix(root)
                .unwrap_or(&a.path)
                .to_string_lossy()
                .replace('\\', "/");
            a.id = if a.id.starts_with(&rel) {
                format!("{}#{}", a.id, seen.len())
            } else {
                rel
            };
            seen.insert(a.id.clone());
        }
    }
    articles.sort_by(|a, b| a.id.cmp(&b.id));
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
        assert_eq!(l.articles[0].date.as_deref(), Some("2020-10-21"));
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
