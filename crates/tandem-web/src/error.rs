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
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message safe to show a client.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound => "Nothing was found at this address.".into(),
            AppError::BadRequest(m) => m.clone(),
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
    /// Stable, machine-readable: not_found, bad_request, internal.
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
        (self.status(), Json(body)).into_response()
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
