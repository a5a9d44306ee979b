//! Search as a newsroom user runs it (issue 9), on the real binary: spellings of a name, typos,
//! prefixes, whole-name clauses, counts and limits, `date:` and `source:`, numbers glued to
//! letters, and bad queries. Most checks run on the bundled seeds; ranking checks on a small
//! corpus written here.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// A qari command with its own cache, config and state, on `corpus` (the seeds by default).
struct Env {
    dir: tempfile::TempDir,
    corpus: Option<std::path::PathBuf>,
}

impl Env {
    fn seeds() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            corpus: None,
        }
    }

    fn with(files: &[(&str, &str)]) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        for (name, text) in files {
            std::fs::write(corpus.join(name), text).unwrap();
        }
        Env {
            dir,
            corpus: Some(corpus),
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("qari").unwrap();
        c.env("QARI_CACHE_DIR", self.dir.path().join("cache"))
            .env("QARI_CONFIG_DIR", self.dir.path().join("config"))
            .env("QARI_STATE_DIR", self.dir.path().join("state"))
            .env_remove("NO_COLOR");
        match &self.corpus {
            Some(p) => c.env("QARI_CORPUS", p),
            None => c.env_remove("QARI_CORPUS"),
        };
        c
    }

    /// Ids of the hits of `q` in rank order.
    fn ranked(&self, q: &str) -> Vec<String> {
        let out = self.cmd().args(["search", q, "--json"]).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Array(vec![]));
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    }

    fn ids(&self, q: &str) -> Vec<String> {
        let mut v = self.ranked(q);
        v.sort();
        v
    }

    fn count(&self, q: &str) -> u64 {
        let out = self
            .cmd()
            .args(["search", q, "--count", "--json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["total"].as_u64().unwrap()
    }
}

fn ensure_entities(env: &Env) {
    env.cmd().arg("index").assert().success();
}

#[test]
fn a_name_is_found_however_it_is_spelled() {
    let env = Env::seeds();
    let pashinyan = env.ids("باشينيان");
    assert_eq!(pashinyan.len(), 4);
    // A vowel letter missing, or one more: the same articles, and stderr says why.
    for spelling in ["باشنيان", "بشينيان"] {
        assert_eq!(env.ids(spelling), pashinyan, "{spelling}");
    }
    env.cmd()
        .args(["search", "باشنيان"])
        .assert()
        .success()
        .stderr(predicate::str::contains("also matched باشينيان"));
    // `=word` and --exact switch it off.
    env.cmd().args(["search", "=باشنيان"]).assert().code(1);
    env.cmd()
        .args(["search", "--exact", "باشنيان"])
        .assert()
        .code(1);
    // The alias table's spellings are variants too.
    assert_eq!(env.ids("الكريملن"), env.ids("الكرملين"));
    // Common Arabic words are not folded: a short word gets neither variants nor typos.
    assert!(env.ids("موسك").is_empty());
}

#[test]
fn typos_are_forgiven_from_five_letters() {
    let env = Env::seeds();
    let lavrov = env.ids("لافروف");
    assert!(!lavrov.is_empty());
    assert_eq!(env.ids("لافرف"), lavrov);
    // Snippets mark the word that matched.
    let out = env.cmd().args(["search", "لافرف"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("[لافروف]"));
}

#[test]
fn the_spelling_as_written_ranks_first() {
    let env = Env::with(&[
        (
            "a.txt",
            "زيارة\n\nقال ترامب إن المحادثات جيدة. ترامب في واشنطن.",
        ),
        ("b.txt", "خبر\n\nقال ترمب إن المحادثات جيدة."),
        ("c.txt", "خبر آخر\n\nقال ترمب إن الطقس جيد."),
    ]);
    let ranked = env.ranked("ترمب");
    assert_eq!(ranked.len(), 3, "{ranked:?}");
    assert_eq!(
        ranked[2], "a",
        "the variant ranks after both exact hits: {ranked:?}"
    );
    let ranked = env.ranked("ترامب");
    assert_eq!(ranked[0], "a", "{ranked:?}");
}

#[test]
fn a_word_with_a_star_is_a_prefix() {
    let env = Env::seeds();
    assert_eq!(env.ids("بوت*"), env.ids("بوتين"));
    // أرمين* reaches both أرمينيا and الأرمينية.
    let armenia = env.ids("أرمين*");
    for w in ["أرمينيا", "الأرمينية"] {
        for id in env.ids(w) {
            assert!(armenia.contains(&id), "{w}: {id}");
        }
    }
}

#[test]
fn entity_clauses_take_whole_names_unquoted() {
    let env = Env::seeds();
    ensure_entities(&env);
    let karabakh = env.ids("place:\"قره باغ\"");
    assert!(karabakh.len() >= 4, "{karabakh:?}");
    assert_eq!(env.ids("place:قره باغ"), karabakh);
    assert_eq!(
        env.ids("person:فلاديمير بوتين"),
        env.ids("person:\"فلاديمير بوتين\"")
    );
    // The words after a name that are not part of it are words of the query.
    let both = env.ids("person:بوتين هاتفيا");
    assert_eq!(both, env.ids("person:بوتين \"هاتفيا\""));
    assert!(both.len() < env.ids("person:بوتين").len() || both.len() == 1);
    // An unknown name is an error that suggests the closest known one.
    env.cmd()
        .args(["search", "person:بوتن"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean person:بوتين"));
}

#[test]
fn counts_and_limits() {
    let env = Env::seeds();
    assert_eq!(env.count("روسيا"), 5);
    let out = env
        .cmd()
        .args(["search", "روسيا", "--count"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "5");
    let out = env
        .cmd()
        .args(["search", "روسيا", "--limit", "2"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with("2 of 5 articles\n"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The JSON array keeps its shape.
    let v: Value = serde_json::from_slice(
        &env.cmd()
            .args(["search", "روسيا", "--limit", "2", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    env.cmd()
        .args(["search", "روسيا", "--limit", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--limit"));
    for clause in ["org:", "person:", "date:"] {
        env.cmd()
            .args(["search", clause])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("needs a value"));
    }
}

#[test]
fn date_and_source_clauses() {
    let env = Env::seeds();
    assert_eq!(env.ids("date:2020-10"), ["001_13ef93096cc37932"]);
    assert_eq!(
        env.ids("date:2021"),
        ["003_d20ebc38bcca70ee", "004_104105c63aa4b763"]
    );
    assert_eq!(
        env.ids("date:2021-07-01..2021-07-31"),
        ["003_d20ebc38bcca70ee"]
    );
    assert_eq!(env.ids("date:2021 بوتين"), ["003_d20ebc38bcca70ee"]);
    assert!(env.ids("date:..2019").is_empty());
    env.cmd()
        .args(["search", "date:أمس"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a date"));
    assert_eq!(env.count("source:سبوتنيك"), 3);
    assert_eq!(env.count("source:سبوتنيك date:2021"), 1);
    env.cmd()
        .args(["search", "source:سبوتنك"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean source:سبوتنيك"));
}

#[test]
fn numbers_glued_to_letters_are_numbers() {
    let env = Env::seeds();
    // 004 writes the year as ٢٠٢١ء / 2021ء.
    assert!(env
        .ids("2021")
        .contains(&"004_104105c63aa4b763".to_string()));
    let env = Env::with(&[("a.txt", "خبر\n\nفي الـ10 من الشهر، و3 أيام. Ministers met.")]);
    assert_eq!(env.ids("10"), ["a"]);
    assert_eq!(env.ids("3"), ["a"]);
    // Latin words are stemmed as English.
    assert_eq!(env.ids("minister"), ["a"]);
}

#[test]
fn bad_queries_are_one_line_errors_or_empty() {
    let env = Env::seeds();
    let long = "موسكو ".repeat(9_000); // 99 KB: one argument may hold 128 KB
    let deep = format!("{}موسكو{}", "(".repeat(10_000), ")".repeat(10_000));
    for (q, codes) in [
        (long.as_str(), &[0, 1][..]),
        (deep.as_str(), &[2][..]),
        ("\"", &[2][..]),
        ("ً َ ُ", &[2][..]),
        ("...", &[2][..]),
    ] {
        let out = env.cmd().args(["search", q]).output().unwrap();
        let code = out.status.code().unwrap();
        assert!(
            codes.contains(&code),
            "{}: exit {code}",
            &q[..q.len().min(20)]
        );
        assert!(String::from_utf8_lossy(&out.stderr).lines().count() <= 1);
    }
}
