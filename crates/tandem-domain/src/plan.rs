//! The development plan (M5) and review requests (M6). A mentee's plan has
//! goals at 1, 3, 5 and 10 years across teaching, clinical, research and
//! administration, each with progress; each relationship keeps a log of
//! what the mentor provided (opportunities, introductions, advocacy,
//! funding leads). A review request carries a due date, and one below the
//! notice the mentor asked for is flagged to the mentee before it is sent.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, OffsetDateTime};

use crate::ids::MentorshipId;
use crate::values::ValueError;

vocabulary! {
    /// How far ahead a goal looks.
    Horizon, field = "horizon" {
        OneYear => "1", "In 1 year", ["one"];
        ThreeYears => "3", "In 3 years", ["three"];
        FiveYears => "5", "In 5 years", ["five"];
        TenYears => "10", "In 10 years", ["ten"];
    }
}

vocabulary! {
    /// The four areas of an academic career in the plan.
    Area, field = "area" {
        Teaching => "teaching", "Teaching", [];
        Clinical => "clinical", "Clinical", [];
        Research => "research", "Research", [];
        Administration => "administration", "Administration", [];
    }
}

vocabulary! {
    /// What a mentor provided (the study's career guidance: networking,
    /// creating opportunities).
    ContributionKind, field = "kind" {
        Opportunity => "opportunity", "An opportunity", [];
        Introduction => "introduction", "An introduction", [];
        Advocacy => "advocacy", "Advocacy", [];
        Funding => "funding", "A funding lead", [];
    }
}

vocabulary! {
    /// What is sent for review.
    ReviewKind, field = "kind" {
        Manuscript => "manuscript", "Manuscript", [];
        Grant => "grant", "Grant application", [];
        Other => "other", "Other document", [];
    }
}

vocabulary! {
    /// Where a review request stands.
    ReviewStatus, field = "status" {
        Requested => "requested", "Waiting for the review", [];
        Done => "done", "Reviewed", [];
        Withdrawn => "withdrawn", "Withdrawn", [];
    }
}

/// Longest goal, log entry or review title, in characters.
pub const MAX_PLAN_CHARS: usize = 1_000;
/// The program's minimum notice for a review, in working days, when the
/// pair's agreement does not say.
pub const DEFAULT_REVIEW_NOTICE_DAYS: u8 = 10;

/// Parses progress typed as a percentage.
pub fn parse_progress(raw: &str) -> Result<u8, ValueError> {
    let raw = raw.trim().trim_end_matches('%').trim();
    if raw.is_empty() {
        return Ok(0);
    }
    raw.parse::<u8>()
        .ok()
        .filter(|p| *p <= 100)
        .ok_or_else(|| ValueError::new("progress", raw, "a percentage from 0 to 100"))
}

/// A review request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewRequest {
    pub id: uuid::Uuid,
    pub mentorship_id: MentorshipId,
    pub kind: ReviewKind,
    pub title: String,
    pub due_on: Date,
    pub status: ReviewStatus,
    /// Sent with less notice than the mentor asked for (the mentee was
    /// warned and sent it anyway).
    pub short_notice: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_vocabularies_parse() {
        assert_eq!(Horizon::parse("5"), Ok(Horizon::FiveYears));
        assert_eq!(Horizon::parse("ten"), Ok(Horizon::TenYears));
        assert!(Horizon::parse("2").is_err());
        assert_eq!(Area::parse("Clinical"), Ok(Area::Clinical));
        assert_eq!(parse_progress("40%"), Ok(40));
        assert_eq!(parse_progress(""), Ok(0));
        assert!(parse_progress("140").is_err());
    }
}
