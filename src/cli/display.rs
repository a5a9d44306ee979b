//! How the quick lookups (`list`, `search`, `entities`, `tag`) print article text.
//!
//! Piped (and with `--json`) every field is written in reading (logical) order, whole, exactly as
//! it always was: that is what `grep`, `jq` and scripts expect. On a terminal each field of
//! article text goes through [`crate::layout`] like the reader pane and `qari show --visual`:
//! in display order (right-to-left lines right-aligned in their column), cut to the terminal's
//! width at a word (or, for one over-long word, a grapheme) boundary and marked with `…`, so that
//! no row wraps and no Arabic reads backwards. With `--bidi terminal|off` the fields are still cut
//! to the width but stay in reading order, for terminals that reorder themselves.
//!
//! Colour (`--color`, `NO_COLOR`) is a few SGR codes from the 16 ANSI colours: ids magenta, dates
//! and scores dim, matches bold red (as ripgrep marks them), entity kinds bold cyan.

use std::ops::Range;

use crate::layout::{layout_paragraph, BidiMode, Direction, DisplayLine, LayoutOptions};

/// The `--color` flag: when to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always colour, even piped or with `NO_COLOR` set (an explicit flag wins).
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether stdout is a terminal and whether `NO_COLOR` is set to a
    /// non-empty value (<https://no-color.org>).
    pub fn enabled(self, stdout_is_terminal: bool, no_color: bool) -> bool {
        match self {
            ColorChoice::Auto => stdout_is_terminal && !no_color,
            ColorChoice::Always => true,
            ColorChoice::Never => false,
        }
    }
}

/// True when the `NO_COLOR` environment variable is set to a non-empty value.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// SGR parameters of the few styles the CLI uses (16-colour palette only).
pub(crate) mod sgr {
    /// Article ids: magenta.
    pub const ID: &str = "35";
    /// Dates, scores, counts: dim.
    pub const DIM: &str = "2";
    /// Search matches: bold red.
    pub const MATCH: &str = "1;31";
    /// Entity kinds and tagger labels: bold cyan.
    pub const KIND: &str = "1;36";
}

/// How to print: order, width and colour. Built once from the flags in `main.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Display {
    /// Display order through the layout engine (a terminal with `--bidi app`); false: reading
    /// order.
    pub visual: bool,
    /// Columns a row may take (the terminal's width, or `--width`); `None`: fields are printed
    /// whole, as when piped.
    pub width: Option<u16>,
    /// Colour with SGR codes.
    pub color: bool,
    /// Shape Arabic to presentation forms (`--shape`), in display order only.
    pub shape: bool,
}

impl Display {
    /// Reading order, whole fields, no colour: what pipes and `--json` get.
    pub const PLAIN: Display = Display {
        visual: false,
        width: None,
        color: false,
        shape: false,
    };

    /// The display for these circumstances: `tty` (stdout is a terminal), the terminal's width if
    /// known, the `--width` flag, the bidi mode, whether to colour and to shape. Visual order only
    /// on a terminal in [`BidiMode::App`]; rows are cut to `--width`, else on a terminal to its
    /// width (80 if unknown), else not at all.
    pub fn new(
        tty: bool,
        terminal_width: Option<u16>,
        width: Option<u16>,
        bidi: BidiMode,
        color: bool,
        shape: bool,
    ) -> Display {
        let width = width.or_else(|| tty.then(|| terminal_width.filter(|&w| w > 0).unwrap_or(80)));
        let visual = tty && bidi == BidiMode::App;
        Display {
            visual,
            width,
            color,
            shape: shape && visual,
        }
    }

    /// `s` wrapped in the SGR style `code` when colouring (`s` must already be terminal-safe).
    pub(crate) fn paint(&self, code: &str, s: &str) -> String {
        if self.color && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn layout(&self, text: &str, width: u16) -> Vec<DisplayLine> {
        let opts = LayoutOptions {
            width,
            mode: if self.visual {
                BidiMode::App
            } else {
                BidiMode::Off
            },
            shape: self.shape,
        };
        layout_paragraph(text, 0, 0, Direction::Ltr, &opts)
    }

    /// `text` (article text, any bytes) on one row of at most `max` columns: laid out by
    /// [`crate::layout`] (display order when visual), cut with `…` at the last word boundary
    /// that fits (a grapheme boundary inside a word longer than the row), the byte ranges
    /// `marks` (into `text`) highlighted when colouring.
    pub(crate) fn one_line(&self, text: &str, max: u16, marks: &[Range<usize>]) -> Field {
        // The layout takes at least two columns (a wide grapheme always fits).
        let max = max.max(2);
        // One layout for a title that fits with a column to spare (most of them); a list of 100k
        // titles on a terminal pays per title.
        let shorter = self.layout(text, max.saturating_sub(1).max(1));
        if shorter.len() <= 1 {
            return self.field(shorter.first(), max, marks);
        }
        // It may still fit exactly: the lines' widths plus the spaces they broke at.
        let total: usize = shorter
            .iter()
            .map(|l| usize::from(l.width) + usize::from(l.breaks_at_space))
            .sum();
        if total <= usize::from(max) {
            let full = self.layout(text, max);
            if full.len() <= 1 {
                return self.field(full.first(), max, marks);
            }
        }
        // Too long: the first line at one column less (the layout wraps at spaces, and only
        // inside a word longer than the line), then that text with `…` laid out again, so the
        // cut title is reordered as a whole.
        let end = shorter.first().map_or(0, |l| l.logical.end);
        let prefix = text.get(..end).unwrap_or("").trim_end();
        let cut = format!("{prefix}…");
        self.field(self.layout(&cut, max).first(), max, marks)
    }

    /// `text` wrapped to rows of at most `max` columns (each one a [`Field`]), marks highlighted.
    pub(crate) fn lines(&self, text: &str, max: u16, marks: &[Range<usize>]) -> Vec<Field> {
        let max = max.max(2);
        self.layout(text, max)
            .iter()
            .map(|l| self.field(Some(l), max, marks))
            .collect()
    }

    /// One laid-out line as a field of `max` columns: right-aligned in them when it is RTL in
    /// display order.
    fn field(&self, line: Option<&DisplayLine>, max: u16, marks: &[Range<usize>]) -> Field {
        let Some(line) = line else {
            return Field::default();
        };
        let indent = if self.visual && line.rtl {
            max.saturating_sub(line.width)
        } else {
            0
        };
        if !self.color || marks.is_empty() {
            return Field {
                text: line.text.clone(),
                width: line.width,
                indent,
            };
        }
        let mut text = String::with_capacity(line.text.len() + 16);
        let mut on = false;
        for cell in &line.cells {
            let hit = marks
                .iter()
                .any(|m| m.start < cell.logical.end && cell.logical.start < m.end);
            if hit != on {
                if hit {
                    text.push_str(&format!("\x1b[{}m", sgr::MATCH));
                } else {
                    text.push_str("\x1b[0m");
                }
                on = hit;
            }
            text.push_str(line.cell_text(cell));
        }
        if on {
            text.push_str("\x1b[0m");
        }
        Field {
            text,
            width: line.width,
            indent,
        }
    }
}

/// One field of article text laid out for a row: safe to print (no control characters other
/// than the SGR codes of its highlights).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Field {
    /// The text in the order to print it.
    pub text: String,
    /// Columns it covers.
    pub width: u16,
    /// Blank columns that right-align it in the width it was laid out for (RTL text in display
    /// order; 0 otherwise).
    pub indent: u16,
}

impl Field {
    /// The field right-aligned as laid out: its indent, then its text.
    pub fn padded(&self) -> String {
        format!("{}{}", " ".repeat(usize::from(self.indent)), self.text)
    }
}

/// Columns `s` (plain, terminal-safe text) takes: the sum of its graphemes' widths.
pub(crate) fn columns(s: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    s.graphemes(true)
        .map(|g| unicode_width::UnicodeWidthStr::width(g).max(usize::from(!g.is_empty())))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tty(width: u16) -> Display {
        Display::new(true, Some(width), None, BidiMode::App, false, false)
    }

    #[test]
    fn colour_follows_the_flag_the_terminal_and_no_color() {
        assert!(ColorChoice::Auto.enabled(true, false));
        assert!(!ColorChoice::Auto.enabled(false, false));
        assert!(!ColorChoice::Auto.enabled(true, true));
        assert!(ColorChoice::Always.enabled(false, true));
        assert!(!ColorChoice::Never.enabled(true, false));
    }

    #[test]
    fn visual_only_on_a_terminal_in_app_mode() {
        let piped = Display::new(false, Some(100), None, BidiMode::App, false, true);
        assert_eq!(piped, Display::PLAIN);
        let off = Display::new(true, Some(100), None, BidiMode::Off, false, false);
        assert!(!off.visual);
        assert_eq!(off.width, Some(100));
        assert_eq!(tty(100).width, Some(100));
    }

    #[test]
    fn a_short_rtl_title_is_reversed_and_right_aligned() {
        let f = tty(20).one_line("قال بوتين", 20, &[]);
        assert_eq!(f.text, "نيتوب لاق");
        assert_eq!(f.width, 9);
        assert_eq!(f.indent, 11);
        // Exactly as wide as the row: whole, no ellipsis.
        let f = tty(9).one_line("قال بوتين", 9, &[]);
        assert_eq!((f.text.as_str(), f.indent), ("نيتوب لاق", 0));
    }

    #[test]
    fn a_long_title_is_cut_at_a_word_with_an_ellipsis() {
        let title = "بوتين وباشينيان يبحثان هاتفيا الوضع";
        let f = tty(20).one_line(title, 20, &[]);
        assert!(f.width <= 20, "{f:?}");
        // Display order: the ellipsis ends the RTL line, on its left.
        assert!(f.text.starts_with('…'), "{f:?}");
        let words: Vec<&str> = f.text.trim_start_matches('…').split(' ').collect();
        // Every word shown is a whole word of the title (reversed), none cut.
        for w in words {
            let logical: String = w.chars().rev().collect();
            assert!(title.split(' ').any(|t| t == logical), "{w} in {f:?}");
        }
        // Logical order (`--bidi off` on a terminal): the same cut, the ellipsis last.
        let off = Display {
            visual: false,
            ..tty(20)
        };
        let f = off.one_line(title, 20, &[]);
        assert_eq!(f.text, "بوتين وباشينيان…");
        assert_eq!(f.indent, 0);
    }

    #[test]
    fn an_overlong_word_is_cut_between_graphemes_never_inside_one() {
        // Letters with harakat: each cluster is a letter and its marks.
        let word = "بَيْسْكُوفُ".repeat(4);
        let f = Display {
            visual: false,
            ..tty(6)
        }
        .one_line(&word, 6, &[]);
        assert!(f.text.ends_with('…'));
        assert_eq!(columns(&f.text), usize::from(f.width));
        assert!(f.width <= 6);
        let kept = f.text.trim_end_matches('…');
        assert!(word.starts_with(kept));
        // The cut falls after a whole cluster: the next char is a letter, not a haraka.
        let next = word[kept.len()..].chars().next().unwrap();
        assert!(!('\u{64B}'..='\u{652}').contains(&next), "{f:?}");
    }

    #[test]
    fn marks_are_painted_only_with_colour_and_controls_never_pass() {
        let text = "قال بوتين \x1b[2J اليوم";
        let hit = text.find("بوتين").unwrap();
        let marks = std::slice::from_ref(&(hit..hit + "بوتين".len())).to_vec();
        let plain = tty(40).one_line(text, 40, &marks);
        assert!(!plain.text.contains('\x1b'), "{plain:?}");
        let coloured = Display {
            color: true,
            ..tty(40)
        }
        .one_line(text, 40, &marks);
        assert!(
            coloured.text.contains("\x1b[1;31mنيتوب\x1b[0m"),
            "{coloured:?}"
        );
        assert_eq!(coloured.text.matches('\x1b').count(), 2, "{coloured:?}");
    }
}
