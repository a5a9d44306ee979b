//! The catalog: every indexed article's list entry (id, title, date, source, file), sorted by id,
//! held once by the [`Library`](super::Library) and shared with the TUI.
//!
//! One flat, fixed layout, the same in memory and on disk (`articles.bin`), so that opening
//! 100k articles is a memory map and a check, not a decode: no allocation per field, no
//! decoding pass, no sort at launch (the list's default order, newest first, is stored).
//!
//! ```text
//! magic "QCAT" 1 0 0 0 · n: u32 · text length: u32
//! n entries of 36 bytes: id, title, source, rel as (start, length) u32 pairs into the text;
//!                        date as PartialDate::pack (0: undated)
//! n u32: the positions in the list's newest-first order (see `newest_first`)
//! the text: every field back to back, UTF-8
//! ```
//! All integers little-endian; the manifest layer appends its checksum. A field whose bytes are
//! not UTF-8 (only a crafted file: the checksum catches damage) reads as empty.

use crate::corpus::IdError;
use crate::text::dates::PartialDate;

const MAGIC: &[u8; 8] = b"QCAT\x01\0\0\0";
const HEADER: usize = 16;
const ENTRY: usize = 36;

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

/// The bytes of a catalog: built in memory, or the index's file mapped.
enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap, usize),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m, len) => &m[..*len],
        }
    }
}

/// Every article's list entry, sorted by id, with the newest-first order.
pub struct Catalog {
    bytes: Bytes,
    n: usize,
    text_at: usize,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::build(std::iter::empty())
    }
}

impl PartialEq for Catalog {
    fn eq(&self, other: &Self) -> bool {
        *self.bytes == *other.bytes
    }
}

impl Eq for Catalog {}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("articles", &self.n)
            .finish()
    }
}

/// Why a catalog read from disk was refused.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Damaged(&'static str);

/// The list's default order: dates with a year first, newest first; then yearless dates
/// (`--05-14`), latest first; undated last; ties in id order. The sort key of position `i`.
pub(crate) fn newest_key(date: Option<PartialDate>) -> (u8, std::cmp::Reverse<u32>) {
    match date {
        Some(d) if d.year.is_some() => (0, std::cmp::Reverse(d.pack())),
        Some(d) => (1, std::cmp::Reverse(d.pack())),
        None => (2, std::cmp::Reverse(0)),
    }
}

impl Catalog {
    /// Builds a catalog from entries in any order (sorted here by id).
    pub(crate) fn build<'a>(metas: impl IntoIterator<Item = ArticleMeta<'a>>) -> Catalog {
        let mut metas: Vec<ArticleMeta<'a>> = metas.into_iter().collect();
        metas.sort_unstable_by(|a, b| a.id.cmp(b.id).then(a.rel.cmp(b.rel)));
        let n = metas.len();
        let mut text = Vec::new();
        let mut push = |s: &str| {
            let span = (text.len() as u32, s.len() as u32);
            text.extend_from_slice(s.as_bytes());
            span
        };
        let spans: Vec<[(u32, u32); 4]> = metas
            .iter()
            .map(|m| {
                [
                    push(m.id),
                    push(m.title),
                    push(m.source.unwrap_or("")),
                    push(m.rel),
                ]
            })
            .collect();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&i| newest_key(metas[i as usize].date));
        let mut out = Vec::with_capacity(HEADER + n * (ENTRY + 4) + text.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(n as u32).to_le_bytes());
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        for (m, sp) in metas.iter().zip(&spans) {
            for (start, len) in sp {
                out.extend_from_slice(&start.to_le_bytes());
                out.extend_from_slice(&len.to_le_bytes());
            }
            out.extend_from_slice(&m.date.map_or(0, |d| d.pack()).to_le_bytes());
        }
        for i in order {
            out.extend_from_slice(&i.to_le_bytes());
        }
        out.extend_from_slice(&text);
        Catalog {
            bytes: Bytes::Owned(out),
            n,
            text_at: HEADER + n * (ENTRY + 4),
        }
    }

    /// The catalog in `body` (a file's bytes without its checksum), checked: see
    /// [`Catalog::check`].
    #[cfg(test)]
    pub(crate) fn from_bytes(body: Vec<u8>) -> Result<Catalog, Damaged> {
        Catalog::check(Bytes::Owned(body))
    }

    /// The catalog in the first `len` bytes of a mapped file, checked.
    pub(crate) fn from_map(map: memmap2::Mmap, len: usize) -> Result<Catalog, Damaged> {
        if len > map.len() {
            return Err(Damaged("truncated"));
        }
        Catalog::check(Bytes::Mapped(map, len))
    }

    /// Lets the kernel take back the pages read so far (after the checksum: every page): the
    /// list reads the entries, the order and the titles on screen, and those come back on first
    /// touch from the page cache. At 100k this keeps ~14 MB of the reader's resident memory.
    pub(crate) fn release_pages(&self) {
        if let Bytes::Mapped(m, _) = &self.bytes {
            // SAFETY: a read-only mapping of a file that is never written in place (see
            // `manifest::read_catalog`): dropped pages read back the same bytes.
            let _ = unsafe { m.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }

    /// The bytes to write (the manifest layer adds the checksum).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Checks a catalog read from disk: its sizes, every span inside the text, every date
    /// valid, ids sorted and unique, the newest-first order a permutation. A catalog that fails
    /// is rebuilt, never trusted.
    fn check(bytes: Bytes) -> Result<Catalog, Damaged> {
        let b: &[u8] = &bytes;
        if b.len() < HEADER || &b[..8] != MAGIC {
            return Err(Damaged("not a catalog of this version"));
        }
        let n = u32_at(b, 8) as usize;
        let text_len = u32_at(b, 12) as usize;
        let text_at = n
            .checked_mul(ENTRY + 4)
            .and_then(|x| x.checked_add(HEADER))
            .ok_or(Damaged("sizes do not add up"))?;
        if text_at.checked_add(text_len) != Some(b.len()) {
            return Err(Damaged("sizes do not add up"));
        }
        let c = Catalog { bytes, n, text_at };
        for i in 0..n {
            for f in 0..4 {
                let (start, len) = c.span(i, f);
                if start as usize + len as usize > text_len {
                    return Err(Damaged("an entry points outside the catalog"));
                }
            }
            let d = c.date_code(i);
            if d != 0 && PartialDate::unpack(d).is_none() {
                return Err(Damaged("an entry has a bad date"));
            }
        }
        if !(1..n).all(|i| c.field_bytes(i - 1, 0) < c.field_bytes(i, 0)) {
            return Err(Damaged("ids are not sorted and unique"));
        }
        let mut seen = vec![false; n];
        for k in 0..n {
            let i = c.newest_at(k);
            if i >= n || std::mem::replace(&mut seen[i], true) {
                return Err(Damaged("the newest-first order is not a permutation"));
            }
        }
        Ok(c)
    }

    fn span(&self, i: usize, field: usize) -> (u32, u32) {
        let at = HEADER + i * ENTRY + field * 8;
        (u32_at(&self.bytes, at), u32_at(&self.bytes, at + 4))
    }

    fn date_code(&self, i: usize) -> u32 {
        u32_at(&self.bytes, HEADER + i * ENTRY + 32)
    }

    fn newest_at(&self, k: usize) -> usize {
        u32_at(&self.bytes, HEADER + self.n * ENTRY + k * 4) as usize
    }

    fn field_bytes(&self, i: usize, field: usize) -> &[u8] {
        let (start, len) = self.span(i, field);
        let a = self.text_at + start as usize;
        self.bytes.get(a..a + len as usize).unwrap_or_default()
    }

    fn field(&self, i: usize, field: usize) -> &str {
        std::str::from_utf8(self.field_bytes(i, field)).unwrap_or_default()
    }

    /// Number of articles.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when there is no article.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The `i`-th article in id order.
    pub fn get(&self, i: usize) -> Option<ArticleMeta<'_>> {
        (i < self.n).then(|| self.meta(i))
    }

    fn meta(&self, i: usize) -> ArticleMeta<'_> {
        let source = self.field(i, 2);
        ArticleMeta {
            id: self.field(i, 0),
            title: self.field(i, 1),
            source: (!source.is_empty()).then_some(source),
            rel: self.field(i, 3),
            date: self.date(i),
        }
    }

    /// The date of the `i`-th article in id order (no string read).
    pub fn date(&self, i: usize) -> Option<PartialDate> {
        PartialDate::unpack(self.date_code(i))
    }

    /// Positions in id order, newest first (see [`newest_key`]): stored, not sorted on open.
    pub fn newest_first(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        (0..self.n).map(|k| self.newest_at(k))
    }

    /// Every article in id order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ArticleMeta<'_>> + '_ {
        (0..self.n).map(|i| self.meta(i))
    }

    /// Resolves an id or unique id prefix to the article's position: an exact id wins, else the
    /// one id that starts with `prefix`.
    pub fn resolve(&self, prefix: &str) -> Result<usize, IdError> {
        crate::corpus::resolve_sorted(self.n, |i| self.field(i, 0), prefix)
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
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
        let c = Catalog::from_bytes(c.as_bytes().to_vec()).unwrap();
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
        let good = Catalog::build([meta("a", None, None), meta("b", Some("2020-01-02"), None)]);
        let bytes = good.as_bytes().to_vec();
        assert_eq!(Catalog::from_bytes(bytes.clone()).unwrap(), good);
        let damaged = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = bytes.clone();
            f(&mut b);
            Catalog::from_bytes(b).is_err()
        };
        assert!(damaged(&|b| b.truncate(b.len() - 1)));
        assert!(damaged(&|b| b[0] = b'X'));
        assert!(damaged(&|b| b[8] = 3)); // the count
        assert!(damaged(&|b| b[HEADER + ENTRY + 8] = 0xEE)); // a title far out
        assert!(damaged(&|b| b[HEADER + 32] = 7)); // a bad date
        assert!(damaged(&|b| {
            // the two entries swapped: ids out of order
            let (x, y) = (HEADER, HEADER + ENTRY);
            let first: Vec<u8> = b[x..y].to_vec();
            b.copy_within(y..y + ENTRY, x);
            b[y..y + ENTRY].copy_from_slice(&first);
        }));
        assert!(damaged(&|b| {
            // the order lists one article twice
            let at = HEADER + 2 * ENTRY;
            let first: Vec<u8> = b[at..at + 4].to_vec();
            b[at + 4..at + 8].copy_from_slice(&first);
        }));
        assert!(Catalog::from_bytes(Vec::new()).is_err());
        // A field that is not UTF-8 reads as empty: no panic.
        let mut b = bytes.clone();
        let text_at = HEADER + 2 * (ENTRY + 4);
        b[text_at + 1] = 0xFF; // the first title's first byte
        let c = Catalog::from_bytes(b).unwrap();
        assert_eq!(c.get(0).unwrap().title, "");
        assert_eq!(c.get(0).unwrap().id, "a");
    }

    proptest::proptest! {
        /// The stored newest-first order is the order of sorting by date as the list did before
        /// it was stored (dated newest first, then yearless, then undated; ties in id order),
        /// and every entry reads back as built.
        #[test]
        fn the_stored_order_is_the_sorted_order(
            arts in proptest::collection::vec(
                (0u16..400, proptest::option::of((proptest::option::of(1990u16..2030), 1u8..13, 0u8..29)), "[a-z ا-ي]{0,12}"),
                0..60,
            )
        ) {
            let ids: Vec<String> = arts.iter().enumerate().map(|(k, a)| format!("{:03}/{k}", a.0)).collect();
            let dates: Vec<Option<PartialDate>> = arts
                .iter()
                .map(|a| a.1.map(|(y, m, d)| PartialDate { year: y, month: Some(m), day: (d > 0).then_some(d) }))
                .collect();
            let c = Catalog::build(ids.iter().zip(&dates).zip(&arts).map(|((id, &date), a)| ArticleMeta {
                id,
                date,
                source: (!a.2.is_empty()).then_some(a.2.as_str()),
                rel: id,
                title: &a.2,
            }));
            let c = Catalog::from_bytes(c.as_bytes().to_vec()).unwrap();
            let mut by_id: Vec<usize> = (0..ids.len()).collect();
            by_id.sort_by(|&a, &b| ids[a].cmp(&ids[b]));
            for (pos, &k) in by_id.iter().enumerate() {
                let m = c.get(pos).unwrap();
                proptest::prop_assert_eq!(m.id, ids[k].as_str());
                proptest::prop_assert_eq!(m.date, dates[k]);
                proptest::prop_assert_eq!(m.title, arts[k].2.as_str());
            }
            // The sort as refresh_list wrote it before the order was stored.
            let keys: Vec<(u8, u32)> = (0..c.len())
                .map(|i| match c.get(i).unwrap().date {
                    Some(d) if d.year.is_some() => (0, d.pack()),
                    Some(d) => (1, d.pack()),
                    None => (2, 0),
                })
                .collect();
            let mut want: Vec<usize> = (0..c.len()).collect();
            want.sort_unstable_by(|&a, &b| {
                let (ka, kb) = (keys[a], keys[b]);
                ka.0.cmp(&kb.0).then_with(|| kb.1.cmp(&ka.1)).then_with(|| a.cmp(&b))
            });
            proptest::prop_assert_eq!(c.newest_first().collect::<Vec<_>>(), want);
        }
    }
}
