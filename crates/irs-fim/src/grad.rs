//! Exact analytic gradients of the CRB and of the IRS power in the factor V of R_s = V Vᴴ and in ψ,
//! for both set-ups — what a joint (R_s, ψ) optimiser needs (`irs-design`'s joint method).
//!
//! # Convention
//! For a real function f of a complex array z, the gradient is g = ∂f/∂Re z + j ∂f/∂Im z, so that
//! df = Re Σ conj(g)·dz: a step z − t·g descends, and a constraint's gradient is read the same way.
//!
//! # Derivation (reverse mode through eq. 15)
//! With R_s = V Vᴴ (M×r, r ≤ 3 suffices: `docs/model.md`), E_p = D_p V where D_p = ∂D/∂ξ_p is the
//! derivative of the echo's mean matrix (y_t = D s_t + noise, eqs. 13 and 33) and R̃ = R/σ² the
//! noise-normalised covariance (R_w/σ_b² at the BS, R̄/σ_s² at the IRS sensors):
//!
//!   F_pq = (2T_L/σ²) Re tr(E_pᴴ R̃⁻¹ E_q) + T_L tr(R̃⁻¹ R̃_p R̃⁻¹ R̃_q).
//!
//! For f = tr(S F⁻¹) (S selects all of ξ for [`CrbKind::Full`], θ and φ for [`CrbKind::AngleOnly`]),
//! df = Σ W_pq dF_pq with W = −F⁻¹ S F⁻¹ (symmetric). With Q_p = R̃⁻¹ Σ_q W_pq E_q and Z_p = R̃⁻¹ E_p:
//! - ∇_V f = (4T_L/σ²) Σ_p D_pᴴ Q_p;
//! - df contains Re tr(Λ_p dD_p) with Λ_p = (4T_L/σ²) V Q_pᴴ (D_p is linear in ψ through
//!   u_k = Gᵀ(ψ ∘ ζ_k ∘ a)), Re tr(Ā dR̃) with Ā = −(2T_L/σ²) Σ_p Q_p Z_pᴴ − 2T_L Σ_pq W_pq
//!   R̃⁻¹R̃_pR̃⁻¹R̃_qR̃⁻¹, and Re tr(Ā_p dR̃_p) with Ā_p = 2T_L Σ_q W_pq R̃⁻¹R̃_qR̃⁻¹ (covariance term,
//!   sensing at the IRSs only);
//! - at the BS R̃ = I + (σ_r²/σ_b²) GᵀΨΨᴴG* depends on each |ψ_n|²; at the IRS sensors
//!   R̃ = I + (σ_r²|β|²/σ_s²)‖ψ‖² āāᴴ and R̃_p scale with ‖ψ‖².
//!
//! The IRS powers (8) and (34)/(47) are differentiated term by term. Every formula is checked
//! against central finite differences in `tests/gradients.rs`.

use crate::link::{ArrayAt, LinkParams};
use crate::setup::SensingModel;
use crate::util::{check_shape, check_vec, ZERO};
use crate::{CrbKind, Fim, FimError, SensingAtBs, SensingAtIrs, SensingLink, C64};
use faer::linalg::solvers::Solve;
use faer::{Mat, MatRef, Side};

/// The CRB of one link and its gradients at a design (V, ψ).
#[derive(Debug, Clone)]
pub struct CrbGradient {
    /// The CRB of the requested kind at R_s = V Vᴴ (rad² for [`CrbKind::AngleOnly`]); +∞ when the
    /// FIM is singular, and then both gradients are zero.
    pub crb: f64,
    /// The FIM at the design.
    pub fim: Fim,
    /// ∇_V CRB, M×r (same shape as V).
    pub grad_v: Mat<C64>,
    /// ∇_ψ CRB, length N.
    pub grad_psi: Vec<C64>,
}

/// The IRS transmit power of one link and its gradients at a design (V, ψ).
#[derive(Debug, Clone)]
pub struct PowerGradient {
    /// The IRS power (eq. 8 at the BS, eq. 34 at the IRSs) at R_s = V Vᴴ, W.
    pub power_w: f64,
    /// ∇_V power, M×r, W per unit of V.
    pub grad_v: Mat<C64>,
    /// ∇_ψ power, length N, W.
    pub grad_psi: Vec<C64>,
}

/// Gradients of the true model in the factor V (R_s = V Vᴴ, M×r) and in ψ (length N).
pub trait Gradients: SensingModel {
    /// The CRB of `kind` at (V Vᴴ, ψ) and its gradients (convention: module docs).
    fn crb_gradient(
        &self,
        v: MatRef<'_, C64>,
        psi: &[C64],
        kind: CrbKind,
    ) -> Result<CrbGradient, FimError>;

    /// The IRS power at (V Vᴴ, ψ) and its gradients.
    fn irs_power_gradient(
        &self,
        v: MatRef<'_, C64>,
        psi: &[C64],
    ) -> Result<PowerGradient, FimError>;
}

/// The echo's structure per set-up: where the mean lives and how the covariance depends on ψ.
enum Receiver<'a> {
    /// Echo at the BS: rows = M, D = β u₀u₀ᵀ, R̃ = I + ρ GᵀΨΨᴴG*, ρ = σ_r²/σ_b².
    Bs { rho: f64 },
    /// Echo at the IRS sensors: rows = N̄, D = β x₀u₀ᵀ with the sensor vectors x_k = ζ_k ∘ ā,
    /// R̃ = I + κ₀‖ψ‖² x₀x₀ᴴ, κ₀ = σ_r²|β|²/σ_s²; `e0` = σ_r²/σ_s²·[|β|², |β|², 2Re β, 2Im β].
    Irs {
        x: &'a [Vec<C64>; 3],
        kappa0: f64,
        e0: [f64; 4],
    },
}

/// Which pair of vector indices (a, b) builds each ξ's derivative term x_a y_bᵀ: θ uses (1,0),(0,1),
/// φ uses (2,0),(0,2), Re β and Im β use (0,0).
const PAIRS: [&[(usize, usize)]; 4] = [&[(1, 0), (0, 1)], &[(2, 0), (0, 2)], &[(0, 0)], &[(0, 0)]];

fn coef(beta: C64, p: usize) -> C64 {
    match p {
        0 | 1 => beta,
        2 => C64::new(1.0, 0.0),
        _ => C64::new(0.0, 1.0),
    }
}

/// u_k = Gᵀ(ψ ∘ w_k), w_k = ζ_k ∘ a, for k = 0, 1, 2 (each of length M).
fn u_vectors(g: MatRef<'_, C64>, w: &[Vec<C64>; 3], psi: &[C64]) -> [Vec<C64>; 3] {
    let (n, m) = (g.nrows(), g.ncols());
    std::array::from_fn(|k| {
        let mut u = vec![ZERO; m];
        for i in 0..n {
            let c = psi[i] * w[k][i];
            if c == ZERO {
                continue;
            }
            for (j, uj) in u.iter_mut().enumerate() {
                *uj += g[(i, j)] * c;
            }
        }
        u
    })
}

/// xᵀ V (length r).
fn t_times(x: &[C64], v: MatRef<'_, C64>) -> Vec<C64> {
    (0..v.ncols())
        .map(|j| x.iter().enumerate().map(|(i, xi)| xi * v[(i, j)]).sum())
        .collect()
}

/// xᴴ Y (length = columns of Y).
fn h_times(x: &[C64], y: MatRef<'_, C64>) -> Vec<C64> {
    (0..y.ncols())
        .map(|j| {
            x.iter()
                .enumerate()
                .map(|(i, xi)| xi.conj() * y[(i, j)])
                .sum()
        })
        .collect()
}

/// Products with R̃⁻¹ (see [`gradient`]).
enum RtInverse<'a> {
    /// At the BS: the Cholesky factor of R̃ (M×M).
    Llt(faer::linalg::solvers::Llt<C64>),
    /// At the IRS sensors: R̃⁻¹ = I − γ x₀x₀ᴴ.
    RankOne { x0: &'a [C64], gamma: f64 },
}

impl RtInverse<'_> {
    /// R̃⁻¹ Y.
    fn apply(&self, y: &Mat<C64>) -> Mat<C64> {
        match self {
            RtInverse::Llt(llt) => llt.solve(y),
            RtInverse::RankOne { x0, gamma } => {
                let xy = h_times(x0, y.as_ref());
                Mat::from_fn(y.nrows(), y.ncols(), |i, j| {
                    y[(i, j)] - x0[i] * xy[j] * *gamma
                })
            }
        }
    }
}

fn gradient(
    link: &LinkParams,
    sigma2_w: f64,
    receiver: Receiver<'_>,
    v: MatRef<'_, C64>,
    psi: &[C64],
    kind: CrbKind,
) -> Result<CrbGradient, FimError> {
    let (n, m) = (link.irs_elements(), link.bs_antennas());
    check_shape("v", v, m, v.ncols())?;
    check_vec("psi", psi, n)?;
    let r = v.ncols();
    let g = link.g();
    let beta = link.beta;
    let t_l = link.snapshots as f64;
    let at = ArrayAt::new(&link.irs, link.theta_rad, link.phi_rad);
    let w: [Vec<C64>; 3] = std::array::from_fn(|k| at.derivative(k));
    let u = u_vectors(g, &w, psi);
    let s_psi: f64 = psi.iter().map(|p| p.norm_sqr()).sum();
    // Left vectors x_a of the derivative terms x_a u_bᵀ: the u's themselves at the BS, sensors at the IRS.
    let left: &[Vec<C64>; 3] = match &receiver {
        Receiver::Bs { .. } => &u,
        Receiver::Irs { x, .. } => x,
    };
    let rows = left[0].len();
    // Products with R̃⁻¹ and the covariance derivatives R̃_p (IRS only). At the BS R̃ = I + ρ Gᵀ diag(|ψ|²) G*
    // (M×M) is factored: a product is a Cholesky solve with at most r right-hand sides, and Ā stays in low-rank
    // form. At the IRS sensors R̃ = I + κ₀‖ψ‖² x₀x₀ᴴ, so R̃⁻¹ = I − γ x₀x₀ᴴ with γ = κ₀s/(1 + κ₀s‖x₀‖²)
    // (Sherman–Morrison) and every product with it is a rank-one update: no N̄×N̄ product is formed.
    let (inverse, r_p): (RtInverse<'_>, Option<[Mat<C64>; 4]>) = match &receiver {
        Receiver::Bs { rho } => {
            let h = Mat::from_fn(n, m, |i, j| g[(i, j)].conj() * psi[i].norm_sqr());
            let gth = g.transpose() * h.as_ref();
            let rt = Mat::from_fn(m, m, |i, j| {
                let one = if i == j { 1.0 } else { 0.0 };
                gth[(i, j)] * *rho + one
            });
            let llt = rt
                .llt(Side::Lower)
                .map_err(|_| FimError::NotPositiveDefinite { field: "psi" })?;
            (RtInverse::Llt(llt), None)
        }
        Receiver::Irs { x, kappa0, e0 } => {
            let outer =
                |a: usize, b: usize| Mat::from_fn(rows, rows, |i, j| x[a][i] * x[b][j].conj());
            let r_p = std::array::from_fn(|p| {
                let mut acc = Mat::<C64>::zeros(rows, rows);
                for &(a, b) in PAIRS[p] {
                    acc += outer(a, b);
                }
                acc * faer::Scale(C64::new(e0[p] * s_psi, 0.0))
            });
            let k = kappa0 * s_psi;
            let x0n2: f64 = x[0].iter().map(|z| z.norm_sqr()).sum();
            let den = 1.0 + k * x0n2;
            if !(den.is_finite() && den > 0.0) {
                return Err(FimError::NotPositiveDefinite { field: "psi" });
            }
            let inverse = RtInverse::RankOne {
                x0: &x[0],
                gamma: k / den,
            };
            (inverse, Some(r_p))
        }
    };
    // E_p = D_p V = c_p Σ x_a (u_bᵀ V).
    let ut_v: [Vec<C64>; 3] = std::array::from_fn(|k| t_times(&u[k], v));
    let e: [Mat<C64>; 4] = std::array::from_fn(|p| {
        let c = coef(beta, p);
        let mut acc = Mat::<C64>::zeros(rows, r);
        for &(a, b) in PAIRS[p] {
            for j in 0..r {
                for i in 0..rows {
                    acc[(i, j)] += left[a][i] * ut_v[b][j] * c;
                }
            }
        }
        acc
    });
    let z: [Mat<C64>; 4] = std::array::from_fn(|p| inverse.apply(&e[p]));
    let mean_scale = 2.0 * t_l / sigma2_w;
    let mut f = [[0.0; 4]; 4];
    for p in 0..4 {
        for q in p..4 {
            let mut acc = 0.0;
            for j in 0..r {
                for i in 0..rows {
                    acc += (e[p][(i, j)].conj() * z[q][(i, j)]).re;
                }
            }
            f[p][q] = mean_scale * acc;
        }
    }
    // Covariance term T_L tr(R̃⁻¹R̃_pR̃⁻¹R̃_q) = T_L Re C_pq, with M_p = R̃⁻¹R̃_p and C_pq = tr(M_p M_q).
    let m_p: Option<[Mat<C64>; 4]> = r_p
        .as_ref()
        .map(|rp| std::array::from_fn(|p| inverse.apply(&rp[p])));
    let mut c_pq = [[ZERO; 4]; 4];
    if let Some(mp) = &m_p {
        for p in 0..4 {
            for q in p..4 {
                let mut acc = ZERO;
                for i in 0..rows {
                    for k in 0..rows {
                        acc += mp[p][(i, k)] * mp[q][(k, i)];
                    }
                }
                c_pq[p][q] = acc;
                c_pq[q][p] = acc;
                f[p][q] += t_l * acc.re;
            }
        }
    }
    for p in 0..4 {
        for q in 0..p {
            f[p][q] = f[q][p];
        }
    }
    let fim = Fim(f);
    let crb = fim.crb(kind);
    let zero_grad = |crb: f64| CrbGradient {
        crb,
        fim,
        grad_v: Mat::zeros(m, r),
        grad_psi: vec![ZERO; n],
    };
    let Some(finv) = fim.inverse() else {
        return Ok(zero_grad(f64::INFINITY));
    };
    if !crb.is_finite() {
        return Ok(zero_grad(f64::INFINITY));
    }
    let sel: [f64; 4] = match kind {
        CrbKind::Full => [1.0; 4],
        CrbKind::AngleOnly => [1.0, 1.0, 0.0, 0.0],
    };
    let mut wm = [[0.0; 4]; 4];
    for p in 0..4 {
        for q in 0..4 {
            wm[p][q] = -(0..4)
                .map(|k| finv[p][k] * sel[k] * finv[k][q])
                .sum::<f64>();
        }
    }
    // Q_p = R̃⁻¹ Σ_q W_pq E_q = Σ_q W_pq Z_q.
    let qm: [Mat<C64>; 4] = std::array::from_fn(|p| {
        let mut acc = Mat::<C64>::zeros(rows, r);
        for q in 0..4 {
            acc += &z[q] * faer::Scale(C64::new(wm[p][q], 0.0));
        }
        acc
    });
    let lam = 2.0 * mean_scale; // 4 T_L / σ²
                                // ∇_V f = lam Σ_p D_pᴴ Q_p, D_pᴴ = conj(c_p) Σ ū_b x_aᴴ.
    let mut grad_v = Mat::<C64>::zeros(m, r);
    // Cotangents c_k (length M) of u_k: df ⊃ Re(c_kᵀ du_k).
    let mut cot: [Vec<C64>; 3] = std::array::from_fn(|_| vec![ZERO; m]);
    for p in 0..4 {
        let c = coef(beta, p);
        for &(a, b) in PAIRS[p] {
            let xq = h_times(&left[a], qm[p].as_ref()); // x_aᴴ Q_p (length r)
            for j in 0..r {
                let s = xq[j] * c.conj() * lam;
                for i in 0..m {
                    grad_v[(i, j)] += u[b][i].conj() * s;
                }
            }
            // Λ_p = lam V Q_pᴴ; term c x_a u_bᵀ: c_b += c Λ_p x_a, and (BS) c_a += c Λ_pᵀ u_b.
            // Λ_p x_a = lam V (Q_pᴴ x_a) = lam V conj(x_aᴴ Q_p).
            for i in 0..m {
                let mut acc = ZERO;
                for j in 0..r {
                    acc += v[(i, j)] * xq[j].conj();
                }
                cot[b][i] += acc * c * lam;
            }
            if let Receiver::Bs { .. } = receiver {
                // Λ_pᵀ u_b = lam conj(Q_p) (Vᵀ u_b).
                for i in 0..rows {
                    let mut acc = ZERO;
                    for j in 0..r {
                        acc += qm[p][(i, j)].conj() * ut_v[b][j];
                    }
                    cot[a][i] += acc * c * lam;
                }
            }
        }
    }
    // h (df = Re Σ h_n dψ_n) from the u cotangents: du_k = Gᵀ diag(w_k) dψ.
    let mut h = vec![ZERO; n];
    for k in 0..3 {
        for i in 0..n {
            let mut acc = ZERO;
            for j in 0..m {
                acc += g[(i, j)] * cot[k][j];
            }
            h[i] += acc * w[k][i];
        }
    }
    // Ā (adjoint of dR̃).
    match &receiver {
        Receiver::Bs { rho } => {
            // Re tr(Ā dR̃) = ρ Σ_n (G*ĀGᵀ)_nn d|ψ_n|², with Ā = −(2T_L/σ²) Σ_p Q_p Z_pᴴ in low rank:
            // (G* Q Zᴴ Gᵀ)_nn = Σ_k (G*Q)_nk · conj((G*Z)_nk).
            for p in 0..4 {
                let gq = g.conjugate() * qm[p].as_ref();
                let gz = g.conjugate() * z[p].as_ref();
                for i in 0..n {
                    let mut d = ZERO;
                    for k in 0..r {
                        d += gq[(i, k)] * gz[(i, k)].conj();
                    }
                    h[i] -= psi[i].conj() * (2.0 * rho * mean_scale * d.re);
                }
            }
        }
        Receiver::Irs { x, kappa0, .. } => {
            let mp = m_p.as_ref().expect("the IRS receiver builds R̃_p");
            // Only x₀ᴴĀx₀ and tr(Ā_p R̃_p) are needed, with Ā = −(2T_L/σ²) Σ_p Q_p Z_pᴴ − Σ_p M_p Ā_p and
            // Ā_p = 2T_L Σ_q W_pq M_q R̃⁻¹ (module docs); with R̃⁻¹x₀ = (1 − γ‖x₀‖²)x₀ and R̃⁻¹R̃_p = M_p:
            // x₀ᴴĀx₀ = −(2T_L/σ²) Σ_p (x₀ᴴQ_p)(Z_pᴴx₀) − 2T_L Σ_pq W_pq (x₀ᴴM_p)(M_q R̃⁻¹x₀) and
            // tr(Ā_p R̃_p) = 2T_L Σ_q W_pq tr(M_q M_p).
            let x0 = &x[0];
            let rx0 = inverse.apply(&Mat::from_fn(rows, 1, |i, _| x0[i]));
            let xm: [Vec<C64>; 4] = std::array::from_fn(|p| h_times(x0, mp[p].as_ref()));
            let mr: [Vec<C64>; 4] = std::array::from_fn(|q| {
                let v = &mp[q] * &rx0;
                (0..rows).map(|i| v[(i, 0)]).collect()
            });
            let mut quad = ZERO;
            let mut d_ds = 0.0;
            for p in 0..4 {
                let xq = h_times(x0, qm[p].as_ref());
                let xz = h_times(x0, z[p].as_ref());
                for j in 0..r {
                    quad -= xq[j] * xz[j].conj() * mean_scale;
                }
                let mut tr = ZERO;
                for q in 0..4 {
                    let w = 2.0 * t_l * wm[p][q];
                    let dot: C64 = xm[p].iter().zip(&mr[q]).map(|(a, b)| a * b).sum();
                    quad -= dot * w;
                    tr += c_pq[q][p] * w;
                }
                // dR̃_p/ds = R̃_p / s.
                if s_psi > 0.0 {
                    d_ds += tr.re / s_psi;
                }
            }
            // dR̃/ds = κ₀ x₀x₀ᴴ: Re tr(Ā x₀x₀ᴴ) = Re x₀ᴴĀx₀.
            d_ds += kappa0 * quad.re;
            for i in 0..n {
                h[i] += psi[i].conj() * (2.0 * d_ds);
            }
        }
    }
    Ok(CrbGradient {
        crb,
        fim,
        grad_v,
        grad_psi: h.iter().map(|z| z.conj()).collect(),
    })
}

/// w_n = ‖(G V)_n‖² (length N) and G V.
fn row_energy(g: MatRef<'_, C64>, v: MatRef<'_, C64>) -> (Vec<f64>, Mat<C64>) {
    let gv = g * v;
    let w = (0..gv.nrows())
        .map(|i| (0..gv.ncols()).map(|j| gv[(i, j)].norm_sqr()).sum())
        .collect();
    (w, gv)
}

/// The terms shared by both IRS powers: Σ_n |ψ_n|² w_n and c_s·‖ψ‖² (c_s = 2σ_r² at the BS, σ_r² at the
/// IRSs), with their gradients.
fn power_common(
    link: &LinkParams,
    v: MatRef<'_, C64>,
    psi: &[C64],
    noise_factor: f64,
) -> Result<(PowerGradient, Mat<C64>), FimError> {
    let (n, m) = (link.irs_elements(), link.bs_antennas());
    check_shape("v", v, m, v.ncols())?;
    check_vec("psi", psi, n)?;
    let g = link.g();
    let (w, gv) = row_energy(g, v);
    let s: f64 = psi.iter().map(|p| p.norm_sqr()).sum();
    let sr = noise_factor * link.sigma_r2_w;
    let power_w = (0..n).map(|i| psi[i].norm_sqr() * w[i]).sum::<f64>() + sr * s;
    let grad_psi = (0..n).map(|i| psi[i] * (2.0 * (w[i] + sr))).collect();
    // ∇_V = 2 Gᴴ diag(|ψ|²) G V.
    let dgv = Mat::from_fn(n, v.ncols(), |i, j| gv[(i, j)] * (2.0 * psi[i].norm_sqr()));
    let grad_v = g.adjoint() * dgv.as_ref();
    Ok((
        PowerGradient {
            power_w,
            grad_v,
            grad_psi,
        },
        gv,
    ))
}

impl Gradients for SensingAtBs {
    fn crb_gradient(
        &self,
        v: MatRef<'_, C64>,
        psi: &[C64],
        kind: CrbKind,
    ) -> Result<CrbGradient, FimError> {
        let link = self.link();
        let rho = link.sigma_r2_w / self.sigma_b2_w();
        gradient(link, self.sigma_b2_w(), Receiver::Bs { rho }, v, psi, kind)
    }

    /// Eq. (8): |β|² ‖ψ‖² ‖Vᵀu‖² + σ_r²|β|² ‖ψ‖⁴ + Σ_n |ψ_n|² ‖(GV)_n‖² + 2σ_r² ‖ψ‖², u = Gᵀ(ψ∘a).
    fn irs_power_gradient(
        &self,
        v: MatRef<'_, C64>,
        psi: &[C64],
    ) -> Result<PowerGradient, FimError> {
        let link = self.link();
        let (mut out, gv) = power_common(link, v, psi, 2.0)?;
        let g = link.g();
        let at = ArrayAt::new(&link.irs, link.theta_rad, link.phi_rad);
        let b2 = link.beta.norm_sqr();
        let sr = link.sigma_r2_w;
        let s: f64 = psi.iter().map(|p| p.norm_sqr()).sum();
        // b = Vᵀu = (GV)ᵀ(ψ∘a).
        let pa: Vec<C64> = psi.iter().zip(&at.a).map(|(p, a)| p * a).collect();
        let b = t_times(&pa, gv.as_ref());
        let bb: f64 = b.iter().map(|z| z.norm_sqr()).sum();
        out.power_w += b2 * s * bb + sr * b2 * s * s;
        // ∂/∂s terms: 2ψ·(|β|²‖b‖² + 2σ_r²|β|² s).
        let ds = b2 * bb + 2.0 * sr * b2 * s;
        // ‖b‖² in ψ: g_n = 2 ā_n conj((GV b̄)_n); in V: 2 ū bᵀ with u = Gᵀ(ψ∘a).
        // u = Gᵀ(ψ∘a): only u₀ is needed here, not the derivative vectors of `u_vectors`.
        let u: Vec<C64> = (0..g.ncols())
            .map(|j| (0..g.nrows()).map(|i| g[(i, j)] * pa[i]).sum())
            .collect();
        for i in 0..psi.len() {
            let mut gvb = ZERO;
            for j in 0..b.len() {
                gvb += gv[(i, j)] * b[j].conj();
            }
            out.grad_psi[i] += psi[i] * (2.0 * ds) + at.a[i].conj() * gvb.conj() * (2.0 * b2 * s);
        }
        for j in 0..v.ncols() {
            for i in 0..v.nrows() {
                out.grad_v[(i, j)] += u[i].conj() * b[j] * (2.0 * b2 * s);
            }
        }
        Ok(out)
    }
}

impl SensingAtIrs {
    fn sensor_vectors(&self) -> [Vec<C64>; 3] {
        let link = self.link();
        let at = ArrayAt::new(self.sensors(), link.theta_rad, link.phi_rad);
        std::array::from_fn(|k| at.derivative(k))
    }

    /// The receiver of [`gradient`] for these sensor vectors.
    fn receiver<'a>(&self, x: &'a [Vec<C64>; 3]) -> Receiver<'a> {
        let link = self.link();
        let s = link.sigma_r2_w / self.sigma_s2_w();
        let b = link.beta;
        Receiver::Irs {
            x,
            kappa0: s * b.norm_sqr(),
            e0: [
                s * b.norm_sqr(),
                s * b.norm_sqr(),
                2.0 * s * b.re,
                2.0 * s * b.im,
            ],
        }
    }
}

impl Gradients for SensingAtIrs {
    fn crb_gradient(
        &self,
        v: MatRef<'_, C64>,
        psi: &[C64],
        kind: CrbKind,
    ) -> Result<CrbGradient, FimError> {
        let x = self.sensor_vectors();
        gradient(
            self.link(),
            self.sigma_s2_w(),
            self.receiver(&x),
            v,
            psi,
            kind,
        )
    }

    /// Eq. (34)/(47): Σ_n |ψ_n|² ‖(GV)_n‖² + σ_r² ‖ψ‖².
    fn irs_power_gradient(
        &self,
        v: MatRef<'_, C64>,
        psi: &[C64],
    ) -> Result<PowerGradient, FimError> {
        Ok(power_common(self.link(), v, psi, 1.0)?.0)
    }
}

impl Gradients for SensingLink {
    fn crb_gradient(
        &self,
        v: MatRef<'_, C64>,
        psi: &[C64],
        kind: CrbKind,
    ) -> Result<CrbGradient, FimError> {
        match self {
            SensingLink::AtBs(s) => s.crb_gradient(v, psi, kind),
            SensingLink::AtIrs(s) => s.crb_gradient(v, psi, kind),
        }
    }

    fn irs_power_gradient(
        &self,
        v: MatRef<'_, C64>,
        psi: &[C64],
    ) -> Result<PowerGradient, FimError> {
        match self {
            SensingLink::AtBs(s) => s.irs_power_gradient(v, psi),
            SensingLink::AtIrs(s) => s.irs_power_gradient(v, psi),
        }
    }
}
