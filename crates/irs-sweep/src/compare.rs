//! The side-by-side table of the paper's method and the joint method (`cargo xtask compare`): max-CRB, ratio,
//! KKT residual and time of both designs on the same instances.

use std::fmt::Write as _;

use irs_channel::{Realization, Scenario};
use irs_design::{optimize, Budgets, DesignRecord, Scheme, Settings, Setup};
use serde::Serialize;

use crate::spec::{PAPER_A_MAX, PAPER_FIG7_BS_POWER_W, PAPER_IRS_POWER_W};
use crate::SweepError;

/// One instance of the table: set-up, budgets, M and the seed (channel and algorithm).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instance {
    /// Where the echoes are received.
    pub setup: Setup,
    /// P_t, W.
    pub p_t_w: f64,
    /// P_s, W.
    pub p_s_w: f64,
    /// a_max.
    pub a_max: f64,
    /// M, BS antennas.
    pub bs_antennas: usize,
    /// `Realization::new(&scenario, seed)` and the optimizer's seed (as `cargo xtask run --seed`).
    pub seed: u64,
    /// Where the instance comes from ("default scenario" or "Fig. 7, M = 64").
    pub source: &'static str,
}

/// The issue-16 instances: the default scenario, seeds 1–3, P_t ∈ {1, 10} W, both set-ups; and Fig. 7's M = 64
/// point (P_t = 20 W, P_s = 0.1 W, a_max = 8), seeds 1–3, both set-ups. `quick` keeps seed 1 only.
pub fn instances(scenario: &Scenario, quick: bool) -> Vec<Instance> {
    let seeds: &[u64] = if quick { &[1] } else { &[1, 2, 3] };
    let b = Budgets::of(scenario);
    let mut out = Vec::new();
    for setup in Setup::ALL {
        for p_t_w in [1.0, 10.0] {
            for &seed in seeds {
                out.push(Instance {
                    setup,
                    p_t_w,
                    p_s_w: b.p_s_w,
                    a_max: b.a_max,
                    bs_antennas: scenario.bs.antennas,
                    seed,
                    source: "default scenario",
                });
            }
        }
        for &seed in seeds {
            out.push(Instance {
                setup,
                p_t_w: PAPER_FIG7_BS_POWER_W,
                p_s_w: PAPER_IRS_POWER_W,
                a_max: PAPER_A_MAX,
                bs_antennas: 64,
                seed,
                source: "Fig. 7, M = 64",
            });
        }
    }
    out
}

/// One method's result on an instance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MethodResult {
    /// Max-CRB of the design, rad² (tr F⁻¹ objective).
    pub max_crb_rad2: f64,
    /// Its KKT residual (`irs_design::stationarity`), if measured.
    pub kkt_residual: Option<f64>,
    /// Wall time of the run, s.
    pub wall_time_s: f64,
}

impl MethodResult {
    fn of(r: &DesignRecord) -> MethodResult {
        MethodResult {
            max_crb_rad2: r.max_crb_rad2,
            kkt_residual: r.stationarity.as_ref().map(|s| s.residual),
            wall_time_s: r.wall_time_s,
        }
    }
}

/// A row of the table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// The instance.
    pub instance: Instance,
    /// The paper's method (`Scheme::Proposed`).
    pub paper: MethodResult,
    /// The joint method (`Scheme::Joint`).
    pub joint: MethodResult,
}

impl Row {
    /// Paper max-CRB / joint max-CRB (> 1: the joint design is better).
    pub fn ratio(&self) -> f64 {
        self.paper.max_crb_rad2 / self.joint.max_crb_rad2
    }
}

/// Runs both methods on every instance (default settings, one thread per run).
pub fn run(scenario: &Scenario, instances: &[Instance]) -> Result<Vec<Row>, SweepError> {
    let settings = Settings {
        threads: 1,
        ..Settings::default()
    };
    let mut rows = Vec::new();
    for inst in instances {
        let mut sc = scenario.clone();
        sc.bs.antennas = inst.bs_antennas;
        sc.bs_power_w = inst.p_t_w;
        sc.irs_power_w = inst.p_s_w;
        sc.a_max = inst.a_max;
        let r = Realization::new(&sc, inst.seed).map_err(SweepError::Realization)?;
        let b = Budgets::of(&sc);
        let go = |scheme| {
            optimize(inst.setup, &r, &b, scheme, &settings, inst.seed)
                .map_err(|e| SweepError::Options(format!("{scheme:?} on {inst:?}: {e}")))
        };
        let paper = go(Scheme::Proposed)?;
        let joint = go(Scheme::Joint)?;
        rows.push(Row {
            instance: inst.clone(),
            paper: MethodResult::of(&paper),
            joint: MethodResult::of(&joint),
        });
    }
    Ok(rows)
}

fn residual(r: Option<f64>) -> String {
    r.map_or("—".to_string(), |v| format!("{v:.1e}"))
}

/// The table as Markdown, with a summary line per source.
pub fn markdown(rows: &[Row]) -> String {
    let mut s = String::from(
        "| instance | set-up | P_t [W] | M | seed | paper max-CRB [rad²] | joint max-CRB [rad²] | paper / joint | paper KKT residual | joint KKT residual | paper time [s] | joint time [s] |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let i = &r.instance;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.4e} | {:.4e} | {:.3} | {} | {} | {:.2} | {:.2} |",
            i.source,
            i.setup.label(),
            i.p_t_w,
            i.bs_antennas,
            i.seed,
            r.paper.max_crb_rad2,
            r.joint.max_crb_rad2,
            r.ratio(),
            residual(r.paper.kkt_residual),
            residual(r.joint.kkt_residual),
            r.paper.wall_time_s,
            r.joint.wall_time_s
        );
    }
    let worst = rows.iter().map(Row::ratio).fold(f64::INFINITY, f64::min);
    let _ = writeln!(
        s,
        "\nSmallest paper/joint ratio over the {} rows: {worst:.4} (≥ 1: the joint design is never worse).",
        rows.len()
    );
    s
}
