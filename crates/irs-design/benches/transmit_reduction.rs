//! Criterion bench of issue 9: the transmit step (one SDP, both IRSs) with and without the exact reduction to
//! the row space of Ψ_l G_l, on the default scenario (N = 16 elements per IRS, L = 2) with M BS antennas, for
//! both set-ups. `full` (R_s,l as M×M Hermitian variables, 2M×2M real cones) is the baseline of `reduced` (the
//! default step: the row space of Ψ_l G_l, r = rank ≤ N, solved by column generation over k ≤ r dimensions with
//! a duality certificate) and of `reduced_no_cg` (one SDP over the r×r row-space variables) in the README table.
//! Full runs only at M ≤ 32: at M = 64 one full solve takes over ten minutes (`docs/numerics.md`),
//! which is the point of the reduction.
//!
//! `cargo bench -p irs-design --bench transmit_reduction`
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use faer::c64;
use irs_channel::{Realization, Scenario};
use irs_design::{optimal_transmit, optimize, Budgets, Scheme, SensingLink, Settings, Setup};
use std::time::Duration;

/// Largest M at which the full formulation is benched.
const FULL_MAX_M: usize = 32;

fn bench(c: &mut Criterion) {
    let reduced = Settings::default();
    let no_cg = Settings {
        column_generation: false,
        ..Settings::default()
    };
    let full = Settings {
        reduce_subspace: false,
        ..Settings::default()
    };
    for setup in Setup::ALL {
        let mut g = c.benchmark_group(format!("transmit_reduction_{}", setup.id()));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
        for m in [16usize, 32, 64, 128, 256] {
            let mut s = Scenario::default();
            s.bs.antennas = m;
            let r = Realization::new(&s, 1).expect("the default scenario with M antennas is valid");
            let b = Budgets::of(&s);
            // ψ from the isotropic initialisation (random phases at a_max, scaled to feasibility).
            let init = optimize(setup, &r, &b, Scheme::Isotropic, &reduced, 1)
                .expect("isotropic evaluation of the default scenario");
            let psi: Vec<Vec<c64>> = init.irs.iter().map(|d| d.psi.clone()).collect();
            let ls = SensingLink::all(setup, &r).expect("valid links");
            let mut variants = vec![("reduced", &reduced), ("reduced_no_cg", &no_cg)];
            if m <= FULL_MAX_M {
                variants.push(("full", &full));
            }
            for (name, st) in variants {
                g.bench_with_input(BenchmarkId::new(name, m), &m, |x, _| {
                    x.iter(|| optimal_transmit(&ls, &psi, &b, false, st).expect("transmit step"))
                });
            }
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
