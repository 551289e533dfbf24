//! The demo: two synthetic departments of medicine shaped like the study's
//! (University of Toronto, about 450 faculty, and UCSF, about 500, each in
//! 17 divisions), with gender, rank and stream in the proportions of the
//! study's Table 1 for each, and plausible interests, values, working
//! styles and reporting lines. Everything follows from the seed.
//!
//! The people are fictional and the institutions are named so that nobody
//! mistakes them for the real ones.

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tandem_domain::{
    ContactChannel, Email, Gender, InstitutionSlug, Leadership, Pace, Rank, SocialEnergy, Stream,
    TagList, WorkingStyle,
};
use time::{Date, Duration, Month, OffsetDateTime};

#[path = "demo_health.rs"]
mod health;
#[path = "demo_mentoring.rs"]
mod mentoring;
#[path = "demo_relationships.rs"]
mod relationships;
pub use health::{HealthSeeded, seed_health};
pub use mentoring::{
    ACTIVE_PAIRS, DemoPerson, LOOKING_FOR, MentoringSeeded, PERSONAL_INTERESTS, seed_mentoring,
};
pub use relationships::{RelationshipsSeeded, seed_relationships};

use crate::roster::{ImportError, ImportSummary, Progress, RosterRecord, import_roster};
use tandem_store::{Db, StoreError};

/// The shape of one demo institution.
pub struct Shape {
    pub slug: &'static str,
    pub name: &'static str,
    pub email_domain: &'static str,
    pub employee_prefix: &'static str,
    pub faculty: usize,
    /// Table 1 counts out of 27: men, women.
    pub gender: [u32; 2],
    /// Table 1 counts: lecturer, assistant, associate, professor.
    pub rank: [u32; 4],
    /// Table 1 counts: scientist/investigator, teacher, educator, administrator.
    pub stream: [u32; 4],
    pub sites: &'static [&'static str],
}

/// Shaped like the University of Toronto's Department of Medicine.
pub const NORTHSHORE: Shape = Shape {
    slug: "northshore",
    name: "Northshore University, Department of Medicine",
    email_domain: "northshore.example",
    employee_prefix: "NS",
    faculty: 450,
    gender: [18, 9],
    rank: [3, 13, 5, 6],
    stream: [10, 8, 7, 2],
    sites: &[
        "Northshore General",
        "Lakeside Hospital",
        "St. Aidan's Hospital",
        "Harbour Health Centre",
        "University campus",
    ],
};

/// Shaped like UCSF's Department of Medicine.
pub const BAYVIEW: Shape = Shape {
    slug: "bayview",
    name: "Bayview University, Department of Medicine",
    email_domain: "bayview.example",
    employee_prefix: "BV",
    faculty: 500,
    gender: [12, 15],
    rank: [0, 9, 8, 10],
    stream: [14, 6, 7, 0],
    sites: &[
        "Bayview Medical Center",
        "Harbourside General",
        "Sunset Clinic",
        "Veterans' Hospital",
        "Civic Centre campus",
    ],
};

pub const SHAPES: [&Shape; 2] = [&NORTHSHORE, &BAYVIEW];

/// Divisions with a relative size, research topics and clinical interests.
const DIVISIONS: &[(&str, u32, &[&str], &[&str])] = &[
    (
        "Cardiology",
        12,
        &[
            "heart failure",
            "atrial fibrillation",
            "cardiac imaging",
            "preventive cardiology",
            "interventional outcomes",
        ],
        &[
            "echocardiography",
            "heart failure clinic",
            "cardiac rehabilitation",
        ],
    ),
    (
        "Clinical Immunology and Allergy",
        3,
        &["food allergy", "immunodeficiency", "asthma immunology"],
        &["allergy clinic", "immunotherapy"],
    ),
    (
        "Dermatology",
        4,
        &["psoriasis", "melanoma", "teledermatology"],
        &["skin cancer screening", "inflammatory skin disease"],
    ),
    (
        "Endocrinology and Metabolism",
        7,
        &[
            "type 2 diabetes",
            "obesity",
            "thyroid disease",
            "bone health",
        ],
        &["diabetes clinic", "thyroid nodules"],
    ),
    (
        "Gastroenterology",
        8,
        &[
            "inflammatory bowel disease",
            "hepatology",
            "colorectal cancer screening",
            "microbiome",
        ],
        &["endoscopy", "liver clinic"],
    ),
    (
        "General Internal Medicine",
        16,
        &[
            "hospital medicine",
            "quality improvement",
            "clinical decision support",
            "health services research",
        ],
        &[
            "inpatient medicine",
            "perioperative medicine",
            "ambulatory care",
        ],
    ),
    (
        "Geriatric Medicine",
        5,
        &[
            "frailty",
            "dementia care",
            "falls prevention",
            "knowledge translation",
        ],
        &["memory clinic", "geriatric day hospital"],
    ),
    (
        "Hematology",
        6,
        &["thrombosis", "leukemia", "transfusion medicine"],
        &["anticoagulation clinic", "malignant hematology"],
    ),
    (
        "Infectious Diseases",
        6,
        &[
            "HIV",
            "antimicrobial stewardship",
            "global health",
            "tuberculosis",
        ],
        &["HIV clinic", "travel medicine"],
    ),
    (
        "Medical Oncology",
        8,
        &[
            "breast cancer",
            "lung cancer",
            "immunotherapy",
            "clinical trials",
        ],
        &["chemotherapy clinic", "survivorship"],
    ),
    (
        "Nephrology",
        6,
        &[
            "chronic kidney disease",
            "dialysis outcomes",
            "transplant nephrology",
        ],
        &["dialysis", "kidney transplant clinic"],
    ),
    (
        "Neurology",
        7,
        &[
            "stroke",
            "multiple sclerosis",
            "epilepsy",
            "neurodegeneration",
        ],
        &["stroke unit", "epilepsy clinic"],
    ),
    (
        "Occupational Medicine",
        2,
        &["workplace health", "occupational lung disease"],
        &["occupational clinic"],
    ),
    (
        "Palliative Medicine",
        3,
        &["end-of-life communication", "symptom management"],
        &["palliative consults", "home palliative care"],
    ),
    (
        "Physical Medicine and Rehabilitation",
        3,
        &["stroke rehabilitation", "spinal cord injury"],
        &["inpatient rehabilitation", "musculoskeletal clinic"],
    ),
    (
        "Respirology",
        6,
        &["COPD", "sleep apnea", "interstitial lung disease", "asthma"],
        &["pulmonary function lab", "sleep clinic"],
    ),
    (
        "Rheumatology",
        4,
        &["lupus", "rheumatoid arthritis", "vasculitis"],
        &["arthritis clinic", "biologics"],
    ),
];

const CROSS_CUTTING_RESEARCH: &[&str] = &[
    "clinical epidemiology",
    "health equity",
    "digital health",
    "medical education research",
    "implementation science",
    "patient safety",
];
const EDUCATION_INTERESTS: &[&str] = &[
    "bedside teaching",
    "curriculum design",
    "assessment",
    "simulation",
    "residency program leadership",
    "continuing education",
    "faculty development",
    "undergraduate teaching",
];
const RESEARCH_VALUES: &[&str] = &[
    "collaborative science",
    "open science",
    "methodological rigour",
    "translational impact",
    "community-engaged research",
];
const CLINICAL_VALUES: &[&str] = &[
    "patient-centred care",
    "evidence-based practice",
    "health equity",
    "continuity of care",
    "teaching at the bedside",
];
const PERSONAL_VALUES: &[&str] = &[
    "family first",
    "protected weekends",
    "physical activity",
    "faith and community",
    "creative pursuits",
    "travel",
    "community service",
];

const WOMEN: &[&str] = &[
    "Aisha",
    "Alice",
    "Amara",
    "Ana",
    "Beatriz",
    "Camille",
    "Chloe",
    "Claire",
    "Daniela",
    "Deepa",
    "Elena",
    "Emily",
    "Farah",
    "Fatima",
    "Grace",
    "Hana",
    "Helen",
    "Imani",
    "Ingrid",
    "Isabel",
    "Jasmine",
    "Julia",
    "Karen",
    "Keiko",
    "Laila",
    "Laura",
    "Leah",
    "Lucia",
    "Maria",
    "Maya",
    "Mei",
    "Miriam",
    "Nadia",
    "Naomi",
    "Nicole",
    "Olivia",
    "Priya",
    "Rachel",
    "Rosa",
    "Ruth",
    "Sara",
    "Shirin",
    "Sofia",
    "Sunita",
    "Tamar",
    "Valentina",
    "Wen",
    "Yasmin",
    "Yuki",
    "Zainab",
];
const MEN: &[&str] = &[
    "Adam",
    "Ahmed",
    "Alejandro",
    "Andrew",
    "Arjun",
    "Ben",
    "Carlos",
    "Chen",
    "Daniel",
    "David",
    "Diego",
    "Ethan",
    "Farid",
    "Gabriel",
    "George",
    "Hamid",
    "Hiro",
    "Ivan",
    "James",
    "Javier",
    "Jin",
    "John",
    "Jorge",
    "Kenji",
    "Kwame",
    "Liam",
    "Luca",
    "Marco",
    "Mark",
    "Mateo",
    "Michael",
    "Mohammed",
    "Nikhil",
    "Noah",
    "Omar",
    "Pablo",
    "Paul",
    "Peter",
    "Rahul",
    "Raj",
    "Robert",
    "Samuel",
    "Sanjay",
    "Simon",
    "Stefan",
    "Thomas",
    "Tomas",
    "Victor",
    "Wei",
    "Yusuf",
];
const FAMILY: &[&str] = &[
    "Abbott",
    "Adeyemi",
    "Ahmed",
    "Alvarez",
    "Anderson",
    "Bakr",
    "Bell",
    "Bergstrom",
    "Bianchi",
    "Brown",
    "Campbell",
    "Chan",
    "Chen",
    "Cohen",
    "Costa",
    "Das",
    "Dubois",
    "Edwards",
    "Evans",
    "Fernandes",
    "Fischer",
    "Friedman",
    "Garcia",
    "Ghosh",
    "Gill",
    "Goldberg",
    "Gonzalez",
    "Gupta",
    "Haddad",
    "Hansen",
    "Harris",
    "Hassan",
    "Ho",
    "Hughes",
    "Ibrahim",
    "Ito",
    "Jackson",
    "Jensen",
    "Johnson",
    "Joshi",
    "Kaur",
    "Kelly",
    "Khan",
    "Kim",
    "Kowalski",
    "Kumar",
    "Lam",
    "Larsen",
    "Lee",
    "Levi",
    "Li",
    "Lin",
    "Liu",
    "Lopez",
    "MacDonald",
    "Martin",
    "Mehta",
    "Mendes",
    "Miller",
    "Mitchell",
    "Morales",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Ortiz",
    "Park",
    "Patel",
    "Perez",
    "Petrov",
    "Popescu",
    "Quinn",
    "Rahman",
    "Ramos",
    "Reddy",
    "Reyes",
    "Roberts",
    "Rossi",
    "Roy",
    "Russo",
    "Sato",
    "Schmidt",
    "Shah",
    "Silva",
    "Singh",
    "Smith",
    "Sousa",
    "Suzuki",
    "Tan",
    "Taylor",
    "Thomas",
    "Tremblay",
    "Turner",
    "Wang",
    "Watanabe",
    "White",
    "Wilson",
    "Wong",
    "Wu",
    "Xu",
    "Yamamoto",
    "Yang",
    "Young",
    "Zhang",
    "Zhou",
];

/// Splits `n` into parts proportional to `weights`, exactly (largest
/// remainder), so the demo hits Table 1's shares as closely as integers can.
pub fn apportion(n: usize, weights: &[u32]) -> Vec<usize> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(usize, u64)> = weights
        .iter()
        .map(|&w| {
            let scaled = n as u64 * u64::from(w);
            ((scaled / sum) as usize, scaled % sum)
        })
        .collect();
    let mut parts: Vec<usize> = exact.iter().map(|(q, _)| *q).collect();
    let mut left = n - parts.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(exact[i].1), i));
    for i in order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// A shuffled list holding each label exactly `count` times.
fn shuffled<T: Copy>(rng: &mut ChaCha8Rng, labels: &[T], counts: &[usize]) -> Vec<T> {
    let mut out: Vec<T> = labels
        .iter()
        .zip(counts)
        .flat_map(|(l, &c)| std::iter::repeat_n(*l, c))
        .collect();
    out.shuffle(rng);
    out
}

fn pick<'a>(rng: &mut ChaCha8Rng, pool: &[&'a str]) -> &'a str {
    pool.choose(rng).copied().unwrap_or_default()
}

fn pick_some(rng: &mut ChaCha8Rng, pool: &[&str], min: usize, max: usize) -> Vec<String> {
    let n = rng.random_range(min..=max.min(pool.len()).max(min));
    pool.choose_multiple(rng, n)
        .map(|s| s.to_string())
        .collect()
}

/// The demo's reference date: appointments count back from here so that
/// the data does not change with the day the demo runs.
fn reference_date() -> Date {
    Date::from_calendar_date(2026, Month::July, 1).unwrap_or(Date::MIN)
}

/// Generates one institution's roster.
pub fn roster(shape: &Shape, seed: u64) -> Vec<RosterRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fxhash(shape.slug));
    let n = shape.faculty;
    let genders = shuffled(
        &mut rng,
        &[Gender::Man, Gender::Woman].map(|g| g == Gender::Man),
        &apportion(n, &shape.gender),
    );
    let ranks = shuffled(&mut rng, Rank::ALL, &apportion(n, &shape.rank));
    // Split Table 1's scientist/investigator group evenly between the two.
    let stream_counts = apportion(n, &shape.stream);
    let (sci, inv) = (
        stream_counts[0] / 2,
        stream_counts[0] - stream_counts[0] / 2,
    );
    let streams = shuffled(
        &mut rng,
        &[
            Stream::Scientist,
            Stream::Investigator,
            Stream::Teacher,
            Stream::Educator,
            Stream::Administrator,
        ],
        &[
            sci,
            inv,
            stream_counts[1],
            stream_counts[2],
            stream_counts[3],
        ],
    );
    let division_sizes = apportion(n, &DIVISIONS.iter().map(|d| d.1).collect::<Vec<_>>());
    let division_of: Vec<usize> = division_sizes
        .iter()
        .enumerate()
        .flat_map(|(d, &size)| std::iter::repeat_n(d, size))
        .collect();

    let mut used_emails = std::collections::HashSet::new();
    let mut records: Vec<RosterRecord> = (0..n)
        .map(|i| {
            let is_man = genders[i];
            let rank = ranks[i];
            let stream = streams[i];
            let (division, _, topics, clinical) = DIVISIONS[division_of[i]];
            let given = pick(&mut rng, if is_man { MEN } else { WOMEN });
            let family = pick(&mut rng, FAMILY);
            let mut local = format!("{}.{}", given.to_lowercase(), family.to_lowercase());
            let mut suffix = 2;
            while !used_emails.insert(local.clone()) {
                local = format!(
                    "{}.{}{}",
                    given.to_lowercase(),
                    family.to_lowercase(),
                    suffix
                );
                suffix += 1;
            }
            let (years_lo, years_hi) = match rank {
                Rank::Lecturer => (0, 5),
                Rank::AssistantProfessor => (0, 8),
                Rank::AssociateProfessor => (5, 16),
                Rank::Professor => (10, 35),
            };
            let service_years: i64 = rng.random_range(years_lo..=years_hi);
            let appointment_date =
                reference_date() - Duration::days(service_years * 365 + rng.random_range(0..365));
            let mentoring_years = match rank {
                Rank::Lecturer => rng.random_range(0..=2),
                Rank::AssistantProfessor => rng.random_range(0..=5),
                Rank::AssociateProfessor => rng.random_range(2..=12),
                Rank::Professor => rng.random_range(5..=30),
            };
            let past_mentees =
                (f64::from(mentoring_years) * rng.random_range(0.3..2.0)).round() as u16;
            let research_weight = match stream {
                Stream::Scientist => (2, 3),
                Stream::Investigator => (1, 3),
                Stream::Educator | Stream::Administrator => (0, 1),
                Stream::Teacher => (0, 1),
            };
            let mut research = pick_some(&mut rng, topics, research_weight.0, research_weight.1);
            if rng.random_bool(0.3) {
                research.push(pick(&mut rng, CROSS_CUTTING_RESEARCH).to_string());
            }
            if stream == Stream::Educator && rng.random_bool(0.6) {
                research.push("medical education research".into());
            }
            let education = match stream {
                Stream::Educator | Stream::Teacher => {
                    pick_some(&mut rng, EDUCATION_INTERESTS, 1, 3)
                }
                _ => pick_some(&mut rng, EDUCATION_INTERESTS, 0, 1),
            };
            let mut values = vec![
                pick(&mut rng, CLINICAL_VALUES).to_string(),
                pick(&mut rng, PERSONAL_VALUES).to_string(),
            ];
            if matches!(stream, Stream::Scientist | Stream::Investigator) || rng.random_bool(0.3) {
                values.insert(0, pick(&mut rng, RESEARCH_VALUES).to_string());
            }
            let working_style = if rng.random_bool(0.9) {
                WorkingStyle {
                    pace: Some(if rng.random_bool(0.5) {
                        Pace::Deliberative
                    } else {
                        Pace::OnTheFly
                    }),
                    energy: Some(if rng.random_bool(0.5) {
                        SocialEnergy::Introvert
                    } else {
                        SocialEnergy::Extrovert
                    }),
                }
            } else {
                WorkingStyle::default()
            };
            let mut contact_channels = vec![ContactChannel::Email];
            for (channel, p) in [
                (ContactChannel::Phone, 0.6),
                (ContactChannel::Video, 0.4),
                (ContactChannel::InPerson, 0.5),
                (ContactChannel::Text, 0.15),
            ] {
                if rng.random_bool(p) {
                    contact_channels.push(channel);
                }
            }
            RosterRecord {
                line: i as u64 + 2,
                employee_id: format!("{}{:05}", shape.employee_prefix, i + 1),
                given_name: given.to_string(),
                family_name: family.to_string(),
                email: Email::parse(&format!("{local}@{}", shape.email_domain))
                    .unwrap_or_else(|_| Email::placeholder()),
                department: "Department of Medicine".into(),
                division: division.to_string(),
                rank,
                stream,
                gender: if is_man { Gender::Man } else { Gender::Woman },
                appointment_date,
                supervisor_employee_id: None,
                resource_controller_employee_id: None,
                leadership: Leadership::None,
                research_interests: TagList::from_tags(research),
                clinical_interests: TagList::from_tags(pick_some(&mut rng, clinical, 1, 2)),
                education_interests: TagList::from_tags(education),
                values: TagList::from_tags(values),
                working_style,
                mentoring_years,
                past_mentees,
                location: Some(pick(&mut rng, shape.sites).to_string()),
                contact_channels,
            }
        })
        .collect();

    assign_leadership(&mut records, &division_of, &mut rng);
    records
}

/// Makes the longest-serving senior member of each division its director
/// (reporting to the chair), one director the department chair, everyone
/// else report to their director; resources are controlled by the
/// director, or for some researchers by a senior researcher of the division.
fn assign_leadership(records: &mut [RosterRecord], division_of: &[usize], rng: &mut ChaCha8Rng) {
    let seniority = |r: &RosterRecord| (std::cmp::Reverse(r.rank.seniority()), r.appointment_date);
    let mut directors = Vec::new();
    for d in 0..DIVISIONS.len() {
        let members: Vec<usize> = (0..records.len())
            .filter(|&i| division_of[i] == d)
            .collect();
        if let Some(&director) = members.iter().min_by_key(|&&i| (seniority(&records[i]), i)) {
            directors.push((d, director, members));
        }
    }
    // The chair leads the largest division's director pool: General Internal
    // Medicine when present.
    let chair = directors
        .iter()
        .find(|(d, _, _)| DIVISIONS[*d].0 == "General Internal Medicine")
        .or_else(|| directors.first())
        .map(|(_, c, _)| *c);
    let Some(chair) = chair else { return };
    for (_, director, members) in &directors {
        let director_id = records[*director].employee_id.clone();
        records[*director].leadership = Leadership::DivisionDirector;
        if *director != chair {
            records[*director].supervisor_employee_id = Some(records[chair].employee_id.clone());
        }
        let senior_researchers: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| {
                i != *director
                    && matches!(records[i].stream, Stream::Scientist | Stream::Investigator)
                    && records[i].rank.seniority() >= 2
            })
            .collect();
        for &i in members {
            if i == *director {
                continue;
            }
            records[i].supervisor_employee_id = Some(director_id.clone());
            let researcher = matches!(records[i].stream, Stream::Scientist | Stream::Investigator);
            let lab_head = senior_researchers
                .iter()
                .copied()
                .filter(|&s| s != i)
                .collect::<Vec<_>>();
            records[i].resource_controller_employee_id =
                if researcher && !lab_head.is_empty() && rng.random_bool(0.4) {
                    lab_head
                        .choose(rng)
                        .map(|&s| records[s].employee_id.clone())
                } else {
                    Some(director_id.clone())
                };
        }
    }
    records[chair].leadership = Leadership::DepartmentChair;
    records[chair].supervisor_employee_id = None;
}

/// A stable hash of a short string (FNV-1a), to give each institution its
/// own random stream from one seed.
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What seeding did.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub slug: String,
    pub created_institution: bool,
    pub summary: ImportSummary,
    /// The mentoring data seeded; `None` when the institution had some
    /// already (it is then left as it is).
    pub mentoring: Option<MentoringSeeded>,
    /// Relationship histories seeded with the mentoring data.
    pub relationships: Option<RelationshipsSeeded>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the demo roster did not import: {0}")]
    Import(#[from] ImportError),
    #[error("the demo mentoring data did not seed: {0}")]
    Mentoring(#[from] crate::mentoring::MentoringError),
}

/// Creates the demo institutions (or reuses them), imports their rosters
/// and seeds their mentoring ([`seed_mentoring`], skipped for an
/// institution that has mentoring data already). Re-running with the same
/// seed changes nothing.
pub async fn seed(
    db: &Db,
    seed: u64,
    now: OffsetDateTime,
    progress: &dyn Progress,
) -> Result<Vec<Seeded>, DemoError> {
    let mut out = Vec::new();
    let mut ids = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let mut new_id = move || uuid::Builder::from_random_bytes(ids.random::<[u8; 16]>()).into_uuid();
    for shape in SHAPES {
        let slug =
            InstitutionSlug::parse(shape.slug).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (institution, created) =
            match tandem_store::institutions::by_slug(db, shape.slug).await? {
                Some(i) => (i, false),
                None => (
                    tandem_store::institutions::create(db, &slug, shape.name).await?,
                    true,
                ),
            };
        let records = roster(shape, seed);
        let summary = import_roster(db, &institution, &records, now, &mut new_id, progress).await?;
        let mentoring = seed_mentoring(db, &institution, seed, now).await?;
        let relationships = match &mentoring {
            Some(m) => {
                let skip: Vec<_> = [&m.demo_mentee, &m.demo_mentor]
                    .into_iter()
                    .flatten()
                    .map(|p| p.id)
                    .collect();
                Some(seed_relationships(db, &institution, seed, now, &skip).await?)
            }
            None => None,
        };
        out.push(Seeded {
            slug: shape.slug.to_string(),
            created_institution: created,
            summary,
            mentoring,
            relationships,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact() {
        assert_eq!(apportion(450, &[3, 13, 5, 6]), vec![50, 217, 83, 100]);
        assert_eq!(apportion(500, &[12, 15]), vec![222, 278]);
        assert_eq!(apportion(10, &[0, 0]), vec![0, 0]);
        assert_eq!(apportion(7, &[1, 1, 1]).iter().sum::<usize>(), 7);
    }

    #[test]
    fn same_seed_same_roster_other_seed_other_roster() {
        let a = roster(&NORTHSHORE, 7);
        assert_eq!(a, roster(&NORTHSHORE, 7));
        assert_ne!(a, roster(&NORTHSHORE, 8));
        assert_eq!(a.len(), 450);
        assert_eq!(roster(&BAYVIEW, 7).len(), 500);
    }

    #[test]
    fn reporting_lines_form_one_tree_under_the_chair() {
        let records = roster(&BAYVIEW, 1);
        let chairs: Vec<_> = records
            .iter()
            .filter(|r| r.leadership == Leadership::DepartmentChair)
            .collect();
        assert_eq!(chairs.len(), 1);
        assert!(chairs[0].supervisor_employee_id.is_none());
        assert_eq!(
            records
                .iter()
                .filter(|r| r.supervisor_employee_id.is_none())
                .count(),
            1
        );
        assert_eq!(
            records
                .iter()
                .filter(|r| r.leadership == Leadership::DivisionDirector)
                .count(),
            DIVISIONS.len() - 1,
            "every division but the chair's has a director"
        );
        let divisions: std::collections::HashSet<_> = records.iter().map(|r| &r.division).collect();
        assert_eq!(divisions.len(), 17);
    }
}

/// The people the demo's mentee and mentor accounts stand for, given the
/// institution's people in roster order (by employee id) and its
/// Cardiology division: the first assistant professor of Cardiology
/// without a leadership role, and Cardiology's professor without one who
/// has mentored longest. [`seed_mentoring`] prepares both.
pub fn account_people(
    people: &[tandem_domain::PersonProfile],
    cardiology: Option<tandem_domain::DivisionId>,
) -> (
    Option<&tandem_domain::PersonProfile>,
    Option<&tandem_domain::PersonProfile>,
) {
    let in_cardiology = |p: &&tandem_domain::PersonProfile| Some(p.division_id) == cardiology;
    let mentee = people
        .iter()
        .filter(in_cardiology)
        .find(|p| p.rank == Rank::AssistantProfessor && p.leadership == Leadership::None);
    let mentor = people
        .iter()
        .filter(in_cardiology)
        .filter(|p| p.rank == Rank::Professor && p.leadership == Leadership::None)
        .max_by_key(|p| (p.mentoring_years, std::cmp::Reverse(p.employee_id.clone())));
    (mentee, mentor)
}

/// Seeds relationship health in every demo institution ([`seed_health`]),
/// after [`seed`] and [`seed_accounts`]: the demo facilitator opened one of
/// the cases. Institutions with check-ins already are left as they are.
pub async fn seed_health_all(
    db: &Db,
    seed: u64,
    now: OffsetDateTime,
) -> Result<Vec<(String, HealthSeeded)>, DemoError> {
    let mut out = Vec::new();
    for shape in SHAPES {
        let Some(institution) = tandem_store::institutions::by_slug(db, shape.slug).await? else {
            continue;
        };
        let scope = tandem_store::InstitutionScope::of(&institution);
        let people = tandem_store::people::all(db, &scope).await?;
        let cardiology = tandem_store::units::divisions(db, &scope)
            .await?
            .into_iter()
            .find(|d| d.name == "Cardiology")
            .map(|d| d.id);
        let (mentee, mentor) = account_people(&people, cardiology);
        let skip: Vec<_> = [mentee, mentor]
            .into_iter()
            .flatten()
            .map(|p| p.id)
            .collect();
        let facilitator =
            tandem_store::accounts::by_username(db, &format!("facilitator@{}", shape.slug))
                .await?
                .map(|a| a.id);
        let seeded = seed_health(db, &institution, seed, now, &skip, facilitator).await?;
        out.push((shape.slug.to_string(), seeded));
    }
    Ok(out)
}

/// The password of every demo account. Demo data only.
pub const DEMO_PASSWORD: &str = "tandem-demo-2013";

/// username, person, role, unit, description.
type DemoGrant<'a> = (
    String,
    Option<&'a tandem_domain::PersonProfile>,
    tandem_domain::Role,
    Option<&'static str>,
    String,
);

/// One demo sign-in, as printed by `tandem demo`.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub what: String,
}

/// Creates one account per role in each demo institution (and one system
/// operator), all with [`DEMO_PASSWORD`]. Existing accounts are kept.
pub async fn seed_accounts(
    db: &Db,
    hasher: &crate::auth::PasswordHasherPool,
    now: OffsetDateTime,
) -> Result<Vec<DemoAccount>, crate::admin::AdminError> {
    use crate::admin::{create_account, grant_role};
    use tandem_domain::Role;
    // One hash for all: hashing is deliberately slow.
    let hash = hasher.hash(DEMO_PASSWORD).await?;
    let mut out = Vec::new();
    for shape in SHAPES {
        let Some(institution) = tandem_store::institutions::by_slug(db, shape.slug).await? else {
            continue;
        };
        let people =
            tandem_store::people::all(db, &tandem_store::InstitutionScope::of(&institution))
                .await?;
        let divisions =
            tandem_store::units::divisions(db, &tandem_store::InstitutionScope::of(&institution))
                .await?;
        let cardiology = divisions
            .iter()
            .find(|d| d.name == "Cardiology")
            .map(|d| d.id);
        let in_cardiology = |p: &&tandem_domain::PersonProfile| Some(p.division_id) == cardiology;
        let (mentee, mentor) = account_people(&people, cardiology);
        let director = people
            .iter()
            .filter(in_cardiology)
            .find(|p| p.leadership == Leadership::DivisionDirector);
        let chair = people
            .iter()
            .find(|p| p.leadership == Leadership::DepartmentChair);
        let facilitator = people
            .iter()
            .filter(|p| {
                p.stream == Stream::Educator
                    && p.rank == Rank::AssociateProfessor
                    && p.leadership == Leadership::None
            })
            .find(|p| !in_cardiology(p));
        let slug = shape.slug;
        let plan: Vec<DemoGrant> = vec![
            (
                format!("mentee@{slug}"),
                mentee,
                Role::Mentee,
                None,
                "mentee (assistant professor, Cardiology)".into(),
            ),
            (
                format!("mentor@{slug}"),
                mentor,
                Role::Mentor,
                None,
                "mentor (professor, Cardiology)".into(),
            ),
            (
                format!("facilitator@{slug}"),
                facilitator,
                Role::Facilitator,
                Some("Department of Medicine"),
                "program facilitator (Department of Medicine)".into(),
            ),
            (
                format!("director@{slug}"),
                director,
                Role::UnitLeader,
                Some("Cardiology"),
                "division director (Cardiology)".into(),
            ),
            (
                format!("chair@{slug}"),
                chair,
                Role::UnitLeader,
                Some("Department of Medicine"),
                "department chair (Department of Medicine)".into(),
            ),
            (
                format!("evaluator@{slug}"),
                None,
                Role::Evaluator,
                None,
                "program evaluator".into(),
            ),
            (
                format!("admin@{slug}"),
                None,
                Role::InstitutionAdmin,
                None,
                "institution administrator".into(),
            ),
        ];
        for (username, person, role, unit, what) in plan {
            if tandem_store::accounts::by_username(db, &username)
                .await?
                .is_none()
            {
                create_account(
                    db,
                    Some(&institution),
                    person.map(|p| p.employee_id.as_str()),
                    &username,
                    &hash,
                    None,
                    now,
                )
                .await?;
            }
            grant_role(db, &username, role, unit, None, now).await?;
            // The demo mentor is also a mentee, as every participant in the
            // study was both.
            if role == Role::Mentor {
                grant_role(db, &username, Role::Mentee, None, None, now).await?;
            }
            let name = person
                .map(|p| format!(", {}", p.display_name()))
                .unwrap_or_default();
            out.push(DemoAccount {
                username,
                what: format!("{what}{name}"),
            });
        }
    }
    if tandem_store::accounts::by_username(db, "operator")
        .await?
        .is_none()
    {
        create_account(db, None, None, "operator", &hash, None, now).await?;
    }
    grant_role(db, "operator", Role::SystemOperator, None, None, now).await?;
    out.push(DemoAccount {
        username: "operator".into(),
        what: "system operator (all institutions, no people data)".into(),
    });
    Ok(out)
}
