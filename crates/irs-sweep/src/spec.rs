//! What each of the paper's Figs. 3–7 sweeps: axes, curves, sweep ranges (full and `--quick`).
//!
//! The scenario file supplies geometry, channels, noise powers, T_c and array sizes; a figure
//! overrides only the four swept budgets of the paper's captions: the BS transmit power P_t, the
//! per-IRS power budget P_s, the amplitude bound a_max and the number of BS antennas M.
//! Why the ranges are what they are is written in `docs/reproduce.md`.

use irs_design::{Scheme, Setup};
use serde::{Deserialize, Serialize};

/// One of the paper's five result figures (Section V).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FigureId {
    /// Sensing at the BS: max-CRB vs P_t.
    Fig3,
    /// Sensing at the BS: max-CRB vs P_s.
    Fig4,
    /// Sensing at the IRSs: max-CRB vs P_t.
    Fig5,
    /// Sensing at the IRSs: max-CRB vs P_s.
    Fig6,
    /// Both set-ups: max-CRB vs M.
    Fig7,
}

impl FigureId {
    /// All figures in the order they are computed.
    pub const ALL: [FigureId; 5] = [
        FigureId::Fig3,
        FigureId::Fig4,
        FigureId::Fig5,
        FigureId::Fig6,
        FigureId::Fig7,
    ];

    /// The paper's figure number (3..=7).
    pub fn number(self) -> u8 {
        match self {
            FigureId::Fig3 => 3,
            FigureId::Fig4 => 4,
            FigureId::Fig5 => 5,
            FigureId::Fig6 => 6,
            FigureId::Fig7 => 7,
        }
    }

    /// The figure for a paper figure number, if it is one of 3..=7.
    pub fn from_number(n: u8) -> Option<FigureId> {
        FigureId::ALL.into_iter().find(|f| f.number() == n)
    }

    /// File stem of the figure's outputs (`fig3` → `fig3.csv`, `fig3.json`, `fig3.svg`).
    pub fn stem(self) -> String {
        format!("fig{}", self.number())
    }
}

/// Parses a figure selection: `all`, a figure number 3..=7, or a comma-separated list of numbers (sorted,
/// duplicates dropped).
pub fn parse_figures(s: &str) -> Result<Vec<FigureId>, String> {
    if s.trim().eq_ignore_ascii_case("all") {
        return Ok(FigureId::ALL.to_vec());
    }
    let mut figs = Vec::new();
    for part in s.split(',') {
        let id = part
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(FigureId::from_number)
            .ok_or_else(|| format!("`{part}` is not a figure: use 3, 4, 5, 6, 7 or all"))?;
        if !figs.contains(&id) {
            figs.push(id);
        }
    }
    figs.sort();
    Ok(figs)
}

/// The quantity on a figure's horizontal axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum XAxis {
    /// BS transmit power budget P_t in watts.
    BsPowerW,
    /// Per-IRS power budget P_s in watts.
    IrsPowerW,
    /// Number of BS antennas M.
    BsAntennas,
}

impl XAxis {
    /// Column name in the CSV (`x_name`).
    pub fn name(self) -> &'static str {
        match self {
            XAxis::BsPowerW => "bs_power_w",
            XAxis::IrsPowerW => "irs_power_w",
            XAxis::BsAntennas => "bs_antennas",
        }
    }

    /// Axis label with units, for plots.
    pub fn label(self) -> &'static str {
        match self {
            XAxis::BsPowerW => "BS transmit power P_t [W]",
            XAxis::IrsPowerW => "IRS power budget P_s [W]",
            XAxis::BsAntennas => "number of BS antennas M",
        }
    }
}

/// The inputs of one sweep point that a figure sets; everything else comes from the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointInputs {
    /// Where the echoes are received (serialised `sensing_at_bs` / `sensing_at_irs`).
    pub setup: Setup,
    /// Design method: the proposed design or one of Section V's benchmarks (serialised as the design record's
    /// `scheme`, e.g. `reflective_only`).
    pub method: Scheme,
    /// BS transmit power budget P_t, watts.
    pub bs_power_w: f64,
    /// Power budget P_s of every IRS, watts.
    pub irs_power_w: f64,
    /// Amplitude bound a_max of every active IRS element (linear, ≥ 1).
    pub a_max: f64,
    /// Number of BS antennas M.
    pub bs_antennas: usize,
}

impl PointInputs {
    /// The same point with the figure's swept quantity set to `x`.
    pub fn with_x(&self, axis: XAxis, x: f64) -> PointInputs {
        let mut p = self.clone();
        match axis {
            XAxis::BsPowerW => p.bs_power_w = x,
            XAxis::IrsPowerW => p.irs_power_w = x,
            // Sweep values of M are small positive integers written as f64 (see `FigureSpec::xs`).
            XAxis::BsAntennas => p.bs_antennas = x.round() as usize,
        }
        p
    }
}

/// One curve of a figure: fixed inputs, the swept one replaced by each x.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurveSpec {
    /// Stable identifier (CSV `curve` column), e.g. `proposed_amax8`.
    pub key: String,
    /// Legend text.
    pub label: String,
    /// The curve's inputs; the swept field is overwritten per point.
    pub base: PointInputs,
}

/// A figure: its axis, its sweep values and its curves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FigureSpec {
    /// Which figure.
    pub id: FigureId,
    /// Plot title.
    pub title: String,
    /// Horizontal axis.
    pub axis: XAxis,
    /// Sweep values in increasing order (watts, or antenna counts as whole numbers).
    pub xs: Vec<f64>,
    /// Curves, in legend order.
    pub curves: Vec<CurveSpec>,
}

/// The paper's fixed budgets (captions of Figs. 3–7).
pub const PAPER_IRS_POWER_W: f64 = 0.1;
/// a_max of Figs. 4, 6, 7 and of the benchmarks.
pub const PAPER_A_MAX: f64 = 8.0;
/// M of Figs. 3–6.
pub const PAPER_BS_ANTENNAS: usize = 16;
/// P_t of Fig. 7.
pub const PAPER_FIG7_BS_POWER_W: f64 = 20.0;

/// Default number of channel realizations per point (`--realizations` overrides it).
pub const DEFAULT_REALIZATIONS: usize = 3;
/// Number of channel realizations per point with `--quick`.
pub const QUICK_REALIZATIONS: usize = 1;

fn point(setup: Setup, method: Scheme, bs_power_w: f64, a_max: f64) -> PointInputs {
    PointInputs {
        setup,
        method,
        bs_power_w,
        irs_power_w: PAPER_IRS_POWER_W,
        a_max,
        bs_antennas: PAPER_BS_ANTENNAS,
    }
}

fn curve(key: &str, label: String, base: PointInputs) -> CurveSpec {
    CurveSpec {
        key: key.to_string(),
        label,
        base,
    }
}

/// The design methods of the figures: the paper's ("proposed") and the joint method (issue 16), with the
/// key prefix and legend name of each.
const METHODS: [(&str, Scheme, &str); 2] = [
    ("proposed", Scheme::Proposed, "proposed"),
    ("joint", Scheme::Joint, "joint"),
];

/// Curves of the P_t sweeps (Figs. 3 and 5): proposed and joint for a_max ∈ {2, 4, 8} and the three benchmarks at
/// a_max = 8.
fn bs_power_curves(setup: Setup) -> Vec<CurveSpec> {
    let p_t = PAPER_FIG7_BS_POWER_W; // overwritten by the sweep
    let mut curves: Vec<CurveSpec> = METHODS
        .into_iter()
        .flat_map(|(key, scheme, name)| {
            [2.0, 4.0, 8.0].into_iter().map(move |a| {
                curve(
                    &format!("{key}_amax{a}"),
                    format!("{name}, a_max = {a}"),
                    point(setup, scheme, p_t, a),
                )
            })
        })
        .collect();
    for (key, method) in [
        ("transmit_only", Scheme::TransmitOnly),
        ("reflective_only", Scheme::ReflectiveOnly),
        ("passive", Scheme::Passive),
    ] {
        let label = if method == Scheme::Passive {
            method.label().to_string()
        } else {
            format!("{}, a_max = {PAPER_A_MAX}", method.label())
        };
        curves.push(curve(key, label, point(setup, method, p_t, PAPER_A_MAX)));
    }
    curves
}

/// Curves of the P_s sweeps (Figs. 4 and 6): proposed and joint at several P_t, plus transmit-BF-only at the
/// largest P_t (the paper shows it coinciding with the proposed design for sensing at the IRSs).
fn irs_power_curves(setup: Setup, bs_powers_w: &[f64]) -> Vec<CurveSpec> {
    let mut curves: Vec<CurveSpec> = METHODS
        .into_iter()
        .flat_map(|(key, scheme, name)| {
            bs_powers_w.iter().map(move |&p_t| {
                curve(
                    &format!("{key}_pt{p_t}"),
                    format!("{name}, P_t = {p_t} W"),
                    point(setup, scheme, p_t, PAPER_A_MAX),
                )
            })
        })
        .collect();
    if let Some(&p_t) = bs_powers_w.last() {
        curves.push(curve(
            &format!("transmit_only_pt{p_t}"),
            format!("transmit BF only, P_t = {p_t} W"),
            point(setup, Scheme::TransmitOnly, p_t, PAPER_A_MAX),
        ));
    }
    curves
}

/// Curves of Fig. 7: proposed, joint and isotropic transmission (reflective BF only) for both set-ups.
fn antenna_curves() -> Vec<CurveSpec> {
    let mut curves = Vec::new();
    for (prefix, setup) in [("bs", Setup::AtBs), ("irs", Setup::AtIrs)] {
        for (key, scheme, name) in METHODS {
            curves.push(curve(
                &format!("{prefix}_{key}"),
                format!("{}, {name}", setup.label()),
                point(setup, scheme, PAPER_FIG7_BS_POWER_W, PAPER_A_MAX),
            ));
        }
        curves.push(curve(
            &format!("{prefix}_isotropic"),
            format!("{}, isotropic transmission", setup.label()),
            point(
                setup,
                Scheme::ReflectiveOnly,
                PAPER_FIG7_BS_POWER_W,
                PAPER_A_MAX,
            ),
        ));
    }
    curves
}

/// Sweep values of P_t (W) for Figs. 3 and 5.
pub(crate) fn bs_power_sweep_w(quick: bool) -> Vec<f64> {
    if quick {
        vec![0.1, 10.0]
    } else {
        vec![0.1, 1.0, 10.0, 100.0]
    }
}

/// Sweep values of P_s (W) for Figs. 4 and 6.
pub(crate) fn irs_power_sweep_w(quick: bool) -> Vec<f64> {
    if quick {
        vec![1e-4, 1e-2, 1.0]
    } else {
        vec![1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
    }
}

/// The P_t values (W) of the curves of Figs. 4 and 6.
pub(crate) fn fig46_bs_powers_w(quick: bool) -> Vec<f64> {
    if quick {
        vec![1.0, 10.0]
    } else {
        vec![0.1, 1.0, 10.0]
    }
}

/// Sweep values of M for Fig. 7 (as f64 for the axis; whole numbers).
pub(crate) fn antenna_sweep(quick: bool) -> Vec<f64> {
    if quick {
        vec![4.0, 16.0]
    } else {
        vec![4.0, 8.0, 16.0, 32.0, 64.0, 128.0]
    }
}

/// The specification of a figure, full or `--quick`.
pub fn figure_spec(id: FigureId, quick: bool) -> FigureSpec {
    match id {
        FigureId::Fig3 => FigureSpec {
            id,
            title: format!(
                "Fig. 3 - sensing at BS: max-CRB vs P_t (P_s = {PAPER_IRS_POWER_W} W, M = {PAPER_BS_ANTENNAS})"
            ),
            axis: XAxis::BsPowerW,
            xs: bs_power_sweep_w(quick),
            curves: bs_power_curves(Setup::AtBs),
        },
        FigureId::Fig4 => FigureSpec {
            id,
            title: format!(
                "Fig. 4 - sensing at BS: max-CRB vs P_s (a_max = {PAPER_A_MAX}, M = {PAPER_BS_ANTENNAS})"
            ),
            axis: XAxis::IrsPowerW,
            xs: irs_power_sweep_w(quick),
            curves: irs_power_curves(Setup::AtBs, &fig46_bs_powers_w(quick)),
        },
        FigureId::Fig5 => FigureSpec {
            id,
            title: format!(
                "Fig. 5 - sensing at IRSs: max-CRB vs P_t (P_s = {PAPER_IRS_POWER_W} W, M = {PAPER_BS_ANTENNAS})"
            ),
            axis: XAxis::BsPowerW,
            xs: bs_power_sweep_w(quick),
            curves: bs_power_curves(Setup::AtIrs),
        },
        FigureId::Fig6 => FigureSpec {
            id,
            title: format!(
                "Fig. 6 - sensing at IRSs: max-CRB vs P_s (a_max = {PAPER_A_MAX}, M = {PAPER_BS_ANTENNAS})"
            ),
            axis: XAxis::IrsPowerW,
            xs: irs_power_sweep_w(quick),
            curves: irs_power_curves(Setup::AtIrs, &fig46_bs_powers_w(quick)),
        },
        FigureId::Fig7 => FigureSpec {
            id,
            title: format!(
                "Fig. 7 - max-CRB vs M (P_t = {PAPER_FIG7_BS_POWER_W} W, P_s = {PAPER_IRS_POWER_W} W, a_max = {PAPER_A_MAX})"
            ),
            axis: XAxis::BsAntennas,
            xs: antenna_sweep(quick),
            curves: antenna_curves(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_has_increasing_positive_sweep_and_unique_curve_keys() {
        for quick in [false, true] {
            for id in FigureId::ALL {
                let spec = figure_spec(id, quick);
                assert!(spec.xs.windows(2).all(|w| w[0] < w[1]), "{id:?}");
                assert!(spec.xs.iter().all(|&x| x > 0.0), "{id:?}");
                let mut keys: Vec<_> = spec.curves.iter().map(|c| c.key.as_str()).collect();
                keys.sort_unstable();
                keys.dedup();
                assert_eq!(keys.len(), spec.curves.len(), "{id:?}");
            }
        }
    }

    #[test]
    fn figure_captions_fix_the_papers_budgets() {
        let f3 = figure_spec(FigureId::Fig3, false);
        assert!(f3
            .curves
            .iter()
            .all(|c| c.base.irs_power_w == 0.1 && c.base.bs_antennas == 16));
        assert!(f3.curves.iter().all(|c| c.base.setup == Setup::AtBs));
        let f6 = figure_spec(FigureId::Fig6, false);
        assert!(f6.curves.iter().all(|c| c.base.a_max == 8.0));
        assert!(f6.curves.iter().all(|c| c.base.setup == Setup::AtIrs));
        let f7 = figure_spec(FigureId::Fig7, false);
        assert!(f7
            .curves
            .iter()
            .all(|c| c.base.bs_power_w == 20.0 && c.base.irs_power_w == 0.1));
        assert_eq!(f7.curves.len(), 6);
    }

    #[test]
    fn with_x_overwrites_only_the_swept_field() {
        let base = point(Setup::AtBs, Scheme::Proposed, 1.0, 8.0);
        let p = base.with_x(XAxis::BsAntennas, 24.0);
        assert_eq!(p.bs_antennas, 24);
        assert_eq!(p.bs_power_w, 1.0);
        let p = base.with_x(XAxis::IrsPowerW, 3.0);
        assert_eq!(p.irs_power_w, 3.0);
        assert_eq!(p.bs_antennas, 16);
        let p = base.with_x(XAxis::BsPowerW, 7.0);
        assert_eq!(p.bs_power_w, 7.0);
    }

    #[test]
    fn figure_selection_parses_numbers_lists_and_all() {
        assert_eq!(parse_figures("all").unwrap(), FigureId::ALL.to_vec());
        assert_eq!(parse_figures("5").unwrap(), vec![FigureId::Fig5]);
        assert_eq!(
            parse_figures("7,3,3").unwrap(),
            vec![FigureId::Fig3, FigureId::Fig7]
        );
        assert!(parse_figures("8").is_err());
        assert!(parse_figures("x").is_err());
    }

    #[test]
    fn figure_numbers_round_trip() {
        for id in FigureId::ALL {
            assert_eq!(FigureId::from_number(id.number()), Some(id));
        }
        assert_eq!(FigureId::from_number(2), None);
    }
}
