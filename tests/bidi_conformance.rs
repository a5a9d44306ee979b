//! Runs qari's own reordering (the layout engine with one character per unit) against the Unicode
//! conformance file `BidiCharacterTest.txt`: every case, its paragraph direction, the resolved
//! paragraph level, the resolved levels and the visual order. 100% must pass. `BidiTest.txt`
//! (bidi classes instead of characters, all three paragraph directions) runs the same way.
//!
//! The file comes from the Debian package `unicode-data` (`/usr/share/unicode/`), or from the path
//! in `QARI_UNICODE_DIR`. Missing file: the test fails when `CI` is set, and skips with a warning
//! otherwise.

use qari::layout::{char_levels, char_visual_order, Direction};

fn test_file(name: &str) -> Option<String> {
    let path = std::env::var("QARI_UNICODE_DIR")
        .map(|d| format!("{d}/{name}"))
        .unwrap_or_else(|_| format!("/usr/share/unicode/{name}"));
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("{path}: {e} (install the Debian package unicode-data)");
            }
            eprintln!(
                "warning: skipping bidi conformance: {path}: {e} (apt-get install unicode-data)"
            );
            None
        }
    }
}

#[test]
fn bidi_character_test_passes_completely() {
    let Some(data) = test_file("BidiCharacterTest.txt") else {
        return;
    };
    let mut total = 0usize;
    let mut failures = Vec::new();
    for (lineno, line) in data.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split(';').collect();
        assert_eq!(f.len(), 5, "line {}: malformed", lineno + 1);
        let text: String = f[0]
            .split_whitespace()
            .map(|h| char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap())
            .collect();
        let base = match f[1] {
            "0" => Some(Direction::Ltr),
            "1" => Some(Direction::Rtl),
            _ => None, // 2: auto (P2/P3, LTR when no strong letter)
        };
        let want_para: u8 = f[2].parse().unwrap();
        let want_levels: Vec<Option<u8>> = f[3]
            .split_whitespace()
            .map(|l| {
                if l == "x" {
                    None
                } else {
                    Some(l.parse().unwrap())
                }
            })
            .collect();
        let want_order: Vec<usize> = f[4]
            .split_whitespace()
            .map(|i| i.parse().unwrap())
            .collect();
        total += 1;
        let got = char_levels(&text, base, Direction::Ltr);
        let order = char_visual_order(&text, base, Direction::Ltr);
        if got.paragraph_level != want_para || got.levels != want_levels || order != want_order {
            failures.push(format!(
                "line {}: {}\n  para want {want_para} got {}\n  levels want {:?}\n         got  {:?}\n  order want {want_order:?}\n        got  {order:?}",
                lineno + 1,
                f[0],
                got.paragraph_level,
                want_levels,
                got.levels
            ));
        }
    }
    println!(
        "BidiCharacterTest: {} of {total} cases pass",
        total - failures.len()
    );
    assert!(total > 90_000, "only {total} cases read: wrong file?");
    assert!(
        failures.is_empty(),
        "{} of {total} cases fail; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A character of each bidi class, to turn `BidiTest.txt`'s class sequences into text.
fn sample(class: &str) -> char {
    match class {
        "L" => 'a',
        "R" => '\u{05D0}',
        "AL" => '\u{0627}',
        "EN" => '0',
        "ES" => '+',
        "ET" => '$',
        "AN" => '\u{0660}',
        "CS" => ',',
        "NSM" => '\u{0300}',
        "BN" => '\u{00AD}',
        "B" => '\u{2029}',
        "S" => '\t',
        "WS" => ' ',
        "ON" => '!',
        "LRE" => '\u{202A}',
        "RLE" => '\u{202B}',
        "PDF" => '\u{202C}',
        "LRO" => '\u{202D}',
        "RLO" => '\u{202E}',
        "LRI" => '\u{2066}',
        "RLI" => '\u{2067}',
        "FSI" => '\u{2068}',
        "PDI" => '\u{2069}',
        other => panic!("unknown bidi class {other}"),
    }
}

#[test]
fn bidi_test_passes_completely() {
    let Some(data) = test_file("BidiTest.txt") else {
        return;
    };
    let mut levels: Vec<Option<u8>> = Vec::new();
    let mut reorder: Vec<usize> = Vec::new();
    let mut total = 0usize;
    let mut failures = Vec::new();
    for (lineno, line) in data.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(l) = line.strip_prefix("@Levels:") {
            levels = l
                .split_whitespace()
                .map(|x| {
                    if x == "x" {
                        None
                    } else {
                        Some(x.parse().unwrap())
                    }
                })
                .collect();
            continue;
        }
        if let Some(r) = line.strip_prefix("@Reorder:") {
            reorder = r.split_whitespace().map(|x| x.parse().unwrap()).collect();
            continue;
        }
        if line.starts_with('@') {
            continue;
        }
        let (input, bits) = line.split_once(';').expect("data line");
        let text: String = input.split_whitespace().map(sample).collect();
        let bits = u8::from_str_radix(bits.trim(), 16).unwrap();
        for (bit, base) in [
            (1, None),
            (2, Some(Direction::Ltr)),
            (4, Some(Direction::Rtl)),
        ] {
            if bits & bit == 0 {
                continue;
            }
            total += 1;
            let got = char_levels(&text, base, Direction::Ltr);
            let order = char_visual_order(&text, base, Direction::Ltr);
            if got.levels != levels || order != reorder {
                failures.push(format!(
                    "line {}: {input} (base {base:?})\n  levels want {levels:?}\n         got  {:?}\n  order want {reorder:?}\n        got  {order:?}",
                    lineno + 1,
                    got.levels
                ));
            }
        }
    }
    println!("BidiTest: {} of {total} cases pass", total - failures.len());
    assert!(total > 400_000, "only {total} cases read: wrong file?");
    assert!(
        failures.is_empty(),
        "{} of {total} cases fail; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
