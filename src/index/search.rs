//! Queries: the user's syntax, ranked hits, snippets with their matches marked.
//!
//! Syntax: words are ANDed; `"a phrase"`; `a OR b`; `-word` excludes; `person:NAME`,
//! `place:NAME`, `org:NAME` (quote multi-word names: `person:"فلاديمير بوتين"`) find the articles
//! naming that entity. Every word is analysed like the text (normalised, clitics and suffixes
//! stripped), so بموسكو finds موسكو and أرمينيا finds لأرمينيا.

use std::collections::BTreeSet;
use std::ops::Range;

use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, TermSetQuery};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
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
    #[error("the entity index is not built yet: run `qari index --entities`")]
    NoEntities,
    /// The parser refused it (an unclosed quote, a stray `:`…).
    #[error("cannot parse query '{query}': {message}")]
    Invalid { query: String, message: String },
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
    /// ISO date, when known.
    pub date: Option<String>,
    /// Source agency, when known.
    pub source: Option<String>,
}

/// Entity prefixes and their index fields.
const ENTITY_FIELDS: &[&str] = &["person", "place", "org"];

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
    pub(crate) fn parse(&self, query: &str) -> Result<Box<dyn Query>, IndexError> {
        let invalid = |message: String| QueryError::Invalid {
            query: query.to_string(),
            message,
        };
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
        if !clauses.is_empty() {
            let ents = self.entities.as_ref().ok_or(QueryError::NoEntities)?;
            if !parts.iter().any(|(o, _)| *o == Occur::Must) {
                parts.push((Occur::Must, Box::new(AllQuery)));
            }
            for c in &clauses {
                let hashes = ents
                    .id_hashes(c.kind, &c.key)
                    .map_err(|e| IndexError::Tantivy {
                        path: self.dir.clone(),
                        message: e.to_string(),
                    })?;
                let terms = hashes.iter().map(|&h| Term::from_field_u64(f.idh, h));
                let set: Box<dyn Query> = Box::new(TermSetQuery::new(terms));
                parts.push((
                    if c.negated {
                        Occur::MustNot
                    } else {
                        Occur::Must
                    },
                    set,
                ));
            }
        }
        if parts.len() == 1 && parts[0].0 == Occur::Must {
            return Ok(parts.pop().map(|p| p.1).expect("one part"));
        }
        Ok(Box::new(BooleanQuery::new(parts)))
    }

    /// Ids of every article naming the entity whose folded key is `key`
    /// ([`crate::entities::entity_key`]), sorted. An error until the entity index is built.
    pub fn articles_naming(&self, kind: EntityKind, key: &str) -> Result<Vec<String>, IndexError> {
        let Some(ents) = &self.entities else {
            return Err(QueryError::NoEntities.into());
        };
        let hashes: std::collections::HashSet<u64> = ents
            .id_hashes(kind, key)
            .map_err(|e| IndexError::Tantivy {
                path: self.dir.clone(),
                message: e.to_string(),
            })?
            .into_iter()
            .collect();
        Ok(self
            .articles()?
            .into_iter()
            .filter(|a| hashes.contains(&super::id_hash(&a.id)))
            .map(|a| a.id)
            .collect())
    }

    /// Byte ranges in `text` of the words that `query` matches (analysed the same way as the
    /// index), for highlighting an opened article.
    pub fn match_ranges(&self, query: &str, text: &str) -> Result<Vec<Range<usize>>, IndexError> {
        let q = self.parse(query)?;
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

pub(super) fn search(lib: &Library, query: &str, limit: usize) -> Result<Vec<Hit>, IndexError> {
    let q = lib.parse(query)?;
    let searcher = lib.reader.searcher();
    let tv = |e: tantivy::TantivyError| IndexError::Tantivy {
        path: lib.dir.clone(),
        message: e.to_string(),
    };
    let top = searcher
        .search(&q, &TopDocs::with_limit(limit.max(1)).order_by_score())
        .map_err(tv)?;
    let mut gen = SnippetGenerator::create(&searcher, &*q, lib.fields.body).map_err(tv)?;
    gen.set_max_num_chars(SNIPPET_BYTES);
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top.into_iter().take(limit) {
        let doc: TantivyDocument = searcher.doc(addr).map_err(tv)?;
        let body = stored_str(&doc, lib.fields.body).unwrap_or_default();
        let snip = gen.snippet(&body);
        let (snippet, highlights) = if snip.is_empty() || snip.highlighted().is_empty() {
            (opening(&body, SNIPPET_BYTES / 2).to_string(), Vec::new())
        } else {
            (snip.fragment().to_string(), snip.highlighted().to_vec())
        };
        hits.push(Hit {
            id: stored_str(&doc, lib.fields.id).unwrap_or_default(),
            title: stored_str(&doc, lib.fields.title).unwrap_or_default(),
            score,
            snippet,
            highlights,
            date: stored_str(&doc, lib.fields.date),
            source: stored_str(&doc, lib.fields.source),
        });
    }
    Ok(hits)
}

/// The first `max` bytes of `text`, cut at a word boundary.
fn opening(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind(' ') {
        Some(sp) if sp > max / 2 => &text[..sp],
        _ => &text[..end],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
