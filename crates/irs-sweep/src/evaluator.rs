//! The real `PointEvaluator`: one sweep point = one run of the optimizer (`irs_design::optimize`) for the point's set-up.

use irs_channel::{Realization, Scenario};
use irs_design::{Budgets, Settings};
use serde_json::{json, Value};

use crate::engine::{Evaluation, PointEvaluator, RealizationSeeds};
use crate::spec::PointInputs;
use crate::{ScenarioInput, SweepError};

/// One sweep point = one optimizer run on one channel realization.
///
/// The scenario is the user's (or the paper's default); each point overrides P_t, P_s, a_max and
/// M, draws realization k with `Realization::nth(scenario, channel_seed, k)` and runs the
/// set-up's optimizer with the point's method and the algorithm seed.
#[derive(Debug)]
pub struct OptimizerEvaluator {
    scenario: Scenario,
    settings: Settings,
    code_version: String,
}

impl OptimizerEvaluator {
    /// An evaluator on `scenario` with `settings`; its code version is [`crate::code::code_version`] (the
    /// sources' fingerprint taken at build time).
    pub fn new(scenario: Scenario, settings: Settings) -> Result<Self, SweepError> {
        scenario.validate().map_err(SweepError::Scenario)?;
        settings.validate().map_err(SweepError::Settings)?;
        Ok(OptimizerEvaluator {
            scenario,
            settings,
            code_version: crate::code::code_version(),
        })
    }

    /// The optimizer settings used by `cargo xtask reproduce`: the crates' defaults, with one
    /// worker thread per run because sweep points already run in parallel (values do not depend
    /// on the thread count).
    pub fn default_settings() -> Settings {
        Settings {
            threads: 1,
            ..Settings::default()
        }
    }
}

impl PointEvaluator for OptimizerEvaluator {
    fn code_version(&self) -> String {
        self.code_version.clone()
    }

    fn scenario_json(&self) -> Value {
        serde_json::to_value(&self.scenario).unwrap_or(Value::Null)
    }

    fn settings_json(&self) -> Value {
        serde_json::to_value(self.settings).unwrap_or(Value::Null)
    }

    fn evaluate(&self, p: &PointInputs, seeds: RealizationSeeds) -> Result<Evaluation, String> {
        let mut sc = self.scenario.clone();
        sc.bs_power_w = p.bs_power_w;
        sc.irs_power_w = p.irs_power_w;
        sc.a_max = p.a_max;
        sc.bs.antennas = p.bs_antennas;
        let realization = Realization::nth(&sc, seeds.channel_seed, seeds.realization as u64)
            .map_err(|e| format!("channel realization: {e}"))?;
        let record = irs_design::optimize(
            p.setup,
            &realization,
            &Budgets::of(&sc),
            p.method,
            &self.settings,
            seeds.algorithm_seed,
        )
        .map_err(|e| e.to_string())?;
        let termination = serde_json::to_value(&record.termination).unwrap_or(Value::Null);
        let design = serde_json::to_value(&record).map_err(|e| format!("design record: {e}"))?;
        Ok(Evaluation {
            max_crb_rad2: record.max_crb_rad2,
            details: json!({
                "crb_rad2_per_irs": record.irs.iter().map(|d| d.crb_trace).collect::<Vec<_>>(),
                "angle_crb_rad2_per_irs": record.irs.iter().map(|d| d.crb_angle_rad2).collect::<Vec<_>>(),
                "irs_power_used_w": record.irs.iter().map(|d| d.irs_power_used_w).collect::<Vec<_>>(),
                "max_amplitude": record.irs.iter().map(|d| d.max_amplitude).collect::<Vec<_>>(),
                "bs_power_used_w": record.bs_power_used_w,
                "outer_iterations": record.outer_iterations,
                "sdp_solves": record.sdp_solves,
                "clarabel_time_s": record.clarabel_time_s,
                "sdp_total_time_s": record.sdp_total_time_s,
                "optimizer_wall_time_s": record.wall_time_s,
                "termination": termination,
            }),
            design: Some(design),
        })
    }
}

/// Build the evaluator that drives the optimizer on the user's scenario (or the embedded default).
pub fn optimizer_evaluator(input: &ScenarioInput) -> Result<Box<dyn PointEvaluator>, SweepError> {
    Ok(Box::new(OptimizerEvaluator::new(
        input.scenario.clone(),
        OptimizerEvaluator::default_settings(),
    )?))
}
