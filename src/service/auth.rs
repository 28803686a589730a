//! The bearer token. Writes always need it; reads too unless `--public-read`.
//! A service without a token refuses to start (see the CLI): an open write
//! API on a trading desk is never the default.

use super::ApiError;
use axum::http::{HeaderMap, StatusCode};

pub struct Auth {
    token: String,
    public_read: bool,
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

impl Auth {
    pub fn new(token: String, public_read: bool) -> Auth {
        Auth { token, public_read }
    }

    pub(crate) fn check(&self, headers: &HeaderMap, access: Access) -> Result<(), ApiError> {
        if access == Access::Read && self.public_read {
            return Ok(());
        }
        let given = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match given {
            Some(token) if same(token.as_bytes(), self.token.as_bytes()) => Ok(()),
            Some(_) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "the bearer token is wrong",
            )),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this needs `Authorization: Bearer TOKEN` (the daemon's PIPEC_API_TOKEN)",
            )),
        }
    }
}

/// Compares in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
