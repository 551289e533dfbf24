//! The directory's filters and paging (`GET /i/{slug}/people` and
//! `GET /api/v1/.../people`): any bytes as the query string, decoded as
//! axum's `Query` decodes it.
//!
//! Properties: a bad filter is a 400 (never another error); an accepted one
//! has a page from 1, a page size from 1 to 200, a non-negative offset that
//! does not overflow, and a text filter of at most 200 characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_web::AppError;
use tandem_web::fuzzing::PeopleQuery;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = serde_urlencoded::from_bytes::<PeopleQuery>(data) else {
        return;
    };
    match query.parse() {
        Ok(request) => {
            assert!(request.page >= 1 && (1..=200).contains(&request.per_page));
            assert!(request.offset() >= 0);
            if let Some(text) = &request.filter.text {
                assert!(!text.trim().is_empty() && text.chars().count() <= 200);
            }
        }
        Err(AppError::BadRequest(message)) => assert!(!message.is_empty()),
        Err(other) => panic!("a bad filter must be a 400, not {other:?}"),
    }
});
