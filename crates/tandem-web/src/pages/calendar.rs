//! The private calendar feed: its page (make, replace or turn off the
//! secret URL) and the feed itself, opened by the token alone so calendar
//! apps can subscribe.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tandem_core::calendar;
use tandem_core::relationships::feed;
use tandem_store::InstitutionScope;

use super::meetings::base_url;
use super::{Nav, PageError, render};
use crate::guard::Actor;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarTemplate {
    nav: Nav,
    csrf: String,
    has_person: bool,
    since: Option<String>,
    /// Shown once, right after it is made.
    new_url: Option<String>,
}

async fn page(
    state: &AppState,
    actor: &Actor,
    new_url: Option<String>,
) -> Result<Response, PageError> {
    let nav = Nav::for_actor(actor);
    let csrf = nav.csrf.clone();
    let (Some(institution), Some(person)) = (actor.0.institution.clone(), actor.0.person) else {
        return Ok(render(&CalendarTemplate {
            nav,
            csrf,
            has_person: false,
            since: None,
            new_url: None,
        }));
    };
    let since = tandem_store::meetings::feed_created(
        &state.db,
        &InstitutionScope::of(&institution),
        person,
    )
    .await?
    .map(tandem_core::mentoring::requests::day);
    Ok(render(&CalendarTemplate {
        nav,
        csrf,
        has_person: true,
        since,
        new_url,
    }))
}

pub async fn show(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    page(&state, &actor, None).await
}

fn own(actor: &Actor) -> Result<(tandem_domain::Institution, tandem_domain::PersonId), AppError> {
    match (actor.0.institution.clone(), actor.0.person) {
        (Some(i), Some(p)) => Ok((i, p)),
        _ => Err(AppError::NotFound),
    }
}

/// Makes a new secret URL (the old one stops working) and shows it once,
/// in this response only: it is never put in a redirect or stored.
pub async fn renew(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let (institution, person) = own(&actor)?;
    let token = feed::renew(
        &state.db,
        &InstitutionScope::of(&institution),
        person,
        state.auth.clock.now(),
    )
    .await?;
    let url = format!("{}/calendar/feed/{token}", base_url(&headers));
    page(&state, &actor, Some(url)).await
}

pub async fn revoke(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    let (institution, person) = own(&actor)?;
    tandem_store::meetings::revoke_feed(&state.db, &InstitutionScope::of(&institution), person)
        .await?;
    Ok(Redirect::to("/calendar").into_response())
}

/// The feed. An unknown or revoked token is a plain 404.
pub async fn serve_feed(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let base = base_url(&headers);
    let link = move |path: &str| format!("{base}{path}");
    match feed::calendar(&state.db, token.trim_end_matches(".ics"), &link).await? {
        None => Ok(StatusCode::NOT_FOUND.into_response()),
        Some(cal) => Ok((
            [
                (header::CONTENT_TYPE, calendar::CONTENT_TYPE),
                (header::CACHE_CONTROL, "no-store"),
            ],
            cal.to_ics(),
        )
            .into_response()),
    }
}
