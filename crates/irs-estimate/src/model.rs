//! What a receiver knows about one IRS's sensing link (eqs. 10, 14, 33, 38), and the target truth.

use crate::error::{check_finite_c, check_nonnegative, check_positive, EstimateError};
use faer::{Mat, MatRef};
use irs_array::Upa;
use num_complex::Complex64 as C64;

/// Where the echo is received (Section III: at the BS; Section IV: at the IRS's dedicated sensors).
#[derive(Debug, Clone, PartialEq)]
pub enum Receiver {
    /// Sensing at the BS (eq. 10): the echo returns through the IRS and G_lᵀ to the M BS antennas.
    Bs {
        /// σ_b², BS receiver noise power per antenna (W).
        sigma_b2_w: f64,
    },
    /// Sensing at the IRS (eq. 33) with an N̄ = N̄_v × N̄_h sensor UPA.
    IrsSensors {
        /// The sensor array of eqs. (28)–(30).
        sensors: Upa,
        /// σ_s², sensor noise power per element (W).
        sigma_s2_w: f64,
    },
}

/// Everything the receiver of IRS l's echo knows: arrays, channel, reflection design, noise powers.
///
/// Shapes: `g` is N×M (BS → IRS l channel G_l, complex), `psi` has N entries (ψ_l, complex,
/// dimensionless), N = `irs.len()`.
#[derive(Debug, Clone)]
pub struct LinkModel {
    irs: Upa,
    g: Mat<C64>,
    psi: Vec<C64>,
    sigma_r2_w: f64,
    receiver: Receiver,
}

impl LinkModel {
    /// Validates and builds a link. `sigma_r2_w` is the active-IRS amplifier noise power σ_r² (W, ≥ 0).
    ///
    /// Errors: `g` not N×M with M ≥ 1, `psi.len() != N`, non-finite entries, noise powers not > 0
    /// (σ_r² may be 0 for a passive IRS).
    pub fn new(
        irs: Upa,
        g: MatRef<'_, C64>,
        psi: &[C64],
        sigma_r2_w: f64,
        receiver: Receiver,
    ) -> Result<Self, EstimateError> {
        let n = irs.len();
        if g.nrows() != n || g.ncols() == 0 {
            return Err(EstimateError::DimensionMismatch {
                field: "g",
                expected: (n, g.ncols().max(1)),
                got: (g.nrows(), g.ncols()),
            });
        }
        if psi.len() != n {
            return Err(EstimateError::DimensionMismatch {
                field: "psi",
                expected: (n, 1),
                got: (psi.len(), 1),
            });
        }
        check_finite_c(
            "g",
            (0..g.ncols()).flat_map(|j| (0..n).map(move |i| g[(i, j)])),
        )?;
        check_finite_c("psi", psi.iter().copied())?;
        check_nonnegative("sigma_r2_w", sigma_r2_w)?;
        match &receiver {
            Receiver::Bs { sigma_b2_w } => check_positive("sigma_b2_w", *sigma_b2_w)?,
            Receiver::IrsSensors { sigma_s2_w, .. } => check_positive("sigma_s2_w", *sigma_s2_w)?,
        }
        Ok(Self {
            irs,
            g: g.to_owned(),
            psi: psi.to_vec(),
            sigma_r2_w,
            receiver,
        })
    }

    /// The IRS reflecting array (N elements).
    pub fn irs(&self) -> &Upa {
        &self.irs
    }
    /// G_l, N×M.
    pub fn g(&self) -> MatRef<'_, C64> {
        self.g.as_ref()
    }
    /// ψ_l, length N.
    pub fn psi(&self) -> &[C64] {
        &self.psi
    }
    /// σ_r² (W).
    pub fn sigma_r2_w(&self) -> f64 {
        self.sigma_r2_w
    }
    /// The receiver.
    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }
    /// Number of BS antennas M.
    pub fn m(&self) -> usize {
        self.g.ncols()
    }
    /// Number of IRS elements N.
    pub fn n(&self) -> usize {
        self.irs.len()
    }
    /// Number of receive channels: M (at the BS) or N̄ (at the sensors).
    pub fn n_rx(&self) -> usize {
        match &self.receiver {
            Receiver::Bs { .. } => self.m(),
            Receiver::IrsSensors { sensors, .. } => sensors.len(),
        }
    }
    /// tr Θ_l = Σ|ψ_n|².
    pub fn trace_theta(&self) -> f64 {
        self.psi.iter().map(|p| p.norm_sqr()).sum()
    }

    /// Gᵀ Ψ (M×N): maps an IRS-side vector to the BS (eq. 10's G_lᵀ Ψ_l).
    pub(crate) fn gt_psi(&self) -> Mat<C64> {
        Mat::from_fn(self.m(), self.n(), |i, j| self.g[(j, i)] * self.psi[j])
    }

    /// Noise covariance per snapshot that the estimator treats as known and whitens with.
    ///
    /// At the BS: R_w = σ_r² GᵀΨΨᴴG* + σ_b² I_M (eq. 14). At the sensors: σ_s² I_N̄ — the amplified
    /// term σ_r²|β|² tr(Θ) ā āᴴ of eq. (38) depends on the unknowns and lies along the signal
    /// direction ā, so it is left to the model mismatch (see docs/estimation.md for its size).
    pub fn known_noise_covariance(&self) -> Mat<C64> {
        match &self.receiver {
            Receiver::Bs { sigma_b2_w } => {
                let gp = self.gt_psi();
                let mut r = Mat::from_fn(self.m(), self.m(), |i, j| {
                    let mut acc = C64::new(0.0, 0.0);
                    for k in 0..self.n() {
                        acc += gp[(i, k)] * gp[(j, k)].conj();
                    }
                    acc * self.sigma_r2_w
                });
                for i in 0..self.m() {
                    r[(i, i)] += C64::new(*sigma_b2_w, 0.0);
                }
                r
            }
            Receiver::IrsSensors {
                sensors,
                sigma_s2_w,
            } => Mat::from_fn(sensors.len(), sensors.len(), |i, j| {
                if i == j {
                    C64::new(*sigma_s2_w, 0.0)
                } else {
                    C64::new(0.0, 0.0)
                }
            }),
        }
    }
}

/// The target as seen from one IRS: DoA (θ_l, φ_l) and reflection coefficient β_l (eq. 5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// θ_l, vertical angle (rad), measured from the IRS's vertical axis.
    pub theta_rad: f64,
    /// φ_l, azimuth (rad), measured from the IRS's horizontal axis.
    pub phi_rad: f64,
    /// β_l, complex round-trip coefficient (amplitude units √W/√W, i.e. dimensionless).
    pub beta: C64,
}

impl Target {
    pub(crate) fn validate(&self) -> Result<(), EstimateError> {
        if !self.theta_rad.is_finite() {
            return Err(EstimateError::NonFinite { field: "theta_rad" });
        }
        if !self.phi_rad.is_finite() {
            return Err(EstimateError::NonFinite { field: "phi_rad" });
        }
        check_finite_c("beta", [self.beta])
    }
}

/// T_L = T_c / L, the number of snapshots in IRS l's slot (Section II).
///
/// Errors: `l == 0`, `t_c == 0`, or `t_c` not a multiple of `l`.
pub fn slot_len(t_c: usize, l: usize) -> Result<usize, EstimateError> {
    if l == 0 {
        return Err(EstimateError::InvalidValue {
            field: "l",
            value: 0.0,
            reason: "need at least one IRS",
        });
    }
    if t_c == 0 {
        return Err(EstimateError::InvalidValue {
            field: "t_c",
            value: 0.0,
            reason: "must be ≥ 1",
        });
    }
    if t_c % l != 0 {
        return Err(EstimateError::FrameNotDivisible { t_c, l });
    }
    Ok(t_c / l)
}
