//! The catalog: every indexed article's list entry (id, title, date, source, file), sorted by id,
//! held once in memory by the [`Library`](super::Library) and shared with the TUI.
//!
//! Two allocations whatever the corpus size: one string with every field back to back, and one
//! table of fixed-size entries pointing into it. At 100k articles that is ~13 MB of text read in
//! one go, instead of 500k small strings; an id or prefix is found by binary search.

use crate::corpus::IdError;
use crate::text::dates::PartialDate;

/// A field's bytes in [`Catalog::text`]: start and length.
type Span = (u32, u32);

/// One article's list entry, as [`Catalog`] stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Entry {
    id: Span,
    title: Span,
    source: Span,
    rel: Span,
    /// [`PartialDate::pack`], 0 when undated.
    date: u32,
}

/// One article as the list shows it, borrowed from the [`Catalog`]. Reads no article file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ArticleMeta<'a> {
    /// The article id.
    pub id: &'a str,
    /// Its date, when known.
    pub date: Option<PartialDate>,
    /// Source agency, when known.
    pub source: Option<&'a str>,
    /// Path of its file relative to the corpus root.
    pub rel: &'a str,
    /// Title.
    pub title: &'a str,
}

/// Every article's list entry, sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Catalog {
    text: String,
    entries: Vec<Entry>,
}

/// Why a catalog read from disk was refused.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Damaged(&'static str);

impl Catalog {
    /// Builds a catalog from entries in any order (sorted here by id).
    pub(crate) fn build<'a>(metas: impl IntoIterator<Item = ArticleMeta<'a>>) -> Catalog {
        let mut metas: Vec<ArticleMeta<'a>> = metas.into_iter().collect();
        metas.sort_unstable_by(|a, b| a.id.cmp(b.id).then(a.rel.cmp(b.rel)));
        let mut text = String::new();
        let mut push = |s: &str| {
            let span = (text.len() as u32, s.len() as u32);
            text.push_str(s);
            span
        };
        let entries = metas
            .iter()
            .map(|m| Entry {
                id: push(m.id),
                title: push(m.title),
                source: push(m.source.unwrap_or("")),
                rel: push(m.rel),
                date: m.date.map_or(0, |d| d.pack()),
            })
            .collect();
        Catalog { text, entries }
    }

    /// Checks a catalog read from disk: every span inside the text and on character boundaries,
    /// ids sorted and unique. A catalog that fails is rebuilt, never trusted.
    pub(crate) fn validate(&self) -> Result<(), Damaged> {
        let ok = |(start, len): Span| {
            let (s, e) = (start as usize, start as usize + len as usize);
            e <= self.text.len() && self.text.is_char_boundary(s) && self.text.is_char_boundary(e)
        };
        for e in &self.entries {
            if ![e.id, e.title, e.source, e.rel].into_iter().all(ok) {
                return Err(Damaged("an entry points outside the catalog"));
            }
            if e.date != 0 && PartialDate::unpack(e.date).is_none() {
                return Err(Damaged("an entry has a bad date"));
            }
        }
        let sorted = self
            .entries
            .windows(2)
            .all(|w| self.str(w[0].id) < self.str(w[1].id));
        if !sorted {
            return Err(Damaged("ids are not sorted and unique"));
        }
        Ok(())
    }

    fn str(&self, (start, len): Span) -> &str {
        &self.text[start as usize..start as usize + len as usize]
    }

    /// Number of articles.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no article.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `i`-th article in id order.
    pub fn get(&self, i: usize) -> Option<ArticleMeta<'_>> {
        self.entries.get(i).map(|e| self.meta(e))
    }

    fn meta(&self, e: &Entry) -> ArticleMeta<'_> {
        let source = self.str(e.source);
        ArticleMeta {
            id: self.str(e.id),
            date: PartialDate::unpack(e.date),
            source: (!source.is_empty()).then_some(source),
            rel: self.str(e.rel),
            title: self.str(e.title),
        }
    }

    /// Every article in id order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ArticleMeta<'_>> + '_ {
        self.entries.iter().map(|e| self.meta(e))
    }

    /// Resolves an id or unique id prefix to the article's position: an exact id wins, else the
    /// one id that starts with `prefix`.
    pub fn resolve(&self, prefix: &str) -> Result<usize, IdError> {
        crate::corpus::resolve_sorted(self.entries.len(), |i| self.str(self.entries[i].id), prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta<'a>(id: &'a str, date: Option<&str>, source: Option<&'a str>) -> ArticleMeta<'a> {
        ArticleMeta {
            id,
            date: date.and_then(PartialDate::from_iso),
            source,
            rel: "f.txt",
            title: "عنوان",
        }
    }

    #[test]
    fn sorted_entries_round_trip_and_resolve_prefixes() {
        let c = Catalog::build([
            meta("b/2", None, Some("سانا")),
            meta("a", Some("2020-10-21"), None),
            meta("b/10", Some("--05-14"), None),
        ]);
        c.validate().unwrap();
        let ids: Vec<&str> = c.iter().map(|m| m.id).collect();
        assert_eq!(ids, ["a", "b/10", "b/2"]);
        assert_eq!(c.get(0).unwrap().date.unwrap().iso(), "2020-10-21");
        assert_eq!(c.get(2).unwrap().source, Some("سانا"));
        assert_eq!(c.get(0).unwrap().source, None);
        assert_eq!(c.resolve("a"), Ok(0));
        assert_eq!(c.resolve("b/2"), Ok(2));
        assert_eq!(c.resolve("b/1"), Ok(1));
        assert!(matches!(
            c.resolve("b"),
            Err(IdError::Ambiguous { count: 2, .. })
        ));
        assert!(matches!(c.resolve("z"), Err(IdError::Unknown(_))));
        assert!(matches!(c.resolve(""), Err(IdError::Empty)));
    }

    #[test]
    fn damaged_catalogs_are_refused() {
        let mut c = Catalog::build([meta("a", None, None), meta("b", None, None)]);
        c.entries[1].title = (1000, 4);
        assert!(c.validate().is_err());
        let mut c = Catalog::build([meta("a", None, None), meta("b", None, None)]);
        c.entries.swap(0, 1);
        assert!(c.validate().is_err());
    }
}
