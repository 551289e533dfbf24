//! A side's own health pages: the check-in (answered alone and in
//! confidence; the other side never sees it), their own past check-ins
//! with the consent to share each comment, their own view of how the
//! relationship is going with the study's remedy, and asking the program's
//! facilitator for help in confidence.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::health::broker::{self, HelpRequest};
use tandem_core::health::checkins::{self, CheckinInput};
use tandem_core::mentoring::requests::{date, day};
use tandem_domain::health::{Answers, Instrument, Viewer};
use tandem_store::InstitutionScope;

use super::{Nav, PageError, render};
use crate::guard::Actor;
use crate::health::{HealthView, view};
use crate::relationships::{my_relationship, other_name};
use crate::{AppError, AppState};

/// One question of the form.
pub struct QuestionRow {
    pub code: String,
    pub text: String,
    /// (value, label, checked)
    pub choices: Vec<(u8, String, bool)>,
}

/// One of the caller's own past check-ins.
pub struct PastRow {
    pub id: String,
    pub when: String,
    pub answers: Vec<(String, String)>,
    pub comment: String,
    pub shared: bool,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckinTemplate {
    nav: Nav,
    csrf: String,
    id: String,
    other_name: String,
    active: bool,
    due_line: String,
    /// The form starts open when a check-in is waiting or none was given.
    form_open: bool,
    instrument_name: String,
    questions: Vec<QuestionRow>,
    past: Vec<PastRow>,
    health: HealthView,
    flash: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// The check-in due line for a side, in plain words.
pub fn due_line(due: &checkins::Due) -> String {
    match (due.current, due.answered_current) {
        (Some(r), false) => format!(
            "Your check-in has been due since {}. It takes about five minutes.",
            date(r.due_on)
        ),
        (Some(_), true) | (None, _) => format!(
            "Your next check-in is due on {}. You may check in any time something is on your mind.",
            date(due.next.due_on)
        ),
    }
}

fn questions(instrument: &Instrument, last: Option<&Answers>) -> Vec<QuestionRow> {
    instrument
        .items
        .iter()
        .map(|item| QuestionRow {
            code: item.code.clone(),
            text: item.text.clone(),
            choices: (instrument.scale.min..=instrument.scale.max)
                .map(|v| {
                    (
                        v,
                        instrument.label(v).to_string(),
                        last.and_then(|a| a.get(&item.code)) == Some(&v),
                    )
                })
                .collect(),
        })
        .collect()
}

pub async fn checkin_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let scope = InstitutionScope::of(&institution);
    let now = state.auth.clock.now();
    let other = other_name(&state, &institution, &mine).await?;
    let instrument = tandem_core::health::settings::current_instrument(&state.db, &scope).await?;
    let instruments = tandem_core::health::settings::instruments(&state.db, &scope).await?;
    let (due, own) = checkins::due(&state.db, &scope, &mine, now).await?;
    let past = own
        .iter()
        .map(|c| PastRow {
            id: c.id.to_string(),
            when: day(c.submitted_at),
            answers: instruments
                .iter()
                .find(|i| i.code == c.instrument_code)
                .map(|i| checkins::answered(c, i))
                .unwrap_or_default(),
            comment: c.comment.clone(),
            shared: c.share_comment,
        })
        .collect();
    let assessment =
        tandem_core::health::own_view(&state.db, &scope, &mine.relationship, mine.side, now)
            .await?;
    let nav = Nav::for_actor(&actor);
    Ok(render(&CheckinTemplate {
        csrf: nav.csrf.clone(),
        nav,
        id: mine.relationship.id.to_string(),
        other_name: other,
        active: mine.relationship.state.is_active(),
        due_line: due_line(&due),
        form_open: due.waiting() || own.is_empty(),
        instrument_name: instrument.name.clone(),
        questions: questions(&instrument, None),
        past,
        health: view(&assessment, Viewer::Side(mine.side), mine.relationship.id),
        flash: match q.done.as_deref() {
            Some("sent") => Some("Thank you. Your answers are saved; only you can read them here."),
            Some("consent") => Some("Saved."),
            _ => None,
        },
    }))
}

/// Reads the check-in form: `item_<code>` = a scale point (empty or
/// missing: skipped), `comment`, `share` = yes.
pub fn checkin_form(body: &[u8]) -> Result<CheckinInput, AppError> {
    let mut input = CheckinInput::default();
    for (key, value) in form_urlencoded::parse(body) {
        if let Some(code) = key.strip_prefix("item_") {
            if value.trim().is_empty() {
                continue;
            }
            let v: u8 = value.trim().parse().map_err(|_| {
                AppError::BadRequest(format!(
                    "{code}: expected a point on the scale, not {value:?}"
                ))
            })?;
            input.answers.insert(code.to_string(), v);
        } else if key == "comment" {
            input.comment = value.into_owned();
        } else if key == "share" {
            input.share_comment = value == "yes";
        }
    }
    Ok(input)
}

pub async fn submit_checkin(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let input = checkin_form(&body)?;
    if input.answers.is_empty() {
        return Err(AppError::BadRequest(
            "Answer at least one question (you may skip any of them).".into(),
        )
        .into());
    }
    checkins::submit(
        &state.db,
        &institution,
        &mine,
        &input,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/checkin?done=sent#how")).into_response())
}

#[derive(Deserialize, Default)]
pub struct ConsentForm {
    #[serde(default)]
    checkin: String,
    #[serde(default)]
    share: String,
}

pub async fn consent(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ConsentForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let checkin: uuid::Uuid = form
        .checkin
        .parse()
        .map_err(|_| AppError::BadRequest("checkin: which check-in's comment?".into()))?;
    checkins::set_consent(
        &state.db,
        &InstitutionScope::of(&institution),
        &mine,
        checkin,
        form.share == "yes",
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/checkin?done=consent#past")).into_response())
}

/// A line about a brokering case, for a side.
pub fn case_lines(cases: &[broker::CaseForSide], other: &str) -> Vec<String> {
    cases
        .iter()
        .map(|c| match (c.mine, c.open) {
            (true, true) => format!(
                "You asked the program's facilitator for help on {}. The case is open; they will be in touch.",
                day(c.created_at)
            ),
            (true, false) => format!(
                "You asked the program's facilitator for help on {}. The case is closed.",
                day(c.created_at)
            ),
            (false, _) => format!(
                "{other} asked the program's facilitator to help your relationship on {}.",
                day(c.created_at)
            ),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpTemplate {
    nav: Nav,
    csrf: String,
    id: String,
    other_name: String,
    active: bool,
    lines: Vec<String>,
    /// The caller's own open request, in their words.
    open_request: Option<String>,
    flash: Option<&'static str>,
}

pub async fn help_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let scope = InstitutionScope::of(&institution);
    let other = other_name(&state, &institution, &mine).await?;
    let cases = broker::cases_for_side(&state.db, &scope, &mine).await?;
    let open_request = cases
        .iter()
        .find(|c| c.mine && c.open)
        .and_then(|c| c.request.clone());
    let nav = Nav::for_actor(&actor);
    Ok(render(&HelpTemplate {
        csrf: nav.csrf.clone(),
        nav,
        id: mine.relationship.id.to_string(),
        lines: case_lines(&cases, &other),
        other_name: other,
        active: mine.relationship.state.is_active(),
        open_request,
        flash: match q.done.as_deref() {
            Some("asked") => {
                Some("Sent, in confidence. The program's facilitator will be in touch with you.")
            }
            _ => None,
        },
    }))
}

#[derive(Deserialize, Default)]
pub struct HelpForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    other_may_know: String,
}

pub async fn ask_for_help(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<HelpForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    broker::ask_for_help(
        &state.db,
        &institution,
        &mine,
        &HelpRequest {
            text: form.text,
            other_may_know: form.other_may_know == "yes",
        },
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/help?done=asked")).into_response())
}
