//! The algebra shared by Propositions 1 and 2 and Lemmas 1 and 2.
//!
//! Both set-ups have a mean of the form μ_t = β·(Σ x_a y_bᵀ)·s_t with rank-one pieces: at the BS
//! (eq. 12) E = β a aᵀ gives Gᵀ Ψ E Ψ G = β u uᵀ with u = GᵀΨa; at the IRS sensors (eq. 36)
//! Ē Ψ G = β ā uᵀ. Derivatives only replace a by ȧ = ζ∘a (eqs. 50–51). With index 0 = the vector
//! itself, 1 = its θ-derivative, 2 = its φ-derivative, every matrix of the propositions is a sum of
//! pairs x_a y_bᵀ:
//!
//! - C_θ = x₁y₀ᵀ + x₀y₁ᵀ, C_φ = x₂y₀ᵀ + x₀y₂ᵀ, H = x₀y₀ᵀ (group 0, 1, 2 below);
//! - BS: x_k = y_k = u_k = Gᵀ(ψ∘ζ_k∘a) ∈ ℂᴹ; IRS: x_k = ζ̄_k∘ā ∈ ℂᴺ̄ (sensor array), y_k = u_k.
//!
//! Hence tr(C_pᴴ R⁻¹ C_q R_s) = Σ_{(a,b)∈p, (c,d)∈q} Γ_ac Ω_db with the 3×3 Gram matrices
//! Γ_ac = x_aᴴ R⁻¹ x_c and Ω_db = y_dᵀ R_s ȳ_b — one factorisation of R and a few matrix–vector
//! products give the whole FIM. In Θ = ψψᴴ: Γ_ac = tr(Z_aᴴ R₂ Z_c Θ) (BS) and
//! Ω_db = tr(Z_d R₁ Z_bᴴ Θᵀ) with R₁ = A G R_s Gᴴ Aᴴ, R₂ = Aᴴ G* R⁻¹ Gᵀ A (eqs. 58–63, 82–87).

use crate::affine::{packed, AffineFim};
use crate::util::{herm_part, re_tr_prod, trace, J, ONE, ZERO};
use crate::{Fim, C64};
use faer::{Mat, MatRef};

/// 3×3 complex matrix, indexed [row][col].
pub(crate) type M3 = [[C64; 3]; 3];

/// Group of parameter p: θ → 0 (C_θ), φ → 1 (C_φ), Re β and Im β → 2 (H).
pub(crate) const GROUP: [usize; 4] = [0, 1, 2, 2];

/// The (a, b) pairs x_a y_bᵀ making up C_θ, C_φ and H.
pub(crate) const PAIRS: [&[(usize, usize)]; 3] = [&[(1, 0), (0, 1)], &[(2, 0), (0, 2)], &[(0, 0)]];

/// T(g, h) = tr(C_gᴴ R⁻¹ C_h R_s) = Σ_{(a,b)∈g, (c,d)∈h} Γ_ac Ω_db.
pub(crate) fn t_groups(gamma: &M3, omega: &M3, g: usize, h: usize) -> C64 {
    let mut acc = ZERO;
    for &(a, b) in PAIRS[g] {
        for &(c, d) in PAIRS[h] {
            acc += gamma[a][c] * omega[d][b];
        }
    }
    acc
}

/// Coefficients of the mean term: ∂μ_t/∂ξ_p = d_p C_{g(p)} s_t with d = [β, β, 1, j], so
/// F_pq = 2 T_L Re(conj(d_p) d_q T(g(p), g(q))) / σ² (σ² = the white-noise floor the Gram matrix
/// Γ was normalised by). This is where the paper's (17b) and (41b) write β instead of conj(β).
pub(crate) fn mean_coefs(beta: C64, snapshots: usize, sigma2: f64) -> [[C64; 4]; 4] {
    let d = [beta, beta, ONE, J];
    let s = 2.0 * snapshots as f64 / sigma2;
    let mut c = [[ZERO; 4]; 4];
    for p in 0..4 {
        for q in 0..4 {
            c[p][q] = d[p].conj() * d[q] * s;
        }
    }
    c
}

/// Mean part of the FIM from Γ, Ω and the coefficients of [`mean_coefs`].
pub(crate) fn mean_fim(gamma: &M3, omega: &M3, coef: &[[C64; 4]; 4]) -> [[f64; 4]; 4] {
    let mut tg = [[ZERO; 3]; 3];
    for (g, row) in tg.iter_mut().enumerate() {
        for (h, v) in row.iter_mut().enumerate() {
            *v = t_groups(gamma, omega, g, h);
        }
    }
    let mut f = [[0.0; 4]; 4];
    for p in 0..4 {
        for q in p..4 {
            let v = (coef[p][q] * tg[GROUP[p]][GROUP[q]]).re;
            f[p][q] = v;
            f[q][p] = v;
        }
    }
    f
}

/// Covariance part of the FIM for R̃ = I + κ x₀x₀ᴴ (sensing at the IRSs, eq. 38 normalised by σ_s²):
/// ∂R̃/∂ξ_p = e_p Σ_{(a,b)∈g(p)} x_a x_bᴴ and tr(R̃⁻¹ x_a x_bᴴ R̃⁻¹ x_c x_dᴴ) = Γ_bc Γ_da, so
/// F_pq = T_L e_p e_q Re Σ Γ_bc Γ_da.
pub(crate) fn cov_fim(gamma: &M3, e: [f64; 4], snapshots: usize) -> [[f64; 4]; 4] {
    let mut f = [[0.0; 4]; 4];
    for p in 0..4 {
        for q in p..4 {
            let mut acc = ZERO;
            for &(a, b) in PAIRS[GROUP[p]] {
                for &(c, d) in PAIRS[GROUP[q]] {
                    acc += gamma[b][c] * gamma[d][a];
                }
            }
            let v = snapshots as f64 * e[p] * e[q] * acc.re;
            f[p][q] = v;
            f[q][p] = v;
        }
    }
    f
}

pub(crate) fn add(a: [[f64; 4]; 4], b: [[f64; 4]; 4]) -> [[f64; 4]; 4] {
    let mut f = a;
    for p in 0..4 {
        for q in 0..4 {
            f[p][q] += b[p][q];
        }
    }
    f
}

/// The exact linear map R_s ↦ F (for fixed Ψ): K_pq = Ū Herm(Φ_pq) Uᵀ with
/// Φ_pq[b][d] = c_pq Σ_{(a,b)∈g(p), (c,d)∈g(q)} Γ_ac, so Re tr(K_pq R_s) = Re(c_pq T(p, q)).
/// `consts` is the R_s-independent part (covariance term), 0 at the BS.
pub(crate) fn affine_in_rs(
    u: MatRef<'_, C64>,
    gamma: &M3,
    coef: &[[C64; 4]; 4],
    consts: [[f64; 4]; 4],
) -> AffineFim {
    let m = u.nrows();
    let mut mats = Vec::with_capacity(10);
    let mut cs = [0.0; 10];
    for p in 0..4 {
        for q in p..4 {
            let mut phi = [[ZERO; 3]; 3];
            for &(a, b) in PAIRS[GROUP[p]] {
                for &(c, d) in PAIRS[GROUP[q]] {
                    phi[b][d] += coef[p][q] * gamma[a][c];
                }
            }
            // Hermitian part of Φ.
            let mut ph = [[ZERO; 3]; 3];
            for b in 0..3 {
                for d in 0..3 {
                    ph[b][d] = (phi[b][d] + phi[d][b].conj()) * 0.5;
                }
            }
            // K = conj(U) Φh Uᵀ: K[i,j] = Σ_bd conj(U[i,b]) Φh[b][d] U[j,d].
            let mut w = Mat::<C64>::zeros(m, 3); // W[i][d] = Σ_b conj(U[i,b]) Φh[b][d]
            for i in 0..m {
                for d in 0..3 {
                    let mut acc = ZERO;
                    for (b, row) in ph.iter().enumerate() {
                        acc += u[(i, b)].conj() * row[d];
                    }
                    w[(i, d)] = acc;
                }
            }
            // K is Hermitian in exact arithmetic, but the product rounds K[i,j] and K[j,i] by different
            // operation orders, to ~ε·|W||U| — which can be 1e-12 of |K| where terms cancel (m = 1, K_03:
            // Im K[0,0] = 2e-14 against |K| = 2e-2). The SDP layer and the transmit certificate expect a
            // Hermitian K: take the Hermitian part, which is exactly Hermitian in floating point.
            let k = w.as_ref() * u.transpose();
            let k = Mat::from_fn(m, m, |i, j| (k[(i, j)] + k[(j, i)].conj()) * 0.5);
            mats.push(k);
            cs[packed(p, q)] = consts[p][q];
        }
    }
    AffineFim::from_parts(m, mats, cs)
}

/// ζ-scaled copy of an N×N matrix: [Z_l X Z_rᴴ]_ij = ζ_l[i] X_ij conj(ζ_r[j]).
fn scale_lr(x: MatRef<'_, C64>, zl: &[C64], zr: &[C64]) -> Mat<C64> {
    let n = x.nrows();
    Mat::from_fn(n, n, |i, j| zl[i] * x[(i, j)] * zr[j].conj())
}

/// Σ_ij X_ij Θ_ij = tr(X Θᵀ).
fn tr_x_theta_t(x: MatRef<'_, C64>, theta: MatRef<'_, C64>) -> C64 {
    let n = x.nrows();
    let mut acc = ZERO;
    for j in 0..n {
        for i in 0..n {
            acc += x[(i, j)] * theta[(i, j)];
        }
    }
    acc
}

/// Σ_ij Y_ij Θ_ji = tr(Y Θ).
fn tr_y_theta(y: MatRef<'_, C64>, theta: MatRef<'_, C64>) -> C64 {
    let n = y.nrows();
    let mut acc = ZERO;
    for j in 0..n {
        for i in 0..n {
            acc += y[(i, j)] * theta[(j, i)];
        }
    }
    acc
}

/// X_db = Z_d R₁ Z_bᴴ for all (d, b), index 3d + b.
pub(crate) fn x_mats(r1: MatRef<'_, C64>, zeta: &[Vec<C64>; 3]) -> Vec<Mat<C64>> {
    let mut v = Vec::with_capacity(9);
    for zd in zeta {
        for zb in zeta {
            v.push(scale_lr(r1, zd, zb));
        }
    }
    v
}

/// Y_ac = Z_aᴴ R₂ Z_c for all (a, c), index 3a + c. Note Z_aᴴ R₂ Z_c = scale_lr with conj(ζ_a),
/// conj(ζ_c): [Y]_ij = conj(ζ_a[i]) R₂_ij ζ_c[j].
pub(crate) fn y_mats(r2: MatRef<'_, C64>, zeta: &[Vec<C64>; 3]) -> Vec<Mat<C64>> {
    let n = r2.nrows();
    let mut v = Vec::with_capacity(9);
    for za in zeta {
        for zc in zeta {
            v.push(Mat::from_fn(n, n, |i, j| za[i].conj() * r2[(i, j)] * zc[j]));
        }
    }
    v
}

/// Ω(Θ)_db = tr(X_db Θᵀ) (eqs. 58–63, 82–87).
pub(crate) fn omega_of_theta(xs: &[Mat<C64>], theta: MatRef<'_, C64>) -> M3 {
    let mut o = [[ZERO; 3]; 3];
    for d in 0..3 {
        for b in 0..3 {
            o[d][b] = tr_x_theta_t(xs[3 * d + b].as_ref(), theta);
        }
    }
    o
}

/// Γ(Θ)_ac = tr(Y_ac Θ) (BS, eqs. 58–63).
pub(crate) fn gamma_of_theta(ys: &[Mat<C64>], theta: MatRef<'_, C64>) -> M3 {
    let mut g = [[ZERO; 3]; 3];
    for a in 0..3 {
        for c in 0..3 {
            g[a][c] = tr_y_theta(ys[3 * a + c].as_ref(), theta);
        }
    }
    g
}

/// How Γ depends on Θ in the surrogate.
pub(crate) enum GammaDep<'a> {
    /// Γ_ac(Θ) = tr(Y_ac Θ) with R₂ frozen (Lemma 1).
    Theta(&'a [Mat<C64>]),
    /// Γ constant (Lemma 2: R̄⁻¹ frozen).
    Fixed,
}

/// Holomorphic gradient of T(g, h)(Θ) = Σ Γ_ac(Θ) Ω_db(Θ): the matrix M with dT = tr(M dΘ),
/// M = Σ [Ω_db Y_ac + Γ_ac X_dbᵀ]. The paper's ∇ (dT = tr(∇ᵀ dΘ)) is Mᵀ.
pub(crate) fn grad_t(
    g: usize,
    h: usize,
    gamma: &M3,
    omega: &M3,
    xs: &[Mat<C64>],
    dep: &GammaDep<'_>,
    n: usize,
) -> Mat<C64> {
    let mut m = Mat::<C64>::zeros(n, n);
    for &(a, b) in PAIRS[g] {
        for &(c, d) in PAIRS[h] {
            let x = &xs[3 * d + b];
            let ga = gamma[a][c];
            for j in 0..n {
                for i in 0..n {
                    m[(i, j)] += ga * x[(j, i)];
                }
            }
            if let GammaDep::Theta(ys) = dep {
                let y = &ys[3 * a + c];
                let om = omega[d][b];
                for j in 0..n {
                    for i in 0..n {
                        m[(i, j)] += om * y[(i, j)];
                    }
                }
            }
        }
    }
    m
}

/// Assemble the SCA surrogate F̂(Θ) = Re tr(A_pq Θ) + b_pq at Θ⁽ⁱ⁾ (Lemmas 1 and 2).
///
/// A_pq = Herm(c_pq M_pq) + 2 γ_pq tr(Θ⁽ⁱ⁾) I, where the second part is the linearisation
/// (tr Θ)² ≈ 2 tr Θ⁽ⁱ⁾ tr Θ − (tr Θ⁽ⁱ⁾)² (eq. 78) of the covariance term
/// F_cov,pq = γ_pq (tr Θ)² (sensing at the IRSs only; `cov_per_trace2` = γ, zero at the BS);
/// b_pq = F_pq(Θ⁽ⁱ⁾) − tr(A_pq Θ⁽ⁱ⁾), so that F̂(Θ⁽ⁱ⁾) = F(Θ⁽ⁱ⁾).
#[allow(clippy::too_many_arguments)]
pub(crate) fn surrogate(
    theta0: MatRef<'_, C64>,
    gamma: &M3,
    omega: &M3,
    xs: &[Mat<C64>],
    dep: &GammaDep<'_>,
    coef: &[[C64; 4]; 4],
    cov_per_trace2: [[f64; 4]; 4],
    f_at: &Fim,
) -> AffineFim {
    let n = theta0.nrows();
    let t0 = trace(theta0).re;
    let mut grads: Vec<Option<Mat<C64>>> = (0..9).map(|_| None).collect();
    let mut mats = Vec::with_capacity(10);
    let mut consts = [0.0; 10];
    for p in 0..4 {
        for q in p..4 {
            let (g, h) = (GROUP[p], GROUP[q]);
            let slot = 3 * g + h;
            if grads[slot].is_none() {
                grads[slot] = Some(grad_t(g, h, gamma, omega, xs, dep, n));
            }
            let mg = grads[slot].as_ref().expect("filled just above");
            let c = coef[p][q];
            let scaled = Mat::from_fn(n, n, |i, j| mg[(i, j)] * c);
            let mut a = herm_part(scaled.as_ref());
            let gam = cov_per_trace2[p][q];
            if gam != 0.0 {
                for i in 0..n {
                    a[(i, i)] += C64::new(2.0 * gam * t0, 0.0);
                }
            }
            let b = f_at.0[p][q] - re_tr_prod(a.as_ref(), theta0);
            consts[packed(p, q)] = b;
            mats.push(a);
        }
    }
    AffineFim::from_parts(n, mats, consts)
}

/// The paper's objects of Lemma 1/2 at Θ: Q_gh(Θ) = tr(C_gᴴ R⁻¹ C_h R_s) (R⁻¹ in 1/W) for groups
/// g, h ∈ {0 = θ, 1 = φ, 2 = β}, and ∇_gh with dQ_gh = tr(∇_ghᵀ dΘ) (R⁻¹ frozen).
#[derive(Debug, Clone)]
pub struct LemmaTerms {
    /// Q_gh, 3×3 (Q_hg is the conjugate of Q_gh for Hermitian Θ).
    pub q: [[C64; 3]; 3],
    grads: Vec<Mat<C64>>,
}

impl LemmaTerms {
    /// ∇_gh (N×N), the paper's convention: dQ_gh = tr(∇_ghᵀ dΘ) for any complex direction dΘ
    /// (Q is a polynomial in the entries of Θ). Groups: 0 = θ, 1 = φ, 2 = β.
    pub fn grad(&self, g: usize, h: usize) -> MatRef<'_, C64> {
        self.grads[3 * g + h].as_ref()
    }
}

pub(crate) fn lemma_terms(
    gamma: &M3,
    omega: &M3,
    xs: &[Mat<C64>],
    dep: &GammaDep<'_>,
    inv_sigma2: f64,
    n: usize,
) -> LemmaTerms {
    let mut q = [[ZERO; 3]; 3];
    let mut grads = Vec::with_capacity(9);
    for (g, row) in q.iter_mut().enumerate() {
        for (h, v) in row.iter_mut().enumerate() {
            *v = t_groups(gamma, omega, g, h) * inv_sigma2;
            let m = grad_t(g, h, gamma, omega, xs, dep, n);
            grads.push(Mat::from_fn(n, n, |i, j| m[(j, i)] * inv_sigma2));
        }
    }
    LemmaTerms { q, grads }
}
