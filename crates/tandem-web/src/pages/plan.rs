//! The plan page of a relationship: the mentee's goals at 1, 3, 5 and 10
//! years with progress, the log of what the mentor provided, and review
//! requests (with the short-notice warning before sending); and a
//! mentor's review load across all their mentees.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::mentoring::requests::day;
use tandem_core::relationships::plan::{self, NewReview, ReviewOutcome};
use tandem_domain::Side;
use tandem_domain::plan::{Area, ContributionKind, Horizon, ReviewKind, ReviewStatus};
use tandem_store::InstitutionScope;

use super::{Nav, PageError, render};
use crate::guard::Actor;
use crate::relationships::my_relationship;
use crate::{AppError, AppState};

/// One goal as shown.
pub struct GoalRow {
    pub id: String,
    pub horizon: &'static str,
    pub area: &'static str,
    pub goal: String,
    pub progress: u8,
}

/// One review request as shown.
pub struct ReviewRow {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub due: String,
    pub status: &'static str,
    pub open: bool,
    pub short_notice: bool,
    /// For the load page: whose it is and where.
    pub who: String,
    pub link: String,
}

/// A review the mentee was warned about, to confirm.
pub struct Pending {
    pub kind: String,
    pub title: String,
    pub due: String,
    pub due_label: String,
    pub working_days: i64,
    pub needed: u8,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanTemplate {
    nav: Nav,
    csrf: String,
    id: String,
    other_name: String,
    i_am_mentee: bool,
    active: bool,
    goals: Vec<GoalRow>,
    horizons: Vec<(&'static str, &'static str)>,
    areas: Vec<(&'static str, &'static str)>,
    log: Vec<(String, &'static str, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    review_kinds: Vec<(&'static str, &'static str)>,
    reviews: Vec<ReviewRow>,
    notice_needed: u8,
    pending: Option<Pending>,
    flash: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    done: Option<String>,
}

fn review_row(r: &tandem_domain::plan::ReviewRequest, who: String) -> ReviewRow {
    ReviewRow {
        id: r.id.to_string(),
        kind: r.kind.label(),
        title: r.title.clone(),
        due: tandem_core::mentoring::requests::date(r.due_on),
        status: r.status.label(),
        open: r.status == ReviewStatus::Requested,
        short_notice: r.short_notice,
        link: format!("/relationships/{}/plan", r.mentorship_id),
        who,
    }
}

async fn page(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    pending: Option<Pending>,
    flash: Option<&'static str>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(state, actor, raw_id).await?;
    let scope = InstitutionScope::of(&institution);
    let r = &mine.relationship;
    let other_name = crate::relationships::other_name(state, &institution, &mine).await?;
    let goals = tandem_store::plans::goals(&state.db, &scope, r.mentee_id)
        .await?
        .into_iter()
        .map(|g| GoalRow {
            id: g.id.to_string(),
            horizon: g.horizon.label(),
            area: g.area.label(),
            goal: g.goal,
            progress: g.progress,
        })
        .collect();
    let log = tandem_store::plans::contributions(&state.db, &scope, r.id)
        .await?
        .into_iter()
        .map(|c| (day(c.created_at), c.kind.label(), c.description))
        .collect();
    let reviews = tandem_store::plans::reviews_of(&state.db, &scope, r.id)
        .await?
        .iter()
        .map(|rv| review_row(rv, String::new()))
        .collect();
    let notice_needed = plan::notice_needed(&state.db, &scope, &mine)
        .await
        .map_err(AppError::from)?;
    let nav = Nav::for_actor(actor);
    Ok(render(&PlanTemplate {
        csrf: nav.csrf.clone(),
        nav,
        id: r.id.to_string(),
        other_name,
        i_am_mentee: mine.side == Side::Mentee,
        active: r.state.is_active(),
        goals,
        horizons: Horizon::ALL.iter().map(|v| (v.code(), v.label())).collect(),
        areas: Area::ALL.iter().map(|v| (v.code(), v.label())).collect(),
        log,
        kinds: ContributionKind::ALL
            .iter()
            .map(|v| (v.code(), v.label()))
            .collect(),
        review_kinds: ReviewKind::ALL
            .iter()
            .map(|v| (v.code(), v.label()))
            .collect(),
        reviews,
        notice_needed,
        pending,
        flash,
    }))
}

pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(q): Query<PlanQuery>,
) -> Result<Response, PageError> {
    let flash = match q.done.as_deref() {
        Some("goal") => Some("Goal added."),
        Some("progress") => Some("Progress saved."),
        Some("log") => Some("Added to the log."),
        Some("review") => Some("Sent: your mentor has been asked."),
        Some("closed") => Some("Done."),
        _ => None,
    };
    page(&state, &actor, &id, None, flash).await
}

#[derive(Deserialize, Default)]
pub struct GoalForm {
    #[serde(default)]
    horizon: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    goal: String,
}

pub async fn add_goal(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<GoalForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let horizon = Horizon::parse(&form.horizon).map_err(AppError::from)?;
    let area = Area::parse(&form.area).map_err(AppError::from)?;
    plan::add_goal(
        &state.db,
        &institution,
        &mine,
        horizon,
        area,
        &form.goal,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/plan?done=goal")).into_response())
}

#[derive(Deserialize, Default)]
pub struct ProgressForm {
    #[serde(default)]
    goal: String,
    #[serde(default)]
    progress: String,
}

pub async fn progress(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ProgressForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let goal = form
        .goal
        .parse()
        .map_err(|_| AppError::BadRequest("goal: not a goal of this plan".into()))?;
    let progress = tandem_domain::plan::parse_progress(&form.progress).map_err(AppError::from)?;
    plan::set_progress(
        &state.db,
        &institution,
        &mine,
        goal,
        progress,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/plan?done=progress")).into_response())
}

#[derive(Deserialize, Default)]
pub struct LogForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
}

pub async fn log(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<LogForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let kind = ContributionKind::parse(&form.kind).map_err(AppError::from)?;
    plan::log_contribution(
        &state.db,
        &institution,
        &mine,
        kind,
        &form.description,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/plan?done=log")).into_response())
}

#[derive(Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    due: String,
    /// "yes" once the mentee saw the short-notice warning.
    #[serde(default)]
    send_anyway: String,
}

pub async fn request_review(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ReviewForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let kind = ReviewKind::parse(&form.kind).map_err(AppError::from)?;
    let due_on = time::Date::parse(
        form.due.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| AppError::BadRequest("due: expected a date like 2026-12-02".into()))?;
    let outcome = plan::request_review(
        &state.db,
        &institution,
        &mine,
        NewReview {
            kind,
            title: form.title.clone(),
            due_on,
            send_anyway: form.send_anyway == "yes",
        },
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    match outcome {
        ReviewOutcome::Sent(_) => {
            Ok(Redirect::to(&format!("/relationships/{id}/plan?done=review")).into_response())
        }
        ReviewOutcome::ShortNotice {
            working_days,
            needed,
        } => {
            let pending = Pending {
                kind: kind.code().into(),
                title: form.title,
                due: due_on.to_string(),
                due_label: tandem_core::mentoring::requests::date(due_on),
                working_days,
                needed,
            };
            let mut response = page(&state, &actor, &id, Some(pending), None).await?;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
    }
}

#[derive(Deserialize, Default)]
pub struct CloseForm {
    #[serde(default)]
    review: String,
}

pub async fn close_review(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CloseForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let review = form
        .review
        .parse()
        .map_err(|_| AppError::BadRequest("review: not a review of this relationship".into()))?;
    plan::close_review(
        &state.db,
        &institution,
        &mine,
        review,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}/plan?done=closed")).into_response())
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct LoadTemplate {
    nav: Nav,
    has_person: bool,
    reviews: Vec<ReviewRow>,
}

/// A mentor's open review requests across all their mentees.
pub async fn load(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    let nav = Nav::for_actor(&actor);
    let (Some(institution), Some(person)) = (actor.0.institution.clone(), actor.0.person) else {
        return Ok(render(&LoadTemplate {
            nav,
            has_person: false,
            reviews: vec![],
        }));
    };
    let scope = InstitutionScope::of(&institution);
    let names = super::rounds::names(&state, &institution).await?;
    let mine = tandem_store::relationships::of_person(&state.db, &scope, person).await?;
    let reviews = tandem_store::plans::review_load(&state.db, &scope, person)
        .await?
        .iter()
        .map(|r| {
            let who = mine
                .iter()
                .find(|m| m.id == r.mentorship_id)
                .and_then(|m| names.get(&m.mentee_id).cloned())
                .unwrap_or_default();
            review_row(r, who)
        })
        .collect();
    Ok(render(&LoadTemplate {
        nav,
        has_person: true,
        reviews,
    }))
}
