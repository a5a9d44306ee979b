//! Named entities of an article: who, where, which organisation, and when.
//!
//! The pipeline: [`ner_tokens`] cuts the text into ANERcorp-style tokens (whitespace words with
//! their clitics, punctuation on its own) and sentences; the built-in [`Tagger`] (an averaged
//! perceptron trained on ANERcorp) tags them PERS/LOC/ORG/MISC in BIO; dates come from the one
//! date parser, [`crate::text::dates::find_dates`]. Mentions are then cleaned (titles dropped from
//! person names, proclitics from the front of a name) and grouped into [`Entity`]s by
//! [`entity_key`]: normalised, proclitic-stripped, alias-folded (`data/aliases.tsv`). A short
//! person mention joins the one full name in the same article that ends or starts with it
//! (بوتين → فلاديمير بوتين). MISC is tagged but not reported.
//!
//! For the search index: put `entity_key(kind, &entity.name)` of every entity into the field of
//! its kind; a query `person:NAME` looks up `entity_key(EntityKind::Person, NAME)`, so any
//! spelling variant, clitic form or title-prefixed form of the name finds the same articles.

pub mod conll;
pub mod lexicon;
pub mod tagger;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub use tagger::{EntType, ModelError, Sentence, Tag, Tagger, TrainOptions};

use crate::text::dates::{find_dates, PartialDate};
use crate::text::{is_arabic_letter, is_arabic_mark, is_proclitic_letter, normalize, PROCLITICS};
use lexicon::{
    alias_display, alias_kinds, aliases, fold_phrase, fold_word, gazetteer, is_function_word,
    triggers, Trigger,
};

/// The kinds of entity qari reports (the sidebar's sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person (ANERcorp PERS).
    Person,
    /// A place (ANERcorp LOC).
    Place,
    /// An organisation (ANERcorp ORG).
    Org,
    /// A calendar date, named by its ISO form.
    Date,
}

impl EntityKind {
    /// The lowercase name used in JSON and queries: `person`, `place`, `org`, `date`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Place => "place",
            EntityKind::Org => "org",
            EntityKind::Date => "date",
        }
    }

    /// Parses `person`, `place`, `org`, `date`.
    pub fn parse(s: &str) -> Option<EntityKind> {
        match s {
            "person" => Some(EntityKind::Person),
            "place" => Some(EntityKind::Place),
            "org" => Some(EntityKind::Org),
            "date" => Some(EntityKind::Date),
            _ => None,
        }
    }

    fn of(t: EntType) -> Option<EntityKind> {
        match t {
            EntType::Pers => Some(EntityKind::Person),
            EntType::Loc => Some(EntityKind::Place),
            EntType::Org => Some(EntityKind::Org),
            EntType::Misc => None,
        }
    }
}

/// One entity of one text: its kind, a readable canonical name, and where it is mentioned.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entity {
    /// Person, place, organisation or date.
    pub kind: EntityKind,
    /// Display name in the original script (the most frequent full form, proclitics and titles
    /// removed), or the ISO date for dates.
    pub name: String,
    /// Number of mentions.
    pub count: usize,
    /// Byte ranges `[start, end)` of the mentions in the text, in order.
    pub mentions: Vec<[usize; 2]>,
}

/// A token of [`ner_tokens`]: byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Longest sentence handed to the tagger; longer runs (a huge line without punctuation) are cut.
const MAX_SENTENCE: usize = 200;

fn is_punct(c: char) -> bool {
    match c {
        // Fast path: Arabic letters and marks, ASCII letters and digits are word characters.
        '\u{0621}'..='\u{065F}' | 'a'..='z' | 'A'..='Z' | '0'..='9' => false,
        ' ' | '.' | ',' | '،' | ':' | '(' | ')' | '"' | '-' => true,
        _ => !(c.is_alphanumeric() || is_arabic_mark(c) || c == '\u{0640}'),
    }
}

fn ends_sentence(tok: &str) -> bool {
    matches!(tok, "." | "!" | "?" | "؟" | "؛" | "…")
}

/// Splits text into sentences of ANERcorp-style tokens: whitespace-separated words with their
/// clitics attached, and punctuation at either end of a word split off one character at a time
/// (`(الكرملين)` → `(` `الكرملين` `)`). Sentences end at a line break, at `. ! ? ؟ ؛`, or after
/// 200 tokens.
pub fn ner_tokens(text: &str) -> Vec<Vec<Span>> {
    let mut sents = Vec::new();
    let mut cur: Vec<Span> = Vec::new();
    let flush = |cur: &mut Vec<Span>, sents: &mut Vec<Vec<Span>>| {
        if !cur.is_empty() {
            sents.push(std::mem::take(cur));
        }
    };
    for (li, line) in text.split('\n').enumerate() {
        let base = text_offset(text, line, li);
        for (ws, word) in split_ws(line) {
            let start = base + ws;
            let chars: Vec<(usize, char)> = word.char_indices().collect();
            let lead = chars.iter().take_while(|(_, c)| is_punct(*c)).count();
            let trail = if lead == chars.len() {
                0
            } else {
                chars.iter().rev().take_while(|(_, c)| is_punct(*c)).count()
            };
            let mut pieces = Vec::new();
            for &(i, c) in &chars[..lead] {
                pieces.push((start + i, start + i + c.len_utf8()));
            }
            if lead < chars.len() {
                let a = chars[lead].0;
                let b = if trail == 0 {
                    word.len()
                } else {
                    chars[chars.len() - trail].0
                };
                pieces.push((start + a, start + b));
                for &(i, c) in &chars[chars.len() - trail..] {
                    pieces.push((start + i, start + i + c.len_utf8()));
                }
            }
            for (a, b) in pieces {
                cur.push(Span { start: a, end: b });
                if ends_sentence(&text[a..b]) || cur.len() >= MAX_SENTENCE {
                    flush(&mut cur, &mut sents);
                }
            }
        }
        flush(&mut cur, &mut sents);
    }
    sents
}

/// Byte offset of `line` (the `li`-th piece of `text.split('\n')`) inside `text`.
fn text_offset(text: &str, line: &str, _li: usize) -> usize {
    line.as_ptr() as usize - text.as_ptr() as usize
}

fn split_ws(line: &str) -> impl Iterator<Item = (usize, &str)> {
    line.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - line.as_ptr() as usize, w))
}

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
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
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
fn leading_titles(words: &[&str]) -> usize {
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
fn is_nisba(word: &str) -> bool {
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
/// not among them: a name keeps its ال).
fn clitic_cut(first: &str, attested: &HashMap<&str, usize>) -> (usize, bool) {
    let n = normalize(first);
    for p in PROCLITICS.iter().filter(|p| p.name).map(|p| p.form) {
        let Some(rest) = n.strip_prefix(p) else {
            continue;
        };
        let plen = p.chars().count();
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
        if rest.chars().count() >= 3
            && (attested.contains_key(rest)
                || gazetteer().plain.contains(rest)
                || lexicon::org_heads_plain().contains(rest))
        {
            return (plen, false);
        }
    }
    (0, false)
}

/// Byte offset in `word` after skipping `letters` letters (and the marks that ride on them).
fn skip_letters(word: &str, letters: usize) -> usize {
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

struct Mention {
    kind: EntityKind,
    key: String,
    display: String,
    words: usize,
    span: [usize; 2],
}

/// The entities of `text` using the built-in model. `article_date` is the article's own ISO date
/// (`2020-10-21`), which supplies the year of a day+month date that has none. Fails only when the
/// built-in model cannot be loaded.
pub fn extract(text: &str, article_date: Option<&str>) -> Result<Vec<Entity>, &'static ModelError> {
    let tagger = Tagger::load_builtin()?;
    Ok(extract_with(tagger, text, article_date))
}

/// [`extract`] with a given tagger.
pub fn extract_with(tagger: &Tagger, text: &str, article_date: Option<&str>) -> Vec<Entity> {
    let sents = ner_tokens(text);
    let infos: Vec<Vec<tagger::TokInfo>> = sents
        .iter()
        .map(|s| {
            let words: Vec<&str> = s.iter().map(|t| &text[t.start..t.end]).collect();
            tagger::token_infos(&words)
        })
        .collect();
    // Normalised words of the article: evidence for clitic stripping.
    let mut attested: HashMap<&str, usize> = HashMap::default();
    for t in infos.iter().flatten() {
        *attested.entry(t.norm.as_str()).or_default() += 1;
    }
    let mut mentions: Vec<Mention> = Vec::new();
    // A one-word PERS/LOC mention that ended the previous sentence right before a period glued to
    // it (`إلهام. علييف`): index in `mentions` (or none) and its token.
    let mut dangling: Option<(Option<usize>, Span)> = None;
    for (s, inf) in sents.iter().zip(&infos) {
        let words: Vec<&str> = s.iter().map(|t| &text[t.start..t.end]).collect();
        let folded: Vec<&str> = inf.iter().map(|t| t.stripped.as_str()).collect();
        let mut tags = tagger.tag_infos(inf);
        alias_spans(&folded, &mut tags);
        ministry_spans(&words, &mut tags);
        let chunks = refine_chunks(&words, &tags, &attested);
        let mut next_dangling = None;
        for &(ty, a, b) in &chunks {
            let Some(kind) = EntityKind::of(ty) else {
                continue;
            };
            let mut m = make_mention(text, kind, &s[a..b], &attested);
            if let (0, EntityKind::Person, Some((prev, tok))) = (a, kind, dangling) {
                // A stray period inside a name: the one-word name before it (not a known place)
                // and the person name after it are one person.
                let mut toks = vec![tok];
                toks.extend_from_slice(&s[a..b]);
                if let Some(joined) = make_mention(text, kind, &toks, &attested) {
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
                && !gazetteer().phrases.contains(&fold_word(words[a]))
            {
                next_dangling = Some((idx, s[a]));
            }
        }
        dangling = next_dangling;
    }
    mentions.retain(|m| m.words > 0);
    propagate(text, &sents, &infos, &attested, &mut mentions);
    let mut out = group(mentions);
    out.extend(date_entities(text, article_date));
    out.sort_by(|a, b| {
        (a.kind, std::cmp::Reverse(a.count), a.mentions.first()).cmp(&(
            b.kind,
            std::cmp::Reverse(b.count),
            b.mentions.first(),
        ))
    });
    out
}

/// Organisation heads after which a name is the organisation's own (وكالة ريا نوفوستي, شركة
/// أرامكو, صحيفة الأهرام): hand-written common nouns, not names.
const NAMING_HEADS: &[&str] = &[
    "وكاله",
    "شركه",
    "صحيفه",
    "قناه",
    "اذاعه",
    "حزب",
    "حركه",
    "جامعه",
    "مؤسسه",
    "بنك",
    "مصرف",
];

/// Words that may stand between a naming head and the name (وكالة أنباء X, وكالة الأنباء X).
const HEAD_FILLERS: &[&str] = &["انباء", "الانباء", "اخبار", "الاخبار"];

fn is_naming_head(word: &str) -> bool {
    static H: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let heads = H.get_or_init(|| NAMING_HEADS.iter().map(|h| fold_word(h)).collect());
    let f = fold_word(word);
    heads.contains(&f)
}

/// A token `و+NAME` inside a person or place chunk where NAME occurs on its own in the article or
/// is a gazetteer place: the conjunction joins two names (يريفان وباكو, بوتين وباشينيان).
fn is_conjoined_name(word: &str, attested: &HashMap<&str, usize>) -> bool {
    let n = normalize(word);
    let Some(rest) = n.strip_prefix('و') else {
        return false;
    };
    rest.chars().count() >= 3 && (attested.contains_key(rest) || gazetteer().plain.contains(rest))
}

/// A one-word gazetteer place, as written or without its proclitics.
fn is_place_word(word: &str) -> bool {
    let g = gazetteer();
    let n = normalize(word);
    if g.plain.contains(&n) {
        return true;
    }
    // One conjunction or preposition letter in front (وباكو, لموسكو); not ال, which would make
    // الهام (إلهام, a first name) the town هام.
    let mut cs = n.chars();
    cs.next().is_some_and(is_proclitic_letter) && g.plain.contains(cs.as_str())
}

/// The entity chunks of a tagged sentence after the linguistic clean-up rules: a person or place
/// chunk is split at a conjunction و that joins two names, and a person or MISC chunk right after
/// an organisation head (وكالة أنباء ريانوفستي نيوز) is that organisation.
fn refine_chunks(
    words: &[&str],
    tags: &[Tag],
    attested: &HashMap<&str, usize>,
) -> Vec<(EntType, usize, usize)> {
    let mut out = Vec::new();
    for (ty, a, b) in conll::chunks(tags) {
        // Two known places joined by و are two places, whatever the chunk's type (يريفان وباكو).
        if b == a + 2 && is_place_word(words[a]) && is_conjoined_name(words[a + 1], attested) {
            let n = normalize(words[a + 1]);
            if gazetteer().plain.contains(&n['و'.len_utf8()..]) {
                out.push((EntType::Loc, a, a + 1));
                out.push((EntType::Loc, a + 1, b));
                continue;
            }
        }
        let mut start = a;
        if matches!(ty, EntType::Pers | EntType::Loc) {
            for (k, w) in words.iter().enumerate().take(b).skip(a + 1) {
                if is_conjoined_name(w, attested) {
                    out.push((ty, start, k));
                    start = k;
                }
            }
        }
        out.push((ty, start, b));
    }
    // Title + place + unknown word (رئيس جمهورية أذربيجان إلهام …): the word right after the
    // place is the title-holder's name, not a second place.
    for k in 1..out.len() {
        let (p, c) = (out[k - 1], out[k]);
        if p.0 == EntType::Loc
            && c.0 == EntType::Loc
            && c.1 == p.2
            && c.2 == c.1 + 1
            && !is_place_word(words[c.1])
            && words[p.1.saturating_sub(2)..p.1]
                .iter()
                .any(|w| triggers().get(&fold_word(w)) == Some(&Trigger::Title))
        {
            out[k].0 = EntType::Pers;
        }
    }
    for c in &mut out {
        if !matches!(c.0, EntType::Pers | EntType::Misc) || c.1 == 0 {
            continue;
        }
        let before = normalize(words[c.1 - 1]);
        let head = if HEAD_FILLERS.contains(&before.as_str()) && c.1 >= 2 {
            words[c.1 - 2]
        } else {
            words[c.1 - 1]
        };
        if is_naming_head(head) {
            c.0 = EntType::Org;
        }
    }
    out
}

/// `وزارة` + a definite noun (+ nisba adjectives) that the tagger left untagged is a ministry:
/// وزارة الخارجية الأمريكية, ووزارة الدفاع.
fn ministry_spans(words: &[&str], tags: &mut [Tag]) {
    static HEAD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let ministry = HEAD.get_or_init(|| fold_word("وزارة"));
    let mut i = 0;
    while i + 1 < words.len() {
        // Cheap test first: the word ends like وزارة (…ره after normalisation).
        let bare = words[i].trim_end_matches(|c| is_arabic_mark(c) || c == '\u{0640}');
        if !bare.ends_with("رة") && !bare.ends_with("ره") {
            i += 1;
            continue;
        }
        let head = fold_word(words[i]);
        let next = normalize(words[i + 1]);
        if head == *ministry
            && tags[i] == Tag::O
            && tags[i + 1] == Tag::O
            && next.starts_with("ال")
            && next.chars().count() >= 5
        {
            tags[i] = Tag::B(EntType::Org);
            tags[i + 1] = Tag::I(EntType::Org);
            let mut j = i + 2;
            while j < words.len() && tags[j] == Tag::O && is_nisba(words[j]) {
                tags[j] = Tag::I(EntType::Org);
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
}

/// First words of the alias-table variants: most tokens start none, and are skipped at once.
fn alias_first_words() -> &'static HashSet<String> {
    static F: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        aliases()
            .keys()
            .filter_map(|k| k.split(' ').next().map(str::to_string))
            .collect()
    })
}

/// Marks every whole alias-table phrase in the sentence as an entity of its kind, replacing
/// whatever the tagger said about those tokens and any entity it cut through.
fn alias_spans(folded: &[&str], tags: &mut [Tag]) {
    let words = folded;
    let firsts = alias_first_words();
    let mut i = 0;
    while i < words.len() {
        let mut step = 1;
        if !firsts.contains(folded[i]) {
            i += 1;
            continue;
        }
        for n in (1..=4.min(words.len() - i)).rev() {
            if folded[i..i + n].iter().any(|f| f.is_empty()) {
                continue;
            }
            let key = folded[i..i + n].join(" ");
            let Some(canon) = aliases().get(&key) else {
                continue;
            };
            let ty = match alias_kinds().get(canon).map(String::as_str) {
                Some("person") => EntType::Pers,
                Some("org") => EntType::Org,
                _ => EntType::Loc,
            };
            // Clear entities the phrase cuts through, then tag the phrase.
            let mut a = i;
            while a > 0 && matches!(tags[a], Tag::I(_)) {
                a -= 1;
            }
            let mut b = i + n;
            while b < tags.len() && matches!(tags[b], Tag::I(_)) {
                b += 1;
            }
            for t in &mut tags[a..b] {
                *t = Tag::O;
            }
            tags[i] = Tag::B(ty);
            for t in &mut tags[i + 1..i + n] {
                *t = Tag::I(ty);
            }
            step = n;
            break;
        }
        i += step;
    }
}

/// One sense per article: once a name is tagged somewhere, its other occurrences that the tagger
/// missed count too (and a person's last name alone counts as that person).
fn propagate(
    text: &str,
    sents: &[Vec<Span>],
    infos: &[Vec<tagger::TokInfo>],
    attested: &HashMap<&str, usize>,
    mentions: &mut Vec<Mention>,
) {
    let mut known: HashMap<String, EntityKind> = HashMap::default();
    for m in mentions.iter() {
        known.entry(m.key.clone()).or_insert(m.kind);
        if m.kind == EntityKind::Person {
            if let Some(last) = m.key.rsplit(' ').next() {
                if last.chars().count() >= 3 && last != m.key {
                    known.entry(last.to_string()).or_insert(EntityKind::Person);
                }
            }
        }
    }
    if known.is_empty() {
        return;
    }
    // Byte ranges already inside a mention (a token anywhere in one is taken, not only its last).
    // Mentions never overlap, so sorted by start a binary search finds the one that could hold t.
    let mut spans: Vec<[usize; 2]> = mentions.iter().map(|m| m.span).collect();
    spans.sort_unstable();
    let covered = |t: &Span| {
        let i = spans.partition_point(|m| m[0] < t.end);
        i > 0 && spans[i - 1][1] > t.start
    };
    let firsts: HashSet<&str> = known
        .keys()
        .chain(aliases().keys())
        .filter_map(|k| k.split(' ').next())
        .collect();
    let mut extra = Vec::new();
    for (s, inf) in sents.iter().zip(infos) {
        let folded: Vec<&str> = inf.iter().map(|t| t.stripped.as_str()).collect();
        let mut i = 0;
        while i < s.len() {
            let mut step = 1;
            if !firsts.contains(folded[i]) {
                i += 1;
                continue;
            }
            for n in (1..=4.min(s.len() - i)).rev() {
                if (i..i + n).any(|k| covered(&s[k]) || folded[k].is_empty()) {
                    continue;
                }
                let key = folded[i..i + n].join(" ");
                let key = aliases().get(&key).cloned().unwrap_or(key);
                if let Some(&kind) = known.get(&key) {
                    if let Some(m) = make_mention(text, kind, &s[i..i + n], attested) {
                        extra.push(m);
                        step = n;
                        break;
                    }
                }
            }
            i += step;
        }
    }
    mentions.extend(extra);
}

fn make_mention(
    text: &str,
    kind: EntityKind,
    toks: &[Span],
    attested: &HashMap<&str, usize>,
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
    if kind == EntityKind::Person {
        let words: Vec<&str> = toks.iter().map(|t| &text[t.start..t.end]).collect();
        toks = &toks[leading_titles(&words)..];
    }
    let first = &text[toks[0].start..toks[0].end];
    let (cut, add_alef) = clitic_cut(first, attested);
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
    if display.chars().any(|c| "پچژگکیٹڈںےۓھ".contains(c)) {
        return None;
    }
    if toks.len() == 1 && is_function_word(first) {
        return None;
    }
    if toks.len() == 1 && is_nisba(first) && !gazetteer().phrases.contains(&fold_word(first)) {
        return None;
    }
    Some(Mention {
        kind,
        key,
        words: toks.len(),
        display,
        span: [start, end],
    })
}

/// Groups mentions by key; a key's kind is the majority of its mentions' kinds; short person
/// mentions join the one longer person name in the article that starts or ends with them.
fn group(mentions: Vec<Mention>) -> Vec<Entity> {
    struct G {
        kinds: HashMap<EntityKind, usize>,
        ms: Vec<Mention>,
    }
    let mut groups: Vec<G> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::default();
    for m in mentions {
        let gi = *by_key.entry(m.key.clone()).or_insert_with(|| {
            groups.push(G {
                kinds: HashMap::default(),
                ms: Vec::new(),
            });
            groups.len() - 1
        });
        *groups[gi].kinds.entry(m.kind).or_default() += 1;
        groups[gi].ms.push(m);
    }
    let kind_of = |g: &G| {
        let mut ks: Vec<(&EntityKind, &usize)> = g.kinds.iter().collect();
        ks.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        *ks[0].0
    };
    let kinds: Vec<EntityKind> = groups.iter().map(kind_of).collect();
    let keys: Vec<Vec<String>> = groups
        .iter()
        .map(|g| g.ms[0].key.split(' ').map(str::to_string).collect())
        .collect();
    // Short person names → the unique longer person name that ends or starts with them.
    let mut target: Vec<usize> = (0..groups.len()).collect();
    for i in 0..groups.len() {
        let cands: Vec<usize> = (0..groups.len())
            .filter(|&j| {
                j != i
                    && (kinds[i] == EntityKind::Person || keys[i].len() == 1)
                    && kinds[j] == EntityKind::Person
                    && keys[j].len() > keys[i].len()
                    && (keys[j].ends_with(&keys[i]) || keys[j].starts_with(&keys[i]))
            })
            .collect();
        if cands.len() == 1 {
            target[i] = cands[0];
            continue;
        }
        // An organisation named without its nisba adjective (وزارة الدفاع) is the one longer
        // organisation that adds only nisba adjectives (وزارة الدفاع الروسية), if there is one.
        if kinds[i] != EntityKind::Org {
            continue;
        }
        let cands: Vec<usize> = (0..groups.len())
            .filter(|&j| {
                if j == i
                    || kinds[j] != EntityKind::Org
                    || keys[j].len() <= keys[i].len()
                    || !keys[j].starts_with(&keys[i])
                {
                    return false;
                }
                let extra = keys[j].len() - keys[i].len();
                let words: Vec<&str> = groups[j].ms[0].display.split_whitespace().collect();
                words.len() >= extra && words[words.len() - extra..].iter().all(|w| is_nisba(w))
            })
            .collect();
        if cands.len() == 1 {
            target[i] = cands[0];
        }
    }
    let mut merged: Vec<Option<(EntityKind, Vec<Mention>)>> = groups
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
        .map(|(kind, mut ms)| {
            ms.sort_by_key(|m| m.span);
            let mut name = display_name(&ms);
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
fn display_name(ms: &[Mention]) -> String {
    let max_words = ms.iter().map(|m| m.words).max().unwrap_or(0);
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for m in ms.iter().filter(|m| m.words == max_words) {
        match counts.iter_mut().find(|(d, _)| *d == m.display) {
            Some(c) => c.1 += 1,
            None => counts.push((&m.display, 1)),
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

/// Parses an article's ISO date (`2020-10-21`, `2020-10`, `2020`, `--10-21`) into a
/// [`PartialDate`].
pub fn parse_iso_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    let mut parts = s.split('-');
    let y = parts.next()?;
    let year = if y.is_empty() {
        parts.next(); // "--MM-DD": the second empty piece
        None
    } else {
        Some(y.parse::<u16>().ok()?)
    };
    let month = parts.next().map(|m| m.parse::<u8>()).transpose().ok()?;
    let day = parts.next().map(|d| d.parse::<u8>()).transpose().ok()?;
    Some(PartialDate { year, month, day })
}

fn date_entities(text: &str, article_date: Option<&str>) -> Vec<Entity> {
    let ctx = article_date.and_then(parse_iso_date);
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
            found.extend(find_dates(para).into_iter().map(|mut d| {
                d.start += off;
                d.end += off;
                d
            }));
        }
    }
    for d in found {
        let iso = d.date.with_year_from(ctx).iso();
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
    use super::*;

    fn builtin() -> &'static Tagger {
        Tagger::load_builtin().expect("built-in model loads")
    }

    #[test]
    fn dates_are_iso_and_take_the_article_year() {
        let text = "قال في 9 تشرين الثاني/نوفمبر 2020 إن اللقاء في 14 ماي، وفي ٠٧ يوليو ٢٠٢١.";
        let ents = extract_with(builtin(), text, Some("2021-05-20"));
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
    fn corrupt_or_foreign_models_are_errors() {
        let good = super::tagger::tests_support::builtin_bytes();
        assert!(Tagger::from_bytes(good).is_ok());
        assert!(matches!(
            Tagger::from_bytes(b""),
            Err(ModelError::BadHeader)
        ));
        assert!(matches!(
            Tagger::from_bytes(b"hello\0world"),
            Err(ModelError::BadHeader)
        ));
        let mut bad = good.to_vec();
        let mid = bad.len() / 2;
        bad[mid] ^= 0x55;
        assert!(matches!(
            Tagger::from_bytes(&bad),
            Err(ModelError::Corrupt(_))
        ));
        let cut = &good[..good.len() - 100];
        assert!(matches!(
            Tagger::from_bytes(cut),
            Err(ModelError::Corrupt(_))
        ));
        let v2 = String::from_utf8_lossy(good).replacen(
            &format!("v{}\n", tagger::MODEL_VERSION),
            "v9\n",
            1,
        );
        assert!(matches!(
            Tagger::from_bytes(v2.as_bytes()),
            Err(ModelError::Version { found: 9, .. }) | Err(ModelError::Corrupt(_))
        ));
        assert!(matches!(
            Tagger::load(std::path::Path::new("/nonexistent/ner.bin")),
            Err(ModelError::Io { .. })
        ));
    }

    fn tags_of(spec: &[&str]) -> Vec<Tag> {
        spec.iter().map(|t| Tag::parse(t).expect("tag")).collect()
    }

    #[test]
    fn a_conjunction_between_two_names_splits_the_chunk() {
        // Two gazetteer places joined by و, tagged as one place by the model.
        let words = ["زار", "الوفد", "القاهرة", "ودمشق", "أمس"];
        let tags = tags_of(&["O", "O", "B-LOC", "I-LOC", "O"]);
        let att = HashMap::default();
        let ch = refine_chunks(&words, &tags, &att);
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
        // Two gazetteer places the model took for one organisation.
        let tags = tags_of(&["O", "O", "B-ORG", "I-ORG", "O"]);
        let ch = refine_chunks(&words, &tags, &HashMap::default());
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
        // Two people, the second attested alone elsewhere in the article.
        let words = ["التقى", "ماكرون", "وشولتس"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS"]);
        let mut att = HashMap::default();
        let bare = normalize("شولتس");
        att.insert(bare.as_str(), 1);
        let ch = refine_chunks(&words, &tags, &att);
        assert_eq!(ch, vec![(EntType::Pers, 1, 2), (EntType::Pers, 2, 3)]);
        // A name that merely starts with و (وليد) is not split.
        let words = ["قال", "خالد", "وليد"];
        let tags = tags_of(&["O", "B-PERS", "I-PERS"]);
        let ch = refine_chunks(&words, &tags, &HashMap::default());
        assert_eq!(ch, vec![(EntType::Pers, 1, 3)]);
        // End to end: the two places come out as two entities.
        let text = "زار الوفد القاهرة ودمشق الأسبوع الماضي.";
        let ents = extract_with(builtin(), text, None);
        assert!(
            !ents.iter().any(|e| e.name.contains("القاهرة ودمشق")),
            "{ents:?}"
        );
    }

    #[test]
    fn an_unknown_word_after_a_title_and_a_place_is_the_title_holder() {
        let words = ["قال", "رئيس", "جمهورية", "كازاخستان", "توكاييف", "إن"];
        let tags = tags_of(&["O", "O", "O", "B-LOC", "B-LOC", "O"]);
        let ch = refine_chunks(&words, &tags, &HashMap::default());
        assert_eq!(ch, vec![(EntType::Loc, 3, 4), (EntType::Pers, 4, 5)]);
        // Without a title before the place, two places stay places.
        let words = ["زار", "الوفد", "كازاخستان", "قيرغيزستان"];
        let tags = tags_of(&["O", "O", "B-LOC", "B-LOC"]);
        let ch = refine_chunks(&words, &tags, &HashMap::default());
        assert_eq!(ch, vec![(EntType::Loc, 2, 3), (EntType::Loc, 3, 4)]);
    }

    #[test]
    fn a_name_after_an_agency_or_company_head_is_an_organisation() {
        let words = ["نقلت", "وكالة", "أنباء", "شينخوا", "الصينية"];
        let tags = tags_of(&["O", "O", "O", "B-PERS", "O"]);
        let ch = refine_chunks(&words, &tags, &HashMap::default());
        assert_eq!(ch, vec![(EntType::Org, 3, 4)]);
        let words = ["أعلنت", "شركة", "تويوتا", "موتور"];
        let tags = tags_of(&["O", "O", "B-MISC", "I-MISC"]);
        assert_eq!(
            refine_chunks(&words, &tags, &HashMap::default()),
            vec![(EntType::Org, 2, 4)]
        );
        // A person after a title stays a person.
        let words = ["قال", "الوزير", "أحمد"];
        let tags = tags_of(&["O", "O", "B-PERS"]);
        assert_eq!(
            refine_chunks(&words, &tags, &HashMap::default()),
            vec![(EntType::Pers, 2, 3)]
        );
    }

    #[test]
    fn organisation_heads_lose_their_proclitics_but_keep_their_own_letters() {
        let att = HashMap::default();
        assert_eq!(clitic_cut("لمنظمة", &att), (1, false));
        assert_eq!(clitic_cut("ومنظمة", &att), (1, false));
        assert_eq!(clitic_cut("وزارة", &att), (0, false));
        assert_eq!(clitic_cut("وكالة", &att), (0, false));
        let text = "دعا المؤتمر لمنظمة التجارة العالمية";
        let s = ner_tokens(text);
        let m = make_mention(text, EntityKind::Org, &s[0][2..5], &att).expect("mention");
        assert_eq!(m.display, "منظمة التجارة العالمية");
    }

    #[test]
    fn a_ministry_with_its_definite_noun_is_an_organisation() {
        let words = ["أعلنت", "وزارة", "الدفاع", "الفرنسية", "أمس"];
        let mut tags = vec![Tag::O; 5];
        ministry_spans(&words, &mut tags);
        assert_eq!(tags, tags_of(&["O", "B-ORG", "I-ORG", "I-ORG", "O"]));
        let text = "وقالت وزارة الصحة المصرية إن الوضع مستقر";
        let ents = extract_with(builtin(), text, None);
        assert!(
            ents.iter()
                .any(|e| e.kind == EntityKind::Org && e.name == "وزارة الصحة المصرية"),
            "{ents:?}"
        );
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
        assert!(make_mention(text, EntityKind::Person, &s[0][1..2], &HashMap::default()).is_none());
    }

    #[test]
    fn display_names_prefer_the_alias_spelling_and_plain_letters() {
        let text = "قالت روسيا الاتحادية إن الاتحاد الروسي مستعد. ونقلت روسيا الاتحادية ذلك.";
        let ents = extract_with(builtin(), text, None);
        let ru: Vec<&Entity> = ents.iter().filter(|e| e.name.contains("روسي")).collect();
        assert_eq!(ru.len(), 1, "{ents:?}");
        assert_eq!(ru[0].name, "روسيا");
        let m = |d: &str| Mention {
            kind: EntityKind::Place,
            key: String::new(),
            display: d.to_string(),
            words: 1,
            span: [0, 0],
        };
        // The marked spelling is more frequent, the plain one still wins.
        let ms = [m("بَغداد"), m("بَغداد"), m("بغداد")];
        assert_eq!(display_name(&ms), "بغداد");
    }

    #[test]
    fn ner_tokens_split_punctuation_like_anercorp() {
        let text = "قال (الكرملين) دميتري بيسكوف، الأربعاء. ثم";
        let sents = ner_tokens(text);
        let words: Vec<Vec<&str>> = sents
            .iter()
            .map(|s| s.iter().map(|t| &text[t.start..t.end]).collect())
            .collect();
        assert_eq!(
            words,
            vec![
                vec![
                    "قال",
                    "(",
                    "الكرملين",
                    ")",
                    "دميتري",
                    "بيسكوف",
                    "،",
                    "الأربعاء",
                    "."
                ],
                vec!["ثم"]
            ]
        );
    }
}
