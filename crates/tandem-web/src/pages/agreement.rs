//! The agreement page: the version in force (or waiting for signatures),
//! signing it, writing a new version, the yearly review, and the history.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::mentoring::requests::day;
use tandem_core::relationships::agreement::{self, Agreement};
use tandem_domain::Side;
use tandem_domain::agreement::{AgreementTerms, Cadence};
use tandem_store::InstitutionScope;

use super::{Nav, PageError, render};
use crate::guard::Actor;
use crate::relationships::my_relationship;
use crate::{AppError, AppState};

/// The agreement form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AgreementForm {
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub cadence: String,
    #[serde(default)]
    pub contact_between: String,
    #[serde(default)]
    pub mentee_expects: String,
    #[serde(default)]
    pub mentor_expects: String,
    #[serde(default)]
    pub authorship: String,
    #[serde(default)]
    pub confidentiality: String,
    #[serde(default)]
    pub review_turnaround_days: String,
}

impl AgreementForm {
    pub fn from_terms(t: &AgreementTerms) -> Self {
        AgreementForm {
            goals: t.goals.clone(),
            cadence: t.cadence.code().into(),
            contact_between: t.contact_between.clone(),
            mentee_expects: t.mentee_expects.clone(),
            mentor_expects: t.mentor_expects.clone(),
            authorship: t.authorship.clone(),
            confidentiality: t.confidentiality.clone(),
            review_turnaround_days: t.review_turnaround_days.to_string(),
        }
    }

    /// The terms, or the first problem (naming the field).
    pub fn terms(&self, exit_clause: &str) -> Result<AgreementTerms, String> {
        let terms = AgreementTerms {
            goals: self.goals.trim().into(),
            cadence: Cadence::parse(&self.cadence).map_err(|e| e.to_string())?,
            contact_between: self.contact_between.trim().into(),
            mentee_expects: self.mentee_expects.trim().into(),
            mentor_expects: self.mentor_expects.trim().into(),
            authorship: self.authorship.trim().into(),
            confidentiality: self.confidentiality.trim().into(),
            review_turnaround_days: AgreementTerms::parse_turnaround(&self.review_turnaround_days)
                .map_err(|e| e.to_string())?,
            exit_clause: exit_clause.into(),
        };
        terms.validate().map_err(|e| e.to_string())?;
        Ok(terms)
    }
}

/// One version in the history list.
pub struct VersionRow {
    pub version: i32,
    pub written: String,
    pub signed: &'static str,
}

/// The version shown at the top.
pub struct CurrentView {
    pub version: i32,
    pub terms: AgreementTerms,
    pub i_signed: Option<String>,
    pub other_signed: Option<String>,
    pub in_force: bool,
    pub review_on: String,
    pub review_due: bool,
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementTemplate {
    nav: Nav,
    csrf: String,
    id: String,
    other_name: String,
    active: bool,
    current: Option<CurrentView>,
    form: AgreementForm,
    cadences: Vec<(&'static str, &'static str)>,
    exit_clause: String,
    history: Vec<VersionRow>,
    errors: Vec<String>,
    editing: bool,
    flash: Option<&'static str>,
}

fn signed_on(a: &Agreement, side: Side) -> Option<String> {
    match side {
        Side::Mentee => a.mentee_signed_at,
        Side::Mentor => a.mentor_signed_at,
    }
    .map(day)
}

#[derive(Deserialize, Default)]
pub struct AgreementQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    edit: Option<String>,
}

async fn page(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    form: Option<AgreementForm>,
    errors: Vec<String>,
    q: &AgreementQuery,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(state, actor, raw_id).await?;
    let scope = InstitutionScope::of(&institution);
    let id = mine.relationship.id;
    let versions = agreement::history(&state.db, &scope, id).await?;
    let template = agreement::template(&state.db, &scope).await?;
    let today = state.auth.clock.now().date();
    let other_name = crate::relationships::other_name(state, &institution, &mine).await?;
    let current = versions.first().map(|a| CurrentView {
        version: a.version,
        terms: a.terms.clone(),
        i_signed: signed_on(a, mine.side),
        other_signed: signed_on(a, mine.side.other()),
        in_force: a.in_force(),
        review_on: tandem_core::mentoring::requests::date(a.review_on),
        review_due: a.in_force() && a.review_due(today),
    });
    let draft = versions
        .first()
        .map(|a| a.terms.clone())
        .unwrap_or_else(|| template.clone());
    let editing = form.is_some() || versions.is_empty() || q.edit.is_some();
    let flash = match q.done.as_deref() {
        Some("written") => {
            Some("Saved as a new version. Sign it below; the other side is asked to sign too.")
        }
        Some("signed") => Some("Signed."),
        _ => None,
    };
    let nav = Nav::for_actor(actor);
    Ok(render(&AgreementTemplate {
        csrf: nav.csrf.clone(),
        nav,
        id: id.to_string(),
        other_name,
        active: mine.relationship.state.is_active(),
        current,
        form: form.unwrap_or_else(|| AgreementForm::from_terms(&draft)),
        cadences: Cadence::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        exit_clause: template.exit_clause,
        history: versions
            .iter()
            .map(|a| VersionRow {
                version: a.version,
                written: format!(
                    "written by the {} on {}",
                    a.written_by.code(),
                    day(a.created_at)
                ),
                signed: if a.in_force() {
                    "signed by both"
                } else {
                    "not signed by both"
                },
            })
            .collect(),
        errors,
        editing,
        flash,
    }))
}

pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(q): Query<AgreementQuery>,
) -> Result<Response, PageError> {
    page(&state, &actor, &id, None, vec![], &q).await
}

pub async fn write(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<AgreementForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let scope = InstitutionScope::of(&institution);
    let exit = agreement::template(&state.db, &scope).await?.exit_clause;
    let terms = match form.terms(&exit) {
        Ok(terms) => terms,
        Err(problem) => {
            let mut response = page(
                &state,
                &actor,
                &id,
                Some(form),
                vec![problem],
                &AgreementQuery::default(),
            )
            .await?;
            *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            return Ok(response);
        }
    };
    agreement::write(
        &state.db,
        &institution,
        mine.relationship.id,
        mine.relationship.person(mine.side),
        terms,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/agreement?done=written")).into_response())
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    version: String,
}

pub async fn sign(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SignForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let version: i32 = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("version: expected the version you read".into()))?;
    agreement::sign(
        &state.db,
        &institution,
        mine.relationship.id,
        mine.relationship.person(mine.side),
        version,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/agreement?done=signed")).into_response())
}

#[derive(Template)]
#[template(path = "agreement_template.html")]
struct ProgramTemplatePage {
    nav: Nav,
    form: AgreementForm,
    exit_clause: String,
    cadences: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// The program's template: what every new agreement starts from, and the
/// wording of its no-fault exit clause (which pairs cannot remove).
pub async fn program_template(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let institution = super::program_institution(&state, &actor).await?;
    let terms = agreement::template(&state.db, &InstitutionScope::of(&institution)).await?;
    Ok(render(&ProgramTemplatePage {
        nav: Nav::for_actor(&actor),
        form: AgreementForm::from_terms(&terms),
        exit_clause: terms.exit_clause,
        cadences: Cadence::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        errors: vec![],
        saved: q.saved.is_some(),
    }))
}

#[derive(Deserialize, Default)]
pub struct TemplateForm {
    #[serde(flatten)]
    terms: AgreementForm,
    #[serde(default)]
    exit_clause: String,
}

pub async fn save_program_template(
    State(state): State<AppState>,
    actor: Actor,
    axum::Form(form): axum::Form<TemplateForm>,
) -> Result<Response, PageError> {
    let institution = super::program_institution(&state, &actor).await?;
    // Goals are each pair's own: a template may leave them empty.
    let mut check = form.terms.clone();
    if check.goals.trim().is_empty() {
        check.goals = "(each pair's own)".into();
    }
    let result = check.terms(form.exit_clause.trim()).map(|mut terms| {
        terms.goals = form.terms.goals.trim().into();
        terms
    });
    let saved = match result {
        Ok(terms) => agreement::save_template(
            &state.db,
            &InstitutionScope::of(&institution),
            &terms,
            state.auth.clock.now(),
        )
        .await
        .map_err(|e| e.to_string()),
        Err(problem) => Err(problem),
    };
    match saved {
        Ok(()) => Ok(Redirect::to("/program/agreement?saved=1").into_response()),
        Err(problem) => {
            let mut response = render(&ProgramTemplatePage {
                nav: Nav::for_actor(&actor),
                form: form.terms,
                exit_clause: form.exit_clause,
                cadences: Cadence::ALL.iter().map(|c| (c.code(), c.label())).collect(),
                errors: vec![problem],
                saved: false,
            });
            *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(response)
        }
    }
}
