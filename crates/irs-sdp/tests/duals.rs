//! Lagrange multipliers (`Solution::dual`) against problems whose multipliers are known in closed form, and
//! the stationarity identity they must satisfy on a Hermitian PSD variable.

use faer::{c64, Mat, Side};
use irs_sdp::{solve, Model, SdpError, Settings};

fn tight() -> Settings {
    Settings {
        tol_gap_abs: 1e-10,
        tol_gap_rel: 1e-10,
        tol_feas: 1e-10,
        ..Settings::default()
    }
}

#[test]
fn multipliers_of_scalar_rows_follow_the_lagrangian_sign_convention() {
    // min 3x + y s.t. x ≥ 1 (written as 1 ≤ x), x + y = 2, y ≤ 5: x = 1, y = 1.
    // L = 3x + y − a(x − 1) − b(x + y − 2) − c(5 − y): ∂x: 3 = a + b, ∂y: 1 = b − c, c = 0 (inactive),
    // so b = 1 (free sign, from the equality) and a = 2 ≥ 0.
    let mut m = Model::new();
    let x = m.scalar("x");
    let y = m.scalar("y");
    let ca = m.le("x ≥ 1", 1.0, x).unwrap();
    let cb = m.eq("x + y = 2", x.expr() + y.expr(), 2.0).unwrap();
    let cc = m.le("y ≤ 5", y, 5.0).unwrap();
    m.minimize(x.expr() * 3.0 + y.expr()).unwrap();
    let s = solve(&m, &tight()).unwrap();
    let (a, b, c) = (
        s.dual(&m, ca).unwrap(),
        s.dual(&m, cb).unwrap(),
        s.dual(&m, cc).unwrap(),
    );
    assert_eq!((a.len(), b.len(), c.len()), (1, 1, 1));
    assert!((a[0] - 2.0).abs() < 1e-7, "a = {a:?}");
    assert!((b[0] - 1.0).abs() < 1e-7, "b = {b:?}");
    assert!(c[0].abs() < 1e-7, "c = {c:?}");
}

#[test]
fn dual_of_the_trace_row_is_the_smallest_eigenvalue_and_leaves_a_psd_dual_matrix() {
    // min Re tr(C X) s.t. tr X = 1, X ⪰ 0: y = λ_min(C) and S = C − y I ⪰ 0 with tr(S X) = 0.
    let n = 6;
    let c = Mat::<c64>::from_fn(n, n, |i, j| {
        let a = c64::new(
            ((5 * i + 3 * j) % 7) as f64 - 3.0,
            ((i + 4 * j) % 5) as f64 - 2.0,
        );
        let b = c64::new(
            ((5 * j + 3 * i) % 7) as f64 - 3.0,
            -(((j + 4 * i) % 5) as f64 - 2.0),
        );
        (a + b) * 0.5
    });
    let lam = c.self_adjoint_eigenvalues(Side::Lower).unwrap()[0];
    let mut m = Model::new();
    let x = m.hermitian_psd("X", n).unwrap();
    let row = m.eq("tr X = 1", x.trace(), 1.0).unwrap();
    m.minimize(x.re_tr(c.as_ref())).unwrap();
    let s = solve(&m, &tight()).unwrap();
    let y = s.dual(&m, row).unwrap()[0];
    assert!((y - lam).abs() < 1e-7, "y = {y}, λ_min = {lam}");
    let dual = Mat::<c64>::from_fn(n, n, |i, j| {
        c[(i, j)]
            - if i == j {
                c64::new(y, 0.0)
            } else {
                c64::new(0.0, 0.0)
            }
    });
    let ev = dual.self_adjoint_eigenvalues(Side::Lower).unwrap();
    assert!(ev[0] > -1e-7, "S not PSD: {ev:?}");
    let xv = s.hermitian(&x).unwrap();
    let comp: f64 = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| (dual[(i, j)] * xv[(j, i)]).re)
        .sum();
    assert!(comp.abs() < 1e-7, "tr(S X) = {comp}");
}

#[test]
fn lmi_multipliers_form_the_dual_matrix_with_halved_off_diagonals() {
    // max a s.t. [[1, a], [a, 1]] ⪰ 0: a = 1. For −a: L = −a − ⟨Y, M(a)⟩ with ∂/∂a: −1 = 2 Y_01, and
    // Y ⪰ 0 with ⟨Y, M⟩ = 0 at a = 1 gives Y = [[1/2, −1/2], [−1/2, 1/2]]: rows (0,0), (0,1), (1,1) hold
    // y = (1/2, −1, 1/2) (the off-diagonal row multiplies the entry once, so y_01 = 2 Y_01).
    let mut m = Model::new();
    let a = m.scalar("a");
    let lmi = irs_sdp::AffSymMat::from_fn(2, |i, j| {
        if i == j {
            irs_sdp::AffExpr::constant(1.0)
        } else {
            a.expr()
        }
    });
    let id = m.psd("M ⪰ 0", &lmi).unwrap();
    m.maximize(a).unwrap();
    let s = solve(&m, &tight()).unwrap();
    let y = s.dual(&m, id).unwrap();
    assert_eq!(y.len(), 3);
    for (got, want) in y.iter().zip([0.5, -1.0, 0.5]) {
        assert!((got - want).abs() < 1e-6, "y = {y:?}");
    }
}

#[test]
fn dual_of_a_constraint_from_another_model_is_refused() {
    let mut m1 = Model::new();
    let x = m1.scalar("x");
    let id = m1.le("x ≥ 0", 0.0, x).unwrap();
    m1.minimize(x).unwrap();
    let s = solve(&m1, &Settings::default()).unwrap();
    let m2 = Model::new();
    assert!(matches!(
        s.dual(&m2, id),
        Err(SdpError::ForeignHandle { .. })
    ));
}

#[test]
fn dual_of_a_constraint_added_to_a_clone_after_the_solve_is_refused() {
    let mut m = Model::new();
    let x = m.scalar("x");
    m.le("x ≥ 0", 0.0, x).unwrap();
    m.minimize(x).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    let mut later = m.clone();
    let id = later.le("x ≤ 1", x, 1.0).unwrap();
    assert!(matches!(
        s.dual(&later, id),
        Err(SdpError::ForeignHandle { .. })
    ));
}
