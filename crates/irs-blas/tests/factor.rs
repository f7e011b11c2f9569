//! `dpotrf_`/`dpotrs_`/`dgesv_` against the definition: LLᵀ = A, UᵀU = A, residuals of solves, P·L·U = A, info codes.
// Index loops mirror the (i, j) definitions being checked; raw-call helpers take LAPACK's argument lists.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments)]

mod common;
use common::*;
use irs_blas::{dgesv_, dpotrf_, dpotrs_, spotrf_};

fn potrf(uplo: u8, a: &mut Cm) -> i32 {
    let mut info = -99;
    // SAFETY: `a` is n×n with leading dimension a.ld.
    unsafe {
        dpotrf_(
            &(uplo as _),
            &(a.n as i32),
            a.data.as_mut_ptr(),
            &a.ld_i32(),
            &mut info,
        )
    };
    info
}

/// The factor as a full matrix (other triangle zero): L for 'L', U for 'U'.
fn factor_of(a: &Cm, upper: bool) -> Cm {
    let n = a.n;
    let mut f = Cm::filled(n, n, n.max(1), 0.0);
    for j in 0..n {
        for i in 0..n {
            if (upper && i <= j) || (!upper && i >= j) {
                f.set(i, j, a.get(i, j));
            }
        }
    }
    f
}

#[test]
fn potrf_factor_reconstructs_a_and_leaves_the_other_triangle_untouched() {
    let mut r = rng(20);
    for &n in &SIZES {
        let a = Cm::random_spd(n, n + 3, &mut r);
        for uplo in [b'L', b'U', b'l', b'u'] {
            let upper = uplo.eq_ignore_ascii_case(&b'U');
            let mut f = a.clone();
            // Clarabel multiplies its factor as a full matrix, so the other triangle must keep
            // whatever the caller put there (zeros in Clarabel's case).
            f.poison_triangle(!upper, -999.0);
            assert_eq!(potrf(uplo, &mut f), 0, "n={n} {}", uplo as char);
            for j in 0..n {
                for i in 0..n {
                    if (upper && i > j) || (!upper && i < j) {
                        assert_eq!(f.get(i, j), -999.0, "other triangle written at ({i},{j})");
                    }
                }
            }
            assert!(f.padding_intact());
            let t = factor_of(&f, upper);
            let rec = if upper {
                mul(&t.t(), &t)
            } else {
                mul(&t, &t.t())
            };
            let d = max_diff(&rec, &a);
            assert!(
                d <= tol(n, a.fro()),
                "n={n} {}: ‖LLᵀ − A‖ = {d:e}",
                uplo as char
            );
            for i in 0..n {
                assert!(t.get(i, i) > 0.0, "positive diagonal");
            }
        }
    }
}

#[test]
fn potrf_reports_the_order_of_the_first_non_positive_definite_leading_minor() {
    for &n in &SIZES {
        for k in 1..=n.min(5) {
            for uplo in [b'L', b'U'] {
                // Identity with a −1 at position k: the leading minors of order < k are PD.
                let mut a = Cm::filled(n, n, n + 1, 0.0);
                for i in 0..n {
                    a.set(i, i, 1.0);
                }
                a.set(k - 1, k - 1, -1.0);
                assert_eq!(potrf(uplo, &mut a), k as i32, "n={n} k={k}");
                // A NaN pivot fails the same way.
                let mut a = Cm::filled(n, n, n, 0.0);
                for i in 0..n {
                    a.set(i, i, 2.0);
                }
                a.set(k - 1, k - 1, f64::NAN);
                assert_eq!(potrf(uplo, &mut a), k as i32, "NaN n={n} k={k}");
            }
        }
    }
    // A singular PSD matrix (all ones, n = 3): minor 2 is zero, not positive.
    let mut ones = Cm::filled(3, 3, 3, 1.0);
    assert_eq!(potrf(b'L', &mut ones), 2);
}

#[test]
fn potrf_and_potrs_reject_bad_arguments_by_position() {
    let mut a = Cm::random_spd(4, 4, &mut rng(21));
    let mut info = 0;
    // SAFETY: 4×4 arrays; every call below is rejected before touching them or is valid.
    unsafe {
        dpotrf_(&(b'X' as _), &4, a.data.as_mut_ptr(), &4, &mut info);
        assert_eq!(info, -1);
        dpotrf_(&(b'L' as _), &-1, a.data.as_mut_ptr(), &4, &mut info);
        assert_eq!(info, -2);
        dpotrf_(&(b'L' as _), &4, a.data.as_mut_ptr(), &3, &mut info);
        assert_eq!(info, -4);
        dpotrf_(&(b'L' as _), &0, a.data.as_mut_ptr(), &1, &mut info);
        assert_eq!(info, 0);
        let mut b = vec![0.0; 8];
        dpotrs_(
            &(b'X' as _),
            &4,
            &2,
            a.data.as_ptr(),
            &4,
            b.as_mut_ptr(),
            &4,
            &mut info,
        );
        assert_eq!(info, -1);
        dpotrs_(
            &(b'L' as _),
            &-1,
            &2,
            a.data.as_ptr(),
            &4,
            b.as_mut_ptr(),
            &4,
            &mut info,
        );
        assert_eq!(info, -2);
        dpotrs_(
            &(b'L' as _),
            &4,
            &-2,
            a.data.as_ptr(),
            &4,
            b.as_mut_ptr(),
            &4,
            &mut info,
        );
        assert_eq!(info, -3);
        dpotrs_(
            &(b'L' as _),
            &4,
            &2,
            a.data.as_ptr(),
            &3,
            b.as_mut_ptr(),
            &4,
            &mut info,
        );
        assert_eq!(info, -5);
        dpotrs_(
            &(b'L' as _),
            &4,
            &2,
            a.data.as_ptr(),
            &4,
            b.as_mut_ptr(),
            &3,
            &mut info,
        );
        assert_eq!(info, -7);
    }
}

#[test]
fn potrs_solves_with_the_potrf_factor_for_both_triangles() {
    let mut r = rng(22);
    for &n in &SIZES {
        let a = Cm::random_spd(n, n + 1, &mut r);
        for uplo in [b'L', b'U'] {
            let mut f = a.clone();
            f.poison_triangle(uplo == b'L', f64::NAN);
            assert_eq!(potrf(uplo, &mut f), 0);
            let nrhs = 3;
            let x_true = Cm::random(n, nrhs, n, &mut r);
            let b = mul(&a, &x_true);
            let mut bx = Cm::filled(n, nrhs, n + 2, 0.0);
            for j in 0..nrhs {
                for i in 0..n {
                    bx.set(i, j, b.get(i, j));
                }
            }
            let mut info = -99;
            // SAFETY: f is n×n (ld f.ld), bx is n×nrhs (ld bx.ld).
            unsafe {
                dpotrs_(
                    &(uplo as _),
                    &(n as i32),
                    &(nrhs as i32),
                    f.data.as_ptr(),
                    &f.ld_i32(),
                    bx.data.as_mut_ptr(),
                    &bx.ld_i32(),
                    &mut info,
                );
            }
            assert_eq!(info, 0);
            assert!(bx.padding_intact());
            // Backward error: ‖A x − b‖ relative to ‖A‖‖x‖.
            let res = max_diff(&mul(&a, &bx), &b);
            assert!(
                res <= tol(n, a.fro() * bx.fro()),
                "n={n} {}: residual {res:e}",
                uplo as char
            );
        }
    }
}

#[test]
fn gesv_solves_and_its_factors_satisfy_pa_equals_lu() {
    let mut r = rng(23);
    for &n in &SIZES {
        let a = Cm::random(n, n, n + 2, &mut r);
        let nrhs = 2;
        let x_true = Cm::random(n, nrhs, n, &mut r);
        let b = mul(&a, &x_true);
        let mut lu = a.clone();
        let mut bx = Cm::filled(n, nrhs, n + 1, 0.0);
        for j in 0..nrhs {
            for i in 0..n {
                bx.set(i, j, b.get(i, j));
            }
        }
        let mut ipiv = vec![0; n];
        let mut info = -99;
        // SAFETY: lu is n×n, bx is n×nrhs, ipiv holds n entries.
        unsafe {
            dgesv_(
                &(n as i32),
                &(nrhs as i32),
                lu.data.as_mut_ptr(),
                &lu.ld_i32(),
                ipiv.as_mut_ptr(),
                bx.data.as_mut_ptr(),
                &bx.ld_i32(),
                &mut info,
            );
        }
        assert_eq!(info, 0);
        let res = max_diff(&mul(&a, &bx), &b);
        assert!(res <= tol(n, a.fro() * bx.fro()), "n={n}: residual {res:e}");
        // Apply the interchanges to A, in order, and compare with L·U.
        let mut pa = a.clone();
        for (i, &p) in ipiv.iter().enumerate() {
            let p = p as usize - 1;
            assert!(p >= i && p < n, "ipiv[{i}] = {}", p + 1);
            for c in 0..n {
                let t = pa.get(i, c);
                pa.set(i, c, pa.get(p, c));
                pa.set(p, c, t);
            }
        }
        let mut l = Cm::filled(n, n, n, 0.0);
        let mut u = Cm::filled(n, n, n, 0.0);
        for j in 0..n {
            for i in 0..n {
                if i > j {
                    l.set(i, j, lu.get(i, j));
                    assert!(
                        lu.get(i, j).abs() <= 1.0,
                        "partial pivoting bounds |L| by 1"
                    );
                } else {
                    u.set(i, j, lu.get(i, j));
                }
            }
            l.set(j, j, 1.0);
        }
        let d = max_diff(&mul(&l, &u), &pa);
        assert!(d <= tol(n, a.fro()), "n={n}: ‖PA − LU‖ = {d:e}");
    }
}

#[test]
fn gesv_reports_an_exactly_singular_u_without_producing_nan() {
    // Column 2 is twice column 1: U(2,2) = 0 exactly.
    let mut a = Cm {
        m: 3,
        n: 3,
        ld: 3,
        data: vec![1.0, 2.0, 4.0, 2.0, 4.0, 8.0, 0.0, 1.0, 3.0],
    };
    let mut b = vec![1.0, 1.0, 1.0];
    let mut ipiv = vec![0; 3];
    let mut info = -99;
    // SAFETY: 3×3 matrix, 3×1 right-hand side, 3 pivots.
    unsafe {
        dgesv_(
            &3,
            &1,
            a.data.as_mut_ptr(),
            &3,
            ipiv.as_mut_ptr(),
            b.as_mut_ptr(),
            &3,
            &mut info,
        );
    }
    assert_eq!(info, 2);
    assert!(a.data.iter().all(|x| x.is_finite()), "factors {:?}", a.data);
    assert_eq!(b, vec![1.0, 1.0, 1.0], "B untouched when singular");
    // Bad arguments.
    // SAFETY: rejected before any access beyond the 3×3 arrays.
    unsafe {
        dgesv_(
            &-1,
            &1,
            a.data.as_mut_ptr(),
            &3,
            ipiv.as_mut_ptr(),
            b.as_mut_ptr(),
            &3,
            &mut info,
        );
        assert_eq!(info, -1);
        dgesv_(
            &3,
            &-1,
            a.data.as_mut_ptr(),
            &3,
            ipiv.as_mut_ptr(),
            b.as_mut_ptr(),
            &3,
            &mut info,
        );
        assert_eq!(info, -2);
        dgesv_(
            &3,
            &1,
            a.data.as_mut_ptr(),
            &2,
            ipiv.as_mut_ptr(),
            b.as_mut_ptr(),
            &3,
            &mut info,
        );
        assert_eq!(info, -4);
        dgesv_(
            &3,
            &1,
            a.data.as_mut_ptr(),
            &3,
            ipiv.as_mut_ptr(),
            b.as_mut_ptr(),
            &2,
            &mut info,
        );
        assert_eq!(info, -7);
    }
}

#[test]
fn single_precision_cholesky_reconstructs_a() {
    let n = 17;
    let a = Cm::random_spd(n, n, &mut rng(24));
    let mut f: Vec<f32> = a.data.iter().map(|&x| x as f32).collect();
    let mut info = -99;
    // SAFETY: n×n array with leading dimension n.
    unsafe {
        spotrf_(
            &(b'L' as _),
            &(n as i32),
            f.as_mut_ptr(),
            &(n as i32),
            &mut info,
        )
    };
    assert_eq!(info, 0);
    let l = Cm {
        m: n,
        n,
        ld: n,
        data: f.iter().map(|&x| x as f64).collect(),
    };
    let l = factor_of(&l, false);
    let d = max_diff(&mul(&l, &l.t()), &a);
    assert!(d <= 8.0 * n as f64 * f32::EPSILON as f64 * a.fro(), "{d:e}");
}
