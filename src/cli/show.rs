//! `qari show ID`: print an article exactly as the reader pane lays it out.
//!
//! The title, then each paragraph, separated by one blank line, and nothing else. Visual order
//! puts each line in display order with RTL lines right-aligned (padded with spaces on the left to
//! the width); logical order prints the very same line breaks with each line's text in reading
//! order, unpadded. Nothing of the source is dropped or altered except collapsed whitespace,
//! with three safety exceptions made by the layout: control characters are shown as visible
//! placeholders (`␛`, `␡`, U+FFFD), invisible format characters (bidi controls, zero-width
//! spaces) take effect but are not printed, and a combining mark with no letter before it is
//! shown on a dotted circle (◌). With colour (`--color`, a terminal by default) the title is
//! bold and a Markdown article's marks are styled as the reader draws them.

use std::io::{self, Write};

use crate::corpus::{Article, Mark, MarkKinds};
use crate::layout::{ArticleLayout, BidiMode, DisplayLine, LayoutOptions};

/// Width used when stdout is not a terminal (and the default for `--logical`).
pub(crate) const PIPE_WIDTH: u16 = 80;

/// Order in which `qari show` prints each line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Display order, RTL lines right-aligned: what the reader pane shows (`--visual`).
    Visual,
    /// Reading order, same line breaks, unpadded: for pipes, grep and terminals that reorder
    /// (`--logical`).
    Logical,
}

/// Options of `qari show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShowOptions {
    /// Columns to lay out for (`--width N`).
    pub width: u16,
    /// `--visual` or `--logical`.
    pub order: Order,
    /// `--shape`: Arabic presentation forms, one letter per cell.
    pub shape: bool,
    /// `--bidi app|terminal|off`: who reorders (used by `--visual`).
    pub bidi: BidiMode,
    /// `--color`: the title bold and a Markdown article's emphasis, links, headings and quotes
    /// styled with SGR codes (16 ANSI colours).
    pub color: bool,
}

impl ShowOptions {
    /// The defaults when no flag says otherwise: `--visual` at the terminal's width when stdout is
    /// a terminal, `--logical` at 80 columns when it is piped. `terminal_width` is the terminal's
    /// column count if known.
    pub fn defaults(stdout_is_terminal: bool, terminal_width: Option<u16>) -> ShowOptions {
        if stdout_is_terminal {
            ShowOptions {
                width: terminal_width.filter(|&w| w > 0).unwrap_or(PIPE_WIDTH),
                order: Order::Visual,
                shape: false,
                bidi: BidiMode::App,
                color: false,
            }
        } else {
            ShowOptions {
                width: PIPE_WIDTH,
                order: Order::Logical,
                shape: false,
                bidi: BidiMode::App,
                color: false,
            }
        }
    }

    /// The layout options these stand for. Logical order is the layout with [`BidiMode::Off`]:
    /// wrapping does not depend on the mode, so the line breaks are the same as `--visual`'s.
    pub(crate) fn layout_options(&self) -> LayoutOptions {
        LayoutOptions {
            width: self.width,
            mode: match self.order {
                Order::Visual => self.bidi,
                Order::Logical => BidiMode::Off,
            },
            shape: self.shape,
        }
    }
}

/// Print `article` laid out per `opts` to `out`, one row per line (blank rows between
/// paragraphs), each ending in `\n`. Errors only when writing fails.
pub fn show(article: &Article, opts: &ShowOptions, out: &mut impl Write) -> io::Result<()> {
    let layout = ArticleLayout::from_article(article);
    let marks = if opts.color { &article.marks[..] } else { &[] };
    write_rows(&layout, marks, opts, out)
}

/// Print an already built layout (the same output as [`show`]); `marks` are the article's, and
/// only drawn when `opts.color` is on.
pub(crate) fn write_rows(
    layout: &ArticleLayout,
    marks: &[Mark],
    opts: &ShowOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    let lopts = opts.layout_options();
    let mut buf = io::BufWriter::new(out);
    // Row by row, keeping nothing: a 16 MiB article prints in the memory of one block.
    layout.for_each_row(&lopts, |row| {
        if opts.order == Order::Visual {
            for _ in 0..row.indent {
                buf.write_all(b" ")?;
            }
        }
        if opts.color {
            buf.write_all(styled(&row, marks).as_bytes())?;
        } else {
            buf.write_all(row.text.as_bytes())?;
        }
        buf.write_all(b"\n")
    })?;
    buf.flush()
}

/// The SGR codes of a Markdown mark, as the default theme draws it in the reader.
fn mark_sgr(kinds: MarkKinds) -> String {
    let codes = [
        (MarkKinds::HEADING, "1;34"),
        (MarkKinds::QUOTE, "3;32"),
        (MarkKinds::CODE, "36"),
        (MarkKinds::LINK, "4;34"),
        (MarkKinds::NOTE, "2"),
        (MarkKinds::STRONG, "1"),
        (MarkKinds::EMPHASIS, "3"),
        (MarkKinds::STRIKE, "9"),
    ];
    codes
        .iter()
        .filter(|(k, _)| kinds.contains(*k))
        .map(|(_, c)| *c)
        .collect::<Vec<_>>()
        .join(";")
}

/// `row`'s text with SGR codes: the title bold, `marks` (sorted, disjoint) styled.
fn styled(row: &DisplayLine, marks: &[Mark]) -> String {
    let mut text = String::with_capacity(row.text.len() + 16);
    // The style of the cells written last: bold for the title, else the kinds of their mark.
    let mut on = MarkKinds::default();
    for cell in &row.cells {
        let kinds = if row.para == 0 {
            MarkKinds::STRONG
        } else {
            let i = marks.partition_point(|m| m.range.end <= cell.logical.start);
            marks
                .get(i)
                .filter(|m| m.range.start < cell.logical.end)
                .map_or_else(MarkKinds::default, |m| m.kinds)
        };
        if kinds != on {
            if !on.is_empty() {
                text.push_str("\x1b[0m");
            }
            if !kinds.is_empty() {
                text.push_str(&format!("\x1b[{}m", mark_sgr(kinds)));
            }
            on = kinds;
        }
        text.push_str(row.cell_text(cell));
    }
    if !on.is_empty() {
        text.push_str("\x1b[0m");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_styles_the_title_and_the_marks_only_when_asked() {
        let article = crate::corpus::load_text(
            "a.md",
            "# Title\n\nsay **bold** and [link](https://x.example)",
        );
        let mut opts = ShowOptions::defaults(false, None);
        let mut plain = Vec::new();
        show(&article, &opts, &mut plain).unwrap();
        assert_eq!(
            String::from_utf8(plain).unwrap(),
            "Title\n\nsay bold and link[1]\n\n[1] https://x.example\n"
        );
        opts.color = true;
        let mut coloured = Vec::new();
        show(&article, &opts, &mut coloured).unwrap();
        assert_eq!(
            String::from_utf8(coloured).unwrap(),
            "\x1b[1mTitle\x1b[0m\n\nsay \x1b[1mbold\x1b[0m and \x1b[4;34mlink\x1b[0m\x1b[2m[1]\x1b[0m\n\n\
             \x1b[2m[1] https://x.example\x1b[0m\n"
        );
    }
}
