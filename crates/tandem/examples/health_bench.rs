//! Times relationship health over a large institution (issue 7), the way
//! the facilitator's console and a chair's division page do it: load every
//! active relationship's records and check-ins (one query per table), run
//! the health model over each, and record what changed.
//!
//!     cargo run --release -p tandem --example health_bench -- \
//!         [--pairs 1000] [--runs 20] [--database-url URL]
//!
//! Seeding: a synthetic faculty of twice `pairs` people from the demo's
//! generator, imported through the roster import into a new institution;
//! `pairs` active relationships, each started 120-480 days ago with a
//! signed agreement (monthly to quarterly), a meeting on its cadence since
//! (agenda, confirmed recap, the odd cancellation), two action items per
//! meeting (most done) and two check-ins from each side; a tenth of them
//! answer one item badly. Written through the store in one transaction per
//! relationship. Without `--database-url` the database is a fresh SQLite
//! file in a temporary directory, removed at the end. Progress goes to
//! stderr, figures to stdout: count, median, p95 (nearest rank) and max in
//! ms of each timed step.

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use tandem_core::demo::{NORTHSHORE, Shape, roster};
use tandem_core::roster::{NoProgress, import_roster};
use tandem_domain::agreement::{AgreementTerms, Cadence};
use tandem_domain::health::{Answers, Instrument, Keyed};
use tandem_domain::meeting::{ActionItem, Meeting, MeetingStatus};
use tandem_domain::{
    ActionItemId, InstitutionSlug, MeetingId, MentorRole, Mentorship, MentorshipId,
    MentorshipOrigin, MentorshipStatus, Side,
};
use tandem_store::health::CheckinRow;
use tandem_store::{Db, InstitutionScope};

/// Times the health model over a synthetic institution.
#[derive(Parser, Debug)]
#[command(name = "health_bench")]
struct Args {
    /// Active relationships to seed.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pairs: u32,
    /// Timed runs of each step.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    runs: u32,
    /// Seed of the synthetic roster.
    #[arg(long, default_value_t = 2013)]
    seed: u64,
    /// Database to seed into (sqlite:... or postgres://...); default: a
    /// fresh SQLite file in a temporary directory.
    #[arg(long)]
    database_url: Option<String>,
}

/// SplitMix64: small and seeded.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn summary(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    println!(
        "{name:<34} n={:<4} median {:>8.2} ms   p95 {:>8.2} ms   max {:>8.2} ms",
        ms.len(),
        at(0.5),
        at(0.95),
        ms[ms.len() - 1]
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn answers(instrument: &Instrument, bad: Option<usize>) -> String {
    let a: Answers = instrument
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let good = match item.keyed {
                Keyed::Positive => 5,
                Keyed::Negative => 1,
            };
            let v = if Some(i) == bad { 3 } else { good };
            (item.code.clone(), v)
        })
        .collect();
    serde_json::to_string(&a).unwrap_or_default()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let temp;
    let url = match &args.database_url {
        Some(url) => url.clone(),
        None => {
            temp = tempfile::tempdir().context("creating a temporary directory")?;
            format!("sqlite:{}", temp.path().join("bench.db").display())
        }
    };
    eprintln!("database: {}", tandem_store::redact_url(&url));
    let db = Db::connect_and_migrate(&url)
        .await
        .context("opening the database")?;
    let now = tandem_store::microsecond_now();
    let seeding = Instant::now();
    let slug_text = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let institution = tandem_store::institutions::create(
        &db,
        &InstitutionSlug::parse(&slug_text)?,
        "Health benchmark",
    )
    .await
    .context("creating the institution")?;
    let scope = InstitutionScope::of(&institution);
    let pairs = args.pairs as usize;
    let shape = Shape {
        faculty: 2 * pairs,
        ..NORTHSHORE
    };
    let mut new_id = uuid::Uuid::new_v4;
    import_roster(
        &db,
        &institution,
        &roster(&shape, args.seed),
        now,
        &mut new_id,
        &NoProgress,
    )
    .await
    .context("importing the roster")?;
    let people = tandem_store::people::all(&db, &scope).await?;
    let instrument = Instrument::tandem();
    let mut rng = Rng(args.seed);
    let (mut meetings, mut items, mut checkins) = (0usize, 0usize, 0usize);
    for (i, two) in people.chunks(2).take(pairs).enumerate() {
        let [mentee, mentor] = two else { break };
        let start = now - time::Duration::days(120 + rng.below(360) as i64);
        let cadence = [
            Cadence::Monthly,
            Cadence::EveryTwoMonths,
            Cadence::Quarterly,
        ][rng.below(3) as usize];
        let m = Mentorship {
            id: MentorshipId::new_random(),
            mentee_id: mentee.id,
            mentor_id: mentor.id,
            role: MentorRole::Primary,
            origin: MentorshipOrigin::Request,
            status: MentorshipStatus::Active,
            proposed_at: start,
            started_at: Some(start),
        };
        let mut tx = db.begin().await?;
        tandem_store::mentoring::insert_mentorship(&mut tx, &scope, &m, None).await?;
        let mut terms = AgreementTerms::default_template();
        terms.goals = "A first R01 within two years.".into();
        terms.cadence = cadence;
        let json = serde_json::to_string(&terms)?;
        tandem_store::agreements::insert_version_in(
            &mut tx,
            &scope,
            &tandem_store::agreements::NewVersion {
                mentorship: m.id,
                version: 1,
                terms_json: &json,
                written_by: Side::Mentee,
                review_on: (start + time::Duration::days(365)).date(),
            },
            start,
        )
        .await?;
        let mut at = start + time::Duration::days(10);
        let step = time::Duration::days(30 * i64::from(cadence.months()));
        let mut first = true;
        let mut held = 0usize;
        while at < now {
            let cancelled = !first && rng.below(10) == 0;
            let meeting = Meeting {
                id: MeetingId::new_random(),
                mentorship_id: m.id,
                starts_at: at,
                minutes: 60,
                place: "Office".into(),
                status: if cancelled {
                    MeetingStatus::Cancelled
                } else {
                    MeetingStatus::Held
                },
                is_first: first,
                agenda: "Aims; budget.".into(),
                timelines: String::new(),
                checklist: vec![],
                topics: Default::default(),
                recap: if cancelled {
                    String::new()
                } else {
                    "Agreed the next steps.".into()
                },
                recap_written_at: (!cancelled).then_some(at),
                recap_confirmed_at: (!cancelled).then_some(at),
                sequence: 0,
                updated_at: at,
            };
            tandem_store::meetings::insert_in(&mut tx, &scope, &meeting).await?;
            meetings += 1;
            held += 1;
            first = false;
            at += step;
        }
        tx.commit().await?;
        tandem_store::agreements::sign(&db, &scope, m.id, 1, Side::Mentee, start).await?;
        tandem_store::agreements::sign(&db, &scope, m.id, 1, Side::Mentor, start).await?;
        for k in 0..(2 * held.min(6)) {
            let created = now - time::Duration::days(10 + 20 * k as i64);
            tandem_store::meetings::add_action(
                &db,
                &scope,
                &ActionItem {
                    id: ActionItemId::new_random(),
                    mentorship_id: m.id,
                    meeting_id: None,
                    description: "Send the draft".into(),
                    owner: Side::Mentee,
                    due_on: Some((created + time::Duration::days(21)).date()),
                    done_at: (rng.below(10) != 0).then_some(created + time::Duration::days(7)),
                    created_at: created,
                },
            )
            .await?;
            items += 1;
        }
        let mut tx = db.begin().await?;
        for (side, days) in [
            (Side::Mentee, 100),
            (Side::Mentor, 100),
            (Side::Mentee, 10),
            (Side::Mentor, 10),
        ] {
            let bad = (i % 10 == 0 && days == 10 && side == Side::Mentee)
                .then(|| rng.below(instrument.items.len() as u64) as usize);
            tandem_store::health::insert_checkin_in(
                &mut tx,
                &scope,
                &CheckinRow {
                    id: uuid::Uuid::new_v4(),
                    mentorship_id: m.id,
                    side,
                    round: 1,
                    instrument_code: instrument.code.clone(),
                    answers_json: answers(&instrument, bad),
                    comment: String::new(),
                    share_comment: false,
                    submitted_at: now - time::Duration::days(days),
                },
            )
            .await?;
            checkins += 1;
        }
        tx.commit().await?;
        if (i + 1) % 200 == 0 {
            eprintln!("  {} relationships seeded", i + 1);
        }
    }
    eprintln!(
        "seeded {pairs} relationships, {meetings} meetings, {items} action items, {checkins} check-ins in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    // The first refresh records every status (no alerts: nothing to
    // compare with).
    let (_, first) = tandem_core::health::refresh(&db, &institution, now).await?;
    eprintln!(
        "first refresh: {} assessed, {} recorded",
        first.assessed, first.changed
    );
    let division = people[0].division_id;
    let (mut load, mut model, mut refresh, mut division_page) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let relationships: Vec<_> = tandem_store::relationships::all(&db, &scope)
        .await?
        .into_iter()
        .filter(|r| r.state.is_active())
        .collect();
    for _ in 0..args.runs {
        let t = Instant::now();
        let loaded = tandem_core::health::Loaded::load(&db, &scope, None).await?;
        load.push(ms(t.elapsed()));
        let t = Instant::now();
        let mut at_risk = 0usize;
        for r in &relationships {
            let a = loaded.assess(r, tandem_core::health::assess::BOTH, now);
            at_risk += usize::from(a.status == tandem_domain::health::Status::AtRisk);
        }
        model.push(ms(t.elapsed()));
        std::hint::black_box(at_risk);
        let t = Instant::now();
        tandem_core::health::refresh(&db, &institution, now).await?;
        refresh.push(ms(t.elapsed()));
        let t = Instant::now();
        tandem_core::health::report::division_health(&db, &institution, division, now).await?;
        division_page.push(ms(t.elapsed()));
    }
    println!(
        "health over {} active relationships ({}), {} runs:",
        relationships.len(),
        db.backend(),
        args.runs
    );
    summary("load records and check-ins", load);
    summary("assess every relationship", model);
    summary("refresh (console: load+assess+CAS)", refresh);
    summary("division aggregate (chair's page)", division_page);
    Ok(())
}
