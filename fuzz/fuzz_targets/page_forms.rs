//! The other page forms and request fields whose parsers are functions of
//! their own: a matching round's new-round and adjust forms, a ranking
//! sheet, a brokering case's action, a meeting's date and time, and what
//! the guard reads from every request (the CSRF field, the bearer token,
//! the Origin/Referer check). The first byte picks the parser; the rest is
//! its input, decoded as axum's `Form` decodes a body.
//!
//! Properties: a bad form is a 400, never another error; accepted values
//! keep their documented ranges (team size 1-3, a listed cohort non-empty
//! and free of separators, at most ten ranked candidates each once, a
//! meeting time that formats back to what was typed).
#![no_main]

use http::{HeaderMap, HeaderValue, header};
use libfuzzer_sys::fuzz_target;
use tandem_core::mentoring::rounds::{Cohort, RANKED_CANDIDATES};
use tandem_web::AppError;
use tandem_web::fuzzing::{
    AdjustForm, CaseActionForm, NewRoundForm, bearer, cross_site, csrf_field, parse_slot_time,
    ranking_form,
};

fuzz_target!(|data: &[u8]| {
    let Some((&which, input)) = data.split_first() else {
        return;
    };
    match which % 6 {
        0 => new_round(input),
        1 => {
            if let Ok(form) = serde_urlencoded::from_bytes::<AdjustForm>(input) {
                bad_request_only(form.parse());
            }
        }
        2 => {
            if let Ok(form) = serde_urlencoded::from_bytes::<CaseActionForm>(input) {
                bad_request_only(form.action());
            }
        }
        3 => ranking(input),
        4 => slot_time(input),
        _ => guard(input),
    }
});

fn bad_request_only<T>(result: Result<T, AppError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(AppError::BadRequest(message)) => {
            assert!(!message.is_empty());
            None
        }
        Err(other) => panic!("a bad form must be a 400, not {other:?}"),
    }
}

fn new_round(input: &[u8]) {
    let Ok(form) = serde_urlencoded::from_bytes::<NewRoundForm>(input) else {
        return;
    };
    let Some(round) = bad_request_only(form.parse()) else {
        return;
    };
    assert!((1..=3).contains(&round.team_size));
    if let Cohort::EmployeeIds(ids) = &round.cohort {
        assert!(!ids.is_empty());
        for id in ids {
            assert!(!id.is_empty());
            assert!(
                !id.chars()
                    .any(|c| c == ',' || c == ';' || c.is_whitespace()),
                "{id:?}"
            );
        }
    }
}

fn ranking(input: &[u8]) {
    let Some(ranked) = bad_request_only(ranking_form(input)) else {
        return;
    };
    assert!(ranked.len() <= RANKED_CANDIDATES);
}

fn slot_time(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let (date, clock) = text.split_once('|').unwrap_or((text, ""));
    let Some(at) = bad_request_only(parse_slot_time(date, clock)) else {
        return;
    };
    let day = time::macros::format_description!("[year]-[month]-[day]");
    let hm = time::macros::format_description!("[hour]:[minute]");
    let again = parse_slot_time(
        &at.date().format(day).expect("a parsed date formats"),
        &at.time().format(hm).expect("a parsed time formats"),
    )
    .expect("a formatted slot parses");
    assert_eq!(again, at);
    assert_eq!((at.second(), at.nanosecond()), (0, 0));
}

/// Splits the input into up to four header values: Host, Origin (or
/// Referer), Authorization and Cookie; the whole input is also a form body.
fn guard(input: &[u8]) {
    let _ = csrf_field(input);
    let mut parts = input.split(|b| *b == b'\n');
    let mut headers = HeaderMap::new();
    let names = [
        header::HOST,
        header::ORIGIN,
        header::AUTHORIZATION,
        header::COOKIE,
    ];
    for name in names {
        if let Some(value) = parts.next().and_then(|v| HeaderValue::from_bytes(v).ok()) {
            headers.insert(name, value);
        }
    }
    if let Some(token) = bearer(&headers) {
        assert_eq!(token.trim(), token);
    }
    let _ = tandem_web::guard::cookie(&headers, "tandem_session");
    let refused = cross_site(&headers);
    // Without an Origin or Referer, a request is never called cross-site.
    if !headers.contains_key(header::ORIGIN) {
        assert!(!refused);
    }
}
