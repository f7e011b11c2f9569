//! Real symmetric PSD variables (one `PSDTriangleConeT(k)` each).

use faer::Mat;
use irs_sdp::{solve, Model, Settings};

#[test]
fn min_trace_with_unit_off_diagonal_is_two() {
    let mut m = Model::new();
    let x = m.symmetric_psd("X", 2).unwrap();
    m.eq("X12 = 1", x.entry(0, 1), 1.0).unwrap();
    m.minimize(x.trace()).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!((s.objective - 2.0).abs() < 1e-7, "{}", s.objective);
    let v = s.symmetric(&x).unwrap();
    for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        assert!((v[(i, j)] - 1.0).abs() < 1e-5, "X = {v:?}");
    }
}

#[test]
fn min_tr_cx_over_unit_trace_is_smallest_eigenvalue() {
    // min tr(C X) s.t. tr X = 1, X ⪰ 0  =  λ_min(C); ground truth from faer's eigensolver.
    let c = Mat::<f64>::from_fn(4, 4, |i, j| {
        let (a, b) = (i.min(j) as f64, i.max(j) as f64);
        (a + 1.0) * (b - 2.5) / 3.0 + if i == j { 0.5 * i as f64 } else { 0.0 }
    });
    let lam = c.self_adjoint_eigenvalues(faer::Side::Lower).unwrap()[0];
    let mut m = Model::new();
    let x = m.symmetric_psd("X", 4).unwrap();
    m.eq("tr X = 1", x.trace(), 1.0).unwrap();
    m.minimize(x.tr_mul(c.as_ref())).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!((s.objective - lam).abs() < 1e-7, "{} vs {lam}", s.objective);
}
