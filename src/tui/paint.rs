//! Writing cells to the terminal: cursor moves, one SGR sequence per change of style, the text.
//!
//! ratatui's crossterm backend writes every named colour as a 256-colour index (`38;5;4` for
//! blue), so a theme of the 16 ANSI colours still depended on the terminal's 256-colour palette
//! and cost two sequences per change. Here the 16 colours are the SGR codes of ECMA-48 (30–37,
//! 90–97 and their backgrounds), a 256-colour index or RGB only where the theme asks for one, and
//! a change of style is one sequence that sets everything from a reset (`ESC[0;1;34m`), which
//! is also never longer than crossterm's separate colour and attribute sequences.

use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};

/// The SGR parameter of a colour as foreground (`bg` false) or background, after `;`.
fn push_color(out: &mut String, c: Color, bg: bool) {
    // Normal colours are 30–37 (40–47), bright ones 90–97 (100–107).
    let (base, bright) = if bg { (40, 100) } else { (30, 90) };
    let code = match c {
        Color::Reset => return,
        Color::Black => base,
        Color::Red => base + 1,
        Color::Green => base + 2,
        Color::Yellow => base + 3,
        Color::Blue => base + 4,
        Color::Magenta => base + 5,
        Color::Cyan => base + 6,
        Color::Gray => base + 7,
        Color::DarkGray => bright,
        Color::LightRed => bright + 1,
        Color::LightGreen => bright + 2,
        Color::LightYellow => bright + 3,
        Color::LightBlue => bright + 4,
        Color::LightMagenta => bright + 5,
        Color::LightCyan => bright + 6,
        Color::White => bright + 7,
        Color::Indexed(i) => {
            let _ = write!(out, ";{};5;{i}", base + 8);
            return;
        }
        Color::Rgb(r, g, b) => {
            let _ = write!(out, ";{};2;{r};{g};{b}", base + 8);
            return;
        }
    };
    let _ = write!(out, ";{code}");
}

/// The SGR sequence that sets exactly this style from any other: `ESC[0…m`.
pub(crate) fn sgr(fg: Color, bg: Color, modifier: Modifier) -> String {
    let mut out = String::from("\x1b[0");
    for (m, code) in [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ] {
        if modifier.contains(m) {
            let _ = write!(out, ";{code}");
        }
    }
    push_color(&mut out, fg, false);
    push_color(&mut out, bg, true);
    out.push('m');
    out
}

/// Writes `cells` (column, row, cell) to `w`: a cursor move only where a cell does not follow
/// the last one on its row, a style sequence only where the style changes, and a reset at the
/// end so the terminal is left plain.
pub(crate) fn paint<'a, W: Write>(
    w: &mut W,
    cells: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> io::Result<()> {
    let mut out = String::new();
    let mut style = (Color::Reset, Color::Reset, Modifier::empty());
    let mut next_pos: Option<(u16, u16)> = None;
    for (x, y, cell) in cells {
        if next_pos != Some((x, y)) {
            let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
        }
        let s = (cell.fg, cell.bg, cell.modifier);
        if s != style {
            out.push_str(&sgr(s.0, s.1, s.2));
            style = s;
        }
        out.push_str(cell.symbol());
        // A wide symbol moves the terminal's cursor by its width; ratatui sends the cells it
        // covers as well only when they changed, so the next cell's position is checked.
        let wdt = unicode_width::UnicodeWidthStr::width(cell.symbol()).max(1) as u16;
        next_pos = Some((x.saturating_add(wdt), y));
    }
    if style != (Color::Reset, Color::Reset, Modifier::empty()) {
        out.push_str("\x1b[0m");
    }
    w.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixteen_colours_are_plain_sgr_codes() {
        assert_eq!(
            sgr(Color::Blue, Color::Reset, Modifier::empty()),
            "\x1b[0;34m"
        );
        assert_eq!(
            sgr(Color::Black, Color::LightYellow, Modifier::BOLD),
            "\x1b[0;1;30;103m"
        );
        assert_eq!(
            sgr(Color::White, Color::DarkGray, Modifier::empty()),
            "\x1b[0;97;100m"
        );
        assert_eq!(
            sgr(Color::Indexed(214), Color::Rgb(1, 2, 3), Modifier::REVERSED),
            "\x1b[0;7;38;5;214;48;2;1;2;3m"
        );
        assert_eq!(
            sgr(Color::Reset, Color::Reset, Modifier::empty()),
            "\x1b[0m"
        );
    }

    #[test]
    fn moves_only_where_cells_do_not_follow_and_resets_at_the_end() {
        let mut a = Cell::default();
        a.set_symbol("a").set_fg(Color::Red);
        let mut b = Cell::default();
        b.set_symbol("b");
        let mut wide = Cell::default();
        wide.set_symbol("界");
        let cells = [(0u16, 0u16, &a), (1, 0, &b), (5, 2, &wide), (7, 2, &b)];
        let mut out = Vec::new();
        paint(&mut out, cells.into_iter()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\x1b[1;1H\x1b[0;31ma\x1b[0mb\x1b[3;6H界b"
        );
    }
}
