//! Preset scenarios: the paper's geometry with other array sizes, among them the small scenario that
//! the tests, benches and examples of the workspace share.

use crate::scenario::{Scenario, UpaSize};

impl Scenario {
    /// The paper's scenario ([`Scenario::default`]) with `bs_antennas` BS antennas (M) and
    /// `irs_side` × `irs_side` elements and sensors on every IRS, both at half-wavelength spacing.
    /// The sizes are checked by [`Scenario::validate`] (and by `Realization::new`), not here.
    pub fn with_array_sizes(bs_antennas: usize, irs_side: usize) -> Scenario {
        let mut s = Scenario::default();
        s.bs.antennas = bs_antennas;
        let upa = UpaSize {
            n_v: irs_side,
            n_h: irs_side,
            ..UpaSize::default()
        };
        for irs in &mut s.irs {
            irs.elements = upa;
            irs.sensors = upa;
        }
        s
    }

    /// The small scenario of the workspace's tests and benches: the paper's geometry with M = 4 BS
    /// antennas and 2×2 elements and sensors per IRS (L = 2), so that every SDP is small and a full
    /// design takes a fraction of a second.
    pub fn small() -> Scenario {
        Scenario::with_array_sizes(4, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_scenario_changes_only_the_array_sizes_and_is_valid() {
        let s = Scenario::small();
        s.validate().unwrap();
        let mut back = s.clone();
        back.bs.antennas = Scenario::default().bs.antennas;
        for irs in &mut back.irs {
            irs.elements = UpaSize::default();
            irs.sensors = UpaSize::default();
        }
        assert_eq!(back, Scenario::default());
        assert_eq!(s.bs.antennas, 4);
        assert!(s
            .irs
            .iter()
            .all(|i| i.elements.n_v * i.elements.n_h == 4 && i.sensors.n_v * i.sensors.n_h == 4));
    }
}
