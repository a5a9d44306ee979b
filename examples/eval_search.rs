//! The name-search figures of BENCHMARKS.md, measured on the ANERcorp train split (every token
//! with its gold tag):
//!
//! 1. **The spelling-variant rule** (`qari::text::variants`): which distinct words it merges.
//!    Pairs of words that share a skeleton are counted blind (the skeleton alone) and as search
//!    applies the rule (neither word an Arabic word); a pair is *common* when both words are
//!    mostly tagged O, occur 3+ times and have different stems (words with one stem meet anyway),
//!    *names* when both are mostly PERS/LOC/ORG. Common pairs merged are false merges. Recall is measured on the one-word spellings of the alias table
//!    and the spellings named in issue 9 that the text has.
//! 2. **Over-stemming**: distinct name words whose index term equals the term of a frequent
//!    common word (mostly O, 10+ times), with the old stemmer (two-letter stems), today's stem
//!    (three letters at least) and today's whole form (what the exact tier matches).
//! 3. **Entity groups as spellings**: the text is cut into articles of 20 sentences and tagged
//!    (`entities::extract`); within each entity, mentions with the same number of words but
//!    different words are spellings the tagger merged (unless both words are in one longer mention
//!    of it: a first and a last name met alone). Each such pair of words is checked against
//!    what search already links (same stem, the variant rule, the alias table): a pair it does not
//!    link is one that "entity groups as variants" would add.
//!
//! ```sh
//! cargo run --release --example eval_search -- ../shared/data/anercorp/train.txt
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use qari::entities::conll::parse_anercorp;
use qari::entities::{alias_spellings, extract, EntType, EntityKind, Tag};
use qari::text::variants::{are_variants, is_arabic_word, skeleton};
use qari::text::{is_arabic_letter, normalize, stem, strip_proclitics, whole_form};

#[derive(Default, Clone, Copy)]
struct Count {
    all: u64,
    name: u64,
    other: u64,
}

impl Count {
    fn is_name(&self) -> bool {
        self.name * 2 > self.all
    }
    fn is_common(&self) -> bool {
        self.other * 2 > self.all
    }
}

/// The light stem as it was before stems kept three letters (suffixes cut down to two).
fn old_stem(word: &str) -> String {
    if !word.chars().any(is_arabic_letter) {
        return word.to_string();
    }
    let mut w = strip_proclitics(word);
    for suf in ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"] {
        if let Some(rest) = w.strip_suffix(suf) {
            if rest.chars().count() >= 2 {
                w = rest;
            }
        }
    }
    w.to_string()
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/anercorp/train.txt".to_string());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("eval_search: cannot read {path}: {e}");
        std::process::exit(2);
    });
    let mut counts: HashMap<String, Count> = HashMap::new();
    for s in parse_anercorp(&text) {
        for (tok, tag) in s.tokens.iter().zip(&s.tags) {
            if !tok.chars().any(is_arabic_letter) {
                continue;
            }
            let w = whole_form(&normalize(tok)).to_string();
            let c = counts.entry(w).or_default();
            c.all += 1;
            match tag {
                Tag::B(t) | Tag::I(t) if *t != EntType::Misc => c.name += 1,
                Tag::O => c.other += 1,
                _ => {}
            }
        }
    }
    let freq = |w: &str| counts.get(w).map_or(0, |c| c.all);
    println!("{} distinct words in {path}", counts.len());

    // 1. The variant rule.
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for w in counts.keys() {
        if let Some(s) = skeleton(w) {
            groups.entry(s).or_default().push(w);
        }
    }
    let arabic: HashSet<&str> = counts
        .keys()
        .filter(|w| is_arabic_word(w, &freq))
        .map(String::as_str)
        .collect();
    let (mut blind_common, mut gated_common, mut blind_names, mut gated_names) = (0, 0, 0, 0);
    let mut false_merges = Vec::new();
    let mut name_merges = Vec::new();
    for words in groups.values() {
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                let (ca, cb) = (counts[*a], counts[*b]);
                let gated = !arabic.contains(a) && !arabic.contains(b);
                // Words with one stem already meet through it: not a merge of the rule's own.
                let common = ca.is_common()
                    && cb.is_common()
                    && ca.all >= 3
                    && cb.all >= 3
                    && stem(a) != stem(b);
                let names = ca.is_name() && cb.is_name();
                if common {
                    blind_common += 1;
                    if gated {
                        gated_common += 1;
                        false_merges.push((ca.all.min(cb.all), *a, *b));
                    }
                }
                if names {
                    blind_names += 1;
                    if gated {
                        gated_names += 1;
                        name_merges.push((ca.all.min(cb.all), *a, *b));
                    }
                }
            }
        }
    }
    println!("\nvariant rule (pairs of distinct words with one skeleton):");
    println!("  common-word pairs (both mostly O, 3+ times): blind {blind_common}, as search applies it {gated_common}");
    println!("  name pairs (both mostly PERS/LOC/ORG): blind {blind_names}, as search applies it {gated_names}");
    false_merges.sort_by(|a, b| b.cmp(a));
    println!("  false merges, most frequent first:");
    for (_, a, b) in false_merges.iter().take(15) {
        println!("    {a} / {b}  ({} / {})", counts[*a].all, counts[*b].all);
    }
    name_merges.sort_by(|a, b| b.cmp(a));
    println!("  name merges, most frequent first:");
    for (_, a, b) in name_merges.iter().take(30) {
        println!("    {a} / {b}  ({} / {})", counts[*a].all, counts[*b].all);
    }
    // Recall on known spellings: pairs from the alias table and issue 9 whose words both occur.
    let known: &[(&str, &str)] = &[
        ("ترامب", "ترمب"),
        ("نتنياهو", "نتانياهو"),
        ("زيلينسكي", "زيلنسكي"),
        ("بايدن", "بايدين"),
        ("أذربيجان", "أذربيغان"),
        ("الكرملين", "الكريملين"),
        ("نخجوان", "نخيتشفان"),
        ("أرمينيا", "أرمنيا"),
        ("غوغل", "جوجل"),
        ("بوش", "بوشي"),
        ("واشنطن", "واشنطون"),
        ("جورجيا", "جيورجيا"),
        ("بلير", "بليير"),
        ("شيراك", "شراك"),
        ("كوندوليزا", "كونداليزا"),
    ];
    let mut found = 0;
    let mut merged = 0;
    for (a, b) in known {
        let (a, b) = (
            whole_form(&normalize(a)).to_string(),
            whole_form(&normalize(b)).to_string(),
        );
        let present = freq(&a) > 0 || freq(&b) > 0;
        let ok = qari::text::variants::are_variants(&a, &b, &freq);
        found += usize::from(present);
        merged += usize::from(ok);
        println!(
            "  known pair {a} / {b}: {} ({}in the text)",
            if ok { "merged" } else { "NOT merged" },
            if present { "" } else { "not " }
        );
    }
    println!(
        "  recall on {} known pairs: {merged}/{} merged ({found} with a word in the text)",
        known.len(),
        known.len()
    );

    // 2. Over-stemming.
    let frequent: Vec<&String> = counts
        .iter()
        .filter(|(_, c)| c.is_common() && c.other >= 10)
        .map(|(w, _)| w)
        .collect();
    let old: HashSet<String> = frequent.iter().map(|w| old_stem(w)).collect();
    let new: HashSet<String> = frequent.iter().map(|w| stem(w)).collect();
    let whole: HashSet<&str> = frequent.iter().map(|w| w.as_str()).collect();
    let names: Vec<&String> = counts
        .iter()
        .filter(|(_, c)| c.is_name())
        .map(|(w, _)| w)
        .collect();
    let hit = |f: &dyn Fn(&str) -> bool| names.iter().filter(|w| f(w)).count();
    let old_n = hit(&|w| old.contains(&old_stem(w)));
    let new_n = hit(&|w| new.contains(&stem(w)));
    let whole_n = hit(&|w| whole.contains(w));
    let short_old = hit(&|w| old_stem(w).chars().count() < 3);
    let short_new = hit(&|w| stem(w).chars().count() < 3 && w.chars().count() >= 3);
    println!(
        "\nover-stemming: {} distinct name words, {} frequent common words (mostly O, 10+ times)",
        names.len(),
        frequent.len()
    );
    println!("  a name's term equals a frequent common word's term:");
    println!("    old stem (2+ letters): {old_n}");
    println!("    stem today (3+ letters): {new_n}");
    println!("    whole form (what ranks first today): {whole_n}");
    println!(
        "  name words (3+ letters) stemmed below three letters: old {short_old}, today {short_new}"
    );
    let mut examples: Vec<&&String> = names
        .iter()
        .filter(|w| old.contains(&old_stem(w)) && !new.contains(&stem(w)))
        .collect();
    examples.sort_by_key(|w| std::cmp::Reverse(counts[w.as_str()].all));
    let shown: Vec<String> = examples
        .iter()
        .take(10)
        .map(|w| format!("{w} → {}", old_stem(w)))
        .collect();
    println!("  fixed by three-letter stems, e.g.: {}", shown.join(", "));

    // 3. Entity groups as spellings.
    let sents = parse_anercorp(&text);
    let (mut pairs, mut linked, mut unlinked, mut name_parts) = (0, 0, Vec::new(), 0);
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for chunk in sents.chunks(20) {
        let article: Vec<String> = chunk.iter().map(|s| s.tokens.join(" ")).collect();
        let article = article.join("\n\n");
        let Ok(ents) = extract(&article, None) else {
            eprintln!("eval_search: the built-in model does not load");
            std::process::exit(2);
        };
        for e in ents.iter().filter(|e| e.kind != EntityKind::Date) {
            let forms: BTreeMap<Vec<String>, ()> = e
                .mentions
                .iter()
                .map(|m| {
                    let words = article[m[0]..m[1]].split_whitespace();
                    (
                        words
                            .map(|w| whole_form(&normalize(w)).to_string())
                            .collect(),
                        (),
                    )
                })
                .collect();
            let forms: Vec<&Vec<String>> = forms.keys().collect();
            for (i, a) in forms.iter().enumerate() {
                for b in &forms[i + 1..] {
                    if a.len() != b.len() {
                        continue; // a short and a long name (بوتين, فلاديمير بوتين): not a spelling
                    }
                    // Two words of one longer mention (نزار and قباني of نزار قباني, each met
                    // alone) are parts of a name, not spellings.
                    let parts = |x: &String, y: &String| {
                        forms
                            .iter()
                            .any(|f| f.len() > a.len() && f.contains(x) && f.contains(y))
                    };
                    for (x, y) in a.iter().zip(b.iter()).filter(|(x, y)| x != y) {
                        if parts(x, y) {
                            name_parts += 1;
                            continue;
                        }
                        let key = if x < y {
                            (x.clone(), y.clone())
                        } else {
                            (y.clone(), x.clone())
                        };
                        if !seen.insert(key) {
                            continue;
                        }
                        pairs += 1;
                        let links = stem(x) == stem(y)
                            || are_variants(x, y, &freq)
                            || alias_spellings(x).contains(y);
                        if links {
                            linked += 1;
                        } else {
                            unlinked.push(format!("{x}/{y}"));
                        }
                    }
                }
            }
        }
    }
    println!(
        "\nentity groups as spellings: {pairs} distinct pairs of words the tagger grouped as one name"
    );
    println!("  two words of one longer name, each met alone (not spellings): {name_parts}");
    println!("  linked by search already (stem, variant rule, alias table): {linked}");
    println!("  not linked: {}", unlinked.len());
    println!(
        "  e.g.: {}",
        unlinked
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
}
