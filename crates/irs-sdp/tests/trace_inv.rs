//! The epigraph tr(F⁻¹) ≤ t of an affine matrix F, in both Schur forms, lifted and not.

use irs_sdp::{
    solve, AffExpr, AffSymMat, Model, SchurForm, Settings, SolveStatus, TraceInvOptions,
};

fn all_options() -> Vec<TraceInvOptions> {
    let mut v = Vec::new();
    for form in [SchurForm::Block, SchurForm::PerIndex] {
        for lift in [true, false] {
            v.push(TraceInvOptions { form, lift });
        }
    }
    v
}

/// min tr(F⁻¹), F = diag(x), Σx ≤ 1, k = 4: x_i = 1/4, value k² = 16.
#[test]
fn diagonal_f_with_unit_budget_gives_sixteen() {
    for opt in all_options() {
        let mut m = Model::new();
        let xs: Vec<_> = (0..4).map(|i| m.scalar(&format!("x{i}"))).collect();
        let t = m.scalar("t");
        m.le(
            "Σx ≤ 1",
            xs.iter().map(|&x| AffExpr::from(x)).sum::<AffExpr>(),
            1.0,
        )
        .unwrap();
        let f = AffSymMat::from_fn(4, |i, j| if i == j { xs[i].into() } else { 0.0.into() });
        let w: Vec<_> = (0..4).map(|i| (i, 1.0)).collect();
        m.weighted_trace_inv_le_with("tr F⁻¹ ≤ t", &f, &w, t, opt)
            .unwrap();
        m.minimize(t).unwrap();
        let s = solve(&m, &Settings::default()).unwrap();
        assert_eq!(s.status, SolveStatus::Solved, "{opt:?}");
        // Clarabel's default tolerances (1e-8 on scaled residuals) determine this objective to
        // ~1e-7 relative; the stated tolerance is 1e-6 relative.
        assert!(
            (s.objective - 16.0).abs() < 1e-6 * 16.0,
            "{opt:?}: {}",
            s.objective
        );
        for &x in &xs {
            assert!((s.scalar(x).unwrap() - 0.25).abs() < 1e-3, "{opt:?}");
        }
    }
}

/// F = x1 e1e1ᵀ + x2 vvᵀ with v = (1, 1): det F = x1 x2, tr F⁻¹ = 1/x2 + 2/x1 (by hand:
/// F = [[x1 + x2, x2], [x2, x2]], F⁻¹ = [[x2, −x2], [−x2, x1 + x2]] / (x1 x2)).
/// With x1 + x2 ≤ 1 the minimum of 2/x1 + 1/x2 is (√2 + 1)² = 3 + 2√2 at x1 = √2/(√2 + 1).
#[test]
fn non_diagonal_affine_f_reaches_the_hand_derived_optimum() {
    let r2 = 2f64.sqrt();
    for opt in all_options() {
        let mut m = Model::new();
        let x1 = m.scalar("x1");
        let x2 = m.scalar("x2");
        let t = m.scalar("t");
        m.le("budget", x1 + x2, 1.0).unwrap();
        let mut f = AffSymMat::zeros(2);
        f.set(0, 0, x1 + x2);
        f.set(0, 1, x2);
        f.set(1, 1, x2);
        let w = [(0, 1.0), (1, 1.0)];
        m.weighted_trace_inv_le_with("tr F⁻¹ ≤ t", &f, &w, t, opt)
            .unwrap();
        m.minimize(t).unwrap();
        let s = solve(&m, &Settings::default()).unwrap();
        let expected = 3.0 + 2.0 * r2;
        assert!(
            (s.objective - expected).abs() < 1e-6 * expected,
            "{opt:?}: {}",
            s.objective
        );
        // At a smooth minimum an objective error δ moves the argmin by ~√δ: check to 1e-3.
        let x1_err = (s.scalar(x1).unwrap() - r2 / (r2 + 1.0)).abs();
        assert!(x1_err < 1e-3, "{opt:?}: x1 off by {x1_err}");
    }
}

/// Weighted: min Σ w_i / x_i s.t. Σ x ≤ 1 is (Σ √w_i)² (Cauchy–Schwarz); w = (1, 4, 9, 1/4)
/// gives 6.5² = 42.25. A zero weight drops the index.
#[test]
fn weighted_trace_of_inverse_matches_cauchy_schwarz_optimum() {
    let mut m = Model::new();
    let xs: Vec<_> = (0..5).map(|i| m.scalar(&format!("x{i}"))).collect();
    let t = m.scalar("t");
    m.le(
        "Σx ≤ 1",
        xs[..4].iter().map(|&x| AffExpr::from(x)).sum::<AffExpr>(),
        1.0,
    )
    .unwrap();
    m.eq("x4 = 1", xs[4], 1.0).unwrap();
    let f = AffSymMat::from_fn(5, |i, j| if i == j { xs[i].into() } else { 0.0.into() });
    let w = [(0, 1.0), (1, 4.0), (2, 9.0), (3, 0.25), (4, 0.0)];
    m.weighted_trace_inv_le_with("Σ w [F⁻¹]_ii ≤ t", &f, &w, t, TraceInvOptions::default())
        .unwrap();
    m.minimize(t).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!((s.objective - 42.25).abs() < 1e-5, "{}", s.objective);
}

/// The epigraph bound is active at the optimum and the lifted F equals F(x).
#[test]
fn solution_satisfies_every_constraint_including_the_lifted_equalities() {
    let mut m = Model::new();
    let x1 = m.scalar("x1");
    let x2 = m.scalar("x2");
    let t = m.scalar("t");
    m.le("budget", x1 + x2, 1.0).unwrap();
    let mut f = AffSymMat::zeros(2);
    f.set(0, 0, x1 + x2);
    f.set(0, 1, x2);
    f.set(1, 1, x2);
    m.trace_inv_le("tr F⁻¹ ≤ t", &f, t).unwrap();
    m.minimize(t).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    let v = m.violations(&s.values).unwrap();
    assert!(v.iter().all(|c| c.violation < 1e-7), "{v:?}");
    // tr F(x)⁻¹ at the returned x equals t.
    let (a, b) = (s.scalar(x1).unwrap(), s.scalar(x2).unwrap());
    let tr_inv = 1.0 / b + 2.0 / a;
    assert!((tr_inv - s.scalar(t).unwrap()).abs() < 1e-5, "{tr_inv}");
}

/// General E: min tr(Eᵀ X⁻¹ E) = tr(W X⁻¹) with W = E Eᵀ over symmetric X ⪰ 0, tr X ≤ 1 is
/// (tr W^{1/2})², reached at X = W^{1/2} / tr W^{1/2} (Lagrange: X⁻¹ W X⁻¹ = μ I). With
/// W^{1/2} = [[2, 1], [1, 3]] (eigenvalues (5 ± √5)/2 > 0), W = [[5, 5], [5, 10]] and E = W^{1/2}
/// (any E with E Eᵀ = W): optimum tr² = 25, in both Schur forms, lifted and not.
#[test]
fn quadratic_form_epigraph_reaches_the_matrix_cauchy_schwarz_optimum() {
    let e_cols = vec![vec![2.0, 1.0], vec![1.0, 3.0]];
    for opt in all_options() {
        let mut m = Model::new();
        let x = m.symmetric_psd("X", 2).unwrap();
        let t = m.scalar("t");
        m.le("tr X ≤ 1", x.trace(), 1.0).unwrap();
        let f = AffSymMat::from_fn(2, |i, j| x.entry(i, j));
        m.quad_trace_inv_le_with("tr(Eᵀ X⁻¹ E) ≤ t", &f, &e_cols, t, opt)
            .unwrap();
        m.minimize(t).unwrap();
        let s = solve(&m, &Settings::default()).unwrap();
        assert!(
            (s.objective - 25.0).abs() < 1e-6 * 25.0,
            "{opt:?}: {}",
            s.objective
        );
        let xv = s.symmetric(&x).unwrap();
        for (i, j, want) in [(0, 0, 0.4), (0, 1, 0.2), (1, 1, 0.6)] {
            assert!(
                (xv[(i, j)] - want).abs() < 1e-3,
                "{opt:?}: X[{i},{j}] = {}",
                xv[(i, j)]
            );
        }
    }
}

/// A weighted trace and the equivalent explicit E = diag(√w) give the same optimum, and E with
/// the wrong column length, a non-finite entry or no non-zero entry is rejected by name.
#[test]
fn weighted_epigraph_equals_quadratic_form_with_diagonal_e_and_bad_e_is_rejected() {
    let solve_with = |weighted: bool| {
        let mut m = Model::new();
        let xs: Vec<_> = (0..3).map(|i| m.scalar(&format!("x{i}"))).collect();
        let t = m.scalar("t");
        m.le(
            "Σx ≤ 1",
            xs.iter().map(|&x| AffExpr::from(x)).sum::<AffExpr>(),
            1.0,
        )
        .unwrap();
        let f = AffSymMat::from_fn(3, |i, j| if i == j { xs[i].into() } else { 0.0.into() });
        if weighted {
            let w = [(0, 1.0), (1, 4.0), (2, 9.0)];
            m.weighted_trace_inv_le_with("c", &f, &w, t, TraceInvOptions::default())
                .unwrap();
        } else {
            let cols = vec![
                vec![1.0, 0.0, 0.0],
                vec![0.0, 2.0, 0.0],
                vec![0.0, 0.0, 3.0],
            ];
            m.quad_trace_inv_le_with("c", &f, &cols, t, TraceInvOptions::default())
                .unwrap();
        }
        m.minimize(t).unwrap();
        solve(&m, &Settings::default()).unwrap().objective
    };
    let (a, b) = (solve_with(true), solve_with(false));
    assert!(
        (a - 36.0).abs() < 1e-5 && (b - 36.0).abs() < 1e-5,
        "{a} {b}"
    );

    let mut m = Model::new();
    let x = m.scalar("x");
    let t = m.scalar("t");
    let f = AffSymMat::from_fn(1, |_, _| x.into());
    for (cols, needle) in [
        (vec![vec![1.0, 0.0]], "length"),
        (vec![vec![f64::NAN]], "not finite"),
        (vec![vec![0.0]], "zero"),
        (vec![], "no column"),
    ] {
        let err = m
            .quad_trace_inv_le_with("bad E", &f, &cols, t, TraceInvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad E") && err.contains(needle), "{err}");
    }
}
