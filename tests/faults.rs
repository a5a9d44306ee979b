//! Faults of the machine rather than of the data (issue 11): an index folder on a read-only file
//! system, a full disk, file names that are not UTF-8, a closed pipe.
//!
//! The file-system cases mount a read-only bind or a tiny tmpfs in a private mount namespace
//! (`unshare -m`, which needs root or user namespaces); where that is refused they say so on
//! stderr and check nothing.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn env(c: &mut std::process::Command, root: &Path, cache: &Path) {
    c.env("QARI_CACHE_DIR", cache)
        .env("QARI_CONFIG_DIR", root.join("config"))
        .env("QARI_STATE_DIR", root.join("state"))
        .env_remove("QARI_CORPUS");
}

fn cmd(root: &Path) -> Command {
    let mut c = Command::cargo_bin("qari").unwrap();
    c.env("QARI_CACHE_DIR", root.join("cache"))
        .env("QARI_CONFIG_DIR", root.join("config"))
        .env("QARI_STATE_DIR", root.join("state"))
        .env_remove("QARI_CORPUS");
    c
}

fn corpus(root: &Path, n: usize) -> PathBuf {
    let dir = root.join("corpus");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        std::fs::write(
            dir.join(format!("{i:03}.txt")),
            format!("عنوان {i}\n\nوصل الوزير إلى موسكو في زيارة رسمية رقم {i} كلمة{i}."),
        )
        .unwrap();
    }
    dir
}

/// True when this process may make private mounts.
fn can_mount() -> bool {
    let ok = std::process::Command::new("unshare")
        .args(["-m", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("unshare -m is not allowed here: the file-system cases are not checked");
    }
    ok
}

/// Runs qari with `args` in a private mount namespace after `mount` (a shell command), with
/// `cache` as its cache folder.
fn in_mount(root: &Path, mount: &str, cache: &Path, args: &[&str]) -> Output {
    let qari = assert_cmd::cargo::cargo_bin("qari");
    let mut script = format!("{mount} && exec '{}'", qari.display());
    for a in args {
        script.push_str(&format!(" '{a}'"));
    }
    let mut c = std::process::Command::new("unshare");
    c.args(["-m", "sh", "-c", &script]);
    env(&mut c, root, cache);
    c.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn an_index_on_a_read_only_file_system_is_used_as_it_is() {
    if !can_mount() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let corpus = corpus(root, 5);
    let c = corpus.to_str().unwrap();
    cmd(root).args(["--corpus", c, "index"]).assert().success();
    let (cache, ro) = (root.join("cache"), root.join("ro"));
    std::fs::create_dir_all(&ro).unwrap();
    let mount = format!(
        "mount --bind '{}' '{}' && mount -o remount,bind,ro '{}'",
        cache.display(),
        ro.display(),
        ro.display()
    );

    let out = in_mount(root, &mount, &ro, &["--corpus", c, "search", "موسكو"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("5 of 5 articles"));
    let out = in_mount(root, &mount, &ro, &["--corpus", c, "entities", "002"]);
    assert!(text(&out.stdout).contains("موسكو"), "{}", text(&out.stderr));
    let out = in_mount(root, &mount, &ro, &["--corpus", c, "show", "003"]);
    assert!(text(&out.stdout).contains("كلمة3"), "{}", text(&out.stderr));

    // A changed corpus: still answered from the index as built, with a warning.
    std::fs::write(corpus.join("new.txt"), "جديد\n\nنص جديد").unwrap();
    let out = in_mount(root, &mount, &ro, &["--corpus", c, "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 5);
    assert!(
        text(&out.stderr).contains("read-only"),
        "{}",
        text(&out.stderr)
    );
    let out = in_mount(root, &mount, &ro, &["--corpus", c, "index"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("index read-only, not updated"));

    // No index there at all: one clear error.
    let out = in_mount(root, &mount, &ro, &["--corpus", "/", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("Read-only file system"), "{err}");
    assert_eq!(err.matches("(os error 30)").count(), 1, "{err}");
}

#[test]
fn a_full_disk_is_named_as_such() {
    if !can_mount() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let corpus = corpus(root, 300);
    let c = corpus.to_str().unwrap();
    let full = root.join("full");
    std::fs::create_dir_all(&full).unwrap();
    // The same tmpfs for both runs: the second meets what the first left.
    let mount = format!("mount -t tmpfs -o size=60k tmpfs '{}'", full.display());
    let script = format!(
        "{mount} && '{q}' --corpus '{c}' index; echo \"rc=$?\" >&2; '{q}' --corpus '{c}' search موسكو; echo \"rc=$?\" >&2",
        q = assert_cmd::cargo::cargo_bin("qari").display()
    );
    let mut sh = std::process::Command::new("unshare");
    sh.args(["-m", "sh", "-c", &script]);
    env(&mut sh, root, &full);
    let out = sh.output().unwrap();
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    // Each run fails with one line that names the cause and the index folder, never a corpus
    // file, and exits 2.
    assert_eq!(lines.len(), 4, "{err}");
    for line in [lines[0], lines[2]] {
        assert!(line.contains("no space left on device"), "{err}");
        assert!(line.contains(&full.display().to_string()), "{err}");
        assert!(!line.contains(".txt"), "a corpus file blamed: {err}");
    }
    assert_eq!([lines[1], lines[3]], ["rc=2", "rc=2"], "{err}");
}

#[test]
fn file_names_that_are_not_utf8_can_be_shown_and_tagged() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let corpus = corpus(root, 2);
    let name = std::ffi::OsStr::from_bytes(b"bad\xff\xfename.txt");
    std::fs::write(
        corpus.join(name),
        "عنوان غريب\n\nقال الرئيس فلاديمير بوتين في موسكو كلاما فريدا.",
    )
    .unwrap();
    let c = corpus.to_str().unwrap();
    let out = cmd(root)
        .args(["--corpus", c, "search", "فريدا", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v[0]["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("bad"), "{id}");
    let out = cmd(root)
        .args(["--corpus", c, "show", &id])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("فريدا"));
    let out = cmd(root)
        .args(["--corpus", c, "entities", &id])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("بوتين"), "{}", text(&out.stdout));
    // Nothing changed: the folder check does not see a missing folder each time.
    let out = cmd(root).args(["--corpus", c, "index"]).output().unwrap();
    assert!(
        text(&out.stdout).starts_with("index up to date"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let corpus = corpus(root, 200);
    let c = corpus.to_str().unwrap();
    cmd(root).args(["--corpus", c, "index"]).assert().success();
    let q = assert_cmd::cargo::cargo_bin("qari");
    for sub in ["list", "entities", "search موسكو --limit 200"] {
        let script = format!(
            "'{}' --corpus '{c}' {sub} | head -c 10 > /dev/null",
            q.display()
        );
        let mut sh = std::process::Command::new("sh");
        sh.args(["-c", &script]);
        env(&mut sh, root, &root.join("cache"));
        let out = sh.output().unwrap();
        assert!(out.stderr.is_empty(), "{sub}: {}", text(&out.stderr));
    }
}
