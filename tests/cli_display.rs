//! How the quick lookups print (issue 12, item 1 and the CLI parts of item 8): display order on a
//! terminal (run on a pseudo-terminal with ../shared/tools/ptyprobe.py), reading order when piped,
//! titles cut at a word with `…`, `--color` and `NO_COLOR`, quiet ends on a closed pipe, the
//! `--json` help naming every field printed, and the man page's sections.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::probe;

/// A qari command on the seeds, isolated from the user's home.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A new home whose index of the seeds is already built (so a pty run prints at once).
    fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = env.cmd().args(["index"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        env
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("qari"));
        self.isolate(&mut c);
        c
    }

    fn isolate(&self, c: &mut Command) {
        c.env("QARI_CACHE_DIR", self.dir.path().join("cache"))
            .env("QARI_CONFIG_DIR", self.dir.path().join("config"))
            .env("QARI_STATE_DIR", self.dir.path().join("state"))
            .env("QARI_CORPUS", seeds())
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
    }

    fn stdout(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.code() != Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.stdout(args)).unwrap()
    }
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// What a terminal `cols` wide shows after `qari ARGS` ran on it (rows, in the order the cells
/// are on screen), and the bytes it wrote. `marker`: text on the last row printed.
fn on_pty(
    env: &Env,
    probe: &Path,
    cols: u16,
    marker: &str,
    args: &[&str],
) -> (Vec<String>, Vec<u8>) {
    let dump = env.dir.path().join("dump");
    let mut c = Command::new("python3");
    c.arg(probe)
        .args([
            "--cols",
            &cols.to_string(),
            "--rows",
            "40",
            "--timeout",
            "30",
        ])
        .args(["--marker", marker, "--dump"])
        .arg(&dump)
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("qari"))
        .args(args)
        .env("TERM", "xterm-256color");
    env.isolate(&mut c);
    let out = c.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("probe JSON");
    assert_eq!(report["exit"], 0, "{args:?} exit status");
    assert_eq!(report["raw_ctrl"], 0, "{args:?} wrote raw control bytes");
    let rows = report["screen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    (rows, std::fs::read(dump).unwrap())
}

/// True when `bytes` hold an SGR sequence (`ESC [ ... m`).
fn has_sgr(bytes: &[u8]) -> bool {
    bytes.windows(2).enumerate().any(|(i, w)| {
        w == b"\x1b["
            && bytes[i + 2..]
                .iter()
                .find(|b| !(b.is_ascii_digit() || **b == b';'))
                == Some(&b'm')
    })
}

/// The titles of the seeds by id, from `list --json`.
fn titles(env: &Env) -> Vec<(String, String)> {
    env.json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A title as shown in display order, back in reading order (the seed titles are Arabic words
/// and punctuation only, so display order is the reverse), and whether it was cut.
fn read_back(shown: &str) -> (String, bool) {
    let cut = shown.starts_with('…');
    let rev: String = shown.trim_start_matches('…').chars().rev().collect();
    // Mirrored punctuation would differ; the seed titles have none but `:`.
    (rev, cut)
}

/// `shown` (reading order, `…` already taken off) is `title` cut after a whole word.
fn is_cut_at_a_word(title: &str, shown: &str) -> bool {
    title.starts_with(shown) && shown.len() < title.len() && title[shown.len()..].starts_with(' ')
}

#[test]
fn list_on_a_terminal_is_in_display_order_right_aligned_and_never_wraps() {
    let Some(probe) = probe() else { return };
    let env = Env::new();
    let titles = titles(&env);
    for cols in [100u16, 80, 60] {
        let (rows, bytes) = on_pty(&env, &probe, cols, "004_", &["list"]);
        // Explicit bidi mode around the visual lines, as `show --visual`; implicit after.
        assert!(bytes.starts_with(b"\x1b[8l"), "{:?}", &bytes[..20]);
        assert!(bytes.ends_with(b"\x1b[8h\x1b[0 k"));
        let mut cut = 0;
        for (id, title) in &titles {
            let row = rows
                .iter()
                .find(|r| r.starts_with(id.as_str()))
                .unwrap_or_else(|| panic!("{id} at {cols}: {rows:#?}"));
            // One row per article, as wide as the terminal: the title ends at the right edge.
            assert_eq!(row.chars().count(), usize::from(cols), "{row}");
            let shown = row[id.len()..].trim_start()[10..].trim_start();
            let (back, was_cut) = read_back(shown);
            if was_cut {
                assert!(
                    is_cut_at_a_word(title, &back),
                    "{cols}: {back:?} of {title:?}"
                );
                cut += 1;
            } else {
                assert_eq!(&back, title, "{cols}: {row}");
            }
        }
        assert!(cut > 0 || cols == 100, "some titles are cut at {cols}");
        // Piped: reading order, whole titles, unpadded, as always.
        let piped = env.stdout(&["list"]);
        for (id, title) in &titles {
            let line = piped.lines().find(|l| l.starts_with(id.as_str())).unwrap();
            assert!(line.ends_with(&format!("  {title}")), "{line}");
        }
        assert!(!piped.contains('\x1b') && !piped.contains('…'));
    }
}

#[test]
fn search_on_a_terminal_shows_titles_and_snippets_in_display_order_with_coloured_matches() {
    let Some(probe) = probe() else { return };
    let env = Env::new();
    let (rows, bytes) = on_pty(&env, &probe, 80, "of 3 articles", &["search", "موسكو"]);
    let shown: Vec<&String> = rows.iter().filter(|r| !r.is_empty()).collect();
    assert!(shown.iter().all(|r| r.chars().count() <= 80), "{shown:#?}");
    // The match is bold red, in display order (letters reversed) on the screen.
    assert!(
        bytes
            .windows("\x1b[1;31mوكسوم".len())
            .any(|w| w == "\x1b[1;31mوكسوم".as_bytes()),
        "matches painted"
    );
    assert!(shown.iter().any(|r| r.contains("وكسوم")), "{shown:#?}");
    assert!(!shown.iter().any(|r| r.contains("موسكو")), "{shown:#?}");
    // Snippet rows are indented under the hit and right-aligned to the edge.
    let snippet_rows: Vec<&&String> = shown.iter().filter(|r| r.starts_with("    ")).collect();
    assert!(snippet_rows.len() >= 3);
    assert!(snippet_rows.iter().all(|r| r.chars().count() == 80));
    // Without colour the matches are bracketed; in display order the brackets are reversed
    // and mirrored (L4), so the screen shows [وكسوم].
    let (rows, bytes) = on_pty(
        &env,
        &probe,
        80,
        "of 3 articles",
        &["search", "موسكو", "--color", "never"],
    );
    assert!(!has_sgr(&bytes));
    assert!(rows.iter().any(|r| r.contains("[وكسوم]")), "{rows:#?}");
    // Piped: reading order and brackets, as today.
    let piped = env.stdout(&["search", "موسكو"]);
    assert!(piped.contains("[موسكو]") && !piped.contains('\x1b'));
}

#[test]
fn bidi_off_or_terminal_keeps_reading_order_on_a_terminal_cut_to_the_width() {
    let Some(probe) = probe() else { return };
    let env = Env::new();
    let titles = titles(&env);
    for mode in ["off", "terminal"] {
        let (rows, bytes) = on_pty(&env, &probe, 60, "004_", &["--bidi", mode, "list"]);
        assert!(
            !bytes.windows(4).any(|w| w == b"\x1b[8l"),
            "no explicit mode"
        );
        for (id, title) in &titles {
            let row = rows.iter().find(|r| r.starts_with(id.as_str())).unwrap();
            assert!(row.chars().count() <= 60, "{row}");
            let shown = row.split("  ").last().unwrap().trim();
            let kept = shown.trim_end_matches('…');
            assert!(
                kept == title || is_cut_at_a_word(title, kept),
                "{mode}: {shown:?} of {title:?}"
            );
        }
    }
}

#[test]
fn width_cuts_piped_rows_at_a_word_with_an_ellipsis() {
    let env = Env::new();
    let titles = titles(&env);
    let out = env.stdout(&["list", "--width", "50"]);
    let mut cut = 0;
    for line in out.lines() {
        assert!(line.chars().count() <= 50, "{line}");
        let (id, title) = titles
            .iter()
            .find(|(id, _)| line.starts_with(id.as_str()))
            .unwrap();
        let shown = line[id.len()..].trim_start()[10..].trim();
        if let Some(kept) = shown.strip_suffix('…') {
            assert!(is_cut_at_a_word(title, kept), "{kept:?} of {title:?}");
            cut += 1;
        } else {
            assert_eq!(shown, title);
        }
    }
    assert!(cut >= 4, "{out}");
    // Too narrow for the date: the id and a cut title; narrower than the id: the id cut.
    for (width, with_title) in [(30, true), (12, false)] {
        let out = env.stdout(&["list", "--width", &width.to_string()]);
        for ((id, title), line) in titles.iter().zip(out.lines()) {
            assert!(line.chars().count() <= width, "{line}");
            if with_title {
                let kept = line.strip_prefix(&format!("{id}  ")).unwrap();
                let kept = kept.strip_suffix('…').unwrap();
                assert!(is_cut_at_a_word(title, kept), "{kept:?} of {title:?}");
            } else {
                let kept = line.strip_suffix('…').unwrap();
                assert!(id.starts_with(kept), "{line}");
            }
        }
    }
}

#[test]
fn color_always_paints_never_and_no_color_do_not() {
    let env = Env::new();
    let run = |args: &[&str], no_color: bool| {
        let mut c = env.cmd();
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let out = c.args(args).output().unwrap();
        out.stdout
    };
    for args in [
        &["list"][..],
        &["search", "موسكو"],
        &["entities", "003"],
        &["paths"],
    ] {
        let always = [&["--color", "always"][..], args].concat();
        let never = [&["--color", "never"][..], args].concat();
        if args[0] != "paths" {
            assert!(has_sgr(&run(&always, false)), "{args:?} --color always");
            // An explicit flag wins over NO_COLOR.
            assert!(has_sgr(&run(&always, true)), "{args:?} always + NO_COLOR");
        }
        assert!(!has_sgr(&run(&never, false)), "{args:?} --color never");
        // Piped, auto: no colour.
        assert!(!has_sgr(&run(args, false)), "{args:?} piped");
    }
    // JSON is never coloured.
    assert!(!has_sgr(&run(
        &["--color", "always", "list", "--json"],
        false
    )));
    let Some(probe) = probe() else { return };
    let (_, bytes) = on_pty(&env, &probe, 80, "004_", &["list"]);
    assert!(has_sgr(&bytes), "auto colours on a terminal");
    // NO_COLOR on a terminal: the dump of a run with it set has no SGR.
    let dump = env.dir.path().join("dump-nc");
    let mut c = Command::new("python3");
    c.arg(&probe)
        .args(["--cols", "80", "--marker", "004_", "--dump"])
        .arg(&dump)
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("qari"))
        .arg("list");
    env.isolate(&mut c);
    c.env("NO_COLOR", "1");
    assert!(c.output().unwrap().status.success());
    let bytes = std::fs::read(&dump).unwrap();
    assert!(bytes.windows(4).any(|w| w == "004_".as_bytes()));
    assert!(!has_sgr(&bytes), "NO_COLOR on a terminal");
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let env = Env::new();
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["search", "موسكو"],
        &["entities"],
        &["entities", "--json"],
        &["show", "003"],
        &["tag"],
        &["tag", "--conll"],
        &["completions", "bash"],
        &["man"],
        &["paths"],
        &["--help"],
    ] {
        let mut c = env.cmd();
        c.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        // Close the reading end before qari writes anything: every write fails with EPIPE.
        drop(child.stdout.take());
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            let _ = stdin.write_all("قال الرئيس فلاديمير بوتين في موسكو\n".as_bytes());
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "{args:?} said something"
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

/// Every key of every object in `v`, at any depth.
fn keys(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn json_help_names_every_field_printed() {
    let env = Env::new();
    let tag = {
        use std::io::Write;
        let mut child = env
            .cmd()
            .args(["tag", "--json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all("قال الرئيس الروسي فلاديمير بوتين في موسكو".as_bytes())
            .unwrap();
        serde_json::from_slice(&child.wait_with_output().unwrap().stdout).unwrap()
    };
    for (command, value) in [
        ("list", env.json(&["list", "--json"])),
        ("search", env.json(&["search", "موسكو", "--json"])),
        (
            "search",
            env.json(&["search", "موسكو", "--json", "--count"]),
        ),
        ("entities", env.json(&["entities", "--json"])),
        ("tag", tag),
    ] {
        let mut fields = BTreeSet::new();
        keys(&value, &mut fields);
        assert!(!fields.is_empty(), "{command}");
        let help = env.stdout(&[command, "--help"]);
        for f in fields {
            assert!(
                help.contains(&format!("\"{f}\"")),
                "`qari {command} --help` does not name the JSON field {f:?}:\n{help}"
            );
        }
    }
}

#[test]
fn the_man_page_has_its_sections_and_refers_to_no_missing_page() {
    let env = Env::new();
    let page = env.stdout(&["man"]);
    for section in [
        ".SH KEYS",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH COMMANDS",
        ".SS \"qari search\"",
    ] {
        assert!(page.contains(section), "missing {section}");
    }
    for var in [
        "QARI_CORPUS",
        "QARI_CACHE_DIR",
        "NO_COLOR",
        "COLORTERM",
        "XDG_CONFIG_HOME",
    ] {
        assert!(page.contains(var), "missing {var}");
    }
    assert!(page.contains("config.toml") && page.contains("qari paths"));
    // No reference to a page that is not installed: clap's default named qari-list(1) etc.
    for line in page.lines().filter(|l| !l.starts_with(".TH")) {
        assert!(!line.contains("(1)"), "refers to another page: {line}");
    }
    // The page renders (man is optional here).
    if let Ok(out) = Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "80")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(page.as_bytes())?;
            child.wait_with_output()
        })
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.stderr.is_empty() || !text.is_empty());
        if !text.is_empty() {
            assert!(text.contains("EXIT STATUS") && text.contains("ENVIRONMENT"));
        }
    }
}
