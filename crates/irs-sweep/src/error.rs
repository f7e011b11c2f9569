//! The error type of the reproduction engine: every failure names the file, the flag or the step.

use std::path::PathBuf;

/// Errors of `irs-sweep`. The messages are one line each (the command line prints them as they are).
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// An option is out of range (e.g. zero worker threads).
    #[error("{0}")]
    Options(String),
    /// A scenario file has another extension than `.toml` or `.json`.
    #[error("scenario file {} must end in .toml or .json", path.display())]
    ScenarioExtension {
        /// The file.
        path: PathBuf,
    },
    /// A scenario file cannot be read.
    #[error("cannot read scenario file {}: {source}", path.display())]
    ScenarioRead {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A scenario file does not parse or holds an invalid value (the message names the field).
    #[error("invalid scenario file {}: {}", path.display(), one_line(source))]
    ScenarioFile {
        /// The file.
        path: PathBuf,
        /// The scenario's error.
        source: irs_channel::ChannelError,
    },
    /// The scenario (after a command line's overrides) is invalid.
    #[error("invalid scenario: {}", one_line(.0))]
    Scenario(irs_channel::ChannelError),
    /// The channel realization could not be drawn.
    #[error("channel realization: {0}")]
    Realization(irs_channel::ChannelError),
    /// The optimizer settings are invalid.
    #[error("invalid optimizer settings: {0}")]
    Settings(irs_design::DesignError),
    /// The optimizer found no design.
    #[error("{0}")]
    Design(#[from] irs_design::DesignError),
    /// The estimator study failed (the message names the field).
    #[error("tightness study: {0}")]
    Tightness(#[from] irs_estimate::EstimateError),
    /// The output directory cannot be created or written.
    #[error("cannot write to output directory {}: {source}", path.display())]
    OutputDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file cannot be written (or the cache directory created).
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A value could not be serialised to JSON.
    #[error("serialising {what}: {source}")]
    Json {
        /// What was being serialised.
        what: &'static str,
        /// The serializer's error.
        source: serde_json::Error,
    },
    /// A plot could not be drawn.
    #[error("plotting {}: {message}", path.display())]
    Plot {
        /// The SVG file.
        path: PathBuf,
        /// The plotting library's message.
        message: String,
    },
    /// `--merge` found jobs in no cache directory: nothing is written, the list says which to (re)run.
    #[error("{missing} of {total} jobs are in no cache directory (run their shards, then merge again):\n{list}")]
    MissingJobs {
        /// Number of missing jobs.
        missing: usize,
        /// Number of jobs of the sweep.
        total: usize,
        /// One line per missing job: index, shard, figure, curve, x, realization, key.
        list: String,
    },
    /// A timing reference for `--plan` cannot be read.
    #[error("cannot read the timing reference {}: {message}", path.display())]
    Timings {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The worker thread pool could not be built.
    #[error("building the worker thread pool: {0}")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
}

/// The error's message on one line (TOML parse errors span several).
fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string().replace('\n', " ").trim().to_string()
}
