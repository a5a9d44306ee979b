//! ANERcorp/CoNLL reading and conlleval-style scoring (entity-level exact match), shared by the
//! training and evaluation programs and by `qari tag --conll`.

use std::collections::BTreeMap;

use super::tagger::{EntType, Sentence, Tag};

/// Splits CoNLL text into sentences of lines (blank lines separate sentences). Each line is
/// returned whole; callers take the first whitespace-separated field as the token.
pub fn sentences_of(text: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Parses ANERcorp text (`TOKEN TAG` per line). Lines whose tag is missing or unknown get `O`.
pub fn parse_anercorp(text: &str) -> Vec<Sentence> {
    sentences_of(text)
        .into_iter()
        .map(|lines| {
            let mut tokens = Vec::with_capacity(lines.len());
            let mut tags = Vec::with_capacity(lines.len());
            for l in lines {
                let mut parts = l.split_whitespace();
                let tok = parts.next().unwrap_or("");
                let tag = parts.last().and_then(Tag::parse).unwrap_or(Tag::O);
                tokens.push(tok.to_string());
                tags.push(tag);
            }
            Sentence { tokens, tags }
        })
        .collect()
}

/// The train/dev cut used for tuning: the last sixth of the sentences is dev.
pub fn split_dev(sentences: &[Sentence]) -> (&[Sentence], &[Sentence]) {
    let dev = sentences.len() / 6;
    sentences.split_at(sentences.len() - dev)
}

/// Entity chunks `(type, start, end)` of a BIO sequence, conlleval-style: an `I-X` that does not
/// continue an `X` starts a new chunk.
pub fn chunks(tags: &[Tag]) -> Vec<(EntType, usize, usize)> {
    let mut out = Vec::new();
    let mut cur: Option<(EntType, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let continues = matches!((t, cur), (Tag::I(x), Some((y, _))) if x == y);
        if !continues {
            if let Some((ty, s)) = cur.take() {
                out.push((ty, s, i));
            }
            if let Some(ty) = t.ent() {
                cur = Some((ty, i));
            }
        }
    }
    if let Some((ty, s)) = cur {
        out.push((ty, s, tags.len()));
    }
    out
}

/// Counts for precision/recall/F1.
#[derive(Debug, Default, Clone, Copy)]
pub struct Prf {
    /// Chunks found that are exactly right.
    pub correct: usize,
    /// Chunks found.
    pub predicted: usize,
    /// Chunks in the gold data.
    pub gold: usize,
}

impl Prf {
    /// Precision in percent.
    pub fn precision(&self) -> f64 {
        pct(self.correct, self.predicted)
    }
    /// Recall in percent.
    pub fn recall(&self) -> f64 {
        pct(self.correct, self.gold)
    }
    /// F1 in percent.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// Per-type and micro scores of predicted against gold tag sequences.
pub fn score(gold: &[Vec<Tag>], pred: &[Vec<Tag>]) -> (BTreeMap<EntType, Prf>, Prf) {
    let mut per: BTreeMap<EntType, Prf> = BTreeMap::new();
    let mut micro = Prf::default();
    for (g, p) in gold.iter().zip(pred) {
        let gc = chunks(g);
        let pc = chunks(p);
        for c in &gc {
            per.entry(c.0).or_default().gold += 1;
            micro.gold += 1;
        }
        for c in &pc {
            per.entry(c.0).or_default().predicted += 1;
            micro.predicted += 1;
            if gc.contains(c) {
                per.entry(c.0).or_default().correct += 1;
                micro.correct += 1;
            }
        }
    }
    (per, micro)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_conlleval() {
        let t = |s: &str| {
            s.split(' ')
                .map(|x| Tag::parse(x).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            chunks(&t("B-PERS I-PERS O I-LOC B-ORG B-ORG")),
            vec![
                (EntType::Pers, 0, 2),
                (EntType::Loc, 3, 4),
                (EntType::Org, 4, 5),
                (EntType::Org, 5, 6)
            ]
        );
        let (_, m) = score(&[t("B-PERS I-PERS O")], &[t("B-PERS O O")]);
        assert_eq!((m.correct, m.predicted, m.gold), (0, 1, 1));
    }
}
