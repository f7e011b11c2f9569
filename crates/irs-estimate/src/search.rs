//! Log-objectives built from sesquilinear forms of UPA steering vectors, a coarse (u, v) grid search
//! and Newton refinement.
//!
//! All angle searches run in direction cosines u = cos θ, v = sin θ cos φ, where the UPA phase of
//! element n = i_v n_h + i_h is linear: 2π(d_v i_v u + d_h i_h v) (eqs. 2–4, 28–30). The objective
//! is invariant under this re-parametrisation, so its maximiser maps to the (θ, φ) maximiser; Newton
//! steps stay well defined at the edge of the visible region u² + v² ≤ 1 where ∂(u, v)/∂(θ, φ) is
//! singular. Each steering vector factors as a_v(u) ⊗ a_h(v), so a form αᴴKβ on the grid costs
//! O(dim α · dim β) per v-column plus O(n_v,α n_v,β) per point.

use irs_array::Upa;
use num_complex::Complex64 as C64;
use std::f64::consts::TAU;

/// A UPA's steering vector as a function of (u, v), optionally conjugated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    n_v: usize,
    n_h: usize,
    kv: f64,
    kh: f64,
}

impl Axis {
    /// Steering of `upa`; `conj` gives its complex conjugate (phase coefficients negated).
    pub(crate) fn new(upa: &Upa, conj: bool) -> Self {
        let s = if conj { -1.0 } else { 1.0 };
        Self {
            n_v: upa.n_v(),
            n_h: upa.n_h(),
            kv: s * TAU * upa.d_v_wl(),
            kh: s * TAU * upa.d_h_wl(),
        }
    }
    pub(crate) fn len(&self) -> usize {
        self.n_v * self.n_h
    }
    /// Largest aperture in wavelengths, (n−1)·d over both axes (at least one spacing).
    pub(crate) fn aperture_wl(&self) -> f64 {
        let av = (self.n_v.max(2) - 1) as f64 * self.kv.abs() / TAU;
        let ah = (self.n_h.max(2) - 1) as f64 * self.kh.abs() / TAU;
        av.max(ah)
    }
    fn vert(&self, u: f64, out: &mut Vec<C64>) {
        out.clear();
        out.extend((0..self.n_v).map(|i| C64::cis(self.kv * i as f64 * u)));
    }
    fn horiz(&self, v: f64, out: &mut Vec<C64>) {
        out.clear();
        out.extend((0..self.n_h).map(|i| C64::cis(self.kh * i as f64 * v)));
    }
    /// The vector alone.
    fn steering(&self, u: f64, v: f64) -> Vec<C64> {
        let mut out = Vec::with_capacity(self.len());
        for i_v in 0..self.n_v {
            for i_h in 0..self.n_h {
                out.push(C64::cis(
                    self.kv * i_v as f64 * u + self.kh * i_h as f64 * v,
                ));
            }
        }
        out
    }
    /// The vector and its (u, v) derivatives: [x, x_u, x_v, x_uu, x_uv, x_vv].
    fn with_derivatives(&self, u: f64, v: f64) -> [Vec<C64>; 6] {
        let n = self.len();
        let mut d: [Vec<C64>; 6] = Default::default();
        for e in d.iter_mut() {
            e.reserve_exact(n);
        }
        for i_v in 0..self.n_v {
            for i_h in 0..self.n_h {
                let cu = self.kv * i_v as f64;
                let cv = self.kh * i_h as f64;
                let x = C64::cis(cu * u + cv * v);
                let j = C64::new(0.0, 1.0);
                d[0].push(x);
                d[1].push(j * cu * x);
                d[2].push(j * cv * x);
                d[3].push(-cu * cu * x);
                d[4].push(-cu * cv * x);
                d[5].push(-cv * cv * x);
            }
        }
        d
    }
}

/// One term w·ln|αᴴ K β|² of a log-objective. `k` is column-major, rows = dim α, cols = dim β.
#[derive(Debug, Clone)]
pub(crate) struct Form {
    pub alpha: Axis,
    pub beta: Axis,
    pub k: Vec<C64>,
    pub weight: f64,
}

impl Form {
    /// αᴴ K β at (u, v).
    pub(crate) fn value(&self, u: f64, v: f64) -> C64 {
        self.value_at(u, v)
    }
    fn value_at(&self, u: f64, v: f64) -> C64 {
        let a = self.alpha.steering(u, v);
        let b = self.beta.steering(u, v);
        bilinear(&a, &self.k, &b)
    }
}

/// αᴴ K β with K column-major (dim α × dim β).
fn bilinear(a: &[C64], k: &[C64], b: &[C64]) -> C64 {
    let ra = a.len();
    let mut acc = C64::new(0.0, 0.0);
    for (j, bj) in b.iter().enumerate() {
        let col = &k[j * ra..(j + 1) * ra];
        let mut s = C64::new(0.0, 0.0);
        for (ai, kij) in a.iter().zip(col) {
            s += ai.conj() * kij;
        }
        acc += s * bj;
    }
    acc
}

/// A sum of weighted log-magnitudes of forms, maximised over (u, v).
#[derive(Debug, Clone)]
pub(crate) struct LogObjective {
    pub forms: Vec<Form>,
}

/// A coarse grid of the visible region u² + v² ≤ 1.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    pub us: Vec<f64>,
    pub vs: Vec<f64>,
    pub step: f64,
}

impl Grid {
    /// Step 1 / (oversample · aperture) in direction cosines; endpoints ±1 included.
    pub(crate) fn new(aperture_wl: f64, oversample: f64) -> Self {
        let step_target = 1.0 / (oversample * aperture_wl.max(0.5));
        let n = ((2.0 / step_target).ceil() as usize).max(2) + 1;
        let step = 2.0 / (n - 1) as f64;
        let us: Vec<f64> = (0..n).map(|i| -1.0 + step * i as f64).collect();
        Self {
            vs: us.clone(),
            us,
            step,
        }
    }
    pub(crate) fn inside(&self, iu: usize, iv: usize) -> bool {
        let (u, v) = (self.us[iu], self.vs[iv]);
        u * u + v * v <= 1.0 + 1e-12
    }
    /// Number of grid points in the visible region.
    pub(crate) fn cells(&self) -> usize {
        let mut c = 0;
        for iu in 0..self.us.len() {
            for iv in 0..self.vs.len() {
                if self.inside(iu, iv) {
                    c += 1;
                }
            }
        }
        c
    }
}

/// Newton refinement result in direction cosines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Refined {
    pub u: f64,
    pub v: f64,
    pub value: f64,
    pub iterations: usize,
    pub converged: bool,
    /// The unconstrained maximiser lay outside the visible disc and was projected onto its edge.
    pub projected: bool,
}

impl LogObjective {
    pub(crate) fn value(&self, u: f64, v: f64) -> f64 {
        self.forms
            .iter()
            .map(|f| f.weight * f.value_at(u, v).norm_sqr().ln())
            .sum()
    }

    /// Value, gradient and Hessian in (u, v). For a term w·ln|f|²:
    /// ∂_k = 2w·Re(f_k/f), ∂_kl = 2w·Re(f_kl/f − f_k f_l/f²).
    pub(crate) fn value_grad_hess(&self, u: f64, v: f64) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let mut val = 0.0;
        let mut g = [0.0; 2];
        let mut h = [[0.0; 2]; 2];
        for form in &self.forms {
            let a = form.alpha.with_derivatives(u, v);
            let b = form.beta.with_derivatives(u, v);
            let k = &form.k;
            // f and derivatives by the product rule over α and β.
            let f = bilinear(&a[0], k, &b[0]);
            let fu = bilinear(&a[1], k, &b[0]) + bilinear(&a[0], k, &b[1]);
            let fv = bilinear(&a[2], k, &b[0]) + bilinear(&a[0], k, &b[2]);
            let fuu = bilinear(&a[3], k, &b[0])
                + 2.0 * bilinear(&a[1], k, &b[1])
                + bilinear(&a[0], k, &b[3]);
            let fuv = bilinear(&a[4], k, &b[0])
                + bilinear(&a[1], k, &b[2])
                + bilinear(&a[2], k, &b[1])
                + bilinear(&a[0], k, &b[4]);
            let fvv = bilinear(&a[5], k, &b[0])
                + 2.0 * bilinear(&a[2], k, &b[2])
                + bilinear(&a[0], k, &b[5]);
            let w = form.weight;
            val += w * f.norm_sqr().ln();
            let (ru, rv) = (fu / f, fv / f);
            g[0] += 2.0 * w * ru.re;
            g[1] += 2.0 * w * rv.re;
            h[0][0] += 2.0 * w * (fuu / f - ru * ru).re;
            h[0][1] += 2.0 * w * (fuv / f - ru * rv).re;
            h[1][1] += 2.0 * w * (fvv / f - rv * rv).re;
        }
        h[1][0] = h[0][1];
        (val, g, h)
    }

    /// The objective on every grid point (row-major [iu][iv]); points outside the visible region
    /// get −∞. Uses the Kronecker factorisation of each steering vector.
    pub(crate) fn on_grid(&self, grid: &Grid) -> Vec<f64> {
        let (nu, nv) = (grid.us.len(), grid.vs.len());
        let mut out = vec![0.0; nu * nv];
        let mut ah = Vec::new();
        let mut bh = Vec::new();
        let mut inner = Vec::new();
        let mut kb = Vec::new();
        for form in &self.forms {
            let (al, be) = (&form.alpha, &form.beta);
            let ra = al.len();
            // Vertical factors for every u, computed once per form.
            let mut av_all = Vec::with_capacity(nu);
            let mut bv_all = Vec::with_capacity(nu);
            let mut tmp = Vec::new();
            for &u in &grid.us {
                al.vert(u, &mut tmp);
                av_all.push(tmp.clone());
                be.vert(u, &mut tmp);
                bv_all.push(tmp.clone());
            }
            for (iv, &v) in grid.vs.iter().enumerate() {
                al.horiz(v, &mut ah);
                be.horiz(v, &mut bh);
                // kb[r][kb_v] = Σ_b K[r, kb_v·n_hβ + b] β_h[b]   (dim α × n_vβ, row-major)
                kb.clear();
                kb.resize(ra * be.n_v, C64::new(0.0, 0.0));
                for kv in 0..be.n_v {
                    for (b, bhb) in bh.iter().enumerate() {
                        let col = &form.k[(kv * be.n_h + b) * ra..(kv * be.n_h + b + 1) * ra];
                        for (r, kr) in col.iter().enumerate() {
                            kb[r * be.n_v + kv] += kr * bhb;
                        }
                    }
                }
                // inner[i][kv] = Σ_a conj(α_h[a]) kb[i·n_hα + a][kv]
                inner.clear();
                inner.resize(al.n_v * be.n_v, C64::new(0.0, 0.0));
                for i in 0..al.n_v {
                    for (a, aha) in ah.iter().enumerate() {
                        let r = i * al.n_h + a;
                        let c = aha.conj();
                        for kv in 0..be.n_v {
                            inner[i * be.n_v + kv] += c * kb[r * be.n_v + kv];
                        }
                    }
                }
                for iu in 0..nu {
                    if !grid.inside(iu, iv) {
                        out[iu * nv + iv] = f64::NEG_INFINITY;
                        continue;
                    }
                    let (av, bv) = (&av_all[iu], &bv_all[iu]);
                    let mut f = C64::new(0.0, 0.0);
                    for (i, avi) in av.iter().enumerate() {
                        let mut s = C64::new(0.0, 0.0);
                        for (kv, bvk) in bv.iter().enumerate() {
                            s += inner[i * be.n_v + kv] * bvk;
                        }
                        f += avi.conj() * s;
                    }
                    out[iu * nv + iv] += form.weight * f.norm_sqr().ln();
                }
            }
        }
        out
    }

    /// Grid points that are local maxima (8-neighbourhood within the visible region), best first,
    /// as (u, v, value).
    pub(crate) fn grid_peaks(
        &self,
        grid: &Grid,
        values: &[f64],
        max_peaks: usize,
    ) -> Vec<(f64, f64, f64)> {
        let (nu, nv) = (grid.us.len(), grid.vs.len());
        let mut peaks: Vec<(f64, usize, usize)> = Vec::new();
        for iu in 0..nu {
            for iv in 0..nv {
                let x = values[iu * nv + iv];
                if !x.is_finite() {
                    continue;
                }
                let mut is_peak = true;
                'nb: for du in -1i64..=1 {
                    for dv in -1i64..=1 {
                        if du == 0 && dv == 0 {
                            continue;
                        }
                        let (ju, jv) = (iu as i64 + du, iv as i64 + dv);
                        if ju < 0 || jv < 0 || ju >= nu as i64 || jv >= nv as i64 {
                            continue;
                        }
                        if values[ju as usize * nv + jv as usize] > x {
                            is_peak = false;
                            break 'nb;
                        }
                    }
                }
                if is_peak {
                    peaks.push((x, iu, iv));
                }
            }
        }
        peaks.sort_by(|a, b| b.0.total_cmp(&a.0));
        peaks.truncate(max_peaks.max(1));
        peaks
            .into_iter()
            .map(|(x, iu, iv)| (grid.us[iu], grid.vs[iv], x))
            .collect()
    }

    /// Damped Newton ascent from (u0, v0): Newton step when the Hessian is negative definite,
    /// otherwise a Levenberg-shifted step; each step capped at `max_step` and halved until the
    /// objective does not decrease. Stops when the step falls below `tol`.
    pub(crate) fn refine(
        &self,
        u0: f64,
        v0: f64,
        max_step: f64,
        tol: f64,
        max_iter: usize,
    ) -> Refined {
        let (mut u, mut v) = (u0, v0);
        let mut value = self.value(u, v);
        let mut converged = false;
        let mut it = 0;
        while it < max_iter {
            it += 1;
            let (f, g, h) = self.value_grad_hess(u, v);
            value = f;
            // Shift so that H − μI ≺ 0 (largest eigenvalue of the symmetric 2×2 below zero).
            let tr = h[0][0] + h[1][1];
            let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
            let disc = (0.25 * tr * tr - det).max(0.0).sqrt();
            let lmax = 0.5 * tr + disc;
            let scale = h[0][0].abs().max(h[1][1].abs()).max(1e-300);
            let mu = if lmax < -1e-12 * scale {
                0.0
            } else {
                lmax + 1e-3 * scale
            };
            let (a, b, d) = (h[0][0] - mu, h[0][1], h[1][1] - mu);
            let dt = a * d - b * b;
            // δ = −(H − μI)⁻¹ g
            let mut du = -(d * g[0] - b * g[1]) / dt;
            let mut dv = -(-b * g[0] + a * g[1]) / dt;
            if !du.is_finite() || !dv.is_finite() {
                break;
            }
            // Converged: a Newton step below tolerance is not worth a line search (whose
            // comparisons are at round-off level there).
            if mu == 0.0 && (du * du + dv * dv).sqrt() < tol {
                u += du;
                v += dv;
                value = self.value(u, v);
                converged = true;
                break;
            }
            let len = (du * du + dv * dv).sqrt();
            if len > max_step {
                du *= max_step / len;
                dv *= max_step / len;
            }
            let mut accepted = false;
            for _ in 0..20 {
                let trial = self.value(u + du, v + dv);
                if trial >= f - 1e-14 * f.abs().max(1.0) {
                    u += du;
                    v += dv;
                    value = trial;
                    accepted = true;
                    break;
                }
                du *= 0.5;
                dv *= 0.5;
            }
            let step = (du * du + dv * dv).sqrt();
            if !accepted || step < tol {
                converged = step < tol || !accepted;
                break;
            }
        }
        Refined {
            u,
            v,
            value,
            iterations: it,
            converged,
            projected: false,
        }
    }
}
