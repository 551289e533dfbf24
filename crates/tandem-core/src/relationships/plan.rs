//! The development plan (M5) and review requests (M6). The plan is the
//! mentee's, shared with each of their mentors: goals at 1, 3, 5 and 10
//! years by area, with progress. Each relationship logs what the mentor
//! provided. A mentee asks for a review with a due date; with less notice
//! than the agreement's turnaround (or the program's 10 working days),
//! they are warned first and send only if they confirm. The mentor sees
//! every open request across their mentees.

use tandem_domain::plan::{
    Area, ContributionKind, DEFAULT_REVIEW_NOTICE_DAYS, Horizon, MAX_PLAN_CHARS, ReviewKind,
    ReviewRequest, ReviewStatus,
};
use tandem_domain::workdays::working_days_between;
use tandem_domain::{Institution, Side};
use tandem_store::plans as store;
use tandem_store::{Db, InstitutionScope};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::Mine;
use crate::mentoring::MentoringError;

use crate::mentoring::requests::conflict;

fn refused(text: impl Into<String>) -> MentoringError {
    MentoringError::Refused(text.into())
}

fn text(field: &'static str, raw: &str) -> Result<String, MentoringError> {
    let t = tandem_domain::meeting::clean_note(field, raw, MAX_PLAN_CHARS)
        .map_err(|e| refused(e.to_string()))?;
    if t.is_empty() {
        return Err(refused(format!("{field}: write something first.")));
    }
    Ok(t)
}

fn active(mine: &Mine) -> Result<(), MentoringError> {
    if mine.relationship.state.is_active() {
        Ok(())
    } else {
        Err(conflict(
            "The plan and reviews change only while the relationship is active.",
        ))
    }
}

/// Either side adds a goal to the mentee's plan.
pub async fn add_goal(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    horizon: Horizon,
    area: Area,
    goal: &str,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    active(mine)?;
    let goal = text("goal", goal)?;
    store::add_goal(
        db,
        &InstitutionScope::of(institution),
        mine.relationship.mentee_id,
        horizon,
        area,
        &goal,
        now,
    )
    .await?;
    Ok(())
}

/// Either side records progress on one of the mentee's goals.
pub async fn set_progress(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    goal: Uuid,
    progress: u8,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    active(mine)?;
    if !store::set_progress(
        db,
        &InstitutionScope::of(institution),
        mine.relationship.mentee_id,
        goal,
        progress.min(100),
        now,
    )
    .await?
    {
        return Err(MentoringError::NotFound);
    }
    Ok(())
}

/// Logs something the mentor provided.
pub async fn log_contribution(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    kind: ContributionKind,
    description: &str,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    active(mine)?;
    let description = text("description", description)?;
    store::add_contribution(
        db,
        &InstitutionScope::of(institution),
        mine.relationship.id,
        kind,
        &description,
        now,
    )
    .await?;
    Ok(())
}

/// The notice the mentor asked for: the agreement's turnaround, or the
/// program's default.
pub async fn notice_needed(
    db: &Db,
    scope: &InstitutionScope,
    mine: &Mine,
) -> Result<u8, MentoringError> {
    Ok(super::agreement::history(db, scope, mine.relationship.id)
        .await?
        .first()
        .map(|a| a.terms.review_turnaround_days)
        .unwrap_or(DEFAULT_REVIEW_NOTICE_DAYS))
}

/// What became of a review request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewOutcome {
    Sent(ReviewRequest),
    /// Not sent: the due date leaves fewer working days than the mentor
    /// asked for. Sending anyway needs the mentee's confirmation.
    ShortNotice {
        working_days: i64,
        needed: u8,
    },
}

/// A new review request as typed.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub kind: ReviewKind,
    pub title: String,
    pub due_on: Date,
    /// The mentee saw the short-notice warning and sends anyway.
    pub send_anyway: bool,
}

/// The mentee asks their mentor for a review.
pub async fn request_review(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    new: NewReview,
    now: OffsetDateTime,
) -> Result<ReviewOutcome, MentoringError> {
    active(mine)?;
    if mine.side != Side::Mentee {
        return Err(refused("The mentee asks for reviews."));
    }
    let title = text("title", &new.title)?;
    let today = now.date();
    if new.due_on <= today {
        return Err(refused("due: choose a date after today."));
    }
    let scope = InstitutionScope::of(institution);
    let needed = notice_needed(db, &scope, mine).await?;
    let working_days = working_days_between(today, new.due_on);
    let short = working_days < i64::from(needed);
    if short && !new.send_anyway {
        return Ok(ReviewOutcome::ShortNotice {
            working_days,
            needed,
        });
    }
    let request = ReviewRequest {
        id: Uuid::new_v4(),
        mentorship_id: mine.relationship.id,
        kind: new.kind,
        title,
        due_on: new.due_on,
        status: ReviewStatus::Requested,
        short_notice: short,
        created_at: now,
    };
    store::add_review(db, &scope, &request).await?;
    let me = super::name_of(db, &scope, mine.relationship.mentee_id).await?;
    let mut tx = db.begin().await?;
    crate::notify::notify_in(
        &mut tx,
        institution.id.0,
        mine.relationship.mentor_id,
        &format!(
            "{me} asks you to review \"{}\" by {}{}.",
            request.title,
            request.due_on,
            if short {
                " (shorter notice than you asked for)"
            } else {
                ""
            }
        ),
        &format!("/relationships/{}/plan", mine.relationship.id),
        &format!("review:{}:requested", request.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ReviewOutcome::Sent(request))
}

/// The mentor marks a review done, or the mentee withdraws it.
pub async fn close_review(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<ReviewStatus, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let found = store::review(db, &scope, id)
        .await?
        .filter(|r| r.mentorship_id == mine.relationship.id)
        .ok_or(MentoringError::NotFound)?;
    let status = match mine.side {
        Side::Mentor => ReviewStatus::Done,
        Side::Mentee => ReviewStatus::Withdrawn,
    };
    if !store::set_review_status(db, &scope, found.id, status, now).await? {
        return Err(conflict("This review is no longer open."));
    }
    if status == ReviewStatus::Done {
        let me = super::name_of(db, &scope, mine.relationship.mentor_id).await?;
        let mut tx = db.begin().await?;
        crate::notify::notify_in(
            &mut tx,
            institution.id.0,
            mine.relationship.mentee_id,
            &format!("{me} finished reviewing \"{}\".", found.title),
            &format!("/relationships/{}/plan", mine.relationship.id),
            &format!("review:{}:done", found.id),
            now,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(status)
}
