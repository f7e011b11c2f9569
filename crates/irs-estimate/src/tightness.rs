//! CRB-tightness study: Monte Carlo RMSE of the ML DoA estimates and of the fused position against
//! √CRB over a P_t sweep, for both set-ups, written as CSV + JSON (`cargo xtask tightness` adds the
//! optimized designs through [`DesignSource`], the SVG plot and provenance).

use crate::doa::{DoaConfig, MlDoaEstimator};
use crate::echo::{simulate_echo, EchoOptions};
use crate::error::EstimateError;
use crate::localize::{localize, position_crb, Bearing, LocalizeOptions};
use crate::scenario::{
    angle_bound, feasible_random_psi, irs_pose, isotropic_rs, link_model, target,
};
use crate::waveform::waveform;
use faer::Mat;
use irs_channel::{Realization, Scenario};
use irs_fim::Setup;
use num_complex::Complex64 as C64;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Per IRS: (R_s,l M×M Hermitian PSD in W, ψ_l of length N).
pub type Design = Vec<(Mat<C64>, Vec<C64>)>;

/// Where the per-IRS designs (R_s,l, ψ_l) of a sweep point come from.
pub trait DesignSource {
    /// A label that goes into the report, the CSV and the plots (e.g. "isotropic (not optimized)").
    fn label(&self) -> String;
    /// Per IRS: (R_s,l M×M Hermitian PSD in W, ψ_l of length N) for this set-up and budgets.
    fn design(
        &self,
        scenario: &Scenario,
        real: &Realization,
        setup: Setup,
        p_t_w: f64,
        p_s_w: f64,
    ) -> Result<Design, EstimateError>;
}

/// Baseline design: R_s,l = (P_t/M) I and random phases at a_max scaled to satisfy the IRS power
/// budget (eq. 8 / eq. 34). Not optimized — used until/unless optimized designs are supplied.
#[derive(Debug, Clone, Copy)]
pub struct IsotropicDesign {
    /// Seed of the random phases.
    pub seed: u64,
}

impl DesignSource for IsotropicDesign {
    fn label(&self) -> String {
        "isotropic R_s, random-phase psi (NOT optimized)".to_string()
    }
    fn design(
        &self,
        scenario: &Scenario,
        real: &Realization,
        setup: Setup,
        p_t_w: f64,
        p_s_w: f64,
    ) -> Result<Design, EstimateError> {
        (0..real.num_irs())
            .map(|l| {
                let r = isotropic_rs(real.m(), p_t_w);
                let psi = feasible_random_psi(
                    real,
                    l,
                    setup,
                    r.as_ref(),
                    scenario.a_max,
                    p_s_w,
                    self.seed.wrapping_add(l as u64),
                )?;
                Ok((r, psi))
            })
            .collect()
    }
}

/// How the IRS power budget P_s follows the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum IrsBudget {
    /// The scenario's P_s at every point.
    Fixed,
    /// P_s = ratio · P_t (lets the echo SNR grow without the IRS budget capping it).
    Proportional {
        /// P_s / P_t.
        ratio: f64,
    },
}

/// Study settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TightnessConfig {
    /// BS power budgets P_t to sweep (W).
    pub p_t_w: Vec<f64>,
    /// IRS budget policy.
    pub irs_budget: IrsBudget,
    /// Monte Carlo trials per point and set-up.
    pub trials: usize,
    /// Seed of the channel realization (a decimal string in JSON, see [`seed_text`]).
    #[serde(with = "seed_text")]
    pub realization_seed: u64,
    /// Seed of waveforms and noise (a decimal string in JSON).
    #[serde(with = "seed_text")]
    pub seed: u64,
    /// Set-ups to run.
    pub setups: Vec<Setup>,
    /// Estimator settings.
    pub doa: DoaConfig,
}

/// Seeds in JSON as decimal strings: readers that hold numbers as doubles (JavaScript, MATLAB's `jsondecode`)
/// round integers above 2^53. Reading accepts a string or a number (reports written before).
mod seed_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&seed.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Number(u64),
        }
        match Either::deserialize(d)? {
            Either::Text(t) => t.parse().map_err(serde::de::Error::custom),
            Either::Number(n) => Ok(n),
        }
    }
}

impl Default for TightnessConfig {
    fn default() -> Self {
        Self {
            p_t_w: vec![1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 1e2, 1e3, 1e4, 1e5],
            irs_budget: IrsBudget::Proportional { ratio: 0.1 },
            trials: 500,
            realization_seed: 1,
            seed: 2024,
            setups: vec![Setup::AtBs, Setup::AtIrs],
            doa: DoaConfig::default(),
        }
    }
}

/// Per-IRS numbers at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IrsPoint {
    /// Empirical RMSE of θ̂ (rad), over all trials (detected or not).
    pub rmse_theta_rad: f64,
    /// Empirical RMSE of φ̂ (rad).
    pub rmse_phi_rad: f64,
    /// √CRB_θ (rad) from irs-fim.
    pub sqrt_crb_theta_rad: f64,
    /// √CRB_φ (rad).
    pub sqrt_crb_phi_rad: f64,
    /// Fraction of trials passing the GLRT gate.
    pub detection_rate: f64,
}

/// One sweep point of one set-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TightnessPoint {
    /// Set-up.
    pub setup: Setup,
    /// P_t (W).
    pub p_t_w: f64,
    /// P_s (W).
    pub p_s_w: f64,
    /// Per IRS.
    pub irs: Vec<IrsPoint>,
    /// √(mean over IRSs of MSE_θ) (rad).
    pub rmse_theta_rad: f64,
    /// √(mean over IRSs of CRB_θ) (rad).
    pub sqrt_crb_theta_rad: f64,
    /// √(mean over IRSs of MSE_φ) (rad).
    pub rmse_phi_rad: f64,
    /// √(mean over IRSs of CRB_φ) (rad).
    pub sqrt_crb_phi_rad: f64,
    /// Position RMSE after Gauss–Newton (m), over localizable trials.
    pub rmse_position_m: f64,
    /// Position RMSE of the Stansfield WLS step alone (m).
    pub rmse_position_stansfield_m: f64,
    /// √tr(position CRB) (m).
    pub sqrt_crb_position_m: f64,
    /// Trials in which the bearings fixed a position.
    pub localized_trials: usize,
}

/// RMSE/√CRB at the highest-P_t point of a set-up: the stated gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Set-up.
    pub setup: Setup,
    /// P_t of the point (W).
    pub p_t_w: f64,
    /// RMSE_θ / √CRB_θ.
    pub theta: f64,
    /// RMSE_φ / √CRB_φ.
    pub phi: f64,
    /// RMSE_pos / √tr CRB_pos.
    pub position: f64,
}

/// The study's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TightnessReport {
    /// Where the designs came from.
    pub design_label: String,
    /// Settings used.
    pub config: TightnessConfig,
    /// Sweep points, set-up by set-up.
    pub points: Vec<TightnessPoint>,
    /// Gap at the highest P_t per set-up.
    pub gaps: Vec<Gap>,
}

fn trial_seed(seed: u64, point: usize, setup: Setup, l: usize, k: usize) -> u64 {
    // Distinct, order-independent seeds per (point, set-up, IRS, trial); seed_from_u64 mixes them.
    let s = match setup {
        Setup::AtBs => 0u64,
        Setup::AtIrs => 1,
    };
    seed ^ ((point as u64) << 44) ^ (s << 42) ^ ((l as u64) << 36) ^ (k as u64)
}

/// Runs the study on `scenario` with designs from `designs`; writes `tightness.{json,csv}` into
/// `out_dir` when given ([`write_outputs`]).
pub fn run(
    scenario: &Scenario,
    config: &TightnessConfig,
    designs: &dyn DesignSource,
    out_dir: Option<&Path>,
) -> Result<TightnessReport, EstimateError> {
    if config.trials == 0 {
        return Err(EstimateError::InvalidValue {
            field: "trials",
            value: 0.0,
            reason: "must be ≥ 1",
        });
    }
    for &p in &config.p_t_w {
        crate::error::check_positive("p_t_w", p)?;
    }
    if let IrsBudget::Proportional { ratio } = config.irs_budget {
        crate::error::check_positive("irs_budget.ratio", ratio)?;
    }
    scenario.validate()?;
    let real = Realization::new(scenario, config.realization_seed)?;
    let n_irs = real.num_irs();
    let t_l = real.t_l();
    let poses: Vec<_> = (0..n_irs)
        .map(|l| irs_pose(scenario, l))
        .collect::<Result<_, _>>()?;
    let target_m = scenario.target.position_m;
    let mut points = Vec::new();
    for &setup in &config.setups {
        for (ip, &p_t) in config.p_t_w.iter().enumerate() {
            let p_s = match config.irs_budget {
                IrsBudget::Fixed => scenario.irs_power_w,
                IrsBudget::Proportional { ratio } => ratio * p_t,
            };
            let design = designs.design(scenario, &real, setup, p_t, p_s)?;
            if design.len() != n_irs {
                return Err(EstimateError::DimensionMismatch {
                    field: "design",
                    expected: (n_irs, 1),
                    got: (design.len(), 1),
                });
            }
            let mut links = Vec::new();
            let mut truths = Vec::new();
            let mut wfs = Vec::new();
            let mut ests = Vec::new();
            let mut bounds = Vec::new();
            for (l, (r_s, psi)) in design.iter().enumerate() {
                let link = link_model(&real, l, psi, setup)?;
                let s = waveform(
                    r_s.as_ref(),
                    t_l,
                    trial_seed(config.seed, ip, setup, l, usize::MAX >> 30),
                )?;
                ests.push(MlDoaEstimator::new(&link, s.as_ref(), &config.doa)?);
                bounds.push(angle_bound(&real, l, setup, r_s.as_ref(), psi)?);
                truths.push(target(&real, l)?);
                wfs.push(s);
                links.push(link);
            }
            let fims: Vec<_> = bounds.iter().map(|b| b.angle_fim).collect();
            let crb_pos = position_crb(&poses, target_m, &fims)?;
            let mut se_t = vec![0.0; n_irs];
            let mut se_p = vec![0.0; n_irs];
            let mut det = vec![0usize; n_irs];
            let (mut se_x, mut se_xs, mut nloc) = (0.0, 0.0, 0usize);
            for k in 0..config.trials {
                let mut bearings = Vec::with_capacity(n_irs);
                for l in 0..n_irs {
                    let opts = EchoOptions::paper(links[l].receiver());
                    let y = simulate_echo(
                        &links[l],
                        &truths[l],
                        wfs[l].as_ref(),
                        opts,
                        trial_seed(config.seed, ip, setup, l, k),
                    )?;
                    let out = ests[l].estimate(y.as_ref())?;
                    if out.detected().is_some() {
                        det[l] += 1;
                    }
                    let e = out.best();
                    se_t[l] += (e.theta_rad - truths[l].theta_rad).powi(2);
                    se_p[l] += (e.phi_rad - truths[l].phi_rad).powi(2);
                    bearings.push(Bearing {
                        pose: poses[l],
                        theta_rad: e.theta_rad,
                        phi_rad: e.phi_rad,
                        angle_cov: bounds[l]
                            .angle_crb
                            .iter()
                            .flatten()
                            .all(|x| x.is_finite())
                            .then_some(bounds[l].angle_crb),
                    });
                }
                if let Ok(pe) = localize(&bearings, &LocalizeOptions::default()) {
                    let d2 =
                        |x: [f64; 3]| (0..3).map(|i| (x[i] - target_m[i]).powi(2)).sum::<f64>();
                    if pe.position_m.iter().all(|v| v.is_finite()) {
                        se_x += d2(pe.position_m);
                        se_xs += d2(pe.stansfield_m);
                        nloc += 1;
                    }
                }
            }
            let nt = config.trials as f64;
            let irs: Vec<IrsPoint> = (0..n_irs)
                .map(|l| IrsPoint {
                    rmse_theta_rad: (se_t[l] / nt).sqrt(),
                    rmse_phi_rad: (se_p[l] / nt).sqrt(),
                    sqrt_crb_theta_rad: bounds[l].crb_theta_rad2.sqrt(),
                    sqrt_crb_phi_rad: bounds[l].crb_phi_rad2.sqrt(),
                    detection_rate: det[l] as f64 / nt,
                })
                .collect();
            let mean = |f: &dyn Fn(&IrsPoint) -> f64| {
                (irs.iter().map(|p| f(p).powi(2)).sum::<f64>() / n_irs as f64).sqrt()
            };
            let nl = nloc.max(1) as f64;
            points.push(TightnessPoint {
                setup,
                p_t_w: p_t,
                p_s_w: p_s,
                rmse_theta_rad: mean(&|p| p.rmse_theta_rad),
                sqrt_crb_theta_rad: mean(&|p| p.sqrt_crb_theta_rad),
                rmse_phi_rad: mean(&|p| p.rmse_phi_rad),
                sqrt_crb_phi_rad: mean(&|p| p.sqrt_crb_phi_rad),
                rmse_position_m: if nloc > 0 {
                    (se_x / nl).sqrt()
                } else {
                    f64::NAN
                },
                rmse_position_stansfield_m: if nloc > 0 {
                    (se_xs / nl).sqrt()
                } else {
                    f64::NAN
                },
                sqrt_crb_position_m: (crb_pos[0][0] + crb_pos[1][1] + crb_pos[2][2]).sqrt(),
                localized_trials: nloc,
                irs,
            });
        }
    }
    let gaps = config
        .setups
        .iter()
        .filter_map(|&s| {
            points
                .iter()
                .filter(|p| p.setup == s)
                .max_by(|a, b| a.p_t_w.total_cmp(&b.p_t_w))
                .map(|p| Gap {
                    setup: s,
                    p_t_w: p.p_t_w,
                    theta: p.rmse_theta_rad / p.sqrt_crb_theta_rad,
                    phi: p.rmse_phi_rad / p.sqrt_crb_phi_rad,
                    position: p.rmse_position_m / p.sqrt_crb_position_m,
                })
        })
        .collect();
    let report = TightnessReport {
        design_label: designs.label(),
        config: config.clone(),
        points,
        gaps,
    };
    if let Some(dir) = out_dir {
        write_outputs(&report, dir)?;
    }
    Ok(report)
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> EstimateError {
    EstimateError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Writes `tightness.json` (the report) and `tightness.csv` ([`report_csv`]) into `dir` (created if
/// missing). Plots with provenance: `cargo xtask tightness`.
pub fn write_outputs(report: &TightnessReport, dir: &Path) -> Result<(), EstimateError> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let jp = dir.join("tightness.json");
    let json = serde_json::to_string_pretty(report).map_err(|e| io_err(&jp, e))?;
    std::fs::write(&jp, json).map_err(|e| io_err(&jp, e))?;
    let cp = dir.join("tightness.csv");
    std::fs::write(&cp, report_csv(report)).map_err(|e| io_err(&cp, e))?;
    Ok(())
}

/// The report as CSV: the header on the first line (so that default CSV readers take it as the header; the
/// design's label is `design_label` in the JSON), then per point one row per IRS (`irs` = 1, 2, …; position
/// columns empty) and one aggregate row (`irs` = `all`; detection column empty).
pub fn report_csv(report: &TightnessReport) -> String {
    let mut csv = String::from(
        "setup,p_t_w,p_s_w,irs,rmse_theta_rad,sqrt_crb_theta_rad,rmse_phi_rad,sqrt_crb_phi_rad,detection_rate,rmse_position_m,rmse_position_stansfield_m,sqrt_crb_position_m\n",
    );
    for p in &report.points {
        for (l, q) in p.irs.iter().enumerate() {
            csv += &format!(
                "{},{:e},{:e},{},{:e},{:e},{:e},{:e},{},,,\n",
                p.setup.id(),
                p.p_t_w,
                p.p_s_w,
                l + 1,
                q.rmse_theta_rad,
                q.sqrt_crb_theta_rad,
                q.rmse_phi_rad,
                q.sqrt_crb_phi_rad,
                q.detection_rate
            );
        }
        csv += &format!(
            "{},{:e},{:e},all,{:e},{:e},{:e},{:e},,{:e},{:e},{:e}\n",
            p.setup.id(),
            p.p_t_w,
            p.p_s_w,
            p.rmse_theta_rad,
            p.sqrt_crb_theta_rad,
            p.rmse_phi_rad,
            p.sqrt_crb_phi_rad,
            p.rmse_position_m,
            p.rmse_position_stansfield_m,
            p.sqrt_crb_position_m
        );
    }
    csv
}

impl TightnessReport {
    /// One human-readable line per point, then one per gap (what the example and
    /// `cargo xtask tightness` print).
    pub fn summary_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .points
            .iter()
            .map(|p| {
                format!(
                    "{:>4} P_t={:>8.1e} W: θ rmse {:.3e} / √crb {:.3e}; φ {:.3e} / {:.3e}; pos {:.3e} (WLS {:.3e}) / {:.3e} m; det {:?}",
                    p.setup.id(),
                    p.p_t_w,
                    p.rmse_theta_rad,
                    p.sqrt_crb_theta_rad,
                    p.rmse_phi_rad,
                    p.sqrt_crb_phi_rad,
                    p.rmse_position_m,
                    p.rmse_position_stansfield_m,
                    p.sqrt_crb_position_m,
                    p.irs.iter().map(|q| q.detection_rate).collect::<Vec<_>>()
                )
            })
            .collect();
        lines.extend(self.gaps.iter().map(|g| {
            format!(
                "gap at {} P_t={:e} W (RMSE/√CRB): θ {:.3} φ {:.3} pos {:.3}",
                g.setup.id(),
                g.p_t_w,
                g.theta,
                g.phi,
                g.position
            )
        }));
        lines
    }
}
