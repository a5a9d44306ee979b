//! `update`: applies an [`Action`] to the [`State`] — the whole behaviour of the TUI, with no
//! terminal. Work that must not run on the UI thread (corpus search) is asked for through
//! [`Effect`]s that the runtime executes and answers with more actions.

use ratatui::layout::Rect;

use super::action::{Action, Effect};
use super::geometry::{self, Focus, SidebarPref};
use super::input::LineInput;
use super::sidebar::{row_of_entity, SideRow};
use super::state::{
    CorpusSearch, Filter, HighlightOrigin, LinksMenu, ListView, Reader, Sort, State, Status,
};
use crate::entities::entity_key;
use crate::index::newest_key;

impl State {
    /// One level back: reader → list, search results → list, filtered → whole list, an open
    /// article closed (the list takes the screen). False when already at the top (the whole
    /// list, nothing open).
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
        } else if self.reader.is_some() {
            self.save_position();
            self.reader = None;
        } else {
            return false;
        }
        true
    }

    /// Rebuilds the list order (sort + filter), keeping the selected article when possible.
    fn refresh_list(&mut self) {
        let keep = self.list_item(self.list_sel).map(|a| a.id.to_string());
        let arts = self.articles.clone();
        let view = self.view;
        let everything = view == ListView::All && self.filter.is_none();
        let wanted = |i: usize| {
            if everything {
                return true;
            }
            let Some(a) = arts.get(i) else { return false };
            let shown = match view {
                ListView::All => true,
                ListView::Unread => !self.is_read(a.id),
                ListView::Starred => self.is_starred(a.id),
            };
            shown && self.filter.as_ref().is_none_or(|f| f.ids.contains(a.id))
        };
        // Ties keep the source's order (the index lists articles by id): comparing positions is
        // as stable as comparing ids and far cheaper.
        let by_id = |a: usize, b: usize| a.cmp(&b);
        let idx: Vec<usize> = match self.sort {
            // The catalog stores this order: no sort when a large corpus opens.
            Sort::Newest => arts.newest_first().filter(|&i| wanted(i)).collect(),
            Sort::Oldest => {
                // The classes of the newest-first order (dated, yearless, undated), each oldest
                // first; packed into integers, computed once.
                let keys: Vec<(u8, u32)> = (0..arts.len())
                    .map(|i| {
                        let (class, std::cmp::Reverse(date)) = newest_key(arts.date(i));
                        (class, date)
                    })
                    .collect();
                let mut idx: Vec<usize> = (0..arts.len()).filter(|&i| wanted(i)).collect();
                idx.sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]).then_with(|| by_id(a, b)));
                idx
            }
            Sort::Title => {
                let titles: Vec<&str> = arts.iter().map(|a| a.title).collect();
                let mut idx: Vec<usize> = (0..arts.len()).filter(|&i| wanted(i)).collect();
                idx.sort_unstable_by(|&a, &b| titles[a].cmp(titles[b]).then_with(|| by_id(a, b)));
                idx
            }
        };
        self.list = idx;
        self.list_sel = keep
            .and_then(|id| {
                self.list
                    .iter()
                    .position(|&i| arts.get(i).is_some_and(|a| a.id == id))
            })
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

    pub(super) fn reader_height(&self) -> usize {
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
            let e = self
                .saved
                .articles
                .entry(r.view.article.id.clone())
                .or_default();
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
                self.status = None;
                let saved = self.saved.articles.entry(id.to_string()).or_default();
                saved.read = true;
                let pos = saved.pos;
                // The reader pane may only now appear (the list had the screen): lay out for
                // where it will be.
                self.focus = Focus::Reader;
                let pane = self.areas_with(self.size, true).reader_inner;
                let (w, h) = pane.map_or((40, 1), |r| (r.width.max(1), r.height.max(1)));
                let mut r = Reader::new(view, w, self.layout);
                if pos > 0 {
                    r.scroll = r.row_of(pos).min(r.max_scroll(h as usize));
                }
                self.reader = Some(r);
                self.effects.push(Effect::SaveState);
                true
            }
            Err(e) => {
                self.status = Some(Status::error(format!("cannot open {id}: {e}")));
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
        let before = self.focus;
        self.focus = order[((i + step).rem_euclid(n)) as usize];
        if self.focus != before {
            self.status = None;
        }
        if self.focus == Focus::Sidebar {
            self.highlight_selected_entity();
        }
    }

    /// Marks the selected entity's mentions; the reader keeps its place (`n`/`N` go to them).
    fn highlight_selected_entity(&mut self) {
        if let Some(r) = &mut self.reader {
            if let Some(e) = r.selected_entity().cloned() {
                let hl = e.mentions.iter().map(|m| m[0]..m[1]).collect();
                r.mark_highlights(hl, HighlightOrigin::Entity(e.name.clone()));
                // The count before the name: after an Arabic name the bidi algorithm takes a
                // number into the name's run ("person 3 — NAME" on screen).
                let mentions = if e.count == 1 { "mention" } else { "mentions" };
                self.status = Some(Status::info(format!(
                    "{} {mentions} of {} {}; n/N step, Enter lists articles naming it",
                    e.count,
                    e.kind.as_str(),
                    e.name,
                )));
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
                // Marked but not visited: `n` goes to the first at or after the top row.
                let step = if std::mem::take(&mut r.unvisited) {
                    step.min(0)
                } else {
                    step
                };
                r.current = ((r.current as isize + step).rem_euclid(n)) as usize;
                r.reveal_current(h);
                self.status = Some(Status::info(format!("match {}/{}", r.current + 1, n)));
            }
            _ => self.status = Some(Status::info("no matches")),
        }
    }

    /// Applies `f` to the input being typed; when it says the text changed, the find or the
    /// search runs again.
    fn edit_input(&mut self, f: impl FnOnce(&mut LineInput) -> bool) {
        if let Some(q) = &mut self.find {
            if f(q) {
                self.update_find();
            }
        } else if let Some(s) = self.search.as_mut().filter(|s| s.editing) {
            if f(&mut s.query) {
                self.request_search();
            }
        }
    }

    /// Adds a query to the history and has it saved.
    fn remember_query(&mut self, q: &str) {
        self.history.push(q);
        if self.saved.history != self.history.entries() {
            self.saved.history = self.history.entries().to_vec();
            self.effects.push(Effect::SaveState);
        }
    }

    fn start_corpus_search(&mut self) {
        self.history.reset();
        let s = self.search.get_or_insert_with(CorpusSearch::default);
        s.editing = true;
        self.focus = Focus::List;
        self.find = None;
    }

    fn request_search(&mut self) {
        self.status = None;
        self.next_generation += 1;
        let g = self.next_generation;
        if let Some(s) = &mut self.search {
            s.generation = g;
            if s.query.as_str().trim().is_empty() {
                s.hits.clear();
                s.sel = 0;
                s.offset = 0;
                s.shown_generation = g;
            } else {
                self.effects.push(Effect::Search {
                    generation: g,
                    query: s.query.as_str().to_string(),
                });
            }
        }
    }

    fn update_find(&mut self) {
        let h = self.reader_height();
        let (Some(q), Some(src), Some(r)) = (&self.find, &self.source, &mut self.reader) else {
            return;
        };
        let q = q.as_str();
        // The phrase typed, word after word (the last word as you type); an entity clause
        // (`person:NAME`) marks that entity's mentions as the corpus search does.
        let entity = ["person:", "place:", "org:"]
            .iter()
            .any(|p| q.trim_start().starts_with(p));
        let hl = if q.trim().is_empty() {
            Vec::new()
        } else if entity {
            src.match_ranges(q, r.text())
        } else {
            crate::text::find::phrase_matches(q, r.text(), true)
        };
        let n = hl.len();
        r.set_highlights(hl, HighlightOrigin::Find(q.to_string()), h);
        self.status = Some(Status::info(if q.trim().is_empty() {
            String::new()
        } else if n == 0 {
            "no matches".into()
        } else {
            format!("match {}/{}", r.current + 1, n)
        }));
    }

    fn open_selected(&mut self) {
        match self.focus {
            Focus::List => {
                if let Some(s) = &self.search {
                    let Some(hit) = s.hits.get(s.sel).cloned() else {
                        return;
                    };
                    let query = s.query.as_str().to_string();
                    if self.open_article(&hit.id) {
                        let h = self.reader_height();
                        if let (Some(src), Some(r)) = (&self.source, &mut self.reader) {
                            let hl = src.match_ranges(&query, r.text());
                            r.scroll = 0;
                            r.set_highlights(hl, HighlightOrigin::Search(query), h);
                            r.current = 0;
                            r.reveal_current(h);
                            let n = r.highlights.len();
                            self.status = Some(Status::info(format!("{n} match(es) — n/N step")));
                        }
                    }
                } else if let Some(a) = self.list_item(self.list_sel).map(|a| a.id.to_string()) {
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
        match src.articles_naming(e.kind, &entity_key(e.kind, &e.name)) {
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
                self.status = Some(Status::info(format!(
                    "{n} article(s) naming {} {} — Esc clears",
                    e.kind.as_str(),
                    e.name
                )));
            }
            Err(err) => self.status = Some(Status::error(format!("entity filter failed: {err}"))),
        }
    }

    /// `<`/`>`: the list four columns narrower or wider beside an open article, within the
    /// bounds [`geometry::list_width`] keeps.
    fn resize_list(&mut self, step: i8) {
        let a = self.areas();
        let (Some(list), true, false) = (a.list, a.reader.is_some(), a.narrow) else {
            self.status = Some(Status::info(
                "the list's width changes beside an open article",
            ));
            return;
        };
        let side_w = a.sidebar.map_or(0, |r| r.width);
        let wanted = (list.width as i32 + 4 * step as i32).clamp(0, u16::MAX as i32) as u16;
        let w = geometry::list_width(self.size.width, side_w, Some(wanted));
        self.list_width = Some(w);
        self.status = Some(Status::info(format!(
            "list {w} columns (list_width = {w} in config.toml keeps it)"
        )));
    }

    /// `y` / `Y`: asks the runtime to copy the paragraph being read (the current match's, when
    /// one was stepped to, else the one at the top of the pane) or the whole article.
    fn copy(&mut self, whole: bool) {
        let Some(r) = &self.reader else {
            self.status = Some(Status::info("open an article first"));
            return;
        };
        let (text, what) = if whole {
            (article_for_handoff(r), "article".to_string())
        } else {
            let at = match r.highlights.get(r.current) {
                Some(h) if !r.unvisited => h.start,
                _ => r.position(),
            };
            let p = paragraph_at(r.text(), at);
            (p.to_string(), "paragraph".to_string())
        };
        self.effects.push(Effect::Copy { text, what });
    }

    /// The article `m` and `*` act on: the open one from the reader or sidebar, else the
    /// selected row of the list or the search results.
    fn marked_article(&self) -> Option<String> {
        match (self.focus, &self.reader, &self.search) {
            (Focus::Reader | Focus::Sidebar, Some(r), _) => Some(r.view.article.id.clone()),
            (_, _, Some(s)) => s.hits.get(s.sel).map(|h| h.id.clone()),
            _ => self.list_item(self.list_sel).map(|a| a.id.to_string()),
        }
    }

    /// `m` (`star` false) or `*`: flips the article's read or starred mark and saves it.
    fn toggle_mark(&mut self, star: bool) {
        let Some(id) = self.marked_article() else {
            return;
        };
        let e = self.saved.articles.entry(id).or_default();
        let (flag, on, off) = if star {
            (&mut e.star, "starred", "unstarred")
        } else {
            (&mut e.read, "marked read", "marked unread")
        };
        *flag = !*flag;
        let msg = if *flag { on } else { off };
        self.status = Some(Status::info(msg));
        self.effects.push(Effect::SaveState);
    }

    /// Opens the first unread article after the open one in list order (wrapping round).
    fn open_next_unread(&mut self) {
        let current = self.reader.as_ref().map(|r| r.view.article.id.clone());
        let n = self.list.len();
        let at = current
            .as_deref()
            .and_then(|id| (0..n).find(|&i| self.list_item(i).is_some_and(|a| a.id == id)))
            .map_or(0, |i| i + 1);
        let next = (0..n)
            .map(|k| (at + k) % n)
            .find(|&i| self.list_item(i).is_some_and(|a| !self.is_read(a.id)));
        match next.and_then(|i| self.list_item(i).map(|a| (i, a.id.to_string()))) {
            Some((i, id)) => {
                self.list_sel = i;
                if self.open_article(&id) {
                    self.status = Some(Status::info("next unread article"));
                }
            }
            None => self.status = Some(Status::info("no unread articles left")),
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
        let before = self.focus;
        self.click_pane(col, row);
        if self.focus != before && self.focus != Focus::Sidebar {
            self.status = None;
        }
    }

    fn click_pane(&mut self, col: u16, row: u16) {
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
                if let Some(SideRow::Entity(pos)) = rd.side_rows.get(rd.sidebar_offset + y) {
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
            let row = row_of_entity(&r.side_rows, r.entity_sel);
            if row < r.sidebar_offset {
                // Show the group heading above the first entity of a group too.
                r.sidebar_offset = row.saturating_sub(1);
            } else if row >= r.sidebar_offset + h {
                r.sidebar_offset = row + 1 - h;
            }
        }
    }
}

/// How far a move key takes an overlay (the help, the links menu): lines, pages of 10, or to an
/// end (clamped by the caller).
fn overlay_step(action: &Action) -> isize {
    match *action {
        Action::Move(d) => d,
        Action::Page(d) => d * 10,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        _ => 0,
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
            let articles = src.articles();
            state.source = Some(src);
            state.progress = None;
            match articles {
                Ok(a) => {
                    state.articles = a;
                    state.refresh_list();
                    if state.articles.is_empty() {
                        state.status = Some(Status::info("no articles in the corpus"));
                    }
                }
                Err(e) => state.status = Some(Status::error(format!("index error: {e}"))),
            }
        }
        Action::IndexFailed(e) => {
            state.progress = None;
            state.status = Some(Status::error(format!("index error: {e}")));
            state.index_error = Some(e);
        }
        Action::SearchResults { generation, result } => {
            if let Some(s) = &mut state.search {
                // Drop answers to queries the user has typed past.
                if generation == s.generation {
                    s.shown_generation = generation;
                    match result {
                        Ok(r) => {
                            s.hits = r.hits;
                            s.total = r.total;
                            s.also = r.also;
                            s.error = None;
                        }
                        Err(e) => {
                            s.hits.clear();
                            s.total = 0;
                            s.also.clear();
                            s.error = Some(e);
                        }
                    }
                    s.sel = 0;
                    s.offset = 0;
                }
            }
        }
        Action::ToggleHelp => {
            state.help = !state.help;
            state.help_scroll = 0;
        }
        _ if state.help => {
            let step = overlay_step(&action);
            let max = state.help_max_scroll() as isize;
            state.help_scroll = (state.help_scroll as isize + step).clamp(0, max) as usize;
            if matches!(action, Action::Escape | Action::Back) {
                state.help = false;
            }
        }
        Action::Links if state.links.is_some() => state.links = None,
        Action::Links => match state.reader.as_ref().map(LinksMenu::of) {
            Some(Some(menu)) => state.links = Some(menu),
            Some(None) => state.status = Some(Status::info("no links in this article")),
            None => state.status = Some(Status::info("open an article first")),
        },
        _ if state.links.is_some() => {
            let Some(menu) = state.links.as_mut() else {
                return;
            };
            let last = menu.urls.len() - 1;
            let step = overlay_step(&action);
            menu.sel = (menu.sel as isize + step).clamp(0, last as isize) as usize;
            let url = menu.urls[menu.sel].clone();
            match action {
                Action::Open => {
                    state.links = None;
                    state.effects.push(Effect::OpenLink { url });
                }
                Action::Copy { .. } => {
                    state.links = None;
                    state.effects.push(Effect::Copy {
                        text: url,
                        what: "link".into(),
                    });
                }
                Action::Escape | Action::Back => state.links = None,
                _ => {}
            }
        }
        Action::InputChar(c) => state.edit_input(|l| {
            l.insert(c);
            true
        }),
        Action::InputEdit(e) => state.edit_input(|l| l.edit(e)),
        Action::History(step) => {
            let Some(line) = state.input().map(|l| l.as_str().to_string()) else {
                return;
            };
            if let Some(t) = state.history.step(&line, step) {
                state.edit_input(|l| {
                    *l = LineInput::new(t);
                    true
                });
            }
        }
        Action::InputSubmit => {
            if let Some(q) = state.find.take() {
                // Keep the highlights; n/N step through them.
                state.remember_query(q.as_str());
            } else if let Some(s) = &mut state.search {
                s.editing = false;
                let q = s.query.as_str().to_string();
                state.remember_query(&q);
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
            let at_end = state.focus == Focus::Reader
                && state
                    .reader
                    .as_ref()
                    .is_some_and(|r| r.scroll >= r.max_scroll(state.reader_height()));
            if d > 0 && at_end {
                // Space at the end of an article goes on to the next unread one.
                state.open_next_unread();
            } else {
                let h = state.focused_height() as isize;
                state.move_focused(d * (h - 1).max(1));
            }
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
        Action::ResizeList(step) => state.resize_list(step),
        Action::ToggleZoom => {
            if state.reader.is_none() {
                state.status = Some(Status::info("open an article first"));
            } else {
                state.zoom = !state.zoom;
                state.focus = Focus::Reader;
            }
        }
        Action::CycleView => {
            state.view = state.view.next();
            state.refresh_list();
            let label: &str = state.view.into();
            state.status = Some(Status::info(format!("showing {label} articles")));
        }
        Action::ToggleRead => state.toggle_mark(false),
        Action::ToggleStar => state.toggle_mark(true),
        Action::Copy { whole } => state.copy(whole),
        Action::HandOff { editor } => {
            if let Some(text) = state.reader.as_ref().map(article_for_handoff) {
                state.effects.push(Effect::HandOff { text, editor });
            } else {
                state.status = Some(Status::info("open an article first"));
            }
        }
        Action::CycleSort => {
            state.sort = state.sort.next();
            state.refresh_list();
            state.status = Some(Status::info(format!("sorted by {}", state.sort.label())));
        }
        Action::StartSearch => {
            if state.source.is_none() {
                state.status = Some(Status::info("the index is still building"));
            } else if matches!(state.focus, Focus::Reader | Focus::Sidebar)
                && state.reader.is_some()
            {
                state.focus = Focus::Reader;
                state.find = Some(LineInput::default());
                state.history.reset();
            } else {
                state.start_corpus_search();
            }
        }
        Action::NextMatch => state.step_match(1),
        Action::PrevMatch => state.step_match(-1),
        Action::MouseScroll { col, row, delta } => state.wheel(col, row, delta),
        Action::MouseClick { col, row } => state.click(col, row),
    }
    // Zoom is the reader alone: it ends when focus leaves the reader or the article closes.
    if state.focus != Focus::Reader || state.reader.is_none() {
        state.zoom = false;
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

/// The paragraph of `text` (paragraphs are separated by blank lines) that holds byte `at`.
pub(super) fn paragraph_at(text: &str, at: usize) -> &str {
    let at = at.min(text.len());
    let at = (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let start = text[..at].rfind("\n\n").map_or(0, |i| i + 2);
    let end = text[at..].find("\n\n").map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// The open article as it is copied (`Y`) and handed to the pager: title, a line with the
/// source, date and id, a blank line, then the paragraphs (logical order).
pub(super) fn article_for_handoff(r: &Reader) -> String {
    let a = &r.view.article;
    let text = r.text();
    let (title, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let date = a.date.map(|d| d.iso());
    let meta: Vec<&str> = a
        .source
        .as_deref()
        .into_iter()
        .chain(date.as_deref())
        .chain([a.id.as_str()])
        .collect();
    format!("{title}\n{}\n\n{body}\n", meta.join(" · "))
}
