//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// `../shared/tools/ptyprobe.py` (a VT emulator over a pty) when it and `pyte` are there; under
/// CI their absence is a failure, elsewhere the test is skipped with a message.
pub fn probe() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/ptyprobe.py");
    let has_pyte = Command::new("python3")
        .args(["-c", "import pyte"])
        .status()
        .is_ok_and(|s| s.success());
    if p.is_file() && has_pyte {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "ptyprobe.py or pyte missing under CI"
    );
    eprintln!("skipped: needs {} and `pip install pyte`", p.display());
    None
}
