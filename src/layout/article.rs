//! A whole article, laid out lazily: paragraphs are resolved when first needed and wrapped once
//! per width, and display lines are built only for the rows asked for.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use super::paragraph::{Prepared, Span};
use super::{article_direction, Direction, DisplayLine, LayoutOptions};
use crate::corpus::Article;

/// Build the display lines of a prepared paragraph for the given wrap spans.
pub(crate) fn lines_of(
    p: &Prepared,
    spans: &[Span],
    para: usize,
    offset: usize,
    len: usize,
    opts: &LayoutOptions,
) -> Vec<DisplayLine> {
    (0..spans.len())
        .map(|j| line_of(p, spans, j, para, offset, len, opts))
        .collect()
}

fn line_of(
    p: &Prepared,
    spans: &[Span],
    j: usize,
    para: usize,
    offset: usize,
    len: usize,
    opts: &LayoutOptions,
) -> DisplayLine {
    let start = if j == 0 {
        0
    } else {
        p.src_start(spans[j].start as usize, len)
    };
    let end = match spans.get(j + 1) {
        Some(next) => p.src_start(next.start as usize, len),
        None => len,
    };
    p.line(
        spans[j],
        para,
        offset,
        offset + start..offset + end,
        opts.width,
        opts.mode,
    )
}

/// The blank row before paragraph `para`, standing for the source bytes `logical`.
fn blank_row(para: usize, logical: Range<usize>) -> DisplayLine {
    DisplayLine {
        para,
        rtl: false,
        logical,
        indent: 0,
        width: 0,
        text: String::new(),
        cells: Vec::new(),
        breaks_at_space: false,
    }
}

/// One row of the article: a paragraph's line, or the blank row before paragraph `para`.
#[derive(Debug, Clone, Copy)]
enum RowRef {
    Line { para: u32, line: u32 },
    Blank { para: u32 },
}

#[derive(Default)]
struct Cache {
    shape: bool,
    prepared: Vec<Option<Rc<Prepared>>>,
    width: u16,
    spans: Vec<Option<Rc<Vec<Span>>>>,
    rows: Option<Rc<Vec<RowRef>>>,
}

/// An article (or any list of paragraphs) laid out on demand.
///
/// Rows are the title's lines, a blank row, the first paragraph's lines, a blank row, and so on
/// (paragraphs that draw nothing are skipped with their blank row) — exactly what the reader pane
/// shows and `qari show` prints. Each paragraph is sanitised and bidi-resolved once, the first time
/// one of its rows is needed, then wrapped once per width; [`rows`](Self::rows) builds display lines
/// only for the rows asked for. The cache lives behind a `RefCell`, so every method takes `&self`
/// and can be called from a TUI's `draw(&State)`. Not `Sync`: keep one per reader.
pub struct ArticleLayout {
    paras: Vec<(usize, String)>,
    direction: Direction,
    cache: RefCell<Cache>,
}

impl ArticleLayout {
    /// Lay out an article: paragraph 0 is the title, paragraph `i + 1` is `article.paragraphs[i]`,
    /// and cell offsets are byte offsets into `article.text()`.
    pub fn from_article(article: &Article) -> ArticleLayout {
        let mut paras = Vec::with_capacity(article.paragraphs.len() + 1);
        let mut off = 0;
        paras.push((0, article.title.clone()));
        off += article.title.len();
        for p in &article.paragraphs {
            off += 2; // the "\n\n" of Article::text()
            paras.push((off, p.clone()));
            off += p.len();
        }
        Self::from_paragraphs(paras)
    }

    /// Lay out plain text whose paragraphs are separated by blank lines (lines of only
    /// whitespace); single newlines inside a paragraph are spaces. Offsets are into `text`.
    pub fn from_text(text: &str) -> ArticleLayout {
        let mut paras = Vec::new();
        let mut cur: Option<Range<usize>> = None;
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let start = pos;
            pos += line.len();
            let body = line.trim_end_matches(['\n', '\r']);
            if body.trim().is_empty() {
                if let Some(r) = cur.take() {
                    paras.push((r.start, text[r].to_string()));
                }
            } else {
                let end = start + body.len();
                cur = Some(match cur {
                    Some(r) => r.start..end,
                    None => start..end,
                });
            }
        }
        if let Some(r) = cur.take() {
            paras.push((r.start, text[r].to_string()));
        }
        Self::from_paragraphs(paras)
    }

    /// Lay out paragraphs given as `(byte offset, text)`, offsets ascending; cells point at
    /// `offset + position in text`.
    pub fn from_paragraphs(paras: Vec<(usize, String)>) -> ArticleLayout {
        let direction = article_direction(paras.iter().map(|(_, p)| p.as_str()));
        ArticleLayout {
            paras,
            direction,
            cache: RefCell::new(Cache::default()),
        }
    }

    /// Number of paragraphs (the title included).
    pub fn paragraph_count(&self) -> usize {
        self.paras.len()
    }

    /// The article's direction, used for paragraphs without a strong letter, and a good default
    /// for the pane's own chrome (which side the scrollbar goes).
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The display lines of paragraph `para` (no blank rows). Empty if `para` is out of range or
    /// draws nothing.
    pub fn paragraph_lines(&self, para: usize, opts: &LayoutOptions) -> Vec<DisplayLine> {
        let Some((offset, src)) = self.paras.get(para) else {
            return Vec::new();
        };
        let mut cache = self.cache.borrow_mut();
        let (p, spans) = cache.get(self, para, opts);
        lines_of(&p, &spans, para, *offset, src.len(), opts)
    }

    /// Total number of rows at `opts.width` (wraps every paragraph once; cached per width).
    pub fn row_count(&self, opts: &LayoutOptions) -> usize {
        self.cache.borrow_mut().rows(self, opts).len()
    }

    /// The display lines for rows `range` (clamped to the article). Only these rows are built.
    pub fn rows(&self, opts: &LayoutOptions, range: Range<usize>) -> Vec<DisplayLine> {
        let mut cache = self.cache.borrow_mut();
        let rows = cache.rows(self, opts);
        let end = range.end.min(rows.len());
        let start = range.start.min(end);
        rows[start..end]
            .iter()
            .map(|r| match *r {
                RowRef::Line { para, line } => {
                    let para = para as usize;
                    let (offset, src) = &self.paras[para];
                    let (p, spans) = cache.get(self, para, opts);
                    line_of(&p, &spans, line as usize, para, *offset, src.len(), opts)
                }
                RowRef::Blank { para } => {
                    let para = para as usize;
                    let next = self.paras[para].0;
                    // The separator covers the bytes between the previous drawn paragraph and
                    // this one.
                    let prev_end = self.paras[..para]
                        .iter()
                        .enumerate()
                        .rev()
                        .find(|&(i, _)| cache.spans[i].as_ref().is_some_and(|s| !s.is_empty()))
                        .map_or(next, |(_, (o, s))| (o + s.len()).min(next));
                    blank_row(para, prev_end..next)
                }
            })
            .collect()
    }

    /// Every row: the whole article laid out (what `qari show` prints). Same rows as
    /// `rows(opts, 0..row_count)`, built paragraph by paragraph while each is hot in cache.
    pub fn all_rows(&self, opts: &LayoutOptions) -> Vec<DisplayLine> {
        let mut cache = self.cache.borrow_mut();
        let mut out = Vec::new();
        let mut prev_end: Option<usize> = None;
        for (para, (offset, src)) in self.paras.iter().enumerate() {
            let (p, spans) = cache.get(self, para, opts);
            if spans.is_empty() {
                continue;
            }
            if let Some(end) = prev_end {
                out.push(blank_row(para, end.min(*offset)..*offset));
            }
            out.extend(lines_of(&p, &spans, para, *offset, src.len(), opts));
            prev_end = Some(offset + src.len());
        }
        out
    }

    /// The row showing source byte `offset` (to scroll a search hit or mention into view): the
    /// line whose logical range contains it, or the nearest following row. `None` past the end.
    pub fn row_of_offset(&self, opts: &LayoutOptions, offset: usize) -> Option<usize> {
        let mut cache = self.cache.borrow_mut();
        let rows = cache.rows(self, opts);
        let mut best = None;
        for (i, r) in rows.iter().enumerate() {
            if let RowRef::Line { para, line } = *r {
                let (poff, src) = &self.paras[para as usize];
                if poff + src.len() < offset {
                    continue;
                }
                let (p, spans) = cache.get(self, para as usize, opts);
                let j = line as usize;
                let end = match spans.get(j + 1) {
                    Some(next) => poff + p.src_start(next.start as usize, src.len()),
                    None => poff + src.len(),
                };
                if offset < end || (spans.get(j + 1).is_none() && offset <= end) {
                    best = Some(i);
                    break;
                }
            }
        }
        best
    }
}

impl Cache {
    /// Make the cache match `opts` (shape flag and width), dropping what no longer applies.
    fn sync(&mut self, n: usize, opts: &LayoutOptions) {
        if self.prepared.len() != n || self.shape != opts.shape {
            self.prepared = vec![None; n];
            self.spans = vec![None; n];
            self.rows = None;
            self.shape = opts.shape;
        }
        if self.width != opts.width {
            self.spans = vec![None; n];
            self.rows = None;
            self.width = opts.width;
        }
    }

    fn get(
        &mut self,
        a: &ArticleLayout,
        para: usize,
        opts: &LayoutOptions,
    ) -> (Rc<Prepared>, Rc<Vec<Span>>) {
        self.sync(a.paras.len(), opts);
        let p = self.prepared[para]
            .get_or_insert_with(|| {
                Rc::new(Prepared::new(&a.paras[para].1, a.direction, opts.shape))
            })
            .clone();
        let s = self.spans[para]
            .get_or_insert_with(|| Rc::new(p.wrap(opts.width)))
            .clone();
        (p, s)
    }

    fn rows(&mut self, a: &ArticleLayout, opts: &LayoutOptions) -> Rc<Vec<RowRef>> {
        self.sync(a.paras.len(), opts);
        if let Some(r) = &self.rows {
            return r.clone();
        }
        let mut rows = Vec::new();
        for para in 0..a.paras.len() {
            let (_, spans) = self.get(a, para, opts);
            if spans.is_empty() {
                continue;
            }
            if !rows.is_empty() {
                rows.push(RowRef::Blank { para: para as u32 });
            }
            for line in 0..spans.len() {
                rows.push(RowRef::Line {
                    para: para as u32,
                    line: line as u32,
                });
            }
        }
        let rows = Rc::new(rows);
        self.rows = Some(rows.clone());
        rows
    }
}
