//! `.md` articles: Markdown read as the text a reader sees, with its emphasis kept as marks.
//!
//! No markup syntax reaches the article's text. Emphasis, strong, strike-through, code, links,
//! headings and quotes become [`Mark`]s over the text they cover; a link shows its text followed
//! by a footnote number (`[1]`), and the addresses are listed, numbered, in a last paragraph; a
//! list is one paragraph with one line per item (`• `, `1. `, deeper items indented with no-break spaces), as are a
//! table (cells between `│`) and a code block. Those lines are joined by a single `\n`, which the
//! layout draws as a line break without a blank row. YAML front matter gives `title`, `date`,
//! `source` and `url` when it has them.
//!
//! Parsing is pulldown-cmark's (CommonMark, linear time); this module only decides what each
//! event becomes.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::parse::{collapse_ws, Parsed};

/// How a stretch of an article's text is drawn: a set of [`MarkKinds`] flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MarkKinds(u8);

impl MarkKinds {
    /// `**strong**`: bold.
    pub const STRONG: MarkKinds = MarkKinds(1);
    /// `*emphasis*`: italic.
    pub const EMPHASIS: MarkKinds = MarkKinds(1 << 1);
    /// `~~struck~~`.
    pub const STRIKE: MarkKinds = MarkKinds(1 << 2);
    /// `` `code` `` and code blocks.
    pub const CODE: MarkKinds = MarkKinds(1 << 3);
    /// The text of a link.
    pub const LINK: MarkKinds = MarkKinds(1 << 4);
    /// A heading other than the title.
    pub const HEADING: MarkKinds = MarkKinds(1 << 5);
    /// A block quote.
    pub const QUOTE: MarkKinds = MarkKinds(1 << 6);
    /// Footnote numbers and the paragraph of addresses.
    pub const NOTE: MarkKinds = MarkKinds(1 << 7);

    /// No flag set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when every flag of `other` is set here.
    pub fn contains(self, other: MarkKinds) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitAnd for MarkKinds {
    type Output = MarkKinds;
    fn bitand(self, rhs: MarkKinds) -> MarkKinds {
        MarkKinds(self.0 & rhs.0)
    }
}

impl std::ops::BitOr for MarkKinds {
    type Output = MarkKinds;
    fn bitor(self, rhs: MarkKinds) -> MarkKinds {
        MarkKinds(self.0 | rhs.0)
    }
}

/// A stretch of text drawn with the given marks. An article's marks are sorted and disjoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Byte range, into one paragraph ([`ParaMark`]) or into [`super::Article::text`].
    pub range: Range<usize>,
    /// What the stretch is.
    pub kinds: MarkKinds,
}

/// A [`Mark`] inside paragraph `para` of a [`Parsed`] article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParaMark {
    /// Index into [`Parsed::paragraphs`].
    pub para: usize,
    /// The mark, its range into that paragraph.
    pub mark: Mark,
}

/// List levels shown by indentation; deeper items are indented as this level (a line of `1. 1. 1.`
/// nests a list per marker, and indentation per level would grow as the square of the input).
const MAX_INDENT: usize = 6;

/// One paragraph being built: its text, its marks, and what the title choice needs.
#[derive(Debug, Default)]
struct Block {
    text: String,
    marks: Vec<Mark>,
    heading: Option<HeadingLevel>,
    /// Where the block's first source line ends (a soft or hard break), if it has two.
    first_break: Option<usize>,
}

impl Block {
    /// Appends `s` drawn with `kinds`, merging with the last mark when it continues it.
    fn push(&mut self, s: &str, kinds: MarkKinds) {
        let start = self.text.len();
        self.text.push_str(s);
        if kinds.is_empty() || s.is_empty() {
            return;
        }
        match self.marks.last_mut() {
            Some(m) if m.range.end == start && m.kinds == kinds => m.range.end = self.text.len(),
            _ => self.marks.push(Mark {
                range: start..self.text.len(),
                kinds,
            }),
        }
    }

    /// The text without its footnote numbers (for a title, which shows no notes).
    fn plain(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for m in self
            .marks
            .iter()
            .filter(|m| m.kinds.contains(MarkKinds::NOTE))
        {
            out.push_str(&self.text[at..m.range.start]);
            at = m.range.end;
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// The text after byte `at` (a line break, dropped) as a block of its own.
    fn split_off(&mut self, at: usize) -> Block {
        let rest = self.text[at..].trim_start().to_string();
        let skip = self.text.len() - rest.len();
        self.text.truncate(at);
        let mut marks = Vec::new();
        for m in std::mem::take(&mut self.marks) {
            if m.range.start < at {
                self.marks.push(Mark {
                    range: m.range.start..m.range.end.min(at),
                    kinds: m.kinds,
                });
            }
            if m.range.end > skip {
                marks.push(Mark {
                    range: m.range.start.max(skip) - skip..m.range.end - skip,
                    kinds: m.kinds,
                });
            }
        }
        Block {
            text: rest,
            marks,
            heading: None,
            first_break: None,
        }
    }
}

/// The state of the walk over pulldown-cmark's events.
#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    cur: Option<Block>,
    /// Open inline marks, counted (they nest: `**a *b* c**`).
    strong: u32,
    emphasis: u32,
    strike: u32,
    link: u32,
    quote: u32,
    code_block: bool,
    /// Whitespace seen and not yet written, with the marks open then: written as one space
    /// before the next text, marked with what both sides share.
    space: Option<MarkKinds>,
    /// Open lists, innermost last: the next number of an ordered list, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Open links and images: their address, or `None` when it needs no footnote.
    links: Vec<Option<String>>,
    /// Footnote addresses in order of first use.
    notes: Vec<String>,
    /// Inside a table: cells of the current row so far.
    table_cell: usize,
    /// Inside YAML front matter.
    metadata: bool,
    front: Vec<(String, String)>,
}

impl Builder {
    fn kinds(&self) -> MarkKinds {
        let mut k = MarkKinds::default();
        let flags = [
            (self.strong > 0, MarkKinds::STRONG),
            (self.emphasis > 0, MarkKinds::EMPHASIS),
            (self.strike > 0, MarkKinds::STRIKE),
            (self.link > 0, MarkKinds::LINK),
            (self.quote > 0, MarkKinds::QUOTE),
            (self.code_block, MarkKinds::CODE),
        ];
        for (on, flag) in flags {
            if on {
                k = k | flag;
            }
        }
        if self.cur.as_ref().is_some_and(|b| b.heading.is_some()) {
            k = k | MarkKinds::HEADING;
        }
        k
    }

    fn block(&mut self) -> &mut Block {
        self.cur.get_or_insert_with(Block::default)
    }

    /// Ends the current block (a list or table ends only with its outermost end).
    fn finish(&mut self) {
        self.space = None;
        if let Some(mut b) = self.cur.take() {
            let trimmed = b.text.trim_end().len();
            b.text.truncate(trimmed);
            for m in &mut b.marks {
                m.range.end = m.range.end.min(trimmed);
            }
            b.marks.retain(|m| !m.range.is_empty());
            if !b.text.is_empty() {
                self.blocks.push(b);
            }
        }
    }

    /// Writes `s`, whitespace collapsed (the pending space first, none at a line's start).
    fn text(&mut self, s: &str, extra: MarkKinds) {
        let kinds = self.kinds() | extra;
        let mut space = self.space;
        let block = self.cur.get_or_insert_with(Block::default);
        for word in s.split_inclusive(char::is_whitespace) {
            let w = word.trim_end_matches(char::is_whitespace);
            if !w.is_empty() {
                if let Some(before) = space {
                    if !block.text.is_empty() && !block.text.ends_with(['\n', ' ']) {
                        block.push(" ", before & kinds);
                    }
                }
                block.push(w, kinds);
                space = None;
            }
            if w.len() < word.len() {
                space = Some(kinds);
            }
        }
        self.space = space;
    }

    /// Starts a new line inside the current block (list items, table rows, hard breaks).
    fn line_break(&mut self) {
        self.space = None;
        let block = self.block();
        if !block.text.is_empty() && !block.text.ends_with('\n') {
            let trimmed = block.text.trim_end_matches(' ').len();
            block.text.truncate(trimmed);
            block.first_break.get_or_insert(trimmed);
            block.text.push('\n');
        }
    }

    /// A code block's text: its lines kept, each whitespace-collapsed.
    fn code(&mut self, s: &str) {
        for (i, line) in s.split('\n').enumerate() {
            if i > 0 {
                self.line_break();
            }
            let collapsed = collapse_ws(line);
            if !collapsed.is_empty() {
                let kinds = self.kinds();
                self.block().push(&collapsed, kinds);
            }
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {
                // A paragraph inside a list item or a table continues the list's block.
                if self.lists.is_empty() {
                    self.finish();
                } else {
                    self.space = Some(self.kinds());
                }
            }
            Tag::Heading { level, .. } => {
                self.finish();
                self.block().heading = Some(level);
            }
            Tag::BlockQuote(_) => {
                if self.lists.is_empty() {
                    self.finish();
                }
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                if self.lists.is_empty() {
                    self.finish();
                } else {
                    self.line_break();
                }
                self.code_block = true;
            }
            Tag::HtmlBlock if self.lists.is_empty() => self.finish(),
            Tag::List(first) => {
                if self.lists.is_empty() {
                    self.finish();
                }
                self.lists.push(first);
            }
            Tag::Item => {
                self.line_break();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => ["• ", "◦ ", "▪ "][depth.min(2)].to_string(),
                };
                // No-break spaces: the layout keeps them where it trims a line's spaces.
                let indent = "\u{A0}\u{A0}".repeat(depth.min(MAX_INDENT));
                let kinds = self.kinds();
                let block = self.block();
                block.push(&indent, MarkKinds::default());
                block.push(&marker, kinds);
                self.space = None;
            }
            Tag::Table(_) => self.finish(),
            Tag::TableRow | Tag::TableHead => {
                self.line_break();
                self.table_cell = 0;
            }
            Tag::TableCell => {
                if self.table_cell > 0 {
                    let kinds = self.kinds();
                    self.block().push(" │ ", kinds);
                }
                self.table_cell += 1;
                self.space = None;
            }
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link {
                link_type,
                dest_url,
                ..
            }
            | Tag::Image {
                link_type,
                dest_url,
                ..
            } => {
                let shown = matches!(link_type, LinkType::Autolink | LinkType::Email);
                let url = collapse_ws(&dest_url);
                let noted = !shown && !url.is_empty() && !url.starts_with('#');
                self.links.push(noted.then_some(url));
                self.link += 1;
            }
            Tag::MetadataBlock(_) => self.metadata = true,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock if self.lists.is_empty() => self.finish(),
            TagEnd::Heading(_) => self.finish(),
            TagEnd::BlockQuote(_) => {
                if self.lists.is_empty() {
                    self.finish();
                }
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                self.code_block = false;
                if self.lists.is_empty() {
                    self.finish();
                }
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.finish();
                }
            }
            TagEnd::Table => self.finish(),
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => {
                self.link = self.link.saturating_sub(1);
                if let Some(Some(url)) = self.links.pop() {
                    let n = match self.notes.iter().position(|u| *u == url) {
                        Some(i) => i + 1,
                        None => {
                            self.notes.push(url);
                            self.notes.len()
                        }
                    };
                    let kinds = self.kinds() | MarkKinds::NOTE;
                    self.block().push(&format!("[{n}]"), kinds);
                }
            }
            TagEnd::MetadataBlock(_) => self.metadata = false,
            _ => {}
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(s) if self.metadata => self.front.extend(front_matter(&s)),
            Event::Text(s) if self.code_block => self.code(&s),
            Event::Text(s) => self.text(&s, MarkKinds::default()),
            Event::Code(s) | Event::InlineMath(s) | Event::DisplayMath(s) => {
                self.text(&s, MarkKinds::CODE)
            }
            Event::Html(s) | Event::InlineHtml(s) => {
                let text = strip_tags(&s);
                self.text(&text, MarkKinds::default());
            }
            Event::SoftBreak => {
                let block = self.block();
                if !block.text.is_empty() {
                    block.first_break.get_or_insert(block.text.len());
                }
                self.space = Some(self.kinds());
            }
            Event::HardBreak => self.line_break(),
            Event::TaskListMarker(done) => {
                let kinds = self.kinds();
                self.block().push(if done { "☑ " } else { "☐ " }, kinds);
            }
            Event::FootnoteReference(_) | Event::Rule => {}
        }
    }
}

/// `key: value` lines of YAML front matter, keys lower-cased, quotes taken off the values.
fn front_matter(yaml: &str) -> Vec<(String, String)> {
    yaml.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| {
            let v = v.trim().trim_matches(['"', '\'']);
            (k.trim().to_lowercase(), collapse_ws(v))
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// `html` without its tags and comments (what is between them is text).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let close = if after.starts_with("<!--") {
            after.find("-->").map(|j| j + 3)
        } else {
            after.find('>').map(|j| j + 1)
        };
        match close {
            Some(j) => {
                out.push(' ');
                rest = &after[j..];
            }
            // A lone `<` is text.
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A `.md` article. The title is the front matter's `title`, else the first level-1 heading,
/// else the first block when it is a heading, else the first line of the first block; other
/// headings are paragraphs marked [`MarkKinds::HEADING`].
pub fn parse_md(text: &str) -> Parsed {
    let opts = Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut b = Builder::default();
    for event in Parser::new_ext(text, opts) {
        b.event(event);
    }
    b.finish();
    let front = |key: &str| {
        b.front
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut blocks = std::mem::take(&mut b.blocks);
    let title = match front("title") {
        Some(t) => t,
        None => {
            let h1 = blocks
                .iter()
                .position(|x| x.heading == Some(HeadingLevel::H1))
                .or_else(|| blocks.first().filter(|x| x.heading.is_some()).map(|_| 0));
            match h1 {
                Some(i) => blocks.remove(i).plain(),
                None if blocks.is_empty() => String::new(),
                None => {
                    let first = &mut blocks[0];
                    match first.first_break {
                        Some(at) => {
                            let rest = first.split_off(at);
                            let title = std::mem::replace(first, rest);
                            if blocks[0].text.is_empty() {
                                blocks.remove(0);
                            }
                            title.plain()
                        }
                        None => blocks.remove(0).plain(),
                    }
                }
            }
        }
    };
    let title = collapse_ws(&title);
    if blocks.first().is_some_and(|x| x.text == title) {
        blocks.remove(0);
    }
    let mut paragraphs = Vec::with_capacity(blocks.len() + 1);
    let mut marks = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        marks.extend(
            block
                .marks
                .into_iter()
                .map(|mark| ParaMark { para: i, mark }),
        );
        paragraphs.push(block.text);
    }
    let notes = !b.notes.is_empty();
    if notes {
        let list: Vec<String> = b
            .notes
            .iter()
            .enumerate()
            .map(|(i, url)| format!("[{}] {url}", i + 1))
            .collect();
        let text = list.join("\n");
        marks.push(ParaMark {
            para: paragraphs.len(),
            mark: Mark {
                range: 0..text.len(),
                kinds: MarkKinds::NOTE,
            },
        });
        paragraphs.push(text);
    }
    Parsed {
        title,
        paragraphs,
        date: front("date"),
        source: front("source"),
        url: front("url"),
        local_id: None,
        marks,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of each mark of paragraph `para`, with its kinds.
    fn marked(p: &Parsed, para: usize) -> Vec<(&str, MarkKinds)> {
        p.marks
            .iter()
            .filter(|m| m.para == para)
            .map(|m| (&p.paragraphs[para][m.mark.range.clone()], m.mark.kinds))
            .collect()
    }

    #[test]
    fn heading_is_title_and_front_matter_is_read() {
        let p = parse_md(
            "---\ndate: 2021-03-04\nsource: \"وكالة\"\n---\nمقدمة\n\n# العنوان\n\n## قسم\n\nنص",
        );
        assert_eq!(p.title, "العنوان");
        assert_eq!(p.paragraphs, ["مقدمة", "قسم", "نص"]);
        assert_eq!(marked(&p, 1), [("قسم", MarkKinds::HEADING)]);
        assert_eq!(p.date.as_deref(), Some("2021-03-04"));
        assert_eq!(p.source.as_deref(), Some("وكالة"));
        let p = parse_md("---\ntitle: من الرأس\n---\n# عنوان آخر\n\nنص");
        assert_eq!(p.title, "من الرأس");
        assert_eq!(p.paragraphs, ["عنوان آخر", "نص"]);
    }

    #[test]
    fn no_heading_takes_the_first_line() {
        let p = parse_md("السطر **الأول**\nبقية الفقرة *هنا*\n\nفقرة ثانية");
        assert_eq!(p.title, "السطر الأول");
        assert_eq!(p.paragraphs, ["بقية الفقرة هنا", "فقرة ثانية"]);
        assert_eq!(marked(&p, 0), [("هنا", MarkKinds::EMPHASIS)]);
    }

    #[test]
    fn emphasis_is_marked_and_no_syntax_shows() {
        let p = parse_md(
            "# ع\n\nقال **الوزير *أحمد* اليوم** إن `الكود` ~~قديم~~ و __هذا__ _ذاك_ \\*نجمة\\*",
        );
        assert_eq!(
            p.paragraphs,
            ["قال الوزير أحمد اليوم إن الكود قديم و هذا ذاك *نجمة*"]
        );
        let s = MarkKinds::STRONG;
        let e = MarkKinds::EMPHASIS;
        assert_eq!(
            marked(&p, 0),
            [
                ("الوزير ", s),
                ("أحمد", s | e),
                (" اليوم", s),
                ("الكود", MarkKinds::CODE),
                ("قديم", MarkKinds::STRIKE),
                ("هذا", s),
                ("ذاك", e),
            ]
        );
    }

    #[test]
    fn links_show_their_text_and_a_numbered_note() {
        let p = parse_md(
            "# ع\n\nنقلت [وكالة الأنباء](https://a.example/x) و[الموقع](https://b.example \"t\") \
             ثم [الوكالة](https://a.example/x) و<https://c.example> و![صورة](img.png)",
        );
        assert_eq!(
            p.paragraphs[0],
            "نقلت وكالة الأنباء[1] والموقع[2] ثم الوكالة[1] وhttps://c.example وصورة[3]"
        );
        assert_eq!(
            p.paragraphs[1],
            "[1] https://a.example/x\n[2] https://b.example\n[3] img.png"
        );
        assert!(p.notes);
        let m = marked(&p, 0);
        assert_eq!(m[0], ("وكالة الأنباء", MarkKinds::LINK));
        assert_eq!(m[1], ("[1]", MarkKinds::NOTE));
        // A title shows no note numbers.
        let p = parse_md("عن [الوكالة](https://a.example) اليوم\nنص");
        assert_eq!(
            (p.title.as_str(), p.paragraphs[0].as_str()),
            ("عن الوكالة اليوم", "نص")
        );
        assert_eq!(marked(&p, 1).len(), 1);
    }

    #[test]
    fn lists_tables_and_code_are_lines_of_one_paragraph() {
        let p = parse_md(
            "# ع\n\nقبل\n\n- أول\n- ثان **مهم**\n  - فرعي\n\n3. ثالث\n4. رابع\n\n\
             | أ | ب |\n|---|---|\n| 1 | 2 |\n\n```\nسطر  أول\n  سطر ثان\n```\n\nبعد",
        );
        assert_eq!(
            p.paragraphs,
            [
                "قبل",
                "• أول\n• ثان مهم\n\u{A0}\u{A0}◦ فرعي",
                "3. ثالث\n4. رابع",
                "أ │ ب\n1 │ 2",
                "سطر أول\nسطر ثان",
                "بعد"
            ]
        );
        assert_eq!(marked(&p, 1), [("مهم", MarkKinds::STRONG)]);
        assert_eq!(
            marked(&p, 4),
            [("سطر أول", MarkKinds::CODE), ("سطر ثان", MarkKinds::CODE)]
        );
        // A loose list (blank lines between items) is still one line per item.
        let p = parse_md("# ع\n\n- أ\n\n- ب\n\n  تكملة\n");
        assert_eq!(p.paragraphs, ["• أ\n• ب تكملة"]);
    }

    #[test]
    fn quotes_and_html() {
        let p = parse_md("# ع\n\n> قال **أحد**\n> المسؤولين\n\n<div>نص <b>غامق</b></div>\n\nنهاية <br> السطر <!-- تعليق -->");
        assert_eq!(
            p.paragraphs,
            ["قال أحد المسؤولين", "نص غامق", "نهاية السطر"]
        );
        let q = MarkKinds::QUOTE;
        assert_eq!(
            marked(&p, 0),
            [
                ("قال ", q),
                ("أحد", q | MarkKinds::STRONG),
                (" المسؤولين", q)
            ]
        );
    }

    #[test]
    fn hard_breaks_are_lines() {
        let p = parse_md("# ع\n\nسطر أول  \nسطر ثان\\\nثالث");
        assert_eq!(p.paragraphs, ["سطر أول\nسطر ثان\nثالث"]);
    }

    #[test]
    fn empty_and_odd_input() {
        assert_eq!(parse_md(""), Parsed::default());
        assert_eq!(parse_md("#"), Parsed::default());
        let p = parse_md("**\n\n[]()\n\n- \n\n<");
        assert!(p.paragraphs.iter().all(|x| !x.contains("**")));
        for text in ["<<<>>>", "[a](", "```", "> > > >", "| a |\n|-|", "- - - -"] {
            let p = parse_md(text);
            for m in &p.marks {
                assert!(p.paragraphs[m.para].get(m.mark.range.clone()).is_some());
            }
        }
    }
}
