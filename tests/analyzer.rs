//! Measures the stemmer choice on real news text: the ANERcorp dev sixth (the last sixth of the
//! train split in ../shared/data/anercorp). For every entity token that is a clitic form of
//! another entity token in the sample (وروسيا / روسيا, بالعراق / العراق), the two must get the
//! same index term, or a search for one misses the other. Prints qari's rate beside tantivy's
//! Snowball Arabic stemmer, which was the alternative.

use std::collections::HashSet;
use std::path::Path;

use tantivy::tokenizer::{Language, SimpleTokenizer, Stemmer, TextAnalyzer, TokenStream};

fn dev_entity_tokens() -> Option<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/anercorp/train.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing under CI",
            path.display()
        );
        eprintln!("skipped: {} not found", path.display());
        return None;
    };
    let sentences: Vec<&str> = text.split("\n\n").collect();
    let dev = &sentences[sentences.len() * 5 / 6..];
    let mut out = Vec::new();
    for s in dev {
        for line in s.lines() {
            if let Some((tok, tag)) = line.rsplit_once(' ') {
                if tag != "O" {
                    out.push(tok.to_string());
                }
            }
        }
    }
    Some(out)
}

/// (cliticised, bare) pairs among the tokens.
fn clitic_pairs(tokens: &[String]) -> Vec<(String, String)> {
    let set: HashSet<&str> = tokens.iter().map(String::as_str).collect();
    let mut pairs = HashSet::new();
    for w in &set {
        for p in [
            "و", "ب", "ل", "ك", "ف", "وب", "ول", "ال", "وال", "بال", "فال", "كال",
        ] {
            if let Some(bare) = w.strip_prefix(p) {
                if bare.chars().count() >= 3 && set.contains(bare) {
                    pairs.insert((w.to_string(), bare.to_string()));
                }
            }
        }
        // لل = ل + ال with the alef dropped.
        if let Some(rest) = w.strip_prefix("لل") {
            let bare = format!("ال{rest}");
            if set.contains(bare.as_str()) {
                pairs.insert((w.to_string(), bare));
            }
        }
    }
    let mut v: Vec<_> = pairs.into_iter().collect();
    v.sort();
    v
}

fn snowball(word: &str) -> String {
    let mut a = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(Stemmer::new(Language::Arabic))
        .build();
    let mut s = a.token_stream(word);
    let mut out = String::new();
    while s.advance() {
        out.push_str(&s.token().text);
    }
    out
}

#[test]
fn clitic_forms_of_entities_meet_their_bare_form() {
    let Some(tokens) = dev_entity_tokens() else {
        return;
    };
    let pairs = clitic_pairs(&tokens);
    assert!(
        pairs.len() > 100,
        "too few pairs to measure: {}",
        pairs.len()
    );
    let ours = pairs
        .iter()
        .filter(|(w, b)| qari::text::index_term(w) == qari::text::index_term(b))
        .count();
    let theirs = pairs
        .iter()
        .filter(|(w, b)| snowball(w) == snowball(b))
        .count();
    let pct = |n: usize| 100.0 * n as f64 / pairs.len() as f64;
    println!(
        "clitic pairs on the ANERcorp dev sixth: {}; same term: qari {:.1}%, tantivy Snowball {:.1}%",
        pairs.len(),
        pct(ours),
        pct(theirs)
    );
    for (w, b) in pairs
        .iter()
        .filter(|(w, b)| qari::text::index_term(w) != qari::text::index_term(b))
        .take(10)
    {
        println!(
            "  missed: {w} → {} vs {b} → {}",
            qari::text::index_term(w),
            qari::text::index_term(b)
        );
    }
    assert!(
        pct(ours) >= 95.0,
        "qari joins only {:.1}% of clitic forms",
        pct(ours)
    );
    assert!(
        ours > theirs,
        "the custom stemmer must beat Snowball on names, or use Snowball"
    );
}
