//! The one snippet window: which part of a text to show around some matches, cut at word
//! boundaries, with the matches' byte ranges moved into it. Used by the index for search
//! snippets and by the TUI to fit a snippet into a narrow pane.

use std::ops::Range;

/// How much context to keep before the first match: bytes (search snippets, sized in bytes) or
/// characters (a pane, sized in columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lead {
    /// This many bytes.
    Bytes(usize),
    /// This many characters.
    Chars(usize),
}

/// A window of `text` that starts `lead` before `first` (moved forward to the start of a word,
/// never past `first`) and ends at most `max_bytes` later (moved back to a space when that keeps
/// `keep_to` inside, else at a character boundary).
pub fn window(
    text: &str,
    first: usize,
    keep_to: usize,
    lead: Lead,
    max_bytes: usize,
) -> Range<usize> {
    let first = floor_boundary(text, first.min(text.len()));
    let mut start = match lead {
        Lead::Bytes(n) => ceil_boundary(text, first.saturating_sub(n)),
        Lead::Chars(n) => text[..first]
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(0, |(i, _)| i),
    };
    if start > 0 {
        // Forward to the first word that starts at or after `start` (past a whole run of
        // whitespace, so a paragraph break does not open the window).
        start = text[start..first]
            .find(char::is_whitespace)
            .map_or(first, |sp| {
                let rest = &text[start + sp..first];
                start + sp + (rest.len() - rest.trim_start().len())
            });
    }
    let mut end = floor_boundary(text, start.saturating_add(max_bytes).min(text.len()));
    if end < text.len() {
        if let Some(sp) = text[start..end]
            .rfind(' ')
            .filter(|&sp| start + sp >= keep_to)
        {
            end = start + sp;
        }
    }
    start..end
}

/// The `ranges` that lie inside `window`, shifted to be relative to its start.
pub fn shift_into(ranges: &[Range<usize>], window: &Range<usize>) -> Vec<Range<usize>> {
    ranges
        .iter()
        .filter(|r| r.start >= window.start && r.end <= window.end)
        .map(|r| r.start - window.start..r.end - window.start)
        .collect()
}

/// The first `max` bytes of `text`, cut at a word boundary when one is in the second half.
pub fn opening(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let end = floor_boundary(text, max);
    match text[..end].rfind(' ') {
        Some(sp) if sp > max / 2 => &text[..sp],
        _ => &text[..end],
    }
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_start_at_a_word_and_keep_the_match() {
        let text = "كلام قبل التطابق ثم موسكو ثم كلام بعده طويل جدا";
        let m = text.find("موسكو").unwrap();
        let w = window(text, m, m + "موسكو".len(), Lead::Chars(6), 40);
        let s = &text[w.clone()];
        assert!(s.starts_with("ثم موسكو"), "{s}");
        assert!(s.len() <= 40 && !s.ends_with(' '));
        let hl = shift_into(std::slice::from_ref(&(m..m + "موسكو".len())), &w);
        assert_eq!(&s[hl[0].clone()], "موسكو");
        // No lead: the window starts at the match; a lead past the start: at 0.
        assert_eq!(window(text, m, m, Lead::Chars(0), 1000).start, m);
        assert_eq!(window(text, m, m, Lead::Chars(1000), 1000), 0..text.len());
        assert_eq!(window(text, m, m, Lead::Bytes(1000), 1000), 0..text.len());
        // "ثم " is five bytes: four bytes back is inside ثم, so the window starts at the match;
        // six bytes back is the space before ثم, so it starts at ثم.
        assert_eq!(window(text, m, m, Lead::Bytes(4), 1000).start, m);
        assert!(text[window(text, m, m, Lead::Bytes(6), 1000)].starts_with("ثم "));
        assert_eq!(opening("نص قصير", 100), "نص قصير");
        assert_eq!(opening("aaaa bbbb cccc", 12), "aaaa bbbb");
    }
}
