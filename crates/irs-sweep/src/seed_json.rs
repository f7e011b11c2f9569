//! Seeds in JSON as decimal strings: JSON readers that hold numbers as IEEE doubles (JavaScript, MATLAB's
//! `jsondecode`, pandas) round integers above 2^53, and the derived algorithm seeds are almost always above it.
//! Reading accepts a string or a number, so files written before seeds became strings still load.

use serde::{Deserialize, Deserializer, Serializer};

/// `#[serde(with = "crate::seed_json")]` on a `u64` field.
pub(crate) fn serialize<S: Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&seed.to_string())
}

/// A string or a JSON number.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Number(u64),
    }
    match Either::deserialize(d)? {
        Either::Text(t) => t.parse().map_err(serde::de::Error::custom),
        Either::Number(n) => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Seeded {
        #[serde(with = "super")]
        seed: u64,
    }

    #[test]
    fn seeds_above_2_pow_53_round_trip_exactly_as_strings() {
        let v = Seeded { seed: u64::MAX - 1 };
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(text, r#"{"seed":"18446744073709551614"}"#);
        assert_eq!(serde_json::from_str::<Seeded>(&text).unwrap(), v);
    }

    #[test]
    fn numeric_seeds_of_older_files_still_load() {
        let v: Seeded = serde_json::from_str(r#"{"seed":7}"#).unwrap();
        assert_eq!(v.seed, 7);
        assert!(serde_json::from_str::<Seeded>(r#"{"seed":"x"}"#).is_err());
    }
}
