//! Bidi-correct layout: paragraphs of text → display lines for a cell grid of a given width.
//!
//! This module knows nothing of terminals; it turns text into [`DisplayLine`]s that a front end
//! (the TUI's reader pane, `qari show`) paints cell by cell. The pipeline, per UAX #9:
//!
//! 1. **Sanitise** where text enters: C0/C1 controls, ESC and DEL become visible placeholders
//!    (`␛`, `␡`, U+FFFD), tabs and newlines become spaces, whitespace runs collapse.
//! 2. **Resolve levels on the whole paragraph** (`unicode_bidi::ParagraphBidiInfo`); the base
//!    direction comes from the paragraph's first strong letter (P2/P3), or from the article's
//!    direction when it has none ([`article_direction`]).
//! 3. Optionally **shape** Arabic to presentation forms, in logical order, one letter per cell.
//! 4. **Wrap in logical order** at spaces, measuring the sum of per-grapheme widths (never a
//!    whole-string width, which counts لا as one column); an over-long word breaks between
//!    grapheme clusters.
//! 5. **Per line**: L1 (trailing whitespace to the paragraph level), L2 (reverse runs) over
//!    grapheme clusters so harakat stay on their letter, L4 (mirror brackets at odd levels), then
//!    right-align RTL paragraphs.
//!
//! Every cell keeps the source byte range it shows, so a search hit, an entity mention or a
//! selection (byte ranges into `Article::text()`) maps to screen columns with
//! [`DisplayLine::columns`]. For long articles, [`ArticleLayout`] lays paragraphs out on demand
//! and caches by width, so a reader pane only pays for the lines it shows.
//!
//! # For the reader pane
//!
//! - Keep one [`ArticleLayout`] per open article and the scroll position as a [`RowAnchor`]:
//!   `rows_from(opts, top, height)` gives the rows to draw, `advance(opts, top, ±n)` scrolls,
//!   `anchor_of_offset(opts, hit.start)` brings a search hit or mention into view. Absolute rows
//!   (`row_count`, `rows`) wrap every paragraph once per width: fine for a scrollbar, not needed
//!   to draw.
//! - Draw a row by putting each cell's text ([`DisplayLine::cell_text`]) at `x + cell.col`; a
//!   cell of width 2 covers the next column too. Never measure a line with `Line::width`.
//! - Highlight a byte range (search hit, entity mention, selection — offsets into
//!   `Article::text()`) by styling the column spans `line.columns(range)` returns; there can be
//!   several on one line when the range crosses a change of direction.
//! - In [`BidiMode::App`], write [`escapes::enter`] after entering the alternate screen and
//!   [`escapes::exit`] before leaving it (inside tmux, wrap them with
//!   [`escapes::tmux_passthrough`]).
//!
//! ```
//! use qari::layout::{ArticleLayout, LayoutOptions};
//!
//! let text = "عنوان\n\nولد عام 2020 في مدينة (القاهرة).";
//! let layout = ArticleLayout::from_text(text);
//! let opts = LayoutOptions { width: 40, ..LayoutOptions::default() };
//! let top = layout.start(&opts).unwrap();
//! let rows = layout.rows_from(&opts, top, 10);
//! assert_eq!(rows[2].text, ".(ةرهاقلا) ةنيدم يف 2020 ماع دلو");
//! assert_eq!(rows[2].indent, 40 - rows[2].width); // right-aligned
//! let hit = text.find("القاهرة").unwrap();
//! let spans = rows[2].columns(hit..hit + "القاهرة".len());
//! assert_eq!(spans, [rows[2].indent + 2..rows[2].indent + 9]);
//! ```

mod article;
pub mod escapes;
mod graphemes;
mod paragraph;
mod sanitize;
mod shape;
mod shape_table;
mod uba;

use std::ops::Range;

pub use article::{ArticleLayout, RowAnchor};
pub use sanitize::{json_safe, terminal_safe};
pub use uba::{char_levels, char_visual_order, CharLevels};

/// A base direction: of a paragraph, or of a whole article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Left to right.
    #[default]
    Ltr,
    /// Right to left.
    Rtl,
}

/// Who puts right-to-left text in display order. Also the `--bidi` flag's values (clap derives
/// the parser, the help and the shell completions from the variants) and the config's `bidi =`
/// (strum: `app`, `terminal`, `off`, any case).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    clap::ValueEnum,
    strum::EnumString,
    strum::Display,
    serde::Serialize,
    serde::Deserialize,
)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
#[serde(rename_all = "lowercase")]
pub enum BidiMode {
    /// qari reorders (UAX #9 per line) and right-aligns RTL paragraphs; the terminal is asked for
    /// explicit mode ([`escapes::enter`]) so it does not reorder a second time. Right for VTE
    /// (GNOME Terminal), xterm, Alacritty, kitty with `force_ltr`, WezTerm, tmux.
    #[default]
    App,
    /// Cells stay in logical order and the terminal reorders each line itself (Konsole, mlterm,
    /// Apple Terminal, which cannot be told to stop). RTL paragraphs are still right-aligned by
    /// padding, which is where such terminals show an RTL line whose padding precedes it.
    Terminal,
    /// Plain logical order, left-aligned, no help to anyone: for debugging and for piping.
    Off,
}

/// How to lay text out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LayoutOptions {
    /// Columns available. Values below 2 are treated as 2, so a wide grapheme always fits.
    pub width: u16,
    /// Who reorders; see [`BidiMode`].
    pub mode: BidiMode,
    /// Shape Arabic letters to presentation forms (for terminals that do not join letters, such
    /// as Alacritty and xterm). Off by default: VTE, Konsole, mlterm and kitty shape themselves.
    pub shape: bool,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            width: 80,
            mode: BidiMode::App,
            shape: false,
        }
    }
}

/// One cell of a display line: one grapheme cluster (a letter with its harakat, a digit, a
/// bracket...), occupying `width` columns from `col`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Where the cluster's text is in [`DisplayLine::text`] (already mirrored and shaped).
    pub text: Range<usize>,
    /// Columns it takes: 1, or 2 for wide (CJK, emoji) clusters. Never 0: a lone combining mark
    /// is shown on a dotted circle (U+25CC).
    pub width: u8,
    /// Screen column of its left edge, counted from the pane's left edge (indent included).
    pub col: u16,
    /// Byte range of the source text it shows (into `Article::text()` for an article). A space
    /// that stands for a collapsed whitespace run covers the whole run.
    pub logical: Range<usize>,
    /// True when the cluster was resolved right-to-left (odd embedding level).
    pub rtl: bool,
}

/// One row of the reader pane.
///
/// In [`BidiMode::App`] the cells are in display order, left to right. A row without cells is the
/// blank line between two paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayLine {
    /// Index of the paragraph this line belongs to (0 is an article's title). A blank separator
    /// row belongs to the paragraph that follows it.
    pub para: usize,
    /// True when the paragraph's base direction is right-to-left.
    pub rtl: bool,
    /// Source byte range this line stands for. The lines of a paragraph tile it without gaps
    /// (including the break space hidden at the end of a wrapped line); a separator row covers
    /// the bytes between two paragraphs.
    pub logical: Range<usize>,
    /// Blank columns before the first cell: right-aligns RTL lines (`width - self.width`).
    pub indent: u16,
    /// Columns covered by the cells (sum of their widths, indent excluded).
    pub width: u16,
    /// The cells' text concatenated in display order, safe to write to a terminal (no control
    /// characters, no bidi controls).
    pub text: String,
    /// The cells in display order.
    pub cells: Vec<Cell>,
    /// True when the line was wrapped at a space, which is then not drawn (it is still inside
    /// `logical`). Copying a selection across this line break should put a space back.
    pub breaks_at_space: bool,
}

impl DisplayLine {
    /// The text of one of this line's cells.
    pub fn cell_text(&self, cell: &Cell) -> &str {
        self.text.get(cell.text.clone()).unwrap_or("")
    }

    /// The screen column spans, left to right and merged where adjacent, of the cells showing any
    /// of the source bytes `bytes`. This is how the TUI paints a search hit, an entity mention or
    /// a selection: a logical range can cover several visual spans when it crosses a direction
    /// change (`Reuters` inside Arabic). Empty when the line shows none of those bytes.
    pub fn columns(&self, bytes: Range<usize>) -> Vec<Range<u16>> {
        let mut spans: Vec<Range<u16>> = Vec::new();
        if bytes.start >= bytes.end {
            return spans;
        }
        for cell in &self.cells {
            if !uba_overlaps(&cell.logical, &bytes) {
                continue;
            }
            let r = cell.col..cell.col.saturating_add(u16::from(cell.width));
            match spans.last_mut() {
                Some(last) if last.end == r.start => last.end = r.end,
                _ => spans.push(r),
            }
        }
        spans
    }

    /// The cell at screen column `col` (for mouse clicks), if any.
    pub fn cell_at(&self, col: u16) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.col <= col && col < c.col.saturating_add(u16::from(c.width)))
    }

    /// The line as it should appear on screen from column 0: `indent` spaces, then the text.
    pub fn padded(&self) -> String {
        let mut s = String::with_capacity(self.indent as usize + self.text.len());
        s.push_str(&" ".repeat(self.indent as usize));
        s.push_str(&self.text);
        s
    }

    /// True for the blank row between paragraphs.
    pub fn is_blank(&self) -> bool {
        self.cells.is_empty()
    }
}

fn uba_overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The direction of an article, used for paragraphs that have no strong letter (a line of only
/// digits and punctuation): the direction most paragraphs start with (P2/P3), ties going to the
/// first paragraph that has a strong letter; LTR when none has.
pub fn article_direction<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Direction {
    let (mut ltr, mut rtl) = (0usize, 0usize);
    let mut first = None;
    for p in paragraphs {
        let d = match unicode_bidi::get_base_direction_full(p) {
            unicode_bidi::Direction::Ltr => Direction::Ltr,
            unicode_bidi::Direction::Rtl => Direction::Rtl,
            unicode_bidi::Direction::Mixed => continue,
        };
        first.get_or_insert(d);
        match d {
            Direction::Ltr => ltr += 1,
            Direction::Rtl => rtl += 1,
        }
    }
    match ltr.cmp(&rtl) {
        std::cmp::Ordering::Less => Direction::Rtl,
        std::cmp::Ordering::Greater => Direction::Ltr,
        std::cmp::Ordering::Equal => first.unwrap_or_default(),
    }
}

/// Lay out one paragraph on its own: `text` is the paragraph's source text, `offset` its byte
/// offset in the larger text the cells should point into, `para` its index, `fallback` the
/// direction to use if it has no strong letter. For a whole article prefer [`ArticleLayout`].
pub fn layout_paragraph(
    text: &str,
    offset: usize,
    para: usize,
    fallback: Direction,
    opts: &LayoutOptions,
) -> Vec<DisplayLine> {
    let mut out = Vec::new();
    for_each_piece(text, fallback, opts.shape, |range, p| {
        let spans = p.wrap(opts.width);
        out.extend(article::lines_of(
            p,
            &spans,
            para,
            offset + range.start,
            range.len(),
            opts,
        ));
    });
    out
}

/// Resolves `text` (one paragraph) piece by piece ([`paragraph::pieces`]: one piece unless it is
/// longer than 64 KiB) and hands each piece's range and resolution to `f`, one at a time.
pub(crate) fn for_each_piece(
    text: &str,
    fallback: Direction,
    shape: bool,
    mut f: impl FnMut(Range<usize>, &paragraph::Prepared),
) {
    let ranges = paragraph::pieces(text);
    if ranges.len() == 1 {
        f(
            0..text.len(),
            &paragraph::Prepared::new(text, fallback, shape),
        );
        return;
    }
    let dir = paragraph_direction(text, fallback);
    for r in ranges {
        let p = paragraph::Prepared::piece(&text[r.clone()], dir, shape);
        f(r, &p);
    }
}

/// The base direction of a paragraph (P2/P3 on its first strong letter), `fallback` when it has
/// none.
pub(crate) fn paragraph_direction(text: &str, fallback: Direction) -> Direction {
    if uba::paragraph_level(text, fallback).is_rtl() {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

/// `n` with its thousands grouped by commas (`1,234`), as counts are shown to people.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
