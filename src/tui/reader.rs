//! Display lines for the reader, the list titles, the sidebar and the snippets.
//!
//! Everything that puts article text on screen goes through [`reader_line`] (the reader pane's
//! rows, from its [`crate::layout::ArticleLayout`]), [`layout_paragraph`] and [`one_line`]
//! (list titles, names, snippets), which return [`ReaderLine`]s: cells in **visual** order, one
//! grapheme each, with the logical byte range each cell came from. Highlights (search hits,
//! entity mentions) are drawn by intersecting those byte ranges, so they land on the right cells
//! whatever the visual order is.
//!
//! The lines come from the bidi layout engine ([`crate::layout`]): UAX #9 on whole paragraphs,
//! wrapped in logical order, reordered per line on grapheme clusters; this module only turns its
//! cells into what the views paint.

use std::borrow::Cow;
use std::ops::Range;

use crate::layout::{self, terminal_safe, BidiMode, Direction, LayoutOptions};

/// One screen cell: a grapheme (already sanitised), its width, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// What to draw (one grapheme; control characters replaced by visible placeholders).
    pub sym: String,
    /// Columns it takes (0, 1 or 2).
    pub width: u8,
    /// Logical byte range in the source text.
    pub range: Range<usize>,
}

/// One display line: cells in visual order and the left padding that right-aligns RTL lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReaderLine {
    /// Cells, left to right as drawn.
    pub cells: Vec<Cell>,
    /// Blank columns before the first cell.
    pub indent: u16,
    /// Index of the paragraph (in the `\n\n`-separated text) this line belongs to.
    pub para: usize,
    /// True when the paragraph's base direction is right-to-left.
    pub rtl: bool,
}

impl ReaderLine {
    /// Width of the cells (sum of per-grapheme widths, never `Line::width`).
    pub fn width(&self) -> usize {
        self.cells.iter().map(|c| c.width as usize).sum()
    }

    /// Smallest logical byte offset on the line (for reading positions).
    pub fn start(&self) -> Option<usize> {
        self.cells.iter().map(|c| c.range.start).min()
    }

    /// True when some cell overlaps the logical byte range `r`.
    pub fn touches(&self, r: &Range<usize>) -> bool {
        self.cells
            .iter()
            .any(|c| c.range.start < r.end && r.start < c.range.end)
    }
}

/// How text is laid out: from the bidi mode and shaping options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LayoutOpts {
    /// Who reorders: qari (`app`, cells in visual order), the terminal (`terminal`, logical order,
    /// right-to-left lines right-aligned), or nobody (`off`).
    pub mode: BidiMode,
    /// Shape Arabic into presentation forms (terminals that do not shape).
    pub shape: bool,
}

impl LayoutOpts {
    /// True when cells come in visual order (qari reorders).
    pub fn visual(&self) -> bool {
        self.mode == BidiMode::App
    }
}

/// Lays out one paragraph (`text[range]`, a whole paragraph) into display lines of at most
/// `width` columns with the bidi layout engine ([`crate::layout`]); cell ranges are byte offsets
/// into `text`. A paragraph without a strong letter takes the direction `fallback`.
fn layout_paragraph_in(
    text: &str,
    range: Range<usize>,
    width: u16,
    para: usize,
    fallback: Direction,
    opts: LayoutOpts,
) -> Vec<ReaderLine> {
    let options = LayoutOptions {
        width: width.max(1),
        mode: opts.mode,
        shape: opts.shape,
    };
    layout::layout_paragraph(&text[range.clone()], range.start, para, fallback, &options)
        .iter()
        .map(reader_line)
        .collect()
}

/// A display line of the layout engine as the views paint it: each cell's text made safe for
/// the terminal.
pub fn reader_line(line: &layout::DisplayLine) -> ReaderLine {
    ReaderLine {
        cells: line
            .cells
            .iter()
            .map(|c| Cell {
                sym: terminal_safe(line.cell_text(c), false).into_owned(),
                width: c.width,
                range: c.logical.clone(),
            })
            .collect(),
        indent: line.indent,
        para: line.para,
        rtl: line.rtl,
    }
}

/// [`layout_paragraph_in`] for a paragraph on its own (a title, a name, a snippet).
pub fn layout_paragraph(
    text: &str,
    range: Range<usize>,
    width: u16,
    para: usize,
    opts: LayoutOpts,
) -> Vec<ReaderLine> {
    let fallback = layout::article_direction([&text[range.clone()]]);
    layout_paragraph_in(text, range, width, para, fallback, opts)
}

/// One line of at most `width` columns for a title, name or snippet: the first display line of
/// `text`, with an ellipsis where it was cut (its logical end: the left of a visual RTL line).
///
/// Lines are kept between frames ([`LINES`]): the list, the search hits and the sidebar draw the
/// same few dozen titles, sources and names on every key, and laying them out again was most of
/// a frame's CPU (perf of `j` in the reader at 100k: layout ~60% of the UI thread's samples).
pub fn one_line(text: &str, width: u16, opts: LayoutOpts) -> ReaderLine {
    LINES.with_borrow_mut(|c| c.get(text, width, opts))
}

/// How many laid-out lines [`LINES`] keeps before it starts afresh: a screen shows fewer than
/// 200 (titles, sources, names, snippets), so a key never lays out what the last frame drew.
const LINE_CACHE_SIZE: usize = 1024;

thread_local! {
    /// The laid-out lines of [`one_line`], per thread (the UI draws on one).
    static LINES: std::cell::RefCell<LineCache> = std::cell::RefCell::default();
}

/// One entry of [`LineCache`]: the text, the width and options it was laid out for, the line.
type CachedLine = (Box<str>, u16, LayoutOpts, ReaderLine);

/// Laid-out one-line texts by (text, width, options): the text compared in full, so a hit is
/// always the line [`one_line_uncached`] would give.
#[derive(Default)]
struct LineCache {
    /// Entries by the text's hash.
    map: rustc_hash::FxHashMap<u64, Vec<CachedLine>>,
    len: usize,
}

impl LineCache {
    fn get(&mut self, text: &str, width: u16, opts: LayoutOpts) -> ReaderLine {
        let h = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        if let Some(v) = self.map.get(&h) {
            if let Some(e) = v
                .iter()
                .find(|e| e.1 == width && e.2 == opts && &*e.0 == text)
            {
                return e.3.clone();
            }
        }
        let line = one_line_uncached(text, width, opts);
        if self.len >= LINE_CACHE_SIZE {
            self.map.clear();
            self.len = 0;
        }
        self.map
            .entry(h)
            .or_default()
            .push((text.into(), width, opts, line.clone()));
        self.len += 1;
        line
    }
}

/// [`one_line`] laid out afresh.
fn one_line_uncached(text: &str, width: u16, opts: LayoutOpts) -> ReaderLine {
    if width == 0 {
        return ReaderLine::default();
    }
    let flat: Cow<str> = if text.contains('\n') {
        Cow::Owned(text.replace('\n', " "))
    } else {
        Cow::Borrowed(text)
    };
    let all = layout_paragraph(&flat, 0..flat.len(), width, 0, opts);
    let cut = all.len() > 1;
    let mut line = if cut && width > 1 {
        // Leave a column for the ellipsis, still breaking at a space.
        layout_paragraph(&flat, 0..flat.len(), width - 1, 0, opts)
            .into_iter()
            .next()
            .unwrap_or_default()
    } else {
        all.into_iter().next().unwrap_or_default()
    };
    line.indent = 0;
    if cut {
        let ell = Cell {
            sym: "…".into(),
            width: 1,
            range: 0..0,
        };
        let left = line.rtl && opts.visual();
        while line.width() + 1 > width as usize && !line.cells.is_empty() {
            if left {
                line.cells.remove(0);
            } else {
                line.cells.pop();
            }
        }
        if left {
            line.cells.insert(0, ell);
        } else {
            line.cells.push(ell);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_placeholders() {
        let l = layout_paragraph("x\x1by\u{9b}z\x7f", 0..7, 10, 0, LayoutOpts::default());
        let drawn: String = l[0].cells.iter().map(|c| c.sym.as_str()).collect();
        assert_eq!(drawn, "x␛y\u{FFFD}z␡");
    }

    #[test]
    fn rtl_lines_are_right_aligned_and_fit() {
        let text = "ولد عام 2020 في مدينة القاهرة وعاش فيها طويلا";
        let lines = layout_paragraph(text, 0..text.len(), 20, 0, LayoutOpts::default());
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(l.rtl);
            assert!(l.width() <= 20);
            assert_eq!(l.indent as usize + l.width(), 20);
        }
        // Every byte of the text is covered by some cell except the wrap spaces.
        let covered: usize = lines
            .iter()
            .flat_map(|l| &l.cells)
            .map(|c| c.range.len())
            .sum();
        assert!(covered >= text.len() - lines.len());
    }

    #[test]
    fn widths_are_summed_per_grapheme() {
        // لا is two graphemes, two columns, though unicode-width gives the string 1.
        let l = one_line("لا", 10, LayoutOpts::default());
        assert_eq!(l.width(), 2);
    }

    #[test]
    fn punctuation_stays_with_its_word() {
        let lines = layout_paragraph("ab cd.", 0..6, 5, 0, LayoutOpts::default());
        let syms: Vec<String> = lines
            .iter()
            .map(|l| l.cells.iter().map(|c| c.sym.as_str()).collect())
            .collect();
        assert_eq!(syms, vec!["ab", "cd."]);
    }

    proptest::proptest! {
        /// A cached line is the line laid out afresh, whatever came before it (repeats, other
        /// widths, the cache starting afresh when full).
        #[test]
        fn cached_lines_are_the_lines_laid_out_afresh(
            texts in proptest::collection::vec(
                "[a-z ا-ي0-9\u{200f}\u{202b}\u{1b}.،-]{0,60}", 1..12),
            widths in proptest::collection::vec(0u16..50, 1..6),
            shape in proptest::bool::ANY,
        ) {
            let mut cache = LineCache::default();
            for round in 0..3 {
                for t in &texts {
                    for &w in &widths {
                        let opts = LayoutOpts { mode: BidiMode::App, shape: shape ^ (round == 2) };
                        proptest::prop_assert_eq!(cache.get(t, w, opts), one_line_uncached(t, w, opts));
                    }
                }
                if round == 1 {
                    cache.len = LINE_CACHE_SIZE; // the next miss starts afresh
                }
            }
        }
    }

    #[test]
    fn one_line_truncates_with_ellipsis() {
        let l = one_line("hello wonderful world", 10, LayoutOpts::default());
        assert!(l.width() <= 10);
        assert_eq!(l.cells.last().unwrap().sym, "…");
    }
}
