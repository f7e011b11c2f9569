//! `cargo xtask provenance` prints the same code fingerprint and git commit whatever the working directory and
//! wherever the binary lies (the fingerprint is computed at build time, git is asked about the workspace the binary
//! was built from).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn provenance(exe: &Path, cwd: &Path) -> String {
    let out = Command::new(exe)
        .arg("provenance")
        .current_dir(cwd)
        .output()
        .expect("the xtask binary starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("JSON is UTF-8")
}

#[test]
fn provenance_is_the_same_from_the_root_a_sub_directory_and_a_copied_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let exe = Path::new(env!("CARGO_BIN_EXE_xtask"));
    let from_root = provenance(exe, &root);
    let from_sub = provenance(exe, &root.join("crates/irs-fim"));
    let elsewhere: PathBuf =
        std::env::temp_dir().join(format!("xtask-provenance-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&elsewhere);
    std::fs::create_dir_all(&elsewhere).expect("temp dir is writable");
    let copy = elsewhere.join("xtask-copy");
    std::fs::copy(exe, &copy).expect("the binary can be copied");
    let from_copy = provenance(&copy, &elsewhere);
    let _ = std::fs::remove_dir_all(&elsewhere);

    assert_eq!(from_root, from_sub);
    assert_eq!(from_root, from_copy);
    let v: Value = serde_json::from_str(&from_root).expect("provenance prints JSON");
    let fp = v["source_fingerprint"].as_str().expect("a fingerprint");
    assert_eq!(fp.len(), 64, "{from_root}");
    assert!(
        v["code_version"]
            .as_str()
            .is_some_and(|c| c.contains(&fp[..16])),
        "{from_root}"
    );
    let git_works = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["rev-parse", "HEAD"])
        .output()
        .is_ok_and(|o| o.status.success());
    if git_works {
        assert!(v["git_commit"].is_string(), "{from_root}");
        assert!(v["git_dirty"].is_boolean(), "{from_root}");
    } else {
        eprintln!("git or the repository is unavailable: the commit is not checked");
    }
}
