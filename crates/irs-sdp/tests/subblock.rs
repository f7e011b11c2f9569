//! The sub-block epigraph tr([F⁻¹]_SS) ≤ t (angle-only CRB).

use irs_sdp::{solve, AffExpr, AffSymMat, Model, SchurForm, Settings, TraceInvOptions};

/// F = [[x1, 0, c], [0, x2, 0], [c, 0, 1]]: by the Schur complement on the last index,
/// [F⁻¹]_{01,01} = diag(1/(x1 − c²), 1/x2), so min tr([F⁻¹]_SS) s.t. x1 + x2 ≤ 1 is
/// 4/(1 − c²) (at x1 − c² = x2 = (1 − c²)/2); c = 1/2 gives 16/3. The full trace would add
/// [F⁻¹]_22 = 1 + c²/(x1 − c²), so the test tells the two apart.
fn model(indices: &[usize], form: SchurForm) -> (Model, f64) {
    let c = 0.5;
    let mut m = Model::new();
    let x1 = m.scalar("x1");
    let x2 = m.scalar("x2");
    let t = m.scalar("t");
    m.le("budget", x1 + x2, 1.0).unwrap();
    let mut f = AffSymMat::zeros(3);
    f.set(0, 0, x1);
    f.set(1, 1, x2);
    f.set(0, 2, c);
    f.set(2, 2, 1.0);
    let w: Vec<_> = indices.iter().map(|&i| (i, 1.0)).collect();
    let opt = TraceInvOptions { form, lift: true };
    m.weighted_trace_inv_le_with("tr [F⁻¹]_SS ≤ t", &f, &w, AffExpr::from(t), opt)
        .unwrap();
    m.minimize(t).unwrap();
    (m, 4.0 / (1.0 - c * c))
}

#[test]
fn angle_block_bound_reaches_the_schur_complement_optimum() {
    for form in [SchurForm::Block, SchurForm::PerIndex] {
        let (m, expected) = model(&[0, 1], form);
        let s = solve(&m, &Settings::default()).unwrap();
        assert!(
            (s.objective - expected).abs() < 1e-6,
            "{form:?}: {} vs {expected}",
            s.objective
        );
    }
}

#[test]
fn subblock_helper_equals_explicit_indices_and_differs_from_full_trace() {
    let (m, expected) = model(&[1, 0], SchurForm::Block); // order of indices is irrelevant
    let s = solve(&m, &Settings::default()).unwrap();
    assert!((s.objective - expected).abs() < 1e-6);

    let mut m2 = Model::new();
    let x1 = m2.scalar("x1");
    let x2 = m2.scalar("x2");
    let t = m2.scalar("t");
    m2.le("budget", x1 + x2, 1.0).unwrap();
    let mut f = AffSymMat::zeros(3);
    f.set(0, 0, x1);
    f.set(1, 1, x2);
    f.set(0, 2, 0.5);
    f.set(2, 2, 1.0);
    m2.subblock_trace_inv_le("angle CRB", &f, &[0, 1], t)
        .unwrap();
    m2.minimize(t).unwrap();
    let s2 = solve(&m2, &Settings::default()).unwrap();
    assert!((s2.objective - expected).abs() < 1e-6);

    let (m3, _) = model(&[0, 1, 2], SchurForm::Block);
    let s3 = solve(&m3, &Settings::default()).unwrap();
    assert!(
        s3.objective > expected + 1.0,
        "full trace {} should exceed {expected}",
        s3.objective
    );
}
