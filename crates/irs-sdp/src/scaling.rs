//! Jacobi-scaling helpers for models with a FIM-like block (see `docs/numerics.md` of the workspace).
//!
//! The paper's SDPs span about 20 orders of magnitude unscaled (noise 1e-11 W, F_θθ ≈ 1,
//! F_ββ ≈ 1e9–1e11) and Clarabel fails on most of them. What was measured to work (`docs/numerics.md`):
//!
//! 1. write `R = P_t·R̂` and divide each power row by its budget (plain expression arithmetic:
//!    `model.le("bs power", r.trace() * (1.0 / budget_w), 1.0)`);
//! 2. Jacobi-scale each FIM, `F̃ = S F S` with `S = diag(F(R_ref))^{-1/2}` at a reference point
//!    ([`jacobi_scale`] and [`AffSymMat::congruence_diag`](crate::AffSymMat::congruence_diag)),
//!    and bound the weighted trace `tr F⁻¹ = Σ_i s_i² [F̃⁻¹]_ii` ([`trace_inv_weights`] with
//!    [`Model::weighted_trace_inv_le_with`](crate::Model::weighted_trace_inv_le_with));
//! 3. solve with Clarabel's equilibration off ([`Settings::prescaled`](crate::Settings::prescaled)).
//!
//! Which reference point and budgets to use is the caller's decision.

use crate::error::SdpError;

/// Jacobi scale factors `s_i = d_i^{-1/2}` from the diagonal `d` of a FIM at a reference point
/// (length k, every entry positive and finite).
pub fn jacobi_scale(diag: &[f64]) -> Result<Vec<f64>, SdpError> {
    diag.iter()
        .enumerate()
        .map(|(i, &d)| {
            if d.is_finite() && d > 0.0 {
                Ok(1.0 / d.sqrt())
            } else {
                Err(SdpError::InvalidValue {
                    reason: format!("jacobi_scale: diagonal entry {i} is {d}, not positive"),
                })
            }
        })
        .collect()
}

/// Weights for bounding `tr(F⁻¹)` (over `indices`) through a Jacobi-scaled `F̃ = S F S`:
/// since `[F⁻¹]_ii = s_i² [F̃⁻¹]_ii`, `Σ_{i∈indices} [F⁻¹]_ii = factor · Σ_j w_j [F̃⁻¹]_{i_j i_j}`
/// with `w_j = s_{i_j}² / factor` and `factor = max s_{i_j}²` (weights normalised to at most 1,
/// as the optimizers do). Returns `(weights, factor)`; a bound `≤ t` on the weighted trace then means
/// `Σ [F⁻¹]_ii ≤ factor·t` in the original units (e.g. rad²).
pub fn trace_inv_weights(
    s: &[f64],
    indices: &[usize],
) -> Result<(Vec<(usize, f64)>, f64), SdpError> {
    let mut sq = Vec::with_capacity(indices.len());
    for &i in indices {
        let v = *s.get(i).ok_or_else(|| SdpError::InvalidValue {
            reason: format!(
                "trace_inv_weights: index {i} but only {} scale factors",
                s.len()
            ),
        })?;
        if !(v.is_finite() && v > 0.0) {
            return Err(SdpError::InvalidValue {
                reason: format!("trace_inv_weights: scale factor {i} is {v}"),
            });
        }
        sq.push((i, v * v));
    }
    let factor = sq.iter().map(|&(_, w)| w).fold(0.0, f64::max);
    if factor == 0.0 {
        return Err(SdpError::InvalidValue {
            reason: "trace_inv_weights: no index".into(),
        });
    }
    Ok((
        sq.into_iter().map(|(i, w)| (i, w / factor)).collect(),
        factor,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_scaled_trace_equals_original_trace_of_inverse() {
        // F = [[4, 1], [1, 9e6]]: F⁻¹ diagonal by hand: det = 3.6e7 - 1.
        let f = [[4.0, 1.0], [1.0, 9e6]];
        let det = f[0][0] * f[1][1] - f[0][1] * f[1][0];
        let tr_inv = (f[1][1] + f[0][0]) / det;
        let s = jacobi_scale(&[f[0][0], f[1][1]]).unwrap();
        let ft = [
            [f[0][0] * s[0] * s[0], f[0][1] * s[0] * s[1]],
            [f[1][0] * s[1] * s[0], f[1][1] * s[1] * s[1]],
        ];
        let dt = ft[0][0] * ft[1][1] - ft[0][1] * ft[1][0];
        let ft_inv_diag = [ft[1][1] / dt, ft[0][0] / dt];
        let (w, factor) = trace_inv_weights(&s, &[0, 1]).unwrap();
        let weighted: f64 = w.iter().map(|&(i, wi)| wi * ft_inv_diag[i]).sum();
        assert!((factor * weighted - tr_inv).abs() < 1e-15 * tr_inv.abs().max(1.0));
        assert!(w.iter().all(|&(_, wi)| wi <= 1.0) && w.iter().any(|&(_, wi)| wi == 1.0));
    }

    #[test]
    fn non_positive_diagonal_is_rejected() {
        assert!(jacobi_scale(&[1.0, 0.0]).is_err());
        assert!(jacobi_scale(&[1.0, f64::NAN]).is_err());
    }
}
