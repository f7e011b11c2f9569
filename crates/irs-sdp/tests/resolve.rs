//! Re-solving models of unchanged structure with new data through a `Solver` session.

use faer::{c64, Mat};
use irs_sdp::{solve, AffSymMat, Model, Settings, Solver};

/// A small transmit-like model: one Hermitian PSD R, an epigraph of a 2×2 affine FIM with
/// coefficients Re tr(K_pq R), K_pq = A_pᴴ A_q, and a power budget.
fn model(scale: f64, budget: f64) -> Model {
    let n = 3;
    let a: Vec<Mat<c64>> = (0..2)
        .map(|p| {
            Mat::from_fn(2, n, |i, j| {
                c64::new(
                    ((p + 2 * i + 3 * j) % 5) as f64 - 2.0,
                    ((p + i + j) % 3) as f64 - 1.0,
                ) * scale
            })
        })
        .collect();
    let mut m = Model::new();
    let r = m.hermitian_psd("R", n).unwrap();
    let t = m.scalar("t");
    m.le("power", r.trace(), budget).unwrap();
    let f = AffSymMat::from_fn(2, |p, q| {
        let k = a[p].adjoint() * &a[q];
        r.re_tr(k.as_ref()) + if p == q { 0.01 } else { 0.0 }
    });
    m.trace_inv_le("crb", &f, t).unwrap();
    m.minimize(t).unwrap();
    m
}

/// Tight tolerances, so that two correct solves of the same model agree closely (at Clarabel's
/// default 1e-8 the objective of these models is only determined to ~1e-6 relative, because the
/// lifted equalities' residual is amplified by ∂tr(F⁻¹)/∂F).
fn tight() -> Settings {
    Settings {
        tol_gap_abs: 1e-11,
        tol_gap_rel: 1e-11,
        tol_feas: 1e-11,
        ..Settings::default()
    }
}

#[test]
fn session_reuses_structure_and_matches_fresh_solves() {
    let mut session = Solver::new(tight()).unwrap();
    for (k, (scale, budget)) in [(1.0, 1.0), (1.3, 0.7), (0.8, 2.0)].into_iter().enumerate() {
        let m = model(scale, budget);
        let s = session.solve(&m).unwrap();
        assert_eq!(s.stats.reused_structure, k > 0, "solve {k}");
        let fresh = solve(&m, &tight()).unwrap();
        assert!(!fresh.stats.reused_structure);
        let rel = (s.objective - fresh.objective).abs() / fresh.objective.abs();
        assert!(
            rel < 1e-8,
            "solve {k}: {} vs {}",
            s.objective,
            fresh.objective
        );
    }
}

#[test]
fn session_rebuilds_when_the_structure_changes() {
    let mut session = Solver::new(Settings::default()).unwrap();
    session.solve(&model(1.0, 1.0)).unwrap();
    let mut other = model(1.0, 1.0);
    let x = other.scalar("extra");
    other.le("extra ≤ 1", x, 1.0).unwrap();
    other.ge("extra ≥ 0", x, 0.0).unwrap();
    let s = session.solve(&other).unwrap();
    assert!(!s.stats.reused_structure);
    // and reuse is off when asked
    let mut no_reuse = Solver::new(Settings {
        reuse_structure: false,
        ..Settings::default()
    })
    .unwrap();
    no_reuse.solve(&model(1.0, 1.0)).unwrap();
    assert!(
        !no_reuse
            .solve(&model(1.2, 1.0))
            .unwrap()
            .stats
            .reused_structure
    );
}
