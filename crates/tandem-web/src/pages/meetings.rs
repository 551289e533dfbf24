//! Meeting pages: scheduling from a relationship, the meeting itself
//! (opening with last time's recap and every open action item; the
//! mentee's agenda; the first meeting's checklist; notes per topic; the
//! recap the mentor confirms; new action items), moving or cancelling it,
//! and its .ics download.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::calendar::{self, Calendar, CalendarEvent, EventTime};
use tandem_core::mentoring::requests::day;
use tandem_core::relationships::meetings::{self, Change, NewAction, Slot};
use tandem_domain::meeting::{FIRST_MEETING_CHECKLIST, Meeting, MeetingStatus, Topic};
use tandem_domain::{MeetingId, Side};
use tandem_store::InstitutionScope;

use super::{Nav, PageError, render};
use crate::guard::Actor;
use crate::relationships::{my_action, my_meeting, my_relationship, parse_slot_time};
use crate::{AppError, AppState};

#[derive(Deserialize, Default)]
pub struct SlotForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    place: String,
}

impl SlotForm {
    fn slot(&self) -> Result<Slot, AppError> {
        Ok(Slot {
            starts_at: parse_slot_time(&self.date, &self.time)?,
            minutes: tandem_domain::meeting::parse_minutes(&self.minutes)?,
            place: self.place.clone(),
        })
    }
}

pub async fn schedule(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SlotForm>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let slot = form.slot()?;
    let m = meetings::schedule(
        &state.db,
        &institution,
        &mine,
        &slot,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/meetings/{}", m.id)).into_response())
}

/// An action item as listed.
pub struct ItemRow {
    pub id: String,
    pub description: String,
    /// "You" or the other side's name.
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub done: bool,
}

pub(crate) fn item_row(
    a: &tandem_domain::meeting::ActionItem,
    today: time::Date,
    mine: Side,
    other_name: &str,
) -> ItemRow {
    ItemRow {
        id: a.id.to_string(),
        description: a.description.clone(),
        owner: if a.owner == mine {
            "You".into()
        } else {
            other_name.into()
        },
        due: a
            .due_on
            .map(|d| format!("due {}", tandem_core::mentoring::requests::date(d)))
            .unwrap_or_else(|| "no due date".into()),
        overdue: a.is_overdue(today),
        done: !a.is_open(),
    }
}

/// One topic's notes field.
pub struct TopicField {
    pub code: &'static str,
    pub label: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingTemplate {
    nav: Nav,
    csrf: String,
    id: String,
    relationship_id: String,
    other_name: String,
    i_am_mentee: bool,
    active: bool,
    when: String,
    date: String,
    time: String,
    minutes: u16,
    place: String,
    status: &'static str,
    scheduled: bool,
    is_first: bool,
    goals: String,
    previous_recap: Option<(String, String)>,
    open_items: Vec<ItemRow>,
    agenda: String,
    timelines: String,
    checklist: Vec<(&'static str, &'static str, bool)>,
    topics: Vec<TopicField>,
    recap: String,
    recap_written: bool,
    recap_confirmed: bool,
    items_here: Vec<ItemRow>,
    today: String,
    flash: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct MeetingQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(q): Query<MeetingQuery>,
) -> Result<Response, PageError> {
    let (institution, mine, meeting) = my_meeting(&state, &actor, &id).await?;
    let scope = InstitutionScope::of(&institution);
    let rel = mine.relationship.id;
    let all = tandem_store::meetings::of_relationship(&state.db, &scope, rel).await?;
    let items = tandem_store::meetings::actions_of(&state.db, &scope, rel).await?;
    let opening = meetings::opening(&meeting, &all, &items);
    let today = state.auth.clock.now().date();
    let other_name = crate::relationships::other_name(&state, &institution, &mine).await?;
    let goals = tandem_core::relationships::agreement::history(&state.db, &scope, rel)
        .await?
        .into_iter()
        .next()
        .map(|a| a.terms.goals)
        .unwrap_or_default();
    let flash = match q.done.as_deref() {
        Some("saved") => Some("Saved."),
        Some("recap") => Some("Recap saved; the mentor is asked to confirm it."),
        Some("confirmed") => Some("Recap confirmed: the meeting is held."),
        Some("item") => Some("Action item added; it stays on every agenda until done."),
        _ => None,
    };
    let nav = Nav::for_actor(&actor);
    let row = |a: &tandem_domain::meeting::ActionItem| item_row(a, today, mine.side, &other_name);
    Ok(render(&MeetingTemplate {
        csrf: nav.csrf.clone(),
        nav,
        id: meeting.id.to_string(),
        relationship_id: rel.to_string(),
        i_am_mentee: mine.side == Side::Mentee,
        active: mine.relationship.state.is_active(),
        when: meetings::when(meeting.starts_at),
        date: meeting.starts_at.date().to_string(),
        time: format!(
            "{:02}:{:02}",
            meeting.starts_at.hour(),
            meeting.starts_at.minute()
        ),
        minutes: meeting.minutes,
        place: meeting.place.clone(),
        status: meeting.status.label(),
        scheduled: meeting.status == MeetingStatus::Scheduled,
        is_first: meeting.is_first,
        goals,
        previous_recap: opening
            .previous
            .as_ref()
            .map(|p| (day(p.starts_at), p.recap.clone())),
        open_items: opening.open_items.iter().map(row).collect(),
        agenda: meeting.agenda.clone(),
        timelines: meeting.timelines.clone(),
        checklist: FIRST_MEETING_CHECKLIST
            .iter()
            .map(|(code, label)| (*code, *label, meeting.checklist.iter().any(|c| c == code)))
            .collect(),
        topics: Topic::ALL
            .iter()
            .map(|t| TopicField {
                code: t.code(),
                label: t.label(),
                text: meeting.topics.get(t).cloned().unwrap_or_default(),
            })
            .collect(),
        recap: meeting.recap.clone(),
        recap_written: meeting.recap_written_at.is_some(),
        recap_confirmed: meeting.recap_confirmed(),
        items_here: items
            .iter()
            .filter(|a| a.meeting_id == Some(meeting.id))
            .map(row)
            .collect(),
        today: today.to_string(),
        other_name,
        flash,
    }))
}

async fn change(
    state: &AppState,
    actor: &Actor,
    id: &str,
    make: impl FnOnce(&Meeting) -> Result<Change, AppError>,
    done: &str,
) -> Result<Response, PageError> {
    let (institution, mine, meeting) = my_meeting(state, actor, id).await?;
    let change = make(&meeting)?;
    meetings::update(
        &state.db,
        &institution,
        &mine,
        &meeting,
        change,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/meetings/{id}?done={done}")).into_response())
}

pub async fn reschedule(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SlotForm>,
) -> Result<Response, PageError> {
    change(
        &state,
        &actor,
        &id,
        |_| Ok(Change::Reschedule(form.slot()?)),
        "saved",
    )
    .await
}

pub async fn cancel(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    change(&state, &actor, &id, |_| Ok(Change::Cancel), "saved").await
}

#[derive(Deserialize, Default)]
pub struct AgendaForm {
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    timelines: String,
}

pub async fn agenda(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<AgendaForm>,
) -> Result<Response, PageError> {
    change(
        &state,
        &actor,
        &id,
        |_| {
            Ok(Change::Agenda {
                agenda: form.agenda,
                timelines: form.timelines,
            })
        },
        "saved",
    )
    .await
}

/// Checklist ticks (`checklist`, repeated) and `topic_<code>` notes.
pub async fn notes(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let mut checklist = Vec::new();
    let mut topics = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(&body) {
        if key == "checklist" {
            checklist.push(value.into_owned());
        } else if let Some(code) = key.strip_prefix("topic_") {
            topics.insert(
                Topic::parse(code).map_err(AppError::from)?,
                value.into_owned(),
            );
        }
    }
    change(
        &state,
        &actor,
        &id,
        |_| Ok(Change::Notes { checklist, topics }),
        "saved",
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct RecapForm {
    #[serde(default)]
    recap: String,
}

pub async fn recap(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<RecapForm>,
) -> Result<Response, PageError> {
    change(
        &state,
        &actor,
        &id,
        |_| Ok(Change::Recap(form.recap)),
        "recap",
    )
    .await
}

pub async fn confirm(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    change(
        &state,
        &actor,
        &id,
        |_| Ok(Change::ConfirmRecap),
        "confirmed",
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    description: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
}

pub async fn add_action(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ActionForm>,
) -> Result<Response, PageError> {
    let (institution, mine, meeting) = my_meeting(&state, &actor, &id).await?;
    let owner = Side::parse(&form.owner).map_err(AppError::from)?;
    let due_on = if form.due.trim().is_empty() {
        None
    } else {
        Some(
            time::Date::parse(
                form.due.trim(),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| AppError::BadRequest("due: expected a date like 2026-12-02".into()))?,
        )
    };
    meetings::add_action(
        &state.db,
        &institution,
        &mine,
        NewAction {
            meeting: Some(meeting.id),
            description: form.description,
            owner,
            due_on,
        },
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/meetings/{id}?done=item")).into_response())
}

#[derive(Deserialize, Default)]
pub struct DoneForm {
    /// "yes" marks it done, anything else opens it again.
    #[serde(default)]
    done: String,
    /// The meeting page to go back to, if any.
    #[serde(default)]
    back: String,
}

pub async fn action_done(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<DoneForm>,
) -> Result<Response, PageError> {
    let (institution, mine, item) = my_action(&state, &actor, &id).await?;
    meetings::set_done(
        &state.db,
        &institution,
        &mine,
        item.id,
        form.done == "yes",
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    // Back to the meeting it was ticked on, if it is one of this pair's.
    let back = match form.back.parse::<MeetingId>() {
        Ok(m) => format!("/meetings/{m}"),
        Err(_) => format!("/relationships/{}", mine.relationship.id),
    };
    Ok(Redirect::to(&back).into_response())
}

/// One meeting as a calendar event.
pub fn event(meeting: &Meeting, other_name: &str, base: &str) -> CalendarEvent {
    CalendarEvent {
        uid: format!("meeting-{}@tandem", meeting.id),
        sequence: meeting.sequence,
        start: EventTime::At(meeting.starts_at),
        end: Some(EventTime::At(meeting.ends_at())),
        summary: format!("Mentoring meeting with {other_name}"),
        description: if meeting.is_first {
            "First meeting: introductions, availability, contact details, list of goals.".into()
        } else {
            "Review last time's goals and action items; career, administrative, education and \
             personal topics; close with a recap and action items."
                .into()
        },
        location: (!meeting.place.is_empty()).then(|| meeting.place.clone()),
        url: Some(format!("{base}/meetings/{}", meeting.id)),
        cancelled: meeting.status == MeetingStatus::Cancelled,
        updated: meeting.updated_at,
    }
}

/// The base URL for links in calendar files, from the request's Host.
pub fn base_url(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub async fn ics(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    let (institution, mine, meeting) = my_meeting(&state, &actor, &id).await?;
    let other_name = crate::relationships::other_name(&state, &institution, &mine).await?;
    let cal = Calendar {
        name: "Tandem".into(),
        events: vec![event(&meeting, &other_name, &base_url(&headers))],
    };
    Ok((
        [
            (header::CONTENT_TYPE, calendar::CONTENT_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"meeting.ics\"".to_string(),
            ),
        ],
        cal.to_ics(),
    )
        .into_response())
}
