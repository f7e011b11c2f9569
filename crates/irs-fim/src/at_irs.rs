//! Sensing at the IRSs with dedicated sensors (Section IV): Proposition 2 (eqs. 40–41, corrected),
//! its affine map in R_s, Lemma 2 (eqs. 45–46, 78–93) in Θ, and the IRS power of eq. (34) / (47).
//!
//! Signal model (eqs. 33–38): ȳ_t = β ā uᵀ s_t + w̄_t with u = GᵀΨa ∈ ℂᴹ and
//! w̄_t ~ CN(0, R̄), R̄ = σ_r²|β|² tr(Θ) ā āᴴ + σ_s² I_N̄ — the covariance depends on θ, φ, β, which
//! gives the R_s-independent covariance term of the FIM (Remark 2).
//!
//! Scaling: computed with R̃ = R̄/σ_s² = I + κ ā āᴴ, κ = σ_r²|β|² tr(Θ)/σ_s², inverted in closed form
//! (Sherman–Morrison; no factorisation at all), the 1/σ_s² applied at the end.

use crate::affine::{AffineFim, AffinePower};
use crate::at_bs::{gh_d_g, r1, u_vectors};
use crate::link::{ArrayAt, LinkParams};
use crate::power::PowerInTheta;
use crate::rank_one::RankOneLink;
use crate::setup::{ReflectMaps, SensingModel, TransmitMaps};
use crate::terms::{
    self, add, affine_in_rs, cov_fim, mean_coefs, mean_fim, omega_of_theta, x_mats, GammaDep,
    LemmaTerms, M3,
};
use crate::util::{check_hermitian, check_positive, check_vec, dotc, trace, ZERO};
use crate::{Fim, FimError, C64};
use faer::{Mat, MatRef};
use irs_array::Upa;

/// Sensing at the IRSs for one IRS link (Section IV).
#[derive(Debug, Clone)]
pub struct SensingAtIrs {
    link: LinkParams,
    sensors: Upa,
    sigma_s2_w: f64,
    irs_at: ArrayAt,
    /// x_aᴴ x_c of the sensor vectors (independent of ψ and R_s).
    sensor_gram: M3,
    /// Per-link data of the rank-one fast path (`fim`).
    fast: RankOneLink,
}

impl SensingAtIrs {
    /// Validates `link`, the sensor array `sensors` (N̄ = `sensors.len()`, eqs. 28–30) and σ_s²
    /// (`sigma_s2_w`, W, > 0, the sensor receiver noise power).
    pub fn new(link: LinkParams, sensors: Upa, sigma_s2_w: f64) -> Result<SensingAtIrs, FimError> {
        link.validate()?;
        check_positive("sigma_s2_w", sigma_s2_w)?;
        let irs_at = ArrayAt::new(&link.irs, link.theta_rad, link.phi_rad);
        let sens_at = ArrayAt::new(&sensors, link.theta_rad, link.phi_rad);
        // x_k = ∂^k ā: ā, ζ̄_θ∘ā, ζ̄_φ∘ā.
        let sensor_x = [
            sens_at.derivative(0),
            sens_at.derivative(1),
            sens_at.derivative(2),
        ];
        let mut sensor_gram = [[ZERO; 3]; 3];
        for a in 0..3 {
            for c in 0..3 {
                sensor_gram[a][c] = dotc(&sensor_x[a], &sensor_x[c]);
            }
        }
        let fast = RankOneLink::new(link.g(), &irs_at);
        Ok(SensingAtIrs {
            sensor_gram,
            fast,
            link,
            sensors,
            sigma_s2_w,
            irs_at,
        })
    }

    /// The sensor array.
    pub fn sensors(&self) -> &Upa {
        &self.sensors
    }

    /// σ_s² in W.
    pub fn sigma_s2_w(&self) -> f64 {
        self.sigma_s2_w
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
    pub fn with_sigma_r2_w(&self, sigma_r2_w: f64) -> Result<SensingAtIrs, FimError> {
        let mut link = self.link.clone();
        link.sigma_r2_w = sigma_r2_w;
        SensingAtIrs::new(link, self.sensors, self.sigma_s2_w)
    }

    /// κ / tr(Θ) = σ_r²|β|²/σ_s².
    fn kappa_per_trace(&self) -> f64 {
        self.link.sigma_r2_w * self.link.beta.norm_sqr() / self.sigma_s2_w
    }

    /// Γ_ac = x_aᴴ R̃⁻¹ x_c with R̃⁻¹ = I − κ/(1 + κ‖ā‖²) ā āᴴ.
    fn gamma(&self, tr_theta: f64) -> M3 {
        let kappa = self.kappa_per_trace() * tr_theta;
        let x = &self.sensor_gram;
        let a0: [C64; 3] = [x[0][0], x[1][0], x[2][0]];
        let eta = kappa / (1.0 + kappa * a0[0].re);
        let mut g = [[ZERO; 3]; 3];
        for a in 0..3 {
            for c in 0..3 {
                // x_aᴴ x_c − η (x_aᴴ ā)(āᴴ x_c); āᴴ x_c = conj(x_cᴴ ā).
                g[a][c] = x[a][c] - a0[a] * a0[c].conj() * eta;
            }
        }
        g
    }

    /// Covariance derivative weights per unit tr(Θ): ∂R̃/∂ξ_p = tr(Θ)·e_p·(pairs of x),
    /// e = σ_r²/σ_s² · [|β|², |β|², 2 Re β, 2 Im β].
    fn cov_weights_per_trace(&self) -> [f64; 4] {
        let s = self.link.sigma_r2_w / self.sigma_s2_w;
        let b = self.link.beta;
        [
            s * b.norm_sqr(),
            s * b.norm_sqr(),
            2.0 * s * b.re,
            2.0 * s * b.im,
        ]
    }

    fn cov_part(&self, gamma: &M3, tr_theta: f64) -> [[f64; 4]; 4] {
        let e = self.cov_weights_per_trace().map(|v| v * tr_theta);
        cov_fim(gamma, e, self.link.snapshots)
    }

    fn coefs(&self) -> [[C64; 4]; 4] {
        mean_coefs(self.link.beta, self.link.snapshots, self.sigma_s2_w)
    }

    /// F(Θ) with R̄ (hence R̄⁻¹ and the covariance weights' tr(R̄⁻¹B R̄⁻¹B) factors) built from
    /// `theta_noise`: Lemma 2 treats R̄⁻¹ as constant; (tr Θ)² is kept as a function of Θ.
    pub fn fim_of_theta_frozen(
        &self,
        r_s: MatRef<'_, C64>,
        theta: MatRef<'_, C64>,
        theta_noise: MatRef<'_, C64>,
    ) -> Result<Fim, FimError> {
        check_hermitian("r_s", r_s, self.m())?;
        check_hermitian("theta", theta, self.n())?;
        check_hermitian("theta_noise", theta_noise, self.n())?;
        let gamma = self.gamma(trace(theta_noise).re);
        let xs = x_mats(
            r1(&self.link, &self.irs_at, r_s).as_ref(),
            &self.irs_at.zeta,
        );
        let omega = omega_of_theta(&xs, theta);
        let tr = trace(theta).re;
        Ok(Fim(add(
            mean_fim(&gamma, &omega, &self.coefs()),
            self.cov_part(&gamma, tr),
        )))
    }

    /// The paper's Q̄_gh(Θ) and ∇̄_gh(Θ) of eqs. (82)–(93) at `theta_at` (R̄⁻¹ frozen).
    pub fn lemma_terms(
        &self,
        r_s: MatRef<'_, C64>,
        theta_at: MatRef<'_, C64>,
    ) -> Result<LemmaTerms, FimError> {
        self.lemma_terms_frozen(r_s, theta_at, theta_at)
    }

    /// Q̄_gh(Θ), ∇̄_gh(Θ) with R̄ built from `theta_noise` (the functions Lemma 2 differentiates).
    pub fn lemma_terms_frozen(
        &self,
        r_s: MatRef<'_, C64>,
        theta: MatRef<'_, C64>,
        theta_noise: MatRef<'_, C64>,
    ) -> Result<LemmaTerms, FimError> {
        check_hermitian("r_s", r_s, self.m())?;
        check_hermitian("theta", theta, self.n())?;
        check_hermitian("theta_noise", theta_noise, self.n())?;
        let gamma = self.gamma(trace(theta_noise).re);
        let xs = x_mats(
            r1(&self.link, &self.irs_at, r_s).as_ref(),
            &self.irs_at.zeta,
        );
        let omega = omega_of_theta(&xs, theta);
        Ok(terms::lemma_terms(
            &gamma,
            &omega,
            &xs,
            &GammaDep::Fixed,
            1.0 / self.sigma_s2_w,
            self.n(),
        ))
    }
}

impl SensingModel for SensingAtIrs {
    /// The link parameters.
    fn link(&self) -> &LinkParams {
        &self.link
    }

    /// Proposition 2 (eqs. 40–41, corrected — see `docs/errata.md`): the 4×4 FIM over
    /// ξ = [θ, φ, Re β, Im β] for `r_s` (M×M Hermitian, W) and `psi` (length N).
    /// Cost: 3NM for U = GᵀΨ[a, ȧ_θ, ȧ_φ], 1.5M² for the R_s products, O(1) for the sensor Gram
    /// matrix (precomputed per link; see `rank_one.rs`).
    fn fim(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<Fim, FimError> {
        let omega = self.fast.omega_irs(r_s, psi)?;
        let tr: f64 = psi.iter().map(|p| p.norm_sqr()).sum();
        let gamma = self.gamma(tr);
        Ok(Fim(add(
            mean_fim(&gamma, &omega, &self.coefs()),
            self.cov_part(&gamma, tr),
        )))
    }

    /// IRS transmit power of eq. (34) in W: Σ_n |ψ_n|² [G R_s Gᴴ]_nn + σ_r² ‖ψ‖².
    fn irs_power_w(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<f64, FimError> {
        self.irs_power_affine_in_rs(psi)?.eval(r_s)
    }

    /// The same link with σ_r² = 0 (passive benchmark).
    fn without_irs_noise(&self) -> Result<Self, FimError> {
        self.with_sigma_r2_w(0.0)
    }
}

impl TransmitMaps for SensingAtIrs {
    /// For fixed Ψ, F_pq = Re tr(K_pq R_s) + c_pq (P5.1): K_pq Hermitian M×M from the mean term,
    /// c_pq the R_s-independent covariance term of eq. (41).
    fn fim_affine_in_rs(&self, psi: &[C64]) -> Result<AffineFim, FimError> {
        check_vec("psi", psi, self.n())?;
        let tr: f64 = psi.iter().map(|p| p.norm_sqr()).sum();
        let u = u_vectors(&self.link, &self.irs_at, psi);
        let gamma = self.gamma(tr);
        Ok(affine_in_rs(
            u.as_ref(),
            &gamma,
            &self.coefs(),
            self.cov_part(&gamma, tr),
        ))
    }

    /// Eq. (34) for fixed Ψ: Re tr(GᴴΨᴴΨG R_s) + σ_r² tr(Θ).
    fn irs_power_affine_in_rs(&self, psi: &[C64]) -> Result<AffinePower, FimError> {
        check_vec("psi", psi, self.n())?;
        let tr: f64 = psi.iter().map(|p| p.norm_sqr()).sum();
        Ok(AffinePower {
            coefficient: gh_d_g(self.link.g(), psi),
            constant_w: self.link.sigma_r2_w * tr,
        })
    }
}

impl ReflectMaps for SensingAtIrs {
    /// F as a function of a Hermitian Θ: mean term Σ Γ_ac tr(Z_d R₁ Z_bᴴ Θᵀ) (eqs. 82–87) plus the
    /// covariance term ∝ (tr Θ)², with R̄ built from tr Θ. Equals [`SensingModel::fim`] at Θ = ψψᴴ.
    fn fim_of_theta(&self, r_s: MatRef<'_, C64>, theta: MatRef<'_, C64>) -> Result<Fim, FimError> {
        self.fim_of_theta_frozen(r_s, theta, theta)
    }

    /// Lemma 2 (eqs. 45–46): F̂_pq(Θ) = Re tr(A_pq Θ) + b_pq at Θ⁽ⁱ⁾ = `theta_at`: the mean term is
    /// linear in Θ (exact given the frozen R̄⁻¹), the covariance term's (tr Θ)² is linearised as in
    /// eq. (78). A_pq Hermitian N×N; F̂(Θ⁽ⁱ⁾) = F(Θ⁽ⁱ⁾).
    fn fim_surrogate_in_theta(
        &self,
        r_s: MatRef<'_, C64>,
        theta_at: MatRef<'_, C64>,
    ) -> Result<AffineFim, FimError> {
        check_hermitian("r_s", r_s, self.m())?;
        check_hermitian("theta_at", theta_at, self.n())?;
        let tr0 = trace(theta_at).re;
        let gamma = self.gamma(tr0);
        let xs = x_mats(
            r1(&self.link, &self.irs_at, r_s).as_ref(),
            &self.irs_at.zeta,
        );
        let omega = omega_of_theta(&xs, theta_at);
        let coef = self.coefs();
        let f_at = Fim(add(
            mean_fim(&gamma, &omega, &coef),
            self.cov_part(&gamma, tr0),
        ));
        let per_trace2 = cov_fim(&gamma, self.cov_weights_per_trace(), self.link.snapshots);
        Ok(terms::surrogate(
            theta_at,
            &gamma,
            &omega,
            &xs,
            &GammaDep::Fixed,
            &coef,
            per_trace2,
            &f_at,
        ))
    }

    /// Eq. (47): tr((Diag(G R_s Gᴴ) + σ_r² I) Θ), exactly linear in Θ (no product terms).
    fn irs_power_in_theta(&self, r_s: MatRef<'_, C64>) -> Result<PowerInTheta, FimError> {
        check_hermitian("r_s", r_s, self.m())?;
        let n = self.n();
        let g = self.link.g();
        let grg = g * r_s * g.adjoint();
        let sr = self.link.sigma_r2_w;
        Ok(PowerInTheta {
            linear: Mat::from_fn(n, n, |i, j| {
                if i == j {
                    C64::new(grg[(i, i)].re + sr, 0.0)
                } else {
                    ZERO
                }
            }),
            products: Vec::new(),
        })
    }
}
