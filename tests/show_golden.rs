//! Golden tests: `qari show --visual` on every seed at widths 40 and 80, as snapshots (reviewed by
//! eye: Arabic read right to left from the right edge, first words on the top line, numbers and
//! Latin names in their own order, brackets facing the right way).

mod common;

use qari::cli::show::{show, Order, ShowOptions};
use qari::layout::BidiMode;
use unicode_width::UnicodeWidthChar;

fn render(order: Order, width: u16, path: &std::path::Path) -> String {
    let article = common::article(path);
    let opts = ShowOptions {
        width,
        order,
        shape: false,
        bidi: BidiMode::App,
        color: false,
    };
    let mut out = Vec::new();
    show(&article, &opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn seeds_visual_golden() {
    for path in common::seeds() {
        let id = path.file_stem().unwrap().to_str().unwrap().to_string();
        for width in [40u16, 80] {
            let out = render(Order::Visual, width, &path);
            for line in out.lines() {
                // Columns by per-character widths (harakat take none).
                let cols: usize = line.chars().map(|c| c.width().unwrap_or(0)).sum();
                assert!(cols <= width as usize, "{id}: {line:?}");
            }
            insta::assert_snapshot!(format!("{id}_visual_w{width}"), out);
        }
    }
}

#[test]
fn logical_has_the_same_line_breaks_unpadded() {
    for path in common::seeds() {
        for width in [40u16, 80] {
            let vis = render(Order::Visual, width, &path);
            let log = render(Order::Logical, width, &path);
            assert_eq!(vis.lines().count(), log.lines().count());
            for (v, l) in vis.lines().zip(log.lines()) {
                assert!(!l.starts_with(' '), "{l:?}");
                // Same clusters on the same row: same number of non-space characters.
                let count = |s: &str| s.chars().filter(|c| *c != ' ').count();
                assert_eq!(count(v), count(l), "{v:?} vs {l:?}");
            }
        }
    }
}

#[test]
fn output_is_title_blank_paragraphs_and_nothing_else() {
    // Built by hand: the loader would take this short Latin line for navigation, not a title.
    let article = qari::corpus::Article {
        id: "x".into(),
        title: "Title here".into(),
        paragraphs: vec!["فقرة أولى".into(), "Second paragraph".into()],
        date: None,
        source: None,
        path: "x.txt".into(),
        truncated: false,
        marks: Vec::new(),
        url: None,
    };
    let mut out = Vec::new();
    let opts = ShowOptions {
        width: 20,
        order: Order::Logical,
        shape: false,
        bidi: BidiMode::App,
        color: false,
    };
    show(&article, &opts, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Title here\n\nفقرة أولى\n\nSecond paragraph\n"
    );
    let mut out = Vec::new();
    show(
        &article,
        &ShowOptions {
            order: Order::Visual,
            ..opts
        },
        &mut out,
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Title here\n\n           ىلوأ ةرقف\n\nSecond paragraph\n"
    );
}

#[test]
fn defaults_depend_on_the_terminal() {
    let tty = ShowOptions::defaults(true, Some(132));
    assert_eq!((tty.width, tty.order), (132, Order::Visual));
    let pipe = ShowOptions::defaults(false, Some(132));
    assert_eq!((pipe.width, pipe.order), (80, Order::Logical));
}
