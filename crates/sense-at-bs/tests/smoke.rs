//! Smoke run on the small scenario (M = 4, 2×2 elements, L = 2): prints every scheme's max-CRB.
use irs_channel::{Realization, Scenario, UpaSize};
use sense_at_bs::{budgets_of, optimize, Scheme, Settings};

fn small() -> Scenario {
    let mut s = Scenario::default();
    s.bs.antennas = 4;
    for irs in &mut s.irs {
        irs.elements = UpaSize {
            n_v: 2,
            n_h: 2,
            ..UpaSize::default()
        };
        irs.sensors = UpaSize {
            n_v: 2,
            n_h: 2,
            ..UpaSize::default()
        };
    }
    s
}

#[test]
fn smoke_all_schemes_small() {
    let sc = small();
    let r = Realization::new(&sc, 1).unwrap();
    let b = budgets_of(&r);
    for scheme in Scheme::ALL {
        let t = std::time::Instant::now();
        let rec = optimize(&r, &b, scheme, &Settings::default(), 3).unwrap();
        println!(
            "{scheme:?}: max-CRB {:.4e} iters {} sdps {} clarabel {:.3}s wall {:.3}s term {:?} ({:.2}s)",
            rec.max_crb_rad2, rec.outer_iterations, rec.sdp_solves, rec.clarabel_time_s, rec.wall_time_s,
            rec.termination, t.elapsed().as_secs_f64()
        );
        for h in &rec.history {
            println!(
                "   {:?} it{} before {:.4e} cand {:?} acc {}",
                h.kind, h.outer_iter, h.objective_before, h.objective_candidate, h.accepted
            );
        }
    }
}

#[test]
fn smoke_sca_sequence() {
    let sc = small();
    let r = Realization::new(&sc, 1).unwrap();
    let b = budgets_of(&r);
    let rec = optimize(&r, &b, Scheme::ReflectOnly, &Settings::default(), 3).unwrap();
    for h in &rec.history {
        for s in &h.sdp {
            println!(
                "irs {:?} it {:?} obj {:?} status {} iters {}",
                s.irs, s.sca_iter, s.objective, s.status, s.iterations
            );
        }
        for x in &h.reflect {
            println!("{x:?}");
        }
    }
}
