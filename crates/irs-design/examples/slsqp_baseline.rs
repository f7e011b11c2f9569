//! A plain SLSQP script on the joint problem with analytic gradients: the baseline that the joint method's speed
//! per start is compared with (`benches/joint.rs`, group `slsqp_baseline`). Not used by the library.
//!
//! The problem is the joint method's epigraph form in the same scaled variables (`docs/joint.md`): x_V = V/√(L·P_t)
//! (M×3 complex per IRS), x_ψ = ψ/a_max, τ; minimise τ subject to ln CRB_l − ln CRB_ref − τ ≤ 0,
//! P_l/P_s − 1 ≤ 0 (eq. 8 / 34), ‖x_V‖² − 1 ≤ 0 (eq. 18b) and |x_ψ,n|² − 1 ≤ 0, every real component in [−1, 1].
//! Gradients from `irs_fim::Gradients`; SLSQP is Kraft's (the `slsqp` crate, a port of NLopt's), started from the
//! matched-filter start, stopped when τ changes by less than 1e-6 (a relative CRB change of 1e-6).
//!
//! `cargo run --release -p irs-design --example slsqp_baseline -- [bs|irs] [seed]` prints the max-CRB, the
//! iterations and the time.

use std::cell::RefCell;
use std::time::Instant;

use faer::{c64, Mat};
use irs_channel::{Realization, Scenario};
use irs_design::{matched_filter_start, Budgets, SensingLink, Setup};
use irs_fim::{CrbKind, Gradients, SensingModel};

/// Rank of V (as the joint method's default).
const RANK: usize = 3;

/// The outcome of one SLSQP run.
#[derive(Debug, Clone)]
pub struct BaselineResult {
    /// max_l CRB_l at the returned point, rad² (trace CRB).
    pub max_crb: f64,
    /// Largest constraint violation at the returned point (scaled rows).
    pub violation: f64,
    /// Objective evaluations made by SLSQP.
    pub evaluations: usize,
    /// Whether SLSQP reported success.
    pub success: bool,
}

struct Layout {
    m: usize,
    n: Vec<usize>,
    v_off: Vec<usize>,
    psi_off: Vec<usize>,
    dim: usize,
    sv: f64,
    amax: f64,
}

impl Layout {
    fn v(&self, x: &[f64], l: usize) -> Mat<c64> {
        Mat::from_fn(self.m, RANK, |i, j| {
            let k = self.v_off[l] + 2 * (j * self.m + i);
            c64::new(x[k], x[k + 1]) * self.sv
        })
    }
    fn psi(&self, x: &[f64], l: usize) -> Vec<c64> {
        (0..self.n[l])
            .map(|t| {
                c64::new(x[self.psi_off[l] + 2 * t], x[self.psi_off[l] + 2 * t + 1]) * self.amax
            })
            .collect()
    }
}

/// A constraint row in SLSQP's form: value, and the gradient when asked (c(x) ≤ 0).
type RowFn<'a> = dyn Fn(&[f64], Option<&mut [f64]>, &mut ()) -> f64 + 'a;

/// Per link: ln CRB − ln_ref and P/P_s − 1 with their gradients in x (memoised per x).
type LinkRows = Vec<(f64, Vec<f64>, f64, Vec<f64>)>;

fn link_rows(links: &[SensingLink], lay: &Layout, b: &Budgets, ln_ref: f64, x: &[f64]) -> LinkRows {
    links
        .iter()
        .enumerate()
        .map(|(l, link)| {
            let (v, psi) = (lay.v(x, l), lay.psi(x, l));
            let mut gc = vec![0.0; lay.dim];
            let mut gp = vec![0.0; lay.dim];
            let fill = |dst: &mut Vec<f64>, gv: &Mat<c64>, gpsi: &[c64], s: f64| {
                for j in 0..RANK {
                    for i in 0..lay.m {
                        let k = lay.v_off[l] + 2 * (j * lay.m + i);
                        dst[k] = gv[(i, j)].re * lay.sv * s;
                        dst[k + 1] = gv[(i, j)].im * lay.sv * s;
                    }
                }
                for (t, z) in gpsi.iter().enumerate() {
                    dst[lay.psi_off[l] + 2 * t] = z.re * lay.amax * s;
                    dst[lay.psi_off[l] + 2 * t + 1] = z.im * lay.amax * s;
                }
            };
            let (ln_crb, pow) = match (
                link.crb_gradient(v.as_ref(), &psi, CrbKind::Full),
                link.irs_power_gradient(v.as_ref(), &psi),
            ) {
                (Ok(c), Ok(p)) if c.crb.is_finite() && c.crb > 0.0 => {
                    fill(&mut gc, &c.grad_v, &c.grad_psi, 1.0 / c.crb);
                    fill(&mut gp, &p.grad_v, &p.grad_psi, 1.0 / b.p_s_w);
                    (c.crb.ln() - ln_ref, p.power_w / b.p_s_w - 1.0)
                }
                // A singular FIM: a large finite value (SLSQP needs numbers) and zero gradients.
                _ => (1e3, 1e3),
            };
            (ln_crb, gc, pow, gp)
        })
        .collect()
}

/// SLSQP from the matched-filter start on `setup`'s links of `r`.
pub fn run(setup: Setup, r: &Realization, b: &Budgets) -> BaselineResult {
    let links = SensingLink::all(setup, r).expect("valid links");
    let big = links.len();
    let m = links[0].bs_antennas();
    let mut lay = Layout {
        m,
        n: links.iter().map(|k| k.irs_elements()).collect(),
        v_off: Vec::new(),
        psi_off: Vec::new(),
        dim: 0,
        sv: (big as f64 * b.p_t_w).sqrt(),
        amax: b.a_max,
    };
    let mut at = 0;
    for _ in 0..big {
        lay.v_off.push(at);
        at += 2 * m * RANK;
    }
    for l in 0..big {
        lay.psi_off.push(at);
        at += 2 * lay.n[l];
    }
    lay.dim = at + 1;
    let tau_i = at;

    let mut x0 = vec![0.0; lay.dim];
    for (l, link) in links.iter().enumerate() {
        let (v, psi) = matched_filter_start(link, RANK, b);
        for j in 0..RANK {
            for i in 0..m {
                let k = lay.v_off[l] + 2 * (j * m + i);
                x0[k] = v[(i, j)].re / lay.sv;
                x0[k + 1] = v[(i, j)].im / lay.sv;
            }
        }
        for (t, z) in psi.iter().enumerate() {
            x0[lay.psi_off[l] + 2 * t] = z.re / lay.amax;
            x0[lay.psi_off[l] + 2 * t + 1] = z.im / lay.amax;
        }
    }
    let rows0 = link_rows(&links, &lay, b, 0.0, &x0);
    let ln_ref = rows0.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max);
    x0[tau_i] = 0.0;

    let memo: RefCell<(Vec<f64>, LinkRows)> = RefCell::new((Vec::new(), Vec::new()));
    // The rows at x, evaluated once per point SLSQP visits and borrowed (not copied) by each constraint.
    let rows = |x: &[f64]| -> std::cell::Ref<'_, LinkRows> {
        {
            let mut mm = memo.borrow_mut();
            if mm.0 != x {
                *mm = (x.to_vec(), link_rows(&links, &lay, b, ln_ref, x));
            }
        }
        std::cell::Ref::map(memo.borrow(), |m| &m.1)
    };
    let evaluations = RefCell::new(0usize);
    let objective = |x: &[f64], g: Option<&mut [f64]>, _: &mut ()| {
        *evaluations.borrow_mut() += 1;
        if let Some(g) = g {
            g.fill(0.0);
            g[tau_i] = 1.0;
        }
        x[tau_i]
    };
    let mut cons: Vec<Box<RowFn<'_>>> = Vec::new();
    for l in 0..big {
        let rows = &rows;
        cons.push(Box::new(
            move |x: &[f64], g: Option<&mut [f64]>, _: &mut ()| {
                let r = rows(x);
                if let Some(g) = g {
                    g.copy_from_slice(&r[l].1);
                    g[tau_i] = -1.0;
                }
                r[l].0 - x[tau_i]
            },
        ));
        cons.push(Box::new(
            move |x: &[f64], g: Option<&mut [f64]>, _: &mut ()| {
                let r = rows(x);
                if let Some(g) = g {
                    g.copy_from_slice(&r[l].3);
                }
                r[l].2
            },
        ));
    }
    let v_end = lay.psi_off[0];
    cons.push(Box::new(
        move |x: &[f64], g: Option<&mut [f64]>, _: &mut ()| {
            if let Some(g) = g {
                g.fill(0.0);
                for k in 0..v_end {
                    g[k] = 2.0 * x[k];
                }
            }
            x[..v_end].iter().map(|v| v * v).sum::<f64>() - 1.0
        },
    ));
    for k in (v_end..tau_i).step_by(2) {
        cons.push(Box::new(
            move |x: &[f64], g: Option<&mut [f64]>, _: &mut ()| {
                if let Some(g) = g {
                    g.fill(0.0);
                    g[k] = 2.0 * x[k];
                    g[k + 1] = 2.0 * x[k + 1];
                }
                x[k] * x[k] + x[k + 1] * x[k + 1] - 1.0
            },
        ));
    }
    let cons_ref: Vec<&RowFn<'_>> = cons.iter().map(|c| c.as_ref()).collect();
    let mut bounds = vec![(-1.0, 1.0); lay.dim];
    bounds[tau_i] = (-50.0, 50.0);
    let tols = slsqp::StopTols {
        ftol_abs: 1e-6,
        ..slsqp::StopTols::default()
    };
    let (success, x) =
        match slsqp::minimize(objective, &x0, &bounds, &cons_ref, (), 2000, Some(tols)) {
            Ok((_, x, _)) => (true, x),
            Err((_, x, _)) => (false, x),
        };
    let end = link_rows(&links, &lay, b, ln_ref, &x);
    let max_ln = end.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max);
    let violation = end.iter().map(|r| r.2.max(0.0)).fold(0.0, f64::max);
    let evaluations = *evaluations.borrow();
    BaselineResult {
        max_crb: (max_ln + ln_ref).exp(),
        violation,
        evaluations,
        success,
    }
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let setup = match args.get(1).map(String::as_str) {
        Some("irs") => Setup::AtIrs,
        _ => Setup::AtBs,
    };
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let sc = Scenario::default();
    let r = Realization::new(&sc, seed).expect("default scenario");
    let b = Budgets::of(&sc);
    let t = Instant::now();
    let res = run(setup, &r, &b);
    println!(
        "SLSQP ({setup:?}, seed {seed}): max-CRB {:.6e} rad^2, IRS-power violation {:.1e}, {} evaluations, \
         success {}, {:.3} s",
        res.max_crb,
        res.violation,
        res.evaluations,
        res.success,
        t.elapsed().as_secs_f64()
    );
}
