//! Application state, actions and `update`: the whole behaviour of the TUI, with no terminal.
//!
//! Keys become [`Action`]s (see `keys.rs`), [`update`] applies an action to [`State`], and
//! `view::draw` paints the state. Work that must not run on the UI thread (corpus search) is asked
//! for through [`Effect`]s that the runtime executes and answers with more actions.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use ratatui::layout::Rect;

use super::persist::{Saved, SavedArticle};
use super::reader::{layout_text, LayoutOpts, ReaderLine};
use super::source::{ArticleMeta, ArticleView, EntityKind, SearchHit, Source};
use super::theme::Theme;
use super::view::{areas, Areas};

/// An ISO date (`2020-10-21`, `2020-10`, `2020`, `--05-14`) as a number that sorts the same way:
/// yyyymmdd with missing parts 0.
fn date_number(d: &str) -> u32 {
    let mut parts = d
        .trim_start_matches('-')
        .split('-')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    if d.starts_with("--") {
        let (m, day) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        return m * 100 + day;
    }
    let (y, m, day) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    y * 10_000 + m * 100 + day
}

/// How many hits a corpus search asks for: about three screens of results. Each hit costs a
/// stored-document read and a snippet, and this runs on every keystroke.
pub const SEARCH_LIMIT: usize = 50;

/// Something that happened: a key, a resize, a result from a worker.
#[derive(Clone)]
pub enum Action {
    /// Leave the program (Ctrl-c, SIGTERM, SIGHUP).
    Quit,
    /// `q`: back a level, or quit from the list.
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
    /// `?` / `F1`.
    ToggleHelp,
    /// `/`: search the corpus (from the list) or find in the article (from the reader).
    StartSearch,
    /// A character typed into the search input.
    InputChar(char),
    /// Backspace in the input.
    InputBackspace,
    /// Ctrl-u in the input.
    InputClear,
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
        /// Hits or an error message.
        result: Result<Vec<SearchHit>, String>,
    },
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::IndexReady(_) => f.write_str("IndexReady(..)"),
            Action::SearchResults { generation, result } => write!(
                f,
                "SearchResults {{ generation: {generation}, hits: {:?} }}",
                result.as_ref().map(Vec::len)
            ),
            Action::InputChar(c) => write!(f, "InputChar({c:?})"),
            Action::Move(n) => write!(f, "Move({n})"),
            Action::Resize(w, h) => write!(f, "Resize({w}, {h})"),
            other => {
                let s = match other {
                    Action::Quit => "Quit",
                    Action::Back => "Back",
                    Action::Escape => "Escape",
                    Action::Top => "Top",
                    Action::Bottom => "Bottom",
                    Action::Open => "Open",
                    Action::FocusNext => "FocusNext",
                    Action::FocusPrev => "FocusPrev",
                    Action::ToggleSidebar => "ToggleSidebar",
                    Action::CycleSort => "CycleSort",
                    Action::ToggleHelp => "ToggleHelp",
                    Action::StartSearch => "StartSearch",
                    Action::InputBackspace => "InputBackspace",
                    Action::InputClear => "InputClear",
                    Action::InputSubmit => "InputSubmit",
                    Action::NextMatch => "NextMatch",
                    Action::PrevMatch => "PrevMatch",
                    _ => "Action",
                };
                f.write_str(s)
            }
        }
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
}

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

/// List sort orders, cycled by `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Newest first (undated last).
    Newest,
    /// Oldest first (undated last).
    Oldest,
    /// By title.
    Title,
}

impl Sort {
    /// Label for the list's border.
    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Title => "title",
        }
    }
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

/// A corpus search in progress or on screen.
#[derive(Debug, Clone, Default)]
pub struct CorpusSearch {
    /// The query as typed.
    pub query: String,
    /// Generation of the latest request; results of older ones are dropped.
    pub generation: u64,
    /// Generation the shown hits came from.
    pub shown_generation: u64,
    /// Hits of the latest answered search.
    pub hits: Vec<SearchHit>,
    /// Selected hit.
    pub sel: usize,
    /// First hit shown.
    pub offset: usize,
    /// True while the input line has the keyboard.
    pub editing: bool,
    /// Error from the last search.
    pub error: Option<String>,
}

/// The entity filter on the list.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Entity kind.
    pub kind: EntityKind,
    /// Display name.
    pub name: String,
    /// Articles naming it.
    pub ids: HashSet<String>,
}

/// One row of the reader.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A line of the title.
    Title(ReaderLine),
    /// A line of body text.
    Body(ReaderLine),
    /// The date/source line.
    Meta,
    /// Space between paragraphs.
    Blank,
}

impl Row {
    /// The text line of the row, if it has one.
    pub fn line(&self) -> Option<&ReaderLine> {
        match self {
            Row::Title(l) | Row::Body(l) => Some(l),
            _ => None,
        }
    }
}

/// Where highlights in the reader came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HighlightOrigin {
    /// A corpus search hit that was opened.
    Search(String),
    /// Find in the article.
    Find(String),
    /// An entity selected in the sidebar.
    Entity(String),
}

/// The open article.
#[derive(Debug, Clone)]
pub struct Reader {
    /// The article.
    pub view: ArticleView,
    /// Its text (title + paragraphs), which all byte offsets address.
    pub text: String,
    /// Width the rows were laid out for.
    pub width: u16,
    /// Display rows.
    pub rows: Vec<Row>,
    /// First row shown.
    pub scroll: usize,
    /// Highlighted byte ranges, sorted.
    pub highlights: Vec<Range<usize>>,
    /// Index of the current highlight (n/N).
    pub current: usize,
    /// What the highlights are.
    pub origin: Option<HighlightOrigin>,
    /// Entity indices in sidebar order (by kind, then count).
    pub entity_order: Vec<usize>,
    /// Selected position in `entity_order`.
    pub entity_sel: usize,
    /// First sidebar row shown.
    pub sidebar_offset: usize,
    /// Layout options the rows were made with.
    pub opts: LayoutOpts,
}

impl Reader {
    /// Opens `view` laid out for `width` columns.
    pub fn new(view: ArticleView, width: u16, opts: LayoutOpts) -> Reader {
        let text = view.text();
        let mut entity_order: Vec<usize> = (0..view.entities.len()).collect();
        entity_order.sort_by(|&a, &b| {
            let (ea, eb) = (&view.entities[a], &view.entities[b]);
            ea.kind
                .cmp(&eb.kind)
                .then(eb.count.cmp(&ea.count))
                .then(ea.name.cmp(&eb.name))
        });
        let mut r = Reader {
            view,
            text,
            width: 0,
            rows: Vec::new(),
            scroll: 0,
            highlights: Vec::new(),
            current: 0,
            origin: None,
            entity_order,
            entity_sel: 0,
            sidebar_offset: 0,
            opts,
        };
        r.relayout(width);
        r
    }

    /// Lays the rows out again for `width`, keeping the top line's text position.
    pub fn relayout(&mut self, width: u16) {
        let width = width.max(1);
        if width == self.width && !self.rows.is_empty() {
            return;
        }
        let pos = self.position();
        self.width = width;
        let mut rows = Vec::new();
        let mut last_para = 0;
        for line in layout_text(&self.text, width, self.opts) {
            if line.para == 0 {
                rows.push(Row::Title(line));
                continue;
            }
            if last_para == 0 {
                rows.push(Row::Meta);
                rows.push(Row::Blank);
            } else if line.para != last_para {
                rows.push(Row::Blank);
            }
            last_para = line.para;
            rows.push(Row::Body(line));
        }
        if last_para == 0 {
            rows.push(Row::Meta);
        }
        self.rows = rows;
        self.scroll = 0;
        if pos > 0 {
            self.scroll = self.row_of(pos);
        }
    }

    /// Byte offset of the first text on the top row: a reading position independent of width.
    pub fn position(&self) -> usize {
        self.rows
            .iter()
            .skip(self.scroll)
            .find_map(|r| r.line().and_then(ReaderLine::start))
            .unwrap_or(0)
    }

    /// Index of the row holding byte `pos` (the last row starting at or before it).
    pub fn row_of(&self, pos: usize) -> usize {
        let mut best = 0;
        for (i, r) in self.rows.iter().enumerate() {
            if let Some(l) = r.line() {
                if l.touches(&(pos..pos + 1)) {
                    return i;
                }
                if l.start().is_some_and(|s| s <= pos) {
                    best = i;
                }
            }
        }
        best
    }

    /// Largest useful scroll for a pane `height` rows tall.
    pub fn max_scroll(&self, height: usize) -> usize {
        self.rows.len().saturating_sub(height.max(1))
    }

    /// Sets the highlights and puts the current one at the first at or after the top row.
    fn set_highlights(
        &mut self,
        mut hl: Vec<Range<usize>>,
        origin: HighlightOrigin,
        height: usize,
    ) {
        hl.sort_by_key(|r| (r.start, r.end));
        hl.dedup();
        self.highlights = hl;
        self.origin = Some(origin);
        let top = self.position();
        self.current = self
            .highlights
            .iter()
            .position(|r| r.start >= top)
            .unwrap_or(0);
        self.reveal_current(height);
    }

    /// Scrolls so the current highlight is visible (a third down the pane when it moves).
    pub fn reveal_current(&mut self, height: usize) {
        let Some(r) = self.highlights.get(self.current) else {
            return;
        };
        let row = self.row_of(r.start);
        let h = height.max(1);
        if row < self.scroll || row >= self.scroll + h {
            self.scroll = row.saturating_sub(h / 3).min(self.max_scroll(h));
        }
    }

    /// The selected entity, if any.
    pub fn selected_entity(&self) -> Option<&super::source::Entity> {
        self.entity_order
            .get(self.entity_sel)
            .and_then(|&i| self.view.entities.get(i))
    }
}

/// The whole state of the TUI.
pub struct State {
    /// Data, once the index is ready.
    pub source: Option<Arc<dyn Source>>,
    /// Index build progress while not ready.
    pub progress: Option<(u64, u64)>,
    /// Fatal index error.
    pub index_error: Option<String>,
    /// Every article (from the index).
    pub articles: Vec<ArticleMeta>,
    /// Indices into `articles` in list order (sorted, filtered).
    pub list: Vec<usize>,
    /// Selected list row.
    pub list_sel: usize,
    /// First list row shown.
    pub list_offset: usize,
    /// Sort order.
    pub sort: Sort,
    /// Entity filter.
    pub filter: Option<Filter>,
    /// Focused pane.
    pub focus: Focus,
    /// Sidebar visibility preference.
    pub sidebar: SidebarPref,
    /// Open article.
    pub reader: Option<Reader>,
    /// Corpus search.
    pub search: Option<CorpusSearch>,
    /// Find-in-article input while typing it.
    pub find: Option<String>,
    /// Help overlay shown.
    pub help: bool,
    /// Status bar message.
    pub status: Option<String>,
    /// Read flags and reading positions.
    pub saved: Saved,
    /// Terminal size.
    pub size: Rect,
    /// Theme.
    pub theme: Theme,
    /// Bidi and shaping options for every line of text.
    pub layout: LayoutOpts,
    /// Set when the program should end.
    pub quit: bool,
    /// Work for the runtime.
    pub effects: Vec<Effect>,
    next_generation: u64,
}

impl State {
    /// A fresh state: no data yet (the index is loading), terminal `size`.
    pub fn new(theme: Theme, saved: Saved, size: Rect) -> State {
        State {
            source: None,
            progress: None,
            index_error: None,
            articles: Vec::new(),
            list: Vec::new(),
            list_sel: 0,
            list_offset: 0,
            sort: Sort::Newest,
            filter: None,
            focus: Focus::List,
            sidebar: SidebarPref::Auto,
            reader: None,
            search: None,
            find: None,
            help: false,
            status: None,
            saved,
            size,
            theme,
            layout: LayoutOpts::default(),
            quit: false,
            effects: Vec::new(),
            next_generation: 0,
        }
    }

    /// True while an input line (search or find) has the keyboard.
    pub fn editing(&self) -> bool {
        self.find.is_some() || self.search.as_ref().is_some_and(|s| s.editing)
    }

    /// Screen geometry for the current size and state.
    pub fn areas(&self) -> Areas {
        areas(self.size, self)
    }

    /// The article metadata on list row `i`.
    pub fn list_item(&self, i: usize) -> Option<&ArticleMeta> {
        self.list.get(i).and_then(|&a| self.articles.get(a))
    }

    /// True when the article has been opened before.
    pub fn is_read(&self, id: &str) -> bool {
        self.saved.articles.get(id).is_some_and(|a| a.read)
    }

    /// One level back: reader → list, search results → list, filtered → whole list. False when
    /// already at the top (the whole list).
    fn step_back(&mut self) -> bool {
        if self.focus != Focus::List {
            self.back();
        } else if self.search.is_some() {
            self.search = None;
            self.clamp_list();
        } else if self.filter.is_some() {
            self.filter = None;
            self.status = None;
            self.refresh_list();
        } else {
            return false;
        }
        true
    }

    /// Rebuilds the list order (sort + filter), keeping the selected article when possible.
    fn refresh_list(&mut self) {
        let keep = self.list_item(self.list_sel).map(|a| a.id.clone());
        let mut idx: Vec<usize> = (0..self.articles.len())
            .filter(|&i| {
                self.filter
                    .as_ref()
                    .is_none_or(|f| f.ids.contains(&self.articles[i].id))
            })
            .collect();
        let arts = &self.articles;
        // Dates with a year first; yearless (`--05-14`) and undated last. Keys are computed once:
        // this sorts 100,000 articles when a large corpus opens.
        // Packed into integers: comparing strings scattered over the heap cost ~100 ms here.
        let keys: Vec<(u8, u32)> = arts
            .iter()
            .map(|a| match &a.date {
                Some(d) if !d.starts_with('-') => (0, date_number(d)),
                Some(d) => (1, date_number(d)),
                None => (2, 0),
            })
            .collect();
        // Ties keep the source's order (the index lists articles by id): comparing positions is
        // as stable as comparing ids and far cheaper.
        let by_id = |a: usize, b: usize| a.cmp(&b);
        match self.sort {
            Sort::Newest => idx.sort_unstable_by(|&a, &b| {
                let (ka, kb) = (keys[a], keys[b]);
                ka.0.cmp(&kb.0)
                    .then_with(|| kb.1.cmp(&ka.1))
                    .then_with(|| by_id(a, b))
            }),
            Sort::Oldest => {
                idx.sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]).then_with(|| by_id(a, b)))
            }
            Sort::Title => idx.sort_unstable_by(|&a, &b| {
                arts[a].title.cmp(&arts[b].title).then_with(|| by_id(a, b))
            }),
        }
        self.list = idx;
        self.list_sel = keep
            .and_then(|id| self.list.iter().position(|&i| self.articles[i].id == id))
            .unwrap_or(0);
        self.list_offset = 0;
        self.clamp_list();
    }

    fn list_height(&self) -> usize {
        self.areas()
            .list_inner
            .map_or(1, |r| r.height as usize)
            .max(1)
    }

    fn reader_height(&self) -> usize {
        self.areas()
            .reader_inner
            .map_or(1, |r| r.height as usize)
            .max(1)
    }

    fn reader_width(&self) -> u16 {
        self.areas().reader_inner.map_or(40, |r| r.width).max(1)
    }

    /// Keeps the list selection and its scroll offset in range and visible.
    fn clamp_list(&mut self) {
        let h = self.list_height();
        if let Some(s) = &mut self.search {
            let per = 2; // a hit takes two rows
            let rows = (h / per).max(1);
            s.sel = s.sel.min(s.hits.len().saturating_sub(1));
            if s.sel < s.offset {
                s.offset = s.sel;
            } else if s.sel >= s.offset + rows {
                s.offset = s.sel + 1 - rows;
            }
            return;
        }
        self.list_sel = self.list_sel.min(self.list.len().saturating_sub(1));
        if self.list_sel < self.list_offset {
            self.list_offset = self.list_sel;
        } else if self.list_sel >= self.list_offset + h {
            self.list_offset = self.list_sel + 1 - h;
        }
        let max_off = self.list.len().saturating_sub(h);
        self.list_offset = self.list_offset.min(max_off);
    }

    fn sidebar_visible(&self) -> bool {
        self.areas().sidebar.is_some()
    }

    /// Records the open article's reading position.
    fn save_position(&mut self) {
        if let Some(r) = &self.reader {
            let e = self.saved.articles.entry(r.view.id.clone()).or_default();
            e.read = true;
            e.pos = r.position();
            self.effects.push(Effect::SaveState);
        }
    }

    fn open_article(&mut self, id: &str) -> bool {
        let Some(src) = self.source.clone() else {
            return false;
        };
        match src.article(id) {
            Ok(view) => {
                self.save_position();
                let width = self.reader_width();
                let mut r = Reader::new(view, width, self.layout);
                let saved = self.saved.articles.entry(id.to_string()).or_default();
                saved.read = true;
                if saved.pos > 0 {
                    r.scroll = r.row_of(saved.pos).min(r.max_scroll(self.reader_height()));
                }
                self.reader = Some(r);
                self.focus = Focus::Reader;
                self.effects.push(Effect::SaveState);
                // The reader may have appeared: lay out again for its real width.
                let w = self.reader_width();
                if let Some(r) = &mut self.reader {
                    r.relayout(w);
                }
                true
            }
            Err(e) => {
                self.status = Some(format!("cannot open {id}: {e}"));
                false
            }
        }
    }

    fn focus_order(&self) -> Vec<Focus> {
        let mut v = vec![Focus::List];
        if self.reader.is_some() {
            v.push(Focus::Reader);
            if self.sidebar != SidebarPref::Hidden
                && (self.sidebar_visible() || self.areas().narrow)
            {
                v.push(Focus::Sidebar);
            }
        }
        v
    }

    fn cycle_focus(&mut self, step: isize) {
        let order = self.focus_order();
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = order.len() as isize;
        self.focus = order[((i + step).rem_euclid(n)) as usize];
        if self.focus == Focus::Sidebar {
            self.highlight_selected_entity();
        }
    }

    fn highlight_selected_entity(&mut self) {
        let h = self.reader_height();
        if let Some(r) = &mut self.reader {
            if let Some(e) = r.selected_entity().cloned() {
                let hl = e.mentions.iter().map(|m| m[0]..m[1]).collect();
                r.set_highlights(hl, HighlightOrigin::Entity(e.name.clone()), h);
                r.current = 0;
                r.reveal_current(h);
                self.status = Some(format!(
                    "{} {} — {} mention(s), n/N step, Enter lists articles naming it",
                    e.kind.as_str(),
                    e.name,
                    e.count
                ));
            }
        }
    }

    fn scroll_reader(&mut self, delta: isize) {
        let h = self.reader_height();
        if let Some(r) = &mut self.reader {
            let max = r.max_scroll(h);
            r.scroll = (r.scroll as isize + delta).clamp(0, max as isize) as usize;
        }
    }

    fn move_list(&mut self, delta: isize) {
        if let Some(s) = &mut self.search {
            let n = s.hits.len() as isize;
            s.sel = (s.sel as isize + delta).clamp(0, (n - 1).max(0)) as usize;
        } else {
            let n = self.list.len() as isize;
            self.list_sel = (self.list_sel as isize + delta).clamp(0, (n - 1).max(0)) as usize;
        }
        self.clamp_list();
    }

    fn move_sidebar(&mut self, delta: isize) {
        if let Some(r) = &mut self.reader {
            let n = r.entity_order.len() as isize;
            if n == 0 {
                return;
            }
            r.entity_sel = (r.entity_sel as isize + delta).clamp(0, n - 1) as usize;
        }
        self.highlight_selected_entity();
    }

    /// Moves in the focused pane by `delta` rows.
    fn move_focused(&mut self, delta: isize) {
        match self.focus {
            Focus::List => self.move_list(delta),
            Focus::Reader => self.scroll_reader(delta),
            Focus::Sidebar => self.move_sidebar(delta),
        }
    }

    fn focused_height(&self) -> usize {
        match self.focus {
            Focus::List => {
                if self.search.is_some() {
                    (self.list_height() / 2).max(1)
                } else {
                    self.list_height()
                }
            }
            Focus::Reader => self.reader_height(),
            Focus::Sidebar => self.areas().sidebar_inner.map_or(1, |r| r.height as usize),
        }
    }

    fn step_match(&mut self, step: isize) {
        let h = self.reader_height();
        match &mut self.reader {
            Some(r) if !r.highlights.is_empty() => {
                let n = r.highlights.len() as isize;
                r.current = ((r.current as isize + step).rem_euclid(n)) as usize;
                r.reveal_current(h);
                self.status = Some(format!("match {}/{}", r.current + 1, n));
            }
            _ => self.status = Some("no matches".into()),
        }
    }

    fn start_corpus_search(&mut self) {
        let s = self.search.get_or_insert_with(CorpusSearch::default);
        s.editing = true;
        self.focus = Focus::List;
        self.find = None;
    }

    fn request_search(&mut self) {
        self.next_generation += 1;
        let g = self.next_generation;
        if let Some(s) = &mut self.search {
            s.generation = g;
            if s.query.trim().is_empty() {
                s.hits.clear();
                s.sel = 0;
                s.offset = 0;
                s.shown_generation = g;
            } else {
                self.effects.push(Effect::Search {
                    generation: g,
                    query: s.query.clone(),
                });
            }
        }
    }

    fn update_find(&mut self) {
        let h = self.reader_height();
        let (Some(q), Some(src), Some(r)) = (&self.find, &self.source, &mut self.reader) else {
            return;
        };
        let hl = if q.trim().is_empty() {
            Vec::new()
        } else {
            src.match_ranges(q, &r.text)
        };
        let n = hl.len();
        r.set_highlights(hl, HighlightOrigin::Find(q.clone()), h);
        self.status = Some(if q.trim().is_empty() {
            String::new()
        } else if n == 0 {
            "no matches".into()
        } else {
            format!("match {}/{}", r.current + 1, n)
        });
    }

    fn open_selected(&mut self) {
        match self.focus {
            Focus::List => {
                if let Some(s) = &self.search {
                    let Some(hit) = s.hits.get(s.sel).cloned() else {
                        return;
                    };
                    let query = s.query.clone();
                    if self.open_article(&hit.id) {
                        let h = self.reader_height();
                        if let (Some(src), Some(r)) = (&self.source, &mut self.reader) {
                            let hl = src.match_ranges(&query, &r.text);
                            r.scroll = 0;
                            r.set_highlights(hl, HighlightOrigin::Search(query), h);
                            r.current = 0;
                            r.reveal_current(h);
                            let n = r.highlights.len();
                            self.status = Some(format!("{n} match(es) — n/N step"));
                        }
                    }
                } else if let Some(a) = self.list_item(self.list_sel).map(|a| a.id.clone()) {
                    self.open_article(&a);
                }
            }
            Focus::Sidebar => self.filter_by_selected_entity(),
            Focus::Reader => {}
        }
    }

    fn filter_by_selected_entity(&mut self) {
        let (Some(src), Some(r)) = (&self.source, &self.reader) else {
            return;
        };
        let Some(e) = r.selected_entity().cloned() else {
            return;
        };
        match src.articles_naming(e.kind, &e.key) {
            Ok(ids) => {
                let n = ids.len();
                self.filter = Some(Filter {
                    kind: e.kind,
                    name: e.name.clone(),
                    ids: ids.into_iter().collect(),
                });
                self.search = None;
                self.focus = Focus::List;
                self.refresh_list();
                self.status = Some(format!(
                    "{n} article(s) naming {} {} — Esc clears",
                    e.kind.as_str(),
                    e.name
                ));
            }
            Err(err) => self.status = Some(format!("entity filter failed: {err}")),
        }
    }

    fn back(&mut self) {
        match self.focus {
            Focus::Reader | Focus::Sidebar => {
                // Leaving the article is a natural moment to remember where the reader was.
                self.save_position();
                self.focus = Focus::List;
            }
            Focus::List => {}
        }
    }

    fn click(&mut self, col: u16, row: u16) {
        let a = self.areas();
        let inside = |r: Option<Rect>| r.is_some_and(|r| r.contains((col, row).into()));
        if inside(a.list_inner) {
            let r = a.list_inner.unwrap_or_default();
            let y = (row - r.y) as usize;
            self.focus = Focus::List;
            if let Some(s) = &mut self.search {
                let i = s.offset + y / 2;
                if i < s.hits.len() {
                    let again = s.sel == i;
                    s.sel = i;
                    if again {
                        self.open_selected();
                    }
                }
            } else {
                let i = self.list_offset + y;
                if i < self.list.len() {
                    let again = self.list_sel == i;
                    self.list_sel = i;
                    if again {
                        self.open_selected();
                    }
                }
            }
        } else if inside(a.reader_inner) && self.reader.is_some() {
            self.focus = Focus::Reader;
        } else if inside(a.sidebar_inner) {
            let r = a.sidebar_inner.unwrap_or_default();
            let y = (row - r.y) as usize;
            if let Some(rd) = &self.reader {
                let rows = super::view::sidebar_rows(rd);
                if let Some(super::view::SideRow::Entity(pos)) = rows.get(rd.sidebar_offset + y) {
                    let pos = *pos;
                    if let Some(rd) = &mut self.reader {
                        rd.entity_sel = pos;
                    }
                    self.focus = Focus::Sidebar;
                    self.highlight_selected_entity();
                }
            }
        }
    }

    fn wheel(&mut self, col: u16, row: u16, delta: isize) {
        let a = self.areas();
        let inside = |r: Option<Rect>| r.is_some_and(|r| r.contains((col, row).into()));
        if inside(a.reader_inner) {
            self.scroll_reader(delta * 3);
        } else if inside(a.list_inner) {
            self.move_list(delta * 3);
        } else if inside(a.sidebar_inner) {
            self.move_sidebar(delta);
        }
    }

    fn clamp_sidebar(&mut self) {
        // Only while the sidebar is on screen: its height is unknown otherwise.
        let Some(h) = self
            .areas()
            .sidebar_inner
            .map(|r| (r.height as usize).max(1))
        else {
            return;
        };
        if let Some(r) = &mut self.reader {
            let rows = super::view::sidebar_rows(r);
            let row = rows
                .iter()
                .position(|x| *x == super::view::SideRow::Entity(r.entity_sel))
                .unwrap_or(0);
            if row < r.sidebar_offset {
                // Show the group heading above the first entity of a group too.
                r.sidebar_offset = row.saturating_sub(1);
            } else if row >= r.sidebar_offset + h {
                r.sidebar_offset = row + 1 - h;
            }
        }
    }
}

/// Applies one action to the state. Pure apart from calling the [`Source`] for an article, its
/// match ranges and entity filters (cheap); corpus search goes out as an [`Effect`].
pub fn update(state: &mut State, action: Action) {
    match action {
        Action::Quit => {
            state.save_position();
            state.quit = true;
        }
        Action::Resize(w, h) => {
            state.size = Rect::new(0, 0, w, h);
            // Narrow layouts have no sidebar focus when the sidebar cannot show.
            if state.focus == Focus::Sidebar && !state.focus_order().contains(&Focus::Sidebar) {
                state.focus = Focus::Reader;
            }
        }
        Action::IndexProgress { done, total } => state.progress = Some((done, total)),
        Action::IndexReady(src) => {
            state.articles = src.articles();
            state.source = Some(src);
            state.progress = None;
            state.refresh_list();
            if state.articles.is_empty() {
                state.status = Some("no articles in the corpus".into());
            }
        }
        Action::IndexFailed(e) => {
            state.progress = None;
            state.status = Some(format!("index error: {e}"));
            state.index_error = Some(e);
        }
        Action::SearchResults { generation, result } => {
            if let Some(s) = &mut state.search {
                // Drop answers to queries the user has typed past.
                if generation == s.generation {
                    s.shown_generation = generation;
                    match result {
                        Ok(hits) => {
                            s.hits = hits;
                            s.error = None;
                        }
                        Err(e) => {
                            s.hits.clear();
                            s.error = Some(e);
                        }
                    }
                    s.sel = 0;
                    s.offset = 0;
                }
            }
        }
        Action::ToggleHelp => state.help = !state.help,
        _ if state.help => {
            if matches!(action, Action::Escape | Action::Back) {
                state.help = false;
            }
        }
        Action::InputChar(c) => {
            if let Some(q) = &mut state.find {
                q.push(c);
                state.update_find();
            } else if let Some(s) = &mut state.search {
                s.query.push(c);
                state.request_search();
            }
        }
        Action::InputBackspace | Action::InputClear => {
            let clear = matches!(action, Action::InputClear);
            if let Some(q) = &mut state.find {
                if clear {
                    q.clear();
                } else {
                    q.pop();
                }
                state.update_find();
            } else if let Some(s) = &mut state.search {
                if clear {
                    s.query.clear();
                } else {
                    s.query.pop();
                }
                state.request_search();
            }
        }
        Action::InputSubmit => {
            if state.find.take().is_some() {
                // Keep the highlights; n/N step through them.
            } else if let Some(s) = &mut state.search {
                s.editing = false;
                state.open_selected();
            }
        }
        Action::Escape => {
            if state.find.take().is_some() {
                if let Some(r) = &mut state.reader {
                    r.highlights.clear();
                    r.current = 0;
                    r.origin = None;
                }
                state.status = None;
            } else if state.search.as_ref().is_some_and(|s| s.editing) {
                state.search = None;
                state.clamp_list();
            } else {
                state.step_back();
            }
        }
        Action::Back => {
            // Back one level, and only then quit.
            if !state.step_back() {
                state.save_position();
                state.quit = true;
            }
        }
        Action::Move(d) => state.move_focused(d),
        Action::Page(d) => {
            let h = state.focused_height() as isize;
            state.move_focused(d * (h - 1).max(1));
        }
        Action::HalfPage(d) => {
            let h = state.focused_height() as isize;
            state.move_focused(d * (h / 2).max(1));
        }
        Action::Top => state.move_focused(isize::MIN / 2),
        Action::Bottom => state.move_focused(isize::MAX / 2),
        Action::Open => state.open_selected(),
        Action::FocusNext => state.cycle_focus(1),
        Action::FocusPrev => state.cycle_focus(-1),
        Action::ToggleSidebar => {
            let shown = state.sidebar_visible();
            state.sidebar = if shown {
                SidebarPref::Hidden
            } else {
                SidebarPref::Shown
            };
            if !state.sidebar_visible() && state.focus == Focus::Sidebar {
                state.focus = Focus::Reader;
            }
            if state.sidebar_visible() != shown || state.areas().narrow {
                state.status = None;
            }
            if state.areas().narrow && state.sidebar == SidebarPref::Shown && state.reader.is_some()
            {
                // Narrow screens show one pane: `e` goes to the sidebar.
                state.focus = Focus::Sidebar;
                state.highlight_selected_entity();
            }
        }
        Action::CycleSort => {
            state.sort = match state.sort {
                Sort::Newest => Sort::Oldest,
                Sort::Oldest => Sort::Title,
                Sort::Title => Sort::Newest,
            };
            state.refresh_list();
            state.status = Some(format!("sorted by {}", state.sort.label()));
        }
        Action::StartSearch => {
            if state.source.is_none() {
                state.status = Some("the index is still building".into());
            } else if matches!(state.focus, Focus::Reader | Focus::Sidebar)
                && state.reader.is_some()
            {
                state.focus = Focus::Reader;
                state.find = Some(String::new());
            } else {
                state.start_corpus_search();
            }
        }
        Action::NextMatch => state.step_match(1),
        Action::PrevMatch => state.step_match(-1),
        Action::MouseScroll { col, row, delta } => state.wheel(col, row, delta),
        Action::MouseClick { col, row } => state.click(col, row),
    }
    // Geometry may have changed: keep the reader laid out for its pane and selections visible.
    let w = state.reader_width();
    let h = state.reader_height();
    if let Some(r) = &mut state.reader {
        r.relayout(w);
        r.scroll = r.scroll.min(r.max_scroll(h));
    }
    state.clamp_list();
    state.clamp_sidebar();
}

/// Applies [`Effect::Search`] effects synchronously (tests, and sources that are instant).
pub fn run_effects_inline(state: &mut State) {
    let effects = std::mem::take(&mut state.effects);
    for e in effects {
        if let (Effect::Search { generation, query }, Some(src)) = (&e, state.source.clone()) {
            let result = src.search(query, SEARCH_LIMIT);
            update(
                state,
                Action::SearchResults {
                    generation: *generation,
                    result,
                },
            );
        }
    }
}

/// Reading positions keyed by article id (re-exported for the runtime).
pub type Positions = BTreeMap<String, SavedArticle>;
