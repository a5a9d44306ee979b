//! Web addresses in article text: what the reader's links menu (`L`) and `qari show --links`
//! list.
//!
//! An address starts at `http://` or `https://` and runs to the first space or control
//! character; closing punctuation that ends a sentence around it (`.`, `،`, `»`, a `)` with no
//! `(` inside the address) is not part of it. Written by hand: a URL crate parses one address it
//! is given, it does not find addresses in running text.

use std::ops::Range;

/// Byte ranges of the web addresses in `text`, in order.
pub fn urls(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find_scheme(&text[from..]) {
        let start = from + i;
        let len = text[start..]
            .find(|c: char| c.is_whitespace() || c.is_control() || is_bidi_control(c))
            .unwrap_or(text.len() - start);
        let end = start + trimmed_len(&text[start..start + len]);
        if end > start + "https://".len() {
            out.push(start..end);
        }
        from = start + len.max(1);
    }
    out
}

/// An article's links, each once: its own address (`url`), then those in its `text` in order.
pub fn article_links(url: Option<&str>, text: &str) -> Vec<String> {
    let mut out: Vec<String> = url.map(str::to_string).into_iter().collect();
    for r in urls(text) {
        let u = &text[r];
        if !out.iter().any(|x| x == u) {
            out.push(u.to_string());
        }
    }
    out
}

/// `url` if it is a web address with nothing else in it (a jsonl `url` field), trimmed.
pub fn web_address(url: &str) -> Option<&str> {
    let url = url.trim();
    let r = urls(url).into_iter().next()?;
    (r == (0..url.len())).then_some(url)
}

fn find_scheme(s: &str) -> Option<usize> {
    let lower = |p: usize| s.get(p..p + 8).map(|x| x.to_ascii_lowercase());
    let mut at = 0;
    while let Some(i) = s[at..].find(['h', 'H']) {
        let p = at + i;
        let head = lower(p).unwrap_or_default();
        if head.starts_with("http://") || head == "https://" {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The length of `url` without the punctuation that closes the sentence around it.
fn trimmed_len(url: &str) -> usize {
    let mut end = url.len();
    loop {
        let s = &url[..end];
        let Some(last) = s.chars().next_back() else {
            return 0;
        };
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '»' | '«' | '،' | '؛' | '؟' | '>' => {
                true
            }
            ')' => s.matches('(').count() < s.matches(')').count(),
            ']' => s.matches('[').count() < s.matches(']').count(),
            _ => false,
        };
        if !drop {
            return end;
        }
        end -= last.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        urls(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn addresses_in_running_text() {
        assert_eq!(
            found("نشرت (https://a.example/x?y=1) و«http://b.example/ar».\n[3] HTTPS://C.example/p_(q)."),
            ["https://a.example/x?y=1", "http://b.example/ar", "HTTPS://C.example/p_(q)"]
        );
        assert_eq!(
            found("المصدر: https://d.example/خبر، أمس"),
            ["https://d.example/خبر"]
        );
        assert!(found("http:// وhttps://. وhttp").is_empty());
    }

    #[test]
    fn controls_end_an_address() {
        assert_eq!(
            found("https://e.example/\x1b]0;x\x07"),
            ["https://e.example/"]
        );
        assert_eq!(found("https://f.example\u{202E}gpj"), ["https://f.example"]);
    }

    #[test]
    fn an_article_lists_its_address_then_its_links_once() {
        let text = "انظر https://a.example و https://b.example ثم https://a.example";
        assert_eq!(
            article_links(Some("https://b.example"), text),
            ["https://b.example", "https://a.example"]
        );
    }

    #[test]
    fn a_field_is_one_address_or_none() {
        assert_eq!(
            web_address(" https://g.example/a "),
            Some("https://g.example/a")
        );
        assert_eq!(web_address("https://g.example/a b"), None);
        assert_eq!(web_address("ftp://x"), None);
        assert_eq!(web_address("https://g.example/\x1b[2J"), None);
    }
}
