//! The trait the optimizers are written against, implemented by both sensing set-ups.

use crate::affine::{AffineFim, AffinePower};
use crate::power::PowerInTheta;
use crate::{CrbKind, Fim, FimError, LinkParams, SensingAtBs, SensingAtIrs, C64};
use faer::MatRef;

/// One IRS link of either sensing set-up, seen by the alternating optimizer.
///
/// Shapes: `r_s` is M×M Hermitian PSD (W), `psi` has length N, Θ is N×N Hermitian (dimensionless).
/// Transmit step (P2.1 / P5.1): for fixed ψ use [`SensingSetup::fim_affine_in_rs`] (exact
/// F(R_s) = Re tr(K R_s) + c) and [`SensingSetup::irs_power_affine_in_rs`] (exact, linear).
/// Reflect step (P3.l / P6.l): for fixed R_s use [`SensingSetup::fim_surrogate_in_theta`] (Lemma 1/2)
/// and [`SensingSetup::irs_power_in_theta`] (then `.linearised_at(Θ⁽ⁱ⁾)` for the paper's (25), exact
/// for (47), or `.convex_bound_at(Θ⁽ⁱ⁾)` for a feasibility-preserving convex restriction); judge
/// candidates with the true [`SensingSetup::fim`] / [`SensingSetup::irs_power_w`].
pub trait SensingSetup: Send + Sync + std::fmt::Debug {
    /// The link parameters (channel, IRS array, angles, β, σ_r², T_L).
    fn link(&self) -> &LinkParams;

    /// M, the number of BS antennas.
    fn bs_antennas(&self) -> usize {
        self.link().bs_antennas()
    }

    /// N, the number of IRS elements.
    fn irs_elements(&self) -> usize {
        self.link().irs_elements()
    }

    /// The true FIM (Prop. 1 or 2).
    fn fim(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<Fim, FimError>;

    /// The CRB of the requested kind (+∞ for a singular FIM).
    fn crb(&self, r_s: MatRef<'_, C64>, psi: &[C64], kind: CrbKind) -> Result<f64, FimError> {
        Ok(self.fim(r_s, psi)?.crb(kind))
    }

    /// F(R_s) = Re tr(K_pq R_s) + c_pq for fixed ψ (exact).
    fn fim_affine_in_rs(&self, psi: &[C64]) -> Result<AffineFim, FimError>;

    /// F as a function of a Hermitian Θ (the SDR variable), noise covariance built from Θ.
    fn fim_of_theta(&self, r_s: MatRef<'_, C64>, theta: MatRef<'_, C64>) -> Result<Fim, FimError>;

    /// The true FIM and the true IRS power together (what Gaussian randomisation scores).
    fn fim_and_power(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<(Fim, f64), FimError> {
        Ok((self.fim(r_s, psi)?, self.irs_power_w(r_s, psi)?))
    }

    /// The SCA surrogate F̂(Θ) = Re tr(A_pq Θ) + b_pq at Θ⁽ⁱ⁾ (Lemma 1 / Lemma 2).
    fn fim_surrogate_in_theta(
        &self,
        r_s: MatRef<'_, C64>,
        theta_at: MatRef<'_, C64>,
    ) -> Result<AffineFim, FimError>;

    /// The true IRS transmit power (eq. 8 or eq. 34), W.
    fn irs_power_w(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<f64, FimError>;

    /// The IRS power for fixed ψ as Re tr(P R_s) + p₀ (exact).
    fn irs_power_affine_in_rs(&self, psi: &[C64]) -> Result<AffinePower, FimError>;

    /// The IRS power for fixed R_s as a function of Θ (eqs. 23a–d or 47).
    fn irs_power_in_theta(&self, r_s: MatRef<'_, C64>) -> Result<PowerInTheta, FimError>;

    /// The same link with σ_r² = 0 (passive-IRS benchmark: no amplifier noise).
    fn without_irs_noise(&self) -> Result<Self, FimError>
    where
        Self: Sized;
}

macro_rules! impl_setup {
    ($t:ty) => {
        impl SensingSetup for $t {
            fn link(&self) -> &LinkParams {
                <$t>::link(self)
            }
            fn fim(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<Fim, FimError> {
                <$t>::fim(self, r_s, psi)
            }
            fn fim_affine_in_rs(&self, psi: &[C64]) -> Result<AffineFim, FimError> {
                <$t>::fim_affine_in_rs(self, psi)
            }
            fn fim_of_theta(
                &self,
                r_s: MatRef<'_, C64>,
                theta: MatRef<'_, C64>,
            ) -> Result<Fim, FimError> {
                <$t>::fim_of_theta(self, r_s, theta)
            }
            fn fim_surrogate_in_theta(
                &self,
                r_s: MatRef<'_, C64>,
                theta_at: MatRef<'_, C64>,
            ) -> Result<AffineFim, FimError> {
                <$t>::fim_surrogate_in_theta(self, r_s, theta_at)
            }
            fn irs_power_w(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<f64, FimError> {
                <$t>::irs_power_w(self, r_s, psi)
            }
            fn irs_power_affine_in_rs(&self, psi: &[C64]) -> Result<AffinePower, FimError> {
                <$t>::irs_power_affine_in_rs(self, psi)
            }
            fn irs_power_in_theta(&self, r_s: MatRef<'_, C64>) -> Result<PowerInTheta, FimError> {
                <$t>::irs_power_in_theta(self, r_s)
            }
            fn without_irs_noise(&self) -> Result<Self, FimError> {
                self.with_sigma_r2_w(0.0)
            }
        }
    };
}

impl_setup!(SensingAtBs);
impl_setup!(SensingAtIrs);
