//! The rule passes that clean up the tagger's output for one sentence, then for the article, in
//! this order:
//! - [`latin_out`]: tokens with Latin letters and no Arabic letter get no tag (a sentence with no
//!   Arabic letter at all is not even tagged, see `extract_with`);
//! - [`alias_spans`]: whole alias-table phrases win;
//! - [`org_spans`]: organisation names taken whole from their head (`data/name_rules.tsv`):
//!   nisba adjectives (وزارة الدفاع الأرمنية), genitive and ل chains (منظمة حلف شمال الأطلسي,
//!   مجلس التعاون لدول الخليج العربية), one coordination with في + place (منظمة الأمن والتعاون
//!   في أوروبا), a head before a tagged name (مجموعة مينسك is the group, not the city), a head
//!   before the noun the model tagged alone (وزارة [الدفاع] الأرمينية); bounded,
//!   stopping at punctuation, function and stop words, verbs and other names;
//! - [`refine_chunks`]: two names after a dual place word are two places (منطقتي سيونيك
//!   وجغاركونيك); split at a conjunction joining two names, or at ل before a person's name
//!   (بوتين لخان); a predicate glued to a known place cut off (إسلام آباد شريكتان); a title holder
//!   after a place; a name after an organisation head, and a one-word place in a source slot
//!   (`(الأناضول)`, `المصدر: X`, وكالة X) is an organisation; a verb at the front of a person's
//!   name is cut off ([`is_verb_word`]: يلتقي بن سلمان → بن سلمان); a first name takes the
//!   surname after it ([`continues_name`]: إلهام علييف);
//! - [`title_holders`]: words the dictionary does not know right after a title and its
//!   adjectives are the title holder (وزير الخارجية جيخون بايراموف, not the place بايراموف);
//!   the title words come from the tagger's token classes;
//! - [`title_words_out`]: a title alone (وزيري) is not a person, nor a very common definite word
//!   right after a title (وزير الدفاع) an organisation;
//! - [`quoted_names`]: a person that opens a quotation of two or three words is the whole
//!   quotation (“إيغور خاف”);
//! - [`listed_full_names`]: a place that is a full name of the person list is a person (إلهام
//!   علييف);
//! - [`mark_agencies`]: the agencies the dateline names (`( أردو بوینت نتورك ۔ / سبوتنيك)`) are
//!   organisations, whole;
//! - [`mark_source`]: the one-word source a closing line names (المصدر: تاس), left untagged, is
//!   an organisation (`extract_with` reads the source as the corpus does);
//! - [`leading_conjunction`]: a و that is the conjunction is cut from the front of a name
//!   (X وجغاركونيك → جغاركونيك);
//! - [`propagate`]: one sense per article (a one-word place only when it is a listed place or
//!   no dictionary word: المدينة tagged once does not make every مدينة a place).
//!
//! `measure_on_anercorp` (an ignored test) measures the verb, organisation, title-holder and
//! quotation rules on the gold tags of ANERcorp train when `/work/shared/data/anercorp/train.txt`
//! is there: the verb rule cuts the first word of 2 of 2,735 gold persons (تسيبي ليفني, يلينا
//! يانكوفيتش); the title-holder rule, run with no tags at all, makes 69 persons: 53 exactly a
//! gold person, 14 part of one (a first name before a surname the dictionary knows), 2 not (one
//! an unannotated coach, ميهاي ستويكيتا; the other بدارفور); the quotation rule changes none of
//! the gold chunks, and of the gold persons cut to their first word it restores 23, all exactly.
//! Tried and not kept: the two-word form for names the dictionary knows closed by punctuation as
//! well as by و+title (10 more, 2 wrong: ارتكب خطا); any adjective after a definite title (11
//! more, 5 wrong: الرئيس التنفيذي لكيوتل).

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::conll;
use super::group::{make_mention, Mention, Names};
use super::keys::is_nisba;
use super::kind::EntityKind;
use super::lexicon::{
    alias_kinds, aliases, data_lines, fold_phrase, fold_word, gazetteer, is_function_word,
    longest_phrases, person_full_names, person_names, triggers, Trigger,
};
use super::tagger::{EntType, Tag};
use super::tokens::Span;
use crate::text::{is_proclitic_letter, normalize};

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
fn is_conjoined_name(word: &str, attested: &super::Attested) -> bool {
    let n = normalize(word);
    let Some(rest) = n.strip_prefix('و') else {
        return false;
    };
    rest.chars().count() >= 3 && (attested.contains(rest) || gazetteer().plain.contains(rest))
}

/// A token `ل+NAME` inside a person chunk where NAME occurs on its own in the article and the
/// token is not itself a listed name (لابيد, لادن): the preposition starts a second person
/// (بوتين لخان: "Putin to Khan").
fn is_addressed_name(word: &str, attested: &super::Attested) -> bool {
    let n = normalize(word);
    let Some(rest) = n.strip_prefix('ل') else {
        return false;
    };
    !rest.starts_with('ل')
        && rest.chars().count() >= 3
        && attested.contains(rest)
        && !person_names().contains(&n)
}

/// How many of a place chunk's words to keep: all, unless its first words are a gazetteer place
/// and every word after them is an indefinite word that is not a place (إسلام آباد شريكتان, the
/// predicate glued on). A definite word after the place may be its adjective (كوريا الشمالية);
/// after a one-word place only a verb is cut (موسكو تؤكد), since short places begin longer
/// ones the list may lack (خان يونس).
fn place_prefix(words: &[&str]) -> usize {
    let n = words.len();
    if n < 2 {
        return n;
    }
    let phrases = &gazetteer().phrases;
    // The longest run of first words that is a place: the whole chunk keeps all of it.
    let k = (1..=n)
        .rev()
        .find(|&k| phrases.contains(&fold_phrase(&words[..k].join(" "))));
    let Some(k) = k.filter(|&k| k < n) else {
        return n;
    };
    let plain = words[k..].iter().all(|w| {
        !is_definite(&normalize(w))
            && !is_place_word(w)
            && !is_punct_word(w)
            && (k >= 2 || is_verb_word(w))
    });
    if plain {
        k
    } else {
        n
    }
}

/// A one-word country, territory or major city (the CLDR part of the gazetteer), as written or
/// after one proclitic letter (وأذربيجان).
fn is_major_place(word: &str) -> bool {
    in_set_clitic(&gazetteer().major, &normalize(word))
}

/// A one-word gazetteer place, as written or without its proclitics.
pub(super) fn is_place_word(word: &str) -> bool {
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
    attested: &super::Attested,
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
        // "The two regions X and Y" (منطقتي سيونيك وجغاركونيك): two places, whatever the
        // chunk's type.
        if b == a + 2
            && a > 0
            && is_dual_place_head(words[a - 1])
            && normalize(words[a + 1]).starts_with('و')
        {
            out.push((EntType::Loc, a, a + 1));
            out.push((EntType::Loc, a + 1, b));
            continue;
        }
        let mut start = a;
        // A country or major city at the front of a longer person chunk is the leader's, not
        // part of the name (قادة روسيا فلاديمير بوتين وأذربيجان إلهام علييف); a town that is
        // also a first name is the name (الفنان اشرف عبد الباقي).
        if ty == EntType::Pers && b - a >= 3 && is_major_place(words[a]) {
            out.push((EntType::Loc, a, a + 1));
            start = a + 1;
        }
        if matches!(ty, EntType::Pers | EntType::Loc) {
            for (k, w) in words.iter().enumerate().take(b).skip(start + 1) {
                let joins = is_conjoined_name(w, attested)
                    || (ty == EntType::Pers && is_addressed_name(w, attested));
                if joins {
                    out.push((ty, start, k));
                    start = k;
                }
            }
        }
        let end = if ty == EntType::Loc {
            start + place_prefix(&words[start..b])
        } else {
            b
        };
        out.push((ty, start, end));
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
        if c.0 == EntType::Org || c.1 == 0 {
            continue;
        }
        let before = normalize(words[c.1 - 1]);
        let head = if naming_heads().fillers.contains(&before) && c.1 >= 2 {
            words[c.1 - 2]
        } else {
            words[c.1 - 1]
        };
        // A person or MISC after a naming head; a place only when it is one word (وكالة
        // الأناضول, but شركة نفط الكويت keeps its place).
        if is_naming_head(head) && (c.0 != EntType::Loc || c.2 == c.1 + 1) {
            c.0 = EntType::Org;
        }
        if c.0 == EntType::Loc && c.2 == c.1 + 1 && is_source_slot(words, c.1) {
            c.0 = EntType::Org;
        }
    }
    // A verb is never part of a person's name: يلتقي بن سلمان → بن سلمان, محمد علي زار → محمد
    // علي; a person chunk that is only a listed verb is dropped.
    out.retain_mut(|c| {
        if c.0 != EntType::Pers {
            return true;
        }
        let listed = |w: &str| name_rules().verb.contains(&normalize(w));
        while c.2 > c.1 + 1 && is_verb_word(words[c.1]) {
            c.1 += 1;
        }
        // Nor its end: a reporting or meeting verb of the list after the name (محمد علي زار).
        while c.2 > c.1 + 1 && in_set_clitic(&name_rules().verb, &normalize(words[c.2 - 1])) {
            c.2 -= 1;
        }
        !(c.2 == c.1 + 1 && listed(words[c.1]))
    });
    // A first name and the surname after it, untagged or tagged as a name of its own, are one
    // person (إلهام علييف), also when the model took the first name for a place it is not.
    let one_name = |c: &(EntType, usize, usize)| {
        c.2 == c.1 + 1
            && (c.0 == EntType::Pers || (c.0 == EntType::Loc && !is_place_word(words[c.1])))
    };
    let mut joined: Vec<(EntType, usize, usize)> = Vec::with_capacity(out.len());
    for c in out {
        if let Some(p) = joined.last_mut() {
            if one_name(p) && one_name(&c) && c.1 == p.2 && continues_name(words[p.1], words[c.1]) {
                *p = (EntType::Pers, p.1, c.2);
                continue;
            }
        }
        joined.push(c);
    }
    let mut out = joined;
    let starts: FxHashSet<usize> = out.iter().map(|c| c.1).collect();
    for c in &mut out {
        if one_name(c)
            && c.2 < words.len()
            && !starts.contains(&c.2)
            && continues_name(words[c.1], words[c.2])
        {
            *c = (EntType::Pers, c.1, c.2 + 1);
        }
    }
    out
}

/// The dual of a place word of `data/triggers.tsv` that ends in ة (منطقتي، محافظتين، مدينتي
/// for منطقة، محافظة، مدينة), possibly after a proclitic: two places are named after it.
fn is_dual_place_head(word: &str) -> bool {
    let n = normalize(word);
    ["تي", "تين"].iter().any(|s| {
        n.strip_suffix(s).is_some_and(|stem| {
            triggers().get(&fold_word(&format!("{stem}ة"))) == Some(&Trigger::Loc)
        })
    })
}

/// A name the Arabic dictionary does not know, right after a title and its adjectives, is the
/// title holder's, whatever the model said of it (وزير الخارجية جيخون بايراموف, a minister the
/// model took for a place): see [`title_holder_at`]. `titles` marks the title words of
/// `data/triggers.tsv` (the tagger's token classes have them). The run replaces the one-word chunks of
/// names that are not places inside it; a chunk the model started there is left as it is.
pub(super) fn title_holders(
    words: &[&str],
    titles: &[bool],
    out: &mut Vec<(EntType, usize, usize)>,
) {
    let mut made = Vec::new();
    let mut i = 1;
    while i < words.len() {
        // Most tokens fail on their raw text, before anything is normalised or looked up.
        let found = may_hold_title(words, i)
            .then(|| title_holder_at(words, titles, out, &made, i))
            .flatten();
        let Some(end) = found else {
            i += 1;
            continue;
        };
        let meets = |c: &&(EntType, usize, usize)| c.1 < end && i < c.2;
        let replaceable = |c: &(EntType, usize, usize)| {
            c.1 >= i && c.2 <= end && c.2 == c.1 + 1 && c.0 != EntType::Org
        };
        let model_had_it = out.iter().any(|c| c.1 == i && c.0 == EntType::Pers);
        if model_had_it || !out.iter().filter(meets).all(replaceable) {
            i = end;
            continue;
        }
        out.retain(|c| !(c.1 >= i && c.2 <= end));
        made.push((EntType::Pers, i, end));
        i = end;
    }
    out.extend(made);
    out.sort_by_key(|c| c.1);
}

/// Title words are not names (`titles` and `common` come from the tagger's token classes): a
/// one-word person that is a title, or a title's dual (وزيري), is dropped, and so is a one-word
/// organisation right after a title when it is a definite word that general Arabic text uses
/// very often (`word_classes`, the most common bucket): a portfolio, as in وزير الدفاع. On
/// ANERcorp train, such words after a title are 299 times outside any name and once a one-word
/// organisation (زعيم القاعدة).
pub(super) fn title_words_out(
    words: &[&str],
    titles: &[bool],
    common: &[bool],
    out: &mut Vec<(EntType, usize, usize)>,
) {
    let title = |k: usize| titles[k] || is_dual_title(words[k]);
    out.retain(|&(ty, a, b)| {
        if b != a + 1 {
            return true;
        }
        match ty {
            EntType::Pers => !title(a),
            EntType::Org => {
                !(a > 0 && common[a] && title(a - 1) && is_definite(&normalize(words[a])))
            }
            _ => true,
        }
    });
}

/// A person's name in quotation marks is the whole quotation (`“إيغور خاف”`: the model stops
/// at إيغور, خاف being also a verb): a person that starts right after an opening quote takes
/// the one or two words between it and the closing quote, when they are Arabic words and no
/// definite word (a nisba: `"عزام الأميركي"`), function word, title or other name. On ANERcorp
/// train, 25 of the 26 quotations of two or three words that start with a gold person are that
/// person whole; the one that is not ends with a nisba.
pub(super) fn quoted_names(words: &[&str], titles: &[bool], out: &mut [(EntType, usize, usize)]) {
    const OPEN: &[&str] = &["\"", "“", "«", "„"];
    const CLOSE: &[&str] = &["\"", "”", "»"];
    for ci in 0..out.len() {
        let (ty, a, b) = out[ci];
        if ty != EntType::Pers || a == 0 || !OPEN.contains(&words[a - 1]) {
            continue;
        }
        let Some(close) = (b..words.len().min(a + 4)).find(|&k| CLOSE.contains(&words[k])) else {
            continue;
        };
        let next_chunk = out.get(ci + 1).map_or(words.len(), |c| c.1);
        let fits = (b..close).all(|k| {
            let w = words[k];
            k < next_chunk
                && !titles[k]
                && w.chars().all(crate::text::is_arabic_letter)
                && !is_definite(&normalize(w))
                && !is_function_word(w)
        });
        if close > b && fits {
            out[ci].2 = close;
        }
    }
}

/// Is `word` a title of `data/triggers.tsv` in the dual's construct form (وزيري، وزيرا: the two
/// ministers of)?
fn is_dual_title(word: &str) -> bool {
    let n = normalize(word);
    n.strip_suffix(['ي', 'ا'])
        .is_some_and(|stem| triggers().get(&fold_word(stem)) == Some(&Trigger::Title))
}

/// A "place" of two words or more that is a full name of the person-name list and no listed
/// place is a person: إلهام علييف, which the model took for a place after وأذربيجان. A wider form
/// (any listed first name followed by a word that is no place) was tried and not kept: over
/// 1,000 articles of the benchmark corpus it turned 40 places into persons, nearly all wrongly
/// (كامب ديفيد، سان فرنسيسكو، لينغ شان).
pub(super) fn listed_full_names(words: &[&str], out: &mut [(EntType, usize, usize)]) {
    for c in out.iter_mut() {
        let (ty, a, b) = *c;
        if ty != EntType::Loc || b < a + 2 {
            continue;
        }
        let phrase = fold_phrase(&words[a..b].join(" "));
        if person_full_names().contains(&phrase) && !gazetteer().phrases.contains(&phrase) {
            c.0 = EntType::Pers;
        }
    }
}

/// The raw-text test [`title_holder_at`] starts with: the word at `i` is Arabic (letters and
/// marks) and not definite, and the word before it is a comma or may be a definite word.
fn may_hold_title(words: &[&str], i: usize) -> bool {
    let w = words[i];
    (matches!(words[i - 1], "،" | ",") || may_be_definite(words[i - 1]))
        && !w.starts_with("ال")
        && w.chars()
            .all(|c| crate::text::is_arabic_letter(c) || crate::text::is_arabic_mark(c))
}

/// A raw-text test that [`is_definite`] may hold of the word once normalised: it starts with
/// an alef and ل, or لل, after و at most. Two chars read, nothing allocated.
fn may_be_definite(w: &str) -> bool {
    let mut cs = w.strip_prefix('و').unwrap_or(w).chars();
    matches!(
        (cs.next(), cs.next()),
        (Some('ا' | 'أ' | 'إ' | 'آ' | 'ٱ' | 'ل'), Some('ل'))
    )
}

/// The end of a title holder's name starting at token `i`, or `None`. Before `i`: a comma at
/// most, then one to three definite words or nisba adjectives (الخارجية, الأذربيجاني), then a
/// title word of `data/triggers.tsv` (وزير, نظيريه, or a definite one: الرئيس); or, for a second title holder in
/// parallel (نظيريه الأرمني، زوغراب مناتساكانيان، والأذربيجاني، جيخون بايراموف), a nisba with و
/// right after a person's name and a comma. From `i`: one to three words of three letters or
/// more, Arabic letters only, that the dictionary does not know (also after one proclitic
/// letter) and that are no place, title, function word, verb or definite word; the first not
/// a و that is no listed name. Or, after a title, two such words the dictionary knows, closed
/// by a second title holder: وزير الدفاع التركي خلوصي أكار ونظيره الروسي.
fn title_holder_at(
    words: &[&str],
    titles: &[bool],
    out: &[(EntType, usize, usize)],
    made: &[(EntType, usize, usize)],
    i: usize,
) -> Option<usize> {
    let comma = |w: &str| matches!(w, "،" | ",");
    let mut k = i;
    if k > 0 && comma(words[k - 1]) {
        k -= 1;
    }
    // The adjectives by their raw letters first, the title, and only then what needs the
    // words normalised: a title is rare, a definite word is not.
    let mut adjectives = 0;
    while k > 0 && adjectives < 3 && !titles[k - 1] && may_be_definite(words[k - 1]) {
        k -= 1;
        adjectives += 1;
    }
    if adjectives == 0 {
        return None;
    }
    let title = k > 0 && titles[k - 1];
    let parallel = !title
        && adjectives == 1
        && k >= 2
        && comma(words[k - 1])
        && out
            .iter()
            .chain(made)
            .any(|c| c.0 == EntType::Pers && c.2 == k - 1)
        && normalize(words[k]).starts_with("وال")
        && is_nisba(words[k]);
    if !title && !parallel {
        return None;
    }
    // After a definite title (الرئيس), only nisba adjectives: الرئيس الروسي، not the
    // predicate of الرئيس السابق للمجلس.
    let definite_title = title && may_be_definite(words[k - 1]);
    let adjs = &words[k..k + adjectives];
    if !adjs.iter().all(|w| is_definite(&normalize(w)))
        || (definite_title && !adjs.iter().all(|w| is_nisba(w)))
    {
        return None;
    }
    // A word that may be part of a name at all.
    let plain = |w: &str| {
        let n = normalize(w);
        n.chars().count() >= 3
            && n.chars().all(crate::text::is_arabic_letter)
            && !is_definite(&n)
            && !is_place_word(w)
            && triggers().get(&fold_word(w)).is_none()
            && !is_function_word(&n)
            && !is_verb_word(w)
    };
    // A name rarely starts with و or ل that is not a listed name: there it is the
    // conjunction or the preposition (وجهتهن, والري; الرئيس التنفيذي لكيوتل).
    let first = normalize(words[i]);
    let conjunction = first.starts_with(['و', 'ل']) && !person_names().contains(&first);
    if conjunction {
        return None;
    }
    let unknown = |w: &str| {
        let n = normalize(w);
        !crate::text::variants::is_dictionary_word(&n)
            && !n
                .strip_prefix(|c| matches!(c, 'و' | 'ف' | 'ب' | 'ل' | 'ك' | 'س'))
                .is_some_and(crate::text::variants::is_dictionary_word)
    };
    let end = (i..words.len().min(i + 3))
        .take_while(|&j| plain(words[j]) && unknown(words[j]))
        .last()
        .map(|j| j + 1);
    if end.is_some() {
        return end;
    }
    // Two words the dictionary knows (خلوصي أكار) make a name only between a title and a
    // second title holder (ونظيره الروسي).
    let closes = |j: usize| words[j].starts_with('و') && titles[j];
    (title && i + 2 < words.len() && plain(words[i]) && plain(words[i + 1]) && closes(i + 2))
        .then_some(i + 2)
}

/// Is `next` the surname of the one-word name `first`: both in the person-name list
/// (`data/gazetteer_per.tsv`, a proclitic on `first` looked through: وإلهام), and `next` a word
/// the Arabic dictionary does not know (so not كريم or سعيد, names that are also words).
pub(super) fn continues_name(first: &str, next: &str) -> bool {
    let names = person_names();
    let first = normalize(first);
    let next = normalize(next);
    let listed = |w: &str| {
        names.contains(w) || {
            let mut cs = w.chars();
            cs.next().is_some_and(is_proclitic_letter) && names.contains(cs.as_str())
        }
    };
    listed(&first)
        && names.contains(&next)
        && next.chars().all(crate::text::is_arabic_letter)
        && !crate::text::variants::is_dictionary_word(&next)
}

/// Is the one-word name at `k` where an article names its source: a dateline or closing bracket
/// `(X)` (the bracket the first or second token of the sentence: `(رويترز)`, `أنقرة (الأناضول)`), or
/// right after `المصدر:`? Such a name is an agency, an organisation.
fn is_source_slot(words: &[&str], k: usize) -> bool {
    let bracketed = k >= 1 && words[k - 1] == "(" && words.get(k + 1) == Some(&")") && k - 1 <= 1;
    let labelled = k >= 2
        && matches!(words[k - 1], ":" | "：")
        && name_rules().agency.contains(&normalize(words[k - 2]));
    bracketed || labelled
}

/// The article's source (`source`, as the closing line names it: [`closing_source`]) where
/// the model left it untagged in a source slot (المصدر: تاس): an organisation, as the corpus
/// already takes it for the article's source. One word only; longer names go by their head
/// (وكالة الأنباء الألمانية).
///
/// [`closing_source`]: crate::corpus::closing_source
pub(super) fn mark_source(words: &[&str], chunks: &mut Vec<(EntType, usize, usize)>, source: &str) {
    let source = normalize(source);
    for k in 1..words.len() {
        if is_source_slot(words, k)
            && normalize(words[k]) == source
            && !chunks.iter().any(|c| c.1 <= k && k < c.2)
        {
            chunks.push((EntType::Org, k, k + 1));
            chunks.sort_by_key(|c| c.1);
        }
    }
}

/// The agencies the dateline names (`agencies`: each the normalised words of one name, as
/// [`dateline_agencies`] reads them) are organisations, whole, where the sentence (`norms`, its
/// normalised words) credits them, between brackets, slashes or dashes: `أردو بوینت نتورك`,
/// which the model took in part for the place أردو. What the tagger said over those words gives way. Returns the spans
/// marked.
///
/// [`dateline_agencies`]: crate::corpus::dateline_agencies
pub(super) fn mark_agencies(
    norms: &[&str],
    chunks: &mut Vec<(EntType, usize, usize)>,
    agencies: &[Vec<String>],
) -> Vec<(usize, usize)> {
    let mut marked = Vec::new();
    for agency in agencies {
        let n = agency.len();
        if n == 0 || n > norms.len() {
            continue;
        }
        // Only where a credit stands: after `(`, `/` or `-`, before `)`, `/`, `-` or `۔` (a
        // dateline saying `(خاص)` must not make every خاص of the article an organisation).
        let credit = |k: usize| {
            k > 0
                && matches!(norms[k - 1], "(" | "/" | "-")
                && norms
                    .get(k + n)
                    .is_some_and(|w| matches!(*w, ")" | "/" | "-" | "۔"))
        };
        let mut k = 0;
        while k + n <= norms.len() {
            if !credit(k) || !norms[k..k + n].iter().eq(agency) {
                k += 1;
                continue;
            }
            chunks.retain(|c| c.2 <= k || k + n <= c.1);
            chunks.push((EntType::Org, k, k + n));
            chunks.sort_by_key(|c| c.1);
            marked.push((k, k + n));
            k += n;
        }
    }
    marked
}

/// The embedded word lists of the whole-name rules (heads, adjectives, stop words, verbs).
const NAME_RULES_TSV: &str = include_str!("../../data/name_rules.tsv");

/// The classes of `data/name_rules.tsv`, normalised (proclitics kept).
#[derive(Default)]
struct NameRules {
    head: FxHashSet<String>,
    weakhead: FxHashSet<String>,
    ofhead: FxHashSet<String>,
    adj: FxHashSet<String>,
    stop: FxHashSet<String>,
    verb: FxHashSet<String>,
    name: FxHashSet<String>,
    agency: FxHashSet<String>,
    /// Last letters of the heads, as written (ه and ة, ي and ى alike): a quick test before a
    /// word is normalised.
    head_ends: Vec<char>,
}

fn name_rules() -> &'static NameRules {
    static R: OnceLock<NameRules> = OnceLock::new();
    R.get_or_init(|| {
        let mut r = NameRules::default();
        for cols in data_lines(NAME_RULES_TSV) {
            let Some(w) = cols.get(1) else { continue };
            let set = match cols[0] {
                "head" => &mut r.head,
                "weakhead" => &mut r.weakhead,
                "ofhead" => &mut r.ofhead,
                "adj" => &mut r.adj,
                "stop" => &mut r.stop,
                "verb" => &mut r.verb,
                "name" => &mut r.name,
                "agency" => &mut r.agency,
                _ => continue,
            };
            set.insert(normalize(w));
        }
        for h in r.head.iter().chain(&r.weakhead).chain(&r.ofhead) {
            let Some(c) = h.chars().next_back() else {
                continue;
            };
            let forms: &[char] = match c {
                'ه' => &['ه', 'ة'],
                'ي' => &['ي', 'ى'],
                _ => &[c],
            };
            for &f in forms {
                if !r.head_ends.contains(&f) {
                    r.head_ends.push(f);
                }
            }
        }
        r
    })
}

/// Is the normalised word `n` in `set`, as written or after one proclitic letter (ومجلس,
/// لمنظمة)?
fn in_set_clitic(set: &FxHashSet<String>, n: &str) -> bool {
    if set.contains(n) {
        return true;
    }
    let mut cs = n.chars();
    cs.next().is_some_and(is_proclitic_letter) && set.contains(cs.as_str())
}

/// A word that is only punctuation.
fn is_punct_word(w: &str) -> bool {
    w.chars().all(super::tokens::is_punct)
}

/// A definite word (ال + at least three letters), possibly after one proclitic letter.
fn is_definite(n: &str) -> bool {
    let body = n
        .strip_prefix("ال")
        .or_else(|| n.strip_prefix("وال"))
        .or_else(|| n.strip_prefix("لل"));
    body.is_some_and(|b| b.chars().count() >= 3 && b.chars().all(crate::text::is_arabic_letter))
}

/// Is `word` a verb that cannot start a person's name: a reporting or meeting verb of
/// `data/name_rules.tsv` (يلتقي, قال, أعلن), or an imperfect form (ي/ت + a consonant, four
/// letters or more: يبحث, تستقبل) that the Arabic dictionary knows and that is not a first name of
/// the list (يحيى, تركي stay), a title or a place. Foreign names that the loose dictionary also
/// knows (توني, يوري, ياري) have a long vowel second and are kept. A leading و is looked through
/// (ويلتقي); ف is not (فيصل).
pub(super) fn is_verb_word(word: &str) -> bool {
    let r = name_rules();
    let n = normalize(word);
    let mut forms = vec![n.as_str()];
    if let Some(rest) = n.strip_prefix('و') {
        if rest.chars().count() >= 3 {
            forms.push(rest);
        }
    }
    forms.iter().any(|&w| {
        if r.verb.contains(w) {
            return true;
        }
        let mut cs = w.chars();
        matches!(cs.next(), Some('ي' | 'ت'))
            && !matches!(cs.next(), Some('ا' | 'و' | 'ي' | 'ى'))
            && w.chars().count() >= 4
            && !r.name.contains(w)
            && triggers().get(w).is_none()
            && !gazetteer().plain.contains(w)
            && crate::text::variants::is_dictionary_word(w)
    })
}

/// Organisation names taken whole, over what the tagger said (it often stops after the second
/// word). At an organisation head of `data/name_rules.tsv` (with one proclitic letter at most,
/// untagged or starting an organisation):
/// - an `ofhead` right before a tagged name makes one organisation of both (مجموعة مينسك, not the
///   place مينسك), with the nisba adjectives after it;
/// - a `head` or `weakhead` followed by a genitive chain — up to three bare nouns and a definite
///   noun or a tagged place (حلف شمال الأطلسي, الدفاع, خارجية روسيا) — then at most one
///   coordinated definite noun (الأمن والتعاون, only before في + place, a nisba or the end of the
///   name), nisba adjectives and the adjectives of the list (الروسية, الدولي, السريع), then
///   `في` + place after a coordination (في أوروبا), then one `ل` + chain (لدول الخليج العربية).
///   A `weakhead` (قوات, لجنة) needs an adjective somewhere: قوات الدعم السريع, not قوات الأمن.
///
/// The chain stops at punctuation, a function word, a stop word (weekdays, اليوم), a verb, a
/// person or another name, and after 10 tokens.
pub(super) fn org_spans(words: &[&str], tags: &mut [Tag]) {
    let r = name_rules();
    let n = words.len();
    let mut i = 0;
    while i + 1 < n {
        if !matches!(tags[i], Tag::O | Tag::B(EntType::Org)) {
            i += 1;
            continue;
        }
        // Cheap test first: most words do not end like any head.
        let last = words[i]
            .trim_end_matches(|c| crate::text::is_arabic_mark(c) || c == '\u{0640}')
            .chars()
            .next_back();
        if !last.is_some_and(|l| r.head_ends.contains(&l)) {
            i += 1;
            continue;
        }
        let w = normalize(words[i]);
        let strong = in_set_clitic(&r.head, &w);
        let weak = in_set_clitic(&r.weakhead, &w);
        let of = in_set_clitic(&r.ofhead, &w);
        if !(strong || weak || of) {
            i += 1;
            continue;
        }
        // The end of the tagger's chunk at i, if it already started an organisation there.
        let mut old_end = i + 1;
        if tags[i] == Tag::B(EntType::Org) {
            while old_end < n && tags[old_end] == Tag::I(EntType::Org) {
                old_end += 1;
            }
        }
        let mut end = None;
        if of && tags[i] == Tag::O {
            if let Tag::B(_) = tags[i + 1] {
                let mut j = i + 2;
                while j < n && matches!(tags[j], Tag::I(_)) {
                    j += 1;
                }
                while j < n
                    && is_nisba(words[j])
                    && (tags[j] == Tag::O
                        || (matches!(tags[j], Tag::B(_))
                            && !matches!(tags.get(j + 1), Some(Tag::I(_)))))
                {
                    j += 1;
                }
                end = Some(j);
            }
        }
        if end.is_none() && (strong || weak) {
            end = chain_end(words, tags, i + 1, weak);
        }
        match end {
            Some(j) if j > old_end => {
                tags[i] = Tag::B(EntType::Org);
                for t in &mut tags[i + 1..j] {
                    *t = Tag::I(EntType::Org);
                }
                if j < n {
                    if let Tag::I(x) = tags[j] {
                        tags[j] = Tag::B(x);
                    }
                }
                i = j;
            }
            _ => i = old_end.max(i + 1),
        }
    }
}

/// Longest organisation name (in tokens) the chain rule allows at all.
const MAX_ORG_TOKENS: usize = 10;

/// The end of the name chain that starts at `start` right after an organisation head (see
/// [`org_spans`]), or `None` when there is none.
fn chain_end(words: &[&str], tags: &[Tag], start: usize, weak: bool) -> Option<usize> {
    let r = name_rules();
    let n = words.len().min(start + MAX_ORG_TOKENS - 1);
    // The model often tags the noun after the head as the organisation (وزارة [الدفاع]
    // الأرمينية): a chunk it starts right there is the name's.
    let free = |k: usize| {
        matches!(tags[k], Tag::O | Tag::I(EntType::Org))
            || (k == start && tags[k] == Tag::B(EntType::Org))
    };
    let plain = |k: usize| normalize(words[k]);
    let blocked = |k: usize| {
        let w = plain(k);
        is_punct_word(words[k])
            || is_function_word(words[k])
            || r.stop.contains(&w)
            || is_verb_word(words[k])
            || !w.chars().all(crate::text::is_arabic_letter)
    };
    // Up to three bare nouns, then a definite noun or a tagged place: the genitive chain.
    // `bare`: bare nouns already taken (the ل noun of a ل chain is one).
    let genitive = |mut j: usize, mut bare: usize| -> Option<usize> {
        loop {
            if j >= n || blocked(j) {
                return None;
            }
            if bare > 0 && tags[j] == Tag::B(EntType::Loc) {
                j += 1;
                while j < words.len() && tags[j] == Tag::I(EntType::Loc) {
                    j += 1;
                }
                return Some(j);
            }
            if !free(j) {
                return None;
            }
            let w = plain(j);
            if w.starts_with("ال") && is_definite(&w) {
                return Some(j + 1);
            }
            if bare == 3 || w.starts_with("ال") || w.chars().count() < 3 {
                return None;
            }
            if in_set_clitic(&r.head, &w) || in_set_clitic(&r.weakhead, &w) {
                return None;
            }
            // A preposition letter in front (بزعامة) ends the name: an idafa noun carries none.
            let mut cs = w.chars();
            if matches!(cs.next(), Some('ب' | 'ل' | 'ك'))
                && cs.as_str().chars().count() >= 3
                && crate::text::variants::is_dictionary_word(cs.as_str())
            {
                return None;
            }
            bare += 1;
            j += 1;
        }
    };
    // A nisba adjective may come tagged as a one-word place (الأرمنية is an alias spelling of
    // أرمينيا); after a head it is the organisation's adjective.
    let lone = |k: usize| {
        matches!(tags[k], Tag::B(EntType::Loc | EntType::Misc))
            && !matches!(tags.get(k + 1), Some(Tag::I(_)))
    };
    let adjectives = |mut j: usize| -> usize {
        while j < n
            && ((free(j) && (is_nisba(words[j]) || r.adj.contains(&plain(j))))
                || (lone(j) && is_nisba(words[j])))
        {
            j += 1;
        }
        j
    };
    let mut j = genitive(start, 0)?;
    let mut has_adj = false;
    // One coordinated definite noun (الأمن والتعاون), only where the name plainly goes on or
    // ends after it.
    let mut coord = false;
    if j < n
        && free(j)
        && plain(j).starts_with("وال")
        && is_definite(&plain(j))
        && !blocked(j)
        && triggers().get(&fold_word(words[j])).is_none()
    {
        let k = j + 1;
        let next = (k < words.len()).then(|| plain(k));
        let ends = match &next {
            None => true,
            Some(w) => {
                is_punct_word(words[k])
                    || w == "في"
                    || is_nisba(words[k])
                    || !(w.starts_with("ال") || w.starts_with("وال"))
            }
        };
        if ends {
            j = k;
            coord = true;
        }
    }
    let a = adjectives(j);
    has_adj |= a > j;
    j = a;
    // في + place after a coordination: منظمة الأمن والتعاون في أوروبا.
    if coord && j + 1 < words.len() && plain(j) == "في" {
        let k = j + 1;
        if tags[k] == Tag::B(EntType::Loc) || (tags[k] == Tag::O && is_place_word(words[k])) {
            j = k + 1;
            while j < words.len() && tags[j] == Tag::I(EntType::Loc) {
                j += 1;
            }
        }
    }
    // ل + a genitive chain that starts with a bare noun: لدول الخليج العربية, لشؤون اللاجئين.
    if j < n && free(j) {
        let w = plain(j);
        if let Some(rest) = w.strip_prefix('ل') {
            if !rest.starts_with(['ل', 'ا'])
                && rest.chars().count() >= 3
                && !blocked(j)
                && !in_set_clitic(&r.head, rest)
                && !in_set_clitic(&r.weakhead, rest)
                && !is_naming_head(rest)
            {
                if let Some(e) = genitive(j + 1, 1) {
                    let a = adjectives(e);
                    has_adj |= a > e;
                    j = a;
                }
            }
        }
    }
    if weak && !has_adj {
        return None;
    }
    Some(j)
}

/// Is the و at the front of the name that starts at token `a` the conjunction, never part of a
/// name: the word is not a dictionary word or a known place, what follows و has four letters or
/// more and does not start with a long vowel (ويلسون, وارسو keep it), and the word before is a
/// name (`after_name`: a tagged name ends right there) or a word the dictionary does not know
/// (سيونيك وجغاركونيك → جغاركونيك).
pub(super) fn leading_conjunction(words: &[&str], a: usize, after_name: bool) -> bool {
    let n = normalize(words[a]);
    let Some(rest) = n.strip_prefix('و') else {
        return false;
    };
    if rest.chars().count() < 4
        || rest.starts_with(['ا', 'ي', 'و'])
        || crate::text::variants::is_dictionary_word(&n)
        || gazetteer().plain.contains(&n)
        || !n.chars().all(crate::text::is_arabic_letter)
    {
        return false;
    }
    after_name
        || a.checked_sub(1).is_some_and(|p| {
            let prev = normalize(words[p]);
            prev.chars().count() >= 3
                && prev.chars().all(crate::text::is_arabic_letter)
                && !is_function_word(words[p])
                && !crate::text::variants::is_dictionary_word(&prev)
        })
}

/// Tokens with Latin letters and no Arabic letter (an English or French run inside an article)
/// are outside what the Arabic model knows: their tags are cleared, and an entity they cut
/// starts afresh after them.
pub(super) fn latin_out(words: &[&str], tags: &mut [Tag]) {
    for k in 0..words.len() {
        if is_latin_word(words[k]) {
            tags[k] = Tag::O;
            if let Some(Tag::I(x)) = tags.get(k + 1).copied() {
                tags[k + 1] = Tag::B(x);
            }
        }
    }
}

/// A word with a Latin letter and no Arabic letter.
pub(super) fn is_latin_word(w: &str) -> bool {
    w.chars()
        .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
        && !w.chars().any(crate::text::is_arabic_letter)
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
        // An entity the phrase cuts through keeps its parts on either side as names of their
        // own (وأذربيجان إلهام علييف tagged as one person: the place, then the person).
        if let Some(Tag::I(rest)) = tags.get(i + n).copied() {
            tags[i + n] = Tag::B(rest);
        }
        tags[i] = Tag::B(ty);
        for t in &mut tags[i + 1..i + n] {
            *t = Tag::I(ty);
        }
    }
}

/// One sense per article: once a name is tagged somewhere, its other occurrences that the tagger
/// missed count too (and a person's last name alone counts as that person). Returns those
/// occurrences as mentions.
pub(super) fn propagate<'a>(
    text: &str,
    sents: &[Vec<Span>],
    infos_of: &dyn Fn(usize) -> super::SentenceInfos<'a>,
    attested: &super::Attested,
    mentions: &[Mention],
    names: &mut Names,
) -> Vec<Mention> {
    // Each key once, with the kind of its first mention, and a person key once as a person.
    let mut seen: FxHashMap<super::group::NameId, bool> = FxHashMap::default();
    let mut known: FxHashMap<String, EntityKind> = FxHashMap::default();
    for m in mentions.iter() {
        let person = m.kind == EntityKind::Person;
        match seen.get_mut(&m.key) {
            Some(p) if *p || !person => continue,
            Some(p) => *p = true,
            None => {
                seen.insert(m.key, person);
            }
        }
        let key = names.get(m.key);
        known.entry(key.to_string()).or_insert(m.kind);
        if person {
            if let Some(last) = key.rsplit(' ').next() {
                if last.chars().count() >= 3 && last != key {
                    known.entry(last.to_string()).or_insert(EntityKind::Person);
                }
            }
        }
    }
    if known.is_empty() {
        return Vec::new();
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
    for (si, s) in sents.iter().enumerate() {
        let inf = infos_of(si);
        let folded: Vec<&str> = inf.iter().map(|t| t.stripped()).collect();
        let found = longest_phrases(
            &folded,
            4,
            |w| firsts.contains(w),
            |k| covered(&s[k]) || folded[k].is_empty(),
            |i, n, key| {
                let key = aliases().get(key).map_or(key, String::as_str);
                let &kind = known.get(key)?;
                // A one-word place that the place list lacks and the dictionary has (المدينة
                // tagged once: every مدينة after it is still a city, not a name).
                if n == 1
                    && kind == EntityKind::Place
                    && !is_place_word(&text[s[i].start..s[i].end])
                    && crate::text::variants::is_dictionary_word(folded[i])
                {
                    return None;
                }
                make_mention(text, kind, &s[i..i + n], attested, names)
            },
        );
        extra.extend(found.into_iter().map(|(_, _, m)| m));
    }
    extra
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

    /// The title words among `words`, as the tagger's token classes mark them.
    fn titles_of(words: &[&str]) -> Vec<bool> {
        words
            .iter()
            .map(|w| triggers().get(&fold_word(w)) == Some(&Trigger::Title))
            .collect()
    }

    /// [`refine_with_titles`] of `words` the model left untagged.
    fn untagged_with_titles(words: &[&str]) -> Vec<(EntType, usize, usize)> {
        refine_with_titles(words, &vec![Tag::O; words.len()])
    }

    /// [`refine_chunks`], then [`title_holders`], as `extract_with` runs them.
    fn refine_with_titles(words: &[&str], tags: &[Tag]) -> Vec<(EntType, usize, usize)> {
        let mut out = refine_chunks(words, tags, &crate::entities::Attested::default());
        title_holders(words, &titles_of(words), &mut out);
        out
    }

    /// Does `extract_with` list `name` as an entity of `kind` in `text`?
    fn lists(text: &str, name: &str, kind: EntityKind) -> bool {
        let ents = extract_with(builtin(), text, None);
        let found = ents.iter().any(|e| e.name == name && e.kind == kind);
        if !found {
            eprintln!("{name} not listed: {ents:?}");
        }
        found
    }

    #[test]
    fn a_conjunction_between_two_names_splits_the_chunk() {
        // Two gazetteer places joined by و, tagged as one place by the model.
        let words = ["زار", "الوفد", "القاهرة", "ودمشق", "أمس"];
        let tags = tags_of(&["O", "O", "B-LOC", "I-LOC", "O"]);
        let att = crate::entities::Attested::default();
        let ch = refine_chunks(&words, &tags, &att);
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
        // Two gazetteer places the model took for one organisation.
        let tags = tags_of(&["O", "O", "B-ORG", "I-ORG", "O"]);
        let ch = refine_chunks(&words, &tags, &crate::entities::Attested::default());
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
        // Two people, the second attested alone elsewhere in the article.
        let words = ["التقى", "ماكرون", "وشولتس"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS"]);
        let mut att = crate::entities::Attested::default();
        let bare = normalize("شولتس");
        att.insert(&bare);
        let ch = refine_chunks(&words, &tags, &att);
        assert_eq!(ch, vec![(EntType::Pers, 1, 2), (EntType::Pers, 2, 3)]);
        // A name that merely starts with و (وليد) is not split.
        let words = ["قال", "خالد", "وليد"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS"]);
        let ch = refine_chunks(&words, &tags, &crate::entities::Attested::default());
        assert_eq!(ch, vec![(EntType::Pers, 1, 3)]);
        // An alias-table place that cuts a person chunk leaves the person after it.
        let words = ["قادة", "وأذربيجان", "إلهام", "علييف"];
        let mut tags = tags_of(&["O", "B-PERS", "I-PERS", "I-PERS"]);
        let folded: Vec<String> = words.iter().map(|w| fold_word(w)).collect();
        let folded: Vec<&str> = folded.iter().map(String::as_str).collect();
        alias_spans(&folded, &mut tags);
        assert_eq!(tags[1..], tags_of(&["B-LOC", "B-PERS", "I-PERS"])[..]);
        // A known place in front of a leader's name is the place (قادة مصر وتونس…).
        let words = ["قادة", "وفرنسا", "إيمانويل", "ماكرون"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS", "I-PERS"]);
        let ch = refine_chunks(&words, &tags, &crate::entities::Attested::default());
        assert_eq!(ch, vec![(EntType::Loc, 1, 2), (EntType::Pers, 2, 4)]);
        // End to end: the two places come out as two entities.
        let text = "زار الوفد القاهرة ودمشق الأسبوع الماضي.";
        let ents = extract_with(builtin(), text, None);
        assert!(
            !ents.iter().any(|e| e.name.contains("القاهرة ودمشق")),
            "{ents:?}"
        );
    }

    #[test]
    fn a_preposition_inside_a_person_chunk_starts_the_second_person() {
        // "Putin to Khan": خان occurs on its own in the article.
        let words = ["وجه", "بوتين", "لخان", "دعوة"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS", "O"]);
        let mut att = crate::entities::Attested::default();
        att.insert(&normalize("خان"));
        let ch = refine_chunks(&words, &tags, &att);
        assert_eq!(ch, vec![(EntType::Pers, 1, 2), (EntType::Pers, 2, 3)]);
        // Without خان on its own, or when the word is a listed first name, one person.
        let none = crate::entities::Attested::default();
        assert_eq!(
            refine_chunks(&words, &tags, &none),
            vec![(EntType::Pers, 1, 3)]
        );
        let words = ["قال", "يائير", "لابيد", "إن"];
        let mut att = crate::entities::Attested::default();
        att.insert(&normalize("ابيد"));
        assert_eq!(
            refine_chunks(&words, &tags, &att),
            vec![(EntType::Pers, 1, 3)]
        );
        // End to end: two people, neither with the preposition.
        let text = "قال عمران خان إن الزيارة مهمة. ووجه بوتين لخان دعوة لزيارة موسكو.";
        let ents = extract_with(builtin(), text, None);
        assert!(!ents.iter().any(|e| e.name.contains("لخان")), "{ents:?}");
    }

    #[test]
    fn a_first_name_takes_the_untagged_surname_after_it() {
        let none = crate::entities::Attested::default();
        let words = ["باشينيان", "وإلهام", "علييف", "وزارتي"];
        for spec in [
            ["B-PERS", "B-PERS", "O", "O"],
            ["B-PERS", "B-PERS", "B-PERS", "O"],
            ["B-PERS", "B-LOC", "O", "O"],
        ] {
            assert_eq!(
                refine_chunks(&words, &tags_of(&spec), &none),
                vec![(EntType::Pers, 0, 1), (EntType::Pers, 1, 3)],
                "{spec:?}"
            );
        }
        // Not a word that is also a name in the dictionary, nor a word after a surname.
        for (first, next) in [("محمد", "سعيد"), ("بيسكوف", "وقال"), ("إلهام", "الرئيس")]
        {
            assert!(!continues_name(first, next), "{first} {next}");
        }
        // End to end, across a stray period: one person, not إلهام alone.
        let text = "وقال رئيس جمهورية أذربيجان إلهام. علييف إن المحادثات مستمرة.";
        let ents = extract_with(builtin(), text, None);
        assert!(ents.iter().any(|e| e.name == "إلهام علييف"), "{ents:?}");
    }

    #[test]
    fn the_source_a_closing_line_names_is_an_organisation() {
        let words = ["المصدر", ":", "تاس"];
        let mut chunks = Vec::new();
        mark_source(&words, &mut chunks, "تاس");
        assert_eq!(chunks, vec![(EntType::Org, 2, 3)]);
        // Not another word, not outside a source slot, not over what the model tagged.
        for (words, source) in [
            (["المصدر", ":", "تاس"], "رويترز"),
            (["قال", "مراسل", "تاس"], "تاس"),
        ] {
            let mut chunks = Vec::new();
            mark_source(&words, &mut chunks, source);
            assert!(chunks.is_empty(), "{words:?}");
        }
        let mut chunks = vec![(EntType::Loc, 2, 3)];
        mark_source(&["المصدر", ":", "تاس"], &mut chunks, "تاس");
        assert_eq!(chunks, vec![(EntType::Loc, 2, 3)]);
        // End to end: listed, and only when the closing line names it.
        let text = "قال الكرملين إن اللقاء مهم.\n\nالمصدر: تاس\n";
        assert!(lists(text, "تاس", EntityKind::Org));
        let text = "قال الكرملين إن اللقاء مهم وإن المصدر: تاس هو ما نقل الخبر عنه في تقرير طويل جدا عن اللقاء والمحادثات التي جرت أمس في موسكو بين الوفدين.";
        let ents = extract_with(builtin(), text, None);
        assert!(!ents.iter().any(|e| e.name == "تاس"), "{ents:?}");
    }

    #[test]
    fn two_names_after_a_dual_place_word_are_two_places() {
        let none = crate::entities::Attested::default();
        let words = ["في", "منطقتيّ", "سيونيك", "وجغاركونيك", "في", "أرمينيا"];
        for first in ["B-ORG", "B-LOC", "B-PERS"] {
            let tags = tags_of(&["O", "O", first, &format!("I-{}", &first[2..]), "O", "B-LOC"]);
            assert_eq!(
                refine_chunks(&words, &tags, &none),
                vec![
                    (EntType::Loc, 2, 3),
                    (EntType::Loc, 3, 4),
                    (EntType::Loc, 5, 6)
                ],
                "{first}"
            );
        }
        assert!(is_dual_place_head("محافظتين") && is_dual_place_head("بمدينتي"));
        // Not a word that only ends like a dual, nor a place word's singular.
        for w in ["منطقة", "حكومتي", "الشركتين", "وزارتي"] {
            assert!(!is_dual_place_head(w), "{w}");
        }
        // End to end: the conjunction is not part of the second name.
        let text = "تصاعد التوتر في منطقتي سيونيك وجغاركونيك في أرمينيا على الحدود مع أذربيجان.";
        for name in ["سيونيك", "جغاركونيك"] {
            assert!(lists(text, name, EntityKind::Place));
        }
    }

    #[test]
    fn a_name_the_dictionary_does_not_know_after_a_title_is_the_title_holder() {
        // The model took the surname for a place and missed the first name.
        let words = [
            "وزير",
            "الخارجية",
            "جيخون",
            "بايراموف",
            "توجه",
            "إلى",
            "موسكو",
        ];
        let tags = tags_of(&["O", "O", "O", "B-LOC", "O", "O", "B-LOC"]);
        assert_eq!(
            refine_with_titles(&words, &tags),
            vec![(EntType::Pers, 2, 4), (EntType::Loc, 6, 7)]
        );
        // Two title holders in parallel, each after its nisba and a comma.
        let words = [
            "نظيريه",
            "الأرمني",
            "،",
            "زوغراب",
            "مناتساكانيان",
            "،",
            "والأذربيجاني",
            "،",
            "جيخون",
            "بايراموف",
            "،",
        ];
        let tags = vec![Tag::O; words.len()];
        assert_eq!(
            refine_with_titles(&words, &tags),
            vec![(EntType::Pers, 3, 5), (EntType::Pers, 8, 10)]
        );
        // A chunk the model started there is its own; dictionary words, words with a
        // proclitic before a dictionary word, the conjunction and places are no name.
        let words = ["وزير", "الخارجية", "سيرغي", "لافروف"];
        let tags = tags_of(&["O", "O", "B-PERS", "I-PERS"]);
        assert_eq!(
            refine_with_titles(&words, &tags),
            vec![(EntType::Pers, 2, 4)]
        );
        for words in [
            ["رئيس", "الوزراء", "اللبناني", "،", "واعتقد"],
            ["مدير", "الفريق", "ليخبره", "بموعد", "المباراة"],
            ["وزير", "الخارجية", "في", "حكومة", "الوحدة"],
            ["رئيس", "الوزراء", "الروسي", "موسكو", "أمس"],
            ["رئيس", "السلطة", "الانتقالية", "سيشارك", "غدا"],
        ] {
            assert!(
                !untagged_with_titles(&words)
                    .iter()
                    .any(|c| c.0 == EntType::Pers),
                "{words:?}"
            );
        }
        // Two words the dictionary knows, between a title and و + title; not before a
        // punctuation mark (a verb and its object: ارتكب خطا).
        let words = [
            "وقع",
            "وزير",
            "الدفاع",
            "التركي",
            "خلوصي",
            "أكار",
            "ونظيره",
            "الروسي",
            "سيرغي",
            "شويغو",
        ];
        let tags = tags_of(&["O", "O", "O", "O", "O", "O", "O", "O", "B-PERS", "I-PERS"]);
        assert_eq!(
            refine_with_titles(&words, &tags),
            vec![(EntType::Pers, 4, 6), (EntType::Pers, 8, 10)]
        );
        // A definite title takes nisba adjectives only, and no name behind a preposition.
        let words = ["قال", "الرئيس", "الأذربيجاني", "،", "جيخون", "بايراموف", "،"];
        assert_eq!(untagged_with_titles(&words), vec![(EntType::Pers, 4, 6)]);
        for words in [
            ["منصب", "الرئيس", "السابق", "جيخون", "بايراموف"],
            ["منصب", "الرئيس", "التنفيذي", "لكيوتل", "أمس"],
        ] {
            assert!(untagged_with_titles(&words).is_empty(), "{words:?}");
        }
        assert!(may_be_definite("الرئيس") && may_be_definite("والأرمني") && may_be_definite("للأمم"));
        assert!(!may_be_definite("وزير") && !may_be_definite("ليل") && !may_be_definite("أمس"));
        let words = ["ان", "رئيس", "الجمهورية", "اللبنانية", "ارتكب", "خطا", "."];
        let tags = vec![Tag::O; words.len()];
        assert!(refine_with_titles(&words, &tags).is_empty());
        // End to end: the minister under his full name, not a place.
        let text = "وأعلنت الوزارة أن وزير الخارجية جيخون بايراموف توجه إلى موسكو.";
        assert!(lists(text, "جيخون بايراموف", EntityKind::Person));
    }

    #[test]
    fn a_predicate_glued_to_a_known_place_is_cut_off() {
        let none = crate::entities::Attested::default();
        let words = ["إسلام", "آباد", "شريكتان"];
        let tags = tags_of(&["B-LOC", "I-LOC", "I-LOC"]);
        assert_eq!(
            refine_chunks(&words, &tags, &none),
            vec![(EntType::Loc, 0, 2)]
        );
        // A definite adjective stays (كوريا الشمالية); so does a noun after a one-word place
        // (the list may lack a longer place it begins), but not a verb.
        for (words, keep) in [
            (["كوريا", "الشمالية"], 2),
            (["موسكو", "تؤكد"], 1),
            (["خان", "يونس"], 2),
        ] {
            let tags = tags_of(&["B-LOC", "I-LOC"]);
            assert_eq!(
                refine_chunks(&words, &tags, &none),
                vec![(EntType::Loc, 0, keep)],
                "{words:?}"
            );
        }
    }

    #[test]
    fn an_unknown_word_after_a_title_and_a_place_is_the_title_holder() {
        let words = ["قال", "رئيس", "جمهورية", "كازاخستان", "توكاييف", "إن"];
        let tags = tags_of(&["O", "O", "O", "B-LOC", "B-LOC", "O"]);
        let ch = refine_chunks(&words, &tags, &crate::entities::Attested::default());
        assert_eq!(ch, vec![(EntType::Loc, 3, 4), (EntType::Pers, 4, 5)]);
        // Without a title before the place, two places stay places.
        let words = ["زار", "الوفد", "كازاخستان", "قيرغيزستان"];
        let tags = tags_of(&["O", "O", "B-LOC", "B-LOC"]);
        let ch = refine_chunks(&words, &tags, &crate::entities::Attested::default());
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
    }

    #[test]
    fn a_name_after_an_agency_or_company_head_is_an_organisation() {
        let words = ["نقلت", "وكالة", "أنباء", "شينخوا", "الصينية"];
        let tags = tags_of(&["O", "O", "O", "B-PERS", "O"]);
        let ch = refine_chunks(&words, &tags, &crate::entities::Attested::default());
        assert_eq!(ch, vec![(EntType::Org, 3, 4)]);
        let words = ["أعلنت", "شركة", "تويوتا", "موتور"];
        let tags = tags_of(&["O", "O", "B-MISC", "I-MISC"]);
        assert_eq!(
            refine_chunks(&words, &tags, &crate::entities::Attested::default()),
            vec![(EntType::Org, 2, 4)]
        );
        // A person after a title stays a person.
        let words = ["قال", "الوزير", "أحمد"];
        let tags = tags_of(&["O", "O", "B-PERS"]);
        assert_eq!(
            refine_chunks(&words, &tags, &crate::entities::Attested::default()),
            vec![(EntType::Pers, 2, 3)]
        );
    }

    /// The tags `org_spans` leaves on `words` tagged `spec`.
    fn orgs(words: &[&str], spec: &[&str]) -> Vec<Tag> {
        let mut tags = tags_of(spec);
        org_spans(words, &mut tags);
        tags
    }

    #[test]
    fn organisation_names_are_taken_whole() {
        // Nisba after the noun, untagged, or the tagger stopped after the second word, or the
        // nisba came tagged as a place (an alias spelling of the country).
        let w = ["أعلنت", "وزارة", "الدفاع", "الأرمنية", "أن"];
        let whole = tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "O"]);
        assert_eq!(orgs(&w, &["O", "O", "O", "O", "O"]), whole);
        assert_eq!(orgs(&w, &["O", "B-ORG", "I-ORG", "O", "O"]), whole);
        assert_eq!(orgs(&w, &["O", "O", "O", "B-LOC", "O"]), whole);
        // Other heads, with the nisba: حزب.
        let w = ["قال", "حزب", "الشعب", "الجمهوري", "إن"];
        assert_eq!(
            orgs(&w, &["O"; 5]),
            tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "O"])
        );
        // A ل chain: مجلس التعاون لدول الخليج العربية.
        let w = ["دعا", "مجلس", "التعاون", "لدول", "الخليج", "العربية", "إلى"];
        assert_eq!(
            orgs(&w, &["O", "O", "O", "O", "B-LOC", "O", "O"]),
            tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O"])
        );
        // A genitive chain through a tagged place: منظمة حلف شمال الأطلسي.
        let w = ["قمة", "منظمة", "حلف", "شمال", "الأطلسي", "في", "مدريد"];
        assert_eq!(
            orgs(&w, &["O", "O", "O", "B-LOC", "I-LOC", "O", "B-LOC"]),
            tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-LOC"])
        );
        // و + definite noun, then في + place: منظمة الأمن والتعاون في أوروبا.
        let w = ["لمنظمة", "الأمن", "والتعاون", "في", "أوروبا", "و"];
        assert_eq!(
            orgs(&w, &["B-ORG", "I-ORG", "O", "O", "B-LOC", "O"]),
            tags_of(&["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O"])
        );
        // The adjective stops at a verb.
        let w = ["وقال", "مجلس", "الأمن", "الدولي", "يدين", "الهجوم"];
        assert_eq!(
            orgs(&w, &["O"; 6]),
            tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "O", "O"])
        );
        // A coordination that does not end the name (والأمين العام) is not part of it.
        let w = ["دعا", "مجلس", "الأمن", "والأمين", "العام", "إلى"];
        assert_eq!(
            orgs(&w, &["O"; 6]),
            tags_of(&["O", "B-ORG", "I-ORG", "O", "O", "O"])
        );
        // A weekday is not part of a name; nor is a verbal noun after ل.
        let w = ["أعلنت", "وزارة", "الخارجية", "الأربعاء"];
        assert_eq!(orgs(&w, &["O"; 4]), tags_of(&["O", "B-ORG", "I-ORG", "O"]));
        let w = ["دعا", "مجلس", "الأمن", "لإنهاء", "الحرب", "الأهلية"];
        assert_eq!(
            orgs(&w, &["O"; 6]),
            tags_of(&["O", "B-ORG", "I-ORG", "O", "O", "O"])
        );
    }

    #[test]
    fn forces_need_an_adjective_and_a_group_named_after_a_city_is_an_organisation() {
        let w = ["اشتباكات", "مع", "قوات", "الدعم", "السريع", "في", "الخرطوم"];
        assert_eq!(
            orgs(&w, &["O", "O", "O", "O", "O", "O", "B-LOC"]),
            tags_of(&["O", "O", "B-ORG", "I-ORG", "I-ORG", "O", "B-LOC"])
        );
        // Generic: قوات الأمن; forces of a country stay the country.
        let w = ["انتشرت", "قوات", "الأمن", "في", "المدينة"];
        assert_eq!(orgs(&w, &["O"; 5]), tags_of(&["O"; 5]));
        let w = ["قوات", "جمهورية", "أذربيجان"];
        assert_eq!(
            orgs(&w, &["O", "O", "B-LOC"]),
            tags_of(&["O", "O", "B-LOC"])
        );
        // مجموعة مينسك: the group, not the city; لجنة + a person's name.
        let w = ["في", "مجموعة", "مينسك", "التابعة"];
        assert_eq!(
            orgs(&w, &["O", "O", "B-LOC", "O"]),
            tags_of(&["O", "B-ORG", "I-ORG", "O"])
        );
        let w = ["عقدت", "لجنة", "فينوغراد", "جلسة"];
        assert_eq!(
            orgs(&w, &["O", "O", "B-PERS", "O"]),
            tags_of(&["O", "B-ORG", "I-ORG", "O"])
        );
        // End to end, on sentences written for this test.
        let text = "شارك ممثل مجموعة مينسك في الاجتماع، وأعلنت وزارة الدفاع الأرمنية أن الوضع هادئ. \
                    ودعا مجلس التعاون لدول الخليج العربية إلى الحوار.";
        let ents = extract_with(builtin(), text, None);
        let orgs: Vec<&str> = ents
            .iter()
            .filter(|e| e.kind == EntityKind::Org)
            .map(|e| e.name.as_str())
            .collect();
        for want in [
            "مجموعة مينسك",
            "وزارة الدفاع الأرمنية",
            "مجلس التعاون لدول الخليج العربية",
        ] {
            assert!(orgs.contains(&want), "{want}: {ents:?}");
        }
        assert!(!ents.iter().any(|e| e.name == "مينسك"), "{ents:?}");
    }

    #[test]
    fn latin_words_get_no_entities() {
        let words = [
            "Lavrov",
            "meets",
            "Blinken",
            "in",
            "موسكو",
            "Sochi",
            "بوتين",
        ];
        let mut tags = tags_of(&["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-PERS"]);
        latin_out(&words, &mut tags);
        assert_eq!(tags, tags_of(&["O", "O", "O", "O", "B-ORG", "O", "B-PERS"]));
        let text = "قال الرئيس فلاديمير بوتين في موسكو إن الاتفاق صامد.\n\n\
                    Lavrov meets Blinken in Geneva as the Organization for Security talks resume.\n\n\
                    Le ministre Sergueï Lavrov a rencontré Antony Blinken à Genève.";
        let ents = extract_with(builtin(), text, None);
        assert!(
            ents.iter()
                .all(|e| !e.name.chars().any(|c| c.is_ascii_alphabetic())),
            "{ents:?}"
        );
        assert!(ents.iter().any(|e| e.name.contains("بوتين")), "{ents:?}");
    }

    #[test]
    fn an_agency_in_a_source_slot_is_an_organisation() {
        let att = crate::entities::Attested::default();
        for (words, tags) in [
            (
                vec!["نقلت", "وكالة", "الأناضول", "أن"],
                ["O", "O", "B-LOC", "O"],
            ),
            (vec!["(", "الأناضول", ")", "-"], ["O", "B-LOC", "O", "O"]),
            (
                vec!["أنقرة", "(", "الأناضول", ")"],
                ["B-LOC", "O", "B-LOC", "O"],
            ),
            (
                vec!["المصدر", ":", "الأناضول", "."],
                ["O", "O", "B-LOC", "O"],
            ),
        ] {
            let ch = refine_chunks(&words, &tags_of(&tags), &att);
            let k = words.iter().position(|w| *w == "الأناضول").expect("in");
            assert!(ch.contains(&(EntType::Org, k, k + 1)), "{words:?} {ch:?}");
        }
        // A place in brackets inside a sentence stays a place.
        let words = ["زار", "الوفد", "(", "أنقرة", ")", "أمس"];
        let tags = tags_of(&["O", "O", "O", "B-LOC", "O", "O"]);
        assert_eq!(
            refine_chunks(&words, &tags, &att),
            vec![(EntType::Loc, 3, 4)]
        );
    }

    #[test]
    fn a_verb_is_never_part_of_a_person_name() {
        for w in ["يلتقي", "ويلتقي", "التقى", "يستقبل", "تبحث", "أعلن"]
        {
            assert!(is_verb_word(w), "{w}");
        }
        for w in [
            "يوسف",
            "يحيى",
            "تامر",
            "تركي",
            "توني",
            "يوري",
            "فيصل",
            "بوتين",
            "الرئيس",
        ] {
            assert!(!is_verb_word(w), "{w}");
        }
        let att = crate::entities::Attested::default();
        let words = ["يلتقي", "بن", "سلمان", "في", "الرياض"];
        let tags = tags_of(&["B-PERS", "I-PERS", "I-PERS", "O", "B-LOC"]);
        assert_eq!(
            refine_chunks(&words, &tags, &att),
            vec![(EntType::Pers, 1, 3), (EntType::Loc, 4, 5)]
        );
        // A listed verb alone is no person; a first name that looks like a verb stays.
        let words = ["قال", "إن"];
        assert!(refine_chunks(&words, &tags_of(&["B-PERS", "O"]), &att).is_empty());
        let words = ["يحيى", "السنوار"];
        let ch = refine_chunks(&words, &tags_of(&["B-PERS", "I-PERS"]), &att);
        assert_eq!(ch, vec![(EntType::Pers, 0, 2)]);
        // End to end, with the full name elsewhere in the article.
        let text =
            "وصل ولي العهد السعودي محمد بن سلمان إلى باريس. ويلتقي بن سلمان الرئيس الفرنسي غدا.";
        let ents = extract_with(builtin(), text, None);
        assert!(!ents.iter().any(|e| e.name.contains("يلتقي")), "{ents:?}");
    }

    #[test]
    fn the_conjunction_is_not_part_of_a_name() {
        let words = ["منطقتي", "سيونيك", "وجغاركونيك", "في", "أرمينيا"];
        assert!(leading_conjunction(&words, 2, false));
        // وليد, ويلسون, واشنطن keep their و; so does an unknown word after a common word.
        assert!(!leading_conjunction(&["قال", "وليد"], 1, true));
        assert!(!leading_conjunction(&["التقى", "ويلسون"], 1, true));
        assert!(!leading_conjunction(&["زار", "واشنطن"], 1, true));
        assert!(!leading_conjunction(&["وصل", "وجغاركونيك"], 1, false));
        let text = "تصاعد التوتر في منطقتي سيونيك وجغاركونيك في أرمينيا.";
        let ents = extract_with(builtin(), text, None);
        assert!(!ents.iter().any(|e| e.name.starts_with("وجغ")), "{ents:?}");
    }

    #[test]
    fn a_ministry_with_its_definite_noun_is_an_organisation() {
        let words = ["أعلنت", "وزارة", "الدفاع", "الفرنسية", "أمس"];
        let mut tags = vec![Tag::O; 5];
        org_spans(&words, &mut tags);
        assert_eq!(tags, tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "O"]));
        let text = "وقالت وزارة الصحة المصرية إن الوضع مستقر";
        let ents = extract_with(builtin(), text, None);
        assert!(
            ents.iter()
                .any(|e| e.kind == EntityKind::Org && e.name == "وزارة الصحة المصرية"),
            "{ents:?}"
        );
    }

    /// Measures the rules on ANERcorp train (gold tags): how often the verb rule would cut the
    /// first word of a gold person, and how precise the organisation chain is on untagged text.
    /// How a span made by a rule stands against the gold chunks of its type.
    #[derive(PartialEq)]
    enum Gold {
        Exact,
        Overlaps,
        Apart,
    }

    fn against_gold(gold: &[(EntType, usize, usize)], ty: EntType, a: usize, b: usize) -> Gold {
        if gold.contains(&(ty, a, b)) {
            Gold::Exact
        } else if gold.iter().any(|&(t, x, y)| t == ty && x < b && a < y) {
            Gold::Overlaps
        } else {
            Gold::Apart
        }
    }

    #[test]
    #[ignore]
    fn measure_on_anercorp() {
        let Ok(text) = std::fs::read_to_string("/work/shared/data/anercorp/train.txt") else {
            return;
        };
        let sents = conll::parse_anercorp(&text);
        let (mut pers, mut cut, mut before) = (0, 0, 0);
        let (mut made, mut exact, mut gold_orgs, mut overlap) = (0, 0, 0, 0);
        let mut cut_examples = Vec::new();
        let mut bad_examples = Vec::new();
        for s in &sents {
            let words: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let gold = conll::chunks(&s.tags);
            for &(ty, a, b) in &gold {
                if ty == EntType::Pers {
                    pers += 1;
                    if b > a + 1 && is_verb_word(words[a]) {
                        cut += 1;
                        cut_examples.push(words[a..b].join(" "));
                    }
                    if a > 0 && is_verb_word(words[a - 1]) {
                        before += 1;
                    }
                }
                if ty == EntType::Org {
                    gold_orgs += 1;
                }
            }
            let mut tags = vec![Tag::O; words.len()];
            org_spans(&words, &mut tags);
            for (_, a, b) in conll::chunks(&tags) {
                made += 1;
                let hit = against_gold(&gold, EntType::Org, a, b);
                if hit == Gold::Exact {
                    exact += 1;
                } else if hit == Gold::Overlaps {
                    overlap += 1;
                    bad_examples.push(format!(
                        "{} | gold {:?}",
                        words[a..b].join(" "),
                        gold.iter()
                            .filter(|&&(t, x, y)| t == EntType::Org && x < b && a < y)
                            .map(|&(_, x, y)| words[x..y].join(" "))
                            .collect::<Vec<_>>()
                    ));
                } else {
                    bad_examples.push(words[a..b].join(" "));
                }
            }
        }
        eprintln!("persons {pers}, first word cut as verb {cut}, verb right before {before}");
        for e in cut_examples.iter().take(40) {
            eprintln!("  cut: {e}");
        }
        eprintln!(
            "org spans {made}, exact gold ORG {exact}, overlapping {overlap}, gold ORG {gold_orgs}"
        );
        for e in bad_examples.iter().take(80) {
            eprintln!("  not exact: {e}");
        }
        // The title-holder rule with no tags at all: what it makes, against the gold persons.
        let (mut made, mut exact, mut overlap) = (0, 0, 0);
        for s in &sents {
            let words: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let gold = conll::chunks(&s.tags);
            let mut out = Vec::new();
            title_holders(&words, &titles_of(&words), &mut out);
            for (_, a, b) in out {
                made += 1;
                let text = words[a.saturating_sub(4)..b].join(" ");
                let hit = against_gold(&gold, EntType::Pers, a, b);
                if hit == Gold::Exact {
                    exact += 1;
                } else if hit == Gold::Overlaps {
                    overlap += 1;
                    eprintln!("  title holder, overlaps a person: {text}");
                } else {
                    eprintln!("  title holder, not a person: {text}");
                }
            }
        }
        eprintln!("title holders {made}: exact gold PERS {exact}, overlapping {overlap}");
        // The quotation rule: on the gold chunks (every change is a mistake), and on the gold
        // chunks with each person cut to its first word (what it restores).
        let (mut spoiled, mut restored, mut wrong) = (0, 0, 0);
        for s in &sents {
            let words: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let gold = conll::chunks(&s.tags);
            let (titles, _) = classes_of(&words);
            let mut same = gold.clone();
            quoted_names(&words, &titles, &mut same);
            spoiled += same.iter().zip(&gold).filter(|(x, y)| x != y).count();
            let mut cut: Vec<_> = gold
                .iter()
                .map(|&(t, a, b)| {
                    if t == EntType::Pers {
                        (t, a, a + 1)
                    } else {
                        (t, a, b)
                    }
                })
                .collect();
            let before = cut.clone();
            quoted_names(&words, &titles, &mut cut);
            for ((c, b0), g) in cut.iter().zip(&before).zip(&gold) {
                if c != b0 {
                    if c == g {
                        restored += 1;
                    } else {
                        wrong += 1;
                        eprintln!(
                            "  quoted, not the gold person: {}",
                            words[c.1..c.2].join(" ")
                        );
                    }
                }
            }
        }
        eprintln!(
            "quoted names: gold changed {spoiled}; cut persons restored {restored}, wrong {wrong}"
        );
    }

    /// The tagger's token classes of `words`: (title, in the most common bucket).
    fn classes_of(words: &[&str]) -> (Vec<bool>, Vec<bool>) {
        let infos = crate::entities::tagger::token_infos(words);
        (
            infos.iter().map(|t| t.is_title()).collect(),
            infos.iter().map(|t| t.is_common()).collect(),
        )
    }

    #[test]
    fn a_listed_verb_does_not_end_a_name() {
        let words = ["الوزير", "محمد", "علي", "زار", "موقعا"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS", "I-PERS", "O"]);
        let att = crate::entities::Attested::default();
        assert_eq!(
            refine_chunks(&words, &tags, &att),
            vec![(EntType::Pers, 1, 3)]
        );
    }

    #[test]
    fn a_town_that_is_a_first_name_stays_in_the_name() {
        // GeoNames has the town اَشرَف; before a surname it is the first name أشرف.
        let words = ["الفنان", "اشرف", "عبد", "الباقي", "،"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS", "I-PERS", "O"]);
        let att = crate::entities::Attested::default();
        assert!(is_place_word("اشرف") && !is_major_place("اشرف"));
        assert_eq!(
            refine_chunks(&words, &tags, &att),
            vec![(EntType::Pers, 1, 4)]
        );
        // A country there is the leader's.
        let words = ["قادة", "روسيا", "فلاديمير", "بوتين"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS", "I-PERS"]);
        assert_eq!(
            refine_chunks(&words, &tags, &att),
            vec![(EntType::Loc, 1, 2), (EntType::Pers, 2, 4)]
        );
    }

    #[test]
    fn a_quoted_person_is_the_whole_quotation() {
        let grow = |words: &[&str], chunk: (EntType, usize, usize)| {
            let (titles, _) = classes_of(words);
            let mut chunks = vec![chunk];
            quoted_names(words, &titles, &mut chunks);
            chunks[0]
        };
        let p = |a, b| (EntType::Pers, a, b);
        // Seed 000: the model stops at إيغور (خاف is also a verb).
        let words = ["و", "“", "إيغور", "خاف", "”", "المبعوث", "الخاص"];
        assert_eq!(grow(&words, p(2, 3)), p(2, 4));
        let words = ["قال", "«", "جون", "بول", "سارتر", "»", "إن"];
        assert_eq!(grow(&words, p(2, 3)), p(2, 5));
        // A nisba, a function word, a title or a long quotation stay out.
        let words = ["\"", "عزام", "الأميركي", "\""];
        assert_eq!(grow(&words, p(1, 2)), p(1, 2));
        let words = ["\"", "عزام", "في", "\""];
        assert_eq!(grow(&words, p(1, 2)), p(1, 2));
        let words = ["\"", "عزام", "وزير", "\""];
        assert_eq!(grow(&words, p(1, 2)), p(1, 2));
        let words = ["\"", "عزام", "قال", "لنا", "إنه", "\""];
        assert_eq!(grow(&words, p(1, 2)), p(1, 2));
        // Only a person, and only at the opening quote.
        let words = ["\"", "جيهون", "خاف", "\""];
        assert_eq!(grow(&words, (EntType::Loc, 1, 2)), (EntType::Loc, 1, 2));
        let words = ["و", "إيغور", "خاف", "\""];
        assert_eq!(grow(&words, p(1, 2)), p(1, 2));
    }

    #[test]
    fn dateline_agencies_are_organisations_whole() {
        let norms = [
            "موسكو",
            "(",
            "اردو",
            "بوينت",
            "نتورك",
            "۔",
            "/",
            "سبوتنيك",
            ")",
        ];
        let agencies = vec![
            vec!["اردو".to_string(), "بوينت".into(), "نتورك".into()],
            vec!["سبوتنيك".to_string()],
        ];
        let mut chunks = vec![(EntType::Loc, 0, 1), (EntType::Loc, 2, 3)];
        let marked = mark_agencies(&norms, &mut chunks, &agencies);
        assert_eq!(marked, vec![(2, 5), (7, 8)]);
        assert_eq!(
            chunks,
            vec![
                (EntType::Loc, 0, 1),
                (EntType::Org, 2, 5),
                (EntType::Org, 7, 8)
            ]
        );
        // Elsewhere in the article the same words are what the tagger says they are.
        let norms = ["قالت", "سبوتنيك", "ان", "اردو", "بوينت", "نتورك", "نشرت"];
        let mut chunks = vec![(EntType::Org, 1, 2)];
        assert!(mark_agencies(&norms, &mut chunks, &agencies).is_empty());
        assert_eq!(chunks, vec![(EntType::Org, 1, 2)]);
    }

    #[test]
    fn a_title_or_a_portfolio_after_it_is_not_a_name() {
        let words = ["مع", "وزيري", "الدفاع", "في", "موسكو"];
        let (titles, common) = classes_of(&words);
        assert!(is_dual_title(words[1]) && !is_dual_title("وزير") && !is_dual_title("كرسي"));
        assert!(common[2], "الدفاع is a most common word");
        let mut chunks = vec![
            (EntType::Pers, 1, 2),
            (EntType::Org, 2, 3),
            (EntType::Loc, 4, 5),
        ];
        title_words_out(&words, &titles, &common, &mut chunks);
        assert_eq!(chunks, vec![(EntType::Loc, 4, 5)]);
        // A rarer definite word after a title stays (زعيم القاعدة), as does a longer name.
        let words = ["قال", "وزير", "الموساد", "أمس"];
        let (titles, common) = classes_of(&words);
        let mut chunks = vec![(EntType::Org, 2, 3)];
        title_words_out(&words, &titles, &common, &mut chunks);
        assert!(common[2] || chunks == vec![(EntType::Org, 2, 3)]);
        let words = ["وزير", "الدفاع", "سيرغي", "شويغو"];
        let (titles, common) = classes_of(&words);
        let mut chunks = vec![(EntType::Pers, 2, 4)];
        title_words_out(&words, &titles, &common, &mut chunks);
        assert_eq!(chunks, vec![(EntType::Pers, 2, 4)]);
        // End to end: the minister is listed, neither the title nor the portfolio.
        let text = "أجرى وزير الدفاع الروسي سيرغي شويغو مفاوضات مع وزيري دفاع البلدين.";
        assert!(lists(text, "سيرغي شويغو", EntityKind::Person));
        let ents = extract_with(builtin(), text, None);
        assert!(
            ents.iter()
                .all(|e| !e.name.contains("وزير") && e.name != "الدفاع"),
            "{ents:?}"
        );
    }

    #[test]
    fn a_place_that_is_a_listed_full_name_is_a_person() {
        let words = ["وأذربيجان", "إلهام", "علييف", "،", "كامب", "ديفيد"];
        let mut chunks = vec![
            (EntType::Loc, 0, 1),
            (EntType::Loc, 1, 3),
            (EntType::Loc, 4, 6),
        ];
        listed_full_names(&words, &mut chunks);
        assert_eq!(
            chunks,
            vec![
                (EntType::Loc, 0, 1),
                (EntType::Pers, 1, 3),
                (EntType::Loc, 4, 6),
            ]
        );
    }

    #[test]
    fn an_organisation_head_takes_the_noun_the_model_tagged_after_it() {
        let words = ["أعلنت", "وزارة", "الدفاع", "الأرمينية", "،", "وقوع"];
        let mut tags = tags_of(&["O", "O", "B-ORG", "O", "O", "O"]);
        org_spans(&words, &mut tags);
        assert_eq!(tags, tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "O", "O"]));
    }
}
