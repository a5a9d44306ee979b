//! Trains the shipped NER model from ANERcorp, deterministically.
//!
//! usage: cargo run --release --example train_ner -- [TRAIN.txt] [OUT.bin] [--dev-only]
//! defaults: ../shared/data/anercorp/train.txt models/ner.bin
//! With `--dev-only` it trains on the first five sixths only (the model `eval_ner` scores).
//! Prints the xxh3 hash of the written bytes: the same data must give the same hash.

use std::time::Instant;

use qari::entities::{conll, tagger};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dev_only = args.iter().any(|a| a == "--dev-only");
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let input = pos
        .first()
        .map(|s| s.as_str())
        .unwrap_or("../shared/data/anercorp/train.txt");
    let output = pos.get(1).map(|s| s.as_str()).unwrap_or("models/ner.bin");
    let text = std::fs::read_to_string(input).map_err(|e| format!("{input}: {e}"))?;
    let all = conll::parse_anercorp(&text);
    let data = if dev_only {
        conll::split_dev(&all).0
    } else {
        &all[..]
    };
    let t0 = Instant::now();
    let bytes = tagger::train(data, tagger::TrainOptions::default());
    let secs = t0.elapsed().as_secs_f64();
    std::fs::write(output, &bytes).map_err(|e| format!("{output}: {e}"))?;
    println!(
        "trained on {} sentences in {secs:.1} s; wrote {output}: {} bytes, xxh3 {:016x}",
        data.len(),
        bytes.len(),
        xxhash_rust::xxh3::xxh3_64(&bytes)
    );
    Ok(())
}
