//! What the tagger knows about each token ([`TokInfo`]: normalised and stripped forms, shape,
//! gazetteer, trigger and word classes) and the hashed feature keys built from it: static
//! features of every token, and transition features given the previous tag.
//!
//! The keys are the model: the shipped `models/ner.bin` stores weights under these hashes, so
//! changing a template number, a feature string or the order of the word features silently
//! breaks it (retrain, and check that `examples/train_ner.rs` gives the same bytes).

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::Tag;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::entities::lexicon::{
    gazetteer, org_gazetteer, person_names, sport_words, strip_normalised, triggers, Gazetteer,
    Trigger, MAX_GAZ_WORDS,
};
use crate::entities::word_classes;
use crate::text::{is_arabic_letter, normalize};

/// Mixes two hashes into one (splitmix64 finaliser over a rotation), for conjoined features.
#[inline]
pub(super) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.rotate_left(29) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[inline]
fn hs(template: u64, s: &str) -> u64 {
    xxh3_64_with_seed(s.as_bytes(), template)
}

/// [`TokInfo::h_norm`] of a normalised word: what [`crate::entities::Attested`] keeps.
pub(crate) fn norm_hash(norm: &str) -> u64 {
    hs(2, norm)
}

/// What the features need to know about one token, computed once per sentence.
pub(crate) struct TokInfo {
    /// [`crate::text::normalize`]d token.
    pub(crate) norm: String,
    /// Where [`TokInfo::stripped`] starts in `norm` (the proclitics end): one string per token,
    /// not two.
    strip_at: usize,
    /// Hashes of `norm` and `stripped`: the word features, and the words of the transition
    /// features.
    pub(crate) h_norm: u64,
    pub(super) h_strip: u64,
    pub(super) shape: u8,
    pub(super) gaz: u8,
    pub(super) trig: u8,
    /// 1 when the word (as written or without proclitics) is in the person-name list.
    pub(super) per: u8,
    /// Span class in the organisation list, as `gaz`.
    pub(super) ogaz: u8,
    /// [`FIRST_PLACE`] | [`FIRST_ORG`]: the stripped word begins a phrase of the place / the
    /// organisation list.
    firsts: u8,
    /// What the first pass said about the same word elsewhere in the document: 0 nothing (no
    /// other occurrence, or the first pass itself), 1 + the type most of them were tagged,
    /// 5 mostly outside any name.
    pub(crate) doc: u8,
    /// 1 when the sentences around are a sports report (three sport words or more), else 0:
    /// there a city's name is often its club.
    pub(crate) sport: u8,
    /// What general Arabic text says of the word ([`crate::entities::word_classes`]): how
    /// common, how often with ال and with a pronoun suffix.
    pub(super) wc: u16,
}

impl TokInfo {
    /// `norm` with its proclitics stripped: the same as [`crate::entities::lexicon::fold_word`].
    #[inline]
    pub(crate) fn stripped(&self) -> &str {
        &self.norm[self.strip_at..]
    }

    /// Is the word a title of `data/triggers.tsv` (وزير, الرئيس, نظيره), proclitics looked
    /// through?
    pub(crate) fn is_title(&self) -> bool {
        self.trig == 1
    }

    /// Is the word among the most common of general Arabic text (the first frequency bucket of
    /// [`crate::entities::word_classes`])?
    pub(crate) fn is_common(&self) -> bool {
        word_classes::freq_of(self.wc) == 0
    }

    /// How common the word is in general Arabic text: 0 the most common … 5 rare or unseen
    /// (the frequency bucket of [`crate::entities::word_classes`]).
    pub(crate) fn rarity(&self) -> u8 {
        word_classes::freq_of(self.wc)
    }

    /// The proclitic part of `norm` that was stripped (و, ال, وال, بال, …), or "".
    #[inline]
    fn clitic(&self) -> &str {
        &self.norm[..self.strip_at]
    }
}

/// Shape classes: 1 all digits, 2 has a digit, 3 Latin letters, 4 punctuation only, 5 Arabic,
/// 6 other.
fn shape_of(tok: &str) -> u8 {
    let mut digits = 0;
    let mut latin = 0;
    let mut arabic = 0;
    let mut punct = 0;
    let mut n = 0;
    for c in tok.chars() {
        n += 1;
        if crate::text::ascii_digit(c).is_some() {
            digits += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        } else if is_arabic_letter(c) {
            arabic += 1;
        } else if !c.is_alphanumeric() {
            punct += 1;
        }
    }
    if n > 0 && digits == n {
        1
    } else if digits > 0 {
        2
    } else if latin > 0 && arabic == 0 {
        3
    } else if punct == n {
        4
    } else if arabic > 0 {
        5
    } else {
        6
    }
}

/// The word lists [`token_infos`] reads, keyed by the 64-bit hashes every token has anyway
/// (`h_norm`, `h_strip`) instead of strings: no string hashing or comparison per look-up, and
/// a place phrase is the chain of its words' hashes, so no key string is built. A collision
/// lets a word that is not in a list pass as one: with ~10^5 entries, about one look-up in
/// 10^14 (a unit test checks that no two entries of a list share a hash).
struct HashedLists {
    /// `hs(3, folded trigger word)` → 1 title, 2 organisation, 3 place.
    triggers: FxHashMap<u64, u8>,
    /// Person names as `hs(2, name)` (to match `h_norm`) and `hs(3, name)` (`h_strip`).
    per_norm: FxHashSet<u64>,
    per_strip: FxHashSet<u64>,
    places: HashedGazetteer,
    orgs: HashedGazetteer,
    /// Sport words as `hs(3, word)`.
    sport: FxHashSet<u64>,
    /// What the lists above say of a stripped word, under its `h_strip`: one look-up per token
    /// instead of four (a test checks it agrees with them).
    by_strip: FxHashMap<u64, StripClasses>,
    /// [`crate::entities::word_classes`] of a normalised word, under the high half of
    /// `hs(2, word)` ([`word_class_key`] of `h_norm`): 8 bytes an entry instead of 16, so the
    /// 98k-entry table takes 1 MB of cache, not 2. A word outside the table answers for one
    /// inside with odds of about 2·10⁻⁵.
    word_class: FxHashMap<u32, u16>,
}

/// The classes of a stripped word in the lists, as [`HashedLists::by_strip`] keeps them.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct StripClasses {
    /// As `triggers` (0: not a trigger).
    trig: u8,
    /// In `per_strip`.
    per: bool,
    /// [`FIRST_PLACE`] | [`FIRST_ORG`]: begins a phrase of `places` / `orgs`.
    firsts: u8,
}

/// Bits of [`TokInfo::firsts`].
const FIRST_PLACE: u8 = 1;
const FIRST_ORG: u8 = 2;

/// A [`Gazetteer`] by hashes: [`phrase_hash`] of every phrase, `hs(3, …)` of the first words.
struct HashedGazetteer {
    phrases: FxHashSet<u64>,
    first_words: FxHashSet<u64>,
}

impl HashedGazetteer {
    fn of(g: &Gazetteer) -> HashedGazetteer {
        HashedGazetteer {
            phrases: g
                .phrases
                .iter()
                .map(|p| phrase_hash(p.split(' ').map(|w| hs(3, w))))
                .collect(),
            first_words: g.first_words.iter().map(|w| hs(3, w)).collect(),
        }
    }
}

/// The hash of a phrase of folded words from their `hs(3, …)` hashes: the first word's, then
/// [`phrase_step`] with each next one.
fn phrase_hash(mut words: impl Iterator<Item = u64>) -> u64 {
    let first = words.next().unwrap_or(0);
    words.fold(first, phrase_step)
}

/// The hash of a phrase `h` with one more word of hash `w`.
#[inline]
fn phrase_step(h: u64, w: u64) -> u64 {
    mix(h ^ 0x7068_7261_7365, w)
}

fn hashed_lists() -> &'static HashedLists {
    static L: OnceLock<HashedLists> = OnceLock::new();
    L.get_or_init(|| {
        let mut l = hashed_lists_apart();
        let mut by: FxHashMap<u64, StripClasses> = FxHashMap::default();
        for (&h, &t) in &l.triggers {
            by.entry(h).or_default().trig = t;
        }
        for &h in &l.per_strip {
            by.entry(h).or_default().per = true;
        }
        for &h in &l.places.first_words {
            by.entry(h).or_default().firsts |= FIRST_PLACE;
        }
        for &h in &l.orgs.first_words {
            by.entry(h).or_default().firsts |= FIRST_ORG;
        }
        l.by_strip = by;
        l
    })
}

/// The key of [`HashedLists::word_class`] for a word's `h_norm`.
#[inline]
fn word_class_key(h_norm: u64) -> u32 {
    (h_norm >> 32) as u32
}

/// The lists, each on its own (`by_strip` empty).
fn hashed_lists_apart() -> HashedLists {
    HashedLists {
        triggers: triggers()
            .iter()
            .map(|(w, t)| {
                let class = match t {
                    Trigger::Title => 1,
                    Trigger::Org => 2,
                    Trigger::Loc => 3,
                };
                (hs(3, w), class)
            })
            .collect(),
        per_norm: person_names().iter().map(|w| hs(2, w)).collect(),
        per_strip: person_names().iter().map(|w| hs(3, w)).collect(),
        places: HashedGazetteer::of(gazetteer()),
        orgs: HashedGazetteer::of(org_gazetteer()),
        sport: sport_words().iter().map(|w| hs(3, w)).collect(),
        by_strip: FxHashMap::default(),
        word_class: {
            // Sized once: growing a 98k-entry table rehashes it several times.
            let mut m = FxHashMap::with_capacity_and_hasher(
                word_classes::WORD_CLASSES_TSV.len() / 12,
                Default::default(),
            );
            // The dictionary's verbs and nouns join the frequencies here, once per table word.
            let pos = word_classes::PartsOfSpeech::embedded();
            m.extend(word_classes::entries().map(|(w, c)| {
                let class = word_classes::with_pos(c, pos.of_word(w));
                (word_class_key(hs(2, w)), class)
            }));
            m
        },
    }
}

/// Normalised and stripped forms, gazetteer and trigger classes of a sentence's tokens.
pub(crate) fn token_infos(tokens: &[&str]) -> Vec<TokInfo> {
    let lists = hashed_lists();
    let mut infos: Vec<TokInfo> = tokens
        .iter()
        .map(|t| {
            let norm = normalize(t);
            let strip_at = norm.len() - strip_normalised(&norm).len();
            let h_norm = hs(2, &norm);
            let h_strip = hs(3, &norm[strip_at..]);
            let classes = lists.by_strip.get(&h_strip).copied().unwrap_or_default();
            let trig = classes.trig;
            let per = u8::from(lists.per_norm.contains(&h_norm) || classes.per);
            let wc = lists
                .word_class
                .get(&word_class_key(h_norm))
                .copied()
                .unwrap_or(word_classes::ABSENT);
            TokInfo {
                wc,
                per,
                ogaz: 0,
                doc: 0,
                sport: 0,
                h_norm,
                h_strip,
                shape: shape_of(t),
                gaz: 0,
                trig,
                firsts: classes.firsts,
                norm,
                strip_at,
            }
        })
        .collect();
    // Gazetteer spans: the longest match from each position; first word folded with its
    // proclitics stripped, the others normalised and stripped the same way.
    let loc = hashed_phrases(&infos, &lists.places, FIRST_PLACE);
    let org = hashed_phrases(&infos, &lists.orgs, FIRST_ORG);
    for (i, n) in loc {
        infos[i].gaz = if n == 1 { 1 } else { 2 };
        for info in &mut infos[i + 1..i + n] {
            info.gaz = 3;
        }
    }
    for (i, n) in org {
        infos[i].ogaz = if n == 1 { 1 } else { 2 };
        for info in &mut infos[i + 1..i + n] {
            info.ogaz = 3;
        }
    }
    infos
}

/// [`crate::entities::lexicon::longest_phrases`] over the stripped words of `infos` against a
/// hashed gazetteer: at each position the longest run of at most [`MAX_GAZ_WORDS`] non-empty
/// words that is a phrase, then on after it; `(start, words)` of every match.
/// `first` is the bit of [`TokInfo::firsts`] that says a word is in `g.first_words`.
fn hashed_phrases(infos: &[TokInfo], g: &HashedGazetteer, first: u8) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < infos.len() {
        if infos[i].firsts & first == 0 {
            i += 1;
            continue;
        }
        let mut keys = [0u64; MAX_GAZ_WORDS];
        let mut n = 0;
        for info in infos.iter().skip(i).take(MAX_GAZ_WORDS) {
            if info.strip_at == info.norm.len() {
                break;
            }
            keys[n] = if n == 0 {
                info.h_strip
            } else {
                phrase_step(keys[n - 1], info.h_strip)
            };
            n += 1;
        }
        match (1..=n).rev().find(|&k| g.phrases.contains(&keys[k - 1])) {
            Some(k) => {
                found.push((i, k));
                i += k;
            }
            None => i += 1,
        }
    }
    found
}

/// How many sentences either side count as the same document when the input has no article
/// boundaries (ANERcorp, `qari tag --conll`).
pub const DOC_WINDOW: usize = 20;

/// Sets [`TokInfo::sport`] of every token: are there three sport words or more
/// (`data/sport_words.tsv`) within `window` sentences of its own?
pub(crate) fn set_topics(infos: &mut [Vec<TokInfo>], window: usize) {
    let list = &hashed_lists().sport;
    // Prefix sums: the count in any window in O(1).
    let n = infos.len();
    let mut pre = vec![0u32; n + 1];
    for (i, s) in infos.iter().enumerate() {
        pre[i + 1] = pre[i] + s.iter().filter(|t| list.contains(&t.h_strip)).count() as u32;
    }
    for (s, sent) in infos.iter_mut().enumerate() {
        let (lo, hi) = window_of(s, window, n);
        let sport = u8::from(pre[hi] - pre[lo] >= 3);
        for t in sent {
            t.sport = sport;
        }
    }
}

/// The sentences `lo..hi` within `window` of sentence `s` of `n`.
fn window_of(s: usize, window: usize, n: usize) -> (usize, usize) {
    (
        s.saturating_sub(window),
        s.saturating_add(window).saturating_add(1).min(n),
    )
}

/// Sets [`TokInfo::doc`] of every token from the first pass's tags `first` of the same word
/// elsewhere in the document: the sentences within `window` of its own (`usize::MAX`: all).
/// Non-local evidence in the manner of Krishnan & Manning (2006): a name the tagger is sure of
/// in one sentence informs its other mentions.
pub(crate) fn set_doc_classes(infos: &mut [Vec<TokInfo>], first: &[Vec<Tag>], window: usize) {
    let n = infos.len();
    let class = |t: Tag| t.ent().map_or(0, |e| 1 + e as usize);
    let counted = |t: &TokInfo| t.stripped().chars().nth(1).is_some() && matches!(t.shape, 3 | 5);
    // Keyed by the stripped word's hash (already computed): no allocation per token.
    let mut counts: FxHashMap<u64, [u32; 5]> = FxHashMap::default();
    let add = |counts: &mut FxHashMap<u64, [u32; 5]>, s: usize, delta: i32| {
        for (t, &tag) in infos[s].iter().zip(&first[s]) {
            if counted(t) {
                let c = counts.entry(t.h_strip).or_default();
                c[class(tag)] = c[class(tag)].wrapping_add_signed(delta);
            }
        }
    };
    let (mut lo, mut hi) = (0usize, 0usize);
    let mut docs: Vec<Vec<u8>> = Vec::with_capacity(n);
    for s in 0..n {
        let (want_lo, want_hi) = window_of(s, window, n);
        while hi < want_hi {
            add(&mut counts, hi, 1);
            hi += 1;
        }
        while lo < want_lo {
            add(&mut counts, lo, -1);
            lo += 1;
        }
        docs.push(
            infos[s]
                .iter()
                .zip(&first[s])
                .map(|(t, &tag)| {
                    if !counted(t) {
                        return 0;
                    }
                    let mut c = counts.get(&t.h_strip).copied().unwrap_or_default();
                    c[class(tag)] -= 1; // not itself
                    let others: u32 = c.iter().sum();
                    // The most frequent type (the first of a tie).
                    let (best, &m) = c[1..]
                        .iter()
                        .enumerate()
                        .max_by_key(|&(i, &m)| (m, std::cmp::Reverse(i)))
                        .unwrap_or((0, &0));
                    if others == 0 {
                        0
                    } else if m * 2 >= others {
                        1 + best as u8
                    } else {
                        5
                    }
                })
                .collect(),
        );
    }
    for (s, d) in infos.iter_mut().zip(docs) {
        for (t, d) in s.iter_mut().zip(d) {
            t.doc = d;
        }
    }
}

fn prefix_chars(s: &str, n: usize) -> Option<&str> {
    let mut it = s.char_indices();
    let end = it.nth(n).map(|(i, _)| i);
    match end {
        Some(e) => Some(&s[..e]),
        None if s.chars().count() == n => Some(s),
        None => None,
    }
}

fn suffix_chars(s: &str, n: usize) -> Option<&str> {
    let count = s.chars().count();
    if count < n {
        return None;
    }
    let skip = count - n;
    let start = s.char_indices().nth(skip).map(|(i, _)| i)?;
    Some(&s[start..])
}

/// Static (history-free) feature keys of every token of a sentence.
pub(super) fn static_features(infos: &[TokInfo]) -> Statics {
    let mut st = Statics::default();
    static_features_into(infos, &mut st);
    st
}

/// The keys of the seven features that read a document class ([`TokInfo::doc`]: the token's
/// own, its neighbours'), in the order [`static_features`] puts them: the sport × class
/// feature, then the class at −1, 0, +1, the class × place-list feature and the class at −1 and
/// +1 × the word's frequency bucket. With `first`, as
/// the first pass makes them (every class 0): the second pass changes a token's features only
/// through these, so it re-scores a token only when they differ.
#[inline]
pub(super) fn doc_keys(infos: &[TokInfo], i: usize, first: bool) -> [u64; 7] {
    let doc = |j: isize| -> u64 {
        if j < 0 || j as usize >= infos.len() {
            99
        } else if first {
            0
        } else {
            u64::from(infos[j as usize].doc)
        }
    };
    let info = &infos[i];
    let ii = i as isize;
    let sp = u64::from(info.sport) << 16;
    [
        mix(412, sp | doc(ii)),
        mix(400, doc(ii - 1)),
        mix(401, doc(ii)),
        mix(402, doc(ii + 1)),
        mix(403, (doc(ii) << 8) | u64::from(info.gaz)),
        // A name elsewhere beside a common word: the word is seldom part of it (فوز صالح).
        mix(
            404,
            (doc(ii - 1) << 8) | u64::from(word_classes::freq_of(info.wc)),
        ),
        mix(
            405,
            (doc(ii + 1) << 8) | u64::from(word_classes::freq_of(info.wc)),
        ),
    ]
}

/// [`static_features`] into a reused buffer (its contents replaced): no allocation per
/// sentence once the buffer has grown.
pub(super) fn static_features_into(infos: &[TokInfo], out: &mut Statics) {
    let n = infos.len();
    const PAD: u64 = 0x5151_5151;
    let norm_at = |j: isize| -> u64 {
        if j < 0 || j as usize >= n {
            PAD ^ (j.clamp(-3, 3) as u64)
        } else {
            infos[j as usize].h_norm
        }
    };
    let strip_at = |j: isize| -> u64 {
        if j < 0 || j as usize >= n {
            PAD ^ (j.clamp(-3, 3) as u64)
        } else {
            infos[j as usize].h_strip
        }
    };
    let small_at = |j: isize, f: fn(&TokInfo) -> u8| -> u64 {
        if j < 0 || j as usize >= n {
            99
        } else {
            u64::from(f(&infos[j as usize]))
        }
    };
    let Statics { feats: f, ends } = out;
    f.clear();
    ends.clear();
    f.reserve(n * 64);
    ends.reserve(n);
    for (i, info) in infos.iter().enumerate() {
        let ii = i as isize;
        // The first N_WORD features name the word itself; training drops them now and then
        // (word dropout) so that context, affixes and lists learn to carry unseen names.
        f.push(info.h_norm);
        f.push(info.h_strip);
        f.push(mix(50, mix(norm_at(ii - 1), info.h_norm)));
        f.push(mix(51, mix(info.h_norm, norm_at(ii + 1))));
        f.push(mix(1, 0)); // bias
        for k in 1..=4 {
            if let Some(p) = prefix_chars(info.stripped(), k) {
                f.push(hs(10 + k as u64, p));
            }
            if let Some(s) = suffix_chars(&info.norm, k) {
                f.push(hs(20 + k as u64, s));
            }
        }
        // The proclitic part that was stripped (و, ال, وال, بال, …), or none.
        let clitic = info.clitic();
        f.push(hs(30, clitic));
        for (t, d) in [(40u64, -2isize), (41, -1), (42, 1), (43, 2)] {
            f.push(mix(t, norm_at(ii + d)));
        }
        for (t, d) in [(44u64, -1isize), (45, 1)] {
            f.push(mix(t, strip_at(ii + d)));
        }
        f.push(mix(52, mix(strip_at(ii - 2), strip_at(ii - 1))));
        for (t, d) in [(60u64, -1isize), (61, 0), (62, 1)] {
            f.push(mix(t, small_at(ii + d, |x| x.shape)));
        }
        f.push(mix(
            63,
            (small_at(ii - 1, |x| x.shape) << 8) | u64::from(info.shape),
        ));
        for (t, d) in [(70u64, -1isize), (71, 0), (72, 1), (73, 2)] {
            f.push(mix(t, small_at(ii + d, |x| x.gaz)));
        }
        for (t, d) in [(80u64, -2isize), (81, -1), (82, 0), (83, 1)] {
            f.push(mix(t, small_at(ii + d, |x| x.trig)));
        }
        f.push(mix(
            84,
            (small_at(ii - 1, |x| x.trig) << 8) | small_at(ii, |x| x.gaz),
        ));
        // Character trigrams of the stripped form: transliterated foreign names share them
        // (…وف، …يان، …سكي) even when the name itself was never seen.
        trigram_and_affix_keys(info, f);
        // The organisation list (sports clubs), as the place gazetteer.
        for (t, d) in [(320u64, -1isize), (321, 0), (322, 1)] {
            f.push(mix(t, small_at(ii + d, |x| x.ogaz)));
        }
        f.push(mix(
            323,
            (small_at(ii, |x| x.ogaz) << 8) | small_at(ii, |x| x.gaz),
        ));
        // The topic (sport or not) conjoined with what it changes: a known place, a club, what
        // the document said of the word, its shape.
        let sp = u64::from(info.sport) << 16;
        let dk = doc_keys(infos, i, false);
        f.push(mix(410, sp | u64::from(info.gaz)));
        f.push(mix(411, sp | u64::from(info.ogaz)));
        f.push(dk[0]);
        f.push(mix(413, sp | u64::from(info.shape)));
        // What the first pass said of the same word elsewhere in the document (0 in the first
        // pass itself): at −1, 0, +1, and with the place list.
        f.extend_from_slice(&dk[1..]);
        // The person-name list: the word, its neighbours, after a title, in a pair of names.
        for (t, d) in [(310u64, -1isize), (311, 0), (312, 1)] {
            f.push(mix(t, small_at(ii + d, |x| x.per)));
        }
        f.push(mix(
            313,
            (small_at(ii - 1, |x| x.trig) << 8) | small_at(ii, |x| x.per),
        ));
        f.push(mix(
            314,
            (small_at(ii - 1, |x| x.per) << 8) | small_at(ii, |x| x.per),
        ));
        f.push(mix(
            315,
            (small_at(ii, |x| x.per) << 8) | small_at(ii, |x| x.gaz),
        ));
        // What general Arabic text says of the word (the class and its parts, the frequency with
        // the person list) and of its neighbours: how common, how often with ال.
        word_class_keys(info, f);
        for (t, d) in [(531u64, -1isize), (533, 1)] {
            f.push(mix(t, small_at(ii + d, |x| word_classes::freq_of(x.wc))));
        }
        for (t, d) in [(534u64, -1isize), (536, 1)] {
            f.push(mix(t, small_at(ii + d, |x| word_classes::article_of(x.wc))));
        }
        // Whether the dictionary knows the neighbours as verbs: a verb is never part of a name.
        for (t, d) in [(541u64, -1isize), (542, 1)] {
            f.push(mix(t, small_at(ii + d, |x| word_classes::pos_of(x.wc))));
        }
        let len = info.stripped().chars().count().min(8) as u64;
        f.push(mix(90, len));
        // The unknown-word block (used only when the word itself is unknown: dropped in
        // training, absent from the model when tagging): what an unseen word's context says.
        f.push(mix(200, 0));
        f.push(mix(201, small_at(ii - 1, |x| x.trig)));
        f.push(mix(202, norm_at(ii - 1)));
        f.push(mix(203, norm_at(ii + 1)));
        ends.push(f.len() as u32);
    }
}

/// The static features of the token `info` that read nothing but the token itself (its word,
/// affixes, clitic, trigrams, shape, trigger and person-list class, length, the bias), with the
/// word's own features when it is `known` and the unknown-word constant when not: the same
/// multiset of keys as the matching entries of [`static_features_into`]. The tagger sums their
/// weights once per distinct word (`model.rs`, word cache) instead of once per token.
pub(super) fn own_features_into(info: &TokInfo, known: bool, f: &mut Vec<u64>) {
    f.clear();
    if known {
        f.push(info.h_norm);
        f.push(info.h_strip);
    }
    f.push(mix(1, 0));
    for k in 1..=4 {
        if let Some(p) = prefix_chars(info.stripped(), k) {
            f.push(hs(10 + k as u64, p));
        }
        if let Some(s) = suffix_chars(&info.norm, k) {
            f.push(hs(20 + k as u64, s));
        }
    }
    let clitic = info.clitic();
    f.push(hs(30, clitic));
    f.push(mix(61, u64::from(info.shape)));
    f.push(mix(82, u64::from(info.trig)));
    trigram_and_affix_keys(info, f);
    f.push(mix(311, u64::from(info.per)));
    word_class_keys(info, f);
    f.push(mix(90, info.stripped().chars().count().min(8) as u64));
    if !known {
        f.push(mix(200, 0));
    }
}

/// The token's own word-class features: the class, its three parts, and its frequency with the
/// person-name list (a listed name that is also a common word: صالح، جمعة).
fn word_class_keys(info: &TokInfo, f: &mut Vec<u64>) {
    let freq = u64::from(word_classes::freq_of(info.wc));
    f.push(mix(530, u64::from(word_classes::usage_of(info.wc))));
    f.push(mix(539, u64::from(word_classes::pos_of(info.wc))));
    f.push(mix(532, freq));
    f.push(mix(535, u64::from(word_classes::article_of(info.wc))));
    f.push(mix(537, u64::from(word_classes::suffix_of(info.wc))));
    f.push(mix(538, (u64::from(info.per) << 8) | freq));
}

/// The features a word gives its neighbours: `(template, stripped form?, offset)` of
/// `mix(template, hash of the word)` in [`static_features_into`], the word at `offset` from the
/// token that reads it (40–43 the word at −2, −1, +1, +2 as normalised, 44/45 at −1/+1
/// stripped, 202/203 at −1/+1 in the unknown-word block).
pub(super) const NEAR: [(u64, bool, isize); 8] = [
    (40, false, -2),
    (41, false, -1),
    (42, false, 1),
    (43, false, 2),
    (44, true, -1),
    (45, true, 1),
    (202, false, -1),
    (203, false, 1),
];

/// The keys at token `i` of `st` that name a neighbouring word hidden by word dropout
/// (`drops`): the word at −2…+2, the bigrams with it, the unknown-word block's neighbours.
/// Hiding a word only from its own token leaves its neighbours to learn it: the word before a
/// known surname then learned B-PERS from the first name that stood there in training.
pub(super) fn hidden_in_context(st: &Statics, i: usize, drops: &[bool], out: &mut Vec<u64>) {
    out.clear();
    let n = st.len() as isize;
    let ii = i as isize;
    let dropped = |j: isize| j >= 0 && j < n && drops[j as usize];
    let word = |j: isize, k: usize| -> u64 {
        if j < 0 || j >= n {
            pad(j)
        } else {
            st[j as usize][k]
        }
    };
    let (nw, sw) = (|j| word(j, 0), |j| word(j, 1));
    for &(template, stripped, d) in &NEAR {
        if dropped(ii + d) {
            out.push(mix(
                template,
                if stripped { sw(ii + d) } else { nw(ii + d) },
            ));
        }
    }
    // The word pairs (50, 51, 52 in `static_features_into`).
    if dropped(ii - 1) {
        out.push(mix(50, mix(nw(ii - 1), nw(ii))));
    }
    if dropped(ii + 1) {
        out.push(mix(51, mix(nw(ii), nw(ii + 1))));
    }
    if dropped(ii - 2) || dropped(ii - 1) {
        out.push(mix(52, mix(sw(ii - 2), sw(ii - 1))));
    }
}

/// Padding hash of the word at `j` outside a sentence of `n` tokens, as [`static_features_into`]
/// gives it.
#[inline]
pub(super) fn pad(j: isize) -> u64 {
    0x5151_5151 ^ (j.clamp(-3, 3) as u64)
}

/// The character trigrams of the word's stripped form (the one starting at each char with three
/// more after it, then the last one) and its five-letter prefix and suffix: shared by the
/// per-sentence features and the per-word cache's own features.
fn trigram_and_affix_keys(info: &TokInfo, f: &mut Vec<u64>) {
    let st = info.stripped();
    let mut win = [0usize; 4]; // the last four char starts, oldest first
    let mut seen = 0usize;
    for (b, _) in st.char_indices() {
        win = [win[1], win[2], win[3], b];
        seen += 1;
        if seen >= 4 {
            f.push(hs(91, &st[win[0]..win[3]]));
        }
    }
    if seen >= 3 {
        f.push(hs(91, &st[win[1]..]));
    }
    if let Some(p) = prefix_chars(st, 5) {
        f.push(hs(15, p));
    }
    if let Some(s) = suffix_chars(&info.norm, 5) {
        f.push(hs(25, s));
    }
}

/// The static feature keys of a sentence, token after token in one buffer.
#[derive(Default)]
pub(super) struct Statics {
    feats: Vec<u64>,
    /// End of each token's run in `feats`.
    ends: Vec<u32>,
}

impl Statics {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &[u64]> {
        (0..self.len()).map(move |i| &self[i])
    }
}

impl std::ops::Index<usize> for Statics {
    type Output = [u64];
    fn index(&self, i: usize) -> &[u64] {
        let a = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.feats[a..self.ends[i] as usize]
    }
}

/// Transition features of a token given the previous tag: the previous tag alone and the previous
/// tag conjoined with the current word. `drop_word` leaves out the word conjunctions (training).
#[inline]
pub(super) fn trans_features(statics: &[u64], prev: Tag, drop_word: bool, out: &mut Vec<u64>) {
    out.clear();
    let p = prev.index() as u64;
    out.push(mix(100, p));
    if !drop_word {
        // prev tag × current word (statics[0] is the normalised word, [1] the stripped one)
        out.push(trans_key(102, statics[0], p));
        out.push(trans_key(120, statics[1], p));
    }
}

/// Key of the feature "previous tag `p` × word `w`". The nine keys of one word differ only in
/// their low four bits, so they sit in neighbouring slots of the weight table (one or two cache
/// lines per word instead of nine random reads).
#[inline]
pub(super) fn trans_key(template: u64, w: u64, p: u64) -> u64 {
    (mix(template, w) & !0xF) | p
}

/// How many leading static features name the word itself.
const N_WORD: usize = 4;
/// How many trailing static features form the unknown-word block.
const N_UNK: usize = 4;

/// The static features in use for a token: without the unknown-word block for a known word,
/// without the word's own features (and with the block) for an unknown one.
#[inline]
pub(super) fn active(st: &[u64], unknown: bool) -> &[u64] {
    if unknown {
        &st[N_WORD..]
    } else {
        &st[..st.len() - N_UNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::EntType;

    #[test]
    fn a_hidden_word_is_hidden_from_its_neighbours_features() {
        let words = ["قال", "الرئيس", "صامويل", "إيتو", "أمس", "في", "لندن"];
        let infos = token_infos(&words);
        let st = static_features(&infos);
        let mut drops = vec![false; words.len()];
        drops[3] = true; // إيتو
        let mut hidden = Vec::new();
        for i in 0..words.len() {
            hidden_in_context(&st, i, &drops, &mut hidden);
            // Every hidden key is one the token has, and names إيتو: none when it is 3 away
            // or more, or the token itself (its own word features go by `active`).
            assert!(hidden.iter().all(|k| st[i].contains(k)), "token {i}");
            let expect = match i.abs_diff(3) {
                0 | 3.. => 0,
                1 if i < 3 => 4, // −1: the word at +1 (normalised, stripped), bigram, unknown block
                1 => 5,          // +1: the same at −1, and the stripped pair (−2, −1)
                _ if i < 3 => 1, // −2: the word at +2
                _ => 2,          // +2: the word at −2, the stripped pair
            };
            assert_eq!(hidden.len(), expect, "token {i}: {hidden:?}");
        }
        // Nothing hidden when nothing is dropped.
        hidden_in_context(&st, 2, &[false; 7], &mut hidden);
        assert!(hidden.is_empty());
    }

    #[test]
    fn no_two_list_entries_share_a_hash() {
        let l = hashed_lists();
        assert_eq!(l.triggers.len(), triggers().len());
        assert_eq!(l.per_norm.len(), person_names().len());
        assert_eq!(l.per_strip.len(), person_names().len());
        assert_eq!(l.sport.len(), sport_words().len());
        for (h, g) in [(&l.places, gazetteer()), (&l.orgs, org_gazetteer())] {
            assert_eq!(h.phrases.len(), g.phrases.len());
            assert_eq!(h.first_words.len(), g.first_words.len());
        }
    }

    #[test]
    fn one_lookup_by_strip_says_what_the_lists_say() {
        let l = hashed_lists();
        let apart = hashed_lists_apart();
        let words = triggers()
            .keys()
            .chain(person_names())
            .chain(&gazetteer().first_words)
            .chain(&org_gazetteer().first_words)
            .map(String::as_str)
            .chain(["بوتين", "موسكو", "قال", "", "x"]);
        let mut n = 0;
        for w in words {
            let h = hs(3, w);
            let got = l.by_strip.get(&h).copied().unwrap_or_default();
            let want = StripClasses {
                trig: apart.triggers.get(&h).copied().unwrap_or(0),
                per: apart.per_strip.contains(&h),
                firsts: (u8::from(apart.places.first_words.contains(&h)) * FIRST_PLACE)
                    | (u8::from(apart.orgs.first_words.contains(&h)) * FIRST_ORG),
            };
            assert_eq!(got, want, "{w}");
            n += 1;
        }
        assert!(n > 10_000, "{n}");
    }

    #[test]
    fn hashed_phrases_find_what_the_string_scan_finds() {
        let text = "زار وفد من مدينة نيويورك ولروسيا و ناغورنو-كاراباخ ثم ناغورنو كاراباخ والولايات المتحدة الأمريكية في سان بطرسبورغ وسان \u{064B} بطرسبورغ";
        let words: Vec<&str> = text.split(' ').collect();
        let infos = token_infos(&words);
        let stripped: Vec<&str> = infos.iter().map(|t| t.stripped()).collect();
        for (g, first) in [(gazetteer(), FIRST_PLACE), (org_gazetteer(), FIRST_ORG)] {
            let by_string: Vec<(usize, usize)> = crate::entities::lexicon::longest_phrases(
                &stripped,
                MAX_GAZ_WORDS,
                |w| g.first_words.contains(w),
                |k| stripped[k].is_empty(),
                |_, _, key| g.phrases.contains(key).then_some(()),
            )
            .into_iter()
            .map(|(i, n, ())| (i, n))
            .collect();
            assert_eq!(
                hashed_phrases(&infos, &HashedGazetteer::of(g), first),
                by_string
            );
        }
        assert!(infos.iter().any(|t| t.gaz == 2), "a multi-word place");
    }

    fn infos_of(sents: &[&str]) -> Vec<Vec<TokInfo>> {
        sents
            .iter()
            .map(|s| token_infos(&s.split(' ').collect::<Vec<_>>()))
            .collect()
    }

    #[test]
    fn the_document_class_is_what_the_first_pass_said_elsewhere() {
        let mut infos = infos_of(&["قال كافو إن", "وأكد كافو أنه", "ثم قال كافو"]);
        let p = Tag::B(EntType::Pers);
        let first = vec![
            vec![Tag::O, p, Tag::O],
            vec![Tag::O, p, Tag::O],
            vec![Tag::O, Tag::O, Tag::O],
        ];
        set_doc_classes(&mut infos, &first, DOC_WINDOW);
        // The untagged mention learns that its other two mentions are a person (class 1 + PERS).
        assert_eq!(infos[2][2].doc, 1);
        // A tagged one: of its two others, one says person: half is enough.
        assert_eq!(infos[0][1].doc, 1);
        // قال occurs twice, both outside names: "mostly not a name" (5); إن only once: nothing.
        assert_eq!(infos[0][0].doc, 5);
        assert_eq!(infos[0][2].doc, 0);
        // With a window of 0 sentences only the sentence itself counts.
        set_doc_classes(&mut infos, &first, 0);
        assert_eq!(infos[2][2].doc, 0);
    }

    #[test]
    fn a_sports_report_is_marked_around_its_sport_words() {
        let mut sents = vec!["فاز الفريق في المباراة على ملعب المدينة"];
        sents.extend(std::iter::repeat_n("وقال الوزير إن الحكومة مستعدة", 30));
        let mut infos = infos_of(&sents);
        set_topics(&mut infos, 2);
        assert_eq!(infos[0][0].sport, 1);
        assert_eq!(infos[2][0].sport, 1);
        assert_eq!(infos[3][0].sport, 0, "three sentences away");
    }

    #[test]
    fn the_name_lists_mark_their_words() {
        let infos = token_infos(&["ولعب", "سلتيك", "مع", "فينغر"]);
        assert_eq!(infos[1].ogaz, 1, "a club of the organisation list");
        assert_eq!(infos[3].per, 1, "a name of the person list");
        assert_eq!((infos[0].per, infos[0].ogaz, infos[2].per), (0, 0, 0));
    }
}
