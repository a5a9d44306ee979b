//! Queries: the user's syntax, ranked hits, snippets with their matches marked.
//!
//! Syntax: words are ANDed; `"a phrase"`; `a OR b`; `-word` excludes; `person:NAME`,
//! `place:NAME`, `org:NAME` (quote multi-word names: `person:"فلاديمير بوتين"`) find the articles
//! naming that entity. Every word is analysed like the text (normalised, clitics and suffixes
//! stripped), so بموسكو finds موسكو and أرمينيا finds لأرمينيا.

use std::collections::BTreeSet;
use std::ops::Range;

use tantivy::collector::TopDocs;
use tantivy::query::{Query, QueryParser};
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

/// Rewrites `person:بوتين` / `person:"فلاديمير بوتين"` into a term on the entity field with the
/// name folded the way the index folds it.
fn rewrite_entities(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while !rest.is_empty() {
        let hit = ENTITY_FIELDS
            .iter()
            .filter_map(|f| rest.find(&format!("{f}:")).map(|i| (i, *f)))
            .min();
        let Some((i, field)) =
            hit.filter(|(i, _)| *i == 0 || rest[..*i].ends_with([' ', '(', '-', '+']))
        else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i]);
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
        out.push_str(&format!("{field}:\"{}\"", field_key(field, value)));
        rest = &after[consumed..];
    }
    out
}

/// The indexed key of `value` for an entity field, quotes removed.
fn field_key(field: &str, value: &str) -> String {
    let kind = match field {
        "person" => EntityKind::Person,
        "place" => EntityKind::Place,
        _ => EntityKind::Org,
    };
    entity_key(kind, value).replace('"', "")
}

impl Library {
    /// Parses a user query into a tantivy query over title (boosted) and body.
    pub(crate) fn parse(&self, query: &str) -> Result<Box<dyn Query>, QueryError> {
        if query.trim().is_empty() {
            return Err(QueryError::Empty);
        }
        let f = &self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 2.0);
        let rewritten = rewrite_entities(query);
        let only_negative = query.split_whitespace().all(|w| w.starts_with('-'));
        let q = parser.parse_query(&rewritten).map_err(|e| {
            if only_negative {
                QueryError::OnlyNegative(query.to_string())
            } else {
                QueryError::Invalid {
                    query: query.to_string(),
                    message: e.to_string(),
                }
            }
        })?;
        let mut positive = 0;
        q.query_terms(&mut |_, _| positive += 1);
        if positive == 0 {
            return Err(if only_negative {
                QueryError::OnlyNegative(query.to_string())
            } else {
                QueryError::Empty
            });
        }
        Ok(q)
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
    fn entity_prefixes_are_folded() {
        assert_eq!(
            rewrite_entities("person:بوتين"),
            format!("person:\"{}\"", field_key("person", "بوتين"))
        );
        assert_eq!(
            rewrite_entities("قره person:\"فلاديمير بوتين\" -x"),
            format!("قره person:\"{}\" -x", field_key("person", "فلاديمير بوتين"))
        );
        assert_eq!(rewrite_entities("no prefixes"), "no prefixes");
        assert_eq!(field_key("place", "لروسيا"), field_key("place", "روسيا"));
    }
}
