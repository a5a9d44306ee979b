//! Hostile input (issue 11, first part): text from strangers never reaches the terminal as a
//! control sequence through any CLI output, and a deeply nested query is an error, not a crash.
//! The corpus is generated here: controls in every field of a `.jsonl` record, in a `.txt` file,
//! and in a file name.

use std::path::Path;

use assert_cmd::Command;

/// Controls a terminal acts on: ESC (CSI, OSC 0/8/52), BEL, C1 (CSI as one character), DEL, and
/// the bidi scopes that reorder what follows them.
const EVIL: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\u{9d}8;;x\u{7f}\u{202e}\u{2066}";

fn cmd(root: &Path) -> Command {
    let mut c = Command::cargo_bin("qari").unwrap();
    c.env("QARI_CACHE_DIR", root.join("cache"))
        .env("QARI_CONFIG_DIR", root.join("config"))
        .env("QARI_STATE_DIR", root.join("state"))
        .env_remove("QARI_CORPUS")
        .arg("--corpus")
        .arg(root.join("corpus"));
    c
}

/// The first character a terminal would act on, if any.
fn first_control(s: &str) -> Option<(usize, char)> {
    s.char_indices().find(|&(_, c)| {
        (c < ' ' && c != '\n' && c != '\t')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let s = String::from_utf8_lossy(bytes);
    if let Some((i, c)) = first_control(&s) {
        let around: String = s[i.saturating_sub(40)..].chars().take(60).collect();
        panic!("{what}: {c:?} at byte {i}: {around:?}");
    }
}

fn hostile_corpus(root: &Path) {
    let corpus = root.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let record = serde_json::json!({
        "id": format!("r1{EVIL}"),
        "title": format!("عنوان موسكو {EVIL}"),
        "body": format!("نص عن موسكو {EVIL} وبوتين في موسكو."),
        "date": format!("2020-10-21{EVIL}"),
        "source": format!("سانا{EVIL}"),
    });
    std::fs::write(corpus.join("feed.jsonl"), format!("{record}\n")).unwrap();
    std::fs::write(
        corpus.join(format!("evil{EVIL}name.txt")),
        format!("عنوان آخر {EVIL}\n\nموسكو {EVIL} نص"),
    )
    .unwrap();
    // A file that cannot be read gives a warning that names it.
    std::fs::write(corpus.join(format!("bin{EVIL}.txt")), b"\0\x01\x02PK").unwrap();
    // UTF-16 with a lone surrogate and the sequences, UTF-8 with overlong forms of `/` and of
    // ESC, and 300 combining marks on one letter.
    let mut u16 = vec![0xFF, 0xFE];
    for unit in format!("عنوان مزدوج {EVIL}\n\nنص موسكو ")
        .encode_utf16()
        .chain([0xD800])
        .chain(" نهاية".encode_utf16())
    {
        u16.extend(unit.to_le_bytes());
    }
    std::fs::write(corpus.join("utf16.txt"), u16).unwrap();
    let mut overlong = "عنوان طويل\n\nنص موسكو ".as_bytes().to_vec();
    overlong.extend([0xC0, 0xAF, 0xE0, 0x80, 0xAF, 0xC0, 0x9B, b'[', b'2', b'J']);
    overlong.extend(" نهاية".as_bytes());
    std::fs::write(corpus.join("overlong.txt"), overlong).unwrap();
    std::fs::write(
        corpus.join("marks.md"),
        format!(
            "# عنوان **موسكو**\n\nب{} موسكو [رابط]({EVIL})",
            "\u{651}".repeat(300)
        ),
    )
    .unwrap();
    // A file that is gone when it is read (a link to nothing).
    std::os::unix::fs::symlink(
        root.join("nowhere.txt"),
        corpus.join(format!("gone{EVIL}.txt")),
    )
    .unwrap();
}

#[test]
fn no_control_sequence_from_the_data_reaches_any_cli_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    hostile_corpus(root);
    let runs: Vec<Vec<&str>> = vec![
        vec!["index"],
        vec!["list"],
        vec!["list", "--json"],
        vec!["search", "موسكو"],
        vec!["search", "موسكو", "--json"],
        vec!["entities"],
        vec!["entities", "--json"],
        vec!["show", "evil"],
        vec!["show", "feed"],
        vec!["show", "utf16"],
        vec!["show", "overlong", "--visual"],
        vec!["show", "marks", "--width", "3"],
        vec!["entities", "marks"],
    ];
    for args in runs {
        let out = cmd(root).args(&args).output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 2),
            "{args:?}: {:?}",
            out.status
        );
        assert_clean(&format!("{args:?} stdout"), &out.stdout);
        assert_clean(&format!("{args:?} stderr"), &out.stderr);
    }
    // The JSON still carries the data, escaped: nothing is lost.
    let out = cmd(root).args(["list", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let titles: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["title"].as_str())
        .collect();
    assert!(titles.iter().any(|t| t.contains('\u{9b}')), "{titles:?}");
    // The warning about the binary file names it (made safe), and the unreadable date too.
    let out = cmd(root).args(["index", "--rebuild"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bin␛") && err.contains("binary"), "{err}");
    assert!(
        err.contains("feed.jsonl:1") && err.contains("not a date"),
        "{err}"
    );
}

#[test]
fn a_one_line_article_of_16_mib_is_searched_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let corpus = root.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let unit = format!("قال الوزير Lavrov في موسكو {EVIL} ");
    let mut text = "عنوان ضخم\n\n".to_string();
    while text.len() + unit.len() < 16 * 1024 * 1024 - 16 {
        text.push_str(&unit);
    }
    text.push_str("كلمةأخيرة");
    std::fs::write(corpus.join("huge.txt"), &text).unwrap();
    let out = cmd(root).args(["search", "كلمةأخيرة"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_clean("search", &out.stdout);
    for args in [
        vec!["show", "huge", "--width", "1"],
        vec!["show", "huge", "--visual", "--width", "50"],
    ] {
        let out = cmd(root).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert_clean(&format!("{args:?}"), &out.stdout);
        // The last word is there: in display order at 50 columns, two columns a line at 1.
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(
            shown.contains("ةريخأةملك") || shown.replace('\n', "").ends_with("كلمةأخيرة"),
            "{args:?}"
        );
    }
}

#[test]
fn tag_and_query_errors_do_not_echo_controls() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    hostile_corpus(root);
    let out = cmd(root)
        .args(["tag", "--conll"])
        .write_stdin(format!("موسكو\n{EVIL}\nبوتين\n"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_clean("tag --conll", &out.stdout);
    let out = cmd(root)
        .args(["tag", "--json"])
        .write_stdin(format!("قال بوتين {EVIL} في موسكو"))
        .output()
        .unwrap();
    assert_clean("tag --json", &out.stdout);
    // A query the parser refuses is echoed in the error: safely.
    let out = cmd(root)
        .args(["search", &format!("\"موسكو {EVIL}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_clean("query error", &out.stderr);
    // Clap's own errors echo arguments too.
    let out = cmd(root)
        .args([&format!("--bogus{EVIL}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_clean("argument error", &out.stderr);
}

#[test]
fn deeply_nested_queries_are_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("corpus")).unwrap();
    std::fs::write(root.join("corpus/a.txt"), "عنوان\n\nموسكو ونص").unwrap();
    let deep = format!("{}موسكو", "(".repeat(10_000));
    let out = cmd(root).args(["search", &deep]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at most 64 levels"), "{err}");
    // Within the bound, brackets work.
    let ok = format!("{}موسكو{}", "(".repeat(60), ")".repeat(60));
    let out = cmd(root).args(["search", &ok]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
