//! Terminal set-up and, above all, tear-down: raw mode, alternate screen, mouse capture and the
//! bidi explicit mode are undone on normal exit, on panic (hook) and on the quit signals (the
//! runtime turns those into a quit). Nothing here queries the terminal (no cursor-position or
//! colour reports), so start-up cannot hang over SSH or in tmux.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Once, OnceLock};
use std::thread::ThreadId;

use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use super::scroll::ScrollBackend;
use super::BidiMode;
use crate::layout::escapes;

/// Mouse reporting: clicks (1000), and motion only while a button is held (1002), in SGR
/// encoding (1006). Not crossterm's `EnableMouseCapture`, which also asks for every bare motion
/// (1003): a report per cell the pointer crosses, traffic over SSH that qari has no use for.
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1002h\x1b[?1006h";
/// Undoes [`MOUSE_ON`], in reverse order.
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1002l\x1b[?1000l";

static ACTIVE: AtomicBool = AtomicBool::new(false);
static MOUSE: AtomicBool = AtomicBool::new(false);
static BIDI_APP: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// The terminal in TUI mode; restores it when dropped.
pub struct Guard {
    /// The ratatui terminal to draw on.
    pub terminal: Terminal<ScrollBackend<CrosstermBackend<Stdout>>>,
}

impl Guard {
    /// Enters raw mode and the alternate screen (and mouse capture, and the bidi explicit mode
    /// when `bidi` is `App`), and installs the panic hook that undoes it.
    pub fn enter(mouse: bool, bidi: BidiMode) -> io::Result<Guard> {
        install_panic_hook();
        MOUSE.store(mouse, Ordering::SeqCst);
        BIDI_APP.store(bidi == BidiMode::App, Ordering::SeqCst);
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        let setup = (|| -> io::Result<()> {
            execute!(out, EnterAlternateScreen)?;
            if mouse {
                out.write_all(MOUSE_ON.as_bytes())?;
            }
            // Explicit bidi mode in app mode (the sequences and their order: layout::escapes).
            out.write_all(escapes::enter(bidi).as_bytes())?;
            out.flush()?;
            Ok(())
        })();
        if let Err(e) = setup {
            restore();
            return Err(e);
        }
        match ScrollBackend::new(CrosstermBackend::new(io::stdout())).and_then(Terminal::new) {
            Ok(terminal) => Ok(Guard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Guard {
    /// Takes the terminal back after another program had it ([`restore`] was called): raw
    /// mode, the alternate screen, mouse and bidi modes again, and a full repaint next frame.
    pub fn resume(&mut self, mouse: bool, bidi: BidiMode) -> io::Result<()> {
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        execute!(out, EnterAlternateScreen, cursor::Hide)?;
        if mouse {
            out.write_all(MOUSE_ON.as_bytes())?;
        }
        out.write_all(escapes::enter(bidi).as_bytes())?;
        out.flush()?;
        self.terminal.clear()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as it was. Idempotent; every error is ignored (the terminal may be
/// gone after SIGHUP).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if BIDI_APP.load(Ordering::SeqCst) {
        let _ = out.write_all(escapes::exit(BidiMode::App).as_bytes());
    }
    if MOUSE.load(Ordering::SeqCst) {
        let _ = out.write_all(MOUSE_OFF.as_bytes());
    }
    let _ = execute!(out, LeaveAlternateScreen, cursor::Show);
    let _ = out.flush();
    let _ = disable_raw_mode();
}

/// Thread that owns the screen; a panic there ends the TUI.
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

fn install_panic_hook() {
    let _ = UI_THREAD.set(std::thread::current().id());
    HOOK.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_ui = UI_THREAD.get() == Some(&std::thread::current().id());
            if on_ui || !ACTIVE.load(Ordering::SeqCst) {
                // Restore first so the panic message is readable on the normal screen.
                restore();
                prev(info);
            }
            // A worker (index build, search) panicking while the TUI runs: its message would
            // garble the screen, and the runtime catches the unwind and shows it in the status
            // bar instead.
        }));
    });
}

/// The text of a panic payload, for the status bar.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
