//! Library of `cargo xtask`: figure reproduction (`reproduce`), the optimizer-backed point evaluator, and `bench-report`.

pub mod bench_report;
pub mod evaluator;
pub mod reproduce;
