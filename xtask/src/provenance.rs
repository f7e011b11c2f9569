//! `cargo xtask provenance`: prints, as JSON on stdout, what every output records about the code
//! (`irs_sweep::code::CodeState`): the code version in the cache keys, the full source fingerprint, the git commit
//! and dirty flag of the workspace the binary was built from — the same from any working directory.

use std::process::ExitCode;

use anyhow::{Context, Result};
use irs_sweep::code::CodeState;

/// Arguments of `cargo xtask provenance` (none).
#[derive(Debug, Clone, clap::Args)]
pub struct ProvenanceArgs {}

/// Prints the code state as pretty JSON.
pub fn run(_args: ProvenanceArgs) -> Result<ExitCode> {
    let text = serde_json::to_string_pretty(&CodeState::current())
        .context("serialising the code state")?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
