//! The authorization matrix: every route of the route table, for every
//! role (and for someone not signed in), against objects of the caller's
//! own institution and of a mirror-image other institution, each in three
//! relations to the caller (their own, one they are paired with, an
//! unrelated one). Every cell's expected status is written out below; a
//! route or role without a declared row fails the test. Canary values in
//! every restricted field must never reach a caller who may not see them.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::*;
use tandem_core::auth::AuthSettings;
use tandem_core::roster::{NoProgress, parse_roster};
use tandem_domain::Role;
use tandem_testkit::{Session, TEST_PASSWORD, TestApp, TestContext, create_account, dual_test};
use tandem_web::routes::{Access, ROUTES};

/// Callers: someone signed out, then one account per role.
const ACTORS: &[&str] = &[
    "anonymous",
    "mentee",
    "mentor",
    "facilitator",
    "leader",
    "evaluator",
    "admin",
    "operator",
];

/// Expected statuses per route and caller: `same` then `other`
/// institution, each for (own, paired, unrelated) objects. A single
/// status means all six cells; `A | B` means A for the three same-
/// institution cells and B for the three others; otherwise six statuses.
const EXPECTED: &[(&str, &[(&str, &str)])] = &[
    ("GET /healthz", &[("*", "200")]),
    ("GET /readyz", &[("*", "200")]),
    ("GET /assets/tandem.css", &[("*", "200")]),
    ("GET /api/openapi.json", &[("*", "200")]),
    ("GET /sign-in", &[("anonymous", "200"), ("*", "303")]),
    // Wrong credentials on purpose; signed out, the form's token is missing.
    ("POST /sign-in", &[("anonymous", "403"), ("*", "401")]),
    ("POST /sign-out", &[("anonymous", "403"), ("*", "303")]),
    ("GET /", &[("anonymous", "303"), ("*", "200")]),
    (
        "GET /i/{slug}/people",
        &[
            ("anonymous", "303"),
            ("mentee", "200 | 404"),
            ("mentor", "200 | 404"),
            ("facilitator", "200 | 404"),
            ("leader", "200 | 404"),
            ("evaluator", "403 | 404"),
            ("admin", "200 | 404"),
            ("operator", "404"),
        ],
    ),
    (
        "GET /i/{slug}/people/{id}",
        &[
            ("anonymous", "303"),
            ("mentee", "200 | 404"),
            ("mentor", "200 | 404"),
            ("facilitator", "200 | 404"),
            ("leader", "200 | 404"),
            ("evaluator", "403 | 404"),
            ("admin", "404 200 200 404 404 404"),
            ("operator", "404"),
        ],
    ),
    (
        "GET /i/{slug}/divisions/{id}",
        &[
            ("anonymous", "303"),
            ("mentee", "403 | 404"),
            ("mentor", "403 | 404"),
            ("facilitator", "200 200 403 404 404 404"),
            ("leader", "200 200 403 404 404 404"),
            ("evaluator", "200 | 404"),
            ("admin", "200 | 404"),
            ("operator", "404"),
        ],
    ),
    (
        "GET /i/{slug}/reports/time-to-match",
        &[
            ("anonymous", "303"),
            ("mentee", "403 | 404"),
            ("mentor", "403 | 404"),
            ("facilitator", "200 | 404"),
            ("leader", "403 | 404"),
            ("evaluator", "200 | 404"),
            ("admin", "200 | 404"),
            ("operator", "404"),
        ],
    ),
    // Finding a mentor acts on the caller's own person: only mentees may,
    // and accounts without a person have nothing to act on (404).
    // Rounds run in the caller's own institution, whatever the path; a
    // person's id is no round (404 once allowed).
    (
        "GET /rounds",
        &[
            ("anonymous", "303"),
            ("facilitator", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    // An empty form: nothing is run (400).
    (
        "POST /rounds",
        &[
            ("anonymous", "403"),
            ("facilitator", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /rounds/{id}",
        &[
            ("anonymous", "303"),
            ("facilitator", "404"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /rounds/{id}/adjust",
        &[
            ("anonymous", "403"),
            ("facilitator", "404"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /rounds/{id}/publish",
        &[
            ("anonymous", "403"),
            ("facilitator", "404"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    // A person's id is no round anyone takes part in.
    (
        "GET /rounds/{id}/rank",
        &[("anonymous", "303"), ("*", "404")],
    ),
    (
        "POST /rounds/{id}/rank",
        &[("anonymous", "403"), ("*", "404")],
    ),
    (
        "POST /proposals/{id}/accept",
        &[("anonymous", "403"), ("*", "404")],
    ),
    (
        "POST /proposals/{id}/decline",
        &[("anonymous", "403"), ("*", "404")],
    ),
    // The program's rules: the caller's own institution, whatever the path.
    (
        "GET /program",
        &[
            ("anonymous", "303"),
            ("facilitator", "200"),
            ("admin", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    // An empty form: nothing saved (400).
    (
        "POST /program",
        &[
            ("anonymous", "403"),
            ("facilitator", "400"),
            ("admin", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /program/agreement",
        &[
            ("anonymous", "303"),
            ("facilitator", "200"),
            ("admin", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    // An empty form: no exit clause, nothing saved (400).
    (
        "POST /program/agreement",
        &[
            ("anonymous", "403"),
            ("facilitator", "400"),
            ("admin", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /program/relationships",
        &[
            ("anonymous", "303"),
            ("facilitator", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    // Without the confirmation box ticked, nothing is closed (400).
    (
        "POST /program/relationships/{id}/end",
        &[
            ("anonymous", "403"),
            ("facilitator", "400 400 400 404 404 404"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /mentors",
        &[
            ("anonymous", "303"),
            ("mentee", "200"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    (
        "GET /mentors/{id}",
        &[
            ("anonymous", "303"),
            ("mentee", "200 | 404"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    // None of the people asked offers places: refused with a reason, as
    // things stand (409).
    (
        "POST /mentors/{id}/request",
        &[
            ("anonymous", "403"),
            ("mentee", "409 | 404"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    // An empty form: refused (400) once the mentor is found.
    (
        "POST /mentors/{id}/feedback",
        &[
            ("anonymous", "403"),
            ("mentee", "400 | 404"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    ("GET /requests", &[("anonymous", "303"), ("*", "200")]),
    // A person's id is no request of anyone's: not found.
    (
        "POST /requests/{id}/accept",
        &[("anonymous", "403"), ("*", "404")],
    ),
    (
        "POST /requests/{id}/decline",
        &[("anonymous", "403"), ("*", "404")],
    ),
    (
        "POST /requests/{id}/withdraw",
        &[
            ("anonymous", "403"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    (
        "POST /requests/withdraw-pending",
        &[
            ("anonymous", "403"),
            ("mentee", "303"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    (
        "GET /profile/edit",
        &[
            ("anonymous", "303"),
            ("mentee", "200"),
            ("mentor", "200"),
            ("facilitator", "200"),
            ("leader", "200"),
            ("evaluator", "404"),
            ("admin", "404"),
            ("operator", "404"),
        ],
    ),
    (
        "POST /profile/edit",
        &[
            ("anonymous", "403"),
            ("mentee", "303"),
            ("mentor", "303"),
            ("facilitator", "303"),
            ("leader", "303"),
            ("evaluator", "404"),
            ("admin", "404"),
            ("operator", "404"),
        ],
    ),
    ("GET /settings", &[("anonymous", "303"), ("*", "200")]),
    // The current password is wrong on purpose: nothing changes.
    (
        "POST /settings/password",
        &[("anonymous", "403"), ("*", "400")],
    ),
    (
        "POST /settings/tokens",
        &[("anonymous", "403"), ("*", "200")],
    ),
    // Only an account linked to a person receives notifications, so only
    // it has an e-mail preference to set; the others have nothing (404).
    (
        "POST /settings/notifications",
        &[
            ("anonymous", "403"),
            ("evaluator", "404"),
            ("admin", "404"),
            ("operator", "404"),
            ("*", "303"),
        ],
    ),
    // Own token: revoked; anyone else's: not found.
    (
        "POST /settings/tokens/{id}/revoke",
        &[("anonymous", "403"), ("*", "303 404 404 404 404 404")],
    ),
    (
        "GET /admin/permissions",
        &[
            ("anonymous", "303"),
            ("admin", "200"),
            ("operator", "200"),
            ("*", "403"),
        ],
    ),
    (
        "GET /admin/audit",
        &[("anonymous", "303"), ("admin", "200"), ("*", "403")],
    ),
    (
        "GET /admin/accounts",
        &[
            ("anonymous", "303"),
            ("admin", "200"),
            ("operator", "200"),
            ("*", "403"),
        ],
    ),
    // Invalid input on purpose: authorised callers get 400, nothing changes.
    (
        "POST /admin/accounts",
        &[
            ("anonymous", "403"),
            ("admin", "400"),
            ("operator", "400"),
            ("*", "403"),
        ],
    ),
    // Accounts: own, a mentee's (paired), the evaluator's (unrelated).
    (
        "POST /admin/accounts/{id}/roles",
        &[
            ("anonymous", "403"),
            ("admin", "400 | 404"),
            ("operator", "404 400 400 404 400 400"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /admin/accounts/{id}/roles/revoke",
        &[
            ("anonymous", "403"),
            ("admin", "400 | 404"),
            ("operator", "404 400 400 404 400 400"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /admin/accounts/{id}/password",
        &[
            ("anonymous", "403"),
            ("admin", "400 | 404"),
            ("operator", "404 400 400 404 400 400"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /admin/accounts/{id}/disable",
        &[
            ("anonymous", "403"),
            ("admin", "400 | 404"),
            ("operator", "404 400 400 404 400 400"),
            ("*", "403 | 404"),
        ],
    ),
    // Enabling an enabled account changes nothing and ends no session.
    (
        "POST /admin/accounts/{id}/enable",
        &[
            ("anonymous", "403"),
            ("admin", "200 | 404"),
            ("operator", "404 200 200 404 200 200"),
            ("*", "403 | 404"),
        ],
    ),
    ("GET /api/v1/me", &[("anonymous", "401"), ("*", "200")]),
    (
        "GET /api/v1/institutions",
        &[("anonymous", "401"), ("*", "200")],
    ),
    (
        "GET /api/v1/institutions/{slug}",
        &[
            ("anonymous", "401"),
            ("operator", "200"),
            ("*", "200 | 404"),
        ],
    ),
    (
        "GET /api/v1/institutions/{slug}/departments",
        &[
            ("anonymous", "401"),
            ("evaluator", "403 | 404"),
            ("operator", "404"),
            ("*", "200 | 404"),
        ],
    ),
    (
        "GET /api/v1/institutions/{slug}/divisions",
        &[
            ("anonymous", "401"),
            ("evaluator", "403 | 404"),
            ("operator", "404"),
            ("*", "200 | 404"),
        ],
    ),
    (
        "GET /api/v1/institutions/{slug}/people",
        &[
            ("anonymous", "401"),
            ("evaluator", "403 | 404"),
            ("operator", "404"),
            ("*", "200 | 404"),
        ],
    ),
    (
        "GET /api/v1/institutions/{slug}/people/{id}",
        &[
            ("anonymous", "401"),
            ("mentee", "200 | 404"),
            ("mentor", "200 | 404"),
            ("facilitator", "200 | 404"),
            ("leader", "200 | 404"),
            ("evaluator", "403 | 404"),
            ("admin", "404 200 200 404 404 404"),
            ("operator", "404"),
        ],
    ),
    (
        "GET /api/v1/institutions/{slug}/reports/demographics",
        &[
            ("anonymous", "401"),
            ("mentee", "403 | 404"),
            ("mentor", "403 | 404"),
            ("facilitator", "200 | 404"),
            ("leader", "403 | 404"),
            ("evaluator", "200 | 404"),
            ("admin", "200 | 404"),
            ("operator", "404"),
        ],
    ),
    (
        "GET /api/v1/program",
        &[
            ("anonymous", "401"),
            ("facilitator", "200"),
            ("admin", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /api/v1/program",
        &[
            ("anonymous", "401"),
            ("facilitator", "400"),
            ("admin", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /api/v1/rounds",
        &[
            ("anonymous", "401"),
            ("facilitator", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /api/v1/rounds",
        &[
            ("anonymous", "401"),
            ("facilitator", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /api/v1/rounds/{id}",
        &[
            ("anonymous", "401"),
            ("facilitator", "404"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /api/v1/rounds/{id}/adjust",
        &[
            ("anonymous", "401"),
            ("facilitator", "404"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /api/v1/rounds/{id}/publish",
        &[
            ("anonymous", "401"),
            ("facilitator", "404"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /api/v1/me/suggestions",
        &[
            ("anonymous", "401"),
            ("mentee", "200"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    (
        "GET /api/v1/mentors/{id}",
        &[
            ("anonymous", "401"),
            ("mentee", "200 | 404"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    // The matrix's form body is not JSON: refused (400) once the mentor
    // is found.
    (
        "POST /api/v1/mentors/{id}/feedback",
        &[
            ("anonymous", "401"),
            ("mentee", "400 | 404"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    (
        "POST /api/v1/me/requests/withdraw-pending",
        &[
            ("anonymous", "401"),
            ("mentee", "200"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    (
        "POST /api/v1/proposals/{id}/accept",
        &[("anonymous", "401"), ("*", "404")],
    ),
    (
        "POST /api/v1/proposals/{id}/decline",
        &[("anonymous", "401"), ("*", "404")],
    ),
    (
        "GET /api/v1/rounds/{id}/ranking",
        &[("anonymous", "401"), ("*", "404")],
    ),
    (
        "POST /api/v1/rounds/{id}/ranking",
        &[("anonymous", "401"), ("*", "404")],
    ),
    (
        "GET /api/v1/me/requests",
        &[("anonymous", "401"), ("*", "200")],
    ),
    // A form body where JSON is expected: refused (400) once allowed.
    (
        "POST /api/v1/me/requests",
        &[
            ("anonymous", "401"),
            ("mentee", "400"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    (
        "POST /api/v1/requests/{id}/accept",
        &[("anonymous", "401"), ("*", "404")],
    ),
    // Signed out, a POST fails the CSRF check first (403). The matrix's
    // form body is not JSON: refused (400) for anyone with a person.
    (
        "POST /api/v1/requests/{id}/decline",
        &[
            ("anonymous", "401"),
            ("mentee", "400"),
            ("mentor", "400"),
            ("facilitator", "400"),
            ("leader", "400"),
            ("*", "404"),
        ],
    ),
    (
        "POST /api/v1/requests/{id}/withdraw",
        &[
            ("anonymous", "401"),
            ("mentor", "403"),
            ("facilitator", "403"),
            ("leader", "403"),
            ("*", "404"),
        ],
    ),
    // Relationships: "own" is the mentee's with the mentor, "paired" the
    // mentor's with another mentee (ended by that mentee with a private
    // reason), "unrelated" a pair of two others. Cells run in order, so the
    // mentee proposes completion, then ends their own; the mentor then
    // finds both ended.
    ("GET /relationships", &[("anonymous", "303"), ("*", "200")]),
    (
        "GET /relationships/{id}",
        &[
            ("anonymous", "303"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/complete",
        &[
            ("anonymous", "403"),
            ("mentee", "303 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /relationships/{id}/end",
        &[
            ("anonymous", "303"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "303 303 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/end",
        &[
            ("anonymous", "403"),
            ("mentee", "303 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    // The agreement: by then the mentee has ended their own relationship,
    // so both sides may read it and neither may change or sign it.
    (
        "GET /relationships/{id}/agreement",
        &[
            ("anonymous", "303"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/agreement",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/agreement/sign",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /api/v1/relationships/{id}/agreement",
        &[
            ("anonymous", "401"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /api/v1/relationships/{id}/agreement",
        &[
            ("anonymous", "401"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /api/v1/relationships/{id}/agreement/sign",
        &[
            ("anonymous", "401"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    // Meetings and action items: by then the mentee has ended their own
    // relationship, so both sides may read and neither may change them:
    // a form that is wrong in itself is refused as such (400), a complete
    // one because the relationship has ended (409).
    (
        "POST /relationships/{id}/meetings",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /meetings/{id}",
        &[
            ("anonymous", "303"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /meetings/{id}/reschedule",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /meetings/{id}/cancel",
        &[
            ("anonymous", "403"),
            ("mentee", "409 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /meetings/{id}/agenda",
        &[
            ("anonymous", "403"),
            ("mentee", "409 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /meetings/{id}/notes",
        &[
            ("anonymous", "403"),
            ("mentee", "409 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /meetings/{id}/recap",
        &[
            ("anonymous", "403"),
            ("mentee", "409 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /meetings/{id}/confirm",
        &[
            ("anonymous", "403"),
            ("mentee", "409 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /meetings/{id}/actions",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /meetings/{id}/calendar.ics",
        &[
            ("anonymous", "303"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /actions/{id}/done",
        &[
            ("anonymous", "403"),
            ("mentee", "409 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    // The plan and reviews, read-only once the relationship ended.
    (
        "GET /relationships/{id}/plan",
        &[
            ("anonymous", "303"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/plan/goals",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/plan/progress",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/plan/log",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/reviews",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/reviews/close",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    ("GET /reviews", &[("anonymous", "303"), ("*", "200")]),
    ("GET /calendar", &[("anonymous", "303"), ("*", "200")]),
    (
        "POST /calendar/feed",
        &[
            ("anonymous", "403"),
            ("mentee", "200"),
            ("mentor", "200"),
            ("facilitator", "200"),
            ("leader", "200"),
            ("*", "404"),
        ],
    ),
    (
        "POST /calendar/feed/revoke",
        &[
            ("anonymous", "403"),
            ("mentee", "303"),
            ("mentor", "303"),
            ("facilitator", "303"),
            ("leader", "303"),
            ("*", "404"),
        ],
    ),
    // The literal "{token}" is no one's token.
    ("GET /calendar/feed/{token}", &[("*", "404")]),
    (
        "GET /i/{slug}/reports/endings",
        &[
            ("anonymous", "303"),
            ("mentee", "403 | 404"),
            ("mentor", "403 | 404"),
            ("facilitator", "200 | 404"),
            ("leader", "403 | 404"),
            ("evaluator", "200 | 404"),
            ("admin", "200 | 404"),
            ("operator", "404"),
        ],
    ),
    (
        "GET /api/v1/me/relationships",
        &[("anonymous", "401"), ("*", "200")],
    ),
    (
        "GET /api/v1/relationships/{id}",
        &[
            ("anonymous", "401"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /api/v1/relationships/{id}/complete",
        &[
            ("anonymous", "401"),
            ("mentee", "409 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /api/v1/relationships/{id}/end",
        &[
            ("anonymous", "401"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /api/v1/institutions/{slug}/reports/endings",
        &[
            ("anonymous", "401"),
            ("mentee", "403 | 404"),
            ("mentor", "403 | 404"),
            ("facilitator", "200 | 404"),
            ("leader", "403 | 404"),
            ("evaluator", "200 | 404"),
            ("admin", "200 | 404"),
            ("operator", "404"),
        ],
    ),
    (
        "GET /api/v1/institutions/{slug}/reports/time-to-match",
        &[
            ("anonymous", "401"),
            ("mentee", "403 | 404"),
            ("mentor", "403 | 404"),
            ("facilitator", "200 | 404"),
            ("leader", "403 | 404"),
            ("evaluator", "200 | 404"),
            ("admin", "200 | 404"),
            ("operator", "404"),
        ],
    ),
    // Health: a side's own check-ins, view and request for help. Empty
    // forms are refused with the reason (400); nothing is saved.
    (
        "GET /relationships/{id}/checkin",
        &[
            ("anonymous", "303"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/checkin",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/checkin/consent",
        &[
            ("anonymous", "403"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /relationships/{id}/help",
        &[
            ("anonymous", "303"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /relationships/{id}/help",
        &[
            ("anonymous", "403"),
            ("mentee", "409 403 403 404 404 404"),
            ("mentor", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    // The facilitator's console: only the facilitator of the mentee's
    // unit (Cardiology here; the unrelated pair's mentee is in
    // Nephrology). Chairs, directors, evaluators and admins never.
    (
        "GET /program/health",
        &[
            ("anonymous", "303"),
            ("facilitator", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /program/health/{id}",
        &[
            ("anonymous", "303"),
            ("facilitator", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    // By then the mentee has ended the own pair, and the paired one ended
    // too: there is nothing left to broker (409).
    (
        "POST /program/health/{id}/cases",
        &[
            ("anonymous", "403"),
            ("facilitator", "409 409 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /program/cases/{id}",
        &[
            ("anonymous", "303"),
            ("facilitator", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    // No action named: nothing done (400).
    (
        "POST /program/cases/{id}",
        &[
            ("anonymous", "403"),
            ("facilitator", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /program/checkins",
        &[
            ("anonymous", "303"),
            ("facilitator", "200"),
            ("admin", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /program/checkins",
        &[
            ("anonymous", "403"),
            ("facilitator", "400"),
            ("admin", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /program/instruments",
        &[
            ("anonymous", "403"),
            ("facilitator", "400"),
            ("admin", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /api/v1/relationships/{id}/health",
        &[
            ("anonymous", "401"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /api/v1/relationships/{id}/checkins",
        &[
            ("anonymous", "401"),
            ("mentee", "200 403 403 404 404 404"),
            ("mentor", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /api/v1/relationships/{id}/checkins",
        &[
            ("anonymous", "401"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /api/v1/relationships/{id}/help",
        &[
            ("anonymous", "401"),
            ("mentee", "400 403 403 404 404 404"),
            ("mentor", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /api/v1/program/health",
        &[
            ("anonymous", "401"),
            ("facilitator", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /api/v1/program/health/{id}",
        &[
            ("anonymous", "401"),
            ("facilitator", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /api/v1/program/health/{id}/cases",
        &[
            ("anonymous", "401"),
            ("facilitator", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /api/v1/program/cases/{id}",
        &[
            ("anonymous", "401"),
            ("facilitator", "200 200 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "POST /api/v1/program/cases/{id}/entries",
        &[
            ("anonymous", "401"),
            ("facilitator", "400 400 403 404 404 404"),
            ("operator", "404"),
            ("*", "403 | 404"),
        ],
    ),
    (
        "GET /api/v1/program/checkins",
        &[
            ("anonymous", "401"),
            ("facilitator", "200"),
            ("admin", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /api/v1/program/checkins",
        &[
            ("anonymous", "401"),
            ("facilitator", "400"),
            ("admin", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "GET /api/v1/program/instruments",
        &[
            ("anonymous", "401"),
            ("facilitator", "200"),
            ("admin", "200"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    (
        "POST /api/v1/program/instruments",
        &[
            ("anonymous", "401"),
            ("facilitator", "400"),
            ("admin", "400"),
            ("operator", "404"),
            ("*", "403"),
        ],
    ),
    // Aggregates only, like the division's page.
    (
        "GET /api/v1/institutions/{slug}/divisions/{id}/health",
        &[
            ("anonymous", "401"),
            ("mentee", "403 | 404"),
            ("mentor", "403 | 404"),
            ("facilitator", "200 200 403 404 404 404"),
            ("leader", "200 200 403 404 404 404"),
            ("evaluator", "200 | 404"),
            ("admin", "200 | 404"),
            ("operator", "404"),
        ],
    ),
];

const RELATIONS: [&str; 3] = ["own", "paired", "unrelated"];

/// The six expected statuses of one route for one caller.
fn expected(route: &str, actor: &str) -> [u16; 6] {
    let rows = EXPECTED
        .iter()
        .find(|(r, _)| *r == route)
        .unwrap_or_else(|| panic!("no expectations declared for route {route}"))
        .1;
    let spec = rows
        .iter()
        .find(|(a, _)| *a == actor)
        .or_else(|| rows.iter().find(|(a, _)| *a == "*"))
        .unwrap_or_else(|| panic!("no expectation declared for {actor} on {route}"))
        .1;
    let parse = |s: &str| {
        s.trim()
            .parse::<u16>()
            .unwrap_or_else(|_| panic!("bad status {s:?} for {route}"))
    };
    if let Some((same, other)) = spec.split_once('|') {
        let (s, o) = (parse(same), parse(other));
        return [s, s, s, o, o, o];
    }
    let all: Vec<u16> = spec.split_whitespace().map(parse).collect();
    match all.len() {
        1 => [all[0]; 6],
        6 => [all[0], all[1], all[2], all[3], all[4], all[5]],
        n => panic!("{route} / {actor}: {n} statuses, expected 1, 2 or 6"),
    }
}

/// Employee ids double as canaries: they are shown only to the person, to
/// administrators and to facilitators of the person's unit.
const PEOPLE: &[(&str, &str, &str)] = &[
    // (code, division, leadership)
    ("MENTEE", "Cardiology", "none"),
    ("MENTOR", "Cardiology", "none"),
    ("FACILITATOR", "Cardiology", "none"),
    ("LEADER", "Cardiology", "division_director"),
    ("PAIRED", "Cardiology", "none"),
    ("OTHER", "Nephrology", "none"),
];

fn canary(institution: &str, code: &str) -> String {
    format!("CANARY{}{}", institution.to_uppercase(), code)
}

struct World {
    app: TestApp,
    /// Per institution: person code -> id; division name -> id.
    people: BTreeMap<(String, String), String>,
    divisions: BTreeMap<(String, String), String>,
    /// Per institution and actor: that actor's API token id.
    tokens: BTreeMap<(String, String), String>,
    /// Username -> account id.
    accounts: BTreeMap<String, String>,
    /// Per institution and relation: a relationship id, one of its
    /// meetings and one of its action items.
    relationships: BTreeMap<(String, String), String>,
    meetings: BTreeMap<(String, String), String>,
    actions: BTreeMap<(String, String), String>,
    /// Per institution and relation: a brokering case its mentee opened.
    cases: BTreeMap<(String, String), String>,
}

async fn build(t: &TestContext) -> World {
    for slug in ["north", "south"] {
        let institution = create_institution(&t.db, slug).await;
        let mut csv = format!("{HEADER}\n");
        for (i, (code, division, leadership)) in PEOPLE.iter().enumerate() {
            csv.push_str(&format!(
                "{},Given{i},Family{i},{}@{slug}.org,Medicine,{division},professor,scientist,F,2001-01-01,,,{leadership},,,,,\n",
                canary(slug, code),
                code.to_lowercase(),
            ));
        }
        let records = parse_roster(csv.as_bytes()).expect("valid roster");
        tandem_core::roster::import_roster(
            &t.db,
            &institution,
            &records,
            tandem_store::microsecond_now(),
            &mut uuid::Uuid::new_v4,
            &NoProgress,
        )
        .await
        .expect("import");
        let linked = |code: &str| Some(canary(slug, code));
        let accounts: [(&str, Option<String>, Role, Option<&str>); 6] = [
            ("mentee", linked("MENTEE"), Role::Mentee, None),
            ("mentor", linked("MENTOR"), Role::Mentor, None),
            (
                "facilitator",
                linked("FACILITATOR"),
                Role::Facilitator,
                Some("Cardiology"),
            ),
            (
                "leader",
                linked("LEADER"),
                Role::UnitLeader,
                Some("Cardiology"),
            ),
            ("evaluator", None, Role::Evaluator, None),
            ("admin", None, Role::InstitutionAdmin, None),
        ];
        for (name, person, role, unit) in accounts {
            create_account(
                &t.db,
                Some(&institution),
                person.as_deref(),
                &format!("{name}@{slug}"),
                &[(role, unit)],
            )
            .await;
        }
    }
    create_account(
        &t.db,
        None,
        None,
        "operator",
        &[(Role::SystemOperator, None)],
    )
    .await;

    let mut people = BTreeMap::new();
    let mut divisions = BTreeMap::new();
    for slug in ["north", "south"] {
        let institution = tandem_store::institutions::by_slug(&t.db, slug)
            .await
            .expect("query")
            .expect("exists");
        let scope = tandem_store::InstitutionScope::of(&institution);
        for p in tandem_store::people::all(&t.db, &scope)
            .await
            .expect("people")
        {
            let code = p
                .employee_id
                .trim_start_matches(&format!("CANARY{}", slug.to_uppercase()))
                .to_string();
            people.insert((slug.to_string(), code), p.id.to_string());
        }
        for d in tandem_store::units::divisions(&t.db, &scope)
            .await
            .expect("divisions")
        {
            divisions.insert((slug.to_string(), d.name), d.id.to_string());
        }
    }
    // Lots of sign-ins from one address and failures on one account: lift
    // the rate limits, which have their own tests.
    let settings = AuthSettings {
        attempts_per_address_per_minute: 1_000_000,
        free_failures_per_account: 1_000_000,
        ..AuthSettings::default()
    };
    let app = t.spawn_app_with(settings).await;
    let mut accounts = BTreeMap::new();
    for slug in [Some("north"), Some("south"), None] {
        let id = match slug {
            Some(s) => Some(
                tandem_store::institutions::by_slug(&t.db, s)
                    .await
                    .expect("query")
                    .expect("exists")
                    .id,
            ),
            None => None,
        };
        for a in tandem_store::accounts::list(&t.db, id)
            .await
            .expect("accounts")
        {
            accounts.insert(a.username, a.id.to_string());
        }
    }
    let mut relationships = BTreeMap::new();
    let mut meetings = BTreeMap::new();
    let mut actions = BTreeMap::new();
    let mut cases = BTreeMap::new();
    for slug in ["north", "south"] {
        let institution = tandem_store::institutions::by_slug(&t.db, slug)
            .await
            .expect("query")
            .expect("exists");
        let person = |code: &str| -> tandem_domain::PersonId {
            people[&(slug.to_string(), code.to_string())]
                .parse()
                .expect("person id")
        };
        for (relation, mentee, mentor) in [
            ("own", "MENTEE", "MENTOR"),
            ("paired", "PAIRED", "MENTOR"),
            ("unrelated", "OTHER", "PAIRED"),
        ] {
            let id = active_pair(&t.db, &institution, person(mentee), person(mentor)).await;
            relationships.insert((slug.to_string(), relation.to_string()), id.to_string());
        }
        // Each pair has met; the agenda (written by its mentee) is a canary
        // only the two sides may read.
        for (relation, mentee, agenda) in [
            ("own", "MENTEE", "AGENDAOWN"),
            ("paired", "PAIRED", "AGENDAPAIR"),
            ("unrelated", "OTHER", "AGENDAOTHER"),
        ] {
            let rel_id: tandem_domain::MentorshipId = relationships
                [&(slug.to_string(), relation.to_string())]
                .parse()
                .expect("id");
            let scope = tandem_store::InstitutionScope::of(&institution);
            let now = tandem_store::microsecond_now();
            let mine = tandem_core::relationships::mine(&t.db, &scope, rel_id, person(mentee))
                .await
                .expect("mine");
            let slot = tandem_core::relationships::meetings::Slot {
                starts_at: now + time::Duration::days(7),
                minutes: 60,
                place: String::new(),
            };
            let m = tandem_core::relationships::meetings::schedule(
                &t.db,
                &institution,
                &mine,
                &slot,
                now,
            )
            .await
            .expect("schedule");
            tandem_core::relationships::meetings::update(
                &t.db,
                &institution,
                &mine,
                &m,
                tandem_core::relationships::meetings::Change::Agenda {
                    agenda: canary(slug, agenda),
                    timelines: String::new(),
                },
                now,
            )
            .await
            .expect("agenda");
            let item = tandem_core::relationships::meetings::add_action(
                &t.db,
                &institution,
                &mine,
                tandem_core::relationships::meetings::NewAction {
                    meeting: Some(m.id),
                    description: "Send the draft".into(),
                    owner: tandem_domain::Side::Mentee,
                    due_on: None,
                },
                now,
            )
            .await
            .expect("action");
            meetings.insert((slug.to_string(), relation.to_string()), m.id.to_string());
            actions.insert(
                (slug.to_string(), relation.to_string()),
                item.id.to_string(),
            );
        }
        // Each mentee asked the facilitator for help in confidence (the
        // other side may not know); the facilitator logged a note on the
        // own pair's case. Check-ins: the own mentee shared their comment
        // with the facilitator, the own mentor kept theirs private, and the
        // unrelated (Nephrology) mentee shared theirs.
        let scope = tandem_store::InstitutionScope::of(&institution);
        let now = tandem_store::microsecond_now();
        for (relation, mentee, text) in [
            ("own", "MENTEE", "CASEOWN"),
            ("paired", "PAIRED", "CASEPAIR"),
            ("unrelated", "OTHER", "CASEOTHER"),
        ] {
            let rel_id: tandem_domain::MentorshipId = relationships
                [&(slug.to_string(), relation.to_string())]
                .parse()
                .expect("id");
            let mine = tandem_core::relationships::mine(&t.db, &scope, rel_id, person(mentee))
                .await
                .expect("mine");
            let case = tandem_core::health::broker::ask_for_help(
                &t.db,
                &institution,
                &mine,
                &tandem_core::health::broker::HelpRequest {
                    text: canary(slug, text),
                    other_may_know: false,
                },
                now,
            )
            .await
            .expect("ask for help");
            if relation == "own" {
                let facilitator: tandem_domain::AccountId = accounts
                    [&format!("facilitator@{slug}")]
                    .parse()
                    .expect("account id");
                tandem_core::health::broker::act(
                    &t.db,
                    &institution,
                    &case,
                    facilitator,
                    tandem_core::health::broker::CaseAction::Note(canary(slug, "CASELOG")),
                    now,
                )
                .await
                .expect("log");
            }
            cases.insert(
                (slug.to_string(), relation.to_string()),
                case.id.to_string(),
            );
        }
        for (relation, who, comment, share) in [
            ("own", "MENTEE", "CHECKINSHARED", true),
            ("own", "MENTOR", "CHECKINPRIVATE", false),
            ("unrelated", "OTHER", "CHECKINOTHER", true),
        ] {
            let rel_id: tandem_domain::MentorshipId = relationships
                [&(slug.to_string(), relation.to_string())]
                .parse()
                .expect("id");
            let mine = tandem_core::relationships::mine(&t.db, &scope, rel_id, person(who))
                .await
                .expect("mine");
            let mut answers = tandem_domain::health::Answers::new();
            answers.insert("communication".into(), 4);
            tandem_core::health::checkins::submit(
                &t.db,
                &institution,
                &mine,
                &tandem_core::health::checkins::CheckinInput {
                    answers,
                    comment: canary(slug, comment),
                    share_comment: share,
                },
                now,
            )
            .await
            .expect("check in");
        }
        // The paired relationship ended with a private reason nobody but
        // its author (who has no account here) may ever read.
        let paired = relationships[&(slug.to_string(), "paired".to_string())]
            .parse()
            .expect("id");
        let input = tandem_core::relationships::EndingInput {
            factors: vec![tandem_domain::FailureFactor::Competition],
            note: canary(slug, "ENDNOTE"),
            keep_apart: false,
        };
        tandem_core::relationships::end(
            &t.db,
            &institution,
            paired,
            person("PAIRED"),
            &input,
            tandem_store::microsecond_now(),
        )
        .await
        .expect("end the paired relationship");
    }
    World {
        app,
        people,
        divisions,
        tokens: BTreeMap::new(),
        accounts,
        relationships,
        meetings,
        actions,
        cases,
    }
}

/// An active relationship stored directly.
async fn active_pair(
    db: &tandem_store::Db,
    institution: &tandem_domain::Institution,
    mentee: tandem_domain::PersonId,
    mentor: tandem_domain::PersonId,
) -> tandem_domain::MentorshipId {
    let now = tandem_store::microsecond_now();
    let m = tandem_domain::Mentorship {
        id: tandem_domain::MentorshipId::new_random(),
        mentee_id: mentee,
        mentor_id: mentor,
        role: tandem_domain::MentorRole::Primary,
        origin: tandem_domain::MentorshipOrigin::Round,
        status: tandem_domain::MentorshipStatus::Active,
        proposed_at: now,
        started_at: Some(now),
    };
    let mut tx = db.begin().await.expect("tx");
    tandem_store::mentoring::insert_mentorship(
        &mut tx,
        &tandem_store::InstitutionScope::of(institution),
        &m,
        None,
    )
    .await
    .expect("insert a pair");
    tx.commit().await.expect("commit");
    m.id
}

fn username(actor: &str, slug: &str) -> String {
    if actor == "operator" {
        "operator".into()
    } else {
        format!("{actor}@{slug}")
    }
}

/// The path of one cell: the route with its parameters filled in.
fn path_for(
    world: &World,
    route_path: &str,
    actor: &str,
    own_slug: &str,
    slug: &str,
    relation: &str,
) -> String {
    let person_code = match relation {
        "own" => match actor {
            "mentee" => "MENTEE",
            "mentor" => "MENTOR",
            "facilitator" => "FACILITATOR",
            "leader" => "LEADER",
            // An account without a person has no own profile.
            _ => "NOBODY",
        },
        "paired" => "PAIRED",
        _ => "OTHER",
    };
    let person = world
        .people
        .get(&(slug.to_string(), person_code.to_string()))
        .cloned()
        .unwrap_or_else(|| "00000000-0000-4000-8000-000000000000".into());
    let division = match relation {
        "unrelated" => "Nephrology",
        _ => "Cardiology",
    };
    let division = world.divisions[&(slug.to_string(), division.to_string())].clone();
    let token_owner = if relation == "own" && slug == own_slug {
        actor
    } else {
        "admin"
    };
    let token = world
        .tokens
        .get(&(slug.to_string(), token_owner.to_string()))
        .cloned()
        .unwrap_or_else(|| "00000000-0000-4000-8000-000000000000".into());
    let account_owner = match relation {
        "own" => username(actor, slug),
        "paired" => format!("mentee@{slug}"),
        _ => format!("evaluator@{slug}"),
    };
    let account = world
        .accounts
        .get(&account_owner)
        .cloned()
        .unwrap_or_else(|| "00000000-0000-4000-8000-000000000000".into());
    let relationship = world
        .relationships
        .get(&(slug.to_string(), relation.to_string()))
        .cloned()
        .unwrap_or_else(|| "00000000-0000-4000-8000-000000000000".into());
    let of = |map: &BTreeMap<(String, String), String>| {
        map.get(&(slug.to_string(), relation.to_string()))
            .cloned()
            .unwrap_or_else(|| "00000000-0000-4000-8000-000000000000".into())
    };
    let id = if route_path.contains("/program/cases/") {
        of(&world.cases)
    } else if route_path.contains("/program/health/") {
        relationship
    } else if route_path.starts_with("/meetings/") {
        of(&world.meetings)
    } else if route_path.starts_with("/actions/") {
        of(&world.actions)
    } else if route_path.contains("/relationships/") {
        relationship
    } else if route_path.contains("/admin/accounts/") {
        account
    } else if route_path.contains("/divisions/") {
        division
    } else if route_path.contains("/tokens/") {
        token
    } else {
        person
    };
    route_path.replace("{slug}", slug).replace("{id}", &id)
}

fn form_for(route_path: &str) -> Vec<(&'static str, &'static str)> {
    match route_path {
        "/sign-in" => vec![
            ("username", "nobody@north"),
            ("password", "not the password"),
        ],
        "/settings/password" => vec![
            ("current", "not the current password"),
            ("new", "a new password, long"),
            ("confirm", "a new password, long"),
        ],
        "/settings/tokens" => vec![("name", "matrix")],
        "/settings/notifications" => vec![("email", "digest")],
        "/profile/edit" => vec![
            ("research_interests", "matrix testing"),
            ("pace", "deliberative"),
            ("channel", "email"),
        ],
        _ => vec![],
    }
}

/// Which canaries `actor` of `own_slug` may see.
fn may_see(actor: &str, own_slug: &str) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    let own_code = match actor {
        "mentee" => Some("MENTEE"),
        "mentor" => Some("MENTOR"),
        "facilitator" => Some("FACILITATOR"),
        "leader" => Some("LEADER"),
        _ => None,
    };
    if let Some(code) = own_code {
        set.insert(canary(own_slug, code));
    }
    // A pair's meeting notes: its two sides only. A check-in comment and
    // a request for help: their author, and the facilitator of the
    // mentee's unit (Cardiology) only where the author shared the comment;
    // the case log: that facilitator alone. Never the other side, a
    // director, an evaluator or an administrator.
    match actor {
        "mentee" => {
            set.insert(canary(own_slug, "AGENDAOWN"));
            set.insert(canary(own_slug, "CASEOWN"));
            set.insert(canary(own_slug, "CHECKINSHARED"));
        }
        "mentor" => {
            set.insert(canary(own_slug, "AGENDAOWN"));
            set.insert(canary(own_slug, "AGENDAPAIR"));
            set.insert(canary(own_slug, "CHECKINPRIVATE"));
        }
        "facilitator" => {
            for code in ["CASEOWN", "CASEPAIR", "CASELOG", "CHECKINSHARED"] {
                set.insert(canary(own_slug, code));
            }
        }
        _ => {}
    }
    for (code, division, _) in PEOPLE {
        if actor == "admin" || (actor == "facilitator" && *division == "Cardiology") {
            set.insert(canary(own_slug, code));
        }
    }
    set
}

async fn run_matrix(t: TestContext) {
    let mut world = build(&t).await;
    let every_route: Vec<String> = ROUTES
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    for (route, _) in EXPECTED {
        assert!(
            every_route.iter().any(|r| r == route),
            "expectations for a route that does not exist: {route}"
        );
    }
    let mut cells = 0usize;
    let mut failures = Vec::new();
    // Employee ids, and the private note of an ending nobody here wrote.
    let all_canaries: Vec<String> = ["north", "south"]
        .iter()
        .flat_map(|s| {
            PEOPLE
                .iter()
                .map(move |(code, _, _)| canary(s, code))
                .chain(
                    [
                        "ENDNOTE",
                        "AGENDAOWN",
                        "AGENDAPAIR",
                        "AGENDAOTHER",
                        "CASEOWN",
                        "CASEPAIR",
                        "CASEOTHER",
                        "CASELOG",
                        "CHECKINSHARED",
                        "CHECKINPRIVATE",
                        "CHECKINOTHER",
                    ]
                    .map(|code| canary(s, code)),
                )
        })
        .collect();

    for own_slug in ["north", "south"] {
        for actor in ACTORS {
            // Fresh sessions per caller; sign-out cells get their own.
            let session: Option<Session> = if *actor == "anonymous" {
                None
            } else {
                Some(
                    world
                        .app
                        .sign_in(&username(actor, own_slug), TEST_PASSWORD)
                        .await,
                )
            };
            // Every caller has one API token, for the revoke cells.
            if let Some(s) = &session {
                s.post("/settings/tokens", &[("name", "own")]).await;
                let page = s.get("/settings").await.text().await.expect("settings");
                let at = page.find("/settings/tokens/").expect("a revoke form")
                    + "/settings/tokens/".len();
                let id: String = page[at..].chars().take_while(|c| *c != '/').collect();
                world
                    .tokens
                    .insert((own_slug.to_string(), actor.to_string()), id);
            }
            for spec in ROUTES {
                let route = format!("{} {}", spec.method, spec.path);
                let want = expected(&route, actor);
                for (i, slug) in [
                    own_slug,
                    if own_slug == "north" {
                        "south"
                    } else {
                        "north"
                    },
                ]
                .iter()
                .enumerate()
                {
                    for (j, relation) in RELATIONS.iter().enumerate() {
                        let path = path_for(&world, spec.path, actor, own_slug, slug, relation);
                        let response = match (spec.method, &session) {
                            ("GET", Some(s)) => s.get(&path).await,
                            ("GET", None) => tandem_testkit::client()
                                .get(world.app.url(&path))
                                .send()
                                .await
                                .expect("get"),
                            (_, Some(s)) if spec.path == "/sign-out" => {
                                let fresh = world
                                    .app
                                    .sign_in(&username(actor, own_slug), TEST_PASSWORD)
                                    .await;
                                fresh.post(&path, &form_for(spec.path)).await
                            }
                            (_, Some(s)) => s.post(&path, &form_for(spec.path)).await,
                            (_, None) => tandem_testkit::client()
                                .post(world.app.url(&path))
                                .form(&form_for(spec.path))
                                .send()
                                .await
                                .expect("post"),
                        };
                        cells += 1;
                        let status = response.status().as_u16();
                        let cell = format!(
                            "{actor}@{own_slug} {route} [{} {relation}] {path}",
                            if i == 0 { "same" } else { "other" }
                        );
                        if status != want[i * 3 + j] {
                            failures.push(format!(
                                "{cell}: expected {}, got {status}",
                                want[i * 3 + j]
                            ));
                        }
                        let body = response.text().await.unwrap_or_default();
                        let allowed = may_see(actor, own_slug);
                        for c in &all_canaries {
                            if body.contains(c.as_str()) && !allowed.contains(c) {
                                failures.push(format!("{cell}: leaked {c}"));
                            }
                        }
                        for secret in [TEST_PASSWORD, "$argon2id$"] {
                            if body.contains(secret) {
                                failures.push(format!("{cell}: leaked a password or hash"));
                            }
                        }
                    }
                }
            }
        }
    }
    println!(
        "authorization matrix ({}): {cells} cells, {} routes x {} callers x 2 institutions x 2 home institutions x 3 relations",
        t.backend(),
        ROUTES.len(),
        ACTORS.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cells} cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

dual_test!(authorization_matrix, |t| {
    run_matrix(t).await;
});

#[test]
fn every_route_in_the_router_and_the_openapi_document_has_a_policy_entry() {
    let listed =
        |method: &str, path: &str| ROUTES.iter().any(|r| r.method == method && r.path == path);
    for (method, path) in tandem_web::pages::page_route_list() {
        assert!(
            listed(method, path),
            "page route {method} {path} has no entry in the route table"
        );
    }
    let doc = tandem_web::openapi_document();
    for (path, item) in doc.paths.paths.iter() {
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (method, present) in methods {
            if present {
                assert!(
                    listed(method, path),
                    "API route {method} {path} has no entry in the route table"
                );
            }
        }
    }
    // Every policy-guarded route names an action the policy has rules for.
    for r in ROUTES {
        if let Access::Policy(action) = r.access {
            assert!(
                tandem_core::policy::POLICY
                    .iter()
                    .any(|rule| rule.action == action),
                "{} {}: {action:?} has no rule",
                r.method,
                r.path
            );
        }
    }
}
