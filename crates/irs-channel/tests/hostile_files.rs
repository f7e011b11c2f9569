//! The hostile-input suite: every scenario file under `tests/hostile/` is refused, without a panic
//! or a hang, with ONE line that contains what `tests/hostile/expected.tsv` says (the field, and
//! the limit where there is one). A file without an expectation, or an expectation without a file,
//! fails the test, so the suite and its manifest stay in step.

use irs_channel::Scenario;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

#[test]
fn every_hostile_scenario_file_is_refused_with_one_line_naming_the_field() {
    let manifest = std::fs::read_to_string(dir().join("expected.tsv")).unwrap();
    let expected: Vec<(String, String)> = manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (f, e) = l.split_once('\t').expect("file<TAB>expected");
            (f.to_string(), e.to_string())
        })
        .collect();
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "expected.tsv")
        .collect();
    files.sort();
    let mut listed: Vec<String> = expected.iter().map(|(f, _)| f.clone()).collect();
    listed.sort();
    assert_eq!(files, listed, "files and expected.tsv disagree");
    for (file, want) in &expected {
        let path = dir().join(file);
        // No hang: each load runs on its own thread with a deadline; no panic: join's result.
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::spawn(move || {
            let r = Scenario::from_file(&path)
                .map(|_| ())
                .map_err(|e| e.to_string());
            let _ = tx.send(r);
        });
        let got = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{file}: no answer within 20 s (hang or panic)"));
        handle.join().unwrap_or_else(|_| panic!("{file}: panicked"));
        let msg = got.expect_err(&format!("{file}: accepted"));
        assert!(!msg.contains('\n'), "{file}: more than one line:\n{msg}");
        assert!(msg.len() < 400, "{file}: {} characters: {msg}", msg.len());
        assert!(
            msg.contains(want.as_str()),
            "{file}: `{msg}` lacks `{want}`"
        );
        println!("{file}: {msg}");
    }
}

#[test]
fn the_default_scenario_written_to_either_format_still_loads() {
    // The refusals above must not catch valid files: the default scenario round-trips.
    let sc = Scenario::default();
    assert_eq!(
        Scenario::from_toml_str(&sc.to_toml_string().unwrap()).unwrap(),
        sc
    );
    assert_eq!(
        Scenario::from_json_str(&sc.to_json_string().unwrap()).unwrap(),
        sc
    );
    assert_eq!(Scenario::from_json_str("{}").unwrap(), sc);
}
