//! What can happen to the TUI ([`Action`]: a key, a resize, a worker's answer) and the work it
//! asks the runtime to do off the UI thread ([`Effect`]).

use std::sync::Arc;

use super::source::{SearchResults, Source};

/// How many hits a corpus search asks for: about three screens of results. Each hit costs a
/// stored-document read and a snippet, and this runs on every keystroke.
pub const SEARCH_LIMIT: usize = 50;

/// Something that happened: a key, a resize, a result from a worker.
#[derive(Debug, Clone)]
pub enum Action {
    /// Leave the program (Ctrl-c; SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1/2).
    Quit,
    /// `q`: back a level (reader → list → article closed), then quit.
    Back,
    /// `Esc`: close the help or the input, clear a search or filter, or go back.
    Escape,
    /// Move the selection or scroll by this many rows.
    Move(isize),
    /// Go to the top.
    Top,
    /// Go to the bottom.
    Bottom,
    /// Whole pages (+1 down, -1 up).
    Page(isize),
    /// Half pages (+1 down, -1 up).
    HalfPage(isize),
    /// `Enter`: open the selected article or hit, or filter by the selected entity.
    Open,
    /// `Tab`.
    FocusNext,
    /// `Shift-Tab`.
    FocusPrev,
    /// `e`: show or hide the entity sidebar.
    ToggleSidebar,
    /// `s`: cycle the list's sort order.
    CycleSort,
    /// `F`: cycle the list between all, unread and starred articles.
    CycleView,
    /// `m`: mark the selected (or open) article read or unread.
    ToggleRead,
    /// `*`: star or unstar the selected (or open) article.
    ToggleStar,
    /// `<` / `>`: make the list narrower (-1) or wider (+1) beside an open article.
    ResizeList(i8),
    /// `y`: copy the paragraph being read; `Y` (`whole`): the whole article.
    Copy {
        /// The whole article (title, source, date, text) rather than one paragraph.
        whole: bool,
    },
    /// `o`: open the article in the pager; `O` (`editor`): in the editor.
    HandOff {
        /// `$EDITOR` rather than `$PAGER`.
        editor: bool,
    },
    /// `L`: the open article's links, in a menu (Enter opens one, `y` copies it).
    Links,
    /// `z`: the reader alone, full width, or back to all panes.
    ToggleZoom,
    /// `?` / `F1`.
    ToggleHelp,
    /// `/`: search the corpus (from the list) or find in the article (from the reader).
    StartSearch,
    /// A character typed into the search input.
    InputChar(char),
    /// A cursor move or deletion in the input (Left, Backspace, Ctrl-w…).
    InputEdit(super::input::Edit),
    /// Up (-1) or Down (+1) in the input: the query before or after in the history.
    History(isize),
    /// Enter in the input.
    InputSubmit,
    /// `n`.
    NextMatch,
    /// `N`.
    PrevMatch,
    /// The terminal is now this size (columns, rows).
    Resize(u16, u16),
    /// Mouse wheel at a cell: +1 down, -1 up.
    MouseScroll {
        /// Column.
        col: u16,
        /// Row.
        row: u16,
        /// Direction.
        delta: isize,
    },
    /// Left click at a cell.
    MouseClick {
        /// Column.
        col: u16,
        /// Row.
        row: u16,
    },
    /// Index build progress.
    IndexProgress {
        /// Articles done.
        done: u64,
        /// Articles in all.
        total: u64,
    },
    /// The index is ready: data can be read.
    IndexReady(Arc<dyn Source>),
    /// The index could not be built or opened.
    IndexFailed(String),
    /// A corpus search finished.
    SearchResults {
        /// Generation the search was started with; stale generations are dropped.
        generation: u64,
        /// Hits and counts, or an error message.
        result: Result<SearchResults, String>,
    },
}

/// A data source shows in debug output by name only: its contents are the whole corpus.
impl std::fmt::Debug for dyn Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Source(..)")
    }
}

/// Work for the runtime to do off the UI thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Run a corpus search and answer with [`Action::SearchResults`].
    Search {
        /// Generation to answer with.
        generation: u64,
        /// The query as typed.
        query: String,
    },
    /// Write read state and reading positions to the state dir.
    SaveState,
    /// Put `text` on the clipboard (and the copy file); `what` names it in the status line.
    Copy {
        /// The text, logical order.
        text: String,
        /// What it is ("paragraph", "article").
        what: String,
    },
    /// Open `url` with the configured `link_opener` (copy it when there is none).
    OpenLink {
        /// A web address (checked by `text::urls`).
        url: String,
    },
    /// Suspend the screen, show `text` in the pager (or the editor), come back.
    HandOff {
        /// The article, logical order.
        text: String,
        /// `$EDITOR` rather than `$PAGER`.
        editor: bool,
    },
}
