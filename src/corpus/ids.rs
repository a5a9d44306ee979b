//! Article ids and prefix lookup: any unique prefix of an id names the article.

use super::Article;

/// Why an id did not name exactly one article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Nothing starts with the prefix.
    #[error("no article with id '{0}' (see `qari list`)")]
    Unknown(String),
    /// Several ids start with it; lists them (up to ten).
    #[error("id '{prefix}' is ambiguous: {} ({} candidates; type more of the id)", .candidates.join(", "), .count)]
    Ambiguous {
        prefix: String,
        candidates: Vec<String>,
        count: usize,
    },
    /// The empty string.
    #[error("empty article id")]
    Empty,
}

/// Resolves `prefix` against the ids given, in any order: an exact id wins, else the one id that
/// starts with the prefix.
pub fn resolve_in<'a, I: IntoIterator<Item = &'a str>>(
    ids: I,
    prefix: &str,
) -> Result<&'a str, IdError> {
    if prefix.is_empty() {
        return Err(IdError::Empty);
    }
    let mut matches: Vec<&str> = Vec::new();
    for id in ids {
        if id == prefix {
            return Ok(id);
        }
        if id.starts_with(prefix) {
            matches.push(id);
        }
    }
    match matches.len() {
        0 => Err(IdError::Unknown(prefix.to_string())),
        1 => Ok(matches[0]),
        n => {
            matches.sort_unstable();
            Err(IdError::Ambiguous {
                prefix: prefix.to_string(),
                candidates: matches.iter().take(10).map(|s| s.to_string()).collect(),
                count: n,
            })
        }
    }
}

/// Finds the article whose id is `prefix` or uniquely starts with it.
pub fn resolve_id<'a>(articles: &'a [Article], prefix: &str) -> Result<&'a Article, IdError> {
    let id = resolve_in(articles.iter().map(|a| a.id.as_str()), prefix)?;
    Ok(articles
        .iter()
        .find(|a| a.id == id)
        .expect("resolved id is among the articles"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let ids = ["000_aa", "001_bb", "010_cc", "01"];
        assert_eq!(resolve_in(ids, "000"), Ok("000_aa"));
        assert_eq!(resolve_in(ids, "01"), Ok("01"));
        assert!(matches!(
            resolve_in(ids, "0"),
            Err(IdError::Ambiguous { count: 4, .. })
        ));
        assert_eq!(resolve_in(ids, "9"), Err(IdError::Unknown("9".into())));
        let e = resolve_in(ids, "00").unwrap_err().to_string();
        assert!(e.contains("000_aa") && e.contains("001_bb"), "{e}");
    }
}
