//! Article date and source from the dateline: `(سبوتنيك - 21 اكتوبر 2020)`,
//! `موسكو، 14 ماي - (سبوتنيك)`, or a date standing alone near the top (`٠٧ يوليو ٢٠٢١`).

use crate::text::dates::{find_dates, DateMention, PartialDate};

/// How far into the body a dateline may sit (bytes of the first paragraphs).
const DATELINE_WINDOW: usize = 400;

/// The article's date and source, read from the title and the first paragraphs.
///
/// The first date in the window is the article's date; a date of a full day beats a month or a
/// year only if it comes first, because datelines come first. The source is the agency named in
/// the dateline's brackets (`(سبوتنيك - …)`, `- (… / سبوتنيك)`).
pub fn extract_metadata(
    title: &str,
    paragraphs: &[String],
) -> (Option<PartialDate>, Option<String>) {
    let mut offset = 0;
    for p in paragraphs {
        if offset > DATELINE_WINDOW {
            break;
        }
        let window = &p[..floor_boundary(p, DATELINE_WINDOW)];
        if let Some(d) = find_dates(window)
            .into_iter()
            .find(|d| d.date.month.is_some() || d.date.year.is_some())
        {
            if d.date.month.is_some() {
                return (Some(d.date), source_near(p, &d));
            }
        }
        offset += p.len();
    }
    // A title that carries a date.
    let d = find_dates(title)
        .into_iter()
        .find(|d| d.date.month.is_some());
    (d.map(|d| d.date), None)
}

fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The agency in the brackets around or right after a dateline date.
fn source_near(p: &str, d: &DateMention) -> Option<String> {
    // `(SOURCE - DATE)`: an opening bracket before the date on the same stretch.
    let before = &p[..d.start];
    if let Some(open) = before.rfind('(') {
        let inside = &before[open + 1..];
        if let Some(name) = inside
            .trim()
            .strip_suffix('-')
            .or_else(|| inside.trim().strip_suffix('،'))
        {
            return clean_source(name.rsplit('/').next().unwrap_or(name));
        }
    }
    // `CITY، DATE - (A / SOURCE)`: a bracket right after the date.
    let after = p[d.end..].trim_start_matches(|c: char| !c.is_alphabetic() && c != '(' && c != ')');
    if let Some(inner) = after.strip_prefix('(') {
        let inner = inner.split(')').next().unwrap_or("");
        let last = inner.rsplit('/').next().unwrap_or(inner);
        return clean_source(last);
    }
    None
}

fn clean_source(s: &str) -> Option<String> {
    let s = s.trim_matches(|c: char| {
        c.is_whitespace() || c.is_ascii_punctuation() || matches!(c, '،' | '۔' | '-' | '–')
    });
    let words = s.split_whitespace().count();
    ((1..=5).contains(&words) && s.chars().any(char::is_alphabetic))
        .then(|| super::parse::collapse_ws(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(p: &str) -> (Option<String>, Option<String>) {
        let (d, s) = extract_metadata("عنوان", &[p.to_string()]);
        (d.map(|d| d.iso()), s)
    }

    #[test]
    fn datelines() {
        assert_eq!(
            meta("موسكو (سبوتنيك - 21 اكتوبر 2020) بحث الوزير"),
            (Some("2020-10-21".into()), Some("سبوتنيك".into()))
        );
        assert_eq!(
            meta("موسكو، 14 ماي - ( أردو بوینت نتورك ۔ / سبوتنيك) - بحث"),
            (Some("--05-14".into()), Some("سبوتنيك".into()))
        );
        assert_eq!(
            meta("(پاکستان پوائنٹ نیوز / سبوتنيك - 21 اكتوبر 2020ء) بحث"),
            (Some("2020-10-21".into()), Some("سبوتنيك".into()))
        );
        assert_eq!(meta("٠٧ يوليو ٢٠٢١"), (Some("2021-07-07".into()), None));
        assert_eq!(meta("لا تاريخ هنا"), (None, None));
    }
}
