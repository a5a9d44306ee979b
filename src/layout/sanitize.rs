//! The one sanitiser: article text never reaches a terminal (or a JSON reader) as control bytes.
//!
//! Three entry points share one [`placeholder`] rule:
//! - [`clean`], where text enters layout: controls become visible placeholders and whitespace runs
//!   collapse, and every output character keeps the byte range it came from in the source, so
//!   cells can point back into `Article::text()` even after a 1-byte ESC became a 3-byte `␛`;
//! - [`terminal_safe`], for every other way out of the process to a terminal (CLI fields, error
//!   messages and warnings that name files or echo queries, the TUI's titles): the same
//!   placeholders, no reflow, and the bidi embeddings, overrides and isolates dropped (outside
//!   the layout engine nothing closes them, and an override can make an id or a file name read
//!   backwards);
//! - [`json_safe`], for JSON output: the characters JSON allows raw but a terminal acts on
//!   (DEL, C1 controls, bidi embeddings, overrides and isolates) are written as `\uXXXX`.
use std::borrow::Cow;

/// A paragraph after sanitising: the clean text and, per clean character, its source byte range.
pub(crate) struct Clean {
    /// Sanitised text: no C0/C1 controls, DEL or raw tabs/newlines; single spaces; trimmed.
    pub text: String,
    /// For each char of `text` in order: `(source_start, source_end)` relative to the source.
    /// `None` when `text` is the source unchanged, so clean offsets are source offsets.
    pub origin: Option<Vec<(u32, u32)>>,
}

/// True when `src` needs no sanitising at all: single spaces between words, nothing to replace,
/// no bidi control that could strand a space. Article paragraphs are usually like this already.
fn already_clean(src: &str) -> bool {
    let b = src.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for c in src.chars() {
        if c == ' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        if c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c) {
            return false;
        }
        if c > '\u{7f}' && (collapses(c) || is_bidi_control(c)) {
            return false;
        }
    }
    true
}

/// True for whitespace that collapses to one breakable space. No-break spaces (U+00A0, U+2007,
/// U+202F) are kept as they are: they glue words and must not become break opportunities.
pub(crate) fn collapses(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}')
}

/// The visible stand-in for a control character, or `None` if `c` is not one.
/// C0 controls map to the Control Pictures block (ESC → `␛`), DEL to `␡`, C1 controls to U+FFFD.
pub(crate) fn placeholder(c: char) -> Option<char> {
    match c as u32 {
        0x00..=0x1F => char::from_u32(0x2400 + c as u32),
        0x7F => Some('\u{2421}'),
        0x80..=0x9F => Some('\u{FFFD}'),
        _ => None,
    }
}

/// Replaces characters that a terminal would act on (C0 controls, ESC, DEL, C1 controls) by their
/// visible [`placeholder`], so no text can move the cursor or retitle a window. Line feeds and
/// tabs are replaced too unless `keep_lines` is set (for output that is split into lines after).
pub fn terminal_safe(s: &str, keep_lines: bool) -> Cow<'_, str> {
    let replaced = |c: char| placeholder(c).filter(|_| !(keep_lines && matches!(c, '\n' | '\t')));
    if !s.chars().any(|c| replaced(c).is_some() || is_bidi_scope(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter(|&c| !is_bidi_scope(c))
            .map(|c| replaced(c).unwrap_or(c))
            .collect(),
    )
}

/// The bidi controls that open or close a scope (embeddings, overrides, isolates and their
/// terminators); the marks (LRM, RLM, ALM) are zero-width letters and harmless.
fn is_bidi_scope(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Serialised JSON made safe for a terminal: DEL, C1 controls and bidi scope controls become
/// `\uXXXX` escapes (serde_json escapes only C0). JSON's own syntax is ASCII, so these characters
/// can only be inside strings, where the escape means the same character.
pub fn json_safe(json: String) -> String {
    let escaped = |c: char| c == '\u{7F}' || ('\u{80}'..='\u{9F}').contains(&c) || is_bidi_scope(c);
    if !json.chars().any(escaped) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escaped(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The explicit bidi controls of UAX #9 (embeddings, overrides, isolates, marks): honoured by
/// the algorithm, never drawn.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Sanitise one paragraph. Whitespace (tabs and newlines included) collapses to a single space,
/// leading and trailing whitespace is dropped, controls become placeholders. Everything else —
/// including explicit bidi controls, which the bidi algorithm must see — passes through.
pub(crate) fn clean(src: &str) -> Clean {
    if already_clean(src) {
        return Clean {
            text: src.to_string(),
            origin: None,
        };
    }
    let mut text = String::with_capacity(src.len() + 8);
    let mut origin = Vec::with_capacity(src.len() / 2 + 1);
    // Start of a pending whitespace run in the source, emitted lazily so trailing runs vanish.
    let mut pending_ws: Option<(usize, usize)> = None;
    // True until something drawable is emitted, and right after an emitted space: a whitespace
    // run is then dropped, so invisible bidi controls never leave a leading or double space.
    let mut after_space = true;
    for (i, c) in src.char_indices() {
        let end = i + c.len_utf8();
        let is_ws = collapses(c);
        if is_ws {
            pending_ws = Some(match pending_ws {
                Some((s, _)) => (s, end),
                None => (i, end),
            });
            continue;
        }
        let invisible = is_bidi_control(c);
        if let Some((s, e)) = pending_ws.take() {
            if !after_space {
                text.push(' ');
                origin.push((s as u32, e as u32));
                after_space = true;
            }
        }
        if !invisible {
            after_space = false;
        }
        text.push(placeholder(c).unwrap_or(c));
        origin.push((i as u32, end as u32));
    }
    // A space emitted before trailing bidi controls is trailing whitespace too: drop it.
    if text.ends_with(is_bidi_control) {
        let keep = text
            .char_indices()
            .rev()
            .find(|&(_, c)| c != ' ' && !is_bidi_control(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let kept_chars = text[..keep].chars().count();
        let tail: Vec<(char, (u32, u32))> = text[keep..]
            .chars()
            .zip(origin[kept_chars..].iter().copied())
            .filter(|&(c, _)| c != ' ')
            .collect();
        text.truncate(keep);
        origin.truncate(kept_chars);
        for (c, o) in tail {
            text.push(c);
            origin.push(o);
        }
    }
    Clean {
        text,
        origin: Some(origin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_placeholders_and_whitespace_collapses() {
        let c = clean("  a\t\x1b[31m\n\n b\u{7f}\u{85}c\u{9b} ");
        assert_eq!(c.text, "a ␛[31m b␡ c\u{FFFD}");
        let o = c.origin.unwrap();
        assert_eq!(o.len(), c.text.chars().count());
        // The space after `a` stands for "\t"; the one after `m` for "\n\n ".
        assert_eq!(o[1], (3, 4));
        assert_eq!(o[7], (9, 12));
        // The 3-byte `␛` points back at the 1-byte ESC.
        assert_eq!(o[2], (4, 5));
    }

    #[test]
    fn clean_text_is_taken_as_is() {
        let c = clean("ولد عام 2020 (a)");
        assert_eq!(c.text, "ولد عام 2020 (a)");
        assert!(c.origin.is_none());
        for dirty in [
            " a",
            "a ",
            "a  b",
            "a\tb",
            "a\u{85}b",
            "a\u{200F}",
            "a\u{2003}b",
        ] {
            assert!(clean(dirty).origin.is_some(), "{dirty:?}");
        }
    }

    #[test]
    fn bidi_scopes_are_dropped_and_json_escapes_what_a_terminal_acts_on() {
        assert_eq!(
            terminal_safe("a\u{202E}b\u{2066}c\u{2069}\u{200F}", false),
            "abc\u{200F}"
        );
        let json = serde_json::to_string("x\u{9b}2J\u{202E}\u{7f}\x1b").unwrap();
        let safe = json_safe(json);
        assert_eq!(safe, "\"x\\u009b2J\\u202e\\u007f\\u001b\"");
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "x\u{9b}2J\u{202E}\u{7f}\x1b");
    }

    #[test]
    fn terminal_safe_replaces_every_control() {
        assert_eq!(
            terminal_safe("a\x1b[2Jb\x07\u{9b}\x7f", false),
            "a␛[2Jb␇\u{FFFD}␡"
        );
        assert_eq!(terminal_safe("a\nb\tc", false), "a␊b␉c");
        assert_eq!(terminal_safe("a\nb\tc\x1b", true), "a\nb\tc␛");
        assert!(matches!(terminal_safe("نص عربي", false), Cow::Borrowed(_)));
    }

    #[test]
    fn no_break_space_is_kept() {
        assert_eq!(clean("a\u{A0}b").text, "a\u{A0}b");
    }

    #[test]
    fn bidi_controls_leave_no_leading_or_double_space() {
        assert_eq!(clean("\u{202A} a \u{202C} b").text, "\u{202A}a \u{202C}b");
        let c = clean("a \u{202C}\t\u{2069} ");
        assert_eq!(c.text, "a\u{202C}\u{2069}");
        assert_eq!(c.origin.unwrap(), [(0, 1), (2, 5), (6, 9)]);
    }
}
