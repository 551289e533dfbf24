//! The facilitator's health console (M7, M8): the relationships in their
//! units by status and trend, alerts for the newly at risk, one
//! relationship's factor and evidence (comments only where their authors
//! shared them), and brokering cases with their private log and actions.
//! Every page here is a confidential read, written to the audit log.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Nav, PageError, render};
use crate::AppState;
use crate::guard::Actor;
use crate::health::{self, CaseActionForm, CaseView, ConsoleRow, Detail};

/// Words for a stored status code.
fn status_words(code: &str) -> &'static str {
    match code {
        "thriving" => "thriving",
        "watch" => "watch",
        "at_risk" => "at risk",
        _ => "",
    }
}

/// A console row as shown.
pub struct RowView {
    pub row: ConsoleRow,
    pub trend: String,
}

fn trend(row: &ConsoleRow) -> String {
    let since =
        time::OffsetDateTime::parse(&row.since, &time::format_description::well_known::Rfc3339)
            .map(tandem_core::mentoring::requests::day)
            .unwrap_or_default();
    match row.previous.as_deref() {
        Some(p) if p != row.status => {
            let rank = |s: &str| match s {
                "at_risk" => 0,
                "watch" => 1,
                _ => 2,
            };
            let worse = rank(row.status) < rank(p);
            format!(
                "{} since {since} (was {})",
                if worse { "Worse" } else { "Better" },
                status_words(p)
            )
        }
        _ => format!("Since {since}"),
    }
}

#[derive(Template)]
#[template(path = "health_console.html")]
struct ConsoleTemplate {
    nav: Nav,
    alerts: Vec<RowView>,
    groups: Vec<(&'static str, &'static str, Vec<RowView>)>,
    counts: Vec<(String, usize)>,
    cases: Vec<RowView>,
}

pub async fn console(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    let institution = health::console_institution(&state, &actor).await?;
    let data = health::console(&state, &actor, &institution).await?;
    let view = |r: &ConsoleRow| RowView {
        trend: trend(r),
        row: r.clone(),
    };
    let alerts = data.rows.iter().filter(|r| r.alert).map(view).collect();
    let cases = data
        .rows
        .iter()
        .filter(|r| r.open_case.is_some())
        .map(view)
        .collect();
    let groups = [
        ("at_risk", "At risk"),
        ("watch", "Watch"),
        ("thriving", "Thriving"),
    ]
    .into_iter()
    .map(|(code, label)| {
        (
            code,
            label,
            data.rows
                .iter()
                .filter(|r| r.status == code)
                .map(view)
                .collect(),
        )
    })
    .collect();
    Ok(render(&ConsoleTemplate {
        nav: Nav::for_actor(&actor),
        alerts,
        groups,
        counts: data.counts,
        cases,
    }))
}

#[derive(Template)]
#[template(path = "health_detail.html")]
struct DetailTemplate {
    nav: Nav,
    csrf: String,
    d: Detail,
}

pub async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let d = health::detail(&state, &actor, &id).await?;
    let nav = Nav::for_actor(&actor);
    Ok(render(&DetailTemplate {
        csrf: nav.csrf.clone(),
        nav,
        d,
    }))
}

#[derive(Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    note: String,
}

pub async fn open_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<OpenForm>,
) -> Result<Response, PageError> {
    let case = health::open_case(&state, &actor, &id, &form.note).await?;
    Ok(Redirect::to(&format!("/program/cases/{case}")).into_response())
}

#[derive(Template)]
#[template(path = "case.html")]
struct CaseTemplate {
    nav: Nav,
    csrf: String,
    c: CaseView,
    flash: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Result<Response, PageError> {
    let c = health::case_view(&state, &actor, &id).await?;
    let nav = Nav::for_actor(&actor);
    let flash = q.done.as_deref().and_then(|d| {
        Some(
            match d {
                "note" => "Noted in the case log.",
                "contact" => "Sent: they were asked to get in touch, in confidence.",
                "secondary" => "Proposed: both will be asked to accept the secondary mentor.",
                "rematch" => {
                    "The relationship is closed as the program; the mentee is offered a new match."
                }
                "close" => "The case is closed.",
                "reopen" => "The case is open again.",
                _ => return None,
            }
            .to_string(),
        )
    });
    Ok(render(&CaseTemplate {
        csrf: nav.csrf.clone(),
        nav,
        c,
        flash,
    }))
}

pub async fn act(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CaseActionForm>,
) -> Result<Response, PageError> {
    let case = health::act_on_case(&state, &actor, &id, &form)
        .await
        .map_err(PageError::from)?;
    let done = match form.action.as_str() {
        a @ ("note" | "contact" | "secondary" | "rematch" | "close" | "reopen") => a,
        _ => "note",
    };
    Ok(Redirect::to(&format!("/program/cases/{case}?done={done}")).into_response())
}
