//! The named-entity tagger: an averaged perceptron over BIO labels with greedy left-to-right
//! decoding, trained on ANERcorp (see `examples/train_ner.rs`).
//!
//! Why this design: it trains in seconds, tags tens of megabytes a second on one core, fits in a
//! few megabytes, and on ANERcorp it does as well as a CRF with the same features (research notes
//! §B). Features are hashed to 64-bit keys (no string table), and only the features whose
//! averaged weights survive pruning are stored, quantised to `i16`.
//!
//! The model file is a text header (format name, version, the CC BY-SA 4.0 attribution the
//! training data requires), a NUL byte, then a binary body that ends with an xxh3 checksum of
//! everything before it. Loading checks all of it and returns [`ModelError`], never panics.

use std::path::Path;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::lexicon::{
    gazetteer, lists_fingerprint, longest_phrases, triggers, Trigger, MAX_GAZ_WORDS,
};
use crate::text::{is_arabic_letter, normalize, strip_proclitics};

/// An entity type of ANERcorp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntType {
    /// A person.
    Pers,
    /// A place.
    Loc,
    /// An organisation.
    Org,
    /// Anything else with a name (events, products, nationalities used as names…).
    Misc,
}

impl EntType {
    /// The ANERcorp spelling: `PERS`, `LOC`, `ORG`, `MISC`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntType::Pers => "PERS",
            EntType::Loc => "LOC",
            EntType::Org => "ORG",
            EntType::Misc => "MISC",
        }
    }

    const ALL: [EntType; 4] = [EntType::Pers, EntType::Loc, EntType::Org, EntType::Misc];
}

/// A BIO tag of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Outside any entity.
    O,
    /// First token of an entity.
    B(EntType),
    /// A following token of the same entity.
    I(EntType),
}

/// Number of distinct tags (O plus B/I of four types).
pub const N_TAGS: usize = 9;

impl Tag {
    /// Dense index 0..[`N_TAGS`].
    pub fn index(self) -> usize {
        match self {
            Tag::O => 0,
            Tag::B(t) => 1 + 2 * t as usize,
            Tag::I(t) => 2 + 2 * t as usize,
        }
    }

    /// The tag with dense index `i` (out-of-range indexes give `O`).
    pub fn from_index(i: usize) -> Tag {
        match i {
            1..=8 => {
                let t = EntType::ALL[(i - 1) / 2];
                if i % 2 == 1 {
                    Tag::B(t)
                } else {
                    Tag::I(t)
                }
            }
            _ => Tag::O,
        }
    }

    /// Parses `O`, `B-PERS`, `I-LOC`, …; anything else is `None`.
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (bi, ty) = s.split_once('-')?;
        let t = EntType::ALL.into_iter().find(|t| t.as_str() == ty)?;
        match bi {
            "B" => Some(Tag::B(t)),
            "I" => Some(Tag::I(t)),
            _ => None,
        }
    }

    /// The entity type, if any.
    pub fn ent(self) -> Option<EntType> {
        match self {
            Tag::O => None,
            Tag::B(t) | Tag::I(t) => Some(t),
        }
    }

    /// May this tag follow `prev`? `I-X` only continues `B-X` or `I-X`.
    fn allowed_after(self, prev: Tag) -> bool {
        match self {
            Tag::I(t) => prev.ent() == Some(t),
            _ => true,
        }
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tag::O => f.write_str("O"),
            Tag::B(t) => write!(f, "B-{}", t.as_str()),
            Tag::I(t) => write!(f, "I-{}", t.as_str()),
        }
    }
}

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read.
    #[error("cannot read NER model {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes do not start with the qari NER header.
    #[error("not a qari NER model (bad header)")]
    BadHeader,
    /// A model of another format version.
    #[error("NER model format version {found}, this qari reads version {expected}")]
    Version {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The file is shorter than its header says, or the checksum does not match.
    #[error("NER model is corrupt or truncated ({0})")]
    Corrupt(&'static str),
    /// The model was trained with other gazetteer/trigger lists than the ones built in.
    #[error("NER model was trained with other gazetteer/trigger lists; retrain it (examples/train_ner.rs)")]
    ListsMismatch,
}

/// Mixes two hashes into one (splitmix64 finaliser over a rotation), for conjoined features.
#[inline]
fn mix(a: u64, b: u64) -> u64 {
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
    /// `norm` with its proclitics stripped: the same as [`super::lexicon::fold_word`].
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
fn static_features(infos: &[TokInfo]) -> Statics {
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
struct Statics {
    feats: Vec<u64>,
    /// End of each token's run in `feats`.
    ends: Vec<u32>,
}

impl Statics {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn iter(&self) -> impl Iterator<Item = &[u64]> {
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
fn trans_features(statics: &[u64], prev: Tag, drop_word: bool, out: &mut Vec<u64>) {
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
fn trans_key(template: u64, w: u64, p: u64) -> u64 {
    (mix(template, w) & !0xF) | p
}

/// First-order Viterbi over BIO: `emit[i][k]` is the history-free score of tag `k` at token `i`,
/// `trans(i, p)` the extra scores of every tag at `i` after tag `p`. Only valid BIO paths are
/// considered (I-X continues B-X or I-X); the path starts after `O`.
fn viterbi(
    emit: &[[f32; N_TAGS]],
    mut trans: impl FnMut(usize, usize) -> [f32; N_TAGS],
) -> Vec<Tag> {
    let n = emit.len();
    if n == 0 {
        return Vec::new();
    }
    let mut back: Vec<[u8; N_TAGS]> = vec![[0; N_TAGS]; n];
    let mut delta = [f32::NEG_INFINITY; N_TAGS];
    let t0 = trans(0, 0);
    for k in 0..N_TAGS {
        if Tag::from_index(k).allowed_after(Tag::O) {
            delta[k] = emit[0][k] + t0[k];
        }
    }
    for i in 1..n {
        let mut nd = [f32::NEG_INFINITY; N_TAGS];
        for (p, &dp) in delta.iter().enumerate() {
            if dp == f32::NEG_INFINITY {
                continue;
            }
            let tr = trans(i, p);
            for k in 0..N_TAGS {
                if !ALLOWED[p][k] {
                    continue;
                }
                let s = dp + tr[k];
                if s > nd[k] {
                    nd[k] = s;
                    back[i][k] = p as u8;
                }
            }
        }
        for k in 0..N_TAGS {
            nd[k] += emit[i][k];
        }
        delta = nd;
    }
    let mut best = 0;
    for k in 1..N_TAGS {
        if delta[k] > delta[best] {
            best = k;
        }
    }
    let mut out = vec![Tag::O; n];
    let mut k = best;
    for i in (0..n).rev() {
        out[i] = Tag::from_index(k);
        k = back[i][k] as usize;
    }
    out
}

/// `ALLOWED[p][k]`: may tag `k` follow tag `p`?
const ALLOWED: [[bool; N_TAGS]; N_TAGS] = {
    let mut a = [[true; N_TAGS]; N_TAGS];
    let mut p = 0;
    while p < N_TAGS {
        let mut k = 2;
        while k < N_TAGS {
            // k = I-X (even index ≥ 2) is allowed only after B-X (k-1) or I-X (k).
            a[p][k] = p == k || p == k - 1;
            k += 2;
        }
        p += 1;
    }
    a
};

/// How many leading static features name the word itself.
const N_WORD: usize = 4;
/// How many trailing static features form the unknown-word block.
const N_UNK: usize = 4;

/// The static features in use for a token: without the unknown-word block for a known word,
/// without the word's own features (and with the block) for an unknown one.
#[inline]
fn active(st: &[u64], unknown: bool) -> &[u64] {
    if unknown {
        &st[N_WORD..]
    } else {
        &st[..st.len() - N_UNK]
    }
}

/// A trained tagger: feature key → one weight per tag.
pub struct Tagger {
    /// Open-addressing table (linear probing, power-of-two size, key 0 = empty): a feature's key
    /// and its quantised weights share one slot, so a lookup is one cache line.
    slots: Vec<Slot>,
    mask: usize,
    scale: f32,
    n: usize,
}

#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    key: u64,
    w: [i16; N_TAGS],
}

/// Feature keys are never 0 in the table (0 marks an empty slot).
#[inline]
fn slot_key(k: u64) -> u64 {
    if k == 0 {
        1
    } else {
        k
    }
}

impl std::fmt::Debug for Tagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tagger").field("features", &self.n).finish()
    }
}

const MAGIC: &str = "QARI-NER-MODEL";
/// Model format version; bump when features or layout change.
pub const MODEL_VERSION: u32 = 2;

/// The attribution every shipped model carries (ANERcorp is CC BY-SA 4.0).
pub const ATTRIBUTION: &str =
    "Averaged-perceptron Arabic NER model for qari, trained on the ANERcorp \
CAMeL Lab train split (Benajiba, Rosso & Benedi Ruiz, ANERsys, CICLing 2007; Obeid et al., \
CAMeL Tools, LREC 2020). Licence: Creative Commons Attribution-ShareAlike 4.0 \
(https://creativecommons.org/licenses/by-sa/4.0/). This model is a derivative of ANERcorp and is \
distributed under the same licence. Reproduce: cargo run --release --example train_ner -- \
../shared/data/anercorp/train.txt models/ner.bin";

static BUILTIN: &[u8] = include_bytes!("../../models/ner.bin");

/// Fingerprint of the built-in model, so that caches of its output (the entity index) are
/// rebuilt when the model changes.
pub fn builtin_fingerprint() -> u64 {
    xxhash_rust::xxh3::xxh3_64(BUILTIN)
}

impl Tagger {
    /// The model built into the binary (`models/ner.bin`), loaded once per process.
    pub fn load_builtin() -> Result<&'static Tagger, &'static ModelError> {
        static T: OnceLock<Result<Tagger, ModelError>> = OnceLock::new();
        T.get_or_init(|| Tagger::from_bytes(BUILTIN)).as_ref()
    }

    /// Reads a model file from disk.
    pub fn load(path: &Path) -> Result<Tagger, ModelError> {
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Tagger::from_bytes(&bytes)
    }

    /// Parses a model from its bytes, checking header, version, checksum and list fingerprint.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, ModelError> {
        let nul = bytes
            .iter()
            .position(|&b| b == 0)
            .ok_or(ModelError::BadHeader)?;
        let header = std::str::from_utf8(&bytes[..nul]).map_err(|_| ModelError::BadHeader)?;
        let first = header.lines().next().unwrap_or("");
        let version = first
            .strip_prefix(MAGIC)
            .and_then(|r| r.trim().strip_prefix('v'))
            .ok_or(ModelError::BadHeader)?
            .parse::<u32>()
            .map_err(|_| ModelError::BadHeader)?;
        if version != MODEL_VERSION {
            return Err(ModelError::Version {
                found: version,
                expected: MODEL_VERSION,
            });
        }
        if bytes.len() < nul + 1 + 8 {
            return Err(ModelError::Corrupt("too short"));
        }
        let (payload, sum) = bytes.split_at(bytes.len() - 8);
        let sum = u64::from_le_bytes(
            sum.try_into()
                .map_err(|_| ModelError::Corrupt("checksum"))?,
        );
        if xxh3_64(payload) != sum {
            return Err(ModelError::Corrupt("checksum mismatch"));
        }
        let mut r = Reader {
            b: &payload[nul + 1..],
        };
        let fp = r.u64()?;
        if fp != lists_fingerprint() {
            return Err(ModelError::ListsMismatch);
        }
        let scale = f32::from_bits(r.u32()?);
        let n = r.u32()? as usize;
        if n.checked_mul(8 + 2 * N_TAGS) != Some(r.b.len()) {
            return Err(ModelError::Corrupt("feature count does not match size"));
        }
        let mut keys = Vec::with_capacity(n);
        for _ in 0..n {
            keys.push(r.u64()?);
        }
        // Load factor between 3/8 and 3/4: short probes, and a table small enough for the cache.
        let cap = (n * 4 / 3 + 1).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut slots = vec![Slot::default(); cap];
        for key in keys {
            let mut w = [0i16; N_TAGS];
            for x in &mut w {
                *x = r.i16()?;
            }
            let key = slot_key(key);
            let mut i = (key as usize) & mask;
            while slots[i].key != 0 && slots[i].key != key {
                i = (i + 1) & mask;
            }
            slots[i] = Slot { key, w };
        }
        Ok(Tagger {
            slots,
            mask,
            scale,
            n,
        })
    }

    /// Number of stored features.
    pub fn num_features(&self) -> usize {
        self.n
    }

    #[inline]
    fn get(&self, key: u64) -> Option<&[i16; N_TAGS]> {
        let key = slot_key(key);
        let mut i = (key as usize) & self.mask;
        loop {
            let s = &self.slots[i];
            if s.key == key {
                return Some(&s.w);
            }
            if s.key == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    #[inline]
    fn add(&self, f: u64, acc: &mut [i32; N_TAGS]) {
        if let Some(w) = self.get(f) {
            for k in 0..N_TAGS {
                acc[k] += i32::from(w[k]);
            }
        }
    }

    #[inline]
    fn score(&self, feats: &[u64], scores: &mut [f32; N_TAGS]) {
        let mut acc = [0i32; N_TAGS];
        for &f in feats {
            self.add(f, &mut acc);
        }
        for k in 0..N_TAGS {
            scores[k] = acc[k] as f32 * self.scale;
        }
    }

    /// Tags one sentence of whitespace tokens (clitics attached, punctuation as its own tokens,
    /// as in ANERcorp). Returns one tag per token; the tags always form valid BIO.
    pub fn tag(&self, tokens: &[&str]) -> Vec<Tag> {
        self.tag_infos(&token_infos(tokens))
    }

    /// [`Tagger::tag`] on the [`token_infos`] of a sentence (computed once by callers that need
    /// the normalised forms too).
    pub(crate) fn tag_infos(&self, infos: &[TokInfo]) -> Vec<Tag> {
        let statics = static_features(infos);
        let mut emit = Vec::with_capacity(statics.len());
        for st in statics.iter() {
            let mut s = [0f32; N_TAGS];
            let unknown = self.get(st[0]).is_none() && self.get(st[1]).is_none();
            self.score(active(st, unknown), &mut s);
            emit.push(s);
        }
        // The previous-tag-only transition scores are the same at every token.
        let mut bias = [[0i32; N_TAGS]; N_TAGS];
        for (p, b) in bias.iter_mut().enumerate() {
            self.add(mix(100, p as u64), b);
        }
        viterbi(&emit, |i, p| {
            let mut acc = bias[p];
            let pp = p as u64;
            self.add(trans_key(102, statics[i][0], pp), &mut acc);
            self.add(trans_key(120, statics[i][1], pp), &mut acc);
            acc.map(|x| x as f32 * self.scale)
        })
    }
}

struct Reader<'a> {
    b: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        if self.b.len() < N {
            return Err(ModelError::Corrupt("truncated"));
        }
        let (h, t) = self.b.split_at(N);
        self.b = t;
        h.try_into().map_err(|_| ModelError::Corrupt("truncated"))
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(self.take()?))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.take()?))
    }
    fn i16(&mut self) -> Result<i16, ModelError> {
        Ok(i16::from_le_bytes(self.take()?))
    }
}

/// One training sentence: tokens and their gold tags.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// The tokens, as in the corpus.
    pub tokens: Vec<String>,
    /// One gold tag per token.
    pub tags: Vec<Tag>,
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Passes over the data.
    pub epochs: usize,
    /// Seed of the per-epoch shuffle (a fixed LCG, so training is deterministic).
    pub seed: u64,
    /// Features whose largest averaged weight is below this are dropped from the saved model.
    pub prune: f32,
    /// Probability of hiding a token's own word features in a training step (word dropout).
    pub word_dropout: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 16,
            seed: 20240501,
            prune: 0.02,
            word_dropout: 0.1,
        }
    }
}

/// Trains a model and returns its file bytes (header, attribution, weights, checksum).
/// The same sentences and options always give the same bytes.
pub fn train(sentences: &[Sentence], opts: TrainOptions) -> Vec<u8> {
    let statics: Vec<Statics> = sentences
        .iter()
        .map(|s| {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            static_features(&token_infos(&toks))
        })
        .collect();
    let mut index: FxHashMap<u64, u32> = FxHashMap::default();
    let mut w: Vec<[f32; N_TAGS]> = Vec::new();
    let mut acc: Vec<[f64; N_TAGS]> = Vec::new();
    let mut ts: Vec<[u32; N_TAGS]> = Vec::new();
    let mut step: u32 = 0;
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut rng = opts.seed | 1;
    let mut feats = Vec::with_capacity(48);
    for _epoch in 0..opts.epochs {
        // Fisher–Yates with a fixed 64-bit LCG: same seed, same order, on every machine.
        for i in (1..order.len()).rev() {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let j = ((rng >> 33) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &si in &order {
            let gold = &sentences[si].tags;
            let st = &statics[si];
            step += 1;
            let drops: Vec<bool> = st
                .iter()
                .map(|_| {
                    rng = rng
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((rng >> 40) as f32 / (1u64 << 24) as f32) < opts.word_dropout
                })
                .collect();
            let look = |f: u64, scores: &mut [f32; N_TAGS]| {
                if let Some(&row) = index.get(&f) {
                    let r = &w[row as usize];
                    for k in 0..N_TAGS {
                        scores[k] += r[k];
                    }
                }
            };
            let emit: Vec<[f32; N_TAGS]> = st
                .iter()
                .zip(&drops)
                .map(|(f, &d)| {
                    let mut s = [0f32; N_TAGS];
                    for &x in active(f, d) {
                        look(x, &mut s);
                    }
                    s
                })
                .collect();
            let mut tf = Vec::with_capacity(4);
            let pred = viterbi(&emit, |i, p| {
                let mut s = [0f32; N_TAGS];
                trans_features(&st[i], Tag::from_index(p), drops[i], &mut tf);
                for &x in &tf {
                    look(x, &mut s);
                }
                s
            });
            if pred == *gold {
                continue;
            }
            let mut upd = |f: u64, k: usize, delta: f32| {
                let row = *index.entry(f).or_insert_with(|| {
                    w.push([0.0; N_TAGS]);
                    acc.push([0.0; N_TAGS]);
                    ts.push([0; N_TAGS]);
                    (w.len() - 1) as u32
                }) as usize;
                acc[row][k] += f64::from(step - ts[row][k]) * f64::from(w[row][k]);
                ts[row][k] = step;
                w[row][k] += delta;
            };
            for ti in 0..st.len() {
                let (g, pr) = (gold[ti], pred[ti]);
                let gp = if ti > 0 { gold[ti - 1] } else { Tag::O };
                let pp = if ti > 0 { pred[ti - 1] } else { Tag::O };
                if g == pr && gp == pp {
                    continue;
                }
                if g != pr {
                    for &x in active(&st[ti], drops[ti]) {
                        upd(x, g.index(), 1.0);
                        upd(x, pr.index(), -1.0);
                    }
                }
                trans_features(&st[ti], gp, drops[ti], &mut feats);
                for &x in &feats {
                    upd(x, g.index(), 1.0);
                }
                trans_features(&st[ti], pp, drops[ti], &mut feats);
                for &x in &feats {
                    upd(x, pr.index(), -1.0);
                }
            }
        }
    }
    // Averaged weights, pruned, sorted by key for a canonical file.
    let total = f64::from(step.max(1));
    let mut rows: Vec<(u64, [f32; N_TAGS])> = index
        .iter()
        .map(|(&key, &row)| {
            let row = row as usize;
            let mut avg = [0f32; N_TAGS];
            for k in 0..N_TAGS {
                let a = acc[row][k] + f64::from(step - ts[row][k]) * f64::from(w[row][k]);
                avg[k] = (a / total) as f32;
            }
            (key, avg)
        })
        .filter(|(_, avg)| avg.iter().any(|x| x.abs() >= opts.prune))
        .collect();
    rows.sort_unstable_by_key(|r| r.0);
    let max = rows
        .iter()
        .flat_map(|r| r.1.iter())
        .fold(0f32, |m, x| m.max(x.abs()))
        .max(1e-6);
    let scale = max / 32767.0;
    let mut out = Vec::new();
    out.extend_from_slice(format!("{MAGIC} v{MODEL_VERSION}\n{ATTRIBUTION}\n").as_bytes());
    out.push(0);
    out.extend_from_slice(&lists_fingerprint().to_le_bytes());
    out.extend_from_slice(&scale.to_bits().to_le_bytes());
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for (key, _) in &rows {
        out.extend_from_slice(&key.to_le_bytes());
    }
    for (_, avg) in &rows {
        for x in avg {
            let q = (x / scale).round().clamp(-32767.0, 32767.0) as i16;
            out.extend_from_slice(&q.to_le_bytes());
        }
    }
    let sum = xxh3_64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// The embedded model bytes, for tests that corrupt them.
    pub(crate) fn builtin_bytes() -> &'static [u8] {
        super::BUILTIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::conll::parse_anercorp;

    const TRAIN: &str = "../shared/data/anercorp/train.txt";

    #[test]
    fn tags_round_trip_through_their_index_and_text() {
        for i in 0..N_TAGS {
            let t = Tag::from_index(i);
            assert_eq!(t.index(), i);
            assert_eq!(Tag::parse(&t.to_string()), Some(t));
        }
    }

    #[test]
    fn training_is_deterministic_and_learns() {
        // A fixed slice of ANERcorp, trained twice: the same bytes; and the model fits its data.
        let Ok(text) = std::fs::read_to_string(TRAIN) else {
            eprintln!("skipping: {TRAIN} not found");
            return;
        };
        let sents = parse_anercorp(&text);
        let slice = &sents[..400];
        let opts = TrainOptions {
            epochs: 3,
            prune: 0.02,
            word_dropout: 0.0,
            ..TrainOptions::default()
        };
        let a = train(slice, opts);
        let b = train(slice, opts);
        assert_eq!(a, b);
        assert!(a.starts_with(format!("QARI-NER-MODEL v{MODEL_VERSION}\n").as_bytes()));
        assert!(
            String::from_utf8_lossy(&a[..600]).contains("CC BY-SA 4.0")
                || String::from_utf8_lossy(&a[..600]).contains("Attribution-ShareAlike 4.0")
        );
        let m = Tagger::from_bytes(&a).expect("fresh model loads");
        let gold: Vec<Vec<Tag>> = slice.iter().map(|s| s.tags.clone()).collect();
        let pred: Vec<Vec<Tag>> = slice
            .iter()
            .map(|s| m.tag(&s.tokens.iter().map(String::as_str).collect::<Vec<_>>()))
            .collect();
        let (_, micro) = crate::entities::conll::score(&gold, &pred);
        assert!(micro.f1() > 80.0, "training-set F1 {}", micro.f1());
    }

    #[test]
    fn corrupt_or_foreign_models_are_errors() {
        let good = tests_support::builtin_bytes();
        assert!(Tagger::from_bytes(good).is_ok());
        assert!(matches!(
            Tagger::from_bytes(b""),
            Err(ModelError::BadHeader)
        ));
        assert!(matches!(
            Tagger::from_bytes(b"hello\0world"),
            Err(ModelError::BadHeader)
        ));
        let mut bad = good.to_vec();
        let mid = bad.len() / 2;
        bad[mid] ^= 0x55;
        assert!(matches!(
            Tagger::from_bytes(&bad),
            Err(ModelError::Corrupt(_))
        ));
        let cut = &good[..good.len() - 100];
        assert!(matches!(
            Tagger::from_bytes(cut),
            Err(ModelError::Corrupt(_))
        ));
        let v2 =
            String::from_utf8_lossy(good).replacen(&format!("v{}\n", MODEL_VERSION), "v9\n", 1);
        assert!(matches!(
            Tagger::from_bytes(v2.as_bytes()),
            Err(ModelError::Version { found: 9, .. }) | Err(ModelError::Corrupt(_))
        ));
        assert!(matches!(
            Tagger::load(std::path::Path::new("/nonexistent/ner.bin")),
            Err(ModelError::Io { .. })
        ));
    }

    #[test]
    fn builtin_model_tags_a_news_sentence() {
        let t = Tagger::load_builtin().expect("built-in model");
        let toks = [
            "وقال",
            "الرئيس",
            "الأمريكي",
            "جورج",
            "بوش",
            "في",
            "واشنطن",
            ".",
        ];
        let tags = t.tag(&toks);
        assert_eq!(tags.len(), toks.len());
        assert_eq!(tags[6], Tag::B(EntType::Loc), "{tags:?}");
        assert_eq!(tags[3], Tag::B(EntType::Pers), "{tags:?}");
        assert!(t.tag(&[]).is_empty());
    }
}
