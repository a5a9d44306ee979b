//! TEMPORARY entry point of the `ner` branch, so `qari entities` and `qari tag` can be run end to
//! end before the lead's clap-based main.rs lands; the merge keeps theirs. The logic is in
//! `qari::cli::{entities, tag}`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use qari::corpus::Article;

/// Minimal seed reader: first non-empty line is the title, paragraphs separated by blank lines.
fn read_dir(root: &Path) -> std::io::Result<Vec<Article>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p)?;
        let mut paras = text
            .split("\n\n")
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty());
        let title = paras.next().unwrap_or_default();
        out.push(Article {
            id: p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            title,
            paragraphs: paras.collect(),
            date: None,
            source: None,
            path: p.clone(),
            truncated: false,
        });
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let mut corpus = PathBuf::from("seeds");
    if let Some(i) = args.iter().position(|a| a == "--corpus") {
        if let Some(p) = args.get(i + 1) {
            corpus = PathBuf::from(p);
        }
    }
    let pos: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !(a.starts_with("--") || (*i > 0 && args[i - 1] == "--corpus")))
        .map(|(_, a)| a)
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let res: Result<(), String> = match pos.first().map(|s| s.as_str()) {
        Some("entities") => match read_dir(&corpus) {
            Err(e) => Err(format!("{}: {e}", corpus.display())),
            Ok(arts) => {
                let sel: Vec<Article> = match pos.get(1) {
                    Some(id) => arts
                        .into_iter()
                        .filter(|a| a.id.starts_with(id.as_str()))
                        .collect(),
                    None => arts,
                };
                qari::cli::entities::run(&sel, flag("--json"), &mut out).map_err(|e| e.to_string())
            }
        },
        Some("tag") => {
            let stdin = std::io::stdin();
            qari::cli::tag::run(&mut stdin.lock(), flag("--conll"), flag("--json"), &mut out)
                .map_err(|e| e.to_string())
        }
        _ => Err("usage: qari entities [ID] [--json] | qari tag [--conll] [--json]".into()),
    };
    let _ = out.flush();
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qari: {e}");
            ExitCode::FAILURE
        }
    }
}
