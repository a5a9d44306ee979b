//! The [`Tagger`]: a model file read into an open-addressing weight table, scoring of the
//! features, and first-order Viterbi decoding over valid BIO paths.

use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

#[cfg(test)]
use super::features::{active, static_features_into, Statics};
use super::features::{
    mix, own_features_into, pad, set_doc_classes, set_topics, token_infos, trans_key, TokInfo, NEAR,
};
use super::{ModelError, Tag, N_TAGS};
use crate::entities::lexicon::lists_fingerprint;
use crate::entities::word_classes;

/// First-order Viterbi over BIO: `emit[i][k]` is the history-free score of tag `k` at token `i`,
/// `trans(i, p)` the extra scores of every tag at `i` after tag `p`. Only valid BIO paths are
/// considered (I-X continues B-X or I-X); the path starts after `O`.
pub(super) fn viterbi(
    emit: &[[f32; N_TAGS]],
    trans: impl FnMut(usize, usize) -> [f32; N_TAGS],
) -> Vec<Tag> {
    let mut out = Vec::new();
    viterbi_into(emit, trans, &mut Vec::new(), &mut out);
    out
}

/// [`viterbi`] with a reused back-pointer buffer `back`, the path written to `out`.
fn viterbi_into(
    emit: &[[f32; N_TAGS]],
    mut trans: impl FnMut(usize, usize) -> [f32; N_TAGS],
    back: &mut Vec<[u8; N_TAGS]>,
    out: &mut Vec<Tag>,
) {
    out.clear();
    let n = emit.len();
    if n == 0 {
        return;
    }
    back.clear();
    back.resize(n, [0; N_TAGS]);
    let mut delta = [f32::NEG_INFINITY; N_TAGS];
    let t0 = trans(0, 0);
    for k in 0..N_TAGS {
        if Tag::from_index(k).allowed_after(Tag::O) {
            delta[k] = emit[0][k] + t0[k];
        }
    }
    for i in 1..n {
        let mut nd = [f32::NEG_INFINITY; N_TAGS];
        let tr: [[f32; N_TAGS]; N_TAGS] = std::array::from_fn(|p| trans(i, p));
        // Tag by tag, the previous tags in ascending order, a strictly greater score winning:
        // the same maximum and back-pointer as the loop over previous tags first (an
        // unreachable previous tag, −∞, never wins), but I-X reads only its two allowed
        // predecessors instead of testing all nine.
        for k in 0..N_TAGS {
            let preds: &[usize] = if k >= 2 && k % 2 == 0 {
                &[k - 1, k]
            } else {
                &ALL_TAGS
            };
            for &p in preds {
                let s = delta[p] + tr[p][k];
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
    out.resize(n, Tag::O);
    let mut k = best;
    for i in (0..n).rev() {
        out[i] = Tag::from_index(k);
        k = back[i][k] as usize;
    }
}

/// Every tag index, in order.
const ALL_TAGS: [usize; N_TAGS] = {
    let mut a = [0; N_TAGS];
    let mut k = 0;
    while k < N_TAGS {
        a[k] = k;
        k += 1;
    }
    a
};

/// A trained tagger: feature key → one weight per tag.
pub struct Tagger {
    /// Open-addressing table (linear probing, power-of-two size, key 0 = empty) of the feature
    /// keys alone, 8 bytes a slot: a probe, hit or miss, usually reads one cache line. The
    /// quantised weights of slot `i` are `weights[i]`, read only on a hit.
    keys: Vec<u64>,
    weights: Vec<[i16; N_TAGS]>,
    mask: usize,
    scale: f32,
    n: usize,
    /// The weights of the [`SMALL`] features for every value, copied out of the table at load:
    /// `small[slot * 256 + code(hi) * 16 + code(lo)]`.
    small: Vec<[i16; N_TAGS]>,
    /// Tells this model's entries of the word cache from another model's.
    id: u64,
    /// One bit per [`FILTER_BITS`] value of a key's high bits, set for every stored key: most
    /// lookups of a rare word pair miss, and this 256 KB bit table (which stays in the core's L2)
    /// tells most of them without reading the 8 MB key table. Never a false "absent". (Measured
    /// alone, on a shared machine: perf samples of `eval_ner --speed-only` 11,997 → 11,414,
    /// within the noise; it stays for the lookups outside the batch.)
    filter: Vec<u64>,
}

/// Bits of the key filter (256 KB; the model's ~200k keys set under 10% of them).
const FILTER_BITS: usize = 1 << 21;

/// The filter bit of a (slot) key: its high bits, independent of the home slot's low bits.
#[inline]
fn filter_bit(key: u64) -> usize {
    (key >> 40) as usize & (FILTER_BITS - 1)
}

/// Features over a few small values (shape, list and trigger classes, document class, topic):
/// `(template, shift)` of the key `mix(template, hi << shift | lo)` in `static_features_into`.
/// Their weights sit in a small dense table (L1/L2-resident) instead of the big hash table:
/// about thirty of a token's sixty lookups.
const SMALL: [(u64, u32); 37] = [
    (60, 0),
    (62, 0),
    (63, 8),
    (70, 0),
    (71, 0),
    (72, 0),
    (73, 0),
    (80, 0),
    (81, 0),
    (83, 0),
    (84, 8),
    (320, 0),
    (321, 0),
    (322, 0),
    (323, 8),
    (410, 16),
    (411, 16),
    (412, 16),
    (413, 16),
    (400, 0),
    (401, 0),
    (402, 0),
    (403, 8),
    (310, 0),
    (312, 0),
    (313, 8),
    (314, 8),
    (315, 8),
    (201, 0),
    (531, 0),
    (533, 0),
    (534, 0),
    (536, 0),
    (404, 8),
    (405, 8),
    (541, 0),
    (542, 0),
];

/// The slot of `template` in [`SMALL`] (evaluated at compile time).
const fn slot(template: u64) -> usize {
    let mut i = 0;
    while i < SMALL.len() {
        if SMALL[i].0 == template {
            return i;
        }
        i += 1;
    }
    panic!("not a small template")
}

/// Dense code of a small value: 0..15 itself, 99 (outside the sentence) 15; `None` otherwise.
#[inline]
fn code(v: u64) -> Option<usize> {
    match v {
        0..15 => Some(v as usize),
        99 => Some(15),
        _ => None,
    }
}

/// The value of a dense code (the inverse of [`code`]).
fn decode_small(c: usize) -> u64 {
    if c == 15 {
        99
    } else {
        c as u64
    }
}

/// Rows of a cached word (see [`WordCache`]): its own features' sum and what it gives each
/// [`NEAR`] neighbour. Its transition rows are kept scaled, in [`WordCache::mats`].
const ROW_OWN: usize = 0;
const ROW_NEAR: usize = 1;
const N_ROWS: usize = ROW_NEAR + NEAR.len();

/// One word of the cache: the model's integer sums for it, computed once.
struct CachedWord {
    /// The word's `h_strip`: with `h_norm` (the map's key), 128 bits that tell words apart
    /// instead of comparing the strings (a `memcmp` per token, 2.4% of the entity pass); that
    /// two of the (at most 65,536) cached words clash on both has a probability of about 10^-29.
    h_strip: u64,
    shape: u8,
    known: bool,
    /// Its first row in [`WordCache::rows`]; only the non-zero rows are stored, `mask` says
    /// which (bit `k`: row `k`).
    first: u32,
    mask: u32,
    /// Its transition scores in [`WordCache::mats`] (0: the word has no transition weights of
    /// its own).
    mat: u32,
}

/// The weight sums of the words seen lately, per thread: everything of a token that depends
/// only on the token (about thirty lookups of its own features, eighteen transition keys, eight
/// neighbour keys) is looked up once per distinct word instead of once per token. News repeats
/// its words, so most tokens find theirs here. The sums are integers: the same as looking up
/// each feature. Keyed by the normalised word (with its shape, the only other input) under its
/// hashes `h_norm` and `h_strip`; a word whose slot holds another word is scored afresh.
#[derive(Default)]
struct WordCache {
    model: u64,
    map: FxHashMap<u64, u32>,
    words: Vec<CachedWord>,
    rows: Vec<[i32; N_TAGS]>,
    feats: Vec<u64>,
    /// The previous-tag weights (template 100) of the model, `bias[p]`.
    bias: [[i32; N_TAGS]; N_TAGS],
    /// The scaled transition scores Viterbi reads, `mats[m][p][k]` (tag `k` after tag `p`):
    /// `mats[0]` the previous tag alone, then one per word with transition weights of its own
    /// (bias and word rows summed, then scaled). Made once per word instead of once per token
    /// and pass (81 sums and products a token were 6% of the bulk entity pass).
    mats: Vec<[[f32; N_TAGS]; N_TAGS]>,
}

/// The scaled scores of integer transition rows, as Viterbi reads them.
fn scaled(rows: &[[i32; N_TAGS]; N_TAGS], scale: f32) -> [[f32; N_TAGS]; N_TAGS] {
    rows.map(|r| r.map(|x| x as f32 * scale))
}

/// Words kept before the cache starts afresh (at the start of a document only, so the ids of a
/// document stay valid): ~40k distinct words cover most tokens of news; a few MB.
const WORD_CACHE_MAX: usize = 1 << 16;

thread_local! {
    static WORDS: RefCell<WordCache> = RefCell::new(WordCache::default());
}

impl WordCache {
    /// Ready for a document tagged by `t`: another model's words or too many are dropped.
    fn start(&mut self, t: &Tagger) {
        if self.model != t.id || self.words.len() > WORD_CACHE_MAX {
            self.map.clear();
            self.words.clear();
            self.rows.clear();
            self.model = t.id;
            for (p, b) in self.bias.iter_mut().enumerate() {
                *b = [0; N_TAGS];
                t.add(mix(100, p as u64), b);
            }
            self.mats.clear();
            self.mats.push(scaled(&self.bias, t.scale));
        }
    }

    /// The id of the word of `info`, scored now if it is not here yet.
    fn id(&mut self, t: &Tagger, info: &TokInfo) -> u32 {
        if let Some(&i) = self.map.get(&info.h_norm) {
            let w = &self.words[i as usize];
            if w.shape == info.shape && w.h_strip == info.h_strip {
                return i;
            }
        }
        let known = t.get(info.h_norm).is_some() || t.get(info.h_strip).is_some();
        let mut r = [[0i32; N_TAGS]; N_ROWS];
        own_features_into(info, known, &mut self.feats);
        for &f in &self.feats {
            t.add(f, &mut r[ROW_OWN]);
        }
        let mut trans = [[0i32; N_TAGS]; N_TAGS];
        t.add_run(trans_key(102, info.h_norm, 0), &mut trans);
        t.add_run(trans_key(120, info.h_strip, 0), &mut trans);
        let mat = if trans == [[0; N_TAGS]; N_TAGS] {
            0
        } else {
            let mut rows = self.bias;
            for (row, w) in rows.iter_mut().zip(&trans) {
                for k in 0..N_TAGS {
                    row[k] += w[k];
                }
            }
            self.mats.push(scaled(&rows, t.scale));
            (self.mats.len() - 1) as u32
        };
        for (k, &(template, stripped, _)) in NEAR.iter().enumerate() {
            let h = if stripped { info.h_strip } else { info.h_norm };
            t.add(mix(template, h), &mut r[ROW_NEAR + k]);
        }
        let first = self.rows.len() as u32;
        let mut mask = 0;
        for (k, row) in r.iter().enumerate() {
            if *row != [0; N_TAGS] {
                mask |= 1 << k;
                self.rows.push(*row);
            }
        }
        let i = self.words.len() as u32;
        self.words.push(CachedWord {
            h_strip: info.h_strip,
            shape: info.shape,
            known,
            first,
            mask,
            mat,
        });
        self.map.entry(info.h_norm).or_insert(i);
        i
    }

    /// Adds row `k` of word `id` to `acc`.
    #[inline]
    fn add(&self, id: u32, k: usize, acc: &mut [i32; N_TAGS]) {
        let w = &self.words[id as usize];
        if w.mask & (1 << k) != 0 {
            let at = w.first + (w.mask & ((1 << k) - 1)).count_ones();
            let row = &self.rows[at as usize];
            for t in 0..N_TAGS {
                acc[t] += row[t];
            }
        }
    }
}

/// A fresh id for each loaded model.
fn next_model_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
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

pub(super) const MAGIC: &str = "QARI-NER-MODEL";
/// Model format version; bump when features or layout change.
pub(crate) const MODEL_VERSION: u32 = 3;

/// The attribution every shipped model carries (ANERcorp is CC BY-SA 4.0).
pub(crate) const ATTRIBUTION: &str =
    "Linear-chain CRF Arabic NER model for qari, trained on the ANERcorp \
CAMeL Lab train split (Benajiba, Rosso & Benedi Ruiz, ANERsys, CICLing 2007; Obeid et al., \
CAMeL Tools, LREC 2020). Licence: Creative Commons Attribution-ShareAlike 4.0 \
(https://creativecommons.org/licenses/by-sa/4.0/). This model is a derivative of ANERcorp and is \
distributed under the same licence. Reproduce: cargo run --release --example train_ner -- \
../shared/data/anercorp/train.txt models/ner.bin";

static BUILTIN: &[u8] = include_bytes!("../../../models/ner.bin");

/// Fingerprint of the built-in model, so that caches of its output (the entity index) are
/// rebuilt when the model changes: the checksum the model file ends with (xxh3 of the rest,
/// checked when the model loads). Reading 8 bytes rather than hashing the 5 MB model keeps a
/// search that tags nothing from paging the whole model in (`qari search` peaked ~5 MB higher).
pub fn builtin_fingerprint() -> u64 {
    let tail = &BUILTIN[BUILTIN.len().saturating_sub(8)..];
    tail.iter()
        .rev()
        .fold(0u64, |acc, &b| acc << 8 | u64::from(b))
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
        // Load factor between 3/16 and 3/8: a miss (most lookups) usually ends at its home
        // slot's cache line; the key table stays a few megabytes.
        let cap = (n * 8 / 3 + 1).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut table = vec![0u64; cap];
        let mut weights = vec![[0i16; N_TAGS]; cap];
        for key in keys {
            let mut w = [0i16; N_TAGS];
            for x in &mut w {
                *x = r.i16()?;
            }
            let key = slot_key(key);
            let mut i = (key as usize) & mask;
            while table[i] != 0 && table[i] != key {
                i = (i + 1) & mask;
            }
            table[i] = key;
            weights[i] = w;
        }
        let mut t = Tagger {
            keys: table,
            weights,
            mask,
            scale,
            n,
            small: Vec::new(),
            id: next_model_id(),
            filter: vec![0u64; FILTER_BITS / 64],
        };
        for i in 0..t.keys.len() {
            let k = t.keys[i];
            if k != 0 {
                t.filter[filter_bit(k) / 64] |= 1 << (filter_bit(k) % 64);
            }
        }
        let mut small = vec![[0i16; N_TAGS]; SMALL.len() * 256];
        for (s, &(template, shift)) in SMALL.iter().enumerate() {
            for hi in 0..16 {
                for lo in 0..16 {
                    let v = (decode_small(hi) << shift) | decode_small(lo);
                    if let Some(w) = t.get(mix(template, v)) {
                        small[s * 256 + hi * 16 + lo] = *w;
                    }
                }
            }
        }
        t.small = small;
        Ok(t)
    }

    /// Number of stored features.
    pub fn num_features(&self) -> usize {
        self.n
    }

    #[inline]
    fn get(&self, key: u64) -> Option<&[i16; N_TAGS]> {
        let key = slot_key(key);
        let b = filter_bit(key);
        if self.filter[b / 64] & (1 << (b % 64)) == 0 {
            return None;
        }
        let mut i = (key as usize) & self.mask;
        loop {
            let k = self.keys[i];
            if k == key {
                return Some(&self.weights[i]);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// The weights of every key of `b.keys` (zeros for an absent one) into `b.rows`. The home
    /// slots are all read first, none waiting on another, so their cache misses overlap; a key
    /// not settled at its home slot (it sits further on) takes the plain way.
    fn get_batch(&self, b: &mut Batch) {
        b.homes.clear();
        b.homes.extend(
            b.keys
                .iter()
                .map(|&k| self.keys[slot_key(k) as usize & self.mask]),
        );
        b.rows.clear();
        b.rows.extend(b.keys.iter().zip(&b.homes).map(|(&k, &h)| {
            let key = slot_key(k);
            if h == key {
                self.weights[key as usize & self.mask]
            } else if h == 0 {
                [0; N_TAGS]
            } else {
                self.get(k).copied().unwrap_or([0; N_TAGS])
            }
        }));
    }

    /// Adds the weights of the nine keys `base | p` (a [`trans_key`] run: `base` has its low four
    /// bits clear) to `rows[p]`, for every previous tag `p`: one scan of the slots from the
    /// run's first home to the first empty slot past its last home, instead of nine lookups.
    /// The same sums as `self.add(base | p, &mut rows[p])` for each `p`: with linear probing
    /// and no deletions a key lies between its home slot and the next empty one.
    #[inline]
    fn add_run(&self, base: u64, rows: &mut [[i32; N_TAGS]; N_TAGS]) {
        if base == 0 {
            // slot_key(0) is 1 = base | 1: take the plain way.
            for (p, row) in rows.iter_mut().enumerate() {
                self.add(base | p as u64, row);
            }
            return;
        }
        let start = base as usize & self.mask;
        let mut off = 0;
        loop {
            let i = (start + off) & self.mask;
            let k = self.keys[i];
            if k == 0 {
                if off >= N_TAGS - 1 {
                    return;
                }
            } else if k & !0xF == base && ((k & 0xF) as usize) < N_TAGS {
                let (w, row) = (&self.weights[i], &mut rows[(k & 0xF) as usize]);
                for t in 0..N_TAGS {
                    row[t] += i32::from(w[t]);
                }
            }
            off += 1;
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

    /// Adds the weights of the [`SMALL`] feature of slot `s` with the value `hi << shift | lo`.
    #[inline]
    fn small(&self, s: usize, hi: u64, lo: u64, acc: &mut [i32; N_TAGS]) {
        let (Some(h), Some(l)) = (code(hi), code(lo)) else {
            let (template, shift) = SMALL[s];
            self.add(mix(template, (hi << shift) | lo), acc);
            return;
        };
        let w = &self.small[s * 256 + h * 16 + l];
        for k in 0..N_TAGS {
            acc[k] += i32::from(w[k]);
        }
    }

    /// Tags one sentence of whitespace tokens (clitics attached, punctuation as its own tokens,
    /// as in ANERcorp). Returns one tag per token; the tags always form valid BIO.
    pub fn tag(&self, tokens: &[&str]) -> Vec<Tag> {
        self.tag_infos(&token_infos(tokens))
    }

    /// Tags the sentences of one document in two passes: the second sees what the first said
    /// about each word elsewhere within `window` sentences ([`set_doc_classes`]), and re-tags
    /// only the sentences where that says something.
    ///
    /// The second pass gives the same tags as scoring every feature again, at a fraction of the
    /// cost: a token's features differ from the first pass only in the seven that read a
    /// document class (its own or a neighbour's, `doc_keys`), so its first-pass score is kept
    /// and only those are swapped (integer weights: the sums are exact).
    pub(crate) fn tag_document(&self, infos: &mut [Vec<TokInfo>], window: usize) -> Vec<Vec<Tag>> {
        set_topics(infos, window);
        // The first pass knows nothing of the document.
        for t in infos.iter_mut().flatten() {
            t.doc = 0;
        }
        WORDS.with_borrow_mut(|words| {
            words.start(self);
            let ids: Vec<u32> = infos.iter().flatten().map(|t| words.id(self, t)).collect();
            let words = &*words;
            let mut buf = Buffers::default();
            let mut accs: Vec<[i32; N_TAGS]> = Vec::with_capacity(ids.len());
            let mut from = 0;
            let first: Vec<Vec<Tag>> = infos
                .iter()
                .map(|s| {
                    let id = &ids[from..from + s.len()];
                    from += s.len();
                    self.emission_sums(s, id, words, &mut buf.pairs, &mut accs);
                    self.decode(id, words, &accs[from - s.len()..from], &mut buf)
                })
                .collect();
            set_doc_classes(infos, &first, window);
            let mut from = 0;
            infos
                .iter()
                .zip(first)
                .map(|(s, f)| {
                    let (id, acc) = (&ids[from..from + s.len()], &mut accs[from..from + s.len()]);
                    from += s.len();
                    if !s.iter().any(|t| (1..=4).contains(&t.doc)) {
                        return f;
                    }
                    for (i, a) in acc.iter_mut().enumerate() {
                        let near = |j: usize| s.get(j).is_some_and(|t| t.doc != 0);
                        if near(i.wrapping_sub(1)) || near(i) || near(i + 1) {
                            let (mut was, mut now) = ([0i32; N_TAGS], [0i32; N_TAGS]);
                            self.doc_sums(s, i, true, &mut was);
                            self.doc_sums(s, i, false, &mut now);
                            for k in 0..N_TAGS {
                                a[k] += now[k] - was[k];
                            }
                        }
                    }
                    self.decode(id, words, acc, &mut buf)
                })
                .collect()
        })
    }

    /// Tags sentences of pre-split tokens (one stream of news, as `qari tag --conll` and the dev
    /// evaluation read it) in both passes ([`Tagger::tag_document`]), the sentences within
    /// `window` of each other counting as one document. The article rules of `extract_with` are
    /// not applied: ANERcorp's conventions differ from them (ministries) and they cost 0.15 F1
    /// on the dev sixth.
    pub fn tag_sentences(&self, sentences: &[Vec<&str>], window: usize) -> Vec<Vec<Tag>> {
        let mut infos: Vec<Vec<TokInfo>> = sentences.iter().map(|s| token_infos(s)).collect();
        self.tag_document(&mut infos, window)
    }

    /// [`Tagger::tag`] on the [`token_infos`] of a sentence, as they stand (one pass).
    pub(crate) fn tag_infos(&self, infos: &[TokInfo]) -> Vec<Tag> {
        WORDS.with_borrow_mut(|words| {
            words.start(self);
            let ids: Vec<u32> = infos.iter().map(|t| words.id(self, t)).collect();
            let mut buf = Buffers::default();
            let mut acc = Vec::with_capacity(infos.len());
            self.emission_sums(infos, &ids, words, &mut buf.pairs, &mut acc);
            self.decode(&ids, words, &acc, &mut buf)
        })
    }

    /// Appends to `acc` the integer sums of the static feature weights of every token (the
    /// emission scores before scaling): the word's own features for a known word, the
    /// unknown-word block for an unknown one. The same sums as looking up every key of
    /// `static_features_into` (a test compares them): the word's own features and those it
    /// gives its neighbours come from the word cache (`ids`), the small ones from the dense
    /// table; only the word bigrams and the padding are looked up here.
    fn emission_sums(
        &self,
        infos: &[TokInfo],
        ids: &[u32],
        words: &WordCache,
        pairs: &mut Batch,
        acc: &mut Vec<[i32; N_TAGS]>,
    ) {
        let n = infos.len();
        let at = |j: isize| (j >= 0 && (j as usize) < n).then_some(j as usize);
        let norm_at = |j: isize| at(j).map_or(pad(j), |j| infos[j].h_norm);
        let strip_at = |j: isize| at(j).map_or(pad(j), |j| infos[j].h_strip);
        let small_at =
            |j: isize, f: fn(&TokInfo) -> u8| at(j).map_or(99, |j| u64::from(f(&infos[j])));
        // What the word at `j` gives its neighbour (row `k` of NEAR), or the padding's weight.
        let near = |j: isize, k: usize, a: &mut [i32; N_TAGS]| match at(j) {
            Some(j) => words.add(ids[j], ROW_NEAR + k, a),
            None => self.add(mix(NEAR[k].0, pad(j)), a),
        };
        // The word-pair features (50, 51, 52) of every token first, in one batch: rare pairs are
        // cache misses, and loads that do not wait on each other overlap.
        pairs.keys.clear();
        for (i, info) in infos.iter().enumerate() {
            let ii = i as isize;
            pairs.keys.push(mix(50, mix(norm_at(ii - 1), info.h_norm)));
            pairs.keys.push(mix(51, mix(info.h_norm, norm_at(ii + 1))));
            pairs
                .keys
                .push(mix(52, mix(strip_at(ii - 2), strip_at(ii - 1))));
        }
        self.get_batch(pairs);
        for (i, info) in infos.iter().enumerate() {
            let ii = i as isize;
            let id = ids[i];
            let known = words.words[id as usize].known;
            let mut a = [0i32; N_TAGS];
            words.add(id, ROW_OWN, &mut a);
            let pair = |k: usize, a: &mut [i32; N_TAGS]| {
                let w = &pairs.rows[3 * i + k];
                for t in 0..N_TAGS {
                    a[t] += i32::from(w[t]);
                }
            };
            if known {
                pair(0, &mut a);
                pair(1, &mut a);
            }
            for (k, &(_, _, d)) in NEAR[..6].iter().enumerate() {
                near(ii + d, k, &mut a);
            }
            pair(2, &mut a);
            let shape = |j: isize| small_at(j, |x| x.shape);
            let gaz = |j: isize| small_at(j, |x| x.gaz);
            let trig = |j: isize| small_at(j, |x| x.trig);
            let ogaz = |j: isize| small_at(j, |x| x.ogaz);
            let per = |j: isize| small_at(j, |x| x.per);
            self.small(const { slot(60) }, 0, shape(ii - 1), &mut a);
            self.small(const { slot(62) }, 0, shape(ii + 1), &mut a);
            self.small(const { slot(63) }, shape(ii - 1), shape(ii), &mut a);
            self.small(const { slot(70) }, 0, gaz(ii - 1), &mut a);
            self.small(const { slot(71) }, 0, gaz(ii), &mut a);
            self.small(const { slot(72) }, 0, gaz(ii + 1), &mut a);
            self.small(const { slot(73) }, 0, gaz(ii + 2), &mut a);
            self.small(const { slot(80) }, 0, trig(ii - 2), &mut a);
            self.small(const { slot(81) }, 0, trig(ii - 1), &mut a);
            self.small(const { slot(83) }, 0, trig(ii + 1), &mut a);
            self.small(const { slot(84) }, trig(ii - 1), gaz(ii), &mut a);
            self.small(const { slot(320) }, 0, ogaz(ii - 1), &mut a);
            self.small(const { slot(321) }, 0, ogaz(ii), &mut a);
            self.small(const { slot(322) }, 0, ogaz(ii + 1), &mut a);
            self.small(const { slot(323) }, ogaz(ii), gaz(ii), &mut a);
            let sp = u64::from(info.sport);
            self.small(const { slot(410) }, sp, gaz(ii), &mut a);
            self.small(const { slot(411) }, sp, ogaz(ii), &mut a);
            self.small(const { slot(413) }, sp, shape(ii), &mut a);
            self.doc_sums(infos, i, false, &mut a);
            self.small(const { slot(310) }, 0, per(ii - 1), &mut a);
            self.small(const { slot(312) }, 0, per(ii + 1), &mut a);
            self.small(const { slot(313) }, trig(ii - 1), per(ii), &mut a);
            self.small(const { slot(314) }, per(ii - 1), per(ii), &mut a);
            self.small(const { slot(315) }, per(ii), gaz(ii), &mut a);
            let freq = |j: isize| small_at(j, |x| word_classes::freq_of(x.wc));
            let article = |j: isize| small_at(j, |x| word_classes::article_of(x.wc));
            self.small(const { slot(531) }, 0, freq(ii - 1), &mut a);
            self.small(const { slot(533) }, 0, freq(ii + 1), &mut a);
            self.small(const { slot(534) }, 0, article(ii - 1), &mut a);
            self.small(const { slot(536) }, 0, article(ii + 1), &mut a);
            let pos = |j: isize| small_at(j, |x| word_classes::pos_of(x.wc));
            self.small(const { slot(541) }, 0, pos(ii - 1), &mut a);
            self.small(const { slot(542) }, 0, pos(ii + 1), &mut a);
            if !known {
                self.small(const { slot(201) }, 0, trig(ii - 1), &mut a);
                near(ii + NEAR[6].2, 6, &mut a);
                near(ii + NEAR[7].2, 7, &mut a);
            }
            acc.push(a);
        }
    }

    /// Adds the weights of the seven features of token `i` that read a document class (the keys
    /// of `doc_keys`), every class 0 when `first` (the first pass).
    #[inline]
    fn doc_sums(&self, infos: &[TokInfo], i: usize, first: bool, acc: &mut [i32; N_TAGS]) {
        let doc = |j: usize| match infos.get(j) {
            None => 99,
            Some(_) if first => 0,
            Some(t) => u64::from(t.doc),
        };
        let info = &infos[i];
        let sp = u64::from(info.sport);
        self.small(const { slot(412) }, sp, doc(i), acc);
        self.small(const { slot(400) }, 0, doc(i.wrapping_sub(1)), acc);
        self.small(const { slot(401) }, 0, doc(i), acc);
        self.small(const { slot(402) }, 0, doc(i + 1), acc);
        self.small(const { slot(403) }, doc(i), u64::from(info.gaz), acc);
        let freq = u64::from(word_classes::freq_of(info.wc));
        self.small(const { slot(404) }, doc(i.wrapping_sub(1)), freq, acc);
        self.small(const { slot(405) }, doc(i + 1), freq, acc);
    }

    /// Viterbi over a sentence whose emission sums are `acc`; the transition rows of its words
    /// (`ids`) come from the word cache.
    fn decode(
        &self,
        ids: &[u32],
        words: &WordCache,
        acc: &[[i32; N_TAGS]],
        buf: &mut Buffers,
    ) -> Vec<Tag> {
        buf.emit.clear();
        buf.emit
            .extend(acc.iter().map(|a| a.map(|x| x as f32 * self.scale)));
        // Transition scores of every token after every tag (the previous tag alone and
        // conjoined with the word as written and stripped), scaled once per word.
        buf.mats.clear();
        buf.mats
            .extend(ids.iter().map(|&id| words.words[id as usize].mat as usize));
        let mut out = Vec::with_capacity(ids.len());
        let (mats, at) = (&words.mats, &buf.mats);
        viterbi_into(&buf.emit, |i, p| mats[at[i]][p], &mut buf.back, &mut out);
        out
    }

    /// The emission sums as first written, every key of `static_features_into` looked up: the
    /// reference the word cache is tested against.
    #[cfg(test)]
    fn emission_sums_reference(&self, infos: &[TokInfo], acc: &mut Vec<[i32; N_TAGS]>) {
        let mut statics = Statics::default();
        static_features_into(infos, &mut statics);
        for st in statics.iter() {
            let mut a = [0i32; N_TAGS];
            let (w0, w1) = (self.get(st[0]), self.get(st[1]));
            let unknown = w0.is_none() && w1.is_none();
            let rest = if unknown {
                active(st, true)
            } else {
                for w in [w0, w1].into_iter().flatten() {
                    for k in 0..N_TAGS {
                        a[k] += i32::from(w[k]);
                    }
                }
                &active(st, false)[2..]
            };
            for &f in rest {
                self.add(f, &mut a);
            }
            acc.push(a);
        }
    }

    /// One pass over a sentence as first written (every key looked up): the reference.
    #[cfg(test)]
    fn tag_infos_reference(&self, infos: &[TokInfo]) -> Vec<Tag> {
        let mut acc = Vec::new();
        self.emission_sums_reference(infos, &mut acc);
        let emit: Vec<[f32; N_TAGS]> = acc
            .iter()
            .map(|a| a.map(|x| x as f32 * self.scale))
            .collect();
        let trans: Vec<[[f32; N_TAGS]; N_TAGS]> = infos
            .iter()
            .map(|t| {
                let mut rows = [[0i32; N_TAGS]; N_TAGS];
                for (p, row) in rows.iter_mut().enumerate() {
                    self.add(mix(100, p as u64), row);
                    self.add(trans_key(102, t.h_norm, p as u64), row);
                    self.add(trans_key(120, t.h_strip, p as u64), row);
                }
                rows.map(|r| r.map(|x| x as f32 * self.scale))
            })
            .collect();
        viterbi(&emit, |i, p| trans[i][p])
    }
}

/// Keys looked up in one batch ([`Tagger::get_batch`]), with their home slots and weights.
#[derive(Default)]
struct Batch {
    keys: Vec<u64>,
    homes: Vec<u64>,
    rows: Vec<[i16; N_TAGS]>,
}

/// Buffers of the tagging of one sentence, reused from sentence to sentence.
#[derive(Default)]
struct Buffers {
    pairs: Batch,
    emit: Vec<[f32; N_TAGS]>,
    /// The [`WordCache::mats`] entry of each token.
    mats: Vec<usize>,
    back: Vec<[u8; N_TAGS]>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::EntType;

    #[test]
    fn builtin_fingerprint_is_the_checksum_of_the_whole_model() {
        let payload = &BUILTIN[..BUILTIN.len() - 8];
        assert_eq!(builtin_fingerprint(), xxh3_64(payload));
    }

    /// Viterbi as first written (every previous tag, then every allowed tag): the reference.
    fn viterbi_reference(
        emit: &[[f32; N_TAGS]],
        trans: impl Fn(usize, usize) -> [f32; N_TAGS],
    ) -> Vec<Tag> {
        let allowed = |p: usize, k: usize| Tag::from_index(k).allowed_after(Tag::from_index(p));
        let n = emit.len();
        if n == 0 {
            return Vec::new();
        }
        let mut back = vec![[0u8; N_TAGS]; n];
        let mut delta = [f32::NEG_INFINITY; N_TAGS];
        for k in 0..N_TAGS {
            if allowed(0, k) {
                delta[k] = emit[0][k] + trans(0, 0)[k];
            }
        }
        for i in 1..n {
            let mut nd = [f32::NEG_INFINITY; N_TAGS];
            for (p, &dp) in delta.iter().enumerate() {
                if dp == f32::NEG_INFINITY {
                    continue;
                }
                let tr = trans(i, p);
                for k in (0..N_TAGS).filter(|&k| allowed(p, k)) {
                    if dp + tr[k] > nd[k] {
                        nd[k] = dp + tr[k];
                        back[i][k] = p as u8;
                    }
                }
            }
            for k in 0..N_TAGS {
                delta[k] = nd[k] + emit[i][k];
            }
        }
        let mut k = (1..N_TAGS).fold(0, |b, k| if delta[k] > delta[b] { k } else { b });
        let mut out = vec![Tag::O; n];
        for i in (0..n).rev() {
            out[i] = Tag::from_index(k);
            k = back[i][k] as usize;
        }
        out
    }

    #[test]
    fn viterbi_reading_allowed_predecessors_only_is_the_reference() {
        // Pseudo-random scores, with many ties (small integers) to test the tie rule too.
        let mut x = 0x1234_5678_9abc_def0u64;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ((x % m) as f32) - (m / 2) as f32
        };
        for len in [0usize, 1, 2, 3, 7, 40] {
            for round in 0..200 {
                let m = if round % 2 == 0 { 4 } else { 1000 };
                let emit: Vec<[f32; N_TAGS]> =
                    (0..len).map(|_| std::array::from_fn(|_| next(m))).collect();
                let trans: Vec<[[f32; N_TAGS]; N_TAGS]> = (0..len)
                    .map(|_| std::array::from_fn(|_| std::array::from_fn(|_| next(m))))
                    .collect();
                let got = viterbi(&emit, |i, p| trans[i][p]);
                assert_eq!(got, viterbi_reference(&emit, |i, p| trans[i][p]));
            }
        }
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

    /// The two passes as first written: every feature of a re-tagged sentence scored again, every
    /// key looked up (no word cache, no dense table).
    fn tag_document_by_rescoring(
        t: &Tagger,
        infos: &mut [Vec<TokInfo>],
        window: usize,
    ) -> (Vec<Vec<Tag>>, Vec<Vec<Tag>>) {
        set_topics(infos, window);
        let first: Vec<Vec<Tag>> = infos.iter().map(|s| t.tag_infos_reference(s)).collect();
        super::set_doc_classes(infos, &first, window);
        let second = infos
            .iter()
            .zip(&first)
            .map(|(s, f)| {
                if s.iter().any(|t| (1..=4).contains(&t.doc)) {
                    t.tag_infos_reference(s)
                } else {
                    f.clone()
                }
            })
            .collect();
        (first, second)
    }

    #[test]
    fn the_second_pass_rescoring_only_what_changed_gives_the_same_tags() {
        let t = Tagger::load_builtin().expect("built-in model");
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut texts: Vec<String> = std::fs::read_dir(&seeds)
            .expect("seeds")
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        texts.sort();
        texts.push(texts.concat());
        let mut changed = 0;
        for text in &texts {
            let sents = crate::entities::ner_tokens(text);
            let infos_of = || -> Vec<Vec<TokInfo>> {
                sents
                    .iter()
                    .map(|s| {
                        let w: Vec<&str> = s.iter().map(|x| &text[x.start..x.end]).collect();
                        token_infos(&w)
                    })
                    .collect()
            };
            for window in [0, 3, super::super::DOC_WINDOW] {
                let (first, want) = tag_document_by_rescoring(t, &mut infos_of(), window);
                let got = t.tag_document(&mut infos_of(), window);
                assert_eq!(got, want, "window {window}");
                changed += first.iter().zip(&got).filter(|(a, b)| a != b).count();
            }
        }
        // The second pass did change tags here, so the comparison covers the re-scoring.
        assert!(changed > 0);
    }

    #[test]
    fn the_word_cache_and_the_dense_table_give_the_sums_of_every_lookup() {
        let t = Tagger::load_builtin().expect("built-in model");
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut text = String::new();
        let mut names: Vec<_> = std::fs::read_dir(&seeds)
            .expect("seeds")
            .flatten()
            .map(|e| e.path())
            .collect();
        names.sort();
        for p in names {
            text.push_str(&std::fs::read_to_string(p).expect("seed"));
        }
        // Odd tokens too: one letter, digits, Latin, marks only, a word written two ways.
        text.push_str(" و 2020 Putin ً بوتين بوتِين ـ (x) ٣ فاز الفريق في المباراة والملعب.");
        let mut infos: Vec<Vec<TokInfo>> = crate::entities::ner_tokens(&text)
            .iter()
            .map(|s| {
                let w: Vec<&str> = s.iter().map(|x| &text[x.start..x.end]).collect();
                token_infos(&w)
            })
            .collect();
        set_topics(&mut infos, 2);
        // Every document class in turn, so that the dense table's doc rows are all read.
        for (k, tok) in infos.iter_mut().flatten().enumerate() {
            tok.doc = (k % 6) as u8;
        }
        WORDS.with_borrow_mut(|words| {
            words.start(t);
            let mut tokens = 0;
            for s in &infos {
                let ids: Vec<u32> = s.iter().map(|x| words.id(t, x)).collect();
                let (mut got, mut want) = (Vec::new(), Vec::new());
                t.emission_sums(s, &ids, words, &mut Batch::default(), &mut got);
                t.emission_sums_reference(s, &mut want);
                assert_eq!(got, want);
                for (x, &id) in s.iter().zip(&ids) {
                    for p in 0..N_TAGS {
                        // The scaled matrix Viterbi reads: bias + the word's rows, scaled.
                        let mut b = [0i32; N_TAGS];
                        t.add(trans_key(102, x.h_norm, p as u64), &mut b);
                        t.add(trans_key(120, x.h_strip, p as u64), &mut b);
                        t.add(mix(100, p as u64), &mut b);
                        let m = words.mats[words.words[id as usize].mat as usize][p];
                        assert_eq!(m, b.map(|x| x as f32 * t.scale));
                    }
                }
                tokens += s.len();
            }
            assert!(tokens > 1000, "{tokens}");
        });
    }

    #[test]
    fn a_run_of_transition_keys_sums_as_nine_lookups() {
        let t = Tagger::load_builtin().expect("built-in model");
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/000_5d3c243a0b753bd8.txt"),
        )
        .expect("seed");
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut found = 0;
        for info in token_infos(&words) {
            for (template, h) in [(102, info.h_norm), (120, info.h_strip)] {
                let mut run = [[0i32; N_TAGS]; N_TAGS];
                t.add_run(trans_key(template, h, 0), &mut run);
                let mut one_by_one = [[0i32; N_TAGS]; N_TAGS];
                for (p, row) in one_by_one.iter_mut().enumerate() {
                    t.add(trans_key(template, h, p as u64), row);
                }
                assert_eq!(run, one_by_one);
                found += usize::from(run != [[0; N_TAGS]; N_TAGS]);
            }
        }
        assert!(found > 50, "{found}");
    }

    #[test]
    fn corrupt_or_foreign_models_are_errors() {
        let good = BUILTIN;
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
}
