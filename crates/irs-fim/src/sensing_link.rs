//! The set-up as a value: [`Setup`] names where the echoes are received, and [`SensingLink`] is IRS
//! l's link of a set-up, built from a channel realization here and nowhere else.

use irs_channel::Realization;
use serde::{Deserialize, Serialize};

use crate::affine::{AffineFim, AffinePower};
use crate::power::PowerInTheta;
use crate::setup::{ReflectMaps, SensingModel, TransmitMaps};
use crate::{Fim, FimError, LinkParams, SensingAtBs, SensingAtIrs, C64};
use faer::MatRef;

/// Where the echoes are received: the two sensing set-ups of the paper.
///
/// Serialised as `"sensing_at_bs"` / `"sensing_at_irs"` (design records, figure CSVs and JSONs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Setup {
    /// Section III, problem (P1): echoes received back at the BS (FIM of Proposition 1, IRS power
    /// (8)); the optimizer crate is `sense-at-bs`.
    #[serde(rename = "sensing_at_bs")]
    AtBs,
    /// Section IV, problem (P4): echoes received by dedicated sensors on each IRS (FIM of
    /// Proposition 2, IRS power (34)); the optimizer crate is `sense-at-irs`.
    #[serde(rename = "sensing_at_irs")]
    AtIrs,
}

impl Setup {
    /// Both set-ups, in a fixed order.
    pub const ALL: [Setup; 2] = [Setup::AtBs, Setup::AtIrs];

    /// Legend text: "sensing at BS", "sensing at IRSs".
    pub fn label(self) -> &'static str {
        match self {
            Setup::AtBs => "sensing at BS",
            Setup::AtIrs => "sensing at IRSs",
        }
    }

    /// Short identifier for file names and command lines: "bs", "irs".
    pub fn id(self) -> &'static str {
        match self {
            Setup::AtBs => "bs",
            Setup::AtIrs => "irs",
        }
    }

    /// The set-up whose [`Setup::id`] is `id`.
    pub fn from_id(id: &str) -> Option<Setup> {
        Setup::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// IRS l's link of a realization rejected by the model (the error names IRS l and the field).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("IRS {irs}: {source}")]
pub struct LinkError {
    /// IRS index l.
    pub irs: usize,
    /// What the model rejected.
    pub source: FimError,
}

impl LinkParams {
    /// IRS `l`'s link parameters in a realization: G_l, the IRS array, θ_l, φ_l, β_l, σ_r² and
    /// T_L = T_c / L snapshots (validated when a set-up is built on them).
    pub fn from_realization(r: &Realization, l: usize) -> Result<LinkParams, FimError> {
        let irs = r.irs.get(l).ok_or(FimError::OutOfRange {
            field: "irs",
            requirement: "< the number of IRSs of the realization",
            value: l as f64,
        })?;
        Ok(LinkParams {
            g: irs.g.clone(),
            irs: irs.irs_array,
            theta_rad: irs.theta_rad,
            phi_rad: irs.phi_rad,
            beta: irs.beta,
            sigma_r2_w: r.sigma_r2_w,
            snapshots: r.t_l(),
        })
    }
}

/// One IRS link of either set-up: the set-up chosen by value. Implements the three model traits by
/// dispatching to [`SensingAtBs`] or [`SensingAtIrs`] — the one place where the set-up picks a model.
#[derive(Debug, Clone)]
pub enum SensingLink {
    /// Sensing at the BS (receiver noise σ_b²).
    AtBs(SensingAtBs),
    /// Sensing at the IRSs (the IRS's sensor array, sensor noise σ_s²).
    AtIrs(SensingAtIrs),
}

impl SensingLink {
    /// IRS `l`'s link of `setup` in realization `r` (noise powers and, at the IRSs, the sensor array
    /// from the realization).
    pub fn new(setup: Setup, r: &Realization, l: usize) -> Result<SensingLink, LinkError> {
        let err = |source| LinkError { irs: l, source };
        let link = LinkParams::from_realization(r, l).map_err(err)?;
        match setup {
            Setup::AtBs => SensingAtBs::new(link, r.sigma_b2_w).map(SensingLink::AtBs),
            Setup::AtIrs => {
                SensingAtIrs::new(link, r.irs[l].sensor_array, r.sigma_s2_w).map(SensingLink::AtIrs)
            }
        }
        .map_err(err)
    }

    /// The links of every IRS of `r`, in slot order.
    pub fn all(setup: Setup, r: &Realization) -> Result<Vec<SensingLink>, LinkError> {
        (0..r.irs.len())
            .map(|l| SensingLink::new(setup, r, l))
            .collect()
    }

    /// The set-up of this link.
    pub fn setup(&self) -> Setup {
        match self {
            SensingLink::AtBs(_) => Setup::AtBs,
            SensingLink::AtIrs(_) => Setup::AtIrs,
        }
    }
}

impl SensingModel for SensingLink {
    fn link(&self) -> &LinkParams {
        match self {
            SensingLink::AtBs(s) => s.link(),
            SensingLink::AtIrs(s) => s.link(),
        }
    }

    fn fim(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<Fim, FimError> {
        match self {
            SensingLink::AtBs(s) => s.fim(r_s, psi),
            SensingLink::AtIrs(s) => s.fim(r_s, psi),
        }
    }

    fn irs_power_w(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<f64, FimError> {
        match self {
            SensingLink::AtBs(s) => s.irs_power_w(r_s, psi),
            SensingLink::AtIrs(s) => s.irs_power_w(r_s, psi),
        }
    }

    fn without_irs_noise(&self) -> Result<Self, FimError> {
        Ok(match self {
            SensingLink::AtBs(s) => SensingLink::AtBs(s.without_irs_noise()?),
            SensingLink::AtIrs(s) => SensingLink::AtIrs(s.without_irs_noise()?),
        })
    }
}

impl TransmitMaps for SensingLink {
    fn fim_affine_in_rs(&self, psi: &[C64]) -> Result<AffineFim, FimError> {
        match self {
            SensingLink::AtBs(s) => s.fim_affine_in_rs(psi),
            SensingLink::AtIrs(s) => s.fim_affine_in_rs(psi),
        }
    }

    fn irs_power_affine_in_rs(&self, psi: &[C64]) -> Result<AffinePower, FimError> {
        match self {
            SensingLink::AtBs(s) => s.irs_power_affine_in_rs(psi),
            SensingLink::AtIrs(s) => s.irs_power_affine_in_rs(psi),
        }
    }
}

impl ReflectMaps for SensingLink {
    fn fim_of_theta(&self, r_s: MatRef<'_, C64>, theta: MatRef<'_, C64>) -> Result<Fim, FimError> {
        match self {
            SensingLink::AtBs(s) => s.fim_of_theta(r_s, theta),
            SensingLink::AtIrs(s) => s.fim_of_theta(r_s, theta),
        }
    }

    fn fim_surrogate_in_theta(
        &self,
        r_s: MatRef<'_, C64>,
        theta_at: MatRef<'_, C64>,
    ) -> Result<AffineFim, FimError> {
        match self {
            SensingLink::AtBs(s) => s.fim_surrogate_in_theta(r_s, theta_at),
            SensingLink::AtIrs(s) => s.fim_surrogate_in_theta(r_s, theta_at),
        }
    }

    fn irs_power_in_theta(&self, r_s: MatRef<'_, C64>) -> Result<PowerInTheta, FimError> {
        match self {
            SensingLink::AtBs(s) => s.irs_power_in_theta(r_s),
            SensingLink::AtIrs(s) => s.irs_power_in_theta(r_s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use irs_channel::Scenario;

    #[test]
    fn setup_ids_round_trip_and_serialise_as_the_figure_files_do() {
        for s in Setup::ALL {
            assert_eq!(Setup::from_id(s.id()), Some(s));
        }
        assert_eq!(Setup::from_id("both"), None);
        let json: Vec<String> = Setup::ALL
            .iter()
            .map(|s| serde_json::to_string(s).unwrap())
            .collect();
        assert_eq!(json, ["\"sensing_at_bs\"", "\"sensing_at_irs\""]);
    }

    #[test]
    fn links_of_a_realization_are_the_set_up_models_built_on_its_data() {
        let r = Realization::new(&Scenario::small(), 3).unwrap();
        let m = r.bs_array.len();
        let rs = faer::Mat::<C64>::identity(m, m);
        let psi = [C64::new(1.0, 0.0); 4];
        for setup in Setup::ALL {
            let links = SensingLink::all(setup, &r).unwrap();
            assert_eq!(links.len(), r.irs.len());
            for (l, link) in links.iter().enumerate() {
                assert_eq!(link.setup(), setup);
                let p = LinkParams::from_realization(&r, l).unwrap();
                let direct = match setup {
                    Setup::AtBs => SensingAtBs::new(p, r.sigma_b2_w)
                        .unwrap()
                        .fim(rs.as_ref(), &psi),
                    Setup::AtIrs => SensingAtIrs::new(p, r.irs[l].sensor_array, r.sigma_s2_w)
                        .unwrap()
                        .fim(rs.as_ref(), &psi),
                };
                assert_eq!(link.fim(rs.as_ref(), &psi), direct);
                assert_eq!(link.link().snapshots, r.t_c / r.irs.len());
            }
        }
        match SensingLink::new(Setup::AtBs, &r, 2) {
            Err(LinkError { irs: 2, source }) => {
                assert!(matches!(source, FimError::OutOfRange { field: "irs", .. }))
            }
            other => panic!("{other:?}"),
        }
    }
}
