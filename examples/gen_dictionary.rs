//! Writes `data/arabic_words.txt`: the words of a general Arabic dictionary, normalised, sorted.
//! The spelling-variant rule of search (`qari::text::variants`) leaves these alone, so that
//! Arabic words are never merged as if they were spellings of a foreign name. And
//! `data/arabic_verbs.tsv`: the dictionary's verb forms, which the entity tagger reads (a verb is
//! never part of a name; `qari::entities::word_classes`).
//!
//! Source: the Ayaspell Arabic dictionary as Debian ships it (`apt-get install hunspell-ar`,
//! version 3.2-1.2, `/usr/share/hunspell/ar.dic`), by Mohamed Kebdani, under GPL 2.0 / LGPL 2.1 /
//! MPL 1.1 (see `/usr/share/doc/hunspell-ar/copyright`); the derived list is under the same terms.
//!
//! ```sh
//! cargo run --release --example gen_dictionary -- /usr/share/hunspell/ar.dic data
//! ```

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/usr/share/hunspell/ar.dic".to_string());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gen_dictionary: cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let out = std::path::PathBuf::from(std::env::args().nth(2).unwrap_or_else(|| "data".into()));
    for (name, body) in [
        ("arabic_words.txt", qari::text::variants::words_file(&text)),
        (
            "arabic_verbs.tsv",
            qari::entities::word_classes::verbs_file(&text),
        ),
    ] {
        if let Err(e) = std::fs::write(out.join(name), body) {
            eprintln!(
                "gen_dictionary: cannot write {}: {e}",
                out.join(name).display()
            );
            std::process::exit(2);
        }
    }
}
