//! The word lists the tagger and the grouping read: the place gazetteer (generated from CLDR and
//! GeoNames by `scripts/gen_gazetteer.py`), trigger words, function words and the alias table.
//! All of them are data files under `data/`, embedded at build time, and all are matched on the
//! same folded form: [`crate::text::normalize`], then [`crate::text::strip_proclitics`] on every
//! word. [`longest_phrases`] is the one longest-match scan of a sentence against such a list.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::text::{is_proclitic_letter, normalize, strip_proclitics};

/// The embedded gazetteer file (its header carries the sources and licences).
pub(crate) const GAZETTEER_TSV: &str = include_str!("../../data/gazetteer_loc.tsv");
const ORG_TSV: &str = include_str!("../../data/gazetteer_org.tsv");
const SPORT_TSV: &str = include_str!("../../data/sport_words.tsv");
const PERSON_TSV: &str = include_str!("../../data/gazetteer_per.tsv");
/// The embedded trigger-word file.
pub(crate) const TRIGGERS_TSV: &str = include_str!("../../data/triggers.tsv");
/// The embedded list of function words that are never a name alone.
pub(crate) const FUNCTION_WORDS_TSV: &str = include_str!("../../data/function_words.tsv");
/// The embedded alias table.
pub(crate) const ALIASES_TSV: &str = include_str!("../../data/aliases.tsv");

/// Longest gazetteer entry, in words; longer spans are never looked up.
pub(crate) const MAX_GAZ_WORDS: usize = 4;

/// [`strip_proclitics`] of a normalised word, answering at once when its first letter begins no
/// proclitic (each begins with و ف ب ك ل or ا): its twelve prefix tests were 3% of the entity
/// pass, mostly on such words.
#[inline]
pub(crate) fn strip_normalised(norm: &str) -> &str {
    match norm.chars().next() {
        Some('و' | 'ف' | 'ب' | 'ك' | 'ل' | 'ا') => strip_proclitics(norm),
        _ => norm,
    }
}

/// The folded key of one word: normalised, proclitics stripped. `لروسيا` and `روسيا` meet here.
pub(crate) fn fold_word(word: &str) -> String {
    let n = normalize(word);
    let s = strip_normalised(&n);
    if s.len() == n.len() {
        n
    } else {
        s.to_string()
    }
}

/// The folded key of a phrase: every word folded, joined by single spaces; hyphens and slashes
/// count as spaces (ناغورنو-كاراباخ = ناغورنو كاراباخ).
pub(crate) fn fold_phrase(phrase: &str) -> String {
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

/// The data lines of an embedded TSV file (blank lines and `#` comments skipped), as trimmed
/// columns.
pub(super) fn data_lines(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// Folded place names (one to [`MAX_GAZ_WORDS`] words), and the folded first words of them.
pub(crate) struct Gazetteer {
    pub(crate) phrases: FxHashSet<String>,
    /// The entries only normalised (proclitics kept): باكو stays باكو, not اكو.
    pub(crate) plain: FxHashSet<String>,
    pub(crate) first_words: FxHashSet<String>,
    /// The entries of CLDR (countries, territories and major cities: the `cldr-…` rows),
    /// normalised: the places a leader is named after (روسيا, not the Iranian town اَشرَف,
    /// which is also the first name أشرف).
    pub(crate) major: FxHashSet<String>,
}

/// The built-in place gazetteer, folded once.
pub(crate) fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::from_tsv(GAZETTEER_TSV))
}

/// The built-in organisation list (sports clubs, `data/gazetteer_org.tsv`), folded once.
pub(crate) fn org_gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::from_tsv(ORG_TSV))
}

/// Words that mark a sports report (`data/sport_words.tsv`), folded.
pub(crate) fn sport_words() -> &'static FxHashSet<String> {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
    S.get_or_init(|| data_lines(SPORT_TSV).map(|c| fold_word(c[0])).collect())
}

impl Gazetteer {
    fn from_tsv(tsv: &str) -> Gazetteer {
        let mut phrases = FxHashSet::default();
        let mut first_words = FxHashSet::default();
        let mut plain = FxHashSet::default();
        let mut major = FxHashSet::default();
        for cols in data_lines(tsv) {
            plain.insert(normalize(cols[0]));
            if cols.get(1).is_some_and(|src| src.starts_with("cldr")) {
                major.insert(normalize(cols[0]));
            }
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
            major,
        }
    }
}

/// The full names of the person-name list (the entries of two words or more, from Arabic
/// Wikipedia via arwikicats), folded as [`fold_phrase`].
pub(crate) fn person_full_names() -> &'static FxHashSet<String> {
    static P: OnceLock<FxHashSet<String>> = OnceLock::new();
    P.get_or_init(|| {
        data_lines(PERSON_TSV)
            .filter(|cols| cols[0].contains(' '))
            .map(|cols| fold_phrase(cols[0]))
            .collect()
    })
}

/// One-word personal names (`data/gazetteer_per.tsv`), normalised: a feature of the tagger.
pub(crate) fn person_names() -> &'static FxHashSet<String> {
    static P: OnceLock<FxHashSet<String>> = OnceLock::new();
    P.get_or_init(|| {
        data_lines(PERSON_TSV)
            .flat_map(|cols| cols[0].split(' ').map(normalize).collect::<Vec<_>>())
            .filter(|w| w.chars().count() >= 3)
            .collect()
    })
}

/// The one-word entries of the person-name list, normalised: names as names, not the words of
/// the list's full names (which hold category-like phrases: مصورون من الإمبراطورية الروسية).
pub(crate) fn person_single_names() -> &'static FxHashSet<String> {
    static P: OnceLock<FxHashSet<String>> = OnceLock::new();
    P.get_or_init(|| {
        data_lines(PERSON_TSV)
            .filter(|cols| !cols[0].contains(' '))
            .map(|cols| normalize(cols[0]))
            .filter(|w| w.chars().count() >= 3)
            .collect()
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
pub(crate) fn triggers() -> &'static FxHashMap<String, Trigger> {
    static T: OnceLock<FxHashMap<String, Trigger>> = OnceLock::new();
    T.get_or_init(|| {
        let mut map = FxHashMap::default();
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
pub(crate) fn aliases() -> &'static FxHashMap<String, String> {
    &alias_table().0
}

/// Folded canonical key → kind (`person`, `place`, `org`) from `data/aliases.tsv`.
pub(crate) fn alias_kinds() -> &'static FxHashMap<String, String> {
    &alias_table().1
}

/// Folded canonical key → the canonical spelling as written in `data/aliases.tsv` (what the
/// sidebar shows for that entity).
pub(crate) fn alias_display() -> &'static FxHashMap<String, String> {
    static D: OnceLock<FxHashMap<String, String>> = OnceLock::new();
    D.get_or_init(|| {
        let mut m = FxHashMap::default();
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

/// The one-word spellings of each name in `data/aliases.tsv`, as written (canonical first):
/// search treats them as spelling variants of one another (الكرملين, الكريملن).
pub(crate) fn one_word_spellings() -> &'static [Vec<String>] {
    static S: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    S.get_or_init(|| {
        data_lines(ALIASES_TSV)
            .map(|cols| {
                cols.iter()
                    .skip(1)
                    .filter(|w| !w.trim().is_empty() && !w.trim().contains(' '))
                    .map(|w| w.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|g| g.len() > 1)
            .collect()
    })
}

/// Organisation trigger words, only normalised (proclitics kept): وزارة stays وزاره, so that
/// لمنظمة → منظمة can be told from وزارة → زارة.
pub(crate) fn org_heads_plain() -> &'static FxHashSet<String> {
    static H: OnceLock<FxHashSet<String>> = OnceLock::new();
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
    static F: OnceLock<FxHashSet<String>> = OnceLock::new();
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

type AliasTable = (FxHashMap<String, String>, FxHashMap<String, String>);

fn alias_table() -> &'static AliasTable {
    static A: OnceLock<AliasTable> = OnceLock::new();
    A.get_or_init(|| {
        let mut map = FxHashMap::default();
        let mut kinds = FxHashMap::default();
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

/// The longest phrases of a sentence of folded words, left to right: at each position, the longest
/// run of at most `max_words` words, none of them `skip`ped, whose space-joined key `lookup`
/// accepts (`lookup(start, words, key)`); the scan goes on after a match, or at the next word.
/// A position whose word no phrase `starts` with is passed over at once. Returns
/// `(start, words, value)` of every match.
///
/// The one longest-match scan of the entity code: gazetteer spans (tagger features), alias-table
/// phrases and the one-sense-per-article pass use it.
pub(crate) fn longest_phrases<T>(
    words: &[&str],
    max_words: usize,
    starts: impl Fn(&str) -> bool,
    skip: impl Fn(usize) -> bool,
    mut lookup: impl FnMut(usize, usize, &str) -> Option<T>,
) -> Vec<(usize, usize, T)> {
    let mut found = Vec::new();
    let mut key = String::new();
    let mut ends: Vec<usize> = Vec::with_capacity(max_words);
    let mut i = 0;
    while i < words.len() {
        if !starts(words[i]) {
            i += 1;
            continue;
        }
        // The longest candidate key once; each shorter one is a prefix of it.
        key.clear();
        ends.clear();
        let hi = words.len().min(i + max_words);
        for (k, w) in words.iter().enumerate().take(hi).skip(i) {
            if skip(k) {
                break;
            }
            if k > i {
                key.push(' ');
            }
            key.push_str(w);
            ends.push(key.len());
        }
        let hit = (1..=ends.len())
            .rev()
            .find_map(|n| lookup(i, n, &key[..ends[n - 1]]).map(|v| (n, v)));
        match hit {
            Some((n, v)) => {
                found.push((i, n, v));
                i += n;
            }
            None => i += 1,
        }
    }
    found
}

/// A 64-bit fingerprint of the embedded lists the tagger's features read (places, triggers,
/// organisations, person names, sport words, word classes). The model records the one
/// it was trained with, so a model and lists that drifted apart are caught at load time.
pub(crate) fn lists_fingerprint() -> u64 {
    [
        GAZETTEER_TSV,
        TRIGGERS_TSV,
        ORG_TSV,
        PERSON_TSV,
        SPORT_TSV,
        crate::entities::word_classes::WORD_CLASSES_TSV,
        crate::entities::word_classes::ARABIC_VERBS_TSV,
        crate::text::variants::WORDS,
    ]
    .iter()
    .enumerate()
    .fold(0u64, |h, (i, tsv)| {
        h ^ xxhash_rust::xxh3::xxh3_64(tsv.as_bytes()).rotate_left(17 * i as u32)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_normalised_is_strip_proclitics() {
        for p in crate::text::PROCLITICS.iter().filter(|p| p.strip) {
            assert!(matches!(
                p.form.chars().next(),
                Some('و' | 'ف' | 'ب' | 'ك' | 'ل' | 'ا')
            ));
        }
        for w in [
            "والروسي",
            "لروسيا",
            "روسيا",
            "بوتين",
            "الكرملين",
            "",
            "abc",
            "وو",
        ] {
            let n = normalize(w);
            assert_eq!(strip_normalised(&n), strip_proclitics(&n), "{w}");
        }
    }

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

    #[test]
    fn longest_phrases_take_the_longest_match_and_move_past_it() {
        let words = ["a", "b", "c", "", "b", "c", "d"];
        let phrases = ["a", "a b", "a b c d", "b c", "c"];
        let found = longest_phrases(
            &words,
            4,
            |w| !w.is_empty(),
            |k| words[k].is_empty(),
            |_, _, key| phrases.contains(&key).then(|| key.to_string()),
        );
        assert_eq!(
            found,
            vec![
                (0, 2, "a b".to_string()),
                (2, 1, "c".to_string()),
                (4, 2, "b c".to_string()),
            ]
        );
    }
}
