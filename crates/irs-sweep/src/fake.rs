//! Test-only synthetic `PointEvaluator`: a closed-form stand-in with the paper's qualitative trends,
//! used to test the sweep machinery (never used by `cargo xtask reproduce`).

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

use irs_design::{Scheme, Setup};

use crate::engine::{Evaluation, PointEvaluator, RealizationSeeds};
use crate::spec::PointInputs;

/// A closed-form "max-CRB": 1/SNR with SNR limited by the BS power (with an array gain that
/// saturates in M) or by the IRS power budget, scaled per set-up, method and channel draw.
#[derive(Debug, Default)]
pub struct FakeEvaluator {
    /// Number of `evaluate` calls.
    pub calls: AtomicUsize,
    /// Setting recorded in the cache key (changing it must invalidate the cache).
    pub setting: u32,
    /// Fail (Err) for passive IRSs at this P_t.
    pub fail_passive_at_bs_power_w: Option<f64>,
    /// Panic for reflective-only at this P_t.
    pub panic_reflective_at_bs_power_w: Option<f64>,
    /// Make transmit-only better than proposed (to see claim 1 fail).
    pub invert_transmit_only: bool,
    /// Make transmit-only better than proposed in this realization only.
    pub invert_transmit_only_in_realization: Option<usize>,
    /// Sleep this long in every evaluation (to kill a shard while it works).
    pub delay_ms: u64,
}

impl PointEvaluator for FakeEvaluator {
    fn code_version(&self) -> String {
        "fake-evaluator 0".to_string()
    }
    fn scenario_json(&self) -> Value {
        json!({"name": "fake", "irs": [[-5.0, 10.0, 0.0], [-5.0, 20.0, 0.0]]})
    }
    fn settings_json(&self) -> Value {
        json!({ "setting": self.setting })
    }
    fn evaluate(&self, p: &PointInputs, seeds: RealizationSeeds) -> Result<Evaluation, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.delay_ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(self.delay_ms));
        }
        if p.method == Scheme::Passive && Some(p.bs_power_w) == self.fail_passive_at_bs_power_w {
            return Err("synthetic failure".to_string());
        }
        if p.method == Scheme::ReflectiveOnly
            && Some(p.bs_power_w) == self.panic_reflective_at_bs_power_w
        {
            panic!("synthetic panic");
        }
        let channel_gain =
            1.0 + ((seeds.channel_seed ^ seeds.algorithm_seed) % 1000) as f64 / 2000.0;
        let m = p.bs_antennas as f64;
        let isotropic_irs = p.setup == Setup::AtIrs && p.method == Scheme::ReflectiveOnly;
        let array_gain = if isotropic_irs { 1.0 } else { m / (m + 8.0) };
        let snr = (p.bs_power_w * p.a_max * p.a_max / 64.0 * array_gain).min(p.irs_power_w * 100.0);
        let setup_factor = match p.setup {
            Setup::AtBs => 1.0,
            Setup::AtIrs => 0.01,
        };
        let invert = self.invert_transmit_only
            || self.invert_transmit_only_in_realization == Some(seeds.realization);
        let method_factor = match (p.method, invert) {
            // The synthetic trends are the paper's for both design methods.
            (Scheme::Proposed | Scheme::Joint | Scheme::ProposedPolished, _) => 1.0,
            (Scheme::TransmitOnly, false) => 1.0 + 0.5 / (1.0 + p.bs_power_w),
            (Scheme::TransmitOnly, true) => 0.5,
            (Scheme::ReflectiveOnly, _) => 4.0,
            (Scheme::Passive, _) => 100.0,
            (Scheme::Isotropic, _) => 8.0,
        };
        let max_crb_rad2 = setup_factor * method_factor * channel_gain / snr;
        Ok(Evaluation {
            max_crb_rad2,
            details: json!({ "snr": snr }),
            // Stands in for the optimizer's design record (a small R_s and ψ with [re, im] entries).
            design: Some(json!({
                "seed": seeds.algorithm_seed.to_string(),
                "max_crb_rad2": max_crb_rad2,
                "irs": [{ "r_s": { "rows": 1, "cols": 1, "data": [[p.bs_power_w, 0.0]] }, "psi": [[p.a_max, 0.0]] }],
            })),
        })
    }
}
