//! What a person says about mentoring (M2): kept apart from the roster's
//! profile because the person edits it themself and a roster re-import
//! must never touch it.

use crate::ids::{MentorRequestId, MentorshipId, PersonId};
use crate::values::{TagList, ValueError};
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

/// Largest number of mentees one mentor may offer to take at once.
pub const MAX_MENTOR_CAPACITY: u16 = 10;

/// A person's mentoring preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentoringProfile {
    pub person_id: PersonId,
    /// What they want from a mentoring relationship, in their words
    /// ("career planning; grant writing"): the study's personal-connection
    /// signal, matched against the other side's.
    pub looking_for: TagList,
    /// Interests outside work ("cycling; choir").
    pub personal_interests: TagList,
    /// How many mentees they will take at once; 0: not mentoring now.
    pub mentor_capacity: u16,
    /// Completed the program's mentor training.
    pub mentor_training: bool,
    /// Willing to be contacted by prospective mentees of their mentors.
    pub reference_opt_in: bool,
    /// When they started looking for a mentor (for time-to-match).
    #[serde(with = "time::serde::rfc3339::option")]
    pub looking_since: Option<OffsetDateTime>,
}

impl MentoringProfile {
    /// The profile of someone who has said nothing yet.
    pub fn empty(person_id: PersonId) -> Self {
        MentoringProfile {
            person_id,
            looking_for: TagList::default(),
            personal_interests: TagList::default(),
            mentor_capacity: 0,
            mentor_training: false,
            reference_opt_in: false,
            looking_since: None,
        }
    }

    pub fn parse_capacity(raw: &str) -> Result<u16, ValueError> {
        let raw_trimmed = raw.trim();
        if raw_trimmed.is_empty() {
            return Ok(0);
        }
        raw_trimmed
            .parse::<u16>()
            .ok()
            .filter(|c| *c <= MAX_MENTOR_CAPACITY)
            .ok_or_else(|| {
                ValueError::new(
                    "mentor_capacity",
                    raw,
                    format!("expected a whole number from 0 to {MAX_MENTOR_CAPACITY}"),
                )
            })
    }
}

vocabulary! {
    /// Where a mentee's request to a mentor stands.
    RequestStatus, field = "status" {
        Pending => "pending", "Waiting for an answer", [];
        Accepted => "accepted", "Accepted", [];
        Declined => "declined", "Declined", [];
        Withdrawn => "withdrawn", "Withdrawn", [];
        Expired => "expired", "Expired without an answer", [];
    }
}

/// A mentee's request to a mentor. The mentor's reason for declining is
/// not part of it: it stays with the mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentorRequest {
    pub id: MentorRequestId,
    pub mentee_id: PersonId,
    pub mentor_id: PersonId,
    pub message: String,
    pub status: RequestStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
}

vocabulary! {
    /// Where a mentoring pair stands.
    MentorshipStatus, field = "status" {
        Proposed => "proposed", "Proposed, waiting for both to accept", [];
        Active => "active", "Active", [];
        Declined => "declined", "Declined", [];
        Ended => "ended", "Ended", [];
    }
}

vocabulary! {
    /// A mentor's place in a mentee's team.
    MentorRole, field = "role" {
        Primary => "primary", "Primary mentor", [];
        Secondary => "secondary", "Secondary mentor", [];
    }
}

vocabulary! {
    /// How a pair came about.
    MentorshipOrigin, field = "origin" {
        Request => "request", "The mentee asked", [];
        Round => "round", "A facilitator's round", [];
    }
}

/// A mentoring pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mentorship {
    pub id: MentorshipId,
    pub mentee_id: PersonId,
    pub mentor_id: PersonId,
    pub role: MentorRole,
    pub origin: MentorshipOrigin,
    pub status: MentorshipStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub proposed_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_a_small_whole_number() {
        assert_eq!(MentoringProfile::parse_capacity(""), Ok(0));
        assert_eq!(MentoringProfile::parse_capacity(" 3 "), Ok(3));
        for bad in ["-1", "11", "two", "2.5"] {
            assert!(MentoringProfile::parse_capacity(bad).is_err(), "{bad}");
        }
        assert_eq!(RequestStatus::parse("expired"), Ok(RequestStatus::Expired));
    }
}
