//! What qari reports: the [`EntityKind`]s of the sidebar and one grouped [`Entity`].

use super::tagger::EntType;

/// The kinds of entity qari reports (the sidebar's sections). Named in lowercase in JSON,
/// queries and messages (`person`, `place`, `org`, `date`); strum derives both directions.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
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
        self.into()
    }

    /// The kind of a tagger type; MISC is tagged but not reported.
    pub(super) fn of(t: EntType) -> Option<EntityKind> {
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
