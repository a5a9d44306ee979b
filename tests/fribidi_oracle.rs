//! Oracle check: every seed paragraph, laid out at widths 40/60/80/120, agrees line by line with
//! an independent UAX #9 implementation, GNU FriBidi (`fribidi` from the Debian package
//! `libfribidi-bin`).
//!
//! fribidi resolves each whole paragraph (`--levels`, per character). The test then applies the
//! per-line rules itself — L1 (trailing spaces of a line to the paragraph level) and L2 (reverse
//! runs, over the clusters qari drew) — and requires qari's cells in exactly that visual order,
//! each cell's direction matching fribidi's level. fribidi absent: fails when `CI` is set, skips
//! with a message otherwise.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use qari::layout::{ArticleLayout, BidiMode, Direction, LayoutOptions};

/// fribidi's base direction and levels for each line of `input` (one paragraph per line).
fn fribidi(input: &str, rtl_fallback: bool) -> Option<Vec<(bool, Vec<u8>)>> {
    let child = Command::new("fribidi")
        .args([
            if rtl_fallback { "--wrtl" } else { "--wltr" },
            "--novisual",
            "--levels",
            "--basedir",
            "--nobreak",
            "--charset",
            "UTF-8",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("fribidi not runnable ({e}): apt-get install libfribidi-bin");
            }
            eprintln!(
                "warning: skipping fribidi oracle check: {e} (apt-get install libfribidi-bin)"
            );
            return None;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "fribidi failed");
    let out = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    Some(
        lines
            .chunks(2)
            .map(|pair| {
                let rtl = pair[0].trim() == "Base direction: R";
                let levels = pair[1]
                    .split_whitespace()
                    .map(|l| l.parse().unwrap())
                    .collect();
                (rtl, levels)
            })
            .collect(),
    )
}

/// L2 by the book, independent of qari's: `order[visual] = logical`.
fn reverse_runs(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let max = levels.iter().copied().max().unwrap_or(0);
    let min_odd = levels.iter().copied().min().unwrap_or(0) | 1;
    for level in (min_odd..=max).rev() {
        let mut i = 0;
        while i < levels.len() {
            if levels[i] < level {
                i += 1;
                continue;
            }
            let s = i;
            while i < levels.len() && levels[i] >= level {
                i += 1;
            }
            order[s..i].reverse();
        }
    }
    order
}

#[test]
fn seed_lines_agree_with_fribidi() {
    let mut checked_lines = 0;
    for path in common::seeds() {
        let article = common::article(&path);
        let text = article.text();
        let layout = ArticleLayout::from_article(&article);
        let mut paras = vec![article.title.clone()];
        paras.extend(article.paragraphs.iter().cloned());
        let input = paras.join("\n") + "\n";
        let rtl_article = layout.direction() == Direction::Rtl;
        let Some(oracle) = fribidi(&input, rtl_article) else {
            return;
        };
        assert_eq!(oracle.len(), paras.len(), "{path:?}");
        for width in [40u16, 60, 80, 120] {
            let opts = LayoutOptions {
                width,
                mode: BidiMode::App,
                shape: false,
            };
            for (pi, (base_rtl, levels)) in oracle.iter().enumerate() {
                let lines = layout.paragraph_lines(pi, &opts);
                let para_off = lines.first().map_or(0, |l| l.logical.start);
                let para_text = &paras[pi];
                // Byte offset (in article text) of each char of the paragraph.
                let char_offs: Vec<usize> = para_text
                    .char_indices()
                    .map(|(i, _)| para_off + i)
                    .collect();
                assert_eq!(char_offs.len(), levels.len(), "{path:?} para {pi}");
                let level_at = |byte: usize| levels[char_offs.binary_search(&byte).unwrap()];
                let para_level = u8::from(*base_rtl);
                for line in &lines {
                    assert_eq!(line.rtl, *base_rtl, "{path:?} para {pi}: base direction");
                    // The line's clusters in logical order, as (logical range, level after L1).
                    let mut clusters: Vec<(std::ops::Range<usize>, u8)> = line
                        .cells
                        .iter()
                        .map(|c| (c.logical.clone(), level_at(c.logical.start)))
                        .collect();
                    clusters.sort_by_key(|c| c.0.start);
                    // L1: trailing spaces of the line go to the paragraph level.
                    for c in clusters.iter_mut().rev() {
                        if &text[c.0.clone()] == " " {
                            c.1 = para_level;
                        } else {
                            break;
                        }
                    }
                    let lv: Vec<u8> = clusters.iter().map(|c| c.1).collect();
                    let want: Vec<std::ops::Range<usize>> = reverse_runs(&lv)
                        .into_iter()
                        .map(|k| clusters[k].0.clone())
                        .collect();
                    let got: Vec<std::ops::Range<usize>> =
                        line.cells.iter().map(|c| c.logical.clone()).collect();
                    assert_eq!(
                        got, want,
                        "{path:?} width {width} para {pi}: visual order differs from fribidi on line {:?}",
                        line.text
                    );
                    for (c, (_, l)) in line.cells.iter().zip(
                        want.iter()
                            .map(|r| clusters.iter().find(|c| c.0 == *r).unwrap()),
                    ) {
                        assert_eq!(
                            c.rtl,
                            l % 2 == 1,
                            "{path:?} para {pi}: direction of {:?}",
                            line.cell_text(c)
                        );
                    }
                    // Right-aligned when RTL.
                    if line.rtl {
                        assert_eq!(line.indent + line.width, width);
                    }
                    checked_lines += 1;
                }
            }
        }
    }
    println!("{checked_lines} lines agree with fribidi");
}

/// fribidi's visual output with its U+FEFF fillers (where the lam of a lam-alef ligature was)
/// dropped: qari draws the same ligature and leaves the lam's place empty.
fn without_fill(s: &str) -> String {
    s.chars().filter(|&c| c != '\u{FEFF}').collect()
}

#[test]
fn shaped_seed_paragraphs_agree_with_fribidi() {
    let mut checked = 0;
    for path in common::seeds() {
        let article = common::article(&path);
        let layout = ArticleLayout::from_article(&article);
        let mut paras = vec![article.title.clone()];
        paras.extend(article.paragraphs.iter().cloned());
        let rtl_fallback = layout.direction() == Direction::Rtl;
        let child = Command::new("fribidi")
            .args([
                if rtl_fallback { "--wrtl" } else { "--wltr" },
                "--nopad",
                "--nobreak",
                "--charset",
                "UTF-8",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            if std::env::var_os("CI").is_some() {
                panic!("fribidi not runnable: apt-get install libfribidi-bin");
            }
            eprintln!("warning: skipping fribidi shaping check (apt-get install libfribidi-bin)");
            return;
        };
        let input = paras.join("\n") + "\n";
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
        let opts = LayoutOptions {
            width: u16::MAX,
            mode: BidiMode::App,
            shape: true,
        };
        for (pi, want) in out.lines().enumerate() {
            let lines = layout.paragraph_lines(pi, &opts);
            assert_eq!(lines.len(), 1);
            assert_eq!(
                lines[0].text,
                without_fill(want).trim(),
                "{path:?} paragraph {pi}"
            );
            // One cell per glyph fribidi draws, so the line's width is the glyphs' count.
            let glyphs = without_fill(want)
                .trim()
                .chars()
                .filter(|&c| unicode_width::UnicodeWidthChar::width(c) != Some(0))
                .count();
            assert_eq!(
                usize::from(lines[0].width),
                glyphs,
                "{path:?} paragraph {pi}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
    println!("{checked} shaped paragraphs agree with fribidi");
}

#[test]
fn ligatures_agree_with_fribidi_and_keep_lines_right_aligned() {
    let words = [
        "لا",
        "سلام",
        "الاسم",
        "بلا",
        "لأن",
        "بلإ",
        "لآ",
        "فلا",
        "لَا",
        "لاً",
        "لـا",
        "الإسلام",
        "قال لا إله إلا الله",
    ];
    let input = words.join("\n") + "\n";
    let Ok(mut child) = Command::new("fribidi")
        .args(["--rtl", "--nopad", "--nobreak", "--charset", "UTF-8"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        assert!(std::env::var_os("CI").is_none(), "fribidi not runnable");
        eprintln!("warning: skipping fribidi ligature check (apt-get install libfribidi-bin)");
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    for (word, want) in words.iter().zip(out.lines()) {
        for width in [3u16, 8, 40] {
            let opts = LayoutOptions {
                width,
                mode: BidiMode::App,
                shape: true,
            };
            let lines = qari::layout::layout_paragraph(word, 0, 0, Direction::Rtl, &opts);
            if width == 40 {
                assert_eq!(lines.len(), 1);
                assert_eq!(lines[0].text, without_fill(want), "{word}");
            }
            for l in &lines {
                // Right-aligned by the drawn width: a ligature counts one column.
                let drawn: u16 = l.cells.iter().map(|c| u16::from(c.width)).sum();
                assert_eq!(l.width, drawn, "{word} at {width}");
                assert_eq!(l.indent + l.width, width, "{word} at {width}");
            }
        }
    }
}
