//! DoA estimators for (θ_l, φ_l) with β_l a nuisance: concentrated deterministic ML (both set-ups)
//! and single-source MUSIC (sensing at the IRS), each with a GLRT detection gate.

use crate::error::{check_finite_c, check_positive, EstimateError};
use crate::model::{LinkModel, Receiver};
use crate::search::{clean_simd_state, Axis, Grid, GridBasis, Layout, LogObjective, Refined, Term};
use faer::linalg::solvers::Solve;
use faer::{Mat, MatRef, Side};
use irs_array::Upa;
use num_complex::Complex64 as C64;
use serde::{Deserialize, Serialize};

/// Settings shared by the estimators.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DoaConfig {
    /// Coarse-grid density: grid step = 1 / (oversample · aperture) in direction cosines, the
    /// aperture being that of the whole objective (IRS and receive arrays together). Default 2.
    pub oversample: f64,
    /// Number of grid peaks refined by Newton; the best refined one wins. Default 3.
    pub candidates: usize,
    /// False-alarm probability of the detection gate (Bonferroni over the grid cells). Default 1e-3.
    pub p_fa: f64,
    /// Newton iteration cap. Default 50.
    pub max_newton_iter: usize,
    /// Newton stops when the step in (u, v) is below this. Default 1e-13.
    pub newton_tol: f64,
    /// An estimate whose Jacobian det ∂(u,v)/∂(θ,φ) = sin²θ sin φ is below this is flagged
    /// [`Edge::Near`]. Default 1e-3.
    pub edge_tol: f64,
}

impl Default for DoaConfig {
    fn default() -> Self {
        Self {
            oversample: 2.0,
            candidates: 3,
            p_fa: 1e-3,
            max_newton_iter: 50,
            newton_tol: 1e-13,
            edge_tol: 1e-3,
        }
    }
}

impl DoaConfig {
    fn validate(&self) -> Result<(), EstimateError> {
        check_positive("oversample", self.oversample)?;
        if !(self.p_fa > 0.0 && self.p_fa < 1.0) {
            return Err(EstimateError::InvalidValue {
                field: "p_fa",
                value: self.p_fa,
                reason: "must lie in (0, 1)",
            });
        }
        check_positive("newton_tol", self.newton_tol)?;
        check_positive("edge_tol", self.edge_tol)?;
        if self.candidates == 0 {
            return Err(EstimateError::InvalidValue {
                field: "candidates",
                value: 0.0,
                reason: "must be ≥ 1",
            });
        }
        Ok(())
    }
}

/// Where an estimate lies relative to the edge of the angle domain θ ∈ [0, π], φ ∈ [0, π]
/// (the front half-space of the IRS, i.e. the visible region u² + v² ≤ 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Edge {
    /// Well inside: the map (θ, φ) → (u, v) is well conditioned.
    Interior,
    /// Close to θ ∈ {0, π} or φ ∈ {0, π} (grazing the IRS plane or along its vertical axis):
    /// sin²θ sin φ below `edge_tol`; angle errors there are not bounded by the CRB.
    Near,
    /// The maximiser lies outside the visible region (u² + v² > 1); it was projected onto the edge.
    Outside,
}

/// A detected DoA.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DoaEstimate {
    /// θ̂ (rad, in [0, π]).
    pub theta_rad: f64,
    /// φ̂ (rad, in [0, π]).
    pub phi_rad: f64,
    /// û = cos θ̂.
    pub u: f64,
    /// v̂ = sin θ̂ cos φ̂.
    pub v: f64,
    /// β̂ (ML only; MUSIC reports the Bartlett amplitude estimate through the sensors).
    pub beta_re: f64,
    /// Imaginary part of β̂.
    pub beta_im: f64,
    /// Detection statistic (see [`DoaOutcome`]).
    pub statistic: f64,
    /// Detection threshold the statistic exceeded.
    pub threshold: f64,
    /// Edge status.
    pub edge: Edge,
    /// Newton iterations of the winning candidate.
    pub iterations: usize,
    /// Whether Newton met its tolerance.
    pub converged: bool,
}

/// The result of one DoA estimate: a detection, or a typed "no detection" when the echo is
/// indistinguishable from noise at the configured false-alarm probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum DoaOutcome {
    /// Statistic above threshold.
    Detected(DoaEstimate),
    /// Statistic below threshold; `best` is the (unreliable) maximiser, reported for diagnosis only.
    NoDetection {
        /// The statistic.
        statistic: f64,
        /// The threshold.
        threshold: f64,
        /// Where the maximum was (not an estimate).
        best: DoaEstimate,
    },
}

impl DoaOutcome {
    /// The estimate if detected.
    pub fn detected(&self) -> Option<&DoaEstimate> {
        match self {
            DoaOutcome::Detected(e) => Some(e),
            DoaOutcome::NoDetection { .. } => None,
        }
    }
    /// The maximiser whether or not it passed the gate.
    pub fn best(&self) -> &DoaEstimate {
        match self {
            DoaOutcome::Detected(e) => e,
            DoaOutcome::NoDetection { best, .. } => best,
        }
    }
}

fn to_mat_vec(m: MatRef<'_, C64>) -> Vec<C64> {
    let mut v = Vec::with_capacity(m.nrows() * m.ncols());
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            v.push(m[(i, j)]);
        }
    }
    v
}

/// Maps (u, v) to (θ, φ) ∈ [0, π]², projecting onto the visible region's edge when needed.
fn to_angles(u: f64, v: f64, projected: bool, edge_tol: f64) -> (f64, f64, f64, f64, Edge) {
    let r2 = u * u + v * v;
    let (mut u, mut v, mut edge) = (u, v, Edge::Interior);
    if projected {
        edge = Edge::Outside;
    }
    if r2 > 1.0 {
        let r = r2.sqrt();
        u /= r;
        v /= r;
        edge = Edge::Outside;
    }
    let u = u.clamp(-1.0, 1.0);
    let theta = u.acos();
    let w = (1.0 - u * u - v * v).max(0.0).sqrt(); // sin θ sin φ ≥ 0
    let phi = w.atan2(v);
    let jac = theta.sin().powi(2) * phi.sin();
    if edge == Edge::Interior && jac < edge_tol {
        edge = Edge::Near;
    }
    (theta, phi, u, v, edge)
}

/// Precomputed concentrated-ML estimator for one link and one known waveform.
///
/// Model (eqs. 10/33 with the noise the receiver knows): Y = β p qᵀ S + W, cols of W ~ CN(0, R),
/// p = GᵀΨa (BS) or ā (sensors), q = GᵀΨa. With R⁻¹ whitening and β concentrated out,
/// β̂ = n/(d₁d₂) and the ML angles maximise J = |n|²/(d₁ d₂), where
/// n = pᴴR⁻¹YSᴴq̄, d₁ = pᴴR⁻¹p, d₂ = qᵀ(SSᴴ)q̄ — all sesquilinear forms in the steering vectors.
/// Under H0 (pure noise) J at a fixed angle is Exp(1), so J is also the GLRT statistic; the
/// threshold ln(cells/p_fa) is a Bonferroni bound over the grid cells.
#[derive(Debug, Clone)]
pub struct MlDoaEstimator {
    w: Mat<C64>, // Mpᴴ R⁻¹, dim_x × n_rx
    v: Mat<C64>, // Sᴴ Gᴴ Ψ̄, T × N
    /// How K (dim_x × N) of the numerator folds onto its trigonometric polynomial.
    n_layout: Layout,
    /// The numerator's steering tables on the grid.
    n_basis: GridBasis,
    /// −½ ln d₁ and −½ ln d₂ (d₁ = pᴴ Mpᴴ R⁻¹ Mp p, d₂ = qᵀ Ψ G S Sᴴ Gᴴ Ψ̄ q̄): echo-independent.
    denominators: [Term; 2],
    /// The denominators' terms summed on the grid (−∞ outside the visible region).
    denominators_on_grid: Vec<f64>,
    n_rx: usize,
    t: usize,
    grid: Grid,
    threshold: f64,
    config: DoaConfig,
}

impl MlDoaEstimator {
    /// Precomputes everything that depends only on the link and the waveform `s` (M×T_L, √W).
    ///
    /// Errors: `s` not M×T with T ≥ 1 or non-finite; an invalid config; a noise covariance that
    /// is not positive definite.
    pub fn new(
        link: &LinkModel,
        s: MatRef<'_, C64>,
        config: &DoaConfig,
    ) -> Result<Self, EstimateError> {
        config.validate()?;
        let m = link.m();
        if s.nrows() != m || s.ncols() == 0 {
            return Err(EstimateError::DimensionMismatch {
                field: "s",
                expected: (m, s.ncols().max(1)),
                got: (s.nrows(), s.ncols()),
            });
        }
        check_finite_c(
            "s",
            (0..s.ncols()).flat_map(|j| (0..m).map(move |i| s[(i, j)])),
        )?;
        let r = link.known_noise_covariance();
        let llt = r.llt(Side::Lower).map_err(|_| EstimateError::NotPositive {
            field: "noise covariance",
            kind: "",
        })?;
        let gt_psi = link.gt_psi(); // M×N
        let (x_axis, mp) = match link.receiver() {
            Receiver::Bs { .. } => (Axis::new(link.irs(), false), gt_psi.clone()),
            Receiver::IrsSensors { sensors, .. } => {
                let nb = sensors.len();
                (
                    Axis::new(sensors, false),
                    Mat::from_fn(nb, nb, |i, j| {
                        if i == j {
                            C64::new(1.0, 0.0)
                        } else {
                            C64::new(0.0, 0.0)
                        }
                    }),
                )
            }
        };
        let rinv_mp = llt.solve(mp.as_ref()); // R⁻¹ Mp
        let w = rinv_mp.adjoint().to_owned(); // Mpᴴ R⁻¹ (R Hermitian)
        let d1m = &w * &mp;
        // conj(Mq) = conj(GᵀΨ) = Gᴴ Ψ̄ (M×N); V = Sᴴ Gᴴ Ψ̄ (T×N).
        let gh_psibar = gt_psi.conjugate().to_owned();
        let v = s.adjoint() * &gh_psibar;
        let d2m = v.adjoint() * &v;
        clean_simd_state();
        let z_conj_axis = Axis::new(link.irs(), true);
        let grid = Grid::new(
            x_axis.aperture_wl() + z_conj_axis.aperture_wl(),
            config.oversample,
        );
        let threshold = (grid.cells() as f64 / config.p_fa).ln();
        let n_layout = Layout::new(&x_axis, &z_conj_axis);
        let n_basis = n_layout.grid_basis(&grid);
        let d1_layout = Layout::new(&x_axis, &x_axis);
        let d2_layout = Layout::new(&z_conj_axis, &z_conj_axis);
        let denominators = [
            Term {
                poly: d1_layout.fold(&to_mat_vec(d1m.as_ref())),
                weight: -0.5,
            },
            Term {
                poly: d2_layout.fold(&to_mat_vec(d2m.as_ref())),
                weight: -0.5,
            },
        ];
        let mut denominators_on_grid = vec![0.0; grid.us.len() * grid.vs.len()];
        for (term, layout) in denominators.iter().zip([&d1_layout, &d2_layout]) {
            term.poly.add_log_on_grid(
                &grid,
                &layout.grid_basis(&grid),
                term.weight,
                &mut denominators_on_grid,
            );
        }
        Ok(Self {
            w,
            v,
            n_layout,
            n_basis,
            denominators,
            denominators_on_grid,
            n_rx: link.n_rx(),
            t: s.ncols(),
            grid,
            threshold,
            config: *config,
        })
    }

    /// Number of coarse-grid cells in the visible region.
    pub fn grid_cells(&self) -> usize {
        self.grid.cells()
    }

    /// The GLRT threshold ln(cells / p_fa) on J.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// ln J = ln|n|² − ½ ln d₁² − ½ ln d₂² as terms [n, d₁, d₂].
    fn objective(&self, y: MatRef<'_, C64>) -> LogObjective {
        // K = Mpᴴ R⁻¹ Y Sᴴ Gᴴ Ψ̄ = W (Y V): dim_x × N.
        let yv = y * &self.v;
        let k = &self.w * &yv;
        clean_simd_state();
        let [d1, d2] = self.denominators.clone();
        LogObjective {
            terms: vec![
                Term {
                    poly: self.n_layout.fold(&to_mat_vec(k.as_ref())),
                    weight: 1.0,
                },
                d1,
                d2,
            ],
        }
    }

    /// Estimates (θ, φ) from one echo `y` (n_rx × T_L, √W) of the waveform given to [`Self::new`].
    ///
    /// Errors: `y` of the wrong shape or with NaN/∞ entries.
    pub fn estimate(&self, y: MatRef<'_, C64>) -> Result<DoaOutcome, EstimateError> {
        if y.nrows() != self.n_rx || y.ncols() != self.t {
            return Err(EstimateError::DimensionMismatch {
                field: "y",
                expected: (self.n_rx, self.t),
                got: (y.nrows(), y.ncols()),
            });
        }
        check_finite_c(
            "y",
            (0..y.ncols()).flat_map(|j| (0..y.nrows()).map(move |i| y[(i, j)])),
        )?;
        let obj = self.objective(y);
        // The denominators' grid values are precomputed; only the numerator's are added.
        let mut values = self.denominators_on_grid.clone();
        obj.terms[0]
            .poly
            .add_log_on_grid(&self.grid, &self.n_basis, 1.0, &mut values);
        let best = search(&obj, &self.grid, &values, &self.config);
        let (theta, phi, u, v, edge) =
            to_angles(best.u, best.v, best.projected, self.config.edge_tol);
        // β̂ = n / (d1 d2) at the refined maximiser; J = |n|²/(d1 d2) = exp(objective).
        let f = &obj.terms;
        let n = f[0].poly.value(best.u, best.v);
        let d1 = f[1].poly.value(best.u, best.v).re;
        let d2 = f[2].poly.value(best.u, best.v).re;
        let beta = n / (d1 * d2);
        let stat = n.norm_sqr() / (d1 * d2);
        let est = DoaEstimate {
            theta_rad: theta,
            phi_rad: phi,
            u,
            v,
            beta_re: beta.re,
            beta_im: beta.im,
            statistic: stat,
            threshold: self.threshold,
            edge,
            iterations: best.iterations,
            converged: best.converged,
        };
        Ok(gate(est, stat, self.threshold))
    }
}

fn gate(est: DoaEstimate, stat: f64, threshold: f64) -> DoaOutcome {
    if stat.is_finite() && stat > threshold {
        DoaOutcome::Detected(est)
    } else {
        DoaOutcome::NoDetection {
            statistic: stat,
            threshold,
            best: est,
        }
    }
}

/// Peak picking on the grid values `values` of `obj`, Newton refinement of the best `candidates`
/// peaks.
fn search(obj: &LogObjective, grid: &Grid, values: &[f64], config: &DoaConfig) -> Refined {
    let peaks = obj.grid_peaks(grid, values, config.candidates);
    // Refine only peaks whose grid value is within 1.0 (natural-log units) of the best one. The
    // grid's worst-case sampling loss at oversample 2 is ≈ 0.5 (a peak half a step from a grid point
    // in u and v), so a peak further below cannot overtake the best after refinement; aliases of the
    // true peak have near-equal values and are always refined.
    let top = peaks.first().map_or(f64::NEG_INFINITY, |p| p.2);
    let mut best: Option<Refined> = None;
    for (u0, v0, g) in peaks {
        if g < top - 1.0 {
            continue;
        }
        let mut r = obj.refine(u0, v0, grid.step, config.newton_tol, config.max_newton_iter);
        // The parameter space is the visible disc. With spacings of λ/2 the objective is periodic
        // (period 1/d in u and v), so a peak just outside the disc can be an exact alias of the
        // true one: compare candidates by their value on the disc (projected onto its edge).
        let r2 = r.u * r.u + r.v * r.v;
        if r2 > 1.0 {
            let k = r2.sqrt();
            r.u /= k;
            r.v /= k;
            r.value = obj.value(r.u, r.v);
            r.projected = true;
        }
        if best.is_none_or(|b| r.value > b.value) {
            best = Some(r);
        }
    }
    // The grid always has interior points, so at least one peak exists; fall back to the centre
    // (only reachable if every value were NaN, which validated inputs exclude).
    best.unwrap_or(Refined {
        u: 0.0,
        v: 0.0,
        value: f64::NEG_INFINITY,
        iterations: 0,
        converged: false,
        projected: false,
    })
}

/// Single-source MUSIC at the IRS sensors (Section IV): the echo Ȳ = ā xᵀ + noise is rank one in
/// space with white sensor noise (the amplified z_{l,1} term also lies along ā), so the noise
/// subspace is orthogonal to ā(θ, φ). Maximises |e_sᴴ ā|² (≡ minimising ‖E_nᴴ ā‖², since ‖ā‖² = N̄),
/// e_s the principal eigenvector of ȲȲᴴ/T. Needs neither the waveform nor G_l, ψ_l.
///
/// Detection: the beam energy Σ_t|āᴴȳ_t|²/(N̄σ_s²) at the estimate, Gamma(T, 1) at a fixed angle
/// under H0; threshold from the Wilson–Hilferty approximation at p_fa / cells.
pub fn music(
    sensors: &Upa,
    sigma_s2_w: f64,
    y: MatRef<'_, C64>,
    config: &DoaConfig,
) -> Result<DoaOutcome, EstimateError> {
    config.validate()?;
    check_positive("sigma_s2_w", sigma_s2_w)?;
    let nb = sensors.len();
    if y.nrows() != nb || y.ncols() == 0 {
        return Err(EstimateError::DimensionMismatch {
            field: "y",
            expected: (nb, y.ncols().max(1)),
            got: (y.nrows(), y.ncols()),
        });
    }
    check_finite_c(
        "y",
        (0..y.ncols()).flat_map(|j| (0..nb).map(move |i| y[(i, j)])),
    )?;
    let t = y.ncols();
    let r = y * y.adjoint();
    let evd = r
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| EstimateError::Numerical {
            what: "eigendecomposition of the sample covariance",
        })?;
    clean_simd_state();
    let u = evd.U();
    let es: Vec<C64> = (0..nb).map(|i| u[(i, nb - 1)]).collect();
    // |āᴴ e_s e_sᴴ ā| = |āᴴ e_s|²: the rank-one projector's form is the linear form āᴴ e_s squared.
    let axis = Axis::new(sensors, false);
    let layout = Layout::new(&axis, &Axis::unit());
    let obj = LogObjective {
        terms: vec![Term {
            poly: layout.fold(&es),
            weight: 1.0,
        }],
    };
    let grid = Grid::new(axis.aperture_wl(), config.oversample);
    let values = obj.on_grid(&grid, &[&layout.grid_basis(&grid)]);
    let best = search(&obj, &grid, &values, config);
    let (theta, phi, uu, vv, edge) = to_angles(best.u, best.v, best.projected, config.edge_tol);
    let a = sensors.steering(theta, phi);
    let mut energy = 0.0;
    let mut amp = C64::new(0.0, 0.0);
    for j in 0..t {
        let s: C64 = (0..nb).map(|i| a[i].conj() * y[(i, j)]).sum();
        energy += s.norm_sqr();
        amp += s;
    }
    let stat = energy / (nb as f64 * sigma_s2_w);
    let threshold = gamma_upper_quantile(t as f64, config.p_fa / grid.cells() as f64);
    let amp = amp / (nb as f64 * t as f64);
    let est = DoaEstimate {
        theta_rad: theta,
        phi_rad: phi,
        u: uu,
        v: vv,
        beta_re: amp.re,
        beta_im: amp.im,
        statistic: stat,
        threshold,
        edge,
        iterations: best.iterations,
        converged: best.converged,
    };
    Ok(gate(est, stat, threshold))
}

/// Upper quantile of Gamma(k, 1) at tail probability p (Wilson–Hilferty cube-root normal approximation).
fn gamma_upper_quantile(k: f64, p: f64) -> f64 {
    let z = normal_upper_quantile(p);
    let c = 1.0 / (9.0 * k);
    k * (1.0 - c + z * c.sqrt()).powi(3)
}

/// Upper quantile of N(0, 1) (Acklam's rational approximation, relative error < 1.2e-9).
pub(crate) fn normal_upper_quantile(p: f64) -> f64 {
    -normal_quantile(p)
}

fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// The noise-free ML cost J(θ, φ) = |n|²/(d₁d₂) at given angles — exposed for tests and plots.
pub fn ml_cost(
    est: &MlDoaEstimator,
    y: MatRef<'_, C64>,
    theta_rad: f64,
    phi_rad: f64,
) -> Result<f64, EstimateError> {
    if y.nrows() != est.n_rx || y.ncols() != est.t {
        return Err(EstimateError::DimensionMismatch {
            field: "y",
            expected: (est.n_rx, est.t),
            got: (y.nrows(), y.ncols()),
        });
    }
    let obj = est.objective(y);
    let (u, v) = (theta_rad.cos(), theta_rad.sin() * phi_rad.cos());
    Ok(obj.value(u, v).exp())
}
