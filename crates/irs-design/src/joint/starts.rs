//! Starting points of the joint method: the matched-filter heuristic and seeded random points, each made
//! feasible under the true constraints before the local solve.

use faer::{c64, Mat};
use irs_fim::SensingModel;

use crate::randomization::scale_to_feasible;
use crate::reflect::true_power;
use crate::rng::{complex_normal, random_phase, stream, Purpose};
use crate::settings::Budgets;

/// The matched-filter start of one link (per-slot power P_t, amplitude a_max):
/// - ψ_n = a_max·e^{−j arg(a_n (G v₁)_n)} with v₁ the dominant right singular vector of G, so the IRS
///   adds the BS's strongest beam coherently towards the target: u = Gᵀ(ψ∘a) has the largest
///   |u·v₁| over |ψ_n| = a_max;
/// - V = √P_t·[ū, ū_θ, ū_φ] orthonormalised with power shares 0.9/0.05/0.05: the echo's mean is
///   β u uᵀ s (BS) or β ā uᵀ s (IRS sensors), so s ∝ ū maximises its energy, and the derivative
///   directions u_θ, u_φ (∂u/∂θ, ∂u/∂φ) carry the angle information.
///
/// Returns (V M×r, ψ) before the feasibility scaling of [`feasible`].
pub fn matched_filter_start<S: SensingModel>(
    link: &S,
    r: usize,
    budgets: &Budgets,
) -> (Mat<c64>, Vec<c64>) {
    let p = link.link();
    let g = p.g();
    let (n, m) = (g.nrows(), g.ncols());
    // Dominant right singular vector by power iteration on GᴴG from a fixed start (deterministic).
    let gh_g = g.adjoint() * g;
    let mut v1 = vec![c64::new(1.0, 0.0); m];
    for _ in 0..100 {
        let w: Vec<c64> = (0..m)
            .map(|i| (0..m).map(|j| gh_g[(i, j)] * v1[j]).sum())
            .collect();
        let norm = w.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
        if norm == 0.0 {
            break;
        }
        v1 = w.into_iter().map(|z| z / norm).collect();
    }
    let a = p.irs.steering(p.theta_rad, p.phi_rad);
    let z = p.irs.zeta(p.theta_rad, p.phi_rad);
    let psi: Vec<c64> = (0..n)
        .map(|i| {
            let gv: c64 = (0..m).map(|j| g[(i, j)] * v1[j]).sum();
            let c = a[i] * gv;
            if c.norm() > 0.0 {
                (c.conj() / c.norm()) * budgets.a_max
            } else {
                c64::new(budgets.a_max, 0.0)
            }
        })
        .collect();
    // u_k = Gᵀ(ψ ∘ ζ_k ∘ a), k = 0 (u), 1 (θ), 2 (φ).
    let u_of = |w: &dyn Fn(usize) -> c64| -> Vec<c64> {
        (0..m)
            .map(|j| (0..n).map(|i| g[(i, j)] * psi[i] * a[i] * w(i)).sum())
            .collect()
    };
    let dirs = [
        u_of(&|_| c64::new(1.0, 0.0)),
        u_of(&|i| z.theta[i]),
        u_of(&|i| z.phi[i]),
    ];
    // Gram–Schmidt on the conjugates ū, ū_θ, ū_φ (then random-free completion with unit vectors).
    let mut basis: Vec<Vec<c64>> = Vec::new();
    let candidates = dirs
        .iter()
        .map(|d| d.iter().map(|z| z.conj()).collect::<Vec<_>>())
        .chain((0..m).map(|k| {
            (0..m)
                .map(|i| c64::new(if i == k { 1.0 } else { 0.0 }, 0.0))
                .collect()
        }));
    for mut c in candidates {
        if basis.len() == r {
            break;
        }
        for b in &basis {
            let proj: c64 = b.iter().zip(&c).map(|(x, y)| x.conj() * y).sum();
            for (ci, bi) in c.iter_mut().zip(b) {
                *ci -= bi * proj;
            }
        }
        let norm = c.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
        if norm > 1e-8 {
            basis.push(c.into_iter().map(|z| z / norm).collect());
        }
    }
    let shares = [0.9, 0.05, 0.05];
    let total: f64 = shares.iter().take(basis.len()).sum();
    let v = Mat::from_fn(m, r, |i, j| match basis.get(j) {
        Some(b) => b[i] * (budgets.p_t_w * shares[j.min(2)] / total).sqrt(),
        None => c64::new(0.0, 0.0),
    });
    (v, psi)
}

/// A seeded random start of one link: V with i.i.d. CN(0, 1) entries scaled to per-slot power P_t, ψ with
/// uniform phases and amplitudes uniform in [0.3, 1]·a_max. Stream (seed, `Purpose::JointStart`, start, IRS).
pub(crate) fn random_start(
    m: usize,
    n: usize,
    r: usize,
    budgets: &Budgets,
    seed: u64,
    start: usize,
    irs: usize,
) -> (Mat<c64>, Vec<c64>) {
    let mut rng = stream(seed, Purpose::JointStart, start as u64, irs as u64);
    let mut v = Mat::from_fn(m, r, |_, _| complex_normal(&mut rng));
    let norm2: f64 = (0..r)
        .flat_map(|j| (0..m).map(move |i| (i, j)))
        .map(|(i, j)| v[(i, j)].norm_sqr())
        .sum();
    let s = (budgets.p_t_w / norm2).sqrt();
    v *= faer::Scale(c64::new(s, 0.0));
    let psi = (0..n)
        .map(|_| {
            // arg of a uniform phase / 2π + 1/2 is uniform on [0, 1).
            let u = random_phase(&mut rng).arg() / std::f64::consts::TAU + 0.5;
            let amp = 0.3 + 0.7 * u;
            random_phase(&mut rng) * (amp * budgets.a_max)
        })
        .collect();
    (v, psi)
}

/// Makes (V, ψ) feasible for the IRS power budget: shrinks V (the power is affine in R_s = V Vᴴ for fixed ψ,
/// so the largest feasible scale is exact), or ψ when even V = 0 exceeds the budget. `None` when ψ = 0 is
/// needed (the budget is below the amplifier-noise floor).
pub(crate) fn feasible<S: SensingModel>(
    link: &S,
    v: Mat<c64>,
    psi: Vec<c64>,
    p_s_w: f64,
) -> Option<(Mat<c64>, Vec<c64>)> {
    let m = v.nrows();
    let zero = Mat::<c64>::zeros(m, m);
    let (psi, _) = scale_to_feasible(&psi, p_s_w, &|p| true_power(link, zero.as_ref(), p))?;
    let r = &v * v.adjoint();
    let p0 = true_power(link, zero.as_ref(), &psi);
    let p1 = true_power(link, r.as_ref(), &psi);
    if p1 <= p_s_w {
        return Some((v, psi));
    }
    let alpha = ((p_s_w - p0) / (p1 - p0)).clamp(0.0, 1.0) * (1.0 - 1e-12);
    Some((v * faer::Scale(c64::new(alpha.sqrt(), 0.0)), psi))
}

/// Makes a start feasible for the IRS power budget by shrinking V and ψ by one common factor α (the power
/// (8)/(34) increases with α in every term), found by bisection. Shrinking V alone leaves a start with a
/// negligible transmit power when the budget is tight, from which the local solve does not recover;
/// shrinking both keeps the trade-off between amplifier gain and transmit power open. `None` when even the
/// amplifier noise at α → 0 exceeds the budget.
pub(crate) fn feasible_balanced<S: SensingModel>(
    link: &S,
    v: Mat<c64>,
    psi: Vec<c64>,
    p_s_w: f64,
) -> Option<(Mat<c64>, Vec<c64>)> {
    let power = |a: f64| {
        let va = &v * faer::Scale(c64::new(a, 0.0));
        let r = &va * va.adjoint();
        let pa: Vec<c64> = psi.iter().map(|z| z * a).collect();
        true_power(link, r.as_ref(), &pa)
    };
    if power(1.0) <= p_s_w {
        return Some((v, psi));
    }
    // NaN counts as infeasible.
    if power(0.0).partial_cmp(&p_s_w) != Some(std::cmp::Ordering::Less) && power(0.0) != p_s_w {
        return None;
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..64 {
        let mid = 0.5 * (lo + hi);
        if power(mid) <= p_s_w {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let va = &v * faer::Scale(c64::new(lo, 0.0));
    Some((va, psi.iter().map(|z| z * lo).collect()))
}

/// Makes a start feasible for the IRS power budget by shrinking ψ only (V keeps its transmit power); `None`
/// when even ψ = 0 exceeds the budget (it cannot: the power is then 0).
pub(crate) fn feasible_psi_first<S: SensingModel>(
    link: &S,
    v: Mat<c64>,
    psi: Vec<c64>,
    p_s_w: f64,
) -> Option<(Mat<c64>, Vec<c64>)> {
    let r = &v * v.adjoint();
    let (psi, _) = scale_to_feasible(&psi, p_s_w, &|p| true_power(link, r.as_ref(), p))?;
    Some((v, psi))
}
