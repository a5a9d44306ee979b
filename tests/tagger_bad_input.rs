//! Bad input for the entity tagger (issue 10, "Bad input"): text with no Arabic, one-letter
//! words, mixed scripts, control characters and one long line with no line break are tagged
//! without a panic, and every entity's mentions are ranges on char boundaries inside the text
//! that hold a name-like run of letters.
//!
//! The generators are shared with `benches/tagger.rs` (`cargo bench --bench tagger`), which
//! times the same inputs at 1 MiB and the long line at 16 MiB: timings live there, never here.

/// A small deterministic generator (64-bit LCG), the same numbers on every machine.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed | 1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Sentences of the seed articles (real Arabic newswire with Latin words and numbers).
fn seed_sentences() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("seeds/")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("seed article");
            text.split_inclusive(['.', '\n'])
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|s| s.chars().count() > 20)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Arabic news as one line of `bytes` bytes (cut on a char boundary): seed sentences
/// interleaved with made-up ones that name made-up people, places and organisations, so that
/// the number of distinct names grows with the length, as in a real dump of many articles.
pub fn news_line(bytes: usize, seed: u64) -> String {
    const SYL: [&str; 16] = [
        "با", "رو", "سي", "كا", "مي", "لو", "نا", "تي", "فو", "دا", "زي", "غا", "هو", "جا", "شي",
        "قو",
    ];
    const TITLES: [&str; 5] = [
        "الرئيس",
        "وزير الخارجية",
        "النائب",
        "السفير",
        "رئيس الوزراء",
    ];
    const HEADS: [&str; 4] = ["وزارة", "شركة", "جمعية", "مجلس"];
    let sents = seed_sentences();
    let mut r = Lcg::new(seed);
    let name = |r: &mut Lcg, syllables: usize| -> String {
        (0..syllables).map(|_| r.pick(&SYL)).collect::<String>() + r.pick(&["ف", "ن", "ر", "ي"])
    };
    let mut out = String::with_capacity(bytes + 1024);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&sents[i % sents.len()]);
        out.push(' ');
        if i % 3 == 0 {
            let (first, last, place, org) = (
                name(&mut r, 2),
                name(&mut r, 3),
                name(&mut r, 2),
                name(&mut r, 2),
            );
            let title = r.pick(&TITLES);
            let head = r.pick(&HEADS);
            out.push_str(&format!(
                "وقال {title} {first} {last} في مدينة {place} إن {head} {org} ستعقد اجتماعا الأسبوع المقبل. "
            ));
        }
        i += 1;
    }
    cut(out, bytes)
}

/// `s` cut to at most `bytes` bytes, on a char boundary.
fn cut(mut s: String, bytes: usize) -> String {
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

/// English and French text: no Arabic letter at all (capitalised names, numbers, punctuation).
pub fn no_arabic(bytes: usize, seed: u64) -> String {
    const WORDS: [&str; 24] = [
        "the",
        "minister",
        "said",
        "on",
        "Monday",
        "that",
        "talks",
        "with",
        "Moscow",
        "and",
        "Baku",
        "would",
        "resume",
        "Lavrov",
        "met",
        "Blinken",
        "in",
        "Geneva",
        "le",
        "ministre",
        "a",
        "déclaré",
        "2020",
        "l'OTAN",
    ];
    let mut r = Lcg::new(seed);
    let mut out = String::with_capacity(bytes + 64);
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(r.pick(&WORDS));
        n += 1;
        out.push_str(match n % 97 {
            0 => ".\n\n",
            k if k % 13 == 0 => ". ",
            k if k % 7 == 0 => ", ",
            _ => " ",
        });
    }
    cut(out, bytes)
}

/// One-letter words (Arabic and Latin letters, digits, lone punctuation) on one line: tens of
/// thousands of them and no sentence end but the 200-token cut.
pub fn one_letter_words(bytes: usize, seed: u64) -> String {
    const LETTERS: [&str; 16] = [
        "و", "ب", "ل", "ف", "ك", "م", "ن", "ه", "a", "I", "x", "7", "٣", "،", "(", "ـ",
    ];
    let mut r = Lcg::new(seed);
    let mut out = String::with_capacity(bytes + 8);
    while out.len() < bytes {
        out.push_str(r.pick(&LETTERS));
        out.push(' ');
    }
    cut(out, bytes)
}

/// Words of many scripts, alone and glued together: Arabic with and without harakat, Persian
/// letters, Latin, Cyrillic, Greek, Hebrew, CJK, Devanagari, emoji with joiners, Arabic-Indic
/// and Eastern digits.
pub fn mixed_scripts(bytes: usize, seed: u64) -> String {
    const WORDS: [&str; 22] = [
        "بوتين",
        "مُوسْكُو",
        "لروسيا",
        "Putin",
        "Москва",
        "Путин",
        "Αθήνα",
        "ירושלים",
        "北京",
        "東京都",
        "दिल्ली",
        "👩‍👩‍👧",
        "🇸🇦",
        "١٢٣",
        "۴۵۶",
        "پاکستان",
        "ژاپن",
        "Москваموسكو",
        "بوتينPutin",
        "قره‌باغ",
        "\u{0651}\u{064E}",
        "،؛؟",
    ];
    let mut r = Lcg::new(seed);
    let mut out = String::with_capacity(bytes + 64);
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(r.pick(&WORDS));
        n += 1;
        out.push_str(if n % 50 == 0 { ".\n" } else { " " });
    }
    cut(out, bytes)
}

/// Arabic words with control characters between and inside them: C0 (NUL, BEL, ESC sequences,
/// CR, tab, form feed), C1, line and paragraph separators, bidi embeddings, overrides and
/// isolates, zero-width characters, a BOM, lone combining marks and tatweel runs.
pub fn controls(bytes: usize, seed: u64) -> String {
    const WORDS: [&str; 8] = [
        "قال",
        "الرئيس",
        "فلاديمير",
        "بوتين",
        "في",
        "موسكو",
        "إن",
        "لروسيا",
    ];
    const CONTROLS: [&str; 24] = [
        "\0",
        "\x07",
        "\x1b[31m",
        "\x1b]0;title\x07",
        "\r",
        "\t",
        "\x0b",
        "\x0c",
        "\u{85}",
        "\u{9b}",
        "\u{2028}",
        "\u{2029}",
        "\u{202a}",
        "\u{202b}",
        "\u{202e}",
        "\u{2066}",
        "\u{2067}",
        "\u{2069}",
        "\u{200b}",
        "\u{200d}",
        "\u{200f}",
        "\u{feff}",
        "\u{0651}",
        "ــــ",
    ];
    let mut r = Lcg::new(seed);
    let mut out = String::with_capacity(bytes + 64);
    while out.len() < bytes {
        let w = r.pick(&WORDS);
        match r.below(4) {
            0 => {
                // A control inside the word, between two letters.
                let mut it = w.chars();
                let first = it.next().unwrap_or(' ');
                out.push(first);
                out.push_str(r.pick(&CONTROLS));
                out.extend(it);
            }
            1 => {
                out.push_str(r.pick(&CONTROLS));
                out.push_str(w);
            }
            _ => out.push_str(w),
        }
        out.push_str(if r.below(10) == 0 {
            r.pick(&CONTROLS)
        } else {
            " "
        });
    }
    cut(out, bytes)
}

/// Every kind of bad input at `bytes` bytes, with its name: what the test checks and the bench
/// times.
pub fn kinds(bytes: usize) -> Vec<(&'static str, String)> {
    vec![
        ("arabic news, one line", news_line(bytes, 1)),
        ("no Arabic", no_arabic(bytes, 2)),
        ("one-letter words", one_letter_words(bytes, 3)),
        ("mixed scripts", mixed_scripts(bytes, 4)),
        ("controls", controls(bytes, 5)),
    ]
}

#[test]
fn every_kind_of_bad_input_tags_without_panic_and_with_sane_spans() {
    for (kind, text) in kinds(200_000) {
        assert!(text.len() > 190_000 && text.len() <= 200_000, "{kind}");
        let entities = qari::entities::extract(&text, None).expect("built-in model");
        for e in &entities {
            assert!(!e.name.trim().is_empty(), "{kind}: {e:?}");
            assert_eq!(e.count, e.mentions.len(), "{kind}: {e:?}");
            for &[a, b] in &e.mentions {
                assert!(a < b && b <= text.len(), "{kind}: {e:?}");
                assert!(
                    text.is_char_boundary(a) && text.is_char_boundary(b),
                    "{kind}: {e:?}"
                );
                if e.kind != qari::entities::EntityKind::Date {
                    assert!(
                        text[a..b].chars().filter(|c| c.is_alphabetic()).count() >= 2,
                        "{kind}: {:?} for {e:?}",
                        &text[a..b]
                    );
                }
            }
        }
        match kind {
            // Text without an Arabic letter is not fed to the Arabic model.
            "no Arabic" => assert!(
                entities
                    .iter()
                    .all(|e| e.kind == qari::entities::EntityKind::Date),
                "{entities:?}"
            ),
            // The made-up people of the news line are found, the long line notwithstanding.
            "arabic news, one line" => assert!(
                entities
                    .iter()
                    .filter(|e| e.kind == qari::entities::EntityKind::Person)
                    .count()
                    > 50,
                "{}",
                entities.len()
            ),
            _ => {}
        }
    }
}

#[test]
fn the_generators_are_deterministic() {
    assert_eq!(kinds(5_000), kinds(5_000));
    assert_ne!(news_line(5_000, 1), news_line(5_000, 2));
}
