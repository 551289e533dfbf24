//! The daily life of a mentorship (M3-M8): every change to a relationship
//! goes through the domain's state machine and is written with
//! compare-and-set, so two people acting at once cannot both win. Ending
//! is no-fault: the other side gets a neutral notice, the private reason
//! stays with its author (the program sees only de-identified counts from
//! five endings up), a mentee is offered new suggestions at once, and
//! either side may ask not to be matched again.

pub mod agreement;
pub mod ending;
pub mod feed;
pub mod meetings;
pub mod plan;
pub mod reminders;

use tandem_domain::relationship::{Action, TransitionError, apply};
use tandem_domain::{
    FailureFactor, Institution, MentorshipId, PersonId, Relationship, RelationshipState, Side,
};
use tandem_store::relationships as store;
use tandem_store::{Db, InstitutionScope};
use time::OffsetDateTime;

use crate::mentoring::MentoringError;

pub use ending::{EndingReasons, ending_reasons};

/// Longest private note with an ending, in characters.
pub const MAX_ENDING_NOTE_CHARS: usize = 2_000;

/// A relationship as one of its two sides sees it.
#[derive(Debug, Clone)]
pub struct Mine {
    pub relationship: Relationship,
    pub side: Side,
}

impl Mine {
    /// The person on the other side.
    pub fn other(&self) -> PersonId {
        self.relationship.person(self.side.other())
    }
}

/// Loads relationship `id` for `person`, who must be one of its sides;
/// anyone else gets `NotFound`, exactly as if it did not exist.
pub async fn mine(
    db: &Db,
    scope: &InstitutionScope,
    id: MentorshipId,
    person: PersonId,
) -> Result<Mine, MentoringError> {
    let relationship = store::get(db, scope, id)
        .await?
        .ok_or(MentoringError::NotFound)?;
    let side = relationship
        .side_of(person)
        .ok_or(MentoringError::NotFound)?;
    Ok(Mine { relationship, side })
}

/// Every relationship `person` is in, with their side in each.
pub async fn all_mine(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<Vec<Mine>, MentoringError> {
    Ok(store::of_person(db, scope, person)
        .await?
        .into_iter()
        .filter_map(|relationship| {
            let side = relationship.side_of(person)?;
            Some(Mine { relationship, side })
        })
        .collect())
}

/// The state machine's refusal: not a party is a matter of who (403); the
/// rest are about the relationship's state now (409).
fn transition_refused(e: TransitionError) -> MentoringError {
    match e {
        TransitionError::NotAParty => MentoringError::NotAllowed(format!("{e}.")),
        TransitionError::Ended | TransitionError::NotNow(_) => {
            MentoringError::Conflict(format!("{e}."))
        }
    }
}

fn changed_meanwhile() -> MentoringError {
    MentoringError::Conflict(
        "Someone changed this relationship while you were looking at it. Reload the page and \
         try again."
            .into(),
    )
}

pub(crate) async fn name_of(
    db: &Db,
    scope: &InstitutionScope,
    person: PersonId,
) -> Result<String, MentoringError> {
    Ok(tandem_store::people::get(db, scope, person)
        .await?
        .map(|p| p.display_name())
        .unwrap_or_else(|| "Your colleague".into()))
}

fn link(id: MentorshipId) -> String {
    format!("/relationships/{id}")
}

/// `person` accepts or declines a proposed relationship, or proposes (or
/// agrees) to close an active one as completed. Ending is [`end`].
pub async fn act(
    db: &Db,
    institution: &Institution,
    id: MentorshipId,
    person: PersonId,
    action: Action,
    now: OffsetDateTime,
) -> Result<Relationship, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let Mine { relationship, side } = mine(db, &scope, id, person).await?;
    if action == Action::End {
        return Err(MentoringError::Refused("Ending has its own form.".into()));
    }
    let to = apply(relationship.state, side.party(), action).map_err(transition_refused)?;
    let other = relationship.person(side.other());
    let me = name_of(db, &scope, person).await?;
    let mut tx = db.begin().await?;
    if !store::save_state_in(&mut tx, &scope, &relationship, to, now).await? {
        return Err(changed_meanwhile());
    }
    let notice = match (relationship.state, to) {
        (_, RelationshipState::Active { .. }) if !relationship.state.is_active() => Some(format!(
            "Your mentoring relationship with {me} has started. Begin with the agreement."
        )),
        (
            _,
            RelationshipState::Active {
                completion_proposed_by: Some(_),
            },
        ) => Some(format!(
            "{me} proposes to close your relationship as completed. Agree on its page if you do too."
        )),
        (_, RelationshipState::Ended { .. }) if action == Action::Complete => Some(format!(
            "Your mentoring relationship with {me} is now closed as completed."
        )),
        (_, RelationshipState::Ended { .. }) => Some(format!(
            "The proposed mentoring relationship with {me} will not go ahead."
        )),
        _ => None,
    };
    if let Some(body) = notice {
        let key = format!("relationship:{id}:v{}", relationship.version + 1);
        crate::notify::notify_in(
            &mut tx,
            institution.id.0,
            other,
            &body,
            &link(id),
            &key,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let mut after = relationship;
    after.state = to;
    after.version += 1;
    Ok(after)
}

/// What the side ending a relationship may add. All of it optional.
#[derive(Debug, Clone, Default)]
pub struct EndingInput {
    /// The study's failure factors that apply, privately.
    pub factors: Vec<FailureFactor>,
    /// A private note; only its author ever sees it.
    pub note: String,
    /// Never propose the two of them to each other again.
    pub keep_apart: bool,
}

/// `person` ends relationship `id` (or declines it while proposed), no
/// reason needed. The other side gets a neutral notice that says nothing
/// of who ended it or why; a mentee is offered a new match.
pub async fn end(
    db: &Db,
    institution: &Institution,
    id: MentorshipId,
    person: PersonId,
    input: &EndingInput,
    now: OffsetDateTime,
) -> Result<Relationship, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let note =
        crate::mentoring::requests::clean_text(&input.note, MAX_ENDING_NOTE_CHARS, "private note")?;
    let Mine { relationship, side } = mine(db, &scope, id, person).await?;
    let action = if matches!(relationship.state, RelationshipState::Proposed { .. }) {
        Action::Decline
    } else {
        Action::End
    };
    let to = apply(relationship.state, side.party(), action).map_err(transition_refused)?;
    let other = relationship.person(side.other());
    let mentee = relationship.mentee_id;
    let me = name_of(db, &scope, person).await?;
    let mut tx = db.begin().await?;
    if !store::save_state_in(&mut tx, &scope, &relationship, to, now).await? {
        return Err(changed_meanwhile());
    }
    if !input.factors.is_empty() || !note.is_empty() {
        let mut factors = input.factors.clone();
        factors.sort();
        factors.dedup();
        store::save_ending_reason_in(&mut tx, &scope, id, side, &factors, &note, now).await?;
    }
    // The same words whoever ended it: no blame, no reason.
    let neutral = format!(
        "Your mentoring relationship with {me} has ended. Endings in this program are \
         no-fault: no reason is shared with you or with anyone who manages you."
    );
    crate::notify::notify_in(
        &mut tx,
        institution.id.0,
        other,
        &neutral,
        &link(id),
        &format!("relationship:{id}:ended"),
        now,
    )
    .await?;
    if other == mentee {
        crate::notify::notify_in(
            &mut tx,
            institution.id.0,
            mentee,
            "Suggestions for a new mentor are ready whenever you are.",
            "/mentors",
            &format!("relationship:{id}:rematch"),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    // Outside the transaction: both are idempotent and neither may undo
    // the ending if it fails.
    if input.keep_apart {
        tandem_store::mentoring::add_do_not_match(db, &scope, person, other, now).await?;
    }
    if to
        != (RelationshipState::Ended {
            ending: tandem_domain::Ending::Declined,
        })
    {
        tandem_store::mentoring::mark_looking(db, &scope, mentee, now).await?;
    }
    let mut after = relationship;
    after.state = to;
    after.version += 1;
    after.ended_at = Some(now);
    Ok(after)
}

/// The program ends relationship `id` (a proposal or an active pair):
/// both sides get the same neutral notice, and the mentee is offered a new
/// match.
pub async fn end_by_program(
    db: &Db,
    institution: &Institution,
    id: MentorshipId,
    now: OffsetDateTime,
) -> Result<Relationship, MentoringError> {
    let scope = InstitutionScope::of(institution);
    let relationship = store::get(db, &scope, id)
        .await?
        .ok_or(MentoringError::NotFound)?;
    let to = apply(
        relationship.state,
        tandem_domain::relationship::Party::Program,
        Action::End,
    )
    .map_err(transition_refused)?;
    let names = [
        name_of(db, &scope, relationship.mentee_id).await?,
        name_of(db, &scope, relationship.mentor_id).await?,
    ];
    let mut tx = db.begin().await?;
    if !store::save_state_in(&mut tx, &scope, &relationship, to, now).await? {
        return Err(changed_meanwhile());
    }
    for (person, other) in [
        (relationship.mentee_id, &names[1]),
        (relationship.mentor_id, &names[0]),
    ] {
        crate::notify::notify_in(
            &mut tx,
            institution.id.0,
            person,
            &format!(
                "The program has closed your mentoring relationship with {other}. This says \
                 nothing about either of you, and no reason is shared with anyone who manages you."
            ),
            &link(id),
            &format!("relationship:{id}:ended:{person}"),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    tandem_store::mentoring::mark_looking(db, &scope, relationship.mentee_id, now).await?;
    let mut after = relationship;
    after.state = to;
    after.version += 1;
    after.ended_at = Some(now);
    Ok(after)
}
