//! Tandem's HTTP surface: the JSON API under `/api/v1` (with its OpenAPI
//! document at `/api/openapi.json`, generated from the handlers), the
//! server-rendered pages, and the health probes. No SQL lives here: handlers
//! call the store and core crates.

// Server code never unwraps, expects or panics on its own: a failure is
// an error the caller handles (issue 8). Tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

mod api;
mod api_health;
mod api_mentoring;
mod api_relationships;
mod authz;
mod directory;
mod error;
pub mod guard;
mod health;
pub mod mentoring;
pub mod pages;
pub mod relationships;
pub mod routes;

/// Every parser of outside input in this crate, in one place, for the
/// cargo-fuzz targets in `fuzz/` (a separate workspace that can only reach
/// public items). It exists for them: handlers use the parsers directly,
/// and nothing else should depend on this module.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::directory::PeopleQuery;
    pub use crate::health::CaseActionForm;
    pub use crate::mentoring::SuggestionQuery;
    pub use crate::pages::fuzzing::{
        AdjustForm, NewRoundForm, checkin_form, parse_instrument, ranking_form,
    };
    pub use crate::relationships::{EndingForm, parse_slot_time};

    /// The CSRF field of a form body, as the guard reads it.
    pub fn csrf_field(body: &[u8]) -> Option<String> {
        crate::guard::csrf_field(body)
    }

    /// The bearer token of an `Authorization` header, as the guard reads it.
    pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
        crate::guard::bearer(headers)
    }

    /// Whether the guard refuses these headers as a cross-site request.
    pub fn cross_site(headers: &axum::http::HeaderMap) -> bool {
        crate::guard::cross_site(headers)
    }
}

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tandem_store::Db;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub auth: std::sync::Arc<tandem_core::auth::Auth>,
    /// Served behind HTTPS: cookies get `Secure`, responses get HSTS.
    pub secure_cookies: bool,
    /// Each institution's people and mentoring profiles, kept between
    /// requests until they change.
    pub pools: std::sync::Arc<tandem_core::mentoring::PoolCache>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Tandem API", description = "Faculty mentorship programs: institutions, units and people."),
    tags(
        (name = "directory", description = "Institutions, departments, divisions and faculty (M1)"),
        (name = "mentoring", description = "Suggestions, requests and answers (M2)"),
        (name = "rounds", description = "Facilitator matching rounds (M2)"),
        (name = "relationships", description = "A mentoring relationship's life: agreement, meetings, no-fault ending (M3-M8)"),
        (name = "reports", description = "Aggregates, suppressed under five (M10)")
    ),
    modifiers(&BearerAuth),
    security(("api_token" = []))
)]
struct ApiDoc;

/// Declares personal API tokens (`Authorization: Bearer tdm_...`).
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token, created on the settings page."))
                    .build(),
            ),
        );
    }
}

/// Runs every request in a task of its own, so that a handler that panics
/// costs only its own request: the client gets the generic 500 (JSON under
/// `/api/`, the error page elsewhere) and the server keeps serving. Nothing
/// of the panic reaches the client, and the log names no path (a calendar
/// feed's path carries its secret token).
async fn contain_panics(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let api = request.uri().path().starts_with("/api/");
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(failure) => {
            tracing::error!(
                panicked = failure.is_panic(),
                "a request handler failed to finish"
            );
            let error = AppError::Internal("a request handler panicked".into());
            if api {
                axum::response::IntoResponse::into_response(error)
            } else {
                pages::error_page(error)
            }
        }
    }
}

/// Wraps any router in what every response of Tandem gets: panic
/// containment and the security headers. [`router`] applies it to the
/// application; tests apply it to routers of their own.
pub fn harden(router: Router) -> Router {
    router
        .layer(axum::middleware::from_fn(contain_panics))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ))
}

/// The JSON API's routes and their OpenAPI document.
fn api_and_document() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", api::routes())
        .split_for_parts();
    document_common_responses(&mut openapi);
    (api, openapi)
}

/// The answers every API operation may give whatever its handler does,
/// added to each operation that does not document them itself: the guard
/// answers 401 to a call without a valid token or session before any
/// handler runs, and 403 to a session's write without its CSRF token; the
/// policy refuses with 403 (another institution's records answer 404,
/// which each operation with an identifier documents); and a write may
/// meet records that no longer allow it (409: already ended, answered,
/// published, or changed meanwhile). Found missing by the API fuzzer
/// (apifuzz/), which holds the API to its document.
fn document_common_responses(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    for item in openapi.paths.paths.values_mut() {
        // Each operation, and whether it writes (409 is a write's answer).
        let operations = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
            (&mut item.head, false),
            (&mut item.options, false),
            (&mut item.trace, false),
        ];
        for (operation, writes) in operations {
            let Some(operation) = operation else { continue };
            let responses = &mut operation.responses.responses;
            if writes {
                responses.entry("409".into()).or_insert_with(|| {
                    error("The records as they stand do not allow this (the message says why)")
                });
            }
            responses
                .entry("401".into())
                .or_insert_with(|| error("No valid API token or session"));
            responses.entry("403".into()).or_insert_with(|| {
                error("Your roles do not allow this (or a session's write lacks its CSRF token)")
            });
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api_and_document();
    let openapi_json = openapi.to_pretty_json().unwrap_or_else(|_| "{}".into());

    let app = Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(
                move || async move { ([(header::CONTENT_TYPE, "application/json")], openapi_json) },
            ),
        )
        .merge(pages::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .fallback(error::not_found);
    harden(app.with_state(state))
}

/// The OpenAPI document, for `tandem openapi` and tests.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api_and_document().1
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Ready only while the database answers.
async fn readyz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    if state.db.ping().await {
        (axum::http::StatusCode::OK, "ready")
    } else {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable",
        )
    }
}
