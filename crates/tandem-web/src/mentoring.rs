//! What the mentoring pages and the API share: resolving the caller's own
//! person under the policy, reading filters, and turning the core's
//! refusals into clear errors.

use serde::Deserialize;
use tandem_core::mentoring::{MentoringError, SuggestionFilter};
use tandem_core::policy::{Action, Target};
use tandem_domain::{DivisionId, Institution, PersonProfile, Rank, Stream};
use tandem_store::InstitutionScope;

use crate::authz::authorize;
use crate::guard::Actor;
use crate::{AppError, AppState};

impl From<MentoringError> for AppError {
    fn from(e: MentoringError) -> Self {
        match e {
            MentoringError::Refused(text) => AppError::BadRequest(text),
            MentoringError::Conflict(text) => AppError::Conflict(text),
            MentoringError::NotAllowed(text) => AppError::NotAllowed(text),
            MentoringError::NotFound => AppError::NotFound,
            MentoringError::Store(s) => s.into(),
        }
    }
}

/// The caller's institution and own person, after the policy allowed
/// `action` on them. Accounts without a person (evaluators, admins) get
/// 404: there is nothing of theirs to act on.
pub async fn own_person(
    state: &AppState,
    actor: &Actor,
    action: Action,
) -> Result<(Institution, PersonProfile), AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    let person = actor.0.person.ok_or(AppError::NotFound)?;
    let scope = InstitutionScope::of(&institution);
    let profile = tandem_store::people::get(&state.db, &scope, person)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(state, actor, action, Target::person(&profile)).await?;
    Ok((institution, profile))
}

/// The suggestion filters as they arrive in a query string.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct SuggestionQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub division: String,
    #[serde(default)]
    pub rank: String,
    #[serde(default)]
    pub stream: String,
    #[serde(default)]
    pub interest: String,
}

fn optional(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.chars().take(200).collect())
}

impl SuggestionQuery {
    /// Parses the filters; a malformed one is a 400 naming the field.
    pub fn filter(&self) -> Result<SuggestionFilter, AppError> {
        let division = optional(&self.division)
            .map(|d| {
                d.parse::<DivisionId>().map_err(|_| {
                    AppError::BadRequest("division: expected a division from the list".into())
                })
            })
            .transpose()?;
        Ok(SuggestionFilter {
            query: optional(&self.q),
            division,
            rank: optional(&self.rank).map(|r| Rank::parse(&r)).transpose()?,
            stream: optional(&self.stream)
                .map(|s| Stream::parse(&s))
                .transpose()?,
            interest: optional(&self.interest),
        })
    }
}

pub fn request_id(raw: &str) -> Result<tandem_domain::MentorRequestId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// The caller answers a request addressed to them (page and API alike).
pub async fn answer_request(
    state: &AppState,
    actor: &Actor,
    id: &str,
    answer: tandem_core::mentoring::requests::Answer,
) -> Result<tandem_domain::MentorRequest, AppError> {
    let (institution, me) = own_person(state, actor, Action::AnswerRequests).await?;
    Ok(tandem_core::mentoring::requests::answer(
        &state.db,
        &institution,
        me.id,
        request_id(id)?,
        answer,
        state.auth.clock.now(),
    )
    .await?)
}

/// The caller withdraws one of their pending requests.
pub async fn withdraw_request(state: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    let (institution, me) = own_person(state, actor, Action::FindMentor).await?;
    Ok(tandem_core::mentoring::requests::withdraw(
        &state.db,
        &institution,
        me.id,
        request_id(id)?,
        state.auth.clock.now(),
    )
    .await?)
}

/// How many suggestions a page or an API call shows at most.
pub const SUGGESTION_LIMIT: usize = 20;
