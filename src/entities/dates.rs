//! Date entities: every date the one date parser finds, named by its ISO form. A date without
//! its year takes it from its sentence (`العام الماضي`…) or else from the article's own date
//! ([`crate::text::dates::find_dates_with_year`]); with neither it stays `--MM-DD`.

use super::kind::{Entity, EntityKind};
use crate::text::dates::{find_dates_with_year, PartialDate};

/// The date entities of `text`; `article_date` is the article's own date (its year fills the
/// dates that give none).
pub(super) fn date_entities(text: &str, article_date: Option<PartialDate>) -> Vec<Entity> {
    let mut out: Vec<Entity> = Vec::new();
    // Every date has a day or a year in digits: text without digits has none.
    if !text.chars().any(|c| crate::text::ascii_digit(c).is_some()) {
        return out;
    }
    // Paragraph by paragraph (a date never spans a blank line), only those with a digit.
    let mut found = Vec::new();
    for para in text.split("\n\n") {
        let off = para.as_ptr() as usize - text.as_ptr() as usize;
        if para.chars().any(|c| crate::text::ascii_digit(c).is_some()) {
            found.extend(
                find_dates_with_year(para, article_date)
                    .into_iter()
                    .map(|mut d| {
                        d.start += off;
                        d.end += off;
                        d
                    }),
            );
        }
    }
    for d in found {
        let iso = d.date.iso();
        if iso.is_empty() {
            continue;
        }
        match out.iter_mut().find(|e| e.name == iso) {
            Some(e) => {
                e.count += 1;
                e.mentions.push([d.start, d.end]);
            }
            None => out.push(Entity {
                kind: EntityKind::Date,
                name: iso,
                count: 1,
                mentions: vec![[d.start, d.end]],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::entities::{extract_with, EntityKind, Tagger};

    fn builtin() -> &'static Tagger {
        Tagger::load_builtin().expect("built-in model loads")
    }

    #[test]
    fn dates_are_iso_and_take_the_article_year() {
        let text = "قال في 9 تشرين الثاني/نوفمبر 2020 إن اللقاء في 14 ماي، وفي ٠٧ يوليو ٢٠٢١.";
        let ents = extract_with(
            builtin(),
            text,
            crate::text::dates::PartialDate::from_iso("2021-05-20"),
        );
        let dates: Vec<&str> = ents
            .iter()
            .filter(|e| e.kind == EntityKind::Date)
            .map(|e| e.name.as_str())
            .collect();
        assert!(dates.contains(&"2020-11-09"), "{dates:?}");
        assert!(dates.contains(&"2021-05-14"), "{dates:?}");
        assert!(dates.contains(&"2021-07-07"), "{dates:?}");
        // Without an article date the year stays unknown.
        let ents = extract_with(builtin(), "اللقاء في 14 ماي", None);
        assert_eq!(ents[0].name, "--05-14");
        let d = &ents[0];
        assert_eq!(
            &"اللقاء في 14 ماي"[d.mentions[0][0]..d.mentions[0][1]],
            "14 ماي"
        );
    }
}
