//! A backend wrapper that turns a vertical shift of screen rows into the terminal's own
//! scrolling, so a one-line scroll writes tens of bytes instead of the whole pane.
//!
//! ratatui diffs each frame against the last one cell by cell; when text scrolls, every row
//! changes and the whole pane is rewritten (~4 KB at 120×40). This wrapper keeps a copy of what
//! the terminal shows, looks for a band of full-width rows that the new frame shows shifted by a
//! few lines, scrolls that band with a scroll region (DECSTBM + LF / RI, plain VT100), and then
//! writes only the cells that still differ. It needs no hint from the app and is always correct:
//! whatever the scroll does not fix is written as usual. A band only exists where whole rows
//! shift — the reader alone on screen (narrow layouts), or rows whose list and sidebar parts are
//! blank.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};

use super::paint::paint;

/// Shifts tried, in lines (positive: content moves up, as after `j`).
const SHIFTS: [i32; 6] = [1, -1, 2, -2, 3, -3];
/// Fewest rows a scroll must save to be worth its escape sequences.
const MIN_GAIN: usize = 4;

/// A planned scroll: rows `top..bottom` (0-based, exclusive) move by `shift` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scroll {
    /// First row of the region.
    pub top: u16,
    /// One past the last row of the region.
    pub bottom: u16,
    /// Lines moved: positive up, negative down.
    pub shift: i32,
}

fn row(buf: &Buffer, y: u16) -> &[Cell] {
    let w = buf.area.width as usize;
    let start = y as usize * w;
    &buf.content[start..start + w]
}

/// Finds the scroll that saves the most row rewrites going from `old` to `new`, if any.
pub(crate) fn plan(old: &Buffer, new: &Buffer) -> Option<Scroll> {
    if old.area != new.area || new.area.height < 3 {
        return None;
    }
    let h = new.area.height as i32;
    let mut best: Option<(usize, Scroll)> = None;
    for k in SHIFTS {
        if k.abs() >= h - 1 {
            continue;
        }
        // Runs of rows y where new[y] == old[y + k] (and the row actually changed).
        let mut y = 0i32;
        while y < h {
            let src = y + k;
            let eq = |y: i32| {
                let src = y + k;
                src >= 0 && src < h && row(new, y as u16) == row(old, src as u16)
            };
            if !(0..h).contains(&src) || !eq(y) {
                y += 1;
                continue;
            }
            let a = y;
            let mut gain = 0;
            while y < h && eq(y) {
                if row(new, y as u16) != row(old, y as u16) {
                    gain += 1;
                }
                y += 1;
            }
            let b = y;
            // Region: the run plus the rows its content comes from.
            let (top, bottom) = if k > 0 { (a, b + k) } else { (a + k, b) };
            if gain >= MIN_GAIN && best.as_ref().is_none_or(|(g, _)| gain > *g) {
                best = Some((
                    gain,
                    Scroll {
                        top: top as u16,
                        bottom: bottom as u16,
                        shift: k,
                    },
                ));
            }
        }
    }
    best.map(|(_, s)| s)
}

/// `buf` after the terminal performs scroll `s` (vacated rows blank).
pub(crate) fn apply(buf: &mut Buffer, s: Scroll) {
    let w = buf.area.width as usize;
    let (top, bottom) = (s.top as usize, s.bottom as usize);
    let k = s.shift.unsigned_abs() as usize;
    let region = &mut buf.content[top * w..bottom * w];
    if s.shift > 0 {
        region.rotate_left(k * w);
        let n = region.len();
        region[n - k * w..].fill(Cell::default());
    } else {
        region.rotate_right(k * w);
        region[..k * w].fill(Cell::default());
    }
}

/// The escape sequences that perform scroll `s` (scroll region, then LF at its bottom or RI at
/// its top, then the region reset).
pub(crate) fn sequence(s: Scroll) -> String {
    let mut out = format!("\x1b[0m\x1b[{};{}r", s.top + 1, s.bottom);
    let k = s.shift.unsigned_abs() as usize;
    if s.shift > 0 {
        out.push_str(&format!("\x1b[{};1H", s.bottom));
        out.push_str(&"\n".repeat(k));
    } else {
        out.push_str(&format!("\x1b[{};1H", s.top + 1));
        out.push_str(&"\x1bM".repeat(k));
    }
    out.push_str("\x1b[r");
    out
}

/// The wrapper: a [`Backend`] that scrolls where it can, writes cells itself
/// ([`super::paint`]) and delegates the rest (cursor, clearing, size) to `inner`.
pub struct ScrollBackend<B> {
    inner: B,
    shadow: Buffer,
    /// The cursor is known to be shown: ratatui shows it on every frame, six bytes each time.
    cursor_shown: bool,
}

impl<B: Backend + Write> ScrollBackend<B> {
    /// Wraps `inner`, assuming a blank screen of its current size.
    pub fn new(inner: B) -> io::Result<Self> {
        let size = inner.size()?;
        Ok(Self::with_size(inner, size))
    }

    /// Wraps `inner`, assuming a blank screen of `size`.
    pub fn with_size(inner: B, size: Size) -> Self {
        ScrollBackend {
            inner,
            shadow: Buffer::empty(Rect::new(0, 0, size.width, size.height)),
            cursor_shown: false,
        }
    }

    /// The wrapped backend.
    pub fn inner(&self) -> &B {
        &self.inner
    }

    fn reset_shadow(&mut self) -> io::Result<()> {
        // After a clear (and a program that had the terminal) nothing is known of the cursor.
        self.cursor_shown = false;
        let size = self.inner.size()?;
        self.shadow = Buffer::empty(Rect::new(0, 0, size.width, size.height));
        Ok(())
    }
}

impl<B: Backend + Write> Backend for ScrollBackend<B> {
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let updates: Vec<(u16, u16, Cell)> = content.map(|(x, y, c)| (x, y, c.clone())).collect();
        // The frame the terminal should show: the shadow with the updates (wide characters
        // blank the cells they cover, as ratatui's buffer does).
        let mut next = self.shadow.clone();
        for (x, y, c) in &updates {
            if !next.area.contains(Position::new(*x, *y)) {
                continue;
            }
            let w = unicode_width::UnicodeWidthStr::width(c.symbol()).max(1) as u16;
            next[(*x, *y)] = c.clone();
            for dx in 1..w {
                if next.area.contains(Position::new(x + dx, *y)) {
                    next[(x + dx, *y)] = Cell::default();
                }
            }
        }
        match plan(&self.shadow, &next) {
            Some(s) => {
                self.inner.write_all(sequence(s).as_bytes())?;
                let mut shifted = self.shadow.clone();
                apply(&mut shifted, s);
                let diff = shifted.diff(&next);
                paint(&mut self.inner, diff.into_iter())?;
            }
            None => {
                paint(&mut self.inner, updates.iter().map(|(x, y, c)| (*x, *y, c)))?;
            }
        }
        self.shadow = next;
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.cursor_shown = false;
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown {
            return Ok(());
        }
        self.cursor_shown = true;
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()?;
        self.reset_shadow()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)?;
        // Anything but a full clear leaves the shadow unknown: assume the worst (all blank
        // would be wrong), so force a full repaint next time by marking every cell dirty.
        if clear_type == ClearType::All {
            self.reset_shadow()
        } else {
            let size = self.inner.size()?;
            let mut b = Buffer::empty(Rect::new(0, 0, size.width, size.height));
            for c in &mut b.content {
                c.set_symbol("\u{0}");
            }
            self.shadow = b;
            Ok(())
        }
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf(rows: &[&str]) -> Buffer {
        Buffer::with_lines(rows.iter().copied())
    }

    #[test]
    fn plans_a_one_line_scroll_up_and_down() {
        let old = buf(&["top", "a1", "a2", "a3", "a4", "a5", "a6", "bot"]);
        let new = buf(&["top", "a2", "a3", "a4", "a5", "a6", "a7", "bot"]);
        let s = plan(&old, &new).unwrap();
        assert_eq!(
            s,
            Scroll {
                top: 1,
                bottom: 7,
                shift: 1
            }
        );
        let mut shifted = old.clone();
        apply(&mut shifted, s);
        // Only the new last line of the band is left to write.
        let d = shifted.diff(&new);
        assert!(d.iter().all(|(_, y, _)| *y == 6), "{d:?}");
        let s = plan(&new, &old).unwrap();
        assert_eq!(s.shift, -1);
        let mut shifted = new.clone();
        apply(&mut shifted, s);
        assert!(shifted.diff(&old).iter().all(|(_, y, _)| *y == 1));
    }

    #[test]
    fn no_plan_when_nothing_shifts() {
        let old = buf(&["a", "b", "c", "d", "e", "f"]);
        let new = buf(&["a", "b", "X", "d", "e", "f"]);
        assert!(plan(&old, &new).is_none());
    }

    #[test]
    fn sequence_uses_scroll_region() {
        let s = Scroll {
            top: 1,
            bottom: 7,
            shift: 1,
        };
        assert_eq!(sequence(s), "\x1b[0m\x1b[2;7r\x1b[7;1H\n\x1b[r");
        let s = Scroll {
            top: 1,
            bottom: 7,
            shift: -2,
        };
        assert_eq!(sequence(s), "\x1b[0m\x1b[2;7r\x1b[2;1H\x1bM\x1bM\x1b[r");
    }
}
