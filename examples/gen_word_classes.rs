//! Writes `data/word_classes.tsv`: what general Arabic text says of each word (how common, how
//! often with ال, how often with a pronoun suffix), the tagger's stand-in for capitalisation
//! statistics (`qari::entities::word_classes`).
//!
//! Source: the Arabic word frequencies of the `wordfreq` 3.1.1 wheel (PyPI; code Apache-2.0 by
//! Robyn Speer, word lists CC BY-SA 4.0: Wikipedia, OpenSubtitles 2018, news, web text and
//! Twitter), dumped by `scripts/dump_wordfreq.py`; the derived table is under CC BY-SA 4.0 too.
//!
//! ```sh
//! pip download --no-deps wordfreq==3.1.1 -d /tmp/wordfreq && pip install msgpack
//! python3 scripts/dump_wordfreq.py /tmp/wordfreq/wordfreq-3.1.1-py3-none-any.whl > /tmp/ar_freq.tsv
//! cargo run --release --example gen_word_classes -- /tmp/ar_freq.tsv data/word_classes.tsv
//! ```

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        eprintln!("usage: gen_word_classes FREQS.tsv OUT.tsv");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gen_word_classes: cannot read {input}: {e}");
            std::process::exit(2);
        }
    };
    let body = qari::entities::word_classes::classes_file(&text);
    if let Err(e) = std::fs::write(&output, body) {
        eprintln!("gen_word_classes: cannot write {output}: {e}");
        std::process::exit(2);
    }
}
