//! The key map: a key event becomes an [`Action`] (or nothing), depending only on the state's
//! mode (help, typing, which pane has focus). The table in [`HELP`] is what the help overlay
//! shows, so the two are kept side by side.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

use super::app::{Action, State};

/// Key help: (keys, what they do), shown by `?`/F1.
pub const HELP: &[(&str, &str)] = &[
    ("j / k / ↓ / ↑", "move or scroll one line"),
    ("g / G / Home / End", "top / bottom"),
    ("Space / PgDn", "page down"),
    ("b / PgUp", "page up"),
    ("d / u", "half page down / up"),
    ("Enter", "open; on an entity: filter the list"),
    ("Tab / Shift-Tab", "next / previous pane"),
    ("/", "search corpus · find in article"),
    ("n / N", "next / previous match or mention"),
    ("person: place: org:", "search prefixes for entities"),
    ("e", "show / hide the entity sidebar"),
    ("s", "cycle sort: newest, oldest, title"),
    ("Esc", "close · clear search/filter · back"),
    ("q", "back a level; quit from the list"),
    ("Ctrl-c", "quit"),
    ("? / F1", "this help"),
];

/// The one-line hint bar, most useful first; as many as fit are shown, `? help` always.
pub const HINTS: &[&str] = &[
    "j/k move",
    "Enter open",
    "/ search",
    "n/N match",
    "Tab pane",
    "e entities",
    "s sort",
    "q quit",
];

/// The hint bar for `width` columns.
pub fn hint_line(width: usize) -> String {
    let tail = "? help";
    let mut out = String::new();
    for h in HINTS {
        if out.len() + h.len() + 2 + tail.len() > width {
            break;
        }
        out.push_str(h);
        out.push_str("  ");
    }
    out.push_str(tail);
    out
}

/// Maps a key to an action for the current state.
pub fn handle_key(state: &State, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    if matches!(key.code, KeyCode::F(1)) {
        return Some(Action::ToggleHelp);
    }
    if state.help {
        return match key.code {
            KeyCode::Char('?') => Some(Action::ToggleHelp),
            KeyCode::Esc | KeyCode::Char('q') => Some(Action::Escape),
            _ => None,
        };
    }
    if state.editing() {
        return match key.code {
            KeyCode::Esc => Some(Action::Escape),
            KeyCode::Enter => Some(Action::InputSubmit),
            KeyCode::Backspace => Some(Action::InputBackspace),
            KeyCode::Char('u') if ctrl => Some(Action::InputClear),
            KeyCode::Char('n') if ctrl => Some(Action::Move(1)),
            KeyCode::Char('p') if ctrl => Some(Action::Move(-1)),
            KeyCode::Down => Some(Action::Move(1)),
            KeyCode::Up => Some(Action::Move(-1)),
            KeyCode::PageDown => Some(Action::Page(1)),
            KeyCode::PageUp => Some(Action::Page(-1)),
            KeyCode::Char(c) if !ctrl => Some(Action::InputChar(c)),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Char('j') | KeyCode::Down => Action::Move(1),
        KeyCode::Char('k') | KeyCode::Up => Action::Move(-1),
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char(' ') | KeyCode::PageDown => Action::Page(1),
        KeyCode::Char('f') if ctrl => Action::Page(1),
        KeyCode::Char('b') if ctrl => Action::Page(-1),
        KeyCode::Char('b') | KeyCode::PageUp => Action::Page(-1),
        KeyCode::Char('d') => Action::HalfPage(1),
        KeyCode::Char('u') => Action::HalfPage(-1),
        KeyCode::Enter => Action::Open,
        KeyCode::Tab => Action::FocusNext,
        KeyCode::BackTab => Action::FocusPrev,
        KeyCode::Char('/') => Action::StartSearch,
        KeyCode::Char('n') => Action::NextMatch,
        KeyCode::Char('N') => Action::PrevMatch,
        KeyCode::Char('e') => Action::ToggleSidebar,
        KeyCode::Char('s') => Action::CycleSort,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Esc => Action::Escape,
        KeyCode::Char('q') => Action::Back,
        _ => return None,
    })
}

/// Maps a mouse event (wheel, left click) to an action.
pub fn handle_mouse(m: MouseEvent) -> Option<Action> {
    let (col, row) = (m.column, m.row);
    match m.kind {
        MouseEventKind::ScrollDown => Some(Action::MouseScroll { col, row, delta: 1 }),
        MouseEventKind::ScrollUp => Some(Action::MouseScroll {
            col,
            row,
            delta: -1,
        }),
        MouseEventKind::Down(crossterm::event::MouseButton::Left) => {
            Some(Action::MouseClick { col, row })
        }
        _ => None,
    }
}
