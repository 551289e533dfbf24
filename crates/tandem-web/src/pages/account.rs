//! Signing in and out, the home page, one's own profile and settings.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::auth::AuthError;
use tandem_core::policy::{Action, Target, may_ever};
use tandem_domain::values::parse_contact_channels;
use tandem_domain::{
    ContactChannel, EmailPreference, MentoringProfile, Role, TagList, UnitScope, WorkingStyle,
};
use tandem_store::InstitutionScope;
use tandem_store::people::OwnProfileFields;

use super::{Nav, NavLink, PageError, render};
use crate::authz::authorize;
use crate::guard::{self, Actor, ClientAddress, PRE_SESSION_COOKIE, SESSION_COOKIE};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInTemplate {
    nav: Nav,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

/// Only local paths may be redirected to after sign-in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

fn pre_session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{PRE_SESSION_COOKIE}={token}; Path=/sign-in; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        if secure { "; Secure" } else { "" }
    )
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
    actor: Option<Actor>,
) -> Response {
    if actor.is_some() {
        return Redirect::to(&safe_next(query.next.as_deref())).into_response();
    }
    // Reuse the pre-session token if the browser has one, so two open tabs
    // both work.
    let csrf = guard::cookie(&headers, PRE_SESSION_COOKIE)
        .filter(|t| t.len() == 43)
        .map(str::to_string)
        .unwrap_or_else(tandem_core::auth::new_token);
    let page = SignInTemplate {
        nav: Nav::anonymous(),
        next: safe_next(query.next.as_deref()),
        username: String::new(),
        error: None,
        csrf: csrf.clone(),
    };
    let mut response = render(&page);
    if let Ok(v) = pre_session_cookie(&csrf, state.secure_cookies).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    csrf: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Form(form): Form<SignInForm>,
) -> Response {
    match state
        .auth
        .sign_in(&form.username, &form.password, &address)
        .await
    {
        Ok(session) => {
            let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
            let max_age = state.auth.settings.absolute_timeout.whole_seconds();
            for cookie in [
                guard::session_cookie(&session.token, state.secure_cookies, max_age),
                format!(
                    "{PRE_SESSION_COOKIE}=; Path=/sign-in; HttpOnly; SameSite=Strict; Max-Age=0"
                ),
            ] {
                if let Ok(v) = cookie.parse() {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(e) => {
            let (status, message) = match &e {
                AuthError::InvalidCredentials => (StatusCode::UNAUTHORIZED, e.to_string()),
                AuthError::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, e.to_string()),
                _ => return super::error_page(AppError::from(e)),
            };
            let page = SignInTemplate {
                nav: Nav::anonymous(),
                next: safe_next(form.next.as_deref()),
                username: form.username.chars().take(200).collect(),
                error: Some(message),
                csrf: form.csrf,
            };
            let mut response = (status, render(&page)).into_response();
            AppError::from(e).add_headers(&mut response);
            response
        }
    }
}

pub async fn sign_out(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    state.auth.sign_out(&actor.0).await?;
    let mut response = Redirect::to("/sign-in").into_response();
    if let Ok(v) = guard::expired_cookie(SESSION_COOKIE).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// One role as the home page describes it.
pub struct RoleCard {
    pub title: &'static str,
    pub scope: String,
    pub text: &'static str,
    pub links: Vec<NavLink>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    nav: Nav,
    name: String,
    institution: String,
    cards: Vec<RoleCard>,
    institutions: Vec<(String, String)>,
}

pub async fn home(State(state): State<AppState>, actor: Actor) -> Result<Response, PageError> {
    let p = &actor.0;
    let mut name = p.username.clone();
    let mut cards = Vec::new();
    let mut institutions = Vec::new();
    if let Some(inst) = &p.institution {
        let scope = InstitutionScope::of(inst);
        if let Some(person) = p.person
            && let Some(profile) = tandem_store::people::get(&state.db, &scope, person).await?
        {
            name = profile.display_name();
        }
        let divisions = tandem_store::units::divisions(&state.db, &scope).await?;
        let departments = tandem_store::units::departments(&state.db, &scope).await?;
        let unit_links = |unit: UnitScope| -> Vec<NavLink> {
            divisions
                .iter()
                .filter(|d| match unit {
                    UnitScope::Institution => true,
                    UnitScope::Department(id) => d.department_id == id,
                    UnitScope::Division(id) => d.id == id,
                })
                .map(|d| NavLink {
                    href: format!("/i/{}/divisions/{}", inst.slug, d.id),
                    label: d.name.clone(),
                })
                .collect()
        };
        let unit_name = |unit: UnitScope| match unit {
            UnitScope::Institution => inst.name.clone(),
            UnitScope::Department(id) => departments
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            UnitScope::Division(id) => divisions
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
        };
        let directory = NavLink {
            href: format!("/i/{}/people", inst.slug),
            label: "Browse the directory".into(),
        };
        for g in &p.grants {
            let (text, links): (&'static str, Vec<NavLink>) = match g.role {
                Role::Mentee => (
                    "Find the right mentor: suggestions explain why each mentor fits and what to watch; ask one, and hear from their other mentees first.",
                    vec![
                        NavLink {
                            href: "/mentors".into(),
                            label: "Find a mentor".into(),
                        },
                        NavLink {
                            href: "/relationships".into(),
                            label: "Your relationships".into(),
                        },
                        NavLink {
                            href: "/requests".into(),
                            label: "Your requests".into(),
                        },
                        NavLink {
                            href: directory.href.clone(),
                            label: directory.label.clone(),
                        },
                    ],
                ),
                Role::Mentor => (
                    "Mentees find you when your profile offers places. Answer their requests before they expire; a reason for declining stays with you.",
                    vec![
                        NavLink {
                            href: "/relationships".into(),
                            label: "Your mentees".into(),
                        },
                        NavLink {
                            href: "/requests".into(),
                            label: "Requests to you".into(),
                        },
                        NavLink {
                            href: "/profile/edit".into(),
                            label: "Edit your profile and places".into(),
                        },
                    ],
                ),
                Role::Facilitator => (
                    "You run the program in your unit. Relationship health shows which pairs need attention and why; each division's aggregate picture is linked below, with time to match by gender, rank and stream.",
                    [
                        NavLink {
                            href: "/program/health".into(),
                            label: "Relationship health".into(),
                        },
                        NavLink {
                            href: "/rounds".into(),
                            label: "Matching rounds".into(),
                        },
                        NavLink {
                            href: format!("/i/{}/reports/time-to-match", inst.slug),
                            label: "Time to match".into(),
                        },
                        NavLink {
                            href: format!("/i/{}/reports/endings", inst.slug),
                            label: "Why relationships end".into(),
                        },
                        NavLink {
                            href: "/program/checkins".into(),
                            label: "Check-in settings".into(),
                        },
                    ]
                    .into_iter()
                    .chain(unit_links(g.unit))
                    .collect(),
                ),
                Role::UnitLeader => (
                    "You see your unit in aggregate only, relationship health included: counts under five are hidden, and no individual's confidential data ever reaches this page.",
                    unit_links(g.unit),
                ),
                Role::Evaluator => (
                    "You work on de-identified aggregates: counts under five are suppressed.",
                    unit_links(UnitScope::Institution)
                        .into_iter()
                        .chain([NavLink {
                            href: format!("/i/{}/reports/endings", inst.slug),
                            label: "Why relationships end".into(),
                        }])
                        .collect(),
                ),
                Role::InstitutionAdmin => (
                    "You manage accounts and roles for the institution and can read its audit log.",
                    vec![
                        NavLink {
                            href: "/admin/permissions".into(),
                            label: "Permissions".into(),
                        },
                        NavLink {
                            href: "/admin/audit".into(),
                            label: "Audit log".into(),
                        },
                    ],
                ),
                Role::SystemOperator => (
                    "You manage institutions and accounts. You read no relationship data.",
                    vec![],
                ),
            };
            cards.push(RoleCard {
                title: g.role.label(),
                scope: unit_name(g.unit),
                text,
                links,
            });
        }
    } else {
        for g in &p.grants {
            cards.push(RoleCard {
                title: g.role.label(),
                scope: "All institutions".into(),
                text: "You manage institutions and accounts. You read no relationship data.",
                links: vec![NavLink {
                    href: "/admin/permissions".into(),
                    label: "Permissions".into(),
                }],
            });
        }
        if may_ever(p, Action::ManageAccounts) {
            institutions = tandem_store::institutions::list(&state.db)
                .await?
                .into_iter()
                .map(|i| (i.slug.to_string(), i.name))
                .collect();
        }
    }
    Ok(render(&HomeTemplate {
        nav: Nav::for_actor(&actor),
        name,
        institution: p
            .institution
            .as_ref()
            .map(|i| i.name.clone())
            .unwrap_or_default(),
        cards,
        institutions,
    }))
}

#[derive(Template)]
#[template(path = "profile_edit.html")]
struct EditProfileTemplate {
    nav: Nav,
    form: ProfileForm,
    channels: Vec<(&'static str, &'static str, bool)>,
    errors: Vec<String>,
    profile_link: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct ProfileForm {
    #[serde(default)]
    research_interests: String,
    #[serde(default)]
    clinical_interests: String,
    #[serde(default)]
    education_interests: String,
    #[serde(default)]
    values: String,
    #[serde(default)]
    pace: String,
    #[serde(default)]
    energy: String,
    #[serde(default)]
    mentoring_years: String,
    #[serde(default)]
    past_mentees: String,
    #[serde(default)]
    location: String,
    /// `;`-joined, from the checkboxes.
    #[serde(default)]
    contact_channels: String,
    #[serde(default, rename = "channel")]
    _channel: Option<String>,
    #[serde(default)]
    looking_for: String,
    #[serde(default)]
    personal_interests: String,
    #[serde(default)]
    mentor_capacity: String,
    #[serde(default)]
    mentor_training: bool,
    #[serde(default)]
    reference_opt_in: bool,
}

async fn own_person(
    state: &AppState,
    actor: &Actor,
) -> Result<(InstitutionScope, tandem_domain::PersonProfile, String), AppError> {
    let inst = actor.0.institution.as_ref().ok_or(AppError::NotFound)?;
    let person = actor.0.person.ok_or(AppError::NotFound)?;
    let scope = InstitutionScope::of(inst);
    let profile = tandem_store::people::get(&state.db, &scope, person)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(state, actor, Action::EditProfile, Target::person(&profile)).await?;
    Ok((
        scope,
        profile,
        format!("/i/{}/people/{}", inst.slug, person),
    ))
}

fn channel_choices(selected: &[ContactChannel]) -> Vec<(&'static str, &'static str, bool)> {
    ContactChannel::ALL
        .iter()
        .map(|c| (c.code(), c.label(), selected.contains(c)))
        .collect()
}

pub async fn edit_profile_page(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Response, PageError> {
    let (scope, p, profile_link) = own_person(&state, &actor).await?;
    let mentoring = tandem_store::mentoring::profile(&state.db, &scope, p.id).await?;
    let form = ProfileForm {
        looking_for: mentoring.looking_for.items().join("; "),
        personal_interests: mentoring.personal_interests.items().join("; "),
        mentor_capacity: mentoring.mentor_capacity.to_string(),
        mentor_training: mentoring.mentor_training,
        reference_opt_in: mentoring.reference_opt_in,
        research_interests: p.research_interests.items().join("; "),
        clinical_interests: p.clinical_interests.items().join("; "),
        education_interests: p.education_interests.items().join("; "),
        values: p.values.items().join("; "),
        pace: p
            .working_style
            .pace
            .map(|x| x.code().to_string())
            .unwrap_or_default(),
        energy: p
            .working_style
            .energy
            .map(|x| x.code().to_string())
            .unwrap_or_default(),
        mentoring_years: p.mentoring_years.to_string(),
        past_mentees: p.past_mentees.to_string(),
        location: p.location.clone().unwrap_or_default(),
        contact_channels: String::new(),
        _channel: None,
    };
    Ok(render(&EditProfileTemplate {
        nav: Nav::for_actor(&actor),
        form,
        channels: channel_choices(&p.contact_channels),
        errors: vec![],
        profile_link,
    }))
}

fn count(field: &str, raw: &str, max: u16, errors: &mut Vec<String>) -> u16 {
    let raw = raw.trim();
    if raw.is_empty() {
        return 0;
    }
    match raw.parse::<u16>() {
        Ok(n) if n <= max => n,
        _ => {
            errors.push(format!("{field}: expected a whole number from 0 to {max}"));
            0
        }
    }
}

pub async fn edit_profile(
    State(state): State<AppState>,
    actor: Actor,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let (scope, p, profile_link) = own_person(&state, &actor).await?;
    // Checkboxes repeat the `channel` key, which a struct cannot hold:
    // read the pairs directly.
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let chosen: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "channel")
        .map(|(_, v)| v.clone())
        .collect();
    let form = ProfileForm {
        research_interests: get("research_interests"),
        clinical_interests: get("clinical_interests"),
        education_interests: get("education_interests"),
        values: get("values"),
        pace: get("pace"),
        energy: get("energy"),
        mentoring_years: get("mentoring_years"),
        past_mentees: get("past_mentees"),
        location: get("location"),
        contact_channels: chosen.join(";"),
        _channel: None,
        looking_for: get("looking_for"),
        personal_interests: get("personal_interests"),
        mentor_capacity: get("mentor_capacity"),
        mentor_training: get("mentor_training") == "yes",
        reference_opt_in: get("reference_opt_in") == "yes",
    };
    let mut errors = Vec::new();
    let mut tags = |field: &'static str, raw: &str| match TagList::parse(field, raw) {
        Ok(t) => t,
        Err(e) => {
            errors.push(format!("{}: {}", field.replace('_', " "), e.expected));
            TagList::default()
        }
    };
    let research_interests = tags("research_interests", &form.research_interests);
    let clinical_interests = tags("clinical_interests", &form.clinical_interests);
    let education_interests = tags("education_interests", &form.education_interests);
    let values = tags("values", &form.values);
    let looking_for = tags("looking_for", &form.looking_for);
    let personal_interests = tags("personal_interests", &form.personal_interests);
    let style_text = [form.pace.as_str(), form.energy.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(";");
    let working_style = WorkingStyle::parse(&style_text).unwrap_or_else(|e| {
        errors.push(format!("working style: {}", e.expected));
        WorkingStyle::default()
    });
    let contact_channels = parse_contact_channels(&form.contact_channels).unwrap_or_else(|e| {
        errors.push(format!("contact channels: {}", e.expected));
        vec![]
    });
    let mentor_capacity =
        MentoringProfile::parse_capacity(&form.mentor_capacity).unwrap_or_else(|e| {
            errors.push(format!("mentees you will take: {}", e.expected));
            0
        });
    let mentoring_years = count("years mentoring", &form.mentoring_years, 70, &mut errors);
    let past_mentees = count("past mentees", &form.past_mentees, 1000, &mut errors);
    let location = Some(form.location.trim().to_string()).filter(|l| !l.is_empty());
    if location
        .as_ref()
        .is_some_and(|l| l.chars().count() > 200 || l.chars().any(char::is_control))
    {
        errors.push("location: at most 200 characters".into());
    }
    if !errors.is_empty() {
        let page = EditProfileTemplate {
            nav: Nav::for_actor(&actor),
            channels: channel_choices(&contact_channels),
            form,
            errors,
            profile_link,
        };
        return Ok((StatusCode::BAD_REQUEST, render(&page)).into_response());
    }
    let fields = OwnProfileFields {
        research_interests,
        clinical_interests,
        education_interests,
        values,
        working_style,
        mentoring_years,
        past_mentees,
        location,
        contact_channels,
    };
    let now = state.auth.clock.now();
    tandem_store::people::update_own_fields(&state.db, &scope, p.id, &fields, now).await?;
    let mut mentoring = tandem_store::mentoring::profile(&state.db, &scope, p.id).await?;
    mentoring.looking_for = looking_for;
    mentoring.personal_interests = personal_interests;
    mentoring.mentor_capacity = mentor_capacity;
    mentoring.mentor_training = form.mentor_training;
    mentoring.reference_opt_in = form.reference_opt_in;
    tandem_store::mentoring::save_profile(&state.db, &scope, &mentoring, now).await?;
    Ok(Redirect::to(&format!("{profile_link}?saved=1")).into_response())
}

/// Every settings action is on the caller's own credentials.
async fn may_manage_own_credentials(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    authorize(
        state,
        actor,
        Action::ManageOwnCredentials,
        Target::own(&actor.0),
    )
    .await?;
    Ok(())
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsTemplate {
    nav: Nav,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    message: Option<String>,
    error: Option<String>,
    /// The e-mail choices (code, label, chosen), for an account linked to
    /// a person; none otherwise.
    email_choices: Vec<(&'static str, &'static str, bool)>,
}

/// An e-mail preference as the settings form offers it.
fn email_choice_label(p: EmailPreference) -> &'static str {
    match p {
        EmailPreference::Immediate => "Immediately, one e-mail per notification",
        EmailPreference::Digest => "A weekly digest, on Monday mornings",
        EmailPreference::Off => "Never: I read them in Tandem",
    }
}

async fn email_choices(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<(&'static str, &'static str, bool)>, AppError> {
    let (Some(inst), Some(person)) = (&actor.0.institution, actor.0.person) else {
        return Ok(vec![]);
    };
    let current =
        tandem_store::jobs::email_preference(&state.db, &InstitutionScope::of(inst), person)
            .await?;
    Ok(EmailPreference::ALL
        .iter()
        .map(|p| (p.code(), email_choice_label(*p), *p == current))
        .collect())
}

async fn settings(
    state: &AppState,
    actor: &Actor,
    new_token: Option<String>,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    may_manage_own_credentials(state, actor).await?;
    let day = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    let tokens = tandem_store::sessions::list_tokens(&state.db, actor.0.account)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            name: t.name,
            created: t.created_at.format(&day).unwrap_or_default(),
            last_used: t
                .last_used_at
                .and_then(|u| u.format(&day).ok())
                .unwrap_or_else(|| "never".into()),
            revoked: t.revoked,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let email_choices = email_choices(state, actor).await?;
    Ok((
        status,
        render(&SettingsTemplate {
            nav: Nav::for_actor(actor),
            tokens,
            new_token,
            message,
            error,
            email_choices,
        }),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct SettingsQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn settings_page(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<SettingsQuery>,
) -> Result<Response, PageError> {
    let message = match query.saved.as_deref() {
        Some("email") => Some("Your e-mail preference is saved.".to_string()),
        _ => None,
    };
    settings(&state, &actor, None, message, None).await
}

#[derive(Deserialize)]
pub struct EmailPreferenceForm {
    #[serde(default)]
    email: String,
}

/// How the caller wants notifications e-mailed. Only an account linked to
/// a person receives notifications: any other has nothing to set (404).
pub async fn save_email_preference(
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<EmailPreferenceForm>,
) -> Result<Response, PageError> {
    may_manage_own_credentials(&state, &actor).await?;
    let (Some(inst), Some(person)) = (&actor.0.institution, actor.0.person) else {
        return Err(AppError::NotFound.into());
    };
    let Ok(choice) = EmailPreference::parse(&form.email) else {
        return settings(
            &state,
            &actor,
            None,
            None,
            Some(
                "Choose how Tandem should e-mail you: immediately, a weekly digest, or never."
                    .into(),
            ),
        )
        .await;
    };
    tandem_store::jobs::set_email_preference(
        &state.db,
        &InstitutionScope::of(inst),
        person,
        choice,
        state.auth.clock.now(),
    )
    .await?;
    Ok(Redirect::to("/settings?saved=email").into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    may_manage_own_credentials(&state, &actor).await?;
    if form.new != form.confirm {
        return settings(
            &state,
            &actor,
            None,
            None,
            Some("The new password and its confirmation differ.".into()),
        )
        .await;
    }
    match state
        .auth
        .change_password(&actor.0, &form.current, &form.new)
        .await
    {
        Ok(session) => {
            // Every other session of the account has ended; this browser
            // continues on a fresh one.
            let mut response = Redirect::to("/settings").into_response();
            let cookie = guard::session_cookie(
                &session.token,
                state.secure_cookies,
                state.auth.settings.absolute_timeout.whole_seconds(),
            );
            if let Ok(v) = cookie.parse() {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        Err(AuthError::InvalidCredentials) => {
            settings(
                &state,
                &actor,
                None,
                None,
                Some("The current password is not right.".into()),
            )
            .await
        }
        Err(AuthError::WeakPassword(m)) => settings(&state, &actor, None, None, Some(m)).await,
        Err(e) => Err(AppError::from(e).into()),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    may_manage_own_credentials(&state, &actor).await?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return settings(
            &state,
            &actor,
            None,
            None,
            Some("Give the token a name of 1 to 100 characters.".into()),
        )
        .await;
    }
    let (_, token) = state.auth.create_api_token(&actor.0, name).await?;
    settings(
        &state,
        &actor,
        Some(token),
        Some(format!(
            "Token \"{name}\" created. Copy it now: it is shown only once."
        )),
        None,
    )
    .await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    may_manage_own_credentials(&state, &actor).await?;
    let id = id.parse::<uuid::Uuid>().map_err(|_| AppError::NotFound)?;
    if !tandem_store::sessions::revoke_token(&state.db, actor.0.account, id, state.auth.clock.now())
        .await?
    {
        return Err(AppError::NotFound.into());
    }
    Ok(Redirect::to("/settings").into_response())
}
