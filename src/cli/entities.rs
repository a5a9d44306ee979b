//! `qari entities [ID] [--json]`: the entities of one article or of every article.

use std::io::Write;

use super::display::{sgr, Display};
use crate::corpus::Article;
use crate::entities::{extract, Entity, EntityKind, ModelError};

/// Why the command failed.
#[derive(Debug, thiserror::Error)]
pub enum EntitiesError {
    /// The built-in NER model could not be loaded.
    #[error("{0}")]
    Model(&'static ModelError),
    /// Writing the output failed.
    #[error("cannot write output")]
    Io(#[from] std::io::Error),
}

/// One article's entities, as the JSON output lists them.
#[derive(Debug, serde::Serialize)]
pub struct ArticleEntities<'a> {
    /// The article id.
    pub id: &'a str,
    /// Its entities (person, place, org, date), most mentioned first within each kind.
    pub entities: Vec<Entity>,
}

/// Extracts the entities of each article (offsets into `Article::text()`).
pub fn collect(articles: &[Article]) -> Result<Vec<ArticleEntities<'_>>, EntitiesError> {
    articles
        .iter()
        .map(|a| {
            let entities = extract(&a.text(), a.date).map_err(EntitiesError::Model)?;
            Ok(ArticleEntities {
                id: &a.id,
                entities,
            })
        })
        .collect()
}

/// Runs the command over `articles` (one when an id was given, all otherwise) and writes JSON
/// (`[{"id", "entities": [{"kind","name","count","mentions"}]}]`) or a readable listing, laid out
/// per `display` (see [`write_human`]).
pub fn run(
    articles: &[Article],
    json: bool,
    display: &Display,
    out: &mut impl Write,
) -> Result<(), EntitiesError> {
    let all = collect(articles)?;
    if json {
        super::write_json(out, &all)?;
        return Ok(());
    }
    for (i, a) in all.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", display.paint(sgr::ID, &super::safe(a.id)))?;
        write_human(&a.entities, display, out)?;
    }
    Ok(())
}

/// Writes entities grouped by kind, one per line with its count. With a width (a terminal) each
/// name is laid out like a title in `qari list` (display order when `display.visual`, cut with
/// `…` so the row fits), the kind bold cyan and the count dim when colouring.
pub fn write_human(
    entities: &[Entity],
    display: &Display,
    out: &mut impl Write,
) -> std::io::Result<()> {
    for (kind, label) in [
        (EntityKind::Person, "people"),
        (EntityKind::Place, "places"),
        (EntityKind::Org, "organisations"),
        (EntityKind::Date, "dates"),
    ] {
        let of_kind: Vec<&Entity> = entities.iter().filter(|e| e.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        writeln!(out, "  {}:", display.paint(sgr::KIND, label))?;
        for e in of_kind {
            let count = format!("×{}", e.count);
            let name = match display.width {
                Some(w) => {
                    let name_w = usize::from(w).saturating_sub(4 + 1 + count.chars().count());
                    let name_w = u16::try_from(name_w).unwrap_or(u16::MAX).max(4);
                    // Left-aligned under the kind: the name alone, in display order.
                    display.one_line(&e.name, name_w, &[]).text
                }
                None => super::safe(&e.name).into_owned(),
            };
            writeln!(out, "    {name} {}", display.paint(sgr::DIM, &count))?;
        }
    }
    if entities.is_empty() {
        writeln!(out, "  (no entities)")?;
    }
    Ok(())
}
