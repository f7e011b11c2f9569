//! A scenario file read, parsed and validated once (the embedded default when none is given), and the
//! output checks every subcommand makes before it computes anything (the directory, and each file it will write).

use std::path::{Path, PathBuf};

use irs_channel::{ChannelError, Scenario};

use crate::SweepError;

/// The scenario of a run and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioInput {
    /// "embedded default" or the file path (recorded in the provenance).
    pub source: String,
    /// The file, if one was given.
    pub path: Option<PathBuf>,
    /// The parsed and validated scenario.
    pub scenario: Scenario,
}

/// Reads `path` (`.toml` or `.json`; `None`: the paper's default scenario), parses and validates it.
pub fn load_scenario(path: Option<&Path>) -> Result<ScenarioInput, SweepError> {
    let Some(path) = path else {
        return Ok(ScenarioInput {
            source: "embedded default".to_string(),
            path: None,
            scenario: Scenario::default(),
        });
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext != "toml" && ext != "json" {
        return Err(SweepError::ScenarioExtension {
            path: path.to_path_buf(),
        });
    }
    let scenario = Scenario::from_file(path).map_err(|e| match e {
        ChannelError::Io { source, .. } => SweepError::ScenarioRead {
            path: path.to_path_buf(),
            source,
        },
        source => SweepError::ScenarioFile {
            path: path.to_path_buf(),
            source,
        },
    })?;
    Ok(ScenarioInput {
        source: path.display().to_string(),
        path: Some(path.to_path_buf()),
        scenario,
    })
}

/// Creates `dir` and checks that a file can be written in it.
pub fn prepare_output_dir(dir: &Path) -> Result<(), SweepError> {
    let fail = |source| SweepError::OutputDir {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// Checks, before any work, that each of `files` can be written: not a directory, and openable for writing when it
/// exists (a read-only file is refused). Their directory is checked by [`prepare_output_dir`]. The error names the
/// first path that cannot be written.
pub fn check_output_files(files: &[PathBuf]) -> Result<(), SweepError> {
    for path in files {
        let fail = |source| SweepError::Write {
            path: path.clone(),
            source,
        };
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(fail(std::io::Error::other(
                    "a directory is in the way of the output file",
                )))
            }
            Ok(_) => {
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(path)
                    .map_err(fail)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(e)),
        }
    }
    Ok(())
}
