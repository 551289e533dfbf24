//! The no-fault ending form (`POST /relationships/{id}/end` as a page form,
//! and `POST /api/v1/relationships/{id}/end` as JSON): any bytes as the
//! body, read both ways, then the private note's check.
//!
//! Properties: an unknown factor is a 400; accepted factors are exactly the
//! non-blank ones sent, each given by a code or label that parses back to
//! it; the note is kept as sent until its check, which keeps only trimmed
//! text of at most 2,000 characters with no control character but line
//! breaks and tabs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_core::relationships::MAX_ENDING_NOTE_CHARS;
use tandem_domain::FailureFactor;
use tandem_web::AppError;
use tandem_web::fuzzing::EndingForm;

fuzz_target!(|data: &[u8]| {
    check(&EndingForm::from_form(data));
    if let Ok(form) = serde_json::from_slice::<EndingForm>(data) {
        check(&form);
    }
});

fn check(form: &EndingForm) {
    match form.input() {
        Ok(input) => {
            let sent: Vec<&String> = form
                .factors
                .iter()
                .filter(|f| !f.trim().is_empty())
                .collect();
            assert_eq!(input.factors.len(), sent.len());
            for (factor, raw) in input.factors.iter().zip(sent) {
                assert_eq!(FailureFactor::parse(raw), Ok(*factor));
                assert_eq!(FailureFactor::parse(factor.code()), Ok(*factor));
            }
            assert_eq!(input.note, form.note);
            assert_eq!(input.keep_apart, form.keep_apart);
            if let Ok(note) =
                tandem_core::fuzzing::clean_text(&input.note, MAX_ENDING_NOTE_CHARS, "private note")
            {
                assert_eq!(note.trim(), note);
                assert!(note.chars().count() <= MAX_ENDING_NOTE_CHARS);
                assert!(
                    !note
                        .chars()
                        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                );
            }
        }
        Err(AppError::BadRequest(message)) => assert!(!message.is_empty()),
        Err(other) => panic!("a bad ending form must be a 400, not {other:?}"),
    }
}
