//! The traits an IRS link of either sensing set-up implements, one per kind of consumer: the true
//! model ([`SensingModel`]: FIM, CRB, IRS power), the transmit step's exact affine maps in R_s
//! ([`TransmitMaps`]) and the reflect step's functions of Θ ([`ReflectMaps`]).
//!
//! Why three: their consumers use disjoint parts. An estimator or a gradient method needs only the
//! true model; the transmit step (P2.1 / P5.1) needs, for fixed ψ, F(R_s) = Re tr(K R_s) + c and the
//! IRS power Re tr(P R_s) + p₀; the reflect step (P3.l / P6.l) needs, for fixed R_s, F as a function
//! of a Hermitian Θ, its SCA surrogate (Lemma 1/2) and the IRS power in Θ (then
//! `.linearised_at(Θ⁽ⁱ⁾)` for the paper's (25), exact for (47), or `.convex_bound_at(Θ⁽ⁱ⁾)` for a
//! feasibility-preserving convex restriction). Candidates are always judged with the true model.
//!
//! Shapes: `r_s` is M×M Hermitian PSD (W), `psi` has length N, Θ is N×N Hermitian (dimensionless).
//! Implemented by [`crate::SensingAtBs`] (Proposition 1, power (8)), [`crate::SensingAtIrs`]
//! (Proposition 2, power (34)) and the set-up-as-a-value [`crate::SensingLink`].

use crate::affine::{AffineFim, AffinePower};
use crate::power::PowerInTheta;
use crate::{CrbKind, Fim, FimError, LinkParams, C64};
use faer::MatRef;

/// The true model of one IRS link: its FIM, CRB and IRS transmit power at a design (R_s, ψ).
pub trait SensingModel: Send + Sync + std::fmt::Debug {
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

    /// The true FIM (Prop. 1 or 2) over ξ = [θ, φ, Re β, Im β].
    fn fim(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<Fim, FimError>;

    /// The CRB of the requested kind (+∞ for a singular FIM).
    fn crb(&self, r_s: MatRef<'_, C64>, psi: &[C64], kind: CrbKind) -> Result<f64, FimError> {
        Ok(self.fim(r_s, psi)?.crb(kind))
    }

    /// The true IRS transmit power (eq. 8 or eq. 34), W.
    fn irs_power_w(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<f64, FimError>;

    /// The same link with σ_r² = 0 (passive-IRS benchmark: no amplifier noise).
    fn without_irs_noise(&self) -> Result<Self, FimError>
    where
        Self: Sized;
}

/// The transmit step's view of a link: for fixed ψ, the FIM and the IRS power are exactly affine in
/// R_s (P2.1 / P5.1).
pub trait TransmitMaps: SensingModel {
    /// F(R_s) = Re tr(K_pq R_s) + c_pq for fixed ψ (exact).
    fn fim_affine_in_rs(&self, psi: &[C64]) -> Result<AffineFim, FimError>;

    /// The IRS power for fixed ψ as Re tr(P R_s) + p₀ (exact).
    fn irs_power_affine_in_rs(&self, psi: &[C64]) -> Result<AffinePower, FimError>;
}

/// The reflect step's view of a link: for fixed R_s, the FIM and the IRS power as functions of the
/// SDR variable Θ (Hermitian N×N, Θ = ψψᴴ at rank one), and the SCA surrogate of Lemma 1 / Lemma 2.
pub trait ReflectMaps: SensingModel {
    /// F as a function of a Hermitian Θ, the noise covariance built from Θ; equals
    /// [`SensingModel::fim`] at Θ = ψψᴴ.
    fn fim_of_theta(&self, r_s: MatRef<'_, C64>, theta: MatRef<'_, C64>) -> Result<Fim, FimError>;

    /// The SCA surrogate F̂(Θ) = Re tr(A_pq Θ) + b_pq at Θ⁽ⁱ⁾ (Lemma 1 / Lemma 2).
    fn fim_surrogate_in_theta(
        &self,
        r_s: MatRef<'_, C64>,
        theta_at: MatRef<'_, C64>,
    ) -> Result<AffineFim, FimError>;

    /// The IRS power for fixed R_s as a function of Θ (eqs. 23a–d or 47).
    fn irs_power_in_theta(&self, r_s: MatRef<'_, C64>) -> Result<PowerInTheta, FimError>;
}
