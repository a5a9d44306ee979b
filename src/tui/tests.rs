//! Key-sequence tests on the state and whole-screen snapshots over `TestBackend`.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::Terminal;

use super::action::Action;
use super::action::{Effect, SEARCH_LIMIT};
use super::geometry::Focus;
use super::keys::handle_key;
use super::persist::Saved;
use super::source::{seed_source, EntityKind, MemorySource, SearchResults, Source};
use super::state::State;
use super::theme::{ColorSupport, Theme};
use super::update::update;
use super::view::draw;

/// Applies [`Effect::Search`] effects synchronously (tests, and sources that are instant).
fn run_effects_inline(state: &mut State) {
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

fn fresh(w: u16, h: u16) -> State {
    State::new(
        Theme::default_theme(ColorSupport::Ansi256),
        Saved::default(),
        Rect::new(0, 0, w, h),
    )
}

fn loaded_with(w: u16, h: u16, src: impl Source + 'static, saved: Saved) -> State {
    let mut s = State::new(
        Theme::default_theme(ColorSupport::Ansi256),
        saved,
        Rect::new(0, 0, w, h),
    );
    update(&mut s, Action::IndexReady(Arc::new(src)));
    s
}

fn loaded(w: u16, h: u16) -> State {
    loaded_with(w, h, seed_source(), Saved::default())
}

fn press(s: &mut State, code: KeyCode, mods: KeyModifiers) {
    if let Some(a) = handle_key(s, KeyEvent::new(code, mods)) {
        update(s, a);
        run_effects_inline(s);
    }
}

/// Types keys: characters as themselves, `\n` Enter, `\x1b` Esc, `\t` Tab.
fn keys(s: &mut State, text: &str) {
    for c in text.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        press(s, code, KeyModifiers::NONE);
    }
}

fn render(s: &State) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(s.size.width, s.size.height)).unwrap();
    t.draw(|f| draw(s, f)).unwrap();
    t
}

/// The screen as text, plus a second block marking highlighted cells (`^` current match, `~`
/// other matches) so snapshots show that highlights land on the right cells.
fn screen(s: &State) -> String {
    let t = render(s);
    let buf = t.backend().buffer().clone();
    let m = s.theme.style("search_match").bg;
    let cur = s.theme.style("search_current").bg;
    let mut marks = String::new();
    for y in 0..buf.area.height {
        let mut row = String::new();
        let mut any = false;
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            if cur.is_some() && c.bg == cur.unwrap() {
                row.push('^');
                any = true;
            } else if m.is_some() && c.bg == m.unwrap() {
                row.push('~');
                any = true;
            } else {
                row.push(' ');
            }
        }
        if any {
            marks.push_str(&format!("{y:>3} {}\n", row.trim_end()));
        }
    }
    format!("{}\nhighlights:\n{marks}", t.backend())
}

/// Concatenated symbols of the cells drawn with the `search_current` background.
/// A right-to-left string as it reads off the screen, left to right (its graphemes reversed).
fn visual(rtl: &str) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    rtl.graphemes(true).rev().collect()
}

/// The cells painted as the current match, read left to right (visual order).
fn current_cells(s: &State) -> String {
    let t = render(s);
    let buf = t.backend().buffer();
    let cur = s.theme.style("search_current").bg.unwrap();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            if buf[(x, y)].bg == cur {
                out.push_str(buf[(x, y)].symbol());
            }
        }
    }
    out
}

#[test]
fn open_scroll_and_back() {
    let mut s = loaded(120, 40);
    // Newest first: 2021-11-17 is the top.
    assert_eq!(s.list_item(0).unwrap().id, "004_104105c63aa4b763");
    keys(&mut s, "j\n");
    let id = s.reader.as_ref().unwrap().view.article.id.clone();
    assert_eq!(id, "003_d20ebc38bcca70ee");
    assert_eq!(s.focus, Focus::Reader);
    assert!(s.is_read(&id));
    keys(&mut s, "jj");
    assert_eq!(s.reader.as_ref().unwrap().scroll, 2);
    keys(&mut s, "G");
    let r = s.reader.as_ref().unwrap();
    let h = s.areas().reader_inner.unwrap().height as usize;
    assert_eq!(r.scroll, r.max_scroll(h));
    assert!(r.scroll > 0);
    keys(&mut s, "g");
    assert_eq!(s.reader.as_ref().unwrap().scroll, 0);
    keys(&mut s, " ");
    assert_eq!(s.reader.as_ref().unwrap().scroll, h - 1);
    keys(&mut s, "u");
    assert_eq!(s.reader.as_ref().unwrap().scroll, h - 1 - h / 2);
    keys(&mut s, "\x1b");
    assert_eq!(s.focus, Focus::List);
    assert!(!s.quit);
    // From the list, `q` first closes the article: the list takes the whole screen.
    keys(&mut s, "q");
    assert!(s.reader.is_none() && !s.quit);
    assert_eq!(s.areas().list.unwrap().width, 120);
    keys(&mut s, "q");
    assert!(s.quit);
}

#[test]
fn sort_cycles() {
    let mut s = loaded(120, 40);
    keys(&mut s, "s");
    // Oldest: the first dated article is 2020-10-21.
    assert_eq!(s.list_item(0).unwrap().id, "001_13ef93096cc37932");
    keys(&mut s, "s");
    let titles: Vec<_> = (0..5).map(|i| s.list_item(i).unwrap().title).collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    keys(&mut s, "s");
    assert_eq!(s.list_item(0).unwrap().id, "004_104105c63aa4b763");
}

#[test]
fn search_as_you_type_opens_hit_with_highlights_and_n_steps() {
    let mut s = loaded(120, 40);
    keys(&mut s, "/لافروف");
    let hits = &s.search.as_ref().unwrap().hits;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, "001_13ef93096cc37932");
    keys(&mut s, "\n");
    let r = s.reader.as_ref().unwrap();
    assert_eq!(r.view.article.id, "001_13ef93096cc37932");
    assert!(r.highlights.len() >= 2, "{:?}", r.highlights);
    for h in &r.highlights {
        assert!(r.text()[h.clone()].contains("لافروف"));
    }
    assert_eq!(r.current, 0);
    // The current match is drawn on exactly its cells.
    assert_eq!(current_cells(&s), visual("لافروف"));
    keys(&mut s, "n");
    assert_eq!(s.reader.as_ref().unwrap().current, 1);
    keys(&mut s, "N");
    keys(&mut s, "N");
    let r = s.reader.as_ref().unwrap();
    assert_eq!(r.current, r.highlights.len() - 1, "N wraps to the last");
    // The current match's row is on screen.
    let row = r.row_of(r.highlights[r.current].start);
    let h = s.areas().reader_inner.unwrap().height as usize;
    assert!(row >= r.scroll && row < r.scroll + h);
}

#[test]
fn stale_search_results_are_dropped() {
    let mut s = loaded(120, 40);
    keys(&mut s, "/");
    // Type without running effects: two requests queued.
    for c in "رو".chars() {
        let a = handle_key(&s, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).unwrap();
        update(&mut s, a);
    }
    let gens: Vec<u64> = s
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Search { generation, .. } => Some(*generation),
            _ => None,
        })
        .collect();
    assert_eq!(gens.len(), 2);
    s.effects.clear();
    let fake = vec![super::source::Hit {
        id: "x".into(),
        title: "stale".into(),
        score: 1.0,
        snippet: String::new(),
        highlights: vec![],
        date: None,
        source: None,
    }];
    update(
        &mut s,
        Action::SearchResults {
            generation: gens[0],
            result: Ok(SearchResults {
                total: fake.len(),
                hits: fake.clone(),
                also: Vec::new(),
            }),
        },
    );
    assert!(
        s.search.as_ref().unwrap().hits.is_empty(),
        "stale answer shown"
    );
    update(
        &mut s,
        Action::SearchResults {
            generation: gens[1],
            result: Ok(SearchResults {
                total: 1200,
                hits: fake,
                also: vec!["ترمب".into()],
            }),
        },
    );
    assert_eq!(s.search.as_ref().unwrap().hits.len(), 1);
    // The title gives the true total, the input line the other spellings matched.
    let shown = screen(&s);
    assert!(shown.contains("Search (1 of 1,200)"), "{shown}");
    assert!(shown.contains("also:"), "{shown}");
}

#[test]
fn entity_prefix_queries_go_to_the_source() {
    let mut s = loaded(120, 40);
    keys(&mut s, "/person:بوتين");
    let hits = &s.search.as_ref().unwrap().hits;
    assert!(!hits.is_empty());
    keys(&mut s, "\n");
    let r = s.reader.as_ref().unwrap();
    assert!(!r.highlights.is_empty());
    assert!(r
        .highlights
        .iter()
        .all(|h| r.text()[h.clone()].contains("بوتين")));
}

#[test]
fn find_in_article_and_escape() {
    let mut s = loaded(120, 40);
    keys(&mut s, "\n/روسيا");
    assert!(s.editing());
    let n = s.reader.as_ref().unwrap().highlights.len();
    assert!(n > 0);
    keys(&mut s, "\n");
    assert!(!s.editing());
    assert_eq!(s.reader.as_ref().unwrap().highlights.len(), n);
    keys(&mut s, "n");
    assert_eq!(s.reader.as_ref().unwrap().current, 1 % n);
    // Esc while typing a find cancels it and its highlights.
    keys(&mut s, "/x\x1b");
    assert!(s.reader.as_ref().unwrap().highlights.is_empty());
    assert_eq!(s.focus, Focus::Reader);
}

#[test]
fn entity_sidebar_highlights_mentions_and_filters_the_list() {
    let mut s = loaded(120, 40);
    keys(&mut s, "\n\t");
    assert_eq!(s.focus, Focus::Sidebar);
    let r = s.reader.as_ref().unwrap();
    let e = r.selected_entity().unwrap().clone();
    assert_eq!(e.kind, EntityKind::Person);
    assert_eq!(r.highlights.len(), e.count);
    // Every highlight is a mention of the entity: its full name or a short form of it.
    for h in &r.highlights {
        let mention = &r.text()[h.clone()];
        let last = mention.split_whitespace().last().unwrap();
        assert!(e.name.contains(last), "{mention} is not {}", e.name);
    }
    let first = r.text()[r.highlights[0].clone()].to_string();
    assert_eq!(current_cells(&s), visual(&first));
    // The first `n` goes to the marked mention, the next one on.
    keys(&mut s, "n");
    assert_eq!(s.reader.as_ref().unwrap().current, 0);
    keys(&mut s, "n");
    assert_eq!(s.reader.as_ref().unwrap().current, 1 % e.count);
    keys(&mut s, "\n");
    assert_eq!(s.focus, Focus::List);
    let f = s.filter.as_ref().unwrap();
    assert_eq!(f.name, e.name);
    let ids: Vec<String> = (0..s.list.len())
        .map(|i| s.list_item(i).unwrap().id.to_string())
        .collect();
    let want = seed_source()
        .articles_naming(e.kind, &crate::entities::entity_key(e.kind, &e.name))
        .unwrap();
    assert_eq!(ids.len(), want.len());
    assert!(ids.iter().all(|i| want.contains(i)));
    keys(&mut s, "\x1b");
    assert!(s.filter.is_none());
    assert_eq!(s.list.len(), 5);
    // `q` also steps back out of a filter and out of search results before quitting.
    keys(&mut s, "\t\t\nq");
    assert!(s.filter.is_none() && !s.quit);
    keys(&mut s, "/روسيا\n\x1bq");
    assert!(s.search.is_none() && !s.quit);
    keys(&mut s, "q");
    assert!(s.reader.is_none() && !s.quit);
    keys(&mut s, "q");
    assert!(s.quit);
}

#[test]
fn reading_position_survives_a_restart_and_a_resize() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = loaded(120, 40);
    keys(&mut s, "\njjjjj");
    let pos = s.reader.as_ref().unwrap().position();
    assert!(pos > 0);
    // A narrower terminal re-wraps but keeps the same text at the top.
    update(&mut s, Action::Resize(90, 30));
    assert_eq!(s.reader.as_ref().unwrap().position(), pos);
    keys(&mut s, "\x1bqq");
    assert!(s.quit);
    super::persist::save(dir.path(), &s.saved).unwrap();
    let (saved, err) = super::persist::load(Some(dir.path()));
    assert!(err.is_none());
    let id = "004_104105c63aa4b763";
    assert!(saved.articles[id].read);
    let mut s2 = loaded_with(120, 40, seed_source(), saved);
    keys(&mut s2, "\n");
    assert_eq!(s2.reader.as_ref().unwrap().view.article.id, id);
    assert_eq!(s2.reader.as_ref().unwrap().position(), pos);
}

#[test]
fn help_overlay_toggles_and_swallows_keys() {
    let mut s = loaded(120, 40);
    keys(&mut s, "?");
    assert!(s.help);
    keys(&mut s, "j\n");
    assert!(s.reader.is_none());
    assert_eq!(s.list_sel, 0);
    keys(&mut s, "q");
    assert!(!s.help && !s.quit);
    // Taller than a small screen, the help scrolls: its last row comes into view with G.
    let mut small = loaded(60, 20);
    keys(&mut small, "?");
    let last = small.keymap.help_rows().last().unwrap().1.clone();
    assert!(!screen(&small).contains(&last));
    assert!(screen(&small).contains("j/k"));
    keys(&mut small, "G");
    assert!(screen(&small).contains(&last), "{}", screen(&small));
    // One row up from the bottom is one row up on screen.
    keys(&mut small, "k");
    assert!(!screen(&small).contains(&last));
    keys(&mut small, "g");
    assert_eq!(small.help_scroll, 0);
    press(&mut s, KeyCode::F(1), KeyModifiers::NONE);
    assert!(s.help);
    press(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(s.quit);
}

#[test]
fn narrow_layout_is_one_pane_at_a_time() {
    let mut s = loaded(60, 20);
    assert!(s.areas().narrow);
    assert!(s.areas().reader.is_none());
    keys(&mut s, "\n");
    let a = s.areas();
    assert!(a.list.is_none() && a.reader.is_some());
    keys(&mut s, "e");
    assert_eq!(s.focus, Focus::Sidebar);
    assert!(s.areas().sidebar.is_some());
    keys(&mut s, "q");
    assert_eq!(s.focus, Focus::List);
    // 70–99 columns: no sidebar until `e`.
    let mut s = loaded(90, 30);
    keys(&mut s, "\n");
    assert!(s.areas().sidebar.is_none());
    keys(&mut s, "e");
    assert!(s.areas().sidebar.is_some());
    keys(&mut s, "e");
    assert!(s.areas().sidebar.is_none());
}

#[test]
fn mouse_click_selects_and_wheel_scrolls() {
    let mut s = loaded(120, 40);
    let li = s.areas().list_inner.unwrap();
    update(
        &mut s,
        Action::MouseClick {
            col: li.x + 3,
            row: li.y + 2,
        },
    );
    assert_eq!(s.list_sel, 2);
    update(
        &mut s,
        Action::MouseClick {
            col: li.x + 3,
            row: li.y + 2,
        },
    );
    assert!(s.reader.is_some(), "a second click opens");
    let ri = s.areas().reader_inner.unwrap();
    update(
        &mut s,
        Action::MouseScroll {
            col: ri.x + 1,
            row: ri.y + 1,
            delta: 1,
        },
    );
    assert_eq!(s.reader.as_ref().unwrap().scroll, 3);
}

#[test]
fn tiny_sizes_do_not_panic() {
    for (w, h) in [
        (1, 1),
        (2, 2),
        (19, 4),
        (20, 5),
        (21, 6),
        (30, 8),
        (69, 10),
        (70, 10),
    ] {
        let mut s = loaded(w, h);
        render(&s);
        for k in [
            "\n", "j", "G", "\t", "\t", "e", "/", "ر", "\n", "?", "\x1b", "n", "q",
        ] {
            keys(&mut s, k);
            render(&s);
        }
        if w < 20 || h < 5 {
            let t = render(&s);
            let first: String = (0..w)
                .map(|x| t.backend().buffer()[(x, 0)].symbol().to_string())
                .collect();
            assert!("terminal too small".starts_with(first.trim_end()));
        }
    }
}

#[test]
fn control_characters_never_reach_the_screen() {
    let raw = "عنوان\x1b[31m خطير\x07\n\nنص فيه \u{9b}2J و\x7f و\x1b]0;pwned\x07 هنا.";
    // Built by hand, not through the loader: the date and source fields carry controls too.
    let (title, body) = raw.split_once("\n\n").unwrap();
    let a = super::source::OpenArticle::new(
        crate::corpus::Article {
            id: "evil".into(),
            title: title.into(),
            paragraphs: vec![body.into()],
            date: crate::text::dates::PartialDate::from_iso("2030-01-01"),
            source: Some("\x1bsrc".into()),
            path: "evil.txt".into(),
            truncated: false,
            marks: Vec::new(),
            url: None,
        },
        Vec::new(),
    );
    let mut s = loaded_with(120, 40, MemorySource::new(vec![a]), Saved::default());
    keys(&mut s, "\n");
    let t = render(&s);
    for c in t.backend().buffer().content() {
        assert!(
            !c.symbol()
                .chars()
                .any(|ch| (ch as u32) < 0x20 || (0x7f..=0x9f).contains(&(ch as u32))),
            "raw control in cell {:?}",
            c.symbol()
        );
    }
    assert!(t.backend().to_string().contains('␛'));
}

#[test]
fn loading_screen_then_ready() {
    let mut s = fresh(80, 20);
    update(&mut s, Action::IndexProgress { done: 3, total: 10 });
    // Keys are accepted while loading.
    keys(&mut s, "j/?");
    keys(&mut s, "\x1b");
    insta::assert_snapshot!("loading_80x20", screen(&s));
    update(&mut s, Action::IndexReady(Arc::new(seed_source())));
    assert_eq!(s.list.len(), 5);
    assert!(s.progress.is_none());
}

#[test]
fn cursor_sits_on_the_selected_row() {
    let mut s = loaded(120, 40);
    keys(&mut s, "jj");
    let mut t = render(&s);
    let li = s.areas().list_inner.unwrap();
    t.backend_mut().assert_cursor_position((li.x, li.y + 2));
}

/// Bytes written to the terminal for one `j`, in the list and in the reader, at 120×40.
#[test]
fn bytes_per_scroll_line() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    struct Count(Arc<AtomicUsize>);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.fetch_add(b.len(), Ordering::SeqCst);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    fn measure(s: &mut State, key: &str, scrolling: bool) -> usize {
        let n = Arc::new(AtomicUsize::new(0));
        let size = ratatui::layout::Size::new(s.size.width, s.size.height);
        let inner = CrosstermBackend::new(Count(n.clone()));
        if scrolling {
            let backend = super::scroll::ScrollBackend::with_size(inner, size);
            return measure_with(s, key, backend, &n);
        }
        measure_with(s, key, inner, &n)
    }
    fn measure_with<B: ratatui::backend::Backend>(
        s: &mut State,
        key: &str,
        backend: B,
        n: &Arc<AtomicUsize>,
    ) -> usize {
        let opts = ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(s.size),
        };
        let mut t = Terminal::with_options(backend, opts).unwrap();
        t.draw(|f| draw(s, f)).unwrap();
        let before = n.load(Ordering::SeqCst);
        keys(s, key);
        t.draw(|f| draw(s, f)).unwrap();
        n.load(Ordering::SeqCst) - before
    }
    let mut s = loaded(120, 40);
    let list = measure(&mut s, "j", true);
    keys(&mut s, "\n");
    let plain = measure(&mut s, "j", false);
    let reader = measure(&mut s, "j", true);
    let mut n = loaded(60, 20);
    keys(&mut n, "\n");
    let narrow_plain = measure(&mut n, "j", false);
    let narrow = measure(&mut n, "j", true);
    // Zoomed (`z`), the reader alone at 120x24 scrolls with the terminal too.
    let mut z = loaded(120, 24);
    keys(&mut z, "\nz");
    assert!(z.areas().zoomed);
    let zoom_plain = measure(&mut z, "j", false);
    let zoom = measure(&mut z, "j", true);
    eprintln!(
        "bytes per j: list {list}; reader 120x40 {reader} (plain diff {plain}); \
         reader 60x20 {narrow} (plain diff {narrow_plain}); zoomed 120x24 {zoom} (plain diff \
         {zoom_plain})"
    );
    assert!(zoom * 4 < zoom_plain, "{zoom} vs {zoom_plain}");
    assert!(list < 2000, "list j wrote {list} bytes");
    assert!(reader <= plain);
    // Alone on screen the reader scrolls with the terminal: one new line, not the pane.
    assert!(narrow * 4 < narrow_plain, "{narrow} vs {narrow_plain}");
}

#[test]
fn snapshot_list_120x40() {
    let s = loaded(120, 40);
    insta::assert_snapshot!("list_120x40", screen(&s));
}

#[test]
fn snapshot_list_60x20() {
    let s = loaded(60, 20);
    insta::assert_snapshot!("list_60x20", screen(&s));
}

#[test]
fn snapshot_reader_and_sidebar_120x40() {
    let mut s = loaded(120, 40);
    keys(&mut s, "\n");
    insta::assert_snapshot!("reader_120x40", screen(&s));
    keys(&mut s, "\tj");
    insta::assert_snapshot!("sidebar_entity_120x40", screen(&s));
}

#[test]
fn snapshot_reader_60x20() {
    let mut s = loaded(60, 20);
    keys(&mut s, "j\n");
    insta::assert_snapshot!("reader_60x20", screen(&s));
    keys(&mut s, "e");
    assert_eq!(
        s.reader.as_ref().unwrap().sidebar_offset,
        0,
        "heading hidden"
    );
    insta::assert_snapshot!("sidebar_60x20", screen(&s));
}

#[test]
fn snapshot_search_and_hit_120x40() {
    let mut s = loaded(120, 40);
    keys(&mut s, "/روسيا");
    insta::assert_snapshot!("search_120x40", screen(&s));
    keys(&mut s, "\n");
    insta::assert_snapshot!("hit_120x40", screen(&s));
}

#[test]
fn snapshot_search_and_hit_60x20() {
    let mut s = loaded(60, 20);
    keys(&mut s, "/لافروف");
    insta::assert_snapshot!("search_60x20", screen(&s));
    keys(&mut s, "\n");
    insta::assert_snapshot!("hit_60x20", screen(&s));
}

#[test]
fn snapshot_help() {
    let mut s = loaded(120, 40);
    keys(&mut s, "?");
    insta::assert_snapshot!("help_120x40", screen(&s));
    let mut s = loaded(60, 20);
    keys(&mut s, "?");
    insta::assert_snapshot!("help_60x20", screen(&s));
}

#[test]
fn snapshot_filter_and_small() {
    let mut s = loaded(120, 40);
    keys(&mut s, "\n\t\n");
    insta::assert_snapshot!("filter_120x40", screen(&s));
    let s = loaded(20, 5);
    insta::assert_snapshot!("min_20x5", screen(&s));
    let s = loaded(19, 5);
    insta::assert_snapshot!("too_small_19x5", screen(&s));
}

#[test]
fn bad_theme_falls_back_with_a_message_in_the_status_bar() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        "[styles]\ntext = { fg = \"nope\" }\n",
    )
    .unwrap();
    let opts = super::TuiOptions {
        theme: "broken".into(),
        theme_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let s = super::initial_state(&opts, ColorSupport::Ansi256, Rect::new(0, 0, 120, 40));
    assert_eq!(s.theme.name, "default");
    let t = render(&s);
    let status: String = (0..120)
        .map(|x| t.backend().buffer()[(x, 38)].symbol().to_string())
        .collect();
    assert!(status.contains("bad colour \"nope\""), "{status}");
    assert!(status.contains("default theme"), "{status}");
}

#[test]
fn keys_from_config_drive_handling_and_help() {
    let mut opts = super::TuiOptions::default();
    opts.keys
        .entry("reader".into())
        .or_default()
        .insert("J".into(), "page_down".into());
    let mut s = super::initial_state(&opts, ColorSupport::Ansi256, Rect::new(0, 0, 120, 40));
    update(&mut s, Action::IndexReady(Arc::new(seed_source())));
    keys(&mut s, "\nJ");
    // `J` pages down in the reader, as Space does.
    let mut plain = loaded(120, 40);
    keys(&mut plain, "\n ");
    let paged = plain.reader.as_ref().unwrap().scroll;
    assert!(paged > 0);
    assert_eq!(s.reader.as_ref().unwrap().scroll, paged);
    // Not bound in the list.
    keys(&mut s, "\x1bJ");
    assert_eq!(s.list_sel, 0);
    keys(&mut s, "?");
    let screen = render(&s).backend().to_string();
    for k in ["Ctrl-f", "Ctrl-b", "Ctrl-n", "Ctrl-p", "(in the reader)"] {
        assert!(screen.contains(k), "{k} not in the help:\n{screen}");
    }
}

#[test]
fn the_status_bar_styles_by_severity_not_by_words() {
    use super::state::Status;
    let mut s = loaded(120, 40);
    let style_at = |s: &State| render(s).backend().buffer()[(0, 38)].style();
    let error = s.theme.style("status").patch(s.theme.style("error"));
    s.status = Some(Status::info("no error: cannot is just a word here"));
    assert_ne!(style_at(&s).fg, error.fg);
    s.status = Some(Status::error("it failed"));
    assert_eq!(style_at(&s).fg, error.fg);
    s.status = Some(Status::warning("fell back"));
    assert_eq!(style_at(&s).fg, error.fg);
}

#[test]
fn cursor_follows_the_search_input() {
    let mut s = loaded(120, 40);
    keys(&mut s, "/ab");
    let mut t = render(&s);
    t.backend_mut().assert_cursor_position((3, 38));
}

/// Not an assertion: prints update+draw time per `j` at 120×40 (run with --nocapture).
#[test]
fn time_per_key_report() {
    let mut s = loaded(120, 40);
    keys(&mut s, "\n");
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|f| draw(&s, f)).unwrap();
    let mut times = Vec::new();
    for i in 0..200 {
        let k = if (i / 20) % 2 == 0 { "j" } else { "k" };
        let start = std::time::Instant::now();
        keys(&mut s, k);
        t.draw(|f| draw(&s, f)).unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    eprintln!(
        "update+draw per j/k at 120x40: median {:?}",
        times[times.len() / 2]
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn action() -> impl Strategy<Value = Result<KeyCode, (u8, u16, u16)>> {
        let keys = prop::sample::select(vec![
            KeyCode::Char('j'),
            KeyCode::Char('k'),
            KeyCode::Char('G'),
            KeyCode::Char('g'),
            KeyCode::Char(' '),
            KeyCode::Char('b'),
            KeyCode::Char('d'),
            KeyCode::Char('u'),
            KeyCode::Char('/'),
            KeyCode::Char('n'),
            KeyCode::Char('N'),
            KeyCode::Char('e'),
            KeyCode::Char('s'),
            KeyCode::Char('?'),
            KeyCode::Char('q'),
            KeyCode::Char('ر'),
            KeyCode::Char('و'),
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Down,
            KeyCode::PageUp,
        ]);
        prop_oneof![
            6 => keys.prop_map(Ok),
            1 => (0u8..3, 0u16..130, 0u16..45).prop_map(Err),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any key, mouse and resize sequence at any size neither panics nor leaves the
        /// selection or scroll out of range.
        #[test]
        fn random_sessions_do_not_panic(
            w in 1u16..130, h in 1u16..45,
            seq in prop::collection::vec(action(), 1..60),
        ) {
            let mut s = loaded(w, h);
            for a in seq {
                match a {
                    Ok(code) => press(&mut s, code, KeyModifiers::NONE),
                    Err((0, c, r)) => update(&mut s, Action::MouseClick { col: c, row: r }),
                    Err((1, c, r)) => update(&mut s, Action::MouseScroll { col: c, row: r, delta: 1 }),
                    Err((_, c, r)) => update(&mut s, Action::Resize(c.max(1), r.max(1))),
                }
                if s.quit {
                    break;
                }
                render(&s);
                prop_assert!(s.list_sel < s.list.len().max(1));
                if let Some(r) = &s.reader {
                    prop_assert!(r.scroll <= r.rows.len());
                    prop_assert!(r.current < r.highlights.len().max(1));
                }
            }
        }
    }
}

#[test]
fn the_sidebar_marks_mentions_and_the_reader_keeps_its_place_until_n() {
    let mut s = loaded(120, 40);
    keys(&mut s, "\njjjjjjjj");
    let at = s.reader.as_ref().unwrap().scroll;
    assert!(at > 0, "the article scrolls");
    // Into the sidebar and down its entities: mentions are marked, the reader does not move.
    keys(&mut s, "\t");
    assert_eq!(s.focus, Focus::Sidebar);
    assert!(s.status.is_some(), "the entity is named in the status line");
    for _ in 0..3 {
        let r = s.reader.as_ref().unwrap();
        assert_eq!(r.scroll, at);
        assert!(!r.highlights.is_empty());
        keys(&mut s, "j");
    }
    // `n` goes to the first mention at or after the top row (not past it), and shows it.
    let r = s.reader.as_ref().unwrap();
    let first = r.current;
    keys(&mut s, "n");
    let r = s.reader.as_ref().unwrap();
    assert_eq!(r.current, first);
    let h = s.reader_height();
    let row = r.row_of(r.highlights[r.current].start);
    assert!(
        row >= r.scroll && row < r.scroll + h,
        "{row} {} {h}",
        r.scroll
    );
    // Back to the reader: same place, and the entity's status line is gone.
    let at = r.scroll;
    press(&mut s, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(s.focus, Focus::Reader);
    assert_eq!(s.reader.as_ref().unwrap().scroll, at);
    assert!(s.status.is_none(), "{:?}", s.status);
}

/// Issue 12, item 2: the list shows titles (whole when nothing is open, the date kept at 80
/// columns, the source set apart at 60), its width follows `<`/`>`, and two entities whose
/// names are cut alike in the sidebar can be told apart.
#[test]
fn the_list_shows_titles_and_the_sidebar_tells_names_apart() {
    // Nothing open: the list has the whole screen and every seed title is whole.
    let s = loaded(120, 40);
    assert_eq!(s.areas().list.unwrap().width, 120);
    let text = screen(&s);
    for i in 0..s.list.len() {
        let title = visual(s.list_item(i).unwrap().title);
        assert!(text.contains(&title), "{title} not whole in\n{text}");
    }
    // At 80 columns beside an open article the list still has a date column.
    let mut s = loaded(80, 24);
    keys(&mut s, "\n\t");
    let text = screen(&s);
    assert!(text.contains("21-11-17"), "{text}");
    // `>` widens the list by four columns, `<` narrows it, within bounds.
    let w0 = s.areas().list.unwrap().width;
    keys(&mut s, ">");
    assert_eq!(s.areas().list.unwrap().width, w0 + 4);
    keys(&mut s, "<<<<<<<<<<<<");
    assert_eq!(s.areas().list.unwrap().width, super::geometry::MIN_LIST);
    keys(&mut s, &">".repeat(40));
    assert_eq!(s.areas().reader.unwrap().width, super::geometry::MIN_READER);
    // At 60 columns the source stands apart from the title.
    let s = loaded(60, 20);
    let row = screen(&s).lines().nth(1).unwrap().to_string();
    assert!(row.contains(" │ "), "{row}");

    // Two organisations that share their first words, at two sizes; the second pair's last
    // word has a lam-alef, one column to unicode-width and two cells as laid out.
    for (name_a, name_b, cols, rows) in [
        (
            "منظمة الأمن والتعاون في أوروبا",
            "منظمة الأمن والتعاون في آسيا",
            120,
            40,
        ),
        ("وزارة الدفاع الأرمينية", "وزارة الدفاع الروسية", 100, 20),
    ] {
        let rows = sidebar_cut_rows(name_a, name_b, cols, rows);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_ne!(rows[0], rows[1]);
        for r in &rows {
            assert_eq!(r.matches('…').count(), 1, "{rows:?}");
        }
        let last = |n: &str| visual(n.rsplit(' ').next().unwrap());
        assert!(
            rows.iter()
                .any(|r| r.contains(&last(name_a)) || r.contains(&last(name_b))),
            "{rows:?}"
        );
    }
}

/// The sidebar rows with an ellipsis when two organisations `name_a` and `name_b` are listed at
/// `cols`×`rows`.
fn sidebar_cut_rows(name_a: &str, name_b: &str, cols: u16, rows: u16) -> Vec<String> {
    let body = format!("{name_a} و{name_b}.");
    let text_all = format!("عنوان\n\n{body}");
    let at = |n: &str| {
        let p = text_all.find(n).unwrap();
        vec![[p, p + n.len()]]
    };
    let ent = |name: &str| crate::entities::Entity {
        kind: EntityKind::Org,
        name: name.into(),
        count: 1,
        mentions: at(name),
    };
    let a = super::source::OpenArticle::new(
        crate::corpus::Article {
            id: "orgs".into(),
            title: "عنوان".into(),
            paragraphs: vec![body.clone()],
            date: None,
            source: None,
            path: "orgs.txt".into(),
            truncated: false,
            marks: Vec::new(),
            url: None,
        },
        vec![ent(name_a), ent(name_b)],
    );
    let mut s = loaded_with(cols, rows, MemorySource::new(vec![a]), Saved::default());
    keys(&mut s, "\n");
    let side = s.areas().sidebar_inner.unwrap();
    let t = render(&s);
    let buf = t.backend().buffer().clone();
    (side.y..side.y + side.height)
        .map(|y| {
            (side.x..side.x + side.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .filter(|r| r.contains('…'))
        .collect()
}

/// Issue 12, item 5: the search box edits like a line editor, Up/Down walk the queries kept
/// between runs, and find in the article matches the phrase typed, counted once per phrase.
#[test]
fn the_search_box_edits_like_a_line_and_remembers_queries() {
    let mut s = loaded(120, 40);
    keys(&mut s, "/روسيا تركيا");
    let q = |s: &State| s.search.as_ref().unwrap().query.as_str().to_string();
    // Ctrl-w deletes the last word, Home + Del the first letter, End goes back to the end.
    press(&mut s, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert_eq!(q(&s), "روسيا ");
    press(&mut s, KeyCode::Char('a'), KeyModifiers::CONTROL);
    press(&mut s, KeyCode::Delete, KeyModifiers::NONE);
    assert_eq!(q(&s), "وسيا ");
    keys(&mut s, "ر");
    press(&mut s, KeyCode::End, KeyModifiers::NONE);
    assert_eq!(s.search.as_ref().unwrap().query.cursor(), q(&s).len());
    // The search ran on every edit: روسيا finds articles.
    assert!(!s.search.as_ref().unwrap().hits.is_empty());
    keys(&mut s, "\n");
    assert_eq!(s.saved.history, ["روسيا"]);
    assert!(s.effects.is_empty() || s.effects.contains(&Effect::SaveState));
    // A second run starts with the saved history: Up brings the query back, Down the draft.
    let mut s2 = loaded_with(120, 40, seed_source(), s.saved.clone());
    keys(&mut s2, "/باغ");
    press(&mut s2, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(q(&s2), "روسيا");
    press(&mut s2, KeyCode::Down, KeyModifiers::NONE);
    assert_eq!(q(&s2), "باغ");
    // The input shows a cursor where the edit happens: Home puts it on the first letter,
    // which in an Arabic line is the rightmost.
    press(&mut s2, KeyCode::Home, KeyModifiers::NONE);
    let mut t = render(&s2);
    let home = t.get_cursor_position().unwrap();
    press(&mut s2, KeyCode::End, KeyModifiers::NONE);
    t = render(&s2);
    let end = t.get_cursor_position().unwrap();
    assert!(home.x > end.x, "home {home:?} end {end:?}");

    // Find in the article: a two-word phrase counts its own occurrences, not each word's.
    let mut s = loaded(120, 40);
    keys(&mut s, "\n/وزارة الدفاع");
    let r = s.reader.as_ref().unwrap();
    let text = r.text();
    let phrase = r.highlights.len();
    assert!(phrase > 0);
    for h in &r.highlights {
        assert!(text[h.clone()].contains(' '), "{:?}", &text[h.clone()]);
    }
    let words = crate::text::find::phrase_matches("الدفاع", text, false).len();
    assert!(words > phrase, "{words} {phrase}");
    assert_eq!(s.status.as_ref().unwrap().text, format!("match 1/{phrase}"));
}

/// Issue 12, item 3: `y` / `Y` / `o` / `O` ask the runtime to copy the paragraph being read or
/// the article, or to hand it to the pager or editor; with nothing open they say so.
#[test]
fn copy_and_hand_off_ask_for_the_right_text() {
    let mut s = loaded(120, 40);
    update(&mut s, Action::Copy { whole: false });
    assert!(s.effects.is_empty());
    assert_eq!(s.status.as_ref().unwrap().text, "open an article first");
    keys(&mut s, "\njjjjj");
    let effect = |s: &mut State, a: Action| {
        s.effects.clear();
        update(s, a);
        s.effects.pop().unwrap()
    };
    let r = s.reader.as_ref().unwrap();
    let title = r.view.article.title.clone();
    let top = r.position();
    let Effect::Copy { text, what } = effect(&mut s, Action::Copy { whole: false }) else {
        panic!("no copy")
    };
    assert_eq!(what, "paragraph");
    let full = s.reader.as_ref().unwrap().text().to_string();
    let at = full.find(&text).unwrap();
    assert!(at <= top && top < at + text.len() && !text.contains("\n\n"));
    // After `n` on a find, the current match's paragraph.
    keys(&mut s, "/وزارة الدفاع\nn");
    let h = s.reader.as_ref().unwrap().highlights[s.reader.as_ref().unwrap().current].clone();
    let Effect::Copy { text, .. } = effect(&mut s, Action::Copy { whole: false }) else {
        panic!("no copy")
    };
    assert!(text.contains(&full[h]));
    // `Y` and `o`: title, the source · date · id line, then the text.
    let Effect::Copy { text, what } = effect(&mut s, Action::Copy { whole: true }) else {
        panic!("no copy")
    };
    assert_eq!(what, "article");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(title.as_str()));
    assert!(lines.next().unwrap().contains("2021-11-17"));
    let e = effect(&mut s, Action::HandOff { editor: false });
    assert_eq!(
        e,
        Effect::HandOff {
            text,
            editor: false
        }
    );
}

/// Issue 12, item 4: `m` marks read or unread, `*` stars, `F` shows unread or starred only,
/// Space at the end of an article opens the next unread one; the marks are saved.
#[test]
fn marks_stars_views_and_space_to_the_next_unread() {
    let mut s = loaded(120, 40);
    let id = |s: &State, i: usize| s.list_item(i).unwrap().id.to_string();
    let first = id(&s, 0);
    keys(&mut s, "*");
    assert!(s.is_starred(&first));
    keys(&mut s, "jm");
    let second = id(&s, 1);
    assert!(s.is_read(&second));
    keys(&mut s, "m");
    assert!(!s.is_read(&second));
    // F: unread (all five: nothing opened yet), then starred (one), then all.
    keys(&mut s, "F");
    assert_eq!(s.list.len(), 5);
    keys(&mut s, "F");
    assert_eq!(s.list.len(), 1);
    assert_eq!(id(&s, 0), first);
    assert!(screen(&s).contains("Articles (1) · newest · starred"));
    assert!(screen(&s).contains('★'));
    keys(&mut s, "F");
    assert_eq!(s.list.len(), 5);
    // Open the first, go to its end: Space opens the next unread (the second), marked read.
    keys(&mut s, "g\nG ");
    assert_eq!(s.reader.as_ref().unwrap().view.article.id, second);
    assert!(s.is_read(&first) && s.is_read(&second));
    assert_eq!(s.status.as_ref().unwrap().text, "next unread article");
    // The marks survive a restart through the state file.
    let dir = tempfile::tempdir().unwrap();
    super::persist::save(dir.path(), &s.saved).unwrap();
    let (saved, _) = super::persist::load(Some(dir.path()));
    assert!(saved.articles[&first].star && saved.articles[&second].read);
    // With everything read, Space at the end says so.
    let mut s = loaded(120, 40);
    keys(&mut s, "\n");
    let mut seen = vec![s.reader.as_ref().unwrap().view.article.id.clone()];
    for _ in 0..4 {
        keys(&mut s, "G ");
        assert_eq!(s.status.as_ref().unwrap().text, "next unread article");
        seen.push(s.reader.as_ref().unwrap().view.article.id.clone());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
    keys(&mut s, "G ");
    assert_eq!(s.status.as_ref().unwrap().text, "no unread articles left");
}

/// A Markdown article as the loader reads it, tagged.
fn markdown_article(md: &str) -> super::source::OpenArticle {
    super::source::OpenArticle::tagged(crate::corpus::load_text("md.md", md)).unwrap()
}

#[test]
fn markdown_shows_text_with_its_marks_and_no_syntax() {
    let md = "# وزير الخارجية في زيارة رسمية\n\nالتقى الوزير **محمد** في *أنقرة* نظيره، وفق \
              [وكالة الأنباء](https://qna.example/ar).\n\n## أبرز النقاط\n\n- الطاقة\n- \
              الأوضاع في سوريا\n\n> قال الوزير إن العلاقات استراتيجية.\n";
    let open = markdown_article(md);
    for (w, h) in [(120, 40), (80, 24), (60, 20)] {
        let mut s = loaded_with(
            w,
            h,
            MemorySource::new(vec![open.clone()]),
            Saved::default(),
        );
        keys(&mut s, "\n");
        let shot = screen(&s);
        for syntax in ["**", "](", "## ", "- ", "> "] {
            assert!(
                !shot.contains(syntax),
                "{syntax:?} shown at {w}x{h}:\n{shot}"
            );
        }
        insta::assert_snapshot!(format!("markdown_{w}x{h}"), shot);
    }
    // Each mark is drawn: find the cells of a word by its text and read their style.
    let mut s = loaded_with(120, 40, MemorySource::new(vec![open]), Saved::default());
    keys(&mut s, "\n");
    let t = render(&s);
    let buf = t.backend().buffer();
    let pane = s.areas().reader_inner.unwrap();
    let style_of = |word: &str| {
        let visual: String = word.chars().rev().collect();
        let first = visual.chars().next().unwrap().to_string();
        (pane.y..pane.bottom())
            .find_map(|y| {
                let row: String = (pane.x..pane.right())
                    .map(|x| buf[(x, y)].symbol())
                    .collect();
                let col = row.find(&visual)?;
                let x = pane.x + row[..col].chars().count() as u16;
                assert_eq!(buf[(x, y)].symbol(), first);
                Some(buf[(x, y)].style())
            })
            .unwrap_or_else(|| panic!("{word} not on screen"))
    };
    assert!(style_of("محمد").add_modifier.contains(Modifier::BOLD));
    assert!(style_of("أنقرة").add_modifier.contains(Modifier::ITALIC));
    assert!(style_of("الأنباء")
        .add_modifier
        .contains(Modifier::UNDERLINED));
    assert_eq!(style_of("النقاط").fg, s.theme.style("md_heading").fg);
    assert!(style_of("العلاقات").add_modifier.contains(Modifier::ITALIC));
    assert!(!style_of("التقى").add_modifier.contains(Modifier::BOLD));
}

/// Issue 12, item 3: `L` lists the article's addresses (its `url`, then its links); Enter asks
/// to open the selected one, `y` to copy it; Esc closes; an article without links says so.
#[test]
fn links_menu_opens_and_copies_the_selected_address() {
    let md =
        "---\nurl: https://site.example/a\n---\n# عنوان\n\nعن [الوكالة](https://agency.example) \
              وhttps://bare.example/x.\n";
    let open = markdown_article(md);
    let mut s = loaded_with(80, 24, MemorySource::new(vec![open]), Saved::default());
    keys(&mut s, "L");
    assert_eq!(s.status.as_ref().unwrap().text, "open an article first");
    keys(&mut s, "\nL");
    let menu = s.links.clone().expect("menu");
    assert_eq!(
        menu.urls,
        [
            "https://site.example/a",
            "https://bare.example/x",
            "https://agency.example"
        ]
    );
    let shot = screen(&s);
    assert!(
        shot.contains("Links (3)") && shot.contains("  3  https://agency.example"),
        "{shot}"
    );
    // Moves stay in the menu; the reader does not scroll under it.
    let before = s.reader.as_ref().unwrap().position();
    keys(&mut s, "jjjk");
    assert_eq!(s.links.as_ref().unwrap().sel, 1);
    assert_eq!(s.reader.as_ref().unwrap().position(), before);
    // Keys by hand, not `keys`: it runs (and drops) the effects.
    let by_hand = |s: &mut State, code: KeyCode| {
        s.effects.clear();
        let action = handle_key(s, KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
        update(s, action);
    };
    by_hand(&mut s, KeyCode::Char('y'));
    assert!(s.links.is_none());
    assert!(matches!(
        s.effects.as_slice(),
        [Effect::Copy { text, what }] if text == "https://bare.example/x" && what == "link"
    ));
    keys(&mut s, "LG");
    by_hand(&mut s, KeyCode::Enter);
    assert!(matches!(
        s.effects.as_slice(),
        [Effect::OpenLink { url }] if url == "https://agency.example"
    ));
    keys(&mut s, "L\x1b");
    assert!(s.links.is_none() && s.reader.is_some());
    // An article without links.
    let mut s = loaded(80, 24);
    keys(&mut s, "\nL");
    assert!(s.links.is_none());
    assert_eq!(s.status.as_ref().unwrap().text, "no links in this article");
}

/// Issue 13, item 2: `z` shows the reader alone, full width and without a border (its place on
/// the status line); `z` again, Tab or closing the article give the panes back.
#[test]
fn zoom_shows_the_reader_alone_until_focus_leaves_it() {
    let mut s = loaded(80, 24);
    keys(&mut s, "z");
    assert!(!s.zoom);
    assert_eq!(s.status.as_ref().unwrap().text, "open an article first");
    keys(&mut s, "\nz");
    let a = s.areas();
    assert!(a.zoomed && a.list.is_none() && a.sidebar.is_none());
    assert_eq!(a.reader_inner.unwrap().width, 78);
    insta::assert_snapshot!("zoom_80x24", screen(&s));
    keys(&mut s, "z");
    assert!(!s.areas().zoomed && s.areas().list.is_some());
    keys(&mut s, "z\t");
    assert!(!s.zoom && s.areas().list.is_some());
    keys(&mut s, "\tz");
    assert!(s.zoom);
    keys(&mut s, "q");
    assert!(!s.zoom);
}
