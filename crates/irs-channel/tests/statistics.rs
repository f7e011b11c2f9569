//! Statistics of G_l over many seeded realizations: empirical Rician K-factor, mean path gain and
//! LoS mean, each within 5 standard errors computed from the model's own distribution.

use irs_channel::{KFactor, Realization, Scenario};

const DRAWS: u64 = 400;

struct Stats {
    mean_gain: f64,
    k_hat: f64,
    max_mean_err: f64,
}

/// Over `DRAWS` realizations of IRS `l`: mean |G_nm|², K̂ from the sample mean Ḡ and the scatter
/// ŝ² = Σ‖G_r − Ḡ‖²/((R−1)NM) as K̂ = (‖Ḡ‖² − NMŝ²/R)/(NMŝ²) (bias-corrected), and max |Ḡ − G_LoS|.
fn stats(sc: &Scenario, l: usize, seed: u64) -> Stats {
    let first = Realization::nth(sc, seed, 0).unwrap();
    let (n, m) = (first.irs[l].g.nrows(), first.irs[l].g.ncols());
    let los = first.irs[l].g_los.clone();
    let mut sum = vec![num_complex::Complex64::new(0.0, 0.0); n * m];
    let mut sum_sq = 0.0;
    let mut draws = Vec::with_capacity(DRAWS as usize);
    for k in 0..DRAWS {
        let r = Realization::nth(sc, seed, k).unwrap();
        let g = r.irs[l].g.clone();
        for j in 0..m {
            for i in 0..n {
                sum[j * n + i] += g[(i, j)];
                sum_sq += g[(i, j)].norm_sqr();
            }
        }
        draws.push(g);
    }
    let rr = DRAWS as f64;
    let nm = (n * m) as f64;
    let mean: Vec<_> = sum.iter().map(|s| s / rr).collect();
    let mut scatter = 0.0;
    for g in &draws {
        for j in 0..m {
            for i in 0..n {
                scatter += (g[(i, j)] - mean[j * n + i]).norm_sqr();
            }
        }
    }
    let s2 = scatter / ((rr - 1.0) * nm);
    let mean_norm2: f64 = mean.iter().map(|x| x.norm_sqr()).sum();
    let mut max_mean_err: f64 = 0.0;
    for j in 0..m {
        for i in 0..n {
            max_mean_err = max_mean_err.max((mean[j * n + i] - los[(i, j)]).norm());
        }
    }
    Stats {
        mean_gain: sum_sq / (rr * nm),
        k_hat: (mean_norm2 - nm * s2 / rr) / (nm * s2),
        max_mean_err,
    }
}

fn check(sc: &Scenario, seed: u64) {
    let geo = sc.geometry().unwrap();
    for (l, g) in geo.iter().enumerate() {
        let st = stats(sc, l, seed);
        let pl = g.bs_path_gain;
        let k = g.rician_k;
        let n_entries = DRAWS as f64 * 256.0;
        // |L + s w|² with |L|² = PL K/(K+1), s² = PL/(K+1): variance 2|L|²s² + s⁴ per entry.
        let (l2, s2) = (pl * k / (k + 1.0), pl / (k + 1.0));
        let se_gain = ((2.0 * l2 * s2 + s2 * s2) / n_entries).sqrt();
        assert!(
            (st.mean_gain - pl).abs() <= 5.0 * se_gain,
            "IRS {l}: mean gain {} vs PL {} (5 SE = {})",
            st.mean_gain,
            pl,
            5.0 * se_gain
        );
        // K̂'s error is dominated by ŝ², relative SE 1/√((R−1)NM); plus the LoS-estimate term.
        let rel = 1.0 / ((DRAWS as f64 - 1.0) * 256.0).sqrt();
        let se_k = (k * rel) + (2.0 * k / (DRAWS as f64 * 256.0)).sqrt();
        assert!(
            (st.k_hat - k).abs() <= 5.0 * se_k,
            "IRS {l}: K̂ = {} vs K = {} (5 SE = {})",
            st.k_hat,
            k,
            5.0 * se_k
        );
        // Each entry of Ḡ − G_LoS is CN(0, s²/R): |·| > 6 s/√R has probability e^(−36) per entry.
        assert!(
            st.max_mean_err <= 6.0 * (s2 / DRAWS as f64).sqrt(),
            "IRS {l}"
        );
        println!(
            "IRS {l}: K̂ = {:.4} (K = {k:.4}, 5 SE = {:.4}), mean gain = {:.4e} (PL = {pl:.4e}, rel. err {:.2e})",
            st.k_hat,
            5.0 * se_k,
            st.mean_gain,
            (st.mean_gain - pl).abs() / pl
        );
    }
}

#[test]
fn empirical_k_factor_and_path_gain_match_default_scenario() {
    check(&Scenario::default(), 11);
}

#[test]
fn empirical_k_factor_and_path_gain_match_other_k_values() {
    let mut sc = Scenario::default();
    sc.bs_irs_link.rician_k = KFactor::Db(-3.0);
    check(&sc, 12);
    sc.bs_irs_link.rician_k = KFactor::Db(10.0);
    check(&sc, 13);
}
