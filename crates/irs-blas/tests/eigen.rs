//! `dsyevr_` (and `ssyevr_`) against the definition: A = QΛQᵀ, QᵀQ = I, ascending order, subsets, workspace protocol, info codes.
// Index loops mirror the (i, j) definitions being checked; raw-call helpers take LAPACK's argument lists.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments)]

mod common;
use common::*;
use irs_blas::{dsyevr_, ssyevr_};

/// Raw call of `dsyevr_` with every argument explicit.
#[allow(clippy::too_many_arguments)]
fn call(
    jobz: u8,
    range: u8,
    uplo: u8,
    n: i32,
    a: &mut [f64],
    lda: i32,
    vl: f64,
    vu: f64,
    il: i32,
    iu: i32,
    w: &mut [f64],
    z: &mut [f64],
    ldz: i32,
    isuppz: &mut [i32],
    work: &mut [f64],
    lwork: i32,
    iwork: &mut [i32],
    liwork: i32,
) -> (i32, i32) {
    let (mut m, mut info) = (-7, -7);
    // SAFETY: every array is at least as long as the reference documentation requires for
    // the arguments passed (the tests size them accordingly).
    unsafe {
        dsyevr_(
            &(jobz as _),
            &(range as _),
            &(uplo as _),
            &n,
            a.as_mut_ptr(),
            &lda,
            &vl,
            &vu,
            &il,
            &iu,
            &-1.0,
            &mut m,
            w.as_mut_ptr(),
            z.as_mut_ptr(),
            &ldz,
            isuppz.as_mut_ptr(),
            work.as_mut_ptr(),
            &lwork,
            iwork.as_mut_ptr(),
            &liwork,
            &mut info,
        );
    }
    (info, m)
}

/// Reference dsyevr's minimum (lwork, liwork): (1, 1) for n ≤ 1, (26n, 10n) otherwise.
fn lapack_min(n: usize) -> (usize, usize) {
    if n <= 1 {
        (1, 1)
    } else {
        (26 * n, 10 * n)
    }
}

struct Eig {
    info: i32,
    m: usize,
    w: Vec<f64>,
    z: Cm,
    isuppz: Vec<i32>,
}

/// Clarabel's protocol: query with lwork = liwork = −1, resize, call.
fn syevr(jobz: u8, range: u8, uplo: u8, a: &Cm, vl: f64, vu: f64, il: i32, iu: i32) -> Eig {
    let n = a.n;
    let mut a_in = a.clone();
    let ldz = n + 2;
    let mut z = Cm::filled(n, n, ldz, 0.0);
    let mut w = vec![0.0; n.max(1)];
    let mut isuppz = vec![0; 2 * n.max(1)];
    let mut work = vec![0.0; 1];
    let mut iwork = vec![0; 1];
    let (info, _) = call(
        jobz,
        range,
        uplo,
        n as i32,
        &mut a_in.data,
        a.ld_i32(),
        vl,
        vu,
        il,
        iu,
        &mut w,
        &mut z.data,
        ldz as i32,
        &mut isuppz,
        &mut work,
        -1,
        &mut iwork,
        -1,
    );
    assert_eq!(info, 0, "workspace query");
    let lwork = work[0] as usize;
    let liwork = iwork[0] as usize;
    let (lmin, limin) = lapack_min(n);
    assert!(lwork >= lmin, "lwork {lwork} below LAPACK's minimum {lmin}");
    assert!(
        liwork >= limin,
        "liwork {liwork} below LAPACK's minimum {limin}"
    );
    work.resize(lwork, 0.0);
    iwork.resize(liwork, 0);
    let (info, m) = call(
        jobz,
        range,
        uplo,
        n as i32,
        &mut a_in.data,
        a.ld_i32(),
        vl,
        vu,
        il,
        iu,
        &mut w,
        &mut z.data,
        ldz as i32,
        &mut isuppz,
        &mut work,
        lwork as i32,
        &mut iwork,
        liwork as i32,
    );
    // Stronger than LAPACK (which may destroy the `uplo` triangle): A is left bit-for-bit intact.
    assert!(
        a_in.data
            .iter()
            .zip(&a.data)
            .all(|(x, y)| x.to_bits() == y.to_bits()),
        "syevr modified A"
    );
    Eig {
        info,
        m: m as usize,
        w,
        z,
        isuppz,
    }
}

/// Checks A·Q = Q·Λ column by column, QᵀQ = I and ascending order for `m` computed pairs.
fn check_pairs(a: &Cm, e: &Eig) {
    let n = a.n;
    let scale = a.fro();
    let mut q = Cm::filled(n, e.m, n.max(1), 0.0);
    for j in 0..e.m {
        for i in 0..n {
            q.set(i, j, e.z.get(i, j));
        }
    }
    let aq = mul(a, &q);
    let mut ql = q.clone();
    for j in 0..e.m {
        for i in 0..n {
            ql.set(i, j, q.get(i, j) * e.w[j]);
        }
    }
    let r = max_diff(&aq, &ql);
    assert!(
        r <= tol(n, scale),
        "n={n}: ‖AQ − QΛ‖ = {r:e} > {:e}",
        tol(n, scale)
    );
    let o = orth_err(&q);
    assert!(o <= tol(n, 1.0), "n={n}: ‖QᵀQ − I‖ = {o:e}");
    for j in 1..e.m {
        assert!(
            e.w[j - 1] <= e.w[j],
            "n={n}: eigenvalues not ascending at {j}: {:?}",
            &e.w[..e.m]
        );
    }
    assert!(e.z.padding_intact(), "Z padding rows written");
}

#[test]
fn all_eigenpairs_reconstruct_a_are_orthonormal_and_ascending_for_both_triangles() {
    let mut r = rng(1);
    for &n in &SIZES {
        let a = Cm::random_sym(n, n + 3, &mut r);
        for uplo in [b'U', b'L', b'u', b'l'] {
            // Poison the triangle that must not be referenced.
            let mut stored = a.clone();
            stored.poison_triangle(!uplo.eq_ignore_ascii_case(&b'U'), f64::NAN);
            let e = syevr(b'V', b'A', uplo, &stored, 0.0, 0.0, 0, 0);
            assert_eq!((e.info, e.m), (0, n));
            assert!(
                e.w[..n].iter().all(|x| x.is_finite()),
                "n={n} uplo={} w={:?}",
                uplo as char,
                &e.w[..n]
            );
            check_pairs(&a, &e);
            // Full support reported for dense eigenvectors.
            for j in 0..n {
                assert!(e.isuppz[2 * j] >= 1 && e.isuppz[2 * j + 1] as usize <= n);
                assert!(e.isuppz[2 * j] <= e.isuppz[2 * j + 1]);
            }
            // Eigenvalues only ('N') agree with those of 'V'.
            let v = syevr(b'N', b'A', uplo, &stored, 0.0, 0.0, 0, 0);
            assert_eq!((v.info, v.m), (0, n));
            let scale = a.fro();
            for j in 0..n {
                assert!((v.w[j] - e.w[j]).abs() <= tol(n, scale), "n={n} λ{j}");
            }
        }
    }
}

#[test]
fn known_spectrum_is_recovered_in_ascending_order() {
    // Clarabel's own test matrix: eigenvalues −1, −1, 8, 9 (a double eigenvalue).
    let vals = [
        3., 2., 4., 0., 2., 0., 2., 0., 4., 2., 3., 0., 0., 0., 0., 9.,
    ];
    let a = Cm {
        m: 4,
        n: 4,
        ld: 4,
        data: vals.to_vec(),
    };
    let e = syevr(b'V', b'A', b'U', &a, 0.0, 0.0, 0, 0);
    assert_eq!(e.info, 0);
    for (got, want) in e.w.iter().zip([-1.0, -1.0, 8.0, 9.0]) {
        assert!((got - want).abs() < 1e-13, "{got} vs {want}");
    }
    check_pairs(&a, &e);
    // A diagonal matrix with unsorted diagonal: eigenvectors are signed unit vectors, so the
    // reported support is a single row.
    let mut d = Cm::filled(3, 3, 3, 0.0);
    for (i, v) in [5.0, -2.0, 1.0].into_iter().enumerate() {
        d.set(i, i, v);
    }
    let e = syevr(b'V', b'A', b'L', &d, 0.0, 0.0, 0, 0);
    assert_eq!(e.w[..3], [-2.0, 1.0, 5.0]);
    assert_eq!(e.isuppz[..6], [2, 2, 3, 3, 1, 1]);
}

#[test]
fn index_and_value_ranges_select_the_matching_subset_of_the_full_spectrum() {
    let mut r = rng(2);
    for &n in &SIZES {
        let a = Cm::random_sym(n, n, &mut r);
        let full = syevr(b'V', b'A', b'U', &a, 0.0, 0.0, 0, 0);
        let scale = a.fro();
        // 'I': the il-th to iu-th eigenvalues (1-based).
        let (il, iu) = (1 + n / 3, n - n / 4);
        let sub = syevr(b'V', b'I', b'U', &a, 0.0, 0.0, il as i32, iu as i32);
        assert_eq!((sub.info, sub.m), (0, iu - il + 1));
        for k in 0..sub.m {
            assert!((sub.w[k] - full.w[il - 1 + k]).abs() <= tol(n, scale));
        }
        check_pairs(&a, &sub);
        // 'V': eigenvalues in the half-open interval (vl, vu], bounds between eigenvalues.
        let vl = if n > 1 {
            0.5 * (full.w[0] + full.w[1])
        } else {
            full.w[0] - 1.0
        };
        let vu = full.w[n - 1] + 1.0;
        let sub = syevr(b'V', b'V', b'L', &a, vl, vu, 0, 0);
        let expect = full.w.iter().filter(|&&x| x > vl && x <= vu).count();
        assert_eq!((sub.info, sub.m), (0, expect));
        check_pairs(&a, &sub);
        let nsub = syevr(b'N', b'V', b'L', &a, vl, vu, 0, 0);
        assert_eq!(nsub.m, expect);
    }
}

#[test]
fn workspace_query_reports_sizes_that_the_call_accepts_and_writes_nothing_else() {
    for &n in &SIZES {
        let mut a = Cm::random_sym(n, n, &mut rng(3));
        let before = a.data.clone();
        let mut w = vec![-5.0; n];
        let mut z = vec![-5.0; n * n];
        let mut isuppz = vec![-5; 2 * n];
        let mut work = vec![0.0; 1];
        let mut iwork = vec![0; 1];
        // lwork = −1 alone is a query, as is liwork = −1 alone.
        for (lw, liw) in [(-1, -1), (-1, 10 * n as i32), (26 * n as i32, -1)] {
            let mut wk = vec![0.0; (lw.max(1)) as usize];
            let mut iwk = vec![0; (liw.max(1)) as usize];
            let (info, _) = call(
                b'V',
                b'A',
                b'U',
                n as i32,
                &mut a.data,
                n as i32,
                0.0,
                0.0,
                0,
                0,
                &mut w,
                &mut z,
                n as i32,
                &mut isuppz,
                &mut wk,
                lw,
                &mut iwk,
                liw,
            );
            assert_eq!(info, 0);
            let (lmin, limin) = lapack_min(n);
            assert!(wk[0] >= lmin as f64 && iwk[0] >= limin as i32);
        }
        assert_eq!(a.data, before, "query modified A");
        assert!(w.iter().all(|&x| x == -5.0) && z.iter().all(|&x| x == -5.0));
        // The documented minimum sizes (26n, 10n) are accepted too: scratch is then allocated.
        let (lmin, limin) = lapack_min(n);
        work.resize(lmin, 0.0);
        iwork.resize(limin, 0);
        let (info, m) = call(
            b'V',
            b'A',
            b'U',
            n as i32,
            &mut a.data,
            n as i32,
            0.0,
            0.0,
            0,
            0,
            &mut w,
            &mut z,
            n as i32,
            &mut isuppz,
            &mut work,
            lmin as i32,
            &mut iwork,
            limin as i32,
        );
        assert_eq!((info, m), (0, n as i32));
        // One short of the minimum is rejected (n ≥ 2; for n ≤ 1 the minimum is 1).
        if n >= 2 {
            let (info, _) = call(
                b'V',
                b'A',
                b'U',
                n as i32,
                &mut a.data,
                n as i32,
                0.0,
                0.0,
                0,
                0,
                &mut w,
                &mut z,
                n as i32,
                &mut isuppz,
                &mut work,
                lmin as i32 - 1,
                &mut iwork,
                limin as i32,
            );
            assert_eq!(info, -18);
            let (info, _) = call(
                b'V',
                b'A',
                b'U',
                n as i32,
                &mut a.data,
                n as i32,
                0.0,
                0.0,
                0,
                0,
                &mut w,
                &mut z,
                n as i32,
                &mut isuppz,
                &mut work,
                lmin as i32,
                &mut iwork,
                limin as i32 - 1,
            );
            assert_eq!(info, -20);
        }
    }
}

#[test]
fn invalid_arguments_return_the_position_of_the_first_bad_one() {
    let n = 4usize;
    let mut a = Cm::random_sym(n, n, &mut rng(4));
    let mut w = vec![0.0; n];
    let mut z = vec![0.0; n * n];
    let mut isuppz = vec![0; 2 * n];
    let mut work = vec![0.0; 26 * n];
    let mut iwork = vec![0; 10 * n];
    let mut run = |jobz: u8,
                   range: u8,
                   uplo: u8,
                   nn: i32,
                   lda: i32,
                   vl: f64,
                   vu: f64,
                   il: i32,
                   iu: i32,
                   ldz: i32| {
        call(
            jobz,
            range,
            uplo,
            nn,
            &mut a.data,
            lda,
            vl,
            vu,
            il,
            iu,
            &mut w,
            &mut z,
            ldz,
            &mut isuppz,
            &mut work,
            26 * n as i32,
            &mut iwork,
            10 * n as i32,
        )
        .0
    };
    let n = n as i32;
    assert_eq!(run(b'X', b'A', b'U', n, n, 0., 0., 0, 0, n), -1);
    assert_eq!(run(b'V', b'X', b'U', n, n, 0., 0., 0, 0, n), -2);
    assert_eq!(run(b'V', b'A', b'X', n, n, 0., 0., 0, 0, n), -3);
    assert_eq!(run(b'V', b'A', b'U', -1, n, 0., 0., 0, 0, n), -4);
    assert_eq!(run(b'V', b'A', b'U', n, n - 1, 0., 0., 0, 0, n), -6);
    assert_eq!(run(b'V', b'V', b'U', n, n, 1., 1., 0, 0, n), -8);
    assert_eq!(run(b'V', b'I', b'U', n, n, 0., 0., 0, 1, n), -9);
    assert_eq!(run(b'V', b'I', b'U', n, n, 0., 0., 2, 1, n), -10);
    assert_eq!(run(b'V', b'I', b'U', n, n, 0., 0., 1, n + 1, n), -10);
    assert_eq!(run(b'V', b'A', b'U', n, n, 0., 0., 0, 0, n - 1), -15);
    // jobz = 'N' needs only ldz ≥ 1.
    assert_eq!(run(b'N', b'A', b'U', n, n, 0., 0., 0, 0, 1), 0);
    // n = 0 is a quick return.
    assert_eq!(run(b'V', b'A', b'U', 0, 1, 0., 0., 0, 0, 1), 0);
}

#[test]
fn single_precision_variant_reconstructs_a() {
    let n = 17usize;
    let a = Cm::random_sym(n, n, &mut rng(5));
    let mut a32: Vec<f32> = a.data.iter().map(|&x| x as f32).collect();
    let mut w = vec![0f32; n];
    let mut z = vec![0f32; n * n];
    let mut isuppz = vec![0; 2 * n];
    let mut work = vec![0f32; 1];
    let mut iwork = vec![0; 1];
    let (mut m, mut info) = (0, 0);
    let ni = n as i32;
    for pass in 0..2 {
        let (lw, liw) = if pass == 0 {
            (-1, -1)
        } else {
            (work.len() as i32, iwork.len() as i32)
        };
        // SAFETY: arrays sized per the reference documentation (query first).
        unsafe {
            ssyevr_(
                &(b'V' as _),
                &(b'A' as _),
                &(b'L' as _),
                &ni,
                a32.as_mut_ptr(),
                &ni,
                &0.0,
                &0.0,
                &0,
                &0,
                &-1.0,
                &mut m,
                w.as_mut_ptr(),
                z.as_mut_ptr(),
                &ni,
                isuppz.as_mut_ptr(),
                work.as_mut_ptr(),
                &lw,
                iwork.as_mut_ptr(),
                &liw,
                &mut info,
            );
        }
        assert_eq!(info, 0);
        if pass == 0 {
            work.resize(work[0] as usize, 0.0);
            iwork.resize(iwork[0] as usize, 0);
        }
    }
    assert_eq!(m, ni);
    let e = Eig {
        info,
        m: n,
        w: w.iter().map(|&x| x as f64).collect(),
        z: Cm {
            m: n,
            n,
            ld: n,
            data: z.iter().map(|&x| x as f64).collect(),
        },
        isuppz,
    };
    let q = &e.z;
    let mut ql = q.clone();
    for j in 0..n {
        for i in 0..n {
            ql.set(i, j, q.get(i, j) * e.w[j]);
        }
    }
    let r = max_diff(&mul(&a, q), &ql);
    let tol32 = 8.0 * n as f64 * f32::EPSILON as f64 * a.fro();
    assert!(r <= tol32, "‖AQ − QΛ‖ = {r:e} > {tol32:e}");
}
