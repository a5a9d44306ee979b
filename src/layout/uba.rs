//! The per-line half of UAX #9 that `unicode-bidi` leaves to us: rule L1 on a line's units and
//! rule L2 (reversal) over units that may be whole grapheme clusters.
//!
//! Levels come from `unicode_bidi::ParagraphBidiInfo` on the whole paragraph. Its own
//! `reordered_levels` copies the whole paragraph's levels for every line (quadratic on long
//! paragraphs) and reorders bytes, not clusters, so L1 and L2 are done here on slices.

use std::sync::OnceLock;

use unicode_bidi::{BidiClass, BidiDataSource, HardcodedBidiData, Level, ParagraphBidiInfo};

use super::Direction;

/// `unicode-bidi`'s own character data with a lookup table in front for the ranges news text
/// lives in (Latin, Arabic, Hebrew, general punctuation and the bidi controls). The stock lookup is
/// a binary search per character, the largest single cost of laying out a page.
pub(crate) struct FastBidiData;

const LOW_END: u32 = 0x800;
const PUNCT_START: u32 = 0x2000;
const PUNCT_END: u32 = 0x2070;

fn tables() -> &'static (Vec<BidiClass>, Vec<BidiClass>) {
    static T: OnceLock<(Vec<BidiClass>, Vec<BidiClass>)> = OnceLock::new();
    T.get_or_init(|| {
        let class = |cp: u32| char::from_u32(cp).map_or(BidiClass::L, unicode_bidi::bidi_class);
        (
            (0..LOW_END).map(class).collect(),
            (PUNCT_START..PUNCT_END).map(class).collect(),
        )
    })
}

impl BidiDataSource for FastBidiData {
    #[inline]
    fn bidi_class(&self, c: char) -> BidiClass {
        let cp = c as u32;
        if cp < LOW_END {
            tables().0[cp as usize]
        } else if (PUNCT_START..PUNCT_END).contains(&cp) {
            tables().1[(cp - PUNCT_START) as usize]
        } else {
            HardcodedBidiData.bidi_class(c)
        }
    }
}

/// Resolve one paragraph's levels with [`FastBidiData`].
pub(crate) fn resolve(text: &str, level: Level) -> ParagraphBidiInfo<'_> {
    ParagraphBidiInfo::new_with_data_source(&FastBidiData, text, Some(level))
}

/// How a unit takes part in rule L1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum L1 {
    /// Anything else.
    Other,
    /// Whitespace or isolate formatting characters: reset when trailing or before a separator.
    Ws,
    /// Segment or paragraph separator: always reset to the paragraph level.
    Sep,
}

/// True for the classes rule X9 removes (embeddings, overrides, PDF, boundary neutrals).
pub(crate) fn removed_by_x9(c: BidiClass) -> bool {
    use BidiClass::*;
    matches!(c, RLE | LRE | RLO | LRO | PDF | BN)
}

/// The L1 role of one character class.
pub(crate) fn l1_of(c: BidiClass) -> L1 {
    use BidiClass::*;
    match c {
        WS | LRI | RLI | FSI | PDI => L1::Ws,
        S | B => L1::Sep,
        _ => L1::Other,
    }
}

/// Rule L1 on one line's units (X9-removed units already left out), in place.
pub(crate) fn apply_l1(levels: &mut [u8], l1: &[L1], para_level: u8) {
    let mut trailing = true;
    for i in (0..levels.len()).rev() {
        match l1[i] {
            L1::Sep => {
                levels[i] = para_level;
                trailing = true;
            }
            L1::Ws if trailing => levels[i] = para_level,
            L1::Ws => {}
            L1::Other => trailing = false,
        }
    }
}

/// Rule L2: the visual order of units with these levels, as `order[visual] = logical`.
pub(crate) fn reorder(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let (Some(&max), Some(&min)) = (levels.iter().max(), levels.iter().min()) else {
        return order;
    };
    // Lowest odd level at or above the minimum: nothing below it is reversed.
    let lowest_odd = min | 1;
    let mut level = max;
    while level >= lowest_odd {
        let mut i = 0;
        while i < levels.len() {
            if levels[i] >= level {
                let start = i;
                while i < levels.len() && levels[i] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
        level -= 1;
    }
    order
}

/// The paragraph level for `text`: rules P2/P3 (first strong letter outside isolates), falling
/// back to `fallback` when the text has no strong letter.
pub(crate) fn paragraph_level(text: &str, fallback: Direction) -> Level {
    match unicode_bidi::get_base_direction_with_data_source(&FastBidiData, text) {
        unicode_bidi::Direction::Ltr => Level::ltr(),
        unicode_bidi::Direction::Rtl => Level::rtl(),
        unicode_bidi::Direction::Mixed => match fallback {
            Direction::Ltr => Level::ltr(),
            Direction::Rtl => Level::rtl(),
        },
    }
}

/// Levels of one text treated as a single paragraph laid out on a single line, per character.
///
/// This is the character-level path through the same engine the display uses (there a unit is a
/// grapheme cluster); it exists so the engine can be checked against the Unicode conformance file
/// `BidiCharacterTest.txt` and against fribidi.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharLevels {
    /// The resolved paragraph embedding level (0 = LTR, 1 = RTL).
    pub paragraph_level: u8,
    /// One entry per `char`: its level after rule L1, or `None` for characters rule X9 removes.
    pub levels: Vec<Option<u8>>,
}

/// Resolve `text` as one paragraph and one line, character by character.
///
/// `base`: `Some` forces the paragraph direction; `None` applies P2/P3 with `fallback` for text
/// with no strong letter. Never panics.
pub fn char_levels(text: &str, base: Option<Direction>, fallback: Direction) -> CharLevels {
    let level = match base {
        Some(Direction::Ltr) => Level::ltr(),
        Some(Direction::Rtl) => Level::rtl(),
        None => paragraph_level(text, fallback),
    };
    let info = resolve(text, level);
    let para = info.paragraph_level.number();
    let mut kept_levels = Vec::new();
    let mut kept_l1 = Vec::new();
    let mut slots = Vec::new();
    for (i, _) in text.char_indices() {
        let class = info.original_classes[i];
        if removed_by_x9(class) {
            slots.push(None);
        } else {
            slots.push(Some(kept_levels.len()));
            kept_levels.push(info.levels[i].number());
            kept_l1.push(l1_of(class));
        }
    }
    apply_l1(&mut kept_levels, &kept_l1, para);
    CharLevels {
        paragraph_level: para,
        levels: slots
            .into_iter()
            .map(|s| s.map(|k| kept_levels[k]))
            .collect(),
    }
}

/// The visual order of `text`'s characters as one line: indices of `char`s (X9-removed characters
/// left out), leftmost first. See [`char_levels`] for `base` and `fallback`.
pub fn char_visual_order(text: &str, base: Option<Direction>, fallback: Direction) -> Vec<usize> {
    let cl = char_levels(text, base, fallback);
    let kept: Vec<(usize, u8)> = cl
        .levels
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.map(|l| (i, l)))
        .collect();
    let levels: Vec<u8> = kept.iter().map(|&(_, l)| l).collect();
    reorder(&levels).into_iter().map(|k| kept[k].0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_data_matches_the_stock_data() {
        for cp in 0..0x11_0000u32 {
            if let Some(c) = char::from_u32(cp) {
                assert_eq!(
                    FastBidiData.bidi_class(c),
                    unicode_bidi::bidi_class(c),
                    "{cp:X}"
                );
            }
        }
    }

    #[test]
    fn every_mirrored_character_is_other_neutral() {
        // Lets the layout skip the mirroring lookup for clusters of any other class.
        for cp in 0..0x11_0000u32 {
            if let Some(c) = char::from_u32(cp) {
                if unicode_bidi_mirroring::get_mirrored(c).is_some() {
                    assert_eq!(unicode_bidi::bidi_class(c), BidiClass::ON, "{cp:X}");
                }
            }
        }
    }

    #[test]
    fn l2_reverses_nested_runs() {
        // RTL paragraph: two LTR runs at level 2 around an RTL letter.
        assert_eq!(reorder(&[2, 2, 1, 2, 2]), vec![3, 4, 2, 0, 1]);
        assert_eq!(reorder(&[0, 0]), vec![0, 1]);
        assert!(reorder(&[]).is_empty());
    }

    #[test]
    fn l1_resets_trailing_whitespace_only() {
        let mut lv = [1, 1, 1, 1];
        apply_l1(&mut lv, &[L1::Other, L1::Ws, L1::Other, L1::Ws], 0);
        assert_eq!(lv, [1, 1, 1, 0]);
    }

    #[test]
    fn char_order_keeps_numbers() {
        let t = "عام 2020";
        let order = char_visual_order(t, None, Direction::Ltr);
        let vis: String = order.iter().map(|&i| t.chars().nth(i).unwrap()).collect();
        assert_eq!(vis, "2020 ماع");
    }
}
