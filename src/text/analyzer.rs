//! The Arabic analysis chain as tantivy components: [`ArabicTokenizer`] splits, then
//! [`ArabicNormalizer`] folds each token, and [`ArabicStemmer`] turns it into its whole form and
//! adds its stem, marked with [`super::STEM_MARK`], at the same position when the two differ.
//! Offsets are never touched, so snippets highlight the original words.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

/// Name under which the analyzer is registered with a tantivy index.
pub const ANALYZER_NAME: &str = "qari_ar";

/// Tokens longer than this many bytes are dropped (URLs, base64 junk); tantivy's own limit is 40
/// bytes, which cuts Arabic words of twenty letters.
const MAX_TOKEN_BYTES: usize = 120;

/// The full chain: tokenise, normalise, stem.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ArabicTokenizer)
        .filter(ArabicNormalizer)
        .filter(ArabicStemmer)
        .build()
}

/// Splits text with [`crate::text::tokens`], then where digits meet letters
/// ([`crate::text::digit_runs`]); each token's text is the original slice. A clitic left alone in
/// front of a number (the و of و3, the ال of الـ10) is dropped.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArabicTokenizer;

/// Token stream of [`ArabicTokenizer`].
pub struct ArabicTokenStream<'a> {
    inner: super::Tokens<'a>,
    /// The pieces of the current token still to emit, as absolute byte ranges.
    pieces: Vec<std::ops::Range<usize>>,
    text: &'a str,
    token: Token,
}

impl Tokenizer for ArabicTokenizer {
    type TokenStream<'a> = ArabicTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ArabicTokenStream<'a> {
        ArabicTokenStream {
            inner: super::tokens(text),
            pieces: Vec::new(),
            text,
            token: Token::default(),
        }
    }
}

impl TokenStream for ArabicTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(r) = self.pieces.pop() {
                self.token.offset_from = r.start;
                self.token.offset_to = r.end;
                self.token.position = self.token.position.wrapping_add(1);
                self.token.text.clear();
                self.token.text.push_str(&self.text[r]);
                return true;
            }
            let Some(t) = self.inner.next() else {
                return false;
            };
            if t.text.len() > MAX_TOKEN_BYTES {
                continue;
            }
            if !t.text.bytes().any(|b| b.is_ascii_digit()) && !has_arabic_digit(t.text) {
                self.pieces.push(t.start..t.end);
                continue;
            }
            let runs: Vec<_> = super::digit_runs(t.text).collect();
            for (i, r) in runs.iter().enumerate().rev() {
                let piece = &t.text[r.clone()];
                let before_number = runs.get(i + 1).is_some_and(|n| {
                    t.text[n.clone()].starts_with(|c| super::ascii_digit(c).is_some())
                });
                if before_number && is_lone_clitic(piece) {
                    continue;
                }
                self.pieces.push(t.start + r.start..t.start + r.end);
            }
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

fn has_arabic_digit(s: &str) -> bool {
    s.chars()
        .any(|c| !c.is_ascii() && super::ascii_digit(c).is_some())
}

/// A proclitic chain or the article on its own (و, ب, ال, وال, الـ).
fn is_lone_clitic(piece: &str) -> bool {
    let n = super::normalize(piece);
    n == "ال" || super::PROCLITICS.iter().any(|p| p.form == n)
}

/// Folds each token's text with [`crate::text::normalize`]; tokens that fold to nothing (a lone
/// haraka) are skipped.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArabicNormalizer;

/// Makes each token its whole form ([`crate::text::whole_form`]) and adds its stem
/// ([`crate::text::stem`]) beside it.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArabicStemmer;

/// A tokenizer wrapped by one of the filters above.
#[derive(Clone)]
pub struct Filtered<T, const STEM: bool> {
    inner: T,
}

/// Stream of a [`Filtered`] tokenizer.
pub struct FilteredStream<S, const STEM: bool> {
    tail: S,
    buf: String,
    /// The stemmer's second token at the same position: the word's stem, marked.
    whole: Token,
    /// True while that second token is the current one.
    on_whole: bool,
}

impl TokenFilter for ArabicNormalizer {
    type Tokenizer<T: Tokenizer> = Filtered<T, false>;
    fn transform<T: Tokenizer>(self, inner: T) -> Filtered<T, false> {
        Filtered { inner }
    }
}

impl TokenFilter for ArabicStemmer {
    type Tokenizer<T: Tokenizer> = Filtered<T, true>;
    fn transform<T: Tokenizer>(self, inner: T) -> Filtered<T, true> {
        Filtered { inner }
    }
}

impl<T: Tokenizer, const STEM: bool> Tokenizer for Filtered<T, STEM> {
    type TokenStream<'a> = FilteredStream<T::TokenStream<'a>, STEM>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FilteredStream {
            tail: self.inner.token_stream(text),
            buf: String::new(),
            whole: Token::default(),
            on_whole: false,
        }
    }
}

impl<S: TokenStream, const STEM: bool> TokenStream for FilteredStream<S, STEM> {
    fn advance(&mut self) -> bool {
        if STEM && !self.on_whole && !self.whole.text.is_empty() {
            self.on_whole = true;
            return true;
        }
        self.on_whole = false;
        self.whole.text.clear();
        while self.tail.advance() {
            let tok = self.tail.token_mut();
            if STEM {
                // The token becomes the whole form; the stem follows at the same position when
                // it differs.
                let whole_start = tok.text.len() - super::whole_form(&tok.text).len();
                let latin = super::is_latin_word(&tok.text);
                let stem = if latin {
                    0..0
                } else {
                    super::stem_range(&tok.text)
                };
                if latin {
                    let s = super::english_stem(&tok.text);
                    if s != tok.text {
                        self.whole.text.push(super::STEM_MARK);
                        self.whole.text.push_str(&s);
                    }
                } else if stem != (whole_start..tok.text.len()) {
                    self.whole.text.push(super::STEM_MARK);
                    self.whole.text.push_str(&tok.text[stem]);
                }
                if !self.whole.text.is_empty() {
                    self.whole.offset_from = tok.offset_from;
                    self.whole.offset_to = tok.offset_to;
                    self.whole.position = tok.position;
                    self.whole.position_length = tok.position_length;
                }
                tok.text.drain(..whole_start);
            } else if tok.text.is_ascii() {
                tok.text.make_ascii_lowercase();
            } else if tok
                .text
                .chars()
                .any(|c| super::normalize_char(c) != Some(c))
            {
                // Most words are already plain; only rebuild those that fold.
                self.buf.clear();
                super::normalize_into(&tok.text, &mut self.buf);
                std::mem::swap(&mut tok.text, &mut self.buf);
            }
            if !tok.text.is_empty() {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        if self.on_whole {
            &self.whole
        } else {
            self.tail.token()
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.on_whole {
            &mut self.whole
        } else {
            self.tail.token_mut()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(text: &str) -> Vec<(String, usize, usize)> {
        let mut a = text_analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        s.process(&mut |t| out.push((t.text.clone(), t.offset_from, t.offset_to)));
        out
    }

    #[test]
    fn offsets_point_at_original_words() {
        let text = "وَصَلَ بوتين إلى موسكو";
        for (term, from, to) in analyse(text) {
            assert!(!term.is_empty());
            assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
        }
        let terms: Vec<String> = analyse(text).into_iter().map(|t| t.0).collect();
        assert_eq!(terms[0], "وصل");
        assert_eq!(terms, ["وصل", "بوتين", "\u{1}تين", "الي", "موسكو"]);
    }

    #[test]
    fn numbers_are_split_from_letters() {
        let terms: Vec<String> = analyse("عام 2021ء والـ10 و3 2020م")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(terms[1..], ["2021", "ء", "10", "3", "2020", "م"]);
    }

    #[test]
    fn query_forms_meet_document_forms() {
        // A query word reaches its clitic forms through its stem, marked or bare.
        let doc = analyse("قال الرئيس لروسيا وبأرمينيا ٢٠٢١");
        for w in ["روسيا", "أرمينيا", "2021"] {
            let stem = crate::text::index_term(w);
            let terms = crate::text::stem_terms(&stem);
            assert!(
                doc.iter().any(|d| terms.contains(&d.0)),
                "{w}: {terms:?} not in {doc:?}"
            );
        }
    }
}
