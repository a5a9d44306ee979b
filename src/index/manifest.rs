//! The manifests beside the tantivy index: what was indexed from which file, so a relaunch can
//! tell changed files from unchanged ones by size and mtime alone, and list articles without
//! opening any article file.
//!
//! Every manifest is one serde value in `postcard` (compact, and read without parsing text),
//! followed by the xxh3 of those bytes: a damaged or truncated manifest
//! is refused as a whole and the index rebuilt, never half-trusted.

use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::catalog::Catalog;
use super::IndexError;
use crate::atomic::write_atomic;

/// `files.bin`: what the index knows of each corpus file.
pub(crate) const FILES: &str = "files.bin";
/// `articles.bin`: the [`Catalog`].
pub(crate) const ARTICLES: &str = "articles.bin";
/// `dirs.bin`: every folder's mtime at the last full scan.
pub(crate) const DIRS: &str = "dirs.bin";

/// What the index knows of one corpus file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct FileRecord {
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time in ns when indexed.
    pub mtime_ns: u128,
    /// xxh3 of the bytes indexed.
    pub hash: u64,
    /// The id its articles were named from ([`crate::corpus::FileEntry::id`]): when a new file
    /// claims the same name, the old one is re-indexed under its new id.
    pub id: String,
}

/// Corpus file (relative path) → record.
pub(crate) type Files = HashMap<String, FileRecord>;

/// Reads the manifest `name` in `dir`, checking its checksum.
pub(crate) fn read<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T, IndexError> {
    let (path, mut bytes) = read_checked(dir, name)?;
    bytes.truncate(bytes.len() - 8);
    postcard::from_bytes(&bytes).map_err(|e| damaged(&path, &e.to_string()))
}

/// Checks the manifest `name` in `dir` against its checksum without decoding it (a few ms for
/// the 100k catalog, against ~20 for decoding it).
pub(crate) fn verify(dir: &Path, name: &str) -> Result<(), IndexError> {
    read_checked(dir, name).map(drop)
}

fn damaged(path: &Path, what: &str) -> IndexError {
    IndexError::Read {
        path: path.to_path_buf(),
        error: std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string()),
    }
}

/// The bytes of a manifest whose checksum matches, with its path.
fn read_checked(dir: &Path, name: &str) -> Result<(std::path::PathBuf, Vec<u8>), IndexError> {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).map_err(|error| IndexError::Read {
        path: path.clone(),
        error,
    })?;
    let Some(split) = bytes.len().checked_sub(8) else {
        return Err(damaged(&path, "truncated"));
    };
    let (body, sum) = bytes.split_at(split);
    if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != sum {
        return Err(damaged(&path, "checksum mismatch"));
    }
    Ok((path, bytes))
}

/// Writes the manifest `name` in `dir` atomically, with its checksum.
pub(crate) fn write<T: Serialize + ?Sized>(
    dir: &Path,
    name: &str,
    value: &T,
) -> Result<(), IndexError> {
    let body = postcard::to_stdvec(value).map_err(|e| IndexError::Write {
        path: dir.join(name),
        error: std::io::Error::other(e),
    })?;
    write_body(dir, name, &body)
}

/// Writes `body` and its checksum to the manifest `name` in `dir`, atomically.
fn write_body(dir: &Path, name: &str, body: &[u8]) -> Result<(), IndexError> {
    let path = dir.join(name);
    let sum = xxhash_rust::xxh3::xxh3_64(body).to_le_bytes();
    write_atomic(&path, |w| {
        w.write_all(body)?;
        w.write_all(&sum)
    })
    .map_err(|error| IndexError::Write {
        path: path.clone(),
        error,
    })
}

/// Writes the catalog (its own flat layout, see [`Catalog`]) and its checksum.
pub(crate) fn write_catalog(dir: &Path, catalog: &Catalog) -> Result<(), IndexError> {
    write_body(dir, ARTICLES, catalog.as_bytes())
}

/// Reads and checks the catalog: the file is mapped, not read, so opening 100k articles costs
/// its checksum and a check of its entries, not a copy and a decode.
pub(crate) fn read_catalog(dir: &Path) -> Result<Catalog, IndexError> {
    let path = dir.join(ARTICLES);
    let read_err = |error| IndexError::Read {
        path: path.clone(),
        error,
    };
    let file = std::fs::File::open(&path).map_err(read_err)?;
    let len = file.metadata().map_err(read_err)?.len() as usize;
    let Some(split) = len.checked_sub(8) else {
        return Err(damaged(&path, "truncated"));
    };
    // SAFETY: index files are replaced by renaming a new file over them (`write_atomic`), never
    // written in place, so the mapped bytes do not change under the map.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(read_err)?;
    let (body, sum) = map.split_at(split.min(map.len()));
    if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != sum {
        return Err(damaged(&path, "checksum mismatch"));
    }
    let catalog = Catalog::from_map(map, split).map_err(|e| damaged(&path, &e.to_string()))?;
    catalog.release_pages();
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Files::new();
        files.insert(
            "a.txt".into(),
            FileRecord {
                size: 3,
                mtime_ns: 7,
                hash: 9,
                id: "a".into(),
            },
        );
        write(dir.path(), FILES, &files).unwrap();
        assert_eq!(read::<Files>(dir.path(), FILES).unwrap(), files);
        let p = dir.path().join(FILES);
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[1] ^= 0x55;
        std::fs::write(&p, &bytes).unwrap();
        let err = read::<Files>(dir.path(), FILES).unwrap_err().to_string();
        assert!(
            err.contains("files.bin") && err.contains("checksum"),
            "{err}"
        );
        std::fs::write(&p, b"x").unwrap();
        assert!(read::<Files>(dir.path(), FILES).is_err());
    }
}
