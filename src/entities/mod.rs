//! Named entities of an article: who, where, which organisation, and when.
//!
//! The pipeline: [`ner_tokens`] cuts the text into ANERcorp-style tokens (whitespace words with
//! their clitics, punctuation on its own) and sentences; the built-in [`Tagger`] (a linear-chain
//! CRF trained on ANERcorp, two passes over the article) tags them PERS/LOC/ORG/MISC in
//! BIO; dates come from the one
//! date parser, [`crate::text::dates::find_dates`]. A sentence with no Arabic letter (an English
//! or French paragraph) is not tagged, and Latin words inside an Arabic sentence get no tag. The
//! rules of `rules.rs` then take organisation names whole (وزارة الدفاع الأرمنية, مجلس التعاون
//! لدول الخليج العربية, منظمة الأمن والتعاون في أوروبا, مجموعة مينسك as an organisation, not the
//! city), make an agency in a source slot an organisation, and keep verbs (يلتقي) and the
//! conjunction و out of names. Mentions are then cleaned (titles dropped from
//! person names, proclitics from the front of a name) and grouped into [`Entity`]s by
//! [`entity_key`]: normalised, proclitic-stripped, alias-folded (`data/aliases.tsv`). A short
//! person mention joins the one full name in the same article that ends or starts with it
//! (بوتين → فلاديمير بوتين). MISC is tagged but not reported.
//!
//! For the search index: put `entity_key(kind, &entity.name)` of every entity into the field of
//! its kind; a query `person:NAME` looks up `entity_key(EntityKind::Person, NAME)`, so any
//! spelling variant, clitic form or title-prefixed form of the name finds the same articles.
//!
//! The rooms, in pipeline order: `tokens.rs` (ANERcorp-style tokens and sentences), [`tagger`]
//! (the model), `rules.rs` (the clean-up passes over its tags), `keys.rs` (the folded key of a
//! name and the cuts that lead to it), `group.rs` (mentions grouped into entities), `dates.rs`
//! (date entities); `lexicon.rs` holds the word lists of `data/` and the one longest-phrase
//! scan, `kind.rs` the types qari reports.

pub mod conll;
mod dates;
mod group;
mod keys;
mod kind;
mod lexicon;
mod rules;
pub mod tagger;
mod tokens;
pub mod word_classes;

pub use keys::entity_key;
pub use kind::{Entity, EntityKind};
pub use tagger::{EntType, ModelError, Sentence, Tag, Tagger, TrainOptions};
pub use tokens::{ner_tokens, Span};

/// Other one-word spellings of `whole` (a normalised whole form) in the alias table, as
/// normalised whole forms: what search adds as variants of a name it knows.
pub fn alias_spellings(whole: &str) -> Vec<String> {
    let form = |w: &str| crate::text::whole_form(&crate::text::normalize(w)).to_string();
    lexicon::one_word_spellings()
        .iter()
        .filter(|g| g.iter().any(|w| form(w) == whole))
        .flat_map(|g| g.iter().map(|w| form(w)))
        .filter(|w| w != whole)
        .collect()
}

use crate::text::dates::PartialDate;
use crate::text::normalize;
use group::{group, make_agency_mention, make_mention, Mention, Names};
use rules::{
    alias_spans, continues_name, is_place_word, latin_out, leading_conjunction, listed_full_names,
    mark_agencies, mark_source, org_spans, propagate, quoted_names, refine_chunks, title_holders,
    title_words_out,
};

/// The entities of `text` using the built-in model. `article_date` is the article's own date,
/// which supplies the year of a day+month date that has none. Fails only when the
/// built-in model cannot be loaded.
pub fn extract(
    text: &str,
    article_date: Option<PartialDate>,
) -> Result<Vec<Entity>, &'static ModelError> {
    let tagger = Tagger::load_builtin()?;
    Ok(extract_with(tagger, text, article_date))
}

/// A sentence's token features: kept from tagging, or made again (a long article keeps none).
enum SentenceInfos<'a> {
    Kept(&'a [tagger::TokInfo]),
    Made(Vec<tagger::TokInfo>),
}

impl std::ops::Deref for SentenceInfos<'_> {
    type Target = [tagger::TokInfo];
    fn deref(&self) -> &[tagger::TokInfo] {
        match self {
            SentenceInfos::Kept(s) => s,
            SentenceInfos::Made(v) => v,
        }
    }
}

/// Sentences an article is tagged in at once. A longer one (a 16 MiB article) is tagged in
/// blocks of this many, each with the `2 × DOC_WINDOW` sentences on either side its tags depend
/// on (the sports topic reads a window, the second pass the first pass's tags in a window), so
/// memory follows the block, not the article, and the tags are the same.
const TAG_BLOCK: usize = 512;

/// The token features of one sentence of `text`.
fn sentence_infos(text: &str, sentence: &[Span]) -> Vec<tagger::TokInfo> {
    let words: Vec<&str> = sentence.iter().map(|t| &text[t.start..t.end]).collect();
    tagger::token_infos(&words)
}

/// The normalised words an article has, as evidence that a form stands on its own (a clitic is
/// cut off a name only towards a word the article attests). Kept as 64-bit hashes, not strings:
/// a 16 MiB article of random words has three million distinct ones (the string map took ~100
/// MB more). A collision (about one in 10^7 pairs at that size) can only allow one such cut.
#[derive(Debug, Default)]
pub(crate) struct Attested(rustc_hash::FxHashSet<u64>);

impl Attested {
    /// Whether the article has the normalised word `norm`.
    pub(crate) fn contains(&self, norm: &str) -> bool {
        self.0.contains(&tagger::norm_hash(norm))
    }

    /// Records the normalised word `norm`.
    #[cfg(test)]
    pub(crate) fn insert(&mut self, norm: &str) {
        self.0.insert(tagger::norm_hash(norm));
    }
}

/// What tagging an article gives: the tags, the words it attests (evidence for clitic
/// stripping), and, for an article of at most one block, the token features (a longer one makes
/// them again per sentence when needed).
struct Tagged {
    tags: Vec<Vec<Tag>>,
    attested: Attested,
    kept: Option<Vec<Vec<tagger::TokInfo>>>,
}

/// Both tagging passes over the sentences of an article: the second sees what the first said of
/// each name elsewhere in it.
fn tag_article(tagger: &Tagger, text: &str, sents: &[Vec<Span>]) -> Tagged {
    let infos_of = |range: std::ops::Range<usize>| -> Vec<Vec<tagger::TokInfo>> {
        sents[range]
            .iter()
            .map(|s| sentence_infos(text, s))
            .collect()
    };
    let mut attested = Attested::default();
    let mut count = |infos: &[Vec<tagger::TokInfo>]| {
        attested.0.extend(infos.iter().flatten().map(|t| t.h_norm));
    };
    let margin = 2 * tagger::DOC_WINDOW;
    let n = sents.len();
    if n <= TAG_BLOCK + 2 * margin {
        let mut infos = infos_of(0..n);
        let tags = tagger.tag_document(&mut infos, tagger::DOC_WINDOW);
        count(&infos);
        return Tagged {
            tags,
            attested,
            kept: Some(infos),
        };
    }
    let mut tags = Vec::with_capacity(n);
    for start in (0..n).step_by(TAG_BLOCK) {
        let end = (start + TAG_BLOCK).min(n);
        let (lo, hi) = (start.saturating_sub(margin), (end + margin).min(n));
        let mut infos = infos_of(lo..hi);
        let block = tagger.tag_document(&mut infos, tagger::DOC_WINDOW);
        tags.extend(block.into_iter().skip(start - lo).take(end - start));
        count(&infos[start - lo..end - lo]);
    }
    Tagged {
        tags,
        attested,
        kept: None,
    }
}

/// [`extract`] with a given tagger.
pub fn extract_with(tagger: &Tagger, text: &str, article_date: Option<PartialDate>) -> Vec<Entity> {
    let sents = ner_tokens(text);
    let Tagged {
        tags: all_tags,
        attested: attested_words,
        kept,
    } = tag_article(tagger, text, &sents);
    let infos_of = |si: usize| -> SentenceInfos<'_> {
        match &kept {
            Some(infos) => SentenceInfos::Kept(&infos[si]),
            None => SentenceInfos::Made(sentence_infos(text, &sents[si])),
        }
    };
    let attested = &attested_words;
    // The source a closing line names (المصدر: تاس), as the corpus reads it: the last lines
    // are enough.
    let mut closing: Vec<String> = text.lines().rev().take(12).map(str::to_string).collect();
    closing.reverse();
    let source =
        crate::corpus::closing_source(&closing).filter(|s| !s.contains(char::is_whitespace));
    // The agencies the dateline names (`( أردو بوینت نتورك ۔ / سبوتنيك)`), word by word.
    let agencies: Vec<Vec<String>> = crate::corpus::dateline_agencies(text)
        .iter()
        .map(|a| {
            let toks = ner_tokens(a).concat();
            toks.iter().map(|t| normalize(&a[t.start..t.end])).collect()
        })
        .collect();
    let mut mentions: Vec<Mention> = Vec::new();
    let mut names = Names::default();
    // A one-word PERS/LOC mention that ended the previous sentence right before a period glued to
    // it (`إلهام. علييف`): index in `mentions` (or none) and its token.
    let mut dangling: Option<(Option<usize>, Span)> = None;
    // Reused from sentence to sentence.
    let mut words: Vec<&str> = Vec::new();
    let mut titles: Vec<bool> = Vec::new();
    let mut common: Vec<bool> = Vec::new();
    for ((si, s), mut tags) in sents.iter().enumerate().zip(all_tags) {
        words.clear();
        words.extend(s.iter().map(|t| &text[t.start..t.end]));
        // A sentence without an Arabic letter (an English or French paragraph) is not Arabic
        // for the model: no entities from it.
        if !words
            .iter()
            .any(|w| w.chars().any(crate::text::is_arabic_letter))
        {
            dangling = None;
            continue;
        }
        let inf = infos_of(si);
        let folded: Vec<&str> = inf.iter().map(|t| t.stripped()).collect();
        latin_out(&words, &mut tags);
        alias_spans(&folded, &mut tags);
        org_spans(&words, &mut tags);
        let mut chunks = refine_chunks(&words, &tags, attested);
        titles.clear();
        titles.extend(inf.iter().map(|t| t.is_title()));
        title_holders(&words, &titles, &mut chunks);
        common.clear();
        common.extend(inf.iter().map(|t| t.is_common()));
        title_words_out(&words, &titles, &common, &mut chunks);
        quoted_names(&words, &titles, &mut chunks);
        listed_full_names(&words, &mut chunks);
        let marked = if agencies.is_empty() {
            Vec::new()
        } else {
            let norms: Vec<&str> = inf.iter().map(|t| t.norm.as_str()).collect();
            mark_agencies(&norms, &mut chunks, &agencies)
        };
        if let Some(source) = &source {
            mark_source(&words, &mut chunks, source);
        }
        // The name before a stray period and the untagged surname after it (إلهام. علييف).
        if let Some((prev, tok)) = dangling {
            let untagged = chunks.first().is_none_or(|c| c.1 > 0);
            if untagged && continues_name(&text[tok.start..tok.end], words[0]) {
                let toks = [tok, s[0]];
                if let Some(joined) =
                    make_mention(text, EntityKind::Person, &toks, attested, &mut names)
                {
                    if let Some(pi) = prev {
                        mentions[pi].words = 0; // removed below
                    }
                    mentions.push(joined);
                }
            }
        }
        let mut next_dangling = None;
        for (ci, &(ty, a, b)) in chunks.iter().enumerate() {
            let Some(kind) = EntityKind::of(ty) else {
                continue;
            };
            let after_name = ci > 0 && chunks[ci - 1].2 == a;
            let mut toks = s[a..b].to_vec();
            if leading_conjunction(&words, a, after_name) {
                toks[0].start += 'و'.len_utf8();
            }
            let mut m = if marked.contains(&(a, b)) {
                make_agency_mention(text, &toks, attested, &mut names)
            } else {
                make_mention(text, kind, &toks, attested, &mut names)
            };
            if let (0, EntityKind::Person, Some((prev, tok))) = (a, kind, dangling) {
                // A stray period inside a name: the one-word name before it (not a known place)
                // and the person name after it are one person.
                let mut toks = vec![tok];
                toks.extend_from_slice(&s[a..b]);
                if let Some(joined) = make_mention(text, kind, &toks, attested, &mut names) {
                    if let Some(pi) = prev {
                        mentions[pi].kind = EntityKind::Person;
                        mentions[pi].words = 0; // removed below
                    }
                    m = Some(joined);
                }
            }
            let idx = m.as_ref().map(|_| mentions.len());
            if let Some(m) = m {
                mentions.push(m);
            }
            if b + 1 == s.len()
                && b == a + 1
                && matches!(ty, EntType::Pers | EntType::Loc)
                && &text[s[b].start..s[b].end] == "."
                && s[b].start == s[a].end
                && !is_place_word(words[a])
            {
                next_dangling = Some((idx, s[a]));
            }
        }
        dangling = next_dangling;
    }
    // A date's words are the date's: a month the model took for a name (`الأول/أكتوبر` of `18
    // تشرين الأول/أكتوبر`) is no name.
    let dates = dates::date_entities(text, article_date);
    let in_date = |m: &Mention| {
        let [a, b] = m.span;
        dates
            .iter()
            .flat_map(|d| &d.mentions)
            .any(|&[s, e]| a < e && s < b)
    };
    mentions.retain(|m| m.words > 0 && !in_date(m));
    let mut extra = propagate(text, &sents, &infos_of, attested, &mentions, &mut names);
    extra.retain(|m| !in_date(m));
    let mut out = group(&mentions, &extra, &names);
    out.extend(dates);
    out.sort_by(|a, b| {
        (a.kind, std::cmp::Reverse(a.count), a.mentions.first()).cmp(&(
            b.kind,
            std::cmp::Reverse(b.count),
            b.mentions.first(),
        ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> &'static Tagger {
        Tagger::load_builtin().expect("built-in model loads")
    }

    #[test]
    fn nisba_adjectives_are_not_places() {
        let ents = extract_with(
            builtin(),
            "قالت الخارجية الروسية إن القوات الأرمينية انسحبت.",
            None,
        );
        for e in &ents {
            assert!(!matches!(e.name.as_str(), "الروسية" | "الأرمينية"), "{e:?}");
        }
    }

    #[test]
    fn bad_input_gives_no_entities_and_no_panic() {
        let t = builtin();
        assert!(extract_with(t, "", None).is_empty());
        assert!(extract_with(t, "   \n\n  ", None).is_empty());
        let latin = extract_with(t, "The quick brown fox, 2020.", None);
        assert!(
            latin.iter().all(|e| e.kind != EntityKind::Person),
            "{latin:?}"
        );
        // Mixed scripts and stray marks keep offsets on char boundaries.
        let mixed = "Putin بوتين (Москва) موسكو ‏ً 😀 لروسيا";
        for e in extract_with(t, mixed, None) {
            for m in e.mentions {
                assert!(mixed.is_char_boundary(m[0]) && mixed.is_char_boundary(m[1]));
            }
        }
        // One 5 MB line without a newline or full stop.
        let huge = "قال الرئيس فلاديمير بوتين في موسكو ".repeat(150_000);
        let ents = extract_with(t, &huge, None);
        assert!(ents.iter().any(|e| e.kind == EntityKind::Place));
    }

    #[test]
    fn a_long_article_tagged_in_blocks_gets_the_tags_of_a_whole_one() {
        // Seed text repeated past several blocks, with sport words in places (the topic feature
        // reads a window too).
        let seed = include_str!("../../seeds/001_13ef93096cc37932.txt");
        let mut text = String::new();
        for i in 0..160 {
            text.push_str(seed);
            if i % 7 == 0 {
                text.push_str(" فاز الفريق في المباراة بهدفين في الدوري والملعب امتلأ بالجمهور. ");
            }
        }
        let t = builtin();
        let sents = ner_tokens(&text);
        assert!(sents.len() > 3 * TAG_BLOCK, "{}", sents.len());
        let blocked = tag_article(t, &text, &sents);
        assert!(blocked.kept.is_none());
        let mut infos: Vec<Vec<tagger::TokInfo>> =
            sents.iter().map(|s| sentence_infos(&text, s)).collect();
        let whole = t.tag_document(&mut infos, tagger::DOC_WINDOW);
        assert_eq!(blocked.tags, whole);
    }

    #[test]
    fn a_stray_period_inside_a_person_name_does_not_split_it() {
        let text = "وقال رئيس الوزراء البريطاني بوريس. جونسون إن لندن مستعدة.";
        let ents = extract_with(builtin(), text, None);
        let people: Vec<&str> = ents
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(people, vec!["بوريس جونسون"], "{ents:?}");
        // A real sentence end after a known place is left alone.
        let text = "زار الوفد موسكو. بوتين قال إن روسيا مستعدة.";
        let ents = extract_with(builtin(), text, None);
        assert!(ents.iter().any(|e| e.name == "موسكو"), "{ents:?}");
    }

    #[test]
    fn seed_names_taken_whole() {
        // Seed 002's dateline credits two agencies; the model took the first for the place أردو.
        let text = include_str!("../../seeds/002_59cf70ea1a2082cc.txt");
        let ents = extract_with(builtin(), text, None);
        let orgs: Vec<&str> = ents
            .iter()
            .filter(|e| e.kind == EntityKind::Org)
            .map(|e| e.name.as_str())
            .collect();
        assert!(orgs.contains(&"أردو بوینت نتورك"), "{orgs:?}");
        assert!(orgs.contains(&"سبوتنيك"), "{orgs:?}");
        assert!(!ents.iter().any(|e| e.name == "أردو"), "{ents:?}");
        // Seed 000: the quoted envoy “إيغور خاف”, whose surname is also a verb.
        let text = include_str!("../../seeds/000_5d3c243a0b753bd8.txt");
        let ents = extract_with(builtin(), text, None);
        assert!(
            ents.iter()
                .any(|e| e.kind == EntityKind::Person && e.name == "إيغور خاف"),
            "{ents:?}"
        );
        assert!(!ents.iter().any(|e| e.name == "إيغور"), "{ents:?}");
    }

    #[test]
    fn a_place_spreads_only_to_its_own_name() {
        // One sense per article found لبنان in الفنان and فنان ("artist"): a one-word place
        // the place list lacks and the dictionary has is not spread.
        let text =
            "زار الوفد لبنان أمس وقال الوزير إن لبنان بلد جميل. وقال لهم: دعوه يعمل فهو فنان \
                    جيد، وقدم الفنان نور الشريف عرضا.";
        let ents = extract_with(builtin(), text, None);
        let lebanon = ents.iter().find(|e| e.name == "لبنان").expect("لبنان");
        assert_eq!(lebanon.count, 2, "{lebanon:?}");
        for [a, b] in &lebanon.mentions {
            assert!(text[*a..*b].contains("لبنان"), "{}", &text[*a..*b]);
        }
    }

    #[test]
    fn the_words_of_a_date_are_no_name() {
        // Seed 001: `18 تشرين الأول/أكتوبر`, whose month the model tags as a name.
        let text = include_str!("../../seeds/001_13ef93096cc37932.txt");
        let month = "الأول/أكتوبر";
        let sents = ner_tokens(text);
        let tagged = tag_article(builtin(), text, &sents);
        let tagged_month = sents.iter().zip(&tagged.tags).any(|(s, tags)| {
            s.iter()
                .zip(tags)
                .any(|(t, tag)| &text[t.start..t.end] == month && tag.ent().is_some())
        });
        assert!(
            tagged_month,
            "the model no longer tags {month}: pick another case"
        );
        let ents = extract_with(builtin(), text, None);
        assert!(
            ents.iter()
                .any(|e| e.kind == EntityKind::Date && e.name.ends_with("10-18")),
            "{ents:?}"
        );
        assert!(
            !ents
                .iter()
                .any(|e| e.kind != EntityKind::Date && e.name.contains("أكتوبر")),
            "{ents:?}"
        );
    }
}
