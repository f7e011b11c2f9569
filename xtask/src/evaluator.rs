//! The real `PointEvaluator`: one sweep point = one run of the `sense-at-bs` / `sense-at-irs` optimizers.

use anyhow::{bail, Result};

use crate::reproduce::engine::PointEvaluator;
use crate::reproduce::ScenarioInput;

/// Build the evaluator that drives the optimizers on `scenario`.
///
/// The optimizer crates have not landed yet, so this refuses to run rather than produce numbers
/// that do not come from the paper's algorithms.
pub fn optimizer_evaluator(scenario: &ScenarioInput) -> Result<Box<dyn PointEvaluator>> {
    let _ = scenario;
    bail!(
        "cannot run yet: the optimizers (crates sense-at-bs and sense-at-irs) have not landed, \
         so there is nothing to evaluate the sweep points with"
    )
}
