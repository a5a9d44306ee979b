//! Bytes → text: BOM sniffing (UTF-8, UTF-16), UTF-8, and windows-1256 for legacy Arabic files.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1256};

/// A decoded file: its text and what the decoder had to do, for a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with CRLF/CR turned into LF and NBSP into plain spaces.
    pub text: String,
    /// Name of the encoding that was used (`UTF-8`, `UTF-16LE`, `windows-1256`…).
    pub encoding: &'static str,
    /// How many invalid byte sequences were replaced by U+FFFD.
    pub replaced: usize,
}

/// Why a file's bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// NUL bytes or many control bytes: an image, an archive, an executable.
    #[error("looks like a binary file, not text")]
    Binary,
}

/// Decodes a file's bytes.
///
/// Order: a BOM decides (UTF-8, UTF-16LE/BE); else UTF-16 text written without a BOM (see
/// [`bomless_utf16`]); else valid UTF-8 is UTF-8; else a file that is
/// mostly valid UTF-8 keeps UTF-8 with the few bad sequences replaced; else windows-1256, the
/// legacy Arabic code page, which is what Arabic text that is not UTF-8 almost always is.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let (text, encoding, replaced) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (t, bad) = utf8_lossy(rest);
        (t, "UTF-8", bad)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (t, bad) = UTF_16LE.decode_without_bom_handling(rest);
        (t.into_owned(), "UTF-16LE", usize::from(bad))
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (t, bad) = UTF_16BE.decode_without_bom_handling(rest);
        (t.into_owned(), "UTF-16BE", usize::from(bad))
    } else if let Some((enc, name)) = bomless_utf16(bytes) {
        let (t, bad) = enc.decode_without_bom_handling(bytes);
        (t.into_owned(), name, usize::from(bad))
    } else {
        if looks_binary(bytes) {
            return Err(DecodeError::Binary);
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), "UTF-8", 0),
            Err(_) => {
                let (t, bad) = utf8_lossy(bytes);
                let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count().max(1);
                // A handful of broken sequences in a UTF-8 file: keep UTF-8.
                if bad * 20 < non_ascii {
                    (t, "UTF-8", bad)
                } else {
                    let (t, _) = WINDOWS_1256.decode_without_bom_handling(bytes);
                    (t.into_owned(), "windows-1256", 0)
                }
            }
        }
    };
    Ok(Decoded {
        text: clean_newlines(&text),
        encoding,
        replaced,
    })
}

fn utf8_lossy(bytes: &[u8]) -> (String, usize) {
    let mut bad = 0;
    for chunk in bytes.utf8_chunks() {
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    (String::from_utf8_lossy(bytes).into_owned(), bad)
}

/// UTF-16 without a BOM, as some Windows tools write it: an even length, NUL bytes only on one
/// side of each pair (the high byte of ASCII characters), and the head decodes to text with no
/// control characters but whitespace. Arabic letters have no NUL byte, so the NULs come from
/// spaces, digits and newlines, and a file of text always has some.
fn bomless_utf16(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nul_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    let (enc, name) = match (even, odd) {
        (0, n) if n > 0 => (UTF_16LE, "UTF-16LE (no byte-order mark)"),
        (n, 0) if n > 0 => (UTF_16BE, "UTF-16BE (no byte-order mark)"),
        _ => return None,
    };
    let (text, bad) = enc.decode_without_bom_handling(head);
    let texty = !bad
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{0C}'));
    texty.then_some((enc, name))
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    ctrl * 10 > head.len().max(1)
}

/// CRLF and lone CR become LF; NBSP and the other Unicode spaces become a plain space.
fn clean_newlines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
                out.push(' ')
            }
            '\u{2028}' | '\u{2029}' | '\u{0085}' => out.push('\n'),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_legacy_arabic() {
        let s = "مرحبا بالعالم\r\nسطر";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&bom).unwrap().text, "مرحبا بالعالم\nسطر");

        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let d = decode(&le).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("مرحبا بالعالم\nسطر", "UTF-16LE")
        );

        let (cp, _, _) = WINDOWS_1256.encode(s);
        let d = decode(&cp).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("مرحبا بالعالم\nسطر", "windows-1256")
        );
    }

    #[test]
    fn utf16_without_a_bom_is_read_as_utf16() {
        let s = "عنوان 2021\n\nنص عربي";
        let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let d = decode(&le).unwrap();
        assert_eq!((d.text.as_str(), d.replaced), (s, 0));
        assert!(d.encoding.starts_with("UTF-16LE"));
        let d = decode(&be).unwrap();
        assert_eq!(d.text, s);
        assert!(d.encoding.starts_with("UTF-16BE"));
    }

    #[test]
    fn a_few_bad_bytes_keep_utf8_and_binary_is_refused() {
        let mut b = "نص عربي طويل بما يكفي ليكون واضحا".as_bytes().to_vec();
        b.push(0xFF);
        let d = decode(&b).unwrap();
        assert_eq!((d.encoding, d.replaced), ("UTF-8", 1));
        assert!(d.text.ends_with('\u{FFFD}'));
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0"), Err(DecodeError::Binary));
        assert_eq!(decode(b"\0\x01\0\x02\0\x03"), Err(DecodeError::Binary));
        assert_eq!(decode("a\u{00A0}b".as_bytes()).unwrap().text, "a b");
    }
}
