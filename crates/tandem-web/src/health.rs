//! What the health pages and API share: resolving a relationship or case
//! for a facilitator under the policy (the mentee's unit decides), the
//! audit record of every confidential read, and the views of an
//! assessment for a side (their own answers only) and for the program.

use serde::Serialize;
use tandem_core::mentoring::MentoringPool;
use tandem_core::policy::{self, Action, Decision, Target};
use tandem_domain::health::{Assessment, Level, Step, Viewer, remedy};
use tandem_domain::{Institution, MentorshipId, PersonProfile, Relationship, Role, UnitScope};
use tandem_store::InstitutionScope;
use tandem_store::health::CaseRow;
use utoipa::ToSchema;

use crate::authz::authorize;
use crate::guard::Actor;
use crate::{AppError, AppState};

/// The caller's institution, once the policy lets them watch health in
/// some unit of it (their facilitator grant's unit).
pub async fn console_institution(state: &AppState, actor: &Actor) -> Result<Institution, AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    let unit = actor
        .0
        .grants
        .iter()
        .find(|g| g.role == Role::Facilitator && g.institution == Some(institution.id))
        .map(|g| g.unit);
    let target = match unit {
        Some(UnitScope::Division(d)) => Target {
            division: Some(d),
            ..Target::institution(institution.id)
        },
        Some(UnitScope::Department(d)) => Target {
            department: Some(d),
            ..Target::institution(institution.id)
        },
        _ => Target::institution(institution.id),
    };
    authorize(state, actor, Action::WatchHealth, target).await?;
    Ok(institution)
}

/// Whether the caller watches relationship `r` of `mentee` (no audit: for
/// filtering a list the caller is already allowed to see).
pub fn watches(
    actor: &Actor,
    institution: &Institution,
    mentee: &PersonProfile,
    r: &Relationship,
) -> bool {
    matches!(
        policy::decide(
            &actor.0,
            Action::WatchHealth,
            &Target::relationship_in_unit(institution.id, mentee, r.mentor_id),
            false
        ),
        Decision::Allow(_)
    )
}

/// A relationship the caller watches, with its mentee; any other answers
/// as the policy says (403 audited, or 404).
pub async fn watched(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
) -> Result<(Institution, Relationship, PersonProfile), AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    let id: MentorshipId = raw_id.parse().map_err(|_| AppError::NotFound)?;
    let scope = InstitutionScope::of(&institution);
    let r = tandem_store::relationships::get(&state.db, &scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mentee = tandem_store::people::get(&state.db, &scope, r.mentee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(
        state,
        actor,
        Action::WatchHealth,
        Target::relationship_in_unit(institution.id, &mentee, r.mentor_id),
    )
    .await?;
    Ok((institution, r, mentee))
}

/// A case the caller may read, with its relationship.
pub async fn watched_case(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
) -> Result<(Institution, CaseRow, Relationship, PersonProfile), AppError> {
    let institution = actor.0.institution.clone().ok_or(AppError::NotFound)?;
    let id: uuid::Uuid = raw_id.parse().map_err(|_| AppError::NotFound)?;
    let scope = InstitutionScope::of(&institution);
    let case = tandem_store::health::case(&state.db, &scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (institution, r, mentee) = watched(state, actor, &case.mentorship_id.to_string()).await?;
    Ok((institution, case, r, mentee))
}

/// Writes a facilitator's read of confidential health data to the audit
/// log: what was read, never its content.
pub async fn audit_read(
    state: &AppState,
    actor: &Actor,
    resource: String,
    detail: String,
) -> Result<(), AppError> {
    crate::authz::record(state, actor, "read_confidential", resource, detail).await
}

/// The cached people of the institution, for names and units.
pub async fn pool(state: &AppState, institution: &Institution) -> Result<MentoringPool, AppError> {
    Ok(
        MentoringPool::load_cached(&state.db, &InstitutionScope::of(institution), &state.pools)
            .await?,
    )
}

/// One remedy step as a side sees it: what to do, and where.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepView {
    pub code: &'static str,
    pub label: &'static str,
    /// The page where it is done, when there is one.
    pub href: Option<String>,
}

/// Where a side takes a step on relationship `id`.
pub fn step_link(step: Step, id: MentorshipId, mentee: bool) -> Option<String> {
    Some(match step {
        Step::ReiterateAndReview | Step::PersonalTime => format!("/relationships/{id}#meetings"),
        Step::ResetCadence => format!("/relationships/{id}#schedule"),
        Step::CommunicationFramework | Step::RevisitAgreement | Step::AuthorshipTerms => {
            format!("/relationships/{id}/agreement")
        }
        Step::AskFacilitator => format!("/relationships/{id}/help"),
        Step::SecondaryMentor if mentee => "/mentors".into(),
        Step::SecondaryMentor => format!("/relationships/{id}/help"),
        Step::MentorWorkshop => return None,
        Step::EndWithoutFault => format!("/relationships/{id}/end"),
    })
}

/// An assessment as words, for one reader.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthView {
    /// thriving, watch or at_risk.
    pub status: &'static str,
    pub status_label: &'static str,
    /// The factor behind a watch or at-risk status (its code).
    pub factor: Option<&'static str>,
    pub factor_label: Option<&'static str>,
    /// Why, in plain words.
    pub summary: String,
    /// Every piece of evidence, worst first, in plain words.
    pub evidence: Vec<EvidenceView>,
    /// The study's remedy for the factor: a gentle prompt.
    pub prompt: Option<&'static str>,
    /// What the program's facilitator can offer (the program's view only).
    pub for_program: Option<&'static str>,
    pub steps: Vec<StepView>,
    /// Success factors the answers speak well of.
    pub strengths: Vec<&'static str>,
    /// Failure factors the answers show no sign of.
    pub no_sign_of: Vec<&'static str>,
}

/// One piece of evidence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvidenceView {
    pub factor: &'static str,
    pub factor_label: &'static str,
    /// watch or at_risk.
    pub level: &'static str,
    /// answer or signal.
    pub source: &'static str,
    pub words: String,
}

/// The view of `a` for `viewer`. For a side, `a` must be their own view
/// (built from their answers only).
pub fn view(a: &Assessment, viewer: Viewer, id: MentorshipId) -> HealthView {
    let remedy = a.factor.map(remedy);
    let mentee = viewer == Viewer::Side(tandem_domain::Side::Mentee);
    HealthView {
        status: a.status.code(),
        status_label: a.status.label(),
        factor: a.factor.map(|f| f.code()),
        factor_label: a.factor.map(|f| f.label()),
        summary: a.summary(viewer),
        evidence: a
            .concerns
            .iter()
            .flat_map(|c| &c.evidence)
            .map(|e| EvidenceView {
                factor: e.factor.code(),
                factor_label: e.factor.label(),
                level: match e.level {
                    Level::Watch => "watch",
                    Level::AtRisk => "at_risk",
                },
                source: match e.source {
                    tandem_domain::health::Source::Answer { .. } => "answer",
                    tandem_domain::health::Source::Signal { .. } => "signal",
                },
                words: e.words(viewer),
            })
            .collect(),
        prompt: remedy.map(|r| r.prompt),
        for_program: match viewer {
            Viewer::Program => remedy.map(|r| r.for_program),
            Viewer::Side(_) => None,
        },
        steps: remedy
            .map(|r| {
                r.steps
                    .iter()
                    .map(|s| StepView {
                        code: s.code(),
                        label: s.label(),
                        href: match viewer {
                            Viewer::Side(_) => step_link(*s, id, mentee),
                            Viewer::Program => None,
                        },
                    })
                    .collect()
            })
            .unwrap_or_default(),
        strengths: a
            .strengths
            .iter()
            .filter(|f| f.is_success())
            .map(|f| f.label())
            .collect(),
        no_sign_of: a
            .strengths
            .iter()
            .filter(|f| !f.is_success())
            .map(|f| f.as_concern())
            .collect(),
    }
}

/// One relationship on the facilitator's console.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsoleRow {
    pub id: uuid::Uuid,
    pub mentee: String,
    pub mentor: String,
    pub division: String,
    /// thriving, watch or at_risk.
    pub status: &'static str,
    pub status_label: &'static str,
    /// The factor behind it, as a concern ("poor communication").
    pub concern: Option<&'static str>,
    /// The status before the last change, if any.
    pub previous: Option<String>,
    /// When the status last changed (RFC 3339).
    pub since: String,
    /// Newly at risk: changed to at risk in the last fortnight.
    pub alert: bool,
    /// A brokering case is open.
    pub open_case: Option<uuid::Uuid>,
}

/// The console: every active relationship in the caller's units.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Console {
    pub rows: Vec<ConsoleRow>,
    /// How many are thriving, watched and at risk, each as [status, count].
    // Declared as lists of any value: utoipa writes a tuple with
    // `prefixItems`, which schemathesis (the API fuzzer) rejects.
    #[schema(value_type = Vec<Vec<Value>>)]
    pub counts: Vec<(String, usize)>,
}

/// Days a change to at risk stays an alert.
pub const ALERT_DAYS: i64 = 14;

/// Builds the console for the caller (after [`console_institution`]);
/// statuses are refreshed first, so alerts are current.
pub async fn console(
    state: &AppState,
    actor: &Actor,
    institution: &Institution,
) -> Result<Console, AppError> {
    let now = state.auth.clock.now();
    let scope = InstitutionScope::of(institution);
    let (all, _) = tandem_core::health::refresh(&state.db, institution, now).await?;
    let stored: std::collections::BTreeMap<_, _> =
        tandem_store::health::statuses(&state.db, &scope)
            .await?
            .into_iter()
            .map(|s| (s.mentorship_id, s))
            .collect();
    let open_cases: std::collections::BTreeMap<_, _> =
        tandem_store::health::cases(&state.db, &scope, None)
            .await?
            .into_iter()
            .filter(|c| c.open)
            .map(|c| (c.mentorship_id, c.id))
            .collect();
    let pool = pool(state, institution).await?;
    let divisions: std::collections::BTreeMap<_, _> =
        tandem_store::units::divisions(&state.db, &scope)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
    let name = |id| {
        pool.person(id)
            .map(|p| p.display_name())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    for (r, a) in &all {
        let Some(mentee) = pool.person(r.mentee_id) else {
            continue;
        };
        if !watches(actor, institution, mentee, r) {
            continue;
        }
        let s = stored.get(&r.id);
        let since = s.map(|s| s.changed_at).unwrap_or(now);
        rows.push(ConsoleRow {
            id: r.id.0,
            mentee: mentee.display_name(),
            mentor: name(r.mentor_id),
            division: divisions
                .get(&mentee.division_id)
                .cloned()
                .unwrap_or_default(),
            status: a.status.code(),
            status_label: a.status.label(),
            concern: a.factor.map(|f| f.as_concern()),
            previous: s.and_then(|s| s.previous_status.clone()),
            since: since
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            alert: a.status == tandem_domain::health::Status::AtRisk
                && s.is_some_and(|s| s.previous_status.as_deref().is_some_and(|p| p != "at_risk"))
                && (now - since).whole_days() < ALERT_DAYS,
            open_case: open_cases.get(&r.id).copied(),
        });
    }
    // Worst first, newest alerts first, then by name.
    let rank = |s: &str| match s {
        "at_risk" => 0,
        "watch" => 1,
        _ => 2,
    };
    rows.sort_by(|a, b| {
        rank(a.status)
            .cmp(&rank(b.status))
            .then(b.alert.cmp(&a.alert))
            .then(b.since.cmp(&a.since))
            .then(a.mentee.cmp(&b.mentee))
    });
    let counts = ["thriving", "watch", "at_risk"]
        .iter()
        .map(|s| {
            (
                s.to_string(),
                rows.iter().filter(|r| r.status == *s).count(),
            )
        })
        .collect();
    audit_read(
        state,
        actor,
        format!("institution:{}", institution.id),
        format!("health console: {} relationships", rows.len()),
    )
    .await?;
    Ok(Console { rows, counts })
}

/// A comment a side shared with the facilitator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SharedComment {
    /// mentee or mentor.
    pub side: &'static str,
    pub on: String,
    pub text: String,
}

/// One relationship as the facilitator sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Detail {
    pub id: uuid::Uuid,
    pub mentee: String,
    pub mentor: String,
    pub division: String,
    pub health: HealthView,
    /// Comments their authors chose to share, newest first.
    pub shared_comments: Vec<SharedComment>,
    /// Check-in comments kept private (only counted).
    pub private_comments: usize,
    pub open_case: Option<uuid::Uuid>,
}

/// The facilitator's view of relationship `raw_id`; the read is audited.
pub async fn detail(state: &AppState, actor: &Actor, raw_id: &str) -> Result<Detail, AppError> {
    let (institution, r, mentee) = watched(state, actor, raw_id).await?;
    let scope = InstitutionScope::of(&institution);
    let now = state.auth.clock.now();
    let (a, _) = tandem_core::health::program_view(&state.db, &scope, &r, now).await?;
    let stale = now - time::Duration::days(tandem_core::health::assess::ANSWERS_STALE_AFTER_DAYS);
    let checkins: Vec<_> = tandem_store::health::checkins(&state.db, &scope, Some(r.id), None)
        .await?
        .into_iter()
        .filter(|c| c.submitted_at >= stale && !c.comment.is_empty())
        .collect();
    let shared_comments: Vec<SharedComment> = checkins
        .iter()
        .filter(|c| c.share_comment)
        .map(|c| SharedComment {
            side: c.side.code(),
            on: tandem_core::mentoring::requests::day(c.submitted_at),
            text: c.comment.clone(),
        })
        .collect();
    let private_comments = checkins.len() - shared_comments.len();
    let open_case = tandem_store::health::cases(&state.db, &scope, Some(r.id))
        .await?
        .into_iter()
        .find(|c| c.open)
        .map(|c| c.id);
    let division = tandem_store::units::divisions(&state.db, &scope)
        .await?
        .into_iter()
        .find(|d| d.id == mentee.division_id)
        .map(|d| d.name)
        .unwrap_or_default();
    let mentor = tandem_store::people::get(&state.db, &scope, r.mentor_id)
        .await?
        .map(|p| p.display_name())
        .unwrap_or_default();
    audit_read(
        state,
        actor,
        format!("relationship:{}", r.id),
        format!(
            "health evidence: {} answers, {} shared comments",
            a.concerns
                .iter()
                .flat_map(|c| &c.evidence)
                .filter(|e| matches!(e.source, tandem_domain::health::Source::Answer { .. }))
                .count(),
            shared_comments.len()
        ),
    )
    .await?;
    Ok(Detail {
        id: r.id.0,
        mentee: mentee.display_name(),
        mentor,
        division,
        health: view(&a, Viewer::Program, r.id),
        shared_comments,
        private_comments,
        open_case,
    })
}

/// One entry of a case's log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryView {
    pub on: String,
    pub by: String,
    pub kind: String,
    pub text: String,
}

/// A mentor the facilitator may propose as secondary.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateView {
    pub id: uuid::Uuid,
    pub name: String,
    pub score: u32,
    pub reason: String,
}

/// A brokering case as the facilitator sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    pub id: uuid::Uuid,
    pub relationship: uuid::Uuid,
    pub mentee: String,
    pub mentor: String,
    pub open: bool,
    /// Who asked: mentee, mentor, or none (opened from the console).
    pub requested_by: Option<&'static str>,
    /// The requester's words.
    pub request: String,
    /// The requester agreed that the other side may know.
    pub other_may_know: bool,
    pub opened_on: String,
    pub log: Vec<EntryView>,
    /// Secondary mentors the mentee could be offered (no exclusion).
    pub candidates: Vec<CandidateView>,
    /// The relationship is still active (rematch and secondary possible).
    pub active: bool,
}

/// The case `raw_id`; the read is audited.
pub async fn case_view(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
) -> Result<CaseView, AppError> {
    let (institution, case, r, mentee) = watched_case(state, actor, raw_id).await?;
    let scope = InstitutionScope::of(&institution);
    let pool = pool(state, &institution).await?;
    let name = |id| {
        pool.person(id)
            .map(|p| p.display_name())
            .unwrap_or_default()
    };
    let accounts: std::collections::BTreeMap<_, _> =
        tandem_store::accounts::list(&state.db, Some(institution.id))
            .await?
            .into_iter()
            .map(|a| (a.id, a.username))
            .collect();
    let log = tandem_store::health::entries(&state.db, &scope, case.id)
        .await?
        .into_iter()
        .map(|e| EntryView {
            on: tandem_core::mentoring::requests::day(e.created_at),
            by: accounts.get(&e.author).cloned().unwrap_or_default(),
            kind: e.kind,
            text: e.text,
        })
        .collect();
    let candidates = if r.state.is_active() {
        pool.suggestions(
            &mentee,
            &tandem_core::mentoring::SuggestionFilter::default(),
            8,
        )
        .items
        .into_iter()
        .filter(|s| s.mentor_id != r.mentor_id)
        .map(|s| CandidateView {
            id: s.mentor_id.0,
            name: name(s.mentor_id),
            score: s.fit.score,
            reason: s
                .fit
                .reasons
                .first()
                .map(|x| x.text.clone())
                .unwrap_or_default(),
        })
        .collect()
    } else {
        vec![]
    };
    audit_read(
        state,
        actor,
        format!("case:{}", case.id),
        format!("brokering case of relationship:{}", r.id),
    )
    .await?;
    Ok(CaseView {
        id: case.id,
        relationship: r.id.0,
        mentee: mentee.display_name(),
        mentor: name(r.mentor_id),
        open: case.open,
        requested_by: case.requested_by.map(|s| s.code()),
        request: case.request,
        other_may_know: case.other_may_know,
        opened_on: tandem_core::mentoring::requests::day(case.created_at),
        log,
        candidates,
        active: r.state.is_active(),
    })
}

/// A case action as a page or the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct CaseActionForm {
    /// note, contact, secondary, rematch, close or reopen.
    #[serde(default)]
    pub action: String,
    /// The note, or a message with a contact.
    #[serde(default)]
    pub text: String,
    /// For contact: mentee, mentor or both.
    #[serde(default)]
    pub whom: String,
    /// For secondary: the proposed mentor's person id.
    #[serde(default)]
    pub mentor: String,
    /// For rematch: "yes", to confirm closing the relationship.
    #[serde(default)]
    pub confirm: String,
}

impl CaseActionForm {
    pub fn action(&self) -> Result<tandem_core::health::broker::CaseAction, AppError> {
        use tandem_core::health::broker::CaseAction;
        use tandem_domain::Side;
        Ok(match self.action.as_str() {
            "note" => CaseAction::Note(self.text.clone()),
            "contact" => CaseAction::Contact {
                sides: match self.whom.as_str() {
                    "mentee" => vec![Side::Mentee],
                    "mentor" => vec![Side::Mentor],
                    "both" => vec![Side::Mentee, Side::Mentor],
                    other => {
                        return Err(AppError::BadRequest(format!(
                            "whom: expected mentee, mentor or both, not {other:?}"
                        )));
                    }
                },
                message: self.text.clone(),
            },
            "secondary" => {
                CaseAction::SecondaryMentor(self.mentor.parse().map_err(|_| {
                    AppError::BadRequest("mentor: choose a mentor to propose".into())
                })?)
            }
            "rematch" if self.confirm == "yes" => CaseAction::Rematch,
            "rematch" => {
                return Err(AppError::BadRequest(
                    "confirm: tick the box to close the relationship and rematch".into(),
                ));
            }
            "close" => CaseAction::Close,
            "reopen" => CaseAction::Reopen,
            other => {
                return Err(AppError::BadRequest(format!(
                    "action: expected note, contact, secondary, rematch, close or reopen, not {other:?}"
                )));
            }
        })
    }
}

/// Takes a case action as the caller.
pub async fn act_on_case(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    form: &CaseActionForm,
) -> Result<uuid::Uuid, AppError> {
    let (institution, case, _, _) = watched_case(state, actor, raw_id).await?;
    let action = form.action()?;
    tandem_core::health::broker::act(
        &state.db,
        &institution,
        &case,
        actor.0.account,
        action,
        state.auth.clock.now(),
    )
    .await?;
    crate::authz::record(
        state,
        actor,
        "case_action",
        format!("case:{}", case.id),
        form.action.clone(),
    )
    .await?;
    Ok(case.id)
}

/// Opens a case on relationship `raw_id` (or returns the open one).
pub async fn open_case(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    note: &str,
) -> Result<uuid::Uuid, AppError> {
    let (institution, r, _) = watched(state, actor, raw_id).await?;
    let case = tandem_core::health::broker::open_case(
        &state.db,
        &institution,
        &r,
        actor.0.account,
        note,
        state.auth.clock.now(),
    )
    .await?;
    crate::authz::record(
        state,
        actor,
        "case_opened",
        format!("case:{}", case.id),
        format!("relationship:{}", r.id),
    )
    .await?;
    Ok(case.id)
}

/// Saves the program's check-in settings and writes the change to the
/// audit log: for the settings page and the API alike.
pub async fn save_settings(
    state: &AppState,
    actor: &Actor,
    institution: &Institution,
    s: &tandem_core::health::settings::CheckinSettings,
) -> Result<(), AppError> {
    tandem_core::health::settings::save(
        &state.db,
        &InstitutionScope::of(institution),
        s,
        state.auth.clock.now(),
    )
    .await?;
    crate::authz::record(
        state,
        actor,
        "checkin_settings_changed",
        format!("institution:{}", institution.id),
        serde_json::to_string(s).unwrap_or_default(),
    )
    .await
}

/// Adds a program's licensed instrument and writes it to the audit log.
pub async fn add_instrument(
    state: &AppState,
    actor: &Actor,
    institution: &Institution,
    instrument: &tandem_domain::health::Instrument,
) -> Result<(), AppError> {
    tandem_core::health::settings::add_instrument(
        &state.db,
        &InstitutionScope::of(institution),
        instrument,
        state.auth.clock.now(),
    )
    .await?;
    crate::authz::record(
        state,
        actor,
        "instrument_added",
        format!("institution:{}", institution.id),
        instrument.code.clone(),
    )
    .await
}
