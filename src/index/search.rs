//! Running a query: the tree from [`super::query`] compiled to tantivy queries, ranked hits,
//! counts, and snippets with their matches marked.
//!
//! Every word is analysed like the text (normalised, clitics and suffixes stripped), so بموسكو
//! finds موسكو. A word also finds the spelling variants of a name and, from five letters, its
//! typos ([`super::expand`]); the word as written scores a tier above its variants, which score a
//! tier above typos. Clauses: `person:`/`place:`/`org:` take the longest run of words that is a
//! name in the entity index, `source:` the same on the articles' sources, `date:` a range of the
//! articles' dates; an unknown name is an error that suggests the closest known ones.

use std::collections::HashSet;
use std::ops::{Bound, Range};
use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BitSetDocSet, BooleanQuery, BoostQuery, ConstScoreQuery, ConstScorer, EnableScoring,
    Explanation, Occur, PhraseQuery, Query, RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{BitSet, DocId, Score, SegmentReader, TantivyDocument, Term};

use super::expand;
use super::query::{Clause, ClauseKind, Expr, Word};
use super::{IndexError, Library};
use crate::entities::{entity_key, EntityKind};

/// A query that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing but spaces, punctuation, stop marks or diacritics.
    #[error("empty query: give at least one word to search for")]
    Empty,
    /// Only excluded words (`-word`): there is nothing to look for.
    #[error("query '{0}' only excludes words; add a word to look for")]
    OnlyNegative(String),
    /// `person:`/`place:`/`org:` before the entity pass has run.
    #[error("the entity index is not built yet: run `qari index`")]
    NoEntities,
    /// The parser refused it (an unclosed quote, a stray bracket…).
    #[error("cannot parse query '{query}': {message}")]
    Invalid { query: String, message: String },
    /// Brackets or negations nested deeper than [`MAX_QUERY_DEPTH`].
    #[error("query nests brackets {depth} deep; at most {MAX_QUERY_DEPTH} levels are allowed")]
    TooDeep { depth: usize },
    /// `person:` (or another clause) with nothing after it.
    #[error("'{0}:' needs a value after it, as in {0}:NAME")]
    EmptyClause(String),
    /// `date:` with something that is not a date or a range.
    #[error("'date:{0}' is not a date: write date:2021, date:2021-05, date:2021-05-03 or a range date:2020-11-01..2021-01-31")]
    BadDate(String),
    /// A name the corpus does not have under that clause.
    #[error("no {field} named '{name}' in this corpus{}", suggest(.suggestions, .field))]
    UnknownName {
        field: String,
        name: String,
        suggestions: Vec<String>,
    },
}

fn suggest(suggestions: &[String], field: &str) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let list: Vec<String> = suggestions.iter().map(|s| format!("{field}:{s}")).collect();
    format!("; did you mean {}?", list.join(", "))
}

/// Deepest bracket (or negation) nesting a query may have. Real queries use two or three levels;
/// the parser recurses once per level, so this keeps a wide margin on the stack too.
pub const MAX_QUERY_DEPTH: usize = 64;

/// One search result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// Article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// BM25 score.
    pub score: f32,
    /// A passage of the body around the best matches (or its opening).
    pub snippet: String,
    /// Byte ranges of the matched words inside `snippet`.
    pub highlights: Vec<Range<usize>>,
    /// Date, when known.
    pub date: Option<crate::text::dates::PartialDate>,
    /// Source agency, when known.
    pub source: Option<String>,
}

/// How a search runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Most hits returned (the total is counted regardless).
    pub limit: usize,
    /// Every word matches only its own spelling: no variants, no typos (`--exact`).
    pub exact: bool,
    /// The last word matches as a prefix too (search as you type), once it has two letters.
    pub prefix_last: bool,
}

impl SearchOptions {
    /// `limit` hits, variants and typos on, no prefix.
    pub fn limit(limit: usize) -> SearchOptions {
        SearchOptions {
            limit,
            exact: false,
            prefix_last: false,
        }
    }
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SearchResults {
    /// The best hits, best first, at most the limit.
    pub hits: Vec<Hit>,
    /// How many articles match in all.
    pub total: usize,
    /// Other spellings the query also matched (variants and typos of its words), as index terms:
    /// what "also: ترمب, ترامپ" reports so that a user can switch them off with `=word`.
    pub also: Vec<String>,
}

/// Score tiers: a word's BM25 counts ×[`TIER`]² where an article has it as written, ×[`TIER`]
/// where only another form (its stem), a spelling variant or a completion, ×1 for a typo. One
/// term's BM25 stays well within a factor of [`TIER`], so exact matches rank first, then other
/// forms and variants, then typos, and BM25 orders articles within a tier. Boosts, not constant
/// bonuses: each posting list is read once, and the top hits can be found without scoring every
/// match (block-max WAND).
const TIER: f32 = 1000.0;

/// The score shown for a hit: its BM25 on the scale of the best tier it reached.
fn shown_score(score: f32) -> f32 {
    if score >= TIER * TIER {
        score / (TIER * TIER)
    } else if score >= TIER {
        score / TIER
    } else {
        score
    }
}

/// A compiled query and what the compiler learned on the way.
struct Compiled {
    query: Box<dyn Query>,
    also: Vec<String>,
    /// The names the query's `person:`/`place:`/`org:` clauses look for (not the excluded
    /// ones), folded: their mentions are what an opened hit highlights.
    names: Vec<(EntityKind, String)>,
}

struct Compiler<'a> {
    lib: &'a Library,
    searcher: &'a tantivy::Searcher,
    opts: SearchOptions,
    /// The last word of the query, by position in the tree walk, gets the prefix (as you type).
    last_word: Option<*const Word>,
    also: Vec<String>,
    names: Vec<(EntityKind, String)>,
}

/// The address of the last [`Word`] of `e` in reading order: the one being typed.
fn last_word(e: &Expr) -> Option<*const Word> {
    match e {
        Expr::Word(w) => Some(w as *const Word),
        Expr::And(v) | Expr::Or(v) => v.iter().rev().find_map(last_word),
        Expr::Not(_) | Expr::Phrase(_) | Expr::Clause(_) => None,
    }
}

/// Parts of a boolean query.
type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// `terms` on title (BM25 ×2) or body, scaled by `weight`: one boosted term query per term and
/// field, to sit side by side in one flat disjunction (nested booleans cost a scorer level each).
fn tier(f: &super::Fields, terms: &[String], weight: f32) -> Clauses {
    let mut out: Clauses = Vec::with_capacity(terms.len() * 2);
    for t in terms {
        for (field, boost) in [(f.title, 2.0 * weight), (f.body, weight)] {
            out.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, t),
                        IndexRecordOption::WithFreqs,
                    )),
                    boost,
                )),
            ));
        }
    }
    out
}

/// One query of all `clauses` (none: matches nothing).
fn any_of(clauses: Clauses) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(clauses))
}

/// Groups of terms with weights in (0, 1]: each group's document frequency over the largest.
fn weighted(groups: Vec<(Vec<String>, u64)>) -> Vec<(Vec<String>, f32)> {
    let max = groups.iter().map(|g| g.1).max().unwrap_or(1).max(1) as f32;
    groups
        .into_iter()
        .filter(|g| !g.0.is_empty())
        .map(|(forms, df)| (forms, (df as f32 / max).max(0.01)))
        .collect()
}

/// The whole forms of `text`, in order (without the stems the analyzer adds beside them).
fn analyse(text: &str) -> Vec<String> {
    let mut a = crate::text::analyzer::text_analyzer();
    let mut stream = a.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = &stream.token().text;
        if !t.starts_with(crate::text::STEM_MARK) {
            out.push(t.clone());
        }
    }
    out
}

impl Compiler<'_> {
    fn tv(&self) -> impl Fn(tantivy::TantivyError) -> IndexError + '_ {
        move |e| IndexError::tantivy_read(&self.lib.dir, e)
    }

    /// `None` when `e` has no term to look for (only diacritics or punctuation).
    fn compile(&mut self, e: &Expr) -> Result<Option<Box<dyn Query>>, IndexError> {
        match e {
            Expr::Word(w) => self.word(w),
            Expr::Phrase(words) => Ok(self.phrase(&words.join(" "))),
            Expr::Clause(c) => {
                let mut parts = self.clause_parts(c)?;
                if parts.len() == 1 && parts[0].0 == Occur::Must {
                    return Ok(parts.pop().map(|p| p.1));
                }
                if !parts.iter().any(|(o, _)| *o == Occur::Must) {
                    parts.push((Occur::Must, Box::new(AllQuery)));
                }
                Ok(Some(Box::new(BooleanQuery::new(parts))))
            }
            Expr::Not(inner) => Ok(self.compile(inner)?.map(|q| {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                    (Occur::MustNot, q),
                ])) as Box<dyn Query>
            })),
            Expr::Or(v) => {
                let mut any = Vec::new();
                for e in v {
                    if let Some(q) = self.compile(e)? {
                        any.push((Occur::Should, q));
                    }
                }
                Ok((!any.is_empty()).then(|| Box::new(BooleanQuery::new(any)) as Box<dyn Query>))
            }
            Expr::And(v) => {
                let mut all = Vec::new();
                for e in v {
                    let (occur, e) = match e {
                        Expr::Not(inner) => (Occur::MustNot, &**inner),
                        Expr::Clause(c) => {
                            all.extend(self.clause_parts(c)?);
                            continue;
                        }
                        e => (Occur::Must, e),
                    };
                    if let Some(q) = self.compile(e)? {
                        all.push((occur, q));
                    }
                }
                if all.is_empty() {
                    return Ok(None);
                }
                if !all.iter().any(|(o, _)| *o == Occur::Must) {
                    all.push((Occur::Must, Box::new(AllQuery)));
                }
                Ok(Some(Box::new(BooleanQuery::new(all))))
            }
        }
    }

    /// Several analysed terms in a row: a phrase on title or body.
    fn phrase(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let terms = analyse(text);
        let f = self.lib.fields;
        match terms.len() {
            0 => None,
            1 => Some(any_of(tier(&f, &terms, TIER * TIER))),
            _ => {
                let on = |field| {
                    Box::new(PhraseQuery::new(
                        terms
                            .iter()
                            .map(|t| Term::from_field_text(field, t))
                            .collect(),
                    )) as Box<dyn Query>
                };
                let both: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(on(f.title), 2.0)) as Box<dyn Query>,
                    ),
                    (Occur::Should, on(f.body)),
                ]));
                Some(Box::new(BoostQuery::new(both, TIER * TIER)))
            }
        }
    }

    /// How many documents have `term` in title or body. An error when the index cannot be read
    /// (damage must surface, not look like a word nobody wrote).
    fn doc_freq(&self, term: &str) -> Result<u64, IndexError> {
        let f = self.lib.fields;
        let mut n = 0;
        for field in [f.title, f.body] {
            n += self
                .searcher
                .doc_freq(&Term::from_field_text(field, term))
                .map_err(self.tv())?;
        }
        Ok(n)
    }

    /// The whole form `whole` as the text may carry it: bare, and behind each single-letter
    /// clitic chain (بوتين, لبوتين, وبوتين…), those the index has.
    fn clitic_forms(&self, whole: &str) -> Result<Vec<String>, IndexError> {
        let mut out = Vec::new();
        for t in std::iter::once(whole.to_string())
            .chain(crate::text::clitic_chains().map(|c| format!("{c}{whole}")))
        {
            if self.doc_freq(&t)? > 0 {
                out.push(t);
            }
        }
        Ok(out)
    }

    fn word(&mut self, w: &Word) -> Result<Option<Box<dyn Query>>, IndexError> {
        if analyse(&w.text).len() != 1 {
            // Nothing to search for, or a word the analyser splits (قره-باغ, 2021ء): a phrase.
            return Ok(self.phrase(&w.text));
        }
        let stem = crate::text::index_term(&w.text);
        let f = self.lib.fields;
        let typed = crate::text::normalize(&w.text);
        // The word as written, or, when the text never has it so, without a clitic in front.
        let whole = crate::text::whole_form(&typed);
        let mut reading = whole.to_string();
        // A dictionary word's forms with a clitic in front rank with its other forms (through
        // its stem): listing ten common clitic forms would make every query read ten more
        // long posting lists. A name's clitic forms (وبوتين) are short lists and rank as written.
        let dictionary_word = crate::text::variants::is_dictionary_word(&typed);
        let mut exact = if dictionary_word {
            let bare = whole.to_string();
            if self.doc_freq(&bare)? > 0 {
                vec![bare]
            } else {
                Vec::new()
            }
        } else {
            self.clitic_forms(whole)?
        };
        if exact.is_empty() {
            if let Some(rest) = crate::text::clitic_chains()
                .find_map(|c| whole.strip_prefix(c))
                .filter(|r| r.chars().count() >= crate::text::MIN_STEM_LETTERS)
            {
                let forms = self.clitic_forms(rest)?;
                if !forms.is_empty() {
                    reading = rest.to_string();
                    exact = forms;
                }
            }
        }
        // Other forms of the word (through its stem) rank below the word as written.
        let mut stems = Vec::new();
        for t in crate::text::stem_terms(&stem) {
            if !exact.contains(&t) && self.doc_freq(&t)? > 0 {
                stems.push(t);
            }
        }
        // A word this corpus never has is a misspelling here, even if it is a dictionary word
        // (واشنطون, an old spelling): its typos are looked up.
        let absent = exact.is_empty() && stems.is_empty();
        let is_last = self.last_word == Some(w as *const Word);
        let prefix = w.prefix || (self.opts.prefix_last && is_last && reading.chars().count() >= 2);
        let loose = !w.exact && !self.opts.exact;
        // Completions (as typed); spellings and typos, each group of clitic forms with its weight.
        let mut near: Vec<String> = Vec::new();
        let mut completions: Vec<String> = Vec::new();
        let mut variant_groups: Vec<(Vec<String>, f32)> = Vec::new();
        let mut typo_groups: Vec<(Vec<String>, f32)> = Vec::new();
        let mut also = Vec::new();
        if prefix {
            // A short prefix has thousands of completions: the most frequent few are what the
            // user is likely typing, and each one more costs a posting list per keystroke.
            let cap = match reading.chars().count() {
                0..=2 => expand::MAX_EXPANSIONS / 3,
                3 => expand::MAX_EXPANSIONS * 2 / 3,
                _ => expand::MAX_EXPANSIONS,
            };
            for found in expand::prefixed(self.searcher, f.body, &reading, cap) {
                if !exact.contains(&found.term) {
                    near.push(found.term.clone());
                    completions.push(found.term);
                }
            }
        }
        // Arabic words get no variants and no typos: they differ exactly by such letters.
        let freq = |w: &str| self.doc_freq(w).unwrap_or(0);
        let is_arabic = |w: &str| crate::text::variants::is_arabic_word(w, &freq);
        if loose {
            // Spellings the alias table gives, then those the variant rule finds in the index.
            let mut spellings: Vec<String> = crate::entities::alias_spellings(&reading);
            for v in expand::variants(self.searcher, f.body, &reading, &is_arabic, 12) {
                if !spellings.contains(&v.term) {
                    spellings.push(v.term);
                }
            }
            // Each spelling weighs by how common it is here: a user who mistypes a name means the
            // name the news writes most, not a rare word one letter away from it.
            let mut found: Vec<(Vec<String>, u64)> = Vec::new();
            for v in spellings {
                let forms = self.clitic_forms(&v)?;
                if forms.is_empty() || forms.iter().any(|t| near.contains(t)) {
                    continue;
                }
                let df = self.doc_freq(&v)?;
                also.push(v);
                near.extend(forms.iter().cloned());
                found.push((forms, df));
            }
            variant_groups = weighted(found);
            if !prefix && (absent || !is_arabic(&reading)) {
                let distance = match reading.chars().count() {
                    0..=4 => 0,
                    5..=7 => 1,
                    _ => 2,
                };
                let mut found: Vec<(Vec<String>, u64)> = Vec::new();
                for t in expand::typos(self.searcher, f.body, &reading, distance, 6) {
                    if near.contains(&t.term) || exact.contains(&t.term) {
                        continue;
                    }
                    also.push(t.term.clone());
                    let forms: Vec<String> = self
                        .clitic_forms(&t.term)?
                        .into_iter()
                        .filter(|form| !near.contains(form))
                        .collect();
                    found.push((forms, t.doc_freq));
                }
                typo_groups = weighted(found);
            }
        }
        self.also.extend(also);
        // A name's stem is a cut of it that other names share (بليير and بيير both stem to
        // يير): for a word the dictionary does not know, stem matches rank last.
        let stem_weight = if dictionary_word { TIER } else { 1.0 };
        let mut clauses = tier(&f, &exact, TIER * TIER);
        clauses.extend(tier(&f, &stems, stem_weight));
        clauses.extend(tier(&f, &completions, TIER / 2.0));
        for (forms, w) in &variant_groups {
            clauses.extend(tier(&f, forms, TIER / 2.0 * w));
        }
        for (forms, w) in &typo_groups {
            clauses.extend(tier(&f, forms, *w));
        }
        Ok(Some(any_of(clauses)))
    }

    /// A clause as parts of a conjunction: the clause itself (excluded when negated), then the
    /// candidate words that turned out not to be part of the name, as words of the query.
    fn clause_parts(&mut self, c: &Clause) -> Result<Clauses, IndexError> {
        let (q, rest) = self.clause(c)?;
        let occur = if c.negated {
            Occur::MustNot
        } else {
            Occur::Must
        };
        let mut parts = vec![(occur, q)];
        for text in rest {
            let w = Word {
                text,
                exact: false,
                prefix: false,
            };
            if let Some(q) = self.word(&w)? {
                parts.push((Occur::Must, q));
            }
        }
        Ok(parts)
    }

    /// The query of a clause, and the candidate words that turned out not to be part of the name.
    fn clause(&mut self, c: &Clause) -> Result<(Box<dyn Query>, Vec<String>), IndexError> {
        match &c.kind {
            ClauseKind::Date(r) => {
                let f = self.lib.fields;
                let (from, to) = (u64::from(r.from), u64::from(r.to));
                let within: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(RangeQuery::new(
                            Bound::Included(Term::from_field_u64(f.date_lo, from)),
                            Bound::Included(Term::from_field_u64(f.date_lo, to)),
                        )) as Box<dyn Query>,
                    ),
                    (
                        Occur::Must,
                        Box::new(RangeQuery::new(
                            Bound::Included(Term::from_field_u64(f.date_hi, from)),
                            Bound::Included(Term::from_field_u64(f.date_hi, to)),
                        )),
                    ),
                ]));
                Ok((Box::new(ConstScoreQuery::new(within, 0.0)), Vec::new()))
            }
            ClauseKind::Source => {
                let field = self.lib.fields.source_key;
                let searcher = self.searcher;
                let (docs, taken) = longest_name(c, EntityKind::Org, |key| {
                    let q = key_query(field, key);
                    searcher.search(&*q, &Count).map(|n| n > 0)
                })
                .map_err(self.tv())?;
                let Some(key) = docs else {
                    let known = |name: &str| {
                        let key = entity_key(EntityKind::Org, name);
                        searcher
                            .search(&*key_query(field, &key), &Count)
                            .is_ok_and(|n| n > 0)
                    };
                    return Err(self.unknown("source", c, &known));
                };
                Ok((
                    Box::new(ConstScoreQuery::new(key_query(field, &key), 0.0)),
                    c.words[taken..].to_vec(),
                ))
            }
            ClauseKind::Entity(kind) => {
                let kind = *kind;
                let ents = self.lib.entities.as_ref().ok_or(QueryError::NoEntities)?;
                let mut found = None;
                let (key, taken) = longest_name(c, kind, |key| {
                    let h = ents.id_hashes(kind, key)?;
                    let known = !h.is_empty();
                    if known && found.is_none() {
                        found = Some(h);
                    }
                    Ok(known)
                })
                .map_err(self.tv())?;
                let (Some(key), Some(hashes)) = (key, found) else {
                    let known = |name: &str| {
                        ents.id_hashes(kind, &entity_key(kind, name))
                            .is_ok_and(|h| !h.is_empty())
                    };
                    return Err(self.unknown(kind.as_str(), c, &known));
                };
                if !c.negated {
                    self.names.push((kind, key));
                }
                Ok((
                    Box::new(IdSetQuery {
                        hashes: Arc::new(hashes.into_iter().collect()),
                    }),
                    c.words[taken..].to_vec(),
                ))
            }
        }
    }

    /// The error for a name the corpus does not know, with up to three known names that differ
    /// from it by a typo or a spelling variant in one word (looked up among the text's whole
    /// forms, then kept when `known` says the clause would find them).
    fn unknown(&self, field: &str, c: &Clause, known: &dyn Fn(&str) -> bool) -> IndexError {
        let words: Vec<String> = if c.quoted {
            c.words[0].split_whitespace().map(str::to_string).collect()
        } else {
            c.words[..1].to_vec()
        };
        let mut suggestions: Vec<String> = Vec::new();
        'words: for (i, w) in words.iter().enumerate() {
            let typed = crate::text::normalize(w);
            let whole = crate::text::whole_form(&typed);
            let letters = whole.chars().count();
            let distance = if letters >= 6 {
                2
            } else {
                u8::from(letters >= 3)
            };
            let body = self.lib.fields.body;
            let mut candidates = expand::typos(self.searcher, body, whole, distance, 16);
            candidates.extend(expand::variants(self.searcher, body, whole, &|_| false, 8));
            for cand in candidates {
                let mut name = words.clone();
                name[i] = cand.term;
                let name = name.join(" ");
                if !suggestions.contains(&name) && known(&name) {
                    suggestions.push(name);
                    if suggestions.len() == 3 {
                        break 'words;
                    }
                }
            }
        }
        QueryError::UnknownName {
            field: field.to_string(),
            name: words.join(" "),
            suggestions,
        }
        .into()
    }
}

/// The longest run of a clause's words that is a known name (`known(key)`), trying the whole
/// run first: the name's key and how many words it took. A quoted name is all or nothing.
fn longest_name(
    c: &Clause,
    kind: EntityKind,
    mut known: impl FnMut(&str) -> tantivy::Result<bool>,
) -> tantivy::Result<(Option<String>, usize)> {
    let counts: Vec<usize> = if c.quoted {
        vec![c.words.len()]
    } else {
        (1..=c.words.len()).rev().collect()
    };
    for n in counts {
        let key = entity_key(kind, &c.words[..n].join(" "));
        if !key.is_empty() && known(&key)? {
            return Ok((Some(key), n));
        }
    }
    Ok((None, 0))
}

/// The words of a folded key as a phrase on `field` (one word: a term).
pub(super) fn key_query(field: tantivy::schema::Field, key: &str) -> Box<dyn Query> {
    let terms: Vec<Term> = key
        .split_whitespace()
        .map(|w| Term::from_field_text(field, w))
        .collect();
    match terms.len() {
        1 => Box::new(TermQuery::new(terms[0].clone(), IndexRecordOption::Basic)),
        _ => Box::new(PhraseQuery::new(terms)),
    }
}

/// Articles whose id hash is in a set: an entity clause, as a query that composes with AND, OR
/// and NOT. Each segment reads its id-hash column once (no stored document, no id string).
#[derive(Debug, Clone)]
struct IdSetQuery {
    hashes: Arc<HashSet<u64>>,
}

struct IdSetWeight {
    hashes: Arc<HashSet<u64>>,
}

impl Query for IdSetQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(IdSetWeight {
            hashes: self.hashes.clone(),
        }))
    }
}

impl Weight for IdSetWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let column = reader.fast_fields().u64("idh")?;
        let mut bits = BitSet::with_max_value(reader.max_doc());
        for doc in 0..reader.max_doc() {
            if column.first(doc).is_some_and(|h| self.hashes.contains(&h)) {
                bits.insert(doc);
            }
        }
        Ok(Box::new(ConstScorer::new(
            BitSetDocSet::from(bits),
            boost * 0.0,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let column = reader.fast_fields().u64("idh")?;
        let named = column.first(doc).is_some_and(|h| self.hashes.contains(&h));
        Ok(Explanation::new(
            if named {
                "names the entity"
            } else {
                "does not name the entity"
            },
            0.0,
        ))
    }
}

impl Library {
    /// Parses and compiles a user query against this index.
    fn compile(&self, query: &str, opts: SearchOptions) -> Result<Compiled, IndexError> {
        let expr = super::query::parse(query)?;
        if !has_positive(&expr) {
            return Err(QueryError::OnlyNegative(query.to_string()).into());
        }
        let searcher = self.reader.searcher();
        let mut c = Compiler {
            lib: self,
            searcher: &searcher,
            opts,
            last_word: last_word(&expr),
            also: Vec::new(),
            names: Vec::new(),
        };
        let q = c.compile(&expr)?.ok_or(QueryError::Empty)?;
        let mut also = c.also;
        let mut seen = HashSet::new();
        also.retain(|t| seen.insert(t.clone()));
        Ok(Compiled {
            query: q,
            also,
            names: c.names,
        })
    }

    /// Ids of every article naming the entity whose folded key is `key`
    /// ([`crate::entities::entity_key`]), sorted. An error until the entity index is built.
    pub fn articles_naming(&self, kind: EntityKind, key: &str) -> Result<Vec<String>, IndexError> {
        let Some(ents) = &self.entities else {
            return Err(QueryError::NoEntities.into());
        };
        let hashes: std::collections::HashSet<u64> = ents
            .id_hashes(kind, key)
            .map_err(|e| IndexError::tantivy_read(&self.dir, e))?
            .into_iter()
            .collect();
        Ok(self
            .articles()?
            .iter()
            .filter(|a| hashes.contains(&super::id_hash(a.id)))
            .map(|a| a.id.to_string())
            .collect())
    }

    /// Byte ranges in `text` of the words that `query` matches (analysed the same way as the
    /// index, variants and completions included), for highlighting an opened article.
    pub fn match_ranges(&self, query: &str, text: &str) -> Result<Vec<Range<usize>>, IndexError> {
        self.match_ranges_with(query, text, SearchOptions::limit(1))
    }

    /// [`match_ranges`](Self::match_ranges) with the options the search ran with.
    pub fn match_ranges_with(
        &self,
        query: &str,
        text: &str,
        opts: SearchOptions,
    ) -> Result<Vec<Range<usize>>, IndexError> {
        let Compiled {
            query: q, names, ..
        } = self.compile(query, opts)?;
        let terms = body_terms(&*q, self.fields.title, self.fields.body);
        let mut ranges = matches_of(&terms, text);
        // An entity clause matches the mentions of the entity, as the tagger found them for the
        // sidebar and the entity index (the same `extract`): بوتين highlights فلاديمير بوتين too.
        if !names.is_empty() {
            let entities = crate::entities::extract(text, None).map_err(IndexError::Model)?;
            for e in entities {
                let key = format!(" {} ", entity_key(e.kind, &e.name));
                if names
                    .iter()
                    .any(|(k, n)| *k == e.kind && key.contains(&format!(" {n} ")))
                {
                    ranges.extend(e.mentions.iter().map(|m| m[0]..m[1]));
                }
            }
            ranges.sort_by_key(|r| (r.start, r.end));
            ranges.dedup();
        }
        Ok(ranges)
    }
}

/// Does `e` look for something (rather than only exclude)?
fn has_positive(e: &Expr) -> bool {
    match e {
        Expr::Word(_) | Expr::Phrase(_) => true,
        Expr::Clause(c) => !c.negated || c.words.len() > 1,
        Expr::Not(_) => false,
        Expr::And(v) | Expr::Or(v) => v.iter().any(has_positive),
    }
}

/// The text terms of a compiled query (title or body), for snippets and highlights.
fn body_terms(
    q: &dyn Query,
    title: tantivy::schema::Field,
    body: tantivy::schema::Field,
) -> HashSet<String> {
    let mut terms = HashSet::new();
    q.query_terms(&mut |t: &Term, _| {
        if t.field() == title || t.field() == body {
            if let Some(s) = t.value().as_str() {
                terms.insert(s.to_string());
            }
        }
    });
    terms
}

fn stored_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Snippet length in bytes: tantivy counts bytes, and an Arabic letter is two.
const SNIPPET_BYTES: usize = 320;

/// Context before the first match of a snippet: an eighth of it.
const LEAD: crate::text::snippet::Lead = crate::text::snippet::Lead::Bytes(SNIPPET_BYTES / 8);

pub(super) fn search(
    lib: &Library,
    query: &str,
    opts: SearchOptions,
) -> Result<SearchResults, IndexError> {
    let Compiled { query: q, also, .. } = lib.compile(query, opts)?;
    let searcher = lib.reader.searcher();
    let tv = |e: tantivy::TantivyError| IndexError::tantivy_read(&lib.dir, e);
    let top_docs = TopDocs::with_limit(opts.limit.max(1)).order_by_score();
    // Counted apart: a count beside the top docs would make every match be scored.
    let top = searcher.search(&*q, &top_docs).map_err(tv)?;
    let total = q.count(&searcher).map_err(tv)?;
    let terms = body_terms(&*q, lib.fields.title, lib.fields.body);
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top.into_iter().take(opts.limit) {
        let doc: TantivyDocument = searcher.doc(addr).map_err(tv)?;
        let body = stored_str(&doc, lib.fields.body).unwrap_or_default();
        let (snippet, highlights) = snippet(&terms, &body);
        hits.push(Hit {
            id: stored_str(&doc, lib.fields.id).unwrap_or_default(),
            title: stored_str(&doc, lib.fields.title).unwrap_or_default(),
            // The tier bonuses order the hits; the score shown is the relevance within a tier.
            score: shown_score(score),
            snippet,
            highlights,
            date: stored_str(&doc, lib.fields.date)
                .and_then(|d| crate::text::dates::PartialDate::from_iso(&d)),
            source: stored_str(&doc, lib.fields.source),
        });
    }
    Ok(SearchResults { hits, total, also })
}

/// Byte ranges of the words of `text` whose stem or whole form is one of `terms`, in order.
fn matches_of(terms: &HashSet<String>, text: &str) -> Vec<Range<usize>> {
    let mut matches: Vec<Range<usize>> = Vec::new();
    if terms.is_empty() {
        return matches;
    }
    // The terms split by kind, looked up by `&str`: no string is built per word of the text.
    let mark = crate::text::STEM_MARK;
    // FxHash, not SipHash: the look-ups run once per word of every hit's body (SipHash was 8% of
    // a search).
    let wholes: rustc_hash::FxHashSet<&str> = terms
        .iter()
        .filter(|t| !t.starts_with(mark))
        .map(String::as_str)
        .collect();
    let stems: rustc_hash::FxHashSet<&str> =
        terms.iter().filter_map(|t| t.strip_prefix(mark)).collect();
    // Every whole form and stem is a substring of its word's normalised form, so a word without
    // the first letter of any of them cannot match: most words skip the stripping and stemming.
    let mut firsts: Vec<char> = wholes
        .iter()
        .chain(&stems)
        .filter_map(|t| t.chars().next())
        .collect();
    firsts.sort_unstable();
    firsts.dedup();
    let mut word = String::new();
    for t in crate::text::tokens(text) {
        if t.text.bytes().any(|b| b.is_ascii_digit()) || t.text.len() > 120 {
            // Numbers glued to letters, and the rare odd token: the analyzer's own path.
            let mut analyzer = crate::text::analyzer::text_analyzer();
            let mut stream = analyzer.token_stream(t.text);
            while stream.advance() {
                let tok = stream.token();
                let r = t.start + tok.offset_from..t.start + tok.offset_to;
                if terms.contains(&tok.text) && matches.last() != Some(&r) {
                    matches.push(r);
                }
            }
            continue;
        }
        word.clear();
        crate::text::normalize_into(t.text, &mut word);
        if !word.chars().any(|c| firsts.contains(&c)) {
            continue;
        }
        let whole = crate::text::whole_form(&word);
        let hit = wholes.contains(whole)
            || (!stems.is_empty() && {
                if crate::text::is_latin_word(&word) {
                    stems.contains(crate::text::english_stem(&word).as_str())
                } else {
                    stems.contains(&word[crate::text::stem_range(&word)])
                }
            });
        if hit {
            matches.push(t.start..t.end);
        }
    }
    matches
}

/// The passage of `body` with the most matches of `terms` (analysed index terms) in a window of
/// [`SNIPPET_BYTES`], cut at spaces, with the matches' byte ranges inside it; the opening of the
/// body when nothing matches (a hit on the title or on an entity).
///
/// Written here rather than tantivy's `SnippetGenerator`, which lowercases and allocates every
/// token again: with Arabic text that was a third of a search's time.
fn snippet(terms: &HashSet<String>, body: &str) -> (String, Vec<Range<usize>>) {
    let matches = matches_of(terms, body);
    if matches.is_empty() {
        return (
            crate::text::snippet::opening(body, SNIPPET_BYTES / 2).to_string(),
            Vec::new(),
        );
    }
    // The window (starting at a match) that holds the most matches.
    let (mut best, mut best_n, mut j) = (0, 0, 0);
    for i in 0..matches.len() {
        j = j.max(i);
        while j + 1 < matches.len() && matches[j + 1].end <= matches[i].start + SNIPPET_BYTES {
            j += 1;
        }
        if j + 1 - i > best_n {
            (best, best_n) = (i, j + 1 - i);
        }
    }
    // Start a few words before the first match; end at a space after the last one.
    let first = &matches[best];
    let w = crate::text::snippet::window(body, first.start, first.end, LEAD, SNIPPET_BYTES);
    let highlights = crate::text::snippet::shift_into(&matches, &w);
    (body[w].to_string(), highlights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_centre_on_the_densest_matches() {
        let terms: HashSet<String> = ["موسكو"]
            .iter()
            .map(|w| crate::text::index_term(w))
            .collect();
        let filler = "كلام عام لا صلة له بالموضوع. ".repeat(30);
        let body = format!("{filler}وصل الوزير إلى موسكو ثم غادر موسكو مساء. {filler}");
        let (snip, hl) = snippet(&terms, &body);
        assert_eq!(hl.len(), 2, "{snip}");
        for r in &hl {
            assert_eq!(&snip[r.clone()], "موسكو");
        }
        assert!(snip.len() <= SNIPPET_BYTES && body.contains(&snip));
        let (open, none) = snippet(&terms, "نص بلا تطابق");
        assert_eq!((open.as_str(), none.len()), ("نص بلا تطابق", 0));
    }
}
