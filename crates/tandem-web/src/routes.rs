//! Every route Tandem serves, with who may reach it. The guard refuses any
//! request whose route is not listed here (deny by default), and a test
//! checks that every route in the router and the OpenAPI document is.

use tandem_core::policy::Action;

/// Who may reach a route before the handler looks at the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account; the handler shows only the account's own data.
    SignedIn,
    /// A signed-in account that the policy allows this action on the
    /// object the handler resolves.
    Policy(Action),
}

#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn r(method: &'static str, path: &'static str, access: Access) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
    }
}

use Access::*;
use Action::*;

pub const ROUTES: &[RouteSpec] = &[
    // Probes and assets.
    r("GET", "/healthz", Public),
    r("GET", "/readyz", Public),
    r("GET", "/assets/tandem.css", Public),
    r("GET", "/api/openapi.json", Public),
    // Signing in and out.
    r("GET", "/sign-in", Public),
    r("POST", "/sign-in", Public),
    r("POST", "/sign-out", SignedIn),
    // Pages.
    r("GET", "/", SignedIn),
    r("GET", "/i/{slug}/people", Policy(ReadDirectory)),
    r("GET", "/i/{slug}/people/{id}", Policy(ReadProfile)),
    r("GET", "/i/{slug}/divisions/{id}", Policy(ReadUnitSummary)),
    r(
        "GET",
        "/i/{slug}/reports/time-to-match",
        Policy(ReadReports),
    ),
    r("GET", "/i/{slug}/reports/endings", Policy(ReadReports)),
    r("GET", "/relationships", SignedIn),
    r("GET", "/relationships/{id}", Policy(TakePartInRelationship)),
    r(
        "POST",
        "/relationships/{id}/complete",
        Policy(TakePartInRelationship),
    ),
    r(
        "GET",
        "/relationships/{id}/end",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/end",
        Policy(TakePartInRelationship),
    ),
    r(
        "GET",
        "/relationships/{id}/agreement",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/agreement",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/agreement/sign",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/meetings",
        Policy(TakePartInRelationship),
    ),
    r("GET", "/meetings/{id}", Policy(TakePartInRelationship)),
    r(
        "POST",
        "/meetings/{id}/reschedule",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/meetings/{id}/cancel",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/meetings/{id}/agenda",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/meetings/{id}/notes",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/meetings/{id}/recap",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/meetings/{id}/confirm",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/meetings/{id}/actions",
        Policy(TakePartInRelationship),
    ),
    r(
        "GET",
        "/meetings/{id}/calendar.ics",
        Policy(TakePartInRelationship),
    ),
    r("POST", "/actions/{id}/done", Policy(TakePartInRelationship)),
    r("GET", "/calendar", SignedIn),
    r("POST", "/calendar/feed", SignedIn),
    r("POST", "/calendar/feed/revoke", SignedIn),
    // Opened by calendar apps with the secret token alone.
    r("GET", "/calendar/feed/{token}", Public),
    r(
        "GET",
        "/relationships/{id}/plan",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/plan/goals",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/plan/progress",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/plan/log",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/reviews",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/reviews/close",
        Policy(TakePartInRelationship),
    ),
    r("GET", "/reviews", SignedIn),
    // Health: a side's own check-ins, view and request for help.
    r(
        "GET",
        "/relationships/{id}/checkin",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/checkin",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/checkin/consent",
        Policy(TakePartInRelationship),
    ),
    r(
        "GET",
        "/relationships/{id}/help",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/relationships/{id}/help",
        Policy(TakePartInRelationship),
    ),
    // The facilitator's console and cases.
    r("GET", "/program/health", Policy(WatchHealth)),
    r("GET", "/program/health/{id}", Policy(WatchHealth)),
    r("POST", "/program/health/{id}/cases", Policy(WatchHealth)),
    r("GET", "/program/cases/{id}", Policy(WatchHealth)),
    r("POST", "/program/cases/{id}", Policy(WatchHealth)),
    r("GET", "/program/checkins", Policy(ManageProgram)),
    r("POST", "/program/checkins", Policy(ManageProgram)),
    r("POST", "/program/instruments", Policy(ManageProgram)),
    r("GET", "/program/agreement", Policy(ManageProgram)),
    r(
        "GET",
        "/program/relationships",
        Policy(OverseeRelationships),
    ),
    r(
        "POST",
        "/program/relationships/{id}/end",
        Policy(OverseeRelationships),
    ),
    r("POST", "/program/agreement", Policy(ManageProgram)),
    r("GET", "/rounds", Policy(RunRounds)),
    r("POST", "/rounds", Policy(RunRounds)),
    r("GET", "/rounds/{id}", Policy(RunRounds)),
    r("POST", "/rounds/{id}/adjust", Policy(RunRounds)),
    r("POST", "/rounds/{id}/publish", Policy(RunRounds)),
    // A participant's own ranking in a stable round.
    r("GET", "/rounds/{id}/rank", Policy(AnswerRequests)),
    r("POST", "/rounds/{id}/rank", Policy(AnswerRequests)),
    r("POST", "/proposals/{id}/accept", Policy(AnswerRequests)),
    r("POST", "/proposals/{id}/decline", Policy(AnswerRequests)),
    r("GET", "/program", Policy(ManageProgram)),
    r("POST", "/program", Policy(ManageProgram)),
    r("GET", "/mentors", Policy(FindMentor)),
    r("GET", "/mentors/{id}", Policy(FindMentor)),
    r("POST", "/mentors/{id}/request", Policy(FindMentor)),
    r("POST", "/mentors/{id}/feedback", Policy(FindMentor)),
    r("GET", "/requests", SignedIn),
    r("POST", "/requests/{id}/accept", Policy(AnswerRequests)),
    r("POST", "/requests/{id}/decline", Policy(AnswerRequests)),
    r("POST", "/requests/{id}/withdraw", Policy(FindMentor)),
    r("POST", "/requests/withdraw-pending", Policy(FindMentor)),
    r("GET", "/profile/edit", Policy(EditProfile)),
    r("POST", "/profile/edit", Policy(EditProfile)),
    r("GET", "/settings", Policy(ManageOwnCredentials)),
    r("POST", "/settings/password", Policy(ManageOwnCredentials)),
    r("POST", "/settings/tokens", Policy(ManageOwnCredentials)),
    r(
        "POST",
        "/settings/notifications",
        Policy(ManageOwnCredentials),
    ),
    r(
        "POST",
        "/settings/tokens/{id}/revoke",
        Policy(ManageOwnCredentials),
    ),
    r("GET", "/admin/permissions", Policy(ReadPermissions)),
    r("GET", "/admin/audit", Policy(ReadAudit)),
    r("GET", "/admin/accounts", Policy(ManageAccounts)),
    r("POST", "/admin/accounts", Policy(ManageAccounts)),
    r("POST", "/admin/accounts/{id}/roles", Policy(ManageAccounts)),
    r(
        "POST",
        "/admin/accounts/{id}/roles/revoke",
        Policy(ManageAccounts),
    ),
    r(
        "POST",
        "/admin/accounts/{id}/password",
        Policy(ManageAccounts),
    ),
    r(
        "POST",
        "/admin/accounts/{id}/disable",
        Policy(ManageAccounts),
    ),
    r(
        "POST",
        "/admin/accounts/{id}/enable",
        Policy(ManageAccounts),
    ),
    // The JSON API.
    r("GET", "/api/v1/me", SignedIn),
    r("GET", "/api/v1/institutions", SignedIn),
    r(
        "GET",
        "/api/v1/institutions/{slug}",
        Policy(ReadInstitution),
    ),
    r(
        "GET",
        "/api/v1/institutions/{slug}/departments",
        Policy(ReadDirectory),
    ),
    r(
        "GET",
        "/api/v1/institutions/{slug}/divisions",
        Policy(ReadDirectory),
    ),
    r(
        "GET",
        "/api/v1/institutions/{slug}/people",
        Policy(ReadDirectory),
    ),
    r(
        "GET",
        "/api/v1/institutions/{slug}/people/{id}",
        Policy(ReadProfile),
    ),
    r(
        "GET",
        "/api/v1/institutions/{slug}/reports/demographics",
        Policy(ReadReports),
    ),
    r("GET", "/api/v1/program", Policy(ManageProgram)),
    r("POST", "/api/v1/program", Policy(ManageProgram)),
    r("GET", "/api/v1/rounds", Policy(RunRounds)),
    r("POST", "/api/v1/rounds", Policy(RunRounds)),
    r("GET", "/api/v1/rounds/{id}", Policy(RunRounds)),
    r("POST", "/api/v1/rounds/{id}/adjust", Policy(RunRounds)),
    r("POST", "/api/v1/rounds/{id}/publish", Policy(RunRounds)),
    r("GET", "/api/v1/me/suggestions", Policy(FindMentor)),
    r("GET", "/api/v1/mentors/{id}", Policy(FindMentor)),
    r("POST", "/api/v1/mentors/{id}/feedback", Policy(FindMentor)),
    r(
        "POST",
        "/api/v1/me/requests/withdraw-pending",
        Policy(FindMentor),
    ),
    r(
        "POST",
        "/api/v1/proposals/{id}/accept",
        Policy(AnswerRequests),
    ),
    r(
        "POST",
        "/api/v1/proposals/{id}/decline",
        Policy(AnswerRequests),
    ),
    r("GET", "/api/v1/rounds/{id}/ranking", Policy(AnswerRequests)),
    r(
        "POST",
        "/api/v1/rounds/{id}/ranking",
        Policy(AnswerRequests),
    ),
    r("GET", "/api/v1/me/requests", SignedIn),
    r("GET", "/api/v1/me/relationships", SignedIn),
    r(
        "GET",
        "/api/v1/relationships/{id}",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/api/v1/relationships/{id}/complete",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/api/v1/relationships/{id}/end",
        Policy(TakePartInRelationship),
    ),
    r(
        "GET",
        "/api/v1/relationships/{id}/agreement",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/api/v1/relationships/{id}/agreement",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/api/v1/relationships/{id}/agreement/sign",
        Policy(TakePartInRelationship),
    ),
    r(
        "GET",
        "/api/v1/institutions/{slug}/reports/endings",
        Policy(ReadReports),
    ),
    r("POST", "/api/v1/me/requests", Policy(FindMentor)),
    r(
        "POST",
        "/api/v1/requests/{id}/accept",
        Policy(AnswerRequests),
    ),
    r(
        "POST",
        "/api/v1/requests/{id}/decline",
        Policy(AnswerRequests),
    ),
    r("POST", "/api/v1/requests/{id}/withdraw", Policy(FindMentor)),
    r(
        "GET",
        "/api/v1/institutions/{slug}/reports/time-to-match",
        Policy(ReadReports),
    ),
    // Health.
    r(
        "GET",
        "/api/v1/relationships/{id}/health",
        Policy(TakePartInRelationship),
    ),
    r(
        "GET",
        "/api/v1/relationships/{id}/checkins",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/api/v1/relationships/{id}/checkins",
        Policy(TakePartInRelationship),
    ),
    r(
        "POST",
        "/api/v1/relationships/{id}/help",
        Policy(TakePartInRelationship),
    ),
    r("GET", "/api/v1/program/health", Policy(WatchHealth)),
    r("GET", "/api/v1/program/health/{id}", Policy(WatchHealth)),
    r(
        "POST",
        "/api/v1/program/health/{id}/cases",
        Policy(WatchHealth),
    ),
    r("GET", "/api/v1/program/cases/{id}", Policy(WatchHealth)),
    r(
        "POST",
        "/api/v1/program/cases/{id}/entries",
        Policy(WatchHealth),
    ),
    r("GET", "/api/v1/program/checkins", Policy(ManageProgram)),
    r("POST", "/api/v1/program/checkins", Policy(ManageProgram)),
    r("GET", "/api/v1/program/instruments", Policy(ManageProgram)),
    r("POST", "/api/v1/program/instruments", Policy(ManageProgram)),
    r(
        "GET",
        "/api/v1/institutions/{slug}/divisions/{id}/health",
        Policy(ReadUnitSummary),
    ),
];

/// The spec of a matched route, if it is listed.
pub fn find(method: &str, path: &str) -> Option<&'static RouteSpec> {
    ROUTES
        .iter()
        .find(|r| r.path == path && r.method.eq_ignore_ascii_case(method))
}
