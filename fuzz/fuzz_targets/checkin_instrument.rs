//! A program's own check-in instrument (`POST /program/checkins/instruments`
//! and the API): any text as its JSON definition.
//!
//! Properties: a bad definition is a 400; a definition that parses and
//! validates survives a JSON round trip unchanged, and scoring any answer
//! (0 to 255) on any of its items gives a concern from 0 to 100 and never
//! panics, whatever its scale.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_domain::health::Instrument;
use tandem_web::AppError;
use tandem_web::fuzzing::parse_instrument;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    match parse_instrument(json) {
        Ok(instrument) => {
            if instrument.validate().is_err() {
                return;
            }
            let again: Instrument =
                serde_json::from_str(&serde_json::to_string(&instrument).expect("serialises"))
                    .expect("what Tandem writes it reads");
            assert_eq!(again, instrument);
            assert!(!instrument.factors().is_empty());
            for item in &instrument.items {
                for value in 0..=u8::MAX {
                    assert!(instrument.concern(item, value) <= 100);
                }
            }
            for value in instrument.scale.min..=instrument.scale.max {
                assert!(!instrument.label(value).is_empty());
            }
        }
        Err(AppError::BadRequest(message)) => assert!(!message.is_empty()),
        Err(other) => panic!("a bad instrument must be a 400, not {other:?}"),
    }
});
