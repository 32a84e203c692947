//! The server's JSON (`API.md`): the wire types are `domain::api`'s, shared with the server;
//! here only what can go wrong when asking.

pub use domain::api::*;

/// The methods that send a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Post,
    Put,
    Patch,
    Delete,
}

/// Why a request did not give an answer the app can use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// No network, or the server did not answer.
    Offline,
    /// The server wants the officer to sign in again; nothing local is touched.
    Unauthenticated,
    /// The officer's account is disabled (`account_disabled`).
    Disabled,
    Rejected {
        status: u16,
        code: String,
        errors: Vec<FieldProblem>,
    },
}

impl ApiFailure {
    pub fn code(&self) -> &str {
        match self {
            ApiFailure::Offline => "offline",
            ApiFailure::Unauthenticated => "unauthenticated",
            ApiFailure::Disabled => "account_disabled",
            ApiFailure::Rejected { code, .. } => code,
        }
    }

    /// What an error answer with this body and status means to the app.
    pub fn of(body: ErrorBody, status: u16) -> ApiFailure {
        match body.error.code.as_str() {
            "unauthenticated" => ApiFailure::Unauthenticated,
            "account_disabled" => ApiFailure::Disabled,
            _ => ApiFailure::Rejected {
                status,
                code: body.error.code,
                errors: body.error.errors,
            },
        }
    }
}
