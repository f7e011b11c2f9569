//! Sensing at the BS (Section III): Proposition 1 (eqs. 16–17), its exact linear map in R_s,
//! Lemma 1 (eqs. 21–22, 55–69) in Θ, and the IRS power of eq. (8) / (23a–d) / (25).
//!
//! Signal model (eqs. 10–14, z_{l,1} dropped as in eq. 13): y_t = β u uᵀ s_t + w_t,
//! u = GᵀΨa ∈ ℂᴹ, w_t ~ CN(0, R_w), R_w = σ_r² GᵀΨΨᴴG* + σ_b² I_M (independent of ξ).
//!
//! Scaling: all Gram matrices are computed with the noise-normalised covariance
//! R̃ = R_w/σ_b² = I + (σ_r²/σ_b²) GᵀΨΨᴴG*, whose eigenvalues are ≥ 1, and the 1/σ_b² factor is
//! applied once at the end. Scaling R_s, σ_r², σ_b² by a common factor therefore leaves every
//! entry of F unchanged up to rounding (tested).

use crate::affine::{AffineFim, AffinePower};
use crate::link::{ArrayAt, LinkParams};
use crate::power::{PowerInTheta, PowerProduct};
use crate::rank_one::RankOneLink;
use crate::setup::{ReflectMaps, SensingModel, TransmitMaps};
use crate::terms::{
    self, affine_in_rs, gamma_of_theta, mean_coefs, mean_fim, omega_of_theta, x_mats, y_mats,
    GammaDep, LemmaTerms, M3,
};
use crate::util::{check_hermitian, check_positive, check_vec, ZERO};
use crate::{Fim, FimError, C64};
use faer::linalg::solvers::Llt;
use faer::{Mat, MatRef, Par, Side};

/// Sensing at the BS for one IRS link (Section III). Holds the steering vector and ζ vectors at the
/// link's angles and the per-link data of the fast `fim` path (G in split form and, when the N×N
/// noise form is used, Ḡ Gᵀ: O(NM + N²) numbers, computed once in [`SensingAtBs::new`]).
#[derive(Debug, Clone)]
pub struct SensingAtBs {
    link: LinkParams,
    sigma_b2_w: f64,
    irs_at: ArrayAt,
    /// Per-link data of the rank-one fast path (`fim`).
    fast: RankOneLink,
}

impl SensingAtBs {
    /// Validates `link` and σ_b² (`sigma_b2_w`, W, > 0, the BS receiver noise power).
    pub fn new(link: LinkParams, sigma_b2_w: f64) -> Result<SensingAtBs, FimError> {
        link.validate()?;
        check_positive("sigma_b2_w", sigma_b2_w)?;
        let irs_at = ArrayAt::new(&link.irs, link.theta_rad, link.phi_rad);
        let fast = RankOneLink::new_bs(link.g(), &irs_at, link.sigma_r2_w / sigma_b2_w);
        Ok(SensingAtBs {
            link,
            sigma_b2_w,
            irs_at,
            fast,
        })
    }

    /// σ_b² in W.
    pub fn sigma_b2_w(&self) -> f64 {
        self.sigma_b2_w
    }

    /// M.
    pub(crate) fn m(&self) -> usize {
        self.link.bs_antennas()
    }

    /// N.
    pub(crate) fn n(&self) -> usize {
        self.link.irs_elements()
    }

    /// The same link with another IRS noise power σ_r² (W), e.g. 0 for the passive benchmark.
    pub fn with_sigma_r2_w(&self, sigma_r2_w: f64) -> Result<SensingAtBs, FimError> {
        let mut link = self.link.clone();
        link.sigma_r2_w = sigma_r2_w;
        SensingAtBs::new(link, self.sigma_b2_w)
    }

    /// U = [u, u̇_θ, u̇_φ] (M×3) with u_k = Gᵀ(ψ ∘ ζ_k ∘ a).
    pub(crate) fn u_vectors(&self, psi: &[C64]) -> Mat<C64> {
        u_vectors(&self.link, &self.irs_at, psi)
    }

    /// Cholesky factor of R̃ = I + (σ_r²/σ_b²) Gᵀ diag(d) G*.
    fn noise_llt(&self, d: &[f64], field: &'static str) -> Result<Llt<C64>, FimError> {
        let g = self.link.g();
        let (n, m) = (g.nrows(), g.ncols());
        let rho = self.link.sigma_r2_w / self.sigma_b2_w;
        let h = Mat::from_fn(n, m, |i, j| g[(i, j)].conj() * d[i]);
        let mut r = g.transpose() * h.as_ref();
        for i in 0..m {
            for j in 0..m {
                r[(i, j)] *= rho;
            }
            r[(i, i)] += C64::new(1.0, 0.0);
        }
        r.llt(Side::Lower)
            .map_err(|_| FimError::NotPositiveDefinite { field })
    }

    /// Γ = Uᴴ R̃⁻¹ U for the columns of `u`.
    fn gamma_of(&self, llt: &Llt<C64>, u: MatRef<'_, C64>) -> M3 {
        let mut z = u.to_owned();
        faer::linalg::triangular_solve::solve_lower_triangular_in_place(
            llt.L(),
            z.as_mut(),
            Par::Seq,
        );
        let gm = z.adjoint() * z.as_ref();
        let mut gamma = [[ZERO; 3]; 3];
        for (a, row) in gamma.iter_mut().enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = gm[(a, c)];
            }
        }
        gamma
    }

    fn gamma_rank_one(&self, psi: &[C64], u: MatRef<'_, C64>) -> Result<M3, FimError> {
        let d: Vec<f64> = psi.iter().map(|p| p.norm_sqr()).collect();
        let llt = self.noise_llt(&d, "psi")?;
        Ok(self.gamma_of(&llt, u))
    }

    fn coefs(&self) -> [[C64; 4]; 4] {
        mean_coefs(self.link.beta, self.link.snapshots, self.sigma_b2_w)
    }

    /// R₁ = A G R_s Gᴴ Aᴴ (N×N, W), Appendix B.
    pub(crate) fn r1(&self, r_s: MatRef<'_, C64>) -> Mat<C64> {
        r1(&self.link, &self.irs_at, r_s)
    }

    /// Noise-normalised R₂ = Aᴴ G* R̃⁻¹ Gᵀ A (N×N) with R̃ built from Diag(Θ_noise).
    fn r2(&self, theta_noise: MatRef<'_, C64>) -> Result<Mat<C64>, FimError> {
        let n = self.n();
        let d: Vec<f64> = (0..n).map(|i| theta_noise[(i, i)].re).collect();
        let llt = self.noise_llt(&d, "theta")?;
        let g = self.link.g();
        let a = &self.irs_at.a;
        let mut v = Mat::from_fn(g.ncols(), n, |mm, nn| g[(nn, mm)] * a[nn]);
        faer::linalg::triangular_solve::solve_lower_triangular_in_place(
            llt.L(),
            v.as_mut(),
            Par::Seq,
        );
        Ok(v.adjoint() * v.as_ref())
    }

    fn check_theta(&self, field: &'static str, theta: MatRef<'_, C64>) -> Result<(), FimError> {
        check_hermitian(field, theta, self.n())
    }

    /// F(Θ) with the noise covariance R_w built from `theta_noise` instead of Θ (Lemma 1 treats
    /// R_w⁻¹ as a constant); the function whose first-order expansion the surrogate is.
    pub fn fim_of_theta_frozen(
        &self,
        r_s: MatRef<'_, C64>,
        theta: MatRef<'_, C64>,
        theta_noise: MatRef<'_, C64>,
    ) -> Result<Fim, FimError> {
        check_hermitian("r_s", r_s, self.m())?;
        self.check_theta("theta", theta)?;
        self.check_theta("theta_noise", theta_noise)?;
        let xs = x_mats(self.r1(r_s).as_ref(), &self.irs_at.zeta);
        let ys = y_mats(self.r2(theta_noise)?.as_ref(), &self.irs_at.zeta);
        let gamma = gamma_of_theta(&ys, theta);
        let omega = omega_of_theta(&xs, theta);
        Ok(Fim(mean_fim(&gamma, &omega, &self.coefs())))
    }

    /// The paper's Q_gh(Θ) and ∇_gh(Θ) of eqs. (58)–(69) at `theta_at` (R_w⁻¹ frozen there).
    pub fn lemma_terms(
        &self,
        r_s: MatRef<'_, C64>,
        theta_at: MatRef<'_, C64>,
    ) -> Result<LemmaTerms, FimError> {
        self.lemma_terms_frozen(r_s, theta_at, theta_at)
    }

    /// Q_gh(Θ), ∇_gh(Θ) with R_w built from `theta_noise` (the functions Lemma 1 differentiates).
    pub fn lemma_terms_frozen(
        &self,
        r_s: MatRef<'_, C64>,
        theta: MatRef<'_, C64>,
        theta_noise: MatRef<'_, C64>,
    ) -> Result<LemmaTerms, FimError> {
        check_hermitian("r_s", r_s, self.m())?;
        self.check_theta("theta", theta)?;
        self.check_theta("theta_noise", theta_noise)?;
        let xs = x_mats(self.r1(r_s).as_ref(), &self.irs_at.zeta);
        let ys = y_mats(self.r2(theta_noise)?.as_ref(), &self.irs_at.zeta);
        let gamma = gamma_of_theta(&ys, theta);
        let omega = omega_of_theta(&xs, theta);
        Ok(terms::lemma_terms(
            &gamma,
            &omega,
            &xs,
            &GammaDep::Theta(&ys),
            1.0 / self.sigma_b2_w,
            self.n(),
        ))
    }
}

impl SensingModel for SensingAtBs {
    /// The link parameters.
    fn link(&self) -> &LinkParams {
        &self.link
    }

    /// Proposition 1 (eqs. 16–17, with the corrections of `docs/errata.md`): the 4×4 FIM over
    /// ξ = [θ, φ, Re β, Im β] for transmit covariance `r_s` (M×M Hermitian, W) and reflection
    /// coefficients `psi` (length N).
    ///
    /// Cost: one Cholesky factorisation, of R̃ (M×M, O(NM²) to form) or of its Woodbury form
    /// (N×N, O(N²) to form from data precomputed per link), whichever is cheaper for (M, N);
    /// 3NM for U = GᵀΨ[a, ȧ_θ, ȧ_φ] and 1.5M² for the R_s products. The rank-one structure
    /// E = β a aᵀ reduces everything else to 3×3 Gram matrices (see `rank_one.rs`). No allocation.
    fn fim(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<Fim, FimError> {
        let (gamma, omega) = self.fast.grams_bs(r_s, psi)?;
        Ok(Fim(mean_fim(&gamma, &omega, &self.coefs())))
    }

    /// IRS transmit power of eq. (8) in W:
    /// |β|² tr(Θ) uᵀR_s ū + σ_r²|β|² tr(Θ)² + Σ_n |ψ_n|² [G R_s Gᴴ]_nn + 2σ_r² tr(Θ), tr Θ = ‖ψ‖².
    fn irs_power_w(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<f64, FimError> {
        let p = self.irs_power_affine_in_rs(psi)?;
        p.eval(r_s)
    }

    /// The same link with σ_r² = 0 (passive benchmark).
    fn without_irs_noise(&self) -> Result<Self, FimError> {
        self.with_sigma_r2_w(0.0)
    }
}

impl TransmitMaps for SensingAtBs {
    /// For fixed Ψ the FIM is linear in R_s (P2.1): F_pq = Re tr(K_pq R_s) with Hermitian M×M
    /// K_pq = 2T_L Herm(conj(d_p) d_q C_pᴴ R_w⁻¹ C_q), d = [β, β, 1, j]; all constants are 0.
    fn fim_affine_in_rs(&self, psi: &[C64]) -> Result<AffineFim, FimError> {
        check_vec("psi", psi, self.n())?;
        let u = self.u_vectors(psi);
        let gamma = self.gamma_rank_one(psi, u.as_ref())?;
        Ok(affine_in_rs(
            u.as_ref(),
            &gamma,
            &self.coefs(),
            [[0.0; 4]; 4],
        ))
    }

    /// Eq. (8) for fixed Ψ as Re tr(P R_s) + p₀ with P = |β|² tr(Θ) ū uᵀ + GᴴΨᴴΨG (Hermitian M×M)
    /// and p₀ = σ_r²|β|² tr(Θ)² + 2σ_r² tr(Θ).
    fn irs_power_affine_in_rs(&self, psi: &[C64]) -> Result<AffinePower, FimError> {
        check_vec("psi", psi, self.n())?;
        let tr: f64 = psi.iter().map(|p| p.norm_sqr()).sum();
        let b2 = self.link.beta.norm_sqr();
        let sr = self.link.sigma_r2_w;
        let u = self.u_vectors(psi);
        let mut p = gh_d_g(self.link.g(), psi);
        let m = self.m();
        for j in 0..m {
            for i in 0..m {
                p[(i, j)] += u[(i, 0)].conj() * u[(j, 0)] * (b2 * tr);
            }
        }
        Ok(AffinePower {
            coefficient: p,
            constant_w: sr * b2 * tr * tr + 2.0 * sr * tr,
        })
    }
}

impl ReflectMaps for SensingAtBs {
    /// F as a function of a Hermitian Θ (the SDR variable): the product forms (58)–(63) of Q with
    /// R_w built from Diag(Θ) (R_w = σ_r² Gᵀ Diag(Θ) G* + σ_b² I). Equals [`SensingModel::fim`] at
    /// Θ = ψψᴴ.
    fn fim_of_theta(&self, r_s: MatRef<'_, C64>, theta: MatRef<'_, C64>) -> Result<Fim, FimError> {
        self.fim_of_theta_frozen(r_s, theta, theta)
    }

    /// Lemma 1 (eqs. 21–22): F̂_pq(Θ) = Re tr(A_pq Θ) + b_pq, the first-order expansion of F at
    /// Θ⁽ⁱ⁾ = `theta_at` with R_w⁻¹ frozen at Θ⁽ⁱ⁾. A_pq are Hermitian N×N; F̂(Θ⁽ⁱ⁾) = F(Θ⁽ⁱ⁾).
    fn fim_surrogate_in_theta(
        &self,
        r_s: MatRef<'_, C64>,
        theta_at: MatRef<'_, C64>,
    ) -> Result<AffineFim, FimError> {
        check_hermitian("r_s", r_s, self.m())?;
        self.check_theta("theta_at", theta_at)?;
        let xs = x_mats(self.r1(r_s).as_ref(), &self.irs_at.zeta);
        let ys = y_mats(self.r2(theta_at)?.as_ref(), &self.irs_at.zeta);
        let gamma = gamma_of_theta(&ys, theta_at);
        let omega = omega_of_theta(&xs, theta_at);
        let coef = self.coefs();
        let f_at = Fim(mean_fim(&gamma, &omega, &coef));
        Ok(terms::surrogate(
            theta_at,
            &gamma,
            &omega,
            &xs,
            &GammaDep::Theta(&ys),
            &coef,
            [[0.0; 4]; 4],
            &f_at,
        ))
    }

    /// Eq. (8) for fixed R_s as a function of Θ (eqs. 23a–d, AᴴA = I):
    /// tr((Diag(G R_s Gᴴ) + 2σ_r² I) Θ) + |β|² tr(Θ) tr(R₁ᵀ Θ) + σ_r²|β|² tr(Θ)².
    fn irs_power_in_theta(&self, r_s: MatRef<'_, C64>) -> Result<PowerInTheta, FimError> {
        check_hermitian("r_s", r_s, self.m())?;
        let n = self.n();
        let b2 = self.link.beta.norm_sqr();
        let sr = self.link.sigma_r2_w;
        let r1 = self.r1(r_s);
        let eye = Mat::<C64>::identity(n, n);
        let linear = Mat::from_fn(n, n, |i, j| {
            if i == j {
                C64::new(r1[(i, i)].re + 2.0 * sr, 0.0)
            } else {
                ZERO
            }
        });
        let r1t = r1.transpose().to_owned();
        Ok(PowerInTheta {
            linear,
            products: vec![
                PowerProduct {
                    coef: b2,
                    x: eye.clone(),
                    y: r1t,
                },
                PowerProduct {
                    coef: sr * b2,
                    x: eye.clone(),
                    y: eye,
                },
            ],
        })
    }
}

/// u_k = Gᵀ(ψ ∘ ζ_k ∘ a), k = 0, 1, 2 (M×3).
pub(crate) fn u_vectors(link: &LinkParams, arr: &ArrayAt, psi: &[C64]) -> Mat<C64> {
    let n = link.irs_elements();
    let w = Mat::from_fn(n, 3, |i, k| psi[i] * arr.zeta[k][i] * arr.a[i]);
    link.g().transpose() * w.as_ref()
}

/// R₁ = A G R_s Gᴴ Aᴴ (N×N).
pub(crate) fn r1(link: &LinkParams, arr: &ArrayAt, r_s: MatRef<'_, C64>) -> Mat<C64> {
    let g = link.g();
    let ag = Mat::from_fn(g.nrows(), g.ncols(), |i, j| arr.a[i] * g[(i, j)]);
    let t = ag.as_ref() * r_s;
    t.as_ref() * ag.adjoint()
}

/// Gᴴ diag(|ψ|²) G (M×M Hermitian).
pub(crate) fn gh_d_g(g: MatRef<'_, C64>, psi: &[C64]) -> Mat<C64> {
    let h = Mat::from_fn(g.nrows(), g.ncols(), |i, j| g[(i, j)] * psi[i].norm_sqr());
    g.adjoint() * h.as_ref()
}
