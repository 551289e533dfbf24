//! The directory, profiles and unit summaries.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use tandem_core::policy::View;
use tandem_core::reports::Demographics;
use tandem_domain::{Institution, Rank, Stream};
use tandem_store::people::PersonSummary;
use tandem_store::units::Division;

use super::{Nav, PageError, percent_encode, render};
use crate::AppState;
use crate::directory::{self, PeopleQuery, ProfileView};
use crate::guard::Actor;

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryTemplate {
    nav: Nav,
    institution: Institution,
    people: Vec<PersonSummary>,
    total: i64,
    q: String,
    divisions: Vec<Choice>,
    ranks: Vec<Choice>,
    streams: Vec<Choice>,
    first: i64,
    last: i64,
    previous_page: Option<String>,
    next_page: Option<String>,
}

pub(super) fn choices<T: Copy + PartialEq>(
    all: &[T],
    selected: Option<T>,
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: code(v).into(),
            label: label(v).into(),
            selected: Some(v) == selected,
        })
        .collect()
}

/// A directory link that keeps the current filters.
fn page_link(slug: &str, query: &PeopleQuery, page: i64) -> String {
    let mut pairs = vec![("page".to_string(), page.to_string())];
    for (k, v) in [
        ("q", &query.q),
        ("division", &query.division),
        ("rank", &query.rank),
        ("stream", &query.stream),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            pairs.push((k.into(), v.into()));
        }
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!("/i/{slug}/people?{}", encoded.join("&"))
}

pub async fn people(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
    Query(query): Query<PeopleQuery>,
) -> Result<Response, PageError> {
    let (institution, scope) = directory::browsable_institution(&state, &actor, &slug).await?;
    let request = query.parse()?;
    let page = tandem_store::people::search(
        &state.db,
        &scope,
        &request.filter,
        request.per_page,
        request.offset(),
    )
    .await?;
    let divisions: Vec<Division> = tandem_store::units::divisions(&state.db, &scope).await?;
    let first = if page.total == 0 {
        0
    } else {
        request.offset() + 1
    };
    let last = request.offset() + page.items.len() as i64;
    let template = DirectoryTemplate {
        nav: Nav::for_actor(&actor),
        previous_page: (request.page > 1).then(|| page_link(&slug, &query, request.page - 1)),
        next_page: (last < page.total).then(|| page_link(&slug, &query, request.page + 1)),
        q: query.q.clone().unwrap_or_default(),
        divisions: divisions
            .into_iter()
            .map(|d| Choice {
                selected: Some(d.id) == request.filter.division,
                value: d.id.to_string(),
                label: d.name,
            })
            .collect(),
        ranks: choices(Rank::ALL, request.filter.rank, Rank::code, Rank::label),
        streams: choices(
            Stream::ALL,
            request.filter.stream,
            Stream::code,
            Stream::label,
        ),
        institution,
        people: page.items,
        total: page.total,
        first,
        last,
    };
    Ok(render(&template))
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfileTemplate {
    nav: Nav,
    institution: Institution,
    view: ProfileView,
    full: bool,
    own: bool,
    saved: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn profile(
    State(state): State<AppState>,
    actor: Actor,
    Path((slug, id)): Path<(String, String)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let (institution, view) = directory::authorized_profile(&state, &actor, &slug, &id).await?;
    Ok(render(&ProfileTemplate {
        nav: Nav::for_actor(&actor),
        institution,
        full: view.view == View::Full,
        own: actor.0.person == Some(view.person.id),
        saved: saved.saved.is_some(),
        view,
    }))
}

#[derive(Template)]
#[template(path = "division.html")]
struct DivisionTemplate {
    nav: Nav,
    institution: Institution,
    division: Division,
    summary: Demographics,
    health: tandem_core::health::report::UnitHealth,
}

/// A division's aggregate picture: counts by gender, rank and stream, with
/// counts under five suppressed. Never individuals.
pub async fn division(
    State(state): State<AppState>,
    actor: Actor,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (institution, division) = directory::summary_division(&state, &actor, &slug, &id).await?;
    let summary =
        tandem_core::reports::division_demographics(&state.db, &institution, &division).await?;
    let health = tandem_core::health::report::division_health(
        &state.db,
        &institution,
        division.id,
        state.auth.clock.now(),
    )
    .await?;
    Ok(render(&DivisionTemplate {
        nav: Nav::for_actor(&actor),
        institution,
        division,
        summary,
        health,
    }))
}
