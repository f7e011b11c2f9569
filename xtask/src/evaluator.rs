//! The real `PointEvaluator`: one sweep point = one run of the `sense-at-bs` / `sense-at-irs` optimizers.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Result};
use sha2::{Digest, Sha256};

use crate::reproduce::engine::PointEvaluator;
use crate::reproduce::ScenarioInput;

/// Directories whose sources determine the value of a sweep point.
pub const SOURCE_DIRS: [&str; 9] = [
    "crates/irs-blas",
    "crates/irs-array",
    "crates/irs-channel",
    "crates/irs-fim",
    "crates/irs-sdp",
    "crates/irs-design",
    "crates/sense-at-bs",
    "crates/sense-at-irs",
    "Cargo.lock",
];

fn git(repo: &Path, args: &[&str]) -> Option<Vec<u8>> {
    Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| o.stdout)
}

/// A fingerprint of the code that computes sweep points, part of every cache key.
///
/// It is the git object id of each of `SOURCE_DIRS` at HEAD (so a commit that touches only docs,
/// xtask or other crates keeps the cache valid), plus a hash of any uncommitted change to them.
/// Without git it is the crate version alone, and `--force` is the way to refresh the cache.
pub fn source_fingerprint(repo: &Path) -> String {
    let mut parts = vec![format!("workspace {}", env!("CARGO_PKG_VERSION"))];
    let mut dirty = Sha256::new();
    let mut any_dirty = false;
    for dir in SOURCE_DIRS {
        let id = git(repo, &["rev-parse", &format!("HEAD:{dir}")])
            .and_then(|o| String::from_utf8(o).ok())
            .map(|s| s.trim().chars().take(12).collect::<String>());
        match id {
            Some(id) if !id.is_empty() => parts.push(format!("{dir}@{id}")),
            _ => parts.push(format!("{dir}@untracked")),
        }
        if let Some(status) = git(repo, &["status", "--porcelain", "--", dir]) {
            if !status.is_empty() {
                any_dirty = true;
                dirty.update(&status);
                if let Some(diff) = git(repo, &["diff", "HEAD", "--", dir]) {
                    dirty.update(&diff);
                }
            }
        }
    }
    if any_dirty {
        let d = dirty.finalize();
        let hex: String = d.iter().take(6).map(|b| format!("{b:02x}")).collect();
        parts.push(format!("uncommitted changes {hex}"));
    }
    parts.join(", ")
}

/// Build the evaluator that drives the optimizers on `scenario`.
///
/// The optimizer crates have not landed yet, so this refuses to run rather than produce numbers
/// that do not come from the paper's algorithms.
pub fn optimizer_evaluator(scenario: &ScenarioInput) -> Result<Box<dyn PointEvaluator>> {
    let _ = scenario;
    bail!(
        "cannot run yet: the optimizers (crates sense-at-bs and sense-at-irs) have not landed, \
         so there is nothing to evaluate the sweep points with"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_names_every_source_directory_and_is_stable() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let a = source_fingerprint(&repo);
        for dir in SOURCE_DIRS {
            assert!(a.contains(dir), "{a}");
        }
        assert_eq!(a, source_fingerprint(&repo));
    }
}
