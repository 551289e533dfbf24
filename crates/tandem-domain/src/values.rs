//! Value types that parse outside input (roster files, API filters).
//!
//! Every parser accepts the forms an HR export would plausibly use
//! (`Assistant Professor`, `assistant_professor`, `ASSISTANT-PROFESSOR`) and
//! rejects anything else with a [`ValueError`] that names the field and the
//! allowed values, so a person fixing a roster knows exactly what to type.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A value that could not be parsed: which field, what was given, and what
/// would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field} {value:?}: {expected}")]
pub struct ValueError {
    pub field: &'static str,
    pub value: String,
    pub expected: String,
}

impl ValueError {
    pub fn new(field: &'static str, value: &str, expected: impl Into<String>) -> Self {
        Self {
            field,
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

/// Lower-case, and treat `_`, `-`, `.` and runs of spaces alike, so that
/// `Assistant_Professor` and `assistant professor` compare equal.
#[doc(hidden)]
pub fn normalise(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for word in raw
        .trim()
        .split(|c: char| c == '_' || c == '-' || c == '.' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// Declares a closed vocabulary: each variant has a stable storage code, a
/// label for people, and the extra spellings the parser accepts.
macro_rules! vocabulary {
    (
        $(#[$doc:meta])*
        $name:ident, field = $field:literal {
            $($variant:ident => $code:literal, $label:literal, [$($alias:literal),*];)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The name of the field, as used in error messages.
            pub const FIELD: &'static str = $field;

            /// The stable code stored in the database and used by the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// The allowed values, for error messages.
            pub fn expected() -> String {
                let codes: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
                format!("expected one of {}", codes.join(", "))
            }

            /// Parse any accepted spelling.
            pub fn parse(raw: &str) -> Result<Self, ValueError> {
                let n = $crate::values::normalise(raw);
                $(
                    if n == $crate::values::normalise($code) || n == $crate::values::normalise($label) $(|| n == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::values::ValueError::new($field, raw, Self::expected()))
            }
        }

        impl std::str::FromStr for $name {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary! {
    /// Academic rank, the study's four (Table 1).
    Rank, field = "rank" {
        Lecturer => "lecturer", "Lecturer", ["instructor"];
        AssistantProfessor => "assistant_professor", "Assistant professor",
            ["asst prof", "assistant prof", "asst professor"];
        AssociateProfessor => "associate_professor", "Associate professor",
            ["assoc prof", "associate prof", "assoc professor"];
        Professor => "professor", "Professor", ["full professor", "prof", "full prof"];
    }
}

impl Rank {
    /// Seniority order, lecturer = 0. Used for the seniority gap in matching.
    pub fn seniority(self) -> u8 {
        match self {
            Rank::Lecturer => 0,
            Rank::AssistantProfessor => 1,
            Rank::AssociateProfessor => 2,
            Rank::Professor => 3,
        }
    }
}

vocabulary! {
    /// Academic stream as the study defines them (see docs/domain.md):
    /// teacher (80% clinical work and teaching), educator (50% clinical,
    /// 50% scholarly work in education), investigator (50% research),
    /// scientist (>70% research), administrator.
    Stream, field = "stream" {
        Teacher => "teacher", "Teacher", ["clinician teacher"];
        Educator => "educator", "Educator", ["clinician educator"];
        Investigator => "investigator", "Investigator", ["clinician investigator"];
        Scientist => "scientist", "Scientist", ["clinician scientist"];
        Administrator => "administrator", "Administrator", ["clinician administrator"];
    }
}

vocabulary! {
    /// Unit leadership. A division director or department chair makes
    /// personnel decisions, which matters for conflicts of interest.
    Leadership, field = "leadership" {
        None => "none", "None", [""];
        DivisionDirector => "division_director", "Division director", ["director", "division head"];
        DepartmentChair => "department_chair", "Department chair", ["chair", "department head"];
    }
}

vocabulary! {
    /// How a person prefers to be reached between meetings.
    ContactChannel, field = "contact_channels" {
        Email => "email", "E-mail", ["e mail"];
        Phone => "phone", "Phone", ["telephone"];
        Video => "video", "Video call", ["video call", "zoom"];
        InPerson => "in_person", "In person", [];
        Text => "text", "Text message", ["sms", "text message"];
    }
}

vocabulary! {
    /// Whether a person's notifications also reach them by e-mail: each at
    /// once, gathered into one weekly message, or not at all (they stay in
    /// Tandem either way).
    EmailPreference, field = "email" {
        Immediate => "immediate", "Immediately", ["immediately", "now"];
        Digest => "digest", "A weekly digest", ["weekly", "weekly digest"];
        Off => "off", "Never", ["never", "none"];
    }
}

vocabulary! {
    /// How someone thinks through a problem (the study's clash between a
    /// person who "doesn't like to think on the fly" and one who does).
    Pace, field = "working_style" {
        Deliberative => "deliberative", "Deliberative", ["reflective"];
        OnTheFly => "on_the_fly", "Thinks on the fly", ["thinks on the fly", "think on the fly"];
    }
}

vocabulary! {
    /// Introvert or extrovert (Table 3, personality differences).
    SocialEnergy, field = "working_style" {
        Introvert => "introvert", "Introvert", ["introverted", "introspective"];
        Extrovert => "extrovert", "Extrovert", ["extravert", "extroverted", "extraverted"];
    }
}

/// Working style: pace and social energy, either of which may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct WorkingStyle {
    pub pace: Option<Pace>,
    pub energy: Option<SocialEnergy>,
}

impl WorkingStyle {
    /// Parses `deliberative; introvert`, `on_the_fly, extrovert`, or either
    /// part alone. Empty means unknown.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let mut style = WorkingStyle::default();
        for part in raw
            .split([';', ',', '/'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            if let Ok(pace) = Pace::parse(part) {
                if style.pace.replace(pace).is_some() {
                    return Err(Self::error(raw));
                }
            } else if let Ok(energy) = SocialEnergy::parse(part) {
                if style.energy.replace(energy).is_some() {
                    return Err(Self::error(raw));
                }
            } else {
                return Err(Self::error(raw));
            }
        }
        Ok(style)
    }

    fn error(raw: &str) -> ValueError {
        ValueError::new(
            "working_style",
            raw,
            "expected at most one of deliberative, on_the_fly and at most one of introvert, \
             extrovert, separated by ';'",
        )
    }

    /// The canonical stored form, e.g. `deliberative;introvert`, or empty.
    pub fn code(&self) -> String {
        let parts: Vec<&str> = [
            self.pace.map(Pace::code),
            self.energy.map(SocialEnergy::code),
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join(";")
    }

    pub fn is_unknown(&self) -> bool {
        self.pace.is_none() && self.energy.is_none()
    }
}

impl fmt::Display for WorkingStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = [
            self.pace.map(Pace::label),
            self.energy.map(SocialEnergy::label),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            f.write_str("Not stated")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// Gender as a person describes it. Self-description is allowed; the known
/// forms are kept distinct so reports can count them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Woman,
    Man,
    NonBinary,
    PreferNotToSay,
    SelfDescribed(String),
}

impl Gender {
    pub const FIELD: &'static str = "gender";
    const EXPECTED: &'static str = "expected one of woman, man, non_binary, prefer_not_to_say \
        (also female/male/F/M) or 'self-described: <your words>'";

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let trimmed = raw.trim();
        if let Some((head, rest)) = trimmed.split_once(':')
            && normalise(head) == "self described"
        {
            let words = rest.trim();
            // Control characters are refused as in names: they would reach
            // reports, CSV exports and pages unseen.
            if words.is_empty()
                || words.chars().count() > 100
                || words.chars().any(char::is_control)
            {
                return Err(ValueError::new("gender", raw, Self::EXPECTED));
            }
            return Ok(Gender::SelfDescribed(words.to_string()));
        }
        match normalise(trimmed).as_str() {
            "woman" | "female" | "f" | "w" => Ok(Gender::Woman),
            "man" | "male" | "m" => Ok(Gender::Man),
            "non binary" | "nonbinary" => Ok(Gender::NonBinary),
            "prefer not to say" | "undisclosed" => Ok(Gender::PreferNotToSay),
            _ => Err(ValueError::new("gender", raw, Self::EXPECTED)),
        }
    }

    /// The stored form: a code, or `self_described:<words>`.
    pub fn code(&self) -> String {
        match self {
            Gender::Woman => "woman".into(),
            Gender::Man => "man".into(),
            Gender::NonBinary => "non_binary".into(),
            Gender::PreferNotToSay => "prefer_not_to_say".into(),
            Gender::SelfDescribed(words) => format!("self_described:{words}"),
        }
    }

    /// The group a report counts this person in. Self-descriptions are
    /// pooled so that no individual description is ever shown in a count.
    pub fn report_group(&self) -> &'static str {
        match self {
            Gender::Woman => "Woman",
            Gender::Man => "Man",
            Gender::NonBinary => "Non-binary",
            Gender::PreferNotToSay => "Prefer not to say",
            Gender::SelfDescribed(_) => "Self-described",
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gender::SelfDescribed(words) => f.write_str(words),
            other => f.write_str(other.report_group()),
        }
    }
}

/// An e-mail address, trimmed and checked for the shape `local@domain.tld`.
/// Full RFC 5322 validation is pointless here: the roster comes from HR.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// An address that can never reach anyone (the reserved `.invalid`
    /// domain), for generated data whose own address did not parse.
    pub fn placeholder() -> Self {
        Email("nobody@example.invalid".into())
    }

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        // Validate the form that is kept: lower-casing can change a string's
        // length and characters (`İ` becomes `i` and a combining dot), so
        // checking before it would let a stored address break the limits.
        let s = raw.trim().to_lowercase();
        let bad = || ValueError::new("email", raw, "expected an address like name@example.org");
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.len() <= 253
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
        if ok { Ok(Email(s)) } else { Err(bad()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `;`-separated list of short free-text tags (interests, values).
/// Stored as one text column in canonical form: trimmed, de-duplicated
/// case-insensitively, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TagList(Vec<String>);

impl TagList {
    pub const MAX_TAG_CHARS: usize = 80;
    pub const MAX_TAGS: usize = 30;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValueError> {
        let mut tags: Vec<String> = Vec::new();
        for tag in raw.split(';').map(str::trim).filter(|t| !t.is_empty()) {
            if tag.chars().count() > Self::MAX_TAG_CHARS || tag.chars().any(char::is_control) {
                return Err(ValueError::new(
                    field,
                    raw,
                    format!(
                        "expected ';'-separated items of at most {} characters each",
                        Self::MAX_TAG_CHARS
                    ),
                ));
            }
            if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                tags.push(tag.to_string());
            }
        }
        if tags.len() > Self::MAX_TAGS {
            return Err(ValueError::new(
                field,
                raw,
                format!("expected at most {} items", Self::MAX_TAGS),
            ));
        }
        Ok(TagList(tags))
    }

    /// Build from already-clean tags (used by the demo generator).
    pub fn from_tags<I: IntoIterator<Item = S>, S: Into<String>>(tags: I) -> Self {
        let joined: Vec<String> = tags.into_iter().map(Into::into).collect();
        // Round-trip through the parser so the invariants hold.
        TagList::parse("tags", &joined.join(";")).unwrap_or_default()
    }

    /// The stored form.
    pub fn code(&self) -> String {
        self.0.join(";")
    }

    pub fn items(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Parse a `;`-separated list of contact channels, de-duplicated.
pub fn parse_contact_channels(raw: &str) -> Result<Vec<ContactChannel>, ValueError> {
    let mut out = Vec::new();
    for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let channel = ContactChannel::parse(part).map_err(|_| {
            ValueError::new(
                ContactChannel::FIELD,
                raw,
                ContactChannel::expected() + ", separated by ';'",
            )
        })?;
        if !out.contains(&channel) {
            out.push(channel);
        }
    }
    Ok(out)
}

/// The stored form of a channel list.
pub fn contact_channels_code(channels: &[ContactChannel]) -> String {
    channels
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(";")
}

impl Gender {
    /// Decode the stored form written by [`Gender::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        if let Some(words) = code.strip_prefix("self_described:") {
            return Some(Gender::SelfDescribed(words.to_string()));
        }
        match code {
            "woman" => Some(Gender::Woman),
            "man" => Some(Gender::Man),
            "non_binary" => Some(Gender::NonBinary),
            "prefer_not_to_say" => Some(Gender::PreferNotToSay),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_placeholder_address_is_a_valid_one() {
        let p = Email::placeholder();
        assert_eq!(Email::parse(p.as_str()), Ok(p));
    }

    #[test]
    fn rank_accepts_hr_spellings() {
        for raw in [
            "Assistant Professor",
            "assistant_professor",
            "ASSISTANT-PROFESSOR",
            "Asst Prof",
        ] {
            assert_eq!(Rank::parse(raw), Ok(Rank::AssistantProfessor), "{raw}");
        }
        assert_eq!(Rank::parse("Full Professor"), Ok(Rank::Professor));
    }

    #[test]
    fn invalid_rank_names_field_and_allowed_values() {
        let err = Rank::parse("Reader").expect_err("Reader is not a rank");
        let msg = err.to_string();
        assert!(msg.contains("rank"), "{msg}");
        assert!(msg.contains("\"Reader\""), "{msg}");
        assert!(
            msg.contains("lecturer, assistant_professor, associate_professor, professor"),
            "{msg}"
        );
    }

    #[test]
    fn stream_accepts_clinician_prefix() {
        assert_eq!(Stream::parse("Clinician Scientist"), Ok(Stream::Scientist));
        assert!(Stream::parse("researcher").is_err());
    }

    #[test]
    fn gender_allows_self_description() {
        assert_eq!(Gender::parse("F"), Ok(Gender::Woman));
        assert_eq!(
            Gender::parse("Self-described: two-spirit"),
            Ok(Gender::SelfDescribed("two-spirit".into()))
        );
        assert!(Gender::parse("femal").is_err());
        assert!(Gender::parse("self-described:").is_err());
    }

    #[test]
    fn working_style_parses_both_axes() {
        let s = WorkingStyle::parse("Thinks-on-the-fly; Extrovert").expect("valid");
        assert_eq!(s.pace, Some(Pace::OnTheFly));
        assert_eq!(s.energy, Some(SocialEnergy::Extrovert));
        assert_eq!(s.code(), "on_the_fly;extrovert");
        assert!(WorkingStyle::parse("deliberative;on_the_fly").is_err());
        assert!(WorkingStyle::parse("grumpy").is_err());
        assert!(
            WorkingStyle::parse("")
                .expect("empty is unknown")
                .is_unknown()
        );
    }

    #[test]
    fn email_is_checked_and_lowercased() {
        assert_eq!(
            Email::parse(" A.B@Example.ORG ").expect("valid").as_str(),
            "a.b@example.org"
        );
        for bad in ["", "no-at", "a@b", "a@.b.c", "a b@c.d", "@x.org"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_limits_hold_for_the_lower_cased_address() {
        // 'İ' (2 bytes) lower-cases to 'i' plus a combining dot (3 bytes):
        // 32 of them pass a 64-byte limit before lower-casing, not after.
        let raw = format!("{}@example.org", "İ".repeat(32));
        assert!(Email::parse(&raw).is_err(), "{raw}");
        // Whatever is accepted is already lower-case and within the limits.
        let ok = Email::parse(&format!("{}@Example.ORG", "İ".repeat(21))).expect("63 bytes");
        let (local, _) = ok.as_str().split_once('@').expect("has @");
        assert!(local.len() <= 64);
        assert_eq!(ok.as_str(), ok.as_str().to_lowercase());
        assert_eq!(Email::parse(ok.as_str()), Ok(ok.clone()));
    }

    #[test]
    fn gender_self_description_refuses_control_characters() {
        for bad in [
            "self-described: two\u{0}spirit",
            "self-described: two\u{7}spirit",
            "self-described: two\nspirit",
            "self-described: two\u{85}spirit",
        ] {
            assert!(Gender::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Gender::parse("self-described: two spirit"),
            Ok(Gender::SelfDescribed("two spirit".into()))
        );
    }

    #[test]
    fn tag_list_dedupes_case_insensitively() {
        let t = TagList::parse("values", " heart failure;Heart Failure ; ; sleep").expect("valid");
        assert_eq!(t.items(), ["heart failure", "sleep"]);
        assert_eq!(t.code(), "heart failure;sleep");
    }

    proptest! {
        #[test]
        fn every_vocabulary_code_and_label_round_trips(i in 0usize..4, j in 0usize..5) {
            let rank = Rank::ALL[i];
            prop_assert_eq!(Rank::parse(rank.code()), Ok(rank));
            prop_assert_eq!(Rank::parse(rank.label()), Ok(rank));
            let stream = Stream::ALL[j];
            prop_assert_eq!(Stream::parse(stream.code()), Ok(stream));
            prop_assert_eq!(Stream::parse(&stream.label().to_uppercase()), Ok(stream));
        }

        #[test]
        fn parsers_never_panic(s in ".{0,60}") {
            let _ = Rank::parse(&s);
            let _ = Gender::parse(&s);
            let _ = Email::parse(&s);
            let _ = WorkingStyle::parse(&s);
            let _ = TagList::parse("values", &s);
            let _ = parse_contact_channels(&s);
        }

        #[test]
        fn tag_list_code_round_trips(s in "[a-z ;]{0,80}") {
            if let Ok(tags) = TagList::parse("values", &s) {
                prop_assert_eq!(TagList::parse("values", &tags.code()), Ok(tags));
            }
        }

        #[test]
        fn gender_code_round_trips_through_storage(words in "[a-z][a-z -]{0,20}") {
            let g = Gender::SelfDescribed(words.trim().to_string());
            prop_assume!(!words.trim().is_empty());
            prop_assert_eq!(Gender::from_code(&g.code()), Some(g));
        }
    }
}
