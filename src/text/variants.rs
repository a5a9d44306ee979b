//! Spelling variants of foreign names: the rule that says ترامب, ترمب and ترامپ are one name,
//! and the dictionary that keeps it off common Arabic words.
//!
//! Arabic news transliterates a foreign name by ear, so one name has several spellings: the long
//! vowels ا و ي written or not (نتنياهو / نتانياهو), g as غ, ج or ك (غوغل / جوجل), p and v as پ ڤ
//! or ب ف, the hamza on any seat. The rule folds each index term to a *skeleton*: the first letter
//! as it is, then every other letter but ا و ي ء ئ ؤ, with غ ج ك گ as one letter and پ → ب,
//! ڤ → ف. Two terms with one skeleton are variants.
//!
//! Folded blindly that would merge محمد with محمود and العالم with العلم: Arabic words differ
//! exactly by their long vowels. So the rule only applies to words that are not Arabic words,
//! judged by a general Arabic dictionary (the Ayaspell word list of Debian's `hunspell-ar`,
//! `data/arabic_words.txt`): neither the word typed nor the word found may be an Arabic word
//! ([`is_arabic_word`]: a dictionary word, give or take the article, one suffix, and a clitic
//! letter in front where the text says it is one), and a skeleton needs three letters. The rule works on whole forms ([`crate::text::whole_form`]), not on stems, which
//! light stemming has already cut (باشينيان → اشين). The measured merge rates are in
//! BENCHMARKS.md.

/// The dictionary's words, normalised, one per line, sorted (`examples/gen_dictionary.rs`).
pub(crate) const WORDS: &str = include_str!("../../data/arabic_words.txt");

/// Is the normalised word `word` a dictionary word, give or take the article (and its chains)
/// and one common suffix (المسؤولون → مسؤول)?
pub fn is_dictionary_word(word: &str) -> bool {
    let whole = super::whole_form(word);
    [word, whole].iter().any(|w| {
        has_line(WORDS, w)
            || WORD_SUFFIXES.iter().any(|s| {
                w.strip_suffix(s)
                    .is_some_and(|rest| rest.chars().count() >= 2 && has_line(WORDS, rest))
            })
    })
}

/// Is `word` a whole line of `sorted` (lines in byte order, `#` header lines first)? A binary
/// search on the text itself: splitting the 1 MB list into 99,000 slices first cost a short
/// `qari search` a fifth of its time.
fn has_line(sorted: &str, word: &str) -> bool {
    let bytes = sorted.as_bytes();
    // The start of the line holding byte `i`.
    let line_at = |i: usize| {
        bytes[..i]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
    };
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let start = line_at((lo + hi) / 2);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| start + p);
        let line = &sorted[start..end];
        match line.cmp(word) {
            _ if line.starts_with('#') => lo = end + 1,
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// Is the normalised word `word` an Arabic word: a dictionary word ([`is_dictionary_word`]), or a
/// clitic letter (و ف ب ك ل and their pairs) before one, where the text has that word bare, and
/// at least as often (`freq`: how often a whole form occurs). The count is what tells ومسائل
/// (و + مسائل, common) from بوتين (not ب + وتين, a rare word).
pub fn is_arabic_word(word: &str, freq: &dyn Fn(&str) -> u64) -> bool {
    if is_dictionary_word(word) {
        return true;
    }
    let whole = super::whole_form(word);
    super::clitic_chains().any(|c| {
        whole.strip_prefix(c).is_some_and(|rest| {
            rest.chars().count() >= 3 && is_dictionary_word(rest) && {
                let bare = freq(rest);
                bare > 0 && bare >= freq(whole)
            }
        })
    })
}

/// Suffixes an inflected word may carry beyond its dictionary form: the stemmer's, the pronouns,
/// the dual and feminine endings, the accusative alif (شريكا), the plural and past endings of
/// verbs (شاركوا, وجدت).
const WORD_SUFFIXES: &[&str] = &[
    "ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي", "هم", "هما", "هن", "كم", "نا", "تين", "تان", "ا",
    "وا", "ت",
];

/// `data/arabic_words.txt` made from a hunspell `.dic` file: its Arabic words (flags after `/`
/// dropped), normalised, sorted, with a header naming the source.
pub fn words_file(dic: &str) -> String {
    let words: std::collections::BTreeSet<String> = dic
        .lines()
        .filter_map(|l| l.split('/').next())
        .map(str::trim)
        .filter(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| super::is_arabic_letter(c) || super::is_arabic_mark(c))
        })
        .map(super::normalize)
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = String::from(
        "# Words of the Ayaspell Arabic dictionary (Debian hunspell-ar 3.2-1.2,\n\
         # /usr/share/hunspell/ar.dic; GPL 2.0 / LGPL 2.1 / MPL 1.1, and so is this list), normalised.\n\
         # Made by: cargo run --release --example gen_dictionary -- /usr/share/hunspell/ar.dic data\n",
    );
    for w in words {
        out.push_str(&w);
        out.push('\n');
    }
    out
}

/// What one letter of a term contributes to its skeleton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A vowel letter or hamza seat: dropped.
    Skip,
    /// This letter (or the one letter of its class).
    Letter(char),
}

/// The skeleton part of `c` (a normalised letter); `first` is true for a term's first letter,
/// which is always kept (an initial ا or و is part of the name's shape).
pub fn part(c: char, first: bool) -> Part {
    let c = match c {
        'غ' | 'ج' | 'ك' | 'گ' => 'ك',
        'پ' => 'ب',
        'ڤ' => 'ف',
        c => c,
    };
    if !first && matches!(c, 'ا' | 'و' | 'ي' | 'ء' | 'ئ' | 'ؤ') {
        Part::Skip
    } else {
        Part::Letter(c)
    }
}

/// The skeleton of the normalised whole form `word`, or `None` when the rule does not apply to
/// it: fewer than four letters, a letter outside the Arabic block, or a skeleton of fewer than
/// three letters. Whether `word` is an Arabic word is asked separately ([`is_arabic_word`]).
pub fn skeleton(word: &str) -> Option<String> {
    if word.chars().count() < 4 || !word.chars().all(super::is_arabic_letter) {
        return None;
    }
    let skel: String = word
        .chars()
        .enumerate()
        .filter_map(|(i, c)| match part(c, i == 0) {
            Part::Skip => None,
            Part::Letter(l) => Some(l),
        })
        .collect();
    (skel.chars().count() >= 3).then_some(skel)
}

/// Are the normalised whole forms `a` and `b` spellings of one name under the rule, with `freq`
/// the text's counts of whole forms?
pub fn are_variants(a: &str, b: &str, freq: &dyn Fn(&str) -> u64) -> bool {
    a != b
        && skeleton(a).is_some_and(|s| skeleton(b).as_deref() == Some(s.as_str()))
        && !is_arabic_word(a, freq)
        && !is_arabic_word(b, freq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{normalize, whole_form};

    fn variants(a: &str, b: &str) -> bool {
        let (a, b) = (normalize(a), normalize(b));
        are_variants(whole_form(&a), whole_form(&b), &|_| 0)
    }

    #[test]
    fn spellings_of_one_foreign_name_meet() {
        for (a, b) in [
            ("ترامب", "ترمب"),
            ("ترامب", "ترامپ"),
            ("نتنياهو", "نتانياهو"),
            ("زيلينسكي", "زيلنسكي"),
            ("بايدن", "بايدين"),
            ("غوغل", "جوجل"),
            ("باشينيان", "باشنيان"),
        ] {
            assert!(variants(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn common_words_stay_apart() {
        for (a, b) in [
            ("محمد", "محمود"),
            ("صالح", "صلاح"),
            ("العالم", "العلم"),
            ("كتاب", "كاتب"),
            ("جميل", "جميلة"),
            ("مسؤول", "مسؤولة"),
            ("كبير", "كبر"),
        ] {
            assert!(!variants(a, b), "{a} / {b}");
        }
        let none = |_: &str| 0;
        for w in ["", "#", "zzz", "يييييي", "ترامب"] {
            assert!(!has_line(WORDS, w), "{w:?}");
        }
        assert!(is_arabic_word("والمسؤولون", &none) && is_arabic_word("العالم", &none));
        assert!(!is_arabic_word("باشنيان", &none) && !is_arabic_word("ترامب", &none));
        // ب + وتين is a reading of بوتين only where the text has وتين as often.
        let putin = |w: &str| if w == "بوتين" { 40 } else { 0 };
        assert!(!is_arabic_word("بوتين", &putin));
        assert!(are_variants("بوتن", "بوتين", &putin));
        let fig = |w: &str| if w == "وتين" { 40 } else { 1 };
        assert!(
            is_arabic_word("بوتين", &fig),
            "a text full of وتين reads بوتين as ب + وتين"
        );
    }

    /// The list is what the generator makes of the dictionary with today's stemmer (CI installs
    /// hunspell-ar; elsewhere the check needs it installed).
    #[test]
    fn the_stem_list_is_reproducible() {
        let dic = std::path::Path::new("/usr/share/hunspell/ar.dic");
        let Ok(text) = std::fs::read_to_string(dic) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install hunspell-ar"
            );
            return;
        };
        assert!(
            words_file(&text) == WORDS,
            "run examples/gen_dictionary.rs again"
        );
    }
}
