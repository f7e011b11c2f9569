//! Library of `cargo xtask`: figure reproduction (`reproduce`), the optimizer-backed point evaluator, one
//! optimizer run with its time breakdown (`run`), the estimator CRB-tightness study (`tightness`), and
//! `bench-report`.

pub mod bench_report;
pub mod evaluator;
pub mod reproduce;
pub mod run;
pub mod tightness;
