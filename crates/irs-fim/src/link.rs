//! One BS → IRS l → target link: the inputs every FIM of this crate needs, validated once.

use crate::util::{check_nonneg, check_shape};
use crate::{FimError, C64};
use faer::{Mat, MatRef};
use irs_array::Upa;

/// The parameters of one IRS link (one time slot 𝒯_l), shared by both sensing set-ups.
///
/// Units: channel `g` is the dimensionless complex amplitude gain (received amplitude per
/// transmitted amplitude); `beta` is the dimensionless round-trip coefficient β_l of eq. (5)
/// (radar cross-section and IRS–target–IRS path loss); `sigma_r2_w` the IRS amplifier noise power
/// σ_r² in W (0 models a passive IRS); angles in radians.
#[derive(Debug, Clone)]
pub struct LinkParams {
    /// G_l ∈ ℂ^{N×M}, BS → IRS l (eq. 6). N = `irs.len()`, M = number of BS antennas.
    pub g: Mat<C64>,
    /// The IRS element array (eqs. 2–4).
    pub irs: Upa,
    /// θ_l, vertical angle of the target seen from IRS l, rad.
    pub theta_rad: f64,
    /// φ_l, azimuth of the target seen from IRS l, rad.
    pub phi_rad: f64,
    /// β_l (eq. 5), dimensionless complex.
    pub beta: C64,
    /// σ_r², IRS amplifier noise power, W (≥ 0).
    pub sigma_r2_w: f64,
    /// T_L = T_c / L, the number of snapshots of slot l (≥ 1).
    pub snapshots: usize,
}

impl LinkParams {
    pub(crate) fn validate(&self) -> Result<(), FimError> {
        let n = self.irs.len();
        if self.g.ncols() == 0 {
            return Err(FimError::Shape {
                field: "g",
                expected_rows: n,
                expected_cols: 1,
                got_rows: self.g.nrows(),
                got_cols: 0,
            });
        }
        check_shape("g", self.g.as_ref(), n, self.g.ncols())?;
        if !self.theta_rad.is_finite() {
            return Err(FimError::NonFinite { field: "theta_rad" });
        }
        if !self.phi_rad.is_finite() {
            return Err(FimError::NonFinite { field: "phi_rad" });
        }
        if !(self.beta.re.is_finite() && self.beta.im.is_finite()) {
            return Err(FimError::NonFinite { field: "beta" });
        }
        check_nonneg("sigma_r2_w", self.sigma_r2_w)?;
        if self.snapshots == 0 {
            return Err(FimError::OutOfRange {
                field: "snapshots",
                requirement: ">= 1",
                value: 0.0,
            });
        }
        Ok(())
    }

    /// M, the number of BS antennas (columns of G).
    pub fn bs_antennas(&self) -> usize {
        self.g.ncols()
    }

    /// N, the number of IRS elements.
    pub fn irs_elements(&self) -> usize {
        self.irs.len()
    }

    /// G as a view.
    pub fn g(&self) -> MatRef<'_, C64> {
        self.g.as_ref()
    }
}

/// Steering vector and [1, ζ_θ, ζ_φ] of an array at the link's angles (eqs. 2, 50–51).
#[derive(Debug, Clone)]
pub(crate) struct ArrayAt {
    pub a: Vec<C64>,
    /// ζ₀ = 1, ζ₁ = ζ_θ, ζ₂ = ζ_φ, so that ∂a/∂ξ_k = ζ_k ∘ a.
    pub zeta: [Vec<C64>; 3],
}

impl ArrayAt {
    pub(crate) fn new(upa: &Upa, theta_rad: f64, phi_rad: f64) -> ArrayAt {
        let a = upa.steering(theta_rad, phi_rad);
        let z = upa.zeta(theta_rad, phi_rad);
        ArrayAt {
            zeta: [vec![C64::new(1.0, 0.0); a.len()], z.theta, z.phi],
            a,
        }
    }

    /// ζ_k ∘ a (k = 0: a itself).
    pub(crate) fn derivative(&self, k: usize) -> Vec<C64> {
        self.a
            .iter()
            .zip(&self.zeta[k])
            .map(|(a, z)| a * z)
            .collect()
    }
}
