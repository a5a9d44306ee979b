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

/// A row of an [`ArticleLayout`] named without counting the rows above it: row `row` of
/// block `para` (its blank separator row, if it has one, then its lines). A block is a
/// paragraph, or a piece of a paragraph longer than 64 KiB (which has no blank row before it). The reader
/// pane keeps its scroll position as an anchor so a long article is laid out only where it is
/// looked at; [`ArticleLayout::rows`] and absolute row numbers need every paragraph wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RowAnchor {
    /// Block index (0 = the title, or its first piece).
    pub para: usize,
    /// Row within the paragraph's block.
    pub row: usize,
}

/// One row of the article: a paragraph's line, or the blank row before paragraph `para`.
#[derive(Debug, Clone, Copy)]
enum RowRef {
    Line { para: u32, line: u32 },
    Blank { para: u32 },
}

/// Source bytes of resolved blocks the cache keeps; past that the least recently used are
/// dropped (a resolved block takes ~13 bytes a source byte: 2 MiB keeps ~27 MB). An ordinary
/// article is far below it and keeps every block.
const PREPARED_BUDGET: usize = 2 << 20;

#[derive(Default)]
struct Cache {
    shape: bool,
    prepared: Vec<Option<Rc<Prepared>>>,
    /// Blocks in `prepared`, least recently used first, and their source bytes in total.
    recent: std::collections::VecDeque<usize>,
    recent_bytes: usize,
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
    /// The text of every block, held once (a 16 MiB article is not copied per paragraph).
    store: String,
    /// The blocks: `(byte offset, range in store)` of each paragraph, or of each piece of a
    /// long one.
    paras: Vec<(usize, Range<usize>)>,
    /// What each block is part of, in the same order.
    blocks: Vec<Block>,
    direction: Direction,
    cache: RefCell<Cache>,
}

/// Where a block comes from.
#[derive(Debug, Clone, Copy)]
struct Block {
    /// The paragraph it is (or is a piece of): [`DisplayLine::para`] of its lines.
    para: usize,
    /// For a piece of a long paragraph, the paragraph's base direction; `None` for a whole one.
    piece_dir: Option<Direction>,
    /// A piece after the first: no blank row before it.
    cont: bool,
}

impl std::fmt::Debug for ArticleLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArticleLayout")
            .field("blocks", &self.paras.len())
            .field("direction", &self.direction)
            .finish_non_exhaustive()
    }
}

impl ArticleLayout {
    /// Lay out an article: paragraph 0 is the title, paragraph `i + 1` is `article.paragraphs[i]`,
    /// and cell offsets are byte offsets into `article.text()`.
    pub fn from_article(article: &Article) -> ArticleLayout {
        Self::from_article_text(article.text())
    }

    /// [`from_article`](Self::from_article) from the article's text as [`Article::text`] makes
    /// it (the title, then each paragraph after a blank line), taken without a copy. A single
    /// `\n` inside a paragraph (the lines of a Markdown list) starts a line without a blank row.
    pub fn from_article_text(text: String) -> ArticleLayout {
        let mut paras = Vec::new();
        let mut off = 0;
        for p in text.split("\n\n") {
            paras.push((off, off..off + p.len()));
            off += p.len() + 2;
        }
        Self::build(text, paras, true)
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
                    paras.push((r.start, r));
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
            paras.push((r.start, r));
        }
        Self::build(text.to_string(), paras, false)
    }

    /// Lay out paragraphs given as `(byte offset, text)`, offsets ascending; cells point at
    /// `offset + position in text`.
    pub fn from_paragraphs(paras: Vec<(usize, String)>) -> ArticleLayout {
        let mut store = String::with_capacity(paras.iter().map(|(_, p)| p.len()).sum());
        let mut ranges = Vec::with_capacity(paras.len());
        for (offset, p) in paras {
            ranges.push((offset, store.len()..store.len() + p.len()));
            store.push_str(&p);
        }
        Self::build(store, ranges, false)
    }

    /// The layout of the paragraphs `paras` (`(offset, range in store)`), a long one cut into
    /// pieces. With `lines`, a `\n` inside a paragraph starts a new line of it (a Markdown list
    /// item, table row or hard break): its own bidi paragraph, with no blank row before it.
    fn build(store: String, paras: Vec<(usize, Range<usize>)>, lines: bool) -> ArticleLayout {
        let direction = article_direction(paras.iter().map(|(_, r)| &store[r.clone()]));
        let mut blocks = Vec::with_capacity(paras.len());
        let mut texts = Vec::with_capacity(paras.len());
        for (i, (offset, range)) in paras.into_iter().enumerate() {
            let whole = &store[range.clone()];
            let mut first = true;
            let mut at = 0;
            let parts = if lines && whole.contains('\n') {
                whole.split('\n').collect()
            } else {
                vec![whole]
            };
            for part in parts {
                let (off, r) = (offset + at, range.start + at..range.start + at + part.len());
                at += part.len() + 1;
                let pieces = super::paragraph::pieces(part);
                if pieces.len() == 1 {
                    blocks.push(Block {
                        para: i,
                        piece_dir: None,
                        cont: !first,
                    });
                    texts.push((off, r));
                    first = false;
                    continue;
                }
                let dir = super::paragraph_direction(part, direction);
                for p in pieces {
                    blocks.push(Block {
                        para: i,
                        piece_dir: Some(dir),
                        cont: !first,
                    });
                    texts.push((off + p.start, r.start + p.start..r.start + p.end));
                    first = false;
                }
            }
        }
        ArticleLayout {
            store,
            paras: texts,
            blocks,
            direction,
            cache: RefCell::new(Cache::default()),
        }
    }

    /// The text the layout holds: [`Article::text`] for [`from_article`](Self::from_article)
    /// and the given text for [`from_text`](Self::from_text) (the byte offsets of cells address
    /// it), the paragraphs joined for [`from_paragraphs`](Self::from_paragraphs).
    pub fn text(&self) -> &str {
        &self.store
    }

    /// The text of block `b`.
    fn src(&self, b: usize) -> &str {
        &self.store[self.paras[b].1.clone()]
    }

    /// The article's direction, used for paragraphs without a strong letter, and a good default
    /// for the pane's own chrome (which side the scrollbar goes).
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The display lines of paragraph `para` (no blank rows). Empty if `para` is out of range or
    /// draws nothing.
    pub fn paragraph_lines(&self, para: usize, opts: &LayoutOptions) -> Vec<DisplayLine> {
        let mut cache = self.cache.borrow_mut();
        let mut out = Vec::new();
        for b in (0..self.blocks.len()).filter(|&b| self.blocks[b].para == para) {
            let (offset, src) = &self.paras[b];
            let (p, spans) = cache.get(self, b, opts);
            out.extend(lines_of(&p, &spans, para, *offset, src.len(), opts));
        }
        out
    }

    /// For every row at `opts.width`, the paragraph its line belongs to (0 = the title), or
    /// `None` for a blank row between paragraphs. Wraps every paragraph, like
    /// [`row_count`](Self::row_count); a reader keeps this to number its rows.
    pub fn row_paragraphs(&self, opts: &LayoutOptions) -> Vec<Option<usize>> {
        let rows = self.cache.borrow_mut().rows(self, opts);
        rows.iter()
            .map(|r| match *r {
                RowRef::Line { para, .. } => Some(self.blocks[para as usize].para),
                RowRef::Blank { .. } => None,
            })
            .collect()
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
                    let b = para as usize;
                    let (offset, src) = &self.paras[b];
                    let (p, spans) = cache.get(self, b, opts);
                    let para = self.blocks[b].para;
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
                    blank_row(self.blocks[para].para, prev_end..next)
                }
            })
            .collect()
    }

    /// Every row: the whole article laid out (what `qari show` prints). Same rows as
    /// `rows(opts, 0..row_count)`, built paragraph by paragraph while each is hot in cache.
    pub fn all_rows(&self, opts: &LayoutOptions) -> Vec<DisplayLine> {
        let mut out = Vec::new();
        self.each_row(opts, true, |row| {
            out.push(row);
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap_or_else(|e| match e {});
        out
    }

    /// Hands every row (the rows of [`all_rows`](Self::all_rows)) to `f` one at a time, keeping
    /// nothing: each block is resolved, wrapped and dropped in turn, so memory follows one
    /// block (≤ 64 KiB of text) and one line, whatever the article's size. For `qari show`.
    pub fn for_each_row<E>(
        &self,
        opts: &LayoutOptions,
        f: impl FnMut(DisplayLine) -> Result<(), E>,
    ) -> Result<(), E> {
        self.each_row(opts, false, f)
    }

    fn each_row<E>(
        &self,
        opts: &LayoutOptions,
        keep: bool,
        mut f: impl FnMut(DisplayLine) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut prev_end: Option<usize> = None;
        for (b, (offset, src)) in self.paras.iter().enumerate() {
            let block = self.blocks[b];
            let (p, spans) = if keep {
                self.cache.borrow_mut().get(self, b, opts)
            } else {
                let p = self.prepare(b, opts);
                let spans = p.wrap(opts.width);
                (Rc::new(p), Rc::new(spans))
            };
            if spans.is_empty() {
                continue;
            }
            if let Some(end) = prev_end.filter(|_| !block.cont) {
                f(blank_row(block.para, end.min(*offset)..*offset))?;
            }
            for j in 0..spans.len() {
                f(line_of(&p, &spans, j, block.para, *offset, src.len(), opts))?;
            }
            prev_end = Some(offset + src.len());
        }
        Ok(())
    }

    /// Sanitises and resolves block `b`.
    fn prepare(&self, b: usize, opts: &LayoutOptions) -> Prepared {
        let text = self.src(b);
        match self.blocks[b].piece_dir {
            Some(dir) => Prepared::piece(text, dir, opts.shape),
            None => Prepared::new(text, self.direction, opts.shape),
        }
    }

    /// The row showing source byte `offset` (to scroll a search hit or mention into view): the
    /// line whose logical range contains it, or the next row drawn after it. `None` past the end.
    /// Wraps the paragraphs before it; [`anchor_of_offset`](Self::anchor_of_offset) does not.
    pub fn row_of_offset(&self, opts: &LayoutOptions, offset: usize) -> Option<usize> {
        let a = self.anchor_of_offset(opts, offset)?;
        Some(self.row_of_anchor(opts, a))
    }

    /// The absolute row number of an anchor (for a scrollbar or a percentage). Wraps every
    /// paragraph before it.
    pub fn row_of_anchor(&self, opts: &LayoutOptions, anchor: RowAnchor) -> usize {
        (0..anchor.para.min(self.paras.len()))
            .map(|q| self.block_len(opts, q))
            .sum::<usize>()
            + anchor.row
    }

    /// The anchor of absolute row `row` (jumping to a percentage), or `None` past the end.
    pub fn anchor_of_row(&self, opts: &LayoutOptions, row: usize) -> Option<RowAnchor> {
        let mut left = row;
        for para in 0..self.paras.len() {
            let len = self.block_len(opts, para);
            if left < len {
                return Some(RowAnchor { para, row: left });
            }
            left -= len;
        }
        None
    }

    /// The first row of the article as an anchor (see [`RowAnchor`]).
    pub fn start(&self, opts: &LayoutOptions) -> Option<RowAnchor> {
        self.normalize(opts, RowAnchor { para: 0, row: 0 })
    }

    /// Up to `count` rows from `anchor` on, laying out only the paragraphs they come from: the
    /// reader pane's way to draw a screen of a long article without the rows above it.
    pub fn rows_from(
        &self,
        opts: &LayoutOptions,
        anchor: RowAnchor,
        count: usize,
    ) -> Vec<DisplayLine> {
        let mut out = Vec::with_capacity(count.min(1024));
        let Some(mut a) = self.normalize(opts, anchor) else {
            return out;
        };
        while out.len() < count {
            out.push(self.block_row(opts, a));
            match self.normalize(
                opts,
                RowAnchor {
                    para: a.para,
                    row: a.row + 1,
                },
            ) {
                Some(next) => a = next,
                None => break,
            }
        }
        out
    }

    /// The anchor `delta` rows below (positive) or above (negative) `anchor`, stopping at the
    /// first and last rows. Lays out only the paragraphs it passes.
    pub fn advance(&self, opts: &LayoutOptions, anchor: RowAnchor, delta: isize) -> RowAnchor {
        let Some(mut a) = self.normalize(opts, anchor) else {
            return anchor;
        };
        let mut left = delta.unsigned_abs();
        if delta >= 0 {
            while left > 0 {
                let len = self.block_len(opts, a.para);
                let step = left.min(len - 1 - a.row);
                a.row += step;
                left -= step;
                if left == 0 {
                    break;
                }
                match self.normalize(
                    opts,
                    RowAnchor {
                        para: a.para,
                        row: a.row + 1,
                    },
                ) {
                    Some(next) => {
                        a = next;
                        left -= 1;
                    }
                    None => break,
                }
            }
        } else {
            while left > 0 {
                let step = left.min(a.row);
                a.row -= step;
                left -= step;
                if left == 0 {
                    break;
                }
                // Previous paragraph that draws, at its last row.
                let Some(prev) = (0..a.para).rev().find(|&q| self.block_len(opts, q) > 0) else {
                    break;
                };
                a = RowAnchor {
                    para: prev,
                    row: self.block_len(opts, prev) - 1,
                };
                left -= 1;
            }
        }
        a
    }

    /// The anchor of the row showing source byte `offset` (to bring a search hit or an entity
    /// mention into view), laying out only that paragraph. `None` past the last drawn row.
    pub fn anchor_of_offset(&self, opts: &LayoutOptions, offset: usize) -> Option<RowAnchor> {
        // Last paragraph starting at or before `offset`.
        let p = self
            .paras
            .partition_point(|(o, _)| *o <= offset)
            .saturating_sub(1);
        let (poff, src) = self.paras.get(p)?;
        if offset > poff + src.len() || self.block_len(opts, p) == 0 {
            // Between paragraphs or in one that draws nothing: the next drawn row.
            return self.normalize(
                opts,
                RowAnchor {
                    para: p + 1,
                    row: 0,
                },
            );
        }
        let (prep, spans) = self.cache.borrow_mut().get(self, p, opts);
        let rel = offset.saturating_sub(*poff);
        let line = (1..spans.len())
            .take_while(|&j| prep.src_start(spans[j].start as usize, src.len()) <= rel)
            .last()
            .unwrap_or(0);
        let blank = usize::from(self.block_len(opts, p) > spans.len());
        Some(RowAnchor {
            para: p,
            row: line + blank,
        })
    }

    /// Index of the nearest paragraph before `para` that draws something.
    fn drawn_before(&self, opts: &LayoutOptions, para: usize) -> Option<usize> {
        (0..para.min(self.paras.len())).rev().find(|&q| {
            // Letters and digits always draw; anything else needs the paragraph resolved.
            self.src(q).chars().any(char::is_alphanumeric) || self.block_lines(opts, q) > 0
        })
    }

    /// Number of lines (no blank row) of paragraph `para`.
    fn block_lines(&self, opts: &LayoutOptions, para: usize) -> usize {
        self.cache.borrow_mut().get(self, para, opts).1.len()
    }

    /// Rows of paragraph `para`'s block: a blank row unless it is the first drawn paragraph, then
    /// its lines; 0 when it draws nothing.
    fn block_len(&self, opts: &LayoutOptions, para: usize) -> usize {
        let lines = self.block_lines(opts, para);
        if lines == 0 {
            0
        } else {
            lines + usize::from(!self.blocks[para].cont && self.drawn_before(opts, para).is_some())
        }
    }

    /// The anchor itself if it names a row, else the first row after it; `None` past the end.
    fn normalize(&self, opts: &LayoutOptions, mut a: RowAnchor) -> Option<RowAnchor> {
        while a.para < self.paras.len() {
            if a.row < self.block_len(opts, a.para) {
                return Some(a);
            }
            a = RowAnchor {
                para: a.para + 1,
                row: 0,
            };
        }
        None
    }

    /// The row an anchor (already normalized) names.
    fn block_row(&self, opts: &LayoutOptions, a: RowAnchor) -> DisplayLine {
        let (offset, src) = &self.paras[a.para];
        let block = self.blocks[a.para];
        let prev = self.drawn_before(opts, a.para).filter(|_| !block.cont);
        let mut line = a.row;
        if let Some(q) = prev {
            if line == 0 {
                let (qo, qs) = &self.paras[q];
                return blank_row(block.para, (qo + qs.len()).min(*offset)..*offset);
            }
            line -= 1;
        }
        let (p, spans) = self.cache.borrow_mut().get(self, a.para, opts);
        line_of(&p, &spans, line, block.para, *offset, src.len(), opts)
    }
}

impl Cache {
    /// Make the cache match `opts` (shape flag and width), dropping what no longer applies.
    fn sync(&mut self, n: usize, opts: &LayoutOptions) {
        if self.prepared.len() != n || self.shape != opts.shape {
            self.prepared = vec![None; n];
            self.recent.clear();
            self.recent_bytes = 0;
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
        let p = match &self.prepared[para] {
            Some(p) => {
                if self.recent.back() != Some(&para) {
                    if let Some(i) = self.recent.iter().position(|&b| b == para) {
                        self.recent.remove(i);
                    }
                    self.recent.push_back(para);
                }
                p.clone()
            }
            None => {
                let p = Rc::new(a.prepare(para, opts));
                self.prepared[para] = Some(p.clone());
                self.recent.push_back(para);
                self.recent_bytes += a.paras[para].1.len();
                while self.recent_bytes > PREPARED_BUDGET && self.recent.len() > 1 {
                    let old = self.recent.pop_front().unwrap_or(para);
                    self.prepared[old] = None;
                    self.recent_bytes -= a.paras[old].1.len();
                }
                p
            }
        };
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
            if !rows.is_empty() && !a.blocks[para].cont {
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
