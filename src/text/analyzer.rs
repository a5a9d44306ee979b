//! The Arabic analysis chain as tantivy components: [`ArabicTokenizer`] splits, then
//! [`ArabicNormalizer`] folds and [`ArabicStemmer`] stems each token's text in place. Offsets are
//! never touched, so snippets highlight the original words.

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

/// Splits text with [`crate::text::tokens`]; each token's text is the original slice.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArabicTokenizer;

/// Token stream of [`ArabicTokenizer`].
pub struct ArabicTokenStream<'a> {
    inner: super::Tokens<'a>,
    token: Token,
}

impl Tokenizer for ArabicTokenizer {
    type TokenStream<'a> = ArabicTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ArabicTokenStream<'a> {
        ArabicTokenStream {
            inner: super::tokens(text),
            token: Token::default(),
        }
    }
}

impl TokenStream for ArabicTokenStream<'_> {
    fn advance(&mut self) -> bool {
        for t in self.inner.by_ref() {
            if t.text.len() > MAX_TOKEN_BYTES {
                continue;
            }
            self.token.offset_from = t.start;
            self.token.offset_to = t.end;
            self.token.position = self.token.position.wrapping_add(1);
            self.token.text.clear();
            self.token.text.push_str(t.text);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Folds each token's text with [`crate::text::normalize`]; tokens that fold to nothing (a lone
/// haraka) are skipped.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArabicNormalizer;

/// Stems each token's text with [`crate::text::stem`].
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
        }
    }
}

impl<S: TokenStream, const STEM: bool> TokenStream for FilteredStream<S, STEM> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let tok = self.tail.token_mut();
            if STEM {
                let r = super::stem_range(&tok.text);
                tok.text.truncate(r.end);
                tok.text.drain(..r.start);
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
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
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
        assert_eq!(terms[0], crate::text::index_term("وصل"));
        assert_eq!(terms[3], crate::text::index_term("موسكو"));
    }

    #[test]
    fn query_forms_meet_document_forms() {
        let doc = analyse("قال الرئيس لروسيا وبأرمينيا ٢٠٢١");
        let q = analyse("روسيا أرمينيا 2021");
        for (term, ..) in q {
            assert!(doc.iter().any(|d| d.0 == term), "{term} not in {doc:?}");
        }
    }
}
