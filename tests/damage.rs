//! A damaged index (issue 11, item 4) is noticed and rebuilt with one message, never a panic and
//! never silently wrong: random bytes in tantivy's files, another corpus's tantivy folder,
//! garbage or empty manifests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn cmd(root: &Path, corpus: &str) -> Command {
    let mut c = Command::cargo_bin("qari").unwrap();
    c.env("QARI_CACHE_DIR", root.join("cache"))
        .env("QARI_CONFIG_DIR", root.join("config"))
        .env("QARI_STATE_DIR", root.join("state"))
        .env_remove("QARI_CORPUS")
        .arg("--corpus")
        .arg(root.join(corpus));
    c
}

/// A corpus of `n` articles in `root/name`, half of them naming موسكو; returns the index folder.
fn corpus(root: &Path, name: &str, n: usize) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        let place = if i % 2 == 0 {
            "موسكو"
        } else {
            "القاهرة"
        };
        std::fs::write(
            dir.join(format!("{i:03}.txt")),
            format!("عنوان {i}\n\nوصل الوزير إلى {place} في زيارة رسمية رقم {i}."),
        )
        .unwrap();
    }
    let out = cmd(root, name).arg("index").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("index folder: "))
        .expect("index prints its folder");
    PathBuf::from(line.trim())
}

/// Files under `dir` whose name ends with `ext`.
fn files_ending(dir: &Path, ext: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect()
}

/// Overwrites the middle of a file with bytes that are not what was written.
fn scribble(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let (start, len) = (bytes.len() / 3, 64.max(bytes.len() / 3));
    let mut x: u32 = 0x9e37_79b9;
    for b in bytes.iter_mut().skip(start).take(len) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b ^= (x as u8) | 1;
    }
    std::fs::write(path, bytes).unwrap();
}

fn hits(root: &Path, name: &str) -> (usize, String) {
    let out = cmd(root, name)
        .args(["search", "موسكو", "--json", "--limit", "1000"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.code() == Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (v.as_array().unwrap().len(), err)
}

#[test]
fn random_bytes_in_index_files_are_repaired_by_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let index = corpus(root, "c", 40);
    assert_eq!(hits(root, "c").0, 20);
    for ext in [".fast", ".store", ".idx", ".term"] {
        for f in files_ending(&index.join("tantivy"), ext) {
            scribble(&f);
        }
        // Every lookup still answers, after one notice; none panics.
        for args in [vec!["list"], vec!["show", "001"], vec!["search", "موسكو"]] {
            let out = cmd(root, "c").args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() || (args[0] == "search" && out.status.code() == Some(1)),
                "{ext} {args:?}: {out:?}"
            );
            assert!(!err.contains("panicked"), "{ext} {args:?}: {err}");
        }
        let (n, _) = hits(root, "c");
        assert_eq!(n, 20, "{ext}: wrong results after repair");
    }
    // `qari index` checks every file: damage a stored-fields file, and it rebuilds.
    for f in files_ending(&index.join("tantivy"), ".store") {
        scribble(&f);
    }
    let out = cmd(root, "c").arg("index").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("rebuilding"), "{err}");
    assert_eq!(hits(root, "c").0, 20);
}

#[test]
fn another_corpus_folder_and_bad_manifests_are_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let a = corpus(root, "a", 30);
    let b = corpus(root, "b", 8);
    // b's tantivy folder copied over a's: a's searches must not use it.
    std::fs::remove_dir_all(a.join("tantivy")).unwrap();
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(b.join("tantivy"))
        .arg(a.join("tantivy"))
        .status()
        .unwrap();
    assert!(status.success());
    let (n, err) = hits(root, "a");
    assert_eq!(n, 15, "{err}");
    assert!(err.contains("another corpus"), "{err}");
    // Garbage, empty or missing manifests: lookups and `qari index` rebuild.
    for (file, bytes) in [
        ("articles.bin", &b"garbage"[..]),
        ("articles.bin", &b""[..]),
        ("files.bin", &b"\x00\x01garbage"[..]),
        ("dirs.bin", &b""[..]),
    ] {
        std::fs::write(a.join(file), bytes).unwrap();
        let out = cmd(root, "a").arg("list").output().unwrap();
        let listed = String::from_utf8_lossy(&out.stdout).lines().count();
        assert_eq!(listed, 30, "{file}: {out:?}");
        std::fs::write(a.join(file), bytes).unwrap();
        let out = cmd(root, "a").arg("index").output().unwrap();
        assert!(out.status.success(), "{file}: {out:?}");
        assert_eq!(hits(root, "a").0, 15, "{file}");
    }
}

#[test]
fn odd_things_in_the_index_folder_do_not_stop_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let index = corpus(root, "c", 10);
    // `tantivy` is a file, `lock` a folder.
    std::fs::remove_dir_all(index.join("tantivy")).unwrap();
    std::fs::write(index.join("tantivy"), b"not a folder").unwrap();
    std::fs::remove_file(index.join("lock")).unwrap();
    std::fs::create_dir_all(index.join("lock/inner")).unwrap();
    let out = cmd(root, "c").arg("index").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(hits(root, "c").0, 5);
    std::fs::remove_file(index.join("lock")).unwrap();
    std::fs::create_dir_all(index.join("lock")).unwrap();
    let out = cmd(root, "c")
        .args(["index", "--rebuild"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(hits(root, "c").0, 5);
}

/// The ids listed and the ids a word found in every article finds: both must be every article,
/// each once.
fn check_complete(root: &Path, name: &str, n: usize, when: &str) {
    let out = cmd(root, name).args(["list", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut listed: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    let out = cmd(root, name)
        .args(["search", "الوزير", "--json", "--limit", "10000"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    found.sort();
    assert_eq!(listed.len(), n, "{when}: listed {listed:?}");
    assert_eq!(
        found, listed,
        "{when}: search and list disagree (duplicates or losses)"
    );
}

/// kill -9 (an abort at an injected point) during first indexing and during an update, at ten
/// points each: the next run finds a complete index without duplicates.
#[test]
fn killed_at_any_point_the_next_run_has_a_complete_index() {
    let points: Vec<String> = (1..=8)
        .map(|n| format!("file:{n}"))
        .chain(["commit:1".to_string(), "catalog:1".to_string()])
        .collect();
    for point in &points {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let corpus_dir = root.join("c");
        std::fs::create_dir_all(&corpus_dir).unwrap();
        for i in 0..20 {
            std::fs::write(
                corpus_dir.join(format!("{i:03}.txt")),
                format!("عنوان {i}\n\nوصل الوزير إلى موسكو في زيارة رقم {i}."),
            )
            .unwrap();
        }
        // First indexing, killed.
        let out = cmd(root, "c")
            .arg("index")
            .env("QARI_FAULT", point)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{point}: the fault did not fire");
        let out = cmd(root, "c").arg("index").output().unwrap();
        assert!(out.status.success(), "{point}: {out:?}");
        check_complete(root, "c", 20, &format!("first indexing, {point}"));
        // An update (ten files changed, five added, two removed), killed.
        for i in 0..10 {
            std::fs::write(
                corpus_dir.join(format!("{i:03}.txt")),
                format!("عنوان جديد {i}\n\nعاد الوزير من موسكو بعد زيارة رقم {i}."),
            )
            .unwrap();
        }
        for i in 20..25 {
            std::fs::write(
                corpus_dir.join(format!("{i:03}.txt")),
                format!("عنوان {i}\n\nوصل الوزير إلى القاهرة في زيارة رقم {i}."),
            )
            .unwrap();
        }
        std::fs::remove_file(corpus_dir.join("018.txt")).unwrap();
        std::fs::remove_file(corpus_dir.join("019.txt")).unwrap();
        let out = cmd(root, "c")
            .arg("index")
            .env("QARI_FAULT", point)
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "{point}: the fault did not fire on update"
        );
        let out = cmd(root, "c").arg("index").output().unwrap();
        assert!(out.status.success(), "{point}: {out:?}");
        check_complete(root, "c", 23, &format!("update, {point}"));
    }
}

/// The reader's data source meets the damage itself (it opened the index before the damage, as
/// a long-running reader does): the call that meets it says so, a rebuild runs in the
/// background, and the next calls answer right.
#[test]
fn the_reader_repairs_a_damaged_index_itself() {
    use qari::tui::source::Source;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cache = root.join("cache");
    let quick = qari::index::OpenOptions {
        quick: true,
        ..qari::index::OpenOptions::default()
    };
    let mut repaired = Vec::new();
    for ext in [".fast", ".store", ".idx", ".term"] {
        // A corpus of its own for each kind of damage: damage a search did not meet stays.
        let name = format!("c{ext}");
        corpus(root, &name, 40);
        let (lib, _) = qari::index::Library::open(&root.join(&name), &cache, quick, &mut |_| {})
            .expect("opens");
        let index = lib.dir().join("tantivy");
        let source = qari::tui::library::LibrarySource::new(lib, cache.clone());
        for f in files_ending(&index, ext) {
            scribble(&f);
        }
        // Search and open the hits until the damage shows (tantivy reads lazily).
        let mut met = None;
        for _ in 0..3 {
            match source.search("موسكو", 100) {
                Err(e) => met = Some(e),
                Ok(r) => {
                    for h in &r.hits {
                        if let Err(e) = source.article(&h.id) {
                            met = Some(e);
                        }
                    }
                }
            }
            if met.is_some() {
                break;
            }
        }
        let Some(message) = met else {
            // This kind of damage did not touch what a search reads: nothing to repair yet.
            continue;
        };
        assert!(
            message.contains("damaged") && message.contains("rebuilding"),
            "{ext}: {message}"
        );
        // Wait for the background rebuild (a wait, not a timing check).
        let start = std::time::Instant::now();
        while source.repairing() && start.elapsed().as_secs() < 120 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let r = source
            .search("موسكو", 100)
            .expect("answers after the rebuild");
        assert_eq!(r.total, 20, "{ext}");
        assert_eq!(source.articles().unwrap().len(), 40, "{ext}");
        repaired.push(ext);
    }
    // Some damage shows in a search (on this machine: stored fields and terms).
    assert!(
        !repaired.is_empty(),
        "no damage was met: the test checked nothing"
    );
}
