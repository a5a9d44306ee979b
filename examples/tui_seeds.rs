//! Runs the TUI over the bundled seeds through the in-memory source, with a simulated index
//! build, before the real index adapter exists: `cargo run --release --example tui_seeds --
//! [--no-mouse] [--theme NAME] [--bidi app|terminal|off] [--state DIR] [--slow]`.

use std::sync::Arc;
use std::time::Duration;

use qari::tui::{run, source::seed_source, BidiMode, TuiOptions};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let slow = args.iter().any(|a| a == "--slow");
    let options = TuiOptions {
        theme: value("--theme").unwrap_or_else(|| "default".into()),
        theme_dir: None,
        mouse: !args.iter().any(|a| a == "--no-mouse"),
        bidi: match value("--bidi").as_deref() {
            Some("terminal") => BidiMode::Terminal,
            Some("off") => BidiMode::Off,
            _ => BidiMode::App,
        },
        shape: false,
        state_dir: value("--state").map(Into::into),
        color: value("--color").and_then(|c| qari::tui::theme::ColorSupport::from_setting(&c)),
        theme_overrides: Default::default(),
    };
    run(
        move |progress| {
            let total = 50;
            for done in 0..=total {
                progress(done, total);
                if slow {
                    std::thread::sleep(Duration::from_millis(60));
                }
            }
            Ok(Arc::new(seed_source()) as Arc<dyn qari::tui::source::Source>)
        },
        options,
    )
}
