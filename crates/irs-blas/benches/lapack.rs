//! Criterion benches of the routines on Clarabel's hot path (dsyevr, dpotrf, dgesdd), with faer called directly as the floor.

use criterion::{criterion_group, criterion_main, Criterion};
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{self_adjoint_evd, self_adjoint_evd_scratch, ComputeEigenvectors};
use faer::{Mat, Par};
use irs_blas::{dgesdd_, dpotrf_, dsyevr_};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

/// Seeded symmetric positive definite n×n matrix (column-major), like Clarabel's scaling matrices.
fn spd(n: usize, seed: u64) -> Vec<f64> {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let b: Vec<f64> = (0..n * n).map(|_| r.random_range(-1.0..1.0)).collect();
    let mut a = vec![0.0; n * n];
    for j in 0..n {
        for i in 0..n {
            let s: f64 = (0..n).map(|k| b[i + k * n] * b[j + k * n]).sum();
            a[i + j * n] = s + if i == j { 1.0 } else { 0.0 };
        }
    }
    a
}

/// Clarabel's `EigEngine::syevr`: query (lwork = liwork = −1), then the call, both every time.
#[allow(clippy::too_many_arguments)] // mirrors the LAPACK argument list
fn syevr_clarabel(
    jobz: u8,
    n: usize,
    a: &mut [f64],
    w: &mut [f64],
    z: &mut [f64],
    isuppz: &mut [i32],
    work: &mut Vec<f64>,
    iwork: &mut Vec<i32>,
) {
    let ni = n as i32;
    let (mut m, mut info) = (0, 0);
    for pass in 0..2 {
        let (lw, liw) = if pass == 0 {
            (-1, -1)
        } else {
            (work.len() as i32, iwork.len() as i32)
        };
        // SAFETY: a, z are n×n, w holds n, isuppz 2n; work/iwork sized by the query.
        unsafe {
            dsyevr_(
                &(jobz as _),
                &(b'A' as _),
                &(b'U' as _),
                &ni,
                a.as_mut_ptr(),
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
            let (lwork, liwork) = (work[0] as usize, iwork[0] as usize);
            work.resize(lwork, 0.0);
            iwork.resize(liwork, 0);
        }
    }
}

fn bench(c: &mut Criterion) {
    for n in [8usize, 16, 32, 64] {
        let mut a = spd(n, n as u64);
        let mut w = vec![0.0; n];
        let mut z = vec![0.0; n * n];
        let mut isuppz = vec![0; 2 * n];
        let (mut work, mut iwork) = (vec![0.0; 1], vec![0; 1]);
        for jobz in [b'V', b'N'] {
            c.bench_function(&format!("dsyevr jobz={} n={n}", jobz as char), |b| {
                b.iter(|| {
                    syevr_clarabel(
                        jobz,
                        n,
                        black_box(&mut a),
                        &mut w,
                        &mut z,
                        &mut isuppz,
                        &mut work,
                        &mut iwork,
                    )
                })
            });
        }
        // The floor: faer's self-adjoint evd on the same data, preallocated.
        let am = Mat::<f64>::from_fn(n, n, |i, j| a[i + j * n]);
        let mut s = faer::diag::Diag::<f64>::zeros(n);
        let mut u = Mat::<f64>::zeros(n, n);
        let mut buf = MemBuffer::new(self_adjoint_evd_scratch::<f64>(
            n,
            ComputeEigenvectors::Yes,
            Par::Seq,
            Default::default(),
        ));
        c.bench_function(&format!("faer self_adjoint_evd n={n}"), |b| {
            b.iter(|| {
                self_adjoint_evd(
                    black_box(am.as_ref()),
                    s.as_mut(),
                    Some(u.as_mut()),
                    Par::Seq,
                    MemStack::new(&mut buf),
                    Default::default(),
                )
                .expect("converges")
            })
        });
    }
    for n in [8usize, 32] {
        let a0 = spd(n, 7);
        let mut a = a0.clone();
        let ni = n as i32;
        c.bench_function(&format!("dpotrf uplo=L n={n}"), |b| {
            b.iter(|| {
                a.copy_from_slice(&a0);
                let mut info = 0;
                // SAFETY: a is n×n.
                unsafe { dpotrf_(&(b'L' as _), &ni, a.as_mut_ptr(), &ni, &mut info) };
                assert_eq!(info, 0);
            })
        });
        let mut s = vec![0.0; n];
        let mut u = vec![0.0; n * n];
        let mut vt = vec![0.0; n * n];
        let mut iwork = vec![0; 8 * n];
        let mut work = vec![0.0; 1];
        c.bench_function(&format!("dgesdd jobz=S n={n}"), |b| {
            b.iter(|| {
                let mut info = 0;
                for pass in 0..2 {
                    let lw = if pass == 0 { -1 } else { work.len() as i32 };
                    // SAFETY: a, u, vt are n×n, s holds n, iwork 8n, work sized by the query.
                    unsafe {
                        dgesdd_(
                            &(b'S' as _),
                            &ni,
                            &ni,
                            a.as_mut_ptr(),
                            &ni,
                            s.as_mut_ptr(),
                            u.as_mut_ptr(),
                            &ni,
                            vt.as_mut_ptr(),
                            &ni,
                            work.as_mut_ptr(),
                            &lw,
                            iwork.as_mut_ptr(),
                            &mut info,
                        );
                    }
                    assert_eq!(info, 0);
                    if pass == 0 {
                        let l = work[0] as usize;
                        work.resize(l, 0.0);
                    }
                }
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
