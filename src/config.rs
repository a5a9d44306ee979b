//! Settings: the one place that reads the config file, the environment and the flags, and says
//! where things live (config, cache/index, state). Precedence: flag > environment > config file >
//! built-in default.

use std::path::{Path, PathBuf};

/// `config.toml`, every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// Corpus folder (`~` is expanded).
    pub corpus: Option<String>,
    /// Theme name (built-in or a file in the config dir's `themes/`).
    pub theme: Option<String>,
    /// `app`, `terminal` or `off`; anything else is an error when the file is read, so every
    /// command refuses it alike.
    pub bidi: Option<crate::layout::BidiMode>,
    /// Shape Arabic to presentation forms for terminals that do not join letters.
    pub shape: Option<bool>,
    /// Mouse support in the TUI.
    pub mouse: Option<bool>,
    /// The article list's width in columns beside an open article (`<`/`>` change it for a
    /// session); at least 20, and the reader keeps 30.
    pub list_width: Option<u16>,
    /// A file `y`/`Y` in the reader also write the copied text to (`~` is expanded), for
    /// terminals without OSC 52.
    pub copy_file: Option<String>,
    /// The program that opens a link from the reader's links menu (`L`), with its arguments,
    /// split at spaces; the address is added last (`"xdg-open"`, `"open"`, `"firefox --new-tab"`).
    pub link_opener: Option<String>,
    /// `[keys.<context>]` tables of `"key" = "command"`: changes to the reader's key map (see
    /// `tui::keymap` for contexts, key names and commands). Checked when the file is read.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub keys: crate::tui::keymap::KeyConfig,
}

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Unreadable config file. The OS error is part of the message, not a `source`, so that
    /// `{:#}` (which prints the chain) shows it once.
    #[error("cannot read config {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A file qari had to write (the bundled seed articles) could not be written.
    #[error("cannot write {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    /// TOML syntax or an unknown key.
    #[error("config {path}: {message}")]
    Parse { path: PathBuf, message: String },
    /// No home directory to put things in, and no override.
    #[error(
        "cannot find a home directory; set QARI_CACHE_DIR, QARI_CONFIG_DIR and QARI_STATE_DIR"
    )]
    NoHome,
}

/// Where qari keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Folder of `config.toml` and user themes (`QARI_CONFIG_DIR`, else the XDG config dir).
    pub config_dir: PathBuf,
    /// Folder of the search indexes (`QARI_CACHE_DIR`, else the XDG cache dir).
    pub cache_dir: PathBuf,
    /// Folder of read state and reading positions (`QARI_STATE_DIR`, else the XDG state dir).
    pub state_dir: PathBuf,
}

impl Paths {
    /// Resolves the folders from the environment and the platform conventions.
    pub fn from_env() -> Result<Paths, ConfigError> {
        let dirs = directories::ProjectDirs::from("", "", "qari");
        let pick = |var: &str, default: Option<PathBuf>| -> Result<PathBuf, ConfigError> {
            match std::env::var_os(var).filter(|v| !v.is_empty()) {
                Some(v) => Ok(absolute(Path::new(&v))),
                None => default.ok_or(ConfigError::NoHome),
            }
        };
        Ok(Paths {
            config_dir: pick(
                "QARI_CONFIG_DIR",
                dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
            )?,
            cache_dir: pick(
                "QARI_CACHE_DIR",
                dirs.as_ref().map(|d| d.cache_dir().to_path_buf()),
            )?,
            state_dir: pick(
                "QARI_STATE_DIR",
                dirs.as_ref()
                    .map(|d| d.state_dir().unwrap_or(d.data_local_dir()).to_path_buf()),
            )?,
        })
    }

    /// `config.toml` in the config dir.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `s` as a path, a leading `~` or `~/` taken as the home folder (config values).
pub fn expand_home(s: &str) -> PathBuf {
    let rest = if s == "~" {
        Some("")
    } else {
        s.strip_prefix("~/")
    };
    if let Some(rest) = rest {
        if let Some(home) = directories::BaseDirs::new() {
            return home.home_dir().join(rest);
        }
    }
    PathBuf::from(s)
}

/// Largest config file read: a config is a few lines; a link to `/dev/zero` must not hang.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads `config.toml`; a missing file is the empty config.
pub fn read_config(path: &Path) -> Result<ConfigFile, ConfigError> {
    let parse_err = |message: String| ConfigError::Parse {
        path: path.to_path_buf(),
        message,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(error) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                error,
            })
        }
    };
    if file.metadata().is_ok_and(|m| !m.is_file()) {
        return Err(parse_err("not a regular file".into()));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_CONFIG_BYTES + 1),
        &mut bytes,
    )
    .map_err(|error| ConfigError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(parse_err(format!(
            "larger than {} KiB; is it the right file?",
            MAX_CONFIG_BYTES / 1024
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| parse_err("not UTF-8 text".into()))?;
    let config: ConfigFile = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.message().to_string()
            + &e.span()
                .map(|s| format!(" (line {})", text[..s.start].matches('\n').count() + 1))
                .unwrap_or_default(),
    })?;
    if config
        .corpus
        .as_deref()
        .is_some_and(|c| c.trim().is_empty())
    {
        return Err(parse_err(
            "corpus is empty: give a folder, or remove the line for the bundled articles".into(),
        ));
    }
    // Unknown contexts, keys and commands are errors naming them, like unknown config keys.
    crate::tui::keymap::KeyMap::with_config(&config.keys).map_err(|message| {
        ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        }
    })?;
    Ok(config)
}

/// Where the corpus comes from, for `qari paths` and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorpusOrigin {
    /// `--corpus`.
    Flag,
    /// `QARI_CORPUS`.
    Env,
    /// `corpus =` in config.toml.
    ConfigFile,
    /// The bundled seed articles.
    Bundled,
}

/// Everything a command needs to know, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Folders.
    pub paths: Paths,
    /// The config file as read.
    pub config: ConfigFile,
    /// Absolute corpus folder.
    pub corpus: PathBuf,
    /// Where `corpus` came from.
    pub corpus_origin: CorpusOrigin,
}

impl Settings {
    /// Resolves settings from the `--corpus` flag (if any), the environment and the config file.
    pub fn resolve(corpus_flag: Option<&Path>) -> Result<Settings, ConfigError> {
        let paths = Paths::from_env()?;
        let config = read_config(&paths.config_file())?;
        let env_corpus = std::env::var_os("QARI_CORPUS").filter(|v| !v.is_empty());
        let (corpus, corpus_origin) = if let Some(c) = corpus_flag {
            (c.to_path_buf(), CorpusOrigin::Flag)
        } else if let Some(c) = env_corpus {
            (PathBuf::from(c), CorpusOrigin::Env)
        } else if let Some(c) = &config.corpus {
            (expand_home(c), CorpusOrigin::ConfigFile)
        } else {
            (bundled_seeds(&paths)?, CorpusOrigin::Bundled)
        };
        Ok(Settings {
            corpus: absolute(&corpus),
            corpus_origin,
            paths,
            config,
        })
    }
}

/// The bundled seed articles, embedded in the binary.
const SEEDS: &[(&str, &str)] = &[
    (
        "000_5d3c243a0b753bd8.txt",
        include_str!("../seeds/000_5d3c243a0b753bd8.txt"),
    ),
    (
        "001_13ef93096cc37932.txt",
        include_str!("../seeds/001_13ef93096cc37932.txt"),
    ),
    (
        "002_59cf70ea1a2082cc.txt",
        include_str!("../seeds/002_59cf70ea1a2082cc.txt"),
    ),
    (
        "003_d20ebc38bcca70ee.txt",
        include_str!("../seeds/003_d20ebc38bcca70ee.txt"),
    ),
    (
        "004_104105c63aa4b763.txt",
        include_str!("../seeds/004_104105c63aa4b763.txt"),
    ),
];

/// The `seeds/` folder of the source tree when it is there (`cargo run`), else a copy of the
/// embedded seeds written once into the state dir (an installed binary).
fn bundled_seeds(paths: &Paths) -> Result<PathBuf, ConfigError> {
    let source_tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    if source_tree.is_dir() {
        return Ok(source_tree);
    }
    let dir = paths.state_dir.join("seeds");
    write_seeds(&dir)?;
    Ok(dir)
}

/// Writes the embedded seeds into `dir`, leaving files already there alone.
fn write_seeds(dir: &Path) -> Result<(), ConfigError> {
    for (name, text) in SEEDS {
        let p = dir.join(name);
        if !p.exists() {
            std::fs::create_dir_all(dir)
                .and_then(|_| std::fs::write(&p, text))
                .map_err(|e| ConfigError::Write {
                    path: p.clone(),
                    error: e,
                })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "theme = \"dark\"\nbogus = 1\n").unwrap();
        let e = read_config(&p).unwrap_err().to_string();
        assert!(
            e.contains("config.toml") && e.contains("bogus") && e.contains("line 2"),
            "{e}"
        );
        std::fs::write(&p, "theme = \"dark\"\nbidi = \"sideways\"\n").unwrap();
        let e = read_config(&p).unwrap_err().to_string();
        assert!(
            e.contains("config.toml") && e.contains("sideways") && e.contains("line 2"),
            "{e}"
        );
        std::fs::write(&p, "corpus = \" \"\n").unwrap();
        let e = read_config(&p).unwrap_err().to_string();
        assert!(e.contains("corpus is empty"), "{e}");
        #[cfg(unix)]
        {
            let link = dir.path().join("zero.toml");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            let e = read_config(&link).unwrap_err().to_string();
            assert!(
                e.contains("zero.toml") && e.contains("not a regular file"),
                "{e}"
            );
        }
        if let Some(home) = directories::BaseDirs::new() {
            assert_eq!(expand_home("~"), home.home_dir());
            assert_eq!(expand_home("~/news"), home.home_dir().join("news"));
        }
        std::fs::write(&p, "bidi = \"terminal\"\n").unwrap();
        assert_eq!(
            read_config(&p).unwrap().bidi,
            Some(crate::layout::BidiMode::Terminal)
        );
        std::fs::write(&p, "theme = \"dark\"\nshape = true\n").unwrap();
        let c = read_config(&p).unwrap();
        assert_eq!((c.theme.as_deref(), c.shape), (Some("dark"), Some(true)));
        assert_eq!(
            read_config(&dir.path().join("none.toml")).unwrap(),
            ConfigFile::default()
        );
    }

    #[test]
    fn keys_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "[keys.reader]\n\"J\" = \"move_down\"\n").unwrap();
        let c = read_config(&p).unwrap();
        assert_eq!(c.keys["reader"]["J"], "move_down");
        std::fs::write(&p, "[keys.reader]\n\"J\" = \"mvoe_down\"\n").unwrap();
        let e = read_config(&p).unwrap_err().to_string();
        assert!(
            e.contains("config.toml") && e.contains("\"mvoe_down\""),
            "{e}"
        );
        std::fs::write(&p, "[keys.normal]\n\"Ctrl-Bogus\" = \"top\"\n").unwrap();
        let e = read_config(&p).unwrap_err().to_string();
        assert!(e.contains("\"Bogus\""), "{e}");
    }

    #[test]
    fn a_failed_write_says_write() {
        let dir = tempfile::tempdir().unwrap();
        write_seeds(&dir.path().join("seeds")).unwrap();
        // A file where the folder should be: the seeds cannot be written under it.
        let blocker = dir.path().join("state");
        std::fs::write(&blocker, "").unwrap();
        let e = write_seeds(&blocker.join("seeds")).unwrap_err();
        let chain = format!("{:#}", anyhow::Error::from(e));
        assert!(
            chain.starts_with("cannot write ") && chain.contains("seeds"),
            "{chain}"
        );
        // The OS error once, also where the chain is printed.
        assert_eq!(chain.matches("os error").count(), 1, "{chain}");
    }
}
