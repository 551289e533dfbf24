//! Meetings (M4), shaped by the study's tactics: the mentee prepares an
//! agenda; the first meeting walks a checklist (introductions,
//! availability, contact details, goals); every meeting opens with the last
//! meeting's goals and open action items, walks career, administrative,
//! education and personal topics, and closes with a recap the mentee writes
//! and the mentor confirms ("reiterate and review") and action items with
//! an owner and a due date.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use time::{Date, OffsetDateTime};

use crate::ids::{ActionItemId, MeetingId, MentorshipId};
use crate::relationship::Side;
use crate::values::ValueError;

vocabulary! {
    /// Where a meeting stands.
    MeetingStatus, field = "status" {
        Scheduled => "scheduled", "Scheduled", [];
        Held => "held", "Held", [];
        Cancelled => "cancelled", "Cancelled", [];
    }
}

vocabulary! {
    /// The areas every meeting walks (the study's actions of effective
    /// mentors).
    Topic, field = "topic" {
        Career => "career", "Career", [];
        Administrative => "administrative", "Administrative", [];
        Education => "education", "Education", [];
        Personal => "personal", "Personal, work/life balance included", [];
    }
}

/// The first meeting's checklist: (code, label).
pub const FIRST_MEETING_CHECKLIST: &[(&str, &str)] = &[
    ("introductions", "Introductions"),
    ("availability", "Availability"),
    ("contact", "Contact details"),
    ("goals", "List of goals"),
];

/// Longest agenda, recap or topic note, in characters.
pub const MAX_NOTE_CHARS: usize = 8_000;
/// Longest action item, in characters.
pub const MAX_ACTION_CHARS: usize = 500;
/// Default length of a meeting.
pub const DEFAULT_MINUTES: u16 = 60;

/// One meeting of a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub mentorship_id: MentorshipId,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    pub minutes: u16,
    pub place: String,
    pub status: MeetingStatus,
    pub is_first: bool,
    /// Topics the mentee wants to raise.
    pub agenda: String,
    /// Project timelines the mentee brings.
    pub timelines: String,
    /// Checklist items ticked (first meeting only).
    pub checklist: Vec<String>,
    /// Notes per topic.
    pub topics: BTreeMap<Topic, String>,
    pub recap: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub recap_written_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub recap_confirmed_at: Option<OffsetDateTime>,
    /// Bumped when the time or status changes (iCalendar SEQUENCE).
    pub sequence: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Meeting {
    pub fn ends_at(&self) -> OffsetDateTime {
        self.starts_at + time::Duration::minutes(self.minutes.into())
    }

    /// The recap is agreed: written by the mentee, confirmed by the mentor.
    pub fn recap_confirmed(&self) -> bool {
        self.recap_confirmed_at.is_some()
    }
}

/// Something one side agreed to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionItem {
    pub id: ActionItemId,
    pub mentorship_id: MentorshipId,
    /// The meeting it was agreed in, if any.
    pub meeting_id: Option<MeetingId>,
    pub description: String,
    pub owner: Side,
    pub due_on: Option<Date>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl ActionItem {
    pub fn is_open(&self) -> bool {
        self.done_at.is_none()
    }

    pub fn is_overdue(&self, today: Date) -> bool {
        self.is_open() && self.due_on.is_some_and(|d| d < today)
    }
}

/// Checks free text a person typed (meetings, agreements, plans): at most
/// `max` characters and no control characters but line breaks and tabs.
/// Returns it trimmed.
pub fn clean_note(field: &'static str, raw: &str, max: usize) -> Result<String, ValueError> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(ValueError::new(
            field,
            "(long text)",
            format!("at most {max} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ValueError::new(
            field,
            "(text)",
            "text without control characters",
        ));
    }
    Ok(text.to_string())
}

/// Parses a meeting length in minutes as typed in a form.
pub fn parse_minutes(raw: &str) -> Result<u16, ValueError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(DEFAULT_MINUTES);
    }
    raw.parse::<u16>()
        .ok()
        .filter(|m| (10..=480).contains(m))
        .ok_or_else(|| ValueError::new("minutes", raw, "a length from 10 to 480 minutes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn notes_are_bounded_and_printable() {
        assert_eq!(clean_note("recap", "  done  ", 10), Ok("done".into()));
        assert!(clean_note("recap", "x\u{7}", 10).is_err());
        assert!(clean_note("recap", "elevenchars", 10).is_err());
        assert_eq!(
            clean_note("recap", "line\nline", 10),
            Ok("line\nline".into())
        );
    }

    #[test]
    fn minutes_default_and_bounds() {
        assert_eq!(parse_minutes(""), Ok(60));
        assert_eq!(parse_minutes("45"), Ok(45));
        assert!(parse_minutes("5").is_err());
        assert!(parse_minutes("soon").is_err());
    }

    #[test]
    fn an_open_item_past_its_date_is_overdue() {
        let item = ActionItem {
            id: ActionItemId::new_random(),
            mentorship_id: MentorshipId::new_random(),
            meeting_id: None,
            description: "Draft the specific aims".into(),
            owner: Side::Mentee,
            due_on: Some(date!(2026 - 11 - 20)),
            done_at: None,
            created_at: datetime!(2026-11-01 10:00 UTC),
        };
        assert!(item.is_overdue(date!(2026 - 11 - 21)));
        assert!(!item.is_overdue(date!(2026 - 11 - 20)));
        let done = ActionItem {
            done_at: Some(datetime!(2026-11-19 10:00 UTC)),
            ..item
        };
        assert!(!done.is_overdue(date!(2026 - 12 - 01)));
    }
}
