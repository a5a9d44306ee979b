//! The rule passes that clean up the tagger's output for one sentence, then for the article:
//! [`alias_spans`] (whole alias-table phrases win), [`ministry_spans`] (وزارة + definite noun),
//! [`refine_chunks`] (split at a conjunction joining two names; a title holder after a place; a
//! name after an organisation head), and [`propagate`] (one sense per article).

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::conll;
use super::group::{make_mention, Mention};
use super::keys::is_nisba;
use super::kind::EntityKind;
use super::lexicon::{
    alias_kinds, aliases, data_lines, fold_word, gazetteer, longest_phrases, triggers, Trigger,
};
use super::tagger::{EntType, Tag, TokInfo};
use super::tokens::Span;
use crate::text::{is_arabic_mark, is_proclitic_letter, normalize};

/// The embedded list of organisation naming heads and the fillers that may follow them.
const NAMING_HEADS_TSV: &str = include_str!("../../data/naming_heads.tsv");

/// Organisation heads after which a name is the organisation's own (وكالة ريا نوفوستي, شركة
/// أرامكو, صحيفة الأهرام), folded; and the normalised words that may stand between a head and
/// the name (وكالة أنباء X, وكالة الأنباء X). From `data/naming_heads.tsv`.
struct NamingHeads {
    heads: Vec<String>,
    fillers: Vec<String>,
}

fn naming_heads() -> &'static NamingHeads {
    static H: OnceLock<NamingHeads> = OnceLock::new();
    H.get_or_init(|| {
        let mut h = NamingHeads {
            heads: Vec::new(),
            fillers: Vec::new(),
        };
        for cols in data_lines(NAMING_HEADS_TSV) {
            match (cols[0], cols.get(1)) {
                ("head", Some(w)) => h.heads.push(fold_word(w)),
                ("filler", Some(w)) => h.fillers.push(normalize(w)),
                _ => {}
            }
        }
        h
    })
}

fn is_naming_head(word: &str) -> bool {
    let f = fold_word(word);
    naming_heads().heads.contains(&f)
}

/// A token `و+NAME` inside a person or place chunk where NAME occurs on its own in the article or
/// is a gazetteer place: the conjunction joins two names (يريفان وباكو, بوتين وباشينيان).
fn is_conjoined_name(word: &str, attested: &FxHashMap<&str, usize>) -> bool {
    let n = normalize(word);
    let Some(rest) = n.strip_prefix('و') else {
        return false;
    };
    rest.chars().count() >= 3 && (attested.contains_key(rest) || gazetteer().plain.contains(rest))
}

/// A one-word gazetteer place, as written or without its proclitics.
fn is_place_word(word: &str) -> bool {
    let g = gazetteer();
    let n = normalize(word);
    if g.plain.contains(&n) {
        return true;
    }
    // One conjunction or preposition letter in front (وباكو, لموسكو); not ال, which would make
    // الهام (إلهام, a first name) the town هام.
    let mut cs = n.chars();
    cs.next().is_some_and(is_proclitic_letter) && g.plain.contains(cs.as_str())
}

/// The entity chunks of a tagged sentence after the linguistic clean-up rules: a person or place
/// chunk is split at a conjunction و that joins two names, and a person or MISC chunk right after
/// an organisation head (وكالة أنباء ريانوفستي نيوز) is that organisation.
pub(super) fn refine_chunks(
    words: &[&str],
    tags: &[Tag],
    attested: &FxHashMap<&str, usize>,
) -> Vec<(EntType, usize, usize)> {
    let mut out = Vec::new();
    for (ty, a, b) in conll::chunks(tags) {
        // Two known places joined by و are two places, whatever the chunk's type (يريفان وباكو).
        if b == a + 2 && is_place_word(words[a]) && is_conjoined_name(words[a + 1], attested) {
            let n = normalize(words[a + 1]);
            if gazetteer().plain.contains(&n['و'.len_utf8()..]) {
                out.push((EntType::Loc, a, a + 1));
                out.push((EntType::Loc, a + 1, b));
                continue;
            }
        }
        let mut start = a;
        if matches!(ty, EntType::Pers | EntType::Loc) {
            for (k, w) in words.iter().enumerate().take(b).skip(a + 1) {
                if is_conjoined_name(w, attested) {
                    out.push((ty, start, k));
                    start = k;
                }
            }
        }
        out.push((ty, start, b));
    }
    // Title + place + unknown word (رئيس جمهورية أذربيجان إلهام …): the word right after the
    // place is the title-holder's name, not a second place.
    for k in 1..out.len() {
        let (p, c) = (out[k - 1], out[k]);
        if p.0 == EntType::Loc
            && c.0 == EntType::Loc
            && c.1 == p.2
            && c.2 == c.1 + 1
            && !is_place_word(words[c.1])
            && words[p.1.saturating_sub(2)..p.1]
                .iter()
                .any(|w| triggers().get(&fold_word(w)) == Some(&Trigger::Title))
        {
            out[k].0 = EntType::Pers;
        }
    }
    for c in &mut out {
        if !matches!(c.0, EntType::Pers | EntType::Misc) || c.1 == 0 {
            continue;
        }
        let before = normalize(words[c.1 - 1]);
        let head = if naming_heads().fillers.contains(&before) && c.1 >= 2 {
            words[c.1 - 2]
        } else {
            words[c.1 - 1]
        };
        if is_naming_head(head) {
            c.0 = EntType::Org;
        }
    }
    out
}

/// `وزارة` + a definite noun (+ nisba adjectives) that the tagger left untagged is a ministry:
/// وزارة الخارجية الأمريكية, ووزارة الدفاع.
pub(super) fn ministry_spans(words: &[&str], tags: &mut [Tag]) {
    static HEAD: OnceLock<String> = OnceLock::new();
    let ministry = HEAD.get_or_init(|| fold_word("وزارة"));
    let mut i = 0;
    while i + 1 < words.len() {
        // Cheap test first: the word ends like وزارة (…ره after normalisation).
        let bare = words[i].trim_end_matches(|c| is_arabic_mark(c) || c == '\u{0640}');
        if !bare.ends_with("رة") && !bare.ends_with("ره") {
            i += 1;
            continue;
        }
        let head = fold_word(words[i]);
        let next = normalize(words[i + 1]);
        if head == *ministry
            && tags[i] == Tag::O
            && tags[i + 1] == Tag::O
            && next.starts_with("ال")
            && next.chars().count() >= 5
        {
            tags[i] = Tag::B(EntType::Org);
            tags[i + 1] = Tag::I(EntType::Org);
            let mut j = i + 2;
            while j < words.len() && tags[j] == Tag::O && is_nisba(words[j]) {
                tags[j] = Tag::I(EntType::Org);
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
}

/// First words of the alias-table variants: most tokens start none, and are skipped at once.
fn alias_first_words() -> &'static FxHashSet<String> {
    static F: OnceLock<FxHashSet<String>> = OnceLock::new();
    F.get_or_init(|| {
        aliases()
            .keys()
            .filter_map(|k| k.split(' ').next().map(str::to_string))
            .collect()
    })
}

/// Marks every whole alias-table phrase in the sentence as an entity of its kind, replacing
/// whatever the tagger said about those tokens and any entity it cut through.
pub(super) fn alias_spans(folded: &[&str], tags: &mut [Tag]) {
    let firsts = alias_first_words();
    let found = longest_phrases(
        folded,
        4,
        |w| firsts.contains(w),
        |k| folded[k].is_empty(),
        |_, _, key| aliases().get(key),
    );
    for (i, n, canon) in found {
        let ty = match alias_kinds().get(canon).map(String::as_str) {
            Some("person") => EntType::Pers,
            Some("org") => EntType::Org,
            _ => EntType::Loc,
        };
        // Clear entities the phrase cuts through, then tag the phrase.
        let mut a = i;
        while a > 0 && matches!(tags[a], Tag::I(_)) {
            a -= 1;
        }
        let mut b = i + n;
        while b < tags.len() && matches!(tags[b], Tag::I(_)) {
            b += 1;
        }
        for t in &mut tags[a..b] {
            *t = Tag::O;
        }
        tags[i] = Tag::B(ty);
        for t in &mut tags[i + 1..i + n] {
            *t = Tag::I(ty);
        }
    }
}

/// One sense per article: once a name is tagged somewhere, its other occurrences that the tagger
/// missed count too (and a person's last name alone counts as that person).
pub(super) fn propagate(
    text: &str,
    sents: &[Vec<Span>],
    infos: &[Vec<TokInfo>],
    attested: &FxHashMap<&str, usize>,
    mentions: &mut Vec<Mention>,
) {
    let mut known: FxHashMap<String, EntityKind> = FxHashMap::default();
    for m in mentions.iter() {
        known.entry(m.key.clone()).or_insert(m.kind);
        if m.kind == EntityKind::Person {
            if let Some(last) = m.key.rsplit(' ').next() {
                if last.chars().count() >= 3 && last != m.key {
                    known.entry(last.to_string()).or_insert(EntityKind::Person);
                }
            }
        }
    }
    if known.is_empty() {
        return;
    }
    // Byte ranges already inside a mention (a token anywhere in one is taken, not only its last).
    // Mentions never overlap, so sorted by start a binary search finds the one that could hold t.
    let mut spans: Vec<[usize; 2]> = mentions.iter().map(|m| m.span).collect();
    spans.sort_unstable();
    let covered = |t: &Span| {
        let i = spans.partition_point(|m| m[0] < t.end);
        i > 0 && spans[i - 1][1] > t.start
    };
    let firsts: FxHashSet<&str> = known
        .keys()
        .chain(aliases().keys())
        .filter_map(|k| k.split(' ').next())
        .collect();
    let mut extra = Vec::new();
    for (s, inf) in sents.iter().zip(infos) {
        let folded: Vec<&str> = inf.iter().map(|t| t.stripped.as_str()).collect();
        let found = longest_phrases(
            &folded,
            4,
            |w| firsts.contains(w),
            |k| covered(&s[k]) || folded[k].is_empty(),
            |i, n, key| {
                let key = aliases().get(key).map_or(key, String::as_str);
                let &kind = known.get(key)?;
                make_mention(text, kind, &s[i..i + n], attested)
            },
        );
        extra.extend(found.into_iter().map(|(_, _, m)| m));
    }
    mentions.extend(extra);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{extract_with, Tagger};

    fn builtin() -> &'static Tagger {
        Tagger::load_builtin().expect("built-in model loads")
    }

    fn tags_of(spec: &[&str]) -> Vec<Tag> {
        spec.iter().map(|t| Tag::parse(t).expect("tag")).collect()
    }

    #[test]
    fn a_conjunction_between_two_names_splits_the_chunk() {
        // Two gazetteer places joined by و, tagged as one place by the model.
        let words = ["زار", "الوفد", "القاهرة", "ودمشق", "أمس"];
        let tags = tags_of(&["O", "O", "B-LOC", "I-LOC", "O"]);
        let att = FxHashMap::default();
        let ch = refine_chunks(&words, &tags, &att);
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
        // Two gazetteer places the model took for one organisation.
        let tags = tags_of(&["O", "O", "B-ORG", "I-ORG", "O"]);
        let ch = refine_chunks(&words, &tags, &FxHashMap::default());
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
        // Two people, the second attested alone elsewhere in the article.
        let words = ["التقى", "ماكرون", "وشولتس"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS"]);
        let mut att = FxHashMap::default();
        let bare = normalize("شولتس");
        att.insert(bare.as_str(), 1);
        let ch = refine_chunks(&words, &tags, &att);
        assert_eq!(ch, vec![(EntType::Pers, 1, 2), (EntType::Pers, 2, 3)]);
        // A name that merely starts with و (وليد) is not split.
        let words = ["قال", "خالد", "وليد"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS"]);
        let ch = refine_chunks(&words, &tags, &FxHashMap::default());
        assert_eq!(ch, vec![(EntType::Pers, 1, 3)]);
        // End to end: the two places come out as two entities.
        let text = "زار الوفد القاهرة ودمشق الأسبوع الماضي.";
        let ents = extract_with(builtin(), text, None);
        assert!(
            !ents.iter().any(|e| e.name.contains("القاهرة ودمشق")),
            "{ents:?}"
        );
    }

    #[test]
    fn an_unknown_word_after_a_title_and_a_place_is_the_title_holder() {
        let words = ["قال", "رئيس", "جمهورية", "كازاخستان", "توكاييف", "إن"];
        let tags = tags_of(&["O", "O", "O", "B-LOC", "B-LOC", "O"]);
        let ch = refine_chunks(&words, &tags, &FxHashMap::default());
        assert_eq!(ch, vec![(EntType::Loc, 3, 4), (EntType::Pers, 4, 5)]);
        // Without a title before the place, two places stay places.
        let words = ["زار", "الوفد", "كازاخستان", "قيرغيزستان"];
        let tags = tags_of(&["O", "O", "B-LOC", "B-LOC"]);
        let ch = refine_chunks(&words, &tags, &FxHashMap::default());
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
    }

    #[test]
    fn a_name_after_an_agency_or_company_head_is_an_organisation() {
        let words = ["نقلت", "وكالة", "أنباء", "شينخوا", "الصينية"];
        let tags = tags_of(&["O", "O", "O", "B-PERS", "O"]);
        let ch = refine_chunks(&words, &tags, &FxHashMap::default());
        assert_eq!(ch, vec![(EntType::Org, 3, 4)]);
        let words = ["أعلنت", "شركة", "تويوتا", "موتور"];
        let tags = tags_of(&["O", "O", "B-MISC", "I-MISC"]);
        assert_eq!(
            refine_chunks(&words, &tags, &FxHashMap::default()),
            vec![(EntType::Org, 2, 4)]
        );
        // A person after a title stays a person.
        let words = ["قال", "الوزير", "أحمد"];
        let tags = tags_of(&["O", "O", "B-PERS"]);
        assert_eq!(
            refine_chunks(&words, &tags, &FxHashMap::default()),
            vec![(EntType::Pers, 2, 3)]
        );
    }

    #[test]
    fn a_ministry_with_its_definite_noun_is_an_organisation() {
        let words = ["أعلنت", "وزارة", "الدفاع", "الفرنسية", "أمس"];
        let mut tags = vec![Tag::O; 5];
        ministry_spans(&words, &mut tags);
        assert_eq!(tags, tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "O"]));
        let text = "وقالت وزارة الصحة المصرية إن الوضع مستقر";
        let ents = extract_with(builtin(), text, None);
        assert!(
            ents.iter()
                .any(|e| e.kind == EntityKind::Org && e.name == "وزارة الصحة المصرية"),
            "{ents:?}"
        );
    }
}
