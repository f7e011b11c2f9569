//! Seeded channel realizations: G_l (N×M Rician), β_l, the target's angles θ_l, φ_l, the arrays, the
//! noise powers in watts and T_c — the channel, not the design problem: the budgets P_t, P_s, a_max
//! stay in the scenario (`irs_design::Budgets::of`).

use crate::geometry::{distance_m, ula_angle_rad};
use crate::rng::{complex_normal, stream, uniform_open0, Purpose};
use crate::scenario::{BetaPhase, Reflection, Scenario};
use crate::units::db_to_linear;
use crate::ChannelError;
use faer::{c64, Mat};
use irs_array::{Ula, Upa};
use num_complex::Complex64;
use std::f64::consts::{PI, TAU};

/// Deterministic geometry of one IRS (no randomness): distances, angles, gains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IrsGeometry {
    /// BS–IRS distance in metres.
    pub bs_distance_m: f64,
    /// IRS–target distance in metres.
    pub target_distance_m: f64,
    /// θ_l (rad): vertical angle of the target at the IRS, from its vertical axis (Eqs. 2–4).
    pub target_theta_rad: f64,
    /// φ_l (rad): azimuth of the target at the IRS, from its horizontal axis towards its normal.
    pub target_phi_rad: f64,
    /// Vertical angle (rad) of the BS as seen from the IRS (arrival angle of the LoS part of G_l).
    pub bs_theta_rad: f64,
    /// Azimuth (rad) of the BS as seen from the IRS.
    pub bs_phi_rad: f64,
    /// Angle (rad) of the IRS from the BS ULA's broadside (departure angle of the LoS part of G_l).
    pub bs_departure_rad: f64,
    /// Mean power gain E|[G_l]_{nm}|² = PL(d_BS–IRS) (linear).
    pub bs_path_gain: f64,
    /// Linear Rician K-factor of G_l.
    pub rician_k: f64,
    /// |β_l| (linear amplitude).
    pub beta_abs: f64,
}

/// One IRS's share of a realization.
#[derive(Debug, Clone)]
pub struct IrsRealization {
    /// IRS index l (0-based; its slot 𝒯_l).
    pub index: usize,
    /// Reflecting-element UPA (N = n_v n_h), Eqs. (2)–(4).
    pub irs_array: Upa,
    /// Sensor UPA (N̄), Eqs. (28)–(30).
    pub sensor_array: Upa,
    /// G_l: N×M BS→IRS channel (Eq. 6), Rician:
    /// `G = √PL (√(K/(K+1)) e^{−j2πd/λ} a_IRS(θ_B, φ_B) a_BSᵀ(ϑ) + √(1/(K+1)) W)`, W i.i.d. CN(0,1).
    pub g: Mat<c64>,
    /// The deterministic LoS (mean) part of `g`, N×M: `√(PL K/(K+1)) e^{−j2πd/λ} a_IRS a_BSᵀ`.
    pub g_los: Mat<c64>,
    /// β_l: round-trip reflection coefficient of IRS l–target–IRS l (Eq. 5).
    pub beta: Complex64,
    /// θ_l (rad), Eqs. (2)–(4).
    pub theta_rad: f64,
    /// φ_l (rad), Eqs. (2)–(4).
    pub phi_rad: f64,
    /// Geometry behind these numbers.
    pub geometry: IrsGeometry,
}

/// A realization of the whole scenario for one (seed, realization index).
#[derive(Debug, Clone)]
pub struct Realization {
    /// Seed it was drawn from.
    pub seed: u64,
    /// Realization index k (independent stream per k).
    pub realization: u64,
    /// BS ULA (M antennas).
    pub bs_array: Ula,
    /// Per-IRS data, in slot order.
    pub irs: Vec<IrsRealization>,
    /// σ_r² in W: IRS amplification noise per element (the scenario's `noise.irs`). The same name
    /// (`sigma_r2_w`) as in `irs-fim`, `irs-design`'s record and `irs-estimate`.
    pub sigma_r2_w: f64,
    /// σ_b² in W: BS receiver noise per antenna (the scenario's `noise.bs`).
    pub sigma_b2_w: f64,
    /// σ_s² in W: sensor noise per IRS sensor (the scenario's `noise.sensor`).
    pub sigma_s2_w: f64,
    /// T_c in symbols.
    pub t_c: usize,
    /// Carrier wavelength λ in metres.
    pub wavelength_m: f64,
}

impl Realization {
    /// Realization 0 of `seed` (same as `Realization::nth(scenario, seed, 0)`). Validates the scenario.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Realization, ChannelError> {
        Realization::nth(scenario, seed, 0)
    }

    /// Realization `k` of `seed`. Each (seed, k, IRS) uses its own ChaCha20 streams (see `rng`), so
    /// realization k is the same whether or not others were drawn, on every platform and thread.
    /// NLoS entries are drawn column by column (antenna-major), so for a fixed seed the G_l of a
    /// scenario with M antennas is the first M columns of that with more antennas (nested in M).
    pub fn nth(scenario: &Scenario, seed: u64, k: u64) -> Result<Realization, ChannelError> {
        scenario.validate()?;
        let geoms = scenario.geometry()?;
        let bs_array = scenario.bs_array()?;
        let lambda = scenario.wavelength_m();
        let m = bs_array.len();
        let mut irs = Vec::with_capacity(scenario.irs.len());
        for (l, (spec, geo)) in scenario.irs.iter().zip(geoms).enumerate() {
            let irs_array = spec.elements.to_upa(&format!("irs[{l}].elements"))?;
            let sensor_array = spec.sensors.to_upa(&format!("irs[{l}].sensors"))?;
            let n = irs_array.len();
            let a_irs = irs_array.steering(geo.bs_theta_rad, geo.bs_phi_rad);
            let a_bs = bs_array.steering(geo.bs_departure_rad);
            let kk = geo.rician_k;
            // LoS: far-field outer product a_IRS a_BSᵀ (transpose, as E_l = β a aᵀ in Eq. 5) with the
            // propagation phase of the BS–IRS distance.
            let los_amp = libm::sqrt(geo.bs_path_gain * kk / (kk + 1.0));
            let (s, c) = libm::sincos(-TAU * geo.bs_distance_m / lambda);
            let los_coef = Complex64::new(c, s) * los_amp;
            let g_los = Mat::from_fn(n, m, |i, j| los_coef * a_irs[i] * a_bs[j]);
            let nlos_amp = libm::sqrt(geo.bs_path_gain / (kk + 1.0));
            let mut rng = stream(seed, k, l, Purpose::GNlos);
            let mut g = g_los.clone();
            for j in 0..m {
                for i in 0..n {
                    g[(i, j)] += complex_normal(&mut rng) * nlos_amp;
                }
            }
            let phase = match scenario.target.beta_phase {
                BetaPhase::Uniform => {
                    // (0, 1] → (−π, π]; uniform up to the 2⁻⁵³ grid.
                    let u = uniform_open0(&mut stream(seed, k, l, Purpose::BetaPhase));
                    TAU * u - PI
                }
                BetaPhase::FixedRad(p) => p,
            };
            let (s, c) = libm::sincos(phase);
            irs.push(IrsRealization {
                index: l,
                irs_array,
                sensor_array,
                g,
                g_los,
                beta: Complex64::new(c, s) * geo.beta_abs,
                theta_rad: geo.target_theta_rad,
                phi_rad: geo.target_phi_rad,
                geometry: geo,
            });
        }
        Ok(Realization {
            seed,
            realization: k,
            bs_array,
            irs,
            sigma_r2_w: scenario.noise.irs.watts(),
            sigma_b2_w: scenario.noise.bs.watts(),
            sigma_s2_w: scenario.noise.sensor.watts(),
            t_c: scenario.t_c,
            wavelength_m: lambda,
        })
    }

    /// Number of IRSs L.
    pub fn num_irs(&self) -> usize {
        self.irs.len()
    }
    /// T_L = T_c / L.
    pub fn t_l(&self) -> usize {
        self.t_c / self.irs.len()
    }
    /// Number of BS antennas M.
    pub fn m(&self) -> usize {
        self.bs_array.len()
    }
}

impl Scenario {
    /// The deterministic geometry of every IRS (validates the scenario first).
    pub fn geometry(&self) -> Result<Vec<IrsGeometry>, ChannelError> {
        self.validate()?;
        let lambda = self.wavelength_m();
        let k = self.bs_irs_link.rician_k.linear();
        Ok(self
            .irs
            .iter()
            .map(|irs| {
                let frame = irs.frame();
                let p = irs.position_m;
                let (tt, tp) = frame.angles_rad(p, self.target.position_m);
                let (bt, bp) = frame.angles_rad(p, self.bs.position_m);
                let d_bs = distance_m(p, self.bs.position_m);
                let d_t = distance_m(p, self.target.position_m);
                let beta_sq = match self.target.reflection {
                    Reflection::RadarEquation {
                        rcs_m2,
                        element_gain_dbi,
                    } => {
                        let ge = db_to_linear(element_gain_dbi);
                        rcs_m2 * lambda * lambda * ge * ge
                            / (libm::pow(4.0 * PI, 3.0) * libm::pow(d_t, 4.0))
                    }
                    Reflection::PathLossPerHop { reflection_gain_db } => {
                        let pl = self.irs_target_link.gain(d_t);
                        pl * pl * db_to_linear(reflection_gain_db)
                    }
                    Reflection::FixedGainDb { gain_db } => db_to_linear(gain_db),
                };
                IrsGeometry {
                    bs_distance_m: d_bs,
                    target_distance_m: d_t,
                    target_theta_rad: tt,
                    target_phi_rad: tp,
                    bs_theta_rad: bt,
                    bs_phi_rad: bp,
                    bs_departure_rad: ula_angle_rad(self.bs.axis, self.bs.position_m, p),
                    bs_path_gain: self.bs_irs_link.path_loss.gain(d_bs),
                    rician_k: k,
                    beta_abs: libm::sqrt(beta_sq),
                }
            })
            .collect())
    }
}
