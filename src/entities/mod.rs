//! Named entities: the tagger, dates, aliases and per-article entity lists.

pub mod conll;
pub mod lexicon;
pub mod tagger;

pub use tagger::{EntType, ModelError, Sentence, Tag, Tagger, TrainOptions};
