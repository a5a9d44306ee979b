//! TEMPORARY (branch `layout` only): a bare `qari show FILE` to try the layout end to end until
//! the lead's clap `main.rs` and corpus loader land. Drop this file's content on merge.

use std::io::IsTerminal;

use qari::cli::show::{show, Order, ShowOptions};
use qari::corpus::Article;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("show") {
        eprintln!("usage: qari show FILE [--width N] [--visual|--logical] [--shape] [--bidi MODE]");
        std::process::exit(2);
    }
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let tw = crossterm::terminal::size().ok().map(|(w, _)| w);
    let mut opts = ShowOptions::defaults(tty, tw);
    let mut file = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--width" => opts.width = it.next().and_then(|w| w.parse().ok()).unwrap_or(80),
            "--visual" => opts.order = Order::Visual,
            "--logical" => opts.order = Order::Logical,
            "--shape" => opts.shape = true,
            "--bidi" => opts.bidi = it.next().and_then(|m| m.parse().ok()).unwrap_or_default(),
            f => file = Some(f.to_string()),
        }
    }
    let Some(file) = file else {
        eprintln!("qari show: no file");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("qari show: {file}: {e}");
            std::process::exit(1);
        }
    };
    let mut paras = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty());
    let article = Article {
        id: file.clone(),
        title: paras.next().unwrap_or_default(),
        paragraphs: paras.collect(),
        date: None,
        source: None,
        path: file.into(),
        truncated: false,
    };
    if let Err(e) = show(&article, &opts, &mut stdout.lock()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("qari show: {e}");
            std::process::exit(1);
        }
    }
}
