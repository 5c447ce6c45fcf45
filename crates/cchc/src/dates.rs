//! Serde forms of chiso-core's dates and instants, so the CCHC records a
//! store persists are plain data: a day as `2024-06-14`, an instant as Unix
//! seconds. chiso-core's time types stay free of serde.

use chiso_core::time::{Date, Instant};
use serde::{Deserialize, Deserializer, Serializer};

/// `#[serde(with = "crate::dates::day")]`
pub mod day {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.iso())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("invalid date '{text}'")))
    }
}

/// `#[serde(default, with = "crate::dates::opt_day")]`
pub mod opt_day {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.iso()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => Date::parse(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("invalid date '{text}'"))),
        }
    }
}

/// `#[serde(with = "crate::dates::instant")]`
pub mod instant {
    use super::*;

    pub fn serialize<S: Serializer>(i: &Instant, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(i.unix())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
        i64::deserialize(d).map(Instant::from_unix)
    }
}
