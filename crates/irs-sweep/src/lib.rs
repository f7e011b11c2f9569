//! The reproduction engine behind `cargo xtask`: everything that turns the optimizers and estimators into
//! figures, tables and checked claims. xtask's subcommands only parse their flags and call it.
//!
//! - [`reproduce`]: the paper's Figs. 3–7 — [`spec`] (what each figure sweeps), [`engine`] (seeds, the
//!   content-addressed per-point cache, parallel evaluation), [`evaluator`] (one point = one run of
//!   `irs_design::optimize` for the point's set-up and scheme), [`stats`], [`claims`] (Section V's claims as
//!   quantitative checks), [`output`] (tidy CSV, JSON with provenance) and [`plot`] (SVG);
//! - [`shard`]: the fixed partition of a sweep's jobs over processes (`--shard k/n`), shard manifests and
//!   `--plan`'s cost estimate;
//! - [`code`]: the code a run computes with — the source [`fingerprint`] computed at build time (part of every cache
//!   key) and the git state of the workspace, both independent of the working directory (`cargo xtask provenance`);
//! - [`compare`]: the paper's method vs the joint method on the same instances (`cargo xtask compare`);
//! - [`single`]: one optimizer run with its time breakdown (`cargo xtask run`);
//! - [`tightness`]: the estimator RMSE-vs-CRB study of `irs-estimate` with optimized designs, its outputs and
//!   plot (`cargo xtask tightness`);
//! - [`load_scenario`]: a scenario file read, parsed and validated once, for all of them.
//!
//! Determinism: every value depends only on (scenario, settings, point, realization index, base seed), never on
//! the number of worker threads.

#![forbid(unsafe_code)]

pub mod claims;
pub mod code;
pub mod compare;
pub mod engine;
mod error;
pub mod evaluator;
pub mod fingerprint;
pub mod output;
mod plot;
pub mod reproduce;
mod scenario_input;
mod seed_json;
pub mod shard;
pub mod single;
pub mod spec;
pub mod stats;
pub mod tightness;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod reproduce_tests;

pub use error::SweepError;
pub use scenario_input::{check_output_files, load_scenario, prepare_output_dir, ScenarioInput};
