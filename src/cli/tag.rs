//! `qari tag [--conll] [--json]`: run the tagger over standard input.

use std::io::{BufRead, Write};

use crate::entities::conll::sentences_of;
use crate::entities::tagger::DOC_WINDOW;
use crate::entities::{extract, ModelError, Tagger};

use super::display::{sgr, Display};
use super::entities::write_human;

/// Why the command failed.
#[derive(Debug, thiserror::Error)]
pub enum TagError {
    /// The built-in NER model could not be loaded.
    #[error("{0}")]
    Model(&'static ModelError),
    /// Reading the input failed.
    #[error("cannot read standard input")]
    Read(#[source] std::io::Error),
    /// Writing the output failed (a closed pipe among others: `main` keeps that one quiet, so
    /// the io::Error must stay reachable as the source).
    #[error("cannot write output")]
    Io(#[from] std::io::Error),
    /// The input is not UTF-8.
    #[error("input is not valid UTF-8")]
    NotUtf8,
}

/// With `conll`: one token per line (a tag column, if present, is ignored), blank lines between
/// sentences; writes `TOKEN TAG` per line with the same blank lines. Without: free text in,
/// entities out (JSON with `json`, as `qari entities` prints them); a dateline in the text dates
/// it, as it dates an article. On a terminal (`display` with a width) tokens and names are laid
/// out in display order when `display.visual`, tags other than `O` bold cyan when colouring.
pub fn run(
    input: &mut impl BufRead,
    conll: bool,
    json: bool,
    display: &Display,
    out: &mut impl Write,
) -> Result<(), TagError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(TagError::Read)?;
    let text = String::from_utf8(bytes).map_err(|_| TagError::NotUtf8)?;
    if conll {
        let tagger = Tagger::load_builtin().map_err(TagError::Model)?;
        let sentences: Vec<Vec<&str>> = sentences_of(&text)
            .into_iter()
            .map(|lines| {
                lines
                    .iter()
                    .map(|l| l.split_whitespace().next().unwrap_or(""))
                    .collect()
            })
            .collect();
        // The input as one stream of news: a name's other mentions nearby inform the second pass.
        let tags = tagger.tag_sentences(&sentences, DOC_WINDOW);
        for (i, (toks, tags)) in sentences.iter().zip(tags).enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            for (tok, tag) in toks.iter().zip(tags) {
                // The token is the input echoed back: made safe like any other output.
                let tok = match display.width {
                    Some(w) => display.one_line(tok, w.saturating_sub(8).max(4), &[]).text,
                    None => super::safe(tok).into_owned(),
                };
                let tag = tag.to_string();
                let tag = if tag == "O" {
                    tag
                } else {
                    display.paint(sgr::KIND, &tag)
                };
                writeln!(out, "{tok} {tag}")?;
            }
        }
        return Ok(());
    }
    // The text's own dateline (if any) gives the year of the dates that have none, as for an
    // article in the corpus.
    let paragraphs: Vec<String> = text.split("\n\n").map(str::to_string).collect();
    let (date, _) = crate::corpus::extract_metadata("", &paragraphs);
    let entities = extract(&text, date).map_err(TagError::Model)?;
    if json {
        super::write_json(out, &entities)?;
    } else {
        write_human(&entities, display, out)?;
    }
    Ok(())
}
