//! The key map as data: one table of (context, key, command) that drives both key handling
//! ([`super::keys::handle_key`]) and the help overlay and hint bar, so they cannot disagree.
//!
//! [`DEFAULT`] is the table qari ships. `config.toml` can change it in a `[keys]` section, one
//! sub-table per context, each entry `"key" = "command"` (as helix and yazi keymaps do):
//!
//! ```toml
//! [keys.normal]
//! "J" = "page_down"        # add a key
//! "s" = "none"             # unbind a key
//! [keys.reader]
//! "Ctrl-d" = "half_page_down"   # only while the reader has focus
//! [keys.input]
//! "Ctrl-w" = "input_clear"
//! ```
//!
//! An entry replaces the binding of the same key in the same context, or adds one; every other
//! default binding stays. Contexts, checked in this order:
//!
//! - `global`: in every mode, typing included (`Ctrl-c`, `F1`);
//! - `help`: while the help overlay is open;
//! - `input`: while typing a search or a find (a character no entry claims is typed);
//! - `list`, `reader`, `sidebar`: while that pane has focus, before `normal`;
//! - `normal`: browsing, in any pane.
//!
//! Keys: a character as itself (`"j"`, `"G"`, `"/"`), or a name: `Enter`, `Esc`, `Tab`,
//! `Shift-Tab`, `Backspace`, `Space`, `Up`/`Down`/`Left`/`Right` (or `↑` `↓` `←` `→`), `Home`,
//! `End`, `PgUp`, `PgDn`, `Del`, `Ins`, `F1`…`F12`; with `Ctrl-`, `Alt-`, `Shift-` in front
//! (`C-`, `A-`, `S-` also work; names are not case-sensitive). A key pressed with a modifier that
//! no entry names falls back to the same key without it, as qari always did (`Ctrl-j` moves like
//! `j`), except that a `Ctrl-` character never types into the input.
//!
//! Commands are the names of [`Command`] (`move_down`, `page_up`, `search`, …, `none` to unbind).
//! An unknown context, command or key is an error that names it, reported by the config layer.

use crossterm::event::KeyCode;
use strum::{EnumMessage, IntoEnumIterator};

use super::action::Action;
use super::input::Edit;
use super::key::Key;

/// Where a binding applies.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Context {
    /// In every mode.
    Global,
    /// While the help overlay is open.
    Help,
    /// While typing a search or a find.
    Input,
    /// Browsing, any pane.
    Normal,
    /// The list has focus (checked before `normal`).
    List,
    /// The reader has focus (checked before `normal`).
    Reader,
    /// The sidebar has focus (checked before `normal`).
    Sidebar,
}

/// What a key can be bound to: the actions a key stands for, by their names in `config.toml`.
/// The message is what the help overlay says of a key bound to it alone.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumMessage,
)]
#[strum(serialize_all = "snake_case")]
pub enum Command {
    /// Leave the program.
    #[strum(message = "quit")]
    Quit,
    /// Back a level (reader → list → article closed), then quit.
    #[strum(message = "back a level (reader, list, close); quit")]
    Back,
    /// Close the help or the input, clear a search or filter, or go back.
    #[strum(message = "close · clear search/filter · back")]
    Escape,
    /// One line down.
    #[strum(message = "move or scroll down one line")]
    MoveDown,
    /// One line up.
    #[strum(message = "move or scroll up one line")]
    MoveUp,
    /// To the top.
    #[strum(message = "top")]
    Top,
    /// To the bottom.
    #[strum(message = "bottom")]
    Bottom,
    /// A page down.
    #[strum(message = "page down")]
    PageDown,
    /// A page up.
    #[strum(message = "page up")]
    PageUp,
    /// Half a page down.
    #[strum(message = "half page down")]
    HalfPageDown,
    /// Half a page up.
    #[strum(message = "half page up")]
    HalfPageUp,
    /// Open the selected article or hit, or filter by the selected entity.
    #[strum(message = "open; on an entity: filter the list")]
    Open,
    /// Next pane.
    #[strum(message = "next pane")]
    FocusNext,
    /// Previous pane.
    #[strum(message = "previous pane")]
    FocusPrev,
    /// Show or hide the entity sidebar.
    #[strum(message = "show / hide the entity sidebar")]
    ToggleSidebar,
    /// Cycle the list's sort order.
    #[strum(message = "cycle sort: newest, oldest, title")]
    CycleSort,
    /// Copy the paragraph being read.
    #[strum(message = "copy the paragraph (OSC 52)")]
    CopyParagraph,
    /// Copy the whole article.
    #[strum(message = "copy the article")]
    CopyArticle,
    /// Open the article in the pager.
    #[strum(message = "open the article in $PAGER")]
    Pager,
    /// Open the article in the editor.
    #[strum(message = "open the article in $EDITOR")]
    Editor,
    /// Show all, unread or starred articles.
    #[strum(message = "list: all, unread, starred")]
    CycleView,
    /// Mark read or unread.
    #[strum(message = "mark read / unread")]
    ToggleRead,
    /// Star or unstar.
    #[strum(message = "star / unstar")]
    ToggleStar,
    /// The open article's web addresses, to open or copy.
    #[strum(message = "the article's links: Enter opens, y copies")]
    Links,
    /// The reader alone, full width.
    #[strum(message = "the reader alone, full width")]
    Zoom,
    /// A narrower list beside the article.
    #[strum(message = "narrower list")]
    NarrowList,
    /// A wider list beside the article.
    #[strum(message = "wider list")]
    WidenList,
    /// Show or hide the help.
    #[strum(message = "this help")]
    ToggleHelp,
    /// Search the corpus (list) or find in the article (reader).
    #[strum(message = "search the corpus · find in the article")]
    Search,
    /// Next match or mention.
    #[strum(message = "next match or mention")]
    NextMatch,
    /// Previous match or mention.
    #[strum(message = "previous match or mention")]
    PrevMatch,
    /// Done typing: open the selected hit, or keep the find's matches.
    #[strum(message = "typing: open the hit · keep the matches")]
    InputSubmit,
    /// Delete the character before the cursor.
    #[strum(message = "typing: delete a character")]
    InputBackspace,
    /// Delete everything before the cursor (the whole input when it is at the end).
    #[strum(message = "typing: delete to the start")]
    InputClear,
    /// Delete the character at the cursor.
    #[strum(message = "typing: delete the character at the cursor")]
    InputDelete,
    /// Delete the word before the cursor.
    #[strum(message = "typing: delete a word")]
    InputDeleteWord,
    /// Cursor one character left on screen.
    #[strum(message = "typing: cursor left")]
    InputLeft,
    /// Cursor one character right on screen.
    #[strum(message = "typing: cursor right")]
    InputRight,
    /// Cursor to the start.
    #[strum(message = "typing: cursor to the start")]
    InputHome,
    /// Cursor to the end.
    #[strum(message = "typing: cursor to the end")]
    InputEnd,
    /// The query before in the history.
    #[strum(message = "typing: earlier query")]
    HistoryPrev,
    /// The query after in the history.
    #[strum(message = "typing: later query")]
    HistoryNext,
    /// Nothing: unbinds the key.
    #[strum(message = "nothing")]
    None,
}

impl Command {
    /// The action the command stands for (`None` for [`Command::None`]).
    pub fn action(self) -> Option<Action> {
        Some(match self {
            Command::Quit => Action::Quit,
            Command::Back => Action::Back,
            Command::Escape => Action::Escape,
            Command::MoveDown => Action::Move(1),
            Command::MoveUp => Action::Move(-1),
            Command::Top => Action::Top,
            Command::Bottom => Action::Bottom,
            Command::PageDown => Action::Page(1),
            Command::PageUp => Action::Page(-1),
            Command::HalfPageDown => Action::HalfPage(1),
            Command::HalfPageUp => Action::HalfPage(-1),
            Command::Open => Action::Open,
            Command::FocusNext => Action::FocusNext,
            Command::FocusPrev => Action::FocusPrev,
            Command::ToggleSidebar => Action::ToggleSidebar,
            Command::CycleSort => Action::CycleSort,
            Command::CycleView => Action::CycleView,
            Command::ToggleRead => Action::ToggleRead,
            Command::ToggleStar => Action::ToggleStar,
            Command::CopyParagraph => Action::Copy { whole: false },
            Command::CopyArticle => Action::Copy { whole: true },
            Command::Pager => Action::HandOff { editor: false },
            Command::Editor => Action::HandOff { editor: true },
            Command::Links => Action::Links,
            Command::Zoom => Action::ToggleZoom,
            Command::NarrowList => Action::ResizeList(-1),
            Command::WidenList => Action::ResizeList(1),
            Command::ToggleHelp => Action::ToggleHelp,
            Command::Search => Action::StartSearch,
            Command::NextMatch => Action::NextMatch,
            Command::PrevMatch => Action::PrevMatch,
            Command::InputSubmit => Action::InputSubmit,
            Command::InputBackspace => Action::InputEdit(Edit::Backspace),
            Command::InputClear => Action::InputEdit(Edit::DeleteToStart),
            Command::InputDelete => Action::InputEdit(Edit::Delete),
            Command::InputDeleteWord => Action::InputEdit(Edit::DeleteWord),
            Command::InputLeft => Action::InputEdit(Edit::Left),
            Command::InputRight => Action::InputEdit(Edit::Right),
            Command::InputHome => Action::InputEdit(Edit::Home),
            Command::InputEnd => Action::InputEdit(Edit::End),
            Command::HistoryPrev => Action::History(-1),
            Command::HistoryNext => Action::History(1),
            Command::None => return None,
        })
    }

    fn name(self) -> &'static str {
        self.into()
    }

    /// Commands that act on the input line only, and so may be bound only where it is typed.
    fn input_only(self) -> bool {
        matches!(
            self,
            Command::InputSubmit
                | Command::InputBackspace
                | Command::InputClear
                | Command::InputDelete
                | Command::InputDeleteWord
                | Command::InputLeft
                | Command::InputRight
                | Command::InputHome
                | Command::InputEnd
                | Command::HistoryPrev
                | Command::HistoryNext
        )
    }
}

use Command as C;
use Context as X;

/// The default key map: (context, key, command). Order matters only for display: the help
/// lists a row's keys in this order, and the hint bar shows a command's first key.
pub const DEFAULT: &[(Context, &str, Command)] = &[
    (X::Normal, "j", C::MoveDown),
    (X::Normal, "k", C::MoveUp),
    (X::Normal, "Down", C::MoveDown),
    (X::Normal, "Up", C::MoveUp),
    (X::Normal, "g", C::Top),
    (X::Normal, "G", C::Bottom),
    (X::Normal, "Home", C::Top),
    (X::Normal, "End", C::Bottom),
    (X::Normal, "Space", C::PageDown),
    (X::Normal, "PgDn", C::PageDown),
    (X::Normal, "Ctrl-f", C::PageDown),
    (X::Normal, "b", C::PageUp),
    (X::Normal, "PgUp", C::PageUp),
    (X::Normal, "Ctrl-b", C::PageUp),
    (X::Normal, "d", C::HalfPageDown),
    (X::Normal, "u", C::HalfPageUp),
    (X::Normal, "Enter", C::Open),
    (X::Normal, "Tab", C::FocusNext),
    (X::Normal, "Shift-Tab", C::FocusPrev),
    (X::Normal, "/", C::Search),
    (X::Normal, "n", C::NextMatch),
    (X::Normal, "N", C::PrevMatch),
    (X::Normal, "e", C::ToggleSidebar),
    (X::Normal, "s", C::CycleSort),
    (X::Normal, "F", C::CycleView),
    (X::Normal, "m", C::ToggleRead),
    (X::Normal, "*", C::ToggleStar),
    (X::Normal, "y", C::CopyParagraph),
    (X::Normal, "Y", C::CopyArticle),
    (X::Normal, "L", C::Links),
    (X::Normal, "z", C::Zoom),
    (X::Normal, "o", C::Pager),
    (X::Normal, "O", C::Editor),
    (X::Normal, "<", C::NarrowList),
    (X::Normal, ">", C::WidenList),
    (X::Normal, "Esc", C::Escape),
    (X::Normal, "q", C::Back),
    (X::Normal, "?", C::ToggleHelp),
    (X::Input, "Esc", C::Escape),
    (X::Input, "Enter", C::InputSubmit),
    (X::Input, "Backspace", C::InputBackspace),
    (X::Input, "Ctrl-u", C::InputClear),
    (X::Input, "Del", C::InputDelete),
    (X::Input, "Ctrl-w", C::InputDeleteWord),
    (X::Input, "Left", C::InputLeft),
    (X::Input, "Right", C::InputRight),
    (X::Input, "Home", C::InputHome),
    (X::Input, "Ctrl-a", C::InputHome),
    (X::Input, "End", C::InputEnd),
    (X::Input, "Ctrl-e", C::InputEnd),
    (X::Input, "Up", C::HistoryPrev),
    (X::Input, "Down", C::HistoryNext),
    (X::Input, "Ctrl-n", C::MoveDown),
    (X::Input, "Ctrl-p", C::MoveUp),
    (X::Input, "PgDn", C::PageDown),
    (X::Input, "PgUp", C::PageUp),
    (X::Help, "Esc", C::Escape),
    (X::Help, "q", C::Escape),
    (X::Help, "?", C::ToggleHelp),
    (X::Global, "Ctrl-c", C::Quit),
    (X::Global, "F1", C::ToggleHelp),
];

/// How the help groups bindings into rows: the keys bound in these contexts to these commands,
/// then what they do. A binding no row covers gets a row of its own (the command's message).
const HELP_ROWS: &[(&[Context], &[Command], &str)] = &[
    (
        &[X::Normal],
        &[C::MoveDown, C::MoveUp],
        "move or scroll one line",
    ),
    (&[X::Normal], &[C::Top, C::Bottom], "top / bottom"),
    (&[X::Normal], &[C::PageDown], "page down"),
    (&[X::Normal], &[C::PageUp], "page up"),
    (
        &[X::Normal],
        &[C::HalfPageDown, C::HalfPageUp],
        "half page down / up",
    ),
    (
        &[X::Normal],
        &[C::Open],
        "open; on an entity: filter the list",
    ),
    (
        &[X::Normal],
        &[C::FocusNext, C::FocusPrev],
        "next / previous pane",
    ),
    (
        &[X::Normal],
        &[C::Search],
        "search (person: place: org:) · find",
    ),
    (
        &[X::Normal],
        &[C::NextMatch, C::PrevMatch],
        "next / previous match or mention",
    ),
    (
        &[X::Normal],
        &[C::ToggleSidebar],
        "show / hide the entity sidebar",
    ),
    (
        &[X::Normal],
        &[C::CycleSort],
        "cycle sort: newest, oldest, title",
    ),
    (
        &[X::Normal],
        &[C::ToggleRead, C::ToggleStar],
        "mark read / unread · star",
    ),
    (&[X::Normal], &[C::CycleView], "list: all, unread, starred"),
    (
        &[X::Normal],
        &[C::CopyParagraph, C::CopyArticle],
        "copy the paragraph / the article",
    ),
    (
        &[X::Normal],
        &[C::Pager, C::Editor],
        "the article in $PAGER / $EDITOR",
    ),
    (&[X::Normal], &[C::Links], "links: Enter opens, y copies"),
    (&[X::Normal], &[C::Zoom], "the reader alone, full width"),
    (
        &[X::Normal],
        &[C::NarrowList, C::WidenList],
        "narrower / wider list (config: list_width)",
    ),
    (
        &[X::Normal],
        &[C::Escape],
        "close · clear search/filter · back",
    ),
    (
        &[X::Normal],
        &[C::Back],
        "back a level (reader, list, close); quit",
    ),
    (&[X::Global], &[C::Quit], "quit"),
    (&[X::Normal, X::Global], &[C::ToggleHelp], "this help"),
    (
        &[X::Input],
        &[C::MoveDown, C::MoveUp],
        "typing: move the selection",
    ),
    (
        &[X::Input],
        &[C::InputBackspace, C::InputDelete],
        "typing: delete before / at the cursor",
    ),
    (
        &[X::Input],
        &[C::InputDeleteWord, C::InputClear],
        "typing: delete a word / to the start",
    ),
    (
        &[X::Input],
        &[C::InputLeft, C::InputRight, C::InputHome, C::InputEnd],
        "typing: move the cursor",
    ),
    (
        &[X::Input],
        &[C::HistoryPrev, C::HistoryNext],
        "typing: earlier / later queries",
    ),
    (
        &[X::Input],
        &[C::InputSubmit],
        "typing: open hit · keep matches",
    ),
];

/// The hint bar, most useful first: the first key of each command, then a word.
const HINTS: &[(&[Command], &str)] = &[
    (&[C::MoveDown, C::MoveUp], "move"),
    (&[C::Open], "open"),
    (&[C::Search], "search"),
    (&[C::NextMatch, C::PrevMatch], "match"),
    (&[C::FocusNext], "pane"),
    (&[C::ToggleSidebar], "entities"),
    (&[C::CycleSort], "sort"),
    (&[C::Back], "quit"),
];

/// One binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// Where it applies.
    pub context: Context,
    /// The key.
    pub key: Key,
    /// What it does.
    pub command: Command,
}

/// The `[keys]` section of `config.toml` as written: context → key → command name.
pub type KeyConfig = std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

/// The key map in use, with the help rows and hints made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    bindings: Vec<Binding>,
    help: Vec<(String, String)>,
    help_footer: String,
    hints: Vec<String>,
    hint_tail: String,
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap::from_bindings(default_bindings())
    }
}

fn default_bindings() -> Vec<Binding> {
    DEFAULT
        .iter()
        .map(|&(context, key, command)| Binding {
            context,
            // The table is tested to parse; a key that did not would be dropped, not panic.
            key: key.parse().unwrap_or(Key::plain(KeyCode::Null)),
            command,
        })
        .filter(|b| b.key.code != KeyCode::Null)
        .collect()
}

impl KeyMap {
    /// The default map with the `[keys]` entries of `config.toml` applied. Every unknown
    /// context, key or command is reported, by name, in one message.
    pub fn with_config(config: &KeyConfig) -> Result<KeyMap, String> {
        let mut bindings = default_bindings();
        let mut errors = Vec::new();
        for (ctx, entries) in config {
            let Ok(context) = ctx.parse::<Context>() else {
                let all: Vec<&str> = Context::iter().map(Into::into).collect();
                errors.push(format!(
                    "[keys.{ctx}]: unknown context {ctx:?} (one of {})",
                    all.join(", ")
                ));
                continue;
            };
            for (k, cmd) in entries {
                let key = match k.parse::<Key>() {
                    Ok(key) => key,
                    Err(e) => {
                        errors.push(format!("[keys.{ctx}] {k:?}: {e}"));
                        continue;
                    }
                };
                let Ok(command) = cmd.parse::<Command>() else {
                    let all: Vec<&str> = Command::iter().map(Command::name).collect();
                    errors.push(format!(
                        "[keys.{ctx}] {k:?}: unknown action {cmd:?} (one of {})",
                        all.join(", ")
                    ));
                    continue;
                };
                if command.input_only() && !matches!(context, X::Input | X::Global) {
                    errors.push(format!(
                        "[keys.{ctx}] {k:?}: {cmd} works only in [keys.input]"
                    ));
                    continue;
                }
                let b = Binding {
                    context,
                    key,
                    command,
                };
                match bindings
                    .iter_mut()
                    .find(|x| x.context == context && x.key == key)
                {
                    Some(x) => *x = b,
                    None => bindings.push(b),
                }
            }
        }
        if errors.is_empty() {
            Ok(KeyMap::from_bindings(bindings))
        } else {
            Err(errors.join("; "))
        }
    }

    fn from_bindings(bindings: Vec<Binding>) -> KeyMap {
        let (help, help_footer) = help_rows(&bindings);
        let first_key = |c: Command, ctxs: &[Context]| {
            bindings
                .iter()
                .find(|b| b.command == c && ctxs.contains(&b.context))
                .map(|b| b.key.label())
        };
        let hints = HINTS
            .iter()
            .filter_map(|(cmds, word)| {
                let keys: Vec<String> = cmds
                    .iter()
                    .filter_map(|&c| first_key(c, &[X::Normal]))
                    .collect();
                (!keys.is_empty()).then(|| format!("{} {word}", keys.join("/")))
            })
            .collect();
        let hint_tail = first_key(C::ToggleHelp, &[X::Normal])
            .or_else(|| first_key(C::ToggleHelp, &[X::Global]))
            .map_or_else(String::new, |k| format!("{k} help"));
        KeyMap {
            bindings,
            help,
            help_footer,
            hints,
            hint_tail,
        }
    }

    /// Every binding, in table order.
    #[cfg(test)]
    pub(crate) fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The command for `key` in the first of `contexts` that binds it: exact modifiers first,
    /// then with only Ctrl kept, then with none (the last step not for characters when
    /// `chars_exact`, so that a Ctrl- character never types).
    pub fn find(&self, contexts: &[Context], key: Key, chars_exact: bool) -> Option<Command> {
        let [exact, ctrl_only, plain] = key.fallbacks();
        let mut tries = vec![exact];
        if ctrl_only != exact {
            tries.push(ctrl_only);
        }
        let char_key = matches!(key.code, KeyCode::Char(_));
        if plain != ctrl_only && !(chars_exact && char_key) {
            tries.push(plain);
        }
        tries.into_iter().find_map(|k| {
            contexts.iter().find_map(|&c| {
                self.bindings
                    .iter()
                    .find(|b| b.context == c && b.key == k)
                    .map(|b| b.command)
            })
        })
    }

    /// The help overlay's rows: (keys, what they do).
    pub fn help_rows(&self) -> &[(String, String)] {
        &self.help
    }

    /// The help overlay's last line: the keys that close it.
    pub fn help_footer(&self) -> &str {
        &self.help_footer
    }

    /// The hint bar for `width` columns: as many hints as fit, the help key always.
    pub fn hint_line(&self, width: usize) -> String {
        let tail = &self.hint_tail;
        let mut out = String::new();
        for h in &self.hints {
            if out.len() + h.len() + 2 + tail.len() > width {
                break;
            }
            out.push_str(h);
            out.push_str("  ");
        }
        out.push_str(tail);
        out
    }
}

/// Help rows from the bindings: [`HELP_ROWS`] first, a key already shown for the same command
/// (the same `Esc` in two contexts) not repeated; then a row for each binding left over. The
/// `help` context's closing keys go in the footer.
fn help_rows(bindings: &[Binding]) -> (Vec<(String, String)>, String) {
    let mut shown: Vec<(Key, Command)> = Vec::new();
    let mut covered = vec![false; bindings.len()];
    let mut rows = Vec::new();
    for (ctxs, cmds, what) in HELP_ROWS {
        let mut keys = Vec::new();
        for (i, b) in bindings.iter().enumerate() {
            if ctxs.contains(&b.context) && cmds.contains(&b.command) {
                covered[i] = true;
                if !shown.contains(&(b.key, b.command)) {
                    shown.push((b.key, b.command));
                    keys.push(b.key.label());
                }
            }
        }
        if !keys.is_empty() {
            rows.push((keys.join(" / "), what.to_string()));
        }
    }
    let mut closing = Vec::new();
    for (i, b) in bindings.iter().enumerate() {
        if covered[i] || b.command == C::None {
            continue;
        }
        if b.context == X::Help && matches!(b.command, C::Escape | C::Back | C::ToggleHelp) {
            closing.push(b.key.label());
            continue;
        }
        if shown.contains(&(b.key, b.command)) {
            continue;
        }
        shown.push((b.key, b.command));
        let what = b.command.get_message().unwrap_or_default();
        let what = match b.context {
            X::Normal | X::Global => what.to_string(),
            X::Input => format!("typing: {}", what.trim_start_matches("typing: ")),
            other => format!("{what} (in the {other})"),
        };
        rows.push((b.key.label(), what));
    }
    let footer = match closing.split_last() {
        None => String::new(),
        Some((last, [])) => format!("{last} closes"),
        Some((last, rest)) => format!("{} or {last} closes", rest.join(", ")),
    };
    (rows, footer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEvent, KeyModifiers};

    fn ev(code: KeyCode, m: KeyModifiers) -> Key {
        Key::from_event(KeyEvent::new(code, m))
    }

    fn config(ctx: &str, key: &str, cmd: &str) -> KeyConfig {
        let mut c = KeyConfig::new();
        c.entry(ctx.into())
            .or_default()
            .insert(key.into(), cmd.into());
        c
    }

    #[test]
    fn the_default_table_parses_and_labels_round_trip() {
        assert_eq!(default_bindings().len(), DEFAULT.len());
        for (_, k, _) in DEFAULT {
            let key: Key = k.parse().unwrap();
            assert_eq!(key.label().parse::<Key>(), Ok(key), "{k}");
        }
        for (s, want) in [
            ("C-f", ev(KeyCode::Char('f'), KeyModifiers::CONTROL)),
            ("ctrl-F", ev(KeyCode::Char('F'), KeyModifiers::CONTROL)),
            ("S-tab", ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            ("pagedown", ev(KeyCode::PageDown, KeyModifiers::NONE)),
            ("f12", ev(KeyCode::F(12), KeyModifiers::NONE)),
            ("-", ev(KeyCode::Char('-'), KeyModifiers::NONE)),
            ("G", ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            ("Alt-Down", ev(KeyCode::Down, KeyModifiers::ALT)),
        ] {
            assert_eq!(s.parse::<Key>(), Ok(want), "{s}");
        }
    }

    #[test]
    fn an_override_replaces_adds_and_unbinds() {
        let mut c = config("reader", "J", "move_down");
        c.entry("normal".into())
            .or_default()
            .insert("s".into(), "none".into());
        c.entry("normal".into())
            .or_default()
            .insert("Ctrl-d".into(), "page_down".into());
        let m = KeyMap::with_config(&c).unwrap();
        let j = "J".parse().unwrap();
        assert_eq!(m.find(&[X::Reader, X::Normal], j, false), Some(C::MoveDown));
        assert_eq!(m.find(&[X::List, X::Normal], j, false), None);
        let s = "s".parse().unwrap();
        assert_eq!(m.find(&[X::Normal], s, false), Some(C::None));
        let cd = "Ctrl-d".parse().unwrap();
        assert_eq!(m.find(&[X::Normal], cd, false), Some(C::PageDown));
        // Defaults stay.
        assert_eq!(
            m.find(&[X::Normal], "j".parse().unwrap(), false),
            Some(C::MoveDown)
        );
        // The help says so.
        let help = m.help_rows();
        assert!(help
            .iter()
            .any(|(k, what)| k == "J" && what.contains("(in the reader)")));
        assert!(!help.iter().any(|(k, _)| k == "s"), "{help:?}");
    }

    #[test]
    fn unknown_names_are_reported_by_name() {
        let e = KeyMap::with_config(&config("reader", "J", "mvoe_down")).unwrap_err();
        assert!(
            e.contains("mvoe_down") && e.contains("[keys.reader]"),
            "{e}"
        );
        assert!(e.contains("move_down"), "lists the actions: {e}");
        let e = KeyMap::with_config(&config("normal", "Ctrl-Foo", "top")).unwrap_err();
        assert!(e.contains("\"Foo\""), "{e}");
        let e = KeyMap::with_config(&config("readr", "j", "top")).unwrap_err();
        assert!(e.contains("readr"), "{e}");
        let e = KeyMap::with_config(&config("normal", "x", "input_clear")).unwrap_err();
        assert!(
            e.contains("input_clear") && e.contains("[keys.input]"),
            "{e}"
        );
        // Several problems: all of them.
        let mut c = config("normal", "x", "nope1");
        c.entry("input".into())
            .or_default()
            .insert("y".into(), "nope2".into());
        let e = KeyMap::with_config(&c).unwrap_err();
        assert!(e.contains("nope1") && e.contains("nope2"), "{e}");
    }

    #[test]
    fn every_binding_is_in_the_help() {
        let m = KeyMap::with_config(&config("sidebar", "x", "open")).unwrap();
        let rows = m.help_rows();
        for b in m.bindings() {
            let label = b.key.label();
            let listed = rows
                .iter()
                .any(|(keys, _)| keys.split(" / ").any(|k| k == label))
                || (b.context == X::Help && m.help_footer().contains(&label));
            assert!(listed, "{:?} {label} missing from {rows:?}", b.context);
        }
        let all: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
        let all = all.join(" / ");
        for k in ["Ctrl-f", "Ctrl-b", "Ctrl-n", "Ctrl-p", "Ctrl-u", "F1"] {
            assert!(all.split(" / ").any(|x| x == k), "{k} not in {all}");
        }
        assert_eq!(m.help_footer(), "Esc, q or ? closes");
    }

    #[test]
    fn the_hint_bar_comes_from_the_table() {
        let m = KeyMap::default();
        assert_eq!(
            m.hint_line(200),
            "j/k move  Enter open  / search  n/N match  Tab pane  e entities  s sort  q quit  ? help"
        );
        assert_eq!(m.hint_line(10), "? help");
        let m = KeyMap::with_config(&config("normal", "o", "open")).unwrap();
        assert!(m.hint_line(200).contains("Enter open"));
    }

    #[test]
    fn modifiers_fall_back_as_before() {
        let m = KeyMap::default();
        let n = [X::Normal];
        let k = |c, md| Key::from_event(KeyEvent::new(c, md));
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            m.find(&n, k(KeyCode::Char('j'), ctrl), false),
            Some(C::MoveDown)
        );
        assert_eq!(
            m.find(&n, k(KeyCode::Char('f'), ctrl | KeyModifiers::ALT), false),
            Some(C::PageDown)
        );
        assert_eq!(
            m.find(&n, k(KeyCode::Char('f'), KeyModifiers::ALT), false),
            None
        );
        let i = [X::Input];
        assert_eq!(m.find(&i, k(KeyCode::Char('x'), ctrl), true), None);
        assert_eq!(
            m.find(&i, k(KeyCode::Down, KeyModifiers::SHIFT), true),
            Some(C::HistoryNext)
        );
        let g = [X::Global];
        assert_eq!(
            m.find(&g, k(KeyCode::Char('c'), ctrl | KeyModifiers::ALT), false),
            Some(C::Quit)
        );
        assert_eq!(
            m.find(&g, k(KeyCode::Char('c'), KeyModifiers::NONE), false),
            None
        );
    }
}
