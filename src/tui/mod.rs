//! The terminal interface: article list, reader and entity sidebar.
//!
//! Elm-shaped: [`keys::handle_key`] turns a key into an [`action::Action`] through the key map,
//! [`update::update`] applies it to [`state::State`], and [`view::draw`] paints the state without
//! I/O. Long work runs on threads that report back as actions: the index build (the `loader`
//! given to [`run`]) and corpus search (a worker that always answers the latest query; stale
//! answers are dropped by generation). All data comes through the [`source::Source`] trait;
//! `main.rs` hands [`run`] a loader that opens the library and returns a
//! [`library::LibrarySource`], and [`TuiOptions`] filled from flags and `config.toml`.
//!
//! Rooms, and who may use whom (no file imports one that imports it back; a test checks):
//!
//! | module | job | uses |
//! |---|---|---|
//! | [`action`] | `Action` (what happened) and `Effect` (work for the runtime) | input, source |
//! | [`geometry`] | where the panes go, from size, focus and sidebar choice | — |
//! | [`sidebar`] | the sidebar's rows (headings and entities) | source |
//! | [`state`] | `State` and its parts, status messages with a severity | action, geometry, input, keymap, sidebar |
//! | [`update`] | `update`: the behaviour | action, geometry, input, sidebar, state |
//! | [`key`] | a key: parsed from config, labelled for the help, made from an event | — |
//! | [`keymap`] | the key table (defaults + `[keys]`), help rows, hints | action, input, key |
//! | [`keys`] | key and mouse events → actions | action, geometry, key, keymap, state (read only) |
//! | [`input`] | the search box's line editor and the query history | — |
//! | [`view`] | drawing | geometry, sidebar, state (read only) |
//! | [`handoff`] | copy (OSC 52, copy file), the pager and editor; run by the runtime | — |
//! | `scroll`, `paint` | the backend: terminal scrolling of shifted rows, cells as SGR | — |
//!
//! Text layout comes from [`crate::layout`]: the reader pane keeps an
//! [`crate::layout::ArticleLayout`] of the open article and builds cells only for the rows on
//! screen ([`reader::reader_line`]); titles, names and snippets use [`reader::one_line`].

pub mod action;
pub mod geometry;
pub mod handoff;
pub mod input;
pub mod key;
pub mod keymap;
pub mod keys;
pub mod library;
mod paint;
pub mod persist;
pub mod reader;
pub mod scroll;
pub mod sidebar;
pub mod source;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

#[cfg(test)]
mod layering;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread;

use crossterm::event::{self, Event};
use ratatui::layout::Rect;

use action::{Action, Effect, SEARCH_LIMIT};
use source::Source;
use state::{State, Status};
use update::update;

/// How bidirectional text reaches the terminal (the layout engine's modes).
pub use crate::layout::BidiMode;

/// Everything the TUI needs from configuration (read by the config module, not here).
/// `Default` is the documented default: theme `default`, mouse on, bidi `app`, no shaping.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    /// Theme name (built-in or a file `<name>.toml` in `theme_dir`).
    pub theme: String,
    /// Directory of user themes (`~/.config/qari/themes`).
    pub theme_dir: Option<PathBuf>,
    /// Capture the mouse (wheel and click). `--no-mouse` turns it off.
    pub mouse: bool,
    /// Bidi mode.
    pub bidi: BidiMode,
    /// Shape Arabic into presentation forms (for terminals that do not shape), in every line the
    /// layout engine lays out.
    pub shape: bool,
    /// Where read state and reading positions are kept; `None` keeps nothing.
    pub state_dir: Option<PathBuf>,
    /// Colour depth to use instead of the environment's (`COLORTERM`); `None` = from the
    /// environment. `NO_COLOR` always wins. `config.toml` has no key for it: the binary leaves
    /// it `None`.
    pub color: Option<theme::ColorSupport>,
    /// Per-element styles applied over the theme, field by field (the same keys and fields as a
    /// theme's `[styles]`). `config.toml` has no key for it: the binary leaves it empty.
    pub theme_overrides: std::collections::BTreeMap<String, theme::StyleSpec>,
    /// The `[keys]` section of `config.toml`: changes to the default key map (see [`keymap`]).
    pub keys: keymap::KeyConfig,
    /// The list's width beside an open article (`list_width`); `None`: three tenths.
    pub list_width: Option<u16>,
    /// A file that `y`/`Y` also write the copied text to (`--copy-file`, `copy_file`), for
    /// terminals without OSC 52.
    pub copy_file: Option<PathBuf>,
    /// The program (and its arguments) that opens a link from the links menu (`L`), given the
    /// address as its last argument: `xdg-open`, `open`, a browser (config: `link_opener`).
    /// `None`: Enter copies the link instead.
    pub link_opener: Option<Vec<String>>,
}

impl Default for TuiOptions {
    fn default() -> Self {
        TuiOptions {
            theme: "default".into(),
            theme_dir: None,
            mouse: true,
            bidi: BidiMode::App,
            shape: false,
            state_dir: None,
            color: None,
            theme_overrides: Default::default(),
            keys: Default::default(),
            list_width: None,
            copy_file: None,
            link_opener: None,
        }
    }
}

/// Progress callback handed to the loader: `(done, total)`.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// What the runtime's threads send to the UI thread.
enum Msg {
    Action(Action),
    Event(Event),
}

/// Runs the TUI until the user quits.
///
/// `loader` opens or builds the index and returns the data source; it runs on its own thread and
/// may report progress, so the first frame (with a progress gauge) appears before it finishes and
/// input is never blocked. The terminal is restored on return, on panic and on every signal in
/// [`QUIT_SIGNALS`].
pub fn run<L>(loader: L, options: TuiOptions) -> std::io::Result<()>
where
    L: FnOnce(Progress<'_>) -> Result<Arc<dyn Source>, String> + Send + 'static,
{
    let mut guard = terminal::Guard::enter(options.mouse, options.bidi)?;
    let size = guard.terminal.size()?;
    let mut state = initial_state(
        &options,
        theme::ColorSupport::from_env(),
        Rect::new(0, 0, size.width, size.height),
    );

    let (tx, rx) = mpsc::channel::<Msg>();
    spawn_loader(loader, tx.clone());
    spawn_input(tx.clone());
    spawn_signals(tx.clone());
    let search_tx = spawn_search_worker(tx.clone());

    let result = event_loop(&mut guard, &mut state, &rx, &search_tx, &options);
    if let Some(dir) = &options.state_dir {
        let _ = persist::save(dir, &state.saved);
    }
    drop(guard);
    result
}

/// The state before the first frame: theme (falling back to `default` with the reason in the
/// status bar), saved reading state, layout options. No terminal needed.
pub fn initial_state(options: &TuiOptions, support: theme::ColorSupport, size: Rect) -> State {
    // `support` comes from the environment; a config setting applies unless NO_COLOR is set.
    let support = match (support, options.color) {
        (theme::ColorSupport::None, _) | (_, None) => support,
        (_, Some(c)) => c,
    };
    let name = if options.theme.is_empty() {
        "default"
    } else {
        &options.theme
    };
    let (theme, theme_err) = theme::load_theme_with(
        name,
        options.theme_dir.as_deref(),
        support,
        &options.theme_overrides,
    );
    let (saved, saved_err) = persist::load(options.state_dir.as_deref());
    let mut state = State::new(theme, saved, size);
    state.status = theme_err.or(saved_err).map(Status::warning);
    // The config layer has checked `[keys]` already; should it still fail, the defaults serve.
    match keymap::KeyMap::with_config(&options.keys) {
        Ok(k) => state.keymap = k,
        Err(e) => state.status = Some(Status::error(format!("config [keys]: {e}"))),
    }
    state.list_width = options.list_width;
    state.layout = reader::LayoutOpts {
        mode: options.bidi,
        shape: options.shape,
    };
    state
}

fn event_loop(
    guard: &mut terminal::Guard,
    state: &mut State,
    rx: &Receiver<Msg>,
    search_tx: &Sender<(u64, String, Arc<dyn Source>)>,
    options: &TuiOptions,
) -> std::io::Result<()> {
    guard.terminal.draw(|f| view::draw(state, f))?;
    while let Ok(first) = rx.recv() {
        // Apply everything that is already waiting, then draw once. Of a burst of resizes only
        // the last size counts: each relayout of a very long article costs a second or more, and
        // applying every one queued the quit behind a minute of them.
        let mut msg = Some(first);
        let mut resize = None;
        while let Some(m) = msg.take() {
            match m {
                Msg::Event(Event::Resize(w, h)) => resize = Some((w, h)),
                m => apply(state, m, options),
            }
            msg = rx.try_recv().ok();
        }
        if let Some((w, h)) = resize.filter(|_| !state.quit) {
            update(state, Action::Resize(w, h));
        }
        for e in std::mem::take(&mut state.effects) {
            match e {
                Effect::Search { generation, query } => {
                    if let Some(src) = &state.source {
                        let _ = search_tx.send((generation, query, src.clone()));
                    }
                }
                Effect::SaveState => {
                    if let Some(dir) = &options.state_dir {
                        let _ = persist::save(dir, &state.saved);
                    }
                }
                Effect::Copy { text, what } => {
                    let in_tmux = std::env::var_os("TMUX").is_some();
                    let mut out = std::io::stdout();
                    state.status = Some(
                        match handoff::copy(&mut out, &text, options.copy_file.as_deref(), in_tmux)
                        {
                            Ok(places) => Status::info(format!(
                                "copied the {what} ({} characters) to {places}",
                                text.chars().count()
                            )),
                            Err(e) => Status::error(format!("copy failed: {e}")),
                        },
                    );
                }
                Effect::OpenLink { url } => {
                    state.status = Some(open_link(&url, options));
                }
                Effect::HandOff { text, editor } => {
                    state.status = hand_off(guard, &text, editor, options).err().map(|e| {
                        Status::error(format!("{}: {e}", handoff::program(editor).join(" ")))
                    });
                }
            }
        }
        if state.quit {
            break;
        }
        let sz = guard.terminal.size()?;
        if sz.width != state.size.width || sz.height != state.size.height {
            update(state, Action::Resize(sz.width, sz.height));
        }
        guard.terminal.draw(|f| view::draw(state, f))?;
    }
    Ok(())
}

/// Opens `url` with the configured link opener, in the background (its output discarded: it
/// must not draw over the screen), or copies it when no opener is configured. Says what happened.
fn open_link(url: &str, options: &TuiOptions) -> Status {
    let Some((program, args)) = options.link_opener.as_ref().and_then(|v| v.split_first()) else {
        let mut out = std::io::stdout();
        let in_tmux = std::env::var_os("TMUX").is_some();
        return match handoff::copy(&mut out, url, options.copy_file.as_deref(), in_tmux) {
            Ok(places) => Status::info(format!(
                "copied the link to {places}; set link_opener in config.toml to open links"
            )),
            Err(e) => Status::error(format!("copy failed: {e}")),
        };
    };
    let child = std::process::Command::new(program)
        .args(args)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match child {
        Ok(mut child) => {
            // Reaped in the background so no zombie is left.
            std::thread::spawn(move || child.wait());
            Status::info(format!("opened {url} with {program}"))
        }
        Err(e) => Status::error(format!("link_opener {program:?}: {e}")),
    }
}

/// Set while another program has the terminal: the input thread stops reading it.
static INPUT_PAUSED: AtomicBool = AtomicBool::new(false);
/// Set by the input thread once it has stopped reading.
static INPUT_IDLE: AtomicBool = AtomicBool::new(false);

/// Shows `text` in the pager (or editor): the input thread stops reading, the terminal goes
/// back to normal, the program runs on a temporary file, then the screen comes back as it was
/// (the state is untouched, so the reader is where it was).
fn hand_off(
    guard: &mut terminal::Guard,
    text: &str,
    editor: bool,
    options: &TuiOptions,
) -> std::io::Result<()> {
    let argv = handoff::program(editor);
    let mut file = tempfile::Builder::new()
        .prefix("qari-")
        .suffix(".txt")
        .tempfile()?;
    std::io::Write::write_all(&mut file, handoff::clean(text).as_bytes())?;
    INPUT_PAUSED.store(true, Ordering::SeqCst);
    for _ in 0..50 {
        if INPUT_IDLE.load(Ordering::SeqCst) {
            break;
        }
        thread::sleep(std::time::Duration::from_millis(10));
    }
    terminal::restore();
    let status = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .arg(file.path())
        .status();
    let back = guard.resume(options.mouse, options.bidi);
    INPUT_PAUSED.store(false, Ordering::SeqCst);
    back?;
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(std::io::Error::other(format!("exited with {s}"))),
        Err(e) => Err(e),
    }
}

fn apply(state: &mut State, m: Msg, options: &TuiOptions) {
    let action = match m {
        Msg::Action(a) => Some(a),
        Msg::Event(Event::Key(k)) => keys::handle_key(state, k),
        Msg::Event(Event::Mouse(m)) if options.mouse => keys::handle_mouse(m),
        Msg::Event(Event::Resize(w, h)) => Some(Action::Resize(w, h)),
        Msg::Event(_) => None,
    };
    if let Some(a) = action {
        update(state, a);
    }
}

fn spawn_loader<L>(loader: L, tx: Sender<Msg>)
where
    L: FnOnce(Progress<'_>) -> Result<Arc<dyn Source>, String> + Send + 'static,
{
    thread::spawn(move || {
        let last = std::sync::atomic::AtomicU64::new(u64::MAX);
        let ptx = std::sync::Mutex::new(tx.clone());
        let progress = |done: u64, total: u64| {
            // At most ~200 updates for the whole build.
            let step = (total / 200).max(1);
            let bucket = done / step;
            if last.swap(bucket, std::sync::atomic::Ordering::Relaxed) != bucket || done == total {
                if let Ok(t) = ptx.lock() {
                    let _ = t.send(Msg::Action(Action::IndexProgress { done, total }));
                }
            }
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| loader(&progress)));
        let msg = match outcome {
            Ok(Ok(src)) => Action::IndexReady(src),
            Ok(Err(e)) => Action::IndexFailed(e),
            Err(p) => Action::IndexFailed(format!(
                "the index build crashed: {}",
                terminal::panic_message(p.as_ref())
            )),
        };
        let _ = tx.send(Msg::Action(msg));
    });
}

fn spawn_input(tx: Sender<Msg>) {
    thread::spawn(move || loop {
        // While the pager has the terminal, leave its input alone.
        if INPUT_PAUSED.load(Ordering::SeqCst) {
            INPUT_IDLE.store(true, Ordering::SeqCst);
            thread::sleep(std::time::Duration::from_millis(20));
            continue;
        }
        INPUT_IDLE.store(false, Ordering::SeqCst);
        match event::poll(std::time::Duration::from_millis(50)) {
            Ok(false) => continue,
            Ok(true) => {}
            Err(_) => {
                let _ = tx.send(Msg::Action(Action::Quit));
                break;
            }
        }
        match event::read() {
            Ok(ev) => {
                if tx.send(Msg::Event(ev)).is_err() {
                    break;
                }
            }
            Err(_) => {
                // The terminal is gone (e.g. SSH dropped): quit rather than spin.
                let _ = tx.send(Msg::Action(Action::Quit));
                break;
            }
        }
    });
}

/// Every catchable signal whose default would end the process: each becomes a quit, so the
/// terminal is restored and the position saved (a raw SIGINT is not Ctrl-c: raw mode turns the
/// key into input, but `kill -INT` still arrives).
const QUIT_SIGNALS: &[i32] = &[
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGQUIT,
    signal_hook::consts::SIGUSR1,
    signal_hook::consts::SIGUSR2,
];

/// The signal that ended the TUI, 0 for none.
static QUIT_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The signal that ended the last [`run`], if one did: `main` exits with 128 + its number.
pub fn quit_signal() -> Option<i32> {
    Some(QUIT_SIGNAL.load(Ordering::SeqCst)).filter(|&s| s != 0)
}

fn spawn_signals(tx: Sender<Msg>) {
    if let Ok(mut signals) = signal_hook::iterator::Signals::new(QUIT_SIGNALS) {
        thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                QUIT_SIGNAL.store(sig, Ordering::SeqCst);
                let _ = tx.send(Msg::Action(Action::Quit));
            }
        });
    }
}

/// A worker that runs corpus searches, always skipping to the newest request queued.
fn spawn_search_worker(tx: Sender<Msg>) -> Sender<(u64, String, Arc<dyn Source>)> {
    let (stx, srx) = mpsc::channel::<(u64, String, Arc<dyn Source>)>();
    thread::spawn(move || {
        while let Ok(mut req) = srx.recv() {
            while let Ok(newer) = srx.try_recv() {
                req = newer;
            }
            let (generation, query, src) = req;
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                src.search(&query, SEARCH_LIMIT)
            }))
            .unwrap_or_else(|p| {
                Err(format!(
                    "search crashed: {}",
                    terminal::panic_message(p.as_ref())
                ))
            });
            if tx
                .send(Msg::Action(Action::SearchResults { generation, result }))
                .is_err()
            {
                break;
            }
        }
    });
    stx
}
