//! The one error type of the HTTP layer: JSON errors as `API.md` says, internals logged, never sent.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
pub use domain::api::FieldProblem;
use domain::api::{ErrorBody, ErrorDetail};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Which fields of the request were invalid, for 422 answers.
    pub errors: Vec<FieldProblem>,
    /// Seconds to wait, sent as `Retry-After` with 429 and 503 answers.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such resource.")
    }

    pub fn unauthenticated() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Sign in first.",
        )
    }

    pub fn forbidden() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Your role may not do this.",
        )
    }

    pub fn invalid_credentials() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "Wrong username or password.",
        )
    }

    /// The right password for a disabled account: the phone then forgets its PIN-wrapped key.
    pub fn account_disabled() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "This account is disabled.",
        )
    }

    /// A token of a disabled officer's session (disabling revokes it): not signed in, and why.
    pub fn account_disabled_session() -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            ..ApiError::account_disabled()
        }
    }

    pub fn too_many_attempts(retry_after_secs: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after_secs),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "Too many failed sign-ins. Try again later.",
            )
        }
    }

    /// Every password check is taken (see `password::Checks`): nothing was checked or counted.
    pub fn busy() -> Self {
        ApiError {
            retry_after: Some(crate::password::BUSY_RETRY_SECS),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "The server is busy. Try again in a few seconds.",
            )
        }
    }

    /// A signed-in officer's own password, typed wrong (to change it).
    pub fn wrong_password() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_password",
            "The current password is wrong.",
        )
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    pub fn invalid(errors: Vec<FieldProblem>) -> Self {
        ApiError {
            errors,
            ..ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "The request has invalid fields.",
            )
        }
    }

    /// A 422 for one field.
    pub fn invalid_field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        ApiError::invalid(vec![FieldProblem::new(field, code, message)])
    }

    /// For failures the caller can do nothing about; the cause goes to the log only.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal server error.",
        )
    }
}

/// For the command line, which shares the account rules with the API.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        for error in &self.errors {
            write!(f, " {}: {}", error.field, error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                errors: self.errors,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        match error {
            crate::store::StoreError::Duplicate => {
                ApiError::conflict("conflict", "Something with the same key already exists.")
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<crate::password::HashError> for ApiError {
    fn from(error: crate::password::HashError) -> Self {
        ApiError::internal(error)
    }
}

impl From<crate::password::CheckError> for ApiError {
    fn from(error: crate::password::CheckError) -> Self {
        match error {
            crate::password::CheckError::Busy => ApiError::busy(),
            crate::password::CheckError::Hash(error) => error.into(),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid",
            _ => "malformed",
        };
        ApiError::new(status, code, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "malformed", rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "malformed", rejection.body_text())
    }
}

/// `axum::Json`, but a body that cannot be read answers in the API's error shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `axum::extract::Query`, answering in the API's error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path`, answering in the API's error shape.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

pub async fn api_not_found() -> ApiError {
    ApiError::not_found()
}
