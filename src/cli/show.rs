//! `qari show ID`: print an article exactly as the reader pane lays it out.
//!
//! The title, then each paragraph, separated by one blank line, and nothing else. Visual order
//! puts each line in display order with RTL lines right-aligned (padded with spaces on the left to
//! the width); logical order prints the very same line breaks with each line's text in reading
//! order, unpadded. Nothing of the source is dropped or altered except collapsed whitespace,
//! with three safety exceptions made by the layout: control characters are shown as visible
//! placeholders (`␛`, `␡`, U+FFFD), invisible format characters (bidi controls, zero-width
//! spaces) take effect but are not printed, and a combining mark with no letter before it is
//! shown on a dotted circle (◌).

use std::io::{self, Write};

use crate::corpus::Article;
use crate::layout::{ArticleLayout, BidiMode, LayoutOptions};

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
            }
        } else {
            ShowOptions {
                width: PIPE_WIDTH,
                order: Order::Logical,
                shape: false,
                bidi: BidiMode::App,
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
    write_rows(&layout, opts, out)
}

/// Print an already built layout (the same output as [`show`]).
pub(crate) fn write_rows(
    layout: &ArticleLayout,
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
        buf.write_all(row.text.as_bytes())?;
        buf.write_all(b"\n")
    })?;
    buf.flush()
}
