//! Every value type's parser in tandem-domain (what roster cells, form
//! fields, query filters and API bodies become), plus the id and username
//! parsers: any bytes, as text, through each of them.
//!
//! Properties: an accepted value parses again from its stored form to
//! itself (code, label, canonical list); e-mail addresses are kept
//! lower-case and within their limits; self-described genders, tags and
//! notes hold no control characters (notes: but line breaks and tabs);
//! numbers stay in their documented ranges; normalising is idempotent.
#![no_main]

use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use tandem_domain::agreement::{AgreementTerms, Cadence};
use tandem_domain::health::model::Status;
use tandem_domain::health::{Factor, SuccessFactor};
use tandem_domain::meeting::{DEFAULT_MINUTES, MeetingStatus, Topic, clean_note, parse_minutes};
use tandem_domain::mentoring::MAX_MENTOR_CAPACITY;
use tandem_domain::plan::{
    Area, ContributionKind, Horizon, ReviewKind, ReviewStatus, parse_progress,
};
use tandem_domain::values::{contact_channels_code, normalise, parse_contact_channels};
use tandem_domain::{
    ContactChannel, Email, EmailPreference, Ending, FailureFactor, Gender, InstitutionSlug,
    Leadership, MentorRole, MentoringProfile, MentorshipOrigin, MentorshipStatus, Pace, PersonId,
    Rank, RequestStatus, Side, SocialEnergy, Stream, TagList, WorkingStyle,
};

/// Each closed vocabulary: what parses comes back from its code and label.
macro_rules! vocabularies {
    ($raw:expr; $($name:ty),+ $(,)?) => {$(
        if let Ok(value) = <$name>::parse($raw) {
            assert_eq!(<$name>::parse(value.code()), Ok(value));
            assert_eq!(<$name>::parse(value.label()), Ok(value));
            assert_eq!(<$name>::from_str(value.code()), Ok(value));
        }
    )+};
}

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let raw = raw.as_ref();

    vocabularies!(raw; Rank, Stream, Leadership, ContactChannel, EmailPreference, Pace,
        SocialEnergy, Side, FailureFactor, Status, SuccessFactor, Horizon, Area,
        ContributionKind, ReviewKind, ReviewStatus, RequestStatus, MentorshipStatus, MentorRole,
        MentorshipOrigin, MeetingStatus, Topic, Cadence);
    if let Ok(factor) = Factor::parse(raw) {
        assert_eq!(Factor::parse(factor.code()), Ok(factor));
    }
    if let Some(ending) = Ending::parse(raw) {
        assert_eq!(ending.code(), raw);
    }
    if let Some(method) = tandem_core::mentoring::rounds::Method::parse(raw) {
        assert_eq!(
            tandem_core::mentoring::rounds::Method::parse(method.code()),
            Some(method)
        );
    }

    let once = normalise(raw);
    assert_eq!(normalise(&once), once, "normalising is idempotent");

    if let Ok(style) = WorkingStyle::parse(raw) {
        assert_eq!(WorkingStyle::parse(&style.code()), Ok(style));
    }

    if let Ok(gender) = Gender::parse(raw) {
        assert_eq!(Gender::from_code(&gender.code()), Some(gender.clone()));
        assert_eq!(Gender::parse(&gender.code()), Ok(gender.clone()));
        if let Gender::SelfDescribed(words) = &gender {
            assert!(!words.is_empty() && words.chars().count() <= 100);
            assert!(!words.chars().any(char::is_control), "{words:?}");
            assert_eq!(words.trim(), words);
        }
    }

    if let Ok(email) = Email::parse(raw) {
        let address = email.as_str();
        assert_eq!(Email::parse(address), Ok(email.clone()));
        assert_eq!(address.to_lowercase(), address);
        let (local, domain) = address.split_once('@').expect("an address has @");
        assert!(!local.is_empty() && local.len() <= 64, "{address:?}");
        assert!(domain.len() <= 253 && domain.contains('.'), "{address:?}");
        assert!(!address.chars().any(|c| c.is_whitespace() || c.is_control()));
    }

    if let Ok(tags) = TagList::parse("values", raw) {
        assert_eq!(TagList::parse("values", &tags.code()), Ok(tags.clone()));
        assert!(tags.items().len() <= TagList::MAX_TAGS);
        for tag in tags.items() {
            assert!(!tag.is_empty() && tag.chars().count() <= TagList::MAX_TAG_CHARS);
            assert!(
                !tag.contains(';') && !tag.chars().any(char::is_control),
                "{tag:?}"
            );
        }
    }

    if let Ok(channels) = parse_contact_channels(raw) {
        assert_eq!(
            parse_contact_channels(&contact_channels_code(&channels)),
            Ok(channels)
        );
    }

    if let Ok(slug) = InstitutionSlug::parse(raw) {
        assert_eq!(InstitutionSlug::parse(slug.as_str()), Ok(slug));
    }

    if let Ok(progress) = parse_progress(raw) {
        assert!(progress <= 100);
    }
    if let Ok(minutes) = parse_minutes(raw) {
        assert!((10..=480).contains(&minutes) || minutes == DEFAULT_MINUTES);
    }
    if let Ok(capacity) = MentoringProfile::parse_capacity(raw) {
        assert!(capacity <= MAX_MENTOR_CAPACITY);
    }
    if let Ok(days) = AgreementTerms::parse_turnaround(raw) {
        assert!((1..=60).contains(&days));
    }
    if let Ok(note) = clean_note("note", raw, 500) {
        assert!(note.chars().count() <= 500);
        assert!(
            !note
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        );
        assert_eq!(clean_note("note", &note, 500), Ok(note.clone()));
    }

    if let Ok(id) = PersonId::from_str(raw) {
        assert_eq!(PersonId::from_str(&id.to_string()).ok(), Some(id));
    }
    let username = tandem_core::auth::normalise_username(raw);
    assert_eq!(tandem_core::auth::normalise_username(&username), username);
});
