//! Property tests: random mixes of Arabic, Latin, digits, harakat, brackets, whitespace, control
//! characters and bidi controls, at random widths.

use proptest::prelude::*;
use qari::layout::{
    layout_paragraph, ArticleLayout, BidiMode, Direction, DisplayLine, LayoutOptions,
};

const BIDI_CONTROLS: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{61C}',
];

fn piece() -> impl Strategy<Value = String> {
    let arabic = proptest::sample::select(
        "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"
            .chars()
            .collect::<Vec<_>>(),
    );
    let latin = proptest::sample::select("abcXYZ".chars().collect::<Vec<_>>());
    let digit = proptest::sample::select("0123456789٠١٢٣".chars().collect::<Vec<_>>());
    let mark =
        proptest::sample::select(vec!['\u{64B}', '\u{64E}', '\u{650}', '\u{651}', '\u{652}']);
    let punct = proptest::sample::select("()[]{}<>«».,:;/-+%$!?\"".chars().collect::<Vec<_>>());
    let space = proptest::sample::select(vec![' ', ' ', ' ', '\t', '\n', '\u{A0}']);
    let control =
        proptest::sample::select(vec!['\x1b', '\x07', '\x00', '\x7f', '\u{85}', '\u{9b}']);
    let bidi = proptest::sample::select(BIDI_CONTROLS.to_vec());
    let wide = proptest::sample::select(vec!['中', '😀']);
    prop_oneof![
        8 => proptest::collection::vec(arabic, 1..8).prop_map(|v| v.into_iter().collect()),
        4 => proptest::collection::vec(latin, 1..8).prop_map(|v| v.into_iter().collect()),
        3 => proptest::collection::vec(digit, 1..5).prop_map(|v| v.into_iter().collect()),
        3 => mark.prop_map(String::from),
        3 => punct.prop_map(String::from),
        8 => space.prop_map(String::from),
        1 => control.prop_map(String::from),
        2 => bidi.prop_map(String::from),
        1 => wide.prop_map(String::from),
    ]
}

fn paragraph() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

/// What the layout should keep of a paragraph, computed independently: whitespace runs collapsed
/// and trimmed, controls replaced by their placeholder, bidi controls dropped.
fn expected(text: &str) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}') {
            pending_space = true;
            continue;
        }
        if BIDI_CONTROLS.contains(&c) {
            // Dropped, but it separates nothing: a pending space still comes before the next
            // kept character.
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        let c = match c as u32 {
            0..=0x1f => char::from_u32(0x2400 + c as u32).unwrap(),
            0x7f => '\u{2421}',
            0x80..=0x9f => '\u{FFFD}',
            _ => c,
        };
        out.push(c);
    }
    out
}

fn lay(text: &str, width: u16, mode: BidiMode, fallback: Direction) -> Vec<DisplayLine> {
    let o = LayoutOptions {
        width,
        mode,
        shape: false,
    };
    layout_paragraph(text, 7, 3, fallback, &o)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn lines_fit_and_cells_are_placed(text in paragraph(), width in 2u16..50, rtl_article: bool) {
        let fallback = if rtl_article { Direction::Rtl } else { Direction::Ltr };
        for mode in [BidiMode::App, BidiMode::Terminal, BidiMode::Off] {
            for line in lay(&text, width, mode, fallback) {
                prop_assert!(line.width <= width, "{line:?}");
                // A paragraph's line always draws something (blank rows are only separators).
                prop_assert!(!line.cells.is_empty(), "{line:?}");
                prop_assert!(line.indent + line.width <= width);
                let mut col = line.indent;
                for cell in &line.cells {
                    prop_assert_eq!(cell.col, col);
                    prop_assert!(cell.width == 1 || cell.width == 2);
                    col += u16::from(cell.width);
                    let t = line.cell_text(cell);
                    prop_assert!(!t.chars().any(|c| c.is_control() || BIDI_CONTROLS.contains(&c)), "{:?}", t);
                }
                prop_assert_eq!(col, line.indent + line.width);
                if mode == BidiMode::Off || !line.rtl {
                    prop_assert_eq!(line.indent, 0);
                }
            }
        }
    }

    #[test]
    fn logical_lines_give_back_the_paragraph(text in paragraph(), width in 2u16..50) {
        let lines = lay(&text, width, BidiMode::Off, Direction::Ltr);
        let mut joined = String::new();
        for l in &lines {
            joined.push_str(&l.text);
            if l.breaks_at_space {
                joined.push(' ');
            }
        }
        // A lone haraka is shown on a dotted circle; the generator never makes one itself.
        let joined = joined.replace('\u{25CC}', "");
        prop_assert_eq!(joined, expected(&text));
        // The lines tile the paragraph's bytes.
        if let (Some(first), Some(last)) = (lines.first(), lines.last()) {
            prop_assert_eq!(first.logical.start, 7);
            prop_assert_eq!(last.logical.end, 7 + text.len());
            for w in lines.windows(2) {
                prop_assert_eq!(w[0].logical.end, w[1].logical.start);
            }
        }
    }

    #[test]
    fn visual_lines_permute_the_logical_clusters(text in paragraph(), width in 2u16..50, rtl_article: bool) {
        let fallback = if rtl_article { Direction::Rtl } else { Direction::Ltr };
        let logical = lay(&text, width, BidiMode::Off, fallback);
        let visual = lay(&text, width, BidiMode::App, fallback);
        prop_assert_eq!(logical.len(), visual.len());
        for (l, v) in logical.iter().zip(&visual) {
            prop_assert_eq!(&l.logical, &v.logical);
            let mut lc: Vec<(std::ops::Range<usize>, String)> =
                l.cells.iter().map(|c| (c.logical.clone(), l.cell_text(c).to_string())).collect();
            let mut vc: Vec<(std::ops::Range<usize>, String)> =
                v.cells.iter().map(|c| (c.logical.clone(), v.cell_text(c).to_string())).collect();
            lc.sort_by_key(|c| c.0.start);
            vc.sort_by_key(|c| c.0.start);
            prop_assert_eq!(lc.len(), vc.len());
            for ((lr, lt), (vr, vt)) in lc.iter().zip(&vc) {
                prop_assert_eq!(lr, vr);
                // Same cluster, its first character possibly mirrored (L4).
                let mut a = lt.chars();
                let mut b = vt.chars();
                let (fa, fb) = (a.next().unwrap(), b.next().unwrap());
                prop_assert!(fa == fb || unicode_bidi_mirroring::get_mirrored(fa) == Some(fb));
                prop_assert_eq!(a.as_str(), b.as_str());
            }
        }
    }

    #[test]
    fn columns_cover_exactly_the_cells_of_a_range(text in paragraph(), width in 2u16..50, a in 0usize..400, len in 1usize..60) {
        for line in lay(&text, width, BidiMode::App, Direction::Ltr) {
            let bytes = 7 + a..7 + a + len;
            let cols = line.columns(bytes.clone());
            for cell in &line.cells {
                let hit = cell.logical.start < bytes.end && bytes.start < cell.logical.end;
                let painted = cols.iter().any(|r| r.start <= cell.col && cell.col < r.end);
                prop_assert_eq!(hit, painted);
            }
            for w in cols.windows(2) {
                prop_assert!(w[0].end < w[1].start);
            }
        }
    }

    #[test]
    fn shaping_never_panics_and_keeps_every_byte_and_the_alignment(text in paragraph(), width in 2u16..50) {
        let plain = lay(&text, width, BidiMode::App, Direction::Ltr);
        let o = LayoutOptions { width, mode: BidiMode::App, shape: true };
        let shaped = layout_paragraph(&text, 7, 3, Direction::Ltr, &o);
        // The same source bytes are drawn (a lam-alef ligature's cell covers both letters).
        let covered = |lines: &[qari::layout::DisplayLine]| {
            let mut r: Vec<std::ops::Range<usize>> =
                lines.iter().flat_map(|l| l.cells.iter().map(|c| c.logical.clone())).collect();
            r.sort_by_key(|c| c.start);
            r.into_iter().fold(Vec::<std::ops::Range<usize>>::new(), |mut acc, c| {
                match acc.last_mut() {
                    Some(last) if last.end == c.start => last.end = c.end,
                    _ => acc.push(c),
                }
                acc
            })
        };
        let p = covered(&plain);
        let s = covered(&shaped);
        prop_assert_eq!(p.first().map(|r| r.start), s.first().map(|r| r.start));
        prop_assert_eq!(p.last().map(|r| r.end), s.last().map(|r| r.end));
        // Ligatures only take columns away: never more lines than unshaped.
        prop_assert!(shaped.len() <= plain.len());
        for s in &shaped {
            // Cells are side by side from the indent, their widths make the line's width, and
            // an RTL line still ends at the right edge.
            let mut col = s.indent;
            for c in &s.cells {
                prop_assert_eq!(c.col, col);
                col += u16::from(c.width);
            }
            prop_assert_eq!(col, s.indent + s.width);
            prop_assert!(s.width <= width.max(2));
            if s.rtl {
                prop_assert_eq!(s.indent + s.width, width.max(2));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn lazy_rows_and_anchors_agree_with_the_full_layout(
        paras in proptest::collection::vec(paragraph(), 1..6),
        width in 2u16..40,
        step in 1usize..9,
    ) {
        let text = paras.join("\n\n");
        let layout = ArticleLayout::from_text(&text);
        let o = LayoutOptions { width, mode: BidiMode::App, shape: false };
        let all = layout.all_rows(&o);
        prop_assert_eq!(layout.row_count(&o), all.len());
        prop_assert_eq!(&layout.rows(&o, 0..all.len()), &all);
        // Walking one row at a time visits every row once, in order.
        let mut walked = Vec::new();
        let mut anchors = Vec::new();
        if let Some(mut a) = layout.start(&o) {
            loop {
                anchors.push(a);
                walked.extend(layout.rows_from(&o, a, 1));
                let next = layout.advance(&o, a, 1);
                if next == a {
                    break;
                }
                a = next;
            }
        }
        // Bigger steps land where single steps do (clamped at the ends), both ways, and a
        // screen from any anchor is the next rows of the full layout.
        for (i, &a) in anchors.iter().enumerate() {
            prop_assert_eq!(layout.row_of_anchor(&o, a), i);
            prop_assert_eq!(layout.anchor_of_row(&o, i), Some(a));
            let j = (i + step).min(anchors.len() - 1);
            prop_assert_eq!(layout.advance(&o, a, step as isize), anchors[j]);
            prop_assert_eq!(layout.advance(&o, a, -(step as isize)), anchors[i.saturating_sub(step)]);
            let end = (i + step).min(all.len());
            prop_assert_eq!(&layout.rows_from(&o, a, step), &all[i..end].to_vec());
        }
        prop_assert_eq!(&walked, &all);
        prop_assert_eq!(layout.anchor_of_row(&o, all.len()), None);
        // Every byte a cell shows leads back to that cell's row.
        for (i, row) in all.iter().enumerate() {
            for cell in &row.cells {
                prop_assert_eq!(layout.row_of_offset(&o, cell.logical.start), Some(i));
            }
        }
        // No two blank rows in a row, none first or last.
        for w in all.windows(2) {
            prop_assert!(!(w[0].is_blank() && w[1].is_blank()));
        }
        if let (Some(f), Some(l)) = (all.first(), all.last()) {
            prop_assert!(!f.is_blank() && !l.is_blank());
        }
    }
}
