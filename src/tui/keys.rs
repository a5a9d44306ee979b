//! Key and mouse events become [`Action`]s (or nothing), depending only on the state's mode
//! (help, typing, which pane has focus) and its key map ([`super::keymap`], the one table that
//! also makes the help). Reads the state, never changes it.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};

use super::action::Action;
use super::geometry::Focus;
use super::key::Key;
use super::keymap::{Command, Context};
use super::state::State;

/// Maps a key to an action for the current state.
pub fn handle_key(state: &State, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let k = Key::from_event(key);
    let map = &state.keymap;
    if let Some(c) = map.find(&[Context::Global], k, true) {
        return c.action();
    }
    if state.help {
        // The browsing keys that move also scroll the help when it is taller than the screen.
        let scrolls = |c: &Command| {
            use Command as C;
            matches!(
                c,
                C::MoveDown | C::MoveUp | C::PageDown | C::PageUp | C::Top | C::Bottom
            )
        };
        return map
            .find(&[Context::Help], k, false)
            .or_else(|| map.find(&[Context::Normal], k, false).filter(scrolls))
            .and_then(Command::action);
    }
    if state.links.is_some() {
        // The menu takes the moves, Enter, y and the keys that close the help.
        let menu = |c: &Command| {
            use Command as C;
            matches!(
                c,
                C::MoveDown
                    | C::MoveUp
                    | C::PageDown
                    | C::PageUp
                    | C::Top
                    | C::Bottom
                    | C::Open
                    | C::CopyParagraph
                    | C::Links
            )
        };
        return map
            .find(&[Context::Help], k, false)
            .or_else(|| map.find(&[Context::Normal], k, false).filter(menu))
            .and_then(Command::action);
    }
    if state.editing() {
        return match (map.find(&[Context::Input], k, true), key.code) {
            (Some(c), _) => c.action(),
            (None, KeyCode::Char(c)) if !k.ctrl => Some(Action::InputChar(c)),
            (None, _) => None,
        };
    }
    let pane = match state.focus {
        Focus::List => Context::List,
        Focus::Reader => Context::Reader,
        Focus::Sidebar => Context::Sidebar,
    };
    map.find(&[pane, Context::Normal], k, false)
        .and_then(Command::action)
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
