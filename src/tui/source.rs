//! The TUI's only window onto data.
//!
//! The TUI never parses files or talks to the index directly: everything it shows comes through
//! the [`Source`] trait, so the whole interface can be driven in tests by [`MemorySource`] and the
//! real adapter (index + corpus + entities) can be written after the modules land.

use std::collections::HashMap;

use crate::entities::entity_key;
use std::ops::Range;

/// What the list needs of one article, read from the index without opening the article file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleMeta {
    /// Stable article id (the corpus id).
    pub id: String,
    /// Title, one line.
    pub title: String,
    /// ISO date (`2020-10-21`, `2020-11`, `--05-14`) when known.
    pub date: Option<String>,
    /// News agency or site when known.
    pub source: Option<String>,
}

/// Kind of a named entity, as the sidebar groups them (the tagger's own kinds).
pub use crate::entities::EntityKind;

/// One entity of an open article, with every mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Person, place, organisation or date.
    pub kind: EntityKind,
    /// Display name (canonical form).
    pub name: String,
    /// Key passed back to [`Source::articles_naming`] (canonical key, aliases folded).
    pub key: String,
    /// Number of mentions in the article.
    pub count: usize,
    /// Byte ranges `[start, end)` of each mention in [`ArticleView::text`].
    pub mentions: Vec<[usize; 2]>,
}

/// A whole article for the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleView {
    /// Article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Body paragraphs (no title among them).
    pub paragraphs: Vec<String>,
    /// ISO date when known.
    pub date: Option<String>,
    /// Agency or site when known.
    pub source: Option<String>,
    /// Entities with their mentions (byte offsets into [`ArticleView::text`]).
    pub entities: Vec<Entity>,
}

impl ArticleView {
    /// The reader's view of a corpus article, with the entities the tagger finds in it.
    pub fn tagged(a: crate::corpus::Article) -> Result<ArticleView, String> {
        let date = a.date.map(|d| d.iso());
        let entities = crate::entities::extract(&a.text(), date.as_deref())
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|e| Entity {
                kind: e.kind,
                key: crate::entities::entity_key(e.kind, &e.name),
                name: e.name,
                count: e.count,
                mentions: e.mentions,
            })
            .collect();
        Ok(ArticleView {
            id: a.id,
            title: a.title,
            paragraphs: a.paragraphs,
            date,
            source: a.source,
            entities,
        })
    }

    /// The article's text as entity offsets and highlights address it: the title, a blank line,
    /// then the paragraphs separated by blank lines (the same as `corpus::Article::text`).
    pub fn text(&self) -> String {
        let mut s = self.title.clone();
        for p in &self.paragraphs {
            s.push_str("\n\n");
            s.push_str(p);
        }
        s
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// Article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Relevance score (higher is better).
    pub score: f32,
    /// A short passage of the article.
    pub snippet: String,
    /// Byte ranges of the matched terms inside `snippet`.
    pub highlights: Vec<Range<usize>>,
}

/// Everything the TUI reads. Implementations must be cheap to call from the UI thread for
/// `articles`, `article` and `match_ranges`; `search` runs on a worker thread.
pub trait Source: Send + Sync {
    /// Every article's metadata, from the index (must not read article files).
    fn articles(&self) -> Vec<ArticleMeta>;
    /// The full article for the reader, with its entities.
    fn article(&self, id: &str) -> Result<ArticleView, String>;
    /// Corpus search. `query` is passed as the user typed it, including `person:`/`place:`/`org:`
    /// prefixes, which the implementation interprets.
    fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, String>;
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
    articles: Vec<ArticleView>,
}

impl MemorySource {
    /// A source over the given articles.
    pub fn new(articles: Vec<ArticleView>) -> Self {
        MemorySource { articles }
    }

    /// Builds an article from plain text the way the seed files are laid out: the first non-empty
    /// line is the title, paragraphs are separated by blank lines. Entities are found by looking
    /// up each `(kind, name)` of `entities` in the text (every occurrence is a mention).
    pub fn article_from_text(
        id: &str,
        raw: &str,
        date: Option<&str>,
        source: Option<&str>,
        entities: &[(EntityKind, &str)],
    ) -> ArticleView {
        let mut paras: Vec<String> = Vec::new();
        let mut cur = String::new();
        for line in raw.lines() {
            let t = line.trim();
            if t.is_empty() {
                if !cur.is_empty() {
                    paras.push(std::mem::take(&mut cur));
                }
            } else {
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.push_str(t);
            }
        }
        if !cur.is_empty() {
            paras.push(cur);
        }
        let title = if paras.is_empty() {
            String::new()
        } else {
            paras.remove(0)
        };
        let mut view = ArticleView {
            id: id.to_string(),
            title,
            paragraphs: paras,
            date: date.map(str::to_string),
            source: source.map(str::to_string),
            entities: Vec::new(),
        };
        let text = view.text();
        for &(kind, name) in entities {
            let mentions: Vec<[usize; 2]> = text
                .match_indices(name)
                .map(|(i, m)| [i, i + m.len()])
                .collect();
            if !mentions.is_empty() {
                view.entities.push(Entity {
                    kind,
                    name: name.to_string(),
                    key: name.to_string(),
                    count: mentions.len(),
                    mentions,
                });
            }
        }
        view
    }

    /// Splits `query` into an optional entity filter (`person:NAME`) and free terms.
    fn parse_query(query: &str) -> (Option<(EntityKind, String)>, String) {
        let q = query.trim();
        if let Some((k, rest)) = q.split_once(':') {
            if let Some(kind) = EntityKind::parse(k.trim()) {
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
    let w = crate::text::snippet::window(text, first.start, first.end, 30, 160);
    let highlights = crate::text::snippet::shift_into(ranges, &w);
    (text[w].replace('\n', " "), highlights)
}

impl Source for MemorySource {
    fn articles(&self) -> Vec<ArticleMeta> {
        self.articles
            .iter()
            .map(|a| ArticleMeta {
                id: a.id.clone(),
                title: a.title.clone(),
                date: a.date.clone(),
                source: a.source.clone(),
            })
            .collect()
    }

    fn article(&self, id: &str) -> Result<ArticleView, String> {
        self.articles
            .iter()
            .find(|a| a.id == id)
            .cloned()
            .ok_or_else(|| format!("no article with id {id}"))
    }

    fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, String> {
        let (entity, _) = Self::parse_query(query);
        let mut hits = Vec::new();
        for a in &self.articles {
            let text = a.text();
            let ranges = self.match_ranges(query, &text);
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
                make_snippet(&text, &ranges)
            } else {
                make_snippet(&text, &in_body)
            };
            hits.push(SearchHit {
                id: a.id.clone(),
                title: a.title.clone(),
                score,
                snippet,
                highlights,
            });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(limit);
        Ok(hits)
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
                if a.text() == text {
                    return a
                        .entities
                        .iter()
                        .filter(|e| e.kind == kind && key_names(&e.key, &entity_key(kind, &name)))
                        .flat_map(|e| e.mentions.iter().map(|m| m[0]..m[1]))
                        .collect();
                }
            }
            return Self::ranges_for_terms(&Self::terms(&name), text);
        }
        Self::ranges_for_terms(&Self::terms(&free), text)
    }

    fn articles_naming(&self, kind: EntityKind, key: &str) -> Result<Vec<String>, String> {
        let mut by_id: HashMap<&str, ()> = HashMap::new();
        let mut out = Vec::new();
        for a in &self.articles {
            if a.entities
                .iter()
                .any(|e| e.kind == kind && key_names(&e.key, key))
                && by_id.insert(&a.id, ()).is_none()
            {
                out.push(a.id.clone());
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
            .filter_map(|a| ArticleView::tagged(a).ok())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_load_with_titles_and_entities() {
        let s = seed_source();
        let list = s.articles();
        assert_eq!(list.len(), 5);
        assert!(list[1].title.starts_with("لافروف"));
        let a = s.article(&list[0].id).unwrap();
        let text = a.text();
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
        assert!(!hits.is_empty());
        for h in &hits {
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
        assert!(!s.search("person:بوتين", 10).unwrap().is_empty());
    }
}
