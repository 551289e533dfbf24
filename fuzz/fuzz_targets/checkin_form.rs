//! The confidential check-in form (`POST /relationships/{id}/checkin`):
//! any bytes as the body, then its answers checked against Tandem's own
//! instrument and scored, as `checkins::submit` does.
//!
//! Properties: a bad scale point is a 400; each answer comes from an
//! `item_<code>` field; checking answers never panics and a scored answer's
//! concern is from 0 to 100.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tandem_domain::health::Instrument;
use tandem_web::AppError;
use tandem_web::fuzzing::checkin_form;

fuzz_target!(|data: &[u8]| {
    match checkin_form(data) {
        Ok(input) => {
            let keys: Vec<String> = form_keys(data);
            for code in input.answers.keys() {
                assert!(keys.contains(&format!("item_{code}")), "{code:?}");
            }
            let instrument = tandem();
            if instrument.check_answers(&input.answers).is_ok() {
                for (code, value) in &input.answers {
                    let item = instrument.item(code).expect("checked: a question of it");
                    assert!(instrument.concern(item, *value) <= 100);
                    assert!(!instrument.label(*value).is_empty());
                }
            }
        }
        Err(AppError::BadRequest(message)) => assert!(!message.is_empty()),
        Err(other) => panic!("a bad check-in must be a 400, not {other:?}"),
    }
});

fn form_keys(data: &[u8]) -> Vec<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(data)
        .map(|pairs| pairs.into_iter().map(|(k, _)| k).collect())
        .unwrap_or_default()
}

fn tandem() -> &'static Instrument {
    static INSTRUMENT: OnceLock<Instrument> = OnceLock::new();
    INSTRUMENT.get_or_init(Instrument::tandem)
}
