//! `dgesdd_`/`dgesvd_` against the definition: A = UΣVᵀ, orthonormal factors, σ descending ≥ 0, every job variant, workspace protocol, info codes.
// Index loops mirror the (i, j) definitions being checked; raw-call helpers take LAPACK's argument lists.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments)]

mod common;
use common::*;
use irs_blas::{dgesdd_, dgesvd_, sgesdd_};

/// Output of one SVD call: `u` m×ucols, `vt` vtrows×n (as stored), plus what `A` became.
struct Out {
    info: i32,
    s: Vec<f64>,
    u: Cm,
    vt: Cm,
    a: Cm,
}

/// Which routine and job.
#[derive(Clone, Copy, Debug)]
enum Call {
    Gesdd(u8),
    Gesvd(u8, u8),
}

/// Runs the routine with Clarabel's protocol (query with lwork = −1, then call) on a copy of
/// `a`, with padded `ldu`/`ldvt`.
fn run(call: Call, a: &Cm) -> Out {
    let (m, n) = (a.m, a.n);
    let mn = m.min(n);
    let ldu = m + 2;
    let ldvt = n + 1;
    let mut u = Cm::filled(m, m, ldu, 0.0);
    let mut vt = Cm::filled(n, n, ldvt, 0.0);
    let mut s = vec![-1.0; mn.max(1)];
    let mut ac = a.clone();
    let mut iwork = vec![0; 8 * mn.max(1)];
    let mut work = vec![0.0; 1];
    let mut info = -99;
    for pass in 0..2 {
        let lwork: i32 = if pass == 0 { -1 } else { work.len() as i32 };
        // SAFETY: arrays sized for the 'A' job (the largest), with the stated leading dimensions.
        unsafe {
            match call {
                Call::Gesdd(j) => dgesdd_(
                    &(j as _),
                    &(m as i32),
                    &(n as i32),
                    ac.data.as_mut_ptr(),
                    &ac.ld_i32(),
                    s.as_mut_ptr(),
                    u.data.as_mut_ptr(),
                    &(ldu as i32),
                    vt.data.as_mut_ptr(),
                    &(ldvt as i32),
                    work.as_mut_ptr(),
                    &lwork,
                    iwork.as_mut_ptr(),
                    &mut info,
                ),
                Call::Gesvd(ju, jv) => dgesvd_(
                    &(ju as _),
                    &(jv as _),
                    &(m as i32),
                    &(n as i32),
                    ac.data.as_mut_ptr(),
                    &ac.ld_i32(),
                    s.as_mut_ptr(),
                    u.data.as_mut_ptr(),
                    &(ldu as i32),
                    vt.data.as_mut_ptr(),
                    &(ldvt as i32),
                    work.as_mut_ptr(),
                    &lwork,
                    &mut info,
                ),
            }
        }
        if pass == 0 {
            assert_eq!(info, 0, "{call:?} query");
            assert!(work[0] >= 1.0);
            work.resize(work[0] as usize, 0.0);
        }
    }
    Out {
        info,
        s,
        u,
        vt,
        a: ac,
    }
}

/// Extracts the first `cols` columns of an m-row stored matrix.
fn cols_of(x: &Cm, rows: usize, cols: usize) -> Cm {
    let mut r = Cm::filled(rows, cols, rows.max(1), 0.0);
    for j in 0..cols {
        for i in 0..rows {
            r.set(i, j, x.get(i, j));
        }
    }
    r
}

/// Checks A = U[:, :mn]·Σ·Vᵀ[:mn, :], orthonormality and σ ordering.
fn check(a: &Cm, s: &[f64], u: &Cm, vt: &Cm, what: &str) {
    let (m, n) = (a.m, a.n);
    let mn = m.min(n);
    let scale = a.fro();
    for k in 0..mn {
        assert!(s[k] >= 0.0, "{what}: σ{k} < 0");
        if k > 0 {
            assert!(s[k - 1] >= s[k], "{what}: σ not descending");
        }
    }
    let mut us = cols_of(u, m, mn);
    for j in 0..mn {
        for i in 0..m {
            us.set(i, j, us.get(i, j) * s[j]);
        }
    }
    let vt_mn = cols_of(vt, mn, n);
    let d = max_diff(&mul(&us, &vt_mn), a);
    assert!(d <= tol(m.max(n), scale), "{what}: ‖A − UΣVᵀ‖ = {d:e}");
    let ou = orth_err(u);
    let ov = orth_err(&vt.t());
    assert!(
        ou <= tol(m, 1.0) && ov <= tol(n, 1.0),
        "{what}: orthogonality {ou:e} {ov:e}"
    );
}

const SHAPES: [(usize, usize); 12] = [
    (1, 1),
    (2, 2),
    (3, 3),
    (4, 4),
    (17, 17),
    (64, 64),
    (4, 1),
    (1, 3),
    (17, 4),
    (4, 17),
    (64, 17),
    (3, 64),
];

#[test]
fn thin_and_full_svds_reconstruct_a_with_orthonormal_factors_and_descending_sigma() {
    let mut r = rng(30);
    for &(m, n) in &SHAPES {
        let a = Cm::random(m, n, m + 3, &mut r);
        let mn = m.min(n);
        for call in [
            Call::Gesdd(b'S'),
            Call::Gesdd(b's'),
            Call::Gesdd(b'A'),
            Call::Gesvd(b'S', b'S'),
            Call::Gesvd(b'A', b'A'),
            Call::Gesvd(b'A', b'S'),
            Call::Gesvd(b'S', b'A'),
        ] {
            let o = run(call, &a);
            let what = format!("{call:?} {m}×{n}");
            assert_eq!(o.info, 0, "{what}");
            let full = matches!(call, Call::Gesdd(b'A') | Call::Gesvd(b'A', b'A'));
            let (ucols, vrows) = match call {
                Call::Gesdd(b'A') | Call::Gesvd(b'A', b'A') => (m, n),
                Call::Gesvd(b'A', _) => (m, mn),
                Call::Gesvd(_, b'A') => (mn, n),
                _ => (mn, mn),
            };
            let _ = full;
            let u = cols_of(&o.u, m, ucols);
            let vt = cols_of(&o.vt, vrows, n);
            check(&a, &o.s, &u, &vt, &what);
            assert!(
                o.u.padding_intact() && o.vt.padding_intact(),
                "{what}: padding"
            );
            // Columns beyond the job's size are not written.
            for j in ucols..m {
                assert!(
                    (0..m).all(|i| o.u.get(i, j) == 0.0),
                    "{what}: extra U column"
                );
            }
        }
    }
}

#[test]
fn singular_values_only_agree_with_the_full_decomposition_and_known_values() {
    let mut r = rng(31);
    for &(m, n) in &SHAPES {
        let a = Cm::random(m, n, m, &mut r);
        let reference = run(Call::Gesdd(b'S'), &a);
        for call in [Call::Gesdd(b'N'), Call::Gesvd(b'N', b'N')] {
            let o = run(call, &a);
            assert_eq!(o.info, 0);
            for k in 0..m.min(n) {
                assert!((o.s[k] - reference.s[k]).abs() <= tol(m.max(n), a.fro()));
            }
            // U and Vᵀ untouched for 'N'.
            assert!(o.u.data.iter().all(|&x| x == 0.0 || x == PAD));
        }
    }
    // diag(3, −5, 0) has σ = (5, 3, 0).
    let mut d = Cm::filled(3, 3, 3, 0.0);
    d.set(0, 0, 3.0);
    d.set(1, 1, -5.0);
    let o = run(Call::Gesdd(b'S'), &d);
    for (got, want) in o.s.iter().zip([5.0, 3.0, 0.0]) {
        assert!((got - want).abs() <= 4.0 * f64::EPSILON * 5.0, "{:?}", o.s);
    }
}

#[test]
fn overwrite_jobs_put_the_thin_factor_into_a() {
    let mut r = rng(32);
    for &(m, n) in &SHAPES {
        let a = Cm::random(m, n, m + 1, &mut r);
        let mn = m.min(n);
        // gesdd 'O': U overwrites A when m ≥ n (Vᵀ n×n in vt), Vᵀ overwrites A otherwise.
        let o = run(Call::Gesdd(b'O'), &a);
        assert_eq!(o.info, 0);
        let (u, vt) = if m >= n {
            (cols_of(&o.a, m, mn), cols_of(&o.vt, n, n))
        } else {
            (cols_of(&o.u, m, m), cols_of(&o.a, m, n))
        };
        check(&a, &o.s, &u, &vt, &format!("gesdd O {m}×{n}"));
        // gesvd: 'O' for U with 'S' for Vᵀ, and 'N'/'O'.
        let o = run(Call::Gesvd(b'O', b'S'), &a);
        assert_eq!(o.info, 0);
        check(
            &a,
            &o.s,
            &cols_of(&o.a, m, mn),
            &cols_of(&o.vt, mn, n),
            &format!("gesvd O,S {m}×{n}"),
        );
        let o = run(Call::Gesvd(b'S', b'O'), &a);
        assert_eq!(o.info, 0);
        check(
            &a,
            &o.s,
            &cols_of(&o.u, m, mn),
            &cols_of(&o.a, mn, n),
            &format!("gesvd S,O {m}×{n}"),
        );
    }
}

#[test]
fn invalid_arguments_and_nan_input_return_the_reference_info_codes() {
    let a = Cm::random(4, 3, 4, &mut rng(33));
    let mut ac = a.clone();
    let mut s = vec![0.0; 3];
    let mut u = vec![0.0; 16];
    let mut vt = vec![0.0; 9];
    let mut work = vec![0.0; 200];
    let mut iwork = vec![0; 24];
    let mut gesdd =
        |jobz: u8, m: i32, n: i32, lda: i32, ldu: i32, ldvt: i32, lwork: i32, a: &mut Cm| {
            let mut info = -99;
            // SAFETY: arrays are large enough for any 4×3 job.
            unsafe {
                dgesdd_(
                    &(jobz as _),
                    &m,
                    &n,
                    a.data.as_mut_ptr(),
                    &lda,
                    s.as_mut_ptr(),
                    u.as_mut_ptr(),
                    &ldu,
                    vt.as_mut_ptr(),
                    &ldvt,
                    work.as_mut_ptr(),
                    &lwork,
                    iwork.as_mut_ptr(),
                    &mut info,
                );
            }
            info
        };
    assert_eq!(gesdd(b'X', 4, 3, 4, 4, 3, 200, &mut ac), -1);
    assert_eq!(gesdd(b'S', -1, 3, 4, 4, 3, 200, &mut ac), -2);
    assert_eq!(gesdd(b'S', 4, -1, 4, 4, 3, 200, &mut ac), -3);
    assert_eq!(gesdd(b'S', 4, 3, 3, 4, 3, 200, &mut ac), -5);
    assert_eq!(gesdd(b'S', 4, 3, 4, 3, 3, 200, &mut ac), -8);
    assert_eq!(gesdd(b'S', 4, 3, 4, 4, 2, 200, &mut ac), -10);
    assert_eq!(gesdd(b'A', 4, 3, 4, 4, 2, 200, &mut ac), -10);
    assert_eq!(gesdd(b'S', 4, 3, 4, 4, 3, 0, &mut ac), -12);
    assert_eq!(gesdd(b'N', 0, 3, 1, 1, 1, 1, &mut ac), 0);
    let mut with_nan = a.clone();
    with_nan.set(2, 1, f64::NAN);
    assert_eq!(gesdd(b'S', 4, 3, 4, 4, 3, 200, &mut with_nan), -4);

    let mut gesvd = |ju: u8, jv: u8, m: i32, n: i32, lda: i32, ldu: i32, ldvt: i32, lwork: i32| {
        let mut info = -99;
        // SAFETY: arrays are large enough for any 4×3 job.
        unsafe {
            dgesvd_(
                &(ju as _),
                &(jv as _),
                &m,
                &n,
                ac.data.as_mut_ptr(),
                &lda,
                s.as_mut_ptr(),
                u.as_mut_ptr(),
                &ldu,
                vt.as_mut_ptr(),
                &ldvt,
                work.as_mut_ptr(),
                &lwork,
                &mut info,
            );
        }
        info
    };
    assert_eq!(gesvd(b'X', b'S', 4, 3, 4, 4, 3, 200), -1);
    assert_eq!(gesvd(b'S', b'X', 4, 3, 4, 4, 3, 200), -2);
    assert_eq!(gesvd(b'O', b'O', 4, 3, 4, 4, 3, 200), -2);
    assert_eq!(gesvd(b'S', b'S', -1, 3, 4, 4, 3, 200), -3);
    assert_eq!(gesvd(b'S', b'S', 4, -1, 4, 4, 3, 200), -4);
    assert_eq!(gesvd(b'S', b'S', 4, 3, 3, 4, 3, 200), -6);
    assert_eq!(gesvd(b'S', b'S', 4, 3, 4, 3, 3, 200), -9);
    assert_eq!(gesvd(b'S', b'S', 4, 3, 4, 4, 2, 200), -11);
    assert_eq!(gesvd(b'S', b'S', 4, 3, 4, 4, 3, 0), -13);
}

#[test]
fn workspace_query_touches_nothing_but_work0_and_small_work_still_succeeds() {
    let a = Cm::random(17, 4, 17, &mut rng(34));
    let mut ac = a.clone();
    let mut s = vec![-1.0; 4];
    let mut u = vec![-1.0; 17 * 4];
    let mut vt = vec![-1.0; 16];
    let mut work = vec![0.0; 1];
    let mut iwork = vec![0; 32];
    let mut info = -99;
    // SAFETY: arrays sized for the 'S' job of a 17×4 matrix; the query reads work[0] only.
    unsafe {
        dgesdd_(
            &(b'S' as _),
            &17,
            &4,
            ac.data.as_mut_ptr(),
            &17,
            s.as_mut_ptr(),
            u.as_mut_ptr(),
            &17,
            vt.as_mut_ptr(),
            &4,
            work.as_mut_ptr(),
            &-1,
            iwork.as_mut_ptr(),
            &mut info,
        );
    }
    assert_eq!(info, 0);
    assert!(work[0] >= 1.0);
    assert_eq!(ac.data, a.data);
    assert!(s.iter().chain(&u).chain(&vt).all(|&x| x == -1.0));
    // lwork = 1 (below the optimum): the routine allocates its own scratch and succeeds.
    // SAFETY: as above, work holds one element.
    unsafe {
        dgesdd_(
            &(b'S' as _),
            &17,
            &4,
            ac.data.as_mut_ptr(),
            &17,
            s.as_mut_ptr(),
            u.as_mut_ptr(),
            &17,
            vt.as_mut_ptr(),
            &4,
            work.as_mut_ptr(),
            &1,
            iwork.as_mut_ptr(),
            &mut info,
        );
    }
    assert_eq!(info, 0);
    check(
        &a,
        &s,
        &Cm {
            m: 17,
            n: 4,
            ld: 17,
            data: u,
        },
        &Cm {
            m: 4,
            n: 4,
            ld: 4,
            data: vt,
        },
        "gesdd S lwork=1",
    );
}

#[test]
fn single_precision_svd_reconstructs_a() {
    let (m, n) = (17usize, 4usize);
    let a = Cm::random(m, n, m, &mut rng(35));
    let mut a32: Vec<f32> = a.data.iter().map(|&x| x as f32).collect();
    let mut s = vec![0f32; n];
    let mut u = vec![0f32; m * n];
    let mut vt = vec![0f32; n * n];
    let mut work = vec![0f32; 1];
    let mut iwork = vec![0; 8 * n];
    let mut info = -99;
    for pass in 0..2 {
        let lwork = if pass == 0 { -1 } else { work.len() as i32 };
        // SAFETY: arrays sized for the 'S' job of a 17×4 matrix.
        unsafe {
            sgesdd_(
                &(b'S' as _),
                &(m as i32),
                &(n as i32),
                a32.as_mut_ptr(),
                &(m as i32),
                s.as_mut_ptr(),
                u.as_mut_ptr(),
                &(m as i32),
                vt.as_mut_ptr(),
                &(n as i32),
                work.as_mut_ptr(),
                &lwork,
                iwork.as_mut_ptr(),
                &mut info,
            );
        }
        assert_eq!(info, 0);
        if pass == 0 {
            work.resize(work[0] as usize, 0.0);
        }
    }
    let to64 = |v: &[f32]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
    let mut us = Cm {
        m,
        n,
        ld: m,
        data: to64(&u),
    };
    for j in 0..n {
        for i in 0..m {
            us.set(i, j, us.get(i, j) * s[j] as f64);
        }
    }
    let d = max_diff(
        &mul(
            &us,
            &Cm {
                m: n,
                n,
                ld: n,
                data: to64(&vt),
            },
        ),
        &a,
    );
    assert!(d <= 8.0 * m as f64 * f32::EPSILON as f64 * a.fro(), "{d:e}");
}

/// The matrix `L₂ᵀL₁` of the Nesterov–Todd scaling of a 4×4 PSD cone (the real embedding of a
/// complex 2×2 Hermitian variable) that Clarabel factored at iteration 7 of a proptest model of
/// `irs-sdp` (seed 3802679030470089269). Its singular values come in exact pairs (0.0476, 0.0476,
/// 0.0341, 0.0341) and faer 0.24's SVD returns `NoConvergence` on it (and on 2× or ½× it), which
/// made Clarabel panic ("SVD error"). Stored as bits so that the test sees exactly that matrix.
const FAER_NO_CONVERGENCE_4X4: [u64; 16] = [
    4586055339877502593,
    4580766493880955603,
    4564538927686936258,
    13789652546439380704,
    13805801907263684031,
    4584085408494354906,
    4568145996157816626,
    4562875249263331828,
    4568726823948990380,
    13797567239792826018,
    4586011160145905028,
    4580759495416633634,
    4572081483754539111,
    4570819098374498152,
    13805753828045420946,
    4584080052653074594,
];

#[test]
fn svd_succeeds_where_faers_iteration_does_not_converge() {
    for factor in [1.0, 2.0, 0.5] {
        let mut a = Cm::filled(4, 4, 5, 0.0);
        for j in 0..4 {
            for i in 0..4 {
                a.set(
                    i,
                    j,
                    factor * f64::from_bits(FAER_NO_CONVERGENCE_4X4[i + 4 * j]),
                );
            }
        }
        let fa = faer::Mat::<f64>::from_fn(4, 4, |i, j| a.get(i, j));
        println!(
            "faer's own SVD of {factor}×A: {}",
            if fa.singular_values().is_ok() {
                "converges"
            } else {
                "NoConvergence"
            }
        );
        // σ² are the eigenvalues of AᵀA (computed independently by faer's symmetric eigensolver).
        let mut lam = (fa.transpose() * &fa)
            .self_adjoint_eigenvalues(faer::Side::Lower)
            .unwrap();
        lam.sort_by(|x, y| y.total_cmp(x));
        for call in [
            Call::Gesdd(b'S'),
            Call::Gesdd(b'A'),
            Call::Gesdd(b'N'),
            Call::Gesvd(b'S', b'S'),
            Call::Gesvd(b'A', b'A'),
            Call::Gesvd(b'N', b'N'),
        ] {
            let o = run(call, &a);
            let what = format!("{call:?} on {factor}×A");
            assert_eq!(o.info, 0, "{what}");
            for k in 0..4 {
                assert!(
                    (o.s[k] - lam[k].sqrt()).abs() <= tol(4, a.fro()),
                    "{what}: σ = {:?}, √λ(AᵀA) = {lam:?}",
                    o.s
                );
            }
            if !matches!(call, Call::Gesdd(b'N') | Call::Gesvd(b'N', b'N')) {
                check(&a, &o.s, &cols_of(&o.u, 4, 4), &cols_of(&o.vt, 4, 4), &what);
            }
        }
        let o = run(Call::Gesdd(b'O'), &a);
        assert_eq!(o.info, 0);
        check(
            &a,
            &o.s,
            &cols_of(&o.a, 4, 4),
            &cols_of(&o.vt, 4, 4),
            "gesdd O",
        );
    }
}
