//! The iCalendar writer (a meeting's .ics and the calendar feed): its
//! input is text people typed (agendas, names, locations), so any text
//! must give a well-formed calendar. The fuzzer builds whole calendars.
//!
//! Properties: CRLF line endings only, no physical line over 75 octets,
//! continuation lines start with a space, no CR or LF inside a line, one
//! VEVENT per event; unfolded and unescaped, every TEXT value reads back
//! as what was written (newlines kept, tabs as spaces, other control
//! characters dropped) and the URL as itself without control characters;
//! times are `YYYYMMDDTHHMMSSZ` and dates `YYYYMMDD`.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use tandem_core::calendar::{Calendar, CalendarEvent, EventTime};
use time::{Date, OffsetDateTime, UtcOffset};

#[derive(Debug, Arbitrary)]
struct Input {
    name: String,
    events: Vec<Event>,
}

#[derive(Debug, Arbitrary)]
struct Event {
    uid: String,
    sequence: u32,
    start: When,
    end: Option<When>,
    summary: String,
    description: String,
    location: Option<String>,
    url: Option<String>,
    cancelled: bool,
    updated: (i64, i32),
}

#[derive(Debug, Arbitrary)]
enum When {
    At(i64, i32),
    AllDay(i32),
}

fn instant((seconds, offset): (i64, i32)) -> OffsetDateTime {
    // Any instant `time` can hold, in any offset it can hold.
    let min = OffsetDateTime::new_utc(Date::MIN, time::Time::MIDNIGHT).unix_timestamp();
    let max = OffsetDateTime::new_utc(Date::MAX, time::Time::MIDNIGHT).unix_timestamp();
    let at = OffsetDateTime::from_unix_timestamp(seconds.rem_euclid(max - min) + min)
        .expect("within range");
    let offset = UtcOffset::from_whole_seconds(offset % 86_399).unwrap_or(UtcOffset::UTC);
    at.checked_to_offset(offset).unwrap_or(at)
}

fn when(w: &When) -> EventTime {
    match *w {
        When::At(s, o) => EventTime::At(instant((s, o))),
        When::AllDay(day) => {
            let span = Date::MAX.to_julian_day() - Date::MIN.to_julian_day();
            let julian = Date::MIN.to_julian_day() + day.rem_euclid(span);
            EventTime::AllDay(Date::from_julian_day(julian).expect("within range"))
        }
    }
}

fuzz_target!(|input: Input| {
    let calendar = Calendar {
        name: input.name,
        events: input
            .events
            .iter()
            .map(|e| CalendarEvent {
                uid: e.uid.clone(),
                sequence: e.sequence,
                start: when(&e.start),
                end: e.end.as_ref().map(when),
                summary: e.summary.clone(),
                description: e.description.clone(),
                location: e.location.clone(),
                url: e.url.clone(),
                cancelled: e.cancelled,
                updated: instant(e.updated),
            })
            .collect(),
    };
    let ics = calendar.to_ics();
    check(&calendar, &ics);
});

fn check(calendar: &Calendar, ics: &str) {
    assert!(ics.ends_with("\r\n"));
    let physical: Vec<&str> = ics[..ics.len() - 2].split("\r\n").collect();
    for (i, line) in physical.iter().enumerate() {
        assert!(line.len() <= 75, "line {i} has {} octets", line.len());
        assert!(
            !line.contains('\r') && !line.contains('\n'),
            "bare CR or LF in line {i}"
        );
        assert!(!line.is_empty(), "empty line {i}");
        if i > 0 && line.starts_with(' ') {
            // A continuation; a fold never leaves only the space.
            assert!(line.len() > 1, "empty continuation at line {i}");
        }
    }
    let logical: Vec<String> = unfold(&physical);
    assert_eq!(logical.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(logical.last().map(String::as_str), Some("END:VCALENDAR"));
    let values = |name: &str| -> Vec<&str> {
        logical
            .iter()
            .filter_map(|l| l.split_once(':'))
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .collect()
    };
    assert_eq!(
        values("BEGIN").iter().filter(|v| **v == "VEVENT").count(),
        calendar.events.len()
    );
    assert_eq!(values("X-WR-CALNAME").len(), 1);
    assert_eq!(
        unescape(values("X-WR-CALNAME")[0]),
        unescape_expected(&calendar.name)
    );

    let uids: Vec<String> = values("UID").into_iter().map(unescape).collect();
    let summaries: Vec<String> = values("SUMMARY").into_iter().map(unescape).collect();
    assert_eq!(
        uids,
        calendar
            .events
            .iter()
            .map(|e| unescape_expected(&e.uid))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        summaries,
        calendar
            .events
            .iter()
            .map(|e| unescape_expected(&e.summary))
            .collect::<Vec<_>>()
    );
    let descriptions: Vec<String> = values("DESCRIPTION").into_iter().map(unescape).collect();
    let expected: Vec<String> = calendar
        .events
        .iter()
        .map(|e| unescape_expected(&e.description))
        .filter(|d| !d.is_empty())
        .collect();
    assert_eq!(descriptions, expected);
    let locations: Vec<String> = values("LOCATION").into_iter().map(unescape).collect();
    let expected: Vec<String> = calendar
        .events
        .iter()
        .filter_map(|e| e.location.as_deref())
        .map(unescape_expected)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(locations, expected);
    let urls = values("URL");
    let expected: Vec<String> = calendar
        .events
        .iter()
        .filter_map(|e| e.url.as_deref())
        .map(|u| u.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|u| !u.is_empty())
        .collect();
    assert_eq!(urls, expected);

    for name in ["DTSTAMP", "LAST-MODIFIED", "DTSTART", "DTEND"] {
        for v in values(name) {
            assert!(is_date_time(v), "{name}:{v}");
        }
    }
    for name in ["DTSTART;VALUE=DATE", "DTEND;VALUE=DATE"] {
        for v in values(name) {
            assert!(
                v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()),
                "{name}:{v}"
            );
        }
    }
}

fn unfold(physical: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in physical {
        match (line.strip_prefix(' '), out.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => out.push((*line).to_string()),
        }
    }
    out
}

/// Reads a TEXT value back (RFC 5545 3.3.11).
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other @ ('\\' | ';' | ',')) => out.push(other),
                other => panic!("a bad escape \\{other:?} in {value:?}"),
            }
        } else {
            assert!(c != ';' && c != ',', "an unescaped {c:?} in {value:?}");
            assert!(!c.is_control(), "a control character in {value:?}");
            out.push(c);
        }
    }
    out
}

/// What a TEXT value should read back as, stated independently of the
/// writer: one newline for CRLF, CR or LF, tabs as spaces, no other
/// control characters.
fn unescape_expected(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', " ")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

fn is_date_time(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 16
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z'
}
