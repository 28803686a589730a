//! The built-in calendars, each built once on first use.

use super::model::Calendar;
use super::{xetr, xhkg, xlon, xnys, xtks};
use std::sync::OnceLock;

/// Codes of the built-in calendars, in follow-the-sun order (east to west by
/// opening in UTC: Tokyo, Hong Kong, Frankfurt, London, New York).
pub const BUILTIN_CODES: &[&str] = &["XTKS", "XHKG", "XETR", "XLON", "XNYS", "XNAS"];

/// The built-in calendar with ISO 10383 MIC `code` (case-insensitive).
pub fn builtin(code: &str) -> Option<&'static Calendar> {
    static XNYS: OnceLock<Calendar> = OnceLock::new();
    static XNAS: OnceLock<Calendar> = OnceLock::new();
    static XLON: OnceLock<Calendar> = OnceLock::new();
    static XETR: OnceLock<Calendar> = OnceLock::new();
    static XTKS: OnceLock<Calendar> = OnceLock::new();
    static XHKG: OnceLock<Calendar> = OnceLock::new();
    let upper = code.to_ascii_uppercase();
    Some(match upper.as_str() {
        "XNYS" => XNYS.get_or_init(xnys::xnys),
        "XNAS" => XNAS.get_or_init(xnys::xnas),
        "XLON" => XLON.get_or_init(xlon::xlon),
        "XETR" => XETR.get_or_init(xetr::xetr),
        "XTKS" => XTKS.get_or_init(xtks::xtks),
        "XHKG" => XHKG.get_or_init(xhkg::xhkg),
        _ => return None,
    })
}
