//! Institutions and the people in them (M1).

use crate::ids::{DepartmentId, DivisionId, InstitutionId, PersonId};
use crate::values::{
    ContactChannel, Email, Gender, Leadership, Rank, Stream, TagList, ValueError, WorkingStyle,
};
use serde::{Deserialize, Serialize};
use time::Date;

/// An institution's short name in URLs and commands: 2-40 characters of
/// lower-case letters, digits and single hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InstitutionSlug(String);

impl InstitutionSlug {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let s = raw.trim();
        let ok = (2..=40).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(ValueError::new(
                "slug",
                raw,
                "expected 2-40 lower-case letters, digits and single hyphens, e.g. 'uoft-medicine'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for InstitutionSlug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tenant. Everything else belongs to exactly one institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub id: InstitutionId,
    pub slug: InstitutionSlug,
    pub name: String,
}

/// Everything Tandem knows about a faculty member's profile, with every
/// value already parsed. Units and people are referenced by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonProfile {
    pub id: PersonId,
    pub institution_id: InstitutionId,
    pub employee_id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Email,
    pub department_id: DepartmentId,
    pub division_id: DivisionId,
    pub rank: Rank,
    pub stream: Stream,
    pub gender: Gender,
    pub appointment_date: Date,
    pub research_interests: TagList,
    pub clinical_interests: TagList,
    pub education_interests: TagList,
    pub values: TagList,
    pub working_style: WorkingStyle,
    pub mentoring_years: u16,
    pub past_mentees: u16,
    pub location: Option<String>,
    pub contact_channels: Vec<ContactChannel>,
    pub supervisor_id: Option<PersonId>,
    pub resource_controller_id: Option<PersonId>,
    pub leadership: Leadership,
}

impl PersonProfile {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_rules() {
        assert!(InstitutionSlug::parse("uoft-medicine").is_ok());
        for bad in ["U", "Upper", "a--b", "-ab", "ab-", "a b", "ab/c"] {
            assert!(InstitutionSlug::parse(bad).is_err(), "{bad}");
        }
    }
}
