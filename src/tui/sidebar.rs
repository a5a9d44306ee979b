//! The entity sidebar's rows: a heading per kind present, then that kind's entities. Computed
//! once when an article opens (from the entity kinds in sidebar order) and kept in the reader's
//! state, so `update` (clicks, keeping the selection visible) and `view::draw` read the same rows.

use super::source::EntityKind;

/// One row of the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideRow {
    /// Group heading.
    Heading(EntityKind),
    /// An entity, by position in the sidebar order (`Reader::entity_order`).
    Entity(usize),
}

/// The rows for entities of `kinds`, given in sidebar order (grouped by kind).
pub fn sidebar_rows(kinds: impl IntoIterator<Item = EntityKind>) -> Vec<SideRow> {
    let mut rows = Vec::new();
    let mut last = None;
    for (pos, kind) in kinds.into_iter().enumerate() {
        if last != Some(kind) {
            rows.push(SideRow::Heading(kind));
            last = Some(kind);
        }
        rows.push(SideRow::Entity(pos));
    }
    rows
}

/// Row index of the entity at sidebar position `pos` (0 when absent).
pub fn row_of_entity(rows: &[SideRow], pos: usize) -> usize {
    rows.iter()
        .position(|x| *x == SideRow::Entity(pos))
        .unwrap_or(0)
}
