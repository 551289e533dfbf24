//! A mentee asks a mentor; the mentor accepts or declines (the reason, if
//! given, stays with the mentor); an unanswered request expires after the
//! program's time, with a reminder to the mentor before. Once matched, a
//! mentee can withdraw every other pending request in one step.

use tandem_domain::{
    Institution, MentorRequest, MentorRequestId, MentorRole, Mentorship, MentorshipId,
    MentorshipOrigin, MentorshipStatus, PersonId, RequestStatus,
};
use tandem_store::mentoring::{self as store, NewRequest};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::{Duration, OffsetDateTime};

use super::MentoringPool;

/// How many requests a mentee may have waiting at once: enough to ask a
/// few mentors in parallel, not enough to spam a department.
pub const MAX_PENDING_REQUESTS: usize = 5;
/// Longest message with a request, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2_000;
/// Longest private note on a declined request.
pub const MAX_REASON_CHARS: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum MentoringError {
    /// The request itself is wrong (a missing or malformed field); the
    /// text says what, for the person.
    #[error("{0}")]
    Refused(String),
    /// The request is well formed but the records say no as they stand
    /// now: the relationship has ended, the request was answered, the
    /// round is published, someone changed it meanwhile. Answered 409.
    #[error("{0}")]
    Conflict(String),
    /// Only certain people may do this, and the caller is not one of them
    /// (the text says who may). Answered 403.
    #[error("{0}")]
    NotAllowed(String),
    /// No such object for this person (or not theirs).
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn refused(text: impl Into<String>) -> MentoringError {
    MentoringError::Refused(text.into())
}

/// A refusal because of the records' current state (409).
pub(crate) fn conflict(text: impl Into<String>) -> MentoringError {
    MentoringError::Conflict(text.into())
}

pub(crate) fn clean_text(raw: &str, max: usize, what: &str) -> Result<String, MentoringError> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(refused(format!(
            "The {what} is too long: at most {max} characters."
        )));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(refused(format!(
            "The {what} contains characters that cannot be shown."
        )));
    }
    Ok(text.to_string())
}

/// A mentee asks `mentor` to mentor them.
pub async fn send(
    db: &Db,
    institution: &Institution,
    mentee: PersonId,
    mentor: PersonId,
    message: &str,
    now: OffsetDateTime,
) -> Result<MentorRequest, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let message = clean_text(message, MAX_MESSAGE_CHARS, "message")?;
    let pool = MentoringPool::load(db, &scope).await?;
    let (Some(mentee_p), Some(mentor_p)) = (pool.person(mentee), pool.person(mentor)) else {
        return Err(MentoringError::NotFound);
    };
    if !pool.is_mentor(mentor) {
        return Err(conflict(format!(
            "{} is not taking mentees at the moment.",
            mentor_p.display_name()
        )));
    }
    if pool.paired(mentee, mentor) {
        return Err(conflict(format!(
            "{} is already your mentor.",
            mentor_p.display_name()
        )));
    }
    let reasons = pool.exclusions(mentee_p, mentor_p);
    if let Some(first) = reasons.first() {
        return Err(conflict(format!(
            "You cannot ask {}: {}.",
            mentor_p.display_name(),
            first.explain()
        )));
    }
    let pending = store::requests_of(db, &scope, mentee, false, now)
        .await?
        .into_iter()
        .filter(|r| r.status == RequestStatus::Pending)
        .collect::<Vec<_>>();
    if pending.iter().any(|r| r.mentor_id == mentor) {
        return Err(conflict(format!(
            "You already asked {}; the request is waiting for an answer.",
            mentor_p.display_name()
        )));
    }
    if pending.len() >= MAX_PENDING_REQUESTS {
        return Err(conflict(format!(
            "You have {MAX_PENDING_REQUESTS} requests waiting: withdraw one or wait for an answer first."
        )));
    }
    let days = i64::from(pool.settings.request_expiry_days);
    let expires_at = now + Duration::days(days);
    let remind_at = expires_at - Duration::days(i64::from(pool.settings.reminder_days));
    let id = MentorRequestId::new_random();
    let mut tx = db.begin().await?;
    store::create_request(
        &mut tx,
        &scope,
        &NewRequest {
            id,
            mentee,
            mentor,
            message: &message,
            now,
            remind_at,
            expires_at,
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => conflict(format!(
            "You already asked {}; the request is waiting for an answer.",
            mentor_p.display_name()
        )),
        other => other.into(),
    })?;
    crate::notify::notify_in(
        &mut tx,
        institution.id.0,
        mentor,
        &format!(
            "{} asked you to be their mentor. Please answer by {}.",
            mentee_p.display_name(),
            day(expires_at)
        ),
        "/requests",
        &format!("request:{id}:sent"),
        now,
    )
    .await?;
    tx.commit().await?;
    store::mark_looking(db, &scope, mentee, now).await?;
    Ok(MentorRequest {
        id,
        mentee_id: mentee,
        mentor_id: mentor,
        message,
        status: RequestStatus::Pending,
        created_at: now,
        expires_at,
        decided_at: None,
    })
}

/// A date as people read it: "3 December 2026".
pub fn day(at: OffsetDateTime) -> String {
    date(at.date())
}

/// A calendar date as people read it: "25 November 2026".
pub fn date(d: time::Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// The mentor's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Accept,
    /// With the mentor's private note, if any.
    Decline(Option<String>),
}

/// The mentor answers a request addressed to them. Accepting starts the
/// pair (primary if the mentee has none yet, else secondary).
pub async fn answer(
    db: &Db,
    institution: &Institution,
    mentor: PersonId,
    request: MentorRequestId,
    answer: Answer,
    now: OffsetDateTime,
) -> Result<MentorRequest, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let Some(mut found) = store::request(db, &scope, request, now).await? else {
        return Err(MentoringError::NotFound);
    };
    if found.mentor_id != mentor {
        return Err(MentoringError::NotFound);
    }
    if found.status != RequestStatus::Pending {
        return Err(conflict(format!(
            "This request is no longer waiting: {}.",
            found.status.label().to_lowercase()
        )));
    }
    let mentor_name = tandem_store::people::get(db, &scope, mentor)
        .await?
        .map(|p| p.display_name())
        .unwrap_or_default();
    let mut tx = db.begin().await?;
    let (status, reason) = match &answer {
        Answer::Accept => (RequestStatus::Accepted, None),
        Answer::Decline(reason) => (
            RequestStatus::Declined,
            match reason.as_deref().map(str::trim) {
                Some(r) if !r.is_empty() => Some(clean_text(r, MAX_REASON_CHARS, "reason")?),
                _ => None,
            },
        ),
    };
    if status == RequestStatus::Accepted {
        let load = store::mentor_load_in(&mut tx, &scope, mentor).await?;
        let capacity = store::capacity_in(&mut tx, &scope, mentor).await?;
        if load >= capacity {
            return Err(conflict(
                "You have no free place. Raise how many mentees you take on your profile first.",
            ));
        }
    }
    if !store::settle_request(&mut tx, &scope, request, status, reason.as_deref(), now).await? {
        return Err(conflict("This request is no longer waiting for an answer."));
    }
    let body = if status == RequestStatus::Accepted {
        let existing = store::mentee_load_in(&mut tx, &scope, found.mentee_id).await?;
        let pair = Mentorship {
            id: MentorshipId::new_random(),
            mentee_id: found.mentee_id,
            mentor_id: mentor,
            role: if existing == 0 {
                MentorRole::Primary
            } else {
                MentorRole::Secondary
            },
            origin: MentorshipOrigin::Request,
            status: MentorshipStatus::Active,
            proposed_at: now,
            started_at: Some(now),
        };
        store::insert_mentorship(&mut tx, &scope, &pair, Some(request)).await?;
        format!(
            "{mentor_name} accepted your request. You can withdraw your other requests in one step."
        )
    } else {
        format!("{mentor_name} declined your request.")
    };
    crate::notify::notify_in(
        &mut tx,
        institution.id.0,
        found.mentee_id,
        &body,
        "/requests",
        &format!("request:{request}:answered"),
        now,
    )
    .await?;
    tx.commit().await?;
    found.status = status;
    found.decided_at = Some(now);
    Ok(found)
}

/// The mentee withdraws one of their pending requests.
pub async fn withdraw(
    db: &Db,
    institution: &Institution,
    mentee: PersonId,
    request: MentorRequestId,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    let scope = InstitutionScope::of(institution);
    let Some(found) = store::request(db, &scope, request, now).await? else {
        return Err(MentoringError::NotFound);
    };
    if found.mentee_id != mentee {
        return Err(MentoringError::NotFound);
    }
    let mut tx = db.begin().await?;
    if !store::settle_request(
        &mut tx,
        &scope,
        request,
        RequestStatus::Withdrawn,
        None,
        now,
    )
    .await?
    {
        return Err(conflict("This request is no longer waiting for an answer."));
    }
    tx.commit().await?;
    Ok(())
}

/// Withdraws all of a mentee's pending requests; returns how many.
pub async fn withdraw_all(
    db: &Db,
    institution: &Institution,
    mentee: PersonId,
    now: OffsetDateTime,
) -> Result<u64, MentoringError> {
    let scope = InstitutionScope::of(institution);
    Ok(store::withdraw_pending(db, &scope, mentee, now).await?)
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sweep {
    pub expired: u64,
    pub reminded: usize,
}

/// Expires the requests that ran out of time and reminds mentors of those
/// about to (in Tandem and, as they prefer, by e-mail through the outbox).
/// Safe to run from several instances at once: each reminder is claimed
/// once, and written under the key `request-reminder:{request id}`.
pub async fn sweep(db: &Db, now: OffsetDateTime) -> Result<Sweep, StoreError> {
    let expired = store::expire_due(db, now).await?;
    let due = store::claim_due_reminders(db, now).await?;
    // Names first, then one short write transaction for the messages.
    let mut notes = Vec::with_capacity(due.len());
    for r in &due {
        let institution =
            tandem_store::institutions::by_id(db, tandem_domain::InstitutionId(r.institution_id))
                .await?;
        let Some(institution) = institution else {
            continue;
        };
        let scope = InstitutionScope::of(&institution);
        let mentee = tandem_store::people::get(db, &scope, r.mentee)
            .await?
            .map(|p| p.display_name())
            .unwrap_or_else(|| "A mentee".into());
        notes.push((
            r.institution_id,
            r.mentor,
            format!(
                "Reminder: {mentee}'s request expires on {} unless you answer.",
                day(r.expires_at)
            ),
            format!("request-reminder:{}", r.request.0),
        ));
    }
    // In-app and, as each mentor prefers, by e-mail; once per request even
    // if a sweep is repeated.
    let mut tx = db.begin().await?;
    for (institution, mentor, body, key) in &notes {
        crate::notify::notify_in(&mut tx, *institution, *mentor, body, "/requests", key, now)
            .await?;
    }
    tx.commit().await?;
    Ok(Sweep {
        expired,
        reminded: due.len(),
    })
}
