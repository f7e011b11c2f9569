//! Transmit step (P2 → P2.1 / P5 → P5.1): for fixed {ψ_l}, one SDP over {R_s,l} minimising max_l CRB_l subject
//! to the BS power (18b) and each IRS's power (18a)/(42a), both linear in R_s,l.
//!
//! Scaling (see the crate docs): R_s,l = P_t · V_l Ẑ_l V_lᴴ with V_l an orthonormal basis of the row space of
//! Ψ_l G_l (issue 9; V_l = I when the reduction is off), power rows divided by their budgets, each FIM
//! whitened (F̂_l = T_lᵀ F_l T_l = I, see `scaling.rs`) at the reference point "isotropic transmission shrunk
//! to fit the IRS budget", and the objective tr(E_lᵀ F̂_l⁻¹ E_l) = CRB_l / factor, with factor the largest
//! reference-point CRB.

use std::time::Instant;

use faer::{c64, Mat, MatRef, Side};
use irs_sdp::{AffExpr, ConstraintId, HermVar, Model, TraceInvOptions};

use irs_fim::{AffineFim, AffinePower, UPPER};

use crate::linalg::{common_range, row_space};
use crate::record::SdpSolve;
use crate::scaling::FimScaling;
use crate::settings::Objective;
use crate::StepError;

/// Data of the transmit step for one IRS, in the (possibly reduced) coordinates Z (r×r): R_s = V Z Vᴴ.
#[derive(Debug, Clone)]
pub(crate) struct TransmitIrsData {
    /// V (M×r), orthonormal columns.
    pub v: Mat<c64>,
    /// F(Z) = Re tr(K_pq Z) + c_pq in the reduced coordinates.
    pub fim: AffineFim,
    /// IRS power Re tr(P Z) + p₀ (None: no IRS budget, passive benchmark).
    pub power: Option<AffinePower>,
}

/// Builds the per-IRS data from the set-up's exact affine maps; `reduce` applies the subspace reduction.
pub(crate) fn irs_data(
    fim: AffineFim,
    power: Option<AffinePower>,
    g: MatRef<'_, c64>,
    psi: &[c64],
    reduce: bool,
    rel_tol: f64,
) -> Result<TransmitIrsData, StepError> {
    let m = fim.dim();
    if !reduce {
        return Ok(TransmitIrsData {
            v: Mat::identity(m, m),
            fim,
            power,
        });
    }
    // Everything the step sees of R_s passes through Ψ G (issue 9): restrict to its row space. Singular values
    // below sqrt(rel_tol)·σ_max are dropped (rel_tol applies to squared singular values, i.e. eigenvalues).
    let psi_g = Mat::from_fn(g.nrows(), g.ncols(), |i, j| psi[i] * g[(i, j)]);
    let v = row_space(psi_g.as_ref(), rel_tol.sqrt())?;
    let model = StepError::model("subspace reduction");
    Ok(TransmitIrsData {
        fim: fim.restrict(v.as_ref()).map_err(&model)?,
        power: power
            .map(|p| p.restrict(v.as_ref()))
            .transpose()
            .map_err(&model)?,
        v,
    })
}

/// Outcome of a successful transmit-step SDP.
#[derive(Debug, Clone)]
pub(crate) struct TransmitSolution {
    /// R_s,l (M×M), exactly feasible for the BS budget and every IRS budget (true affine power functions).
    pub r_s: Vec<Mat<c64>>,
    /// SDP objective mapped back to the CRB unit (rad²): the solver's estimate of the optimal max-CRB.
    pub sdp_objective: f64,
}

/// Clips a Hermitian matrix to its PSD part (removes solver round-off below zero).
pub(crate) fn psd_part(x: MatRef<'_, c64>) -> Result<Mat<c64>, StepError> {
    let n = x.nrows();
    if n == 0 {
        return Ok(Mat::zeros(0, 0));
    }
    let h = Mat::from_fn(n, n, |i, j| (x[(i, j)] + x[(j, i)].conj()) * 0.5);
    let evd = h
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| StepError::Linalg {
            what: "eigendecomposition of an SDP solution did not converge",
        })?;
    let s = evd.S().column_vector();
    if (0..n).all(|i| s[i].re >= 0.0) {
        return Ok(h);
    }
    let u = evd.U();
    let mut us = u.to_owned();
    for j in 0..n {
        let lam = s[j].re.max(0.0);
        for i in 0..n {
            us[(i, j)] *= lam;
        }
    }
    Ok(&us * u.adjoint())
}

/// irs-sdp settings from the driver's options.
pub(crate) fn sdp_settings(o: &crate::settings::SdpOptions) -> irs_sdp::Settings {
    irs_sdp::Settings {
        max_iter: o.max_iter,
        verbose: o.verbose,
        tol_gap_abs: o.tol,
        tol_gap_rel: o.tol,
        tol_feas: o.tol,
        equilibrate: o.equilibrate,
        accept_almost_solved: true,
        linear_solver: o.linear_solver.into(),
        max_threads: 1,
        retry_on_failure: o.retry_on_failure,
        ..irs_sdp::Settings::default()
    }
}

/// Solves `model` with the run's settings (with `retry_on_failure`, irs-sdp solves once more with
/// equilibration toggled and the other KKT solver after a numerical failure, iteration limit or
/// caught solver panic; see [`irs_sdp::Settings::retry_on_failure`]). Records the attempt in `rec`
/// (status left to the caller; `retried`, iterations and Clarabel time of both attempts here).
pub(crate) fn solve_sdp(
    model: &Model,
    opts: &crate::settings::SdpOptions,
    rec: &mut SdpSolve,
) -> Result<irs_sdp::Solution, irs_sdp::SdpError> {
    let result = irs_sdp::solve(model, &sdp_settings(opts));
    let stats = match &result {
        Ok(sol) => Some(&sol.stats),
        Err(e) => e.stats(),
    };
    if let Some(st) = stats {
        rec.retried = st.retried;
        rec.iterations = st.iterations;
        rec.solve_time_s = st.first_attempt_s + st.setup_s + st.solve_s;
    }
    result
}

/// Objective indices of a CRB kind.
pub(crate) fn objective_indices(objective: Objective) -> &'static [usize] {
    match objective {
        Objective::Trace => &[0, 1, 2, 3],
        Objective::Angle => &[0, 1],
    }
}

/// Solves the transmit-step SDP. Returns the solution and the solve record; on a solver failure, the record
/// (with the error as status) and the error text. With `column_generation` (and data of dimension r > 6 in some
/// link), the SDP is solved over growing subspaces of the data's coordinates and stopped by a duality
/// certificate (see [`ColumnGeneration`]); otherwise once over the data's coordinates.
pub(crate) fn solve_transmit(
    data: &[TransmitIrsData],
    p_t_w: f64,
    p_s_w: f64,
    objective: Objective,
    opts: &crate::settings::SdpOptions,
    column_generation: bool,
) -> (Result<TransmitSolution, StepError>, SdpSolve) {
    let t0 = Instant::now();
    let dims: Vec<usize> = data.iter().map(|d| d.v.ncols()).collect();
    let mut rec = SdpSolve {
        irs: None,
        sca_iter: None,
        status: String::new(),
        iterations: 0,
        solve_time_s: 0.0,
        total_time_s: 0.0,
        hermitian_dims: dims,
        objective: None,
        retried: false,
        rounds: 1,
    };
    let result = reference_scalings(data, p_t_w, p_s_w, objective, opts).and_then(|sc| {
        if column_generation && data.iter().any(|d| d.v.ncols() > CG_MIN_DIM) {
            ColumnGeneration::new(data, &sc, p_t_w, p_s_w)
                .and_then(|cg| cg.run(data, &sc, p_t_w, p_s_w, opts, &mut rec))
        } else {
            let built = build_model(data, &sc, p_t_w, p_s_w)?;
            let sol = solve_sdp(&built.model, opts, &mut rec)?;
            built.extract(&sol, data, &sc, p_t_w, p_s_w, &mut rec)
        }
    });
    rec.total_time_s = t0.elapsed().as_secs_f64();
    match &result {
        Ok(sol) => rec.objective = Some(sol.sdp_objective),
        Err(e) => rec.status = e.to_string(),
    }
    (result, rec)
}

/// Below this dimension (every link) the row-space SDP is solved directly: its cones are already small.
const CG_MIN_DIM: usize = 6;

/// The FIM scalings of every link and their common normalisation `factor`, fixed at the reference point of the
/// data's coordinates (isotropic within them, shrunk to the IRS budget) so that every subspace solve of the
/// column generation shares them.
pub(crate) struct Scalings {
    per_irs: Vec<FimScaling>,
    factor: f64,
}

fn reference_scalings(
    data: &[TransmitIrsData],
    p_t_w: f64,
    p_s_w: f64,
    objective: Objective,
    opts: &crate::settings::SdpOptions,
) -> Result<Scalings, StepError> {
    let idx = objective_indices(objective);
    let mut per_irs = Vec::with_capacity(data.len());
    for (l, d) in data.iter().enumerate() {
        let r = d.v.ncols();
        let m = d.v.nrows() as f64;
        let mut z_ref = Mat::<c64>::identity(r, r) * faer::Scale(c64::new(p_t_w / m, 0.0));
        let model = StepError::model("reference point");
        if let Some(pw) = &d.power {
            let lin = pw.eval(z_ref.as_ref()).map_err(&model)? - pw.constant_w;
            if lin > 0.0 && pw.constant_w + lin > p_s_w {
                let alpha = ((p_s_w - pw.constant_w) / lin).max(1e-3);
                z_ref *= faer::Scale(c64::new(alpha, 0.0));
            }
        }
        let f_ref = d.fim.eval(z_ref.as_ref()).map_err(&model)?;
        let s = FimScaling::at(opts.fim_scaling, &f_ref.0, idx)
            .ok_or(StepError::SingularAtReference { irs: l })?;
        per_irs.push(s);
    }
    // Common normalisation: the largest reference-point objective becomes 1.
    let factor = per_irs
        .iter()
        .map(FimScaling::objective_scale)
        .fold(0.0_f64, f64::max);
    Ok(Scalings { per_irs, factor })
}

/// A built transmit-step model and the handles the solution and the duality certificate need.
struct Built {
    model: Model,
    vars: Vec<HermVar>,
    bs_power: ConstraintId,
    irs_power: Vec<Option<ConstraintId>>,
    /// The 10 equalities F̂_pq = affine map (in the order of [`UPPER`]) per link.
    fim_rows: Vec<Vec<ConstraintId>>,
}

fn build_model(
    data: &[TransmitIrsData],
    sc: &Scalings,
    p_t_w: f64,
    p_s_w: f64,
) -> Result<Built, StepError> {
    let l_count = data.len() as f64;
    let mut model = Model::new();
    let t = model.scalar("t");
    let mut vars = Vec::with_capacity(data.len());
    let mut irs_power = Vec::with_capacity(data.len());
    let mut fim_rows = Vec::with_capacity(data.len());
    let mut bs_power = AffExpr::default();
    for (l, d) in data.iter().enumerate() {
        let z = model.hermitian_psd(&format!("R_hat_{l}"), d.v.ncols())?;
        // (18b) with R = P_t Ẑ and the row divided by P_t: (1/L) Σ tr Ẑ_l ≤ 1.
        bs_power += z.trace() * (1.0 / l_count);
        irs_power.push(match &d.power {
            Some(pw) => {
                // (18a)/(42a) divided by P_s: Re tr((P_t/P_s) K Ẑ) + c/P_s ≤ 1.
                let k = budget_normalised(pw, p_t_w, p_s_w);
                Some(model.le(
                    &format!("irs_power_{l}"),
                    z.re_tr(k.as_ref()) + pw.constant_w / p_s_w,
                    1.0,
                )?)
            }
            None => None,
        });
        // The FIM as its own variable tied to the affine map by 10 equalities (the lifted form `docs/numerics.md`
        // found necessary), written here rather than by `TraceInvOptions::lift` so that their multipliers can
        // be read back for the column generation's certificate.
        let fm = sc.per_irs[l].expr(&d.fim, &z, p_t_w);
        let f = model.symmetric(&format!("F_{l}"), 4)?;
        let mut rows = Vec::with_capacity(UPPER.len());
        for &(p, q) in UPPER.iter() {
            rows.push(model.eq(&format!("F_{l}[{p},{q}]"), f.entry(p, q), fm.get(p, q))?);
        }
        fim_rows.push(rows);
        model.quad_trace_inv_le_with(
            &format!("crb_{l}"),
            &f.as_mat(),
            &sc.per_irs[l].columns(sc.factor),
            t,
            TraceInvOptions {
                lift: false,
                ..TraceInvOptions::default()
            },
        )?;
        vars.push(z);
    }
    let bs_power = model.le("bs_power", bs_power, 1.0)?;
    model.minimize(t)?;
    Ok(Built {
        model,
        vars,
        bs_power,
        irs_power,
        fim_rows,
    })
}

impl Built {
    /// R_s,l = P_t V_l Ẑ_l V_lᴴ from a solution, made exactly feasible.
    fn extract(
        &self,
        sol: &irs_sdp::Solution,
        data: &[TransmitIrsData],
        sc: &Scalings,
        p_t_w: f64,
        p_s_w: f64,
        rec: &mut SdpSolve,
    ) -> Result<TransmitSolution, StepError> {
        rec.status = format!("{:?}", sol.status);
        let mut r_s = Vec::with_capacity(data.len());
        for (d, z) in data.iter().zip(&self.vars) {
            let zv = sol.hermitian(z)?;
            let zv = psd_part(zv.as_ref())?;
            let r = &d.v * &zv * d.v.adjoint() * faer::Scale(c64::new(p_t_w, 0.0));
            r_s.push(hermitize(r.as_ref()));
        }
        restore_transmit_feasibility(&mut r_s, data, p_t_w, p_s_w)?;
        Ok(TransmitSolution {
            r_s,
            sdp_objective: sc.factor * sol.objective,
        })
    }
}

/// Column generation for the transmit step: an exact way to solve it over small subspaces.
///
/// F_l depends on Ẑ_l only through the ≤ 3-dimensional common range B_l of its coefficient matrices, and the
/// Lagrangian argument below shows that an optimal Ẑ_l has rank ≤ dim B_l and lies in the range of
/// (μ I + ν_l K'_l)⁻¹ B_l for the (unknown) multipliers μ, ν_l of the BS and IRS budgets. So the SDP is solved
/// over Ẑ_l = Q_l Y_l Q_lᴴ with Q_l (r×k, orthonormal) starting from span[B_l, K'_l B_l], and the restriction is
/// *certified*: with the multipliers y of the restricted solve (irs-sdp's `Solution::dual`), the dual matrix of
/// the full problem is
///   S_l = (y_bs / L) I + y_pow,l K'_l + Σ_pq y_pq,l K̂_pq,l      (r×r),
/// (K'_l the budget-normalised IRS power coefficients, K̂_pq,l the scaled FIM coefficients of the model). The
/// restricted optimum makes Q_lᴴ S_l Q_l ⪰ 0; if S_l ⪰ −ζ I for every l, raising y_bs by L·ζ gives a dual
/// feasible point of the full problem, so the full optimum is at least the restricted one minus L·ζ. The loop
/// stops when L·ζ ≤ 10·tol·t* (t* the restricted optimum; tol the SDP tolerance) and otherwise adds the
/// eigenvectors of S_l with negative eigenvalues to Q_l. It ends at the latest when Q_l spans the data's
/// coordinates (the full SDP), and falls back to that full solve if a restricted solve fails.
struct ColumnGeneration {
    /// Q_l (r_l × k_l), orthonormal.
    q: Vec<Mat<c64>>,
    /// K̂_pq,l (scaled FIM coefficients, r_l × r_l) in the order of [`UPPER`].
    k_fim: Vec<Vec<Mat<c64>>>,
    /// K'_l = (P_t/P_s) K_pow,l (r_l × r_l), if the link has an IRS budget.
    k_pow: Vec<Option<Mat<c64>>>,
}

/// Cap on the subspace solves of one transmit step before the full solve.
const CG_MAX_ROUNDS: u32 = 8;

impl ColumnGeneration {
    fn new(
        data: &[TransmitIrsData],
        sc: &Scalings,
        p_t_w: f64,
        p_s_w: f64,
    ) -> Result<Self, StepError> {
        let mut q = Vec::with_capacity(data.len());
        let mut k_fim = Vec::with_capacity(data.len());
        let mut k_pow = Vec::with_capacity(data.len());
        for (l, d) in data.iter().enumerate() {
            let scaled = sc.per_irs[l].scaled(&d.fim, p_t_w);
            let ks: Vec<Mat<c64>> = UPPER
                .iter()
                .map(|&(p, q)| scaled.coefficient(p, q).to_owned())
                .collect();
            let refs: Vec<MatRef<'_, c64>> = ks.iter().map(|k| k.as_ref()).collect();
            let b = common_range(&refs, 1e-12)?;
            let kp = d
                .power
                .as_ref()
                .map(|pw| budget_normalised(pw, p_t_w, p_s_w));
            let start = match &kp {
                Some(kp) => {
                    let kb = kp * &b;
                    concat_columns(b.as_ref(), kb.as_ref())
                }
                None => b,
            };
            q.push(orthonormal_columns(start.as_ref())?);
            k_fim.push(ks);
            k_pow.push(kp);
        }
        Ok(ColumnGeneration { q, k_fim, k_pow })
    }

    fn run(
        mut self,
        data: &[TransmitIrsData],
        sc: &Scalings,
        p_t_w: f64,
        p_s_w: f64,
        opts: &crate::settings::SdpOptions,
        rec: &mut SdpSolve,
    ) -> Result<TransmitSolution, StepError> {
        let l_count = data.len() as f64;
        // `solve_sdp` overwrites the record's iterations and times: the subspace solves' are summed here. Its
        // `retried` flag only ever goes from false to true, so it is or-ed into `rec` directly.
        let mut iterations = 0;
        let mut solve_time_s = 0.0;
        let mut rounds = 0;
        let full = |rec: &mut SdpSolve, iterations: u32, solve_time_s: f64, rounds: u32| {
            let built = build_model(data, sc, p_t_w, p_s_w)?;
            let out = solve_sdp(&built.model, opts, rec);
            rec.iterations += iterations;
            rec.solve_time_s += solve_time_s;
            rec.rounds = rounds + 1;
            rec.hermitian_dims = data.iter().map(|d| d.v.ncols()).collect();
            let sol = out?;
            built.extract(&sol, data, sc, p_t_w, p_s_w, rec)
        };
        loop {
            if rounds >= CG_MAX_ROUNDS
                || self
                    .q
                    .iter()
                    .zip(data)
                    .all(|(q, d)| q.ncols() >= d.v.ncols())
            {
                return full(rec, iterations, solve_time_s, rounds);
            }
            rounds += 1;
            let model = StepError::model("column generation");
            let sub: Vec<TransmitIrsData> = data
                .iter()
                .zip(&self.q)
                .map(|(d, q)| {
                    Ok(TransmitIrsData {
                        v: &d.v * q,
                        fim: d.fim.restrict(q.as_ref()).map_err(&model)?,
                        power: d
                            .power
                            .as_ref()
                            .map(|p| p.restrict(q.as_ref()))
                            .transpose()
                            .map_err(&model)?,
                    })
                })
                .collect::<Result<_, StepError>>()?;
            let built = build_model(&sub, sc, p_t_w, p_s_w)?;
            let mut r = rec.clone();
            let solved = solve_sdp(&built.model, opts, &mut r);
            rec.retried |= r.retried;
            let sol = match solved {
                Ok(sol) => sol,
                Err(_) => {
                    // A failed subspace solve is not the step's outcome: the full SDP decides.
                    return full(
                        rec,
                        iterations + r.iterations,
                        solve_time_s + r.solve_time_s,
                        rounds,
                    );
                }
            };
            iterations += r.iterations;
            solve_time_s += r.solve_time_s;
            let dual = |id: ConstraintId| sol.dual(&built.model, id);
            let y_bs = dual(built.bs_power)?[0];
            let t_star = sol.objective;
            let threshold = 10.0 * opts.tol * t_star.abs();
            let mut zeta = 0.0_f64;
            let mut extra: Vec<Option<Mat<c64>>> = Vec::with_capacity(data.len());
            for (l, d) in data.iter().enumerate() {
                let r_l = d.v.ncols();
                let mut s =
                    Mat::<c64>::identity(r_l, r_l) * faer::Scale(c64::new(y_bs / l_count, 0.0));
                if let (Some(id), Some(kp)) = (built.irs_power[l], &self.k_pow[l]) {
                    let y = dual(id)?[0];
                    s += kp * faer::Scale(c64::new(y, 0.0));
                }
                for (id, k) in built.fim_rows[l].iter().zip(&self.k_fim[l]) {
                    let y = dual(*id)?[0];
                    s += k * faer::Scale(c64::new(y, 0.0));
                }
                let s = hermitize(s.as_ref());
                let evd = s
                    .self_adjoint_eigen(Side::Lower)
                    .map_err(|_| StepError::DualEigen)?;
                let ev = evd.S().column_vector();
                let neg: Vec<usize> = (0..r_l)
                    .filter(|&i| ev[i].re * l_count < -threshold)
                    .collect();
                if let Some(&i0) = neg.first() {
                    zeta = zeta.max(-ev[i0].re);
                }
                extra.push(if neg.is_empty() || self.q[l].ncols() >= r_l {
                    None
                } else {
                    let u = evd.U();
                    Some(Mat::from_fn(r_l, neg.len(), |i, j| u[(i, neg[j])]))
                });
            }
            if zeta * l_count <= threshold {
                rec.iterations += iterations;
                rec.solve_time_s += solve_time_s;
                rec.rounds = rounds;
                rec.hermitian_dims = self.q.iter().map(|q| q.ncols()).collect();
                return built.extract(&sol, &sub, sc, p_t_w, p_s_w, rec);
            }
            if extra.iter().all(Option::is_none) {
                // Nothing left to add (the links that need more are already full): the full SDP decides.
                return full(rec, iterations, solve_time_s, rounds);
            }
            for (q, e) in self.q.iter_mut().zip(extra) {
                if let Some(e) = e {
                    *q = orthonormal_columns(concat_columns(q.as_ref(), e.as_ref()).as_ref())?;
                }
            }
        }
    }
}

/// (P_t/P_s) K of an IRS power Re tr(K R) + c: its coefficients in the SDP variable Ẑ = R/P_t, row divided by P_s.
fn budget_normalised(pw: &AffinePower, p_t_w: f64, p_s_w: f64) -> Mat<c64> {
    let k = &pw.coefficient;
    Mat::from_fn(k.nrows(), k.ncols(), |i, j| k[(i, j)] * (p_t_w / p_s_w))
}

/// [A B] (same row count).
fn concat_columns(a: MatRef<'_, c64>, b: MatRef<'_, c64>) -> Mat<c64> {
    let k = a.ncols();
    Mat::from_fn(a.nrows(), k + b.ncols(), |i, j| {
        if j < k {
            a[(i, j)]
        } else {
            b[(i, j - k)]
        }
    })
}

/// An orthonormal basis of the column space of `x` (singular values below 1e-10·max dropped).
fn orthonormal_columns(x: MatRef<'_, c64>) -> Result<Mat<c64>, StepError> {
    let xh = x.adjoint().to_owned();
    row_space(xh.as_ref(), 1e-10)
}

/// (X + Xᴴ)/2.
pub(crate) fn hermitize(x: MatRef<'_, c64>) -> Mat<c64> {
    Mat::from_fn(x.nrows(), x.ncols(), |i, j| {
        (x[(i, j)] + x[(j, i)].conj()) * 0.5
    })
}

/// Scales the SDP's R_s,l down (never up) so that the BS budget and every IRS budget hold exactly for the
/// affine (= true) power functions: the solver meets its constraints only to its tolerance.
pub(crate) fn restore_transmit_feasibility(
    r_s: &mut [Mat<c64>],
    data: &[TransmitIrsData],
    p_t_w: f64,
    p_s_w: f64,
) -> Result<(), StepError> {
    for (r, d) in r_s.iter_mut().zip(data) {
        if let Some(pw) = &d.power {
            // Evaluate in full coordinates: Vᴴ R V = Z.
            let z = d.v.adjoint() * &*r * &d.v;
            let p = pw
                .eval(z.as_ref())
                .map_err(StepError::model("IRS power of the solution"))?;
            if p > p_s_w {
                let lin = p - pw.constant_w;
                let alpha = if lin > 0.0 {
                    ((p_s_w - pw.constant_w) / lin).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                *r *= faer::Scale(c64::new(alpha * (1.0 - 1e-12), 0.0));
            }
        }
    }
    let bs: f64 = r_s.iter().map(|r| trace_re(r.as_ref())).sum::<f64>() / r_s.len().max(1) as f64;
    if bs > p_t_w {
        let a = p_t_w / bs * (1.0 - 1e-12);
        for r in r_s.iter_mut() {
            *r *= faer::Scale(c64::new(a, 0.0));
        }
    }
    Ok(())
}

/// Re tr X.
pub(crate) fn trace_re(x: MatRef<'_, c64>) -> f64 {
    (0..x.nrows()).map(|i| x[(i, i)].re).sum()
}
