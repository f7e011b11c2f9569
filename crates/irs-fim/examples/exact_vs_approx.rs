//! Sensing at the BS: CRB of the paper's model (eq. 13, z_{l,1} dropped) vs the exact model (eq. 9,
//! z_{l,1} kept, so R depends on ξ), both from the generic Slepian–Bangs FIM, on the default
//! scenario. Also reports the closed form (must equal the approximate generic one).
//!
//! Run: `cargo run --release -p irs-fim --example exact_vs_approx`

use faer::Mat;
use irs_channel::{Realization, Scenario};
use irs_fim::generic::{generic_fim, BsEcho, BsNoise, FdSteps};
use irs_fim::{CrbKind, LinkParams, SensingAtBs, SensingModel, C64};

fn main() {
    let scenario = Scenario::default();
    println!("| seed | IRS | P_t (W) | R_s | ‖ψ‖²/N | CRB closed (rad²) | CRB approx (13) | CRB exact (9) | exact/approx − 1 |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut worst: f64 = 0.0;
    for seed in 0..4u64 {
        let re = Realization::new(&scenario, seed).expect("default scenario is valid");
        for l in 0..re.irs.len() {
            let link = LinkParams::from_realization(&re, l).expect("IRS l exists");
            let s = SensingAtBs::new(link, re.sigma_b2_w).expect("valid link");
            let (m, n) = (s.bs_antennas(), s.irs_elements());
            for p_t in [1.0, 10.0] {
                for beam in ["isotropic", "matched"] {
                    // ψ: a_max with the phases that co-phase the LoS, then scaled to satisfy eq. (8).
                    let g = s.link().g();
                    let mut psi: Vec<C64> = (0..n)
                        .map(|i| C64::from_polar(scenario.a_max, -(g[(i, 0)].arg())))
                        .collect();
                    let r_s = match beam {
                        "isotropic" => Mat::from_fn(m, m, |i, j| {
                            if i == j {
                                C64::new(p_t / m as f64, 0.0)
                            } else {
                                C64::new(0.0, 0.0)
                            }
                        }),
                        _ => {
                            // Beam along the dominant right singular direction of Ψ G: v ∝ Gᴴ Ψᴴ a*.
                            let v: Vec<C64> = (0..m)
                                .map(|j| (0..n).map(|i| (g[(i, j)] * psi[i]).conj()).sum())
                                .collect();
                            let nv: f64 = v.iter().map(|x| x.norm_sqr()).sum();
                            Mat::from_fn(m, m, |i, j| v[i] * v[j].conj() * (p_t / nv))
                        }
                    };
                    // Scale ψ down until the IRS power (8) is within P_s (power is increasing in |ψ|).
                    for _ in 0..200 {
                        if s.irs_power_w(r_s.as_ref(), &psi).unwrap() <= scenario.irs_power_w {
                            break;
                        }
                        psi.iter_mut().for_each(|p| *p *= 0.95);
                    }
                    let amp2: f64 = psi.iter().map(|p| p.norm_sqr()).sum::<f64>() / n as f64;
                    let kind = CrbKind::Full;
                    let closed = s.crb(r_s.as_ref(), &psi, kind).unwrap();
                    let approx = generic_fim(
                        &BsEcho::new(&s, &psi, BsNoise::Approximate).unwrap(),
                        r_s.as_ref(),
                        FdSteps::default(),
                    )
                    .unwrap()
                    .crb(kind);
                    let exact = generic_fim(
                        &BsEcho::new(&s, &psi, BsNoise::Exact).unwrap(),
                        r_s.as_ref(),
                        FdSteps::default(),
                    )
                    .unwrap()
                    .crb(kind);
                    let gap = exact / approx - 1.0;
                    worst = worst.max(gap.abs());
                    println!("| {seed} | {} | {p_t} | {beam} | {amp2:.2} | {closed:.6e} | {approx:.6e} | {exact:.6e} | {gap:.2e} |", l + 1);
                }
            }
        }
    }
    println!("\nlargest |exact/approx − 1| = {worst:.2e}");
}
