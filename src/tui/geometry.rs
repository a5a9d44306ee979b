//! Screen geometry: where each pane goes for a terminal size, the focused pane and the sidebar
//! choice. Computed from plain values, so `update` (page sizes, reader width, mouse hit-testing)
//! and `view::draw` read the same [`Areas`] without either asking the other.

use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};

/// Smallest usable terminal: below this only "terminal too small" is shown.
pub(crate) const MIN_WIDTH: u16 = 20;
/// Smallest usable height.
pub(crate) const MIN_HEIGHT: u16 = 5;
/// Under this width one pane fills the screen.
pub(crate) const NARROW: u16 = 70;
/// From this width the sidebar shows by default.
pub(crate) const SIDEBAR_AUTO: u16 = 100;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Article list (or search results).
    List,
    /// Reader.
    Reader,
    /// Entity sidebar.
    Sidebar,
}

/// Whether the sidebar is shown: by width, or as the user toggled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidebarPref {
    /// Shown from 100 columns.
    Auto,
    /// Shown (when it fits).
    Shown,
    /// Hidden.
    Hidden,
}

/// What the layout depends on besides the terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// Focused pane (narrow layouts show only it).
    pub focus: Focus,
    /// An article is open.
    pub reader_open: bool,
    /// Sidebar preference.
    pub sidebar: SidebarPref,
    /// The list's width beside an open article, as the user set it (`<`/`>`, `list_width`);
    /// `None`: three tenths of the screen.
    pub list_width: Option<u16>,
    /// `z`: the reader alone, full width (with the reader focused and an article open).
    pub zoom: bool,
}

/// Narrowest list beside an open article.
pub(crate) const MIN_LIST: u16 = 20;
/// Narrowest reader beside the list.
pub(crate) const MIN_READER: u16 = 30;

/// The list's width beside an open article on a screen `w` wide with a sidebar `side_w` wide:
/// the user's choice, or three tenths of the screen, kept between [`MIN_LIST`] and what leaves
/// the reader [`MIN_READER`] columns.
pub fn list_width(w: u16, side_w: u16, wanted: Option<u16>) -> u16 {
    let max = w.saturating_sub(side_w + MIN_READER).max(MIN_LIST);
    wanted
        .unwrap_or((w * 3 / 10).clamp(26, 50))
        .clamp(MIN_LIST, max)
}

/// Where everything goes on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    /// Below the minimum size.
    pub too_small: bool,
    /// One pane at a time.
    pub narrow: bool,
    /// List pane (with border) and its inside.
    pub list: Option<Rect>,
    /// Inside of the list pane.
    pub list_inner: Option<Rect>,
    /// Reader pane.
    pub reader: Option<Rect>,
    /// The reader is alone on screen without a border (`z`): nothing but text on its rows, so a
    /// one-line scroll moves whole terminal rows.
    pub zoomed: bool,
    /// Text area of the reader.
    pub reader_inner: Option<Rect>,
    /// Sidebar pane.
    pub sidebar: Option<Rect>,
    /// Inside of the sidebar.
    pub sidebar_inner: Option<Rect>,
    /// Status line.
    pub status: Rect,
    /// Hint bar (when there is room).
    pub hint: Option<Rect>,
}

fn inner(r: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(r)
}

fn reader_text_area(r: Rect) -> Rect {
    let i = inner(r);
    if i.width > 6 {
        Rect::new(i.x + 1, i.y, i.width - 2, i.height)
    } else {
        i
    }
}

/// Screen geometry for terminal `size` and `panes`.
pub fn areas(size: Rect, panes: Panes) -> Areas {
    let mut a = Areas::default();
    if size.width < MIN_WIDTH || size.height < MIN_HEIGHT {
        a.too_small = true;
        return a;
    }
    let (w, h) = (size.width, size.height);
    let hint_rows = u16::from(h >= 10);
    a.status = Rect::new(size.x, size.y + h - 1 - hint_rows, w, 1);
    if hint_rows == 1 {
        a.hint = Some(Rect::new(size.x, size.y + h - 1, w, 1));
    }
    let main = Rect::new(size.x, size.y, w, h - 1 - hint_rows);
    a.narrow = w < NARROW;
    if !panes.reader_open {
        // Nothing to read yet: the list has the whole screen, titles whole.
        a.list = Some(main);
    } else if panes.zoom && panes.focus == Focus::Reader {
        // Whole rows scroll with the terminal (`super::scroll`): a line costs tens of bytes.
        a.reader = Some(main);
        a.zoomed = true;
    } else if a.narrow {
        match panes.focus {
            Focus::Reader if panes.reader_open => a.reader = Some(main),
            Focus::Sidebar if panes.reader_open => a.sidebar = Some(main),
            _ => a.list = Some(main),
        }
    } else {
        let side_on = match panes.sidebar {
            SidebarPref::Auto => w >= SIDEBAR_AUTO,
            SidebarPref::Shown => true,
            SidebarPref::Hidden => false,
        };
        let side_w = if side_on { (w / 5).clamp(22, 32) } else { 0 };
        let list_w = list_width(w, side_w, panes.list_width);
        let reader_w = w - list_w - side_w;
        a.list = Some(Rect::new(main.x, main.y, list_w, main.height));
        a.reader = Some(Rect::new(main.x + list_w, main.y, reader_w, main.height));
        if side_on {
            a.sidebar = Some(Rect::new(
                main.x + list_w + reader_w,
                main.y,
                side_w,
                main.height,
            ));
        }
    }
    a.list_inner = a.list.map(inner);
    a.reader_inner = if a.zoomed {
        // No border: one blank column each side.
        a.reader
            .map(|r| Rect::new(r.x + 1, r.y, r.width.saturating_sub(2), r.height))
    } else {
        a.reader.map(reader_text_area)
    };
    a.sidebar_inner = a.sidebar.map(inner);
    a
}
