//! From tagged chunks to entities: a chunk becomes a [`Mention`] (punctuation, titles and
//! proclitics cut off, keyed by [`entity_key`]), and the mentions of one text are grouped into
//! [`Entity`]s, each named by its best display form.

use rustc_hash::FxHashMap;

use super::keys::{clitic_cut, entity_key, is_nisba, leading_titles, skip_letters};
use super::kind::{Entity, EntityKind};
use super::lexicon::{alias_display, fold_word, gazetteer, is_function_word, person_single_names};
use super::tokens::{is_punct, Span};
use crate::text::is_arabic_mark;

/// One mention of a name: its kind, key, display form (both as ids into the text's [`Names`]),
/// length in tokens and byte range. 32 bytes and nothing on the heap: a long article has a
/// million mentions of a few dozen names.
pub(super) struct Mention {
    pub(super) kind: EntityKind,
    pub(super) key: NameId,
    pub(super) display: NameId,
    pub(super) words: u32,
    pub(super) span: [usize; 2],
}

/// An id of a string in [`Names`].
pub(super) type NameId = u32;

/// The distinct keys and display forms of one text's mentions, each stored once.
#[derive(Debug, Default)]
pub(super) struct Names {
    ids: FxHashMap<Box<str>, NameId>,
    all: Vec<Box<str>>,
}

impl Names {
    /// The id of `s`, added if new.
    pub(super) fn id(&mut self, s: &str) -> NameId {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = NameId::try_from(self.all.len()).unwrap_or(NameId::MAX);
        self.all.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The string of `id`.
    pub(super) fn get(&self, id: NameId) -> &str {
        self.all.get(id as usize).map_or("", |s| s)
    }
}

/// The mention of `kind` made of the tokens `toks` of `text`: punctuation at the edges, a
/// person's titles and the first word's proclitics cut off; `None` when nothing name-like is left.
pub(super) fn make_mention(
    text: &str,
    kind: EntityKind,
    toks: &[Span],
    attested: &super::Attested,
    names: &mut Names,
) -> Option<Mention> {
    mention_of(text, kind, toks, attested, names, false)
}

/// [`make_mention`] for an agency the dateline names: its name may be written in Persian or
/// Urdu letters (`أردو بوینت نتورك`), which a name the model found may not.
pub(super) fn make_agency_mention(
    text: &str,
    toks: &[Span],
    attested: &super::Attested,
    names: &mut Names,
) -> Option<Mention> {
    mention_of(text, EntityKind::Org, toks, attested, names, true)
}

fn mention_of(
    text: &str,
    kind: EntityKind,
    toks: &[Span],
    attested: &super::Attested,
    names: &mut Names,
    given: bool,
) -> Option<Mention> {
    let mut toks = toks;
    // Punctuation at the edges is never part of a name.
    while let Some(t) = toks.first() {
        if text[t.start..t.end].chars().all(is_punct) {
            toks = &toks[1..];
        } else {
            break;
        }
    }
    while let Some(t) = toks.last() {
        if text[t.start..t.end].chars().all(is_punct) {
            toks = &toks[..toks.len() - 1];
        } else {
            break;
        }
    }
    if toks.is_empty() {
        return None;
    }
    // A person's name never starts with a number (`14 ماي` in a dateline is a date).
    if kind == EntityKind::Person
        && text[toks[0].start..toks[0].end]
            .chars()
            .next()
            .is_some_and(|c| crate::text::ascii_digit(c).is_some())
    {
        return None;
    }
    if kind == EntityKind::Person {
        let words: Vec<&str> = toks.iter().map(|t| &text[t.start..t.end]).collect();
        toks = &toks[leading_titles(&words)..];
    }
    let first = &text[toks[0].start..toks[0].end];
    let second = toks.get(1).map(|t| &text[t.start..t.end]);
    let (cut, add_alef) = clitic_cut(first, second, attested);
    let start = toks[0].start + skip_letters(first, cut);
    let end = toks[toks.len() - 1].end;
    let mut display = String::new();
    if add_alef {
        display.push('ا');
    }
    // The words of the name, one space between words (a stray period or a line break between
    // two tokens of one name is not part of it).
    display.push_str(&text[start..toks[0].end]);
    for w in toks.windows(2) {
        if w[1].start > w[0].end {
            display.push(' ');
        }
        display.push_str(&text[w[1].start..w[1].end]);
    }
    // Names have letters; a lone nisba adjective (الروسية) is not a place or a person.
    let letters = display.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 {
        return None;
    }
    let key = entity_key(kind, &display);
    if key.is_empty() {
        return None;
    }
    // Persian/Urdu-script runs (a source line in Urdu) are outside what the Arabic model knows.
    if !given && display.chars().any(|c| "پچژگکیٹڈںےۓھ".contains(c)) {
        return None;
    }
    if toks.len() == 1 && is_function_word(first) {
        return None;
    }
    // A surname of the person list is no adjective (الحريري, المالكي, القرضاوي).
    if toks.len() == 1
        && is_nisba(first)
        && !gazetteer().phrases.contains(&fold_word(first))
        && !(kind == EntityKind::Person && listed_surname(first))
    {
        return None;
    }
    Some(Mention {
        kind,
        key: names.id(&key),
        words: u32::try_from(toks.len()).unwrap_or(u32::MAX),
        display: names.id(&display),
        span: [start, end],
    })
}

/// Is the one-word name `w` (ال with at most one proclitic letter before it) a one-word entry of
/// the person-name list as written with its article (الحريري; للمالكي, ل + المالكي), and not
/// among the most common words of general text (الثاني is a family name and, far more often,
/// "the second")?
fn listed_surname(w: &str) -> bool {
    let n = crate::text::normalize(w);
    let mut forms = vec![n.clone()];
    let mut cs = n.chars();
    if cs.next().is_some_and(crate::text::is_proclitic_letter) {
        let rest = cs.as_str();
        forms.push(rest.to_string());
        // لل is ل + ال with the alef dropped.
        if let Some(r) = rest.strip_prefix('ل') {
            forms.push(format!("ال{r}"));
        }
    }
    let names = person_single_names();
    forms
        .into_iter()
        .find(|f| names.contains(f))
        .is_some_and(|f| !crate::entities::tagger::token_infos(&[&f])[0].is_common())
}

/// Groups mentions by key; a key's kind is the majority of its mentions' kinds; short person
/// mentions join the one longer person name in the article that starts or ends with them.
/// The mentions are `found` then `extra` (two slices, not one vector: joining them would copy a
/// long article's million mentions).
pub(super) fn group(found: &[Mention], extra: &[Mention], names: &Names) -> Vec<Entity> {
    let at = |i: u32| {
        let i = i as usize;
        found.get(i).unwrap_or_else(|| &extra[i - found.len()])
    };
    // Groups hold indices into the mentions, not the mentions: an article can have a million.
    struct G {
        kinds: FxHashMap<EntityKind, usize>,
        ms: Vec<u32>,
    }
    let mut groups: Vec<G> = Vec::new();
    let mut by_key: FxHashMap<NameId, usize> = FxHashMap::default();
    for (mi, m) in found.iter().chain(extra).enumerate() {
        let gi = *by_key.entry(m.key).or_insert_with(|| {
            groups.push(G {
                kinds: FxHashMap::default(),
                ms: Vec::new(),
            });
            groups.len() - 1
        });
        *groups[gi].kinds.entry(m.kind).or_default() += 1;
        groups[gi].ms.push(mi as u32);
    }
    let first = |g: &G| at(g.ms[0]);
    let kind_of = |g: &G| {
        let mut ks: Vec<(&EntityKind, &usize)> = g.kinds.iter().collect();
        ks.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        *ks[0].0
    };
    let kinds: Vec<EntityKind> = groups.iter().map(kind_of).collect();
    let keys: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            names
                .get(first(g).key)
                .split(' ')
                .map(str::to_string)
                .collect()
        })
        .collect();
    // Short person names → the unique longer person name that ends or starts with them. The
    // longer names are found through their proper prefixes and suffixes (and an organisation's
    // through its prefixes), not by comparing every pair: a text with tens of thousands of
    // names (a dump of many articles as one) stays linear.
    let mut person_parts: FxHashMap<&[String], Vec<usize>> = FxHashMap::default();
    let mut org_prefixes: FxHashMap<&[String], Vec<usize>> = FxHashMap::default();
    for (j, k) in keys.iter().enumerate() {
        for l in 1..k.len() {
            if kinds[j] == EntityKind::Person {
                person_parts.entry(&k[..l]).or_default().push(j);
                if k[k.len() - l..] != k[..l] {
                    person_parts.entry(&k[k.len() - l..]).or_default().push(j);
                }
            } else if kinds[j] == EntityKind::Org {
                org_prefixes.entry(&k[..l]).or_default().push(j);
            }
        }
    }
    let none: Vec<usize> = Vec::new();
    let mut target: Vec<usize> = (0..groups.len()).collect();
    for i in 0..groups.len() {
        // (each list is in increasing j, each j once: the order of a scan over all groups)
        let cands: Vec<usize> = if kinds[i] == EntityKind::Person || keys[i].len() == 1 {
            let longer = person_parts.get(&keys[i][..]).unwrap_or(&none);
            longer.iter().copied().filter(|&j| j != i).collect()
        } else {
            Vec::new()
        };
        if cands.len() == 1 {
            target[i] = cands[0];
            continue;
        }
        // An organisation named without its nisba adjective (وزارة الدفاع) is the one longer
        // organisation that adds only nisba adjectives (وزارة الدفاع الروسية), if there is one.
        if kinds[i] != EntityKind::Org {
            continue;
        }
        let longer = org_prefixes.get(&keys[i][..]).unwrap_or(&none);
        let cands: Vec<usize> = longer
            .iter()
            .copied()
            .filter(|&j| {
                if j == i {
                    return false;
                }
                let extra = keys[j].len() - keys[i].len();
                let words: Vec<&str> = names
                    .get(first(&groups[j]).display)
                    .split_whitespace()
                    .collect();
                words.len() >= extra && words[words.len() - extra..].iter().all(|w| is_nisba(w))
            })
            .collect();
        if cands.len() == 1 {
            target[i] = cands[0];
        }
    }
    let mut merged: Vec<Option<(EntityKind, Vec<u32>)>> = groups
        .into_iter()
        .zip(&kinds)
        .map(|(g, &k)| Some((k, g.ms)))
        .collect();
    for i in 0..merged.len() {
        if target[i] != i {
            if let Some((_, ms)) = merged[i].take() {
                if let Some((_, t)) = merged[target[i]].as_mut() {
                    t.extend(ms);
                }
            }
        }
    }
    merged
        .into_iter()
        .flatten()
        .map(|(kind, idx)| {
            let mut ms: Vec<&Mention> = idx.iter().map(|&i| at(i)).collect();
            ms.sort_by_key(|m| m.span);
            let mut name = display_name(&ms, names);
            if let Some(canon) = alias_display().get(&entity_key(kind, &name)) {
                name = canon.clone();
            }
            Entity {
                kind,
                name,
                count: ms.len(),
                mentions: ms.iter().map(|m| m.span).collect(),
            }
        })
        .collect()
}

/// The most frequent display form among the mentions with the most words (first seen on ties).
fn display_name(ms: &[&Mention], names: &Names) -> String {
    let max_words = ms.iter().map(|m| m.words).max().unwrap_or(0);
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for m in ms.iter().filter(|m| m.words == max_words) {
        let display = names.get(m.display);
        match counts.iter_mut().find(|(d, _)| *d == display) {
            Some(c) => c.1 += 1,
            None => counts.push((display, 1)),
        }
    }
    // Plain spellings first (no harakat or tatweel), then the most frequent.
    let plain = |d: &str| !d.chars().any(|c| is_arabic_mark(c) || c == '\u{0640}');
    let mut best: Option<(&str, usize)> = None;
    for (d, c) in counts {
        let better = match best {
            None => true,
            Some((bd, bc)) => (plain(d), c) > (plain(bd), bc),
        };
        if better {
            best = Some((d, c));
        }
    }
    best.map(|(d, _)| d.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::lexicon;
    use super::super::tokens::ner_tokens;
    use super::*;
    use crate::entities::{extract_with, Tagger};

    fn builtin() -> &'static Tagger {
        Tagger::load_builtin().expect("built-in model loads")
    }

    #[test]
    fn mentions_group_with_titles_dropped_and_short_names_joined() {
        let text = "قال الرئيس الروسي فلاديمير بوتين إن روسيا مستعدة.\n\nوأضاف بوتين أن لروسيا دورا، وقال وزير الخارجية الروسي سيرغي لافروف إن موسكو ترحب.";
        let ents = extract_with(builtin(), text, None);
        let people: Vec<&Entity> = ents
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .collect();
        let putin: Vec<&&Entity> = people.iter().filter(|e| e.name.contains("بوتين")).collect();
        assert_eq!(putin.len(), 1, "{people:?}");
        assert_eq!(putin[0].name, "فلاديمير بوتين");
        assert_eq!(putin[0].count, 2);
        let russia: Vec<&Entity> = ents.iter().filter(|e| e.name.contains("روسيا")).collect();
        assert_eq!(russia.len(), 1, "{ents:?}");
        assert_eq!(russia[0].name, "روسيا");
        assert_eq!(russia[0].count, 2);
        for e in &ents {
            for m in &e.mentions {
                assert!(text.is_char_boundary(m[0]) && text.is_char_boundary(m[1]));
            }
        }
    }

    #[test]
    fn a_person_never_starts_with_a_number() {
        let text = "قال الرئيس فلاديمير بوتين إن اللقاء مفيد.";
        let toks = crate::entities::ner_tokens(text).remove(0);
        let att = crate::entities::Attested::default();
        // `فلاديمير بوتين` is a person; a chunk starting with `2` (as the model once made of
        // a dateline's `14 ماي`) is not.
        assert!(make_mention(
            text,
            EntityKind::Person,
            &toks[2..4],
            &att,
            &mut Names::default()
        )
        .is_some());
        let text2 = "موسكو، 14 ماي - بحث الرئيس";
        let toks2 = crate::entities::ner_tokens(text2).remove(0);
        let i = toks2
            .iter()
            .position(|t| &text2[t.start..t.end] == "14")
            .unwrap();
        assert!(make_mention(
            text2,
            EntityKind::Person,
            &toks2[i..i + 2],
            &att,
            &mut Names::default()
        )
        .is_none());
    }

    #[test]
    fn a_listed_surname_is_no_adjective() {
        // A lone nisba-shaped word is dropped as an adjective (الروسية), unless it is a person
        // the name list has with its article (الحريري, للمالكي) and no very common word
        // (الثاني, "the second").
        let text = "قال الحريري إن الروسية للمالكي والثاني حضروا";
        let toks = ner_tokens(text).remove(0);
        let att = crate::entities::Attested::default();
        let person = |i: usize| {
            make_mention(
                text,
                EntityKind::Person,
                &toks[i..i + 1],
                &att,
                &mut Names::default(),
            )
            .is_some()
        };
        assert!(person(1) && person(4));
        assert!(!person(3), "الروسية");
        assert!(!person(5), "والثاني");
        let place = make_mention(
            text,
            EntityKind::Place,
            &toks[1..2],
            &att,
            &mut Names::default(),
        );
        assert!(place.is_none(), "only a person is a surname");
    }

    #[test]
    fn an_organisation_without_its_nisba_joins_the_full_name() {
        let text =
            "أعلنت وزارة الدفاع الفرنسية أمس أن الجيش مستعد. وقالت وزارة الدفاع إن الوضع هادئ.";
        let ents = extract_with(builtin(), text, None);
        let orgs: Vec<&Entity> = ents.iter().filter(|e| e.kind == EntityKind::Org).collect();
        let mod_: Vec<&&Entity> = orgs.iter().filter(|e| e.name.contains("الدفاع")).collect();
        assert_eq!(mod_.len(), 1, "{orgs:?}");
        assert_eq!(mod_[0].name, "وزارة الدفاع الفرنسية");
        assert_eq!(mod_[0].count, 2);
    }

    #[test]
    fn function_words_are_never_names() {
        assert!(lexicon::is_function_word("بأن"));
        assert!(lexicon::is_function_word("وفي"));
        assert!(!lexicon::is_function_word("بغداد"));
        let text = "وأكد بأن الاتفاق صامد";
        let s = ner_tokens(text);
        assert!(make_mention(
            text,
            EntityKind::Person,
            &s[0][1..2],
            &crate::entities::Attested::default(),
            &mut Names::default()
        )
        .is_none());
    }

    #[test]
    fn display_names_prefer_the_alias_spelling_and_plain_letters() {
        let text = "قالت روسيا الاتحادية إن الاتحاد الروسي مستعد. ونقلت روسيا الاتحادية ذلك.";
        let ents = extract_with(builtin(), text, None);
        let ru: Vec<&Entity> = ents.iter().filter(|e| e.name.contains("روسي")).collect();
        assert_eq!(ru.len(), 1, "{ents:?}");
        assert_eq!(ru[0].name, "روسيا");
        let mut names = Names::default();
        let mut m = |d: &str| Mention {
            kind: EntityKind::Place,
            key: names.id(""),
            display: names.id(d),
            words: 1,
            span: [0, 0],
        };
        // The marked spelling is more frequent, the plain one still wins.
        let ms = [m("بَغداد"), m("بَغداد"), m("بغداد")];
        let ms: Vec<&Mention> = ms.iter().collect();
        assert_eq!(display_name(&ms, &names), "بغداد");
    }
}
