//! Keys as bound in the key map: parsed from `config.toml` spellings (`j`, `G`, `Ctrl-f`, `C-f`,
//! `Shift-Tab`, `PgDn`, `F1`, …) and labelled for the help overlay; a terminal event becomes the
//! same value, Shift folded into characters.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with its modifiers, as bound. Shift is part of a character (`G`), so it is kept only
/// for keys that are not characters (`Shift-Tab` is its own key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Control held.
    pub ctrl: bool,
    /// Alt held.
    pub alt: bool,
    /// Shift held (never for characters).
    pub shift: bool,
}

const NAMES: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("Shift-Tab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Space", KeyCode::Char(' ')),
    ("↑", KeyCode::Up),
    ("↓", KeyCode::Down),
    ("←", KeyCode::Left),
    ("→", KeyCode::Right),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PgUp", KeyCode::PageUp),
    ("PgDn", KeyCode::PageDown),
    ("Del", KeyCode::Delete),
    ("Ins", KeyCode::Insert),
];

/// Other spellings accepted in `config.toml` (lower case).
const ALIASES: &[(&str, KeyCode)] = &[
    ("ret", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("escape", KeyCode::Esc),
    ("backtab", KeyCode::BackTab),
    ("bs", KeyCode::Backspace),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
];

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    /// The key of a terminal event.
    pub fn from_event(e: KeyEvent) -> Key {
        let m = e.modifiers;
        Key {
            code: e.code,
            ctrl: m.contains(KeyModifiers::CONTROL),
            alt: m.contains(KeyModifiers::ALT),
            shift: m.contains(KeyModifiers::SHIFT)
                && !matches!(e.code, KeyCode::Char(_) | KeyCode::BackTab),
        }
    }

    /// The same key with only Ctrl kept, then with no modifier: what a press falls back to.
    pub(super) fn fallbacks(self) -> [Key; 3] {
        let ctrl_only = Key {
            alt: false,
            shift: false,
            ..self
        };
        [self, ctrl_only, Key::plain(self.code)]
    }

    /// As the help shows it (and as `config.toml` may spell it).
    pub fn label(self) -> String {
        let mut s = String::new();
        for (on, m) in [
            (self.ctrl, "Ctrl-"),
            (self.alt, "Alt-"),
            (self.shift, "Shift-"),
        ] {
            if on {
                s.push_str(m);
            }
        }
        match NAMES.iter().find(|(_, c)| *c == self.code) {
            Some((name, _)) => s.push_str(name),
            None => match self.code {
                KeyCode::Char(c) => s.push(c),
                KeyCode::F(n) => s.push_str(&format!("F{n}")),
                other => s.push_str(&format!("{other:?}")),
            },
        }
        s
    }
}

impl std::str::FromStr for Key {
    type Err = String;

    /// Parses `j`, `G`, `Ctrl-f`, `C-f`, `Shift-Tab`, `PgDn`, `F1`, … (names in any case).
    fn from_str(s: &str) -> Result<Key, String> {
        let mut key = Key::plain(KeyCode::Null);
        let mut rest = s;
        loop {
            if rest.chars().count() <= 1 {
                break;
            }
            let lower = rest.to_lowercase();
            let prefix = ["ctrl-", "c-", "alt-", "a-", "shift-", "s-"]
                .into_iter()
                .find(|p| lower.starts_with(p));
            match prefix {
                Some(p) => {
                    match p.as_bytes()[0] {
                        b'c' => key.ctrl = true,
                        b'a' => key.alt = true,
                        _ => key.shift = true,
                    }
                    rest = &rest[p.len()..];
                }
                None => break,
            }
        }
        let lower = rest.to_lowercase();
        let named = NAMES
            .iter()
            .find(|(n, _)| n.to_lowercase() == lower)
            .or_else(|| ALIASES.iter().find(|(n, _)| *n == lower))
            .map(|(_, c)| *c);
        key.code = if let Some(c) = named {
            c
        } else if let Some(n) = lower
            .strip_prefix('f')
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=12).contains(n))
        {
            KeyCode::F(n)
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => KeyCode::Char(c),
                (None, _) => return Err(format!("empty key in {s:?}")),
                _ => return Err(format!("unknown key name {rest:?} in {s:?}")),
            }
        };
        match key.code {
            KeyCode::Tab if key.shift => key.code = KeyCode::BackTab,
            KeyCode::Char(c) if key.shift => key.code = KeyCode::Char(c.to_ascii_uppercase()),
            _ => {}
        }
        if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
            key.shift = false;
        }
        Ok(key)
    }
}
