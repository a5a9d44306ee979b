//! The word lists the tagger and the grouping read: the place gazetteer (generated from CLDR and
//! GeoNames by `scripts/gen_gazetteer.py`), trigger words, and the alias table. All of them are
//! data files under `data/`, embedded at build time, and all are matched on the same folded form:
//! [`crate::text::normalize`], then [`crate::text::strip_proclitics`] on every word.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::text::{is_proclitic_letter, normalize, strip_proclitics};

/// The embedded gazetteer file (its header carries the sources and licences).
pub(crate) const GAZETTEER_TSV: &str = include_str!("../../data/gazetteer_loc.tsv");
/// The embedded trigger-word file.
pub(crate) const TRIGGERS_TSV: &str = include_str!("../../data/triggers.tsv");
/// The embedded list of function words that are never a name alone.
pub(crate) const FUNCTION_WORDS_TSV: &str = include_str!("../../data/function_words.tsv");
/// The embedded alias table.
pub(crate) const ALIASES_TSV: &str = include_str!("../../data/aliases.tsv");

/// Longest gazetteer entry, in words; longer spans are never looked up.
pub(crate) const MAX_GAZ_WORDS: usize = 4;

/// The folded key of one word: normalised, proclitics stripped. `لروسيا` and `روسيا` meet here.
pub fn fold_word(word: &str) -> String {
    let n = normalize(word);
    let s = strip_proclitics(&n);
    if s.len() == n.len() {
        n
    } else {
        s.to_string()
    }
}

/// The folded key of a phrase: every word folded, joined by single spaces; hyphens and slashes
/// count as spaces (ناغورنو-كاراباخ = ناغورنو كاراباخ).
pub fn fold_phrase(phrase: &str) -> String {
    let mut out = String::new();
    for w in phrase.split(|c: char| c.is_whitespace() || c == '-' || c == '/') {
        let f = fold_word(w);
        if f.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&f);
    }
    out
}

fn data_lines(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// Folded place names (one to [`MAX_GAZ_WORDS`] words), and the folded first words of them.
pub(crate) struct Gazetteer {
    pub(crate) phrases: HashSet<String>,
    /// The entries only normalised (proclitics kept): باكو stays باكو, not اكو.
    pub(crate) plain: HashSet<String>,
    pub(crate) first_words: HashSet<String>,
}

/// The built-in place gazetteer, folded once.
pub(crate) fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let mut phrases = HashSet::default();
        let mut first_words = HashSet::default();
        let mut plain = HashSet::default();
        for cols in data_lines(GAZETTEER_TSV) {
            plain.insert(crate::text::normalize(cols[0]));
            let key = fold_phrase(cols[0]);
            let n = key.split(' ').count();
            if key.is_empty() || n > MAX_GAZ_WORDS {
                continue;
            }
            if let Some(first) = key.split(' ').next() {
                first_words.insert(first.to_string());
            }
            phrases.insert(key);
        }
        Gazetteer {
            phrases,
            plain,
            first_words,
        }
    })
}

/// What a trigger word announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// A title or role before a person (الرئيس, وزير, المتحدث).
    Title,
    /// A word that heads an organisation's name (وزارة, منظمة, وكالة).
    Org,
    /// A word that heads or announces a place (مدينة, جمهورية, شمال).
    Loc,
}

/// Folded trigger word → what it announces.
pub(crate) fn triggers() -> &'static HashMap<String, Trigger> {
    static T: OnceLock<HashMap<String, Trigger>> = OnceLock::new();
    T.get_or_init(|| {
        let mut map = HashMap::default();
        for cols in data_lines(TRIGGERS_TSV) {
            if cols.len() < 2 {
                continue;
            }
            let kind = match cols[0] {
                "title" => Trigger::Title,
                "org" => Trigger::Org,
                "loc" => Trigger::Loc,
                _ => continue,
            };
            map.entry(fold_word(cols[1])).or_insert(kind);
        }
        map
    })
}

/// Folded variant → folded canonical key, from `data/aliases.tsv` (first column the kind, then
/// the canonical name, then variants). The canonical maps to itself.
pub(crate) fn aliases() -> &'static HashMap<String, String> {
    &alias_table().0
}

/// Folded canonical key → kind (`person`, `place`, `org`) from `data/aliases.tsv`.
pub(crate) fn alias_kinds() -> &'static HashMap<String, String> {
    &alias_table().1
}

/// Folded canonical key → the canonical spelling as written in `data/aliases.tsv` (what the
/// sidebar shows for that entity).
pub(crate) fn alias_display() -> &'static HashMap<String, String> {
    static D: OnceLock<HashMap<String, String>> = OnceLock::new();
    D.get_or_init(|| {
        let mut m = HashMap::default();
        for cols in data_lines(ALIASES_TSV) {
            if cols.len() >= 2 {
                let canon = fold_phrase(cols[1]);
                if !canon.is_empty() {
                    m.entry(canon).or_insert_with(|| cols[1].to_string());
                }
            }
        }
        m
    })
}

/// Organisation trigger words, only normalised (proclitics kept): وزارة stays وزاره, so that
/// لمنظمة → منظمة can be told from وزارة → زارة.
pub(crate) fn org_heads_plain() -> &'static HashSet<String> {
    static H: OnceLock<HashSet<String>> = OnceLock::new();
    H.get_or_init(|| {
        data_lines(TRIGGERS_TSV)
            .filter(|c| c.len() >= 2 && c[0] == "org")
            .map(|c| normalize(c[1]))
            .collect()
    })
}

/// Is `word` a function word (particle, preposition, pronoun…), alone or after one proclitic
/// letter (بأن, وفي)?
pub(crate) fn is_function_word(word: &str) -> bool {
    static F: OnceLock<HashSet<String>> = OnceLock::new();
    let set = F.get_or_init(|| {
        data_lines(FUNCTION_WORDS_TSV)
            .filter_map(|c| c.first().map(|w| normalize(w)))
            .collect()
    });
    let n = normalize(word);
    if set.contains(&n) {
        return true;
    }
    let mut cs = n.chars();
    cs.next().is_some_and(is_proclitic_letter) && set.contains(cs.as_str())
}

type AliasTable = (HashMap<String, String>, HashMap<String, String>);

fn alias_table() -> &'static AliasTable {
    static A: OnceLock<AliasTable> = OnceLock::new();
    A.get_or_init(|| {
        let mut map = HashMap::default();
        let mut kinds = HashMap::default();
        for cols in data_lines(ALIASES_TSV) {
            if cols.len() < 2 {
                continue;
            }
            let canon = fold_phrase(cols[1]);
            if canon.is_empty() {
                continue;
            }
            kinds.insert(canon.clone(), cols[0].to_string());
            for v in &cols[1..] {
                let key = fold_phrase(v);
                if !key.is_empty() {
                    map.entry(key).or_insert_with(|| canon.clone());
                }
            }
        }
        (map, kinds)
    })
}

/// A 64-bit fingerprint of the embedded gazetteer and trigger files. The model records the one
/// it was trained with, so a model and lists that drifted apart are caught at load time.
pub(crate) fn lists_fingerprint() -> u64 {
    let mut h = xxhash_rust::xxh3::xxh3_64(GAZETTEER_TSV.as_bytes());
    h ^= xxhash_rust::xxh3::xxh3_64(TRIGGERS_TSV.as_bytes()).rotate_left(17);
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_has_registry_places_in_folded_form() {
        let g = gazetteer();
        for p in ["روسيا", "أرمينيا", "موسكو", "باكو", "يريفان"] {
            assert!(g.phrases.contains(&fold_phrase(p)), "{p}");
        }
        assert!(g.phrases.contains(&fold_phrase("لروسيا")));
    }

    #[test]
    fn aliases_fold_variants_to_one_key() {
        let a = aliases();
        let k = |s: &str| a.get(&fold_phrase(s)).cloned();
        assert!(k("ناغورنو قره باغ").is_some());
        assert_eq!(k("ناغورني قره باغ"), k("ناغورنو-كاراباخ"));
        assert_eq!(k("الكريملِن"), k("الكرملين"));
    }
}
