//! One answer per article (issue 10, item 5): for every article of the seeds and of a few
//! made-up ones, `qari entities --json` (the real binary), the reader's sidebar (the TUI's
//! [`LibrarySource`], what the sidebar lists) and the entity index (`person:`/`place:`/`org:`
//! clauses, and "every article naming X" behind the sidebar's Enter) agree, and the highlights
//! of an entity point at mentions of that entity.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use qari::entities::{entity_key, EntityKind};
use qari::index::{Library, OpenOptions, SearchOptions};
use qari::tui::library::LibrarySource;
use qari::tui::source::Source;

/// Articles that are not seeds: news with people, places, organisations and dates, one with an
/// English paragraph, one with names glued to clitics and punctuation.
const MADE_UP: [(&str, &str); 3] = [
    (
        "m1_talks.txt",
        "وزير الخارجية الأرميني يلتقي نظيره التركي في جنيف\n\n\
         جنيف (رويترز) - التقى وزير الخارجية الأرميني أرارات ميرزويان نظيره التركي هاكان فيدان في \
         جنيف يوم الثلاثاء 14 آذار/مارس 2023، بحضور ممثلين عن منظمة الأمن والتعاون في أوروبا.\n\n\
         وقال ميرزويان إن وزارة الخارجية الأرمينية مستعدة لمواصلة الحوار، فيما أكد فيدان أن أنقرة \
         تريد علاقات طبيعية مع يريفان.\n\n\
         Mirzoyan met Fidan in Geneva on Tuesday.\n\nالمصدر: رويترز",
    ),
    (
        "m2_floods.txt",
        "فيضانات في ولاية كسلا\n\n\
         الخرطوم - قالت وزارة الصحة السودانية إن الفيضانات في ولاية كسلا أودت بحياة 12 شخصا، \
         وأعلن برنامج الأغذية العالمي إرسال مساعدات إلى بورتسودان والقضارف.\n\n\
         وأضاف الوزير هيثم محمد إبراهيم أن الحكومة تعمل مع منظمة الصحة العالمية ومع الهلال الأحمر \
         السوداني. وقال إبراهيم إن الوضع في كسلا \"خطير\".",
    ),
    (
        "m3_clitics.txt",
        "لقاء في موسكو\n\n\
         موسكو، 3 شباط/فبراير 2022 - استقبل الرئيس الروسي فلاديمير بوتين في الكرملين رئيس \
         الوزراء الباكستاني عمران خان، وبحثا العلاقات بين روسيا وباكستان. وقال بوتين لخان إن \
         موسكو وإسلام آباد شريكتان، وإن (غازبروم) مستعدة للاستثمار في باكستان.",
    ),
];

/// The entities of one article as a set of (kind, name).
type Names = BTreeSet<(String, String)>;

fn qari(corpus: &Path, cache: &Path) -> Command {
    let mut c = Command::cargo_bin("qari").expect("binary built");
    c.arg("--corpus")
        .arg(corpus)
        .env("QARI_CACHE_DIR", cache)
        .env("XDG_CACHE_HOME", cache)
        .env("XDG_CONFIG_HOME", cache)
        .env("XDG_DATA_HOME", cache);
    c
}

#[test]
fn sidebar_cli_entity_index_and_highlights_give_one_answer_per_article() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(&corpus).expect("corpus dir");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for e in std::fs::read_dir(&seeds).expect("seeds").flatten() {
        std::fs::copy(e.path(), corpus.join(e.file_name())).expect("copy seed");
    }
    for (name, text) in MADE_UP {
        std::fs::write(corpus.join(name), text).expect("write article");
    }

    // `qari entities --json`, the real binary.
    let out = qari(&corpus, &cache)
        .args(["entities", "--json"])
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).expect("JSON from qari entities");
    let cli: Vec<(String, Names)> = json
        .as_array()
        .expect("an array of articles")
        .iter()
        .map(|a| {
            let names = a["entities"]
                .as_array()
                .expect("entities")
                .iter()
                .map(|e| {
                    let s = |k: &str| e[k].as_str().expect("a string").to_string();
                    (s("kind"), s("name"))
                })
                .collect();
            (a["id"].as_str().expect("id").to_string(), names)
        })
        .collect();
    assert_eq!(cli.len(), 5 + MADE_UP.len());

    // The library as the TUI opens it, with its entity index.
    let options = OpenOptions {
        entities: true,
        ..OpenOptions::default()
    };
    let (lib, _) = Library::open(&corpus, &cache, options, &mut |_| {}).expect("index");
    let search = |q: &str| -> Vec<String> {
        lib.search(q, SearchOptions::limit(1000))
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    let mut checked = 0;
    let mut queries = Vec::new();
    for (id, names) in &cli {
        let mut clauses = Vec::new();
        for (kind, name) in names {
            let kind: EntityKind = kind.parse().expect("a kind");
            if kind == EntityKind::Date {
                continue;
            }
            // The `person:`/`place:`/`org:` clause with the listed name finds the article.
            let q = format!("{}:\"{name}\"", kind.as_str());
            assert!(search(&q).contains(id), "{q} does not find {id}");
            clauses.push((kind, name.clone(), q));
            checked += 1;
        }
        queries.push((id.clone(), clauses));
    }
    assert!(checked > 40, "{checked}");

    let source = LibrarySource::new(lib, cache.clone());
    for ((id, names), (_, clauses)) in cli.iter().zip(&queries) {
        // The sidebar lists what `qari entities` lists.
        let open = source.article(id).expect("the reader opens the article");
        let sidebar: Names = open
            .entities
            .iter()
            .map(|e| (e.kind.as_str().to_string(), e.name.clone()))
            .collect();
        assert_eq!(&sidebar, names, "{id}: sidebar and `qari entities` differ");
        let text = &open.text;
        for e in &open.entities {
            // Every highlight of the entity is a mention of it: a range of the text on char
            // boundaries whose folded form is the entity's key or a run of its words (a short
            // mention of a full name: بوتين of فلاديمير بوتين).
            let key = entity_key(e.kind, &e.name);
            for &[a, b] in &e.mentions {
                assert!(text.is_char_boundary(a) && text.is_char_boundary(b) && a < b);
                if e.kind == EntityKind::Date {
                    continue;
                }
                let mention = entity_key(e.kind, &text[a..b]);
                assert!(
                    !mention.is_empty() && format!(" {key} ").contains(&format!(" {mention} ")),
                    "{id}: mention {:?} ({mention}) of {} ({key})",
                    &text[a..b],
                    e.name
                );
            }
            if e.kind == EntityKind::Date {
                continue;
            }
            // "Every article naming X" (the sidebar's Enter) lists this article.
            let naming = source.articles_naming(e.kind, &key).expect("entity index");
            assert!(
                naming.contains(id),
                "{id}: {} not in its naming list",
                e.name
            );
        }
        // Opening the article from an entity search highlights that entity's mentions.
        for (kind, name, q) in clauses {
            let e = open
                .entities
                .iter()
                .find(|e| e.kind == *kind && &e.name == name)
                .expect("listed");
            let ranges = source.match_ranges(q, text);
            for &[a, b] in &e.mentions {
                assert!(
                    ranges.contains(&(a..b)),
                    "{id}: {q} does not highlight {:?} at {a}..{b} ({ranges:?})",
                    &text[a..b]
                );
            }
        }
    }
}

/// The entity index made afresh (no deletes queued) and then kept in step: an article changed
/// to name other places loses the old ones (its documents are deleted before it is re-added).
#[test]
fn a_changed_article_leaves_the_entity_index_of_its_old_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (corpus, cache) = (dir.path().join("corpus"), dir.path().join("cache"));
    std::fs::create_dir_all(&corpus).expect("mkdir");
    std::fs::write(corpus.join("a.txt"), MADE_UP[2].1).expect("write");
    std::fs::write(corpus.join("b.txt"), MADE_UP[1].1).expect("write");
    let options = OpenOptions {
        entities: true,
        ..OpenOptions::default()
    };
    let ids = |q: &str| -> Vec<String> {
        let (lib, _) = Library::open(&corpus, &cache, options, &mut |_| {}).expect("index");
        // A name no article has is an error that says so: no article, here.
        let mut ids: Vec<String> = match lib.search(q, SearchOptions::limit(100)) {
            Ok(found) => found.hits.into_iter().map(|h| h.id).collect(),
            Err(e) if e.to_string().contains("no place named") => Vec::new(),
            Err(e) => panic!("{q}: {e}"),
        };
        ids.sort();
        ids
    };
    assert_eq!(ids("place:موسكو"), ["a"], "the fresh pass");
    assert_eq!(ids("place:كسلا"), ["b"]);
    // a.txt now tells b's story: موسكو is gone from it, كسلا is in both.
    std::fs::write(
        corpus.join("a.txt"),
        MADE_UP[1].1.replace("فيضانات", "سيول"),
    )
    .expect("write");
    assert_eq!(
        ids("place:موسكو"),
        Vec::<String>::new(),
        "the old names are deleted"
    );
    assert_eq!(ids("place:كسلا"), ["a", "b"]);
}
