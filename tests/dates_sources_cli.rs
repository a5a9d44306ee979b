//! Dates read whole and sources from closing lines, through the real binary (issue 10, item 3):
//! `qari entities --json` gives full ISO days, `qari list --json` the source a closing line names.

use assert_cmd::Command;
use serde_json::Value;

const ARTICLE: &str = "افتتاح جسر جديد فوق النهر

بيروت، 20 حزيران/يونيو 2021 - افتتحت البلدية اليوم جسرا جديدا فوق النهر بعد عامين من العمل.

وكانت الأعمال قد بدأت الـ15 من آذار/مارس 2019 بتمويل محلي.

ومن المقرر أن يفتتح جسر ثان في 3 أيار من العام الجاري، على أن تبدأ المرحلة الثالثة في 9 شباط العام المقبل.

المصدر: وكالة الأنباء المحلية
";

fn qari(tmp: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("qari").expect("binary built");
    c.env("QARI_CACHE_DIR", tmp.join("cache"))
        .env("QARI_CONFIG_DIR", tmp.join("config"))
        .env("QARI_STATE_DIR", tmp.join("state"))
        .env_remove("QARI_CORPUS")
        .arg("--corpus")
        .arg(tmp.join("corpus"));
    c
}

fn json_of(c: &mut Command) -> Value {
    let out = c.assert().success();
    serde_json::from_slice(&out.get_output().stdout).expect("json")
}

#[test]
fn entities_give_whole_days_and_list_gives_the_closing_source() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("corpus")).unwrap();
    std::fs::write(tmp.path().join("corpus/bridge.txt"), ARTICLE).unwrap();

    let v = json_of(qari(tmp.path()).args(["entities", "--json"]));
    let dates: Vec<&str> = v[0]["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .filter(|e| e["kind"] == "date")
        .filter_map(|e| e["name"].as_str())
        .collect();
    for want in ["2021-06-20", "2019-03-15", "2021-05-03", "2022-02-09"] {
        assert!(dates.contains(&want), "{want} not in {dates:?}");
    }
    assert!(!dates.iter().any(|d| d.starts_with("--")), "{dates:?}");

    let v = json_of(qari(tmp.path()).args(["list", "--json"]));
    assert_eq!(v[0]["date"], "2021-06-20", "{v}");
    assert_eq!(v[0]["source"], "وكالة الأنباء المحلية", "{v}");
}

#[test]
fn the_seed_that_closes_with_its_source_shows_it() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut c = Command::cargo_bin("qari").expect("binary built");
    c.env("QARI_CACHE_DIR", tmp.path().join("cache"))
        .env("QARI_CONFIG_DIR", tmp.path().join("config"))
        .env("QARI_STATE_DIR", tmp.path().join("state"))
        .arg("--corpus")
        .arg(&seeds)
        .args(["list", "--json"]);
    let v = json_of(&mut c);
    let row = v
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["id"].as_str().is_some_and(|id| id.starts_with("003_")))
        .expect("seed 003");
    assert_eq!(row["source"], "تاس", "{row}");
}
