//! Log-objectives built from sesquilinear forms of UPA steering vectors, a coarse (u, v) grid search
//! and Newton refinement.
//!
//! All angle searches run in direction cosines u = cos θ, v = sin θ cos φ, where the UPA phase of
//! element n = i_v n_h + i_h is linear: 2π(d_v i_v u + d_h i_h v) (eqs. 2–4, 28–30). The objective
//! is invariant under this re-parametrisation, so its maximiser maps to the (θ, φ) maximiser; Newton
//! steps stay well defined at the edge of the visible region u² + v² ≤ 1 where ∂(u, v)/∂(θ, φ) is
//! singular.
//!
//! A form αᴴKβ is a separable 2-D trigonometric polynomial in (u, v): its (r, c) term has phase
//! (k_β,v j_v − k_α,v i_v) u + (k_β,h j_h − k_α,h i_h) v. [`Layout`] collects the distinct u- and
//! v-frequencies once per pair of axes (with equal spacings, e.g. an IRS with itself, the
//! (2n_v − 1)(2n_h − 1) co-array lags instead of (n_v n_h)² terms) and folds K onto them
//! ([`Trig2`]); the value and its (u, v) derivatives then cost O(P·Q) after P + Q complex
//! exponentials, and a grid is a product of small matrices with per-grid steering tables
//! ([`GridBasis`]) that are computed once.

use irs_array::Upa;
use num_complex::Complex64 as C64;
use std::f64::consts::TAU;

const ZERO: C64 = C64::new(0.0, 0.0);

/// Leaves the upper halves of the AVX registers clean (`vzeroupper`) when the CPU has AVX.
///
/// faer's AVX-512 matrix-product kernels return with them dirty; this crate's scalar code is built
/// for baseline x86-64 (SSE encodings), and every SSE instruction that follows then pays the
/// AVX–SSE transition penalty: on the 2-core Xeon of this workspace the grid tables and Newton steps
/// ran 20–40× slower after one faer product until the next `vzeroupper`. Call after faer products
/// and before the scalar loops.
pub(crate) fn clean_simd_state() {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx) = faer::traits::pulp::core_arch::x86::Avx::try_new() {
        avx._mm256_zeroupper();
    }
}

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
    /// The constant 1 (a single element with no phase): αᴴ K with K a column vector is the form
    /// αᴴ K β with β this axis.
    pub(crate) fn unit() -> Self {
        Self {
            n_v: 1,
            n_h: 1,
            kv: 0.0,
            kh: 0.0,
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
}

/// The distinct frequencies along one direction (u or v) of a form αᴴKβ and, for every pair
/// (index of α, index of β) along it, which of them the pair's term has.
#[derive(Debug, Clone)]
struct Frequencies {
    /// Distinct frequencies, ascending.
    w: Vec<f64>,
    /// `index[i_α · n_β + j_β]` → position in `w` of k_β j_β − k_α i_α.
    index: Vec<usize>,
}

impl Frequencies {
    fn new(k_alpha: f64, n_alpha: usize, k_beta: f64, n_beta: usize) -> Self {
        let raw: Vec<f64> = (0..n_alpha)
            .flat_map(|i| (0..n_beta).map(move |j| k_beta * j as f64 - k_alpha * i as f64))
            .collect();
        // Frequencies equal up to round-off (k j − k i against k (j − i)) are one co-array lag.
        let tol = 1e-12 * raw.iter().fold(1.0_f64, |m, w| m.max(w.abs()));
        let mut order: Vec<usize> = (0..raw.len()).collect();
        order.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]));
        let mut w: Vec<f64> = Vec::new();
        let mut index = vec![0; raw.len()];
        for i in order {
            if w.last().is_none_or(|&last| raw[i] - last > tol) {
                w.push(raw[i]);
            }
            index[i] = w.len() - 1;
        }
        Self { w, index }
    }
}

/// The common difference Δ when `w` (ascending) is an arithmetic progression w_p = w_0 + pΔ up to
/// round-off (always so for co-array lags of equally spaced arrays).
fn common_step(w: &[f64]) -> Option<f64> {
    let n = w.len();
    if n < 2 {
        return None;
    }
    let step = (w[n - 1] - w[0]) / (n - 1) as f64;
    let tol = 1e-12 * w.iter().fold(1.0_f64, |m, x| m.max(x.abs()));
    w.iter()
        .enumerate()
        .all(|(p, &x)| (x - (w[0] + p as f64 * step)).abs() <= tol)
        .then_some(step)
}

/// `out[p] = e^{i w_p x}`: by the recurrence e_{p+1} = e_p e^{iΔx} (two complex exponentials, a
/// relative error of about p ulp) when the frequencies are equally spaced by Δ = `step`, else one
/// complex exponential each.
fn phasors(w: &[f64], step: Option<f64>, x: f64, out: &mut [C64]) {
    match step {
        Some(d) => {
            let r = C64::cis(d * x);
            let mut e = C64::cis(w[0] * x);
            for o in out.iter_mut() {
                *o = e;
                e *= r;
            }
        }
        None => {
            for (o, &wi) in out.iter_mut().zip(w) {
                *o = C64::cis(wi * x);
            }
        }
    }
}

/// How the entries of K (column-major, dim α × dim β) of a form αᴴKβ fold onto the coefficients
/// of a [`Trig2`]. Depends only on the two axes: build once, fold many K.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    wu: Vec<f64>,
    wv: Vec<f64>,
    u_step: Option<f64>,
    v_step: Option<f64>,
    /// `target[c · dim α + r]` → index in the P×Q (row-major) coefficient array.
    target: Vec<usize>,
}

impl Layout {
    pub(crate) fn new(alpha: &Axis, beta: &Axis) -> Self {
        let fu = Frequencies::new(alpha.kv, alpha.n_v, beta.kv, beta.n_v);
        let fv = Frequencies::new(alpha.kh, alpha.n_h, beta.kh, beta.n_h);
        let q = fv.w.len();
        let mut target = Vec::with_capacity(alpha.len() * beta.len());
        for c in 0..beta.len() {
            let (jv, jh) = (c / beta.n_h, c % beta.n_h);
            for r in 0..alpha.len() {
                let (iv, ih) = (r / alpha.n_h, r % alpha.n_h);
                let p = fu.index[iv * beta.n_v + jv];
                let qi = fv.index[ih * beta.n_h + jh];
                target.push(p * q + qi);
            }
        }
        Self {
            u_step: common_step(&fu.w),
            v_step: common_step(&fv.w),
            wu: fu.w,
            wv: fv.w,
            target,
        }
    }

    /// αᴴKβ as a trigonometric polynomial; `k` column-major (dim α × dim β).
    pub(crate) fn fold(&self, k: &[C64]) -> Trig2 {
        assert_eq!(k.len(), self.target.len(), "K has the layout's shape");
        let mut c = vec![ZERO; self.wu.len() * self.wv.len()];
        for (kx, &t) in k.iter().zip(&self.target) {
            c[t] += kx;
        }
        Trig2 {
            wu: self.wu.clone(),
            wv: self.wv.clone(),
            u_step: self.u_step,
            v_step: self.v_step,
            c,
        }
    }

    /// The steering tables of this layout's frequencies on `grid`.
    pub(crate) fn grid_basis(&self, grid: &Grid) -> GridBasis {
        let table = |w: &[f64], step: Option<f64>, xs: &[f64]| -> Vec<C64> {
            let mut t = vec![ZERO; w.len() * xs.len()];
            for (row, &x) in t.chunks_exact_mut(w.len()).zip(xs) {
                phasors(w, step, x, row);
            }
            t
        };
        GridBasis {
            eu: table(&self.wu, self.u_step, &grid.us),
            ev: table(&self.wv, self.v_step, &grid.vs),
        }
    }
}

/// e^{i wu_p u} and e^{i wv_q v} on every grid coordinate (row-major: [iu][p], [iv][q]).
#[derive(Debug, Clone)]
pub(crate) struct GridBasis {
    eu: Vec<C64>,
    ev: Vec<C64>,
}

/// f(u, v) = Σ_p Σ_q e^{i wu_p u} c_pq e^{i wv_q v}; `c` row-major P × Q.
#[derive(Debug, Clone)]
pub(crate) struct Trig2 {
    wu: Vec<f64>,
    wv: Vec<f64>,
    /// Common differences of `wu` / `wv` when equally spaced (see [`phasors`]).
    u_step: Option<f64>,
    v_step: Option<f64>,
    c: Vec<C64>,
}

/// Runs `f` on a zeroed scratch slice of length `n` (on the stack when small).
fn with_scratch<R>(n: usize, f: impl FnOnce(&mut [C64]) -> R) -> R {
    const STACK: usize = 32;
    if n <= STACK {
        let mut buf = [ZERO; STACK];
        f(&mut buf[..n])
    } else {
        f(&mut vec![ZERO; n])
    }
}

impl Trig2 {
    /// f(u, v).
    pub(crate) fn value(&self, u: f64, v: f64) -> C64 {
        let (p, q) = (self.wu.len(), self.wv.len());
        with_scratch(p + q, |buf| {
            let (eu, ev) = buf.split_at_mut(p);
            phasors(&self.wu, self.u_step, u, eu);
            phasors(&self.wv, self.v_step, v, ev);
            let mut f = ZERO;
            for (row, e) in self.c.chunks_exact(q).zip(eu.iter()) {
                let mut s = ZERO;
                for (cq, eq) in row.iter().zip(ev.iter()) {
                    s += cq * eq;
                }
                f += e * s;
            }
            f
        })
    }

    /// [f, f_u, f_v, f_uu, f_uv, f_vv] at (u, v).
    pub(crate) fn with_derivatives(&self, u: f64, v: f64) -> [C64; 6] {
        let (p, q) = (self.wu.len(), self.wv.len());
        with_scratch(p + q, |buf| {
            let (eu, ev) = buf.split_at_mut(p);
            phasors(&self.wu, self.u_step, u, eu);
            phasors(&self.wv, self.v_step, v, ev);
            // Real-weighted sums; the factors i and −1 of the derivatives are applied at the end.
            let (mut f, mut fa, mut faa, mut g1, mut ga1, mut g2) =
                (ZERO, ZERO, ZERO, ZERO, ZERO, ZERO);
            for ((row, &a), &e) in self.c.chunks_exact(q).zip(&self.wu).zip(eu.iter()) {
                let (mut s0, mut s1, mut s2) = (ZERO, ZERO, ZERO);
                for ((cq, eq), &b) in row.iter().zip(ev.iter()).zip(&self.wv) {
                    let t = cq * eq;
                    s0 += t;
                    s1 += t * b;
                    s2 += t * (b * b);
                }
                let (e0, e1) = (e * s0, e * s1);
                f += e0;
                fa += e0 * a;
                faa += e0 * (a * a);
                g1 += e1;
                ga1 += e1 * a;
                g2 += e * s2;
            }
            let i = C64::new(0.0, 1.0);
            [f, i * fa, i * g1, -faa, -ga1, -g2]
        })
    }

    /// Adds `weight · ln|f|²` at every grid point inside the visible region to `out` (row-major
    /// [iu][iv]) and sets the points outside it to −∞. `basis` must be this polynomial's layout's.
    pub(crate) fn add_log_on_grid(
        &self,
        grid: &Grid,
        basis: &GridBasis,
        weight: f64,
        out: &mut [f64],
    ) {
        let (nu, nv) = (grid.us.len(), grid.vs.len());
        let (p, q) = (self.wu.len(), self.wv.len());
        assert!(basis.eu.len() == nu * p && basis.ev.len() == nv * q && out.len() == nu * nv);
        // T = C Evᵀ (P × nv, row-major), then f = Eu T.
        let mut t = vec![ZERO; p * nv];
        for (row_c, row_t) in self.c.chunks_exact(q).zip(t.chunks_exact_mut(nv)) {
            for (tv, ev) in row_t.iter_mut().zip(basis.ev.chunks_exact(q)) {
                let mut s = ZERO;
                for (cq, eq) in row_c.iter().zip(ev) {
                    s += cq * eq;
                }
                *tv = s;
            }
        }
        for (iu, eu) in basis.eu.chunks_exact(p).enumerate() {
            for iv in 0..nv {
                let o = &mut out[iu * nv + iv];
                if !grid.inside(iu, iv) {
                    *o = f64::NEG_INFINITY;
                    continue;
                }
                let mut f = ZERO;
                for (ep, row_t) in eu.iter().zip(t.chunks_exact(nv)) {
                    f += ep * row_t[iv];
                }
                *o += weight * f.norm_sqr().ln();
            }
        }
    }
}

/// One term w·ln|f|² of a log-objective.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    pub poly: Trig2,
    pub weight: f64,
}

/// A sum of weighted log-magnitudes of forms, maximised over (u, v).
#[derive(Debug, Clone)]
pub(crate) struct LogObjective {
    pub terms: Vec<Term>,
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
        self.terms
            .iter()
            .map(|t| t.weight * t.poly.value(u, v).norm_sqr().ln())
            .sum()
    }

    /// Value, gradient and Hessian in (u, v). For a term w·ln|f|²:
    /// ∂_k = 2w·Re(f_k/f), ∂_kl = 2w·Re(f_kl/f − f_k f_l/f²).
    pub(crate) fn value_grad_hess(&self, u: f64, v: f64) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let mut val = 0.0;
        let mut g = [0.0; 2];
        let mut h = [[0.0; 2]; 2];
        for term in &self.terms {
            let [f, fu, fv, fuu, fuv, fvv] = term.poly.with_derivatives(u, v);
            let w = term.weight;
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
    /// get −∞. `bases[i]` is the grid basis of term i's layout.
    pub(crate) fn on_grid(&self, grid: &Grid, bases: &[&GridBasis]) -> Vec<f64> {
        assert_eq!(bases.len(), self.terms.len());
        let mut out = vec![0.0; grid.us.len() * grid.vs.len()];
        for (term, basis) in self.terms.iter().zip(bases) {
            term.poly
                .add_log_on_grid(grid, basis, term.weight, &mut out);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The steering vector of `axis` and its (u, v) derivatives, element by element.
    fn steering_derivs(axis: &Axis, u: f64, v: f64) -> [Vec<C64>; 6] {
        let mut d: [Vec<C64>; 6] = Default::default();
        for i_v in 0..axis.n_v {
            for i_h in 0..axis.n_h {
                let (cu, cv) = (axis.kv * i_v as f64, axis.kh * i_h as f64);
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

    /// αᴴ K β with K column-major.
    fn bilinear(a: &[C64], k: &[C64], b: &[C64]) -> C64 {
        let mut acc = ZERO;
        for (j, bj) in b.iter().enumerate() {
            for (i, ai) in a.iter().enumerate() {
                acc += ai.conj() * k[j * a.len() + i] * bj;
            }
        }
        acc
    }

    /// [f, f_u, f_v, f_uu, f_uv, f_vv] of αᴴKβ by the product rule.
    fn direct(alpha: &Axis, beta: &Axis, k: &[C64], u: f64, v: f64) -> [C64; 6] {
        let a = steering_derivs(alpha, u, v);
        let b = steering_derivs(beta, u, v);
        let f = |i: usize, j: usize| bilinear(&a[i], k, &b[j]);
        [
            f(0, 0),
            f(1, 0) + f(0, 1),
            f(2, 0) + f(0, 2),
            f(3, 0) + 2.0 * f(1, 1) + f(0, 3),
            f(4, 0) + f(1, 2) + f(2, 1) + f(0, 4),
            f(5, 0) + 2.0 * f(2, 2) + f(0, 5),
        ]
    }

    fn pseudo_random_k(n: usize, seed: u64) -> Vec<C64> {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        (0..n).map(|_| C64::new(next(), next())).collect()
    }

    fn axes() -> Vec<(Axis, Axis)> {
        let irs = Upa::half_wavelength(4, 4).unwrap();
        let odd = Upa::new(3, 5, 0.4, 0.7).unwrap();
        let (a, ac) = (Axis::new(&irs, false), Axis::new(&irs, true));
        let (o, oc) = (Axis::new(&odd, false), Axis::new(&odd, true));
        vec![
            (a, ac),
            (a, a),
            (ac, ac),
            (o, ac),
            (oc, a),
            (o, o),
            (a, Axis::unit()),
        ]
    }

    #[test]
    fn folded_polynomial_equals_the_form_and_its_derivatives() {
        for (case, (alpha, beta)) in axes().into_iter().enumerate() {
            let layout = Layout::new(&alpha, &beta);
            let k = pseudo_random_k(alpha.len() * beta.len(), case as u64);
            let poly = layout.fold(&k);
            let scale: f64 = k.iter().map(|x| x.norm()).sum();
            for &(u, v) in &[
                (0.3, -0.2),
                (-0.9, 0.1),
                (0.0, 0.0),
                (0.55, 0.8),
                (1.2, -1.4),
            ] {
                let want = direct(&alpha, &beta, &k, u, v);
                let got = poly.with_derivatives(u, v);
                // Each derivative scales with (phase coefficient)² ≤ (2π · 6)².
                for (d, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        (g - w).norm() <= 1e-12 * scale * 1500.0,
                        "case {case} derivative {d} at ({u}, {v}): {g} vs {w}"
                    );
                }
                assert!((poly.value(u, v) - want[0]).norm() <= 1e-12 * scale);
            }
        }
    }

    #[test]
    fn equal_spacings_fold_onto_co_array_lags() {
        let irs = Upa::half_wavelength(4, 4).unwrap();
        let a = Axis::new(&irs, false);
        let layout = Layout::new(&a, &a);
        assert_eq!((layout.wu.len(), layout.wv.len()), (7, 7));
        let layout = Layout::new(&a, &Axis::new(&irs, true));
        assert_eq!((layout.wu.len(), layout.wv.len()), (7, 7));
        let odd = Upa::new(3, 5, 0.4, 0.7).unwrap();
        let layout = Layout::new(&Axis::new(&odd, false), &a);
        assert_eq!((layout.wu.len(), layout.wv.len()), (12, 20));
    }

    #[test]
    fn grid_values_equal_pointwise_values() {
        for (case, (alpha, beta)) in axes().into_iter().enumerate() {
            let layout = Layout::new(&alpha, &beta);
            let k = pseudo_random_k(alpha.len() * beta.len(), 100 + case as u64);
            let poly = layout.fold(&k);
            let grid = Grid::new(alpha.aperture_wl() + beta.aperture_wl(), 2.0);
            let mut out = vec![1.0; grid.us.len() * grid.vs.len()];
            poly.add_log_on_grid(&grid, &layout.grid_basis(&grid), -0.5, &mut out);
            for (iu, &u) in grid.us.iter().enumerate() {
                for (iv, &v) in grid.vs.iter().enumerate() {
                    let got = out[iu * grid.vs.len() + iv];
                    if grid.inside(iu, iv) {
                        let want = 1.0 - 0.5 * poly.value(u, v).norm_sqr().ln();
                        assert!((got - want).abs() < 1e-10, "case {case} ({u}, {v})");
                    } else {
                        assert_eq!(got, f64::NEG_INFINITY);
                    }
                }
            }
        }
    }
}
