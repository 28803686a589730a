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
        let bearer = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_string);
        // The pages keep the token for the browser session and send it as a
        // cookie, which a browser also sends on a request another site makes:
        // enough for reads, never for writes.
        let given = match access {
            Access::Read => bearer.or_else(|| cookie(headers)),
            Access::Write => bearer,
        };
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

/// The `pipec_token` cookie the pages set (percent-encoded by the script).
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("pipec_token="))
        .map(percent_decoded)
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Compares in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
