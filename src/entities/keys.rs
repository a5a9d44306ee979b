//! The key of an entity name and the cuts that lead to it: what the index stores and what a
//! `person:NAME` query looks up. Every word is folded ([`lexicon::fold_phrase`]: normalised,
//! proclitics stripped), person titles and nisba adjectives are dropped from the front of a
//! person's name, and the alias table maps variants to one key. The proclitic cut of a mention's
//! first word ([`clitic_cut`]) keeps the letters of the name itself.

use super::kind::EntityKind;
use super::lexicon::{self, aliases, fold_phrase, fold_word, gazetteer, triggers, Trigger};
use crate::text::dates::find_dates;
use crate::text::{is_arabic_letter, is_arabic_mark, normalize, PROCLITICS};

/// The normalised, alias-folded key of an entity name: what the index stores and what a
/// `person:NAME` query looks up. Every word is normalised and stripped of proclitics
/// (لروسيا = روسيا), person titles are dropped (الرئيس الروسي فلاديمير بوتين = فلاديمير بوتين),
/// and the alias table maps variants to one canonical key (ناغورني قره باغ = كاراباخ). Dates are
/// keyed by their ISO form.
pub fn entity_key(kind: EntityKind, name: &str) -> String {
    if kind == EntityKind::Date {
        return find_dates(name)
            .first()
            .map(|d| d.date.iso())
            .unwrap_or_else(|| normalize(name.trim()));
    }
    // A period glued to a word of three letters or more is a stray sentence end inside the name
    // (إلهام. علييف), not part of it; a shorter word keeps it (د. is an abbreviation).
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .map(|w| match w.strip_suffix('.') {
            Some(rest) if rest.chars().count() >= 3 => rest,
            _ => w,
        })
        .filter(|w| !w.is_empty())
        .collect();
    let words = if kind == EntityKind::Person {
        &words[leading_titles(&words)..]
    } else {
        &words[..]
    };
    let key = fold_phrase(&words.join(" "));
    aliases().get(&key).cloned().unwrap_or(key)
}

/// How many leading words of a person mention are titles or nisba adjectives (الرئيس الروسي),
/// always leaving at least one word.
pub(super) fn leading_titles(words: &[&str]) -> usize {
    let trig = triggers();
    let mut n = 0;
    while n + 1 < words.len() {
        let f = fold_word(words[n]);
        let is_title = trig.get(&f) == Some(&Trigger::Title);
        if is_title || is_nisba(words[n]) {
            n += 1;
        } else {
            break;
        }
    }
    n
}

/// A definite relational adjective such as الروسي, الروسية, الأرمنيين: ال + stem + ي/ية/يين/يون.
/// The ال may carry one proclitic letter in front (والروسية, للروسية).
pub(super) fn is_nisba(word: &str) -> bool {
    let n = normalize(word);
    let body = article_chains().iter().find_map(|p| n.strip_prefix(p));
    let Some(body) = body else { return false };
    body.chars().count() >= 3
        && ["ي", "يه", "يين", "يون", "يات"]
            .iter()
            .any(|s| body.ends_with(s))
}

/// The article with at most one proclitic letter before it (ال وال بال فال كال لل), from the
/// one proclitic list [`PROCLITICS`].
fn article_chains() -> &'static [&'static str] {
    static A: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    A.get_or_init(|| {
        PROCLITICS
            .iter()
            .map(|p| p.form)
            .filter(|f| *f == "لل" || (f.ends_with("ال") && f.chars().count() <= 3))
            .collect()
    })
}

/// Removes the proclitics from the front of a name's first word when the article or the
/// gazetteer shows the bare form exists (وباشينيان → باشينيان because باشينيان occurs; but
/// بيسكوف stays whole). `و/ب/ل…+ال` always gives the ال form (والكرملين → الكرملين).
/// Returns how many leading letters to drop and whether to put back an ا (لل → ال).
///
/// The chains tried, longest first, are the [`PROCLITICS`] marked for names (the bare article is
/// not among them: a name keeps its ال). A word that is itself a place of the gazetteer or a
/// one-word name of the person list is never cut (كسلا stays, though ك + سلا is a place too;
/// كوفي stays, though وفي occurs), and `second`, the name's next word, lets a
/// two-word place show the bare form (وإسلام آباد → إسلام آباد).
pub(super) fn clitic_cut(
    first: &str,
    second: Option<&str>,
    attested: &super::Attested,
) -> (usize, bool) {
    let n = normalize(first);
    let places = &gazetteer().plain;
    if places.contains(&n) {
        return (0, false);
    }
    // A one-word name of the person list keeps its first letters: كوفي is not ك + وفي ("and
    // in", which the article has), كالديرون not ك + الديرون, كلاوس بيكارد not ك + the place
    // لاوس. Alone before a place it may still be a proclitic (بروما: in Rome).
    let listed = lexicon::person_single_names().contains(&n);
    let second = second.map(normalize);
    for p in PROCLITICS.iter().filter(|p| p.name).map(|p| p.form) {
        let Some(rest) = n.strip_prefix(p) else {
            continue;
        };
        let plen = p.chars().count();
        if listed && (p.ends_with("ال") || p == "لل") {
            continue;
        }
        if p.ends_with("ال") && p.len() > "ال".len() {
            if rest.chars().count() >= 2 {
                return (plen - 2, false);
            }
            continue;
        }
        if p == "لل" {
            if rest.chars().count() >= 2 {
                return (1, true);
            }
            continue;
        }
        let evidence = rest.chars().count() >= 3
            && ((attested.contains(rest) && !listed)
                || (places.contains(rest) && !(listed && second.is_some()))
                || second
                    .as_ref()
                    .is_some_and(|w| places.contains(&format!("{rest} {w}")))
                || lexicon::org_heads_plain().contains(rest));
        // A word more common whole than bare is a word, not a proclitic and a name (فرانس of
        // فرانس برس, not ف + رانس, the French town); بروما is rarer than روما.
        let whole_is_commoner = || {
            let infos = crate::entities::tagger::token_infos(&[n.as_str(), rest]);
            infos[0].rarity() < infos[1].rarity()
        };
        if evidence && !whole_is_commoner() {
            return (plen, false);
        }
    }
    (0, false)
}

/// Byte offset in `word` after skipping `letters` letters (and the marks that ride on them).
pub(super) fn skip_letters(word: &str, letters: usize) -> usize {
    let mut seen = 0;
    for (i, c) in word.char_indices() {
        if seen == letters && !is_arabic_mark(c) && c != '\u{0640}' {
            return i;
        }
        if is_arabic_letter(c) {
            seen += 1;
        }
    }
    word.len()
}

#[cfg(test)]
mod tests {
    use super::super::group::make_mention;
    use super::super::tokens::ner_tokens;
    use super::*;

    #[test]
    fn keys_fold_clitics_titles_and_aliases() {
        let p = EntityKind::Place;
        assert_eq!(entity_key(p, "لروسيا"), entity_key(p, "روسيا"));
        assert_eq!(entity_key(p, "وروسيا"), entity_key(p, "روسيا"));
        assert_eq!(
            entity_key(p, "ناغورني قره باغ"),
            entity_key(p, "ناغورنو-كاراباخ")
        );
        assert_eq!(entity_key(p, "كاراباخ"), entity_key(p, "ناغورنو قره باغ"));
        assert_eq!(
            entity_key(EntityKind::Org, "الكريملِن"),
            entity_key(EntityKind::Org, "الكرملين")
        );
        let per = EntityKind::Person;
        assert_eq!(
            entity_key(per, "الرئيس الروسي فلاديمير بوتين"),
            entity_key(per, "فلاديمير بوتين")
        );
        assert_ne!(entity_key(per, "فلاديمير بوتين"), entity_key(per, "بوتين"));
        assert_eq!(entity_key(EntityKind::Date, "9 نوفمبر 2020"), "2020-11-09");
        // A stray period inside a name is not part of its key; an abbreviation keeps its own.
        assert_eq!(
            entity_key(per, "إلهام. علييف"),
            entity_key(per, "إلهام علييف")
        );
        assert_ne!(entity_key(per, "د. محمد"), entity_key(per, "د محمد"));
    }

    #[test]
    fn places_keep_their_own_letters_and_two_word_places_lose_their_proclitics() {
        let att = crate::entities::Attested::default();
        // كسلا is a place, and so is سلا: the word as written wins.
        assert_eq!(clitic_cut("كسلا", None, &att), (0, false));
        assert_eq!(clitic_cut("وكسلا", None, &att), (1, false));
        // إسلام alone is no place; إسلام آباد is.
        assert_eq!(clitic_cut("وإسلام", None, &att), (0, false));
        assert_eq!(clitic_cut("وإسلام", Some("آباد"), &att), (1, false));
        let text = "وقال إن موسكو وإسلام آباد شريكتان";
        let s = ner_tokens(text);
        let mut names = super::super::group::Names::default();
        let m =
            make_mention(text, EntityKind::Place, &s[0][3..5], &att, &mut names).expect("mention");
        assert_eq!(names.get(m.display), "إسلام آباد");
    }

    #[test]
    fn a_listed_first_name_keeps_its_first_letter() {
        // The article has وفي ("and in") and كوفي: كوفي أنان is not ك + وفي أنان.
        let mut att = crate::entities::Attested::default();
        att.insert("وفي");
        att.insert("كوفي");
        assert_eq!(clitic_cut("كوفي", Some("انان"), &att), (0, false));
        assert_eq!(clitic_cut("وكوفي", Some("انان"), &att), (1, false));
        // A word of no list is still cut towards what the article attests.
        att.insert("باشينيان");
        assert_eq!(clitic_cut("وباشينيان", None, &att), (1, false));
        // Before a surname a listed name keeps a letter that would leave a place (لاوس) or an
        // article (الديرون); alone before a place the letter is a preposition.
        assert_eq!(clitic_cut("كلاوس", Some("بيكارد"), &att), (0, false));
        assert_eq!(clitic_cut("كالديرون", None, &att), (0, false));
        assert_eq!(clitic_cut("بروما", None, &att), (1, false));
        // A word commoner whole than bare keeps its letter: فرانس برس, not the town رانس.
        assert_eq!(clitic_cut("فرانس", Some("برس"), &att), (0, false));
        assert_eq!(clitic_cut("لموسكو", None, &att), (1, false));
    }

    #[test]
    fn organisation_heads_lose_their_proclitics_but_keep_their_own_letters() {
        let att = crate::entities::Attested::default();
        assert_eq!(clitic_cut("لمنظمة", None, &att), (1, false));
        assert_eq!(clitic_cut("ومنظمة", None, &att), (1, false));
        assert_eq!(clitic_cut("وزارة", None, &att), (0, false));
        assert_eq!(clitic_cut("وكالة", None, &att), (0, false));
        let text = "دعا المؤتمر لمنظمة التجارة العالمية";
        let s = ner_tokens(text);
        let mut names = super::super::group::Names::default();
        let m =
            make_mention(text, EntityKind::Org, &s[0][2..5], &att, &mut names).expect("mention");
        assert_eq!(names.get(m.display), "منظمة التجارة العالمية");
    }
}
