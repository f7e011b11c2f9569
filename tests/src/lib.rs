//! Workspace-level end-to-end tests live in `tests/tests/`. This library holds no code: its documentation is
//! the workspace's README, so that every example there compiles and runs as a doc test
//! (`cargo test -p irs-e2e --doc`).

#![forbid(unsafe_code)]
#![doc = include_str!("../../README.md")]
