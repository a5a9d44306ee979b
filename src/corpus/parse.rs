//! Text → title and paragraphs, per format.

/// An article as a file gives it, before ids and metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub title: String,
    pub paragraphs: Vec<String>,
    /// `date`/`source`/`id` given explicitly (jsonl fields).
    pub date: Option<String>,
    pub source: Option<String>,
    pub local_id: Option<String>,
    /// The article's web address as given (jsonl `url`, Markdown front matter `url`).
    pub url: Option<String>,
    /// Emphasis, links, headings… of a `.md` article, sorted and disjoint within each paragraph.
    pub marks: Vec<super::markdown::ParaMark>,
    /// True when the last paragraph lists link addresses (not article text: metadata skips it).
    pub notes: bool,
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Blank-line separated blocks, each whitespace-collapsed.
fn blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.trim().is_empty() {
                out.push(collapse_ws(&cur));
            }
            cur.clear();
        } else {
            cur.push_str(line);
            cur.push('\n');
        }
    }
    if !cur.trim().is_empty() {
        out.push(collapse_ws(&cur));
    }
    out
}

fn has_arabic(s: &str) -> bool {
    s.chars().any(crate::text::is_arabic_letter)
}

/// Site chrome before the headline of a scraped Arabic page: a short first line with no Arabic
/// (a language switcher such as `Ru En`) in a file whose text is Arabic.
fn is_chrome(line: &str, rest_is_arabic: bool) -> bool {
    rest_is_arabic && !has_arabic(line) && line.split_whitespace().count() <= 3
}

/// A `.txt` article: the first non-empty line is the title; paragraphs are separated by blank
/// lines. A leading chrome line (see [`is_chrome`]) is kept as the first paragraph, not taken as
/// the title, and a first paragraph that only repeats the title is dropped.
pub fn parse_txt(text: &str) -> Parsed {
    let mut lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let Some(first) = first else {
        return Parsed::default();
    };
    lines.drain(..first);
    let mut prefix = Vec::new();
    let rest_is_arabic = has_arabic(text);
    while lines.len() > 1 && is_chrome(lines[0].trim(), rest_is_arabic) {
        prefix.push(collapse_ws(lines.remove(0)));
        while lines.first().is_some_and(|l| l.trim().is_empty()) {
            lines.remove(0);
        }
    }
    let title = collapse_ws(lines.first().copied().unwrap_or(""));
    let body = lines.get(1..).map(|l| l.join("\n")).unwrap_or_default();
    let mut paragraphs = prefix;
    paragraphs.extend(blocks(&body));
    drop_repeated_title(&title, &mut paragraphs);
    Parsed {
        title,
        paragraphs,
        ..Parsed::default()
    }
}

fn drop_repeated_title(title: &str, paragraphs: &mut Vec<String>) {
    if let Some(i) = paragraphs.iter().position(|p| !p.is_empty()) {
        if i <= 1 && paragraphs[i] == title {
            paragraphs.remove(i);
        }
    }
}

/// One `.jsonl` line: `{"title", "body", "date"?, "source"?, "id"?}`.
pub fn parse_jsonl_line(line: &str) -> Result<Parsed, String> {
    #[derive(serde::Deserialize)]
    struct Line {
        title: Option<String>,
        body: Option<String>,
        date: Option<String>,
        source: Option<String>,
        id: Option<serde_json::Value>,
        url: Option<String>,
    }
    let l: Line = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let body = l.body.ok_or("missing \"body\"")?;
    let title = collapse_ws(&l.title.unwrap_or_default());
    let mut paragraphs = if body.contains("\n\n") || !body.contains('\n') {
        blocks(&body.replace("\r\n", "\n"))
    } else {
        body.lines()
            .map(collapse_ws)
            .filter(|p| !p.is_empty())
            .collect()
    };
    let title = if title.is_empty() {
        if paragraphs.is_empty() {
            return Err("empty \"title\" and \"body\"".into());
        }
        paragraphs.remove(0)
    } else {
        title
    };
    let local_id = l.id.map(|v| match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    });
    Ok(Parsed {
        title,
        paragraphs,
        date: l.date.map(|d| collapse_ws(&d)).filter(|d| !d.is_empty()),
        source: l.source.map(|s| collapse_ws(&s)).filter(|s| !s.is_empty()),
        local_id,
        url: l.url,
        ..Parsed::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_title_paragraphs_and_chrome() {
        let p = parse_txt("\n  العنوان هنا  \n\nفقرة  أولى\nتكملة\n\n \u{20}\nفقرة ثانية\n");
        assert_eq!(p.title, "العنوان هنا");
        assert_eq!(p.paragraphs, ["فقرة أولى تكملة", "فقرة ثانية"]);
        let p = parse_txt("Ru En\n\nعنوان عربي\n\nنص");
        assert_eq!(p.title, "عنوان عربي");
        assert_eq!(p.paragraphs, ["Ru En", "نص"]);
        let p = parse_txt("عنوان\n\nعنوان\n\nنص");
        assert_eq!(p.paragraphs, ["نص"]);
        let p = parse_txt("English title\n\nEnglish body");
        assert_eq!(p.title, "English title");
    }

    #[test]
    fn jsonl_fields_and_errors() {
        let p = parse_jsonl_line(r#"{"title":"ع","body":"أ\n\nب","date":"2020-01-02","id":7}"#)
            .unwrap();
        assert_eq!(
            (p.title.as_str(), p.paragraphs.len(), p.local_id.as_deref()),
            ("ع", 2, Some("7"))
        );
        assert!(parse_jsonl_line("{").unwrap_err().contains("invalid JSON"));
        assert!(parse_jsonl_line(r#"{"title":"x"}"#)
            .unwrap_err()
            .contains("body"));
    }
}
