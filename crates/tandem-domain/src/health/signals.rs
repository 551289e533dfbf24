//! Behaviour signals: what Tandem already records about a relationship
//! (meetings against the agreed cadence, cancellations, agendas, recaps,
//! action items, silence, review notice, the agreement itself), turned into
//! findings with a level and the factor they point to. Every threshold is
//! a constant here and in docs/health-model.md.

use serde::Serialize;
use time::Date;

use super::factor::{Factor, SuccessFactor};
use super::model::Level;
use crate::agreement::Cadence;
use crate::meeting::MeetingStatus;
use crate::relationship::FailureFactor;

/// How far back cancellations and short-notice reviews count.
pub const RECENT_DAYS: i64 = 180;
/// The first meeting: watched after this many days without one...
pub const FIRST_MEETING_WATCH_DAYS: i64 = 45;
/// ...and at risk after this many.
pub const FIRST_MEETING_AT_RISK_DAYS: i64 = 90;
/// A gap since the last meeting is watched past 1.5 times the cadence
/// (in tenths, to stay in integers) and at risk past 2.5 times.
pub const LAPSE_WATCH_TENTHS: i64 = 15;
pub const LAPSE_AT_RISK_TENTHS: i64 = 25;
/// Cancelled meetings in [`RECENT_DAYS`]: watched from 2, at risk from 3.
pub const CANCELLED_WATCH: u32 = 2;
pub const CANCELLED_AT_RISK: u32 = 3;
/// The last meetings looked at for agendas and recaps.
pub const LAST_MEETINGS: usize = 3;
/// Of those, this many without an agenda (or a confirmed recap) is watched.
pub const UNPREPARED_WATCH: u32 = 2;
/// A recap is late once the meeting is this many days past.
pub const RECAP_GRACE_DAYS: i64 = 14;
/// An open action item counts as overdue this many days past its date...
pub const OVERDUE_GRACE_DAYS: i64 = 14;
/// ...and overdue items are watched from 2, at risk from 4.
pub const OVERDUE_WATCH: u32 = 2;
pub const OVERDUE_AT_RISK: u32 = 4;
/// Nothing recorded by either side for the longer of this and the cadence
/// is watched; for twice that, at risk.
pub const SILENCE_MIN_DAYS: i64 = 60;
/// Short-notice review requests in [`RECENT_DAYS`]: watched from 2, at
/// risk from 4.
pub const SHORT_NOTICE_WATCH: u32 = 2;
pub const SHORT_NOTICE_AT_RISK: u32 = 4;
/// No agreement signed by both this long after the start is watched...
pub const NO_AGREEMENT_WATCH_DAYS: i64 = 30;
/// ...and this long, at risk.
pub const NO_AGREEMENT_AT_RISK_DAYS: i64 = 90;

/// One meeting as the signals see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingFact {
    pub on: Date,
    pub status: MeetingStatus,
    pub agenda_prepared: bool,
    pub recap_confirmed: bool,
}

/// Everything the signals read about one relationship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub today: Date,
    pub started_on: Date,
    /// The cadence of the agreement in force, if both signed one.
    pub cadence: Option<Cadence>,
    pub meetings: Vec<MeetingFact>,
    /// Due dates of open action items.
    pub open_action_due: Vec<Date>,
    /// Days on which review requests were sent with short notice.
    pub short_notice_reviews: Vec<Date>,
    /// The last day either side recorded anything (a meeting, an agenda,
    /// a recap, an action item, a review, the agreement).
    pub last_activity: Option<Date>,
}

/// A behaviour signal, with what it counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "signal")]
pub enum Signal {
    /// No meeting yet, this many days after the start.
    FirstMeetingLate { days: i64 },
    /// This many days since the last meeting, against the agreed cadence.
    CadenceLapse { days: i64, cadence_days: i64 },
    /// Meetings cancelled in the last [`RECENT_DAYS`].
    Cancellations { count: u32 },
    /// Of the last meetings, how many had no agenda.
    AgendasMissing { missing: u32, of: u32 },
    /// Of the last meetings, how many have no confirmed recap.
    RecapsUnconfirmed { missing: u32, of: u32 },
    /// Open action items well past their date.
    OverdueActions { count: u32 },
    /// Days with nothing recorded by either side.
    Silence { days: i64 },
    /// Review requests sent with less notice than agreed.
    ShortNoticeReviews { count: u32 },
    /// No agreement signed by both, this many days after the start.
    NoAgreement { days: i64 },
}

impl Signal {
    /// A stable code for the API and the docs.
    pub fn code(self) -> &'static str {
        match self {
            Signal::FirstMeetingLate { .. } => "first_meeting_late",
            Signal::CadenceLapse { .. } => "cadence_lapse",
            Signal::Cancellations { .. } => "cancellations",
            Signal::AgendasMissing { .. } => "agendas_missing",
            Signal::RecapsUnconfirmed { .. } => "recaps_unconfirmed",
            Signal::OverdueActions { .. } => "overdue_actions",
            Signal::Silence { .. } => "silence",
            Signal::ShortNoticeReviews { .. } => "short_notice_reviews",
            Signal::NoAgreement { .. } => "no_agreement",
        }
    }

    /// The factor the signal points to.
    pub fn factor(self) -> Factor {
        match self {
            Signal::FirstMeetingLate { .. }
            | Signal::CadenceLapse { .. }
            | Signal::Cancellations { .. }
            | Signal::AgendasMissing { .. }
            | Signal::OverdueActions { .. } => Factor::Failure(FailureFactor::LackOfCommitment),
            Signal::RecapsUnconfirmed { .. } | Signal::Silence { .. } => {
                Factor::Failure(FailureFactor::PoorCommunication)
            }
            Signal::ShortNoticeReviews { .. } | Signal::NoAgreement { .. } => {
                Factor::Success(SuccessFactor::ClearExpectations)
            }
        }
    }

    /// What happened, in plain words; the same for everyone, since both
    /// sides see the same records.
    pub fn words(self) -> String {
        let s = |n: u32| if n == 1 { "" } else { "s" };
        match self {
            Signal::FirstMeetingLate { days } => {
                format!(
                    "No meeting has taken place in the {days} days since the relationship began."
                )
            }
            Signal::CadenceLapse { days, cadence_days } => format!(
                "The last meeting was {days} days ago; the agreed rhythm is about every {cadence_days} days."
            ),
            Signal::Cancellations { count } => format!(
                "{count} meeting{} cancelled in the last six months.",
                if count == 1 { " was" } else { "s were" }
            ),
            Signal::AgendasMissing { missing, of } => {
                format!("{missing} of the last {of} meetings had no agenda prepared.")
            }
            Signal::RecapsUnconfirmed { missing, of } => format!(
                "{missing} of the last {of} meetings have no recap confirmed by both (\"reiterate and review\")."
            ),
            Signal::OverdueActions { count } => format!(
                "{count} action item{} more than two weeks overdue.",
                if count == 1 { " is" } else { "s are" }
            ),
            Signal::Silence { days } => {
                format!("Nothing has been recorded by either of you for {days} days.")
            }
            Signal::ShortNoticeReviews { count } => format!(
                "{count} review request{} sent with less notice than the agreement allows in the last six months.",
                s(count)
            ),
            Signal::NoAgreement { days } => format!(
                "No agreement has been signed by both, {days} days after the relationship began."
            ),
        }
    }
}

fn level(value: i64, watch: i64, at_risk: i64) -> Option<Level> {
    if value >= at_risk {
        Some(Level::AtRisk)
    } else if value >= watch {
        Some(Level::Watch)
    } else {
        None
    }
}

/// Days between two dates (negative if `to` is earlier).
fn days(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

/// The cadence used when no agreement is in force: the template's default.
pub const DEFAULT_CADENCE: Cadence = Cadence::Quarterly;

/// Days between meetings at `cadence`, roughly (30 days a month).
pub fn cadence_days(cadence: Cadence) -> i64 {
    i64::from(cadence.months()) * 30
}

/// Every signal that fires for `facts`, with its level.
pub fn signals(facts: &Facts) -> Vec<(Signal, Level)> {
    let mut out = Vec::new();
    let today = facts.today;
    let age = days(facts.started_on, today);
    let every = cadence_days(facts.cadence.unwrap_or(DEFAULT_CADENCE));
    let mut past: Vec<&MeetingFact> = facts
        .meetings
        .iter()
        .filter(|m| m.on <= today && m.status != MeetingStatus::Cancelled)
        .collect();
    past.sort_by_key(|m| std::cmp::Reverse(m.on));

    // Meetings against the cadence.
    match past.first() {
        None => {
            if let Some(l) = level(age, FIRST_MEETING_WATCH_DAYS, FIRST_MEETING_AT_RISK_DAYS) {
                out.push((Signal::FirstMeetingLate { days: age }, l));
            }
        }
        Some(last) => {
            let gap = days(last.on, today);
            let watch = every * LAPSE_WATCH_TENTHS / 10;
            let at_risk = every * LAPSE_AT_RISK_TENTHS / 10;
            if let Some(l) = level(gap, watch + 1, at_risk + 1) {
                out.push((
                    Signal::CadenceLapse {
                        days: gap,
                        cadence_days: every,
                    },
                    l,
                ));
            }
        }
    }

    let recent = |d: Date| days(d, today) <= RECENT_DAYS && d <= today;
    let cancelled = facts
        .meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Cancelled && recent(m.on))
        .count() as u32;
    if let Some(l) = level(
        cancelled.into(),
        CANCELLED_WATCH.into(),
        CANCELLED_AT_RISK.into(),
    ) {
        out.push((Signal::Cancellations { count: cancelled }, l));
    }

    let last: Vec<&&MeetingFact> = past.iter().take(LAST_MEETINGS).collect();
    if last.len() >= UNPREPARED_WATCH as usize {
        let missing = last.iter().filter(|m| !m.agenda_prepared).count() as u32;
        if missing >= UNPREPARED_WATCH {
            out.push((
                Signal::AgendasMissing {
                    missing,
                    of: last.len() as u32,
                },
                Level::Watch,
            ));
        }
    }
    let settled: Vec<&&MeetingFact> = past
        .iter()
        .filter(|m| days(m.on, today) > RECAP_GRACE_DAYS)
        .take(LAST_MEETINGS)
        .collect();
    if settled.len() >= UNPREPARED_WATCH as usize {
        let missing = settled.iter().filter(|m| !m.recap_confirmed).count() as u32;
        if missing >= UNPREPARED_WATCH {
            out.push((
                Signal::RecapsUnconfirmed {
                    missing,
                    of: settled.len() as u32,
                },
                Level::Watch,
            ));
        }
    }

    let overdue = facts
        .open_action_due
        .iter()
        .filter(|d| days(**d, today) > OVERDUE_GRACE_DAYS)
        .count() as u32;
    if let Some(l) = level(overdue.into(), OVERDUE_WATCH.into(), OVERDUE_AT_RISK.into()) {
        out.push((Signal::OverdueActions { count: overdue }, l));
    }

    let quiet_since = facts.last_activity.unwrap_or(facts.started_on);
    let quiet = days(quiet_since, today);
    let limit = SILENCE_MIN_DAYS.max(every);
    if let Some(l) = level(quiet, limit + 1, 2 * limit + 1) {
        out.push((Signal::Silence { days: quiet }, l));
    }

    let short = facts
        .short_notice_reviews
        .iter()
        .filter(|d| recent(**d))
        .count() as u32;
    if let Some(l) = level(
        short.into(),
        SHORT_NOTICE_WATCH.into(),
        SHORT_NOTICE_AT_RISK.into(),
    ) {
        out.push((Signal::ShortNoticeReviews { count: short }, l));
    }

    if facts.cadence.is_none()
        && let Some(l) = level(age, NO_AGREEMENT_WATCH_DAYS, NO_AGREEMENT_AT_RISK_DAYS)
    {
        out.push((Signal::NoAgreement { days: age }, l));
    }
    out
}
