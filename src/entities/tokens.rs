//! The tagger's tokens: ANERcorp-style words (clitics attached, punctuation split off) and
//! sentences, as byte ranges of the text.

use crate::text::is_arabic_mark;

/// A token of [`ner_tokens`]: byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Longest sentence handed to the tagger; longer runs (a huge line without punctuation) are cut.
const MAX_SENTENCE: usize = 200;

/// Is `c` punctuation (split off the ends of a word, never part of a name)?
pub(super) fn is_punct(c: char) -> bool {
    match c {
        // Fast path: Arabic letters and marks, ASCII letters and digits are word characters.
        '\u{0621}'..='\u{065F}' | 'a'..='z' | 'A'..='Z' | '0'..='9' => false,
        ' ' | '.' | ',' | '،' | ':' | '(' | ')' | '"' | '-' => true,
        _ => !(c.is_alphanumeric() || is_arabic_mark(c) || c == '\u{0640}'),
    }
}

fn ends_sentence(tok: &str) -> bool {
    matches!(tok, "." | "!" | "?" | "؟" | "؛" | "…")
}

/// Splits text into sentences of ANERcorp-style tokens: whitespace-separated words with their
/// clitics attached, and punctuation at either end of a word split off one character at a time
/// (`(الكرملين)` → `(` `الكرملين` `)`). Sentences end at a line break, at `. ! ? ؟ ؛`, or after
/// 200 tokens.
pub fn ner_tokens(text: &str) -> Vec<Vec<Span>> {
    let mut sents = Vec::new();
    let mut cur: Vec<Span> = Vec::new();
    let flush = |cur: &mut Vec<Span>, sents: &mut Vec<Vec<Span>>| {
        if !cur.is_empty() {
            sents.push(std::mem::take(cur));
        }
    };
    for (li, line) in text.split('\n').enumerate() {
        let base = text_offset(text, line, li);
        for (ws, word) in split_ws(line) {
            let start = base + ws;
            // Leading punctuation one character at a time, the word, then trailing punctuation
            // one character at a time; no buffer per word (the two vectors a word took were 2%
            // of the bulk entity pass).
            let mut push = |a: usize, b: usize| {
                cur.push(Span {
                    start: start + a,
                    end: start + b,
                });
                if ends_sentence(&text[start + a..start + b]) || cur.len() >= MAX_SENTENCE {
                    flush(&mut cur, &mut sents);
                }
            };
            let mut body = word.len();
            for (i, c) in word.char_indices() {
                if !is_punct(c) {
                    body = i;
                    break;
                }
                push(i, i + c.len_utf8());
            }
            if body < word.len() {
                let trail = word[body..]
                    .char_indices()
                    .rev()
                    .take_while(|&(_, c)| is_punct(c))
                    .last()
                    .map_or(word.len(), |(i, _)| body + i);
                push(body, trail);
                for (i, c) in word[trail..].char_indices() {
                    push(trail + i, trail + i + c.len_utf8());
                }
            }
        }
        flush(&mut cur, &mut sents);
    }
    sents
}

/// Byte offset of `line` (the `li`-th piece of `text.split('\n')`) inside `text`.
fn text_offset(text: &str, line: &str, _li: usize) -> usize {
    line.as_ptr() as usize - text.as_ptr() as usize
}

fn split_ws(line: &str) -> impl Iterator<Item = (usize, &str)> {
    line.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - line.as_ptr() as usize, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`ner_tokens`] as first written (each word's chars and pieces collected): the reference.
    fn ner_tokens_reference(text: &str) -> Vec<Vec<Span>> {
        let mut sents = Vec::new();
        let mut cur: Vec<Span> = Vec::new();
        for line in text.split('\n') {
            let base = text_offset(text, line, 0);
            for (ws, word) in split_ws(line) {
                let start = base + ws;
                let chars: Vec<(usize, char)> = word.char_indices().collect();
                let lead = chars.iter().take_while(|(_, c)| is_punct(*c)).count();
                let trail = if lead == chars.len() {
                    0
                } else {
                    chars.iter().rev().take_while(|(_, c)| is_punct(*c)).count()
                };
                let mut pieces = Vec::new();
                for &(i, c) in &chars[..lead] {
                    pieces.push((start + i, start + i + c.len_utf8()));
                }
                if lead < chars.len() {
                    let a = chars[lead].0;
                    let b = if trail == 0 {
                        word.len()
                    } else {
                        chars[chars.len() - trail].0
                    };
                    pieces.push((start + a, start + b));
                    for &(i, c) in &chars[chars.len() - trail..] {
                        pieces.push((start + i, start + i + c.len_utf8()));
                    }
                }
                for (a, b) in pieces {
                    cur.push(Span { start: a, end: b });
                    if ends_sentence(&text[a..b]) || cur.len() >= MAX_SENTENCE {
                        sents.push(std::mem::take(&mut cur));
                    }
                }
            }
            if !cur.is_empty() {
                sents.push(std::mem::take(&mut cur));
            }
        }
        sents
    }

    #[test]
    fn ner_tokens_without_buffers_are_the_reference_tokens() {
        let mut texts: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
                .expect("seeds")
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect();
        texts
            .push("((قال)) «بوتين»؟! ... - — x. .. 😀موسكو😀 ،، \"\" (2020). a.b.c ?!؟".repeat(60));
        texts.push(String::new());
        texts.push("...\n\n,,, ؟".into());
        for t in &texts {
            assert_eq!(ner_tokens(t), ner_tokens_reference(t));
        }
    }

    #[test]
    fn ner_tokens_split_punctuation_like_anercorp() {
        let text = "قال (الكرملين) دميتري بيسكوف، الأربعاء. ثم";
        let sents = ner_tokens(text);
        let words: Vec<Vec<&str>> = sents
            .iter()
            .map(|s| s.iter().map(|t| &text[t.start..t.end]).collect())
            .collect();
        assert_eq!(
            words,
            vec![
                vec![
                    "قال",
                    "(",
                    "الكرملين",
                    ")",
                    "دميتري",
                    "بيسكوف",
                    "،",
                    "الأربعاء",
                    "."
                ],
                vec!["ثم"]
            ]
        );
    }
}
