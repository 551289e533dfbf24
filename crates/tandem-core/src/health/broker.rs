//! Brokering (M8; the study: the facilitator "could act as a broker when a
//! mentoring relationship is failing"). Either side may ask the program's
//! facilitator for help in confidence; a facilitator may also open a case
//! from an alert. The facilitator keeps a private log of the case and may
//! contact a side, propose a secondary mentor or rematch. The other side
//! learns that help was asked for only if the one who asked agrees; no
//! chair, director or evaluator ever reads a case.

use tandem_domain::{
    AccountId, Institution, MentorRole, Mentorship, MentorshipId, MentorshipOrigin,
    MentorshipStatus, PersonId, Relationship, Side,
};
use tandem_store::health::{self as store, CaseRow, EntryRow};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::mentoring::MentoringError;
use crate::relationships::Mine;

/// Longest request or log entry, in characters.
pub const MAX_CASE_TEXT_CHARS: usize = 4_000;

use crate::mentoring::requests::conflict;

fn refused(text: impl Into<String>) -> MentoringError {
    MentoringError::Refused(text.into())
}

/// What a side asks.
#[derive(Debug, Clone, Default)]
pub struct HelpRequest {
    /// In their words, for the facilitator only.
    pub text: String,
    /// The other side may learn that help was asked for (never the words).
    pub other_may_know: bool,
}

/// `mine`'s side asks the program's facilitator for help with the
/// relationship. Facilitators of the mentee's unit are told (without the
/// words); the other side only if the requester agreed.
pub async fn ask_for_help(
    db: &Db,
    institution: &Institution,
    mine: &Mine,
    req: &HelpRequest,
    now: OffsetDateTime,
) -> Result<CaseRow, MentoringError> {
    let r = &mine.relationship;
    if !r.state.is_active() {
        return Err(conflict(
            "Brokering is for relationships that are under way; an ended one needs none.",
        ));
    }
    let text = crate::mentoring::requests::clean_text(&req.text, MAX_CASE_TEXT_CHARS, "request")?;
    if text.is_empty() {
        return Err(refused(
            "request: say in a few words what is going wrong; only the facilitator reads it.",
        ));
    }
    let scope = InstitutionScope::of(institution);
    if store::cases(db, &scope, Some(r.id))
        .await?
        .iter()
        .any(|c| c.open && c.requested_by == Some(mine.side))
    {
        return Err(conflict(
            "You have already asked, and the case is open: the facilitator will be in touch.",
        ));
    }
    let case = CaseRow {
        id: Uuid::new_v4(),
        mentorship_id: r.id,
        requested_by: Some(mine.side),
        request: text,
        other_may_know: req.other_may_know,
        opened_by: None,
        open: true,
        created_at: now,
        updated_at: now,
    };
    let mut tx = db.begin().await?;
    store::insert_case_in(&mut tx, &scope, &case).await?;
    super::alerts::tell_facilitators_in(
        &mut tx,
        db,
        institution,
        r.mentee_id,
        super::alerts::Notice {
            body: "Someone in your unit asked, in confidence, for help with a mentoring relationship.",
            link: &format!("/program/cases/{}", case.id),
            key: &format!("case:{}:asked", case.id),
        },
        now,
    )
    .await?;
    if req.other_may_know {
        let me = crate::relationships::name_of(db, &scope, r.person(mine.side)).await?;
        crate::notify::notify_in(
            &mut tx,
            institution.id.0,
            mine.other(),
            &format!(
                "{me} asked the program's facilitator to help your mentoring relationship. The \
                 facilitator may get in touch with you; nothing reaches anyone who manages you."
            ),
            &format!("/relationships/{}", r.id),
            &format!("case:{}:other", case.id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(case)
}

/// What one side may know of the cases on their relationship: their own
/// requests (their words, and whether open), and the other side's only
/// where they agreed (never their words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseForSide {
    pub mine: bool,
    pub open: bool,
    pub created_at: OffsetDateTime,
    /// The request's words, for its author only.
    pub request: Option<String>,
}

pub async fn cases_for_side(
    db: &Db,
    scope: &InstitutionScope,
    mine: &Mine,
) -> Result<Vec<CaseForSide>, StoreError> {
    Ok(store::cases(db, scope, Some(mine.relationship.id))
        .await?
        .into_iter()
        .filter_map(|c| {
            if c.requested_by == Some(mine.side) {
                Some(CaseForSide {
                    mine: true,
                    open: c.open,
                    created_at: c.created_at,
                    request: Some(c.request),
                })
            } else if c.requested_by == Some(mine.side.other()) && c.other_may_know {
                Some(CaseForSide {
                    mine: false,
                    open: c.open,
                    created_at: c.created_at,
                    request: None,
                })
            } else {
                None
            }
        })
        .collect())
}

/// What a facilitator can do on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseAction {
    /// A private note.
    Note(String),
    /// Ask one side (or both) to get in touch; they get a neutral notice.
    Contact {
        sides: Vec<Side>,
        message: String,
    },
    /// Propose a secondary mentor to the mentee.
    SecondaryMentor(PersonId),
    /// End the relationship as the program and offer the mentee a new match.
    Rematch,
    Close,
    Reopen,
}

/// A facilitator opens a case on relationship `r` (from an alert).
pub async fn open_case(
    db: &Db,
    institution: &Institution,
    r: &Relationship,
    by: AccountId,
    note: &str,
    now: OffsetDateTime,
) -> Result<CaseRow, MentoringError> {
    if !r.state.is_active() {
        return Err(conflict(
            "This relationship has ended; there is nothing to broker.",
        ));
    }
    let note = crate::mentoring::requests::clean_text(note, MAX_CASE_TEXT_CHARS, "note")?;
    let scope = InstitutionScope::of(institution);
    if let Some(open) = store::cases(db, &scope, Some(r.id))
        .await?
        .into_iter()
        .find(|c| c.open)
    {
        return Ok(open);
    }
    let case = CaseRow {
        id: Uuid::new_v4(),
        mentorship_id: r.id,
        requested_by: None,
        request: String::new(),
        other_may_know: false,
        opened_by: Some(by),
        open: true,
        created_at: now,
        updated_at: now,
    };
    let mut tx = db.begin().await?;
    store::insert_case_in(&mut tx, &scope, &case).await?;
    log_in(&mut tx, &scope, case.id, by, "opened", note, now).await?;
    tx.commit().await?;
    Ok(case)
}

/// Takes `action` on `case` as facilitator `by`; every action is logged.
pub async fn act(
    db: &Db,
    institution: &Institution,
    case: &CaseRow,
    by: AccountId,
    action: CaseAction,
    now: OffsetDateTime,
) -> Result<(), MentoringError> {
    let scope = InstitutionScope::of(institution);
    let r = tandem_store::relationships::get(db, &scope, case.mentorship_id)
        .await?
        .ok_or(MentoringError::NotFound)?;
    let clean =
        |t: &str, what: &str| crate::mentoring::requests::clean_text(t, MAX_CASE_TEXT_CHARS, what);
    let (kind, text) = match &action {
        CaseAction::Note(t) => {
            let t = clean(t, "note")?;
            if t.is_empty() {
                return Err(refused("note: write something to log."));
            }
            ("note", t)
        }
        CaseAction::Contact { sides, message } => {
            if sides.is_empty() {
                return Err(refused("contact: choose the mentee, the mentor or both."));
            }
            let words: Vec<&str> = sides.iter().map(|s| s.label()).collect();
            (
                "contact",
                format!(
                    "Asked to get in touch: {}. {}",
                    words.join(" and "),
                    clean(message, "message")?
                ),
            )
        }
        CaseAction::SecondaryMentor(mentor) => {
            let name = crate::relationships::name_of(db, &scope, *mentor).await?;
            (
                "secondary",
                format!("Proposed {name} as a secondary mentor."),
            )
        }
        CaseAction::Rematch => (
            "rematch",
            "Closed the relationship as the program; the mentee is offered a new match.".into(),
        ),
        CaseAction::Close => ("closed", "Closed the case.".into()),
        CaseAction::Reopen => ("note", "Reopened the case.".into()),
    };
    if !case.open && !matches!(action, CaseAction::Reopen) {
        return Err(conflict("This case is closed; reopen it first."));
    }
    // Effects outside the log first, each refusing with a reason.
    match &action {
        CaseAction::SecondaryMentor(mentor) => {
            propose_secondary(db, institution, &r, *mentor, now).await?;
        }
        CaseAction::Rematch => {
            crate::relationships::end_by_program(db, institution, r.id, now).await?;
        }
        _ => {}
    }
    let mut tx = db.begin().await?;
    if let CaseAction::Contact { sides, message } = &action {
        for side in sides {
            let extra = message.trim();
            crate::notify::notify_in(
                &mut tx,
                institution.id.0,
                r.person(*side),
                &format!(
                    "The program's mentoring facilitator would like a word with you about your \
                     mentoring relationship, in confidence.{}{}",
                    if extra.is_empty() { "" } else { " " },
                    extra
                ),
                &format!("/relationships/{}", r.id),
                &format!(
                    "case:{}:contact:{}:{}",
                    case.id,
                    side.code(),
                    now.unix_timestamp()
                ),
                now,
            )
            .await?;
        }
    }
    log_in(&mut tx, &scope, case.id, by, kind, text, now).await?;
    match action {
        CaseAction::Close | CaseAction::Rematch => {
            store::set_case_open_in(&mut tx, &scope, case.id, false, now).await?
        }
        CaseAction::Reopen => store::set_case_open_in(&mut tx, &scope, case.id, true, now).await?,
        _ => {}
    }
    tx.commit().await?;
    Ok(())
}

/// Adds one entry to a case's private log, inside `tx`.
async fn log_in(
    tx: &mut tandem_store::DbTx,
    scope: &InstitutionScope,
    case: Uuid,
    by: AccountId,
    kind: &str,
    text: String,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    store::add_entry_in(
        tx,
        scope,
        &EntryRow {
            id: Uuid::new_v4(),
            case_id: case,
            author: by,
            kind: kind.into(),
            text,
            created_at: now,
        },
    )
    .await
}

/// Proposes `mentor` as a secondary mentor to `r`'s mentee, under the same
/// hard exclusions as any match: never someone in the mentee's reporting
/// line, controlling their resources, barred, full or kept apart.
pub async fn propose_secondary(
    db: &Db,
    institution: &Institution,
    r: &Relationship,
    mentor: PersonId,
    now: OffsetDateTime,
) -> Result<MentorshipId, MentoringError> {
    let scope = InstitutionScope::of(institution);
    if mentor == r.mentor_id || mentor == r.mentee_id {
        return Err(refused("Choose someone other than the two of them."));
    }
    let pool = crate::mentoring::MentoringPool::load(db, &scope).await?;
    let (Some(mentee), Some(candidate)) = (pool.person(r.mentee_id), pool.person(mentor)) else {
        return Err(MentoringError::NotFound);
    };
    let exclusions = pool.exclusions(mentee, candidate);
    if let Some(first) = exclusions.first() {
        return Err(refused(format!(
            "{} cannot be proposed: {}.",
            candidate.display_name(),
            first.explain()
        )));
    }
    let proposal = Mentorship {
        id: MentorshipId::new_random(),
        mentee_id: r.mentee_id,
        mentor_id: mentor,
        role: MentorRole::Secondary,
        origin: MentorshipOrigin::Round,
        status: MentorshipStatus::Proposed,
        proposed_at: now,
        started_at: None,
    };
    let mut tx = db.begin().await?;
    tandem_store::mentoring::insert_mentorship(&mut tx, &scope, &proposal, None)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => conflict(format!(
                "{} and {} are already paired or proposed.",
                mentee.display_name(),
                candidate.display_name()
            )),
            other => other.into(),
        })?;
    for (to, other) in [(r.mentee_id, candidate), (mentor, mentee)] {
        crate::notify::notify_in(
            &mut tx,
            institution.id.0,
            to,
            &format!(
                "The program's facilitator proposes {} and you as a secondary mentoring pair. \
                 Please accept or decline.",
                other.display_name()
            ),
            "/requests",
            &format!("secondary:{}:{to}", proposal.id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(proposal.id)
}
