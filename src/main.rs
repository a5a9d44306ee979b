//! The `qari` binary: parse the command line, call the library, print, map errors to exit codes
//! (0 success or hits, 1 no hits, 2 error — like grep).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use qari::cli::{self, Marks};
use qari::config::Settings;
use qari::index::{Library, OpenOptions, Progress};

/// A terminal reader for Arabic news: bidi-correct reader, entity sidebar, instant search.
#[derive(Parser, Debug, Clone)]
#[command(
    name = "qari",
    version,
    about,
    after_help = "Examples:\n  qari                      open the reader on the corpus\n  qari search 'بوتين قره باغ'\n  qari show 003 --width 60\n  qari --corpus ~/news list --json"
)]
struct Cli {
    /// Folder of articles (.txt, .md, .jsonl), read recursively [env: QARI_CORPUS; default: the
    /// config file's `corpus`, else the bundled seed articles]
    #[arg(long, global = true, value_name = "DIR")]
    corpus: Option<PathBuf>,

    /// Theme for the reader: default, light, dark, high-contrast, or a file in the config dir's
    /// themes/ [config: theme]
    #[arg(long, value_name = "NAME")]
    theme: Option<String>,

    /// How right-to-left text reaches the terminal: app (qari reorders; the default), terminal
    /// (for terminals that reorder themselves: Konsole, mlterm, Apple Terminal), off [config: bidi]
    #[arg(long, global = true, value_name = "MODE")]
    bidi: Option<qari::layout::BidiMode>,

    /// Join Arabic letters with presentation forms, for terminals that do not (Alacritty, xterm)
    /// [config: shape]
    #[arg(long, global = true)]
    shape: bool,

    /// Colour the output: auto (only when stdout is a terminal and NO_COLOR is unset), always,
    /// never. JSON is never coloured; the reader uses its theme.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    color: cli::ColorChoice,

    /// In the reader, `y`/`Y` also write what they copy to this file, for terminals without
    /// OSC 52 [config: copy_file]
    #[arg(long, value_name = "PATH")]
    copy_file: Option<std::path::PathBuf>,

    /// Do not capture the mouse [config: mouse = false]
    #[arg(long)]
    no_mouse: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug, Clone)]
enum Command {
    /// List the articles: id, date, title.
    #[command(after_help = "Example:\n  qari list --json | jq '.[].title'")]
    List {
        /// Print JSON, an array of {"id", "title", "date", "source", "path"}: date ISO
        /// (2021-07-07, 2021-05, --05-14 without a year) or null, source the agency or null, path
        /// the article's file.
        #[arg(long)]
        json: bool,
        /// Columns a row may take (default: the terminal's width; piped: no limit).
        #[arg(long, short = 'w', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
    },
    /// Search the corpus; words are ANDed, "a phrase", a OR b, -word, word*, =word,
    /// person:/place:/org:/source:NAME, date:2021-05 or date:2020-11-01..2021-01-31.
    ///
    /// A word also finds other spellings of a name (ترمب for ترامب) and, from five letters, its
    /// typos; articles with the word as written rank first. `=word` or --exact turns that off.
    /// An unquoted name after person:, place:, org: or source: takes as many of the following
    /// words as make a name the corpus knows. An excluded Latin word needs quoting with the rest
    /// (`qari search 'putin -lavrov'`) or `--` before it; excluded Arabic words work as they are.
    #[command(
        after_help = "Exit status: 0 hits, 1 no hits, 2 error.\n\nExamples:\n  qari search موسكو\n  qari search '\"وقف إطلاق النار\" -أذربيجان'\n  qari search 'بيسكوف OR لافروف' --limit 5 --json\n  qari search place:قره باغ date:2020-10\n  qari search بوت* --count"
    )]
    Search {
        /// The query.
        #[arg(required = true, num_args = 1.., value_name = "QUERY")]
        query: Vec<String>,
        /// At most this many hits (1 or more).
        #[arg(long, short = 'n', default_value_t = 20, value_parser = parse_limit)]
        limit: usize,
        /// Print only the number of matching articles (like grep -c); {"total": N} with --json.
        #[arg(long, short = 'c')]
        count: bool,
        /// Every word matches only as written: no other spellings, no typos.
        #[arg(long)]
        exact: bool,
        /// Print JSON, an array of {"id", "title", "score", "snippet", "date", "source"}: score the
        /// BM25 rank, snippet a passage with matches marked [...], date ISO or null, source the
        /// agency or null. With --count: {"total": N}.
        #[arg(long)]
        json: bool,
        /// Columns a row may take (default: the terminal's width; piped: no limit).
        #[arg(long, short = 'w', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
    },
    /// Print an article exactly as the reader lays it out: title, then paragraphs, blank lines
    /// between.
    #[command(
        after_help = "Default: --visual at the terminal's width on a terminal, --logical at 80 columns when piped.\n\nExamples:\n  qari show 003\n  qari show 003 --width 40 --visual\n  qari show 000 --logical | grep -n موسكو\n  qari show 003 --links"
    )]
    Show {
        /// Article id or unique prefix.
        id: String,
        /// Columns to lay out for.
        #[arg(long, short = 'w', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
        /// Display order, right-to-left lines right-aligned and padded to the width.
        #[arg(long, conflicts_with = "logical")]
        visual: bool,
        /// Reading order, the same line breaks, unpadded.
        #[arg(long)]
        logical: bool,
        /// Print the article's web addresses instead, one per line: its `url` (jsonl, Markdown
        /// front matter), then those in its text.
        #[arg(long, conflicts_with_all = ["visual", "logical", "width"])]
        links: bool,
    },
    /// The people, places, organisations and dates of one article, or of every article.
    #[command(
        after_help = "JSON: [{\"id\", \"entities\": [{\"kind\": \"person|place|org|date\", \"name\", \"count\", \"mentions\": [[start, end], ...]}]}]\n(byte offsets into the article's text: title, blank line, paragraphs separated by blank lines)\n\nExamples:\n  qari entities 003\n  qari entities --json | jq '.[].entities[] | select(.kind == \"person\") | .name'"
    )]
    Entities {
        /// Article id or unique prefix (default: every article).
        id: Option<String>,
        /// Print JSON, an array of {"id", "entities": [{"kind", "name", "count", "mentions"}]}
        /// (see below).
        #[arg(long)]
        json: bool,
        /// Columns a row may take (default: the terminal's width; piped: no limit).
        #[arg(long, short = 'w', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
    },
    /// Tag text from standard input with the named-entity tagger.
    #[command(
        after_help = "With --conll: one token per line, blank line between sentences (a tag column is ignored);\nprints `TOKEN TAG` with tags O, B-X, I-X for X in PERS, LOC, ORG, MISC.\nWithout: free text in, entities out as with `qari entities`.\n\nExamples:\n  echo 'قال الرئيس الروسي فلاديمير بوتين في موسكو' | qari tag\n  qari tag --conll < tokens.txt"
    )]
    Tag {
        /// CoNLL layout in and out.
        #[arg(long)]
        conll: bool,
        /// Print JSON (free-text mode), an array of {"kind", "name", "count", "mentions"}: kind
        /// person, place, org or date; name as written (ISO for a date); mentions [[start, end],
        /// ...] byte offsets into the input.
        #[arg(long)]
        json: bool,
        /// Columns a row may take (default: the terminal's width; piped: no limit).
        #[arg(long, short = 'w', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
    },
    /// Build the search index and the entity index, or bring them up to date; print what was done.
    #[command(after_help = "Example:\n  qari index --rebuild")]
    Index {
        /// Throw the index away and build it again.
        #[arg(long)]
        rebuild: bool,
    },
    /// Print where the corpus, config, cache (index) and state live.
    #[command(after_help = "Example:\n  qari paths")]
    Paths,
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  qari completions bash > ~/.local/share/bash-completion/completions/qari"
    )]
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Example:\n  qari man | man -l -")]
    Man,
}

/// Marks an argument that started with `-` followed by a non-ASCII letter (`-موسكو`, an excluded
/// Arabic word), so that clap takes it as a query word rather than an unknown flag.
/// `--limit`: a count of hits, at least one (`--count` is how to ask for none).
fn parse_limit(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be 1 or more (--count prints only the number of matches)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

const NEGATED_WORD: char = '\u{E000}';

fn main() -> ExitCode {
    let args = std::env::args_os().map(|a| match a.to_str() {
        Some(s)
            if s.starts_with('-')
                && (s.chars().nth(1).is_some_and(|c| !c.is_ascii())
                    || ["-person:", "-place:", "-org:"]
                        .iter()
                        .any(|p| s.starts_with(p))) =>
        {
            format!("{NEGATED_WORD}{s}").into()
        }
        _ => a,
    });
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        // Help and version hold no user text: clap prints them, styled.
        Err(e) if !e.use_stderr() => e.exit(),
        // Errors echo the arguments given: print them made safe, plain.
        Err(e) => {
            eprint!("{}", safe(&e.render().to_string()));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    // A lookup that meets a damaged index (a failed checksum, a read error, or a panic inside
    // tantivy) rebuilds it once and answers; the reader handles its own.
    let result = if cli.command.is_some() {
        match attempt(&cli) {
            Err(Failure::Damaged(reason)) => {
                eprintln!(
                    "qari: the index is damaged ({}); rebuilding it",
                    safe(&reason)
                );
                REBUILD.store(true, Ordering::SeqCst);
                attempt(&cli)
            }
            other => other,
        }
    } else {
        run(cli).map_err(Failure::Error)
    };
    match result {
        Ok(code) => code,
        Err(Failure::Damaged(reason)) => {
            eprintln!(
                "qari: the index is still damaged after a rebuild: {}",
                safe(&reason)
            );
            ExitCode::from(2)
        }
        Err(Failure::Error(e)) => {
            // A closed pipe (`qari list | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Errors name files and echo queries: made safe like every other output.
            eprintln!("qari: {}", safe(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// Set once a damaged index was met: the next open rebuilds it.
static REBUILD: AtomicBool = AtomicBool::new(false);

/// How a command failed.
enum Failure {
    /// The index is damaged: worth one rebuild.
    Damaged(String),
    /// Anything else.
    Error(anyhow::Error),
}

/// Runs a lookup, turning a damaged index (an error that says so, or a panic, which only tantivy
/// reading damaged files can raise here) into [`Failure::Damaged`].
fn attempt(cli: &Cli) -> Result<ExitCode, Failure> {
    static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        *PANIC.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!("panic: {msg}"));
    }));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli.clone())));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(code)) => Ok(code),
        Ok(Err(e)) => match e.downcast_ref::<qari::index::IndexError>() {
            Some(ie) if ie.is_damage() => Err(Failure::Damaged(ie.to_string())),
            _ => Err(Failure::Error(e)),
        },
        Err(_) => {
            let msg = PANIC.lock().unwrap_or_else(|p| p.into_inner()).take();
            Err(Failure::Damaged(
                msg.unwrap_or_else(|| "a panic while reading it".into()),
            ))
        }
    }
}

/// Text for stderr (errors, warnings, notices), which can hold file names and queries: controls
/// become visible placeholders ([`qari::layout::terminal_safe`]).
fn safe(s: &str) -> std::borrow::Cow<'_, str> {
    qari::layout::terminal_safe(s, true)
}

/// Opens (building or updating as needed) the index of the configured corpus, with a progress
/// bar on a terminal and one-line notices otherwise.
fn open_library(
    settings: &Settings,
    options: OpenOptions,
) -> Result<(Library, qari::index::UpdateStats)> {
    let options = OpenOptions {
        rebuild: options.rebuild || REBUILD.load(Ordering::SeqCst),
        ..options
    };
    let tty = io::stderr().is_terminal();
    let mut bar: Option<(&str, indicatif::ProgressBar)> = None;
    let mut progress = |p: Progress| match p {
        Progress::Waiting => eprintln!("qari: another qari is building the index; waiting for it"),
        Progress::Rebuilding(reason) => {
            eprintln!("qari: {}; rebuilding the index", safe(&reason))
        }
        Progress::Indexing { done, total } | Progress::Tagging { done, total }
            if tty && total > 0 =>
        {
            let what = if matches!(p, Progress::Tagging { .. }) {
                "tagging entities"
            } else {
                "indexing"
            };
            if bar.as_ref().is_some_and(|(w, _)| *w != what) {
                if let Some((_, b)) = bar.take() {
                    b.finish_and_clear();
                }
            }
            let (_, b) = bar.get_or_insert_with(|| {
                let b = indicatif::ProgressBar::new(total as u64);
                let template = format!("{what:>16} {{bar:40}} {{pos}}/{{len}} files, eta {{eta}}");
                b.set_style(
                    indicatif::ProgressStyle::with_template(&template)
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                (what, b)
            });
            b.set_position(done as u64);
        }
        Progress::Committing => {
            if let Some((_, b)) = bar.take() {
                b.finish_and_clear();
            }
        }
        _ => {}
    };
    let (lib, stats) = Library::open(
        &settings.corpus,
        &settings.paths.cache_dir,
        options,
        &mut progress,
    )?;
    for w in &stats.warnings {
        eprintln!("qari: warning: {}", safe(&w.to_string()));
    }
    Ok((lib, stats))
}

/// Options for the quick lookups: trust folder mtimes; build the entity index only when the
/// command needs it.
fn lookup(entities: bool) -> OpenOptions {
    OpenOptions {
        quick: true,
        entities,
        ..OpenOptions::default()
    }
}

/// The bidi mode from the flag, else the config file (checked when read), else `app`.
fn bidi_mode(flag: Option<qari::layout::BidiMode>, settings: &Settings) -> qari::layout::BidiMode {
    flag.or(settings.config.bidi).unwrap_or_default()
}

/// The sections of the man page that clap does not know, after the keys ([`man_keys`]): exit
/// status, environment and files. Roff, written by hand.
const MAN_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
0
success; for \fBsearch\fR, at least one hit
.TP
1
\fBsearch\fR found nothing
.TP
2
an error (a message on standard error), or a usage error
.TP
128 + N
the reader was ended by signal N (INT, QUIT, TERM, HUP, USR1, USR2) after restoring the terminal
.PP
A closed pipe (\fBqari entities | head \-1\fR) ends any command quietly with status 0.
.SH ENVIRONMENT
.TP
QARI_CORPUS
folder of articles, when \fB\-\-corpus\fR is not given (before the config file's \fBcorpus\fR)
.TP
QARI_CONFIG_DIR, QARI_CACHE_DIR, QARI_STATE_DIR
override the config, cache (search index) and state folders
.TP
XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_STATE_HOME
where those folders are otherwise (~/.config/qari, ~/.cache/qari, ~/.local/state/qari)
.TP
NO_COLOR
when set and not empty: no colour with \fB\-\-color auto\fR (the default); the reader keeps bold
and reverse but drops colours
.TP
COLORTERM
\fBtruecolor\fR or \fB24bit\fR lets the light and dark themes use 24\-bit colour (else 256 colours)
.TP
TERM
read by the terminal library; under tmux, qari passes its bidi escapes through
.SH FILES
.TP
<config dir>/config.toml
settings: corpus, theme, bidi, shape, mouse, [keys.<context>] tables
.TP
<config dir>/themes/NAME.toml
user themes for \fB\-\-theme NAME\fR (built in: default, light, dark, high\-contrast)
.TP
<cache dir>/
the search and entity indexes, one per corpus folder; safe to delete (rebuilt on the next run)
.TP
<state dir>/
read state and reading positions of the reader
.PP
\fBqari paths\fR prints where each of these is.
.SH "SEE ALSO"
\fBqari \-\-help\fR, \fBqari COMMAND \-\-help\fR, and README.md in the source.
"#;

/// The KEYS section: the reader's default key map, from the same table as its help overlay
/// (`?`), so the page cannot fall behind the keys.
fn man_keys() -> String {
    let roff = |s: &str| s.replace('\\', "\\e").replace('-', "\\-");
    let mut out = String::from(
        ".SH KEYS\nIn the reader (\\fBqari\\fR with no command); \\fB?\\fR or F1 shows this table, \
         and \\fB[keys.<context>]\\fR tables in config.toml change it.\n",
    );
    for (keys, what) in qari::tui::keymap::KeyMap::default().help_rows() {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(keys), roff(what)));
    }
    out
}

/// `qari man`: one page for the whole program, so it refers to no page that does not exist (clap
/// would point at `qari-list(1)` and the like): clap's name, synopsis, description and options,
/// then each command in its own subsection, then [`MAN_SECTIONS`] and the version.
fn man_page(out: &mut impl Write) -> Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    page.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("qari {}", sub.get_name());
        // The global flags are described once, above.
        let sub =
            sub.clone()
                .bin_name(&name)
                .mut_args(|a| if a.is_global_set() { a.hide(true) } else { a });
        let m = clap_mangen::Man::new(sub.clone());
        let mut part = Vec::new();
        m.render_synopsis_section(&mut part)?;
        m.render_description_section(&mut part)?;
        m.render_options_section(&mut part)?;
        if sub.get_after_help().is_some() {
            m.render_extra_section(&mut part)?;
        }
        writeln!(page, ".SS \"{name}\"")?;
        page.extend_from_slice(&without_headings(&part));
    }
    page.extend_from_slice(b".SH EXAMPLES\n");
    let mut examples = Vec::new();
    man.render_extra_section(&mut examples)?;
    page.extend_from_slice(&without_headings(&examples));
    page.extend_from_slice(man_keys().as_bytes());
    page.extend_from_slice(MAN_SECTIONS.as_bytes());
    man.render_version_section(&mut page)?;
    out.write_all(&page)?;
    Ok(())
}

/// Roff with its section headings (`.SH`) turned into paragraph breaks, to nest it in a section.
fn without_headings(roff: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(roff.len());
    for line in String::from_utf8_lossy(roff).lines() {
        out.extend_from_slice(if line.starts_with(".SH ") {
            b".PP"
        } else {
            line.as_bytes()
        });
        out.push(b'\n');
    }
    out
}

/// How `list`, `search`, `entities` and `tag` print: display order cut to the width on a
/// terminal in `--bidi app`, reading order otherwise; colour per `--color` and `NO_COLOR`; JSON
/// always plain. `settings` gives the config's `bidi` and `shape` when it could be read.
fn display(cli: &Cli, settings: Option<&Settings>, json: bool, width: Option<u16>) -> cli::Display {
    if json {
        return cli::Display::PLAIN;
    }
    let tty = io::stdout().is_terminal();
    let bidi = cli
        .bidi
        .or(settings.and_then(|s| s.config.bidi))
        .unwrap_or_default();
    let shape = cli.shape || settings.is_some_and(|s| s.config.shape.unwrap_or(false));
    let color = cli.color.enabled(tty, cli::display::no_color_env());
    let term_width = crossterm::terminal::size().ok().map(|(w, _)| w);
    cli::Display::new(tty, term_width, width, bidi, color, shape)
}

/// Runs `print` on `out`, between the escapes that ask a terminal for explicit bidi mode when the
/// lines are in display order (as `qari show` does), so a terminal that reorders (VTE) does not
/// reverse them again; implicit mode is restored even when printing fails.
fn printed<W: Write>(
    out: &mut W,
    display: &cli::Display,
    print: impl FnOnce(&mut W) -> Result<()>,
) -> Result<()> {
    if !display.visual {
        return print(out);
    }
    out.write_all(qari::layout::escapes::INLINE_ENTER.as_bytes())?;
    let result = print(out);
    let restored = out.write_all(qari::layout::escapes::INLINE_EXIT.as_bytes());
    result?;
    Ok(restored?)
}

/// Opens the reader: the index loads on a thread behind a progress gauge; once it is open, the
/// full freshness check and the entity pass run in the background.
fn run_tui(cli: &Cli, settings: Settings) -> Result<ExitCode> {
    use qari::tui::{self, library::LibrarySource, TuiOptions};
    reader_allocator_settings();
    let config = &settings.config;
    let bidi = bidi_mode(cli.bidi, &settings);
    let options = TuiOptions {
        theme: cli
            .theme
            .clone()
            .or(config.theme.clone())
            .unwrap_or_else(|| "default".into()),
        theme_dir: Some(settings.paths.config_dir.join("themes")),
        mouse: !cli.no_mouse && config.mouse.unwrap_or(true),
        bidi,
        shape: cli.shape || config.shape.unwrap_or(false),
        state_dir: Some(settings.paths.state_dir.clone()),
        keys: config.keys.clone(),
        list_width: config.list_width,
        copy_file: cli
            .copy_file
            .clone()
            .or(config.copy_file.as_deref().map(qari::config::expand_home)),
        link_opener: config
            .link_opener
            .as_deref()
            .map(|p| p.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .filter(|v| !v.is_empty()),
        ..TuiOptions::default()
    };
    if !settings.corpus.is_dir() {
        anyhow::bail!("corpus folder {} does not exist", settings.corpus.display());
    }
    let corpus = settings.corpus.clone();
    let cache = settings.paths.cache_dir.clone();
    tui::run(
        move |progress| {
            let mut report = |p: Progress| {
                if let Progress::Indexing { done, total } | Progress::Tagging { done, total } = p {
                    progress(done as u64, total as u64);
                }
            };
            let (mut lib, _) = Library::open(&corpus, &cache, lookup(false), &mut report)
                .map_err(|e| e.to_string())?;
            // Read the catalog here, off the UI thread, before the list asks for it; a damaged
            // one is rebuilt, once.
            match lib.articles() {
                Err(e) if e.is_damage() => {
                    let rebuild = OpenOptions {
                        rebuild: true,
                        ..lookup(false)
                    };
                    lib = Library::open(&corpus, &cache, rebuild, &mut report)
                        .map_err(|e| e.to_string())?
                        .0;
                    lib.articles().map_err(|e| e.to_string())?;
                }
                other => {
                    other.map_err(|e| e.to_string())?;
                }
            }
            let source = std::sync::Arc::new(LibrarySource::new(lib, cache));
            let background = source.clone();
            std::thread::spawn(move || {
                qari::index::lower_thread_priority();
                background.refresh()
            });
            Ok(source as std::sync::Arc<dyn tui::source::Source>)
        },
        options,
    )?;
    // Ended by a signal: the shell's convention, 128 + its number (SIGTERM: 143).
    Ok(tui::quit_signal().map_or(ExitCode::SUCCESS, |sig| {
        ExitCode::from(u8::try_from(128 + sig).unwrap_or(1))
    }))
}

fn run(mut cli: Cli) -> Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let settings = || Settings::resolve(cli.corpus.as_deref());
    match cli.command.take() {
        Some(Command::Completions { shell }) => {
            // Into memory first: clap_complete panics when a write fails (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "qari", &mut script);
            out.write_all(&script)?;
        }
        Some(Command::Man) => man_page(&mut out)?,
        Some(Command::Paths) => cli::paths(&mut out, &settings()?)?,
        Some(Command::Index { rebuild }) => {
            let s = settings()?;
            let options = OpenOptions {
                rebuild,
                entities: true,
                verify: true,
                ..OpenOptions::default()
            };
            let (lib, stats) = open_library(&s, options)?;
            cli::index_report(&mut out, &lib, &stats)?;
        }
        Some(Command::Show {
            id,
            width,
            visual,
            logical,
            links,
        }) => {
            use qari::cli::show::{show, Order, ShowOptions};
            let s = settings()?;
            let (lib, _) = open_library(&s, lookup(false))?;
            let article = lib.load(&id)?;
            if links {
                let text = article.text();
                for url in qari::text::urls::article_links(article.url.as_deref(), &text) {
                    writeln!(out, "{url}")?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            let tty = io::stdout().is_terminal();
            let term_width = crossterm::terminal::size().ok().map(|(w, _)| w);
            let mut opts = ShowOptions::defaults(tty, term_width);
            if visual {
                opts.order = Order::Visual;
            }
            if logical {
                opts.order = Order::Logical;
            }
            if let Some(w) = width {
                opts.width = w;
            }
            opts.shape = cli.shape || s.config.shape.unwrap_or(false);
            opts.bidi = bidi_mode(cli.bidi, &s);
            opts.color = display(&cli, Some(&s), false, None).color;
            // Visual lines on a terminal: ask for explicit mode so a terminal that reorders
            // (VTE) does not reverse them again; restore implicit mode after.
            let explicit =
                tty && opts.order == Order::Visual && opts.bidi == qari::layout::BidiMode::App;
            if explicit {
                out.write_all(qari::layout::escapes::INLINE_ENTER.as_bytes())?;
            }
            show(&article, &opts, &mut out)?;
            if explicit {
                out.write_all(qari::layout::escapes::INLINE_EXIT.as_bytes())?;
            }
        }
        Some(Command::Entities { id, json, width }) => {
            let s = settings()?;
            let display = display(&cli, Some(&s), json, width);
            let articles = match id {
                Some(id) => {
                    let (lib, _) = open_library(&s, lookup(false))?;
                    vec![lib.load(&id)?]
                }
                None => {
                    let loaded = qari::corpus::load_dir(&s.corpus)?;
                    for w in &loaded.warnings {
                        eprintln!("qari: warning: {}", safe(&w.to_string()));
                    }
                    loaded.articles
                }
            };
            printed(&mut out, &display, |out| {
                qari::cli::entities::run(&articles, json, &display, out).map_err(Into::into)
            })?;
        }
        Some(Command::Tag { conll, json, width }) => {
            // The config only for its `bidi`/`shape`: tagging stdin needs no corpus.
            let display = display(&cli, settings().ok().as_ref(), json, width);
            printed(&mut out, &display, |out| {
                qari::cli::tag::run(&mut io::stdin().lock(), conll, json, &display, out)
                    .map_err(Into::into)
            })?;
        }
        Some(Command::List { json, width }) => {
            let s = settings()?;
            let display = display(&cli, Some(&s), json, width);
            let (lib, _) = open_library(&s, lookup(false))?;
            let articles = lib.articles()?;
            printed(&mut out, &display, |out| {
                Ok(cli::list(out, &lib, articles, json, &display)?)
            })?;
        }
        Some(Command::Search {
            query,
            limit,
            count,
            exact,
            json,
            width,
        }) => {
            let s = settings()?;
            let display = display(&cli, Some(&s), json, width);
            let query = query.join(" ").replace(NEGATED_WORD, "");
            let needs_entities = ["person:", "place:", "org:"]
                .iter()
                .any(|p| query.contains(p));
            let (lib, _) = open_library(&s, lookup(needs_entities))?;
            let opts = qari::index::SearchOptions {
                limit,
                exact,
                prefix_last: false,
            };
            let found = lib.search(&query, opts)?;
            let marks = if display.color {
                Marks::Bold
            } else {
                Marks::Brackets
            };
            if count {
                cli::search_count(&mut out, found.total, json)?;
            } else {
                printed(&mut out, &display, |out| {
                    Ok(cli::search(out, &found, json, marks, &display)?)
                })?;
            }
            if !found.also.is_empty() && !json {
                let shown: Vec<&str> = found.also.iter().take(8).map(String::as_str).collect();
                eprintln!(
                    "qari: also matched {} (=word or --exact for the spelling as written)",
                    safe(&shown.join(", "))
                );
            }
            out.flush()?;
            return Ok(if found.total == 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
        None => {
            drop(out);
            return run_tui(&cli, settings()?);
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Every command's allocator setting: mimalloc commits its arena as it is used, not whole at
/// once (its default on Linux, where memory is overcommitted; pages freed inside a committed
/// arena were not given back and stayed resident). Measured with `MIMALLOC_ARENA_EAGER_COMMIT=0`
/// on the same binary: `qari search` at 100k peaked at 17–21 MB instead of 24–28 MB (the typo
/// search 20 against 32 MB); the first text pass at 10k at 139–142 MB instead of 178–196 MB, in
/// the same time.
///
/// It must be set before mimalloc reserves its first arena, which happens before `main`: this
/// runs as an ELF constructor of priority 100, before mimalloc's own (101). Setting it in `main`
/// changed nothing (measured).
#[cfg(all(target_os = "linux", not(feature = "system-alloc")))]
extern "C" fn allocator_settings() {
    // `mi_option_arena_eager_commit` of mimalloc.h's `mi_option_e` (4 in its v2 and v3).
    const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    // SAFETY: sets one entry of mimalloc's static option table; no allocation, no thread yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) }
}

/// [`allocator_settings`] in the constructors the loader runs before `main`.
#[cfg(all(target_os = "linux", not(feature = "system-alloc")))]
#[used]
#[link_section = ".init_array.00100"]
static ALLOCATOR_SETTINGS: extern "C" fn() = allocator_settings;

/// The reader's allocator settings, for a small resident size.
///
/// It gives freed memory back to the system at once: mimalloc keeps it for 10 ms by default;
/// tagging a 16 MiB article frees and allocates enough in that time that the reader peaked at
/// 210 MB resident instead of 164 MB (same binary, `MIMALLOC_PURGE_DELAY=0`).
///
/// It asks for no transparent huge pages (Linux): mimalloc's arena is otherwise backed by
/// 2 MiB pages, each resident whole, and the reader at 100k after open + read + search peaked
/// at 127–129 MB instead of 106–110 MB (same binary, `MIMALLOC_ALLOW_THP=0`, 2 runs each; the
/// option itself is read before `main`, so the process-wide switch is used instead).
/// The command-line tools keep the defaults: they run once, and the index build is
/// allocation-heavy.
fn reader_allocator_settings() {
    #[cfg(not(feature = "system-alloc"))]
    {
        // `mi_option_purge_delay` of mimalloc.h's `mi_option_e` (the same in its v2 and v3);
        // libmimalloc-sys does not name it.
        const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
        // SAFETY: sets a plain process-wide option; called before the reader starts its threads
        // (mimalloc's option setters are not synchronised).
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
    }
    #[cfg(target_os = "linux")]
    // SAFETY: a process-wide flag, no memory passed; failure leaves THP as it was.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc: the list of a 100k-article corpus is 500k small strings, and indexing allocates a
/// token buffer per word; glibc's allocator was a visible share of both. The `system-alloc`
/// feature leaves it out, for heap profilers that hook malloc (heaptrack).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
