//! Arabic shaping to presentation forms, for terminals that do not join letters themselves.
//!
//! Shaping runs on the logical (unreordered) text, because joining depends on logical neighbours.
//! It replaces each joining letter by its isolated/final/initial/medial presentation form, one
//! character for one character, harakat kept in place. Lam directly followed by an alef becomes
//! the lam-alef ligature (U+FEF5..U+FEFC), as FriBidi draws it: the ligature takes the alef's
//! place and the lam's becomes [`LIGATURE_FILL`], which the layout neither draws nor counts, so the
//! pair takes one cell and the line one column less. A haraka between the two (لَا) or a tatweel
//! (لـا) keeps them apart, as in FriBidi.
//! Written from the joining types rather than with `ar-reshaper`, which deletes harakat by default
//! and panics on a leading haraka when told to keep them.

use super::shape_table::{FORMS, JOINING, LAM_ALEF};

/// What the lam of a lam-alef ligature becomes (FriBidi's `FRIBIDI_CHAR_FILL`, U+FEFF): a
/// placeholder that keeps the shaped text as many chars long as the text, never drawn.
pub(crate) const LIGATURE_FILL: char = '\u{FEFF}';

const LAM: char = '\u{644}';

/// The lam-alef ligature of `alef` (isolated, or final when the lam joins the letter before).
fn lam_alef(alef: char, joins_prev: bool) -> Option<char> {
    let cp = alef as u32;
    let i = LAM_ALEF.binary_search_by_key(&cp, |&(a, _)| a).ok()?;
    char::from_u32(LAM_ALEF[i].1[usize::from(joins_prev)])
}

/// Joining type of a character (UCD ArabicShaping.txt, `Joining_Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Joining {
    /// Right-joining: joins only to the preceding letter (alef, dal, reh, waw...).
    R,
    /// Left-joining: joins only to the following letter.
    L,
    /// Dual-joining: joins on both sides (beh, seen, lam...).
    D,
    /// Join-causing: tatweel, ZWJ.
    C,
    /// Transparent: marks (harakat) and format characters, skipped when finding neighbours.
    T,
    /// Non-joining: everything else.
    U,
}

fn joining(c: char) -> Joining {
    static LOW: std::sync::OnceLock<Vec<Joining>> = std::sync::OnceLock::new();
    let cp = c as u32;
    if cp < 0x800 {
        let t = LOW.get_or_init(|| {
            (0..0x800)
                .map(|cp| char::from_u32(cp).map_or(Joining::U, joining_search))
                .collect()
        });
        return t[cp as usize];
    }
    joining_search(c)
}

fn joining_search(c: char) -> Joining {
    let cp = c as u32;
    match JOINING.binary_search_by(|&(lo, hi, _)| {
        if hi < cp {
            std::cmp::Ordering::Less
        } else if lo > cp {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => JOINING[i].2,
        Err(_) => Joining::U,
    }
}

fn forms(c: char) -> Option<[u32; 4]> {
    let cp = c as u32;
    FORMS
        .binary_search_by_key(&cp, |&(b, _)| b)
        .ok()
        .map(|i| FORMS[i].1)
}

/// Shape `text` in logical order. The result has exactly as many `char`s as `text`, in the same
/// order, so per-character maps stay valid (byte lengths may differ).
pub(crate) fn shape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let types: Vec<Joining> = chars.iter().map(|&c| joining(c)).collect();
    // Joining type of the nearest non-transparent character after each position.
    let mut next_types = vec![Joining::U; types.len()];
    let mut after = Joining::U;
    for i in (0..types.len()).rev() {
        next_types[i] = after;
        if types[i] != Joining::T {
            after = types[i];
        }
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    // Joining type of the nearest non-transparent character before the current one.
    let mut prev = Joining::U;
    // The ligature to write in place of the alef that follows a lam just replaced by the fill.
    let mut pending: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        if let Some(lig) = pending.take() {
            // The alef: right-joining, so what follows does not join it.
            prev = Joining::R;
            out.push(lig);
            continue;
        }
        let t = types[i];
        if t == Joining::T {
            out.push(c);
            continue;
        }
        let next = next_types[i];
        let joins_prev = matches!(t, Joining::R | Joining::D | Joining::C)
            && matches!(prev, Joining::L | Joining::D | Joining::C);
        let joins_next = matches!(t, Joining::L | Joining::D | Joining::C)
            && matches!(next, Joining::R | Joining::D | Joining::C);
        prev = t;
        if c == LAM {
            if let Some(lig) = chars.get(i + 1).and_then(|&a| lam_alef(a, joins_prev)) {
                out.push(LIGATURE_FILL);
                pending = Some(lig);
                continue;
            }
        }
        // Only joining letters change; non-joining ones (hamza) keep their base character, as in
        // fribidi and VTE.
        let f = match t {
            Joining::R | Joining::L | Joining::D => forms(c),
            _ => None,
        };
        let Some(f) = f else {
            out.push(c);
            continue;
        };
        // Preferred form, then fallbacks when a letter lacks that form.
        let order: &[usize] = match (joins_prev, joins_next) {
            (true, true) => &[3, 1, 0],
            (true, false) => &[1, 0],
            (false, true) => &[2, 0],
            (false, false) => &[0],
        };
        let shaped = order
            .iter()
            .map(|&k| f[k])
            .find(|&cp| cp != 0)
            .and_then(char::from_u32)
            .unwrap_or(c);
        out.push(shaped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_a_word_with_the_lam_alef_ligature() {
        // سلام: seen initial, lam-alef final ligature (the lam joins the seen) in the alef's
        // place, the fill in the lam's, meem isolated (the ligature does not join forward).
        assert_eq!(shape("سلام"), "\u{FEB3}\u{FEFF}\u{FEFC}\u{FEE1}");
        assert_eq!(shape("لا"), "\u{FEFF}\u{FEFB}");
        assert_eq!(shape("لأن"), "\u{FEFF}\u{FEF7}\u{FEE5}");
        assert_eq!(shape("بلإ"), "\u{FE91}\u{FEFF}\u{FEFA}");
        assert_eq!(shape("لآ"), "\u{FEFF}\u{FEF5}");
        // A mark after the alef stays after the ligature.
        assert_eq!(shape("لاً"), "\u{FEFF}\u{FEFB}\u{64B}");
        // A haraka or a tatweel between them: two letters, as FriBidi.
        assert_eq!(shape("لَا"), "\u{FEDF}\u{64E}\u{FE8E}");
        assert_eq!(shape("لـا"), "\u{FEDF}\u{640}\u{FE8E}");
    }

    #[test]
    fn harakat_are_transparent_and_kept() {
        // بَب: beh initial + fatha, beh final.
        assert_eq!(shape("بَب"), "\u{FE91}\u{64E}\u{FE90}");
        // A leading haraka must not panic (the ar-reshaper bug) and stays.
        assert_eq!(shape("\u{64E}ب"), "\u{64E}\u{FE8F}");
    }

    #[test]
    fn non_arabic_is_untouched() {
        assert_eq!(shape("abc 123 (x)"), "abc 123 (x)");
    }
}
