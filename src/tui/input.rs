//! The one-line editor of the search box and the find prompt, and the history of what was
//! typed in them.
//!
//! Editing works on grapheme clusters (a letter and its harakat are one step), with the keys of
//! readline and less: Left/Right, Home/End and Ctrl-a/Ctrl-e move; Backspace and Delete remove a
//! grapheme; Ctrl-w the word before the cursor; Ctrl-u everything before it. Left and Right move
//! the way the arrows point on screen: in a right-to-left line, Left goes forward in the text.
//! The history keeps the last [`HISTORY_MAX`] queries, newest last, each once; Up and Down walk
//! it, and the line being typed comes back after the newest.

use unicode_segmentation::UnicodeSegmentation;

/// Queries kept in the history.
pub const HISTORY_MAX: usize = 50;

/// A line being edited: its text and the cursor as a byte offset (always on a grapheme
/// boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    cursor: usize,
}

/// A cursor move or deletion of the line editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The arrow pointing left (on screen).
    Left,
    /// The arrow pointing right (on screen).
    Right,
    /// To the start of the text.
    Home,
    /// To its end.
    End,
    /// Remove the grapheme before the cursor.
    Backspace,
    /// Remove the grapheme at the cursor.
    Delete,
    /// Remove the word before the cursor (and the spaces after it).
    DeleteWord,
    /// Remove everything before the cursor.
    DeleteToStart,
}

impl LineInput {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> LineInput {
        let text = text.into();
        LineInput {
            cursor: text.len(),
            text,
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The cursor's byte offset in the text.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Types `c` at the cursor.
    pub fn insert(&mut self, c: char) {
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
        // A combining mark joins the grapheme before it: keep the cursor on a boundary.
        self.cursor = self.boundary_at_or_after(self.cursor);
    }

    fn boundary_at_or_after(&self, at: usize) -> usize {
        self.text
            .grapheme_indices(true)
            .map(|(i, _)| i)
            .chain([self.text.len()])
            .find(|&i| i >= at)
            .unwrap_or(self.text.len())
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map_or(self.cursor, |g| self.cursor + g.len())
    }

    /// True when the line reads right to left (its first strong letter is).
    fn rtl(&self) -> bool {
        unicode_bidi::get_base_direction(self.text.as_str()) == unicode_bidi::Direction::Rtl
    }

    /// Applies `edit`; true when the text changed (not only the cursor).
    pub fn edit(&mut self, edit: Edit) -> bool {
        let before = self.text.len();
        match edit {
            Edit::Left | Edit::Right => {
                let forward = (edit == Edit::Right) != self.rtl();
                self.cursor = if forward {
                    self.next_boundary()
                } else {
                    self.prev_boundary()
                };
            }
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.text.len(),
            Edit::Backspace => {
                let p = self.prev_boundary();
                self.text.replace_range(p..self.cursor, "");
                self.cursor = p;
            }
            Edit::Delete => {
                let n = self.next_boundary();
                self.text.replace_range(self.cursor..n, "");
            }
            Edit::DeleteWord => {
                let head = &self.text[..self.cursor];
                let trimmed = head.trim_end();
                let start = trimmed
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_whitespace())
                    .map_or(0, |(i, c)| i + c.len_utf8());
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            Edit::DeleteToStart => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
        }
        self.text.len() != before
    }
}

/// The queries typed before, oldest first, and where Up/Down stand in them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    entries: Vec<String>,
    /// The entry on the line while walking (`None`: the line being typed).
    at: Option<usize>,
    /// The line being typed when the walk began, given back after the newest entry.
    draft: String,
}

impl History {
    /// A history of `entries`, oldest first (the last [`HISTORY_MAX`] kept).
    pub fn new(mut entries: Vec<String>) -> History {
        let over = entries.len().saturating_sub(HISTORY_MAX);
        entries.drain(..over);
        History {
            entries,
            ..History::default()
        }
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Records `query` as the newest entry (an older copy is dropped, blanks are not kept) and
    /// ends any walk.
    pub fn push(&mut self, query: &str) {
        self.at = None;
        let q = query.trim();
        if q.is_empty() {
            return;
        }
        self.entries.retain(|e| e != q);
        self.entries.push(q.to_string());
        let over = self.entries.len().saturating_sub(HISTORY_MAX);
        self.entries.drain(..over);
    }

    /// Ends a walk without recording anything (a new prompt starts at the line being typed).
    pub fn reset(&mut self) {
        self.at = None;
    }

    /// One step back (`-1`, Up) or forward (`+1`, Down) from `line`; the line to show, or
    /// `None` when there is nothing further that way.
    pub fn step(&mut self, line: &str, delta: isize) -> Option<String> {
        let n = self.entries.len();
        let next = match (self.at, delta < 0) {
            (None, true) if n > 0 => {
                self.draft = line.to_string();
                Some(n - 1)
            }
            (Some(i), true) if i > 0 => Some(i - 1),
            (Some(i), false) if i + 1 < n => Some(i + 1),
            (Some(_), false) => {
                self.at = None;
                return Some(std::mem::take(&mut self.draft));
            }
            _ => return None,
        };
        self.at = next;
        next.map(|i| self.entries[i].clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> LineInput {
        let mut l = LineInput::default();
        s.chars().for_each(|c| l.insert(c));
        l
    }

    #[test]
    fn editing_moves_by_graphemes_and_arrows_follow_the_screen() {
        // A letter with its haraka is one step.
        let mut l = typed("بُ");
        assert_eq!(l.cursor(), "بُ".len());
        l.edit(Edit::Backspace);
        assert_eq!(l.as_str(), "");
        // Left in an Arabic line goes forward in the text.
        let mut l = typed("سلام");
        l.edit(Edit::Home);
        l.edit(Edit::Left);
        assert_eq!(l.cursor(), "س".len());
        l.edit(Edit::Right);
        assert_eq!(l.cursor(), 0);
        // In a Latin line Left goes back.
        let mut l = typed("abc");
        l.edit(Edit::Left);
        assert_eq!(l.cursor(), 2);
        l.insert('X');
        assert_eq!(l.as_str(), "abXc");
        l.edit(Edit::Delete);
        assert_eq!(l.as_str(), "abX");
        l.edit(Edit::Home);
        l.edit(Edit::Delete);
        assert_eq!((l.as_str(), l.cursor()), ("bX", 0));
        l.edit(Edit::End);
        assert_eq!(l.cursor(), 2);
    }

    #[test]
    fn word_and_line_deletion_as_readline() {
        let mut l = typed("person:بوتين موسكو  ");
        l.edit(Edit::DeleteWord);
        assert_eq!(l.as_str(), "person:بوتين ");
        l.edit(Edit::DeleteWord);
        assert_eq!(l.as_str(), "");
        let mut l = typed("روسيا تركيا");
        for _ in 0.."تركيا".chars().count() {
            l.edit(Edit::Right); // Right goes back in Arabic
        }
        l.edit(Edit::DeleteToStart);
        assert_eq!((l.as_str(), l.cursor()), ("تركيا", 0));
    }

    #[test]
    fn history_keeps_fifty_unique_and_walks_back_to_the_draft() {
        let mut h = History::new((0..60).map(|i| format!("q{i}")).collect());
        assert_eq!(h.entries().len(), HISTORY_MAX);
        assert_eq!(h.entries()[0], "q10");
        h.push("q20");
        h.push("  ");
        assert_eq!(h.entries().len(), HISTORY_MAX);
        assert_eq!(h.entries().last().unwrap(), "q20");
        assert_eq!(h.step("draft", -1).as_deref(), Some("q20"));
        assert_eq!(h.step("q20", -1).as_deref(), Some("q59"));
        assert_eq!(h.step("q59", 1).as_deref(), Some("q20"));
        assert_eq!(h.step("q20", 1).as_deref(), Some("draft"));
        assert_eq!(h.step("draft", 1), None);
        let mut empty = History::default();
        assert_eq!(empty.step("x", -1), None);
    }
}
