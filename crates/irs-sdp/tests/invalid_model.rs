//! Malformed models are rejected while they are built, with `InvalidModel` naming the offending
//! constraint, and leave the model unchanged.

use faer::{c64, Mat};
use irs_sdp::{AffExpr, AffSymMat, Model, SdpError, Settings, Solver};

fn assert_invalid<T: std::fmt::Debug>(r: Result<T, SdpError>, item: &str, reason_part: &str) {
    match r {
        Err(SdpError::InvalidModel { item: i, reason }) => {
            assert_eq!(i, item);
            assert!(
                reason.contains(reason_part),
                "reason `{reason}` lacks `{reason_part}`"
            );
        }
        other => panic!("expected InvalidModel for `{item}`, got {other:?}"),
    }
}

#[test]
fn nan_and_infinite_data_are_rejected_with_the_constraint_name() {
    let mut m = Model::new();
    let x = m.scalar("x");
    let rows = m.num_rows();
    assert_invalid(
        m.le("nan coef", x * f64::NAN, 1.0),
        "nan coef",
        "coefficient of variable `x`",
    );
    assert_invalid(
        m.le("inf rhs", x, f64::INFINITY),
        "inf rhs",
        "constant term",
    );
    assert_invalid(
        m.minimize(x * f64::NEG_INFINITY),
        "objective",
        "coefficient",
    );
    let r = m.hermitian_psd("R", 2).unwrap();
    let mut k = Mat::<c64>::zeros(2, 2);
    k[(1, 0)] = c64::new(0.0, f64::NAN);
    assert_invalid(
        m.le("power", r.re_tr(k.as_ref()), 1.0),
        "power",
        "K(1, 0) is not finite",
    );
    assert_eq!(
        m.num_rows(),
        rows + 10,
        "only the PSD cone of R (svec of 4×4) was added"
    );
}

#[test]
fn dimension_mismatches_are_rejected() {
    let mut m = Model::new();
    let r = m.hermitian_psd("R", 3).unwrap();
    let k = Mat::<c64>::zeros(2, 3);
    assert_invalid(
        m.eq("fim entry", r.re_tr(k.as_ref()), 0.0),
        "fim entry",
        "K is 2×3",
    );
    assert_invalid(m.eq("entry", r.re(0, 3), 0.0), "entry", "(0, 3)");
    assert_invalid(
        m.diag_bounds("diag", &r, None, Some(&[1.0, 1.0])),
        "diag",
        "2 bounds for a 3×3",
    );
    assert_invalid(
        m.diag_bounds("diag order", &r, Some(&[2.0; 3]), Some(&[1.0; 3])),
        "diag order",
        "exceeds",
    );
    let mut a = AffSymMat::zeros(2);
    a.set(2, 0, 1.0);
    assert_invalid(m.psd("lmi", &a), "lmi", "set(2, 0)");
    let sum = &AffSymMat::zeros(2) + &AffSymMat::zeros(3);
    assert_invalid(m.psd("sum", &sum), "sum", "adding");
    assert_invalid(m.symmetric_psd("empty", 0), "empty", "dimension 0");
}

#[test]
fn asymmetric_constant_matrix_is_rejected_not_symmetrised() {
    let mut m = Model::new();
    let c = Mat::<f64>::from_fn(2, 2, |i, j| (i + 2 * j) as f64);
    assert_invalid(
        m.psd("C ⪰ 0", &AffSymMat::constant(c.as_ref())),
        "C ⪰ 0",
        "not symmetric",
    );
}

#[test]
fn malformed_epigraphs_are_rejected_and_leave_the_model_unchanged() {
    let mut m = Model::new();
    let x = m.scalar("x");
    let t = m.scalar("t");
    let f = AffSymMat::from_fn(2, |i, j| if i == j { x.into() } else { 0.0.into() });
    let (cols, rows, cons) = (m.num_columns(), m.num_rows(), m.num_constraints());
    let opt = irs_sdp::TraceInvOptions::default();
    assert_invalid(
        m.subblock_trace_inv_le("crb", &f, &[2], t),
        "crb",
        "index 2 out of range",
    );
    assert_invalid(
        m.subblock_trace_inv_le("crb", &f, &[0, 0], t),
        "crb",
        "twice",
    );
    assert_invalid(
        m.weighted_trace_inv_le_with("crb", &f, &[(0, -1.0)], t, opt),
        "crb",
        "weight",
    );
    assert_invalid(
        m.weighted_trace_inv_le_with("crb", &f, &[(0, 0.0)], t, opt),
        "crb",
        "positive",
    );
    assert_invalid(
        m.trace_inv_le("crb", &f, AffExpr::from(t) * f64::NAN),
        "crb",
        "t",
    );
    assert_eq!(
        (m.num_columns(), m.num_rows(), m.num_constraints()),
        (cols, rows, cons)
    );
}

#[test]
fn handles_of_another_model_are_rejected() {
    let mut a = Model::new();
    let mut b = Model::new();
    let xa = a.scalar("xa");
    let xb = b.scalar("xb");
    assert_invalid(b.le("mixed", xa, 1.0), "mixed", "another model");
    assert_invalid(
        b.le("mixed sum", xa + xb, 1.0),
        "mixed sum",
        "two different models",
    );
    let ra = a.hermitian_psd("Ra", 2).unwrap();
    assert_invalid(
        b.diag_bounds("diag", &ra, None, Some(&[1.0; 2])),
        "diag",
        "another model",
    );
    b.minimize(xb).unwrap();
    b.ge("xb ≥ 0", xb, 0.0).unwrap();
    let s = irs_sdp::solve(&b, &Settings::default()).unwrap();
    assert!(matches!(s.scalar(xa), Err(SdpError::ForeignHandle { .. })));
}

#[test]
fn invalid_settings_are_rejected_by_field() {
    let bad = Settings {
        tol_feas: -1.0,
        ..Settings::default()
    };
    assert!(matches!(
        Solver::new(bad),
        Err(SdpError::InvalidSettings {
            field: "tol_feas",
            ..
        })
    ));
}
