//! Shared plumbing for the exported routines: the scalar trait, Fortran argument decoding, strided views.

use core::mem::MaybeUninit;
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::traits::RealField;
use faer::{ColMut, ColRef, MatMut, MatRef};

/// The two real scalar types BLAS/LAPACK are instantiated for (`d*` = `f64`, `s*` = `f32`).
pub(crate) trait Real: RealField + Copy + core::fmt::Debug + 'static {
    /// A workspace size as LAPACK stores it in `work[0]`: rounded up so that the caller's
    /// `work[0] as i32` never truncates below the size needed (LAPACK's `?roundup_lwork`).
    fn work_size(n: usize) -> Self;
    /// Whether the value is NaN.
    fn is_nan(self) -> bool;
    /// Absolute value.
    fn fabs(self) -> Self;
    /// The value as `f64` (exact for both types).
    fn to_f64(self) -> f64;
    /// The nearest value to `x`.
    fn from_f64(x: f64) -> Self;
}

impl Real for f64 {
    fn work_size(n: usize) -> Self {
        // Exact for every workspace an i32 `lwork` can describe (n < 2^53).
        n as f64
    }
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
    fn fabs(self) -> Self {
        f64::abs(self)
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(x: f64) -> Self {
        x
    }
}

impl Real for f32 {
    fn work_size(n: usize) -> Self {
        let v = n as f32;
        if (v as usize) < n {
            f32::from_bits(v.to_bits() + 1)
        } else {
            v
        }
    }
    fn is_nan(self) -> bool {
        f32::is_nan(self)
    }
    fn fabs(self) -> Self {
        f32::abs(self)
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn from_f64(x: f64) -> Self {
        x as f32
    }
}

/// Reads a Fortran `CHARACTER*1` argument, upper-cased (LAPACK's `LSAME` is case-insensitive).
///
/// # Safety
/// `p` must point to a readable byte (the caller's Fortran contract).
#[inline]
pub(crate) unsafe fn ch(p: *const core::ffi::c_char) -> u8 {
    // SAFETY: the caller guarantees `p` is a valid pointer to one character.
    (unsafe { *p } as u8).to_ascii_uppercase()
}

/// `max(1, n)` as LAPACK's leading-dimension checks use it.
#[inline]
pub(crate) fn max1(n: i32) -> i32 {
    n.max(1)
}

/// A column-major `m × n` view of Fortran storage with leading dimension `ld`.
///
/// # Safety
/// `ptr` must be valid for reads of the `m × n` column-major block with leading dimension
/// `ld ≥ max(1, m)`, for the lifetime `'a`; `m, n > 0`.
#[inline]
pub(crate) unsafe fn mat<'a, T>(ptr: *const T, m: usize, n: usize, ld: i32) -> MatRef<'a, T> {
    // SAFETY: forwarded to the caller.
    unsafe { MatRef::from_raw_parts(ptr, m, n, 1, ld as isize) }
}

/// Mutable counterpart of [`mat`].
///
/// # Safety
/// As [`mat`], plus valid for writes and not aliased for `'a`.
#[inline]
pub(crate) unsafe fn mat_mut<'a, T>(ptr: *mut T, m: usize, n: usize, ld: i32) -> MatMut<'a, T> {
    // SAFETY: forwarded to the caller.
    unsafe { MatMut::from_raw_parts_mut(ptr, m, n, 1, ld as isize) }
}

/// A BLAS strided vector of length `n ≥ 1` with increment `inc ≠ 0`. For `inc < 0`, BLAS stores
/// element `i` at offset `(n − 1 − i)·|inc|`, so the view starts at the far end.
///
/// # Safety
/// `ptr` must be valid for reads of `1 + (n − 1)·|inc|` elements.
#[inline]
pub(crate) unsafe fn vec_ref<'a, T>(ptr: *const T, n: usize, inc: i32) -> ColRef<'a, T> {
    let start = if inc < 0 {
        // SAFETY: the offset stays inside the caller's array (see the contract above).
        unsafe { ptr.add((n - 1) * inc.unsigned_abs() as usize) }
    } else {
        ptr
    };
    // SAFETY: forwarded to the caller.
    unsafe { ColRef::from_raw_parts(start, n, inc as isize) }
}

/// Mutable counterpart of [`vec_ref`].
///
/// # Safety
/// As [`vec_ref`], plus valid for writes and not aliased.
#[inline]
pub(crate) unsafe fn vec_mut<'a, T>(ptr: *mut T, n: usize, inc: i32) -> ColMut<'a, T> {
    let start = if inc < 0 {
        // SAFETY: the offset stays inside the caller's array.
        unsafe { ptr.add((n - 1) * inc.unsigned_abs() as usize) }
    } else {
        ptr
    };
    // SAFETY: forwarded to the caller.
    unsafe { ColMut::from_raw_parts_mut(start, n, inc as isize) }
}

/// Number of `T` elements whose bytes hold a [`MemStack`] for `req` at any alignment.
pub(crate) fn stack_elems<T>(req: StackReq) -> usize {
    req.unaligned_bytes_required()
        .div_ceil(core::mem::size_of::<T>())
}

/// Runs `f` with a scratch stack for `req`: the caller's LAPACK `work` array when it is large
/// enough (no allocation on the hot path once the caller has run the workspace query), a heap
/// buffer otherwise.
///
/// # Safety
/// `work` must be valid for reads and writes of `lwork` elements when `lwork > 0`, and must not
/// alias any other array used inside `f`.
pub(crate) unsafe fn with_stack<T, R>(
    work: *mut T,
    lwork: i32,
    req: StackReq,
    f: impl FnOnce(&mut MemStack) -> R,
) -> R {
    let have = if lwork > 0 { lwork as usize } else { 0 };
    if have > 0 && have >= stack_elems::<T>(req) {
        // SAFETY: `work` holds `have` elements of `T` (caller's contract); every bit pattern is a
        // valid `f64`/`f32`, so letting faer write arbitrary bytes there is sound.
        let bytes = unsafe {
            core::slice::from_raw_parts_mut(
                work as *mut MaybeUninit<u8>,
                have * core::mem::size_of::<T>(),
            )
        };
        f(MemStack::new(bytes))
    } else {
        let mut buf = MemBuffer::new(req);
        f(MemStack::new(&mut buf))
    }
}

/// Reports a bad argument of a BLAS routine (which has no `info`), like reference `XERBLA`
/// but without stopping the program: the routine then returns without touching its outputs.
pub(crate) fn xerbla(name: &str, arg: i32) {
    eprintln!(" ** On entry to {name} parameter number {arg} had an illegal value");
}
