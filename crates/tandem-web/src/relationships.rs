//! What the relationship pages and API share: resolving a relationship
//! for the caller under the policy. A relationship of another institution
//! (or none) is 404; one of the caller's institution that they are not a
//! side of is refused by the policy (403, audited) whatever their role:
//! no chair, director or facilitator reads a pair's agreement or notes.

use serde::Deserialize;
use tandem_core::policy::{Action, Target};
use tandem_core::relationships::{EndingInput, Mine};
use tandem_domain::{FailureFactor, Institution, MentorshipId};
use tandem_store::InstitutionScope;

use crate::authz::authorize;
use crate::guard::Actor;
use crate::{AppError, AppState};

/// Parses a relationship id from a path; anything else is 404.
pub fn relationship_id(raw: &str) -> Result<MentorshipId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// The caller's institution and their side of relationship `raw_id`,
/// after the policy allowed them to take part in it.
pub async fn my_relationship(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
) -> Result<(Institution, Mine), AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    let mine = relationship_in(state, actor, &institution, relationship_id(raw_id)?).await?;
    Ok((institution, mine))
}

/// The caller's side of relationship `id` of `institution`, after the
/// policy allowed them to take part in it.
async fn relationship_in(
    state: &AppState,
    actor: &Actor,
    institution: &Institution,
    id: MentorshipId,
) -> Result<Mine, AppError> {
    let scope = InstitutionScope::of(institution);
    let relationship = tandem_store::relationships::get(&state.db, &scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(
        state,
        actor,
        Action::TakePartInRelationship,
        Target::relationship(
            institution.id,
            relationship.mentee_id,
            relationship.mentor_id,
        ),
    )
    .await?;
    let person = actor.0.person.ok_or(AppError::NotFound)?;
    let side = relationship.side_of(person).ok_or(AppError::NotFound)?;
    Ok(Mine { relationship, side })
}

/// The ending form as it arrives from a page or as JSON.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EndingForm {
    /// Failure factor codes that apply (private).
    #[serde(default)]
    pub factors: Vec<String>,
    /// A private note only the author will ever see.
    #[serde(default)]
    pub note: String,
    /// True: never match the two again. Over the API it is a JSON boolean
    /// and nothing else, as the OpenAPI document says (a page's "yes" is
    /// read by [`EndingForm::from_form`]): text such as "true" used to be
    /// read as false, silently.
    #[serde(default)]
    pub keep_apart: bool,
}

impl EndingForm {
    /// Reads a page's form body, where `factors` may repeat.
    pub fn from_form(body: &[u8]) -> EndingForm {
        let mut form = EndingForm::default();
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "factors" => form.factors.push(value.into_owned()),
                "note" => form.note = value.into_owned(),
                "keep_apart" => form.keep_apart = value == "yes",
                _ => {}
            }
        }
        form
    }

    /// Parses the factor codes; an unknown one is a 400 naming it.
    pub fn input(&self) -> Result<EndingInput, AppError> {
        let factors = self
            .factors
            .iter()
            .filter(|f| !f.trim().is_empty())
            .map(|f| FailureFactor::parse(f))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(EndingInput {
            factors,
            note: self.note.clone(),
            keep_apart: self.keep_apart,
        })
    }
}

/// The caller's institution, their side of the relationship, and the
/// meeting `raw_id`, after the policy allowed them to take part in the
/// relationship it belongs to.
pub async fn my_meeting(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
) -> Result<(Institution, Mine, tandem_domain::meeting::Meeting), AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    let id: tandem_domain::MeetingId = raw_id.parse().map_err(|_| AppError::NotFound)?;
    let meeting = tandem_store::meetings::get(&state.db, &InstitutionScope::of(&institution), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mine = relationship_in(state, actor, &institution, meeting.mentorship_id).await?;
    Ok((institution, mine, meeting))
}

/// The same for an action item.
pub async fn my_action(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
) -> Result<(Institution, Mine, tandem_domain::meeting::ActionItem), AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    let id: tandem_domain::ActionItemId = raw_id.parse().map_err(|_| AppError::NotFound)?;
    let item = tandem_store::meetings::action(&state.db, &InstitutionScope::of(&institution), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mine = relationship_in(state, actor, &institution, item.mentorship_id).await?;
    Ok((institution, mine, item))
}

/// A date and time typed into a form ("2026-12-02" and "15:00"), as UTC.
pub fn parse_slot_time(date: &str, clock: &str) -> Result<time::OffsetDateTime, AppError> {
    let day = time::Date::parse(
        date.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| AppError::BadRequest("date: expected a date like 2026-12-02".into()))?;
    let at = time::Time::parse(
        clock.trim(),
        time::macros::format_description!("[hour]:[minute]"),
    )
    .map_err(|_| AppError::BadRequest("time: expected a time like 15:00".into()))?;
    Ok(day.with_time(at).assume_utc())
}

/// The name of the person on the other side of `mine`.
pub async fn other_name(
    state: &AppState,
    institution: &Institution,
    mine: &Mine,
) -> Result<String, AppError> {
    Ok(
        tandem_store::people::get(&state.db, &InstitutionScope::of(institution), mine.other())
            .await?
            .map(|p| p.display_name())
            .unwrap_or_default(),
    )
}
