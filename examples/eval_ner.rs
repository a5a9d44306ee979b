//! Scores the tagger on the dev split (the last sixth of ANERcorp train), conlleval-style:
//! entity-level exact match, per type and micro precision/recall/F1. It trains its own model on
//! the first five sixths (the shipped model has seen the dev sixth), then measures tagging speed.
//!
//! The dev sixth is tagged as the CLI tags a stream of sentences (`Tagger::tag_sentences`:
//! two passes, sentences within `DOC_WINDOW` of each other as one document).
//!
//! usage: cargo run --release --example eval_ner -- [TRAIN.txt] [--epochs N] [--seeds N]
//!   [--first-seed K] [--crf C2] [--eta X] [--o-penalty X] [--b-bonus X] [--hide-in-context]
//!   [--perceptron] [--prune X] [--dropout X] [--pipeline]
//! `--seeds N`: accuracy only, the mean over N training orders (a change must beat that noise);
//! `--first-seed K` starts at order K, so that more orders can be added to a comparison.
//! The perceptron as shipped until 12-02: `--perceptron --epochs 24 --o-penalty 0`.
//! `QARI_NER_ERRORS=1` prints the missed gold names; `QARI_NER_DUMP=FILE` writes token, gold and
//! predicted tag per line. `--pipeline` scores what `qari entities` shows instead: the dev sixth
//! as articles of 20 sentences through `extract_with` (the model, then the whole-name rules and
//! the article pass), against the model alone on the same articles, over persons, places and
//! organisations (the entity list has no MISC); `QARI_NER_ERRORS=1` then prints the names the
//! rules changed.

use std::time::Instant;

use qari::entities::{conll, tagger, Tagger};

/// CPU time of this thread in seconds (from /proc; falls back to 0), so that speeds measured on a
/// busy shared machine count only the time this program actually ran.
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut input = "../shared/data/anercorp/train.txt".to_string();
    let mut opts = tagger::TrainOptions::default();
    // The CRF's c2 and eta0 (`--crf`, `--eta`), from the shipped settings.
    let mut crf = match opts.learner {
        tagger::Learner::Crf { c2, eta0 } => (c2, eta0),
        tagger::Learner::Perceptron => (3.0, 0.1),
    };
    let mut speed_only = false;
    let mut pipeline = false;
    let mut seeds = 0usize;
    let mut first_seed = 0usize;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--epochs" => {
                i += 1;
                opts.epochs = args.get(i).ok_or("--epochs N")?.parse()?;
            }
            "--prune" => {
                i += 1;
                opts.prune = args.get(i).ok_or("--prune X")?.parse()?;
            }
            "--dropout" => {
                i += 1;
                opts.word_dropout = args.get(i).ok_or("--dropout X")?.parse()?;
            }
            "--speed-only" => speed_only = true,
            "--pipeline" => pipeline = true,
            "--crf" => {
                i += 1;
                crf.0 = args.get(i).ok_or("--crf C2")?.parse()?;
            }
            "--eta" => {
                i += 1;
                crf.1 = args.get(i).ok_or("--eta X")?.parse()?;
            }
            "--o-penalty" => {
                i += 1;
                opts.o_penalty = args.get(i).ok_or("--o-penalty X")?.parse()?;
            }
            "--b-bonus" => {
                i += 1;
                opts.b_bonus = args.get(i).ok_or("--b-bonus X")?.parse()?;
            }
            "--hide-in-context" => opts.hide_in_context = true,
            "--perceptron" => opts.learner = tagger::Learner::Perceptron,
            "--first-seed" => {
                i += 1;
                first_seed = args.get(i).ok_or("--first-seed K")?.parse()?;
            }
            "--seeds" => {
                i += 1;
                seeds = args.get(i).ok_or("--seeds N")?.parse()?;
            }
            a => input = a.to_string(),
        }
        i += 1;
    }
    if let tagger::Learner::Crf { .. } = opts.learner {
        opts.learner = tagger::Learner::Crf {
            c2: crf.0,
            eta0: crf.1,
        };
    }
    let text = std::fs::read_to_string(&input).map_err(|e| format!("{input}: {e}"))?;
    let all = conll::parse_anercorp(&text);
    let (train, dev) = conll::split_dev(&all);
    let dev_toks: Vec<Vec<&str>> = dev
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    if speed_only {
        // Profiling aid: only the extract() loop, with the shipped model, many times.
        let model = Tagger::load_builtin().map_err(|e| e.to_string())?;
        let docs: Vec<String> = all
            .chunks(20)
            .map(|c| {
                c.iter()
                    .map(|s| s.tokens.join(" "))
                    .collect::<Vec<_>>()
                    .join("\n\n")
            })
            .collect();
        let total: usize = docs.iter().map(String::len).sum();
        let t0 = cpu_secs();
        for _ in 0..5 {
            for d in &docs {
                std::hint::black_box(qari::entities::extract_with(model, d, None));
            }
        }
        println!(
            "extract(): {:.1} MB/s",
            5.0 * total as f64 / (cpu_secs() - t0) / 1e6
        );
        return Ok(());
    }
    if seeds > 0 {
        // Accuracy only, averaged over training orders: a change must beat the order noise.
        let gold: Vec<Vec<tagger::Tag>> = dev.iter().map(|s| s.tags.clone()).collect();
        let mut f1s = Vec::new();
        for k in first_seed..first_seed + seeds {
            let o = tagger::TrainOptions {
                seed: opts.seed.wrapping_add(k as u64 * 0x9E37_79B9),
                ..opts
            };
            let model = Tagger::from_bytes(&tagger::train(train, o))?;
            let pred = model.tag_sentences(&dev_toks, tagger::DOC_WINDOW);
            let (per, micro) = conll::score(&gold, &pred);
            let cls: Vec<String> = per
                .iter()
                .map(|(t, p)| format!("{} {:.2}", t.as_str(), p.f1()))
                .collect();
            println!(
                "seed {k}: micro {:.2} (P {:.2} R {:.2}) {}",
                micro.f1(),
                micro.precision(),
                micro.recall(),
                cls.join(" ")
            );
            f1s.push(micro.f1());
        }
        let mean = f1s.iter().sum::<f64>() / f1s.len() as f64;
        println!("mean micro F1 over {seeds} training orders: {mean:.2}");
        return Ok(());
    }
    let t0 = Instant::now();
    let bytes = tagger::train(train, opts);
    let train_secs = t0.elapsed().as_secs_f64();
    let model = Tagger::from_bytes(&bytes)?;
    println!(
        "train {} sentences, dev {} sentences; {} epochs, {train_secs:.1} s; model {} bytes ({} features), xxh3 {:016x}",
        train.len(),
        dev.len(),
        opts.epochs,
        bytes.len(),
        model.num_features(),
        xxhash_rust::xxh3::xxh3_64(&bytes)
    );
    let gold: Vec<Vec<tagger::Tag>> = dev.iter().map(|s| s.tags.clone()).collect();
    if pipeline {
        return score_pipeline(&model, dev);
    }
    let pred = model.tag_sentences(&dev_toks, tagger::DOC_WINDOW);
    if let Some(path) = std::env::var_os("QARI_NER_DUMP") {
        // token, gold, predicted: for analysis by script.
        let mut out = String::new();
        for (s, p) in dev.iter().zip(&pred) {
            for ((t, g), q) in s.tokens.iter().zip(&s.tags).zip(p) {
                out.push_str(&format!("{t} {g} {q}\n"));
            }
            out.push('\n');
        }
        std::fs::write(path, out)?;
    }
    if std::env::var_os("QARI_NER_ERRORS").is_some() {
        // Missed or wrong gold chunks, for reading by eye.
        for (s, p) in dev.iter().zip(&pred) {
            let pc = conll::chunks(p);
            for c in conll::chunks(&s.tags) {
                if !pc.contains(&c) {
                    let got: Vec<String> = p[c.1..c.2].iter().map(|t| t.to_string()).collect();
                    eprintln!(
                        "MISS {} [{}] got {:?}",
                        c.0.as_str(),
                        s.tokens[c.1..c.2].join(" "),
                        got
                    );
                }
            }
        }
    }
    let (per, micro) = conll::score(&gold, &pred);
    println!(
        "{:<6} {:>6} {:>6} {:>6} {:>6}",
        "type", "P", "R", "F1", "gold"
    );
    for (t, p) in &per {
        println!(
            "{:<6} {:>6.2} {:>6.2} {:>6.2} {:>6}",
            t.as_str(),
            p.precision(),
            p.recall(),
            p.f1(),
            p.gold
        );
    }
    println!(
        "{:<6} {:>6.2} {:>6.2} {:>6.2} {:>6}",
        "micro",
        micro.precision(),
        micro.recall(),
        micro.f1(),
        micro.gold
    );
    // Speed: tag the whole ANERcorp train text 3 times, one core; median.
    let sents: Vec<Vec<&str>> = all
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    let bytes_text: usize = all
        .iter()
        .map(|s| s.tokens.iter().map(|t| t.len() + 1).sum::<usize>())
        .sum();
    let mut times = Vec::new();
    for _ in 0..3 {
        let t0 = cpu_secs();
        let mut n = 0;
        for s in &sents {
            n += model.tag(s).len();
        }
        times.push(cpu_secs() - t0);
        std::hint::black_box(n);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "tagging speed (tokens pre-split, per core, CPU time): {:.1} MB/s ({} bytes, median of 3: {:.3} s)",
        bytes_text as f64 / times[1] / 1e6,
        bytes_text,
        times[1]
    );
    // End to end: extract() (tokenise, tag, group, dates) over the train text as articles of
    // 20 sentences each.
    let docs: Vec<String> = all
        .chunks(20)
        .map(|c| {
            c.iter()
                .map(|s| s.tokens.join(" "))
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .collect();
    let total: usize = docs.iter().map(String::len).sum();
    let mut times = Vec::new();
    for _ in 0..3 {
        let t0 = cpu_secs();
        let mut n = 0;
        for d in &docs {
            n += qari::entities::extract_with(
                &model,
                d,
                qari::text::dates::PartialDate::from_iso("2020-01-01"),
            )
            .len();
        }
        times.push(cpu_secs() - t0);
        std::hint::black_box(n);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "extract() end to end (per core, CPU time): {:.1} MB/s ({} bytes in {} articles, median of 3: {:.3} s)",
        total as f64 / times[1] / 1e6,
        total,
        docs.len(),
        times[1]
    );
    Ok(())
}

/// The dev sixth through the whole entity pipeline (`extract_with`), against the model alone,
/// both on articles of 20 sentences and over PERS, LOC and ORG. Each sentence is a line of its
/// tokens joined by spaces; a mention is mapped back to the dev tokens it overlaps.
fn score_pipeline(
    model: &Tagger,
    dev: &[tagger::Sentence],
) -> Result<(), Box<dyn std::error::Error>> {
    use qari::entities::EntityKind;
    use tagger::{EntType, Tag};
    let three = |t: Tag| match t {
        Tag::B(EntType::Misc) | Tag::I(EntType::Misc) => Tag::O,
        t => t,
    };
    let (mut gold, mut alone, mut piped) = (Vec::new(), Vec::new(), Vec::new());
    let errors = std::env::var_os("QARI_NER_ERRORS").is_some();
    for doc in dev.chunks(20) {
        let toks: Vec<Vec<&str>> = doc
            .iter()
            .map(|s| s.tokens.iter().map(String::as_str).collect())
            .collect();
        // The text and, for each token, its sentence, index and byte range.
        let mut text = String::new();
        let mut at: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (si, s) in toks.iter().enumerate() {
            for (ti, t) in s.iter().enumerate() {
                at.push((si, ti, text.len(), text.len() + t.len()));
                text.push_str(t);
                text.push(' ');
            }
            text.push('\n');
        }
        let mut tags: Vec<Vec<Tag>> = toks.iter().map(|s| vec![Tag::O; s.len()]).collect();
        for e in qari::entities::extract_with(model, &text, None) {
            let ty = match e.kind {
                EntityKind::Person => EntType::Pers,
                EntityKind::Place => EntType::Loc,
                EntityKind::Org => EntType::Org,
                EntityKind::Date => continue,
            };
            for [a, b] in e.mentions {
                let hit: Vec<_> = at.iter().filter(|t| t.2 < b && a < t.3).collect();
                let (Some(first), Some(last)) = (hit.first(), hit.last()) else {
                    continue;
                };
                let (si, ta, tb) = (first.0, first.1, last.1 + 1);
                if last.0 != si || tags[si][ta..tb].iter().any(|&t| t != Tag::O) {
                    continue;
                }
                tags[si][ta] = Tag::B(ty);
                for t in &mut tags[si][ta + 1..tb] {
                    *t = Tag::I(ty);
                }
            }
        }
        let model_tags = model.tag_sentences(&toks, tagger::DOC_WINDOW);
        for ((s, m), p) in doc.iter().zip(model_tags).zip(tags) {
            let m: Vec<Tag> = m.into_iter().map(three).collect();
            if errors && m != p {
                let name = |c: &(EntType, usize, usize)| {
                    format!("{} [{}]", c.0.as_str(), s.tokens[c.1..c.2].join(" "))
                };
                let (mc, pc) = (conll::chunks(&m), conll::chunks(&p));
                let gc = conll::chunks(&s.tags);
                for c in pc.iter().filter(|c| !mc.contains(c)) {
                    let mark = if gc.contains(c) { "+" } else { "-" };
                    eprintln!("{mark} rules made {}", name(c));
                }
                for c in mc.iter().filter(|c| !pc.contains(c)) {
                    let mark = if gc.contains(c) { "-" } else { "+" };
                    eprintln!("{mark} rules undid {}", name(c));
                }
                eprintln!("    in: {}", s.tokens.join(" "));
            }
            gold.push(s.tags.iter().map(|&t| three(t)).collect::<Vec<_>>());
            alone.push(m);
            piped.push(p);
        }
    }
    println!(
        "{:<18} {:>6} {:>6} {:>6}  per type F1",
        "PERS+LOC+ORG", "P", "R", "F1"
    );
    for (label, pred) in [("model alone", &alone), ("qari entities", &piped)] {
        let (per, micro) = conll::score(&gold, pred);
        let cls: Vec<String> = per
            .iter()
            .map(|(t, p)| format!("{} {:.2}", t.as_str(), p.f1()))
            .collect();
        println!(
            "{label:<18} {:>6.2} {:>6.2} {:>6.2}  {}",
            micro.precision(),
            micro.recall(),
            micro.f1(),
            cls.join(" ")
        );
    }
    Ok(())
}
