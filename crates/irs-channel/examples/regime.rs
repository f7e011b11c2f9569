//! Which CRB regime do a scenario's constants give? Evaluates the per-snapshot echo SNR and the CRB
//! tr(F⁻¹) of both set-ups (eqs. 15/17 and 39–41, via the Slepian–Bangs formula) for two simple
//! feasible designs — a beam towards each IRS and isotropic transmission, with phase-aligned IRS
//! coefficients at a_max scaled down until the IRS power budget (Eq. 8 or 34) holds. These are upper
//! bounds on what the optimizers reach; the numbers quoted in docs/assumptions.md come from here.
//!
//! Usage: `cargo run --release -p irs-channel --example regime [scenario.toml]`

use faer::linalg::solvers::DenseSolveCore;
use faer::{c64, Mat, Scale};
use irs_channel::{IrsRealization, Realization, Scenario};

type C = c64;

fn cz() -> C {
    C::new(0.0, 0.0)
}

/// Principal left singular vector of G (power iteration on G Gᴴ).
fn principal_left(g: &Mat<C>) -> Vec<C> {
    let n = g.nrows();
    let ggh = g * g.adjoint();
    let mut u = vec![C::new(1.0, 0.0); n];
    for _ in 0..300 {
        let mut w = vec![cz(); n];
        for (i, wi) in w.iter_mut().enumerate() {
            for (j, uj) in u.iter().enumerate() {
                *wi += ggh[(i, j)] * uj;
            }
        }
        let nrm = w.iter().map(|x| x.norm_sqr()).sum::<f64>().sqrt();
        u = w.into_iter().map(|x| x / nrm).collect();
    }
    u
}

fn tr(m: &Mat<C>) -> C {
    (0..m.nrows()).map(|i| m[(i, i)]).sum()
}

fn diag(v: &[C]) -> Mat<C> {
    Mat::from_fn(v.len(), v.len(), |i, j| if i == j { v[i] } else { cz() })
}

fn col(v: &[C]) -> Mat<C> {
    Mat::from_fn(v.len(), 1, |i, _| v[i])
}

#[derive(Clone, Copy, PartialEq)]
enum Setup {
    Bs,
    Irs,
}

struct Eval {
    crb: f64,
    snr: f64,
}

/// IRS power of Eq. (8) (sensing at BS) or Eq. (34) (sensing at IRSs).
fn irs_power(setup: Setup, r: &Realization, irs: &IrsRealization, psi: &[C], rs: &Mat<C>) -> f64 {
    let g = &irs.g;
    let p = diag(psi);
    let sr2 = r.sigma_r2_w;
    let psi2: f64 = psi.iter().map(|x| x.norm_sqr()).sum();
    let t3 = tr(&(&p * g * rs * g.adjoint() * p.adjoint())).re;
    match setup {
        Setup::Irs => t3 + sr2 * psi2,
        Setup::Bs => {
            let a = irs.irs_array.steering(irs.theta_rad, irs.phi_rad);
            let b2 = irs.beta.norm_sqr();
            let at_p = (col(&a).transpose() * &p).to_owned(); // 1×N
            let q = tr(&(&at_p * g * rs * g.adjoint() * at_p.adjoint())).re; // aᵀΨ G R Gᴴ Ψᴴ a*
            b2 * psi2 * q + sr2 * b2 * psi2 * psi2 + t3 + 2.0 * sr2 * psi2
        }
    }
}

fn inv(m: &Mat<C>) -> Mat<C> {
    m.partial_piv_lu().inverse()
}

/// Slepian–Bangs FIM for ξ = (θ, φ, Re β, Im β) and its CRB tr(F⁻¹), plus the per-snapshot echo SNR.
fn evaluate(setup: Setup, r: &Realization, irs: &IrsRealization, psi: &[C], rs: &Mat<C>) -> Eval {
    let g = &irs.g;
    let (th, ph, beta) = (irs.theta_rad, irs.phi_rad, irs.beta);
    let d = irs.irs_array.steering_with_derivatives(th, ph);
    let p = diag(psi);
    let t_l = r.t_l() as f64;
    let a = col(&d.a);
    let at = col(&d.da_dtheta);
    let ap = col(&d.da_dphi);
    let j = C::new(0.0, 1.0);
    let mut f = [[0.0f64; 4]; 4];
    let snr;
    match setup {
        Setup::Bs => {
            let m = r.m();
            let rw = Mat::from_fn(m, m, |i, k| {
                if i == k {
                    C::new(r.sigma_b2_w, 0.0)
                } else {
                    cz()
                }
            }) + (g.transpose() * &p * p.adjoint() * g.conjugate())
                * Scale(C::new(r.sigma_r2_w, 0.0));
            let rwi = inv(&rw);
            let h = g.transpose() * &p * &a * a.transpose() * &p * g;
            let ct = g.transpose() * &p * (&at * a.transpose() + &a * at.transpose()) * &p * g;
            let cp = g.transpose() * &p * (&ap * a.transpose() + &a * ap.transpose()) * &p * g;
            let ds = [
                &ct * Scale(beta),
                &cp * Scale(beta),
                h.clone(),
                &h * Scale(j),
            ];
            for x in 0..4 {
                for y in 0..4 {
                    f[x][y] = 2.0 * t_l * tr(&(ds[x].adjoint() * &rwi * &ds[y] * rs)).re;
                }
            }
            snr = beta.norm_sqr() * tr(&(h.adjoint() * &rwi * &h * rs)).re;
        }
        Setup::Irs => {
            let ds_ = irs.sensor_array.steering_with_derivatives(th, ph);
            let ab = col(&ds_.a);
            let abt = col(&ds_.da_dtheta);
            let abp = col(&ds_.da_dphi);
            let nb = ab.nrows();
            let tr_theta: f64 = psi.iter().map(|x| x.norm_sqr()).sum();
            let k = r.sigma_r2_w * tr_theta;
            let rw = Mat::from_fn(nb, nb, |i, q| {
                if i == q {
                    C::new(r.sigma_s2_w, 0.0)
                } else {
                    cz()
                }
            }) + (&ab * ab.adjoint()) * Scale(C::new(k * beta.norm_sqr(), 0.0));
            let rwi = inv(&rw);
            let hb = &ab * a.transpose() * &p * g;
            let ct = (&abt * a.transpose() + &ab * at.transpose()) * &p * g;
            let cp = (&abp * a.transpose() + &ab * ap.transpose()) * &p * g;
            let ds = [
                &ct * Scale(beta),
                &cp * Scale(beta),
                hb.clone(),
                &hb * Scale(j),
            ];
            let dd = &ab * ab.adjoint();
            let drs = [
                (&abt * ab.adjoint() + &ab * abt.adjoint())
                    * Scale(C::new(k * beta.norm_sqr(), 0.0)),
                (&abp * ab.adjoint() + &ab * abp.adjoint())
                    * Scale(C::new(k * beta.norm_sqr(), 0.0)),
                &dd * Scale(C::new(2.0 * k * beta.re, 0.0)),
                &dd * Scale(C::new(2.0 * k * beta.im, 0.0)),
            ];
            for x in 0..4 {
                for y in 0..4 {
                    f[x][y] = 2.0 * t_l * tr(&(ds[x].adjoint() * &rwi * &ds[y] * rs)).re
                        + t_l * tr(&(&rwi * &drs[x] * &rwi * &drs[y])).re;
                }
            }
            snr = beta.norm_sqr() * tr(&(hb.adjoint() * &rwi * &hb * rs)).re;
        }
    }
    let fm = Mat::from_fn(4, 4, |x, y| C::new(f[x][y], 0.0));
    let fi = inv(&fm);
    Eval {
        crb: tr(&fi).re,
        snr,
    }
}

/// Phase-aligned ψ at a_max, then scaled down by bisection until the IRS power budget holds.
/// The budgets P_t, P_s (W) and a_max are the scenario's.
fn design(setup: Setup, sc: &Scenario, r: &Realization, irs: &IrsRealization, beam: bool) -> Eval {
    let m = r.m();
    let a = irs.irs_array.steering(irs.theta_rad, irs.phi_rad);
    let u = principal_left(&irs.g);
    let psi0: Vec<C> = u
        .iter()
        .zip(&a)
        .map(|(un, an)| C::from_polar(sc.a_max, -(un.arg() + an.arg())))
        .collect();
    let p0 = diag(&psi0);
    let rs = if beam {
        let v = g_t_psi_a(irs, &p0, &a);
        let nrm = v.iter().map(|x| x.norm_sqr()).sum::<f64>().sqrt();
        let vv: Vec<C> = v.iter().map(|x| x.conj() / nrm).collect();
        &col(&vv) * col(&vv).adjoint() * Scale(C::new(sc.bs_power_w, 0.0))
    } else {
        Mat::from_fn(m, m, |i, k| {
            if i == k {
                C::new(sc.bs_power_w / m as f64, 0.0)
            } else {
                cz()
            }
        })
    };
    let scaled = |t: f64| psi0.iter().map(|x| x * t).collect::<Vec<C>>();
    let (mut lo, mut hi) = (0.0, 1.0);
    if irs_power(setup, r, irs, &scaled(1.0), &rs) <= sc.irs_power_w {
        lo = 1.0;
    } else {
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if irs_power(setup, r, irs, &scaled(mid), &rs) <= sc.irs_power_w {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }
    evaluate(setup, r, irs, &scaled(lo), &rs)
}

fn g_t_psi_a(irs: &IrsRealization, p: &Mat<C>, a: &[C]) -> Vec<C> {
    let v = irs.g.transpose() * p * col(a);
    (0..v.nrows()).map(|i| v[(i, 0)]).collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let base = match std::env::args().nth(1) {
        Some(p) => Scenario::from_file(&p).unwrap_or_else(|e| panic!("{e}")),
        None => Scenario::default(),
    };
    println!("target reflection: {:?}", base.target.reflection);
    for (l, g) in base.geometry().expect("valid scenario").iter().enumerate() {
        println!(
            "IRS {l}: |beta|^2 = {:.3e} ({:.1} dB), PL_BS = {:.3e} ({:.1} dB)",
            g.beta_abs * g.beta_abs,
            10.0 * (g.beta_abs * g.beta_abs).log10(),
            g.bs_path_gain,
            10.0 * g.bs_path_gain.log10()
        );
    }
    let seeds = 10;
    for setup in [Setup::Bs, Setup::Irs] {
        let name = if setup == Setup::Bs {
            "sensing at BS"
        } else {
            "sensing at IRSs"
        };
        println!("== {name}: medians over {seeds} realizations of max_l quantities ==");
        println!(
            "  (heuristic designs; 'best' = best of beam/isotropic at any P <= P_t on this grid)"
        );
        for (label, sweep_pt) in [
            ("P_t sweep at the scenario's P_s", true),
            ("P_s sweep at the scenario's P_t", false),
        ] {
            println!(" {label}");
            println!("  P[W]     maxCRB(best) maxCRB(iso)  SNR(beam)   SNR(iso)   (min over IRSs, per-snapshot echo SNR)");
            let grid = [0.001, 0.01, 0.1, 1.0, 10.0, 100.0];
            let mut best_so_far = f64::INFINITY;
            for p in grid {
                let mut sc = base.clone();
                if sweep_pt {
                    sc.bs_power_w = p;
                } else {
                    sc.irs_power_w = p;
                }
                let (mut cb, mut ci, mut sb, mut si) = (vec![], vec![], vec![], vec![]);
                for k in 0..seeds {
                    let r = Realization::nth(&sc, 1, k).expect("valid scenario");
                    let eb: Vec<Eval> = r
                        .irs
                        .iter()
                        .map(|i| design(setup, &sc, &r, i, true))
                        .collect();
                    let ei: Vec<Eval> = r
                        .irs
                        .iter()
                        .map(|i| design(setup, &sc, &r, i, false))
                        .collect();
                    cb.push(eb.iter().map(|e| e.crb).fold(0.0, f64::max));
                    ci.push(ei.iter().map(|e| e.crb).fold(0.0, f64::max));
                    sb.push(eb.iter().map(|e| e.snr).fold(f64::INFINITY, f64::min));
                    si.push(ei.iter().map(|e| e.snr).fold(f64::INFINITY, f64::min));
                }
                let (mb, mi) = (median(cb), median(ci));
                // Budgets are upper bounds, so a design feasible at a smaller P_t stays feasible.
                best_so_far = if sweep_pt {
                    best_so_far.min(mb.min(mi))
                } else {
                    mb.min(mi)
                };
                println!(
                    "  {p:7}  {:11.3e} {:11.3e}  {:10.3e} {:10.3e}",
                    best_so_far,
                    mi,
                    median(sb),
                    median(si)
                );
            }
        }
    }
}
