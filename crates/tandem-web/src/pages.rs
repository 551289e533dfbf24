//! Server-rendered pages: plain HTML and CSS, no script needed, served
//! entirely by the binary. Read-only until sign-in lands.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tandem_domain::{Institution, Rank, Stream};
use tandem_store::people::PersonSummary;
use tandem_store::units::Division;

use crate::directory::{self, PeopleQuery, ProfileView};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/i/{slug}/people", get(people))
        .route("/i/{slug}/people/{id}", get(profile))
        .route("/assets/tandem.css", get(stylesheet))
}

const STYLESHEET: &str = include_str!("../assets/tandem.css");

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
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
    title: String,
    message: String,
}

pub(crate) fn error_page(error: AppError) -> Response {
    error.log();
    let status = error.status();
    let page = ErrorTemplate {
        title: match status {
            StatusCode::NOT_FOUND => "Not found".into(),
            StatusCode::BAD_REQUEST => "That request could not be understood".into(),
            _ => "Something went wrong".into(),
        },
        message: error.public_message(),
    };
    (status, render(&page)).into_response()
}

fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

struct InstitutionCard {
    slug: String,
    name: String,
    faculty: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    institutions: Vec<InstitutionCard>,
}

async fn home(State(state): State<AppState>) -> Result<Response, PageError> {
    let mut institutions = Vec::new();
    for i in tandem_store::institutions::list(&state.db).await? {
        let scope = tandem_store::InstitutionScope::of(&i);
        let faculty = tandem_store::people::search(&state.db, &scope, &Default::default(), 1, 0)
            .await?
            .total;
        institutions.push(InstitutionCard {
            slug: i.slug.to_string(),
            name: i.name,
            faculty,
        });
    }
    Ok(render(&HomeTemplate { institutions }))
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryTemplate {
    institution: Institution,
    people: Vec<PersonSummary>,
    total: i64,
    q: String,
    divisions: Vec<Choice>,
    ranks: Vec<Choice>,
    streams: Vec<Choice>,
    first: i64,
    last: i64,
    previous_page: Option<String>,
    next_page: Option<String>,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    selected: Option<T>,
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: code(v).into(),
            label: label(v).into(),
            selected: Some(v) == selected,
        })
        .collect()
}

/// Builds a directory link that keeps the current filters.
fn page_link(slug: &str, query: &PeopleQuery, page: i64) -> String {
    let mut pairs = vec![("page".to_string(), page.to_string())];
    for (k, v) in [
        ("q", &query.q),
        ("division", &query.division),
        ("rank", &query.rank),
        ("stream", &query.stream),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            pairs.push((k.into(), v.into()));
        }
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!("/i/{slug}/people?{}", encoded.join("&"))
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn people(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<PeopleQuery>,
) -> Result<Response, PageError> {
    let (institution, scope) = directory::institution(&state.db, &slug).await?;
    let request = query.parse()?;
    let page = tandem_store::people::search(
        &state.db,
        &scope,
        &request.filter,
        request.per_page,
        request.offset(),
    )
    .await?;
    let divisions: Vec<Division> = tandem_store::units::divisions(&state.db, &scope).await?;
    let first = if page.total == 0 {
        0
    } else {
        request.offset() + 1
    };
    let last = request.offset() + page.items.len() as i64;
    let template = DirectoryTemplate {
        previous_page: (request.page > 1).then(|| page_link(&slug, &query, request.page - 1)),
        next_page: (last < page.total).then(|| page_link(&slug, &query, request.page + 1)),
        q: query.q.clone().unwrap_or_default(),
        divisions: divisions
            .into_iter()
            .map(|d| Choice {
                selected: Some(d.id) == request.filter.division,
                value: d.id.to_string(),
                label: d.name,
            })
            .collect(),
        ranks: choices(Rank::ALL, request.filter.rank, Rank::code, Rank::label),
        streams: choices(
            Stream::ALL,
            request.filter.stream,
            Stream::code,
            Stream::label,
        ),
        institution,
        people: page.items,
        total: page.total,
        first,
        last,
    };
    Ok(render(&template))
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfileTemplate {
    institution: Institution,
    view: ProfileView,
}

async fn profile(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (institution, scope) = directory::institution(&state.db, &slug).await?;
    let view = directory::load_profile(&state.db, &scope, directory::person_id(&id)?).await?;
    Ok(render(&ProfileTemplate { institution, view }))
}
