//! Unit conversions (dB, dBm, W, wavelength) — the only place they live — and the dB-or-linear
//! input types used by scenario files.

use crate::ChannelError;
use serde::{Deserialize, Serialize};

/// Speed of light in vacuum, m/s.
pub const SPEED_OF_LIGHT_M_PER_S: f64 = 299_792_458.0;

/// `10^(db/10)`.
pub fn db_to_linear(db: f64) -> f64 {
    libm::pow(10.0, db / 10.0)
}

/// `10 log10(x)`.
pub fn linear_to_db(x: f64) -> f64 {
    10.0 * libm::log10(x)
}

/// Power in dBm → watts.
pub fn dbm_to_w(dbm: f64) -> f64 {
    db_to_linear(dbm - 30.0)
}

/// Power in watts → dBm.
pub fn w_to_dbm(w: f64) -> f64 {
    linear_to_db(w) + 30.0
}

/// Carrier wavelength λ = c / f in metres.
pub fn wavelength_m(carrier_hz: f64) -> f64 {
    SPEED_OF_LIGHT_M_PER_S / carrier_hz
}

/// A power given either in dBm or in watts. In files: `{ dbm = -80.0 }` or `{ w = 1e-11 }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Power {
    /// Decibel-milliwatts.
    Dbm(f64),
    /// Watts.
    W(f64),
}

impl Power {
    /// The power in watts.
    pub fn watts(&self) -> f64 {
        match *self {
            Power::Dbm(d) => dbm_to_w(d),
            Power::W(w) => w,
        }
    }
    /// Checks the value: finite, and (in watts) strictly positive.
    pub fn validate(&self, field: &str) -> Result<(), ChannelError> {
        let raw = match *self {
            Power::Dbm(d) => d,
            Power::W(w) => w,
        };
        if !raw.is_finite() {
            return Err(ChannelError::NotFinite {
                field: field.to_string(),
                value: raw,
            });
        }
        let w = self.watts();
        if w <= 0.0 {
            return Err(ChannelError::NotPositive {
                field: field.to_string(),
                value: w,
            });
        }
        Ok(())
    }
}

/// A Rician K-factor (LoS power / scattered power) in dB or linear. In files: `{ db = 5.0 }` or `{ linear = 3.16 }`.
///
/// K = 0 (linear) is Rayleigh fading and allowed; negative linear values and non-finite values are not.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum KFactor {
    /// Decibels.
    Db(f64),
    /// Linear ratio.
    Linear(f64),
}

impl KFactor {
    /// Linear K.
    pub fn linear(&self) -> f64 {
        match *self {
            KFactor::Db(d) => db_to_linear(d),
            KFactor::Linear(k) => k,
        }
    }
    /// Checks the value: finite, and (linear) non-negative.
    pub fn validate(&self, field: &str) -> Result<(), ChannelError> {
        let raw = match *self {
            KFactor::Db(d) => d,
            KFactor::Linear(k) => k,
        };
        if !raw.is_finite() {
            return Err(ChannelError::NotFinite {
                field: field.to_string(),
                value: raw,
            });
        }
        if self.linear() < 0.0 {
            return Err(ChannelError::Negative {
                field: field.to_string(),
                value: raw,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbm_and_db_conversions_match_definitions() {
        assert!((dbm_to_w(-80.0) - 1e-11).abs() <= 1e-25);
        assert!((dbm_to_w(30.0) - 1.0).abs() <= 1e-15);
        assert!((w_to_dbm(0.1) - 20.0).abs() <= 1e-12);
        assert!((db_to_linear(-30.0) - 1e-3).abs() <= 1e-18);
        assert!((linear_to_db(db_to_linear(5.0)) - 5.0).abs() <= 1e-13);
        assert!((wavelength_m(2.4e9) - 0.124913524166667).abs() <= 1e-12);
        assert!((KFactor::Db(5.0).linear() - 3.1622776601683795).abs() <= 1e-14);
    }
}
