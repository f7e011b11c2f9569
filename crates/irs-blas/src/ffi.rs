//! The exported Fortran-ABI symbols (`dgemm_`, `ssyevr_`, …): pointer decoding, then the generic
//! implementations in the sibling modules.
//!
//! Each symbol has exactly the signature the `blas-sys` 0.7 / `lapack-sys` 0.14 crates declare
//! (which `blas` 0.22 / `lapack` 0.19, and through them Clarabel, call): every argument by
//! pointer, `CHARACTER*1` arguments as `*const c_char` with **no** hidden string-length
//! arguments, `INTEGER` as 32-bit `c_int`.

use crate::blas;
use crate::common::ch;
use crate::eig::{syevr, SyevrArgs};
use crate::factor::{gesv, potrf, potrs};
use crate::svd::{gesdd, gesvd, SvdArgs};
use core::ffi::{c_char, c_int};

macro_rules! exports {
    ($T:ty, $p:literal,
     $gemm:ident, $syrk:ident, $syr2k:ident, $gemv:ident, $symv:ident,
     $potrf:ident, $potrs:ident, $gesv:ident, $syevr:ident, $gesdd:ident, $gesvd:ident) => {
        #[doc = concat!("BLAS `", $p, "GEMM`: `C ← α·op(A)·op(B) + β·C`.")]
        ///
        /// # Safety
        /// The reference BLAS contract: every pointer is valid for the array sizes the
        /// reference documentation gives for these arguments, and output arrays do not overlap
        /// inputs. Invalid *values* (e.g. a bad `trans`) are reported on stderr, not UB.
        #[no_mangle]
        pub unsafe extern "C" fn $gemm(
            transa: *const c_char,
            transb: *const c_char,
            m: *const c_int,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $T,
            a: *const $T,
            lda: *const c_int,
            b: *const $T,
            ldb: *const c_int,
            beta: *const $T,
            c: *mut $T,
            ldc: *const c_int,
        ) {
            // SAFETY: scalar pointers are readable and arrays sized per the caller's contract.
            unsafe {
                blas::gemm::<$T>(
                    ch(transa), ch(transb), *m, *n, *k, *alpha, a, *lda, b, *ldb, *beta, c, *ldc,
                    concat!($p, "GEMM"),
                )
            }
        }

        #[doc = concat!("BLAS `", $p, "SYRK`: `C ← α·A·Aᵀ + β·C` or `C ← α·Aᵀ·A + β·C` on the `uplo` triangle.")]
        ///
        /// # Safety
        /// The reference BLAS contract (see the `?gemm` export).
        #[no_mangle]
        pub unsafe extern "C" fn $syrk(
            uplo: *const c_char,
            trans: *const c_char,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $T,
            a: *const $T,
            lda: *const c_int,
            beta: *const $T,
            c: *mut $T,
            ldc: *const c_int,
        ) {
            // SAFETY: as for ?gemm.
            unsafe {
                blas::syrk::<$T>(
                    ch(uplo), ch(trans), *n, *k, *alpha, a, *lda, *beta, c, *ldc,
                    concat!($p, "SYRK"),
                )
            }
        }

        #[doc = concat!("BLAS `", $p, "SYR2K`: `C ← α·(A·Bᵀ + B·Aᵀ) + β·C` (or transposed) on the `uplo` triangle.")]
        ///
        /// # Safety
        /// The reference BLAS contract (see the `?gemm` export).
        #[no_mangle]
        pub unsafe extern "C" fn $syr2k(
            uplo: *const c_char,
            trans: *const c_char,
            n: *const c_int,
            k: *const c_int,
            alpha: *const $T,
            a: *const $T,
            lda: *const c_int,
            b: *const $T,
            ldb: *const c_int,
            beta: *const $T,
            c: *mut $T,
            ldc: *const c_int,
        ) {
            // SAFETY: as for ?gemm.
            unsafe {
                blas::syr2k::<$T>(
                    ch(uplo), ch(trans), *n, *k, *alpha, a, *lda, b, *ldb, *beta, c, *ldc,
                    concat!($p, "SYR2K"),
                )
            }
        }

        #[doc = concat!("BLAS `", $p, "GEMV`: `y ← α·op(A)·x + β·y` (any nonzero increments).")]
        ///
        /// # Safety
        /// The reference BLAS contract (see the `?gemm` export).
        #[no_mangle]
        pub unsafe extern "C" fn $gemv(
            trans: *const c_char,
            m: *const c_int,
            n: *const c_int,
            alpha: *const $T,
            a: *const $T,
            lda: *const c_int,
            x: *const $T,
            incx: *const c_int,
            beta: *const $T,
            y: *mut $T,
            incy: *const c_int,
        ) {
            // SAFETY: as for ?gemm.
            unsafe {
                blas::gemv::<$T>(
                    ch(trans), *m, *n, *alpha, a, *lda, x, *incx, *beta, y, *incy,
                    concat!($p, "GEMV"),
                )
            }
        }

        #[doc = concat!("BLAS `", $p, "SYMV`: `y ← α·A·x + β·y`, A symmetric given by its `uplo` triangle.")]
        ///
        /// # Safety
        /// The reference BLAS contract (see the `?gemm` export).
        #[no_mangle]
        pub unsafe extern "C" fn $symv(
            uplo: *const c_char,
            n: *const c_int,
            alpha: *const $T,
            a: *const $T,
            lda: *const c_int,
            x: *const $T,
            incx: *const c_int,
            beta: *const $T,
            y: *mut $T,
            incy: *const c_int,
        ) {
            // SAFETY: as for ?gemm.
            unsafe {
                blas::symv::<$T>(
                    ch(uplo), *n, *alpha, a, *lda, x, *incx, *beta, y, *incy,
                    concat!($p, "SYMV"),
                )
            }
        }

        #[doc = concat!("LAPACK `", $p, "POTRF`: Cholesky factorisation (`info = k > 0`: minor `k` not positive definite).")]
        ///
        /// # Safety
        /// The reference LAPACK contract: pointers valid for the documented array sizes.
        #[no_mangle]
        pub unsafe extern "C" fn $potrf(
            uplo: *const c_char,
            n: *const c_int,
            a: *mut $T,
            lda: *const c_int,
            info: *mut c_int,
        ) {
            // SAFETY: as for ?gemm; `info` is writable.
            unsafe { *info = potrf::<$T>(ch(uplo), *n, a, *lda) }
        }

        #[doc = concat!("LAPACK `", $p, "POTRS`: solves `A·X = B` with the factor of `", $p, "POTRF`.")]
        ///
        /// # Safety
        /// The reference LAPACK contract.
        #[no_mangle]
        pub unsafe extern "C" fn $potrs(
            uplo: *const c_char,
            n: *const c_int,
            nrhs: *const c_int,
            a: *const $T,
            lda: *const c_int,
            b: *mut $T,
            ldb: *const c_int,
            info: *mut c_int,
        ) {
            // SAFETY: as for ?potrf.
            unsafe { *info = potrs::<$T>(ch(uplo), *n, *nrhs, a, *lda, b, *ldb) }
        }

        #[doc = concat!("LAPACK `", $p, "GESV`: LU solve of `A·X = B` with partial pivoting.")]
        ///
        /// # Safety
        /// The reference LAPACK contract.
        #[no_mangle]
        pub unsafe extern "C" fn $gesv(
            n: *const c_int,
            nrhs: *const c_int,
            a: *mut $T,
            lda: *const c_int,
            ipiv: *mut c_int,
            b: *mut $T,
            ldb: *const c_int,
            info: *mut c_int,
        ) {
            // SAFETY: as for ?potrf.
            unsafe { *info = gesv::<$T>(*n, *nrhs, a, *lda, ipiv, b, *ldb) }
        }

        #[doc = concat!("LAPACK `", $p, "SYEVR`: symmetric eigenvalues (ascending) and eigenvectors; ranges `'A'`, `'V'`, `'I'`.")]
        ///
        /// # Safety
        /// The reference LAPACK contract, including `work`/`iwork` of at least one element
        /// even for the workspace query.
        #[no_mangle]
        pub unsafe extern "C" fn $syevr(
            jobz: *const c_char,
            range: *const c_char,
            uplo: *const c_char,
            n: *const c_int,
            a: *mut $T,
            lda: *const c_int,
            vl: *const $T,
            vu: *const $T,
            il: *const c_int,
            iu: *const c_int,
            abstol: *const $T,
            m: *mut c_int,
            w: *mut $T,
            z: *mut $T,
            ldz: *const c_int,
            isuppz: *mut c_int,
            work: *mut $T,
            lwork: *const c_int,
            iwork: *mut c_int,
            liwork: *const c_int,
            info: *mut c_int,
        ) {
            let _ = abstol;
            // SAFETY: as for ?potrf.
            unsafe {
                let args = SyevrArgs {
                    jobz: ch(jobz),
                    range: ch(range),
                    uplo: ch(uplo),
                    n: *n,
                    lda: *lda,
                    vl: *vl,
                    vu: *vu,
                    il: *il,
                    iu: *iu,
                    ldz: *ldz,
                    lwork: *lwork,
                    liwork: *liwork,
                };
                let (i, mm) = syevr::<$T>(args, a, w, z, isuppz, work, iwork);
                *m = mm;
                *info = i;
            }
        }

        #[doc = concat!("LAPACK `", $p, "GESDD`: SVD (`jobz` = `'A' 'S' 'O' 'N'`), singular values descending.")]
        ///
        /// # Safety
        /// The reference LAPACK contract.
        #[no_mangle]
        pub unsafe extern "C" fn $gesdd(
            jobz: *const c_char,
            m: *const c_int,
            n: *const c_int,
            a: *mut $T,
            lda: *const c_int,
            s: *mut $T,
            u: *mut $T,
            ldu: *const c_int,
            vt: *mut $T,
            ldvt: *const c_int,
            work: *mut $T,
            lwork: *const c_int,
            iwork: *mut c_int,
            info: *mut c_int,
        ) {
            let _ = iwork;
            // SAFETY: as for ?potrf.
            unsafe {
                let p = SvdArgs {
                    m: *m,
                    n: *n,
                    lda: *lda,
                    ldu: *ldu,
                    ldvt: *ldvt,
                    lwork: *lwork,
                };
                *info = gesdd::<$T>(ch(jobz), p, a, s, u, vt, work);
            }
        }

        #[doc = concat!("LAPACK `", $p, "GESVD`: SVD (`jobu`, `jobvt` = `'A' 'S' 'O' 'N'`, not both `'O'`).")]
        ///
        /// # Safety
        /// The reference LAPACK contract.
        #[no_mangle]
        pub unsafe extern "C" fn $gesvd(
            jobu: *const c_char,
            jobvt: *const c_char,
            m: *const c_int,
            n: *const c_int,
            a: *mut $T,
            lda: *const c_int,
            s: *mut $T,
            u: *mut $T,
            ldu: *const c_int,
            vt: *mut $T,
            ldvt: *const c_int,
            work: *mut $T,
            lwork: *const c_int,
            info: *mut c_int,
        ) {
            // SAFETY: as for ?potrf.
            unsafe {
                let p = SvdArgs {
                    m: *m,
                    n: *n,
                    lda: *lda,
                    ldu: *ldu,
                    ldvt: *ldvt,
                    lwork: *lwork,
                };
                *info = gesvd::<$T>(ch(jobu), ch(jobvt), p, a, s, u, vt, work);
            }
        }
    };
}

exports!(
    f64, "D", dgemm_, dsyrk_, dsyr2k_, dgemv_, dsymv_, dpotrf_, dpotrs_, dgesv_, dsyevr_, dgesdd_,
    dgesvd_
);
exports!(
    f32, "S", sgemm_, ssyrk_, ssyr2k_, sgemv_, ssymv_, spotrf_, spotrs_, sgesv_, ssyevr_, sgesdd_,
    sgesvd_
);
