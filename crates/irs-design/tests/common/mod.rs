//! Shared fixtures of the integration tests: the links of both set-ups from a realization.
#![allow(dead_code)]

use irs_channel::Realization;
use irs_fim::{SensingLink, Setup};

/// The links of every IRS of `r` for `setup` (the adapter of irs-fim).
pub fn links(setup: Setup, r: &Realization) -> Vec<SensingLink> {
    SensingLink::all(setup, r).unwrap()
}
