//! Escape sequences the TUI writes so the terminal does not undo qari's layout (no I/O here).
//!
//! From the terminal-wg bidi recommendation
//! (<https://terminal-wg.pages.freedesktop.org/bidi/recommendation/escape-sequences.html>): an
//! application that reorders its own text switches the terminal to *explicit* mode (BDSM reset,
//! `CSI 8 l`) and sets the LTR direction (SCP, `CSI 1 SP k`) at startup, and restores implicit
//! mode and the default direction at exit. Terminals that ignore these (Konsole, mlterm) need
//! [`BidiMode::Terminal`] instead.

use super::BidiMode;

/// Startup sequence for [`BidiMode::App`], to write right after entering
/// the alternate screen: cursor home, explicit mode, LTR direction, clear. Home comes first
/// because VTE applies the mode to the paragraph at column 0; clear comes last because erasing
/// stamps the current bidi flags onto the rows.
pub(crate) const APP_ENTER: &str = "\x1b[H\x1b[8l\x1b[1 k\x1b[2J";

/// Exit sequence for [`BidiMode::App`], to write before leaving the
/// alternate screen: implicit mode, default direction.
pub(crate) const APP_EXIT: &str = "\x1b[8h\x1b[0 k";

/// For output printed in place (`qari show --visual` on a terminal, not a full-screen app):
/// explicit mode and LTR direction, so a VTE terminal does not reorder the visual lines a second
/// time. Lines keep the mode they were printed in; [`INLINE_EXIT`] restores implicit mode after.
pub const INLINE_ENTER: &str = "\x1b[8l\x1b[1 k";

/// Undoes [`INLINE_ENTER`]: implicit mode, default direction.
pub const INLINE_EXIT: &str = "\x1b[8h\x1b[0 k";

/// What to write at startup for `mode`. Only `App` changes the terminal; `Terminal` relies on the
/// terminal's default implicit mode and `Off` leaves the terminal as the user set it up.
pub fn enter(mode: BidiMode) -> &'static str {
    match mode {
        BidiMode::App => APP_ENTER,
        BidiMode::Terminal | BidiMode::Off => "",
    }
}

/// What to write at exit for `mode` (undoes [`enter`]).
pub fn exit(mode: BidiMode) -> &'static str {
    match mode {
        BidiMode::App => APP_EXIT,
        BidiMode::Terminal | BidiMode::Off => "",
    }
}

/// Wrap `seq` in tmux's passthrough (`ESC P tmux; … ESC \`, ESCs doubled) so it reaches the outer
/// terminal: tmux itself drops `CSI 8 l`. Needs `set -g allow-passthrough on` in tmux; use it
/// when `$TMUX` is set.
pub fn tmux_passthrough(seq: &str) -> String {
    let mut s = String::with_capacity(seq.len() * 2 + 10);
    s.push_str("\x1bPtmux;");
    for c in seq.chars() {
        if c == '\x1b' {
            s.push('\x1b');
        }
        s.push(c);
    }
    s.push_str("\x1b\\");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_mode_sets_explicit_and_restores_implicit() {
        assert!(enter(BidiMode::App).contains("\x1b[8l"));
        assert!(exit(BidiMode::App).contains("\x1b[8h"));
        assert_eq!(enter(BidiMode::Off), "");
        assert_eq!(tmux_passthrough("\x1b[8l"), "\x1bPtmux;\x1b\x1b[8l\x1b\\");
    }
}
