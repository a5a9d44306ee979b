//! One paragraph: sanitise, resolve levels on the whole paragraph, split into grapheme clusters,
//! wrap in logical order, and build display lines (L1, L2 on clusters, L4 mirroring, alignment).

use std::ops::Range;

use unicode_bidi::BidiClass;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::graphemes;
use super::sanitize;
use super::shape;
use super::uba::{self, L1};
use super::{BidiMode, Cell, Direction, DisplayLine};

/// Dotted circle: the base a lone combining mark is shown on, so it gets a cell of its own.
const DOTTED_CIRCLE: char = '\u{25CC}';

/// Column width of one character (`unicode-width`), from a table below U+0800 where news text
/// spends its time.
fn char_width(c: char) -> usize {
    static LOW: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let cp = c as u32;
    if cp < 0x800 {
        let t = LOW.get_or_init(|| {
            (0..0x800u32)
                .map(|cp| char::from_u32(cp).and_then(|c| c.width()).unwrap_or(0) as u8)
                .collect()
        });
        usize::from(t[cp as usize])
    } else {
        c.width().unwrap_or(0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Drawn as a cell.
    Visible,
    /// A single collapsed space: drawn, and a break opportunity after it.
    Space,
    /// Takes part in reordering but is never drawn (LRM, RLM, ALM, isolate controls).
    Hidden,
    /// Removed by rule X9 (embeddings, overrides, PDF, BN): neither reordered nor drawn.
    Removed,
}

#[derive(Debug, Clone)]
struct Cluster {
    /// Range in the display text (shaped text, or the clean text when not shaping).
    disp: (u32, u32),
    /// Source byte range relative to the paragraph's start.
    src: (u32, u32),
    width: u8,
    level: u8,
    l1: L1,
    kind: Kind,
    /// Needs a dotted circle in front (a zero-width cluster that must still be visible).
    dotted: bool,
    /// Its first character is an Other Neutral, the only class with mirrored characters (L4).
    neutral: bool,
}

/// A paragraph resolved once and wrapped at any width.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    display: String,
    clusters: Vec<Cluster>,
    para_level: u8,
}

/// One wrapped line: clusters `start..end` of the paragraph; `hidden_space` when the last of them
/// is the space the line broke at (kept in the logical range, not drawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: u32,
    pub end: u32,
    pub hidden_space: bool,
}

/// Paragraphs longer than this many bytes are laid out in pieces (see [`pieces`]).
pub(crate) const PIECE_BYTES: usize = 64 * 1024;

/// The byte ranges a paragraph is laid out in. A paragraph of at most [`PIECE_BYTES`] is one
/// piece; a longer one (a 16 MiB one-line article) is cut into consecutive pieces of at most
/// that size, each after the last space in its second half, or, in a run with no space, before
/// a character that is not a combining mark. Each piece is resolved and wrapped on its own, with
/// the whole paragraph's base direction ([`Prepared::piece`]): memory and time then follow the
/// piece, not the paragraph, at the cost of a line that may end early where a piece ends.
pub(crate) fn pieces(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(text.len() / PIECE_BYTES + 1);
    let mut start = 0;
    while text.len() - start > PIECE_BYTES {
        let limit = floor_boundary(text, start + PIECE_BYTES);
        let half = ceil_boundary(text, start + PIECE_BYTES / 2);
        let cut = match text[half..limit].rfind(' ') {
            Some(i) => half + i + 1,
            None => {
                // Back off over combining marks so none is parted from its letter.
                let mut cut = limit;
                while let Some(c) = text[cut..].chars().next() {
                    if cut <= half || unicode_bidi::bidi_class(c) != BidiClass::NSM {
                        break;
                    }
                    cut = floor_boundary(text, cut - 1);
                }
                if cut <= start {
                    limit
                } else {
                    cut
                }
            }
        };
        out.push(start..cut);
        start = cut;
    }
    out.push(start..text.len());
    out
}

/// The last char boundary at or before `i` (`str::floor_char_boundary`, newer than our MSRV).
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The first char boundary at or after `i`.
fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl Prepared {
    /// Sanitise and resolve `src` (one paragraph of source text).
    pub fn new(src: &str, fallback: Direction, shape_arabic: bool) -> Prepared {
        Self::build(src, None, fallback, shape_arabic)
    }

    /// Sanitise and resolve `src`, a piece of a longer paragraph (see [`pieces`]) whose base
    /// direction is `dir`.
    pub fn piece(src: &str, dir: Direction, shape_arabic: bool) -> Prepared {
        Self::build(src, Some(dir), dir, shape_arabic)
    }

    fn build(
        src: &str,
        forced: Option<Direction>,
        fallback: Direction,
        shape_arabic: bool,
    ) -> Prepared {
        let clean = sanitize::clean(src);
        let text = clean.text.as_str();
        let level = match forced {
            Some(Direction::Ltr) => unicode_bidi::Level::ltr(),
            Some(Direction::Rtl) => unicode_bidi::Level::rtl(),
            None => uba::paragraph_level(text, fallback),
        };
        let info = uba::resolve(text, level);
        let para_level = info.paragraph_level.number();
        // Shaped text has the same chars, maybe different byte lengths: map char index → offset.
        let shaped = if shape_arabic && !text.is_ascii() {
            Some(shape::shape(text))
        } else {
            None
        };
        let shaped_offsets: Vec<u32> = match &shaped {
            Some(s) => s
                .char_indices()
                .map(|(i, _)| i as u32)
                .chain(std::iter::once(s.len() as u32))
                .collect(),
            None => Vec::new(),
        };
        let mut clusters: Vec<Cluster> = Vec::with_capacity(text.len() / 2 + 1);
        let mut char_idx = 0usize;
        // Source start of a lam that shaping merged into the lam-alef ligature that follows.
        let mut ligature_from: Option<u32> = None;
        let bounds = graphemes::boundaries(text);
        for w in bounds.windows(2) {
            let start = w[0] as usize;
            let g = &text[start..w[1] as usize];
            let first = char_idx;
            let mut all_removed = true;
            let mut all_hidden = true;
            let mut all_ws = true;
            let mut any_sep = false;
            let mut rep: Option<usize> = None;
            let neutral = info.original_classes[start] == BidiClass::ON;
            let mut n_chars = 0;
            let mut first_char = ' ';
            for (off, c) in g.char_indices() {
                if n_chars == 0 {
                    first_char = c;
                }
                n_chars += 1;
                let class = info.original_classes[start + off];
                if uba::removed_by_x9(class) {
                    continue;
                }
                all_removed = false;
                rep.get_or_insert(start + off);
                if !sanitize::is_bidi_control(c) {
                    all_hidden = false;
                }
                match uba::l1_of(class) {
                    L1::Ws => {}
                    L1::Sep => any_sep = true,
                    L1::Other => all_ws = false,
                }
            }
            char_idx += n_chars;
            let (src_start, src_end) = match &clean.origin {
                Some(o) => (o[first].0, o[char_idx - 1].1),
                None => (start as u32, (start + g.len()) as u32),
            };
            let level = rep.map_or(para_level, |i| info.levels[i].number());
            let kind = if all_removed {
                Kind::Removed
            } else if all_hidden {
                Kind::Hidden
            } else if g == " " {
                Kind::Space
            } else {
                Kind::Visible
            };
            // Per grapheme, never per string (a string's width counts لا as one column).
            let raw_width = if n_chars == 1 {
                char_width(first_char)
            } else {
                g.width()
            };
            let (width, dotted) = match kind {
                Kind::Visible if raw_width == 0 => (1, true),
                Kind::Visible | Kind::Space => (raw_width.clamp(1, 2) as u8, false),
                Kind::Hidden | Kind::Removed => (0, false),
            };
            let l1 = if any_sep {
                L1::Sep
            } else if all_ws {
                L1::Ws
            } else {
                L1::Other
            };
            let disp = if shaped.is_some() {
                (shaped_offsets[first], shaped_offsets[char_idx])
            } else {
                (start as u32, (start + g.len()) as u32)
            };
            let mut src = (src_start, src_end);
            let (mut kind, mut width) = (kind, width);
            if let Some(s) = &shaped {
                let shown = &s[disp.0 as usize..disp.1 as usize];
                if g == "\u{644}" && shown.starts_with(shape::LIGATURE_FILL) {
                    // The lam of a lam-alef ligature: not drawn, no column; the ligature's cell
                    // (the alef's cluster, next) shows both letters and covers both.
                    kind = Kind::Removed;
                    width = 0;
                    ligature_from = Some(src.0);
                } else if let Some(from) = ligature_from.take() {
                    src.0 = from;
                }
            }
            clusters.push(Cluster {
                disp,
                src,
                width,
                level,
                l1,
                kind,
                dotted,
                neutral,
            });
        }
        Prepared {
            display: shaped.unwrap_or(clean.text),
            clusters,
            para_level,
        }
    }

    /// True when the paragraph's base direction is right-to-left.
    pub fn rtl(&self) -> bool {
        self.para_level % 2 == 1
    }

    /// True when nothing in the paragraph is drawn (empty or only controls).
    pub fn is_blank(&self) -> bool {
        !self
            .clusters
            .iter()
            .any(|c| matches!(c.kind, Kind::Visible | Kind::Space))
    }

    /// Greedy wrap in logical order at spaces, by the sum of per-cluster widths; a word wider
    /// than `width` is broken between grapheme clusters. `width` is at least 2.
    pub fn wrap(&self, width: u16) -> Vec<Span> {
        let width = u32::from(width.max(2));
        let mut spans = Vec::new();
        let n = self.clusters.len();
        let mut start = 0usize;
        let mut used = 0u32;
        // Index just after the last break space seen on this line, and the width used before it.
        let mut last_break: Option<usize> = None;
        let mut i = 0usize;
        while i < n {
            let c = &self.clusters[i];
            let w = u32::from(c.width);
            if c.kind == Kind::Space {
                if used + w > width {
                    // The space itself overflows: break here, hiding it.
                    spans.push(Span {
                        start: start as u32,
                        end: (i + 1) as u32,
                        hidden_space: true,
                    });
                    start = i + 1;
                    used = 0;
                    last_break = None;
                } else {
                    used += w;
                    last_break = Some(i + 1);
                }
                i += 1;
                continue;
            }
            if used + w <= width {
                used += w;
                i += 1;
                continue;
            }
            match last_break {
                Some(b) if b > start => {
                    spans.push(Span {
                        start: start as u32,
                        end: b as u32,
                        hidden_space: true,
                    });
                    start = b;
                }
                _ if start == i => {
                    // Cannot happen (a cluster is at most 2 wide), but never loop forever.
                    used += w;
                    i += 1;
                    continue;
                }
                _ => {
                    // No space on this line: break the word between clusters.
                    spans.push(Span {
                        start: start as u32,
                        end: i as u32,
                        hidden_space: false,
                    });
                    start = i;
                }
            }
            last_break = None;
            // Re-measure what carried over to the new line (at most one word).
            used = self.clusters[start..i]
                .iter()
                .map(|c| u32::from(c.width))
                .sum();
        }
        if start < n {
            spans.push(Span {
                start: start as u32,
                end: n as u32,
                hidden_space: false,
            });
        }
        // A paragraph that draws nothing has no lines.
        if self.is_blank() {
            spans.clear();
        }
        spans
    }

    /// Build the display line for `span`. `offset` is the paragraph's byte offset in the source
    /// text; `logical` is the source range the line stands for, worked out by the caller from the
    /// neighbouring spans so that the lines tile the paragraph.
    pub fn line(
        &self,
        span: Span,
        para: usize,
        offset: usize,
        logical: Range<usize>,
        width: u16,
        mode: BidiMode,
    ) -> DisplayLine {
        let width = width.max(2);
        let mut end = span.end as usize;
        if span.hidden_space {
            end -= 1;
        }
        let range = span.start as usize..end;
        // Drawn width first: it decides the indent, and so every cell's column.
        let line_width: u32 = self.clusters[range.clone()]
            .iter()
            .filter(|c| !matches!(c.kind, Kind::Removed | Kind::Hidden))
            .map(|c| u32::from(c.width))
            .sum();
        let line_width = line_width.min(u32::from(u16::MAX)) as u16;
        let rtl = self.rtl();
        let indent = if rtl && mode != BidiMode::Off {
            width.saturating_sub(line_width)
        } else {
            0
        };
        let mut text = String::with_capacity(range.len() * 3);
        let mut cells = Vec::with_capacity(range.len());
        let mut col = indent;
        // Append cluster `k` as the next cell; `odd`: its resolved level is odd.
        let mut push = |k: usize, odd: bool| {
            let c = &self.clusters[k];
            if matches!(c.kind, Kind::Removed | Kind::Hidden) {
                return;
            }
            let g = &self.display[c.disp.0 as usize..c.disp.1 as usize];
            let t0 = text.len();
            if c.dotted {
                text.push(DOTTED_CIRCLE);
            }
            let mut chars = g.chars();
            if odd && c.neutral && mode == BidiMode::App {
                // L4: mirror the base character of a cluster at an odd level.
                if let Some(first) = chars.next() {
                    text.push(unicode_bidi_mirroring::get_mirrored(first).unwrap_or(first));
                }
            }
            text.push_str(chars.as_str());
            cells.push(Cell {
                text: t0..text.len(),
                width: c.width,
                col,
                logical: offset + c.src.0 as usize..offset + c.src.1 as usize,
                rtl: odd,
            });
            col = col.saturating_add(u16::from(c.width));
        };
        if mode == BidiMode::App {
            // Units that take part in reordering: everything X9 does not remove.
            let mut units = Vec::with_capacity(range.len());
            let mut levels = Vec::with_capacity(range.len());
            let mut l1 = Vec::with_capacity(range.len());
            for k in range {
                let c = &self.clusters[k];
                if c.kind != Kind::Removed {
                    units.push(k);
                    levels.push(c.level);
                    l1.push(c.l1);
                }
            }
            uba::apply_l1(&mut levels, &l1, self.para_level);
            for v in uba::reorder(&levels) {
                push(units[v], levels[v] % 2 == 1);
            }
        } else {
            for k in range {
                push(k, self.clusters[k].level % 2 == 1);
            }
        }
        DisplayLine {
            para,
            rtl,
            logical,
            indent,
            width: line_width,
            text,
            cells,
            breaks_at_space: span.hidden_space,
        }
    }

    /// Source byte offset (relative to the paragraph) where cluster `k` starts, or `len` past the
    /// end.
    pub fn src_start(&self, k: usize, len: usize) -> usize {
        self.clusters.get(k).map_or(len, |c| c.src.0 as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vis(text: &str, width: u16) -> Vec<String> {
        let p = Prepared::new(text, Direction::Ltr, false);
        p.wrap(width)
            .iter()
            .map(|&s| p.line(s, 0, 0, 0..0, width, BidiMode::App).text)
            .collect()
    }

    #[test]
    fn hand_checked_sentence() {
        assert_eq!(
            vis("ولد عام 2020 في مدينة (القاهرة).", 80),
            vec![".(ةرهاقلا) ةنيدم يف 2020 ماع دلو"]
        );
    }

    #[test]
    fn first_words_on_top_line() {
        let lines = vis("ولد عام 2020 في مدينة (القاهرة).", 16);
        assert_eq!(lines, vec!["يف 2020 ماع دلو", ".(ةرهاقلا) ةنيدم"]);
    }

    #[test]
    fn harakat_stay_on_their_letter() {
        let p = Prepared::new("بَت", Direction::Ltr, false);
        let l = p.line(p.wrap(10)[0], 0, 0, 0..0, 10, BidiMode::App);
        let cells: Vec<&str> = l.cells.iter().map(|c| l.cell_text(c)).collect();
        assert_eq!(cells, vec!["ت", "بَ"]);
        assert_eq!(l.width, 2);
        assert_eq!(l.indent, 8);
    }

    #[test]
    fn long_word_breaks_between_clusters() {
        assert_eq!(vis("abcdefgh", 3), vec!["abc", "def", "gh"]);
    }
}

#[cfg(test)]
mod piece_tests {
    use super::*;

    #[test]
    fn long_paragraphs_are_cut_into_pieces_after_spaces_and_never_inside_a_letter() {
        let word = "كلمةٌ ";
        let text = word.repeat(3 * PIECE_BYTES / word.len());
        let ranges = pieces(&text);
        assert!(ranges.len() >= 3, "{}", ranges.len());
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges.last().unwrap().end, text.len());
        for w in ranges.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert!(text[..w[0].end].ends_with(' '));
        }
        assert!(ranges.iter().all(|r| r.len() <= PIECE_BYTES));

        // No space at all: the cut backs off over combining marks.
        let marks = "بٌّ".repeat(2 * PIECE_BYTES / "بٌّ".len());
        for w in pieces(&marks).windows(2) {
            assert!(
                marks[w[1].clone()].starts_with('ب'),
                "cut at {}",
                w[1].start
            );
        }
        assert_eq!(pieces("قصير"), vec![0..8]);
    }

    #[test]
    fn every_piece_takes_the_paragraphs_direction() {
        // A piece of an Arabic paragraph that starts with Latin words.
        let piece = "Lavrov and Blinken met قال الوزير";
        assert!(!Prepared::new(piece, Direction::Rtl, false).rtl());
        assert!(Prepared::piece(piece, Direction::Rtl, false).rtl());
    }
}
