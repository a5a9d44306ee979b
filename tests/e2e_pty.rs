//! End to end on a pseudo-terminal: the real binary, driven by ../shared/tools/ptyprobe.py (a VT
//! emulator over a pty). Opens an article, searches, quits, and checks the terminal was restored.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod common;
use common::probe;

/// Runs qari on the seeds in a 120×40 pty with `keys`; returns the probe's report and the bytes.
fn run(probe: &Path, home: &Path, keys: &str) -> (Value, Vec<u8>) {
    let dump = home.join(format!("dump-{}", keys.len()));
    let out = Command::new("python3")
        .arg(probe)
        .args([
            "--cols",
            "120",
            "--rows",
            "40",
            "--marker",
            "Articles (5)",
            "--timeout",
            "30",
        ])
        .args(["--keys", keys, "--dump"])
        .arg(&dump)
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("qari"))
        .env("QARI_CACHE_DIR", home.join("cache"))
        .env("QARI_CONFIG_DIR", home.join("config"))
        .env("QARI_STATE_DIR", home.join("state"))
        .env("TERM", "xterm-256color")
        .env_remove("QARI_CORPUS")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("probe JSON");
    (report, std::fs::read(dump).unwrap_or_default())
}

fn screen(report: &Value) -> String {
    report["screen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn search_open_and_quit_restores_the_terminal() {
    let Some(probe) = probe() else { return };
    let home = tempfile::tempdir().unwrap();

    // Search the corpus as you type, open the hit.
    let (report, _) = run(&probe, home.path(), "/ type:لافروف wait:800 Enter wait:500");
    assert!(
        report["ready_ms"].is_number(),
        "never showed the list: {report}"
    );
    let s = screen(&report);
    assert!(
        s.contains("001_13ef93096cc37932"),
        "the hit is not open in the reader:\n{s}"
    );
    // Arabic reads right to left: on the grid, in visual order, the word's letters run reversed.
    let visual: String = "لافروف".chars().rev().collect();
    assert!(s.contains(&visual), "{s}");
    assert_eq!(report["raw_ctrl"], 0);

    // Open an article, find in it, step to the next match, go back, quit: exit 0 and every
    // terminal mode restored. (A driver that waits for the process: see tests/pty_session.py.)
    let dump = home.path().join("quit.dump");
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pty_session.py");
    let out = Command::new("python3")
        .arg(&driver)
        .arg(&dump)
        .args([
            "120",
            "40",
            "j",
            "j",
            "\r",
            "/",
            "موسكو",
            "\r",
            "n",
            "q",
            "q",
            "q",
            "q",
            "--",
        ])
        .arg(assert_cmd::cargo::cargo_bin("qari"))
        .env("QARI_CACHE_DIR", home.path().join("cache"))
        .env("QARI_CONFIG_DIR", home.path().join("config"))
        .env("QARI_STATE_DIR", home.path().join("state"))
        .env("TERM", "xterm-256color")
        .env_remove("QARI_CORPUS")
        .output()
        .expect("python3 runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("driver JSON");
    assert_eq!(report["exit"], 0, "{report}");
    let bytes = std::fs::read(&dump).unwrap();
    let last = |needle: &[u8]| bytes.windows(needle.len()).rposition(|w| w == needle);
    let entered = last(b"\x1b[?1049h").expect("entered the alternate screen");
    let left = last(b"\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered);
    assert!(last(b"\x1b[?25h").expect("cursor shown again") > entered);
    // Bidi explicit mode on entry, implicit mode back on exit.
    assert!(last(b"\x1b[8h").expect("bidi implicit mode restored") > last(b"\x1b[8l").unwrap());
    // Mouse: clicks, drags and the wheel (1000, 1002, SGR 1006), never bare motion (1003); off
    // again at the end.
    assert!(last(b"\x1b[?1002h").is_some(), "no button-event mouse mode");
    assert!(last(b"\x1b[?1003h").is_none(), "asked for every motion");
    assert!(last(b"\x1b[?1000l").expect("mouse off") > last(b"\x1b[?1000h").unwrap());
    // The default theme is the 16 ANSI colours as plain SGR codes: no 256-colour index.
    assert!(
        last(b"38;5;").is_none() && last(b"48;5;").is_none(),
        "a 256-colour sequence from the default theme"
    );
    assert!(last(b"\x1b[0;34m").is_some(), "no plain blue border");
    // Raw mode is left: the program's last output ends with the restore, not a frame.
    assert!(
        bytes.len() - left < 64,
        "output after leaving the alternate screen"
    );
}

/// Every catchable signal that ends the TUI (not only Ctrl-c as a key) restores the terminal and
/// saves the reading position.
#[test]
fn signals_restore_the_terminal_and_save_the_position() {
    if probe().is_none() {
        return;
    }
    for sig in ["INT", "QUIT", "USR1", "TERM", "HUP"] {
        let home = tempfile::tempdir().unwrap();
        let dump = home.path().join("sig.dump");
        let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pty_session.py");
        let out = Command::new("python3")
            .arg(&driver)
            .arg(&dump)
            .args([
                "120",
                "40",
                "WAIT:●",
                "j",
                "\r",
                "WAIT:003_d20ebc38bcca70ee",
                "j",
                "j",
                &format!("SIG:{sig}"),
                "--",
            ])
            .arg(assert_cmd::cargo::cargo_bin("qari"))
            .env("QARI_CACHE_DIR", home.path().join("cache"))
            .env("QARI_CONFIG_DIR", home.path().join("config"))
            .env("QARI_STATE_DIR", home.path().join("state"))
            .env("TERM", "xterm-256color")
            .env_remove("QARI_CORPUS")
            .output()
            .expect("python3 runs");
        let report: Value = serde_json::from_slice(&out.stdout).expect("driver JSON");
        // The shell's convention for an end by signal: 128 + its number.
        let number = match sig {
            "HUP" => 1,
            "INT" => 2,
            "QUIT" => 3,
            "USR1" => 10,
            _ => 15,
        };
        assert_eq!(report["exit"], 128 + number, "SIG{sig}: {report}");
        let bytes = std::fs::read(&dump).unwrap();
        let last = |needle: &[u8]| bytes.windows(needle.len()).rposition(|w| w == needle);
        let entered = last(b"\x1b[?1049h").expect("entered the alternate screen");
        let left = last(b"\x1b[?1049l");
        assert!(
            left.is_some_and(|l| l > entered),
            "SIG{sig}: alternate screen kept"
        );
        assert!(
            last(b"\x1b[?1000l").is_some_and(|l| l > entered),
            "SIG{sig}: mouse capture left on"
        );
        assert!(
            last(b"\x1b[?25h").is_some_and(|l| l > entered),
            "SIG{sig}: cursor left hidden"
        );
        let saved = std::fs::read_to_string(home.path().join("state/reading.json"))
            .unwrap_or_else(|e| panic!("SIG{sig}: no saved state: {e}"));
        assert!(saved.contains("003_d20ebc38bcca70ee"), "SIG{sig}: {saved}");
    }
}

/// A hostile corpus through the reader on a real pty: no control sequence from the data (OSC 0
/// and 52, CSI as one C1 character, bidi overrides) is in the bytes written to the terminal.
#[test]
fn hostile_articles_never_drive_the_terminal() {
    let Some(probe) = probe() else { return };
    let home = tempfile::tempdir().unwrap();
    let corpus = home.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let evil =
        "\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}31m\u{9d}8;;x\u{7f}\u{202e}\u{2066}";
    let record = serde_json::json!({
        "id": format!("r1{evil}"),
        "title": format!("عنوان موسكو {evil}"),
        "body": format!("نص عن موسكو {evil} وبوتين في موسكو."),
        "date": format!("2020-10-21{evil}"),
        "source": format!("سانا{evil}"),
    });
    std::fs::write(corpus.join("feed.jsonl"), format!("{record}\n")).unwrap();
    std::fs::write(
        corpus.join(format!("evil{evil}.txt")),
        format!("عنوان آخر {evil}\n\nموسكو {evil} نص"),
    )
    .unwrap();
    let dump = home.path().join("hostile.dump");
    let out = Command::new("python3")
        .arg(&probe)
        .args(["--cols", "120", "--rows", "40", "--marker", "Articles (2)"])
        .args([
            "--keys",
            "Enter wait:400 j j Tab Tab Esc / type:موسكو wait:600 Enter wait:400 q q q q",
            "--timeout",
            "30",
            "--dump",
        ])
        .arg(&dump)
        .arg("--")
        .arg(assert_cmd::cargo::cargo_bin("qari"))
        .arg("--corpus")
        .arg(&corpus)
        .env("QARI_CACHE_DIR", home.path().join("cache"))
        .env("QARI_CONFIG_DIR", home.path().join("config"))
        .env("QARI_STATE_DIR", home.path().join("state"))
        .env("TERM", "xterm-256color")
        .output()
        .expect("python3 runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("probe JSON");
    assert!(
        report["ready_ms"].is_number(),
        "never showed the list: {report}"
    );
    assert_eq!(report["raw_ctrl"], 0, "{report}");
    let bytes = std::fs::read(&dump).unwrap();
    for needle in [
        &b"\x1b]0;pwned"[..],
        b"\x1b]52;",
        b"\xc2\x9b31m",
        b"\xc2\x9d8;;",
        "\u{202e}".as_bytes(),
        "\u{2066}".as_bytes(),
        b"\x7f",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{needle:?} reached the terminal"
        );
    }
    // The article was shown (as placeholders), not dropped.
    let screen = screen(&report);
    assert!(screen.contains('␛') || screen.contains("وكسوم"), "{screen}");
}

/// `y` copies the paragraph being read with OSC 52: the payload decodes to that paragraph in
/// logical order, as it is in the article's file.
#[test]
fn y_copies_the_paragraph_with_osc52_in_logical_order() {
    use base64::Engine as _;
    let Some(probe) = probe() else { return };
    let home = tempfile::tempdir().unwrap();
    let (report, bytes) = run(
        &probe,
        home.path(),
        "wait:1500 Enter wait:500 j j j j j wait:200 y wait:500",
    );
    let s = screen(&report);
    assert!(s.contains("copied the paragraph"), "{s}");
    let start = bytes
        .windows(7)
        .position(|w| w == b"\x1b]52;c;")
        .expect("an OSC 52 sequence")
        + 7;
    let len = bytes[start..].iter().position(|&b| b == 0x07).unwrap();
    let text = base64::engine::general_purpose::STANDARD
        .decode(&bytes[start..start + len])
        .unwrap();
    let text = String::from_utf8(text).unwrap();
    // The newest seed article is open; its first body paragraph is on the top row.
    let seed = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .find(|t| t.contains(text.as_str()));
    assert!(
        seed.is_some(),
        "not a paragraph of a seed, in logical order: {text}"
    );
    assert!(
        text.starts_with("(پاکستان") && !text.contains("\n\n"),
        "{text}"
    );
}
