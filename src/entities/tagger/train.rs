//! Training: a linear-chain CRF (or, for comparison, the averaged perceptron) over the same
//! features and BIO paths that tagging decodes, deterministic (a fixed shuffle, no threads),
//! written out in the model file format.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use super::features::{
    active, hidden_in_context, mix, set_doc_classes, set_topics, static_features, token_infos,
    trans_features, Statics, TokInfo, DOC_WINDOW,
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
    /// Passes over the data (the perceptron was best at 24, the CRF at 8).
    pub epochs: usize,
    /// Seed of the per-epoch shuffle (a fixed LCG, so training is deterministic).
    pub seed: u64,
    /// Features whose largest averaged weight is below this are dropped from the saved model.
    pub prune: f32,
    /// Probability of hiding a token's own word features in a training step (word dropout).
    pub word_dropout: f32,
    /// How the weights are fitted.
    pub learner: Learner,
    /// Subtracted from the score of O at every token (folded into the previous-tag weights):
    /// the CRF is cautious, 81 precision against 61 recall on the dev sixth, and this trades
    /// some of the one for more of the other (0.7: +0.8 F1 there, 3 orders). It also pays a name
    /// for every word it grows by; `b_bonus` does not, but was no better (BENCHMARKS).
    pub o_penalty: f32,
    /// Added to the score of every B- tag at every token (folded in as `o_penalty`): more names
    /// without longer ones. 0 as shipped: 0.7 with `hide_in_context` scored 72.15 against 71.70
    /// over 5 orders, inside the noise, and tagged النزاع and two words of an agency's name as
    /// places in the seeds.
    pub b_bonus: f32,
    /// Whether a word hidden by word dropout is hidden from its neighbours' features too (the
    /// word at ±1, ±2 and the bigrams with it), so that a neighbour cannot learn it in its
    /// place. Off as shipped: 71.78 against 71.70 over 5 orders.
    pub hide_in_context: bool,
}

/// The learning rule of [`train`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Learner {
    /// The averaged perceptron (Collins 2002): an update on every wrong Viterbi path.
    Perceptron,
    /// A linear-chain CRF (Lafferty et al. 2001) fitted by stochastic gradient descent on the
    /// log-likelihood with an L2 penalty (Bottou's `crfsgd` schedule): `c2` weighs the penalty
    /// over the whole data as in CRFsuite, `eta0` is the first step size.
    Crf {
        /// The L2 coefficient over the whole data (CRFsuite's `c2`).
        c2: f32,
        /// The initial learning rate.
        eta0: f32,
    },
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 8,
            seed: 20240501,
            prune: 0.02,
            word_dropout: 0.1,
            learner: Learner::Crf { c2: 3.0, eta0: 0.1 },
            o_penalty: 0.7,
            b_bonus: 0.0,
            hide_in_context: false,
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
    let weights = match opts.learner {
        Learner::Perceptron => fit_weights(statics, golds, opts),
        Learner::Crf { c2, eta0 } => fit_crf(statics, golds, opts, c2, eta0),
    };
    let mut rows: Vec<(u64, [f32; N_TAGS])> =
        with_tag_biases(weights, opts.o_penalty, opts.b_bonus)
            .into_iter()
            .filter(|(_, avg)| avg.iter().any(|x| x.abs() >= opts.prune))
            .collect();
    rows.sort_unstable_by_key(|r| r.0);
    write_model(&rows)
}

/// The weights with `penalty` taken off O's score and `b_bonus` added to every B- tag's at every
/// token: every token reads exactly one previous-tag feature (`mix(100, p)`, p = O at the first
/// token), so both go there.
fn with_tag_biases(
    mut weights: Vec<(u64, [f32; N_TAGS])>,
    penalty: f32,
    b_bonus: f32,
) -> Vec<(u64, [f32; N_TAGS])> {
    if penalty == 0.0 && b_bonus == 0.0 {
        return weights;
    }
    let keys: Vec<u64> = (0..N_TAGS as u64).map(|p| mix(100, p)).collect();
    for &key in &keys {
        if !weights.iter().any(|(k, _)| *k == key) {
            weights.push((key, [0.0; N_TAGS]));
        }
    }
    for (k, w) in &mut weights {
        if keys.contains(k) {
            w[Tag::O.index()] -= penalty;
            for t in (1..N_TAGS).step_by(2) {
                w[t] += b_bonus;
            }
        }
    }
    weights
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
    let mut rng = Lcg(opts.seed | 1);
    let mut feats = Vec::with_capacity(48);
    for _epoch in 0..opts.epochs {
        rng.shuffle(&mut order);
        for &si in &order {
            let gold = golds[si];
            let st = statics[si];
            step += 1;
            let drops = rng.drops(st.len(), opts.word_dropout);
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

/// The fixed 64-bit LCG of training: the same seed gives the same shuffles and word dropouts
/// on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }

    /// Fisher–Yates.
    fn shuffle(&mut self, order: &mut [usize]) {
        for i in (1..order.len()).rev() {
            let j = ((self.next() >> 33) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
    }

    /// One draw per token: whether its word features are hidden (probability `p`).
    fn drops(&mut self, n: usize, p: f32) -> Vec<bool> {
        (0..n)
            .map(|_| ((self.next() >> 40) as f32 / (1u64 << 24) as f32) < p)
            .collect()
    }
}

/// `ln(Σ exp(x))` of scores some of which may be −∞.
fn log_sum_exp(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = xs.clone().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + xs.map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// Whether tag `k` may follow tag `p` (the BIO paths Viterbi decodes).
fn allowed(p: usize, k: usize) -> bool {
    Tag::from_index(k).allowed_after(Tag::from_index(p))
}

/// Forward and backward log-scores of one sentence over the valid BIO paths Viterbi decodes
/// (the path starts after O): `emit[i][k]`, and `trans[i][p][k]` for tag `k` after `p` (at
/// position 0 only `p` = O is read). Returns α, β and ln Z.
fn forward_backward(
    emit: &[[f64; N_TAGS]],
    trans: &[[[f64; N_TAGS]; N_TAGS]],
) -> (Vec<[f64; N_TAGS]>, Vec<[f64; N_TAGS]>, f64) {
    let n = emit.len();
    let ninf = f64::NEG_INFINITY;
    let mut alpha = vec![[ninf; N_TAGS]; n];
    let mut beta = vec![[0f64; N_TAGS]; n];
    if n == 0 {
        return (alpha, beta, 0.0);
    }
    for k in 0..N_TAGS {
        if allowed(0, k) {
            alpha[0][k] = emit[0][k] + trans[0][0][k];
        }
    }
    for i in 1..n {
        for k in 0..N_TAGS {
            let (a, tr) = (&alpha[i - 1], &trans[i]);
            let s = log_sum_exp(
                (0..N_TAGS)
                    .filter(|&p| allowed(p, k))
                    .map(|p| a[p] + tr[p][k]),
            );
            alpha[i][k] = s + emit[i][k];
        }
    }
    for i in (0..n - 1).rev() {
        for p in 0..N_TAGS {
            let (b, tr, e) = (&beta[i + 1], &trans[i + 1], &emit[i + 1]);
            beta[i][p] = log_sum_exp(
                (0..N_TAGS)
                    .filter(|&k| allowed(p, k))
                    .map(|k| tr[p][k] + e[k] + b[k]),
            );
        }
    }
    let z = log_sum_exp(alpha[n - 1].iter().copied());
    (alpha, beta, z)
}

/// Feature key → CRF weights: stochastic gradient ascent on each sentence's log-likelihood
/// (forward–backward over the same valid BIO paths and features Viterbi reads), the L2
/// penalty applied through a global scale (`w = scale · v`, so a step touches only the
/// sentence's features), the step size `eta0 / (1 + λ·eta0·t)` (Bottou 2010), and the
/// returned weights the mean of those at the end of each epoch of the second half (averaging,
/// as the perceptron's; +0.4 F1 on the dev sixth, 3 orders).
fn fit_crf(
    statics: &[&Statics],
    golds: &[&[Tag]],
    opts: TrainOptions,
    c2: f32,
    eta0: f32,
) -> Vec<(u64, [f32; N_TAGS])> {
    let mut index: FxHashMap<u64, u32> = FxHashMap::default();
    let mut v: Vec<[f64; N_TAGS]> = Vec::new();
    let mut scale = 1f64;
    let lambda = 2.0 * f64::from(c2) / statics.len().max(1) as f64;
    let eta0 = f64::from(eta0);
    let mut t = 0f64;
    let mut order: Vec<usize> = (0..statics.len()).collect();
    let mut rng = Lcg(opts.seed | 1);
    let mut tf = Vec::with_capacity(4);
    let mut sum: Vec<[f64; N_TAGS]> = Vec::new();
    let mut n_avg = 0f64;
    let mut add_to_sum = |sum: &mut Vec<[f64; N_TAGS]>, v: &[[f64; N_TAGS]], scale: f64| {
        sum.resize(v.len(), [0.0; N_TAGS]);
        for (s, r) in sum.iter_mut().zip(v) {
            for k in 0..N_TAGS {
                s[k] += r[k] * scale;
            }
        }
        n_avg += 1.0;
    };
    for epoch in 0..opts.epochs {
        if epoch > opts.epochs / 2 {
            add_to_sum(&mut sum, &v, scale);
        }
        rng.shuffle(&mut order);
        for &si in &order {
            let gold = golds[si];
            let st = statics[si];
            let n = st.len();
            if n == 0 {
                continue;
            }
            let drops = rng.drops(st.len(), opts.word_dropout);
            let look = |f: u64, s: &mut [f64; N_TAGS]| {
                if let Some(&row) = index.get(&f) {
                    for (x, y) in s.iter_mut().zip(&v[row as usize]) {
                        *x += y * scale;
                    }
                }
            };
            let hidden: Vec<Vec<u64>> = (0..n)
                .map(|i| {
                    let mut h = Vec::new();
                    if opts.hide_in_context {
                        hidden_in_context(st, i, &drops, &mut h);
                    }
                    h
                })
                .collect();
            let emit: Vec<[f64; N_TAGS]> = (0..n)
                .map(|i| {
                    let mut s = [0f64; N_TAGS];
                    for &x in active(&st[i], drops[i]) {
                        if !hidden[i].contains(&x) {
                            look(x, &mut s);
                        }
                    }
                    s
                })
                .collect();
            let trans: Vec<[[f64; N_TAGS]; N_TAGS]> = (0..n)
                .map(|i| {
                    std::array::from_fn(|p| {
                        let mut s = [0f64; N_TAGS];
                        if i > 0 || p == 0 {
                            trans_features(&st[i], Tag::from_index(p), drops[i], &mut tf);
                            for &x in &tf {
                                look(x, &mut s);
                            }
                        }
                        s
                    })
                })
                .collect();
            let (alpha, beta, z) = forward_backward(&emit, &trans);
            t += 1.0;
            let eta = eta0 / (1.0 + lambda * eta0 * t);
            scale *= 1.0 - eta * lambda;
            let step = eta / scale;
            let mut upd = |f: u64, g: &[f64; N_TAGS]| {
                let row = *index.entry(f).or_insert_with(|| {
                    v.push([0.0; N_TAGS]);
                    (v.len() - 1) as u32
                }) as usize;
                for (x, d) in v[row].iter_mut().zip(g) {
                    *x += step * d;
                }
            };
            for i in 0..n {
                // The gold counts less the expected ones: node marginals for the emission
                // features, edge marginals (per previous tag) for the transition features.
                let node: [f64; N_TAGS] =
                    std::array::from_fn(|k| (alpha[i][k] + beta[i][k] - z).exp());
                let mut g = node.map(|m| -m);
                g[gold[i].index()] += 1.0;
                for &x in active(&st[i], drops[i]) {
                    if !hidden[i].contains(&x) {
                        upd(x, &g);
                    }
                }
                let gp = if i > 0 { gold[i - 1].index() } else { 0 };
                for p in 0..N_TAGS {
                    let mut g = [0f64; N_TAGS];
                    if i == 0 {
                        if p != 0 {
                            continue;
                        }
                        g = node.map(|m| -m);
                    } else {
                        if alpha[i - 1][p] == f64::NEG_INFINITY {
                            continue;
                        }
                        for k in 0..N_TAGS {
                            if allowed(p, k) {
                                let s = alpha[i - 1][p] + trans[i][p][k] + emit[i][k] + beta[i][k];
                                g[k] = -(s - z).exp();
                            }
                        }
                    }
                    if p == gp {
                        g[gold[i].index()] += 1.0;
                    }
                    trans_features(&st[i], Tag::from_index(p), drops[i], &mut tf);
                    for &x in &tf {
                        upd(x, &g);
                    }
                }
            }
            if scale < 1e-9 {
                for row in &mut v {
                    for x in row.iter_mut() {
                        *x *= scale;
                    }
                }
                scale = 1.0;
            }
        }
    }
    add_to_sum(&mut sum, &v, scale);
    index
        .iter()
        .map(|(&key, &row)| (key, sum[row as usize].map(|x| (x / n_avg) as f32)))
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
    fn forward_backward_matches_enumerating_every_path() {
        // Random scores on 3 tokens: ln Z and every node marginal, against the sum over all
        // 9^3 tag sequences of those that are valid BIO after O.
        let mut rng = 7u64;
        let mut r = || {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((rng >> 40) as f64 / (1u64 << 24) as f64) * 4.0 - 2.0
        };
        let n = 3;
        let emit: Vec<[f64; N_TAGS]> = (0..n).map(|_| std::array::from_fn(|_| r())).collect();
        let trans: Vec<[[f64; N_TAGS]; N_TAGS]> = (0..n)
            .map(|_| std::array::from_fn(|_| std::array::from_fn(|_| r())))
            .collect();
        let (alpha, beta, z) = forward_backward(&emit, &trans);
        let mut total = 0f64;
        let mut node = vec![[0f64; N_TAGS]; n];
        for code in 0..N_TAGS.pow(n as u32) {
            let y = [
                code % N_TAGS,
                code / N_TAGS % N_TAGS,
                code / N_TAGS / N_TAGS,
            ];
            let mut prev = 0;
            let mut score = 0f64;
            let mut ok = true;
            for i in 0..n {
                ok &= allowed(prev, y[i]);
                score += emit[i][y[i]] + trans[i][prev][y[i]];
                prev = y[i];
            }
            if ok {
                total += score.exp();
                for i in 0..n {
                    node[i][y[i]] += score.exp();
                }
            }
        }
        assert!((z - total.ln()).abs() < 1e-9, "{z} vs {}", total.ln());
        for i in 0..n {
            for k in 0..N_TAGS {
                let m = (alpha[i][k] + beta[i][k] - z).exp();
                assert!((m - node[i][k] / total).abs() < 1e-9, "token {i} tag {k}");
            }
        }
    }

    #[test]
    fn the_tag_biases_go_into_every_previous_tag_row_only() {
        let other = (12345u64, [1.0; N_TAGS]);
        let w = with_tag_biases(vec![other, (mix(100, 0), [2.0; N_TAGS])], 0.5, 0.25);
        assert_eq!(
            w.len(),
            2 + N_TAGS - 1,
            "the missing previous-tag keys are added"
        );
        for (k, row) in &w {
            if *k == 12345 {
                assert_eq!(*row, [1.0; N_TAGS]);
            } else {
                assert!((0..N_TAGS as u64).any(|p| *k == mix(100, p)));
                let base = if *k == mix(100, 0) { 2.0 } else { 0.0 };
                for (t, &x) in row.iter().enumerate() {
                    let want = match Tag::from_index(t) {
                        Tag::O => base - 0.5,
                        Tag::B(_) => base + 0.25,
                        Tag::I(_) => base,
                    };
                    assert_eq!(x, want, "tag {t}");
                }
            }
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
        for learner in [Learner::Perceptron, Learner::Crf { c2: 3.0, eta0: 0.1 }] {
            let opts = TrainOptions {
                epochs: 3,
                prune: 0.02,
                word_dropout: 0.0,
                learner,
                ..TrainOptions::default()
            };
            trains_deterministically_and_learns(slice, opts);
        }
    }

    fn trains_deterministically_and_learns(slice: &[Sentence], opts: TrainOptions) {
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
