//! Reports. The demographic report is the study's Table 1 for a whole
//! institution: counts and shares by gender, rank and stream.

use serde::Serialize;
use tandem_domain::{Institution, Rank, Stream};
use tandem_store::{Db, InstitutionScope, StoreError};

use crate::privacy::{Cell, suppress_with_total};

/// One group of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub group: String,
    pub count: Cell,
    /// Percent of the institution, to one decimal; absent when suppressed.
    pub percent: Option<f64>,
}

/// A Table 1-style summary of one institution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Demographics {
    pub institution: String,
    pub name: String,
    /// Everyone counted (itself suppressed below the minimum group size).
    pub total: Cell,
    pub gender: Vec<Share>,
    pub rank: Vec<Share>,
    pub stream: Vec<Share>,
    /// Streams grouped as the study's Table 1 groups them.
    pub stream_as_in_study: Vec<Share>,
}

impl Demographics {
    /// Every dimension with its title, in report order.
    pub fn dimensions(&self) -> [(&'static str, &[Share]); 4] {
        [
            ("Gender", &self.gender),
            ("Academic rank", &self.rank),
            ("Academic stream", &self.stream),
            (
                "Academic stream (as in the study)",
                &self.stream_as_in_study,
            ),
        ]
    }
}

fn shares(groups: &[(String, u64)], total: u64) -> Vec<Share> {
    let counts: Vec<u64> = groups.iter().map(|(_, n)| *n).collect();
    let suppressed = suppress_with_total(&counts);
    groups
        .iter()
        .zip(suppressed.cells)
        .map(|((group, _), cell)| Share {
            group: group.clone(),
            count: cell,
            percent: cell
                .shown()
                .filter(|_| total > 0)
                .map(|n| (n as f64 * 1000.0 / total as f64).round() / 10.0),
        })
        .collect()
}

pub async fn demographics(db: &Db, institution: &Institution) -> Result<Demographics, StoreError> {
    let rows = tandem_store::people::demographics(db, &InstitutionScope::of(institution)).await?;
    Ok(summarise(
        institution.slug.to_string(),
        institution.name.clone(),
        &rows,
    ))
}

/// The same summary for one division.
pub async fn division_demographics(
    db: &Db,
    institution: &Institution,
    division: &tandem_store::units::Division,
) -> Result<Demographics, StoreError> {
    let rows = tandem_store::people::division_demographics(
        db,
        &InstitutionScope::of(institution),
        division.id,
    )
    .await?;
    Ok(summarise(
        institution.slug.to_string(),
        division.name.clone(),
        &rows,
    ))
}

/// Counts and suppresses one group of people.
pub fn summarise(
    institution: String,
    name: String,
    rows: &[(tandem_domain::Gender, Rank, Stream)],
) -> Demographics {
    let total = rows.len() as u64;

    let mut gender: Vec<(String, u64)> = ["Man", "Woman"]
        .iter()
        .map(|g| (g.to_string(), 0))
        .collect();
    for (g, _, _) in rows {
        let group = g.report_group();
        match gender.iter_mut().find(|(name, _)| name == group) {
            Some((_, n)) => *n += 1,
            None => gender.push((group.to_string(), 1)),
        }
    }
    let count_by = |pick: &dyn Fn(&(tandem_domain::Gender, Rank, Stream)) -> bool| {
        rows.iter().filter(|r| pick(r)).count() as u64
    };
    let rank: Vec<(String, u64)> = Rank::ALL
        .iter()
        .map(|r| (r.label().to_string(), count_by(&|row| row.1 == *r)))
        .collect();
    let stream: Vec<(String, u64)> = Stream::ALL
        .iter()
        .map(|s| (s.label().to_string(), count_by(&|row| row.2 == *s)))
        .collect();
    let stream_as_in_study: Vec<(String, u64)> = vec![
        (
            "Scientist/investigator".into(),
            count_by(&|row| matches!(row.2, Stream::Scientist | Stream::Investigator)),
        ),
        ("Teacher".into(), count_by(&|row| row.2 == Stream::Teacher)),
        (
            "Educator".into(),
            count_by(&|row| row.2 == Stream::Educator),
        ),
        (
            "Administrator".into(),
            count_by(&|row| row.2 == Stream::Administrator),
        ),
    ];

    let total_cell = crate::privacy::suppress_with_total(&[total]).total;
    Demographics {
        institution,
        name,
        total: total_cell,
        gender: shares(&gender, total),
        rank: shares(&rank, total),
        stream: shares(&stream, total),
        stream_as_in_study: shares(&stream_as_in_study, total),
    }
}

/// CSV with one line per group: dimension, group, count, percent.
pub fn demographics_csv(report: &Demographics) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["institution", "dimension", "group", "count", "percent"])?;
    for (dimension, shares) in report.dimensions() {
        for s in shares {
            w.write_record([
                report.institution.as_str(),
                dimension,
                s.group.as_str(),
                &s.count.to_string(),
                &s.percent.map(|p| format!("{p:.1}")).unwrap_or_default(),
            ])?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A plain-text table for the terminal.
pub fn demographics_table(report: &Demographics) -> String {
    let mut out = format!(
        "{} ({}): {} faculty\n",
        report.name, report.institution, report.total
    );
    for (dimension, shares) in report.dimensions() {
        out.push_str(&format!("\n{dimension}\n"));
        for s in shares {
            let percent = s
                .percent
                .map(|p| format!("{p:5.1}%"))
                .unwrap_or_else(|| "     -".into());
            out.push_str(&format!(
                "  {:<36} {:>10} {}\n",
                s.group,
                s.count.to_string(),
                percent
            ));
        }
    }
    out
}
