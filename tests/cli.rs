//! The CLI contract, on the real binary and the bundled seeds: list, search, paths, index reuse,
//! incremental update, rebuild after corruption, exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// A qari command isolated from the user's home: its own cache, config and state folders.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("qari").unwrap();
        c.env("QARI_CACHE_DIR", self.dir.path().join("cache"))
            .env("QARI_CONFIG_DIR", self.dir.path().join("config"))
            .env("QARI_STATE_DIR", self.dir.path().join("state"))
            .env_remove("QARI_CORPUS")
            .env_remove("NO_COLOR");
        c
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
}

fn stdout_of(c: &mut Command) -> String {
    let out = c.output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Sorted ids of the hits of `q` (none when it finds nothing).
fn search_ids(env: &Env, q: &str) -> Vec<String> {
    let out = stdout_of(env.cmd().args(["search", q, "--json"]));
    if out.trim().is_empty() {
        return vec![];
    }
    let v: Value = serde_json::from_str(&out).unwrap();
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

#[test]
fn list_prints_every_seed_and_json_has_the_contract_keys() {
    let env = Env::new();
    let text = stdout_of(env.cmd().arg("list"));
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(
        text.contains("001_13ef93096cc37932") && text.contains("لافروف"),
        "{text}"
    );

    let json: Value = serde_json::from_str(&stdout_of(env.cmd().args(["list", "--json"]))).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for r in rows {
        for key in ["id", "title", "date", "source", "path"] {
            assert!(r.get(key).is_some(), "missing {key} in {r}");
        }
        assert!(Path::new(r["path"].as_str().unwrap()).is_file());
    }
    let lavrov = rows
        .iter()
        .find(|r| r["id"] == "001_13ef93096cc37932")
        .unwrap();
    assert_eq!(lavrov["date"], "2020-10-21");
    assert_eq!(lavrov["source"], "سبوتنيك");
}

#[test]
fn search_exit_codes_follow_grep() {
    let env = Env::new();
    env.cmd().args(["search", "موسكو"]).assert().code(0);
    env.cmd().args(["search", "كلمةغيرموجودة"]).assert().code(1);
    env.cmd()
        .args(["search", "  "])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("empty query"));
    env.cmd()
        .args(["search", "\"غير مغلق"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot parse"));
    env.cmd()
        .args(["search", "-موسكو"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("only excludes"));
}

#[test]
fn search_json_marks_matches_and_finds_clitic_forms() {
    let env = Env::new();
    // Query with a clitic and hamza: بموسكو must find the plain موسكو.
    let json: Value =
        serde_json::from_str(&stdout_of(env.cmd().args(["search", "بموسكو", "--json"]))).unwrap();
    let rows = json.as_array().unwrap();
    assert!(rows.len() >= 2, "{json}");
    for r in rows {
        for key in ["id", "title", "score", "snippet"] {
            assert!(r.get(key).is_some(), "missing {key}");
        }
        assert!(r["snippet"].as_str().unwrap().contains("[موسكو"), "{r}");
    }
    let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {scores:?}"
    );
}

#[test]
fn search_and_or_not_and_phrases() {
    let env = Env::new();
    let ids = |q: &str| search_ids(&env, q);
    let lavrov = ids("لافروف");
    let putin = ids("بوتين");
    let both = ids("لافروف بوتين");
    let either = ids("لافروف OR بوتين");
    assert!(
        both.iter().all(|i| lavrov.contains(i) && putin.contains(i)),
        "AND: {both:?}"
    );
    assert!(
        either.len() >= lavrov.len().max(putin.len()),
        "OR: {either:?}"
    );
    let not = ids("بوتين -لافروف");
    assert!(not.iter().all(|i| !lavrov.contains(i)), "NOT: {not:?}");
    assert!(!ids("\"وقف إطلاق النار\"").is_empty());
    assert!(
        ids("\"النار إطلاق وقف\"").is_empty(),
        "a phrase keeps its order"
    );
}

#[test]
fn piped_search_marks_with_brackets_and_limit_holds() {
    let env = Env::new();
    let out = stdout_of(env.cmd().args(["search", "باشينيان", "--limit", "2"]));
    let heads: Vec<&str> = out.lines().filter(|l| !l.starts_with("    ")).collect();
    assert_eq!(heads.len(), 3, "two hits and the count: {out}");
    assert_eq!(heads[2], "2 of 4 articles", "{out}");
    assert!(out.contains("[باشينيان"), "{out}");
    assert!(!out.contains('\x1b'), "no escapes when piped");
}

#[test]
fn paths_names_every_folder() {
    let env = Env::new();
    let out = stdout_of(env.cmd().arg("paths"));
    for key in ["corpus:", "config:", "cache:", "index:", "state:"] {
        assert!(out.contains(key), "{out}");
    }
    assert!(out.contains(&seeds().display().to_string()), "{out}");
    let other = env.path("other");
    std::fs::create_dir(&other).unwrap();
    let out = stdout_of(env.cmd().arg("paths").env("QARI_CORPUS", &other));
    assert!(out.contains("QARI_CORPUS"), "{out}");
    let out = stdout_of(
        env.cmd()
            .args(["paths", "--corpus"])
            .arg(&other)
            .env("QARI_CORPUS", "/nowhere"),
    );
    assert!(
        out.contains("--corpus") && out.contains(&other.display().to_string()),
        "{out}"
    );
}

/// A corpus the test may change.
fn copy_seeds(env: &Env) -> PathBuf {
    let dir = env.path("corpus");
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

fn index(env: &Env, corpus: &Path, extra: &[&str]) -> String {
    let out = env
        .cmd()
        .arg("--corpus")
        .arg(corpus)
        .arg("index")
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
}

#[test]
fn index_is_reused_updated_and_rebuilt() {
    let env = Env::new();
    let corpus = copy_seeds(&env);
    let first = index(&env, &corpus, &[]);
    assert!(
        first.contains("index built: 5 articles from 5 files; 5 files read"),
        "{first}"
    );

    // Second run reads nothing.
    let second = index(&env, &corpus, &[]);
    assert!(
        second.contains("up to date") && second.contains("0 files read"),
        "{second}"
    );

    // Change one file: only it is read and re-indexed.
    let f = corpus.join("000_5d3c243a0b753bd8.txt");
    let mut text = std::fs::read_to_string(&f).unwrap();
    text.push_str("\n\nفقرة جديدة عن مدينة تبليسي\n");
    std::fs::write(&f, text).unwrap();
    let third = index(&env, &corpus, &[]);
    assert!(
        third.contains("1 files read") && third.contains("1 re-indexed"),
        "{third}"
    );
    env.cmd()
        .arg("--corpus")
        .arg(&corpus)
        .args(["search", "تبليسي"])
        .assert()
        .code(0);

    // Remove one, add one: even a quick lookup (which trusts folder mtimes) sees it.
    std::fs::remove_file(corpus.join("004_104105c63aa4b763.txt")).unwrap();
    std::fs::write(corpus.join("new.md"), "# عنوان جديد\n\nنص عن الكويت").unwrap();
    env.cmd()
        .arg("--corpus")
        .arg(&corpus)
        .args(["search", "الكويت"])
        .assert()
        .code(0);
    let fourth = index(&env, &corpus, &[]);
    assert!(
        fourth.contains("5 articles from 5 files") && fourth.contains("0 files read"),
        "{fourth}"
    );
    let list = stdout_of(env.cmd().arg("--corpus").arg(&corpus).arg("list"));
    assert!(list.contains("new") && !list.contains("004_"), "{list}");

    // Corrupt the index: detected, rebuilt with a one-line message, no panic.
    let idx = stdout_of(env.cmd().arg("--corpus").arg(&corpus).arg("paths"));
    let idx_dir = PathBuf::from(idx.lines().find(|l| l.starts_with("index:")).unwrap()[6..].trim());
    std::fs::write(idx_dir.join("tantivy/meta.json"), b"{ not json").unwrap();
    let fifth = index(&env, &corpus, &[]);
    assert!(
        fifth.contains("corrupt index") && fifth.contains("rebuilding"),
        "{fifth}"
    );
    assert!(fifth.contains("index rebuilt: 5 articles"), "{fifth}");

    let forced = index(&env, &corpus, &["--rebuild"]);
    assert!(forced.contains("index rebuilt"), "{forced}");
}

#[test]
fn two_processes_at_once_both_work() {
    let env = Env::new();
    let corpus = copy_seeds(&env);
    let spawn = || {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("qari"));
        c.env("QARI_CACHE_DIR", env.path("cache"))
            .env("QARI_CONFIG_DIR", env.path("config"))
            .env("QARI_STATE_DIR", env.path("state"))
            .arg("--corpus")
            .arg(&corpus)
            .args(["search", "موسكو", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!v.as_array().unwrap().is_empty());
    }
}

#[test]
fn bad_corpus_and_bad_files_get_clear_messages() {
    let env = Env::new();
    env.cmd()
        .args(["--corpus", "/no/such/folder", "list"])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("/no/such/folder")
                .and(predicates::str::contains("does not exist")),
        );

    let corpus = copy_seeds(&env);
    std::fs::write(corpus.join("empty.txt"), "").unwrap();
    std::fs::write(corpus.join("binary.txt"), b"\x7fELF\0\0\0\x01\x02").unwrap();
    let mut big = "عنوان كبير\n\n".to_string();
    while big.len() < 17 * 1024 * 1024 {
        big.push_str("كلمة عربية أخرى في نص طويل جدا. ");
    }
    std::fs::write(corpus.join("big.txt"), big).unwrap();
    let out = env
        .cmd()
        .arg("--corpus")
        .arg(&corpus)
        .arg("list")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("empty.txt: empty file"), "{err}");
    assert!(
        err.contains("binary.txt: looks like a binary file"),
        "{err}"
    );
    assert!(err.contains("big.txt") && err.contains("cap"), "{err}");
    let list = String::from_utf8_lossy(&out.stdout);
    assert_eq!(list.lines().count(), 6, "{list}");
}

#[test]
fn legacy_encodings_are_read() {
    let env = Env::new();
    let corpus = env.path("enc");
    std::fs::create_dir_all(&corpus).unwrap();
    let text = "عنوان بترميز قديم\r\n\r\nنص\u{00A0}عن مدينة الرياض\r\n";
    let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(text);
    std::fs::write(corpus.join("cp.txt"), &cp1256).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        text.replace("الرياض", "جدة")
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    std::fs::write(corpus.join("u16.txt"), utf16).unwrap();
    let json: Value = serde_json::from_str(&stdout_of(
        env.cmd()
            .arg("--corpus")
            .arg(&corpus)
            .args(["list", "--json"]),
    ))
    .unwrap();
    let titles: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["عنوان بترميز قديم", "عنوان بترميز قديم"]);
    env.cmd()
        .arg("--corpus")
        .arg(&corpus)
        .args(["search", "الرياض"])
        .assert()
        .code(0);
    env.cmd()
        .arg("--corpus")
        .arg(&corpus)
        .args(["search", "جدة"])
        .assert()
        .code(0);
}

#[test]
fn completions_and_man_page() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = stdout_of(env.cmd().args(["completions", shell]));
        assert!(out.contains("search") && out.contains("list"), "{shell}");
    }
    let man = stdout_of(env.cmd().arg("man"));
    assert!(man.contains(".TH") && man.contains("search"));
    env.cmd()
        .args(["search", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Example"));
}

#[test]
fn entity_queries_find_the_articles_naming_someone() {
    let env = Env::new();
    let ids = |q: &str| search_ids(&env, q);
    let full = ids("person:\"فلاديمير بوتين\"");
    assert!(!full.is_empty());
    // The surname alone, a title in front, and a clitic all reach the same articles.
    assert_eq!(ids("person:بوتين"), full);
    assert_eq!(ids("person:\"الرئيس الروسي فلاديمير بوتين\""), full);
    assert_eq!(ids("place:لروسيا"), ids("place:روسيا"));
    // Entity terms combine with words.
    let both = ids("person:بوتين هاتفيا");
    assert!(
        !both.is_empty() && both.iter().all(|i| full.contains(i)),
        "{both:?}"
    );
    env.cmd()
        .args(["search", "person:كلمةغيرموجودة"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no person named"));
}

#[test]
fn show_prints_the_reader_layout_and_resolves_prefixes() {
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;
    // Columns as a terminal draws them: per grapheme (whole-string width counts لا as one).
    let cols = |s: &str| -> usize { s.graphemes(true).map(|g| g.width()).sum() };
    let env = Env::new();
    // Piped: logical order at 80 columns, the same breaks as --visual.
    let piped = stdout_of(env.cmd().args(["show", "001"]));
    let logical80 = stdout_of(
        env.cmd()
            .args(["show", "001", "--logical", "--width", "80"]),
    );
    assert_eq!(piped, logical80);
    assert!(piped.starts_with("لافروف يبحث"), "{piped}");

    let logical = stdout_of(
        env.cmd()
            .args(["show", "001", "--width", "40", "--logical"]),
    );
    let visual = stdout_of(env.cmd().args(["show", "001", "--width", "40", "--visual"]));
    assert_eq!(logical.lines().count(), visual.lines().count());
    for (l, v) in logical.lines().zip(visual.lines()) {
        assert!(cols(l) <= 40, "{l}");
        // Blank lines between paragraphs stay blank; RTL lines are padded on the left to 40.
        if l.is_empty() {
            assert!(v.trim().is_empty());
        } else {
            assert_eq!(cols(v), 40, "{v:?}");
        }
    }
    // Every word of the source is there (whitespace collapsed, nothing dropped).
    let src = std::fs::read_to_string(seeds().join("001_13ef93096cc37932.txt")).unwrap();
    let words: Vec<&str> = logical.split_whitespace().collect();
    assert_eq!(words, src.split_whitespace().collect::<Vec<_>>());

    env.cmd().args(["show", "00"]).assert().code(2).stderr(
        predicates::str::contains("ambiguous")
            .and(predicates::str::contains("000_5d3c243a0b753bd8")),
    );
    env.cmd()
        .args(["show", "9"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no article"));
}
