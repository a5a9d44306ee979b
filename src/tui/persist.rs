//! Read flags and reading positions, kept in a small JSON file in the state dir.
//!
//! Positions are byte offsets into the article text (title + paragraphs), not rows, so they
//! survive a different terminal width. A missing or damaged file starts empty: losing a reading
//! position must never stop the reader from starting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// File name inside the state dir.
pub(crate) const FILE_NAME: &str = "reading.json";

/// What is remembered about one article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedArticle {
    /// Opened at least once.
    #[serde(default)]
    pub read: bool,
    /// Byte offset of the first text on the top row when last left.
    #[serde(default)]
    pub pos: usize,
    /// Starred (`*`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub star: bool,
}

/// Everything persisted, by article id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// Per-article state.
    #[serde(default)]
    pub articles: BTreeMap<String, SavedArticle>,
    /// Searches and finds typed, oldest first (at most [`super::input::HISTORY_MAX`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<String>,
}

/// Path of the state file in `dir`.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// Loads the state from `dir` (empty when absent or unreadable; the error, if any, is returned
/// for the status bar).
pub fn load(dir: Option<&Path>) -> (Saved, Option<String>) {
    let Some(dir) = dir else {
        return (Saved::default(), None);
    };
    let p = path(dir);
    match std::fs::read_to_string(&p) {
        Ok(s) => match serde_json::from_str(&s) {
            Ok(v) => (v, None),
            Err(e) => (
                Saved::default(),
                Some(format!(
                    "{}: {e}; starting with no reading state",
                    p.display()
                )),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Saved::default(), None),
        Err(e) => (Saved::default(), Some(format!("{}: {e}", p.display()))),
    }
}

/// Writes the state to `dir` atomically (`crate::atomic`), creating the dir.
pub fn save(dir: &Path, saved: &Saved) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_string_pretty(saved).map_err(std::io::Error::other)?;
    crate::atomic::write_atomic(&path(dir), |w| w.write_all(json.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("state");
        let mut s = Saved::default();
        s.articles.insert(
            "a".into(),
            SavedArticle {
                read: true,
                pos: 42,
                star: true,
            },
        );
        save(&sub, &s).unwrap();
        assert_eq!(load(Some(&sub)), (s, None));
        std::fs::write(path(&sub), "{not json").unwrap();
        let (v, err) = load(Some(&sub));
        assert_eq!(v, Saved::default());
        assert!(err.is_some());
        assert_eq!(
            load(Some(&dir.path().join("none"))),
            (Saved::default(), None)
        );
    }
}
