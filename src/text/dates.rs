//! Arabic date parsing: the one parser behind article datelines and the date entities.
//!
//! Understands both month systems (يناير…ديسمبر, كانون الثاني…كانون الأول), the Maghreb names
//! (جانفي, ماي, جوان, جويلية, أوت, شتنبر…), paired forms (`9 تشرين الثاني/نوفمبر 2020`,
//! `7 يوليو/ تموز 2021`, `3 شباط / فبراير 2022`, either order), numeric forms (`21/10/2020`),
//! `عام 2020`, and both Arabic digit ranges. A day may carry a glued prefix (`الـ15`, `ال15`,
//! `و3`, `بـ5`) and be joined to its month by `من` (`الـ15 من آذار/مارس 2019`,
//! `15 من شهر مايو`); a year may follow as `من عام 2019`. A month name on its own is not a date:
//! it needs a day before it or a year after it, which keeps آب (August) apart from أب (father)
//! and ماي from other words (after `من`, a lone آب needs its year or its pair: `3 من أب` is
//! "3 of a father"). The month table is data: `data/months.tsv`, from Unicode CLDR via babel
//! (see its header).
//!
//! [`find_dates_with_year`] also fills a missing year: from the sentence (`العام الماضي`,
//! `هذا العام`, `العام المقبل`…, counted from the article's year), else the article's own year.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{normalize, tokens, Token};

/// A calendar date, complete or partial, as the text gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// Four-digit year, when the text gives one.
    pub year: Option<u16>,
    /// Month 1–12.
    pub month: Option<u8>,
    /// Day 1–31 (only together with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// The ISO 8601 form: `2020-11-09`, `2020-11`, `2020`, or `--11-09` for a day and month
    /// without a year (ISO 8601's own form for that).
    pub fn iso(&self) -> String {
        match (self.year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
            (Some(y), Some(m), None) => format!("{y:04}-{m:02}"),
            (Some(y), None, _) => format!("{y:04}"),
            (None, Some(m), Some(d)) => format!("--{m:02}-{d:02}"),
            (None, Some(m), None) => format!("--{m:02}"),
            (None, None, _) => String::new(),
        }
    }

    /// Fills a missing year from `context` (the article's own date), when the context has one.
    pub fn with_year_from(mut self, context: Option<PartialDate>) -> PartialDate {
        if self.year.is_none() && self.month.is_some() {
            self.year = context.and_then(|c| c.year);
        }
        self
    }

    /// Parses the ISO forms [`iso`](Self::iso) writes (`2020-10-21`, `2020-10`, `2020`,
    /// `--10-21`, `--10`); a time after the date (`2020-10-21T08:00Z`) is ignored. `None` for
    /// anything else, out-of-range months and days included.
    pub fn from_iso(s: &str) -> Option<PartialDate> {
        let s = s.trim();
        let s = s.split_once('T').map_or(s, |(d, _)| d);
        let (year, rest) = match s.strip_prefix("--") {
            Some(rest) => (None, rest),
            None => {
                let (y, rest) = s.split_once('-').unwrap_or((s, ""));
                if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (Some(y.parse().ok()?), rest)
            }
        };
        let mut parts = rest.split('-').filter(|p| !p.is_empty());
        let number = |p: &str, max: u8| -> Option<u8> {
            let ok = (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| p.parse().ok())
                .flatten()
                .filter(|n| (1..=max).contains(n))
        };
        let month = parts
            .next()
            .map(|m| number(m, 12))
            .map_or(Ok(None), |m| m.map(Some).ok_or(()));
        let day = parts
            .next()
            .map(|d| number(d, 31))
            .map_or(Ok(None), |d| d.map(Some).ok_or(()));
        let (Ok(month), Ok(day), None) = (month, day, parts.next()) else {
            return None;
        };
        let date = PartialDate { year, month, day };
        (date.year.is_some() || date.month.is_some()).then_some(date)
    }

    /// The date as one number that sorts like the date (year, then month, then day; a missing
    /// part sorts first) and round-trips through [`unpack`](Self::unpack); never 0, so 0 can
    /// stand for "no date" in compact tables.
    pub fn pack(&self) -> u32 {
        (u32::from(self.year.unwrap_or(0)) << 10)
            | (u32::from(self.month.unwrap_or(0)) << 5)
            | u32::from(self.day.unwrap_or(0))
            | (1 << 31)
    }

    /// The date [`pack`](Self::pack) made, or `None` for 0.
    pub fn unpack(n: u32) -> Option<PartialDate> {
        if n & (1 << 31) == 0 {
            return None;
        }
        let part = |v: u32| (v != 0).then_some(v);
        Some(PartialDate {
            year: part((n >> 10) & 0xFFFF).map(|y| y as u16),
            month: part((n >> 5) & 0x1F).map(|m| m as u8),
            day: part(n & 0x1F).map(|d| d as u8),
        })
    }
}

impl std::fmt::Display for PartialDate {
    /// The ISO form, as [`PartialDate::iso`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.iso())
    }
}

/// Dates are written to JSON (and read back) in their ISO form, as qari always printed them.
impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        PartialDate::from_iso(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not an ISO date: {s:?}")))
    }
}

/// A date found in a text, with the byte range of its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    /// Byte offset where the date's first word starts.
    pub start: usize,
    /// Byte offset one past its last word.
    pub end: usize,
    /// What the words say.
    pub date: PartialDate,
}

/// Normalised month name (one or two words) → month number.
fn month_table() -> &'static HashMap<String, u8> {
    static TABLE: OnceLock<HashMap<String, u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::default();
        for line in include_str!("../../data/months.tsv").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(num), Some(name)) = (cols.next(), cols.next()) else {
                continue;
            };
            if let Ok(n) = num.trim().parse::<u8>() {
                map.insert(normalize(name.trim()), n);
            }
        }
        map
    })
}

/// Every `key[..k]` of [`month_table`] where `key[k]` is a space: a two-word key
/// `format!("{a} {b}")` can be in the table only if `a` is here.
fn month_firsts() -> &'static HashSet<&'static str> {
    static FIRSTS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    FIRSTS.get_or_init(|| {
        month_table()
            .keys()
            .flat_map(|k| k.match_indices(' ').map(|(at, _)| &k[..at]))
            .collect()
    })
}

/// Words that introduce a bare year: `عام 2020`, `سنة 2020`, `العام 2020`.
const YEAR_WORDS: &[&str] = &["عام", "العام", "سنه", "السنه", "لعام", "بعام"];

fn number_value(tok: &str) -> Option<(u32, usize)> {
    // Leading digits of the token (a year may be glued to a letter: `2020م`, `2020على`), and
    // the byte length of that digit run.
    let mut value: u32 = 0;
    let mut len = 0;
    let mut digits = 0;
    for c in tok.chars() {
        match super::ascii_digit(c) {
            Some(d) => {
                value = value.checked_mul(10)?.checked_add(d as u32 - '0' as u32)?;
                len += c.len_utf8();
                digits += 1;
            }
            None => break,
        }
    }
    (digits > 0 && digits <= 4).then_some((value, len))
}

fn as_day(tok: &Token) -> Option<u8> {
    let (v, len) = number_value(tok.text)?;
    (len == tok.text.len() && (1..=31).contains(&v)).then_some(v as u8)
}

/// Letters that may be glued to a day number (normalised, so tatweel is gone): `الـ15`, `و3`.
const DAY_PREFIXES: &[&str] = &[
    "ال", "و", "ف", "ب", "ل", "وال", "فال", "بال", "لل", "ول", "وب", "ولل",
];

/// A day token, bare or with a glued prefix ([`DAY_PREFIXES`]): the day and the byte offset
/// where its digits start.
fn as_prefixed_day(tok: &Token) -> Option<(u8, usize)> {
    let k = tok
        .text
        .char_indices()
        .find(|&(_, c)| super::ascii_digit(c).is_some())?
        .0;
    if k > 0 && !DAY_PREFIXES.contains(&normalize(&tok.text[..k]).as_str()) {
        return None;
    }
    let digits = &tok.text[k..];
    let (v, len) = number_value(digits)?;
    (len == digits.len() && (1..=31).contains(&v)).then_some((v as u8, tok.start + k))
}

/// A year token: four digits in 1000–2199, optionally followed by letters (`2020م`). Returns the
/// year and the byte end of its digits.
fn as_year(tok: &Token) -> Option<(u16, usize)> {
    let (v, len) = number_value(tok.text)?;
    let digits = tok.text[..len].chars().count();
    (digits == 4 && (1000..2200).contains(&v)).then_some((v as u16, tok.start + len))
}

/// The gap between two tokens may only be spaces (and at most one `/` or `-` where `sep_ok`).
fn gap_ok(text: &str, a: &Token, b: &Token, sep_ok: bool) -> bool {
    let gap = &text[a.end..b.start];
    let mut seps = 0;
    for c in gap.chars() {
        if c.is_whitespace() || c == '\u{200F}' || c == '\u{200E}' {
            continue;
        }
        if sep_ok && (c == '/' || c == '-' || c == '\\') {
            seps += 1;
            continue;
        }
        return false;
    }
    seps <= 1
}

/// Tries a month name starting at token `i`; returns the month and how many tokens it used.
fn month_at(text: &str, toks: &[Token], norm: &[String], i: usize) -> Option<(u8, usize)> {
    let table = month_table();
    // The two-word key is built only after a word that begins one (`format!` at every token
    // was 2% of the bulk entity pass).
    if i + 1 < toks.len()
        && month_firsts().contains(norm[i].as_str())
        && gap_ok(text, &toks[i], &toks[i + 1], false)
    {
        let two = format!("{} {}", norm[i], norm[i + 1]);
        if let Some(&m) = table.get(&two) {
            return Some((m, 2));
        }
    }
    table.get(&norm[i]).map(|&m| (m, 1))
}

/// A month, optionally paired with its other-system name after a slash (`تشرين الثاني/نوفمبر`)
/// or in brackets (`كانون الثاني (يناير)`). When the pair disagree, the Gregorian-transliterated
/// name (the second system) wins. Returns the month, the tokens used and whether the pair ends
/// in a closing bracket (which [`year_after`] then steps over).
fn month_group(text: &str, toks: &[Token], norm: &[String], i: usize) -> Option<(u8, usize, bool)> {
    let (m, used) = month_at(text, toks, norm, i)?;
    let j = i + used;
    if j < toks.len() {
        let gap = &text[toks[j - 1].end..toks[j].start];
        let bracket = gap.trim() == "(";
        if gap.contains('/') || bracket {
            if let Some((m2, used2)) = month_at(text, toks, norm, j) {
                let closed = text[toks[j + used2 - 1].end..]
                    .trim_start()
                    .starts_with(')');
                if !bracket || closed {
                    let pick = if is_levantine(&norm[i]) { m2 } else { m };
                    return Some((pick, used + used2, bracket));
                }
            }
        }
    }
    Some((m, used, false))
}

fn is_levantine(first_word: &str) -> bool {
    matches!(
        first_word,
        "كانون"
            | "شباط"
            | "اذار"
            | "نيسان"
            | "ايار"
            | "حزيران"
            | "تموز"
            | "اب"
            | "ايلول"
            | "تشرين"
    )
}

/// Finds every date in `text`, in order, without overlaps.
pub fn find_dates(text: &str) -> Vec<DateMention> {
    // The tokens are read through a window refilled as the scan moves: a date spans at most a
    // dozen tokens, and a 16 MiB article's tokens with their normal forms took 100 MB at once.
    const WINDOW: usize = 4096;
    const AHEAD: usize = 32;
    let mut stream = tokens(text);
    let mut more = true;
    let mut toks: Vec<Token> = Vec::with_capacity(WINDOW);
    // `norm[k]` is made only when a date may start near it (`normed[k]`): most tokens of news
    // are nowhere near a digit, and normalising every one was most of the date pass.
    let mut norm: Vec<String> = Vec::with_capacity(WINDOW);
    let mut normed: Vec<bool> = Vec::with_capacity(WINDOW);
    let mut digit: Vec<bool> = Vec::with_capacity(WINDOW);
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        if more && toks.len() - i < AHEAD {
            toks.drain(..i);
            norm.drain(..i);
            normed.drain(..i);
            digit.drain(..i);
            i = 0;
            while toks.len() < WINDOW {
                let Some(t) = stream.next() else {
                    more = false;
                    break;
                };
                norm.push(String::new());
                normed.push(false);
                digit.push(t.text.chars().any(|c| super::ascii_digit(c).is_some()));
                toks.push(t);
            }
        }
        if i >= toks.len() {
            break;
        }
        // Every date has a token with a digit at most DIGIT_REACH tokens after its start (its
        // day first, or its year after at most four month words and `من عام`): elsewhere
        // `match_at` finds nothing, so it is not asked.
        if !digit[i..toks.len().min(i + DIGIT_REACH + 1)].contains(&true) {
            i += 1;
            continue;
        }
        for k in i..toks.len().min(i + NORM_REACH + 1) {
            if !normed[k] {
                norm[k] = normalize(toks[k].text);
                normed[k] = true;
            }
        }
        if let Some((m, used)) = match_at(text, &toks, &norm, i) {
            out.push(m);
            i += used;
        } else {
            i += 1;
        }
    }
    out
}

/// How far after its first token a date's first digit may be (the year of
/// `تشرين الأول/أكتوبر من عام 2020`: six tokens on), with some margin.
const DIGIT_REACH: usize = 8;
/// How far after `i` `match_at(…, i)` reads normal forms (`الـ15 من شهر تشرين الأول/أكتوبر من
/// عام`: eight tokens on), with some margin; both far below the window's `AHEAD`.
const NORM_REACH: usize = 12;

/// [`find_dates`] as first written, every token normalised and tried: the reference the
/// digit skip is tested against.
#[cfg(test)]
fn find_dates_reference(text: &str) -> Vec<DateMention> {
    let toks: Vec<Token> = tokens(text).collect();
    let norm: Vec<String> = toks.iter().map(|t| normalize(t.text)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if let Some((m, used)) = match_at(text, &toks, &norm, i) {
            out.push(m);
            i += used;
        } else {
            i += 1;
        }
    }
    out
}

/// [`find_dates`], with the year of a day-and-month date filled in when something says it: a
/// phrase in its sentence (`العام الجاري`, `هذا العام`, `العام الحالي`: the article's year;
/// `العام الماضي`: the year before; `العام المقبل`/`القادم`: the year after; the nearest
/// phrase wins), else the article's own year (`article_date`). Without an article year the
/// date keeps no year.
pub fn find_dates_with_year(text: &str, article_date: Option<PartialDate>) -> Vec<DateMention> {
    let mut found = find_dates(text);
    let Some(year) = article_date.and_then(|d| d.year) else {
        return found;
    };
    for d in &mut found {
        if d.date.year.is_some() || d.date.month.is_none() {
            continue;
        }
        let offset = relative_year_near(text, d.start, d.end).unwrap_or(0);
        d.date.year = u16::try_from(i32::from(year) + offset).ok();
    }
    found
}

/// Sentence ends, for the sentence around a date.
fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '\n')
}

/// The year offset (−1, 0, +1) said by the phrase nearest to `start..end` in its sentence
/// (`العام الماضي` → −1), if the sentence has one.
fn relative_year_near(text: &str, start: usize, end: usize) -> Option<i32> {
    // After the sentence end (which may be a two-byte `؟`).
    let from = text[..start]
        .char_indices()
        .rev()
        .find(|&(_, c)| ends_sentence(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let to = text[end..]
        .find(ends_sentence)
        .map_or(text.len(), |i| end + i);
    let sentence = &text[from..to];
    let toks: Vec<Token> = tokens(sentence).collect();
    let norm: Vec<String> = toks.iter().map(|t| normalize(t.text)).collect();
    let mut best: Option<(usize, i32)> = None;
    for k in 0..toks.len().saturating_sub(1) {
        let Some(offset) = relative_phrase(&norm, k) else {
            continue;
        };
        let (a, b) = (from + toks[k].start, from + toks[k + 1].end);
        let distance = if b <= start {
            start - b
        } else {
            a.saturating_sub(end)
        };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, offset));
        }
    }
    best.map(|(_, offset)| offset)
}

/// The words `norm[k], norm[k + 1]` as a phrase naming a year relative to the article's, and
/// its offset. `العام` after a definite noun is the adjective "general" (`الأمين العام المقبل`,
/// the next secretary-general), not the year.
fn relative_phrase(norm: &[String], k: usize) -> Option<i32> {
    // The word without up to two proclitics (و ف ب ك ل): `للعام` → `لعام`, `وهذا` → `هذا`.
    let bare = |w: &str| -> [String; 3] {
        let mut out = [w.to_string(), String::new(), String::new()];
        let mut rest = w;
        for slot in out.iter_mut().skip(1) {
            match rest.chars().next() {
                Some(c @ ('و' | 'ف' | 'ب' | 'ك' | 'ل')) => rest = &rest[c.len_utf8()..],
                _ => break,
            }
            *slot = rest.to_string();
        }
        out
    };
    let (w1, w2) = (bare(&norm[k]), norm[k + 1].as_str());
    let year_noun = |w: &str| matches!(w, "العام" | "السنه" | "لعام" | "لسنه");
    if w1.iter().any(|w| matches!(w.as_str(), "هذا" | "هذه")) && matches!(w2, "العام" | "السنه")
    {
        return Some(0);
    }
    if !w1.iter().any(|w| year_noun(w)) {
        return None;
    }
    if k > 0 {
        let prev = bare(&norm[k - 1]);
        if prev
            .iter()
            .any(|w| w.starts_with("ال") || w.starts_with("لل"))
        {
            return None;
        }
    }
    match w2 {
        "الجاري" | "الجاريه" | "الحالي" | "الحاليه" => Some(0),
        "الماضي" | "الماضيه" | "المنصرم" | "المنصرمه" | "الفائت" | "الفائته" => {
            Some(-1)
        }
        "المقبل" | "المقبله" | "القادم" | "القادمه" => Some(1),
        _ => None,
    }
}

/// The year token at `j`, if it follows `prev` closely, skipping one `عام`/`سنة` between them;
/// after a bracketed month (`closed`), the first gap holds its closing bracket.
fn year_after(
    text: &str,
    toks: &[Token],
    norm: &[String],
    prev: usize,
    closed: bool,
) -> Option<(u16, usize, usize)> {
    let mut j = prev + 1;
    let gap_ok = |a: &Token, b: &Token, sep_ok: bool| {
        if closed && a.end == toks[prev].end {
            let gap = &text[a.end..b.start];
            gap.trim() == ")"
                || gap.trim_start().strip_prefix(')').is_some_and(|g| {
                    g.trim().is_empty() || (sep_ok && matches!(g.trim(), "/" | "-"))
                })
        } else {
            gap_ok(text, a, b, sep_ok)
        }
    };
    // `من عام 2019`: the من only together with a year word.
    if j + 1 < toks.len()
        && norm[j] == "من"
        && YEAR_WORDS.contains(&norm[j + 1].as_str())
        && gap_ok(&toks[prev], &toks[j], false)
        && gap_ok(&toks[j], &toks[j + 1], false)
    {
        j += 1;
        if j + 1 < toks.len() && gap_ok(&toks[j], &toks[j + 1], false) {
            return as_year(&toks[j + 1]).map(|(y, end)| (y, end, j + 1));
        }
        return None;
    }
    if j < toks.len()
        && YEAR_WORDS.contains(&norm[j].as_str())
        && gap_ok(&toks[prev], &toks[j], true)
    {
        j += 1;
        if j < toks.len() && gap_ok(&toks[j - 1], &toks[j], false) {
            return as_year(&toks[j]).map(|(y, end)| (y, end, j));
        }
        return None;
    }
    if j < toks.len() && gap_ok(&toks[prev], &toks[j], true) {
        return as_year(&toks[j]).map(|(y, end)| (y, end, j));
    }
    None
}

fn match_at(text: &str, toks: &[Token], norm: &[String], i: usize) -> Option<(DateMention, usize)> {
    let start = toks[i].start;
    // Day, month name(s), optional year: `9 تشرين الثاني/نوفمبر 2020`, `14 ماي`,
    // `الـ15 من آذار/مارس 2019`. The mention starts at the day's digits.
    if let Some((day, day_start)) = as_prefixed_day(&toks[i]) {
        // `من` and `شهر` may stand between the day and the month.
        let mut k = i + 1;
        let mut via_min = false;
        for word in ["من", "شهر"] {
            if k < toks.len() && norm[k] == word && gap_ok(text, &toks[k - 1], &toks[k], false) {
                via_min |= word == "من";
                k += 1;
            }
        }
        if k < toks.len() && gap_ok(text, &toks[k - 1], &toks[k], false) {
            if let Some((month, used, closed)) = month_group(text, toks, norm, k) {
                let last = k + used - 1;
                let date = PartialDate {
                    year: None,
                    month: Some(month),
                    day: Some(day),
                };
                let start = day_start;
                if let Some((y, end, j)) = year_after(text, toks, norm, last, closed) {
                    let date = PartialDate {
                        year: Some(y),
                        ..date
                    };
                    return Some((DateMention { start, end, date }, j + 1 - i));
                }
                // After من a lone آب needs its year or its pair (`3 من أب`: "3 of a father").
                if !(via_min && used == 1 && norm[k] == "اب") {
                    let end = toks[last].end;
                    return Some((DateMention { start, end, date }, last + 1 - i));
                }
            }
        }
    }
    if let Some(day) = as_day(&toks[i]) {
        // Numeric day/month/year: `21/10/2020`, `21-10-2020`.
        if i + 2 < toks.len()
            && gap_ok(text, &toks[i], &toks[i + 1], true)
            && gap_ok(text, &toks[i + 1], &toks[i + 2], true)
            && !text[toks[i].end..toks[i + 1].start].trim().is_empty()
            && !text[toks[i + 1].end..toks[i + 2].start].trim().is_empty()
        {
            if let (Some(m), Some((y, end))) = (as_day(&toks[i + 1]), as_year(&toks[i + 2])) {
                if (1..=12).contains(&m) {
                    let date = PartialDate {
                        year: Some(y),
                        month: Some(m),
                        day: Some(day),
                    };
                    return Some((DateMention { start, end, date }, 3));
                }
            }
        }
    }
    // Month name(s) then year: `نوفمبر 2020`, `تشرين الأول/أكتوبر عام 2020`.
    if let Some((month, used, closed)) = month_group(text, toks, norm, i) {
        let last = i + used - 1;
        if let Some((y, end, j)) = year_after(text, toks, norm, last, closed) {
            let date = PartialDate {
                year: Some(y),
                month: Some(month),
                day: None,
            };
            return Some((DateMention { start, end, date }, j + 1 - i));
        }
    }
    // A bare year after عام/سنة: `في عام 2020`.
    if YEAR_WORDS.contains(&norm[i].as_str())
        && i + 1 < toks.len()
        && gap_ok(text, &toks[i], &toks[i + 1], false)
    {
        if let Some((y, end)) = as_year(&toks[i + 1]) {
            let date = PartialDate {
                year: Some(y),
                month: None,
                day: None,
            };
            return Some((
                DateMention {
                    start: toks[i + 1].start,
                    end,
                    date,
                },
                2,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn skipping_tokens_far_from_digits_finds_the_same_dates() {
        // Every seed article, and dates of every form with words in between.
        let mut texts: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
                .expect("seeds")
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect();
        let forms = [
            "الـ15 من شهر تشرين الأول/أكتوبر من عام 2020",
            "9 تشرين الثاني/نوفمبر 2020",
            "تشرين الأول/أكتوبر من عام 2020",
            "7 يوليو/ تموز 2021",
            "في عام 2020",
            "21/10/2020",
            "3 من أب",
            "نوفمبر ٢٠٢٠",
            "15 من شهر مايو",
            "كانون الثاني سنة 1999",
        ];
        let mut mixed = String::new();
        for k in 0..400 {
            mixed.push_str(&"كلمة ".repeat(k % 11));
            mixed.push_str(forms[k % forms.len()]);
            mixed.push(' ');
        }
        texts.push(mixed);
        assert!(texts.len() > 5);
        let mut total = 0;
        for t in &texts {
            let found = super::find_dates(t);
            assert_eq!(found, super::find_dates_reference(t));
            total += found.len();
        }
        assert!(total > 300, "{total}");
    }

    #[test]
    fn dates_across_the_token_window_are_read_whole() {
        // Dates at every offset around the scan window's refills (4,096 tokens).
        let mut text = String::new();
        let mut want = 0;
        for k in 0..700 {
            text.push_str(&"كلمة ".repeat(k % 13));
            text.push_str("في الـ15 من آذار/مارس 2019 ");
            want += 1;
        }
        let found = super::find_dates(&text);
        assert_eq!(found.len(), want);
        for d in &found {
            assert_eq!(&text[d.start..d.end], "15 من آذار/مارس 2019");
        }
    }

    #[test]
    fn iso_round_trips_and_packs_in_date_order() {
        for iso in ["2020-10-21", "2020-10", "2020", "--10-21", "--10"] {
            let d = PartialDate::from_iso(iso).unwrap();
            assert_eq!(d.iso(), iso);
            assert_eq!(PartialDate::unpack(d.pack()), Some(d));
        }
        assert_eq!(
            PartialDate::from_iso("2020-10-21T08:00:00Z").map(|d| d.iso()),
            Some("2020-10-21".into())
        );
        for bad in [
            "",
            "20",
            "2020-13",
            "2020-10-32",
            "yesterday",
            "2020-1x",
            "\x1b]0;x\x07",
        ] {
            assert_eq!(PartialDate::from_iso(bad), None, "{bad:?}");
        }
        let order = ["--10-21", "2019", "2019-12-31", "2020-01", "2020-01-02"];
        let packed: Vec<u32> = order
            .iter()
            .map(|s| PartialDate::from_iso(s).unwrap().pack())
            .collect();
        assert!(packed.windows(2).all(|w| w[0] < w[1]), "{packed:?}");
        assert_eq!(PartialDate::unpack(0), None);
    }

    use super::*;

    fn iso_all(text: &str) -> Vec<String> {
        find_dates(text).iter().map(|d| d.date.iso()).collect()
    }

    #[test]
    fn both_month_systems_and_pairs() {
        assert_eq!(iso_all("في 9 تشرين الثاني/نوفمبر 2020 وقع"), ["2020-11-09"]);
        assert_eq!(iso_all("في 11 كانون الثاني/يناير"), ["--01-11"]);
        assert_eq!(iso_all("يوم 7 يوليو/ تموز 2021، إلا"), ["2021-07-07"]);
        assert_eq!(iso_all("16 نوفمبر/ تشرين الثاني 2020"), ["2020-11-16"]);
        assert_eq!(iso_all("في سبتمبر 2020 ، وهو"), ["2020-09"]);
        assert_eq!(iso_all("10 تشرين الثاني/نوفمبر عام 2020"), ["2020-11-10"]);
        assert_eq!(iso_all("في 1 آذار 2019"), ["2019-03-01"]);
        assert_eq!(iso_all("في 3 شباط 2019"), ["2019-02-03"]);
    }

    #[test]
    fn arabic_digits_in_both_ranges() {
        assert_eq!(iso_all("٠٧ يوليو ٢٠٢١"), ["2021-07-07"]);
        assert_eq!(iso_all("۰۷ يوليو ۲۰۲۱"), ["2021-07-07"]);
    }

    #[test]
    fn maghreb_names_and_datelines() {
        assert_eq!(iso_all("موسكو، 14 ماي - ( سبوتنيك)"), ["--05-14"]);
        assert_eq!(iso_all("(سبوتنيك - 21 اكتوبر 2020ء) بحث"), ["2020-10-21"]);
        assert_eq!(iso_all("في 5 جويلية 2019"), ["2019-07-05"]);
        assert_eq!(iso_all("في 12 شتنبر 2018"), ["2018-09-12"]);
    }

    #[test]
    fn a_month_named_again_in_brackets_is_one_month() {
        assert_eq!(
            iso_all("تزوج في 6 كانون الثاني (يناير) 1903 ورزق"),
            ["1903-01-06"]
        );
        assert_eq!(iso_all("في 14 من أيار (مايو) عام 1904."), ["1904-05-14"]);
        assert_eq!(iso_all("في 7 تشرين الثاني ( نوفمبر ) 1919"), ["1919-11-07"]);
        assert_eq!(iso_all("منذ تموز (يوليو) 2006 حتى"), ["2006-07"]);
        let text = "بدأ في 3 آذار (مارس) ثم";
        let d = find_dates(text)[0];
        assert_eq!(&text[d.start..d.end], "3 آذار (مارس");
        assert_eq!(d.date.iso(), "--03-03");
        // An unclosed bracket, or a bracket that holds more than a month, is no pair.
        assert_eq!(iso_all("في 3 آذار (مارس والشهر) 2020"), ["--03-03"]);
        assert_eq!(iso_all("في 3 آذار (مارس 2020"), ["--03-03", "2020-03"]);
    }

    #[test]
    fn glued_years_numeric_and_bare_years() {
        assert_eq!(iso_all("في 9 نوفمبر 2020على بيان"), ["2020-11-09"]);
        assert_eq!(iso_all("بتاريخ 21/10/2020 أعلن"), ["2020-10-21"]);
        assert_eq!(iso_all("في عام 2019 كان"), ["2019"]);
    }

    #[test]
    fn offsets_cover_the_words() {
        let text = "وقع في 9 تشرين الثاني/نوفمبر 2020 اتفاق";
        let d = find_dates(text)[0];
        assert_eq!(&text[d.start..d.end], "9 تشرين الثاني/نوفمبر 2020");
    }

    #[test]
    fn lone_month_words_are_not_dates() {
        assert!(find_dates("قال أب الطفل إن مارس كان").is_empty());
        assert!(find_dates("الرقم 2020 كبير").is_empty());
    }

    #[test]
    fn prefixed_days_and_min_are_read_whole() {
        assert_eq!(
            iso_all("افتتح المعرض الـ15 من آذار/مارس 2019 رسميا"),
            ["2019-03-15"]
        );
        assert_eq!(
            iso_all("بدأت الدورة ال15 من آذار/مارس 2019"),
            ["2019-03-15"]
        );
        assert_eq!(
            iso_all("وصل الوفد و3 شباط/ فبراير 2022 غادر"),
            ["2022-02-03"]
        );
        assert_eq!(
            iso_all("الموعد في 3 شباط / فبراير 2022 تقريبا"),
            ["2022-02-03"]
        );
        assert_eq!(
            iso_all("الاجتماع المقرر في 22 أيار /مايو 2023"),
            ["2023-05-22"]
        );
        assert_eq!(
            iso_all("صدر القرار في 16 نوفمبر/ تشرين الثاني 2018"),
            ["2018-11-16"]
        );
        assert_eq!(iso_all("تنتهي المهلة في الـ30 من حزيران"), ["--06-30"]);
        assert_eq!(iso_all("حتى 8 من شهر مايو 2024"), ["2024-05-08"]);
        assert_eq!(iso_all("في 4 تموز من عام 2017 عاد"), ["2017-07-04"]);
        assert_eq!(iso_all("بـ5 كانون الأول/ديسمبر"), ["--12-05"]);
        // The mention starts at the day's digits, after the glued prefix.
        let text = "افتتح المعرض الـ15 من آذار/مارس 2019 رسميا";
        let d = find_dates(text)[0];
        assert_eq!(&text[d.start..d.end], "15 من آذار/مارس 2019");
    }

    #[test]
    fn ordinary_numbers_are_not_dates() {
        assert!(find_dates("قتل 15 من الجنود في الهجوم").is_empty());
        assert!(find_dates("عاد الـ15 من المفقودين و3 من الأطباء").is_empty());
        assert!(find_dates("ولد التوأم 3 من أب واحد").is_empty());
        assert!(find_dates("ربح المتسابق 12 من أصل 20").is_empty());
        assert!(find_dates("رقم الغرفة ك15 آذار").is_empty());
        // آب after a day without من stays a date, as before; with من it needs a year or a pair.
        assert_eq!(iso_all("في 3 آب الماضي"), ["--08-03"]);
        assert_eq!(iso_all("في 3 من آب 2016"), ["2016-08-03"]);
        assert_eq!(iso_all("في 3 من آب/أغسطس"), ["--08-03"]);
    }

    #[test]
    fn the_sentence_says_the_year() {
        let article = PartialDate::from_iso("2021-06-01");
        let iso = |text: &str| -> Vec<String> {
            find_dates_with_year(text, article)
                .iter()
                .map(|d| d.date.iso())
                .collect()
        };
        assert_eq!(iso("التقيا في 3 أيار من العام الجاري"), ["2021-05-03"]);
        assert_eq!(iso("وفي هذا العام، جرى الحفل في 9 آذار"), ["2021-03-09"]);
        assert_eq!(
            iso("في 12 تشرين الأول/أكتوبر من العام الماضي"),
            ["2020-10-12"]
        );
        assert_eq!(
            iso("تجري الانتخابات في 20 شباط العام المقبل"),
            ["2022-02-20"]
        );
        assert_eq!(
            iso("يفتتح الجسر في 1 يناير من السنة القادمة"),
            ["2022-01-01"]
        );
        assert_eq!(iso("كما ذكر للعام الماضي موعد 5 مايو"), ["2020-05-05"]);
        // Nothing in the sentence: the article's year. Another sentence does not count.
        assert_eq!(
            iso("عقد المؤتمر العام الماضي. ثم اجتمعوا في 7 مايو"),
            ["2021-05-07"]
        );
        // A year in the text wins; `العام` after a definite noun is "general", not the year.
        assert_eq!(iso("في 7 مايو 2019 من العام الماضي"), ["2019-05-07"]);
        assert_eq!(
            iso("يتسلم الأمين العام المقبل مهامه في 2 يناير"),
            ["2021-01-02"]
        );
        // The nearest phrase wins.
        assert_eq!(
            iso("زار العام الماضي مصنعا، ويعود في 4 أبريل العام المقبل"),
            ["2022-04-04"]
        );
        // A sentence that ends with a two-byte `؟` before the date (found on ANERcorp text).
        assert_eq!(
            iso("ماذا بعد عرضه في دبي ؟ وأين لقيت تجاوبا في 3 أيار العام الماضي"),
            ["2020-05-03"]
        );
        // No article year: nothing to count from.
        let none = find_dates_with_year("في 3 أيار من العام الجاري", None);
        assert_eq!(none[0].date.iso(), "--05-03");
        let yearless = find_dates_with_year(
            "في 3 أيار من العام الجاري",
            PartialDate::from_iso("--05-14"),
        );
        assert_eq!(yearless[0].date.iso(), "--05-03");
    }

    #[test]
    fn year_comes_from_context() {
        let d = find_dates("14 ماي")[0].date;
        let ctx = PartialDate {
            year: Some(2021),
            month: Some(5),
            day: Some(14),
        };
        assert_eq!(d.with_year_from(Some(ctx)).iso(), "2021-05-14");
        assert_eq!(d.with_year_from(None).iso(), "--05-14");
    }
}
