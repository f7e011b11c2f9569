//! End-to-end: Clarabel solves SDPs through this crate's pure-Rust BLAS/LAPACK symbols.
// Index loops mirror the (i, j) definitions being checked; raw-call helpers take LAPACK's argument lists.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments)]

// Names the crate so that its `#[no_mangle]` routines are linked into this test binary;
// without this line the binary fails to link (undefined `dsyevr_` etc.).
use irs_blas as _;

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
    SupportedConeT::{PSDTriangleConeT, ZeroConeT},
};
use faer::Mat;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Index of `X[i][j]` (i ≤ j) in Clarabel's svec order: upper triangle, column by column.
fn svec_index(i: usize, j: usize) -> usize {
    debug_assert!(i <= j);
    j * (j + 1) / 2 + i
}

/// Builds `min ⟨C, X⟩ s.t. X_ij = 1 for (i,j) in `ones`, X ⪰ 0` with `x` = the upper-triangle
/// entries of X (unscaled); the PSD cone row of an off-diagonal entry carries Clarabel's √2.
fn solve_entry_problem(
    n: usize,
    c_diag: &[f64],
    ones: &[(usize, usize)],
) -> (SolverStatus, f64, Vec<f64>) {
    let nvec = n * (n + 1) / 2;
    let p = CscMatrix::<f64>::zeros((nvec, nvec));
    let mut q = vec![0.0; nvec];
    for (i, &c) in c_diag.iter().enumerate() {
        q[svec_index(i, i)] = c;
    }
    let mut rows = Vec::new();
    let mut cols = Vec::new();
    let mut vals = Vec::new();
    // s = −A x = svec(X) ∈ PSD: −1 on the diagonal, −√2 off it.
    for j in 0..n {
        for i in 0..=j {
            let k = svec_index(i, j);
            rows.push(k);
            cols.push(k);
            vals.push(if i == j {
                -1.0
            } else {
                -std::f64::consts::SQRT_2
            });
        }
    }
    let mut b = vec![0.0; nvec];
    for (r, &(i, j)) in ones.iter().enumerate() {
        rows.push(nvec + r);
        cols.push(svec_index(i, j));
        vals.push(1.0);
        b.push(1.0);
    }
    let a = CscMatrix::new_from_triplets(nvec + ones.len(), nvec, rows, cols, vals);
    let cones: Vec<SupportedConeT<f64>> = vec![PSDTriangleConeT(n), ZeroConeT(ones.len())];
    let settings = DefaultSettings {
        verbose: false,
        ..DefaultSettings::default()
    };
    let mut solver =
        DefaultSolver::new(&p, &q, &a, &b, &cones, settings).expect("valid problem data");
    solver.solve();
    (
        solver.solution.status,
        solver.solution.obj_val,
        solver.solution.x.clone(),
    )
}

#[test]
fn min_trace_with_unit_off_diagonal_2x2_has_optimum_two() {
    let (status, obj, x) = solve_entry_problem(2, &[1.0, 1.0], &[(0, 1)]);
    assert_eq!(status, SolverStatus::Solved);
    assert!((obj - 2.0).abs() < 1e-6, "objective {obj}");
    // X = [[1, 1], [1, 1]] is the unique optimum.
    for v in x {
        assert!((v - 1.0).abs() < 1e-4, "x = {v}");
    }
}

/// n = 4 takes Clarabel's BLAS path (its closed forms stop at 3×3): with every off-diagonal
/// entry fixed to 1, X_ii + X_jj ≥ 2 for each pair (from (e_i − e_j)ᵀ X (e_i − e_j) ≥ 0), so a
/// perfect matching gives tr X ≥ n, attained by the all-ones matrix.
#[test]
fn min_trace_with_all_ones_off_diagonal_4x4_has_optimum_four() {
    let n = 4;
    let ones: Vec<_> = (0..n).flat_map(|j| (0..j).map(move |i| (i, j))).collect();
    let (status, obj, _) = solve_entry_problem(n, &vec![1.0; n], &ones);
    assert_eq!(status, SolverStatus::Solved);
    assert!((obj - n as f64).abs() < 1e-6, "objective {obj}");
}

/// `min ⟨C, X⟩ s.t. tr X = 1, X ⪰ 0` has optimum λ_min(C) (attained at X = v vᵀ for a unit
/// eigenvector v). Returns (status, Clarabel's objective, λ_min from faer's dense eigensolver).
fn min_eig_sdp(n: usize, seed: u64) -> (SolverStatus, f64, f64) {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let mut c = Mat::<f64>::zeros(n, n);
    for j in 0..n {
        for i in 0..=j {
            let v: f64 = r.random_range(-1.0..1.0);
            c[(i, j)] = v;
            c[(j, i)] = v;
        }
    }
    let nvec = n * (n + 1) / 2;
    // x = svec(X) in Clarabel's scaling (off-diagonals × √2), so ⟨C, X⟩ = Σ c_ii x_ii +
    // Σ_{i<j} √2 c_ij x_ij and tr X = Σ x_ii.
    let mut q = vec![0.0; nvec];
    let (mut rows, mut cols, mut vals) = (Vec::new(), Vec::new(), Vec::new());
    let mut b = vec![0.0; nvec];
    for j in 0..n {
        for i in 0..=j {
            let k = svec_index(i, j);
            q[k] = if i == j {
                c[(i, j)]
            } else {
                std::f64::consts::SQRT_2 * c[(i, j)]
            };
            // s = x ∈ PSD triangle cone.
            rows.push(k);
            cols.push(k);
            vals.push(-1.0);
            if i == j {
                rows.push(nvec);
                cols.push(k);
                vals.push(1.0);
            }
        }
    }
    b.push(1.0);
    let p = CscMatrix::<f64>::zeros((nvec, nvec));
    let a = CscMatrix::new_from_triplets(nvec + 1, nvec, rows, cols, vals);
    let cones: Vec<SupportedConeT<f64>> = vec![PSDTriangleConeT(n), ZeroConeT(1)];
    let settings = DefaultSettings {
        verbose: false,
        ..DefaultSettings::default()
    };
    let mut solver =
        DefaultSolver::new(&p, &q, &a, &b, &cones, settings).expect("valid problem data");
    solver.solve();
    let evals = c
        .self_adjoint_eigenvalues(faer::Side::Lower)
        .expect("faer eigensolver converges on a small symmetric matrix");
    let lambda_min = evals.iter().copied().fold(f64::INFINITY, f64::min);
    (solver.solution.status, solver.solution.obj_val, lambda_min)
}

#[test]
fn trace_one_sdp_of_size_5_reaches_lambda_min() {
    let (status, obj, lmin) = min_eig_sdp(5, 11);
    assert_eq!(status, SolverStatus::Solved);
    assert!((obj - lmin).abs() < 1e-6, "{obj} vs λ_min {lmin}");
}

#[test]
fn trace_one_sdp_of_size_40_reaches_lambda_min() {
    let (status, obj, lmin) = min_eig_sdp(40, 12);
    assert_eq!(status, SolverStatus::Solved);
    assert!(
        (obj - lmin).abs() < 1e-6 * (1.0 + lmin.abs()),
        "{obj} vs λ_min {lmin}"
    );
}
