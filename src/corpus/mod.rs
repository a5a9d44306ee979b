//! The corpus: a folder of articles (`.txt`, `.md`, `.jsonl`, any supported encoding), read into
//! [`Article`]s with ids, titles, paragraphs and dateline metadata.

use std::path::PathBuf;

/// One article as the rest of qari sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Article {
    /// Path relative to the corpus root without extension (`000_5d3c243a0b753bd8`); for `.jsonl`
    /// files, the file's id plus `/` and the line's `id` (or line number).
    pub id: String,
    /// The title, whitespace-collapsed.
    pub title: String,
    /// Body paragraphs in order, each whitespace-collapsed (no title among them). The lines of
    /// a Markdown list, table or code block, and a Markdown hard break, are kept as one `\n`.
    pub paragraphs: Vec<String>,
    /// Date from the dateline or the jsonl `date` (printed in ISO: `2020-10-21`, `2020-11`,
    /// `--05-14`).
    pub date: Option<crate::text::dates::PartialDate>,
    /// News agency or site named in the dateline (`سبوتنيك`), or the jsonl `source`.
    pub source: Option<String>,
    /// The article's web address: the jsonl `url` or the Markdown front matter's `url`, when it
    /// is one http(s) address.
    pub url: Option<String>,
    /// Absolute path of the file the article came from.
    pub path: PathBuf,
    /// True when the file was over the size cap and only its head was read.
    pub truncated: bool,
    /// How stretches of the text are drawn (Markdown emphasis, links, headings, quotes):
    /// byte ranges into [`text`](Self::text), sorted and disjoint. Empty for `.txt` and `.jsonl`.
    #[serde(skip)]
    pub marks: Vec<Mark>,
}

impl Article {
    /// The article's full text as qari lays it out and tags it: the title, a blank line, then the
    /// paragraphs separated by blank lines. Entity byte offsets point into this string.
    pub fn text(&self) -> String {
        let mut s = String::with_capacity(
            self.title.len() + self.paragraphs.iter().map(|p| p.len() + 2).sum::<usize>() + 2,
        );
        s.push_str(&self.title);
        for p in &self.paragraphs {
            s.push_str("\n\n");
            s.push_str(p);
        }
        s
    }
}

mod decode;
mod ids;
mod load;
mod markdown;
mod metadata;
mod parse;

pub use decode::{decode, Decoded};
pub use ids::{resolve_sorted, IdError};
#[cfg(test)]
pub(crate) use load::load_text;
pub use load::{
    file_id_of, load_dir, load_file, mtime_ns, resolve_rel, scan_dir, CorpusError, FileEntry,
    Loaded, Scan, Warning, MAX_FILE_BYTES,
};
pub use markdown::{Mark, MarkKinds};
pub use metadata::{closing_source, dateline_agencies, extract_metadata};

#[cfg(test)]
pub(crate) use load::FILES_READ;
