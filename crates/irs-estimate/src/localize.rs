//! Multi-view localization: weighted least-squares bearings-only fusion (Stansfield, the paper's
//! ref. [30], in 3-D), Gauss–Newton refinement, and the position CRB from the angle FIMs.
//!
//! Geometry of one IRS: an orthonormal triad (e_v vertical axis, e_h horizontal axis, e_n normal
//! pointing to the sensed half-space). The unit direction from the IRS to the target is
//! d = cos θ e_v + sin θ cos φ e_h + sin θ sin φ e_n, matching eqs. (2)–(4): u = cos θ drives the
//! vertical phase and v = sin θ cos φ the horizontal one.

use crate::crb::sym_inverse;
use crate::error::EstimateError;
use serde::{Deserialize, Serialize};

type V3 = [f64; 3];

fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn lin(a: V3, ca: f64, b: V3, cb: f64, c: V3, cc: f64) -> V3 {
    [
        ca * a[0] + cb * b[0] + cc * c[0],
        ca * a[1] + cb * b[1] + cc * c[1],
        ca * a[2] + cb * b[2] + cc * c[2],
    ]
}
fn norm(a: V3) -> f64 {
    dot(a, a).sqrt()
}

/// Position (m) and orientation of one IRS.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IrsPose {
    /// Array reference element position (m).
    pub position_m: V3,
    /// e_v, the array's vertical axis (θ is measured from it).
    pub vertical_axis: V3,
    /// e_h, the horizontal axis (φ is measured from it, in the plane ⊥ e_v).
    pub horizontal_axis: V3,
    /// e_n, the normal towards the sensed half-space (sin φ > 0 there).
    pub normal: V3,
}

impl IrsPose {
    /// Validates: finite entries, an orthonormal triad (tolerance 1e-9).
    pub fn new(
        position_m: V3,
        vertical_axis: V3,
        horizontal_axis: V3,
        normal: V3,
    ) -> Result<Self, EstimateError> {
        for (field, v) in [
            ("position_m", position_m),
            ("vertical_axis", vertical_axis),
            ("horizontal_axis", horizontal_axis),
            ("normal", normal),
        ] {
            if v.iter().any(|x| !x.is_finite()) {
                return Err(EstimateError::NonFinite { field });
            }
        }
        let axes = [
            ("vertical_axis", vertical_axis),
            ("horizontal_axis", horizontal_axis),
            ("normal", normal),
        ];
        for (i, (fa, a)) in axes.iter().enumerate() {
            if (norm(*a) - 1.0).abs() > 1e-9 {
                return Err(EstimateError::InvalidValue {
                    field: fa,
                    value: norm(*a),
                    reason: "axis must have unit length",
                });
            }
            for (fb, b) in axes.iter().skip(i + 1) {
                if dot(*a, *b).abs() > 1e-9 {
                    return Err(EstimateError::InvalidValue {
                        field: fb,
                        value: dot(*a, *b),
                        reason: "axes must be mutually orthogonal",
                    });
                }
            }
        }
        Ok(Self {
            position_m,
            vertical_axis,
            horizontal_axis,
            normal,
        })
    }

    /// d(θ, φ), the unit direction from the IRS towards (θ, φ).
    pub fn direction(&self, theta_rad: f64, phi_rad: f64) -> V3 {
        let (st, ct) = theta_rad.sin_cos();
        let (sp, cp) = phi_rad.sin_cos();
        lin(
            self.vertical_axis,
            ct,
            self.horizontal_axis,
            st * cp,
            self.normal,
            st * sp,
        )
    }

    /// (θ, φ) of a point `x_m` seen from this IRS: θ = acos(e_v·d), φ = atan2(e_n·d, e_h·d).
    pub fn angles_of(&self, x_m: V3) -> (f64, f64) {
        let r = sub(x_m, self.position_m);
        let rn = norm(r);
        let u = (dot(self.vertical_axis, r) / rn).clamp(-1.0, 1.0);
        (
            u.acos(),
            dot(self.normal, r).atan2(dot(self.horizontal_axis, r)),
        )
    }

    /// ∂(θ, φ)/∂x at `x_m` (rows θ, φ; 1/m): ∂θ/∂x = −(e_v − u d)/(ρ sin θ),
    /// ∂φ/∂x = (h e_n − n e_h)/(h² + n²) with h = e_h·(x−p), n = e_n·(x−p).
    pub fn angle_jacobian(&self, x_m: V3) -> [V3; 2] {
        let r = sub(x_m, self.position_m);
        let rho = norm(r);
        let d = [r[0] / rho, r[1] / rho, r[2] / rho];
        let u = dot(self.vertical_axis, d);
        let st = (1.0 - u * u).max(0.0).sqrt();
        let c = -1.0 / (rho * st);
        let dth = [
            c * (self.vertical_axis[0] - u * d[0]),
            c * (self.vertical_axis[1] - u * d[1]),
            c * (self.vertical_axis[2] - u * d[2]),
        ];
        let h = dot(self.horizontal_axis, r);
        let n = dot(self.normal, r);
        let q = h * h + n * n;
        let dph = lin(
            self.normal,
            h / q,
            self.horizontal_axis,
            -n / q,
            [0.0; 3],
            0.0,
        );
        [dth, dph]
    }
}

/// One IRS's bearing: its pose, the estimated DoA and (optionally) the angle error covariance
/// (e.g. the 2×2 angle CRB, rad²) used as weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bearing {
    /// Where the IRS is and how it is oriented.
    pub pose: IrsPose,
    /// θ̂ (rad).
    pub theta_rad: f64,
    /// φ̂ (rad).
    pub phi_rad: f64,
    /// Covariance of (θ̂, φ̂) (rad²); `None` weights all bearings' angles equally (unit variance).
    pub angle_cov: Option<[[f64; 2]; 2]>,
}

/// Options of [`localize`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LocalizeOptions {
    /// Stansfield re-weighting passes with ranges from the previous estimate. Default 3.
    pub reweight_iters: usize,
    /// Gauss–Newton iterations on the angle residuals after the WLS (0 = plain Stansfield). Default 10.
    pub gauss_newton_iters: usize,
}

impl Default for LocalizeOptions {
    fn default() -> Self {
        Self {
            reweight_iters: 3,
            gauss_newton_iters: 10,
        }
    }
}

/// A fused position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PositionEstimate {
    /// The WLS (Stansfield) position (m).
    pub stansfield_m: V3,
    /// After Gauss–Newton on the angle residuals (m); equals `stansfield_m` if 0 iterations.
    pub position_m: V3,
}

fn solve3(a: [[f64; 3]; 3], b: V3) -> Option<V3> {
    let inv = sym_inverse(&a)?;
    Some([dot(inv[0], b), dot(inv[1], b), dot(inv[2], b)])
}

fn cov_or_identity(b: &Bearing) -> [[f64; 2]; 2] {
    b.angle_cov.unwrap_or([[1.0, 0.0], [0.0, 1.0]])
}

/// Bearings-only localization. WLS step (Stansfield): the residual of IRS l is the offset of the
/// target from the estimated bearing line in the plane ⊥ d̂_l, r_l = E_lᵀ(x − p_l) with
/// E_l = [∂d/∂θ, (∂d/∂φ)/sin θ]; its covariance is ρ_l² D C_l D, D = diag(1, sin θ), so
/// x = (Σ E W Eᵀ)⁻¹ Σ E W Eᵀ p_l with W_l = (ρ_l² D C_l D)⁻¹, ranges ρ_l re-estimated each pass.
/// Then Gauss–Newton on Σ (α_l(x) − α̂_l)ᵀ C_l⁻¹ (α_l(x) − α̂_l) (the ML position for Gaussian angle
/// errors). Exact bearings give the exact position in either step.
///
/// Errors: fewer than two bearings, non-finite angles, a singular covariance, or (near-)parallel
/// bearings that do not fix a point.
pub fn localize(
    bearings: &[Bearing],
    opts: &LocalizeOptions,
) -> Result<PositionEstimate, EstimateError> {
    if bearings.len() < 2 {
        return Err(EstimateError::Unlocalizable {
            reason: "need at least two bearings",
        });
    }
    let mut wts = Vec::with_capacity(bearings.len());
    for b in bearings {
        if !b.theta_rad.is_finite() || !b.phi_rad.is_finite() {
            return Err(EstimateError::NonFinite {
                field: "bearing angle",
            });
        }
        let c = cov_or_identity(b);
        let ci = sym_inverse(&c).ok_or(EstimateError::NotPositive {
            field: "angle_cov",
            kind: "",
        })?;
        wts.push(ci);
    }
    let frames: Vec<(V3, V3, V3, f64)> = bearings
        .iter()
        .map(|b| {
            let (st, ct) = b.theta_rad.sin_cos();
            let (sp, cp) = b.phi_rad.sin_cos();
            let p = &b.pose;
            let d = p.direction(b.theta_rad, b.phi_rad);
            let e1 = lin(
                p.vertical_axis,
                -st,
                p.horizontal_axis,
                ct * cp,
                p.normal,
                ct * sp,
            );
            let e2 = lin(p.vertical_axis, 0.0, p.horizontal_axis, -sp, p.normal, cp);
            (d, e1, e2, st)
        })
        .collect();
    let mut ranges = vec![1.0; bearings.len()];
    let mut x = [0.0; 3];
    for pass in 0..=opts.reweight_iters {
        let mut a = [[0.0; 3]; 3];
        let mut rhs = [0.0; 3];
        for (l, b) in bearings.iter().enumerate() {
            let (_, e1, e2, st) = frames[l];
            // W = (ρ² D C D)⁻¹ = D⁻¹ C⁻¹ D⁻¹ / ρ².
            let ci = wts[l];
            let dd = [1.0, 1.0 / st.max(1e-12)];
            let rho2 = ranges[l] * ranges[l];
            let w = [
                [
                    ci[0][0] * dd[0] * dd[0] / rho2,
                    ci[0][1] * dd[0] * dd[1] / rho2,
                ],
                [
                    ci[1][0] * dd[1] * dd[0] / rho2,
                    ci[1][1] * dd[1] * dd[1] / rho2,
                ],
            ];
            let e = [e1, e2];
            let pe = [dot(e1, b.pose.position_m), dot(e2, b.pose.position_m)];
            for i in 0..3 {
                for j in 0..3 {
                    for (k1, ek1) in e.iter().enumerate() {
                        for (k2, ek2) in e.iter().enumerate() {
                            a[i][j] += ek1[i] * w[k1][k2] * ek2[j];
                        }
                    }
                }
                for (k1, ek1) in e.iter().enumerate() {
                    for k2 in 0..2 {
                        rhs[i] += ek1[i] * w[k1][k2] * pe[k2];
                    }
                }
            }
        }
        x = solve3(a, rhs).ok_or(EstimateError::Unlocalizable {
            reason: "bearings are parallel or degenerate",
        })?;
        if pass < opts.reweight_iters {
            for (l, b) in bearings.iter().enumerate() {
                let rr = dot(frames[l].0, sub(x, b.pose.position_m));
                ranges[l] = rr.abs().max(1e-6);
            }
        }
    }
    let stansfield = x;
    // Gauss–Newton with backtracking: a step is taken only if it lowers the weighted angle cost,
    // so poor (low-SNR) bearings cannot make the refinement diverge from the WLS point.
    let cost = |x: V3| -> f64 {
        bearings
            .iter()
            .zip(&wts)
            .map(|(b, ci)| {
                let (th, ph) = b.pose.angles_of(x);
                let r = [b.theta_rad - th, wrap_pi(b.phi_rad - ph)];
                r[0] * (ci[0][0] * r[0] + ci[0][1] * r[1])
                    + r[1] * (ci[1][0] * r[0] + ci[1][1] * r[1])
            })
            .sum()
    };
    let mut c = cost(x);
    for _ in 0..opts.gauss_newton_iters {
        let mut a = [[0.0; 3]; 3];
        let mut g = [0.0; 3];
        for (l, b) in bearings.iter().enumerate() {
            let (th, ph) = b.pose.angles_of(x);
            let res = [b.theta_rad - th, wrap_pi(b.phi_rad - ph)];
            let jac = b.pose.angle_jacobian(x);
            let ci = wts[l];
            for i in 0..3 {
                for k1 in 0..2 {
                    for k2 in 0..2 {
                        g[i] += jac[k1][i] * ci[k1][k2] * res[k2];
                        for j in 0..3 {
                            a[i][j] += jac[k1][i] * ci[k1][k2] * jac[k2][j];
                        }
                    }
                }
            }
        }
        let Some(mut dx) = solve3(a, g) else { break };
        if dx.iter().any(|v| !v.is_finite()) {
            break;
        }
        let mut accepted = false;
        for _ in 0..30 {
            let xn = [x[0] + dx[0], x[1] + dx[1], x[2] + dx[2]];
            let cn = cost(xn);
            if cn.is_finite() && cn <= c {
                x = xn;
                c = cn;
                accepted = true;
                break;
            }
            dx = [0.5 * dx[0], 0.5 * dx[1], 0.5 * dx[2]];
        }
        if !accepted || norm(dx) < 1e-13 * norm(x).max(1.0) {
            break;
        }
    }
    // With poor bearings the angle cost can keep decreasing towards infinity (bearing lines that
    // diverge). Keep the refinement only if it stays in front of every IRS and within the WLS
    // point's own range scale; otherwise report the WLS point.
    let scale = bearings.iter().fold(0.0_f64, |a, b| {
        a.max(norm(sub(stansfield, b.pose.position_m)))
    });
    let in_front = bearings
        .iter()
        .all(|b| dot(b.pose.normal, sub(x, b.pose.position_m)) > 0.0);
    if !in_front || norm(sub(x, stansfield)) > scale || x.iter().any(|v| !v.is_finite()) {
        x = stansfield;
    }
    Ok(PositionEstimate {
        stansfield_m: stansfield,
        position_m: x,
    })
}

fn wrap_pi(a: f64) -> f64 {
    let t = std::f64::consts::TAU;
    a - t * ((a + 0.5 * t) / t).floor()
}

/// Position CRB (m²): (Σ_l J_lᵀ F_l J_l)⁻¹ with J_l = ∂(θ_l, φ_l)/∂x at the true position and F_l the
/// effective 2×2 angle FIM of IRS l (β a nuisance). If the views do not fix the position (singular
/// information) the diagonal is +∞.
pub fn position_crb(
    poses: &[IrsPose],
    target_m: V3,
    angle_fims: &[[[f64; 2]; 2]],
) -> Result<[[f64; 3]; 3], EstimateError> {
    if poses.len() != angle_fims.len() {
        return Err(EstimateError::DimensionMismatch {
            field: "angle_fims",
            expected: (poses.len(), 1),
            got: (angle_fims.len(), 1),
        });
    }
    let mut f = [[0.0; 3]; 3];
    for (pose, fl) in poses.iter().zip(angle_fims) {
        let j = pose.angle_jacobian(target_m);
        for a in 0..3 {
            for b in 0..3 {
                for k1 in 0..2 {
                    for k2 in 0..2 {
                        f[a][b] += j[k1][a] * fl[k1][k2] * j[k2][b];
                    }
                }
            }
        }
    }
    Ok(sym_inverse(&f).unwrap_or([
        [f64::INFINITY, 0.0, 0.0],
        [0.0, f64::INFINITY, 0.0],
        [0.0, 0.0, f64::INFINITY],
    ]))
}
