//! The analytic gradients of `Gradients` (CRB and IRS power in V and ψ) against central finite
//! differences with Richardson extrapolation, and their values against the closed-form model.
mod common;
use common::*;

use faer::Mat;
use irs_fim::{CrbKind, Gradients, SensingModel, C64};
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;

fn factor(r: &mut ChaCha8Rng, m: usize, rank: usize, power_w: f64) -> Mat<C64> {
    let v = Mat::from_fn(m, rank, |_, _| cn(r));
    let s: f64 = (0..m)
        .flat_map(|i| (0..rank).map(move |j| (i, j)))
        .map(|(i, j)| v[(i, j)].norm_sqr())
        .sum();
    v * faer::Scale(C64::new((power_w / s).sqrt(), 0.0))
}

/// Central difference of `f` along (dv, dpsi), Richardson-extrapolated: error O(h⁴).
fn directional(
    f: &dyn Fn(&Mat<C64>, &[C64]) -> f64,
    v: &Mat<C64>,
    psi: &[C64],
    dv: &Mat<C64>,
    dpsi: &[C64],
    h: f64,
) -> f64 {
    let at = |t: f64| {
        let vt = v + dv * faer::Scale(C64::new(t, 0.0));
        let pt: Vec<C64> = psi.iter().zip(dpsi).map(|(p, d)| p + d * t).collect();
        f(&vt, &pt)
    };
    let d = |h: f64| (at(h) - at(-h)) / (2.0 * h);
    (4.0 * d(h / 2.0) - d(h)) / 3.0
}

/// Re Σ conj(g)·d over both blocks.
fn predicted(gv: &Mat<C64>, gpsi: &[C64], dv: &Mat<C64>, dpsi: &[C64]) -> f64 {
    let mut s = 0.0;
    for j in 0..gv.ncols() {
        for i in 0..gv.nrows() {
            s += (gv[(i, j)].conj() * dv[(i, j)]).re;
        }
    }
    s + gpsi
        .iter()
        .zip(dpsi)
        .map(|(g, d)| (g.conj() * d).re)
        .sum::<f64>()
}

#[derive(Debug, Clone, Copy)]
enum Direction {
    V,
    Psi,
    PsiModulus,
    Both,
}

fn direction(
    r: &mut ChaCha8Rng,
    v: &Mat<C64>,
    psi: &[C64],
    which: Direction,
) -> (Mat<C64>, Vec<C64>) {
    let vn = (0..v.nrows())
        .flat_map(|i| (0..v.ncols()).map(move |j| (i, j)))
        .map(|(i, j)| v[(i, j)].norm_sqr())
        .sum::<f64>()
        .sqrt();
    let pn = psi
        .iter()
        .map(|p| p.norm_sqr())
        .sum::<f64>()
        .sqrt()
        .max(1e-3);
    let mut dv = Mat::from_fn(v.nrows(), v.ncols(), |_, _| {
        cn(r) * (vn / ((v.nrows() * v.ncols()) as f64).sqrt())
    });
    let mut dpsi: Vec<C64> = match which {
        // Radial: changes only |ψ_n| (the amplifier-noise terms).
        Direction::PsiModulus => psi.iter().map(|p| p * cn(r).re).collect(),
        _ => psi
            .iter()
            .map(|_| cn(r) * (pn / (psi.len() as f64).sqrt()))
            .collect(),
    };
    match which {
        Direction::V => dpsi.iter_mut().for_each(|d| *d = C64::new(0.0, 0.0)),
        Direction::Psi | Direction::PsiModulus => dv = Mat::zeros(v.nrows(), v.ncols()),
        Direction::Both => {}
    }
    (dv, dpsi)
}

fn check(
    model: &dyn Gradients,
    r: &mut ChaCha8Rng,
    rank: usize,
    passive: bool,
    kind: CrbKind,
) -> Result<(), TestCaseError> {
    let (m, n) = (model.bs_antennas(), model.irs_elements());
    let power_w = log_uniform(r, 0.1, 10.0);
    let v = factor(r, m, rank, power_w);
    let psi_v: Vec<C64> = if passive {
        psi(r, n, 1.0).iter().map(|p| p / p.norm()).collect()
    } else {
        psi(r, n, 8.0)
    };
    let rs = &v * v.adjoint();
    // Values: the gradient routine's FIM and power are the model's.
    let cg = model.crb_gradient(v.as_ref(), &psi_v, kind).unwrap();
    let fim = model.fim(rs.as_ref(), &psi_v).unwrap();
    prop_assert!(
        scaled_err(&fim, &cg.fim) < 1e-10,
        "FIM mismatch {}",
        scaled_err(&fim, &cg.fim)
    );
    let crb = fim.crb(kind);
    // A singular FIM (a geometry with no information on some parameter) has no gradient to check.
    prop_assume!(crb.is_finite() && crb < 1e6);
    prop_assert!(
        ((cg.crb - crb) / crb).abs() < 1e-8,
        "crb {} vs {}",
        cg.crb,
        crb
    );
    let pg = model.irs_power_gradient(v.as_ref(), &psi_v).unwrap();
    let p = model.irs_power_w(rs.as_ref(), &psi_v).unwrap();
    prop_assert!(
        ((pg.power_w - p) / p).abs() < 1e-12,
        "power {} vs {}",
        pg.power_w,
        p
    );
    for which in [
        Direction::V,
        Direction::Psi,
        Direction::PsiModulus,
        Direction::Both,
    ] {
        let (dv, dpsi) = direction(r, &v, &psi_v, which);
        // log CRB: the CRB spans decades across the generated links; its log is of unit order.
        let f_crb =
            |vt: &Mat<C64>, pt: &[C64]| model.crb_gradient(vt.as_ref(), pt, kind).unwrap().crb.ln();
        // Two step sizes: their disagreement estimates the finite difference's own error, which grows
        // near an ill-conditioned FIM (the generator allows CRBs up to 1e6).
        let fd = directional(&f_crb, &v, &psi_v, &dv, &dpsi, 2.5e-4);
        let fd_err = (directional(&f_crb, &v, &psi_v, &dv, &dpsi, 1e-3) - fd).abs();
        let an = predicted(&cg.grad_v, &cg.grad_psi, &dv, &dpsi) / cg.crb;
        prop_assert!(
            (fd - an).abs() <= 1e-6 * (1.0 + an.abs()) + 10.0 * fd_err,
            "CRB {which:?}: fd {fd:e} (±{fd_err:e}) analytic {an:e}"
        );
        let f_pow =
            |vt: &Mat<C64>, pt: &[C64]| model.irs_power_gradient(vt.as_ref(), pt).unwrap().power_w;
        let fd = directional(&f_pow, &v, &psi_v, &dv, &dpsi, 2.5e-4) / pg.power_w;
        let fd_err = (directional(&f_pow, &v, &psi_v, &dv, &dpsi, 1e-3) / pg.power_w - fd).abs();
        let an = predicted(&pg.grad_v, &pg.grad_psi, &dv, &dpsi) / pg.power_w;
        prop_assert!(
            (fd - an).abs() <= 1e-7 * (1.0 + an.abs()) + 10.0 * fd_err,
            "power {which:?}: fd {fd:e} (±{fd_err:e}) analytic {an:e}"
        );
    }
    Ok(())
}

fn dims() -> impl Strategy<Value = (usize, usize, usize, usize, usize)> {
    (2usize..=12, 2usize..=4, 2usize..=4, 2usize..=3, 1usize..=3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn crb_and_power_gradients_at_the_bs_equal_finite_differences(
        seed in any::<u64>(), (m, n_v, n_h, _sv, _sh) in dims(), rank in 1usize..=3,
        passive in any::<bool>(), angle_only in any::<bool>(),
    ) {
        let mut r = rng(seed);
        let mut model = bs_setup(&mut r, &Dims { m, n_v, n_h, s_v: 1, s_h: 1 });
        if passive {
            model = model.with_sigma_r2_w(0.0).unwrap();
        } else {
            // A strong amplifier noise makes the |ψ|-dependence of R_w visible to the test.
            let boost = model.link().sigma_r2_w * 1e4;
            model = model.with_sigma_r2_w(boost).unwrap();
        }
        let kind = if angle_only { CrbKind::AngleOnly } else { CrbKind::Full };
        check(&model, &mut r, rank, passive, kind)?;
    }

    #[test]
    fn crb_and_power_gradients_at_the_irs_sensors_equal_finite_differences(
        seed in any::<u64>(), (m, n_v, n_h, s_v, s_h) in dims(), rank in 1usize..=3,
        passive in any::<bool>(), angle_only in any::<bool>(),
    ) {
        let mut r = rng(seed);
        let mut model = irs_setup(&mut r, &Dims { m, n_v, n_h, s_v, s_h });
        if passive {
            model = model.with_sigma_r2_w(0.0).unwrap();
        } else {
            // Raise σ_r² so the ψ-dependent covariance term carries weight in the FIM.
            let boost = model.link().sigma_r2_w * 1e6;
            model = model.with_sigma_r2_w(boost).unwrap();
        }
        let kind = if angle_only { CrbKind::AngleOnly } else { CrbKind::Full };
        check(&model, &mut r, rank, passive, kind)?;
    }
}
