//! Affine symmetric matrices constrained PSD (LMIs), direct and lifted.

use faer::Mat;
use irs_sdp::{solve, AffSymMat, Model, Settings};

#[test]
fn max_off_diagonal_of_a_2x2_lmi_is_the_geometric_mean_of_the_diagonal() {
    // [[1, x], [x, 2]] ⪰ 0 ⇔ x² ≤ 2.
    let mut m = Model::new();
    let x = m.scalar("x");
    let mut a = AffSymMat::zeros(2);
    a.set(0, 0, 1.0);
    a.set(0, 1, x);
    a.set(1, 1, 2.0);
    m.psd("[[1,x],[x,2]] ⪰ 0", &a).unwrap();
    m.maximize(x).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!((s.objective - 2f64.sqrt()).abs() < 1e-7, "{}", s.objective);
}

fn sym_test_matrix(n: usize) -> Mat<f64> {
    Mat::from_fn(n, n, |i, j| {
        let (a, b) = (i.min(j) as f64, i.max(j) as f64);
        (1.0 + a) * (0.3 * b - 1.0) + if i == j { (i as f64).sin() } else { 0.0 }
    })
}

#[test]
fn min_t_with_t_i_minus_c_psd_is_largest_eigenvalue() {
    let c = sym_test_matrix(5);
    let lam_max = *c
        .self_adjoint_eigenvalues(faer::Side::Lower)
        .unwrap()
        .last()
        .unwrap();
    for lifted in [false, true] {
        let mut m = Model::new();
        let t = m.scalar("t");
        // tI − C as the sum of an expression matrix and a constant matrix.
        let ti = AffSymMat::from_fn(5, |i, j| if i == j { t.into() } else { 0.0.into() });
        let lmi = &ti - &AffSymMat::constant(c.as_ref());
        let lmi = if lifted {
            m.lift("L", &lmi).unwrap()
        } else {
            lmi
        };
        m.psd("tI − C ⪰ 0", &lmi).unwrap();
        m.minimize(t).unwrap();
        let s = solve(&m, &Settings::default()).unwrap();
        assert!(
            (s.objective - lam_max).abs() < 1e-7,
            "lifted={lifted}: {} vs {lam_max}",
            s.objective
        );
    }
}

#[test]
fn lmi_in_hermitian_variable_entries_respects_the_imaginary_part() {
    // [[1, Re z + Im z], [·, 1]] ⪰ 0 with z = X01 of a Hermitian PSD X with diag ≤ 1 (|z| ≤ 1):
    // max Re z − Im z with |Re z + Im z| ≤ 1 → √2 at z = (1 − j)/√2.
    let mut m = Model::new();
    let x = m.hermitian_psd("X", 2).unwrap();
    m.diag_bounds("diag ≤ 1", &x, None, Some(&[1.0, 1.0]))
        .unwrap();
    let mut a = AffSymMat::identity(2);
    a.set(0, 1, x.re(0, 1) + x.im(0, 1));
    m.psd("coupling", &a).unwrap();
    m.maximize(x.re(0, 1) - x.im(0, 1)).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!((s.objective - 2f64.sqrt()).abs() < 1e-6, "{}", s.objective);
}
