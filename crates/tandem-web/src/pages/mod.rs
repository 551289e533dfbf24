//! Server-rendered pages: plain HTML and CSS served by the binary, no
//! script. Every page shows the navigation the caller's roles allow.

mod account;
mod admin;
mod agreement;
mod calendar;
mod checkin_settings;
mod console;
mod directory;
mod health;
mod meetings;
mod mentoring;
mod plan;
mod relationships;
mod rounds;

pub(crate) use health::{case_lines, due_line};
pub(crate) use mentoring::program_institution;
pub(crate) use rounds::{AdjustForm, NewRoundForm, names, round_id, round_institution};

/// The page forms' parsers, for [`crate::fuzzing`] only: a module of
/// `pub use`s so that the crate's fuzzing module may re-export them
/// without making the page modules public.
pub(crate) mod fuzzing {
    pub use super::checkin_settings::parse_instrument;
    pub use super::health::checkin_form;
    pub use super::rounds::{AdjustForm, NewRoundForm, ranking_form};
}

use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use tandem_core::auth::Principal;
use tandem_core::policy::{Action, may_ever};

use crate::guard::Actor;
use crate::{AppError, AppState};

/// Every page route: (method, path, handler). The router is built from
/// this list, and a test checks each entry against the route table.
fn page_routes() -> Vec<(&'static str, &'static str, MethodRouter<AppState>)> {
    vec![
        ("GET", "/", get(account::home)),
        ("GET", "/sign-in", get(account::sign_in_page)),
        ("POST", "/sign-in", post(account::sign_in)),
        ("POST", "/sign-out", post(account::sign_out)),
        ("GET", "/profile/edit", get(account::edit_profile_page)),
        ("POST", "/profile/edit", post(account::edit_profile)),
        ("GET", "/settings", get(account::settings_page)),
        ("POST", "/settings/password", post(account::change_password)),
        ("POST", "/settings/tokens", post(account::create_token)),
        (
            "POST",
            "/settings/notifications",
            post(account::save_email_preference),
        ),
        (
            "POST",
            "/settings/tokens/{id}/revoke",
            post(account::revoke_token),
        ),
        ("GET", "/i/{slug}/people", get(directory::people)),
        ("GET", "/i/{slug}/people/{id}", get(directory::profile)),
        ("GET", "/i/{slug}/divisions/{id}", get(directory::division)),
        (
            "GET",
            "/i/{slug}/reports/time-to-match",
            get(mentoring::time_to_match),
        ),
        (
            "GET",
            "/i/{slug}/reports/endings",
            get(relationships::endings_report),
        ),
        ("GET", "/relationships", get(relationships::list)),
        ("GET", "/relationships/{id}", get(relationships::show)),
        (
            "POST",
            "/relationships/{id}/complete",
            post(relationships::complete),
        ),
        (
            "GET",
            "/relationships/{id}/end",
            get(relationships::end_page),
        ),
        ("POST", "/relationships/{id}/end", post(relationships::end)),
        ("GET", "/relationships/{id}/agreement", get(agreement::show)),
        (
            "POST",
            "/relationships/{id}/agreement",
            post(agreement::write),
        ),
        (
            "POST",
            "/relationships/{id}/agreement/sign",
            post(agreement::sign),
        ),
        (
            "POST",
            "/relationships/{id}/meetings",
            post(meetings::schedule),
        ),
        ("GET", "/meetings/{id}", get(meetings::show)),
        (
            "POST",
            "/meetings/{id}/reschedule",
            post(meetings::reschedule),
        ),
        ("POST", "/meetings/{id}/cancel", post(meetings::cancel)),
        ("POST", "/meetings/{id}/agenda", post(meetings::agenda)),
        ("POST", "/meetings/{id}/notes", post(meetings::notes)),
        ("POST", "/meetings/{id}/recap", post(meetings::recap)),
        ("POST", "/meetings/{id}/confirm", post(meetings::confirm)),
        ("POST", "/meetings/{id}/actions", post(meetings::add_action)),
        ("GET", "/meetings/{id}/calendar.ics", get(meetings::ics)),
        ("POST", "/actions/{id}/done", post(meetings::action_done)),
        ("GET", "/calendar", get(calendar::show)),
        ("POST", "/calendar/feed", post(calendar::renew)),
        ("POST", "/calendar/feed/revoke", post(calendar::revoke)),
        ("GET", "/calendar/feed/{token}", get(calendar::serve_feed)),
        ("GET", "/relationships/{id}/plan", get(plan::show)),
        (
            "POST",
            "/relationships/{id}/plan/goals",
            post(plan::add_goal),
        ),
        (
            "POST",
            "/relationships/{id}/plan/progress",
            post(plan::progress),
        ),
        ("POST", "/relationships/{id}/plan/log", post(plan::log)),
        (
            "POST",
            "/relationships/{id}/reviews",
            post(plan::request_review),
        ),
        (
            "POST",
            "/relationships/{id}/reviews/close",
            post(plan::close_review),
        ),
        ("GET", "/reviews", get(plan::load)),
        (
            "GET",
            "/relationships/{id}/checkin",
            get(health::checkin_page),
        ),
        (
            "POST",
            "/relationships/{id}/checkin",
            post(health::submit_checkin),
        ),
        (
            "POST",
            "/relationships/{id}/checkin/consent",
            post(health::consent),
        ),
        ("GET", "/relationships/{id}/help", get(health::help_page)),
        (
            "POST",
            "/relationships/{id}/help",
            post(health::ask_for_help),
        ),
        ("GET", "/program/health", get(console::console)),
        ("GET", "/program/health/{id}", get(console::detail)),
        (
            "POST",
            "/program/health/{id}/cases",
            post(console::open_case),
        ),
        ("GET", "/program/cases/{id}", get(console::case)),
        ("POST", "/program/cases/{id}", post(console::act)),
        ("GET", "/program/checkins", get(checkin_settings::page)),
        ("POST", "/program/checkins", post(checkin_settings::save)),
        (
            "POST",
            "/program/instruments",
            post(checkin_settings::add_instrument),
        ),
        (
            "GET",
            "/program/agreement",
            get(agreement::program_template),
        ),
        (
            "POST",
            "/program/agreement",
            post(agreement::save_program_template),
        ),
        (
            "GET",
            "/program/relationships",
            get(relationships::program_list),
        ),
        (
            "POST",
            "/program/relationships/{id}/end",
            post(relationships::program_end),
        ),
        ("GET", "/rounds", get(rounds::list)),
        ("POST", "/rounds", post(rounds::create)),
        ("GET", "/rounds/{id}", get(rounds::show)),
        ("POST", "/rounds/{id}/adjust", post(rounds::adjust)),
        ("POST", "/rounds/{id}/publish", post(rounds::publish)),
        ("GET", "/rounds/{id}/rank", get(rounds::rank_page)),
        ("POST", "/rounds/{id}/rank", post(rounds::submit_rank)),
        (
            "POST",
            "/proposals/{id}/accept",
            post(rounds::accept_proposal),
        ),
        (
            "POST",
            "/proposals/{id}/decline",
            post(rounds::decline_proposal),
        ),
        ("GET", "/program", get(mentoring::program)),
        ("POST", "/program", post(mentoring::save_program)),
        ("GET", "/mentors", get(mentoring::suggestions)),
        ("GET", "/mentors/{id}", get(mentoring::mentor)),
        (
            "POST",
            "/mentors/{id}/request",
            post(mentoring::send_request),
        ),
        (
            "POST",
            "/mentors/{id}/feedback",
            post(mentoring::give_feedback),
        ),
        ("GET", "/requests", get(mentoring::requests_page)),
        ("POST", "/requests/{id}/accept", post(mentoring::accept)),
        ("POST", "/requests/{id}/decline", post(mentoring::decline)),
        ("POST", "/requests/{id}/withdraw", post(mentoring::withdraw)),
        (
            "POST",
            "/requests/withdraw-pending",
            post(mentoring::withdraw_pending),
        ),
        ("GET", "/admin/permissions", get(admin::permissions)),
        ("GET", "/admin/audit", get(admin::audit)),
        ("GET", "/admin/accounts", get(admin::accounts)),
        ("POST", "/admin/accounts", post(admin::create_account)),
        (
            "POST",
            "/admin/accounts/{id}/roles",
            post(admin::grant_role),
        ),
        (
            "POST",
            "/admin/accounts/{id}/roles/revoke",
            post(admin::revoke_role),
        ),
        (
            "POST",
            "/admin/accounts/{id}/password",
            post(admin::reset_password),
        ),
        ("POST", "/admin/accounts/{id}/disable", post(admin::disable)),
        ("POST", "/admin/accounts/{id}/enable", post(admin::enable)),
        ("GET", "/assets/tandem.css", get(stylesheet)),
    ]
}

/// The (method, path) of every page route, for the route-table test.
pub fn page_route_list() -> Vec<(&'static str, &'static str)> {
    page_routes().into_iter().map(|(m, p, _)| (m, p)).collect()
}

pub fn routes() -> Router<AppState> {
    page_routes()
        .into_iter()
        .fold(Router::new(), |router, (_, path, handler)| {
            router.route(path, handler)
        })
}

const STYLESHEET: &str = include_str!("../../assets/tandem.css");

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

/// One link of the navigation bar.
#[derive(Clone)]
pub struct NavLink {
    pub href: String,
    pub label: String,
}

/// What the layout needs: who is signed in, their links, and the CSRF token
/// for the sign-out form.
#[derive(Clone)]
pub struct Nav {
    pub signed_in: bool,
    pub username: String,
    pub roles: String,
    pub csrf: String,
    pub links: Vec<NavLink>,
}

impl Nav {
    pub fn anonymous() -> Nav {
        Nav {
            signed_in: false,
            username: String::new(),
            roles: String::new(),
            csrf: String::new(),
            links: Vec::new(),
        }
    }

    pub fn for_principal(p: &Principal) -> Nav {
        let mut links = vec![NavLink {
            href: "/".into(),
            label: "Home".into(),
        }];
        if let Some(inst) = &p.institution {
            if may_ever(p, Action::ReadDirectory) {
                links.push(NavLink {
                    href: format!("/i/{}/people", inst.slug),
                    label: "Directory".into(),
                });
            }
            if may_ever(p, Action::FindMentor) {
                links.push(NavLink {
                    href: "/mentors".into(),
                    label: "Find a mentor".into(),
                });
            }
            if let Some(person) = p.person {
                links.push(NavLink {
                    href: "/relationships".into(),
                    label: "Relationships".into(),
                });
                links.push(NavLink {
                    href: "/requests".into(),
                    label: "Requests".into(),
                });
                links.push(NavLink {
                    href: format!("/i/{}/people/{person}", inst.slug),
                    label: "My profile".into(),
                });
            }
        }
        links.push(NavLink {
            href: "/settings".into(),
            label: "Settings".into(),
        });
        if may_ever(p, Action::ReadPermissions) {
            links.push(NavLink {
                href: "/admin/permissions".into(),
                label: "Permissions".into(),
            });
        }
        if p.institution.is_some() && may_ever(p, Action::WatchHealth) {
            links.push(NavLink {
                href: "/program/health".into(),
                label: "Health".into(),
            });
        }
        if p.institution.is_some() && may_ever(p, Action::OverseeRelationships) {
            links.push(NavLink {
                href: "/program/relationships".into(),
                label: "Pairs".into(),
            });
        }
        if p.institution.is_some() && may_ever(p, Action::RunRounds) {
            links.push(NavLink {
                href: "/rounds".into(),
                label: "Rounds".into(),
            });
        }
        if p.institution.is_some() && may_ever(p, Action::ManageProgram) {
            links.push(NavLink {
                href: "/program".into(),
                label: "Matching rules".into(),
            });
        }
        if may_ever(p, Action::ManageAccounts) {
            links.push(NavLink {
                href: "/admin/accounts".into(),
                label: "Accounts".into(),
            });
        }
        if may_ever(p, Action::ReadAudit) {
            links.push(NavLink {
                href: "/admin/audit".into(),
                label: "Audit log".into(),
            });
        }
        let mut roles: Vec<&str> = p.grants.iter().map(|g| g.role.label()).collect();
        roles.dedup();
        Nav {
            signed_in: true,
            username: p.username.clone(),
            roles: roles.join(", "),
            csrf: p.csrf_token.clone().unwrap_or_default(),
            links,
        }
    }

    pub fn for_actor(actor: &Actor) -> Nav {
        Self::for_principal(&actor.0)
    }
}

/// A page error, shown as a page.
pub struct PageError(AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl From<tandem_store::StoreError> for PageError {
    fn from(e: tandem_store::StoreError) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(self.0)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    nav: Nav,
    title: String,
    message: String,
}

tokio::task_local! {
    /// The signed-in caller's navigation, set by the guard for the length of
    /// a request so error pages keep the caller's header and menu.
    pub(crate) static REQUEST_NAV: Nav;
}

pub(crate) fn error_page(error: AppError) -> Response {
    error.log();
    let status = error.status();
    let page = ErrorTemplate {
        nav: REQUEST_NAV
            .try_with(Nav::clone)
            .unwrap_or_else(|_| Nav::anonymous()),
        title: match status {
            StatusCode::NOT_FOUND => "Not found".into(),
            StatusCode::BAD_REQUEST => "That request could not be understood".into(),
            StatusCode::CONFLICT => "That cannot be done as things stand".into(),
            StatusCode::FORBIDDEN => "Not allowed".into(),
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts".into(),
            StatusCode::UNAUTHORIZED => "Sign in first".into(),
            _ => "Something went wrong".into(),
        },
        message: error.public_message(),
    };
    let mut response = (status, render(&page)).into_response();
    error.add_headers(&mut response);
    response
}

pub(crate) fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Percent-encodes a query-string value.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
