//! Find in one text: the phrase typed in the reader (`/`), matched word after word.
//!
//! A corpus search matches each word of a query anywhere in an article (and its stems and
//! variants); finding in the article you are reading is narrower and literal, as in `less`: the
//! words typed, in that order, one match per occurrence of the whole phrase. Words are compared
//! as the index folds them ([`super::normalize`], the article ال taken off by
//! [`super::whole_form`]), and a word of the text may carry one-letter clitics in front
//! (وموسكو and بموسكو match موسكو); the last word also matches as a prefix while it is typed.
//! Punctuation between the words of the text does not break a phrase.

use std::ops::Range;

use super::{clitic_chains, normalize, tokens, whole_form};

/// The folded whole form of a word.
fn fold(word: &str) -> String {
    whole_form(&normalize(word)).to_string()
}

/// Does the text word `t` (folded) match the query word `q` (folded)? `prefix`: `q` may be
/// the beginning of the word.
fn word_matches(t: &str, q: &str, prefix: bool) -> bool {
    let same = |w: &str| if prefix { w.starts_with(q) } else { w == q };
    same(t)
        || clitic_chains().any(|c| {
            t.strip_prefix(c)
                .is_some_and(|rest| same(rest) || same(whole_form(rest)))
        })
}

/// Byte ranges in `text` of each occurrence of `query`'s words in order, from the first
/// word's start to the last word's end. `prefix_last`: the last word may be unfinished.
pub fn phrase_matches(query: &str, text: &str, prefix_last: bool) -> Vec<Range<usize>> {
    let words: Vec<String> = tokens(query).map(|t| fold(t.text)).collect();
    if words.is_empty() || words.iter().all(String::is_empty) {
        return Vec::new();
    }
    let toks: Vec<(Range<usize>, String)> = tokens(text)
        .map(|t| (t.start..t.end, fold(t.text)))
        .collect();
    let n = words.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i + n <= toks.len() {
        let all = words.iter().enumerate().all(|(k, q)| {
            let prefix = prefix_last && k + 1 == n;
            !q.is_empty() && word_matches(&toks[i + k].1, q, prefix)
        });
        if all {
            out.push(toks[i].0.start..toks[i + n - 1].0.end);
            // Occurrences do not overlap: go on after this one.
            i += n;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<'a>(q: &str, text: &'a str, prefix: bool) -> Vec<&'a str> {
        phrase_matches(q, text, prefix)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn a_phrase_matches_its_words_in_order_only() {
        let text = "زار وزير الخارجية موسكو، ثم قال وزير الدفاع إن الخارجية ووزير الخارجية اتفقا.";
        assert_eq!(
            found("وزير الخارجية", text, false),
            ["وزير الخارجية", "ووزير الخارجية"]
        );
        // Each word alone would match more; the phrase counts its own occurrences.
        assert_eq!(found("الخارجية", text, false).len(), 3);
        assert!(found("الدفاع وزير", text, false).is_empty());
        assert_eq!(found("وزير الدفاع", text, false), ["وزير الدفاع"]);
    }

    #[test]
    fn clitics_spellings_and_punctuation_between_words() {
        let text = "وصل بوتين إلى موسكو، وبموسكو التقى بوتين. أُعلن ذلك في موسكو.";
        assert_eq!(found("موسكو", text, false), ["موسكو", "وبموسكو", "موسكو"]);
        // Harakat and hamza seats fold as in the index.
        assert_eq!(found("اعلن", text, false), ["أُعلن"]);
        // A comma between two words does not break the phrase.
        assert_eq!(found("موسكو وبموسكو", text, false), ["موسكو، وبموسكو"]);
        // A stem is not a match: تين (fig) is not بوتين.
        assert!(found("تين", text, false).is_empty());
    }

    #[test]
    fn the_last_word_completes_while_typed() {
        let text = "قال لافروف إن روسيا مستعدة.";
        assert_eq!(found("قال لافر", text, true), ["قال لافروف"]);
        assert!(found("قال لافر", text, false).is_empty());
        assert!(found("", text, true).is_empty());
        assert!(found("،", text, true).is_empty());
    }
}
