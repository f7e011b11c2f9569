//! Command-line values that name a library enum (set-up, scheme, KKT solver): parsed straight into the
//! library's own type by its `id()`, so no enum is written twice.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// A value parser accepting `id(v)` for every `v` of `all`, with `help(v)` as the value's help text.
pub fn one_of<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    id: fn(T) -> &'static str,
    help: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(all.iter().map(|&v| PossibleValue::new(id(v)).help(help(v)))).map(
        move |name: String| {
            *all.iter()
                .find(|&&v| id(v) == name)
                .expect("clap accepts only the listed names")
        },
    )
}

/// `--setup`: `bs` (echoes at the BS, problem P1) or `irs` (echoes at the IRSs' sensors, problem P4).
pub fn setup() -> impl TypedValueParser<Value = irs_design::Setup> {
    one_of(
        &irs_design::Setup::ALL,
        irs_design::Setup::id,
        |s| match s {
            irs_design::Setup::AtBs => "echoes received at the BS (problem P1)",
            irs_design::Setup::AtIrs => "echoes received by the sensors on the IRSs (problem P4)",
        },
    )
}

/// `--scheme`: the joint method (default), the paper's method, the paper's method polished, or one of Section V's
/// benchmarks.
pub fn scheme() -> impl TypedValueParser<Value = irs_design::Scheme> {
    one_of(&irs_design::Scheme::ALL, irs_design::Scheme::id, |s| {
        use irs_design::Scheme;
        match s {
            Scheme::Joint => {
                "joint local method over (R_s, psi) from 8 starts, certified (default)"
            }
            Scheme::Proposed => "the paper's alternating optimisation (Figs. 3-7 \"proposed\")",
            Scheme::ProposedPolished => "the paper's method, then the joint method from its output",
            Scheme::TransmitOnly => "random phases at a_max, then the transmit step",
            Scheme::ReflectiveOnly => "isotropic transmission, then the reflect step",
            Scheme::Passive => "passive IRSs (|psi_n| = 1, no amplifier noise), alternating",
            Scheme::Isotropic => "isotropic transmission and the initial psi (no optimisation)",
        }
    })
}

/// `--kkt`: Clarabel's KKT linear solver.
pub fn kkt() -> impl TypedValueParser<Value = irs_design::KktSolver> {
    one_of(
        &irs_design::KktSolver::ALL,
        irs_design::KktSolver::id,
        |k| match k {
            irs_design::KktSolver::Faer => "faer's supernodal LDLT (default)",
            irs_design::KktSolver::Qdldl => "QDLDL",
        },
    )
}
