//! The quick lookups behind `qari list|search|index|paths`: each takes what it needs and writes
//! to an `impl Write`, so tests can run them without a process. `main.rs` only parses flags and
//! maps errors to exit codes.

pub mod display;
pub mod entities;
pub mod show;
pub mod tag;

use std::io::{self, Write};
use std::ops::Range;

pub use display::{ColorChoice, Display};

use crate::config::{CorpusOrigin, Settings};
use crate::layout::terminal_safe;
use display::sgr;

/// Article text made safe to print, line breaks kept (see [`terminal_safe`]).
fn safe(s: &str) -> std::borrow::Cow<'_, str> {
    terminal_safe(s, true)
}

/// Writes `value` as pretty JSON and a newline, with every character a terminal would act on
/// escaped ([`crate::layout::json_safe`]): the one way qari prints JSON.
pub fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut (impl Write + ?Sized),
    value: &T,
) -> io::Result<()> {
    let json = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{}", crate::layout::json_safe(json))
}
use crate::index::{Catalog, Library, SearchResults, UpdateStats};
use crate::text::dates::PartialDate;

/// How matches are marked in snippets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    /// Bold red (SGR 1;31), when colouring.
    Bold,
    /// `[match]` for pipes and files.
    Brackets,
}

/// `text` with the byte `ranges` marked, made terminal-safe, whitespace flattened to one line.
pub fn mark(text: &str, ranges: &[Range<usize>], marks: Marks) -> String {
    let (open, close) = match marks {
        Marks::Bold => ("\x1b[1;31m", "\x1b[0m"),
        Marks::Brackets => ("[", "]"),
    };
    let mut out = String::with_capacity(text.len() + ranges.len() * 8);
    let mut pos = 0;
    for r in ranges {
        if r.start < pos
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        out.push_str(&safe(&text[pos..r.start]));
        out.push_str(open);
        out.push_str(&safe(&text[r.start..r.end]));
        out.push_str(close);
        pos = r.end;
    }
    out.push_str(&safe(&text[pos..]));
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `qari list`: one line per article (id, date, title), or JSON. On a terminal (`display` with a
/// width) each row fits the width: the title is cut with `…` and, in display order, right-aligned
/// in the columns left after the id and the date, so titles start at the same (right) edge.
pub fn list(
    out: &mut dyn Write,
    lib: &Library,
    articles: &Catalog,
    json: bool,
    display: &Display,
) -> io::Result<()> {
    if json {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            id: &'a str,
            title: &'a str,
            date: Option<PartialDate>,
            source: Option<&'a str>,
            path: String,
        }
        let rows: Vec<Row> = articles
            .iter()
            .map(|a| Row {
                id: a.id,
                title: a.title,
                date: a.date,
                source: a.source,
                path: crate::corpus::resolve_rel(lib.corpus(), a.rel)
                    .display()
                    .to_string(),
            })
            .collect();
        return write_json(out, &rows);
    }
    let id_w = articles
        .iter()
        .map(|a| a.id.chars().count())
        .max()
        .unwrap_or(0);
    let Some(width) = display.width else {
        for a in articles.iter() {
            let id = format!("{:id_w$}", safe(a.id));
            let date = format!("{:10}", a.date.map_or_else(|| "-".to_string(), |d| d.iso()));
            writeln!(
                out,
                "{}  {}  {}",
                display.paint(sgr::ID, &id),
                display.paint(sgr::DIM, &date),
                safe(a.title)
            )?;
        }
        return Ok(());
    };
    for a in articles.iter() {
        let id = safe(a.id);
        let date = a.date.map_or_else(|| "-".to_string(), |d| d.iso());
        let id_pad = " ".repeat(id_w.saturating_sub(display::columns(&id)));
        let before = id_w + 2 + 10 + 2;
        let row = match u16::try_from(usize::from(width).saturating_sub(before)) {
            // Room for a few letters of the title at least.
            Ok(title_w) if title_w >= 4 => format!(
                "{}{id_pad}  {}  {}",
                display.paint(sgr::ID, &id),
                display.paint(sgr::DIM, &format!("{date:10}")),
                display.one_line(a.title, title_w, &[]).padded()
            ),
            // Narrower than the id, the date and a few letters: the date goes first, then the
            // title; the id stays (it is what `qari show` takes), cut if it must be.
            _ => narrow_row(display, &id, a.title, width),
        };
        writeln!(out, "{row}")?;
    }
    Ok(())
}

/// `qari search --count`: the number of matching articles, or `{"total": N}`.
pub fn search_count(out: &mut dyn Write, total: usize, json: bool) -> io::Result<()> {
    if json {
        return write_json(out, &serde_json::json!({ "total": total }));
    }
    writeln!(out, "{total}")
}

/// `qari search`: ranked hits with marked snippets and a last line "20 of 1,234 articles", or
/// JSON (the array of hits, snippets marked with `[…]`; its shape is what scripts rely on).
///
/// With a width (a terminal), the title is cut to the row like `list`'s and the snippet wrapped
/// to rows indented by four columns, both in display order when `display.visual`; matches are
/// bold red when colouring, else in brackets. Without a width (piped), the lines are as they have
/// always been, matches marked with `marks`.
pub fn search(
    out: &mut dyn Write,
    found: &SearchResults,
    json: bool,
    marks: Marks,
    display: &Display,
) -> io::Result<()> {
    let hits = &found.hits;
    if json {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            id: &'a str,
            title: &'a str,
            score: f32,
            snippet: String,
            date: Option<PartialDate>,
            source: Option<&'a str>,
        }
        let rows: Vec<Row> = hits
            .iter()
            .map(|h| Row {
                id: &h.id,
                title: &h.title,
                score: h.score,
                snippet: mark(&h.snippet, &h.highlights, Marks::Brackets),
                date: h.date,
                source: h.source.as_deref(),
            })
            .collect();
        return write_json(out, &rows);
    }
    if let Some(width) = display.width {
        for h in hits {
            search_hit(out, h, width, display)?;
        }
    }
    for h in hits.iter().filter(|_| display.width.is_none()) {
        writeln!(
            out,
            "{}  {}  {}  {}",
            display.paint(sgr::ID, &safe(&h.id)),
            display.paint(sgr::DIM, &format!("{:.2}", h.score)),
            display.paint(
                sgr::DIM,
                &h.date.map_or_else(|| "-".to_string(), |d| d.iso())
            ),
            safe(&h.title)
        )?;
        writeln!(out, "    {}", mark(&h.snippet, &h.highlights, marks))?;
    }
    if found.total > 0 {
        let noun = if found.total == 1 {
            "article"
        } else {
            "articles"
        };
        writeln!(
            out,
            "{} of {} {noun}",
            hits.len(),
            crate::layout::grouped(found.total)
        )?;
    }
    Ok(())
}

/// A row for a terminal too narrow for the date (and score) columns: the id and as much of the
/// title as fits, or the id alone, cut with `…`, in `width` columns.
fn narrow_row(display: &Display, id: &str, title: &str, width: u16) -> String {
    let id_w = display::columns(id);
    match u16::try_from(usize::from(width).saturating_sub(id_w + 2)) {
        Ok(title_w) if title_w >= 4 => format!(
            "{}  {}",
            display.paint(sgr::ID, id),
            display.one_line(title, title_w, &[]).padded()
        ),
        _ => {
            let cut = Display {
                visual: false,
                ..*display
            }
            .one_line(id, width, &[]);
            display.paint(sgr::ID, &cut.text)
        }
    }
}

/// One hit of `qari search` on a terminal: id, score, date and the title cut to `width`, then the
/// snippet wrapped under it.
fn search_hit(
    out: &mut dyn Write,
    h: &crate::index::Hit,
    width: u16,
    display: &Display,
) -> io::Result<()> {
    let id = safe(&h.id);
    let score = format!("{:.2}", h.score);
    let date = h.date.map_or_else(|| "-".to_string(), |d| d.iso());
    let before = display::columns(&id) + score.len() + date.len() + 6;
    match u16::try_from(usize::from(width).saturating_sub(before)) {
        Ok(title_w) if title_w >= 4 => writeln!(
            out,
            "{}  {}  {}  {}",
            display.paint(sgr::ID, &id),
            display.paint(sgr::DIM, &score),
            display.paint(sgr::DIM, &date),
            display.one_line(&h.title, title_w, &[]).padded()
        )?,
        _ => writeln!(out, "{}", narrow_row(display, &id, &h.title, width))?,
    }
    let snippet_w = width.saturating_sub(4).max(8);
    // Without colour the matches are bracketed in the text itself, then laid out with it.
    let rows = if display.color {
        display.lines(&h.snippet, snippet_w, &h.highlights)
    } else {
        display.lines(
            &mark(&h.snippet, &h.highlights, Marks::Brackets),
            snippet_w,
            &[],
        )
    };
    for row in rows {
        writeln!(out, "    {}", row.padded())?;
    }
    Ok(())
}

/// `qari index`: what the update did.
pub fn index_report(out: &mut dyn Write, lib: &Library, s: &UpdateStats) -> io::Result<()> {
    let what = if s.read_only {
        "read-only, not updated"
    } else if s.built {
        "built"
    } else if s.rebuilt.is_some() {
        "rebuilt"
    } else if s.reindexed > 0 || s.removed > 0 {
        "updated"
    } else {
        "up to date"
    };
    writeln!(
        out,
        "index {what}: {} articles from {} files; {} files read ({:.1} MB), {} re-indexed, {} removed; {:.2} s",
        s.articles,
        s.files,
        s.files_read,
        s.bytes_read as f64 / 1e6,
        s.reindexed,
        s.removed,
        s.elapsed.as_secs_f64()
    )?;
    if let Some(e) = &s.entities {
        writeln!(
            out,
            "entities: {} files tagged ({:.1} MB), {} removed; {:.2} s",
            e.files_tagged,
            e.bytes_tagged as f64 / 1e6,
            e.removed,
            e.elapsed.as_secs_f64()
        )?;
    }
    writeln!(out, "index folder: {}", lib.dir().display())
}

/// `qari paths`: where everything is.
pub fn paths(out: &mut dyn Write, settings: &Settings) -> io::Result<()> {
    let origin = match settings.corpus_origin {
        CorpusOrigin::Flag => "--corpus",
        CorpusOrigin::Env => "QARI_CORPUS",
        CorpusOrigin::ConfigFile => "config file",
        CorpusOrigin::Bundled => "bundled seeds",
    };
    let p = &settings.paths;
    writeln!(out, "corpus: {} ({origin})", settings.corpus.display())?;
    writeln!(out, "config: {}", p.config_file().display())?;
    writeln!(out, "cache:  {}", p.cache_dir.display())?;
    writeln!(
        out,
        "index:  {}",
        crate::index::index_dir(&p.cache_dir, &settings.corpus).display()
    )?;
    writeln!(out, "state:  {}", p.state_dir.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_never_reach_the_terminal() {
        let s = safe("a\x1b[2Jb\x07c\u{9b}d\x7f\nx");
        assert!(
            !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{s:?}"
        );
        assert_eq!(
            mark(
                "قال بوتين اليوم",
                std::slice::from_ref(&(7..17)),
                Marks::Brackets
            ),
            "قال [بوتين] اليوم"
        );
    }
}
