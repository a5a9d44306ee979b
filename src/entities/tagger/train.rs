//! Training: the averaged perceptron over the same features and Viterbi decoding that tagging
//! uses, deterministic (a fixed shuffle), written out in the model file format.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use super::features::{
    active, set_doc_classes, set_topics, static_features, token_infos, trans_features, Statics,
    TokInfo, DOC_WINDOW,
};
use super::model::{viterbi, ATTRIBUTION, MAGIC, MODEL_VERSION};
use super::{Tag, N_TAGS};
use crate::entities::lexicon::lists_fingerprint;

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
            epochs: 24,
            seed: 20240501,
            prune: 0.02,
            word_dropout: 0.1,
        }
    }
}

/// Trains a model and returns its file bytes (header, attribution, weights, checksum).
/// The same sentences and options always give the same bytes.
pub fn train(sentences: &[Sentence], opts: TrainOptions) -> Vec<u8> {
    let mut infos: Vec<Vec<TokInfo>> = sentences
        .iter()
        .map(|s| {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            token_infos(&toks)
        })
        .collect();
    set_topics(&mut infos, DOC_WINDOW);
    let golds: Vec<&[Tag]> = sentences.iter().map(|s| s.tags.as_slice()).collect();
    let mut statics: Vec<Statics> = infos.iter().map(|s| static_features(s)).collect();
    // The second pass learns from first-pass tags as tagging will see them: each fold tagged by
    // a model that never saw it (jackknife), then document classes within DOC_WINDOW.
    const FOLDS: usize = 4;
    let n = sentences.len();
    let mut first: Vec<Vec<Tag>> = Vec::with_capacity(n);
    for k in 0..FOLDS {
        let (a, b) = (n * k / FOLDS, n * (k + 1) / FOLDS);
        let rest: Vec<usize> = (0..n).filter(|&i| i < a || i >= b).collect();
        let st: Vec<&Statics> = rest.iter().map(|&i| &statics[i]).collect();
        let gd: Vec<&[Tag]> = rest.iter().map(|&i| golds[i]).collect();
        let model = super::Tagger::from_bytes(&fit(&st, &gd, opts)).expect("model just trained");
        first.extend(infos[a..b].iter().map(|s| model.tag_infos(s)));
    }
    set_doc_classes(&mut infos, &first, DOC_WINDOW);
    // Both views of every sentence: without document evidence (the first pass) and with it.
    let mut all_golds = golds.clone();
    for (s, g) in infos.iter().zip(&golds) {
        if s.iter().any(|t| t.doc != 0) {
            statics.push(static_features(s));
            all_golds.push(g);
        }
    }
    let views: Vec<&Statics> = statics.iter().collect();
    fit(&views, &all_golds, opts)
}

/// The averaged perceptron over precomputed static features and gold tags: the model file.
fn fit(statics: &[&Statics], golds: &[&[Tag]], opts: TrainOptions) -> Vec<u8> {
    let mut rows: Vec<(u64, [f32; N_TAGS])> = fit_weights(statics, golds, opts)
        .into_iter()
        .filter(|(_, avg)| avg.iter().any(|x| x.abs() >= opts.prune))
        .collect();
    rows.sort_unstable_by_key(|r| r.0);
    write_model(&rows)
}

/// Feature key → averaged weights (unpruned).
fn fit_weights(
    statics: &[&Statics],
    golds: &[&[Tag]],
    opts: TrainOptions,
) -> Vec<(u64, [f32; N_TAGS])> {
    let mut index: FxHashMap<u64, u32> = FxHashMap::default();
    let mut w: Vec<[f32; N_TAGS]> = Vec::new();
    let mut acc: Vec<[f64; N_TAGS]> = Vec::new();
    let mut ts: Vec<[u32; N_TAGS]> = Vec::new();
    let mut step: u32 = 0;
    let mut order: Vec<usize> = (0..statics.len()).collect();
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
            let gold = golds[si];
            let st = statics[si];
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
            if pred == gold {
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
    // Averaged weights.
    let total = f64::from(step.max(1));
    index
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
        .collect()
}

/// The model file: header, attribution, weights quantised to i16, checksum. `rows` sorted by key.
fn write_model(rows: &[(u64, [f32; N_TAGS])]) -> Vec<u8> {
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
    for (key, _) in rows {
        out.extend_from_slice(&key.to_le_bytes());
    }
    for (_, avg) in rows {
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
mod tests {
    use super::*;
    use crate::entities::conll::parse_anercorp;
    use crate::entities::Tagger;

    const TRAIN: &str = "../shared/data/anercorp/train.txt";

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
}
