//! The one snippet window: which part of a text to show around some matches, cut at word
//! boundaries, with the matches' byte ranges moved into it. Used by the index for search
//! snippets and by the TUI to fit a snippet into a narrow pane.

use std::ops::Range;

/// A window of `text` that starts `lead` characters before `first` (moved forward to the start
/// of a word, never past `first`) and ends at most `max_bytes` later (moved back to a space when
/// that keeps `keep_to` inside, else at a character boundary).
pub fn window(
    text: &str,
    first: usize,
    keep_to: usize,
    lead: usize,
    max_bytes: usize,
) -> Range<usize> {
    let first = floor_boundary(text, first.min(text.len()));
    let mut start = text[..first]
        .char_indices()
        .rev()
        .nth(lead.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    if start > 0 {
        // Forward to the first word that starts at or after `start`.
        start = text[start..first]
            .find(char::is_whitespace)
            .map_or(first, |sp| {
                let ws = text[start + sp..].chars().next().map_or(1, char::len_utf8);
                start + sp + ws
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
        let w = window(text, m, m + "موسكو".len(), 6, 40);
        let s = &text[w.clone()];
        assert!(s.starts_with("ثم موسكو"), "{s}");
        assert!(s.len() <= 40 && !s.ends_with(' '));
        let hl = shift_into(std::slice::from_ref(&(m..m + "موسكو".len())), &w);
        assert_eq!(&s[hl[0].clone()], "موسكو");
        // No lead: the window starts at the match; a lead past the start: at 0.
        assert_eq!(window(text, m, m, 0, 1000).start, m);
        assert_eq!(window(text, m, m, 1000, 1000), 0..text.len());
        assert_eq!(opening("نص قصير", 100), "نص قصير");
        assert_eq!(opening("aaaa bbbb cccc", 12), "aaaa bbbb");
    }
}
