//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use qari::corpus::Article;

/// The seed files, sorted.
pub fn seeds() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seeds/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v
}

/// The seed article in `path`, read by the real corpus loader.
pub fn article(path: &Path) -> Article {
    let dir = path.parent().expect("a seed file has a folder");
    qari::corpus::load_dir(dir)
        .expect("seeds load")
        .articles
        .into_iter()
        .find(|a| a.path == path)
        .expect("the seed is an article")
}

/// An article from `.txt` text, read by the real corpus loader (from a temporary file `id.txt`).
pub fn article_from(id: &str, text: &str) -> Article {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(format!("{id}.txt")), text).unwrap();
    let mut loaded = qari::corpus::load_dir(dir.path()).unwrap();
    assert_eq!(loaded.articles.len(), 1, "{:?}", loaded.warnings);
    loaded.articles.remove(0)
}
