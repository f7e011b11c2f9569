//! Gaussian randomisation (eqs. 27 / 49) and feasibility restoration by scaling ψ down.

use faer::{c64, MatRef};
use rand_chacha::ChaCha20Rng;

use crate::rng::complex_normal;

/// Result of one Gaussian randomisation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Randomized {
    /// The winning reflection vector (length N).
    pub psi: Vec<c64>,
    /// Its true objective (CRB of the chosen kind, rad²).
    pub crb: f64,
    /// Draws that met the true power constraint as drawn (after a_max normalisation).
    pub feasible_draws: usize,
    /// True when no draw was feasible and the winner was obtained by scaling a draw down to feasibility.
    pub restored_by_scaling: bool,
}

/// Largest `α ∈ [0, 1]` (to bisection accuracy, from below) with `power(α ψ) ≤ budget`, and `α ψ`. Relies on the
/// IRS power being non-decreasing in the scale of ψ (it is a sum of |α|² and |α|⁴ terms with non-negative
/// coefficients in (8) and (34)). Returns `None` only if even ψ → 0 is infeasible (budget below the power at
/// ψ = 0, which cannot happen for budget > 0 because all power terms vanish with ψ).
pub(crate) fn scale_to_feasible(
    psi: &[c64],
    budget_w: f64,
    power: &dyn Fn(&[c64]) -> f64,
) -> Option<(Vec<c64>, f64)> {
    let p1 = power(psi);
    if p1 <= budget_w {
        return Some((psi.to_vec(), 1.0));
    }
    let scaled = |a: f64| psi.iter().map(|&z| z * a).collect::<Vec<_>>();
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    if power(&scaled(0.0)) > budget_w {
        return None;
    }
    // 64 halvings take hi - lo below 2^-64: the result is feasible and within one ulp-scale of the boundary.
    for _ in 0..64 {
        let mid = 0.5 * (lo + hi);
        if power(&scaled(mid)) <= budget_w {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((scaled(lo), lo))
}

/// Normalises a draw: unit modulus element-wise for passive IRSs; otherwise `ψ ← a_max ψ / max|ψ_n|` when some
/// element exceeds `a_max` (the paper's rule after eq. 27).
pub(crate) fn normalize_draw(psi: &mut [c64], a_max: f64, unit_modulus: bool) {
    if unit_modulus {
        for z in psi.iter_mut() {
            let r = z.norm();
            *z = if r > 0.0 { *z / r } else { c64::new(1.0, 0.0) };
        }
        return;
    }
    let m = psi.iter().map(|z| z.norm()).fold(0.0_f64, f64::max);
    if m > a_max {
        let s = a_max / m;
        for z in psi.iter_mut() {
            *z *= s;
        }
    }
}

/// Gaussian randomisation: `draws` vectors ψ = Θ*^{1/2} r, r ~ CN(0, I), normalised by [`normalize_draw`], checked
/// against the true power constraint `power(ψ) ≤ budget_w` (none for passive IRSs) and scored by the true
/// objective `crb(ψ)`; the best feasible draw wins (first on ties). If no draw is feasible, every draw is scaled
/// down to feasibility and the best scaled draw wins. Returns `None` if no candidate has a finite objective.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gaussian_randomization(
    sqrt_theta: MatRef<'_, c64>,
    draws: usize,
    a_max: f64,
    unit_modulus: bool,
    budget_w: Option<f64>,
    rng: &mut ChaCha20Rng,
    crb: &dyn Fn(&[c64]) -> f64,
    power: &dyn Fn(&[c64]) -> f64,
) -> Option<Randomized> {
    let n = sqrt_theta.nrows();
    let mut r = vec![c64::new(0.0, 0.0); n];
    let mut candidates: Vec<Vec<c64>> = Vec::with_capacity(draws);
    for _ in 0..draws {
        for z in r.iter_mut() {
            *z = complex_normal(rng);
        }
        let mut psi: Vec<c64> = (0..n)
            .map(|i| (0..n).map(|j| sqrt_theta[(i, j)] * r[j]).sum())
            .collect();
        normalize_draw(&mut psi, a_max, unit_modulus);
        candidates.push(psi);
    }
    let mut best: Option<(usize, f64)> = None;
    let mut feasible_draws = 0;
    for (d, psi) in candidates.iter().enumerate() {
        if budget_w.is_some_and(|b| {
            let p = power(psi);
            p.is_nan() || p > b
        }) {
            continue;
        }
        feasible_draws += 1;
        let v = crb(psi);
        if v.is_finite() && best.is_none_or(|(_, bv)| v < bv) {
            best = Some((d, v));
        }
    }
    if let Some((d, v)) = best {
        return Some(Randomized {
            psi: candidates.swap_remove(d),
            crb: v,
            feasible_draws,
            restored_by_scaling: false,
        });
    }
    let budget = budget_w?;
    let mut best: Option<(Vec<c64>, f64)> = None;
    for psi in &candidates {
        if let Some((scaled, _)) = scale_to_feasible(psi, budget, power) {
            let v = crb(&scaled);
            if v.is_finite() && best.as_ref().is_none_or(|(_, bv)| v < *bv) {
                best = Some((scaled, v));
            }
        }
    }
    best.map(|(psi, v)| Randomized {
        psi,
        crb: v,
        feasible_draws,
        restored_by_scaling: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};
    use faer::Mat;

    fn power(psi: &[c64]) -> f64 {
        // |α|² + |α|⁴-type power like eq. (8): Σ|ψ|² + 0.1 (Σ|ψ|²)²
        let s: f64 = psi.iter().map(|z| z.norm_sqr()).sum();
        s + 0.1 * s * s
    }

    #[test]
    fn scaling_restores_feasibility_at_the_boundary() {
        let psi = vec![c64::new(3.0, 4.0); 4];
        let (s, a) = scale_to_feasible(&psi, 2.0, &power).unwrap();
        assert!(power(&s) <= 2.0);
        assert!(
            power(
                &psi.iter()
                    .map(|z| z * (a * (1.0 + 1e-9)))
                    .collect::<Vec<_>>()
            ) > 2.0
        );
    }

    #[test]
    fn normalisation_caps_amplitude_and_keeps_phases() {
        let mut psi = vec![c64::new(0.0, 10.0), c64::new(1.0, 0.0)];
        normalize_draw(&mut psi, 2.0, false);
        assert!((psi[0] - c64::new(0.0, 2.0)).norm() < 1e-15);
        assert!((psi[1] - c64::new(0.2, 0.0)).norm() < 1e-15);
        normalize_draw(&mut psi, 2.0, true);
        assert!(psi.iter().all(|z| (z.norm() - 1.0).abs() < 1e-15));
    }

    #[test]
    fn every_returned_draw_is_feasible_and_best() {
        let theta = Mat::from_fn(3, 3, |i, j| c64::new(if i == j { 4.0 } else { 1.0 }, 0.0));
        let sq = crate::linalg::hermitian_sqrt(theta.as_ref()).unwrap();
        let crb = |psi: &[c64]| 1.0 / (1e-9 + psi.iter().map(|z| z.norm_sqr()).sum::<f64>());
        for budget in [1e-3, 0.5, 5.0, 1e3] {
            let mut rng = stream(5, Purpose::Randomization, 0, 0);
            let out = gaussian_randomization(
                sq.as_ref(),
                50,
                2.0,
                false,
                Some(budget),
                &mut rng,
                &crb,
                &power,
            )
            .unwrap();
            assert!(power(&out.psi) <= budget, "budget {budget}");
            assert!(out.psi.iter().all(|z| z.norm() <= 2.0 + 1e-12));
            assert_eq!(out.restored_by_scaling, out.feasible_draws == 0);
        }
    }
}
