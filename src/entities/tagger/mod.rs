//! The named-entity tagger: a linear-chain CRF over BIO labels with first-order Viterbi
//! decoding over valid BIO paths, trained on ANERcorp (see `examples/train_ner.rs`).
//!
//! A document is tagged in two passes (Krishnan & Manning 2006, non-local features): the second
//! pass sees what the first said of each word elsewhere in the document (mostly a person, a
//! place… or mostly no name) and whether the text around is a sports report; training learns
//! the second pass from first-pass tags of a jackknife (each quarter tagged by a model trained
//! on the other three). Besides the word, its affixes and context, the features read name lists
//! from open sources (`data/gazetteer_loc.tsv` places, `data/gazetteer_per.tsv` person names,
//! `data/gazetteer_org.tsv` sports clubs; each made by a script in `scripts/`), trigger words
//! (`data/triggers.tsv`), sport words (`data/sport_words.tsv`) and what general Arabic text says
//! of each word and its neighbours (`data/word_classes.tsv`: how common, how often with ال or a
//! pronoun suffix, from the `wordfreq` frequencies; and whether the Ayaspell dictionary has it as
//! a verb or a noun, `data/arabic_verbs.tsv`; [`crate::entities::word_classes`]).
//!
//! Why this design: it trains in under a minute, tags megabytes a second on one core and fits in
//! a few megabytes. The weights are fitted as a CRF (log-likelihood, L2, SGD with averaging):
//! on the dev sixth it beat the averaged perceptron over the same features (72.09 against
//! 70.73, the mean of 3 training orders), once O's score at decoding was lowered for recall
//! (the perceptron's scores did not take that; BENCHMARKS.md, issue 10). The perceptron stays
//! as [`Learner::Perceptron`] for comparison. Features are hashed to 64-bit keys (no string
//! table), and only the features whose averaged weights survive pruning are stored, quantised
//! to `i16`.
//!
//! The rooms: `features.rs` (what is known about each token, and the hashed feature keys; a
//! changed feature string silently breaks the shipped model), `model.rs` ([`Tagger`]: reading a
//! model file, scoring, Viterbi decoding) and `train.rs` ([`train()`]).
//!
//! The model file is a text header (format name, version, the CC BY-SA 4.0 attribution the
//! training data requires), a NUL byte, then a binary body that ends with an xxh3 checksum of
//! everything before it. Loading checks all of it and returns [`ModelError`], never panics.

mod features;
mod model;
mod train;

pub use features::DOC_WINDOW;
pub(crate) use features::{norm_hash, token_infos, TokInfo};
pub use model::{builtin_fingerprint, Tagger};
pub use train::{train, Learner, Sentence, TrainOptions};

/// An entity type of ANERcorp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntType {
    /// A person.
    Pers,
    /// A place.
    Loc,
    /// An organisation.
    Org,
    /// Anything else with a name (events, products, nationalities used as names…).
    Misc,
}

impl EntType {
    /// The ANERcorp spelling: `PERS`, `LOC`, `ORG`, `MISC`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntType::Pers => "PERS",
            EntType::Loc => "LOC",
            EntType::Org => "ORG",
            EntType::Misc => "MISC",
        }
    }

    const ALL: [EntType; 4] = [EntType::Pers, EntType::Loc, EntType::Org, EntType::Misc];
}

/// A BIO tag of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Outside any entity.
    O,
    /// First token of an entity.
    B(EntType),
    /// A following token of the same entity.
    I(EntType),
}

/// Number of distinct tags (O plus B/I of four types).
pub(crate) const N_TAGS: usize = 9;

impl Tag {
    /// Dense index 0..[`N_TAGS`].
    pub(crate) fn index(self) -> usize {
        match self {
            Tag::O => 0,
            Tag::B(t) => 1 + 2 * t as usize,
            Tag::I(t) => 2 + 2 * t as usize,
        }
    }

    /// The tag with dense index `i` (out-of-range indexes give `O`).
    pub(crate) fn from_index(i: usize) -> Tag {
        match i {
            1..=8 => {
                let t = EntType::ALL[(i - 1) / 2];
                if i % 2 == 1 {
                    Tag::B(t)
                } else {
                    Tag::I(t)
                }
            }
            _ => Tag::O,
        }
    }

    /// Parses `O`, `B-PERS`, `I-LOC`, …; anything else is `None`.
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (bi, ty) = s.split_once('-')?;
        let t = EntType::ALL.into_iter().find(|t| t.as_str() == ty)?;
        match bi {
            "B" => Some(Tag::B(t)),
            "I" => Some(Tag::I(t)),
            _ => None,
        }
    }

    /// The entity type, if any.
    pub fn ent(self) -> Option<EntType> {
        match self {
            Tag::O => None,
            Tag::B(t) | Tag::I(t) => Some(t),
        }
    }

    /// May this tag follow `prev`? `I-X` only continues `B-X` or `I-X`.
    fn allowed_after(self, prev: Tag) -> bool {
        match self {
            Tag::I(t) => prev.ent() == Some(t),
            _ => true,
        }
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tag::O => f.write_str("O"),
            Tag::B(t) => write!(f, "B-{}", t.as_str()),
            Tag::I(t) => write!(f, "I-{}", t.as_str()),
        }
    }
}

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read.
    #[error("cannot read NER model {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes do not start with the qari NER header.
    #[error("not a qari NER model (bad header)")]
    BadHeader,
    /// A model of another format version.
    #[error("NER model format version {found}, this qari reads version {expected}")]
    Version {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The file is shorter than its header says, or the checksum does not match.
    #[error("NER model is corrupt or truncated ({0})")]
    Corrupt(&'static str),
    /// The model was trained with other gazetteer/trigger lists than the ones built in.
    #[error("NER model was trained with other gazetteer/trigger lists; retrain it (examples/train_ner.rs)")]
    ListsMismatch,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_through_their_index_and_text() {
        for i in 0..N_TAGS {
            let t = Tag::from_index(i);
            assert_eq!(t.index(), i);
            assert_eq!(Tag::parse(&t.to_string()), Some(t));
        }
    }
}
