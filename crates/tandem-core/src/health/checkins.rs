//! Check-ins (M7): each side answers the program's instrument on their own
//! and in confidence: first some days after the start, then on the
//! program's rhythm, reminded when one falls due and again a week later.
//! Anyone may also check in early, when something is on their mind; the
//! newest answers speak for them. The other side never reads them.

use tandem_domain::health::{Answers, Instrument, Round};
use tandem_domain::{Institution, MentorshipId, Side};
use tandem_store::health::{self as store, CheckinRow};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;

use crate::mentoring::MentoringError;
use crate::relationships::Mine;

/// Longest comment with a check-in, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// Days after a check-in falls due that an unanswered one is reminded again.
pub const REMIND_AGAIN_AFTER_DAYS: i64 = 7;
/// A round due longer ago than this is not reminded (a new deployment
/// does not chase old rounds).
pub const REMIND_WITHIN_DAYS: i64 = 30;

/// What one side sends.
#[derive(Debug, Clone, Default)]
pub struct CheckinInput {
    pub answers: Answers,
    /// Optional words; private unless `share_comment`.
    pub comment: String,
    /// The author lets the program's facilitator read the comment.
    pub share_comment: bool,
}

/// Where one side stands with check-ins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The round due now (the latest whose date has passed), if any.
    pub current: Option<Round>,
    /// Whether this side answered since the current round fell due.
    pub answered_current: bool,
    /// The next round.
    pub next: Round,
    /// When this side last checked in.
    pub last: Option<OffsetDateTime>,
}

impl Due {
    /// A check-in is waiting for this side.
    pub fn waiting(&self) -> bool {
        self.current.is_some() && !self.answered_current
    }
}

fn round_state(
    schedule: tandem_domain::health::CheckinSchedule,
    started: OffsetDateTime,
    mine: &[CheckinRow],
    now: OffsetDateTime,
) -> Due {
    let started = started.date();
    let current = schedule.current(started, now.date());
    let last = mine.iter().map(|c| c.submitted_at).max();
    let answered_current = match (current, last) {
        (Some(round), Some(at)) => at.date() >= round.due_on,
        _ => false,
    };
    Due {
        current,
        answered_current,
        next: schedule.next(started, now.date()),
        last,
    }
}

/// `mine`'s side's check-in state, and their own past check-ins (newest
/// first).
pub async fn due(
    db: &Db,
    scope: &InstitutionScope,
    mine: &Mine,
    now: OffsetDateTime,
) -> Result<(Due, Vec<CheckinRow>), StoreError> {
    let schedule = super::settings::load(db, scope).await?.schedule();
    let own = store::checkins(db, scope, Some(mine.relationship.id), Some(mine.side)).await?;
    let r = &mine.relationship;
    Ok((
        round_state(schedule, r.started_at.unwrap_or(r.proposed_at), &own, now),
        own,
    ))
}

/// Stores `mine`'s side's answers to the program's current instrument.
/// Nothing is stored when any answer is off the scale or unknown.
pub async fn submit(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    input: &CheckinInput,
    now: OffsetDateTime,
) -> Result<CheckinRow, MentoringError> {
    if !mine.relationship.state.is_active() {
        return Err(MentoringError::Conflict(
            "Check-ins are for relationships that are under way.".into(),
        ));
    }
    let scope = InstitutionScope::of(institution);
    let instrument = super::settings::current_instrument(db, &scope).await?;
    instrument
        .check_answers(&input.answers)
        .map_err(|e| MentoringError::Refused(e.to_string()))?;
    let comment =
        crate::mentoring::requests::clean_text(&input.comment, MAX_COMMENT_CHARS, "comment")?;
    let (state, _) = due(db, &scope, mine, now).await?;
    let round = match state.current {
        Some(r) if !state.answered_current => r.number,
        _ => state.next.number.saturating_sub(1).max(1),
    };
    let row = CheckinRow {
        id: uuid::Uuid::new_v4(),
        mentorship_id: mine.relationship.id,
        side: mine.side,
        round: i32::try_from(round).unwrap_or(i32::MAX),
        instrument_code: instrument.code.clone(),
        answers_json: serde_json::to_string(&input.answers)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        share_comment: input.share_comment && !comment.is_empty(),
        comment,
        submitted_at: now,
    };
    let mut tx = db.begin().await?;
    store::insert_checkin_in(&mut tx, &scope, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// The author changes their mind about sharing a comment.
pub async fn set_consent(
    db: &Db,
    scope: &InstitutionScope,
    mine: &Mine,
    checkin: uuid::Uuid,
    share: bool,
) -> Result<(), MentoringError> {
    if store::set_comment_consent(db, scope, mine.relationship.id, mine.side, checkin, share)
        .await?
    {
        Ok(())
    } else {
        Err(MentoringError::NotFound)
    }
}

/// Parses one stored check-in's answers against `instrument`, as
/// (question, answer label) in the instrument's order: for its author.
pub fn answered(row: &CheckinRow, instrument: &Instrument) -> Vec<(String, String)> {
    let answers: Answers = serde_json::from_str(&row.answers_json).unwrap_or_default();
    instrument
        .items
        .iter()
        .map(|i| {
            (
                i.text.clone(),
                answers
                    .get(&i.code)
                    .map(|v| instrument.label(*v).to_string())
                    .unwrap_or_else(|| "Skipped".into()),
            )
        })
        .collect()
}

/// What the reminder sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reminded {
    pub reminders: usize,
}

/// Reminds each side whose check-in is due and unanswered: once when it
/// falls due, once more a week later. Keyed per relationship, round, side
/// and reminder, so however many instances sweep, each goes out once.
pub async fn remind(db: &Db, now: OffsetDateTime) -> Result<Reminded, StoreError> {
    let mut done = Reminded::default();
    for institution in tandem_store::institutions::list(db).await? {
        let scope = InstitutionScope::of(&institution);
        let schedule = super::settings::load(db, &scope).await?.schedule();
        let active: Vec<_> = tandem_store::relationships::all(db, &scope)
            .await?
            .into_iter()
            .filter(|r| r.state.is_active())
            .collect();
        if active.is_empty() {
            continue;
        }
        let mut last: std::collections::BTreeMap<(MentorshipId, Side), OffsetDateTime> =
            std::collections::BTreeMap::new();
        for c in store::checkins(db, &scope, None, None).await? {
            let e = last
                .entry((c.mentorship_id, c.side))
                .or_insert(c.submitted_at);
            *e = (*e).max(c.submitted_at);
        }
        for r in active {
            let started = r.started_at.unwrap_or(r.proposed_at).date();
            let Some(round) = schedule.current(started, now.date()) else {
                continue;
            };
            let since = (now.date() - round.due_on).whole_days();
            if since > REMIND_WITHIN_DAYS {
                continue;
            }
            for side in [Side::Mentee, Side::Mentor] {
                if last
                    .get(&(r.id, side))
                    .is_some_and(|at| at.date() >= round.due_on)
                {
                    continue;
                }
                let again = since >= REMIND_AGAIN_AFTER_DAYS;
                let key = format!(
                    "checkin:{}:{}:{}{}",
                    r.id,
                    round.number,
                    side.code(),
                    if again { ":again" } else { "" }
                );
                let body = if again {
                    "A gentle reminder: your relationship check-in is still open. It takes five \
                     minutes, and your answers stay confidential."
                } else {
                    "Your relationship check-in is due. It takes about five minutes; you answer on \
                     your own and in confidence, and your mentoring partner never sees your answers."
                };
                let mut tx = db.begin().await?;
                let fresh = crate::notify::notify_in(
                    &mut tx,
                    institution.id.0,
                    r.person(side),
                    body,
                    &format!("/relationships/{}/checkin", r.id),
                    &key,
                    now,
                )
                .await?;
                tx.commit().await?;
                if fresh {
                    done.reminders += 1;
                }
            }
        }
    }
    Ok(done)
}
