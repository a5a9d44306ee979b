//! What the tagger knows about each token ([`TokInfo`]: normalised and stripped forms, shape,
//! gazetteer and trigger classes) and the hashed feature keys built from it: static features of
//! every token, and transition features given the previous tag.
//!
//! The keys are the model: the shipped `models/ner.bin` stores weights under these hashes, so
//! changing a template number, a feature string or the order of the word features silently
//! breaks it (retrain, and check that `examples/train_ner.rs` gives the same bytes).

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::Tag;
use crate::entities::lexicon::{gazetteer, longest_phrases, triggers, Trigger, MAX_GAZ_WORDS};
use crate::text::{is_arabic_letter, normalize, strip_proclitics};

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

/// What the features need to know about one token, computed once per sentence.
pub(crate) struct TokInfo {
    /// [`crate::text::normalize`]d token.
    pub(crate) norm: String,
    /// `norm` with its proclitics stripped: the same as [`crate::entities::lexicon::fold_word`].
    pub(crate) stripped: String,
    h_norm: u64,
    h_strip: u64,
    shape: u8,
    gaz: u8,
    trig: u8,
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

/// Normalised and stripped forms, gazetteer and trigger classes of a sentence's tokens.
pub(crate) fn token_infos(tokens: &[&str]) -> Vec<TokInfo> {
    let trig = triggers();
    let mut infos: Vec<TokInfo> = tokens
        .iter()
        .map(|t| {
            let norm = normalize(t);
            let stripped = strip_proclitics(&norm).to_string();
            let trig = match trig.get(&stripped) {
                Some(Trigger::Title) => 1,
                Some(Trigger::Org) => 2,
                Some(Trigger::Loc) => 3,
                None => 0,
            };
            TokInfo {
                h_norm: hs(2, &norm),
                h_strip: hs(3, &stripped),
                shape: shape_of(t),
                gaz: 0,
                trig,
                norm,
                stripped,
            }
        })
        .collect();
    // Gazetteer spans: the longest match from each position; first word folded with its
    // proclitics stripped, the others normalised and stripped the same way.
    let g = gazetteer();
    let stripped: Vec<&str> = infos.iter().map(|t| t.stripped.as_str()).collect();
    let found = longest_phrases(
        &stripped,
        MAX_GAZ_WORDS,
        |w| g.first_words.contains(w),
        |k| stripped[k].is_empty(),
        |_, _, key| g.phrases.contains(key).then_some(()),
    );
    for (i, n, ()) in found {
        infos[i].gaz = if n == 1 { 1 } else { 2 };
        for info in &mut infos[i + 1..i + n] {
            info.gaz = 3;
        }
    }
    infos
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
    let mut f: Vec<u64> = Vec::with_capacity(n * 64);
    let mut ends: Vec<u32> = Vec::with_capacity(n);
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
            if let Some(p) = prefix_chars(&info.stripped, k) {
                f.push(hs(10 + k as u64, p));
            }
            if let Some(s) = suffix_chars(&info.norm, k) {
                f.push(hs(20 + k as u64, s));
            }
        }
        // The proclitic part that was stripped (و, ال, وال, بال, …), or none.
        let clitic = &info.norm[..info.norm.len() - info.stripped.len()];
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
        let starts: Vec<usize> = info.stripped.char_indices().map(|(i, _)| i).collect();
        for w in starts.windows(4) {
            f.push(hs(91, &info.stripped[w[0]..w[3]]));
        }
        if starts.len() >= 3 {
            f.push(hs(91, &info.stripped[starts[starts.len() - 3]..]));
        }
        if let Some(p) = prefix_chars(&info.stripped, 5) {
            f.push(hs(15, p));
        }
        if let Some(s) = suffix_chars(&info.norm, 5) {
            f.push(hs(25, s));
        }
        let len = info.stripped.chars().count().min(8) as u64;
        f.push(mix(90, len));
        // The unknown-word block (used only when the word itself is unknown: dropped in
        // training, absent from the model when tagging): what an unseen word's context says.
        f.push(mix(200, 0));
        f.push(mix(201, small_at(ii - 1, |x| x.trig)));
        f.push(mix(202, norm_at(ii - 1)));
        f.push(mix(203, norm_at(ii + 1)));
        ends.push(f.len() as u32);
    }
    Statics { feats: f, ends }
}

/// The static feature keys of a sentence, token after token in one buffer.
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
