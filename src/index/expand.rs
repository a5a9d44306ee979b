//! Expanding one query word into the index terms it should also find: spelling variants of a
//! name ([`crate::text::variants`]), typos (Levenshtein distance), and prefixes. Each walks the
//! term dictionary with an automaton (the way tantivy's own fuzzy query does), so it costs a
//! few dictionary blocks, never a scan of every term; the terms found become ordinary term
//! queries, scored and highlighted like the word itself.
//!
//! The walks look at whole forms only: the terms not marked as stems ([`crate::text::STEM_MARK`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use tantivy::schema::Field;
use tantivy::Searcher;
use tantivy_fst::Automaton;

use crate::text::variants::{part, Part};

/// Most terms one word expands to, per kind (the most frequent are kept): a two-letter prefix
/// can match thousands of terms, and a query of thousands of terms is slow and not useful.
pub(crate) const MAX_EXPANSIONS: usize = 24;

/// A whole form found by an expansion, with its document frequency summed over segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The index term: a whole form.
    pub term: String,
    pub doc_freq: u64,
}

/// Terms of `field` that `automaton` accepts, most frequent first, at most `limit`.
fn walk<A>(searcher: &Searcher, field: Field, automaton: &A, limit: usize) -> Vec<Found>
where
    A: Automaton,
    A::State: Clone,
{
    let mut freq: HashMap<String, u64> = HashMap::new();
    for seg in searcher.segment_readers() {
        let Ok(inv) = seg.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inv.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            match std::str::from_utf8(stream.key()) {
                Ok(t) if !t.starts_with(crate::text::STEM_MARK) => {
                    *freq.entry(t.to_string()).or_default() += u64::from(stream.value().doc_freq);
                }
                _ => {}
            }
        }
    }
    top(freq, limit)
}

fn top(freq: HashMap<String, u64>, limit: usize) -> Vec<Found> {
    let mut v: Vec<Found> = freq
        .into_iter()
        .map(|(term, doc_freq)| Found { term, doc_freq })
        .collect();
    v.sort_by(|a, b| {
        b.doc_freq
            .cmp(&a.doc_freq)
            .then_with(|| a.term.cmp(&b.term))
    });
    v.truncate(limit);
    v
}

/// Whole forms in `field` that begin with `prefix`, most frequent first.
pub(crate) fn prefixed(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
    limit: usize,
) -> Vec<Found> {
    let mut freq: HashMap<String, u64> = HashMap::new();
    let mut end = prefix.as_bytes().to_vec();
    // The first byte string after every string with this prefix.
    while let Some(last) = end.pop() {
        if last < 0xFF {
            end.push(last + 1);
            break;
        }
    }
    for seg in searcher.segment_readers() {
        let Ok(inv) = seg.inverted_index(field) else {
            continue;
        };
        let mut b = inv.terms().range().ge(prefix.as_bytes());
        if !end.is_empty() {
            b = b.lt(&end);
        }
        let Ok(mut stream) = b.into_stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(t) = std::str::from_utf8(stream.key()) {
                *freq.entry(t.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    top(freq, limit)
}

/// Whole forms in `field` with the same skeleton as `whole`, the whole form of a word typed by
/// the user: spelling variants of a name; `whole` itself and Arabic words excluded. Empty when
/// the rule does not apply to the word.
pub(crate) fn variants(
    searcher: &Searcher,
    field: Field,
    whole: &str,
    is_arabic: &dyn Fn(&str) -> bool,
    limit: usize,
) -> Vec<Found> {
    let Some(skel) = crate::text::variants::skeleton(whole).filter(|_| !is_arabic(whole)) else {
        return Vec::new();
    };
    let automaton = SkeletonAutomaton {
        skeleton: skel.chars().collect(),
    };
    // Ask for more than `limit`: some found terms are Arabic words and are dropped here.
    walk(searcher, field, &automaton, limit * 3)
        .into_iter()
        .filter(|f| f.term != whole && !is_arabic(&f.term))
        .take(limit)
        .collect()
}

/// Whole forms in `field` within edit `distance` (0, 1 or 2; transpositions count one) of
/// `whole`, `whole` itself excluded.
pub(crate) fn typos(
    searcher: &Searcher,
    field: Field,
    whole: &str,
    distance: u8,
    limit: usize,
) -> Vec<Found> {
    let distance = usize::from(distance.min(2));
    if distance == 0 {
        return Vec::new();
    }
    static BUILDERS: OnceLock<[LevenshteinAutomatonBuilder; 2]> = OnceLock::new();
    let builders = BUILDERS.get_or_init(|| {
        [
            LevenshteinAutomatonBuilder::new(1, true),
            LevenshteinAutomatonBuilder::new(2, true),
        ]
    });
    let dfa = Levenshtein(builders[distance - 1].build_dfa(whole));
    walk(searcher, field, &dfa, limit + 1)
        .into_iter()
        .filter(|f| f.term != whole)
        .take(limit)
        .collect()
}

/// [`crate::text::STEM_MARK`] as the one byte it is in UTF-8.
const STEM_MARK_BYTE: u8 = crate::text::STEM_MARK as u8;

/// A Levenshtein DFA as an automaton over the term dictionary (tantivy's `DfaWrapper` cannot be
/// built outside tantivy).
struct Levenshtein(DFA);

impl Automaton for Levenshtein {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        // Whole forms only: the stem terms (STEM_MARK first) are never walked. Within two edits
        // the automaton would take the mark for an inserted letter and walk every stem as well
        // (a name's typo walk at 100k: 5 ms). The initial state is never reached again once a
        // byte is read, so this cuts only a leading mark.
        if byte == STEM_MARK_BYTE && *state == self.0.initial_state() {
            return SINK_STATE;
        }
        self.0.transition(*state, byte)
    }
}

/// Accepts the terms whose skeleton ([`crate::text::variants::skeleton`]) is `skeleton`, reading
/// UTF-8 bytes: a state is how much of the skeleton is matched and a pending lead byte.
struct SkeletonAutomaton {
    skeleton: Vec<char>,
}

/// Where the automaton is in a term. `None` is the dead state.
#[derive(Debug, Clone, Copy)]
struct SkelState {
    matched: usize,
    /// The first byte of a two-byte character seen, or 0.
    lead: u8,
    started: bool,
}

impl Automaton for SkeletonAutomaton {
    type State = Option<SkelState>;

    fn start(&self) -> Self::State {
        Some(SkelState {
            matched: 0,
            lead: 0,
            started: false,
        })
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state.is_some_and(|s| s.lead == 0 && s.matched == self.skeleton.len())
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.is_some()
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        let s = (*state)?;
        let c = if s.lead != 0 {
            if byte & 0xC0 != 0x80 {
                return None;
            }
            char::from_u32((u32::from(s.lead & 0x1F) << 6) | u32::from(byte & 0x3F))?
        } else if byte < 0x80 {
            char::from(byte)
        } else if (0xC0..0xE0).contains(&byte) {
            return Some(SkelState { lead: byte, ..s });
        } else {
            // Three- and four-byte characters are outside the Arabic block: no variant.
            return None;
        };
        match part(c, !s.started) {
            Part::Skip => Some(SkelState {
                lead: 0,
                started: true,
                ..s
            }),
            Part::Letter(l) if self.skeleton.get(s.matched) == Some(&l) => Some(SkelState {
                matched: s.matched + 1,
                lead: 0,
                started: true,
            }),
            Part::Letter(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts<A: Automaton>(a: &A, s: &str) -> bool {
        let mut st = a.start();
        for b in s.bytes() {
            st = a.accept(&st, b);
            if !a.can_match(&st) {
                return false;
            }
        }
        a.is_match(&st)
    }

    #[test]
    fn the_skeleton_automaton_agrees_with_the_rule() {
        let skel = crate::text::variants::skeleton("ترامب").unwrap();
        let a = SkeletonAutomaton {
            skeleton: skel.chars().collect(),
        };
        for t in ["ترامب", "ترمب", "ترامپ", "تورامب"] {
            assert!(accepts(&a, t), "{t}");
        }
        for t in ["ترامبو2", "تراب", "ترامبك", "trump", ""] {
            assert_eq!(
                accepts(&a, t),
                crate::text::variants::skeleton(t).as_deref() == Some(skel.as_str()),
                "{t}"
            );
        }
    }

    #[test]
    fn the_levenshtein_automaton_reads_arabic_bytes() {
        let dfa = Levenshtein(LevenshteinAutomatonBuilder::new(1, true).build_dfa("بوتين"));
        assert!(accepts(&dfa, "بوتين") && accepts(&dfa, "بوتن") && accepts(&dfa, "بوتيم"));
        assert!(!accepts(&dfa, "بتن"));
        // A stem term (the mark, then the stem) is never a typo of a whole form, though the
        // mark alone is one edit.
        let marked = format!("{}بوتين", crate::text::STEM_MARK);
        assert!(!accepts(&dfa, &marked));
        let dfa = Levenshtein(LevenshteinAutomatonBuilder::new(2, true).build_dfa("بوتين"));
        assert!(
            !accepts(&dfa, &marked) && !accepts(&dfa, &format!("{}بوتن", crate::text::STEM_MARK))
        );
        assert!(accepts(&dfa, "بوتن"));
    }
}
