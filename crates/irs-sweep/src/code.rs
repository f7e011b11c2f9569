//! The code a run computes with, the same whatever the working directory or the binary's location: the source
//! fingerprint computed at build time (`build.rs`, [`crate::fingerprint`]) and the git state of the workspace the
//! binary was built from. Every provenance record (reproduce, tightness, bench-report) takes its git state from
//! [`git_state`].

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use crate::fingerprint::{hashed_roots, is_hashed};

/// SHA-256 of the hashed sources at build time (`crate::fingerprint::fingerprint` of the workspace root).
pub const SOURCE_FINGERPRINT: &str = env!("IRS_SWEEP_SOURCE_FINGERPRINT");

/// The code version of the optimizer's sweep points, part of every cache key: the workspace version and the
/// first 16 hex digits of [`SOURCE_FINGERPRINT`]. It changes with any hashed file (tracked or untracked), and
/// with nothing else.
pub fn code_version() -> String {
    format!(
        "workspace {}, sources sha256:{}",
        env!("CARGO_PKG_VERSION"),
        &SOURCE_FINGERPRINT[..16.min(SOURCE_FINGERPRINT.len())]
    )
}

/// The root of the workspace this crate was built from (known at compile time, not the working directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The workspace's commit (`git rev-parse HEAD`) and whether it is dirty, when git and the repository are
/// available and the workspace's sources are still those this binary was built from: see
/// [`git_state_if_built_from`] on [`workspace_root`] and [`SOURCE_FINGERPRINT`].
pub fn git_state() -> (Option<String>, Option<bool>) {
    git_state_if_built_from(&workspace_root(), SOURCE_FINGERPRINT)
}

/// [`git_state_at`] of `root` when its sources hash to `built` (the fingerprint of the sources a binary was built
/// from), else `(None, None)`: a binary older than its checkout would otherwise record the checkout's commit
/// next to its own, older code version — a commit that did not compute its numbers.
pub fn git_state_if_built_from(root: &Path, built: &str) -> (Option<String>, Option<bool>) {
    match crate::fingerprint::fingerprint(root) {
        Ok(now) if now == built => git_state_at(root),
        _ => (None, None),
    }
}

fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| o.stdout)
}

/// The commit of the repository at `root` and whether it is dirty: a tracked file differs from the commit, or an
/// untracked file (ignored or not) lies under the hashed paths — exactly the files that change
/// [`SOURCE_FINGERPRINT`] without a commit. Untracked files elsewhere do not count.
pub fn git_state_at(root: &Path) -> (Option<String>, Option<bool>) {
    let commit = git(root, &["rev-parse", "HEAD"])
        .and_then(|o| String::from_utf8(o).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let dirty = commit.as_ref().and_then(|_| {
        let tracked = git(root, &["status", "--porcelain", "--untracked-files=no"])?;
        let roots = hashed_roots();
        let mut args = vec!["ls-files", "--others", "-z", "--"];
        args.extend(roots.iter().map(String::as_str));
        let untracked = git(root, &args)?;
        let hashed_untracked = untracked
            .split(|&b| b == 0)
            .filter_map(|p| std::str::from_utf8(p).ok())
            .any(is_hashed);
        Some(!tracked.is_empty() || hashed_untracked)
    });
    (commit, dirty)
}

/// What `cargo xtask provenance` prints: the code version in every cache key, the full source fingerprint, and the
/// workspace's git state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeState {
    /// [`code_version`].
    pub code_version: String,
    /// [`SOURCE_FINGERPRINT`].
    pub source_fingerprint: String,
    /// `git rev-parse HEAD` of the workspace, when git and the repository are available and the workspace's
    /// sources are those of this build ([`git_state`]).
    pub git_commit: Option<String>,
    /// See [`git_state_at`]; `None` with `git_commit`.
    pub git_dirty: Option<bool>,
}

impl CodeState {
    /// The state of this build and of its workspace now.
    pub fn current() -> CodeState {
        let (git_commit, git_dirty) = git_state();
        CodeState {
            code_version: code_version(),
            source_fingerprint: SOURCE_FINGERPRINT.to_string(),
            git_commit,
            git_dirty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::tests::Tree;

    #[test]
    fn the_build_time_fingerprint_is_the_workspace_fingerprint_now() {
        // Cargo reruns build.rs when a hashed path changes, so the test binary carries the current sources' hash.
        let now = crate::fingerprint::fingerprint(&workspace_root()).expect("workspace readable");
        assert_eq!(SOURCE_FINGERPRINT, now);
        assert!(code_version().ends_with(&now[..16]), "{}", code_version());
    }

    fn git_available() -> bool {
        Command::new("git")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn git_in(root: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "-c",
                "user.name=test",
                "-c",
                "user.email=test@example.invalid",
            ])
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?} failed in {}", root.display());
    }

    #[test]
    fn untracked_files_count_in_git_dirty_exactly_when_they_change_the_fingerprint() {
        if !git_available() {
            eprintln!("skipped: git is not available");
            return;
        }
        let t = Tree::new("git");
        t.write(".gitignore", "*.bak\n");
        git_in(&t.0, &["init", "-q"]);
        git_in(&t.0, &["add", "-A"]);
        git_in(&t.0, &["commit", "-q", "--no-gpg-sign", "-m", "init"]);
        let clean = t.fingerprint();
        let state = || git_state_at(&t.0);
        assert!(state().0.is_some());
        assert_eq!(state().1, Some(false));

        // Untracked files outside the hashed paths: neither.
        t.write("crates/irs-fim/tests/new.rs", "");
        t.write("crates/irs-sweep/src/new.rs", "");
        t.write("notes.txt", "");
        assert_eq!((state().1, t.fingerprint()), (Some(false), clean.clone()));

        // An untracked file under a hashed src/: both.
        t.write("crates/irs-fim/src/new.rs", "");
        assert_eq!(state().1, Some(true));
        assert_ne!(t.fingerprint(), clean);
        std::fs::remove_file(t.0.join("crates/irs-fim/src/new.rs")).expect("removable");
        assert_eq!((state().1, t.fingerprint()), (Some(false), clean.clone()));

        // A git-ignored file under a hashed src/ is compiled in all the same (a `mod` can name it): both.
        t.write("crates/irs-fim/src/old.bak", "");
        assert_eq!(state().1, Some(true));
        assert_ne!(t.fingerprint(), clean);
        std::fs::remove_file(t.0.join("crates/irs-fim/src/old.bak")).expect("removable");

        // A tracked change: both.
        t.write("crates/irs-fim/src/lib.rs", "pub fn f() { }");
        assert_eq!(state().1, Some(true));
        assert_ne!(t.fingerprint(), clean);
    }

    #[test]
    fn a_binary_built_from_other_sources_than_the_checkout_records_no_commit() {
        if !git_available() {
            eprintln!("skipped: git is not available");
            return;
        }
        let t = Tree::new("stale");
        git_in(&t.0, &["init", "-q"]);
        git_in(&t.0, &["add", "-A"]);
        git_in(&t.0, &["commit", "-q", "--no-gpg-sign", "-m", "init"]);
        let built = t.fingerprint();
        let commit = git_state_at(&t.0).0;
        assert!(commit.is_some());
        assert_eq!(git_state_if_built_from(&t.0, &built), (commit, Some(false)));
        // The workspace moves on (a new commit with other sources): the old build records no commit.
        t.write("crates/irs-fim/src/lib.rs", "pub fn f() { }");
        git_in(&t.0, &["commit", "-q", "--no-gpg-sign", "-am", "next"]);
        assert_eq!(git_state_at(&t.0).1, Some(false));
        assert_eq!(git_state_if_built_from(&t.0, &built), (None, None));
        // A build of the new sources records the new commit.
        let rebuilt = t.fingerprint();
        assert!(git_state_if_built_from(&t.0, &rebuilt).0.is_some());
    }

    #[test]
    fn outside_a_repository_there_is_no_commit_and_no_dirty_flag() {
        let t = Tree::new("nogit");
        // The temp dir may itself lie in a repository; only a root without one must give (None, None).
        if Command::new("git")
            .arg("-C")
            .arg(&t.0)
            .args(["rev-parse", "HEAD"])
            .output()
            .is_ok_and(|o| o.status.success())
        {
            eprintln!("skipped: the temp dir lies inside a git repository");
            return;
        }
        assert_eq!(git_state_at(&t.0), (None, None));
    }
}
