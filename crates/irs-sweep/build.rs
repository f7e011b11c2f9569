//! Build script of `irs-sweep`: computes the source fingerprint of the crates that compute sweep points
//! (`src/fingerprint.rs`) at build time and hands it to the library as `IRS_SWEEP_SOURCE_FINGERPRINT`, so that the
//! cache key depends neither on the working directory nor on git. Reruns when a hashed path changes.

use std::path::Path;

// The library compiles the same file; the build script uses only part of it.
#[allow(dead_code)]
#[path = "src/fingerprint.rs"]
mod fingerprint;

fn main() -> std::io::Result<()> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "cargo did not set CARGO_MANIFEST_DIR",
        )
    })?;
    let root = Path::new(&manifest).join("../..");
    for rel in fingerprint::hashed_roots() {
        // A directory is scanned recursively by cargo: a new, changed or removed file under it reruns this script.
        println!("cargo:rerun-if-changed={}", root.join(rel).display());
    }
    println!(
        "cargo:rustc-env=IRS_SWEEP_SOURCE_FINGERPRINT={}",
        fingerprint::fingerprint(&root)?
    );
    Ok(())
}
