//! The program's check-in settings: which instrument its pairs answer
//! (Tandem's own, or a validated one the program holds a licence for and
//! added as JSON), and when check-ins fall due.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::health::settings::{self, CheckinSettings};
use tandem_domain::health::Instrument;
use tandem_store::InstitutionScope;

use super::{Nav, PageError, render};
use crate::guard::Actor;
use crate::pages::program_institution;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "checkin_settings.html")]
struct SettingsTemplate {
    nav: Nav,
    csrf: String,
    settings: CheckinSettings,
    instruments: Vec<Instrument>,
    flash: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let institution = program_institution(&state, &actor).await?;
    let scope = InstitutionScope::of(&institution);
    let nav = Nav::for_actor(&actor);
    Ok(render(&SettingsTemplate {
        csrf: nav.csrf.clone(),
        nav,
        settings: settings::load(&state.db, &scope).await?,
        instruments: settings::instruments(&state.db, &scope).await?,
        flash: match q.saved.as_deref() {
            Some("settings") => Some("Saved. The next check-ins follow the new settings."),
            Some("instrument") => Some("Instrument added. Choose it above to use it."),
            _ => None,
        },
    }))
}

#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    first_after_days: String,
    #[serde(default)]
    every_days: String,
}

fn days(field: &str, raw: &str) -> Result<u16, AppError> {
    raw.trim().parse().map_err(|_| {
        AppError::BadRequest(format!("{field}: expected a number of days, not {raw:?}"))
    })
}

pub async fn save(
    State(state): State<AppState>,
    actor: Actor,
    axum::Form(form): axum::Form<SettingsForm>,
) -> Result<Response, PageError> {
    let institution = program_institution(&state, &actor).await?;
    let s = CheckinSettings {
        instrument: form.instrument.trim().to_string(),
        first_after_days: days("first_after_days", &form.first_after_days)?,
        every_days: days("every_days", &form.every_days)?,
    };
    crate::health::save_settings(&state, &actor, &institution, &s).await?;
    Ok(Redirect::to("/program/checkins?saved=settings").into_response())
}

#[derive(Deserialize, Default)]
pub struct InstrumentForm {
    #[serde(default)]
    definition: String,
}

/// Parses an instrument's JSON, naming what is wrong.
pub fn parse_instrument(json: &str) -> Result<Instrument, AppError> {
    serde_json::from_str(json)
        .map_err(|e| AppError::BadRequest(format!("the instrument is not the expected JSON: {e}")))
}

pub async fn add_instrument(
    State(state): State<AppState>,
    actor: Actor,
    axum::Form(form): axum::Form<InstrumentForm>,
) -> Result<Response, PageError> {
    let institution = program_institution(&state, &actor).await?;
    let instrument = parse_instrument(&form.definition)?;
    crate::health::add_instrument(&state, &actor, &institution, &instrument).await?;
    Ok(Redirect::to("/program/checkins?saved=instrument").into_response())
}
