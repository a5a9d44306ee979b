//! The [`Tagger`]: a model file read into an open-addressing weight table, scoring of the
//! features, and first-order Viterbi decoding over valid BIO paths.

use std::path::Path;
use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_64;

use super::features::{
    active, doc_keys, mix, set_doc_classes, set_topics, static_features_into, token_infos,
    trans_key, Statics, TokInfo,
};
use super::{ModelError, Tag, N_TAGS};
use crate::entities::lexicon::lists_fingerprint;

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
    out.resize(n, Tag::O);
    let mut k = best;
    for i in (0..n).rev() {
        out[i] = Tag::from_index(k);
        k = back[i][k] as usize;
    }
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
    /// Open-addressing table (linear probing, power-of-two size, key 0 = empty) of the feature
    /// keys alone, 8 bytes a slot: a probe, hit or miss, usually reads one cache line. The
    /// quantised weights of slot `i` are `weights[i]`, read only on a hit.
    keys: Vec<u64>,
    weights: Vec<[i16; N_TAGS]>,
    mask: usize,
    scale: f32,
    n: usize,
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
        Ok(Tagger {
            keys: table,
            weights,
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

    #[inline]
    fn sub(&self, f: u64, acc: &mut [i32; N_TAGS]) {
        if let Some(w) = self.get(f) {
            for k in 0..N_TAGS {
                acc[k] -= i32::from(w[k]);
            }
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
    /// cost: a token's features differ from the first pass only in the few that read a
    /// document class (its own or a neighbour's, [`doc_keys`]), so its first-pass score is kept
    /// and only those are swapped (integer weights: the sums are exact).
    pub(crate) fn tag_document(&self, infos: &mut [Vec<TokInfo>], window: usize) -> Vec<Vec<Tag>> {
        set_topics(infos, window);
        // The first pass knows nothing of the document.
        for t in infos.iter_mut().flatten() {
            t.doc = 0;
        }
        let mut buf = Buffers::default();
        let mut accs: Vec<[i32; N_TAGS]> = Vec::with_capacity(infos.iter().map(Vec::len).sum());
        let first: Vec<Vec<Tag>> = infos
            .iter()
            .map(|s| {
                let from = accs.len();
                self.emission_sums(s, &mut buf.statics, &mut accs);
                self.decode(s, &accs[from..], &mut buf)
            })
            .collect();
        set_doc_classes(infos, &first, window);
        let mut from = 0;
        infos
            .iter()
            .zip(first)
            .map(|(s, f)| {
                let acc = &mut accs[from..from + s.len()];
                from += s.len();
                if !s.iter().any(|t| (1..=4).contains(&t.doc)) {
                    return f;
                }
                for (i, a) in acc.iter_mut().enumerate() {
                    let near = |j: usize| s.get(j).is_some_and(|t| t.doc != 0);
                    if near(i.wrapping_sub(1)) || near(i) || near(i + 1) {
                        for key in doc_keys(s, i, true) {
                            self.sub(key, a);
                        }
                        for key in doc_keys(s, i, false) {
                            self.add(key, a);
                        }
                    }
                }
                self.decode(s, acc, &mut buf)
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

    /// [`Tagger::tag`] on the [`token_infos`] of a sentence, as they stand (one pass).
    pub(crate) fn tag_infos(&self, infos: &[TokInfo]) -> Vec<Tag> {
        let mut buf = Buffers::default();
        let mut acc = Vec::with_capacity(infos.len());
        self.emission_sums(infos, &mut buf.statics, &mut acc);
        self.decode(infos, &acc, &mut buf)
    }

    /// Appends to `acc` the integer sums of the static feature weights of every token (the
    /// emission scores before scaling): the word's own features for a known word, the
    /// unknown-word block for an unknown one.
    fn emission_sums(
        &self,
        infos: &[TokInfo],
        statics: &mut Statics,
        acc: &mut Vec<[i32; N_TAGS]>,
    ) {
        static_features_into(infos, statics);
        for st in statics.iter() {
            let mut a = [0i32; N_TAGS];
            // st[0], st[1]: the word as written and stripped, looked up once for both uses.
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

    /// Viterbi over a sentence whose emission sums are `acc`.
    fn decode(&self, infos: &[TokInfo], acc: &[[i32; N_TAGS]], buf: &mut Buffers) -> Vec<Tag> {
        buf.emit.clear();
        buf.emit
            .extend(acc.iter().map(|a| a.map(|x| x as f32 * self.scale)));
        // Transition scores of every token after every tag: the previous tag alone (the same at
        // every token) and conjoined with the word as written and stripped.
        let mut bias = [[0i32; N_TAGS]; N_TAGS];
        for (p, b) in bias.iter_mut().enumerate() {
            self.add(mix(100, p as u64), b);
        }
        buf.trans.clear();
        buf.trans.extend(infos.iter().map(|t| {
            let mut rows = bias;
            self.add_run(trans_key(102, t.h_norm, 0), &mut rows);
            self.add_run(trans_key(120, t.h_strip, 0), &mut rows);
            rows.map(|r| r.map(|x| x as f32 * self.scale))
        }));
        let mut out = Vec::with_capacity(infos.len());
        let trans = &buf.trans;
        viterbi_into(&buf.emit, |i, p| trans[i][p], &mut buf.back, &mut out);
        out
    }
}

/// Buffers of the tagging of one sentence, reused from sentence to sentence.
#[derive(Default)]
struct Buffers {
    statics: Statics,
    emit: Vec<[f32; N_TAGS]>,
    trans: Vec<[[f32; N_TAGS]; N_TAGS]>,
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

    /// The two passes as first written: every feature of a re-tagged sentence scored again.
    fn tag_document_by_rescoring(
        t: &Tagger,
        infos: &mut [Vec<TokInfo>],
        window: usize,
    ) -> (Vec<Vec<Tag>>, Vec<Vec<Tag>>) {
        set_topics(infos, window);
        let first: Vec<Vec<Tag>> = infos.iter().map(|s| t.tag_infos(s)).collect();
        super::set_doc_classes(infos, &first, window);
        let second = infos
            .iter()
            .zip(&first)
            .map(|(s, f)| {
                if s.iter().any(|t| (1..=4).contains(&t.doc)) {
                    t.tag_infos(s)
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
