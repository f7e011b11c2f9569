//! Small dense helpers (validation, Hermitian parts, trace products) shared by the set-ups.

use crate::{FimError, C64};
use faer::{Mat, MatRef};

pub(crate) const ZERO: C64 = C64 { re: 0.0, im: 0.0 };
pub(crate) const ONE: C64 = C64 { re: 1.0, im: 0.0 };
pub(crate) const J: C64 = C64 { re: 0.0, im: 1.0 };

/// Relative asymmetry above which a matrix is rejected as non-Hermitian.
pub(crate) const HERMITIAN_TOL: f64 = 1e-8;

pub(crate) fn check_shape(
    field: &'static str,
    x: MatRef<'_, C64>,
    rows: usize,
    cols: usize,
) -> Result<(), FimError> {
    if x.nrows() != rows || x.ncols() != cols {
        return Err(FimError::Shape {
            field,
            expected_rows: rows,
            expected_cols: cols,
            got_rows: x.nrows(),
            got_cols: x.ncols(),
        });
    }
    for j in 0..cols {
        for i in 0..rows {
            let v = x[(i, j)];
            if !(v.re.is_finite() && v.im.is_finite()) {
                return Err(FimError::NonFinite { field });
            }
        }
    }
    Ok(())
}

/// Shape, finiteness and Hermitian symmetry (relative asymmetry ≤ 1e-8).
pub(crate) fn check_hermitian(
    field: &'static str,
    x: MatRef<'_, C64>,
    n: usize,
) -> Result<(), FimError> {
    check_shape(field, x, n, n)?;
    // Squared moduli: no hypot in this per-call O(n²) check.
    let mut scale2: f64 = 0.0;
    let mut asym2: f64 = 0.0;
    for j in 0..n {
        for i in j..n {
            let (a, b) = (x[(i, j)], x[(j, i)]);
            scale2 = scale2.max(a.norm_sqr()).max(b.norm_sqr());
            asym2 = asym2.max((a - b.conj()).norm_sqr());
        }
    }
    if asym2 > HERMITIAN_TOL * HERMITIAN_TOL * scale2 {
        return Err(FimError::NotHermitian {
            field,
            asymmetry: (asym2 / scale2).sqrt(),
        });
    }
    Ok(())
}

pub(crate) fn check_vec(field: &'static str, x: &[C64], n: usize) -> Result<(), FimError> {
    if x.len() != n {
        return Err(FimError::Length {
            field,
            expected: n,
            got: x.len(),
        });
    }
    if x.iter().any(|v| !(v.re.is_finite() && v.im.is_finite())) {
        return Err(FimError::NonFinite { field });
    }
    Ok(())
}

pub(crate) fn check_nonneg(field: &'static str, v: f64) -> Result<(), FimError> {
    if !v.is_finite() {
        return Err(FimError::NonFinite { field });
    }
    if v < 0.0 {
        return Err(FimError::OutOfRange {
            field,
            requirement: ">= 0",
            value: v,
        });
    }
    Ok(())
}

pub(crate) fn check_positive(field: &'static str, v: f64) -> Result<(), FimError> {
    if !v.is_finite() {
        return Err(FimError::NonFinite { field });
    }
    if v <= 0.0 {
        return Err(FimError::OutOfRange {
            field,
            requirement: "> 0",
            value: v,
        });
    }
    Ok(())
}

/// (X + Xᴴ)/2.
pub(crate) fn herm_part(x: MatRef<'_, C64>) -> Mat<C64> {
    let n = x.nrows();
    Mat::from_fn(n, n, |i, j| (x[(i, j)] + x[(j, i)].conj()) * 0.5)
}

/// Re tr(K X) = Re Σ_ij K_ij X_ji for square K, X of equal size.
pub(crate) fn re_tr_prod(k: MatRef<'_, C64>, x: MatRef<'_, C64>) -> f64 {
    let n = k.nrows();
    let mut acc = 0.0;
    for j in 0..n {
        for i in 0..n {
            let a = k[(i, j)];
            let b = x[(j, i)];
            acc += a.re * b.re - a.im * b.im;
        }
    }
    acc
}

/// tr(X).
pub(crate) fn trace(x: MatRef<'_, C64>) -> C64 {
    (0..x.nrows()).map(|i| x[(i, i)]).sum()
}

/// Σ_i conj(x_i) y_i.
pub(crate) fn dotc(x: &[C64], y: &[C64]) -> C64 {
    x.iter().zip(y).map(|(a, b)| a.conj() * b).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re_tr_prod_matches_the_dense_product() {
        let a = Mat::from_fn(4, 4, |i, j| {
            C64::new((i + 2 * j) as f64 * 0.3, i as f64 - j as f64)
        });
        let k = &a * a.adjoint();
        let b = Mat::from_fn(4, 4, |i, j| {
            C64::new(1.0 / (1 + i + j) as f64, (i * j) as f64 * 0.1)
        });
        let x = &b + b.adjoint();
        let p = &k * &x;
        let tr: f64 = (0..4).map(|i| p[(i, i)].re).sum();
        assert!((re_tr_prod(k.as_ref(), x.as_ref()) - tr).abs() < 1e-12 * tr.abs().max(1.0));
    }
}
