//! The study's eleven factors (Tables 2 and 3): five that mark successful
//! relationships and six that mark failed ones. Check-in items, behaviour
//! signals, the health model's verdict and its remedies all speak in them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use crate::relationship::FailureFactor;
use crate::values::ValueError;

vocabulary! {
    /// The study's characteristics of successful relationships (Table 2).
    SuccessFactor, field = "factor" {
        Reciprocity => "reciprocity", "Reciprocity", [];
        MutualRespect => "mutual_respect", "Mutual respect", [];
        ClearExpectations => "clear_expectations", "Clear expectations", [];
        PersonalConnection => "personal_connection", "Personal connection", [];
        SharedValues => "shared_values", "Shared values", [];
    }
}

/// Any of the eleven factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Factor {
    Success(SuccessFactor),
    Failure(FailureFactor),
}

impl Factor {
    /// All eleven, in the study's order: the five of success, then the six
    /// of failure. Ties in the health model are broken in this order.
    pub const ALL: [Factor; 11] = [
        Factor::Success(SuccessFactor::Reciprocity),
        Factor::Success(SuccessFactor::MutualRespect),
        Factor::Success(SuccessFactor::ClearExpectations),
        Factor::Success(SuccessFactor::PersonalConnection),
        Factor::Success(SuccessFactor::SharedValues),
        Factor::Failure(FailureFactor::PoorCommunication),
        Factor::Failure(FailureFactor::LackOfCommitment),
        Factor::Failure(FailureFactor::PersonalityDifferences),
        Factor::Failure(FailureFactor::Competition),
        Factor::Failure(FailureFactor::ConflictOfInterest),
        Factor::Failure(FailureFactor::MentorInexperience),
    ];

    pub fn code(self) -> &'static str {
        match self {
            Factor::Success(f) => f.code(),
            Factor::Failure(f) => f.code(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Factor::Success(f) => f.label(),
            Factor::Failure(f) => f.label(),
        }
    }

    /// How the factor reads as a problem, for "at risk: ..." lines: a
    /// success factor that is missing, or a failure factor that is present.
    pub fn as_concern(self) -> &'static str {
        match self {
            Factor::Success(SuccessFactor::Reciprocity) => "giving and getting that feel one-sided",
            Factor::Success(SuccessFactor::MutualRespect) => "respect that feels lacking",
            Factor::Success(SuccessFactor::ClearExpectations) => "unclear expectations",
            Factor::Success(SuccessFactor::PersonalConnection) => "little personal connection",
            Factor::Success(SuccessFactor::SharedValues) => "values that do not line up",
            Factor::Failure(FailureFactor::PoorCommunication) => "poor communication",
            Factor::Failure(FailureFactor::LackOfCommitment) => "lack of commitment",
            Factor::Failure(FailureFactor::PersonalityDifferences) => "personality differences",
            Factor::Failure(FailureFactor::Competition) => "competition, perceived or real",
            Factor::Failure(FailureFactor::ConflictOfInterest) => "a conflict of interest",
            Factor::Failure(FailureFactor::MentorInexperience) => {
                "the mentor's lack of relevant experience"
            }
        }
    }

    pub fn is_success(self) -> bool {
        matches!(self, Factor::Success(_))
    }

    /// Parses a code or label of either kind.
    pub fn parse(raw: &str) -> Result<Factor, ValueError> {
        if let Ok(f) = SuccessFactor::parse(raw) {
            return Ok(Factor::Success(f));
        }
        FailureFactor::parse(raw).map(Factor::Failure).map_err(|_| {
            let codes: Vec<&str> = Factor::ALL.iter().map(|f| f.code()).collect();
            ValueError::new(
                "factor",
                raw,
                format!("expected one of {}", codes.join(", ")),
            )
        })
    }

    /// Position in [`Factor::ALL`].
    pub fn index(self) -> usize {
        Factor::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Factor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Factor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Factor::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_factor_round_trips_through_its_code_and_json() {
        for f in Factor::ALL {
            assert_eq!(Factor::parse(f.code()), Ok(f));
            assert_eq!(Factor::parse(f.label()), Ok(f));
            let json = serde_json::to_string(&f).expect("serialise");
            assert_eq!(json, format!("\"{}\"", f.code()));
            assert_eq!(serde_json::from_str::<Factor>(&json).expect("parse"), f);
        }
        let err = Factor::parse("luck").expect_err("unknown");
        assert!(err.expected.contains("mutual_respect"));
        assert_eq!(Factor::ALL.iter().filter(|f| f.is_success()).count(), 5);
    }
}
