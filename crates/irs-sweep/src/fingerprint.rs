//! The source fingerprint of the code that computes sweep points: a SHA-256 over the relative paths and
//! contents of the files compiled into the numbers. Shared by the build script (`build.rs` includes this file and
//! computes the fingerprint at build time) and the library (which applies the same file filter to git's untracked
//! files, so that `git_dirty` and the fingerprint agree). Only `std` and `sha2`: the build script has nothing else.

use std::io;
use std::path::Path;

use sha2::{Digest, Sha256};

/// The workspace crates whose sources determine the value of a sweep point (relative to the workspace root).
pub const HASHED_CRATES: [&str; 6] = [
    "crates/irs-blas",
    "crates/irs-array",
    "crates/irs-channel",
    "crates/irs-fim",
    "crates/irs-sdp",
    "crates/irs-design",
];

/// The workspace file hashed besides the crates: it pins every dependency's version.
pub const LOCKFILE: &str = "Cargo.lock";

/// The paths a change of the hashed files can appear under (relative to the workspace root): `Cargo.lock`, and
/// each hashed crate's `Cargo.toml` and `src/` directory. The build script reruns when one of them changes.
pub fn hashed_roots() -> Vec<String> {
    let mut roots = vec![LOCKFILE.to_string()];
    for c in HASHED_CRATES {
        roots.push(format!("{c}/Cargo.toml"));
        roots.push(format!("{c}/src"));
    }
    roots
}

/// Whether `rel` (a `/`-separated path relative to the workspace root) is hashed: `Cargo.lock`, a hashed crate's
/// `Cargo.toml`, or any file under a hashed crate's `src/` — tracked by git or not. Everything else (`tests/`,
/// `benches/`, `*.proptest-regressions`, READMEs, other crates) is not.
pub fn is_hashed(rel: &str) -> bool {
    rel == LOCKFILE
        || HASHED_CRATES.iter().any(|c| {
            rel.strip_prefix(c)
                .and_then(|r| r.strip_prefix('/'))
                .is_some_and(|r| r == "Cargo.toml" || r.starts_with("src/"))
        })
}

/// The hashed files under the workspace root `root`, as sorted `/`-separated relative paths (symbolic links
/// followed; a missing crate or lock file is simply absent from the list).
pub fn hashed_files(root: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    for rel in hashed_roots() {
        let path = root.join(&rel);
        if path.is_dir() {
            walk(root, &rel, &mut files)?;
        } else if path.is_file() {
            files.push(rel);
        }
    }
    files.retain(|f| is_hashed(f));
    files.sort();
    Ok(files)
}

fn walk(root: &Path, rel_dir: &str, files: &mut Vec<String>) -> io::Result<()> {
    for entry in std::fs::read_dir(root.join(rel_dir))? {
        let entry = entry?;
        let name = entry.file_name().into_string().map_err(|name| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("file name {name:?} under {rel_dir} is not UTF-8"),
            )
        })?;
        let rel = format!("{rel_dir}/{name}");
        if std::fs::metadata(entry.path())?.is_dir() {
            walk(root, &rel, files)?;
        } else {
            files.push(rel);
        }
    }
    Ok(())
}

/// The fingerprint of the workspace at `root`: SHA-256 over every hashed file (in sorted path order) as its
/// relative path, a zero byte, its length (8 bytes, little endian) and its contents; 64 lowercase hex digits.
/// Independent of the working directory, of git and of the order the file system lists files in.
pub fn fingerprint(root: &Path) -> io::Result<String> {
    let mut h = Sha256::new();
    h.update(b"irs-sweep-sources/v1\0");
    for rel in hashed_files(root)? {
        let bytes = std::fs::read(root.join(&rel))?;
        h.update(rel.as_bytes());
        h.update([0u8]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A scratch workspace with a hashed crate (`Cargo.toml`, `src/lib.rs`, `src/a/b.rs`), a `Cargo.lock` and
    /// an unhashed crate; removed on drop.
    pub(crate) struct Tree(pub PathBuf);

    impl Tree {
        pub(crate) fn new(name: &str) -> Tree {
            let root = std::env::temp_dir().join(format!(
                "irs-sweep-fp-{name}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            let _ = std::fs::remove_dir_all(&root);
            let t = Tree(root);
            t.write("Cargo.lock", "lock v1");
            t.write("crates/irs-fim/Cargo.toml", "[package]");
            t.write("crates/irs-fim/src/lib.rs", "pub fn f() {}");
            t.write("crates/irs-fim/src/a/b.rs", "pub fn g() {}");
            t.write("crates/irs-sweep/src/lib.rs", "// not hashed");
            t
        }
        pub(crate) fn write(&self, rel: &str, text: &str) {
            let p = self.0.join(rel);
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d).expect("temp dir is writable");
            }
            std::fs::write(p, text).expect("temp dir is writable");
        }
        pub(crate) fn fingerprint(&self) -> String {
            fingerprint(&self.0).expect("the scratch tree is readable")
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn the_filter_takes_sources_manifests_and_the_lockfile_only() {
        for rel in [
            "Cargo.lock",
            "crates/irs-design/Cargo.toml",
            "crates/irs-design/src/lib.rs",
            "crates/irs-blas/src/deep/er/x.rs",
            "crates/irs-sdp/src/notes.txt",
        ] {
            assert!(is_hashed(rel), "{rel}");
        }
        for rel in [
            "crates/irs-design/tests/t.rs",
            "crates/irs-design/benches/b.rs",
            "crates/irs-design/README.md",
            "crates/irs-design/x.proptest-regressions",
            "crates/irs-design-extra/src/lib.rs",
            "crates/irs-sweep/src/lib.rs",
            "xtask/src/main.rs",
            "docs/model.md",
            "Cargo.toml",
        ] {
            assert!(!is_hashed(rel), "{rel}");
        }
    }

    #[test]
    fn the_hashed_files_are_sorted_and_filtered() {
        let t = Tree::new("list");
        t.write("crates/irs-fim/tests/t.rs", "#[test] fn t() {}");
        assert_eq!(
            hashed_files(&t.0).expect("readable"),
            [
                "Cargo.lock",
                "crates/irs-fim/Cargo.toml",
                "crates/irs-fim/src/a/b.rs",
                "crates/irs-fim/src/lib.rs",
            ]
        );
    }

    #[test]
    fn a_new_untracked_file_under_src_changes_the_fingerprint() {
        let t = Tree::new("src");
        let before = t.fingerprint();
        t.write("crates/irs-fim/src/new.rs", "");
        assert_ne!(t.fingerprint(), before);
    }

    #[test]
    fn a_changed_source_manifest_or_lockfile_changes_the_fingerprint() {
        let t = Tree::new("edit");
        let mut seen = vec![t.fingerprint()];
        for rel in [
            "crates/irs-fim/src/a/b.rs",
            "crates/irs-fim/Cargo.toml",
            "Cargo.lock",
        ] {
            t.write(rel, "changed");
            let fp = t.fingerprint();
            assert!(!seen.contains(&fp), "{rel}");
            seen.push(fp);
        }
    }

    #[test]
    fn files_outside_the_hashed_paths_leave_the_fingerprint_unchanged() {
        let t = Tree::new("outside");
        let before = t.fingerprint();
        t.write("crates/irs-fim/tests/new.rs", "");
        t.write("crates/irs-fim/benches/b.rs", "");
        t.write("crates/irs-fim/README.md", "");
        t.write("crates/irs-fim/p.proptest-regressions", "");
        t.write("crates/irs-sweep/src/lib.rs", "changed, but not hashed");
        t.write("notes.txt", "");
        assert_eq!(t.fingerprint(), before);
    }

    #[test]
    fn the_fingerprint_does_not_depend_on_creation_order() {
        let a = Tree::new("order-a");
        let b = Tree::new("order-b");
        for rel in ["crates/irs-fim/src/z.rs", "crates/irs-fim/src/m/y.rs"] {
            a.write(rel, rel);
        }
        for rel in ["crates/irs-fim/src/m/y.rs", "crates/irs-fim/src/z.rs"] {
            b.write(rel, rel);
        }
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 64);
    }

    #[test]
    fn moving_content_between_files_changes_the_fingerprint() {
        // Paths and lengths are hashed with the contents: "ab" + "" is not "a" + "b".
        let a = Tree::new("split-a");
        let b = Tree::new("split-b");
        a.write("crates/irs-fim/src/a/b.rs", "xy");
        a.write("crates/irs-fim/src/lib.rs", "");
        b.write("crates/irs-fim/src/a/b.rs", "x");
        b.write("crates/irs-fim/src/lib.rs", "y");
        assert_ne!(a.fingerprint(), b.fingerprint());
    }
}
