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

/// A tiny stand-in for the corpus loader: first paragraph is the title, paragraphs are split by
/// blank lines, whitespace collapsed.
pub fn article(path: &Path) -> Article {
    let text = std::fs::read_to_string(path).unwrap();
    article_from(path.file_stem().unwrap().to_str().unwrap(), &text)
}

/// Same, from text.
pub fn article_from(id: &str, text: &str) -> Article {
    let mut paras = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty());
    Article {
        id: id.to_string(),
        title: paras.next().unwrap_or_default(),
        paragraphs: paras.collect(),
        date: None,
        source: None,
        path: PathBuf::from(id),
        truncated: false,
    }
}
