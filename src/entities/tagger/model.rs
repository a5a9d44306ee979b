//! The [`Tagger`]: a model file read into an open-addressing weight table, scoring of the
//! features, and first-order Viterbi decoding over valid BIO paths.

use std::path::Path;
use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_64;

use super::features::{
    active, mix, set_doc_classes, set_topics, static_features, token_infos, trans_key, TokInfo,
};
use super::{ModelError, Tag, N_TAGS};
use crate::entities::lexicon::lists_fingerprint;

/// First-order Viterbi over BIO: `emit[i][k]` is the history-free score of tag `k` at token `i`,
/// `trans(i, p)` the extra scores of every tag at `i` after tag `p`. Only valid BIO paths are
/// considered (I-X continues B-X or I-X); the path starts after `O`.
pub(super) fn viterbi(
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

pub(super) const MAGIC: &str = "QARI-NER-MODEL";
/// Model format version; bump when features or layout change.
pub(crate) const MODEL_VERSION: u32 = 3;

/// The attribution every shipped model carries (ANERcorp is CC BY-SA 4.0).
pub(crate) const ATTRIBUTION: &str =
    "Averaged-perceptron Arabic NER model for qari, trained on the ANERcorp \
CAMeL Lab train split (Benajiba, Rosso & Benedi Ruiz, ANERsys, CICLing 2007; Obeid et al., \
CAMeL Tools, LREC 2020). Licence: Creative Commons Attribution-ShareAlike 4.0 \
(https://creativecommons.org/licenses/by-sa/4.0/). This model is a derivative of ANERcorp and is \
distributed under the same licence. Reproduce: cargo run --release --example train_ner -- \
../shared/data/anercorp/train.txt models/ner.bin";

static BUILTIN: &[u8] = include_bytes!("../../../models/ner.bin");

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
    /// Tags the sentences of one document in two passes: the second sees what the first said
    /// about each word elsewhere within `window` sentences ([`set_doc_classes`]), and re-tags
    /// only the sentences where that says something.
    pub(crate) fn tag_document(&self, infos: &mut [Vec<TokInfo>], window: usize) -> Vec<Vec<Tag>> {
        set_topics(infos, window);
        let first: Vec<Vec<Tag>> = infos.iter().map(|s| self.tag_infos(s)).collect();
        set_doc_classes(infos, &first, window);
        infos
            .iter()
            .zip(first)
            .map(|(s, f)| {
                if s.iter().any(|t| (1..=4).contains(&t.doc)) {
                    self.tag_infos(s)
                } else {
                    f
                }
            })
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::EntType;

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
