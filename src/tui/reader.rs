//! Display lines for the reader, the list titles, the sidebar and the snippets.
//!
//! Everything that puts article text on screen goes through [`layout_text`] / [`one_line`], which
//! return [`ReaderLine`]s: cells in **visual** order, one grapheme each, with the logical byte
//! range each cell came from. Highlights (search hits, entity mentions) are drawn by intersecting
//! those byte ranges, so they land on the right cells whatever the visual order is.
//!
//! **Swap point:** [`layout_paragraph`] is the one function to replace with `qari::layout` (its
//! lines already carry cells, widths, logical ranges and an indent). The fallback here keeps
//! logical order (what a terminal in implicit bidi mode expects) and only right-aligns RTL
//! paragraphs; it deliberately does no reordering of its own.

use std::borrow::Cow;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

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

/// Replaces characters that a terminal would act on (C0 controls, ESC, DEL, C1 controls) by
/// visible placeholders, so article text never reaches the terminal as raw control bytes.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(placeholder).collect())
}

fn is_control(c: char) -> bool {
    let u = c as u32;
    u < 0x20 || (0x7f..=0x9f).contains(&u)
}

fn placeholder(c: char) -> char {
    let u = c as u32;
    if u < 0x20 {
        // U+2400 CONTROL PICTURES: ␀ … ␟ (ESC is ␛).
        char::from_u32(0x2400 + u).unwrap_or('\u{FFFD}')
    } else if u == 0x7f {
        '\u{2421}' // ␡
    } else if (0x80..=0x9f).contains(&u) {
        '\u{FFFD}'
    } else {
        c
    }
}

/// Makes a cell from one grapheme at `start` (sanitised; width by the grapheme alone).
fn cell(g: &str, start: usize) -> Cell {
    let sym = sanitize(g).into_owned();
    let width = UnicodeWidthStr::width(sym.as_str()).min(2) as u8;
    Cell {
        sym,
        width,
        range: start..start + g.len(),
    }
}

/// True when the paragraph's base direction is right-to-left (rules P2/P3 via unicode-bidi).
fn is_rtl(text: &str) -> bool {
    matches!(
        unicode_bidi::get_base_direction(text),
        unicode_bidi::Direction::Rtl
    )
}

/// How text is laid out: from the bidi mode and shaping options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LayoutOpts {
    /// Cells in visual order (bidi mode `app`); otherwise logical order for a terminal that
    /// reorders itself (`terminal`) or no bidi at all (`off`).
    pub visual: bool,
    /// Shape Arabic into presentation forms (terminals that do not shape).
    pub shape: bool,
}

/// **The adapter point for `qari::layout`.** Lays out one paragraph (`text[range]`, a whole
/// paragraph) into display lines of at most `width` columns. Cell ranges are offsets into `text`.
///
/// Fallback: wrap at spaces in logical order, measuring by per-grapheme widths; break words
/// longer than the line; right-align RTL paragraphs through `indent`. It ignores `opts` (no
/// reordering, no shaping): the layout engine honours `opts.visual` and `opts.shape`.
pub fn layout_paragraph(
    text: &str,
    range: Range<usize>,
    width: u16,
    para: usize,
    opts: LayoutOpts,
) -> Vec<ReaderLine> {
    // The fallback has no use for the options (see above).
    let _ = opts;
    let width = width.max(1) as usize;
    let p = &text[range.clone()];
    let rtl = is_rtl(p);
    let mut lines: Vec<Vec<Cell>> = Vec::new();
    let mut cur: Vec<Cell> = Vec::new();
    let mut cur_w = 0usize;
    // Runs of non-space graphemes (words, with their punctuation) and runs of spaces: lines
    // break only at spaces, so punctuation stays with its word.
    for (wstart, word) in runs(p) {
        let cells: Vec<Cell> = word
            .grapheme_indices(true)
            .map(|(i, g)| cell(g, range.start + wstart + i))
            .collect();
        let ww: usize = cells.iter().map(|c| c.width as usize).sum();
        let is_space = word.chars().all(char::is_whitespace);
        if is_space {
            // Spaces never start a line.
            if cur.is_empty() {
                continue;
            }
            for c in cells {
                if cur_w + c.width as usize <= width {
                    cur_w += c.width as usize;
                    cur.push(c);
                }
            }
            continue;
        }
        if cur_w + ww > width && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            cur_w = 0;
        }
        for c in cells {
            if cur_w + c.width as usize > width && !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                cur_w = 0;
            }
            cur_w += c.width as usize;
            cur.push(c);
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
        .into_iter()
        .map(|mut cells| {
            // Trailing spaces do not count for alignment.
            while cells.last().is_some_and(|c| c.sym.trim().is_empty()) {
                cells.pop();
            }
            let w: usize = cells.iter().map(|c| c.width as usize).sum();
            let indent = if rtl {
                width.saturating_sub(w) as u16
            } else {
                0
            };
            ReaderLine {
                cells,
                indent,
                para,
                rtl,
            }
        })
        .collect()
}

/// Splits `s` into alternating runs of whitespace and non-whitespace, with byte offsets.
fn runs(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let rest = &s[pos..];
        let first = rest.chars().next()?;
        let ws = first.is_whitespace();
        let len = rest
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() != ws)
            .map_or(rest.len(), |(i, _)| i);
        let start = pos;
        pos += len;
        Some((start, &s[start..pos]))
    })
}

/// Byte ranges of the `\n\n`-separated paragraphs of `text` (the article text layout).
pub fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices("\n\n") {
        out.push(start..i);
        start = i + 2;
    }
    out.push(start..text.len());
    out
}

/// Lays out a whole article text (paragraphs separated by `\n\n`) for `width` columns.
pub fn layout_text(text: &str, width: u16, opts: LayoutOpts) -> Vec<ReaderLine> {
    paragraphs(text)
        .into_iter()
        .enumerate()
        .flat_map(|(i, r)| layout_paragraph(text, r, width, i, opts))
        .collect()
}

/// True when [`layout_paragraph`] can return cells in visual order (the real layout engine);
/// the fallback keeps logical order. Decides which end of a cut RTL line gets the ellipsis.
pub const LAYOUT_REORDERS: bool = false;

/// One line of at most `width` columns for a title, name or snippet: the first display line of
/// `text`, with an ellipsis where it was cut (its logical end: the left of a visual RTL line).
pub fn one_line(text: &str, width: u16, opts: LayoutOpts) -> ReaderLine {
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
        let left = line.rtl && opts.visual && LAYOUT_REORDERS;
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
        assert_eq!(sanitize("a\x1b[2Jb\x07\u{9b}\x7f"), "a␛[2Jb␇\u{FFFD}␡");
        let l = layout_text("x\x1by", 10, LayoutOpts::default());
        assert!(l[0].cells.iter().all(|c| !c.sym.chars().any(is_control)));
    }

    #[test]
    fn rtl_lines_are_right_aligned_and_fit() {
        let text = "ولد عام 2020 في مدينة القاهرة وعاش فيها طويلا";
        let lines = layout_text(text, 20, LayoutOpts::default());
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
        let lines = layout_text("ab cd.", 5, LayoutOpts::default());
        let syms: Vec<String> = lines
            .iter()
            .map(|l| l.cells.iter().map(|c| c.sym.as_str()).collect())
            .collect();
        assert_eq!(syms, vec!["ab", "cd."]);
    }

    #[test]
    fn one_line_truncates_with_ellipsis() {
        let l = one_line("hello wonderful world", 10, LayoutOpts::default());
        assert!(l.width() <= 10);
        assert_eq!(l.cells.last().unwrap().sym, "…");
    }
}
