//! BLAS level 2/3 exports against naive definitions: every trans/uplo variant, padded leading dimensions, β = 0, strides.
// Index loops mirror the (i, j) definitions being checked; raw-call helpers take LAPACK's argument lists.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments)]

mod common;
use common::*;
use irs_blas::{dgemm_, dgemv_, dsymv_, dsyr2k_, dsyrk_, sgemm_};

/// `op(X)`: X or Xᵀ.
fn op(x: &Cm, trans: u8) -> Cm {
    if trans == b'N' {
        x.clone()
    } else {
        x.t()
    }
}

/// (α, β) pairs covering the special cases of the reference implementation, including β = 0
/// with NaN in C (C must then not be read).
const ALPHA_BETA: [(f64, f64); 4] = [(1.0, 0.0), (-0.5, 1.0), (2.0, -0.75), (0.0, 3.0)];

#[test]
fn gemm_matches_naive_product_for_all_transposes_sizes_and_leading_dimensions() {
    let mut r = rng(10);
    for &m in &SIZES {
        for &(n, k) in &[(m, m), (3, 5), (17, 1)] {
            for ta in [b'N', b'T', b'C', b'n', b't'] {
                for tb in [b'N', b'T', b'c'] {
                    for &(alpha, beta) in &ALPHA_BETA {
                        let tan = ta.to_ascii_uppercase();
                        let tbn = tb.to_ascii_uppercase();
                        let (ar, ac) = if tan == b'N' { (m, k) } else { (k, m) };
                        let (br, bc) = if tbn == b'N' { (k, n) } else { (n, k) };
                        let a = Cm::random(ar, ac, ar + 3, &mut r);
                        let b = Cm::random(br, bc, br + 1, &mut r);
                        let mut c = Cm::random(m, n, m + 2, &mut r);
                        if beta == 0.0 {
                            c = Cm::filled(m, n, m + 2, f64::NAN);
                        }
                        let c0 = c.clone();
                        // SAFETY: arrays sized by their leading dimensions and column counts.
                        unsafe {
                            dgemm_(
                                &(ta as _),
                                &(tb as _),
                                &(m as i32),
                                &(n as i32),
                                &(k as i32),
                                &alpha,
                                a.data.as_ptr(),
                                &a.ld_i32(),
                                b.data.as_ptr(),
                                &b.ld_i32(),
                                &beta,
                                c.data.as_mut_ptr(),
                                &c.ld_i32(),
                            );
                        }
                        let ab = mul(&op(&a, tan), &op(&b, tbn));
                        let mut want = Cm::filled(m, n, m, 0.0);
                        for j in 0..n {
                            for i in 0..m {
                                let prev = if beta == 0.0 {
                                    0.0
                                } else {
                                    beta * c0.get(i, j)
                                };
                                want.set(i, j, alpha * ab.get(i, j) + prev);
                            }
                        }
                        let d = max_diff(&c, &want);
                        let scale = (k as f64) + c0.fro().min(1e3);
                        assert!(
                            d <= tol(k, scale),
                            "m={m} n={n} k={k} {} {} α={alpha} β={beta}: {d:e}",
                            ta as char,
                            tb as char
                        );
                        assert!(c.padding_intact());
                    }
                }
            }
        }
    }
}

#[test]
fn gemm_quick_returns_and_bad_arguments_leave_c_untouched() {
    let a = Cm::filled(3, 3, 3, 1.0);
    let mut c = Cm::filled(3, 3, 3, 5.0);
    let call = |c: &mut Cm, ta: u8, m: i32, k: i32, ldc: i32, alpha: f64, beta: f64| {
        // SAFETY: the 3×3 arrays cover every access the reference routine could make.
        unsafe {
            dgemm_(
                &(ta as _),
                &(b'N' as _),
                &m,
                &3,
                &k,
                &alpha,
                a.data.as_ptr(),
                &3,
                a.data.as_ptr(),
                &3,
                &beta,
                c.data.as_mut_ptr(),
                &ldc,
            );
        }
    };
    // k = 0 with β = 1, and α = 0 with β = 1: nothing to do.
    call(&mut c, b'N', 3, 0, 3, 1.0, 1.0);
    call(&mut c, b'N', 3, 3, 3, 0.0, 1.0);
    assert!(c.data.iter().all(|&x| x == 5.0));
    // α = 0: C ← βC without reading A.
    call(&mut c, b'N', 3, 3, 3, 0.0, 2.0);
    assert!(c.data.iter().all(|&x| x == 10.0));
    // Bad trans, negative m, ldc < m: no write (reported on stderr like XERBLA).
    call(&mut c, b'X', 3, 3, 3, 1.0, 0.0);
    call(&mut c, b'N', -1, 3, 3, 1.0, 0.0);
    call(&mut c, b'N', 3, 3, 2, 1.0, 0.0);
    assert!(c.data.iter().all(|&x| x == 10.0));
}

/// Checks the `uplo` triangle of `c` against `want` and that the other triangle still holds
/// its poison value.
fn check_triangle(c: &Cm, want: &Cm, upper: bool, t: f64, what: &str) {
    let n = c.n;
    for j in 0..n {
        for i in 0..n {
            let in_tri = if upper { i <= j } else { i >= j };
            if in_tri {
                let d = (c.get(i, j) - want.get(i, j)).abs();
                assert!(d <= t, "{what}: ({i},{j}) off by {d:e} (tol {t:e})");
            } else {
                assert!(
                    c.get(i, j) == -999.0,
                    "{what}: other triangle written at ({i},{j})"
                );
            }
        }
    }
    assert!(c.padding_intact(), "{what}: padding written");
}

#[test]
fn syrk_updates_only_the_requested_triangle_for_both_transposes() {
    let mut r = rng(11);
    for &n in &SIZES {
        for k in [1, n, 5] {
            for uplo in [b'U', b'L'] {
                for trans in [b'N', b'T', b'C'] {
                    for &(alpha, beta) in &ALPHA_BETA {
                        let (ar, ac) = if trans == b'N' { (n, k) } else { (k, n) };
                        let a = Cm::random(ar, ac, ar + 2, &mut r);
                        let mut c = if beta == 0.0 {
                            Cm::filled(n, n, n + 1, f64::NAN)
                        } else {
                            Cm::random(n, n, n + 1, &mut r)
                        };
                        c.poison_triangle(uplo == b'L', -999.0);
                        let c0 = c.clone();
                        // SAFETY: arrays sized by their leading dimensions.
                        unsafe {
                            dsyrk_(
                                &(uplo as _),
                                &(trans as _),
                                &(n as i32),
                                &(k as i32),
                                &alpha,
                                a.data.as_ptr(),
                                &a.ld_i32(),
                                &beta,
                                c.data.as_mut_ptr(),
                                &c.ld_i32(),
                            );
                        }
                        let oa = op(&a, trans);
                        let aat = mul(&oa, &oa.t());
                        let mut want = Cm::filled(n, n, n, 0.0);
                        for j in 0..n {
                            for i in 0..n {
                                let prev = if beta == 0.0 {
                                    0.0
                                } else {
                                    beta * c0.get(i, j)
                                };
                                want.set(i, j, alpha * aat.get(i, j) + prev);
                            }
                        }
                        let what = format!(
                            "syrk n={n} k={k} {} {} α={alpha} β={beta}",
                            uplo as char, trans as char
                        );
                        check_triangle(&c, &want, uplo == b'U', tol(k, k as f64 + 3.0), &what);
                    }
                }
            }
        }
    }
}

#[test]
fn syr2k_updates_only_the_requested_triangle_for_both_transposes() {
    let mut r = rng(12);
    for &n in &SIZES {
        for k in [1, n, 5] {
            for uplo in [b'U', b'L'] {
                for trans in [b'N', b'T'] {
                    for &(alpha, beta) in &ALPHA_BETA {
                        let (ar, ac) = if trans == b'N' { (n, k) } else { (k, n) };
                        let a = Cm::random(ar, ac, ar + 2, &mut r);
                        let b = Cm::random(ar, ac, ar + 1, &mut r);
                        let mut c = if beta == 0.0 {
                            Cm::filled(n, n, n + 1, f64::NAN)
                        } else {
                            Cm::random(n, n, n + 1, &mut r)
                        };
                        c.poison_triangle(uplo == b'L', -999.0);
                        let c0 = c.clone();
                        // SAFETY: arrays sized by their leading dimensions.
                        unsafe {
                            dsyr2k_(
                                &(uplo as _),
                                &(trans as _),
                                &(n as i32),
                                &(k as i32),
                                &alpha,
                                a.data.as_ptr(),
                                &a.ld_i32(),
                                b.data.as_ptr(),
                                &b.ld_i32(),
                                &beta,
                                c.data.as_mut_ptr(),
                                &c.ld_i32(),
                            );
                        }
                        let (oa, ob) = (op(&a, trans), op(&b, trans));
                        let abt = mul(&oa, &ob.t());
                        let mut want = Cm::filled(n, n, n, 0.0);
                        for j in 0..n {
                            for i in 0..n {
                                let prev = if beta == 0.0 {
                                    0.0
                                } else {
                                    beta * c0.get(i, j)
                                };
                                want.set(i, j, alpha * (abt.get(i, j) + abt.get(j, i)) + prev);
                            }
                        }
                        let what = format!(
                            "syr2k n={n} k={k} {} {} α={alpha} β={beta}",
                            uplo as char, trans as char
                        );
                        check_triangle(
                            &c,
                            &want,
                            uplo == b'U',
                            tol(k, 2.0 * k as f64 + 3.0),
                            &what,
                        );
                    }
                }
            }
        }
    }
}

/// A BLAS vector of logical length `n` stored with increment `inc`; element `i` lives at
/// `(n − 1 − i)·|inc|` for negative `inc`.
fn strided(vals: &[f64], inc: i32) -> Vec<f64> {
    let n = vals.len();
    let s = inc.unsigned_abs() as usize;
    let mut v = vec![PAD; 1 + (n.max(1) - 1) * s];
    for (i, &x) in vals.iter().enumerate() {
        let pos = if inc > 0 { i * s } else { (n - 1 - i) * s };
        v[pos] = x;
    }
    v
}

fn unstrided(v: &[f64], n: usize, inc: i32) -> Vec<f64> {
    let s = inc.unsigned_abs() as usize;
    (0..n)
        .map(|i| {
            if inc > 0 {
                v[i * s]
            } else {
                v[(n - 1 - i) * s]
            }
        })
        .collect()
}

#[test]
fn gemv_and_symv_match_naive_products_for_every_variant_and_increment() {
    let mut r = rng(13);
    for &m in &SIZES {
        for n in [m, 3] {
            for trans in [b'N', b'T', b'C'] {
                for (incx, incy) in [(1, 1), (2, 3), (-1, 1), (1, -2), (-3, -1)] {
                    for &(alpha, beta) in &ALPHA_BETA {
                        let a = Cm::random(m, n, m + 2, &mut r);
                        let (lx, ly) = if trans == b'N' { (n, m) } else { (m, n) };
                        let x: Vec<f64> = Cm::random(lx, 1, lx, &mut r).data;
                        let y0: Vec<f64> = if beta == 0.0 {
                            vec![f64::NAN; ly]
                        } else {
                            Cm::random(ly, 1, ly, &mut r).data
                        };
                        let xs = strided(&x, incx);
                        let mut ys = strided(&y0, incy);
                        // SAFETY: strided arrays hold 1 + (len − 1)|inc| elements.
                        unsafe {
                            dgemv_(
                                &(trans as _),
                                &(m as i32),
                                &(n as i32),
                                &alpha,
                                a.data.as_ptr(),
                                &a.ld_i32(),
                                xs.as_ptr(),
                                &incx,
                                &beta,
                                ys.as_mut_ptr(),
                                &incy,
                            );
                        }
                        let oa = op(&a, trans);
                        let y = unstrided(&ys, ly, incy);
                        for i in 0..ly {
                            let ax: f64 = (0..lx).map(|k| oa.get(i, k) * x[k]).sum();
                            let prev = if beta == 0.0 { 0.0 } else { beta * y0[i] };
                            let d = (y[i] - (alpha * ax + prev)).abs();
                            assert!(
                                d <= tol(lx, lx as f64 + 3.0),
                                "gemv m={m} n={n} {} inc=({incx},{incy}) α={alpha} β={beta}: {d:e}",
                                trans as char
                            );
                        }
                        // Gaps between strided elements untouched.
                        let s = incy.unsigned_abs() as usize;
                        assert!(ys.iter().enumerate().all(|(p, &v)| p % s == 0 || v == PAD));
                    }
                }
            }
        }
        // symv on the same sizes.
        let n = m;
        for uplo in [b'U', b'L'] {
            for (incx, incy) in [(1, 1), (2, -1), (-2, 3)] {
                for &(alpha, beta) in &ALPHA_BETA {
                    let a = Cm::random_sym(n, n + 1, &mut r);
                    let mut stored = a.clone();
                    stored.poison_triangle(uplo == b'L', f64::NAN);
                    let x: Vec<f64> = Cm::random(n, 1, n, &mut r).data;
                    let y0: Vec<f64> = if beta == 0.0 {
                        vec![f64::NAN; n]
                    } else {
                        Cm::random(n, 1, n, &mut r).data
                    };
                    let xs = strided(&x, incx);
                    let mut ys = strided(&y0, incy);
                    // SAFETY: strided arrays hold 1 + (n − 1)|inc| elements.
                    unsafe {
                        dsymv_(
                            &(uplo as _),
                            &(n as i32),
                            &alpha,
                            stored.data.as_ptr(),
                            &stored.ld_i32(),
                            xs.as_ptr(),
                            &incx,
                            &beta,
                            ys.as_mut_ptr(),
                            &incy,
                        );
                    }
                    let y = unstrided(&ys, n, incy);
                    for i in 0..n {
                        let ax: f64 = (0..n).map(|k| a.get(i, k) * x[k]).sum();
                        let prev = if beta == 0.0 { 0.0 } else { beta * y0[i] };
                        let d = (y[i] - (alpha * ax + prev)).abs();
                        assert!(
                            d <= tol(n, n as f64 + 3.0),
                            "symv n={n} {} inc=({incx},{incy}) α={alpha} β={beta}: {d:e}",
                            uplo as char
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn single_precision_gemm_matches_double() {
    let mut r = rng(14);
    let (m, n, k) = (17, 4, 9);
    let a = Cm::random(m, k, m, &mut r);
    let b = Cm::random(k, n, k, &mut r);
    let a32: Vec<f32> = a.data.iter().map(|&x| x as f32).collect();
    let b32: Vec<f32> = b.data.iter().map(|&x| x as f32).collect();
    let mut c32 = vec![f32::NAN; m * n];
    // SAFETY: arrays are m×k, k×n and m×n, column-major without padding.
    unsafe {
        sgemm_(
            &(b'N' as _),
            &(b'N' as _),
            &(m as i32),
            &(n as i32),
            &(k as i32),
            &1.0,
            a32.as_ptr(),
            &(m as i32),
            b32.as_ptr(),
            &(k as i32),
            &0.0,
            c32.as_mut_ptr(),
            &(m as i32),
        );
    }
    let want = mul(&a, &b);
    for j in 0..n {
        for i in 0..m {
            let d = (c32[i + j * m] as f64 - want.get(i, j)).abs();
            assert!(
                d <= 8.0 * k as f64 * f32::EPSILON as f64 * k as f64,
                "{d:e}"
            );
        }
    }
}
