//! Pure-Rust BLAS/LAPACK (on faer, sequential) exported with the Fortran ABI for Clarabel's SDP cones.
//!
//! Clarabel 0.11 built with `sdp`, `blas-src` and `lapack-src` but no vendor flavour calls the
//! reference Fortran routines through the `blas`/`lapack` crates and leaves their symbols
//! unresolved. This crate defines them, for `f64` (`d*`) and `f32` (`s*`):
//!
//! | routine | what | variants implemented |
//! |---|---|---|
//! | `?gemm_`  | `C ← α·op(A)·op(B) + β·C` | `trans` N/T/C |
//! | `?syrk_`  | `C ← α·A·Aᵀ + β·C` (triangle) | `uplo` U/L, `trans` N/T/C |
//! | `?syr2k_` | `C ← α·(A·Bᵀ + B·Aᵀ) + β·C` (triangle) | `uplo` U/L, `trans` N/T/C |
//! | `?gemv_`  | `y ← α·op(A)·x + β·y` | `trans` N/T/C, any nonzero `inc` |
//! | `?symv_`  | `y ← α·A·x + β·y`, A symmetric | `uplo` U/L, any nonzero `inc` |
//! | `?potrf_` | Cholesky | `uplo` U/L |
//! | `?potrs_` | solve with the Cholesky factor | `uplo` U/L |
//! | `?gesv_`  | LU solve with partial pivoting | — |
//! | `?syevr_` | symmetric eigen-decomposition | `jobz` N/V, `range` A/V/I, `uplo` U/L |
//! | `?gesdd_` | SVD | `jobz` A/S/O/N |
//! | `?gesvd_` | SVD | `jobu`, `jobvt` A/S/O/N (not both O) |
//!
//! This is the complete set Clarabel's `BlasFloatT` trait (src/algebra/dense/blas/traits.rs)
//! calls; linking a binary that solves an SDP with Clarabel needs `dgemm_ dsyrk_ dsyr2k_
//! dpotrf_ dpotrs_ dsyevr_ dgesdd_ dgesvd_` (the others are reachable from other code paths
//! or the `f32` instantiation, and are provided so that no path can fail to link).
//!
//! Semantics follow reference BLAS/LAPACK: column-major storage, leading dimensions, only the
//! `uplo` triangle referenced, `β = 0` never reads `C`/`y`, workspace queries with
//! `lwork = -1`/`liwork = -1` answered in `work[0]`/`iwork[0]`, eigenvalues ascending, singular
//! values descending, `info < 0` for the first bad argument (its position), `info > 0` for
//! numerical failure (e.g. `?potrf`: order of the first non-positive-definite leading minor).
//! BLAS routines, which have no `info`, report a bad argument on stderr like reference
//! `XERBLA` and return without touching their outputs. Deviations are listed in README.md.
//!
//! # Linking
//! The symbols are only linked if this crate is linked. Any crate that uses Clarabel's SDP
//! cones through this crate must name it once, e.g. `use irs_blas as _;` (or call [`link`]).
//! `irs-sdp` does this behind its default `pure-rust-blas` feature.
#![allow(clippy::too_many_arguments)]

mod blas;
mod common;
mod eig;
mod factor;
mod ffi;
mod svd;

pub use ffi::*;

/// Forces every exported routine into the final binary.
///
/// Taking the address of each symbol makes the linker keep the object files that define them
/// whatever the order in which it sees this crate and Clarabel. Calling it is cheap and
/// idempotent; `use irs_blas as _;` is enough in practice, this is the belt-and-braces form.
pub fn link() {
    let table: [*const (); 22] = [
        dgemm_ as *const (),
        dsyrk_ as *const (),
        dsyr2k_ as *const (),
        dgemv_ as *const (),
        dsymv_ as *const (),
        dpotrf_ as *const (),
        dpotrs_ as *const (),
        dgesv_ as *const (),
        dsyevr_ as *const (),
        dgesdd_ as *const (),
        dgesvd_ as *const (),
        sgemm_ as *const (),
        ssyrk_ as *const (),
        ssyr2k_ as *const (),
        sgemv_ as *const (),
        ssymv_ as *const (),
        spotrf_ as *const (),
        spotrs_ as *const (),
        sgesv_ as *const (),
        ssyevr_ as *const (),
        sgesdd_ as *const (),
        sgesvd_ as *const (),
    ];
    core::hint::black_box(table);
}
