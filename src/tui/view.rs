//! Drawing: `draw(&State, &mut Frame)` paints the state, with no I/O and no changes. Screen
//! geometry comes from [`State::areas`] and the sidebar's rows from the reader state, the same
//! values `update` uses, so the two always agree.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Widget};
use ratatui::Frame;

use super::geometry::Focus;
use super::reader::{one_line, LayoutOpts, ReaderLine};
use super::sidebar::SideRow;
use super::source::EntityKind;
use super::state::{LinksMenu, Row, Severity, State};
use super::theme::Theme;
use crate::corpus::{Mark, MarkKinds};
use crate::layout::terminal_safe;

/// Writes `line`'s cells at (`x`, `y`) within `max_w` columns, after its indent. `style` is the
/// base; `hl` may patch a cell by its logical byte range.
fn draw_line(
    buf: &mut Buffer,
    x0: u16,
    y: u16,
    max_w: u16,
    line: &ReaderLine,
    style: Style,
    hl: &dyn Fn(&Range<usize>) -> Option<Style>,
) {
    let end = x0.saturating_add(max_w);
    let mut x = x0.saturating_add(line.indent);
    for c in &line.cells {
        if c.width == 0 {
            continue;
        }
        let w = c.width as u16;
        if x.saturating_add(w) > end {
            break;
        }
        let st = match hl(&c.range) {
            Some(h) => style.patch(h),
            None => style,
        };
        if w == 1 && x < buf.area.right() && plain_narrow(&c.sym) {
            // What set_stringn does for one narrow grapheme, without segmenting it again
            // (grapheme segmentation and width look-ups were ~20% of a frame's CPU).
            buf[(x, y)].set_symbol(&c.sym).set_style(st);
        } else {
            buf.set_stringn(x, y, &c.sym, w as usize, st);
        }
        x += w;
    }
}

/// True when `sym` is one character that `Buffer::set_stringn` would draw as one column:
/// printable ASCII or an Arabic letter, digit or presentation form (not a combining mark).
fn plain_narrow(sym: &str) -> bool {
    let mut it = sym.chars();
    let (Some(c), None) = (it.next(), it.next()) else {
        return false;
    };
    matches!(c, ' '..='~')
        || (matches!(c, '\u{0621}'..='\u{064A}' | '\u{0660}'..='\u{0669}' | '\u{0671}'..='\u{06D3}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}')
            && unicode_width::UnicodeWidthChar::width(c) == Some(1))
}

/// Writes plain (sanitised) text on one row, cut to `max_w` columns.
fn draw_text(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    max_w: u16,
    text: &str,
    style: Style,
    opts: LayoutOpts,
) {
    let line = one_line(text, max_w, opts);
    draw_line(buf, x, y, max_w, &line, style, &|_| None);
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn pane_block<'a>(state: &State, title: String, focused: bool) -> Block<'a> {
    let t = &state.theme;
    let border = if focused {
        t.style("border_focused")
    } else {
        t.style("border")
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(
            terminal_safe(&title, false).into_owned(),
            border,
        ))
}

/// Paints the whole screen.
pub fn draw(state: &State, frame: &mut Frame) {
    let size = frame.area();
    let a = state.areas_for(size);
    let buf = frame.buffer_mut();
    if a.too_small {
        let msg = "terminal too small";
        buf.set_stringn(
            size.x,
            size.y,
            msg,
            size.width as usize,
            state.theme.style("error"),
        );
        return;
    }
    // Base style everywhere, so themes with a background paint the whole screen.
    buf.set_style(size, state.theme.style("text"));
    let mut cursor: Option<Position> = None;
    if let Some(r) = a.list {
        cursor = draw_list(state, buf, r, a.list_inner.unwrap_or(r)).or(cursor);
    }
    if let Some(r) = a.reader {
        let c = draw_reader(state, buf, r, a.reader_inner.unwrap_or(r));
        if state.focus == Focus::Reader {
            cursor = c.or(cursor);
        }
    }
    if let Some(r) = a.sidebar {
        let c = draw_sidebar(state, buf, r, a.sidebar_inner.unwrap_or(r));
        if state.focus == Focus::Sidebar {
            cursor = c.or(cursor);
        }
    }
    if state.focus != Focus::List && cursor.is_some() {
        // The list's cursor only counts when the list has focus; recomputed above per pane.
    }
    let input_cursor = draw_status(state, buf, a.status);
    if let Some(h) = a.hint {
        draw_text(
            buf,
            h.x,
            h.y,
            h.width,
            &state.keymap.hint_line(h.width as usize),
            state.theme.style("hint"),
            state.layout,
        );
    }
    if state.help {
        draw_help(state, buf, size);
    } else if let Some(menu) = &state.links {
        draw_links(state, menu, buf, size);
    } else if let Some(c) = input_cursor.or(cursor) {
        // The real cursor sits on the selected row (or the input), for screen readers.
        frame.set_cursor_position(c);
    }
}

fn draw_list(state: &State, buf: &mut Buffer, outer: Rect, r: Rect) -> Option<Position> {
    let t = &state.theme;
    let focused = state.focus == Focus::List;
    let title = if let Some(s) = &state.search {
        if s.total > s.hits.len() {
            format!(
                " Search ({} of {}) ",
                s.hits.len(),
                crate::layout::grouped(s.total)
            )
        } else {
            format!(" Search ({}) ", s.hits.len())
        }
    } else if let Some(f) = &state.filter {
        // The name goes through the layout engine like all article text (visual order in app
        // mode); the rest of the title is ASCII.
        let name: String = one_line(&f.name, outer.width.saturating_sub(16), state.layout)
            .cells
            .iter()
            .map(|c| c.sym.as_str())
            .collect();
        format!(" {} {} ({}) ", f.kind.as_str(), name, state.list.len())
    } else {
        let view = match state.view {
            super::state::ListView::All => String::new(),
            v => format!(" · {}", <&str>::from(v)),
        };
        format!(
            " Articles ({}) · {}{view} ",
            state.list.len(),
            state.sort.label()
        )
    };
    pane_block(state, title, focused).render(outer, buf);
    if r.width == 0 || r.height == 0 {
        return None;
    }
    if state.source.is_none() {
        let msg = state
            .index_error
            .as_deref()
            .map(|e| format!("index error: {e}"))
            .unwrap_or_else(|| "Building the index…".to_string());
        let st = if state.index_error.is_some() {
            t.style("error")
        } else {
            t.style("text")
        };
        draw_text(buf, r.x, r.y, r.width, &msg, st, state.layout);
        if state.index_error.is_none() && r.height >= 2 {
            let (done, total) = state.progress.unwrap_or((0, 0));
            let ratio = if total == 0 {
                0.0
            } else {
                (done as f64 / total as f64).clamp(0.0, 1.0)
            };
            Gauge::default()
                .gauge_style(t.style("gauge"))
                .ratio(ratio)
                .label(format!("{done}/{total}"))
                .render(Rect::new(r.x, r.y + 1, r.width, 1), buf);
        }
        return None;
    }
    let mut cursor = None;
    if let Some(s) = &state.search {
        if let Some(e) = &s.error {
            draw_text(buf, r.x, r.y, r.width, e, t.style("error"), state.layout);
            return None;
        }
        if s.hits.is_empty() {
            let msg = if s.query.as_str().trim().is_empty() {
                "type to search; person: place: org: source: date:2021-05"
            } else if s.shown_generation != s.generation {
                "searching…"
            } else {
                "no matches"
            };
            draw_text(buf, r.x, r.y, r.width, msg, t.style("dim"), state.layout);
            return None;
        }
        let rows = (r.height / 2) as usize;
        for (k, hit) in s.hits.iter().enumerate().skip(s.offset).take(rows.max(1)) {
            let y = r.y + ((k - s.offset) * 2) as u16;
            if y >= r.y + r.height {
                break;
            }
            let sel = k == s.sel;
            let base = if sel && focused {
                t.style("selection")
            } else {
                t.style("text")
            };
            if sel {
                buf.set_style(Rect::new(r.x, y, r.width, 1), base);
                if focused {
                    cursor = Some(Position::new(r.x, y));
                }
            }
            let room = r.width.saturating_sub(2);
            // Right-to-left rows start at the right edge, as in the list and the reader.
            let align = |mut l: ReaderLine| {
                if l.rtl && state.layout.visual() {
                    l.indent = room.saturating_sub(l.width() as u16);
                }
                l
            };
            let title = align(one_line(&hit.title, room, state.layout));
            buf.set_stringn(r.x, y, if sel { "▶ " } else { "  " }, 2, base);
            draw_line(
                buf,
                r.x + 2,
                y,
                r.width.saturating_sub(2),
                &title,
                base.patch(t.style("title")).patch(if sel && focused {
                    t.style("selection")
                } else {
                    Style::default()
                }),
                &|_| None,
            );
            if y + 1 < r.y + r.height {
                let (snippet, hls) = snippet_window(hit, (r.width / 3) as usize);
                let snip = align(one_line(snippet, room, state.layout));
                let hls = &hls;
                let m = t.style("search_match");
                draw_line(
                    buf,
                    r.x + 2,
                    y + 1,
                    r.width.saturating_sub(2),
                    &snip,
                    t.style("dim"),
                    &|cr| hls.iter().any(|h| overlaps(h, cr)).then_some(m),
                );
            }
        }
        return cursor;
    }
    if state.list.is_empty() {
        draw_text(
            buf,
            r.x,
            r.y,
            r.width,
            "no articles",
            t.style("dim"),
            state.layout,
        );
        return None;
    }
    // The source column is as wide as the widest source on screen (at most 16 columns).
    let widest_source = (0..r.height as usize)
        .filter_map(|row| state.list_item(state.list_offset + row))
        .filter_map(|a| a.source.map(|s| one_line(s, 16, state.layout).width()))
        .max()
        .unwrap_or(0) as u16;
    let cols = list_columns(r.width, widest_source);
    for row in 0..r.height as usize {
        let i = state.list_offset + row;
        let Some(a) = state.list_item(i) else { break };
        let y = r.y + row as u16;
        let sel = i == state.list_sel;
        let read = state.is_read(a.id);
        let mut base = if read {
            t.style("read")
        } else {
            t.style("unread")
        };
        if sel && focused {
            base = base.patch(t.style("selection"));
        } else if sel {
            base = base.add_modifier(Modifier::UNDERLINED);
        }
        buf.set_style(Rect::new(r.x, y, r.width, 1), base);
        if sel && focused {
            cursor = Some(Position::new(r.x, y));
        }
        // Unread marker, date, title, then `│ source` at the right edge when there is room.
        let marker = match (read, state.is_starred(a.id)) {
            (false, true) => "●★",
            (false, false) => "● ",
            (true, true) => " ★",
            (true, false) => "  ",
        };
        buf.set_stringn(r.x, y, marker, r.width as usize, base);
        let dim = if sel && focused { base } else { t.style("dim") };
        let mut x = r.x + 2;
        if cols.date > 0 {
            let date = a
                .date
                .map(|d| list_date(&d.iso(), cols.date))
                .unwrap_or_default();
            draw_text(buf, x, y, cols.date, &date, dim, state.layout);
            x += cols.date + 1;
        }
        let mut title = one_line(a.title, cols.title, state.layout);
        if title.rtl && state.layout.visual() {
            // Right-to-left titles start at the right, beside the source.
            title.indent = cols.title.saturating_sub(title.width() as u16);
        }
        draw_line(buf, x, y, cols.title, &title, base, &|_| None);
        if cols.source > 0 {
            let sx = x + cols.title;
            buf.set_stringn(sx, y, " │ ", 3, dim);
            if let Some(s) = &a.source {
                let mut line = one_line(s, cols.source, state.layout);
                if line.rtl && state.layout.visual() {
                    line.indent = cols.source.saturating_sub(line.width() as u16);
                }
                draw_line(buf, sx + 3, y, cols.source, &line, dim, &|_| None);
            }
        }
    }
    cursor
}

/// Widths of the list's columns after the two-column unread marker (0: not shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ListColumns {
    /// The date: `2021-11-17`, or `21-11-17` when the list is narrow.
    date: u16,
    /// The title.
    title: u16,
    /// The source, after a ` │ ` separator: the widest on screen, at most 16 columns.
    source: u16,
}

/// Splits a list `width` columns wide between date, title and a source column as wide as
/// `widest_source`. The date stays down to a 24-column list (short form under 42); the source
/// shows when the title still keeps 30 columns.
fn list_columns(width: u16, widest_source: u16) -> ListColumns {
    let room = width.saturating_sub(2);
    let date = match room {
        40.. => 10,
        22.. => 8,
        _ => 0,
    };
    let after_date = room.saturating_sub(if date > 0 { date + 1 } else { 0 });
    let source = if widest_source > 0 && after_date >= widest_source + 3 + 30 {
        widest_source
    } else {
        0
    };
    let title = after_date.saturating_sub(if source > 0 { source + 3 } else { 0 });
    ListColumns {
        date,
        title,
        source,
    }
}

/// An ISO date (`2021-11-17`, `2021-11`, `2021`, `--05-14`) in `width` columns: the year cut to
/// two digits when the column is short.
fn list_date(iso: &str, width: u16) -> String {
    if iso.len() > width as usize && iso.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        iso.get(2..).unwrap_or(iso).to_string()
    } else {
        iso.to_string()
    }
}

/// The part of a hit's snippet to show: starting a few words before the first match so the
/// match is visible in a narrow pane, with highlight ranges shifted to match (the one snippet
/// window, `text::snippet`).
fn snippet_window(hit: &super::source::Hit, lead: usize) -> (&str, Vec<Range<usize>>) {
    let s = hit.snippet.as_str();
    let Some(first) = hit.highlights.iter().min_by_key(|r| r.start) else {
        return (s, hit.highlights.clone());
    };
    let w = crate::text::snippet::window(
        s,
        first.start,
        first.end,
        crate::text::snippet::Lead::Chars(lead),
        s.len(),
    );
    let w = w.start..s.len();
    let hl = crate::text::snippet::shift_into(&hit.highlights, &w);
    (&s[w], hl)
}

fn draw_reader(state: &State, buf: &mut Buffer, outer: Rect, r: Rect) -> Option<Position> {
    let t = &state.theme;
    let focused = state.focus == Focus::Reader;
    let Some(rd) = &state.reader else {
        pane_block(state, " Reader ".into(), focused).render(outer, buf);
        if r.height > 0 {
            draw_text(
                buf,
                r.x,
                r.y,
                r.width,
                "Enter opens the selected article",
                t.style("dim"),
                state.layout,
            );
        }
        return None;
    };
    let total = rd.rows.len();
    let h = r.height as usize;
    let last = (rd.scroll + h).min(total);
    let pct = if total <= h { 100 } else { last * 100 / total };
    let pos = format!(" {}-{}/{} {}% ", rd.scroll + 1, last, total, pct);
    // Zoomed, the reader has no border: its position is on the status line.
    if !state.areas().zoomed {
        let mut block = pane_block(state, " Reader ".into(), focused);
        if outer.width as usize > pos.len() + 12 {
            block =
                block.title_bottom(Line::from(Span::styled(pos, t.style("dim"))).right_aligned());
        }
        block.render(outer, buf);
    }
    let m = t.style("search_match");
    let cur = t.style("search_current");
    let current = rd.highlights.get(rd.current).cloned();
    let hls = &rd.highlights;
    let marks = &rd.view.article.marks;
    let hl = |cr: &Range<usize>| -> Option<Style> {
        if current.as_ref().is_some_and(|c| overlaps(c, cr)) {
            Some(cur)
        } else if hls.iter().any(|h| overlaps(h, cr)) {
            Some(m)
        } else {
            mark_style(t, marks, cr)
        }
    };
    let mut cursor = None;
    let title_rtl = rd.line(0).is_some_and(|l| l.rtl);
    for (k, row) in rd.rows.iter().enumerate().skip(rd.scroll).take(h) {
        let y = r.y + (k - rd.scroll) as u16;
        // Only the rows on screen get their cells.
        let line = rd.line(k);
        match (row, &line) {
            (Row::Title(_), Some(l)) => draw_line(buf, r.x, y, r.width, l, t.style("title"), &hl),
            (Row::Body(_), Some(l)) => draw_line(buf, r.x, y, r.width, l, t.style("text"), &hl),
            (Row::Meta, _) => {
                let a = &rd.view.article;
                let date = a.date.map(|d| d.iso());
                let mut parts: Vec<&str> = Vec::new();
                parts.extend(date.as_deref());
                parts.extend(a.source.as_deref());
                parts.push(&a.id);
                // Each part in its own bidi isolate (FSI…PDI): an id such as `001_13ef…` keeps
                // its order inside an Arabic line, and the parts keep theirs.
                let text = parts
                    .iter()
                    .map(|p| format!("\u{2068}{p}\u{2069}"))
                    .collect::<Vec<_>>()
                    .join(" · ");
                let mut line = one_line(&text, r.width, state.layout);
                if title_rtl {
                    line.indent = r.width.saturating_sub(line.width() as u16);
                }
                draw_line(buf, r.x, y, r.width, &line, t.style("meta"), &|_| None);
            }
            _ => {}
        }
        // Cursor: on the current match's row if shown, else the top row.
        if let (Some(c), Some(l)) = (&current, &line) {
            if cursor.is_none() && l.touches(c) {
                cursor = Some(Position::new(r.x, y));
            }
        }
    }
    if focused && cursor.is_none() && r.height > 0 {
        cursor = Some(Position::new(r.x, r.y));
    }
    cursor
}

/// How the Markdown marks over `cell` (sorted, disjoint ranges) draw it, if any covers it.
fn mark_style(t: &Theme, marks: &[Mark], cell: &Range<usize>) -> Option<Style> {
    let i = marks.partition_point(|m| m.range.end <= cell.start);
    let mark = marks.get(i).filter(|m| m.range.start < cell.end)?;
    let k = mark.kinds;
    let mut st = Style::default();
    for (kind, key) in [
        (MarkKinds::HEADING, "md_heading"),
        (MarkKinds::QUOTE, "md_quote"),
        (MarkKinds::CODE, "md_code"),
        (MarkKinds::LINK, "md_link"),
        (MarkKinds::NOTE, "md_note"),
    ] {
        if k.contains(kind) {
            st = st.patch(t.style(key));
        }
    }
    for (kind, modifier) in [
        (MarkKinds::STRONG, Modifier::BOLD),
        (MarkKinds::EMPHASIS, Modifier::ITALIC),
        (MarkKinds::STRIKE, Modifier::CROSSED_OUT),
    ] {
        if k.contains(kind) {
            st = st.add_modifier(modifier);
        }
    }
    Some(st)
}

/// The status line of the zoomed reader: where the reader is, as a percentage (it changes less
/// often than a row count, so a one-line scroll rarely rewrites it).
fn zoom_status(state: &State) -> String {
    let Some(rd) = &state.reader else {
        return String::new();
    };
    let h = state.areas().reader_inner.map_or(1, |r| r.height as usize);
    let total = rd.rows.len();
    let last = (rd.scroll + h).min(total);
    let pct = if total <= h { 100 } else { last * 100 / total };
    format!("qari — {pct}% · z: all panes")
}

fn entity_style(state: &State, k: EntityKind) -> Style {
    state.theme.style(match k {
        EntityKind::Person => "entity_person",
        EntityKind::Place => "entity_place",
        EntityKind::Org => "entity_org",
        EntityKind::Date => "entity_date",
    })
}

fn draw_sidebar(state: &State, buf: &mut Buffer, outer: Rect, r: Rect) -> Option<Position> {
    let t = &state.theme;
    let focused = state.focus == Focus::Sidebar;
    pane_block(state, " Entities ".into(), focused).render(outer, buf);
    let Some(rd) = &state.reader else {
        return None;
    };
    if rd.entity_order.is_empty() {
        draw_text(
            buf,
            r.x,
            r.y,
            r.width,
            "no entities",
            t.style("dim"),
            state.layout,
        );
        return None;
    }
    let mut cursor = None;
    for (k, row) in rd
        .side_rows
        .iter()
        .enumerate()
        .skip(rd.sidebar_offset)
        .take(r.height as usize)
    {
        let y = r.y + (k - rd.sidebar_offset) as u16;
        match *row {
            SideRow::Heading(kind) => {
                let n = rd
                    .entity_order
                    .iter()
                    .filter(|&&i| rd.view.entities[i].kind == kind)
                    .count();
                let name = match kind {
                    EntityKind::Person => "People",
                    EntityKind::Place => "Places",
                    EntityKind::Org => "Organisations",
                    EntityKind::Date => "Dates",
                };
                draw_text(
                    buf,
                    r.x,
                    y,
                    r.width,
                    &format!("{name} ({n})"),
                    t.style("heading"),
                    state.layout,
                );
            }
            SideRow::Entity(pos) => {
                let e = &rd.view.entities[rd.entity_order[pos]];
                let sel = pos == rd.entity_sel;
                let mut st = entity_style(state, e.kind);
                if sel && focused {
                    st = st.patch(t.style("selection"));
                    buf.set_style(Rect::new(r.x, y, r.width, 1), st);
                    cursor = Some(Position::new(r.x, y));
                } else if sel {
                    st = st.add_modifier(Modifier::UNDERLINED);
                }
                let count = format!("{}", e.count);
                let cw = count.len() as u16 + 1;
                let name_w = r.width.saturating_sub(2 + cw);
                let name = sidebar_name(rd, pos, name_w, state.layout);
                draw_line(buf, r.x + 2, y, name_w, &name, st, &|_| None);
                if r.width > cw + 2 {
                    let cst = if sel && focused { st } else { t.style("dim") };
                    buf.set_stringn(r.x + r.width - cw + 1, y, &count, count.len(), cst);
                }
            }
        }
    }
    cursor
}

/// The text of a row: its words.
fn words_of(line: &ReaderLine) -> String {
    line.cells.iter().map(|c| c.sym.as_str()).collect()
}

/// The sidebar's line for the entity at `pos` in `width` columns. A name cut short that would
/// look like another entity's of the same kind (`منظمة الأمن والتعاون…` twice) keeps its last
/// word instead: `منظمة الأمن … أوروبا`.
fn sidebar_name(rd: &super::state::Reader, pos: usize, width: u16, opts: LayoutOpts) -> ReaderLine {
    let e = &rd.view.entities[rd.entity_order[pos]];
    let line = one_line(&e.name, width, opts);
    if line.width() as u16 <= width && !line.cells.iter().any(|c| c.sym == "…") {
        return line;
    }
    // Only names that begin with the text shown can look the same: lay out just those.
    let shown_end = line.cells.iter().map(|c| c.range.end).max().unwrap_or(0);
    let prefix = e.name.get(..shown_end).unwrap_or(&e.name);
    let shown = words_of(&line);
    let alike = rd.entity_order.iter().enumerate().any(|(p, &i)| {
        let o = &rd.view.entities[i];
        p != pos
            && o.kind == e.kind
            && o.name.starts_with(prefix)
            && words_of(&one_line(&o.name, width, opts)) == shown
    });
    let words: Vec<&str> = e.name.split_whitespace().collect();
    if !alike || words.len() < 2 {
        return line;
    }
    // The first words that fit beside ` … ` and the last word, measured as laid out (Arabic
    // lam-alef is one column to unicode-width but two cells here).
    let last = words[words.len() - 1];
    let fits = |s: &str| one_line(s, u16::MAX, opts).width() <= width as usize;
    let mut best = None;
    for k in 1..words.len() {
        let cand = format!("{} … {last}", words[..k].join(" "));
        if !fits(&cand) {
            break;
        }
        best = Some(cand);
    }
    match best {
        Some(b) => one_line(&b, width, opts),
        None => line,
    }
}

/// The column of the input's cursor (byte `cursor` of `text`) on its laid-out `line` drawn at
/// `x0`: on the character at the cursor, or after the last one (to its left when it reads
/// right to left). `None` when the cursor's character is not on screen.
fn input_cursor_x(
    line: &ReaderLine,
    text: &str,
    cursor: usize,
    x0: u16,
    opts: LayoutOpts,
) -> Option<u16> {
    let mut x = x0 + line.indent;
    let mut at = Vec::with_capacity(line.cells.len());
    for c in &line.cells {
        at.push(x);
        x += c.width as u16;
    }
    let cell_of = |b: usize| {
        line.cells
            .iter()
            .position(|c| c.range.start <= b && b < c.range.end)
    };
    if let Some(i) = cell_of(cursor) {
        return Some(at[i]);
    }
    if cursor < text.len() {
        return None;
    }
    let (last, c) = text.char_indices().next_back()?;
    let i = cell_of(last)?;
    let rtl_char = matches!(
        unicode_bidi::bidi_class(c),
        unicode_bidi::BidiClass::R | unicode_bidi::BidiClass::AL
    ) || (line.rtl && !c.is_alphanumeric());
    Some(if rtl_char && opts.visual() {
        at[i].saturating_sub(1)
    } else {
        at[i] + line.cells[i].width as u16
    })
}

/// Status line: the input when typing (returns where the cursor goes), else the message.
fn draw_status(state: &State, buf: &mut Buffer, r: Rect) -> Option<Position> {
    let t = &state.theme;
    buf.set_style(r, t.style("status"));
    let prefix = if state.find.is_some() { "find: " } else { "/" };
    if let Some(input) = state.input() {
        let q = input.as_str();
        let st = t.style("status").patch(t.style("input"));
        buf.set_stringn(r.x, r.y, prefix, r.width as usize, st);
        // A right-to-left line starts a column in, so the cursor can stand after its end.
        let px = prefix.len() as u16;
        let room = r.width.saturating_sub(px + 2);
        let line = one_line(q, room, state.layout);
        let lx = r.x + px + u16::from(line.rtl && state.layout.visual());
        draw_line(buf, lx, r.y, room, &line, st, &|_| None);
        let end = lx + line.width() as u16;
        let cx = input_cursor_x(&line, q, input.cursor(), lx, state.layout).unwrap_or(end);
        let x = cx.min(r.x + r.width.saturating_sub(1));
        let x_after = end.max(x + 1);
        // Other spellings the search also matched, after the query.
        if let Some(s) = state
            .search
            .as_ref()
            .filter(|s| s.editing && !s.also.is_empty())
        {
            let shown: Vec<&str> = s.also.iter().take(4).map(String::as_str).collect();
            let note = format!("also: {} (=word: as written)", shown.join(", "));
            let nx = x_after + 2;
            if nx < r.x + r.width {
                let st = t.style("status");
                draw_text(buf, nx, r.y, r.x + r.width - nx, &note, st, state.layout);
            }
        }
        return Some(Position::new(x, r.y));
    }
    let (msg, severity) = match &state.status {
        Some(s) => (s.text.clone(), s.severity),
        None if state.source.is_none() => ("qari — indexing…".to_string(), Severity::Info),
        None if state.areas().zoomed => (zoom_status(state), Severity::Info),
        None => (
            match state.articles.len() {
                1 => "qari — 1 article".to_string(),
                n => format!("qari — {} articles", crate::layout::grouped(n)),
            },
            Severity::Info,
        ),
    };
    // Themes have no warning colour: warnings (a fallback was used) show as errors do.
    let st = match severity {
        Severity::Info => t.style("status"),
        Severity::Warning | Severity::Error => t.style("status").patch(t.style("error")),
    };
    draw_text(buf, r.x, r.y, r.width, &msg, st, state.layout);
    None
}

/// The links menu (`L`): the article's addresses, numbered, the selected one reversed.
fn draw_links(state: &State, menu: &LinksMenu, buf: &mut Buffer, size: Rect) {
    let t = &state.theme;
    let w = size.width.min(100);
    let h = (menu.urls.len() as u16 + 2).min(size.height);
    let area = Rect::new(
        size.x + (size.width - w) / 2,
        size.y + (size.height - h) / 2,
        w,
        h,
    );
    Clear.render(area, buf);
    let footer = " Enter open · y copy · Esc close ";
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style("border_focused"))
        .title(format!(" Links ({}) ", menu.urls.len()));
    if w as usize > footer.len() + 2 {
        block = block.title_bottom(Span::styled(footer, t.style("dim")));
    }
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = inner.height as usize;
    let first = (menu.sel + 1).saturating_sub(rows);
    for (i, url) in menu.urls.iter().enumerate().skip(first).take(rows) {
        let y = inner.y + (i - first) as u16;
        let style = if i == menu.sel {
            t.style("selection")
        } else {
            t.style("text")
        };
        buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
        // The number right-aligned in 3 columns, the address after it (the layout collapses
        // spaces inside one text, so they are drawn apart).
        let n = (i + 1).to_string();
        let num_x = inner.x + 3u16.saturating_sub(n.len() as u16);
        draw_text(
            buf,
            num_x,
            y,
            inner.width,
            &n,
            t.style("dim").patch(style),
            state.layout,
        );
        let url_x = inner.x + 5;
        if inner.width > 5 {
            draw_text(buf, url_x, y, inner.width - 5, url, style, state.layout);
        }
    }
}

fn draw_help(state: &State, buf: &mut Buffer, size: Rect) {
    let t = &state.theme;
    let rows = state.keymap.help_rows();
    let w = size.width.min(72);
    let h = (rows.len() as u16 + 2).min(size.height);
    let area = Rect::new(
        size.x + (size.width - w) / 2,
        size.y + (size.height - h) / 2,
        w,
        h,
    );
    Clear.render(area, buf);
    let key_w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    let lines: Vec<Line> = rows
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:>key_w$}  "), t.style("heading")),
                Span::styled(what.as_str(), t.style("text")),
            ])
        })
        .collect();
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style("border_focused"))
        .title(" Keys ");
    // Taller than the screen: it scrolls (j/k, Space/b), and the footer says where it is.
    let inside = state.help_height();
    let scroll = state.help_scroll.min(state.help_max_scroll());
    let mut footer = state.keymap.help_footer().to_string();
    if rows.len() > inside {
        let last = (scroll + inside).min(rows.len());
        footer = format!("{footer} · {}-{last}/{} j/k", scroll + 1, rows.len());
    }
    if !footer.is_empty() {
        block = block.title_bottom(Span::styled(format!(" {footer} "), t.style("dim")));
    }
    let lines: Vec<Line> = lines.into_iter().skip(scroll).collect();
    Paragraph::new(lines)
        .style(t.style("text"))
        .block(block)
        .render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_narrow_fast_path_draws_what_set_stringn_draws() {
        // Every character the fast path takes, written both ways over a dirty row.
        let area = Rect::new(0, 0, 4, 1);
        let st = Style::default().fg(ratatui::style::Color::Red);
        let mut taken = 0;
        for c in (0u32..0x1_0000).filter_map(char::from_u32) {
            let sym = c.to_string();
            if !plain_narrow(&sym) {
                continue;
            }
            taken += 1;
            let mut a = Buffer::filled(area, ratatui::buffer::Cell::new("x"));
            let mut b = a.clone();
            a.set_stringn(1, 0, &sym, 1, st);
            b[(1, 0)].set_symbol(&sym).set_style(st);
            assert_eq!(a, b, "U+{:04X}", c as u32);
        }
        assert!(taken > 500, "{taken}");
    }
}
