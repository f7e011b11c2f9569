//! The `Scenario`: every input of a simulation (geometry, arrays, budgets, noise, propagation laws),
//! with serde (TOML/JSON), the paper's Section V set-up as `Default`, and `validate()`.

use crate::geometry::{distance_m, dot, norm, unit, Point3, UpaFrame};
use crate::units::{db_to_linear, wavelength_m, KFactor, Power};
use crate::{limits, ChannelError};
use irs_array::{Ula, Upa};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Two positions closer than this (metres) are treated as the same point by [`Scenario::validate`].
pub const MIN_SEPARATION_M: f64 = 1e-6;

/// Largest number of entries of one G_l (N·M) or array accepted by [`Scenario::validate`]
/// (2²⁸ complex entries = 4 GiB), so a typo in a file gives an error instead of an allocation failure.
pub const MAX_CHANNEL_ENTRIES: u128 = 1 << 28;

/// Largest |cos| between an IRS's two axes still accepted as orthogonal.
pub const ORTHOGONALITY_TOL: f64 = 1e-9;

/// The whole simulation set-up. `Scenario::default()` is the paper's Section V scenario with the
/// choices documented in docs/assumptions.md. Fields omitted from a file take their default values;
/// unknown fields are rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Carrier frequency in Hz (λ = c/f). Default 2.4 GHz.
    pub carrier_hz: f64,
    /// Radar dwell time T_c in symbols; must be a multiple of the number of IRSs L (T_c = T_L L). Default 100.
    pub t_c: usize,
    /// BS transmit power budget P_t in W (Eq. 18b). Default: see docs/assumptions.md.
    pub bs_power_w: f64,
    /// Per-IRS amplification power budget P_s in W (Eqs. 8, 34). Default 0.1 W.
    pub irs_power_w: f64,
    /// Maximum amplitude gain a_max of every IRS element (Eq. 18d); ≥ 1 for an active IRS. Default 8.
    pub a_max: f64,
    /// Noise powers σ_r², σ_b², σ_s². Default −80 dBm each.
    pub noise: NoisePowers,
    /// The BS and its ULA.
    pub bs: BsSpec,
    /// The IRSs, in the order of their time slots (IRS l is active during 𝒯_l).
    pub irs: Vec<IrsSpec>,
    /// The target.
    pub target: TargetSpec,
    /// Path loss and fading of the BS–IRS links G_l.
    pub bs_irs_link: BsIrsLink,
    /// Path-loss law of the IRS–target links (used by `Reflection::PathLossPerHop`).
    pub irs_target_link: PathLoss,
}

/// Noise powers of Section II–IV.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoisePowers {
    /// σ_r²: amplification noise of each active IRS element (Eqs. 6–7).
    pub irs: Power,
    /// σ_b²: receiver noise per BS antenna (Eq. 9).
    pub bs: Power,
    /// σ_s²: receiver noise per IRS sensor (Eq. 32).
    pub sensor: Power,
}

impl Default for NoisePowers {
    fn default() -> Self {
        NoisePowers {
            irs: Power::Dbm(-80.0),
            bs: Power::Dbm(-80.0),
            sensor: Power::Dbm(-80.0),
        }
    }
}

/// The BS: position and ULA.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BsSpec {
    /// Position in metres. Default (0, 0, 0).
    pub position_m: Point3,
    /// Number of antennas M. Default 16.
    pub antennas: usize,
    /// Antenna spacing in wavelengths. Default 0.5.
    pub spacing_wl: f64,
    /// Direction of the ULA's axis (any length). Default +x, so broadside is ±y (towards the IRSs).
    pub axis: Point3,
}

impl Default for BsSpec {
    fn default() -> Self {
        BsSpec {
            position_m: [0.0, 0.0, 0.0],
            antennas: 16,
            spacing_wl: 0.5,
            axis: [1.0, 0.0, 0.0],
        }
    }
}

/// A UPA's size and spacing (IRS elements or sensors).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpaSize {
    /// Rows N_v (along the vertical axis). Default 4.
    pub n_v: usize,
    /// Columns N_h (along the horizontal axis). Default 4.
    pub n_h: usize,
    /// Vertical spacing d_v in wavelengths. Default 0.5.
    pub spacing_v_wl: f64,
    /// Horizontal spacing d_h in wavelengths. Default 0.5.
    pub spacing_h_wl: f64,
}

impl Default for UpaSize {
    fn default() -> Self {
        UpaSize {
            n_v: 4,
            n_h: 4,
            spacing_v_wl: 0.5,
            spacing_h_wl: 0.5,
        }
    }
}

impl UpaSize {
    /// The `irs-array` UPA; errors name `field`.
    pub fn to_upa(&self, field: &str) -> Result<Upa, ChannelError> {
        Upa::new(self.n_v, self.n_h, self.spacing_v_wl, self.spacing_h_wl).map_err(|e| {
            ChannelError::Array {
                field: field.to_string(),
                source: e,
            }
        })
    }
}

fn default_horizontal_axis() -> Point3 {
    [0.0, 1.0, 0.0]
}
fn default_vertical_axis() -> Point3 {
    [0.0, 0.0, 1.0]
}

/// One active IRS with its (optional-use) co-located sensor array.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IrsSpec {
    /// Position (array reference element) in metres. Required.
    pub position_m: Point3,
    /// Reflecting elements N = N_v × N_h. Default 4×4, λ/2.
    #[serde(default)]
    pub elements: UpaSize,
    /// Sensors N̄ = N̄_v × N̄_h used for sensing at the IRSs (Section IV). Default 4×4, λ/2.
    #[serde(default)]
    pub sensors: UpaSize,
    /// Horizontal axis h of the UPA (direction of increasing i_h). Default +y.
    #[serde(default = "default_horizontal_axis")]
    pub horizontal_axis: Point3,
    /// Vertical axis v (direction of increasing i_v; θ is measured from it). Default +z.
    /// The IRS faces n = h × v (default +x).
    #[serde(default = "default_vertical_axis")]
    pub vertical_axis: Point3,
}

impl IrsSpec {
    /// An IRS at `position_m` with the default arrays and orientation.
    pub fn at(position_m: Point3) -> IrsSpec {
        IrsSpec {
            position_m,
            elements: UpaSize::default(),
            sensors: UpaSize::default(),
            horizontal_axis: default_horizontal_axis(),
            vertical_axis: default_vertical_axis(),
        }
    }
    /// Its orientation frame (axes normalised).
    pub fn frame(&self) -> UpaFrame {
        UpaFrame::new(self.horizontal_axis, self.vertical_axis)
    }
}

/// The target: position and reflection coefficient model β_l (Eq. 5).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TargetSpec {
    /// Position in metres. Default (5, 15, 0).
    pub position_m: Point3,
    /// Magnitude model of β_l.
    pub reflection: Reflection,
    /// Phase model of β_l.
    pub beta_phase: BetaPhase,
}

impl Default for TargetSpec {
    fn default() -> Self {
        TargetSpec {
            position_m: [5.0, 15.0, 0.0],
            reflection: Reflection::default(),
            beta_phase: BetaPhase::Uniform,
        }
    }
}

/// Magnitude of the round-trip coefficient β_l of the IRS l–target–IRS l link (Eq. 5).
/// `d` is the IRS–target distance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Reflection {
    /// Monostatic radar equation per element pair:
    /// |β|² = σ_rcs λ² g_e² / ((4π)³ d⁴), g_e the element gain (linear, from dBi).
    RadarEquation {
        /// Radar cross-section σ_rcs in m².
        rcs_m2: f64,
        /// Gain of one IRS element / sensor in dBi (applied once on each way).
        element_gain_dbi: f64,
    },
    /// Two hops of the `irs_target_link` path-loss law plus a reflection gain:
    /// |β|² = PL(d)² · 10^(reflection_gain_db/10).
    PathLossPerHop {
        /// Extra gain of the reflection in dB (0 reproduces "−30 dB·d⁻² per hop").
        reflection_gain_db: f64,
    },
    /// A fixed |β|² in dB (for controlled experiments).
    FixedGainDb {
        /// 10 log10 |β|².
        gain_db: f64,
    },
}

impl Default for Reflection {
    fn default() -> Self {
        Reflection::RadarEquation {
            rcs_m2: 1.0,
            element_gain_dbi: 5.0,
        }
    }
}

/// Phase of β_l. In files: `beta_phase = "uniform"` or `beta_phase = { fixed_rad = 0.0 }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum BetaPhase {
    /// Uniform on [0, 2π), drawn from the realization's seed (independent per IRS).
    Uniform,
    /// The same fixed phase (radians) for every IRS.
    FixedRad(f64),
}

/// Distance-dependent path loss PL(d) = G₀ (d/d₀)^(−α) (power gain).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathLoss {
    /// G₀ in dB at the reference distance. Default −30 dB.
    pub ref_gain_db: f64,
    /// Reference distance d₀ in metres. Default 1 m.
    pub ref_distance_m: f64,
    /// Exponent α (≥ 0).
    pub exponent: f64,
}

impl PathLoss {
    /// Power gain at distance `d_m` metres.
    pub fn gain(&self, d_m: f64) -> f64 {
        db_to_linear(self.ref_gain_db) * libm::pow(d_m / self.ref_distance_m, -self.exponent)
    }
    fn validate(&self, field: &str) -> Result<(), ChannelError> {
        finite(&format!("{field}.ref_gain_db"), self.ref_gain_db)?;
        positive(&format!("{field}.ref_distance_m"), self.ref_distance_m)?;
        finite(&format!("{field}.exponent"), self.exponent)?;
        if self.exponent < 0.0 {
            return Err(ChannelError::Negative {
                field: format!("{field}.exponent"),
                value: self.exponent,
            });
        }
        Ok(())
    }
}

impl Default for PathLoss {
    fn default() -> Self {
        PathLoss {
            ref_gain_db: -30.0,
            ref_distance_m: 1.0,
            exponent: 2.0,
        }
    }
}

/// BS–IRS links: path loss and Rician fading of G_l.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BsIrsLink {
    /// Path-loss law. Default −30 dB at 1 m, exponent 2.2.
    pub path_loss: PathLoss,
    /// Rician K-factor. Default 5 dB (Section V).
    pub rician_k: KFactor,
}

impl Default for BsIrsLink {
    fn default() -> Self {
        BsIrsLink {
            path_loss: PathLoss {
                ref_gain_db: -30.0,
                ref_distance_m: 1.0,
                exponent: 2.2,
            },
            rician_k: KFactor::Db(5.0),
        }
    }
}

impl Default for Scenario {
    /// Section V of the paper: BS at (0,0,0) with M = 16, IRSs at (−5,10,0) and (−5,20,0) with 4×4
    /// elements and 4×4 sensors, target at (5,15,0), T_c = 100, K = 5 dB, noise −80 dBm,
    /// P_s = 0.1 W, a_max = 8; the rest as in docs/assumptions.md.
    fn default() -> Self {
        Scenario {
            carrier_hz: 2.4e9,
            t_c: 100,
            bs_power_w: 1.0,
            irs_power_w: 0.1,
            a_max: 8.0,
            noise: NoisePowers::default(),
            bs: BsSpec::default(),
            irs: vec![
                IrsSpec::at([-5.0, 10.0, 0.0]),
                IrsSpec::at([-5.0, 20.0, 0.0]),
            ],
            target: TargetSpec::default(),
            bs_irs_link: BsIrsLink::default(),
            irs_target_link: PathLoss::default(),
        }
    }
}

fn finite(field: &str, value: f64) -> Result<(), ChannelError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(ChannelError::NotFinite {
            field: field.to_string(),
            value,
        })
    }
}

fn positive(field: &str, value: f64) -> Result<(), ChannelError> {
    finite(field, value)?;
    if value > 0.0 {
        Ok(())
    } else {
        Err(ChannelError::NotPositive {
            field: field.to_string(),
            value,
        })
    }
}

/// `value` finite and inside `range` (inclusive); the error names the field, the range and `why`.
fn in_range(
    field: &str,
    value: f64,
    range: (f64, f64),
    unit: &'static str,
    why: &'static str,
) -> Result<(), ChannelError> {
    finite(field, value)?;
    if value < range.0 || value > range.1 {
        return Err(ChannelError::OutOfRange {
            field: field.to_string(),
            value,
            min: range.0,
            max: range.1,
            unit,
            why,
        });
    }
    Ok(())
}

/// A count at most `limit` (checked before anything of that size is allocated).
fn at_most(field: &str, value: u128, limit: usize, why: &'static str) -> Result<(), ChannelError> {
    if value > limit as u128 {
        return Err(ChannelError::TooMany {
            field: field.to_string(),
            value,
            limit: limit as u128,
            why,
        });
    }
    Ok(())
}

/// A noise power inside [`limits::NOISE_DBM`] (a power given in W is compared in dBm).
fn noise_in_range(field: &str, p: Power) -> Result<(), ChannelError> {
    p.validate(field)?;
    let dbm = match p {
        Power::Dbm(d) => d,
        Power::W(w) => crate::units::w_to_dbm(w),
    };
    in_range(
        field,
        dbm,
        limits::NOISE_DBM,
        "dBm",
        "; from far below the thermal floor (-174 dBm/Hz) to a 1 W jammer",
    )
}

/// Centre and radius of the sphere that contains an IRS's element and sensor apertures (each
/// element occupies a d_h λ × d_v λ cell around its position, the reference element at
/// `position_m`, rows along v and columns along h).
fn aperture_sphere(irs: &IrsSpec, wavelength_m: f64) -> (Point3, f64) {
    let f = irs.frame();
    let e = irs.elements;
    // In-plane coordinates (along h, along v) relative to the reference element.
    let ch = (e.n_h as f64 - 1.0) * e.spacing_h_wl * wavelength_m / 2.0;
    let cv = (e.n_v as f64 - 1.0) * e.spacing_v_wl * wavelength_m / 2.0;
    let mut radius: f64 = 0.0;
    for a in [irs.elements, irs.sensors] {
        let (dh, dv) = (a.spacing_h_wl * wavelength_m, a.spacing_v_wl * wavelength_m);
        for h in [-0.5 * dh, (a.n_h as f64 - 0.5) * dh] {
            for v in [-0.5 * dv, (a.n_v as f64 - 0.5) * dv] {
                radius = radius.max(((h - ch).powi(2) + (v - cv).powi(2)).sqrt());
            }
        }
    }
    let mut centre = irs.position_m;
    for (i, c) in centre.iter_mut().enumerate() {
        *c += ch * f.h[i] + cv * f.v[i];
    }
    (centre, radius)
}

fn finite_point(field: &str, p: Point3) -> Result<(), ChannelError> {
    for (c, name) in p.iter().zip(["x", "y", "z"]) {
        finite(&format!("{field}.{name}"), *c)?;
    }
    Ok(())
}

fn apart(field: &str, p: Point3, other: &str, q: Point3) -> Result<(), ChannelError> {
    let d = distance_m(p, q);
    if d < MIN_SEPARATION_M {
        Err(ChannelError::Coincident {
            field: field.to_string(),
            other: other.to_string(),
            distance_m: d,
        })
    } else {
        Ok(())
    }
}

fn upa_size(field: &str, s: &UpaSize) -> Result<(), ChannelError> {
    if s.n_v == 0 {
        return Err(ChannelError::ZeroCount {
            field: format!("{field}.n_v"),
        });
    }
    if s.n_h == 0 {
        return Err(ChannelError::ZeroCount {
            field: format!("{field}.n_h"),
        });
    }
    at_most(
        &format!("{field}.n_v × n_h"),
        s.n_v as u128 * s.n_h as u128,
        limits::MAX_ARRAY_ELEMENTS,
        "; a 64×64 UPA, whose N×N matrices hold 16 Mi entries",
    )?;
    let why = "; closer elements overlap, wider ones leave the far-field steering model";
    positive(&format!("{field}.spacing_v_wl"), s.spacing_v_wl)?;
    positive(&format!("{field}.spacing_h_wl"), s.spacing_h_wl)?;
    in_range(
        &format!("{field}.spacing_v_wl"),
        s.spacing_v_wl,
        limits::SPACING_WL,
        "λ",
        why,
    )?;
    in_range(
        &format!("{field}.spacing_h_wl"),
        s.spacing_h_wl,
        limits::SPACING_WL,
        "λ",
        why,
    )?;
    s.to_upa(field).map(|_| ())
}

/// Refuses a struct that the input gave as an array: walks the input alongside the parsed scenario
/// serialised again (where structs are always objects), and names the first array found where the
/// scenario has an object.
fn no_positional_tables(
    raw: &serde_json::Value,
    parsed: &Scenario,
    table: &'static str,
) -> Result<(), ChannelError> {
    fn walk(
        raw: &serde_json::Value,
        shape: &serde_json::Value,
        path: &str,
        table: &'static str,
    ) -> Result<(), ChannelError> {
        use serde_json::Value;
        match (raw, shape) {
            (Value::Array(_), Value::Object(_)) => Err(ChannelError::PositionalTable {
                field: path.to_string(),
                table,
            }),
            (Value::Object(r), Value::Object(o)) => {
                for (k, v) in r {
                    if let Some(w) = o.get(k) {
                        let p = if path == "scenario" {
                            k.clone()
                        } else {
                            format!("{path}.{k}")
                        };
                        walk(v, w, &p, table)?;
                    }
                }
                Ok(())
            }
            (Value::Array(r), Value::Array(o)) => {
                for (i, (v, w)) in r.iter().zip(o).enumerate() {
                    walk(v, w, &format!("{path}[{i}]"), table)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    let shape = serde_json::to_value(parsed).map_err(|e| ChannelError::Serialize {
        format: "JSON",
        message: e.to_string(),
    })?;
    walk(raw, &shape, "scenario", table)
}

impl Scenario {
    /// Number of IRSs L.
    pub fn num_irs(&self) -> usize {
        self.irs.len()
    }

    /// T_L = T_c / L, the symbols of each IRS's slot (valid after [`Scenario::validate`]).
    pub fn t_l(&self) -> usize {
        self.t_c / self.irs.len().max(1)
    }

    /// Carrier wavelength λ in metres.
    pub fn wavelength_m(&self) -> f64 {
        wavelength_m(self.carrier_hz)
    }

    /// The BS ULA.
    pub fn bs_array(&self) -> Result<Ula, ChannelError> {
        Ula::new(self.bs.antennas, self.bs.spacing_wl).map_err(|e| ChannelError::Array {
            field: "bs".to_string(),
            source: e,
        })
    }

    /// Checks every input a user can get wrong; the error names the field.
    ///
    /// Rejected: zero antennas/elements/sensors/T_c; T_c not a multiple of L; no IRS; non-finite
    /// numbers anywhere; zero/negative powers (P_t, P_s, noise), carrier, spacings, reference distances;
    /// negative path-loss exponents, K-factors (linear), radar cross-sections; a_max < 1; the target at
    /// the BS or at an IRS, an IRS at the BS, two IRSs at the same position (all within
    /// [`MIN_SEPARATION_M`]); zero or non-orthogonal IRS axes, a zero BS axis; the BS or the target
    /// behind an IRS.
    pub fn validate(&self) -> Result<(), ChannelError> {
        positive("carrier_hz", self.carrier_hz)?;
        in_range(
            "carrier_hz",
            self.carrier_hz,
            limits::CARRIER_HZ,
            "Hz",
            "; 1 MHz to 1 THz",
        )?;
        if self.t_c == 0 {
            return Err(ChannelError::ZeroCount {
                field: "t_c".to_string(),
            });
        }
        at_most(
            "t_c",
            self.t_c as u128,
            limits::MAX_T_C,
            "; echo simulation draws T_c×M samples",
        )?;
        if self.irs.is_empty() {
            return Err(ChannelError::NoIrs);
        }
        at_most(
            "irs",
            self.irs.len() as u128,
            limits::MAX_IRS,
            "; IRSs (each adds a time slot and an SDP cone)",
        )?;
        if self.t_c % self.irs.len() != 0 {
            return Err(ChannelError::TcNotMultipleOfL {
                t_c: self.t_c,
                l: self.irs.len(),
            });
        }
        positive("bs_power_w", self.bs_power_w)?;
        in_range(
            "bs_power_w",
            self.bs_power_w,
            limits::BS_POWER_W,
            "W",
            "; beyond it the FIM overflows or vanishes in double precision",
        )?;
        positive("irs_power_w", self.irs_power_w)?;
        in_range(
            "irs_power_w",
            self.irs_power_w,
            limits::IRS_POWER_W,
            "W",
            "; below it, under every amplifier-noise floor; above, not an IRS",
        )?;
        finite("a_max", self.a_max)?;
        if self.a_max < 1.0 {
            return Err(ChannelError::AmaxBelowOne { value: self.a_max });
        }
        in_range(
            "a_max",
            self.a_max,
            limits::A_MAX,
            "(linear)",
            "; 120 dB of amplitude gain; beyond it the FIM overflows",
        )?;
        noise_in_range("noise.irs", self.noise.irs)?;
        noise_in_range("noise.bs", self.noise.bs)?;
        noise_in_range("noise.sensor", self.noise.sensor)?;

        // BS
        finite_point("bs.position_m", self.bs.position_m)?;
        if self.bs.antennas == 0 {
            return Err(ChannelError::ZeroCount {
                field: "bs.antennas".to_string(),
            });
        }
        at_most(
            "bs.antennas",
            self.bs.antennas as u128,
            limits::MAX_BS_ANTENNAS,
            "; the FIM factors M×M matrices (designs allow fewer, see irs-design)",
        )?;
        positive("bs.spacing_wl", self.bs.spacing_wl)?;
        in_range(
            "bs.spacing_wl",
            self.bs.spacing_wl,
            limits::SPACING_WL,
            "λ",
            "; closer elements overlap, wider ones leave the far-field steering model",
        )?;
        finite_point("bs.axis", self.bs.axis)?;
        if norm(self.bs.axis) == 0.0 {
            return Err(ChannelError::BadOrientation {
                field: "bs.axis".to_string(),
                reason: "the ULA axis must be a non-zero vector".to_string(),
            });
        }

        // Target
        finite_point("target.position_m", self.target.position_m)?;
        match self.target.reflection {
            Reflection::RadarEquation {
                rcs_m2,
                element_gain_dbi,
            } => {
                positive("target.reflection.radar_equation.rcs_m2", rcs_m2)?;
                finite(
                    "target.reflection.radar_equation.element_gain_dbi",
                    element_gain_dbi,
                )?;
            }
            Reflection::PathLossPerHop { reflection_gain_db } => finite(
                "target.reflection.path_loss_per_hop.reflection_gain_db",
                reflection_gain_db,
            )?,
            Reflection::FixedGainDb { gain_db } => {
                finite("target.reflection.fixed_gain_db.gain_db", gain_db)?
            }
        }
        if let BetaPhase::FixedRad(p) = self.target.beta_phase {
            finite("target.beta_phase.fixed_rad", p)?;
        }
        apart(
            "target.position_m",
            self.target.position_m,
            "bs.position_m",
            self.bs.position_m,
        )?;

        // Links
        self.bs_irs_link
            .path_loss
            .validate("bs_irs_link.path_loss")?;
        self.bs_irs_link.rician_k.validate("bs_irs_link.rician_k")?;
        self.irs_target_link.validate("irs_target_link")?;

        // IRSs
        for (l, irs) in self.irs.iter().enumerate() {
            let f = format!("irs[{l}]");
            finite_point(&format!("{f}.position_m"), irs.position_m)?;
            upa_size(&format!("{f}.elements"), &irs.elements)?;
            upa_size(&format!("{f}.sensors"), &irs.sensors)?;
            let entries =
                irs.elements.n_v as u128 * irs.elements.n_h as u128 * self.bs.antennas as u128;
            if entries > MAX_CHANNEL_ENTRIES {
                return Err(ChannelError::TooLarge {
                    field: format!("{f}.elements"),
                    entries,
                    limit: MAX_CHANNEL_ENTRIES,
                });
            }
            finite_point(&format!("{f}.horizontal_axis"), irs.horizontal_axis)?;
            finite_point(&format!("{f}.vertical_axis"), irs.vertical_axis)?;
            for (name, ax) in [
                ("horizontal_axis", irs.horizontal_axis),
                ("vertical_axis", irs.vertical_axis),
            ] {
                if norm(ax) == 0.0 {
                    return Err(ChannelError::BadOrientation {
                        field: format!("{f}.{name}"),
                        reason: "must be a non-zero vector".to_string(),
                    });
                }
            }
            let c = dot(unit(irs.horizontal_axis), unit(irs.vertical_axis));
            if c.abs() > ORTHOGONALITY_TOL {
                return Err(ChannelError::BadOrientation {
                    field: format!("{f}.vertical_axis"),
                    reason: format!(
                        "must be orthogonal to {f}.horizontal_axis (cosine between them {c})"
                    ),
                });
            }
            apart(
                &format!("{f}.position_m"),
                irs.position_m,
                "bs.position_m",
                self.bs.position_m,
            )?;
            apart(
                "target.position_m",
                self.target.position_m,
                &format!("{f}.position_m"),
                irs.position_m,
            )?;
            for (k, other) in self.irs[..l].iter().enumerate() {
                apart(
                    &format!("{f}.position_m"),
                    irs.position_m,
                    &format!("irs[{k}].position_m"),
                    other.position_m,
                )?;
            }
        }
        // Physical extent (once every position is distinct): two IRS arrays must not overlap, and
        // the BS and the target must be outside each IRS's near zone.
        let lambda = self.wavelength_m();
        let spheres: Vec<(Point3, f64)> = self
            .irs
            .iter()
            .map(|irs| aperture_sphere(irs, lambda))
            .collect();
        for (l, &(c_l, r_l)) in spheres.iter().enumerate() {
            for (k, &(c_k, r_k)) in spheres[..l].iter().enumerate() {
                let d = distance_m(c_l, c_k);
                if d < r_l + r_k {
                    return Err(ChannelError::TooClose {
                        field: format!("irs[{l}].position_m"),
                        other: format!("irs[{k}].position_m"),
                        distance_m: d,
                        min_m: r_l + r_k,
                        why: " (the sum of the radii of the spheres holding each IRS's element and sensor apertures, so that the arrays cannot overlap; distance between the aperture centres)",
                    });
                }
            }
            let min_m = (2.0 * r_l).max(lambda);
            for (field, p) in [
                ("target.position_m", self.target.position_m),
                ("bs.position_m", self.bs.position_m),
            ] {
                let d = distance_m(p, c_l);
                if d < min_m {
                    return Err(ChannelError::TooClose {
                        field: field.to_string(),
                        other: format!("irs[{l}].position_m"),
                        distance_m: d,
                        min_m,
                        why: " (the larger of one wavelength and the IRS's aperture diagonal, measured from the aperture centre: nearer, the far-field model of Eqs. 2-5 does not hold)",
                    });
                }
            }
        }
        // Only once every position is known to be distinct: which side of each IRS things are on.
        for (l, irs) in self.irs.iter().enumerate() {
            let frame = irs.frame();
            for (field, p) in [
                ("bs.position_m", self.bs.position_m),
                ("target.position_m", self.target.position_m),
            ] {
                let dn = frame.front_distance_m(irs.position_m, p);
                if dn <= 0.0 {
                    return Err(ChannelError::BehindIrs {
                        field: field.to_string(),
                        irs: l,
                        normal_component_m: dn,
                    });
                }
            }
        }
        Ok(())
    }

    /// Parses a TOML scenario and validates it. Never panics on malformed input.
    ///
    /// Refused besides what [`Scenario::validate`] refuses: an empty or whitespace-only text
    /// ([`ChannelError::Empty`]: an empty file is not the default scenario), unknown and duplicate
    /// keys, wrong types, and a table given as an array ([`ChannelError::PositionalTable`]: serde
    /// would read its fields by position).
    pub fn from_toml_str(s: &str) -> Result<Scenario, ChannelError> {
        const FORMAT: &str = "TOML";
        if s.trim().is_empty() {
            return Err(ChannelError::Empty { format: FORMAT });
        }
        // One line: the toml crate's Display adds a multi-line source excerpt; keep its message
        // and name the line (whose text shows the key) instead.
        let parse_err = |e: toml::de::Error| {
            let message = match e.span() {
                Some(span) => {
                    let start = span.start.min(s.len());
                    let line_no = s[..start].matches('\n').count() + 1;
                    let line = s.lines().nth(line_no - 1).unwrap_or("").trim();
                    format!("line {line_no} `{line}`: {}", e.message().trim())
                }
                None => e.message().trim().to_string(),
            };
            ChannelError::Parse {
                format: FORMAT,
                message: message.replace('\n', " "),
            }
        };
        let sc: Scenario = toml::from_str(s).map_err(parse_err)?;
        let raw: toml::Value = toml::from_str(s).map_err(parse_err)?;
        let raw = serde_json::to_value(raw).map_err(|e| ChannelError::Parse {
            format: FORMAT,
            message: e.to_string(),
        })?;
        no_positional_tables(&raw, &sc, "a table")?;
        sc.validate()?;
        Ok(sc)
    }

    /// Parses a JSON scenario and validates it. Never panics on malformed input.
    ///
    /// Refused as for [`Scenario::from_toml_str`]; in particular a JSON array such as `[1, 2, 3]`,
    /// which serde would otherwise read as carrier 1 Hz, T_c 2, P_t 3 W.
    pub fn from_json_str(s: &str) -> Result<Scenario, ChannelError> {
        const FORMAT: &str = "JSON";
        if s.trim().is_empty() {
            return Err(ChannelError::Empty { format: FORMAT });
        }
        let parse_err = |e: serde_json::Error| ChannelError::Parse {
            format: FORMAT,
            message: e.to_string(),
        };
        // Straight into the struct first: serde's derive reports duplicate keys there (a
        // `serde_json::Value` would keep the last one silently).
        let sc: Scenario = serde_json::from_str(s).map_err(parse_err)?;
        let raw: serde_json::Value = serde_json::from_str(s).map_err(parse_err)?;
        no_positional_tables(&raw, &sc, "an object")?;
        sc.validate()?;
        Ok(sc)
    }

    /// Reads a `.toml` or `.json` file (by extension), parses and validates it.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario, ChannelError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let text = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| ChannelError::Io {
                path: shown.clone(),
                source: e,
            })
        };
        match ext.as_deref() {
            Some("toml") => Scenario::from_toml_str(&text(path)?),
            Some("json") => Scenario::from_json_str(&text(path)?),
            _ => Err(ChannelError::UnknownExtension { path: shown }),
        }
    }

    /// Pretty TOML.
    pub fn to_toml_string(&self) -> Result<String, ChannelError> {
        toml::to_string_pretty(self).map_err(|e| ChannelError::Serialize {
            format: "TOML",
            message: e.to_string(),
        })
    }

    /// Pretty JSON.
    pub fn to_json_string(&self) -> Result<String, ChannelError> {
        serde_json::to_string_pretty(self).map_err(|e| ChannelError::Serialize {
            format: "JSON",
            message: e.to_string(),
        })
    }
}
