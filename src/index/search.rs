//! Queries: the user's syntax, ranked hits, snippets with their matches marked.
//!
//! Syntax: words are ANDed; `"a phrase"`; `a OR b`; `-word` excludes; `person:NAME`,
//! `place:NAME`, `org:NAME` (quote multi-word names: `person:"فلاديمير بوتين"`) find the articles
//! naming that entity. Every word is analysed like the text (normalised, clitics and suffixes
//! stripped), so بموسكو finds موسكو and أرمينيا finds لأرمينيا.

use std::collections::BTreeSet;
use std::ops::Range;

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::collector::{FilterCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser};
use tantivy::schema::Value;
use tantivy::{TantivyDocument, Term};

use super::{IndexError, Library};
use crate::entities::{entity_key, EntityKind};

/// A query that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing but spaces or punctuation.
    #[error("empty query: give at least one word to search for")]
    Empty,
    /// Only excluded words (`-word`): there is nothing to look for.
    #[error("query '{0}' only excludes words; add a word to look for")]
    OnlyNegative(String),
    /// `person:`/`place:`/`org:` before the entity pass has run.
    #[error("the entity index is not built yet: run `qari index`")]
    NoEntities,
    /// The parser refused it (an unclosed quote, a stray `:`…).
    #[error("cannot parse query '{query}': {message}")]
    Invalid { query: String, message: String },
    /// Brackets nested deeper than [`MAX_QUERY_DEPTH`] (tantivy's parser recurses once per
    /// level, and thousands of `(` would overflow the stack).
    #[error("query nests brackets {depth} deep; at most {MAX_QUERY_DEPTH} levels are allowed")]
    TooDeep { depth: usize },
}

/// Deepest bracket nesting a query may have. Real queries use two or three levels; the stack
/// holds thousands, so 64 keeps a wide margin on both sides.
pub const MAX_QUERY_DEPTH: usize = 64;

/// The deepest nesting of `(` in `query`, outside double quotes.
fn bracket_depth(query: &str) -> usize {
    let (mut depth, mut max, mut quoted) = (0usize, 0usize, false);
    for c in query.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                max = max.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

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

/// Entity prefixes and their index fields.
const ENTITY_FIELDS: &[&str] = &["person", "place", "org"];

/// Which articles the entity clauses let through, by id hash.
#[derive(Debug)]
pub(crate) struct IdFilter {
    /// Only these (the intersection of the positive clauses), when there is one.
    allow: Option<HashSet<u64>>,
    /// Never these (the union of the negated clauses).
    deny: HashSet<u64>,
}

impl IdFilter {
    fn admits(&self, h: u64) -> bool {
        self.allow.as_ref().is_none_or(|a| a.contains(&h)) && !self.deny.contains(&h)
    }
}

/// A parsed user query: the tantivy query over the text, and the entity filter if any.
pub(crate) struct ParsedQuery {
    query: Box<dyn Query>,
    filter: Option<Arc<IdFilter>>,
}

/// An entity clause of a query: `person:NAME`, `-place:"NAME WITH SPACES"`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EntityClause {
    kind: EntityKind,
    /// The folded key ([`entity_key`]), as the entity index stores it.
    key: String,
    negated: bool,
}

/// Splits the entity clauses out of a query; returns the remaining text query and the clauses.
fn split_entities(query: &str) -> (String, Vec<EntityClause>) {
    let mut text = String::with_capacity(query.len());
    let mut clauses = Vec::new();
    let mut rest = query;
    while !rest.is_empty() {
        let hit = ENTITY_FIELDS
            .iter()
            .filter_map(|f| rest.find(&format!("{f}:")).map(|i| (i, *f)))
            .filter(|(i, _)| *i == 0 || rest[..*i].ends_with([' ', '(', '-', '+']))
            .min();
        let Some((i, field)) = hit else {
            text.push_str(rest);
            break;
        };
        let negated = rest[..i].ends_with('-');
        let before = rest[..i].trim_end_matches(['-', '+']);
        text.push_str(before);
        let after = &rest[i + field.len() + 1..];
        let (value, consumed) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (&q[..end], end + 2),
                None => (q, after.len()),
            }
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], end)
        };
        let kind = match field {
            "person" => EntityKind::Person,
            "place" => EntityKind::Place,
            _ => EntityKind::Org,
        };
        clauses.push(EntityClause {
            kind,
            key: entity_key(kind, value),
            negated,
        });
        rest = &after[consumed..];
    }
    (text, clauses)
}

impl Library {
    /// Parses a user query: the text part over title (boosted) and body, the entity clauses
    /// against the entity index (as sets of article ids).
    pub(crate) fn parse(&self, query: &str) -> Result<ParsedQuery, IndexError> {
        let invalid = |message: String| QueryError::Invalid {
            query: query.to_string(),
            message,
        };
        let depth = bracket_depth(query);
        if depth > MAX_QUERY_DEPTH {
            return Err(QueryError::TooDeep { depth }.into());
        }
        let (text, clauses) = split_entities(query);
        let words: Vec<&str> = text.split_whitespace().collect();
        let text_negative_only = !words.is_empty() && words.iter().all(|w| w.starts_with('-'));
        if words.is_empty() && clauses.is_empty() {
            return Err(QueryError::Empty.into());
        }
        if (words.is_empty() || text_negative_only) && clauses.iter().all(|c| c.negated) {
            return Err(QueryError::OnlyNegative(query.to_string()).into());
        }
        let f = &self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 2.0);
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !words.is_empty() {
            // A text part of only `-word`s excludes them from what the entity clauses find.
            let (occur, q) = if text_negative_only {
                let positive: Vec<&str> = words.iter().map(|w| w.trim_start_matches('-')).collect();
                (Occur::MustNot, positive.join(" OR "))
            } else {
                (Occur::Must, text.clone())
            };
            let parsed = parser.parse_query(&q).map_err(|e| invalid(e.to_string()))?;
            let mut terms = 0;
            parsed.query_terms(&mut |_, _| terms += 1);
            if terms == 0 {
                if clauses.is_empty() {
                    return Err(QueryError::Empty.into());
                }
            } else {
                parts.push((occur, parsed));
            }
        }
        // Entity clauses become a filter on the articles' id hashes, applied while collecting:
        // a place named in 40% of the corpus must not turn into a 40,000-term query.
        let mut filter = None;
        if !clauses.is_empty() {
            let ents = self.entities.as_ref().ok_or(QueryError::NoEntities)?;
            let mut allow: Option<HashSet<u64>> = None;
            let mut deny = HashSet::new();
            for c in &clauses {
                let hashes = ents
                    .id_hashes(c.kind, &c.key)
                    .map_err(|e| IndexError::tantivy_read(&self.dir, e))?;
                if c.negated {
                    deny.extend(hashes);
                } else {
                    let set: HashSet<u64> = hashes.into_iter().collect();
                    allow = Some(match allow {
                        Some(prev) => prev.intersection(&set).copied().collect(),
                        None => set,
                    });
                }
            }
            if !parts.iter().any(|(o, _)| *o == Occur::Must) {
                parts.push((Occur::Must, Box::new(AllQuery)));
            }
            filter = Some(Arc::new(IdFilter { allow, deny }));
        }
        let query: Box<dyn Query> = if parts.len() == 1 && parts[0].0 == Occur::Must {
            parts.pop().map(|p| p.1).expect("one part")
        } else {
            Box::new(BooleanQuery::new(parts))
        };
        Ok(ParsedQuery { query, filter })
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
    /// index), for highlighting an opened article.
    pub fn match_ranges(&self, query: &str, text: &str) -> Result<Vec<Range<usize>>, IndexError> {
        let q = self.parse(query)?.query;
        let mut terms = BTreeSet::new();
        let (title, body) = (self.fields.title, self.fields.body);
        q.query_terms(&mut |t: &Term, _| {
            if t.field() == title || t.field() == body {
                if let Some(s) = t.value().as_str() {
                    terms.insert(s.to_string());
                }
            }
        });
        Ok(crate::text::tokens(text)
            .filter(|t| terms.contains(&crate::text::index_term(t.text)))
            .map(|t| t.start..t.end)
            .collect())
    }
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

pub(super) fn search(lib: &Library, query: &str, limit: usize) -> Result<Vec<Hit>, IndexError> {
    let ParsedQuery { query: q, filter } = lib.parse(query)?;
    let searcher = lib.reader.searcher();
    let tv = |e: tantivy::TantivyError| IndexError::tantivy_read(&lib.dir, e);
    let top_docs = TopDocs::with_limit(limit.max(1)).order_by_score();
    let top = match filter {
        None => searcher.search(&q, &top_docs),
        Some(f) => {
            let admits = move |h: u64| f.admits(h);
            searcher.search(
                &q,
                &FilterCollector::new("idh".to_string(), admits, top_docs),
            )
        }
    }
    .map_err(tv)?;
    let body_field = lib.fields.body;
    let mut terms = HashSet::new();
    q.query_terms(&mut |t: &Term, _| {
        if t.field() == body_field {
            if let Some(s) = t.value().as_str() {
                terms.insert(s.to_string());
            }
        }
    });
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top.into_iter().take(limit) {
        let doc: TantivyDocument = searcher.doc(addr).map_err(tv)?;
        let body = stored_str(&doc, lib.fields.body).unwrap_or_default();
        let (snippet, highlights) = snippet(&terms, &body);
        hits.push(Hit {
            id: stored_str(&doc, lib.fields.id).unwrap_or_default(),
            title: stored_str(&doc, lib.fields.title).unwrap_or_default(),
            score,
            snippet,
            highlights,
            date: stored_str(&doc, lib.fields.date)
                .and_then(|d| crate::text::dates::PartialDate::from_iso(&d)),
            source: stored_str(&doc, lib.fields.source),
        });
    }
    Ok(hits)
}

/// The passage of `body` with the most matches of `terms` (analysed index terms) in a window of
/// [`SNIPPET_BYTES`], cut at spaces, with the matches' byte ranges inside it; the opening of the
/// body when nothing matches (a hit on the title or on an entity).
///
/// Written here rather than tantivy's `SnippetGenerator`, which lowercases and allocates every
/// token again: with Arabic text that was a third of a search's time.
fn snippet(terms: &HashSet<String>, body: &str) -> (String, Vec<Range<usize>>) {
    let mut matches: Vec<Range<usize>> = Vec::new();
    if !terms.is_empty() {
        let mut analyzer = crate::text::analyzer::text_analyzer();
        let mut stream = analyzer.token_stream(body);
        while stream.advance() {
            let t = stream.token();
            if terms.contains(&t.text) {
                matches.push(t.offset_from..t.offset_to);
            }
        }
    }
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

    #[test]
    fn entity_clauses_are_split_and_folded() {
        let (text, c) = split_entities("قره person:\"الرئيس فلاديمير بوتين\" -place:لروسيا باغ");
        assert_eq!(text.split_whitespace().collect::<Vec<_>>(), ["قره", "باغ"]);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].key, entity_key(EntityKind::Person, "فلاديمير بوتين"));
        assert!(!c[0].negated && c[1].negated);
        assert_eq!(c[1].key, entity_key(EntityKind::Place, "روسيا"));
        assert_eq!(split_entities("no prefixes here").1, vec![]);
        assert_eq!(split_entities("xperson:y").1, vec![]);
    }
}
