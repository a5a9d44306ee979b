//! The TUI's only window onto data.
//!
//! The TUI never parses files or talks to the index directly: everything it shows comes through
//! the [`Source`] trait, in the pipeline's own types ([`Catalog`] for the list, [`Article`] and
//! [`Entity`] for the reader, [`Hit`] for search). [`MemorySource`] drives the whole interface in
//! tests; [`super::library::LibrarySource`] is the real one (index + corpus + tagger).

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

pub use crate::corpus::Article;
use crate::entities::entity_key;
pub use crate::entities::{Entity, EntityKind};
pub use crate::index::{ArticleMeta, Catalog, Hit, SearchResults};

/// An article open in the reader: the corpus article, its text, and the entities the tagger
/// found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenArticle {
    /// The article as the corpus read it, except its paragraphs, which are moved into `text`
    /// (the text is held once: a 16 MiB article was held two and three times).
    pub article: Article,
    /// The article's full text as [`Article::text`] makes it; mention offsets point into it.
    pub text: String,
    /// Entities with their mentions.
    pub entities: Vec<Entity>,
}

impl OpenArticle {
    /// `article` with the given entities, its paragraphs moved into [`text`](Self::text).
    pub fn new(mut article: Article, entities: Vec<Entity>) -> OpenArticle {
        let text = article.text();
        article.paragraphs = Vec::new();
        OpenArticle {
            article,
            text,
            entities,
        }
    }

    /// `article` tagged with the built-in tagger.
    pub fn tagged(article: Article) -> Result<OpenArticle, String> {
        let mut open = OpenArticle::new(article, Vec::new());
        open.entities =
            crate::entities::extract(&open.text, open.article.date).map_err(|e| e.to_string())?;
        Ok(open)
    }
}

/// Everything the TUI reads. Implementations must be cheap to call from the UI thread for
/// `articles`, `article` and `match_ranges`; `search` runs on a worker thread.
pub trait Source: Send + Sync {
    /// Every article's list entry, sorted by id (must not read article files).
    fn articles(&self) -> Result<Arc<Catalog>, String>;
    /// The full article for the reader, with its entities.
    fn article(&self, id: &str) -> Result<OpenArticle, String>;
    /// Corpus search as you type: `query` is passed as the user typed it, clauses included, and
    /// its last word also matches as a prefix. Up to `limit` hits and the total.
    fn search(&self, query: &str, limit: usize) -> Result<SearchResults, String>;
    /// Byte ranges in `text` where the terms of `query` occur (same matching rules as `search`),
    /// used to highlight an opened hit and for find-in-article.
    fn match_ranges(&self, query: &str, text: &str) -> Vec<Range<usize>>;
    /// Ids of every article naming the entity `key` of `kind` (aliases included).
    fn articles_naming(&self, kind: EntityKind, key: &str) -> Result<Vec<String>, String>;
}

/// In-memory [`Source`] for tests and demos: articles held as values, search by normalised and
/// stemmed token equality (the same folding the index uses, from `crate::text`).
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    articles: Vec<OpenArticle>,
    catalog: Arc<Catalog>,
}

impl MemorySource {
    /// A source over the given articles.
    pub fn new(articles: Vec<OpenArticle>) -> Self {
        let rels: Vec<String> = articles
            .iter()
            .map(|a| a.article.path.to_string_lossy().into_owned())
            .collect();
        let catalog = Catalog::build(articles.iter().zip(&rels).map(|(a, rel)| ArticleMeta {
            id: &a.article.id,
            date: a.article.date,
            source: a.article.source.as_deref(),
            rel,
            title: &a.article.title,
        }));
        MemorySource {
            articles,
            catalog: Arc::new(catalog),
        }
    }

    /// Splits `query` into an optional entity filter (`person:NAME`) and free terms.
    fn parse_query(query: &str) -> (Option<(EntityKind, String)>, String) {
        let q = query.trim();
        if let Some((k, rest)) = q.split_once(':') {
            if let Ok(kind) = k.trim().parse::<EntityKind>() {
                return (Some((kind, rest.trim().to_string())), String::new());
            }
        }
        (None, q.to_string())
    }

    fn terms(query: &str) -> Vec<String> {
        crate::text::tokens(query)
            .map(|t| crate::text::index_term(t.text))
            .filter(|t| !t.is_empty())
            .collect()
    }

    fn ranges_for_terms(terms: &[String], text: &str) -> Vec<Range<usize>> {
        if terms.is_empty() {
            return Vec::new();
        }
        crate::text::tokens(text)
            .filter(|t| terms.contains(&crate::text::index_term(t.text)))
            .map(|t| t.start..t.end)
            .collect()
    }
}

/// True when the folded entity `key` names the folded `query`: the query's words appear in it, in
/// order and contiguous (the index's phrase match: بوتين names فلاديمير بوتين).
fn key_names(key: &str, query: &str) -> bool {
    let k: Vec<&str> = key.split_whitespace().collect();
    let q: Vec<&str> = query.split_whitespace().collect();
    !q.is_empty() && k.windows(q.len()).any(|w| w == q.as_slice())
}

/// A snippet of ~160 bytes starting a few words before the first range, with the ranges moved
/// into it (the index's snippet window, without its densest-passage search).
fn make_snippet(text: &str, ranges: &[Range<usize>]) -> (String, Vec<Range<usize>>) {
    let first = ranges.first().map_or(0..0, Range::clone);
    let w = crate::text::snippet::window(
        text,
        first.start,
        first.end,
        crate::text::snippet::Lead::Chars(30),
        160,
    );
    let highlights = crate::text::snippet::shift_into(ranges, &w);
    (text[w].replace('\n', " "), highlights)
}

impl Source for MemorySource {
    fn articles(&self) -> Result<Arc<Catalog>, String> {
        Ok(self.catalog.clone())
    }

    fn article(&self, id: &str) -> Result<OpenArticle, String> {
        self.articles
            .iter()
            .find(|a| a.article.id == id)
            .cloned()
            .ok_or_else(|| format!("no article with id {id}"))
    }

    fn search(&self, query: &str, limit: usize) -> Result<SearchResults, String> {
        let (entity, _) = Self::parse_query(query);
        let mut hits = Vec::new();
        for open in &self.articles {
            let a = &open.article;
            let ranges = self.match_ranges(query, &open.text);
            if ranges.is_empty() {
                continue;
            }
            let score = if entity.is_some() {
                1.0
            } else {
                ranges.len() as f32
            };
            let body_start = a.title.len();
            let in_body: Vec<Range<usize>> = ranges
                .iter()
                .filter(|r| r.start >= body_start)
                .cloned()
                .collect();
            let (snippet, highlights) = if in_body.is_empty() {
                make_snippet(&open.text, &ranges)
            } else {
                make_snippet(&open.text, &in_body)
            };
            hits.push(Hit {
                id: a.id.clone(),
                title: a.title.clone(),
                score,
                snippet,
                highlights,
                date: a.date,
                source: a.source.clone(),
            });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        let total = hits.len();
        hits.truncate(limit);
        Ok(SearchResults {
            hits,
            total,
            also: Vec::new(),
        })
    }

    fn match_ranges(&self, query: &str, text: &str) -> Vec<Range<usize>> {
        let (entity, free) = Self::parse_query(query);
        if let Some((kind, name)) = entity {
            if name.is_empty() {
                return Vec::new();
            }
            // Entity queries match the entity's mentions when the text is a known article,
            // otherwise the name's terms.
            for a in &self.articles {
                if a.text == text {
                    let key = entity_key(kind, &name);
                    return a
                        .entities
                        .iter()
                        .filter(|e| e.kind == kind && key_names(&entity_key(e.kind, &e.name), &key))
                        .flat_map(|e| e.mentions.iter().map(|m| m[0]..m[1]))
                        .collect();
                }
            }
            return Self::ranges_for_terms(&Self::terms(&name), text);
        }
        Self::ranges_for_terms(&Self::terms(&free), text)
    }

    fn articles_naming(&self, kind: EntityKind, key: &str) -> Result<Vec<String>, String> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        for a in &self.articles {
            if a.entities
                .iter()
                .any(|e| e.kind == kind && key_names(&entity_key(e.kind, &e.name), key))
                && seen.insert(&a.article.id)
            {
                out.push(a.article.id.clone());
            }
        }
        Ok(out)
    }
}

/// A [`MemorySource`] over the five bundled seed articles, read by the corpus loader and tagged
/// by the real tagger: the fixture for the TUI's tests.
pub fn seed_source() -> MemorySource {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let loaded = crate::corpus::load_dir(&seeds).unwrap_or_default();
    MemorySource::new(
        loaded
            .articles
            .into_iter()
            .filter_map(|a| OpenArticle::tagged(a).ok())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_load_with_titles_and_entities() {
        let s = seed_source();
        let list = s.articles().unwrap();
        assert_eq!(list.len(), 5);
        assert!(list.get(1).unwrap().title.starts_with("لافروف"));
        let a = s.article(list.get(0).unwrap().id).unwrap();
        let text = &a.text;
        assert!(!a.entities.is_empty());
        for e in &a.entities {
            for m in &e.mentions {
                assert!(!text[m[0]..m[1]].trim().is_empty(), "{e:?}");
            }
        }
    }

    #[test]
    fn search_finds_cliticised_forms_and_snippet_ranges_point_at_them() {
        let s = seed_source();
        let hits = s.search("روسيا", 10).unwrap();
        assert!(!hits.hits.is_empty());
        for h in &hits.hits {
            assert!(!h.highlights.is_empty());
            for r in &h.highlights {
                assert!(h.snippet[r.clone()].contains("روسيا"));
            }
        }
        let key = entity_key(EntityKind::Person, "بوتين");
        let naming = s.articles_naming(EntityKind::Person, &key).unwrap();
        assert!(
            naming.contains(&"002_59cf70ea1a2082cc".to_string()),
            "{naming:?}"
        );
        assert!(!s.search("person:بوتين", 10).unwrap().hits.is_empty());
    }
}
