//! One error type for the HTTP layer, mapped exhaustively to statuses.
//! JSON errors look like `{"error":{"code":"not_found","message":"..."}}`
//! with stable codes; server errors are logged with their cause and shown
//! to the client without it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tandem_domain::ValueError;
use tandem_store::StoreError;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// Well formed, but the records' current state says no (409).
    #[error("{0}")]
    Conflict(String),
    /// Not for this caller, with the reason shown (403).
    #[error("{0}")]
    NotAllowed(String),
    #[error("sign in first")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("the request's security token is missing or wrong")]
    CsrfRejected,
    #[error("too many attempts")]
    TooManyRequests { retry_after_seconds: i64 },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::NotAllowed(_) => StatusCode::FORBIDDEN,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::NotAllowed(_) => "forbidden",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::CsrfRejected => "csrf_rejected",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message safe to show a client.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound => "Nothing was found at this address.".into(),
            AppError::BadRequest(m) | AppError::Conflict(m) | AppError::NotAllowed(m) => m.clone(),
            AppError::Unauthenticated => "Sign in to see this.".into(),
            AppError::Forbidden => "Your roles do not allow this.".into(),
            AppError::CsrfRejected => {
                "This form has expired or did not come from Tandem. Go back, reload the page and try again.".into()
            }
            AppError::TooManyRequests { retry_after_seconds } => {
                format!("Too many attempts. Try again in {retry_after_seconds} seconds.")
            }
            AppError::Internal(_) => "Something went wrong on our side; it has been logged.".into(),
        }
    }

    pub(crate) fn log(&self) {
        if let AppError::Internal(cause) = self {
            let mut chain = cause.to_string();
            let mut source = cause.source();
            while let Some(s) = source {
                chain.push_str(": ");
                chain.push_str(&s.to_string());
                source = s.source();
            }
            tracing::error!(error = %chain, "request failed");
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(Box::new(e))
    }
}

impl From<ValueError> for AppError {
    fn from(e: ValueError) -> Self {
        AppError::BadRequest(e.to_string())
    }
}

/// The body of every JSON error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: not_found, bad_request, conflict,
    /// unauthenticated, forbidden, csrf_rejected, too_many_requests,
    /// internal.
    pub code: String,
    pub message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().into(),
                message: self.public_message(),
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        self.add_headers(&mut response);
        response
    }
}

impl AppError {
    /// Retry-After on 429, WWW-Authenticate on 401.
    pub(crate) fn add_headers(&self, response: &mut Response) {
        let headers = response.headers_mut();
        match self {
            AppError::TooManyRequests {
                retry_after_seconds,
            } => {
                if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after_seconds.to_string()) {
                    headers.insert(axum::http::header::RETRY_AFTER, v);
                }
            }
            AppError::Unauthenticated => {
                headers.insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer"),
                );
            }
            _ => {}
        }
    }
}

impl From<tandem_core::auth::AuthError> for AppError {
    fn from(e: tandem_core::auth::AuthError) -> Self {
        use tandem_core::auth::AuthError;
        match e {
            AuthError::InvalidCredentials => AppError::BadRequest(e.to_string()),
            AuthError::WeakPassword(m) => AppError::BadRequest(m),
            AuthError::TooManyAttempts {
                retry_after_seconds,
            } => AppError::TooManyRequests {
                retry_after_seconds,
            },
            AuthError::Store(s) => s.into(),
            AuthError::Hashing(_) => AppError::Internal(Box::new(e)),
        }
    }
}

/// Unknown addresses: JSON under /api, a page elsewhere.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        AppError::NotFound.into_response()
    } else {
        crate::pages::error_page(AppError::NotFound)
    }
}
