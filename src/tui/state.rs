//! The state of the TUI: everything `update` changes and `view::draw` reads. No terminal, no
//! drawing code: screen geometry comes from [`super::geometry`] and sidebar rows from
//! [`super::sidebar`], both computed from plain values; the key map is data the state holds.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use ratatui::layout::Rect;

use super::action::Effect;
use super::geometry::{areas, Areas, Focus, Panes, SidebarPref};
use super::input::{History, LineInput};
use super::keymap::KeyMap;
use super::persist::Saved;
use super::reader::{reader_line, LayoutOpts, ReaderLine};
use super::sidebar::{sidebar_rows, SideRow};
use super::source::{ArticleMeta, Catalog, Entity, EntityKind, Hit, OpenArticle, Source};
use super::theme::Theme;
use crate::layout::{ArticleLayout, LayoutOptions};

/// How much a status message matters; the status bar styles it by this, set where the message
/// is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Progress and answers: match counts, sort order, what is selected.
    Info,
    /// Something was not as asked but qari carried on (a theme or the reading state fell back).
    Warning,
    /// Something failed: the index, opening an article, an entity filter.
    Error,
}

/// A status bar message with its severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// How it is shown.
    pub severity: Severity,
    /// The message.
    pub text: String,
}

impl Status {
    /// An informational message.
    pub fn info(text: impl Into<String>) -> Status {
        Status {
            severity: Severity::Info,
            text: text.into(),
        }
    }

    /// A warning: qari carried on with a fallback.
    pub fn warning(text: impl Into<String>) -> Status {
        Status {
            severity: Severity::Warning,
            text: text.into(),
        }
    }

    /// An error.
    pub fn error(text: impl Into<String>) -> Status {
        Status {
            severity: Severity::Error,
            text: text.into(),
        }
    }
}

/// The variant after `x` in declaration order, the first after the last (`s` and `F` cycle so).
fn cycle_after<T: strum::IntoEnumIterator + PartialEq + Copy>(x: T) -> T {
    T::iter()
        .cycle()
        .skip_while(|v| *v != x)
        .nth(1)
        .unwrap_or(x)
}

/// List sort orders, cycled by `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "lowercase")]
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
        self.into()
    }

    /// The next order in the cycle (after the last, the first).
    pub fn next(self) -> Sort {
        cycle_after(self)
    }
}

/// Which articles the list shows, cycled by `F`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "lowercase")]
pub enum ListView {
    /// Every article.
    All,
    /// Articles not opened yet (or marked unread with `m`).
    Unread,
    /// Starred articles (`*`).
    Starred,
}

impl ListView {
    /// The next view in the cycle.
    pub fn next(self) -> ListView {
        cycle_after(self)
    }
}

/// A corpus search in progress or on screen.
#[derive(Debug, Clone, Default)]
pub struct CorpusSearch {
    /// The query as typed, with the cursor.
    pub query: LineInput,
    /// Generation of the latest request; results of older ones are dropped.
    pub generation: u64,
    /// Generation the shown hits came from.
    pub shown_generation: u64,
    /// Hits of the latest answered search.
    pub hits: Vec<Hit>,
    /// How many articles that search matched in all.
    pub total: usize,
    /// Other spellings it also matched (shown after the query: `=word` switches them off).
    pub also: Vec<String>,
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

/// One row of the reader. A text row names its row in the article's layout; its cells are made
/// only when it is drawn ([`Reader::line`]), so a 16 MiB article costs a few bytes a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// A line of the title: its layout row.
    Title(u32),
    /// A line of body text: its layout row.
    Body(u32),
    /// The date/source line.
    Meta,
    /// Space between paragraphs.
    Blank,
}

impl Row {
    /// The row of the article layout this row shows, if it is a text row.
    pub fn layout_row(&self) -> Option<usize> {
        match *self {
            Row::Title(k) | Row::Body(k) => Some(k as usize),
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
#[derive(Debug)]
pub struct Reader {
    /// The article and its entities; its text is moved into `layout` (held once), read it with
    /// [`Reader::text`].
    pub view: OpenArticle,
    /// Width the rows were laid out for.
    pub width: u16,
    /// The article laid out lazily: paragraphs are resolved when a row of theirs is needed
    /// (a bounded number kept), display lines are built only for the rows drawn.
    layout: ArticleLayout,
    /// Display rows.
    pub rows: Vec<Row>,
    /// For each layout row, its index in `rows`.
    row_of_layout: Vec<u32>,
    /// First row shown.
    pub scroll: usize,
    /// Highlighted byte ranges, sorted.
    pub highlights: Vec<Range<usize>>,
    /// Index of the current highlight (n/N).
    pub current: usize,
    /// The highlights were marked without moving to one (an entity selected in the sidebar):
    /// the next `n` goes to `current`, the first at or after the top row, and `N` to the one
    /// before it.
    pub unvisited: bool,
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
    /// Sidebar rows (headings and entities) for `entity_order`.
    pub side_rows: Vec<SideRow>,
}

impl Reader {
    /// Opens `view` laid out for `width` columns.
    pub fn new(mut view: OpenArticle, width: u16, opts: LayoutOpts) -> Reader {
        let mut entity_order: Vec<usize> = (0..view.entities.len()).collect();
        entity_order.sort_by(|&a, &b| {
            let (ea, eb) = (&view.entities[a], &view.entities[b]);
            ea.kind
                .cmp(&eb.kind)
                .then(eb.count.cmp(&ea.count))
                .then(ea.name.cmp(&eb.name))
        });
        let side_rows = sidebar_rows(entity_order.iter().map(|&i| view.entities[i].kind));
        let layout = ArticleLayout::from_article_text(std::mem::take(&mut view.text));
        let mut r = Reader {
            view,
            width: 0,
            layout,
            rows: Vec::new(),
            row_of_layout: Vec::new(),
            scroll: 0,
            highlights: Vec::new(),
            current: 0,
            unvisited: false,
            origin: None,
            entity_order,
            entity_sel: 0,
            sidebar_offset: 0,
            opts,
            side_rows,
        };
        r.relayout(width);
        r
    }

    /// The article's text (title + paragraphs, as [`crate::corpus::Article::text`]), which all
    /// byte offsets address.
    pub fn text(&self) -> &str {
        self.layout.text()
    }

    /// Lays the rows out again for `width`, keeping the top line's text position.
    pub fn relayout(&mut self, width: u16) {
        let width = width.max(1);
        if width == self.width && !self.rows.is_empty() {
            return;
        }
        let pos = self.position();
        self.width = width;
        // The title's lines, the meta line, then the paragraphs with a blank row between them.
        let paras = self.layout.row_paragraphs(&self.layout_options());
        let mut rows = Vec::with_capacity(paras.len() + 2);
        let mut row_of_layout = Vec::with_capacity(paras.len());
        let mut meta = false;
        for (k, para) in paras.into_iter().enumerate() {
            match para {
                Some(0) => rows.push(Row::Title(k as u32)),
                Some(_) if !meta => {
                    // A title that draws nothing: the meta line and its blank row first.
                    rows.extend([Row::Meta, Row::Blank]);
                    meta = true;
                    rows.push(Row::Body(k as u32));
                }
                Some(_) => rows.push(Row::Body(k as u32)),
                None => {
                    if !meta {
                        rows.push(Row::Meta);
                        meta = true;
                    }
                    rows.push(Row::Blank);
                }
            }
            row_of_layout.push((rows.len() - 1) as u32);
        }
        if !meta {
            rows.push(Row::Meta);
        }
        self.rows = rows;
        self.row_of_layout = row_of_layout;
        self.scroll = 0;
        if pos > 0 {
            self.scroll = self.row_of(pos);
        }
    }

    /// The layout options for the current width.
    fn layout_options(&self) -> LayoutOptions {
        LayoutOptions {
            width: self.width.max(1),
            mode: self.opts.mode,
            shape: self.opts.shape,
        }
    }

    /// The text line of row `row`, if it is a text row (built now, from the layout).
    pub fn line(&self, row: usize) -> Option<ReaderLine> {
        let k = self.rows.get(row)?.layout_row()?;
        let lines = self.layout.rows(&self.layout_options(), k..k + 1);
        lines.first().map(reader_line)
    }

    /// Byte offset of the first text on the top row: a reading position independent of width.
    pub fn position(&self) -> usize {
        (self.scroll..self.rows.len())
            .find_map(|i| self.line(i).and_then(|l| l.start()))
            .unwrap_or(0)
    }

    /// Index of the row holding byte `pos`: the line whose text covers it, else the next line
    /// after it, else the last line.
    pub fn row_of(&self, pos: usize) -> usize {
        let opts = self.layout_options();
        let last = || {
            self.rows
                .iter()
                .rposition(|r| r.layout_row().is_some())
                .unwrap_or(0)
        };
        match self.layout.row_of_offset(&opts, pos) {
            Some(k) => self.row_of_layout.get(k).map_or_else(last, |&i| i as usize),
            None => last(),
        }
    }

    /// Largest useful scroll for a pane `height` rows tall.
    pub fn max_scroll(&self, height: usize) -> usize {
        self.rows.len().saturating_sub(height.max(1))
    }

    /// Sets the highlights and puts the current one at the first at or after the top row.
    pub(super) fn set_highlights(
        &mut self,
        hl: Vec<Range<usize>>,
        origin: HighlightOrigin,
        height: usize,
    ) {
        self.mark_highlights(hl, origin);
        self.unvisited = false;
        self.reveal_current(height);
    }

    /// Sets the highlights without scrolling: the reader keeps its place until `n`/`N`.
    pub(super) fn mark_highlights(&mut self, mut hl: Vec<Range<usize>>, origin: HighlightOrigin) {
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
        self.unvisited = true;
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
    pub fn selected_entity(&self) -> Option<&Entity> {
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
    pub articles: Arc<Catalog>,
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
    /// All, unread or starred articles.
    pub view: ListView,
    /// Focused pane.
    pub focus: Focus,
    /// Sidebar visibility preference.
    pub sidebar: SidebarPref,
    /// The list's width beside an open article, when set (config, `<`/`>`).
    pub list_width: Option<u16>,
    /// `z`: the reader alone on screen, full width; ends when focus leaves the reader.
    pub zoom: bool,
    /// Open article.
    pub reader: Option<Reader>,
    /// Corpus search.
    pub search: Option<CorpusSearch>,
    /// Find-in-article input while typing it.
    pub find: Option<LineInput>,
    /// Queries typed before (search and find), walked with Up/Down, kept in the state dir.
    pub history: History,
    /// Help overlay shown.
    pub help: bool,
    /// First help row shown (the help scrolls when taller than the screen).
    pub help_scroll: usize,
    /// The links menu (`L`), open over the reader.
    pub links: Option<LinksMenu>,
    /// Status bar message.
    pub status: Option<Status>,
    /// Read flags and reading positions.
    pub saved: Saved,
    /// Terminal size.
    pub size: Rect,
    /// Theme.
    pub theme: Theme,
    /// Key bindings (they also make the help and the hint bar).
    pub keymap: KeyMap,
    /// Bidi and shaping options for every line of text.
    pub layout: LayoutOpts,
    /// Set when the program should end.
    pub quit: bool,
    /// Work for the runtime.
    pub effects: Vec<Effect>,
    pub(super) next_generation: u64,
}

impl State {
    /// A fresh state: no data yet (the index is loading), terminal `size`.
    pub fn new(theme: Theme, saved: Saved, size: Rect) -> State {
        State {
            source: None,
            progress: None,
            index_error: None,
            articles: Arc::default(),
            list: Vec::new(),
            list_sel: 0,
            list_offset: 0,
            sort: Sort::Newest,
            filter: None,
            view: ListView::All,
            focus: Focus::List,
            sidebar: SidebarPref::Auto,
            list_width: None,
            zoom: false,
            reader: None,
            search: None,
            find: None,
            history: History::new(saved.history.clone()),
            help: false,
            help_scroll: 0,
            links: None,
            status: None,
            saved,
            size,
            theme,
            keymap: KeyMap::default(),
            layout: LayoutOpts::default(),
            quit: false,
            effects: Vec::new(),
            next_generation: 0,
        }
    }

    /// The input line being typed (find or search), if any.
    pub fn input(&self) -> Option<&LineInput> {
        self.find
            .as_ref()
            .or(self.search.as_ref().filter(|s| s.editing).map(|s| &s.query))
    }

    /// Rows of the help overlay that fit on screen (inside its border).
    pub fn help_height(&self) -> usize {
        let rows = self.keymap.help_rows().len();
        (rows + 2).min(self.size.height as usize).saturating_sub(2)
    }

    /// Largest useful help scroll: the last row at the bottom of the overlay.
    pub fn help_max_scroll(&self) -> usize {
        self.keymap
            .help_rows()
            .len()
            .saturating_sub(self.help_height())
    }

    /// True while an input line (search or find) has the keyboard.
    pub fn editing(&self) -> bool {
        self.find.is_some() || self.search.as_ref().is_some_and(|s| s.editing)
    }

    /// Screen geometry for the current size and state.
    pub fn areas(&self) -> Areas {
        self.areas_for(self.size)
    }

    /// Screen geometry for a screen of `size` (the frame being drawn) and the state.
    pub fn areas_for(&self, size: Rect) -> Areas {
        self.areas_with(size, self.reader.is_some())
    }

    /// Screen geometry with an article open or not (`reader_open`), whatever the state says:
    /// where an article about to open will be drawn.
    pub fn areas_with(&self, size: Rect, reader_open: bool) -> Areas {
        areas(
            size,
            Panes {
                focus: self.focus,
                reader_open,
                sidebar: self.sidebar,
                list_width: self.list_width,
                zoom: self.zoom,
            },
        )
    }

    /// The article metadata on list row `i`.
    pub fn list_item(&self, i: usize) -> Option<ArticleMeta<'_>> {
        self.list.get(i).and_then(|&a| self.articles.get(a))
    }

    /// True when the article has been opened before.
    pub fn is_read(&self, id: &str) -> bool {
        self.saved.articles.get(id).is_some_and(|a| a.read)
    }

    /// True when the article is starred.
    pub fn is_starred(&self, id: &str) -> bool {
        self.saved.articles.get(id).is_some_and(|a| a.star)
    }
}

/// The links menu: the open article's web addresses (its `url` first, then those in its text)
/// and the one selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinksMenu {
    /// Addresses, each once, in order.
    pub urls: Vec<String>,
    /// Index of the selected address.
    pub sel: usize,
}

impl LinksMenu {
    /// The menu for the article open in `rd`, or `None` when it has no address.
    pub fn of(rd: &Reader) -> Option<LinksMenu> {
        let urls = crate::text::urls::article_links(rd.view.article.url.as_deref(), rd.text());
        (!urls.is_empty()).then_some(LinksMenu { urls, sel: 0 })
    }
}
