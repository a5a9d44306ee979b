//! The query language, parsed into a tree before anything touches the index.
//!
//! ```text
//! query    := group+                      words next to each other are ANDed
//! group    := unary ("OR" unary)*         OR binds tighter than AND, as in web search:
//!                                         `a b OR c` is a AND (b OR c)
//! unary    := ("-" | "+" | "NOT") unary | primary
//! primary  := "(" query ")" | "\"phrase\"" | clause | word
//! word     := text | "=" text (this spelling only) | text "*" (a prefix)
//! clause   := (person|place|org|source) ":" (name | "\"name\"")
//!           | "date:" (DATE | DATE ".." DATE | ".." DATE | DATE "..")
//! ```
//! An unquoted name takes the following plain words as candidates (`place:قره باغ`); how many
//! belong to the name is decided against the index ([`super::search`]), and the rest are words.
//! Brackets and negations nest at most [`MAX_QUERY_DEPTH`] deep: the parser recurses once per
//! level, and 10,000 `(` must be an error, not a stack overflow.

use crate::entities::EntityKind;
use crate::text::dates::PartialDate;

use super::search::{QueryError, MAX_QUERY_DEPTH};

/// Most following words an unquoted name may take (the longest names in news have about eight).
const MAX_NAME_WORDS: usize = 8;

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// One word of text.
    Word(Word),
    /// Words in this order (`"وقف إطلاق النار"`).
    Phrase(Vec<String>),
    /// `person:`, `place:`, `org:`, `source:` or `date:`.
    Clause(Clause),
    /// All of these (the negated ones excluded).
    And(Vec<Expr>),
    /// Any of these.
    Or(Vec<Expr>),
    /// Not this.
    Not(Box<Expr>),
}

/// A word and how it may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The word as typed (without `=` or `*`).
    pub text: String,
    /// `=word`: this spelling only, no variants or typos.
    pub exact: bool,
    /// `word*`: any word that begins so.
    pub prefix: bool,
}

/// What a clause looks for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ClauseKind {
    /// An entity of the entity index.
    Entity(EntityKind),
    /// The article's source or agency.
    Source,
    /// The article's date, within a range.
    Date(DateRange),
}

/// A `kind:value` clause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    /// What it looks for.
    pub kind: ClauseKind,
    /// The name's words: the first, then the plain words that followed it (candidates; the index
    /// decides how many are part of the name). Empty for `date:`.
    pub words: Vec<String>,
    /// Quoted: all of `words` are the name.
    pub quoted: bool,
    /// `-person:X`.
    pub negated: bool,
}

/// An inclusive range of packed dates ([`PartialDate::pack`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateRange {
    /// Lowest packed date admitted.
    pub from: u32,
    /// Highest packed date admitted.
    pub to: u32,
}

impl DateRange {
    /// Parses `2021`, `2021-05`, `2021-05-03`, `2020-11-01..2021-01-31`, `..2021`, `2021..`.
    ///
    /// An article's date is admitted when all of it lies in the range: `date:2021-05` admits
    /// `2021-05` and `2021-05-03`, not a bare `2021` (which may be any month); `date:2021`
    /// admits all three. A date without a year is never in a range.
    pub fn parse(s: &str) -> Option<DateRange> {
        let date = |t: &str| PartialDate::from_iso(t).filter(|d| d.year.is_some());
        let (from, to) = match s.split_once("..") {
            None => {
                let d = date(s)?;
                (d, d)
            }
            Some((a, b)) => {
                let (lo, hi) = (
                    (!a.is_empty()).then(|| date(a)),
                    (!b.is_empty()).then(|| date(b)),
                );
                match (lo, hi) {
                    (None, None) | (Some(None), _) | (_, Some(None)) => return None,
                    (lo, hi) => (
                        lo.flatten().unwrap_or(PartialDate {
                            year: Some(1),
                            month: None,
                            day: None,
                        }),
                        hi.flatten().unwrap_or(PartialDate {
                            year: Some(9999),
                            month: None,
                            day: None,
                        }),
                    ),
                }
            }
        };
        let r = DateRange {
            from: span(&from).0,
            to: span(&to).1,
        };
        (r.from <= r.to).then_some(r)
    }
}

/// The first and last day a date may mean, packed ([`PartialDate::pack`]): `2021-05` spans
/// `2021-05-01` to `2021-05-31`, `2021` the whole year. What the index stores for `date:`.
pub(crate) fn span(d: &PartialDate) -> (u32, u32) {
    let at = |month, day| {
        PartialDate {
            year: d.year,
            month: Some(d.month.unwrap_or(month)),
            day: Some(d.day.unwrap_or(day)),
        }
        .pack()
    };
    (at(1, 1), at(12, 31))
}

/// One lexical token of a query.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    /// `-` or `NOT` before something.
    Minus,
    /// `+` before something (required: the default).
    Plus,
    Or,
    /// `"…"`.
    Quoted(String),
    /// A run of other characters.
    Bare(String),
    /// `field:` immediately followed by a quote: the quoted name follows as the next token.
    FieldQuoted(String),
}

fn lex(query: &str) -> Result<Vec<Tok>, QueryError> {
    let mut out = Vec::new();
    let mut chars = query.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Tok::Open);
            }
            ')' => {
                chars.next();
                out.push(Tok::Close);
            }
            '"' => {
                chars.next();
                let start = i + 1;
                let end = query[start..].find('"').map(|e| start + e).ok_or_else(|| {
                    QueryError::Invalid {
                        query: query.to_string(),
                        message: "a quote is not closed".into(),
                    }
                })?;
                out.push(Tok::Quoted(query[start..end].to_string()));
                while chars.peek().is_some_and(|&(j, _)| j <= end) {
                    chars.next();
                }
            }
            '-' | '+'
                if chars
                    .clone()
                    .nth(1)
                    .is_some_and(|(_, n)| !n.is_whitespace()) =>
            {
                chars.next();
                out.push(if c == '-' { Tok::Minus } else { Tok::Plus });
            }
            _ => {
                let mut end = i;
                while let Some(&(j, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"') {
                        break;
                    }
                    end = j + c.len_utf8();
                    chars.next();
                }
                let word = &query[i..end];
                if word.is_empty() || word.chars().all(|c| matches!(c, '-' | '+')) {
                    // A lone `-` or `+` before a space: punctuation, not an operator.
                    chars.next();
                    continue;
                }
                let quoted_next = chars.peek().is_some_and(|&(_, c)| c == '"');
                match word {
                    "OR" | "|" => out.push(Tok::Or),
                    "AND" => {}
                    "NOT" => out.push(Tok::Minus),
                    w if quoted_next
                        && field_of(w.trim_end_matches(':')).is_some()
                        && w.ends_with(':') =>
                    {
                        out.push(Tok::FieldQuoted(w.trim_end_matches(':').to_string()))
                    }
                    w => out.push(Tok::Bare(w.to_string())),
                }
            }
        }
    }
    Ok(out)
}

/// The clause named by `field`, if it is one.
fn field_of(field: &str) -> Option<fn() -> ClauseKind> {
    Some(match field {
        "person" => || ClauseKind::Entity(EntityKind::Person),
        "place" => || ClauseKind::Entity(EntityKind::Place),
        "org" => || ClauseKind::Entity(EntityKind::Org),
        "source" => || ClauseKind::Source,
        "date" => || ClauseKind::Date(DateRange { from: 0, to: 0 }),
        _ => return None,
    })
}

/// A bare token that may join an unquoted name: no operator, no field, no `=`, no `*`.
fn is_plain(t: &Tok) -> bool {
    match t {
        Tok::Bare(w) => !w.contains(':') && !w.starts_with('=') && !w.ends_with('*'),
        _ => false,
    }
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    query: &'a str,
}

/// Parses `query` into a tree. Errors say what is wrong in a sentence.
pub(crate) fn parse(query: &str) -> Result<Expr, QueryError> {
    let toks = lex(query)?;
    let mut p = Parser {
        toks,
        pos: 0,
        query,
    };
    let e = p.and(0)?;
    if p.pos < p.toks.len() {
        // Only a stray `)` stops the top level early.
        return Err(p.invalid("a `)` has no `(` before it"));
    }
    match &e {
        Expr::And(v) if v.is_empty() => Err(QueryError::Empty),
        _ => Ok(e),
    }
}

impl Parser<'_> {
    fn invalid(&self, message: &str) -> QueryError {
        QueryError::Invalid {
            query: self.query.to_string(),
            message: message.to_string(),
        }
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn deeper(&self, depth: usize) -> Result<usize, QueryError> {
        if depth >= MAX_QUERY_DEPTH {
            let extra = self.toks[self.pos..]
                .iter()
                .take_while(|t| matches!(t, Tok::Open | Tok::Minus | Tok::Plus))
                .count();
            return Err(QueryError::TooDeep {
                depth: depth + extra,
            });
        }
        Ok(depth + 1)
    }

    /// `group+` up to a `)` or the end.
    fn and(&mut self, depth: usize) -> Result<Expr, QueryError> {
        let mut items = Vec::new();
        while let Some(t) = self.peek() {
            match t {
                Tok::Close => break,
                Tok::Or => {
                    // `OR` with nothing before it: skip it.
                    self.pos += 1;
                }
                _ => items.push(self.group(depth)?),
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Expr::And(items)
        })
    }

    fn group(&mut self, depth: usize) -> Result<Expr, QueryError> {
        let first = self.unary(depth, true)?;
        if self.peek() != Some(&Tok::Or) {
            return Ok(first);
        }
        let mut any = vec![first];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            match self.peek() {
                None | Some(Tok::Close) | Some(Tok::Or) => break,
                _ => any.push(self.unary(depth, false)?),
            }
        }
        Ok(Expr::Or(any))
    }

    fn unary(&mut self, depth: usize, greedy: bool) -> Result<Expr, QueryError> {
        let mut negated = false;
        let mut depth = depth;
        while let Some(t @ (Tok::Minus | Tok::Plus)) = self.peek() {
            negated ^= *t == Tok::Minus;
            depth = self.deeper(depth)?;
            self.pos += 1;
        }
        let e = self.primary(depth, greedy)?;
        Ok(match (negated, e) {
            (false, e) => e,
            (true, Expr::Clause(mut c)) => {
                c.negated = !c.negated;
                Expr::Clause(c)
            }
            (true, e) => Expr::Not(Box::new(e)),
        })
    }

    fn primary(&mut self, depth: usize, greedy: bool) -> Result<Expr, QueryError> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.invalid("an operator has nothing after it"));
        };
        self.pos += 1;
        match t {
            Tok::Open => {
                let d = self.deeper(depth)?;
                let inner = self.and(d)?;
                match self.peek() {
                    Some(Tok::Close) => self.pos += 1,
                    _ => return Err(self.invalid("a `(` is not closed")),
                }
                Ok(inner)
            }
            Tok::Close => Err(self.invalid("a `)` has no `(` before it")),
            Tok::Or | Tok::Minus | Tok::Plus => Err(self.invalid("an operator is out of place")),
            Tok::Quoted(s) => Ok(Expr::Phrase(
                s.split_whitespace().map(str::to_string).collect(),
            )),
            Tok::FieldQuoted(field) => {
                let Some(Tok::Quoted(name)) = self.peek().cloned() else {
                    return Err(self.invalid("a quote is not closed"));
                };
                self.pos += 1;
                self.clause(&field, vec![name], true)
            }
            Tok::Bare(w) => {
                if let Some((field, value)) = w.split_once(':') {
                    if field_of(field).is_some() {
                        let mut words = vec![value.to_string()];
                        if greedy && !value.is_empty() && field != "date" {
                            // Following plain words are candidates, unless one starts an OR.
                            while words.len() < MAX_NAME_WORDS
                                && self.peek().is_some_and(is_plain)
                                && self.toks.get(self.pos + 1) != Some(&Tok::Or)
                            {
                                if let Some(Tok::Bare(next)) = self.peek() {
                                    words.push(next.clone());
                                }
                                self.pos += 1;
                            }
                        }
                        return self.clause(field, words, false);
                    }
                }
                let (text, exact) = match w.strip_prefix('=') {
                    Some(rest) => (rest, true),
                    None => (w.as_str(), false),
                };
                let (text, prefix) = match text.strip_suffix('*') {
                    Some(rest) => (rest, true),
                    None => (text, false),
                };
                Ok(Expr::Word(Word {
                    text: text.to_string(),
                    exact,
                    prefix,
                }))
            }
        }
    }

    fn clause(&self, field: &str, words: Vec<String>, quoted: bool) -> Result<Expr, QueryError> {
        let kind = field_of(field).expect("a known field")();
        if words.iter().all(|w| w.trim().is_empty()) {
            return Err(QueryError::EmptyClause(field.to_string()));
        }
        let kind = match kind {
            ClauseKind::Date(_) => {
                let text = words.join(" ");
                ClauseKind::Date(
                    DateRange::parse(text.trim())
                        .ok_or_else(|| QueryError::BadDate(text.trim().to_string()))?,
                )
            }
            k => k,
        };
        Ok(Expr::Clause(Clause {
            kind,
            words,
            quoted,
            negated: false,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(s: &str) -> Expr {
        Expr::Word(Word {
            text: s.into(),
            exact: false,
            prefix: false,
        })
    }

    #[test]
    fn words_and_or_not_and_phrases() {
        assert_eq!(parse("أ ب").unwrap(), Expr::And(vec![word("أ"), word("ب")]));
        assert_eq!(
            parse("أ ب OR ج").unwrap(),
            Expr::And(vec![word("أ"), Expr::Or(vec![word("ب"), word("ج")])])
        );
        assert_eq!(parse("-أ").unwrap(), Expr::Not(Box::new(word("أ"))));
        assert_eq!(parse("NOT أ").unwrap(), parse("-أ").unwrap());
        assert_eq!(
            parse("\"وقف إطلاق\" (أ OR ب)").unwrap(),
            Expr::And(vec![
                Expr::Phrase(vec!["وقف".into(), "إطلاق".into()]),
                Expr::Or(vec![word("أ"), word("ب")])
            ])
        );
        let Expr::Word(w) = parse("=ترمب").unwrap() else {
            panic!()
        };
        assert!(w.exact && !w.prefix && w.text == "ترمب");
        let Expr::Word(w) = parse("بوت*").unwrap() else {
            panic!()
        };
        assert!(w.prefix && w.text == "بوت");
        // A dash inside a word or alone is not an operator.
        assert_eq!(
            parse("أ - ب").unwrap(),
            Expr::And(vec![word("أ"), word("ب")])
        );
    }

    #[test]
    fn clauses_take_following_words_as_candidates() {
        let Expr::Clause(c) = parse("place:قره باغ").unwrap() else {
            panic!()
        };
        assert_eq!(c.words, ["قره", "باغ"]);
        assert_eq!(c.kind, ClauseKind::Entity(EntityKind::Place));
        // Not across an OR, an operator or another clause.
        let Expr::And(v) = parse("person:بوتين موسكو OR كييف").unwrap() else {
            panic!()
        };
        let Expr::Clause(c) = &v[0] else { panic!() };
        assert_eq!(c.words, ["بوتين"]);
        let Expr::And(v) = parse("-org:\"وزارة الدفاع\" date:2021-05 source:سانا").unwrap()
        else {
            panic!()
        };
        let Expr::Clause(c) = &v[0] else { panic!() };
        assert!(c.negated && c.quoted && c.words == ["وزارة الدفاع"]);
        assert!(matches!(
            &v[1],
            Expr::Clause(Clause {
                kind: ClauseKind::Date(_),
                ..
            })
        ));
        assert!(matches!(
            &v[2],
            Expr::Clause(Clause {
                kind: ClauseKind::Source,
                ..
            })
        ));
        // An unknown field is a word.
        assert_eq!(parse("xperson:y").unwrap(), word("xperson:y"));
    }

    #[test]
    fn bad_queries_are_errors_not_panics() {
        for q in ["", "   ", "()", "OR"] {
            assert!(parse(q).is_err(), "{q:?}");
        }
        assert!(matches!(
            parse("\"غير مغلق"),
            Err(QueryError::Invalid { .. })
        ));
        assert!(matches!(parse("(أ"), Err(QueryError::Invalid { .. })));
        assert!(matches!(parse("أ)"), Err(QueryError::Invalid { .. })));
        assert!(matches!(parse("person:"), Err(QueryError::EmptyClause(_))));
        assert!(matches!(parse("org: أ"), Err(QueryError::EmptyClause(_))));
        assert!(matches!(parse("date:أمس"), Err(QueryError::BadDate(_))));
        let deep = format!("{}أ{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(matches!(parse(&deep), Err(QueryError::TooDeep { .. })));
        assert!(matches!(
            parse(&"-".repeat(10_000)),
            Err(QueryError::TooDeep { .. })
        ));
        let ok = format!(
            "{}أ{}",
            "(".repeat(MAX_QUERY_DEPTH),
            ")".repeat(MAX_QUERY_DEPTH)
        );
        assert_eq!(parse(&ok).unwrap(), word("أ"));
    }

    #[test]
    fn date_ranges_admit_what_lies_inside() {
        // As search runs it: the article's span lies inside the range.
        let within = |r: &DateRange, s: &str| {
            let d = PartialDate::from_iso(s).unwrap();
            d.year.is_some() && {
                let (lo, hi) = span(&d);
                r.from <= lo && hi <= r.to
            }
        };
        let r = DateRange::parse("2021-05").unwrap();
        for inside in ["2021-05", "2021-05-01", "2021-05-31"] {
            assert!(within(&r, inside), "{inside}");
        }
        for outside in ["2021", "2021-04-30", "2021-06", "--05-03"] {
            assert!(!within(&r, outside), "{outside}");
        }
        let r = DateRange::parse("2020-11-01..2021-01-31").unwrap();
        for inside in ["2020-11", "2020-12-25", "2021-01", "2021-01-31"] {
            assert!(within(&r, inside), "{inside}");
        }
        for outside in ["2020", "2020-10-31", "2021-02-01", "2021"] {
            assert!(!within(&r, outside), "{outside}");
        }
        let r = DateRange::parse("2021..").unwrap();
        assert!(within(&r, "2021") && !within(&r, "2020-12"));
        let r = DateRange::parse("..2020").unwrap();
        assert!(within(&r, "2020-12-31") && within(&r, "2020") && !within(&r, "2021"));
        for bad in ["..", "أمس", "2021-13", "--05", "2022..2021"] {
            assert!(DateRange::parse(bad).is_none(), "{bad}");
        }
    }
}
