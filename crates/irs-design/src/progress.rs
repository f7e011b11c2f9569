//! Progress reports of a running design ([`optimize_observed`](crate::optimize_observed)): one event per outer
//! iteration of the paper's alternating method, per finished start and per polish round of the joint method.
//! Observing changes nothing — the observer sees copies of values the run computes anyway, is not part of
//! [`Settings`](crate::Settings) and not in the record — so a design is bit-identical with or without one.

use std::time::Instant;

use crate::StartKind;

/// One event of a running design. `elapsed_s` is the time since the run started.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Progress {
    /// The alternating method (schemes `Proposed`, `Passive`, and the first phase of `ProposedPolished`) finished
    /// outer iteration `iteration` of at most `max_iterations` (a transmit and a reflect step).
    OuterIteration {
        /// 1-based.
        iteration: usize,
        /// `Settings::max_outer_iters`.
        max_iterations: usize,
        /// Max over IRSs of the CRB after the iteration, rad².
        max_crb_rad2: f64,
        /// Seconds since the run started.
        elapsed_s: f64,
    },
    /// The joint method finished start `index` of `count` (starts may finish in any order on several threads).
    JointStart {
        /// 0-based index of the start (`JointRecord::starts` order, failed starts included).
        index: usize,
        /// Number of starts.
        count: usize,
        /// Where the start came from.
        kind: StartKind,
        /// Max-CRB after the start's local solve, rad²; `None` when the start gave no feasible design.
        max_crb_rad2: Option<f64>,
        /// Seconds since the run started.
        elapsed_s: f64,
    },
    /// The joint method finished the certified transmit step of polish round `round` (round 1 follows the
    /// multistart phase; the last round is the closing transmit step). No round runs when the duality bound
    /// [`crate::transmit_gap`] already shows that the step gains at most `polish_tol`.
    PolishRound {
        /// 1-based.
        round: usize,
        /// Max-CRB after the round's transmit step, rad².
        max_crb_rad2: f64,
        /// Seconds since the run started.
        elapsed_s: f64,
    },
}

/// The observer of a run and the run's start time (internal: the driver passes it down to every phase).
#[derive(Clone, Copy)]
pub(crate) struct Observer<'a> {
    f: &'a (dyn Fn(&Progress) + Sync),
    t0: Instant,
}

impl<'a> Observer<'a> {
    /// Reports to `f`, timing from now.
    pub(crate) fn new(f: &'a (dyn Fn(&Progress) + Sync)) -> Self {
        Observer {
            f,
            t0: Instant::now(),
        }
    }

    /// Seconds since the run started.
    pub(crate) fn elapsed_s(&self) -> f64 {
        self.t0.elapsed().as_secs_f64()
    }

    /// Reports `event`.
    pub(crate) fn report(&self, event: Progress) {
        (self.f)(&event);
    }
}
