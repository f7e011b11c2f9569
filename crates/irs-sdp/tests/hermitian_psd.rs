//! Complex Hermitian PSD variables through the real embedding [[Re X, −Im X], [Im X, Re X]] ⪰ 0,
//! and diagonal bounds on them.

use faer::{c64, Mat};
use irs_sdp::{solve, Model, SdpError, Settings};

#[test]
fn min_trace_with_off_diagonal_one_plus_j_is_two_sqrt_two() {
    let mut m = Model::new();
    let x = m.hermitian_psd("X", 2).unwrap();
    m.eq("Re X12 = 1", x.re(0, 1), 1.0).unwrap();
    m.eq("Im X12 = 1", x.im(0, 1), 1.0).unwrap();
    m.minimize(x.trace()).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    let r2 = 2f64.sqrt();
    assert!((s.objective - 2.0 * r2).abs() < 1e-7, "{}", s.objective);
    let v = s.hermitian(&x).unwrap();
    let expected = [
        [c64::new(r2, 0.0), c64::new(1.0, 1.0)],
        [c64::new(1.0, -1.0), c64::new(r2, 0.0)],
    ];
    for i in 0..2 {
        for j in 0..2 {
            assert!((v[(i, j)] - expected[i][j]).norm() < 1e-5, "X = {v:?}");
        }
    }
}

#[test]
fn min_re_tr_kx_over_unit_trace_is_smallest_eigenvalue_of_hermitian_part() {
    // K is not Hermitian: Re tr(K X) = tr(K_h X), K_h = (K + Kᴴ)/2; optimum λ_min(K_h)
    // (ground truth from faer's complex eigensolver, independent of the real embedding).
    let n = 5;
    let k = Mat::<c64>::from_fn(n, n, |i, j| {
        c64::new(
            ((3 * i + j) % 7) as f64 - 3.0,
            ((i + 2 * j) % 5) as f64 - 2.0,
        )
    });
    let kh = Mat::<c64>::from_fn(n, n, |i, j| (k[(i, j)] + k[(j, i)].conj()) * 0.5);
    let lam = kh.self_adjoint_eigenvalues(faer::Side::Lower).unwrap()[0];
    let mut m = Model::new();
    let x = m.hermitian_psd("X", n).unwrap();
    m.eq("tr X = 1", x.trace(), 1.0).unwrap();
    m.minimize(x.re_tr(k.as_ref())).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!((s.objective - lam).abs() < 1e-6, "{} vs {lam}", s.objective);
    // The minimiser is the projector on the eigenvector: rank one, unit trace.
    let v = s.hermitian(&x).unwrap();
    let ev = v.self_adjoint_eigenvalues(faer::Side::Lower).unwrap();
    assert!(
        (ev[n - 1] - 1.0).abs() < 1e-5 && ev[n - 2].abs() < 1e-5,
        "{ev:?}"
    );
}

#[test]
fn diagonal_upper_bounds_cap_the_off_diagonal_modulus() {
    // |X01| ≤ sqrt(X00 X11) ≤ sqrt(a0 a1): max Re X01 + Im X01 = sqrt(2 a0 a1).
    let (a0, a1) = (2.0, 8.0);
    let mut m = Model::new();
    let x = m.hermitian_psd("Theta", 2).unwrap();
    m.diag_bounds("|psi_n|² ≤ a²", &x, None, Some(&[a0, a1]))
        .unwrap();
    m.maximize(x.re(0, 1) + x.im(0, 1)).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!(
        (s.objective - (2.0 * a0 * a1).sqrt()).abs() < 1e-6,
        "{}",
        s.objective
    );
}

#[test]
fn diagonal_equalities_fix_a_passive_reflection_matrix() {
    // diag Θ = 1 (passive IRS): max Re tr(J Θ) with J the all-ones matrix is n² at Θ = 11ᵀ.
    let n = 4;
    let j = Mat::<c64>::from_fn(n, n, |_, _| c64::new(1.0, 0.0));
    let mut m = Model::new();
    let x = m.hermitian_psd("Theta", n).unwrap();
    let ones = vec![1.0; n];
    m.diag_bounds("|psi_n| = 1", &x, Some(&ones), Some(&ones))
        .unwrap();
    m.maximize(x.re_tr(j.as_ref())).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!(
        (s.objective - (n * n) as f64).abs() < 1e-6,
        "{}",
        s.objective
    );
    let v = s.hermitian(&x).unwrap();
    for i in 0..n {
        assert!((v[(i, i)].re - 1.0).abs() < 1e-7);
    }
}

#[test]
fn diagonal_lower_bounds_above_a_trace_cap_are_infeasible() {
    let mut m = Model::new();
    let x = m.hermitian_psd("X", 3).unwrap();
    m.diag_bounds("X_nn ≥ 1", &x, Some(&[1.0; 3]), None)
        .unwrap();
    m.le("tr X ≤ 2", x.trace(), 2.0).unwrap();
    assert!(matches!(
        solve(&m, &Settings::default()),
        Err(SdpError::Infeasible { .. })
    ));
}
