//! The built-in calendars, each built once on first use.

use super::model::Calendar;
use super::{
    cmes, crypto, euronext, fx, xasx, xbom, xcse, xetr, xhel, xhkg, xjse, xkrx, xlon, xmad, xmil,
    xnys, xnze, xosl, xses, xshg, xsto, xswx, xtai, xtks, xtse, xwbo,
};
use std::sync::OnceLock;

/// Codes of the built-in calendars: the exchanges in follow-the-sun order (by
/// the regular open in UTC on a January day, ties east to west: Auckland
/// first, Toronto last), then the markets open around the clock.
pub const BUILTIN_CODES: &[&str] = &[
    "XNZE", "XASX", "XTKS", "XKRX", "XTAI", "XSES", "XSHG", "XHKG", "XBOM", "XJSE", "XHEL", "XSTO",
    "XWBO", "XCSE", "XOSL", "XMIL", "XETR", "XSWX", "XAMS", "XBRU", "XPAR", "XMAD", "XLON", "XLIS",
    "XNYS", "XNAS", "XTSE", "CMES", "FX", "CRYPTO",
];

/// The built-in calendar with ISO 10383 MIC `code` (case-insensitive).
pub fn builtin(code: &str) -> Option<&'static Calendar> {
    static CALENDARS: [OnceLock<Calendar>; BUILTIN_CODES.len()] =
        [const { OnceLock::new() }; BUILTIN_CODES.len()];
    let upper = code.to_ascii_uppercase();
    let index = BUILTIN_CODES.iter().position(|c| *c == upper)?;
    let make: fn() -> Calendar = match BUILTIN_CODES[index] {
        "XNZE" => xnze::xnze,
        "XASX" => xasx::xasx,
        "XTKS" => xtks::xtks,
        "XKRX" => xkrx::xkrx,
        "XTAI" => xtai::xtai,
        "XSES" => xses::xses,
        "XSHG" => xshg::xshg,
        "XHKG" => xhkg::xhkg,
        "XBOM" => xbom::xbom,
        "XJSE" => xjse::xjse,
        "XHEL" => xhel::xhel,
        "XSTO" => xsto::xsto,
        "XWBO" => xwbo::xwbo,
        "XCSE" => xcse::xcse,
        "XOSL" => xosl::xosl,
        "XMIL" => xmil::xmil,
        "XETR" => xetr::xetr,
        "XSWX" => xswx::xswx,
        "XAMS" => euronext::xams,
        "XBRU" => euronext::xbru,
        "XPAR" => euronext::xpar,
        "XMAD" => xmad::xmad,
        "XLON" => xlon::xlon,
        "XLIS" => euronext::xlis,
        "XNYS" => xnys::xnys,
        "XNAS" => xnys::xnas,
        "XTSE" => xtse::xtse,
        "CMES" => cmes::cmes,
        "FX" => fx::fx,
        "CRYPTO" => crypto::crypto,
        _ => return None,
    };
    Some(CALENDARS[index].get_or_init(make))
}
