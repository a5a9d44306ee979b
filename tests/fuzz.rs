//! Fuzzing with proptest (cargo-fuzz needs a nightly toolchain this project does not have): the
//! decoder and loader, the date parser, the query parser and the layout engine get arbitrary
//! input and must neither panic nor return out-of-range offsets. `QARI_FUZZ_CASES` sets the runs
//! per target (CI: 2,000; the figures in RELIABILITY.md: 1,000,000).

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

fn config() -> Config {
    let cases = std::env::var("QARI_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    }
}

/// Bytes that look like what the loader meets: Arabic and ASCII text, BOMs, CR/LF, NUL and
/// other controls, invalid UTF-8, JSON punctuation.
fn corpus_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just("موسكو ".as_bytes().to_vec()),
        Just("٢١ تشرين الأول ٢٠٢٠".as_bytes().to_vec()),
        Just(b"{\"title\":\"".to_vec()),
        Just(b"\",\"body\":\"".to_vec()),
        Just(b"\",\"date\":\"2020-10-21\"}\n".to_vec()),
        Just(b"\r\n\n# ".to_vec()),
        Just(b"\x00\x1b]0;x\x07\xc2\x9b".to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn query_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("موسكو".to_string()),
        Just(" ".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("\"".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just(":".to_string()),
        Just("*".to_string()),
        Just(" OR ".to_string()),
        Just(" AND NOT ".to_string()),
        Just("person:".to_string()),
        Just("place:\"قره باغ\"".to_string()),
        Just("title:".to_string()),
        Just("[a TO b]".to_string()),
        Just("~2".to_string()),
        Just("^3".to_string()),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

#[test]
fn decoder_and_loader_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&(corpus_bytes(), 0..3usize), |(bytes, ext)| {
            if let Ok(d) = qari::corpus::decode(&bytes) {
                prop_assert!(!d.text.contains('\r'));
            }
            let ext = ["txt", "md", "jsonl"][ext];
            let path = dir.path().join(format!("f.{ext}"));
            std::fs::write(&path, &bytes).unwrap();
            let entry = qari::corpus::FileEntry {
                path,
                rel: format!("f.{ext}"),
                id: "f".into(),
                size: bytes.len() as u64,
                mtime_ns: 0,
            };
            let (articles, _, _) = qari::corpus::load_file(&entry);
            for a in &articles {
                // The text every offset points into can be built and laid out.
                let text = a.text();
                let _ = qari::layout::ArticleLayout::from_article(a);
                prop_assert!(text.len() >= a.title.len());
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn date_parser_never_panics_and_points_inside_the_text() {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&corpus_bytes(), |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            for m in qari::text::dates::find_dates(&text) {
                prop_assert!(m.start <= m.end && m.end <= text.len());
                prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
                if let Some(month) = m.date.month {
                    prop_assert!((1..=12).contains(&month));
                }
            }
            let _ = qari::text::dates::PartialDate::from_iso(&text);
            Ok(())
        })
        .unwrap();
}

#[test]
fn query_parser_never_panics() {
    let corpus = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    for (i, body) in ["وصل الوزير إلى موسكو", "قره باغ وأرمينيا", "بوتين في موسكو"]
        .iter()
        .enumerate()
    {
        std::fs::write(
            corpus.path().join(format!("{i}.txt")),
            format!("عنوان\n\n{body}"),
        )
        .unwrap();
    }
    let options = qari::index::OpenOptions {
        entities: true,
        ..Default::default()
    };
    let (lib, _) =
        qari::index::Library::open(corpus.path(), cache.path(), options, &mut |_| {}).unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&query_text(), |q| {
            if let Ok(found) = lib.search(&q, qari::index::SearchOptions::limit(10)) {
                prop_assert!(found.total >= found.hits.len());
                for h in found.hits {
                    for r in &h.highlights {
                        prop_assert!(r.end <= h.snippet.len());
                        prop_assert!(h.snippet.is_char_boundary(r.start));
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

/// Text that stresses the layout engine: Arabic with harakat, Latin, digits, brackets, every
/// kind of bidi control (often unbalanced), combining marks with no letter, wide and zero-width
/// characters, controls, and any character at all.
fn layout_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("قال الوزير ".to_string()),
        Just("بِسْمِ ".to_string()),
        Just("Lavrov (2021) ".to_string()),
        Just("١٢٣ 4.5% ".to_string()),
        Just("[«»]() ".to_string()),
        Just("\u{202B}\u{202A}\u{202D}\u{202E}\u{202C}".to_string()),
        Just("\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}".to_string()),
        Just("\u{651}\u{64B}\u{300}".to_string()),
        Just("漢字😀\u{200B}\u{FEFF}".to_string()),
        Just("\u{1b}]0;x\u{7}\u{9b}\t\r\n\n".to_string()),
        any::<char>().prop_map(String::from),
        "[ -~]{0,6}",
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

#[test]
fn layout_never_panics_and_every_line_fits() {
    use qari::layout::{ArticleLayout, BidiMode, LayoutOptions};
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let strategy = (layout_text(), 0u16..60, any::<bool>());
    runner
        .run(&strategy, |(text, width, shape)| {
            let layout = ArticleLayout::from_text(&text);
            for mode in [BidiMode::App, BidiMode::Terminal, BidiMode::Off] {
                let opts = LayoutOptions { width, mode, shape };
                let rows = layout.all_rows(&opts);
                for row in &rows {
                    prop_assert!(row.indent + row.width <= width.max(2), "{row:?}");
                    prop_assert!(text.is_char_boundary(row.logical.start));
                    prop_assert!(row.logical.end <= text.len());
                }
                prop_assert_eq!(layout.row_count(&opts), rows.len());
            }
            Ok(())
        })
        .unwrap();
}
