//! iCalendar (RFC 5545) output: a subscribable feed of meetings, or a single
//! meeting to download, as `text/calendar`.
//!
//! The writer is hand-written. Tandem needs one component (`VEVENT`), a
//! dozen properties and the three encoding rules (TEXT escaping, line
//! folding, CRLF), all of which fit on a page and are checked below against
//! an independent parser (the `icalendar` crate, a dev-dependency only). The
//! ics-writing crates were not a clear gain: the best maintained one,
//! `icalendar`, builds on `chrono` (Tandem uses `time`) and fills in a
//! missing `DTSTAMP` from the wall clock and a missing `UID` at random,
//! whereas this writer is a pure function of its input, so a feed only
//! changes when a meeting does.
//!
//! What is written:
//! - `VCALENDAR` with `PRODID` [`PRODID`], `VERSION:2.0`,
//!   `CALSCALE:GREGORIAN`, `METHOD:PUBLISH` and `X-WR-CALNAME`, then one
//!   `VEVENT` per event, in the given order. A calendar with no events has
//!   no `VEVENT`: RFC 5545's grammar asks for at least one component, but
//!   an empty feed is common practice (and the honest answer for someone
//!   with no meetings).
//! - Each `VEVENT`: `UID`, `SEQUENCE`, `DTSTAMP` and `LAST-MODIFIED` (both
//!   [`CalendarEvent::updated`]), `DTSTART`, `DTEND` (see [`CalendarEvent::end`]),
//!   `SUMMARY`, `DESCRIPTION` / `LOCATION` / `URL` when not empty, and
//!   `STATUS` (`CANCELLED` or `CONFIRMED`).
//! - Times in UTC (`19980119T070000Z`, seconds precision), dates as
//!   `VALUE=DATE` (`19970714`).
//! - TEXT values (`UID`, `SUMMARY`, `DESCRIPTION`, `LOCATION`,
//!   `X-WR-CALNAME`) escaped per RFC 5545 3.3.11: `\` → `\\`, `;` → `\;`,
//!   `,` → `\,`, a newline (LF, CRLF or a lone CR) → `\n`. Other control
//!   characters are removed, except that a tab becomes a space (so that
//!   words it separated stay apart). `URL` is a URI, not TEXT: it is not
//!   escaped, but control characters (newlines included) are removed.
//! - Lines end in CRLF and are folded (CRLF + space) so that no line is
//!   longer than 75 octets, never inside a UTF-8 character.

use time::{Date, OffsetDateTime, UtcOffset};

/// The media type of [`Calendar::to_ics`] output.
pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// The product identifier written in every calendar.
pub const PRODID: &str = "-//Tandem//Tandem mentorship//EN";

/// The longest a content line may be, in octets, without its CRLF.
const MAX_LINE_OCTETS: usize = 75;

/// One meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable and globally unique, e.g. `meeting-<uuid>@tandem`: calendar
    /// apps match updates and cancellations to the event by it.
    pub uid: String,
    /// Bumped each time the event changes (a reschedule, a cancellation).
    pub sequence: u32,
    /// When it starts.
    pub start: EventTime,
    /// When it ends, exclusive (RFC 5545 `DTEND`): for an all-day event the
    /// day *after* the last day. Written only when it is of the same kind
    /// as `start` and after it; otherwise it is treated as absent. Absent,
    /// a timed event has no `DTEND` (it ends when it starts) and an all-day
    /// event ends the next day (it lasts one day).
    pub end: Option<EventTime>,
    pub summary: String,
    /// Free text: may hold newlines, commas, semicolons, backslashes and
    /// any Unicode.
    pub description: String,
    pub location: Option<String>,
    pub url: Option<String>,
    /// Written as `STATUS:CANCELLED` (otherwise `STATUS:CONFIRMED`).
    pub cancelled: bool,
    /// When the event last changed: `DTSTAMP` and `LAST-MODIFIED`.
    pub updated: OffsetDateTime,
}

/// When an event starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTime {
    /// An instant, written in UTC with a `Z` (any offset is converted;
    /// sub-second precision is dropped).
    At(OffsetDateTime),
    /// A whole day, written as `VALUE=DATE`, floating (the same calendar
    /// day wherever the reader is).
    AllDay(Date),
}

/// A calendar: a feed of events or, with one event, a single meeting's
/// download.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Shown by calendar apps as the calendar's name (`X-WR-CALNAME`).
    pub name: String,
    pub events: Vec<CalendarEvent>,
}

impl Calendar {
    /// The calendar as an RFC 5545 document (see the module docs), to be
    /// served as [`CONTENT_TYPE`].
    pub fn to_ics(&self) -> String {
        let mut out = Lines::default();
        out.property("BEGIN", "VCALENDAR");
        out.property("PRODID", PRODID);
        out.property("VERSION", "2.0");
        out.property("CALSCALE", "GREGORIAN");
        out.property("METHOD", "PUBLISH");
        out.property("X-WR-CALNAME", &text(&self.name));
        for event in &self.events {
            write_event(&mut out, event);
        }
        out.property("END", "VCALENDAR");
        out.0
    }
}

fn write_event(out: &mut Lines, event: &CalendarEvent) {
    out.property("BEGIN", "VEVENT");
    out.property("UID", &text(&event.uid));
    out.property("SEQUENCE", &event.sequence.to_string());
    let updated = utc_date_time(event.updated);
    out.property("DTSTAMP", &updated);
    out.property("LAST-MODIFIED", &updated);
    write_time(out, "DTSTART", event.start);
    if let Some(end) = effective_end(event.start, event.end) {
        write_time(out, "DTEND", end);
    }
    out.property("SUMMARY", &text(&event.summary));
    out.optional("DESCRIPTION", &text(&event.description));
    if let Some(location) = &event.location {
        out.optional("LOCATION", &text(location));
    }
    if let Some(url) = &event.url {
        out.optional("URL", &uri(url));
    }
    out.property(
        "STATUS",
        if event.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        },
    );
    out.property("END", "VEVENT");
}

fn write_time(out: &mut Lines, name: &str, time: EventTime) {
    match time {
        EventTime::At(at) => out.property(name, &utc_date_time(at)),
        EventTime::AllDay(day) => out.property(&format!("{name};VALUE=DATE"), &date(day)),
    }
}

/// The `DTEND` to write, if any (see [`CalendarEvent::end`]).
fn effective_end(start: EventTime, end: Option<EventTime>) -> Option<EventTime> {
    match (start, end) {
        (EventTime::At(start), Some(EventTime::At(end))) if end > start => Some(EventTime::At(end)),
        (EventTime::At(_), _) => None,
        (EventTime::AllDay(start), Some(EventTime::AllDay(end))) if end > start => {
            Some(EventTime::AllDay(end))
        }
        // The last representable day has no next day; one equal to the start
        // is the best that can be said.
        (EventTime::AllDay(start), _) => Some(EventTime::AllDay(start.next_day().unwrap_or(start))),
    }
}

/// `DATE-TIME` in UTC: `YYYYMMDDTHHMMSSZ`.
fn utc_date_time(at: OffsetDateTime) -> String {
    // Only fails within a day of the ends of `time`'s range (years ±9999),
    // which iCalendar cannot express anyway.
    let utc = at.checked_to_offset(UtcOffset::UTC).unwrap_or(at);
    format!(
        "{}T{:02}{:02}{:02}Z",
        date(utc.date()),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// `DATE`: `YYYYMMDD`. iCalendar has four-digit years only; `time` allows
/// more, and they are clamped to 0000–9999.
fn date(day: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        day.year().clamp(0, 9999),
        u8::from(day.month()),
        day.day()
    )
}

/// A TEXT value, escaped per RFC 5545 3.3.11 (see the module docs).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                // CRLF is one newline; so is a lone CR.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value: written as is, less any control characters (a newline
/// would end the content line).
fn uri(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// Content lines being written: CRLF-terminated and folded.
#[derive(Default)]
struct Lines(String);

impl Lines {
    /// `NAME:value`, where `name` may carry parameters and `value` is
    /// already encoded for its type.
    fn property(&mut self, name: &str, value: &str) {
        let mut octets = 0;
        for c in name
            .chars()
            .chain(std::iter::once(':'))
            .chain(value.chars())
        {
            let len = c.len_utf8();
            if octets + len > MAX_LINE_OCTETS {
                // Fold: the continuation line's leading space is one of its
                // 75 octets.
                self.0.push_str("\r\n ");
                octets = 1;
            }
            self.0.push(c);
            octets += len;
        }
        self.0.push_str("\r\n");
    }

    /// A property left out when its encoded value is empty.
    fn optional(&mut self, name: &str, value: &str) {
        if !value.is_empty() {
            self.property(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::{
        CalendarDateTime, Component as _, DatePerhapsTime, EventLike as _, EventStatus,
        parser::{self, read_calendar, unfold},
    };
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn event() -> CalendarEvent {
        CalendarEvent {
            uid: "meeting-6f1c1c1e-0a7b-4d5e-9f00-123456789abc@tandem".to_string(),
            sequence: 0,
            start: EventTime::At(datetime!(2026-11-25 15:00 UTC)),
            end: Some(EventTime::At(datetime!(2026-11-25 16:00 UTC))),
            summary: "Mentoring: Ada and Grace".to_string(),
            description: "First meeting.".to_string(),
            location: Some("Room 101".to_string()),
            url: Some("https://tandem.example/meetings/6f1c".to_string()),
            cancelled: false,
            updated: datetime!(2026-11-20 09:30:15 UTC),
        }
    }

    fn calendar(events: Vec<CalendarEvent>) -> Calendar {
        Calendar {
            name: "Tandem: my meetings".to_string(),
            events,
        }
    }

    /// What a TEXT value reads back as, stated independently of `text`.
    fn expected_text(s: &str) -> String {
        s.replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\t', " ")
            .chars()
            .filter(|c| *c == '\n' || !c.is_control())
            .collect()
    }

    /// Checks the framing no parser is obliged to check: CRLF only, no line
    /// over 75 octets, every physical line valid UTF-8 on its own (so no
    /// fold split a character), continuation lines starting with a space.
    fn assert_well_framed(ics: &str) {
        let bytes = ics.as_bytes();
        assert!(ics.ends_with("\r\n"), "no final CRLF");
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'\r' => assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at {i}"),
                b'\n' => assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at {i}"),
                _ => {}
            }
        }
        let body = &bytes[..bytes.len() - 2];
        for (n, line) in body.split(|b| *b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "line {n} has {} octets",
                line.len()
            );
            assert!(!line.is_empty(), "line {n} is empty");
            assert!(
                std::str::from_utf8(line).is_ok(),
                "line {n} splits a UTF-8 character"
            );
        }
    }

    /// Checks what the (lenient) parser lets through: in a TEXT value every
    /// `;` and `,` is escaped and every backslash starts one of the four
    /// escapes of RFC 5545 3.3.11.
    fn assert_text_strictly_escaped(ics: &str) {
        const TEXT: [&str; 5] = ["UID", "SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"];
        for line in unfold(ics).split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            if !TEXT.contains(&name) {
                continue;
            }
            let mut chars = value.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        let escaped = chars.next();
                        assert!(
                            matches!(escaped, Some('\\' | ';' | ',' | 'n')),
                            "bad escape \\{escaped:?} in {line:?}"
                        );
                    }
                    ';' | ',' => panic!("unescaped {c:?} in {line:?}"),
                    c => assert!(!c.is_control(), "control {c:?} in {line:?}"),
                }
            }
        }
    }

    /// Parses with the independent parser, which checks BEGIN/END nesting
    /// and content-line syntax and fails on anything left over.
    fn parse(ics: &str) -> icalendar::Calendar {
        assert_well_framed(ics);
        assert_text_strictly_escaped(ics);
        let unfolded = unfold(ics);
        let parsed = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{e}\n{ics}"));
        parsed.into()
    }

    /// `(value, ["KEY=VALUE", ..])` of each `name` property, as the parser
    /// read it: on the calendar itself, or on its `component`s.
    fn raw_properties(
        ics: &str,
        component: Option<&str>,
        name: &str,
    ) -> Vec<(String, Vec<String>)> {
        let unfolded = unfold(ics);
        let parsed = read_calendar(&unfolded).expect("parses");
        let props: Vec<&parser::Property> = match component {
            None => parsed.properties.iter().collect(),
            Some(component) => parsed
                .components
                .iter()
                .filter(|c| c.name == component)
                .flat_map(|c| c.properties.iter())
                .collect(),
        };
        props
            .into_iter()
            .filter(|p| p.name == name)
            .map(|p| {
                let params = p
                    .params
                    .iter()
                    .map(|param| {
                        let value = param.val.as_ref().map(|v| v.as_str()).unwrap_or("");
                        format!("{}={value}", param.key.as_str())
                    })
                    .collect();
                (p.val.as_str().to_string(), params)
            })
            .collect()
    }

    fn utc_timestamp(t: Option<DatePerhapsTime>) -> i64 {
        match t {
            Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => at.timestamp(),
            other => panic!("expected a UTC date-time, got {other:?}"),
        }
    }

    fn all_day(t: Option<DatePerhapsTime>) -> String {
        match t {
            Some(DatePerhapsTime::Date(day)) => day.to_string(),
            other => panic!("expected a date, got {other:?}"),
        }
    }

    #[test]
    fn calendar_writes_the_exact_document() {
        let ics = calendar(vec![event()]).to_ics();
        let expected = [
            "BEGIN:VCALENDAR",
            "PRODID:-//Tandem//Tandem mentorship//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Tandem: my meetings",
            "BEGIN:VEVENT",
            "UID:meeting-6f1c1c1e-0a7b-4d5e-9f00-123456789abc@tandem",
            "SEQUENCE:0",
            "DTSTAMP:20261120T093015Z",
            "LAST-MODIFIED:20261120T093015Z",
            "DTSTART:20261125T150000Z",
            "DTEND:20261125T160000Z",
            "SUMMARY:Mentoring: Ada and Grace",
            "DESCRIPTION:First meeting.",
            "LOCATION:Room 101",
            "URL:https://tandem.example/meetings/6f1c",
            "STATUS:CONFIRMED",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
        .join("\r\n");
        assert_eq!(ics, expected);
        assert_eq!(CONTENT_TYPE, "text/calendar; charset=utf-8");
    }

    #[test]
    fn calendar_escapes_text_per_rfc_5545() {
        assert_eq!(text(r"a\b;c,d:e"), r"a\\b\;c\,d:e");
        assert_eq!(text("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(text("trailing\\"), "trailing\\\\");
        assert_eq!(text(r"\n is not a newline"), r"\\n is not a newline");
        assert_eq!(text("\"quoted\" émoji 😀"), "\"quoted\" émoji 😀");
    }

    #[test]
    fn calendar_removes_control_characters_but_newlines() {
        assert_eq!(text("a\u{0}b\u{7}c\u{1b}[0md\u{7f}e\u{85}f"), "abc[0mdef");
        assert_eq!(text("col1\tcol2"), "col1 col2");
        assert_eq!(text("line\nbreak"), "line\\nbreak");
        assert_eq!(
            uri("https://x.example/a\r\nX-INJECTED:1"),
            "https://x.example/aX-INJECTED:1"
        );
        // A control character cannot start a new content line.
        let mut e = event();
        e.summary = "Meeting\r\nEND:VEVENT\r\nBEGIN:VEVENT".to_string();
        e.url = Some("https://x.example/\nSTATUS:CANCELLED".to_string());
        let ics = calendar(vec![e]).to_ics();
        let lines: Vec<&str> = ics.split("\r\n").collect();
        assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(), 1);
        assert_eq!(lines.iter().filter(|l| **l == "END:VEVENT").count(), 1);
        assert_eq!(lines.iter().filter(|l| l.starts_with("STATUS:")).count(), 1);
        let parsed = parse(&ics);
        let ev = parsed.events().next().expect("one event");
        assert_eq!(ev.get_summary(), Some("Meeting\nEND:VEVENT\nBEGIN:VEVENT"));
        assert_eq!(ev.get_url(), Some("https://x.example/STATUS:CANCELLED"));
        assert_eq!(ev.get_status(), Some(EventStatus::Confirmed));
    }

    #[test]
    fn calendar_folds_at_75_octets() {
        let mut e = event();
        e.description = "x".repeat(200);
        let ics = calendar(vec![e]).to_ics();
        assert_well_framed(&ics);
        // "DESCRIPTION:" is 12 octets, so the first line holds 63 x's, the
        // next ones a space and 74 x's.
        let expected = format!(
            "\r\nDESCRIPTION:{}\r\n {}\r\n {}\r\n",
            "x".repeat(63),
            "x".repeat(74),
            "x".repeat(63)
        );
        assert!(ics.contains(&expected), "{ics}");
        // A 75-octet line is not folded.
        let mut out = Lines::default();
        out.property("SUMMARY", &"y".repeat(75 - 8));
        assert_eq!(out.0, format!("SUMMARY:{}\r\n", "y".repeat(67)));
    }

    #[test]
    fn calendar_never_folds_inside_a_utf8_character() {
        // "SUMMARY:" is 8 octets; 66 more ASCII octets leave 1 free, so the
        // 2-octet "é" must move to the next line whole.
        let summary = format!("{}é{}", "a".repeat(66), "😀".repeat(40));
        let mut e = event();
        e.summary = summary.clone();
        let ics = calendar(vec![e]).to_ics();
        assert!(ics.contains(&format!("SUMMARY:{}\r\n é", "a".repeat(66))));
        assert_well_framed(&ics);
        let parsed = parse(&ics);
        let ev = parsed.events().next().expect("one event");
        assert_eq!(ev.get_summary(), Some(summary.as_str()));
    }

    #[test]
    fn calendar_round_trips_tricky_text_through_an_independent_parser() {
        let tricky = "Agenda:\n1. Goals; plans, \"hopes\"\n2. C:\\Users\\ada\\notes\\n.txt\n\
                      3. Ünïcödé — 日本語 — عربى — 👩🏽‍🔬🚀\\\n\n;,\\;\\,";
        let mut e = event();
        e.summary = "Ada ⇄ Grace; review, draft \\ final 🎉".to_string();
        e.description = tricky.to_string();
        e.location = Some("Building 7, Room 3; (north wing)".to_string());
        let ics = calendar(vec![e.clone()]).to_ics();
        let parsed = parse(&ics);
        let ev = parsed.events().next().expect("one event");
        assert_eq!(ev.get_summary(), Some(e.summary.as_str()));
        assert_eq!(ev.get_description(), Some(tricky));
        assert_eq!(ev.get_location(), Some("Building 7, Room 3; (north wing)"));
        assert_eq!(ev.get_url(), e.url.as_deref());
        assert_eq!(ev.get_uid(), Some(e.uid.as_str()));
        assert_eq!(ev.get_sequence(), Some(0));
        assert_eq!(ev.get_status(), Some(EventStatus::Confirmed));
    }

    #[test]
    fn calendar_round_trips_a_long_folded_description() {
        let paragraph = "Notes from our conversation about the tenure dossier, \
                         teaching portfolio; external letters, and next steps. ";
        let description = format!("{}\n{}", paragraph.repeat(12), "Ünïcödé ✓ ".repeat(30));
        let mut e = event();
        e.description = description.clone();
        let ics = calendar(vec![e]).to_ics();
        assert!(ics.contains("\r\n "), "long lines are folded");
        assert!(ics.lines().count() > 30);
        let parsed = parse(&ics);
        let ev = parsed.events().next().expect("one event");
        assert_eq!(ev.get_description(), Some(description.as_str()));
    }

    #[test]
    fn calendar_writes_times_in_utc() {
        let mut e = event();
        // 10:00 at -05:00 is 15:00 UTC; 23:30 at -05:00 is the next day in UTC.
        e.start = EventTime::At(datetime!(2026-11-25 10:00 -05:00));
        e.end = Some(EventTime::At(datetime!(2026-11-25 23:30:59.999 -05:00)));
        e.updated = datetime!(2026-11-20 11:30:15 +02:00);
        let ics = calendar(vec![e.clone()]).to_ics();
        assert!(ics.contains("\r\nDTSTART:20261125T150000Z\r\n"));
        assert!(ics.contains("\r\nDTEND:20261126T043059Z\r\n"));
        assert!(ics.contains("\r\nDTSTAMP:20261120T093015Z\r\n"));
        assert!(ics.contains("\r\nLAST-MODIFIED:20261120T093015Z\r\n"));
        let parsed = parse(&ics);
        let ev = parsed.events().next().expect("one event");
        assert_eq!(
            utc_timestamp(ev.get_start()),
            datetime!(2026-11-25 15:00 UTC).unix_timestamp()
        );
        assert_eq!(
            utc_timestamp(ev.get_end()),
            datetime!(2026-11-26 04:30:59 UTC).unix_timestamp()
        );
        assert_eq!(
            ev.get_timestamp().map(|t| t.timestamp()),
            Some(e.updated.unix_timestamp())
        );
        assert_eq!(
            ev.get_last_modified().map(|t| t.timestamp()),
            Some(e.updated.unix_timestamp())
        );
    }

    #[test]
    fn calendar_writes_all_day_dates_with_a_next_day_default_end() {
        let mut e = event();
        e.start = EventTime::AllDay(date!(2026 - 12 - 31));
        e.end = None;
        let ics = calendar(vec![e.clone()]).to_ics();
        assert!(ics.contains("\r\nDTSTART;VALUE=DATE:20261231\r\n"));
        assert!(ics.contains("\r\nDTEND;VALUE=DATE:20270101\r\n"));
        let parsed = parse(&ics);
        let ev = parsed.events().next().expect("one event");
        assert_eq!(all_day(ev.get_start()), "2026-12-31");
        assert_eq!(all_day(ev.get_end()), "2027-01-01");
        assert_eq!(
            raw_properties(&ics, Some("VEVENT"), "DTSTART"),
            vec![("20261231".to_string(), vec!["VALUE=DATE".to_string()])]
        );

        // A three-day workshop: the end is exclusive.
        e.start = EventTime::AllDay(date!(2027 - 02 - 27));
        e.end = Some(EventTime::AllDay(date!(2027 - 03 - 02)));
        let ics = calendar(vec![e]).to_ics();
        let parsed = parse(&ics);
        let ev = parsed.events().next().expect("one event");
        assert_eq!(all_day(ev.get_start()), "2027-02-27");
        assert_eq!(all_day(ev.get_end()), "2027-03-02");
    }

    #[test]
    fn calendar_drops_ends_that_do_not_fit_the_start() {
        let at = |t| EventTime::At(t);
        let day = EventTime::AllDay;
        let nine = datetime!(2026-11-25 09:00 UTC);
        let d = date!(2026 - 11 - 25);
        let next = date!(2026 - 11 - 26);
        // Timed: an end at or before the start, or a date, is left out.
        assert_eq!(effective_end(at(nine), None), None);
        assert_eq!(effective_end(at(nine), Some(at(nine))), None);
        assert_eq!(
            effective_end(at(nine), Some(at(nine - time::Duration::hours(1)))),
            None
        );
        assert_eq!(effective_end(at(nine), Some(day(next))), None);
        // All day: anything but a later date means one day.
        assert_eq!(effective_end(day(d), None), Some(day(next)));
        assert_eq!(effective_end(day(d), Some(day(d))), Some(day(next)));
        assert_eq!(effective_end(day(d), Some(at(nine))), Some(day(next)));
        assert_eq!(
            effective_end(day(d), Some(day(date!(2026 - 11 - 28)))),
            Some(day(date!(2026 - 11 - 28)))
        );
        assert_eq!(effective_end(day(Date::MAX), None), Some(day(Date::MAX)));

        let mut e = event();
        e.end = None;
        let ics = calendar(vec![e]).to_ics();
        assert!(!ics.contains("DTEND"));
        let parsed = parse(&ics);
        assert_eq!(parsed.events().next().and_then(|ev| ev.get_end()), None);
    }

    #[test]
    fn calendar_marks_cancelled_events_and_keeps_their_uid_and_sequence() {
        let original = event();
        let mut cancelled = event();
        cancelled.sequence = 3;
        cancelled.cancelled = true;
        let ics = calendar(vec![cancelled.clone()]).to_ics();
        assert!(ics.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(ics.contains("\r\nSEQUENCE:3\r\n"));
        let parsed = parse(&ics);
        let ev = parsed.events().next().expect("one event");
        assert_eq!(ev.get_status(), Some(EventStatus::Cancelled));
        assert_eq!(ev.get_sequence(), Some(3));
        assert_eq!(ev.get_uid(), Some(original.uid.as_str()));
    }

    #[test]
    fn calendar_with_several_events_keeps_them_apart_and_in_order() {
        let mut first = event();
        first.uid = "meeting-1@tandem".to_string();
        first.summary = "First, of three".to_string();
        let mut second = event();
        second.uid = "meeting-2@tandem".to_string();
        second.summary = "Second; all day".to_string();
        second.start = EventTime::AllDay(date!(2026 - 12 - 01));
        second.end = None;
        second.description = String::new();
        second.location = None;
        second.url = None;
        let mut third = event();
        third.uid = "meeting-3@tandem".to_string();
        third.summary = "Third\\cancelled".to_string();
        third.cancelled = true;
        third.sequence = 7;
        let cal = calendar(vec![first.clone(), second.clone(), third.clone()]);
        let ics = cal.to_ics();
        let parsed = parse(&ics);
        let events: Vec<_> = parsed.events().collect();
        assert_eq!(events.len(), 3);
        let summaries: Vec<_> = events.iter().map(|e| e.get_summary()).collect();
        assert_eq!(
            summaries,
            vec![
                Some("First, of three"),
                Some("Second; all day"),
                Some("Third\\cancelled")
            ]
        );
        let uids: Vec<_> = events.iter().map(|e| e.get_uid()).collect();
        assert_eq!(
            uids,
            vec![
                Some("meeting-1@tandem"),
                Some("meeting-2@tandem"),
                Some("meeting-3@tandem")
            ]
        );
        // Empty optional fields are left out, not written empty.
        assert_eq!(events[1].get_description(), None);
        assert_eq!(events[1].get_location(), None);
        assert_eq!(events[1].get_url(), None);
        assert_eq!(all_day(events[1].get_start()), "2026-12-01");
        assert_eq!(events[2].get_status(), Some(EventStatus::Cancelled));
        assert_eq!(events[2].get_sequence(), Some(7));

        // The calendar's own properties.
        for (name, value) in [
            ("PRODID", PRODID),
            ("VERSION", "2.0"),
            ("CALSCALE", "GREGORIAN"),
            ("METHOD", "PUBLISH"),
            ("X-WR-CALNAME", "Tandem: my meetings"),
        ] {
            assert_eq!(
                raw_properties(&ics, None, name),
                vec![(value.to_string(), Vec::new())],
                "{name}"
            );
        }
        assert_eq!(parsed.get_name(), Some("Tandem: my meetings"));
        assert!(
            raw_properties(&ics, None, "NAME").is_empty(),
            "only X-WR-CALNAME is written"
        );
    }

    #[test]
    fn calendar_single_event_download_and_empty_feed() {
        let single = calendar(vec![event()]).to_ics();
        let parsed = parse(&single);
        assert_eq!(parsed.events().count(), 1);
        assert_eq!(parsed.components.len(), 1);

        let empty = Calendar {
            name: "Nothing; yet, \\ here".to_string(),
            events: Vec::new(),
        };
        let ics = empty.to_ics();
        let parsed = parse(&ics);
        assert_eq!(parsed.components.len(), 0);
        assert_eq!(
            raw_properties(&ics, None, "X-WR-CALNAME"),
            vec![("Nothing; yet, \\ here".to_string(), Vec::new())]
        );
    }

    #[test]
    fn calendar_parser_rejects_broken_structure() {
        // The round trips above mean something only if the parser rejects
        // what is malformed.
        let good = calendar(vec![event()]).to_ics();
        assert!(read_calendar(&unfold(&good)).is_ok());
        let mismatched = good.replacen("END:VEVENT", "END:VTODO", 1);
        assert!(read_calendar(&unfold(&mismatched)).is_err());
        let unterminated = good.replacen("END:VCALENDAR\r\n", "", 1);
        assert!(read_calendar(&unfold(&unterminated)).is_err());
        let trailing = format!("{good}garbage");
        assert!(read_calendar(&unfold(&trailing)).is_err());
    }

    /// Characters that stress the writer: TEXT specials, newlines and other
    /// controls, multi-octet UTF-8, and plenty of plain letters so that
    /// lines grow long enough to fold.
    fn tricky_char() -> impl Strategy<Value = char> {
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            1 => Just(' '),
            2 => prop::sample::select(vec![
                '\\', ';', ',', ':', '"', '\n', '\r', '\t', '\u{0}', '\u{1b}', '\u{7f}',
                '\u{85}', '\u{2028}', 'é', 'ß', '€', '日', '😀', '👩', '\u{200d}', '\u{fe0f}',
            ]),
            2 => any::<char>(),
        ]
    }

    fn tricky_string(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(tricky_char(), 0..max).prop_map(String::from_iter)
    }

    fn a_date_time() -> impl Strategy<Value = OffsetDateTime> {
        let lo = datetime!(1970-01-01 00:00 UTC).unix_timestamp();
        let hi = datetime!(2100-01-01 00:00 UTC).unix_timestamp();
        (lo..hi, -(18 * 3600 - 1)..(18 * 3600), 0u32..1_000_000_000).prop_map(
            |(secs, offset, nanos)| {
                let utc = OffsetDateTime::from_unix_timestamp(secs).expect("in range")
                    + time::Duration::nanoseconds(i64::from(nanos));
                let offset = UtcOffset::from_whole_seconds(offset).expect("valid offset");
                utc.to_offset(offset)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn calendar_random_text_round_trips_and_lines_stay_short(
            summary in tricky_string(120),
            description in tricky_string(600),
            location in proptest::option::of(tricky_string(80)),
            name in tricky_string(100),
        ) {
            let mut e = event();
            e.summary = summary.clone();
            e.description = description.clone();
            e.location = location.clone();
            let cal = Calendar { name: name.clone(), events: vec![e] };
            let ics = cal.to_ics();
            for line in ics.split("\r\n") {
                prop_assert!(line.len() <= MAX_LINE_OCTETS, "{} octets: {:?}", line.len(), line);
            }
            let parsed = parse(&ics);
            let ev = parsed.events().next().expect("one event");
            let summary = expected_text(&summary);
            prop_assert_eq!(ev.get_summary(), Some(summary.as_str()));
            let description = expected_text(&description);
            prop_assert_eq!(
                ev.get_description(),
                (!description.is_empty()).then_some(description.as_str())
            );
            let location = location.map(|l| expected_text(&l)).filter(|l| !l.is_empty());
            prop_assert_eq!(ev.get_location(), location.as_deref());
            prop_assert_eq!(
                raw_properties(&ics, None, "X-WR-CALNAME"),
                vec![(expected_text(&name), Vec::new())]
            );
        }

        #[test]
        fn calendar_random_times_are_written_in_utc(
            start in a_date_time(),
            minutes in 1i64..10_000,
            updated in a_date_time(),
        ) {
            let mut e = event();
            e.start = EventTime::At(start);
            e.end = Some(EventTime::At(start + time::Duration::minutes(minutes)));
            e.updated = updated;
            let ics = calendar(vec![e]).to_ics();
            let parsed = parse(&ics);
            let ev = parsed.events().next().expect("one event");
            prop_assert_eq!(utc_timestamp(ev.get_start()), start.unix_timestamp());
            prop_assert_eq!(
                utc_timestamp(ev.get_end()),
                (start + time::Duration::minutes(minutes)).unix_timestamp()
            );
            prop_assert_eq!(
                ev.get_timestamp().map(|t| t.timestamp()),
                Some(updated.unix_timestamp())
            );
        }
    }
}
