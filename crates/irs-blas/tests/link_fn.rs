//! Linking via `irs_blas::link()` alone (no `use irs_blas as _;`): a binary that otherwise only uses Clarabel's SDP path.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
    SupportedConeT::{PSDTriangleConeT, ZeroConeT},
};

/// min tr X s.t. X_ij = 1 (i ≠ j), X ⪰ 0 with n = 4: optimum n (see clarabel_sdp.rs), on the
/// BLAS/LAPACK path of Clarabel's PSD cone (n ≥ 4).
#[test]
fn link_function_alone_makes_the_symbols_available_to_clarabel() {
    irs_blas::link();
    let n = 4;
    let nvec = n * (n + 1) / 2;
    let idx = |i: usize, j: usize| j * (j + 1) / 2 + i;
    let mut q = vec![0.0; nvec];
    let (mut rows, mut cols, mut vals, mut b) = (vec![], vec![], vec![], vec![0.0; nvec]);
    for j in 0..n {
        q[idx(j, j)] = 1.0;
        for i in 0..=j {
            rows.push(idx(i, j));
            cols.push(idx(i, j));
            vals.push(if i == j {
                -1.0
            } else {
                -std::f64::consts::SQRT_2
            });
            if i < j {
                rows.push(b.len());
                cols.push(idx(i, j));
                vals.push(1.0);
                b.push(1.0);
            }
        }
    }
    let m = b.len();
    let a = CscMatrix::new_from_triplets(m, nvec, rows, cols, vals);
    let cones: Vec<SupportedConeT<f64>> = vec![PSDTriangleConeT(n), ZeroConeT(m - nvec)];
    let settings = DefaultSettings {
        verbose: false,
        ..DefaultSettings::default()
    };
    let p = CscMatrix::<f64>::zeros((nvec, nvec));
    let mut solver = DefaultSolver::new(&p, &q, &a, &b, &cones, settings).expect("valid data");
    solver.solve();
    assert_eq!(solver.solution.status, SolverStatus::Solved);
    assert!((solver.solution.obj_val - n as f64).abs() < 1e-6);
}
