//! Article date and source. The date and source come from the dateline:
//! `(سبوتنيك - 21 اكتوبر 2020)`, `موسكو، 14 ماي - (سبوتنيك)`, or a date standing alone near the
//! top (`٠٧ يوليو ٢٠٢١`). When the dateline names no source, the closing line may:
//! `المصدر: تاس`, `Source: Reuters`, `(رويترز)`, `— الأناضول`. A dateline may credit several
//! agencies (`( أردو بوینت نتورك ۔ / سبوتنيك)`): the last is the source, and the entity pass
//! takes each for an organisation ([`dateline_agencies`]).

use crate::text::dates::{find_dates, DateMention, PartialDate};

/// How far into the body a dateline may sit (bytes of the first paragraphs).
const DATELINE_WINDOW: usize = 400;
/// How far into its line a dateline's date may start in raw text ([`dateline_agencies`]):
/// `(پاکستان پوائنٹ نیوز / سبوتنيك - 21 اكتوبر 2020ء)` starts its date at byte 75.
const DATELINE_START: usize = 200;
/// How much of a raw line [`dateline_agencies`] reads: the date window and the brackets after it.
const DATELINE_LINE: usize = 600;

/// The article's date and source, read from the title, the first paragraphs and the last.
///
/// The first date in the window is the article's date; a date of a full day beats a month or a
/// year only if it comes first, because datelines come first. The source is the agency named in
/// the dateline's brackets (`(سبوتنيك - …)`, `- (… / سبوتنيك)`), else the one a closing line
/// names ([`closing_source`]).
pub fn extract_metadata(
    title: &str,
    paragraphs: &[String],
) -> (Option<PartialDate>, Option<String>) {
    let (date, mut agencies) = dateline(title, paragraphs);
    (date, agencies.pop().or_else(|| closing_source(paragraphs)))
}

/// The date and the agencies of the dateline (or of the title, which names no agency).
fn dateline(title: &str, paragraphs: &[String]) -> (Option<PartialDate>, Vec<String>) {
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
                return (Some(d.date), agencies_near(p, &d));
            }
        }
        offset += p.len();
    }
    // A title that carries a date.
    let d = find_dates(title)
        .into_iter()
        .find(|d| d.date.month.is_some());
    (d.map(|d| d.date), Vec::new())
}

/// Every agency the dateline's brackets name, in order: `( أردو بوینت نتورك ۔ / سبوتنيك)` gives
/// both, the last being the article's source. The entity pass takes each for an organisation,
/// whole (agencies are organisations, and a wire credit names one agency after another). It
/// reads raw text, where a title (or the title twice) may come first: the first of the first
/// three non-empty lines that has brackets by a dated dateline, each line read up to
/// [`DATELINE_LINE`] bytes (a 16 MiB article may be one line).
pub fn dateline_agencies(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .find_map(|l| {
            let p = &l[..floor_boundary(l, DATELINE_LINE)];
            let window = &p[..floor_boundary(p, DATELINE_WINDOW)];
            // A dateline opens its paragraph: a date further in is the story's own.
            let d = find_dates(window)
                .into_iter()
                .find(|d| d.date.month.is_some())
                .filter(|d| d.start <= DATELINE_START)?;
            let agencies = agencies_near(p, &d);
            (!agencies.is_empty()).then_some(agencies)
        })
        .unwrap_or_default()
}

fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The agencies in the brackets around or right after a dateline date, `/` between them.
fn agencies_near(p: &str, d: &DateMention) -> Vec<String> {
    let split = |s: &str| {
        s.split('/')
            .filter_map(clean_source)
            .filter(|a| !NOT_SOURCES.contains(&crate::text::normalize(a).as_str()))
            .collect()
    };
    // `(SOURCE - DATE)`: an opening bracket before the date on the same stretch.
    let before = &p[..d.start];
    if let Some(open) = before.rfind('(') {
        let inside = &before[open + 1..];
        if let Some(names) = inside
            .trim()
            .strip_suffix('-')
            .or_else(|| inside.trim().strip_suffix('،'))
        {
            return split(names);
        }
    }
    // `CITY، DATE - (A / SOURCE)`: a bracket right after the date.
    let after = p[d.end..].trim_start_matches(|c: char| !c.is_alphabetic() && c != '(' && c != ')');
    if let Some(inner) = after.strip_prefix('(') {
        return split(inner.split(')').next().unwrap_or(""));
    }
    Vec::new()
}

/// Labels of a closing source line: `المصدر: X`, `Source: X` (compared normalised, lowercase).
const SOURCE_LABELS: &[&str] = &["المصدر", "المصادر", "source", "sources", "source(s)"];

/// Words in brackets that are no source: wire end marks, photo captions and a dateline's
/// "exclusive" or "follow-ups".
const NOT_SOURCES: &[&str] = &[
    "انتهي",
    "يتبع",
    "تتبع",
    "النهايه",
    "ارشيف",
    "ارشيفيه",
    "صوره ارشيفيه",
    "خاص",
    "متابعات",
    "end",
    "ends",
];

/// The source a closing line names: `المصدر: X` / `المصدر : X` / `Source: X` in one of the last
/// three paragraphs, or, as the very last paragraph of a longer article, `(X)`, `— X` or `- X`
/// where X is a short name (1–5 words, no sentence punctuation).
pub fn closing_source(paragraphs: &[String]) -> Option<String> {
    let body: Vec<&str> = paragraphs
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    // A short paragraph only: `وقال المصدر: …` in a long one is a quoted person.
    for p in body
        .iter()
        .rev()
        .take(3)
        .filter(|p| p.chars().count() <= 100)
    {
        if let Some((label, rest)) = p.split_once([':', '：']) {
            let label = crate::text::normalize(label.trim());
            if SOURCE_LABELS.contains(&label.as_str()) {
                // Up to the first sentence end: `المصدر: تاس. جميع الحقوق محفوظة`.
                let name = rest.split(['\n', '!', '?', '؟', '|']).next().unwrap_or("");
                let name = name.split(". ").next().unwrap_or(name);
                return clean_source(name);
            }
        }
    }
    let &last = body.last()?;
    if body.len() < 2 || last.chars().count() > 60 {
        return None;
    }
    let name = if let Some(inner) = last.strip_prefix('(') {
        inner.trim_end_matches(['.', ' ']).strip_suffix(')')?
    } else {
        last.strip_prefix(['—', '–', '-'])?
    };
    let name = name.trim();
    // `أ.ف.ب` is a name; a full stop before a space ends a sentence.
    let sentence_like = name.contains(". ")
        || name.ends_with('.')
        || name.contains(['،', ',', ':', '؛', ';', '!', '?', '؟', '(', ')']);
    let folded = crate::text::normalize(name);
    if sentence_like || NOT_SOURCES.contains(&folded.as_str()) {
        return None;
    }
    clean_source(name)
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
    fn every_agency_of_the_dateline() {
        let agencies = dateline_agencies;
        assert_eq!(
            agencies("موسكو، 14 ماي - ( أردو بوینت نتورك ۔ / سبوتنيك) - بحث"),
            ["أردو بوینت نتورك", "سبوتنيك"]
        );
        assert_eq!(
            agencies("(پاکستان پوائنٹ نیوز / سبوتنيك - 21 اكتوبر 2020ء) بحث"),
            ["پاکستان پوائنٹ نیوز", "سبوتنيك"]
        );
        assert_eq!(agencies("القاهرة (د ب أ - 3 مارس 2021) قال"), ["د ب أ"]);
        assert!(agencies("٠٧ يوليو ٢٠٢١ قال الوزير (في بيان)").is_empty());
        assert!(agencies("قال الوزير إن الجيش (سبوتنيك)").is_empty());
        // A dateline's "exclusive" is no agency.
        assert!(agencies("القاهرة، 3 مارس 2021 (خاص) - قال").is_empty());
        // A month's other name in brackets is part of the date, and a date deep in a
        // paragraph is no dateline.
        assert!(agencies("تزوج في 6 كانون الثاني (يناير) 1903 ورزق").is_empty());
        let deep = format!("{} موسكو، 14 ماي - (تاس) - بحث", "كلام ".repeat(40));
        assert!(agencies(&deep).is_empty());
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

    fn closing(paras: &[&str]) -> Option<String> {
        let paras: Vec<String> = paras.iter().map(|p| p.to_string()).collect();
        extract_metadata("عنوان", &paras).1
    }

    const BODY: &str = "افتتحت البلدية حديقة عامة جديدة في وسط المدينة بعد عامين من العمل.";

    #[test]
    fn closing_lines_name_the_source() {
        assert_eq!(
            closing(&[BODY, "المصدر: وكالة الأنباء الألمانية"]).as_deref(),
            Some("وكالة الأنباء الألمانية")
        );
        assert_eq!(
            closing(&[BODY, "المصدر : رويترز"]).as_deref(),
            Some("رويترز")
        );
        assert_eq!(
            closing(&[BODY, "المصدر:الأناضول."]).as_deref(),
            Some("الأناضول")
        );
        assert_eq!(
            closing(&[BODY, "Source: Reuters"]).as_deref(),
            Some("Reuters")
        );
        assert_eq!(closing(&[BODY, "(أ ف ب)"]).as_deref(), Some("أ ف ب"));
        assert_eq!(closing(&[BODY, "(أ.ف.ب)."]).as_deref(), Some("أ.ف.ب"));
        assert_eq!(closing(&[BODY, "— الأناضول"]).as_deref(), Some("الأناضول"));
        assert_eq!(
            closing(&[BODY, "- وكالة سبوتنيك"]).as_deref(),
            Some("وكالة سبوتنيك")
        );
        // A label line a little before the end, and the text after a sentence end left out.
        assert_eq!(
            closing(&[BODY, "المصدر: تاس. جميع الحقوق محفوظة", "شارك المقال"]).as_deref(),
            Some("تاس")
        );
        assert_eq!(
            closing(&[BODY, "الصورة: أرشيف البلدية", "المصدر: صحيفة محلية"]).as_deref(),
            Some("صحيفة محلية")
        );
    }

    #[test]
    fn closing_lines_that_are_no_source() {
        // Sentences, long names, end marks and captions.
        assert_eq!(
            closing(&[BODY, "(وقد رحب السكان بالقرار وطالبوا بالمزيد من الحدائق)"]),
            None
        );
        assert_eq!(closing(&[BODY, "(قال: لا)"]), None);
        assert_eq!(closing(&[BODY, "(انتهى)"]), None);
        assert_eq!(closing(&[BODY, "(صورة أرشيفية)"]), None);
        assert_eq!(
            closing(&[BODY, "- تم افتتاح الحديقة صباح اليوم بحضور المحافظ والسكان"]),
            None
        );
        assert_eq!(closing(&[BODY, "أفكارك وتعليقاتك"]), None);
        assert_eq!(
            closing(&[
                BODY,
                "وقال المصدر: إن الحديقة ستفتح أبوابها للجميع مجانا طوال أيام الأسبوع."
            ]),
            None
        );
        // A lone bracket line is not an article's closing line.
        assert_eq!(closing(&["(رويترز)"]), None);
        // The dateline's source comes first.
        let paras = [
            "القاهرة (رويترز - 3 مايو 2022) افتتحت البلدية حديقة.".to_string(),
            "المصدر: الأهرام".to_string(),
        ];
        assert_eq!(
            extract_metadata("عنوان", &paras).1.as_deref(),
            Some("رويترز")
        );
    }
}
