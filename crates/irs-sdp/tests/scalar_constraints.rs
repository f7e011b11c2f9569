//! Linear (≤, =, ≥) constraints on scalars: known optima, infeasible and unbounded models.

use irs_sdp::{solve, Model, SdpError, Settings, SolveStatus};

#[test]
fn lp_with_le_ge_eq_reaches_the_vertex_optimum() {
    let mut m = Model::new();
    let x = m.scalar("x");
    let y = m.scalar("y");
    let z = m.scalar("z");
    m.ge("x ≥ 1", x, 1.0).unwrap();
    m.ge("y ≥ 2", y, 2.0).unwrap();
    m.le("x + y ≤ 10", x + y, 10.0).unwrap();
    m.eq("z = x − 3", z, x - 3.0).unwrap();
    // min x + y + 2z = 3x + y − 6 → x = 1, y = 2: value −1.
    m.minimize(x + y + 2.0 * z).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert_eq!(s.status, SolveStatus::Solved);
    assert!((s.objective + 1.0).abs() < 1e-7, "{}", s.objective);
    assert!((s.scalar(x).unwrap() - 1.0).abs() < 1e-6);
    assert!((s.scalar(y).unwrap() - 2.0).abs() < 1e-6);
    assert!((s.scalar(z).unwrap() + 2.0).abs() < 1e-6);
    assert!(s.stats.iterations > 0);
}

#[test]
fn maximize_reports_the_objective_in_the_users_sense() {
    let mut m = Model::new();
    let x = m.scalar("x");
    m.le("x ≤ 4", 2.0 * x, 8.0).unwrap();
    m.maximize(x * 3.0 + 1.0).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    assert!((s.objective - 13.0).abs() < 1e-7, "{}", s.objective);
}

#[test]
fn contradictory_bounds_are_infeasible() {
    let mut m = Model::new();
    let x = m.scalar("x");
    m.ge("x ≥ 1", x, 1.0).unwrap();
    m.le("x ≤ 0", x, 0.0).unwrap();
    m.minimize(x).unwrap();
    match solve(&m, &Settings::default()) {
        Err(SdpError::Infeasible { stats }) => assert!(stats.iterations > 0),
        other => panic!("expected Infeasible, got {other:?}"),
    }
}

#[test]
fn objective_unbounded_below_is_dual_infeasible() {
    let mut m = Model::new();
    let x = m.scalar("x");
    let y = m.scalar("y");
    m.le("x ≤ 0", x, 0.0).unwrap();
    m.eq("y = 1", y, 1.0).unwrap();
    m.minimize(x + y).unwrap();
    assert!(matches!(
        solve(&m, &Settings::default()),
        Err(SdpError::DualInfeasible { .. })
    ));
}

#[test]
fn iteration_cap_is_reported_as_iteration_limit() {
    let mut m = Model::new();
    let x = m.hermitian_psd("X", 3).unwrap();
    m.eq("X01", x.re(0, 1), 1.0).unwrap();
    m.minimize(x.trace()).unwrap();
    let settings = Settings {
        max_iter: 2,
        ..Settings::default()
    };
    assert!(matches!(
        solve(&m, &settings),
        Err(SdpError::IterationLimit { .. })
    ));
}

#[test]
fn feasibility_problem_without_objective_returns_a_feasible_point() {
    let mut m = Model::new();
    let x = m.scalar("x");
    m.ge("x ≥ 2", x, 2.0).unwrap();
    m.le("x ≤ 3", x, 3.0).unwrap();
    let s = solve(&m, &Settings::default()).unwrap();
    let v = s.scalar(x).unwrap();
    assert!((2.0 - 1e-7..=3.0 + 1e-7).contains(&v), "{v}");
    assert_eq!(s.objective, 0.0);
}

#[test]
fn model_solution_and_session_are_send() {
    fn send<T: Send>() {}
    send::<Model>();
    send::<irs_sdp::Solution>();
    send::<irs_sdp::Solver>();
    send::<SdpError>();
}
