//! Grapheme cluster boundaries (UAX #29), fast for the scripts news text is written in.
//!
//! `unicode-segmentation` is correct but spends most of a page's layout time in per-character
//! table searches. For text made only of characters below U+0800 (Latin, Greek, Cyrillic, Hebrew,
//! Arabic, Syriac…) and General Punctuation, the rules reduce to pairwise ones (GB4/5 controls,
//! GB9/9a extenders, GB9b prepend, GB999); their classes are read once from
//! `unicode-segmentation` itself. Any other character sends the whole paragraph down the
//! `unicode-segmentation` path, so results are always the same (checked pair by pair in tests).

use std::sync::OnceLock;

use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum G {
    /// Breaks on both sides by default.
    Any,
    /// Never starts a cluster after a non-control (Extend, SpacingMark).
    Extend,
    /// Never ends a cluster before a non-control.
    Prepend,
    /// Always alone (Control, CR, LF).
    Control,
    /// Needs the full rules (ZWJ, CR, LF, or anything the table does not cover).
    Complex,
}

const LOW_END: u32 = 0x800;
const PUNCT_START: u32 = 0x2000;
const PUNCT_END: u32 = 0x2070;

fn probe(c: char) -> G {
    if matches!(c, '\u{200D}' | '\r' | '\n') {
        return G::Complex;
    }
    let count = |s: String| s.graphemes(true).count();
    if count(format!("a{c}")) == 1 {
        G::Extend
    } else if count(format!("{c}a")) == 1 {
        G::Prepend
    } else if count(format!("{c}\u{301}")) == 2 {
        G::Control
    } else {
        G::Any
    }
}

fn tables() -> &'static (Vec<G>, Vec<G>) {
    static T: OnceLock<(Vec<G>, Vec<G>)> = OnceLock::new();
    T.get_or_init(|| {
        let p = |cp: u32| char::from_u32(cp).map_or(G::Complex, probe);
        (
            (0..LOW_END).map(p).collect(),
            (PUNCT_START..PUNCT_END).map(p).collect(),
        )
    })
}

#[inline]
fn class(t: &(Vec<G>, Vec<G>), c: char) -> G {
    let cp = c as u32;
    if cp < LOW_END {
        t.0[cp as usize]
    } else if (PUNCT_START..PUNCT_END).contains(&cp) {
        t.1[(cp - PUNCT_START) as usize]
    } else {
        G::Complex
    }
}

/// Byte offsets where grapheme clusters of `text` start, followed by `text.len()`.
pub(crate) fn boundaries(text: &str) -> Vec<u32> {
    let t = tables();
    let mut out = Vec::with_capacity(text.len() / 2 + 2);
    let mut prev = G::Control; // start of text: always a boundary
    for (i, c) in text.char_indices() {
        let g = class(t, c);
        let brk = match (prev, g) {
            (_, G::Complex) => return slow(text),
            (G::Control, _) | (_, G::Control) => true,
            (_, G::Extend) => false,
            (G::Prepend, _) => false,
            _ => true,
        };
        if brk {
            out.push(i as u32);
        }
        prev = g;
    }
    out.push(text.len() as u32);
    out
}

fn slow(text: &str) -> Vec<u32> {
    text.grapheme_indices(true)
        .map(|(i, _)| i as u32)
        .chain(std::iter::once(text.len() as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast_set() -> Vec<char> {
        (0..LOW_END)
            .chain(PUNCT_START..PUNCT_END)
            .filter_map(char::from_u32)
            .collect()
    }

    #[test]
    fn every_pair_matches_unicode_segmentation() {
        let set = fast_set();
        let mut s = String::new();
        for &a in &set {
            for &b in &set {
                s.clear();
                s.push(a);
                s.push(b);
                assert_eq!(
                    boundaries(&s),
                    slow(&s),
                    "{:04X} {:04X}",
                    a as u32,
                    b as u32
                );
            }
        }
    }

    #[test]
    fn runs_of_marks_and_mixed_text_match() {
        for s in [
            "",
            "بِسْمِ اللَّهِ",
            "\u{600}١٢ a\u{301}\u{302}b",
            "x\u{200D}y 😀\u{200D}😀 🇸🇦",
            "\u{64E}\u{64E}ا",
            "a\u{200E}\u{301}",
        ] {
            assert_eq!(boundaries(s), slow(s), "{s:?}");
        }
    }
}
