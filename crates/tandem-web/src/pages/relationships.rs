//! A person's relationships: the list, one relationship's page, closing it
//! as completed, and the no-fault ending with its private reason. The
//! program's only view of endings is the de-identified report.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::mentoring::requests::day;
use tandem_core::mentoring::{MentoringPool, SuggestionFilter};
use tandem_core::policy::{Action, Target};
use tandem_core::privacy::Cell;
use tandem_core::relationships::{self, EndingReasons, Mine};
use tandem_domain::relationship::Action as Step;
use tandem_domain::{FailureFactor, Institution, PersonId, RelationshipState, Side};
use tandem_store::InstitutionScope;

use super::{Nav, PageError, render};
use crate::authz::authorize;
use crate::guard::Actor;
use crate::relationships::{EndingForm, my_relationship};
use crate::{AppError, AppState};

/// One relationship in a list.
pub struct RelationshipRow {
    pub id: String,
    pub other_name: String,
    /// "your mentor" / "your mentee".
    pub other_is: &'static str,
    pub role: &'static str,
    pub state: &'static str,
    pub when: String,
    /// The caller's own view of an active one: (status code, label).
    pub health: Option<(&'static str, &'static str)>,
    /// A check-in is waiting for the caller.
    pub checkin_waiting: bool,
}

fn other_is(side: Side) -> &'static str {
    match side {
        Side::Mentee => "your mentor",
        Side::Mentor => "your mentee",
    }
}

fn when(mine: &Mine) -> String {
    let r = &mine.relationship;
    match r.state {
        RelationshipState::Proposed { .. } => format!("Proposed {}", day(r.proposed_at)),
        RelationshipState::Active { .. } => {
            format!("Since {}", day(r.started_at.unwrap_or(r.proposed_at)))
        }
        RelationshipState::Ended { .. } => {
            format!("Until {}", day(r.ended_at.unwrap_or(r.proposed_at)))
        }
    }
}

fn row(mine: &Mine, name: &dyn Fn(PersonId) -> String) -> RelationshipRow {
    let r = &mine.relationship;
    RelationshipRow {
        id: r.id.to_string(),
        other_name: name(mine.other()),
        other_is: other_is(mine.side),
        role: r.role.label(),
        state: r.state.label(),
        when: when(mine),
        health: None,
        checkin_waiting: false,
    }
}

async fn name_lookup(
    state: &AppState,
    institution: &Institution,
) -> Result<impl Fn(PersonId) -> String + Send + Sync + use<>, AppError> {
    let names = super::rounds::names(state, institution).await?;
    Ok(move |id: PersonId| names.get(&id).cloned().unwrap_or_else(|| "Someone".into()))
}

#[derive(Template)]
#[template(path = "relationships.html")]
struct ListTemplate {
    nav: Nav,
    has_person: bool,
    current: Vec<RelationshipRow>,
    past: Vec<RelationshipRow>,
}

pub async fn list(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    let nav = Nav::for_actor(&actor);
    let (Some(institution), Some(person)) = (actor.0.institution.clone(), actor.0.person) else {
        return Ok(render(&ListTemplate {
            nav,
            has_person: false,
            current: vec![],
            past: vec![],
        }));
    };
    let scope = InstitutionScope::of(&institution);
    let name = name_lookup(&state, &institution).await?;
    let mine = relationships::all_mine(&state.db, &scope, person)
        .await
        .map_err(AppError::from)?;
    let (past, current): (Vec<&Mine>, Vec<&Mine>) =
        mine.iter().partition(|m| m.relationship.state.is_ended());
    let now = state.auth.clock.now();
    let mut rows = Vec::new();
    for m in current {
        let mut r = row(m, &name);
        if m.relationship.state.is_active() {
            // The caller's own view: their answers and the shared records.
            let own =
                tandem_core::health::own_view(&state.db, &scope, &m.relationship, m.side, now)
                    .await?;
            let (due, _) = tandem_core::health::checkins::due(&state.db, &scope, m, now).await?;
            r.health = Some((own.status.code(), own.status.label()));
            r.checkin_waiting = due.waiting();
        }
        rows.push(r);
    }
    Ok(render(&ListTemplate {
        nav,
        has_person: true,
        current: rows,
        past: past.into_iter().map(|m| row(m, &name)).collect(),
    }))
}

/// A suggested next mentor, after an ending.
pub struct NextMentor {
    pub id: String,
    pub name: String,
    pub score: u32,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "relationship.html")]
struct ShowTemplate {
    nav: Nav,
    csrf: String,
    id: String,
    other_name: String,
    other_link: String,
    other_is: &'static str,
    role: &'static str,
    state: &'static str,
    stage: &'static str,
    when: String,
    i_am_mentee: bool,
    i_accepted: bool,
    other_accepted: bool,
    completion_by_me: bool,
    completion_by_other: bool,
    /// The caller's own private reason, if they ended it and gave one.
    my_reason: Option<(Vec<&'static str>, String)>,
    next_mentors: Vec<NextMentor>,
    /// One line on the agreement's state, for the caller.
    agreement: String,
    meetings: Vec<MeetingRow>,
    suggested_date: String,
    open_items: Vec<super::meetings::ItemRow>,
    flash: Option<&'static str>,
    /// The caller's own view of how it is going (active only).
    health: Option<crate::health::HealthView>,
    checkin_line: String,
    checkin_waiting: bool,
    case_lines: Vec<String>,
}

/// A meeting in the relationship's list.
pub struct MeetingRow {
    pub id: String,
    pub when: String,
    pub status: &'static str,
    pub note: &'static str,
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let scope = InstitutionScope::of(&institution);
    let nav = Nav::for_actor(&actor);
    // Only the other side's name: the whole roster is not needed here.
    let other_name = crate::relationships::other_name(&state, &institution, &mine).await?;
    let r = &mine.relationship;
    let other = mine.other();
    let (i_accepted, other_accepted) = match r.state {
        RelationshipState::Proposed {
            mentee_accepted,
            mentor_accepted,
        } => match mine.side {
            Side::Mentee => (mentee_accepted, mentor_accepted),
            Side::Mentor => (mentor_accepted, mentee_accepted),
        },
        _ => (true, true),
    };
    let proposer = match r.state {
        RelationshipState::Active {
            completion_proposed_by,
        } => completion_proposed_by,
        _ => None,
    };
    let my_reason = tandem_store::relationships::ending_reason(&state.db, &scope, r.id, mine.side)
        .await?
        .map(|reason| {
            (
                reason.factors.iter().map(|f| f.label()).collect(),
                reason.note,
            )
        });
    // A mentee whose relationship ended is offered a new match at once.
    let next_mentors = if r.state.is_ended() && mine.side == Side::Mentee {
        next_mentors(&state, &institution, r.mentee_id).await?
    } else {
        vec![]
    };
    let versions = tandem_core::relationships::agreement::history(&state.db, &scope, r.id).await?;
    let agreement = match versions.first() {
        None if r.state.is_ended() => "No agreement was written.".into(),
        None => "Not written yet: start with your goals and how often you will meet.".into(),
        Some(a) if a.in_force() => format!(
            "Version {} is in force; to be revisited on {}.",
            a.version,
            tandem_core::mentoring::requests::date(a.review_on)
        ),
        Some(a) if !a.signed_by(mine.side) => {
            format!("Version {} is waiting for your signature.", a.version)
        }
        Some(a) => format!(
            "Version {} is waiting for {}'s signature.",
            a.version, other_name
        ),
    };
    let all_meetings = tandem_store::meetings::of_relationship(&state.db, &scope, r.id).await?;
    let now = state.auth.clock.now();
    let cadence = versions.first().map(|a| a.terms.cadence);
    let suggested_date =
        tandem_core::relationships::meetings::suggested_start(&all_meetings, cadence, now)
            .date()
            .to_string();
    let meetings: Vec<MeetingRow> = all_meetings
        .iter()
        .rev()
        .map(|m| MeetingRow {
            id: m.id.to_string(),
            when: tandem_core::relationships::meetings::when(m.starts_at),
            status: m.status.label(),
            note: if m.recap_confirmed() {
                "recap confirmed"
            } else if m.recap_written_at.is_some() {
                "recap waiting for the mentor"
            } else if m.status == tandem_domain::meeting::MeetingStatus::Scheduled
                && m.agenda.is_empty()
            {
                "no agenda yet"
            } else {
                ""
            },
        })
        .collect();
    let today = now.date();
    let open_items = tandem_store::meetings::actions_of(&state.db, &scope, r.id)
        .await?
        .iter()
        .filter(|a| a.is_open())
        .map(|a| super::meetings::item_row(a, today, mine.side, &other_name))
        .collect();
    let flash = match q.done.as_deref() {
        Some("ended") => Some(
            "The relationship has ended. The other side got a neutral notice; your reasons stay with you.",
        ),
        Some("completed") => Some("Noted. It closes as completed once the other side agrees too."),
        Some("accepted") => Some("You accepted."),
        _ => None,
    };
    let (health, checkin_line, checkin_waiting) = if r.state.is_active() {
        let own = tandem_core::health::own_view(&state.db, &scope, r, mine.side, now).await?;
        let (due, _) = tandem_core::health::checkins::due(&state.db, &scope, &mine, now).await?;
        (
            Some(crate::health::view(
                &own,
                tandem_domain::health::Viewer::Side(mine.side),
                r.id,
            )),
            super::health::due_line(&due),
            due.waiting(),
        )
    } else {
        (None, String::new(), false)
    };
    let case_lines = super::health::case_lines(
        &tandem_core::health::broker::cases_for_side(&state.db, &scope, &mine).await?,
        &other_name,
    );
    let slug = institution.slug.to_string();
    Ok(render(&ShowTemplate {
        health,
        checkin_line,
        checkin_waiting,
        case_lines,
        csrf: nav.csrf.clone(),
        nav,
        id: r.id.to_string(),
        other_name,
        other_link: format!("/i/{slug}/people/{other}"),
        other_is: other_is(mine.side),
        role: r.role.label(),
        state: r.state.label(),
        stage: r.state.stage(),
        when: when(&mine),
        i_am_mentee: mine.side == Side::Mentee,
        i_accepted,
        other_accepted,
        completion_by_me: proposer == Some(mine.side.party()),
        completion_by_other: proposer == Some(mine.side.other().party()),
        my_reason,
        next_mentors,
        agreement,
        meetings,
        suggested_date,
        open_items,
        flash,
    }))
}

async fn next_mentors(
    state: &AppState,
    institution: &Institution,
    mentee: PersonId,
) -> Result<Vec<NextMentor>, AppError> {
    let scope = InstitutionScope::of(institution);
    let pool = MentoringPool::load_cached(&state.db, &scope, &state.pools).await?;
    let Some(me) = pool.person(mentee) else {
        return Ok(vec![]);
    };
    let me = me.clone();
    Ok(pool
        .suggestions(&me, &SuggestionFilter::default(), 3)
        .items
        .into_iter()
        .map(|s| NextMentor {
            id: s.mentor_id.to_string(),
            name: pool
                .person(s.mentor_id)
                .map(|p| p.display_name())
                .unwrap_or_default(),
            score: s.fit.score,
            reason: s
                .fit
                .reasons
                .first()
                .map(|r| r.text.clone())
                .unwrap_or_default(),
        })
        .collect())
}

pub async fn complete(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let after = relationships::act(
        &state.db,
        &institution,
        mine.relationship.id,
        mine.relationship.person(mine.side),
        Step::Complete,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    let done = if after.state.is_ended() {
        "closed"
    } else {
        "completed"
    };
    Ok(Redirect::to(&format!("/relationships/{id}?done={done}")).into_response())
}

/// One factor offered on the ending form.
pub struct FactorOption {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "relationship_end.html")]
struct EndTemplate {
    nav: Nav,
    csrf: String,
    id: String,
    other_name: String,
    proposed: bool,
    factors: Vec<FactorOption>,
}

pub async fn end_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    if mine.relationship.state.is_ended() {
        return Ok(Redirect::to(&format!("/relationships/{id}")).into_response());
    }
    let other_name = crate::relationships::other_name(&state, &institution, &mine).await?;
    let nav = Nav::for_actor(&actor);
    Ok(render(&EndTemplate {
        csrf: nav.csrf.clone(),
        nav,
        id: mine.relationship.id.to_string(),
        other_name,
        proposed: !mine.relationship.state.is_active(),
        factors: FailureFactor::ALL
            .iter()
            .map(|f| FactorOption {
                code: f.code(),
                label: f.label(),
            })
            .collect(),
    }))
}

pub async fn end(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let (institution, mine) = my_relationship(&state, &actor, &id).await?;
    let input = EndingForm::from_form(&body).input()?;
    relationships::end(
        &state.db,
        &institution,
        mine.relationship.id,
        mine.relationship.person(mine.side),
        &input,
        state.auth.clock.now(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/relationships/{id}?done=ended")).into_response())
}

/// One row of the ending-reasons report.
pub struct FactorRow {
    pub label: &'static str,
    pub count: String,
}

#[derive(Template)]
#[template(path = "endings.html")]
struct EndingsTemplate {
    nav: Nav,
    institution_name: String,
    reasons: Option<u64>,
    rows: Vec<FactorRow>,
}

pub async fn endings_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let (institution, _) = crate::directory::institution(&state.db, &slug).await?;
    authorize(
        &state,
        &actor,
        Action::ReadReports,
        Target::institution(institution.id),
    )
    .await?;
    let report =
        relationships::ending_reasons(&state.db, &InstitutionScope::of(&institution)).await?;
    let (reasons, rows) = match report {
        EndingReasons::TooFew => (None, vec![]),
        EndingReasons::Shown { reasons, factors } => (
            Some(reasons),
            factors
                .into_iter()
                .map(|(f, c): (FailureFactor, Cell)| FactorRow {
                    label: f.label(),
                    count: c.to_string(),
                })
                .collect(),
        ),
    };
    Ok(render(&EndingsTemplate {
        nav: Nav::for_actor(&actor),
        institution_name: institution.name.clone(),
        reasons,
        rows,
    }))
}

/// One pair on the program's overview.
pub struct ProgramRow {
    pub id: String,
    pub mentee: String,
    pub mentor: String,
    pub role: &'static str,
    pub state: &'static str,
    pub when: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "program_relationships.html")]
struct ProgramListTemplate {
    nav: Nav,
    rows: Vec<ProgramRow>,
    counts: Vec<(&'static str, usize)>,
    show: String,
    flash: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct ProgramListQuery {
    #[serde(default)]
    show: String,
    #[serde(default)]
    done: Option<String>,
}

async fn oversee(state: &AppState, actor: &Actor) -> Result<Institution, AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    authorize(
        state,
        actor,
        Action::OverseeRelationships,
        Target::institution(institution.id),
    )
    .await?;
    Ok(institution)
}

/// The program's pairs: who with whom and in what state. Never their
/// agreement, meetings, notes or why anything ended.
pub async fn program_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<ProgramListQuery>,
) -> Result<Response, PageError> {
    let institution = oversee(&state, &actor).await?;
    let scope = InstitutionScope::of(&institution);
    let name = name_lookup(&state, &institution).await?;
    let all = tandem_store::relationships::all(&state.db, &scope).await?;
    let show = match q.show.as_str() {
        "proposed" | "ended" => q.show.clone(),
        _ => "active".to_string(),
    };
    let counts = ["proposed", "active", "ended"]
        .iter()
        .map(|stage| {
            (
                *stage,
                all.iter().filter(|r| r.state.stage() == *stage).count(),
            )
        })
        .collect();
    let mut rows: Vec<ProgramRow> = all
        .iter()
        .filter(|r| r.state.stage() == show)
        .map(|r| {
            let mine = Mine {
                relationship: r.clone(),
                side: Side::Mentee,
            };
            ProgramRow {
                id: r.id.to_string(),
                mentee: name(r.mentee_id),
                mentor: name(r.mentor_id),
                role: r.role.label(),
                state: r.state.label(),
                when: when(&mine),
                open: !r.state.is_ended(),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.mentee.cmp(&b.mentee));
    Ok(render(&ProgramListTemplate {
        nav: Nav::for_actor(&actor),
        rows,
        counts,
        show,
        flash: q
            .done
            .is_some()
            .then_some("Closed. Both sides got the same neutral notice."),
    }))
}

#[derive(Deserialize, Default)]
pub struct ProgramEndForm {
    /// "yes": the facilitator confirms.
    #[serde(default)]
    confirm: String,
}

pub async fn program_end(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ProgramEndForm>,
) -> Result<Response, PageError> {
    let institution = oversee(&state, &actor).await?;
    let id = crate::relationships::relationship_id(&id)?;
    if tandem_store::relationships::get(&state.db, &InstitutionScope::of(&institution), id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound.into());
    }
    if form.confirm != "yes" {
        return Err(AppError::BadRequest(
            "Tick the box to confirm that the program closes this relationship.".into(),
        )
        .into());
    }
    relationships::end_by_program(&state.db, &institution, id, state.auth.clock.now())
        .await
        .map_err(AppError::from)?;
    crate::authz::record(
        &state,
        &actor,
        "relationship_ended_by_program",
        format!("relationship:{id}"),
        String::new(),
    )
    .await?;
    Ok(Redirect::to("/program/relationships?done=1").into_response())
}
