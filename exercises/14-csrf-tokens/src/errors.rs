//! What a handler can fail with: `Result<HttpResponse, Error>`, and `?` on the way.
//!
//! A handler that reads the database would otherwise end every query with a `match` that turns
//! the error into a page. With this type, `users::all(&db).await?` does it: `?` converts the
//! `sqlx::Error` into an [`Error`], and actix-web turns the [`Error`] into a response, through
//! `ResponseError`. That response is `shared::PageError`'s, which the guard
//! (`shared::guard::check`, wrapped in `app`) makes into the usual error page, with the layout
//! and the cookie inspector.
//!
//! Flask: `abort(503)` / `abort(404)`, and an `@app.errorhandler` that renders the page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use shared::PageError;

/// A database that does not answer (a locked or missing file, a full disk) is the server's
/// problem, not the visitor's: 503, with what went wrong in the log.
pub const DATABASE_DOWN: &str = "The database is not answering; please try again in a moment.";

// ANCHOR: error
#[derive(Debug)]
pub enum Error {
    /// A query failed: 503 and [`DATABASE_DOWN`]; the cause goes to the log.
    Database(sqlx::Error),
    /// Any other status and sentence: `PageError::forbidden("...")`, `PageError::internal(e)`.
    Page(PageError),
}

/// What `?` does with a database error.
impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Error {
        Error::Database(error)
    }
}

impl From<PageError> for Error {
    fn from(error: PageError) -> Error {
        Error::Page(error)
    }
}

/// A session value that cannot be stored (`session.insert`, `flash`): the server's fault.
impl From<actix_session::SessionInsertError> for Error {
    fn from(error: actix_session::SessionInsertError) -> Error {
        Error::Page(PageError::internal(error))
    }
}

/// A password hash that could not be made: the server's fault too.
impl From<argon2::password_hash::Error> for Error {
    fn from(error: argon2::password_hash::Error) -> Error {
        Error::Page(PageError::internal(format!("hashing a password: {error}")))
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Database(error) => write!(f, "database: {error}"),
            Error::Page(error) => error.fmt(f),
        }
    }
}

/// How actix-web answers an `Err(Error)`: with `PageError`'s response, which the guard renders.
impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Error::Database(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Page(error) => error.status(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Error::Database(error) => {
                eprintln!("error: database: {error}");
                PageError::new(StatusCode::SERVICE_UNAVAILABLE, DATABASE_DOWN).error_response()
            }
            Error::Page(error) => error.error_response(),
        }
    }
}
// ANCHOR_END: error
