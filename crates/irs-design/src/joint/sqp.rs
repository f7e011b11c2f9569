//! The joint method's default local solver: a sequential quadratic programming (SQP) method for the minimax
//! form of (P1)/(P4), with a dense quasi-Newton (BFGS) model of the Lagrangian's Hessian.
//!
//! Variables are those of [`JointProblem`] without τ (scaled: x_V,l = V_l/√(L·P_t), x_ψ,l = ψ_l/a_max).
//! Each iteration solves the QP
//!
//!   min_{d, t} t + ½ dᵀBd  s.t.  f_l + ∇f_lᵀd ≤ t (λ_l),  c_j + ∇c_jᵀd ≤ 0 (ν_j),
//!
//! with f_l = ln CRB_l − ln CRB_ref and the rows c_j: each IRS power P_l/P_s − 1 (eqs. 8 / 34), the BS
//! budget Σ_l ‖x_V,l‖² − 1 (18b) and every amplitude |x_ψ,ln|² − 1. It is solved through its dual,
//! min ½ zᵀ(AᵀHA)z − (fᵀλ + cᵀν) over λ in the simplex and ν ≥ 0 (H = B⁻¹, A the row gradients), by a
//! primal active-set method: a problem in 2L + 1 + Σ N_l variables, whatever M is. The step is
//! d = −HAz (Han, J. Optim. Theory Appl. 1977; Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
//! §18.3 and Alg. 16.3). The trial point is projected onto the BS ball and the amplitude discs — for
//! these curved rows the projection is a second-order correction, so full steps are not rejected near
//! the solution (the Maratos effect) — and accepted on the ℓ1 merit max_l f_l + π Σ_l max(0, P_l/P_s − 1)
//! by a non-monotone Armijo search (Grippo, Lampariello & Lucidi, SIAM J. Numer. Anal. 1986). H is
//! updated by inverse BFGS with the Lagrangian's gradient at the QP's multipliers, the update skipped
//! when the curvature sᵀy is not positive.
//!
//! The run stops when the Lagrangian's gradient ‖Az‖_∞, the complementarity and the IRS-power violation
//! are all at most `tol` — the quantities `kkt.rs` certifies, in the same units. Why SQP: on the default
//! scenario the augmented Lagrangian with PANOC needed ~660 L-BFGS iterations to reach 1e-6 (the θ and φ
//! rows are nearly collinear, and PANOC's limited memory does not learn that curvature); SQP with a full
//! BFGS matrix, scaled per block at the start ([`initial_inverse_hessian`]), reaches a smaller residual in
//! 20–90 iterations (`docs/joint.md`).

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};
use irs_fim::Gradients;

use super::local::{JointProblem, LinkEval};

/// Largest variable count for which the dense n×n inverse-Hessian model is kept (n² doubles: 50 MB);
/// larger problems use the augmented Lagrangian.
pub(crate) const MAX_SQP_VARIABLES: usize = 2_500;

/// Armijo fraction of the predicted decrease, and the non-monotone memory (merits compared against).
const ARMIJO: f64 = 1e-4;
const MERIT_MEMORY: usize = 5;
/// An accepted step below this fraction of the model's restarts the quasi-Newton model; so many such steps
/// in a row end the solve.
const RESET_STEP: f64 = 1.0 / 64.0;
const STALL_STEPS: usize = 8;

/// What one SQP solve did.
#[derive(Debug, Clone)]
pub(crate) struct SqpResult {
    /// Last iterate, with τ = max_l f_l in the last entry (the layout of [`JointProblem`]).
    pub x: Vec<f64>,
    pub iterations: usize,
    /// The stopping test was met.
    pub converged: bool,
    /// Multipliers of the CRB rows then of the IRS-power rows (the augmented Lagrangian's layout).
    pub multipliers: Vec<f64>,
}

/// Rows and gradients at one point.
struct Point {
    x: Vec<f64>,
    evals: Vec<LinkEval>,
}

impl Point {
    fn fmax(&self) -> f64 {
        self.evals
            .iter()
            .map(|e| e.ln_crb)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    fn power_violation(&self) -> f64 {
        self.evals.iter().map(|e| e.pow.max(0.0)).sum()
    }

    fn merit(&self, penalty: f64) -> f64 {
        self.fmax() + penalty * self.power_violation()
    }
}

/// The QP's rows: dense gradients for the CRB, IRS-power and BS-budget rows, two entries each for the
/// amplitude rows.
struct Rows {
    /// Dense gradients (n each): CRB rows, then IRS-power rows, then the BS budget.
    dense: Vec<Vec<f64>>,
    /// (index of Re x_ψ, gradient entries) of each amplitude row.
    disc: Vec<(usize, [f64; 2])>,
    /// Row values c (CRB rows: f_l).
    value: Vec<f64>,
}

impl Rows {
    fn len(&self) -> usize {
        self.dense.len() + self.disc.len()
    }

    /// Σ_j z_j ∇c_j.
    fn combine(&self, z: &[f64], n: usize) -> Vec<f64> {
        let mut out = vec![0.0; n];
        for (g, &zj) in self.dense.iter().zip(z) {
            if zj != 0.0 {
                out.iter_mut().zip(g).for_each(|(o, gi)| *o += zj * gi);
            }
        }
        for ((k, a), &zj) in self.disc.iter().zip(&z[self.dense.len()..]) {
            out[*k] += zj * a[0];
            out[k + 1] += zj * a[1];
        }
        out
    }
}

impl<S: Gradients> JointProblem<'_, S> {
    fn point(&self, x: Vec<f64>) -> Option<Point> {
        let evals: Vec<LinkEval> = (0..self.links.len())
            .map(|l| self.link_eval(&x, l))
            .collect();
        evals
            .iter()
            .all(|e| e.ln_crb.is_finite() && e.pow.is_finite())
            .then_some(Point { x, evals })
    }

    fn rows_at(&self, p: &Point) -> Rows {
        let n = self.tau_index();
        let big = self.links.len();
        let nv = 2 * self.m * self.r;
        let mut dense = Vec::with_capacity(2 * big + 1);
        let mut value = Vec::with_capacity(2 * big + 1);
        let scatter = |l: usize, g: &[f64]| {
            let mut out = vec![0.0; n];
            out[self.v_off[l]..self.v_off[l] + nv].copy_from_slice(&g[..nv]);
            out[self.psi_off[l]..self.psi_off[l] + 2 * self.n[l]].copy_from_slice(&g[nv..]);
            out
        };
        for (l, e) in p.evals.iter().enumerate() {
            dense.push(scatter(l, &e.g_crb));
            value.push(e.ln_crb);
        }
        for (l, e) in p.evals.iter().enumerate() {
            dense.push(scatter(l, &e.g_pow));
            value.push(e.pow);
        }
        let v_end = self.psi_off[0];
        let mut ball = vec![0.0; n];
        for (b, x) in ball[..v_end].iter_mut().zip(&p.x[..v_end]) {
            *b = 2.0 * x;
        }
        let norm2: f64 = p.x[..v_end].iter().map(|x| x * x).sum();
        dense.push(ball);
        value.push(norm2 - 1.0);
        let mut disc = Vec::with_capacity((n - v_end) / 2);
        for k in (v_end..n).step_by(2) {
            disc.push((k, [2.0 * p.x[k], 2.0 * p.x[k + 1]]));
            value.push(p.x[k] * p.x[k] + p.x[k + 1] * p.x[k + 1] - 1.0);
        }
        Rows { dense, disc, value }
    }
}

/// Dot product with eight independent partial sums, so the compiler can vectorise it (a single running
/// sum is a chain of dependent additions: the n² products of the BFGS model were most of an iteration).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// The diagonal inverse-Hessian model before the first BFGS update: Nocedal & Wright's (6.20) scaling
/// sᵀy/yᵀy taken on each block of variables — every link's V block and every link's ψ block — on its own
/// (`fallback`, the scaling over all variables, where a block's pair has no positive curvature). The blocks'
/// curvatures differ (default scenario, sensing at the BS: 0.18 over the V blocks, 1.6 over the ψ blocks),
/// and one common scale left SQP at ~200 iterations from the matched-filter start; per V/ψ block it needed
/// ~80, per link and block 70 (20 instead of 36 sensing at the IRSs).
fn initial_inverse_hessian<S: Gradients>(
    prob: &JointProblem<'_, S>,
    s: &[f64],
    y: &[f64],
    fallback: f64,
) -> Mat<f64> {
    let n = s.len();
    let mut diag = vec![fallback; n];
    let blocks = (0..prob.links.len()).flat_map(|l| {
        [
            (prob.v_off[l], prob.v_off[l] + 2 * prob.m * prob.r),
            (prob.psi_off[l], prob.psi_off[l] + 2 * prob.n[l]),
        ]
    });
    for (a, b) in blocks {
        let sy = dot(&s[a..b], &y[a..b]);
        let yy = dot(&y[a..b], &y[a..b]);
        if sy > 0.0 && yy > 0.0 {
            diag[a..b].iter_mut().for_each(|d| *d = sy / yy);
        }
    }
    Mat::from_fn(n, n, |i, j| if i == j { diag[i] } else { 0.0 })
}

/// The second-order correction at the trial point `p` = x + d (Nocedal & Wright §15.6, 18.3): the least
/// change d̂ = −H A_W w, in the metric of the quasi-Newton model, that puts the rows binding in the QP
/// (`binding`, CRB rows then IRS-power rows) — the CRB rows back on a common level t̂ and the IRS-power rows
/// back on their budget — to first order at x + d: f_l(x+d) − (M w)_l = t̂, c_j(x+d) − (M w)_j = 0,
/// Σ_{CRB rows} w_l = 0 (t̂ free), with M = AᵀHA of the QP (`size`×`size`, row-major) and `hg` = H times the
/// dense row gradients (CRB rows, then IRS-power rows). The amplitude and BS rows need none: the projection
/// restores them. `None` when no row needs it or the system is singular.
fn second_order_correction(
    p: &Point,
    m: &[f64],
    size: usize,
    hg: &Mat<f64>,
    binding: &[bool],
    big: usize,
    n: usize,
) -> Option<Vec<f64>> {
    let active: Vec<usize> = (0..2 * big).filter(|&j| binding[j]).collect();
    let crb_count = active.iter().filter(|&&j| j < big).count();
    if active.len() <= 1 && crb_count == 1 {
        return None;
    }
    let k = active.len();
    let value = |j: usize| {
        if j < big {
            p.evals[j].ln_crb
        } else {
            p.evals[j - big].pow
        }
    };
    // Unknowns (w_W, t̂): rows of W, then Σ_{CRB} w = 0.
    let a = Mat::<f64>::from_fn(k + 1, k + 1, |r, c| match (r < k, c < k) {
        (true, true) => m[active[r] * size + active[c]],
        (true, false) => f64::from(u8::from(active[r] < big)),
        (false, true) => f64::from(u8::from(active[c] < big)),
        (false, false) => 0.0,
    });
    let b = Mat::<f64>::from_fn(k + 1, 1, |r, _| if r < k { value(active[r]) } else { 0.0 });
    use faer::linalg::solvers::Solve;
    let sol = a.partial_piv_lu().solve(&b);
    if (0..=k).any(|r| !sol[(r, 0)].is_finite()) {
        return None;
    }
    // d̂ = −Σ_W w_j H a_j (the dense rows' H a_j are columns of `hg`).
    let mut dc = vec![0.0; n];
    for (r, &j) in active.iter().enumerate() {
        let w = sol[(r, 0)];
        for (i, v) in dc.iter_mut().enumerate() {
            *v -= w * hg[(i, j)];
        }
    }
    Some(dc)
}

/// Minimises ½ zᵀMz − cᵀz over z ≥ 0 with Σ_{i < k} z_i = 1 (M symmetric positive semidefinite, K×K
/// row-major) by the primal active-set method (Nocedal & Wright Alg. 16.3), from the feasible `z`
/// (updated in place). Returns false if a subproblem could not be solved.
pub(crate) fn simplex_qp(m: &[f64], c: &[f64], k: usize, z: &mut [f64]) -> bool {
    let size = c.len();
    let ridge = 1e-13 * (0..size).map(|i| m[i * size + i]).fold(1e-300, f64::max);
    let mut fixed: Vec<bool> = z.iter().map(|&v| v <= 0.0).collect();
    for _ in 0..10 * size + 10 {
        let free: Vec<usize> = (0..size).filter(|&i| !fixed[i]).collect();
        let nf = free.len();
        // [M_FF  −e_F; e_Fᵀ 0] [z_F; η] = [c_F; 1]
        let kkt = faer::Mat::<f64>::from_fn(nf + 1, nf + 1, |a, b| match (a < nf, b < nf) {
            (true, true) => m[free[a] * size + free[b]] + if a == b { ridge } else { 0.0 },
            (true, false) => -f64::from(u8::from(free[a] < k)),
            (false, true) => f64::from(u8::from(free[b] < k)),
            (false, false) => 0.0,
        });
        let rhs =
            faer::Mat::<f64>::from_fn(nf + 1, 1, |a, _| if a < nf { c[free[a]] } else { 1.0 });
        use faer::linalg::solvers::Solve;
        let sol = kkt.partial_piv_lu().solve(&rhs);
        if (0..=nf).any(|a| !sol[(a, 0)].is_finite()) {
            return false;
        }
        let eta = sol[(nf, 0)];
        let step: Vec<f64> = (0..nf).map(|a| sol[(a, 0)] - z[free[a]]).collect();
        let scale = 1.0 + z.iter().map(|v| v.abs()).fold(0.0, f64::max);
        if step.iter().all(|s| s.abs() <= 1e-13 * scale) {
            // On this face's minimiser: release the fixed variable with the most negative multiplier.
            let mut worst: Option<(usize, f64)> = None;
            for i in (0..size).filter(|&i| fixed[i]) {
                let w = (0..size).map(|j| m[i * size + j] * z[j]).sum::<f64>()
                    - c[i]
                    - if i < k { eta } else { 0.0 };
                if w < -1e-12 * (1.0 + c[i].abs()) && worst.is_none_or(|(_, b)| w < b) {
                    worst = Some((i, w));
                }
            }
            match worst {
                None => return true,
                Some((i, _)) => fixed[i] = false,
            }
            continue;
        }
        let mut alpha = 1.0;
        let mut block = None;
        for (a, &i) in free.iter().enumerate() {
            if step[a] < 0.0 {
                let t = -z[i] / step[a];
                if t < alpha {
                    alpha = t;
                    block = Some(i);
                }
            }
        }
        for (a, &i) in free.iter().enumerate() {
            z[i] = (z[i] + alpha * step[a]).max(0.0);
        }
        if let Some(i) = block {
            z[i] = 0.0;
            fixed[i] = true;
        }
    }
    false
}

/// Runs SQP from `x0` until the stopping test (module docs) holds at `tol`, or `max_iter` iterations.
/// `None` when a start row is not finite.
pub(crate) fn solve<S: Gradients>(
    prob: &JointProblem<'_, S>,
    mut x0: Vec<f64>,
    tol: f64,
    max_iter: usize,
) -> Option<SqpResult> {
    let n = prob.tau_index();
    let big = prob.links.len();
    x0.truncate(n);
    prob.set().project_in_place(&mut x0);
    x0.push(0.0);
    let mut cur = prob.point(x0)?;
    let mut rows = prob.rows_at(&cur);
    let size = rows.len();
    let mut h = Mat::<f64>::identity(n, n);
    let mut scaled = false;
    // Dual start: all weight on the largest CRB row.
    let mut z = vec![0.0; size];
    let top = (0..big)
        .max_by(|&a, &b| cur.evals[a].ln_crb.total_cmp(&cur.evals[b].ln_crb))
        .unwrap_or(0);
    z[top] = 1.0;
    let mut penalty = 1.0;
    let mut merits: Vec<f64> = vec![cur.merit(penalty)];
    let mut converged = false;
    let mut iterations = 0;
    let mut short_steps = 0;
    while iterations < max_iter {
        // M = AᵀHA with A = [G | D]: G the dense row gradients, D the two-entry amplitude gradients. GᵀHG
        // is one product through faer's SIMD kernels (the n²-sized products and the BFGS update are most
        // of an iteration's arithmetic); DᵀHG and DᵀHD read four entries each, so H D is never formed.
        let nd = rows.dense.len();
        let g = Mat::from_fn(n, nd, |i, j| rows.dense[j][i]);
        let hg = &h * &g;
        let gthg = g.transpose() * &hg;
        let mut m = vec![0.0; size * size];
        for j in 0..nd {
            for i in 0..nd {
                m[i * size + j] = 0.5 * (gthg[(i, j)] + gthg[(j, i)]);
            }
        }
        for (a, (ka, ga)) in rows.disc.iter().enumerate() {
            let i = nd + a;
            for j in 0..nd {
                let v = ga[0] * hg[(*ka, j)] + ga[1] * hg[(ka + 1, j)];
                m[i * size + j] = v;
                m[j * size + i] = v;
            }
            for (b, (kb, gb)) in rows.disc.iter().enumerate().take(a + 1) {
                let v = ga[0] * (gb[0] * h[(*ka, *kb)] + gb[1] * h[(*ka, kb + 1)])
                    + ga[1] * (gb[0] * h[(ka + 1, *kb)] + gb[1] * h[(ka + 1, kb + 1)]);
                m[i * size + nd + b] = v;
                m[(nd + b) * size + i] = v;
            }
        }
        if !simplex_qp(&m, &rows.value, big, &mut z) {
            break;
        }
        // Stopping test at the QP's multipliers.
        let grad = rows.combine(&z, n);
        let stat = grad.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let fmax = cur.fmax();
        let comp = (0..size)
            .map(|j| {
                if j < big {
                    z[j] * (fmax - rows.value[j])
                } else {
                    z[j] * rows.value[j].abs()
                }
            })
            .fold(0.0, f64::max);
        let viol = cur.evals.iter().map(|e| e.pow).fold(0.0f64, f64::max);
        if stat <= tol && comp <= tol && viol <= tol {
            converged = true;
            break;
        }
        iterations += 1;
        // d = −H A z = −H ∇_x L.
        let d: Vec<f64> = {
            let grad_col = Mat::from_fn(n, 1, |i, _| grad[i]);
            let hd = &h * &grad_col;
            (0..n).map(|i| -hd[(i, 0)]).collect()
        };
        // The penalty exceeds the IRS-power multipliers (exactness of the ℓ1 merit).
        let nu_max = z[big..2 * big].iter().copied().fold(0.0, f64::max);
        if penalty < 1.5 * nu_max {
            penalty = 2.0 * nu_max;
            merits = vec![cur.merit(penalty)];
        }
        let model = (0..big)
            .map(|l| rows.value[l] + dot(&rows.dense[l], &d))
            .fold(f64::NEG_INFINITY, f64::max);
        let pred = model - fmax - penalty * cur.power_violation();
        // Not a descent direction (or NaN): nothing more to gain at this model.
        if pred.is_nan() || pred >= 0.0 {
            break;
        }
        let reference = merits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let accept = |p: &Point, alpha: f64| p.merit(penalty) <= reference + ARMIJO * alpha * pred;
        let trial = |step: &[f64]| {
            let mut xt: Vec<f64> = cur.x[..n].iter().zip(step).map(|(a, b)| a + b).collect();
            prob.set().project_in_place(&mut xt);
            xt.push(0.0);
            prob.point(xt)
        };
        let mut next = None;
        let full = trial(&d);
        match full {
            Some(p) if accept(&p, 1.0) => next = Some(p),
            // A full step rejected: the second-order correction for the curved rows that the projection does
            // not handle (the active CRB rows of the max and the active IRS-power rows), then backtracking.
            Some(p) => {
                // The rows binding in the QP (a positive multiplier, or at the model's level / budget after
                // the step: a degenerate row with a zero multiplier curves away just the same).
                let binding: Vec<bool> = (0..2 * big)
                    .map(|j| {
                        let lin = rows.value[j] + dot(&rows.dense[j], &d);
                        let level = if j < big { model } else { 0.0 };
                        z[j] > 0.0 || lin >= level - 1e-9 * (1.0 + level.abs())
                    })
                    .collect();
                if let Some(dc) = second_order_correction(&p, &m, size, &hg, &binding, big, n) {
                    let step: Vec<f64> = d.iter().zip(&dc).map(|(a, b)| a + b).collect();
                    if let Some(q) = trial(&step).filter(|q| accept(q, 1.0)) {
                        next = Some(q);
                    }
                }
            }
            None => {}
        }
        let mut alpha = if next.is_some() { 1.0 } else { 0.5 };
        for _ in 0..40 {
            if next.is_some() {
                break;
            }
            let step: Vec<f64> = d.iter().map(|v| alpha * v).collect();
            if let Some(p) = trial(&step).filter(|p| accept(p, alpha)) {
                next = Some(p);
                break;
            }
            alpha *= 0.5;
        }
        let Some(next) = next else { break };
        let next_rows = prob.rows_at(&next);
        let s: Vec<f64> = next.x[..n]
            .iter()
            .zip(&cur.x[..n])
            .map(|(a, b)| a - b)
            .collect();
        let y: Vec<f64> = next_rows
            .combine(&z, n)
            .iter()
            .zip(&grad)
            .map(|(a, b)| a - b)
            .collect();
        let sy = dot(&s, &y);
        let (ss, yy) = (dot(&s, &s), dot(&y, &y));
        if alpha < RESET_STEP {
            // The model asked for a step 64× too long: it has learnt a near-zero curvature of the Lagrangian
            // along a direction in which the max-CRB and an IRS power trade off (tight IRS budgets: sensing
            // at the IRSs, P_t = 10 W, P_s = 1e-4 W, the model's steps were 1e4–1e5× too long). Start it
            // again from the diagonal scaling at this pair; after `STALL_STEPS` such steps in a row, stop
            // (not converged: the augmented Lagrangian continues from here).
            scaled = false;
            short_steps += 1;
            if short_steps >= STALL_STEPS {
                cur = next;
                break;
            }
        } else {
            short_steps = 0;
        }
        if sy > 1e-12 * (ss * yy).sqrt() {
            if !scaled {
                // Nocedal & Wright (6.20), H₀ = (sᵀy / yᵀy) I before the first update, per block.
                h = initial_inverse_hessian(prob, &s, &y, sy / yy);
                scaled = true;
            }
            // H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ = H + a sᵀ + s bᵀ with a = c·s − ρ·Hy, b = −ρ·Hy,
            // c = ρ²·yᵀHy + ρ: one rank-2 product.
            let rho = 1.0 / sy;
            let y_col = Mat::from_fn(n, 1, |i, _| y[i]);
            let hy = &h * &y_col;
            let c = rho * rho * (0..n).map(|i| y[i] * hy[(i, 0)]).sum::<f64>() + rho;
            let left = Mat::from_fn(n, 2, |i, j| {
                if j == 0 {
                    c * s[i] - rho * hy[(i, 0)]
                } else {
                    s[i]
                }
            });
            let right = Mat::from_fn(n, 2, |i, j| if j == 0 { s[i] } else { -rho * hy[(i, 0)] });
            matmul(
                h.as_mut(),
                Accum::Add,
                left.as_ref(),
                right.transpose(),
                1.0,
                Par::Seq,
            );
        }
        cur = next;
        rows = next_rows;
        merits.push(cur.merit(penalty));
        if merits.len() > MERIT_MEMORY {
            merits.remove(0);
        }
    }
    let mut x = cur.x.clone();
    x[n] = cur.fmax();
    let multipliers = z[..2 * big].to_vec();
    Some(SqpResult {
        x,
        iterations,
        converged,
        multipliers,
    })
}

#[cfg(test)]
mod tests {
    use super::simplex_qp;

    /// Brute force over supports: the minimiser of ½zᵀMz − cᵀz on the simplex × orthant.
    fn brute(m: &[f64], c: &[f64], k: usize) -> f64 {
        let size = c.len();
        let obj = |z: &[f64]| {
            0.5 * (0..size)
                .map(|i| {
                    (0..size)
                        .map(|j| z[i] * m[i * size + j] * z[j])
                        .sum::<f64>()
                })
                .sum::<f64>()
                - c.iter().zip(z).map(|(a, b)| a * b).sum::<f64>()
        };
        // Fine grid over the feasible set of a 3-variable instance (k = 2: z0 + z1 = 1, z2 ≥ 0).
        let mut best = f64::INFINITY;
        for a in 0..=2000 {
            for b in 0..=2000 {
                let z = [a as f64 / 2000.0, 1.0 - a as f64 / 2000.0, b as f64 / 500.0];
                best = best.min(obj(&z[..size]));
            }
        }
        let _ = k;
        best
    }

    #[test]
    fn the_active_set_qp_matches_a_grid_search_on_small_instances() {
        let cases: [([f64; 9], [f64; 3]); 4] = [
            (
                [2.0, 0.5, 0.1, 0.5, 1.0, 0.2, 0.1, 0.2, 1.5],
                [0.3, -0.2, 0.5],
            ),
            (
                [2.0, 0.5, 0.1, 0.5, 1.0, 0.2, 0.1, 0.2, 1.5],
                [-1.0, 2.0, -0.5],
            ),
            (
                [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0],
                [0.0, 0.1, 1.0],
            ),
            (
                [3.0, -1.0, 0.5, -1.0, 2.0, -0.3, 0.5, -0.3, 0.8],
                [1.0, 1.0, 2.0],
            ),
        ];
        for (m, c) in cases {
            let mut z = vec![1.0, 0.0, 0.0];
            assert!(simplex_qp(&m, &c, 2, &mut z));
            assert!(z.iter().all(|&v| v >= 0.0));
            assert!((z[0] + z[1] - 1.0).abs() < 1e-12);
            let obj = 0.5
                * (0..3)
                    .map(|i| (0..3).map(|j| z[i] * m[i * 3 + j] * z[j]).sum::<f64>())
                    .sum::<f64>()
                - c.iter().zip(&z).map(|(a, b)| a * b).sum::<f64>();
            let grid = brute(&m, &c, 2);
            // The grid's best is feasible, so the exact minimiser is at most it (up to rounding) and
            // within the grid's resolution of it.
            assert!(obj <= grid + 1e-12, "active set {obj} vs grid {grid}");
            assert!(grid - obj < 1e-5, "active set {obj} vs grid {grid}");
        }
    }
}
