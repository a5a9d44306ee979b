//! Handing text to the world outside the reader: the system clipboard (OSC 52, which works
//! over SSH and, wrapped for passthrough, inside tmux), a copy file for terminals without OSC
//! 52, and the user's pager or editor.
//!
//! Text always leaves in logical order (as stored, as any other program expects it), with
//! control characters other than newline and tab removed: a pasted article must not be able to
//! drive the terminal it is pasted into.

use std::io::{self, Write};
use std::path::Path;

use base64::Engine as _;

/// Largest text sent through OSC 52: terminals cap the sequence (xterm at about 1 MB, others
/// lower); a longer text goes only to the copy file.
pub const OSC52_MAX: usize = 512 * 1024;

/// `text` without control characters other than newline and tab (C0, DEL, C1), and without
/// bidi embeddings, overrides and isolates.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            let bidi_control =
                ('\u{202A}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
            c == '\n' || c == '\t' || !(c.is_control() || bidi_control)
        })
        .collect()
}

/// The OSC 52 sequence that puts `text` on the clipboard; inside tmux (`in_tmux`) wrapped in
/// tmux's DCS passthrough as well (tmux forwards it when `allow-passthrough` is on; with
/// `set-clipboard on` it takes the plain one itself).
pub fn osc52(text: &str, in_tmux: bool) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let plain = format!("\x1b]52;c;{b64}\x07");
    if in_tmux {
        // Inside the passthrough every ESC is doubled.
        format!("{plain}\x1bPtmux;\x1b\x1b]52;c;{b64}\x07\x1b\\")
    } else {
        plain
    }
}

/// Copies `text` (cleaned): to the clipboard with OSC 52 on `out` when it is not too long, and to
/// `copy_file` when one is configured. Says where it went, for the status line.
pub fn copy(
    out: &mut impl Write,
    text: &str,
    copy_file: Option<&Path>,
    in_tmux: bool,
) -> io::Result<String> {
    let text = clean(text);
    let mut places = Vec::new();
    if text.len() <= OSC52_MAX {
        out.write_all(osc52(&text, in_tmux).as_bytes())?;
        out.flush()?;
        places.push("the clipboard (OSC 52)".to_string());
    }
    if let Some(p) = copy_file {
        crate::atomic::write_atomic(p, |w| w.write_all(text.as_bytes()))?;
        places.push(p.display().to_string());
    }
    if places.is_empty() {
        return Err(io::Error::other(format!(
            "{} KB is too long for OSC 52; set copy_file in config.toml",
            text.len() / 1024
        )));
    }
    Ok(places.join(" and "))
}

/// The program to hand an article to: `$PAGER` (else `less`) or, for `editor`, `$VISUAL`,
/// `$EDITOR` (else `vi`). Split on spaces, as git and man do (`PAGER="less -R"`).
pub fn program(editor: bool) -> Vec<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let cmd = if editor {
        var("VISUAL")
            .or_else(|| var("EDITOR"))
            .unwrap_or("vi".into())
    } else {
        var("PAGER").unwrap_or("less".into())
    };
    cmd.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_in_base64_and_tmux_gets_a_passthrough() {
        let s = osc52("قال لافروف", false);
        let b64 = s
            .strip_prefix("\x1b]52;c;")
            .and_then(|r| r.strip_suffix('\x07'))
            .unwrap();
        let back = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        assert_eq!(String::from_utf8(back).unwrap(), "قال لافروف");
        let t = osc52("x", true);
        assert!(
            t.contains("\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\"),
            "{t:?}"
        );
    }

    #[test]
    fn copied_text_has_no_controls_and_long_text_needs_the_file() {
        assert_eq!(
            clean("a\x1b[31mb\u{9b}c\n\td\u{202E}e\u{2067}f"),
            "a[31mbc\n\tdef"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("copy.txt");
        let mut out = Vec::new();
        let said = copy(&mut out, "نص\x07", Some(&file), false).unwrap();
        assert!(
            said.contains("OSC 52") && said.contains("copy.txt"),
            "{said}"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "نص");
        let long = "ا".repeat(OSC52_MAX);
        let mut out = Vec::new();
        assert!(copy(&mut out, &long, None, false).is_err());
        assert!(out.is_empty());
    }
}
