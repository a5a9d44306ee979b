//! Arabic text analysis: the one normaliser, tokeniser and light stemmer that both the search
//! index and the entity tagger use, so that a word is folded the same way everywhere.
//!
//! The pieces, in pipeline order:
//! - [`tokens`] splits text into word and number tokens with byte offsets into the original text
//!   (numbers with `٫` `٬` `.` `,` between digits stay whole);
//! - [`normalize`] folds a token to its plain form (harakat and tatweel gone, hamza-carrying alefs
//!   to ا, ى → ي, ة → ه, both Arabic digit ranges to ASCII, Latin lowercased);
//! - [`strip_proclitics`] and [`stem`] remove attached particles and common suffixes;
//! - [`analyzer`] wraps all three as tantivy `Tokenizer`/`TokenFilter`s;
//! - [`dates`] parses Arabic dates in both month systems;
//! - [`find`] finds a phrase in one text (the reader's `/`).

pub mod analyzer;
pub mod dates;
pub mod find;
pub mod snippet;
pub mod urls;
pub mod variants;

/// Maps an Arabic-Indic (U+0660–0669) or Extended Arabic-Indic (U+06F0–06F9) digit, or an ASCII
/// digit, to its ASCII form. `char::to_digit` only knows ASCII, and tantivy's Snowball stemmer
/// only the first Arabic range.
pub fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{0660}'..='\u{0669}' => char::from_u32('0' as u32 + (c as u32 - 0x0660)),
        '\u{06F0}'..='\u{06F9}' => char::from_u32('0' as u32 + (c as u32 - 0x06F0)),
        _ => None,
    }
}

/// True for Arabic combining marks that carry no letter of their own: harakat, shadda, sukun,
/// the dagger alef and Quranic annotation marks.
pub fn is_arabic_mark(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}' | '\u{06E7}' | '\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

/// True for characters that are invisible inside a word and carry no meaning for search:
/// tatweel, zero-width joiners and bidi marks.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{0640}' | '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// True for a letter of the Arabic script (base letters, not marks or digits).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{063F}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{066F}'
        | '\u{0671}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FC}'
        | '\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}')
}

/// The folded form of one character, or `None` when the character is dropped.
///
/// Follows Lucene's `ArabicNormalizer` and adds what it misses: ٱ (wasla) → ا, Persian yeh and
/// keheh to their Arabic letters, both digit ranges to ASCII, and Latin lowercase.
///
/// Plain Arabic letters, harakat, ASCII lowercase letters and digits answer at once; only the
/// rest asks Unicode about case, which is slow. Measured on the ANERcorp train tokens (125k, five
/// passes): [`normalize`] ran at 123 MB/s without this fast path and 194 MB/s with it.
#[inline]
pub fn normalize_char(c: char) -> Option<char> {
    match c {
        'أ' | 'إ' | 'آ' => Some('ا'),
        'ى' => Some('ي'),
        'ة' => Some('ه'),
        '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | 'a'..='z' | '0'..='9' => Some(c),
        '\u{064B}'..='\u{065F}' => None,
        _ => normalize_char_general(c),
    }
}

/// [`normalize_char`] without its fast path: the rule for every character.
fn normalize_char_general(c: char) -> Option<char> {
    if is_arabic_mark(c) || is_ignorable(c) {
        return None;
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        'ۀ' => 'ه',
        // Other Arabic-block letters are their own plain form (no case, no table lookup).
        '\u{0600}'..='\u{065F}' | '\u{066A}'..='\u{06EF}' | '\u{06FA}'..='\u{06FF}' => c,
        _ => {
            if let Some(d) = ascii_digit(c) {
                d
            } else if c.is_ascii() {
                c.to_ascii_lowercase()
            } else if c.is_uppercase() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                c
            }
        }
    })
}

/// Appends the normalised form of `s` to `out` (see [`normalize_char`]).
///
/// Runs of characters that are their own normal form (most of a word) are copied as slices, and
/// only the others are pushed one by one: building the string a `char` at a time was 3.5–4% of
/// the bulk entity pass. The same string as `s.chars().filter_map(normalize_char)` (a test
/// compares them).
pub fn normalize_into(s: &str, out: &mut String) {
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let n = normalize_char(c);
        if n != Some(c) {
            out.push_str(&s[run..i]);
            if let Some(n) = n {
                out.push(n);
            }
            run = i + c.len_utf8();
        }
    }
    out.push_str(&s[run..]);
}

/// The normalised form of `s`: the key under which spelling variants of a word meet.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// A token of the original text: its byte range and the slice itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// Byte offset of the first byte in the original text.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The original slice `text[start..end]`.
    pub text: &'a str,
}

fn is_word_char(c: char) -> bool {
    match c {
        // The Arabic block answers from its layout: `char::is_alphanumeric` takes a slow table
        // path for every non-ASCII letter, and this is the tokenizer's inner loop.
        '\u{0600}'..='\u{06FF}' => !matches!(
            c,
            '\u{0600}'..='\u{060F}'
                | '\u{061B}'..='\u{061F}'
                | '\u{066A}'..='\u{066D}'
                | '\u{06D4}'
                | '\u{06DD}'
                | '\u{06DE}'
                | '\u{06E9}'
                | '\u{06FD}'
                | '\u{06FE}'
        ),
        _ => c.is_alphanumeric() || is_arabic_mark(c) || c == '\u{200C}' || c == '\u{200D}',
    }
}

fn is_number_joiner(c: char) -> bool {
    matches!(c, '\u{066B}' | '\u{066C}' | '.' | ',')
}

fn is_digit_char(c: char) -> bool {
    ascii_digit(c).is_some()
}

/// Splits `text` into word and number tokens.
///
/// A token is a run of letters, digits and in-word marks (harakat, tatweel, ZWNJ). A decimal or
/// thousands separator (`٫` `٬` `.` `,`) between two digits stays inside the number, so `٣٫٥`
/// and `1,000` are one token each. Everything else (spaces, punctuation, symbols) separates.
pub fn tokens(text: &str) -> Tokens<'_> {
    Tokens { text, pos: 0 }
}

/// Iterator returned by [`tokens`].
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes_left = &self.text[self.pos..];
        let (skip, _) = bytes_left.char_indices().find(|&(_, c)| is_word_char(c))?;
        let start = self.pos + skip;
        let mut end = start;
        let mut prev_digit = false;
        let mut iter = self.text[start..].char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if is_word_char(c) {
                end = start + i + c.len_utf8();
                prev_digit = is_digit_char(c);
            } else if prev_digit
                && is_number_joiner(c)
                && iter.peek().is_some_and(|&(_, n)| is_digit_char(n))
            {
                continue;
            } else {
                break;
            }
        }
        self.pos = end;
        Some(Token {
            start,
            end,
            text: &self.text[start..end],
        })
    }
}

/// Does `s` have at least `n` characters? Reads at most `n` of them: counting a whole word
/// (`chars().count()`) was 12% of a search's time, in the snippets' per-word stripping.
#[inline]
fn has_chars(s: &str, n: usize) -> bool {
    n == 0 || s.chars().nth(n - 1).is_some()
}

/// `w` without the prefix `p`, by a byte loop, not `strip_prefix`: a `memcmp` call for a 2–8
/// byte prefix cost more than the comparison.
#[inline]
fn strip_prefix_bytes<'a>(w: &'a str, p: &str) -> Option<&'a str> {
    let (wb, pb) = (w.as_bytes(), p.as_bytes());
    if wb.len() >= pb.len() && wb.iter().zip(pb).all(|(a, b)| a == b) {
        // `p` is whole characters, so its end in `w` is a character boundary.
        w.get(pb.len()..)
    } else {
        None
    }
}

/// Characters in `s`, at compile time (UTF-8 lead bytes).
const fn chars_in(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        if b[i] & 0xC0 != 0x80 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// One proclitic chain of [`PROCLITICS`] and where it is used.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Proclitic {
    /// The chain as it appears after normalisation.
    pub(crate) form: &'static str,
    /// [`strip_proclitics`] removes it (search terms, the tagger's stripped form).
    pub(crate) strip: bool,
    /// The entity code cuts it from the front of a name (`entities::keys::clitic_cut`).
    pub(crate) name: bool,
}

const fn both(form: &'static str) -> Proclitic {
    Proclitic {
        form,
        strip: true,
        name: true,
    }
}

/// The one list of proclitics: conjunctions (و ف), prepositions (ب ك ل), the article ال and
/// their stacks, longest first, as they appear after normalisation.
///
/// Multi-letter forms are tried before single letters so that وال is one step, not و then ال.
/// Search strips the article too (`strip`); a name keeps its own ال, and the name cut tries the
/// two-step chains conjunction + ب/ل (وب ول فب فل) as one step, because it cuts only where the
/// article or the gazetteer attests the rest (`name`).
pub(crate) const PROCLITICS: &[Proclitic] = &[
    both("وبال"),
    both("وكال"),
    both("وال"),
    both("فال"),
    both("بال"),
    both("كال"),
    Proclitic {
        form: "وب",
        strip: false,
        name: true,
    },
    Proclitic {
        form: "ول",
        strip: false,
        name: true,
    },
    Proclitic {
        form: "فب",
        strip: false,
        name: true,
    },
    Proclitic {
        form: "فل",
        strip: false,
        name: true,
    },
    both("لل"),
    Proclitic {
        form: "ال",
        strip: true,
        name: false,
    },
    both("و"),
    both("ف"),
    both("ب"),
    both("ك"),
    both("ل"),
];

/// The forms [`strip_proclitics`] tries, in order: the [`PROCLITICS`] marked `strip`, picked out
/// at compile time (filtering the table on every call made stripping about 5% slower on the
/// ANERcorp tokens).
const STRIP: [&str; STRIP_LEN] = strip_forms();
/// The number of letters of each form of [`STRIP`].
const STRIP_LETTERS: [usize; STRIP_LEN] = {
    let mut out = [0; STRIP_LEN];
    let mut i = 0;
    while i < STRIP_LEN {
        out[i] = chars_in(STRIP[i]);
        i += 1;
    }
    out
};
const STRIP_LEN: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < PROCLITICS.len() {
        if PROCLITICS[i].strip {
            n += 1;
        }
        i += 1;
    }
    n
};

const fn strip_forms() -> [&'static str; STRIP_LEN] {
    let mut out = [""; STRIP_LEN];
    let (mut i, mut n) = (0, 0);
    while i < PROCLITICS.len() {
        if PROCLITICS[i].strip {
            out[n] = PROCLITICS[i].form;
            n += 1;
        }
        i += 1;
    }
    out
}

/// Is `c` a one-letter proclitic of [`PROCLITICS`] (و ف ب ك ل)?
#[inline]
pub(crate) fn is_proclitic_letter(c: char) -> bool {
    // The one-letter forms of PROCLITICS (a test checks the two agree): scanning the table
    // for every call was 2% of the bulk entity pass.
    matches!(c, 'و' | 'ف' | 'ب' | 'ك' | 'ل')
}

/// Strips attached proclitics from a **normalised** word (و ف ب ك ل and the article ال, and
/// their stacks وال بال كال فال لل وبال).
///
/// Stripping repeats while the rest keeps at least three letters, so that the bare form of a name
/// and every cliticised form of it meet (بيسكوف, لبيسكوف → يسكوف; روسيا, لروسيا, وروسيا → روسيا).
/// Consistency is what search needs: the same rule runs on the query.
pub fn strip_proclitics(word: &str) -> &str {
    strip_proclitics_keeping(word, 2)
}

/// [`strip_proclitics`] where a multi-letter chain also leaves at least `min_after_chain` letters
/// (a single letter always leaves three).
fn strip_proclitics_keeping(word: &str, min_after_chain: usize) -> &str {
    let mut w = word;
    'outer: loop {
        for (p, &letters) in STRIP.iter().zip(&STRIP_LETTERS) {
            if let Some(rest) = strip_prefix_bytes(w, p) {
                let min = if letters == 1 { 3 } else { min_after_chain };
                if has_chars(rest, min) {
                    w = rest;
                    continue 'outer;
                }
            }
        }
        return w;
    }
}

/// Suffixes removed by the light stemmer (Larkey/Lucene's list after ة → ه folding), each tried in
/// turn, as Lucene's `ArabicStemmer` does.
const SUFFIXES: &[&str] = &["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// Fewest letters a stem keeps: a cut that would leave fewer is not made. With two, a four-letter
/// name ending in ـان became a two-letter preposition (عنان → عن) and its search found every
/// article; no Arabic root is shorter than three letters.
pub const MIN_STEM_LETTERS: usize = 3;

/// Light stem of a **normalised** word: proclitics, then the common suffixes, each cut only when
/// at least [`MIN_STEM_LETTERS`] letters remain. A Latin word is stemmed as English (Snowball's
/// English stemmer); digits and other scripts are returned as they are.
///
/// Why this and not tantivy's Snowball Arabic stemmer: on names Snowball is inconsistent
/// (أرمينيا → ارميني but الأرمينية → ارمين; و+ال and ل are left on), so a query for a name missed
/// its cliticised forms. Measured on the ANERcorp dev sixth (`tests/analyzer.rs`): of 110 entity
/// tokens that are a clitic form of another entity token (وروسيا/روسيا, بالعراق/العراق), this
/// stemmer gives the bare form's term to 100%, Snowball to 59%. The price is some over-stemming of
/// four-letter words that begin with a clitic letter (كتاب → تاب), which costs precision only
/// where two such words collide.
pub fn stem(word: &str) -> String {
    if is_latin_word(word) {
        return english_stem(word);
    }
    word[stem_range(word)].to_string()
}

/// True for a word of ASCII letters only (lowercased by [`normalize`]): stemmed as English.
pub fn is_latin_word(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Snowball's English stem of a lowercase ASCII word (`ministers` → `minist`).
pub fn english_stem(word: &str) -> String {
    frostem::Stemmer::new(frostem::Algorithm::English)
        .stem(word)
        .into_owned()
}

/// Byte range of the Arabic light stem of `word` (see [`stem`]): light stemming only cuts at both
/// ends, so the analyzer can trim its token buffer in place instead of allocating.
pub fn stem_range(word: &str) -> std::ops::Range<usize> {
    if !word.chars().any(is_arabic_letter) {
        return 0..word.len();
    }
    let mut w = strip_proclitics_keeping(word, MIN_STEM_LETTERS);
    let start = word.len() - w.len();
    for suf in SUFFIXES {
        if let Some(rest) = w.strip_suffix(suf) {
            if has_chars(rest, MIN_STEM_LETTERS) {
                w = rest;
            }
        }
    }
    start..start + w.len()
}

/// Starts an index term that is a word's stem, where the stem differs from the word's whole form.
/// Every word is indexed by its whole form (normalised, the article and its chains taken off,
/// nothing else), and by its stem beside it at the same position when the two differ: search
/// finds a name as written first (بوتين, which stems to تين, fig), looks up variants, typos and
/// completions among whole forms only, and reaches other forms of a word through its stem.
pub const STEM_MARK: char = '\u{1}';

/// The index terms that carry the stem `stem`: marked (a word whose whole form differs) and
/// bare (a word whose whole form is the stem itself).
pub fn stem_terms(stem: &str) -> [String; 2] {
    [format!("{STEM_MARK}{stem}"), stem.to_string()]
}

/// The whole form of a **normalised** word: the article ال and its chains (وال بال كال فال لل
/// وبال وكال) taken off when three letters remain; single-letter clitics and suffixes stay.
pub fn whole_form(word: &str) -> &str {
    // The stripped chains of more than one letter are exactly the article and its stacks.
    for (p, _) in STRIP.iter().zip(&STRIP_LETTERS).filter(|(_, &n)| n > 1) {
        if let Some(rest) = strip_prefix_bytes(word, p) {
            if has_chars(rest, MIN_STEM_LETTERS) {
                return rest;
            }
        }
    }
    word
}

/// The single-letter clitic chains a whole form may carry in the text (و ف ب ك ل and their
/// pairs وب ول فب فل): a whole-form query also looks up each of them in front of the word.
pub fn clitic_chains() -> impl Iterator<Item = &'static str> {
    PROCLITICS
        .iter()
        .map(|p| p.form)
        .filter(|f| !f.contains("ال") && *f != "لل")
}

/// Splits a token where digits meet letters (`2021ء` → `2021`, `ء`; `الـ10` → `الـ`, `10`):
/// a year written with its era letter or a number with the article in front is still the number.
/// Numbers with separators (`3.5`) stay whole.
pub fn digit_runs(token: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    let mut iter = token.char_indices();
    let mut in_number = None::<bool>;
    std::iter::from_fn(move || {
        for (i, c) in iter.by_ref() {
            // A separator inside a number belongs to it.
            let digitish = is_digit_char(c) || (in_number == Some(true) && is_number_joiner(c));
            match in_number {
                None => in_number = Some(digitish),
                Some(prev) if prev != digitish => {
                    let r = start..i;
                    start = i;
                    in_number = Some(digitish);
                    return Some(r);
                }
                _ => {}
            }
        }
        if start < token.len() {
            let r = start..token.len();
            start = token.len();
            return Some(r);
        }
        None
    })
}

/// Normalise then stem: the index term of one original token.
pub fn index_term(token: &str) -> String {
    stem(&normalize(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harakat_hamza_and_digits_fold() {
        assert_eq!(normalize("وَقَالَ"), "وقال");
        assert_eq!(normalize("أحمد"), normalize("احمد"));
        assert_eq!(normalize("إسلام"), "اسلام");
        assert_eq!(normalize("آذار"), "اذار");
        assert_eq!(normalize("ٱلله"), "الله");
        assert_eq!(normalize("مستشفى"), "مستشفي");
        assert_eq!(normalize("مدينة"), "مدينه");
        assert_eq!(normalize("٢٠٢١"), "2021");
        assert_eq!(normalize("۲۰۲۰"), "2020");
        assert_eq!(normalize("جـــميل"), "جميل");
        assert_eq!(normalize("Reuters"), "reuters");
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_rule() {
        for cp in (0u32..0x3000).chain(0xFB50..0xFF00) {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(normalize_char(c), normalize_char_general(c), "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn tokens_keep_numbers_whole_and_offsets_exact() {
        let text = "بلغ ٣٫٥ مليون، و1,000 دولار.";
        let toks: Vec<&str> = tokens(text).map(|t| t.text).collect();
        assert_eq!(toks, ["بلغ", "٣٫٥", "مليون", "و1,000", "دولار"]);
        for t in tokens(text) {
            assert_eq!(&text[t.start..t.end], t.text);
        }
        let toks: Vec<&str> = tokens("(القاهرة) - 2020.").map(|t| t.text).collect();
        assert_eq!(toks, ["القاهرة", "2020"]);
    }

    #[test]
    fn arabic_block_word_characters_agree_with_unicode() {
        for c in ('\u{0600}'..='\u{06FF}').filter(|c| !matches!(c, '\u{066B}' | '\u{066C}')) {
            let unicode = c.is_alphanumeric() || is_arabic_mark(c) || c == '\u{0640}';
            let sign = matches!(c, '\u{06FD}' | '\u{06FE}');
            assert_eq!(is_word_char(c), unicode && !sign, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn tokens_keep_marks_inside_words() {
        let toks: Vec<&str> = tokens("كَتَبَ الوَلَدُ").map(|t| t.text).collect();
        assert_eq!(toks, ["كَتَبَ", "الوَلَدُ"]);
    }

    #[test]
    fn normalize_copying_runs_is_normalizing_each_char() {
        let slow = |s: &str| -> String { s.chars().filter_map(normalize_char).collect() };
        // Every char alone, after a plain letter, and between two runs.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("ب{c}"), format!("كت{c}اب{c}{c}x")] {
                assert_eq!(normalize(&s), slow(&s), "U+{:04X}", c as u32);
            }
        }
        for s in [
            "",
            "أَحْمَد",
            "الإمارات",
            "مصطفى",
            "Qatar 2022",
            "ـــ",
            "\u{200F}موسكو\u{200E}",
        ] {
            assert_eq!(normalize(s), slow(s), "{s}");
        }
    }

    #[test]
    fn proclitic_letters_are_the_one_letter_proclitics() {
        let table = |c: char| {
            PROCLITICS.iter().any(|p| {
                let mut cs = p.form.chars();
                cs.next() == Some(c) && cs.next().is_none()
            })
        };
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_proclitic_letter(c), table(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn proclitics_meet_the_bare_form() {
        for w in ["روسيا", "لروسيا", "وروسيا", "بروسيا", "وبروسيا"] {
            assert_eq!(strip_proclitics(&normalize(w)), "روسيا", "{w}");
        }
        assert_eq!(strip_proclitics("والمدرسه"), "مدرسه");
        assert_eq!(strip_proclitics("للمعلمين"), "معلمين");
        // Short words keep their letters: ولد is not و + لد.
        assert_eq!(strip_proclitics("ولد"), "ولد");
        let letters: String = ('\u{0621}'..='\u{064A}')
            .filter(|&c| is_proclitic_letter(c))
            .collect();
        assert_eq!(letters, "بفكلو");
    }

    #[test]
    fn stems_are_consistent_across_clitic_forms() {
        let base = index_term("أرمينيا");
        for w in ["لأرمينيا", "وأرمينيا", "بأرمينيا", "وبأرمينيا"]
        {
            assert_eq!(index_term(w), base, "{w}");
        }
        let base = index_term("بيسكوف");
        assert_eq!(index_term("لبيسكوف"), base);
        assert_eq!(index_term("والمدرسة"), index_term("المدرسة"));
        assert_eq!(index_term("مُدُن"), index_term("مدن"));
        assert_eq!(index_term("Putin"), "putin");
        assert_eq!(index_term("ministers"), index_term("Minister"));
    }

    #[test]
    fn no_stem_is_shorter_than_three_letters() {
        // A four-letter name ending in ـان is not cut to a preposition.
        assert_eq!(index_term("عنان"), "عنان");
        for w in ["بيان", "لبنان", "والدان", "كتابها", "المعلمون"] {
            assert!(index_term(w).chars().count() >= 3, "{w}: {}", index_term(w));
        }
        assert_eq!(index_term("المعلمون"), "معلم");
    }

    #[test]
    fn digits_split_from_letters() {
        fn runs(t: &str) -> Vec<&str> {
            digit_runs(t).map(|r| &t[r]).collect()
        }
        assert_eq!(runs("2021ء"), ["2021", "ء"]);
        assert_eq!(runs("الـ10"), ["الـ", "10"]);
        assert_eq!(runs("و1,000"), ["و", "1,000"]);
        assert_eq!(runs("موسكو"), ["موسكو"]);
        assert_eq!(runs("3.5"), ["3.5"]);
        assert_eq!(runs("a1b"), ["a", "1", "b"]);
    }
}
