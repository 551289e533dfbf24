//! A mentee and a mentor using Tandem's JSON API, over and over: ask,
//! accept (the relationship exists), write the agreement, both sign, the
//! mentee checks in, one side ends it, and again. Each step is chosen from
//! what the server says now, so a client picks up wherever a kill left it.

use anyhow::{Context, bail};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use uuid::Uuid;

use crate::ledger::{Ledger, Write};

/// Longer than SQLite's busy timeout (10 s), so a slow answer is an
/// answer and not a timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a request did not get a 2xx.
pub enum Failure {
    /// No answer: the server is down (killed, or not yet listening) or
    /// went down mid-request.
    Unreachable,
    /// The server answered with an error (already counted in the ledger).
    Refused,
}

/// A signed-in browser session: its cookie jar and CSRF token.
pub struct Session {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker)? + marker.len();
    let end = html[at..].find('"')? + at;
    Some(html[at..end].to_string())
}

impl Session {
    /// Signs in through the sign-in form, as a browser does. Requests go
    /// out from `local` (an address of 127.0.0.0/8), so that each client
    /// has its own per-address sign-in limit.
    pub async fn sign_in(
        base: &str,
        local: IpAddr,
        username: &str,
        password: &str,
    ) -> anyhow::Result<Session> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(local)
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        let page = http.get(format!("{base}/sign-in")).send().await?;
        let form_csrf = csrf_in(&page.text().await?).context("the sign-in form's CSRF token")?;
        let answer = http
            .post(format!("{base}/sign-in"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf", form_csrf.as_str()),
                ("next", "/"),
            ])
            .send()
            .await?;
        if answer.status() != 303 {
            bail!("sign-in of {username} answered {}", answer.status());
        }
        let home = http.get(format!("{base}/")).send().await?;
        let csrf = csrf_in(&home.text().await?).context("a signed-in page's CSRF token")?;
        Ok(Session {
            http,
            base: base.to_string(),
            csrf,
        })
    }

    /// GET `path` as JSON.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        ledger: &Ledger,
    ) -> Result<T, Failure> {
        let answer = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(|_| Failure::Unreachable)?;
        read(answer, &format!("GET {}", shape(path)), ledger).await
    }

    /// POSTs `body` as JSON with the session's CSRF token.
    async fn post(&self, path: &str, body: &Value, ledger: &Ledger) -> Result<Value, Failure> {
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .map_err(|_| {
                // Sent, perhaps committed, never answered.
                ledger.unknown();
                Failure::Unreachable
            })?;
        let outcome = read(answer, &format!("POST {}", shape(path)), ledger).await;
        if let Err(Failure::Unreachable) = outcome {
            // The answer was cut off: committed or not, nobody knows.
            ledger.unknown();
        }
        outcome
    }
}

/// The path with ids replaced, so refusals group by route.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|part| {
            if Uuid::parse_str(part).is_ok() {
                "{id}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn read<T: DeserializeOwned>(
    answer: reqwest::Response,
    what: &str,
    ledger: &Ledger,
) -> Result<T, Failure> {
    let status = answer.status();
    // A body cut off by the kill is no answer.
    let text = answer.text().await.map_err(|_| Failure::Unreachable)?;
    if !status.is_success() {
        let error: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let code = error["error"]["code"].as_str().unwrap_or("-");
        let message: String = error["error"]["message"]
            .as_str()
            .unwrap_or(&text)
            .chars()
            .take(100)
            .collect();
        ledger.refused(format!("{what}: {} {code}: {message}", status.as_u16()));
        return Err(Failure::Refused);
    }
    serde_json::from_str(&text).map_err(|e| {
        ledger.refused(format!(
            "{what}: {} with an unreadable body: {e}",
            status.as_u16()
        ));
        Failure::Refused
    })
}

#[derive(Deserialize)]
struct Relationship {
    id: Uuid,
    other_id: Uuid,
    stage: String,
}

#[derive(Deserialize)]
struct Requests {
    sent: Vec<Request>,
}

#[derive(Deserialize)]
struct Request {
    id: Uuid,
    mentor_id: Uuid,
    status: String,
}

#[derive(Deserialize)]
struct Agreements {
    versions: Vec<Version>,
}

#[derive(Deserialize)]
struct Version {
    id: Uuid,
    version: i32,
    mentee_signed_at: Option<String>,
    mentor_signed_at: Option<String>,
}

/// One mentee and one mentor, working through relationship after
/// relationship.
pub struct Pair {
    pub mentee: Session,
    pub mentor: Session,
    pub mentor_id: Uuid,
    pub rng: ChaCha8Rng,
}

impl Pair {
    /// Runs until `stop` is set.
    pub async fn run(mut self, ledger: Arc<Ledger>, stop: Arc<AtomicBool>) {
        while !stop.load(Ordering::SeqCst) {
            if let Err(Failure::Unreachable) = self.step(&ledger).await {
                // The server is down; it comes back within moments.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    /// Writes `body` to `path` as `side`, and records the write as
    /// acknowledged under the id `id_of` finds in the answer.
    async fn write(
        &self,
        mentor_side: bool,
        path: &str,
        body: Value,
        write: Write,
        ledger: &Ledger,
        id_of: impl FnOnce(&Value) -> Option<Uuid>,
    ) -> Result<(), Failure> {
        let session = if mentor_side {
            &self.mentor
        } else {
            &self.mentee
        };
        let answer = session.post(path, &body, ledger).await?;
        match id_of(&answer) {
            Some(id) => {
                ledger.acknowledged(write, id);
                Ok(())
            }
            None => {
                ledger.refused(format!("POST {}: 2xx without the id", shape(path)));
                Err(Failure::Refused)
            }
        }
    }

    /// The next step of the current relationship, from what the server
    /// says now.
    async fn step(&mut self, ledger: &Ledger) -> Result<(), Failure> {
        let id_field = |v: &Value| v["id"].as_str().and_then(|s| Uuid::parse_str(s).ok());
        let mine: Vec<Relationship> = self.mentee.get("/api/v1/me/relationships", ledger).await?;
        let open = mine
            .iter()
            .find(|r| r.other_id == self.mentor_id && r.stage == "active")
            .map(|r| r.id);
        let Some(relationship) = open else {
            let requests: Requests = self.mentee.get("/api/v1/me/requests", ledger).await?;
            let pending = requests
                .sent
                .iter()
                .find(|r| r.mentor_id == self.mentor_id && r.status == "pending")
                .map(|r| r.id);
            return match pending {
                Some(request) => {
                    self.write(
                        true,
                        &format!("/api/v1/requests/{request}/accept"),
                        json!({}),
                        Write::RelationshipCreated,
                        ledger,
                        |_| Some(request),
                    )
                    .await
                }
                None => {
                    self.write(
                        false,
                        "/api/v1/me/requests",
                        json!({
                            "mentor_id": self.mentor_id,
                            "message": "Would you mentor me? (crash test)",
                        }),
                        Write::RequestSent,
                        ledger,
                        id_field,
                    )
                    .await
                }
            };
        };
        let base = format!("/api/v1/relationships/{relationship}");
        let agreement: Agreements = self
            .mentee
            .get(&format!("{base}/agreement"), ledger)
            .await?;
        match agreement.versions.first() {
            None => {
                let by_mentor = self.rng.random_bool(0.5);
                self.write(
                    by_mentor,
                    &format!("{base}/agreement"),
                    json!({
                        "goals": "Two first-author papers and a grant in three years.",
                        "cadence": "monthly",
                        "contact_between": "E-mail, answered within a week.",
                        "review_turnaround_days": 10,
                    }),
                    Write::AgreementWritten,
                    ledger,
                    id_field,
                )
                .await
            }
            Some(v) if v.mentee_signed_at.is_none() => {
                let id = v.id;
                self.write(
                    false,
                    &format!("{base}/agreement/sign"),
                    json!({ "version": v.version }),
                    Write::AgreementSignedByMentee,
                    ledger,
                    |_| Some(id),
                )
                .await
            }
            Some(v) if v.mentor_signed_at.is_none() => {
                let id = v.id;
                self.write(
                    true,
                    &format!("{base}/agreement/sign"),
                    json!({ "version": v.version }),
                    Write::AgreementSignedByMentor,
                    ledger,
                    |_| Some(id),
                )
                .await
            }
            Some(_) => {
                let checkins: Vec<Value> =
                    self.mentee.get(&format!("{base}/checkins"), ledger).await?;
                if checkins.is_empty() {
                    let point = |rng: &mut ChaCha8Rng| rng.random_range(1..=5u8);
                    let answers = json!({
                        "reciprocity": point(&mut self.rng),
                        "respect": point(&mut self.rng),
                        "communication": point(&mut self.rng),
                        "commitment": point(&mut self.rng),
                    });
                    self.write(
                        false,
                        &format!("{base}/checkins"),
                        json!({ "answers": answers, "comment": "Going well." }),
                        Write::CheckinAnswered,
                        ledger,
                        id_field,
                    )
                    .await
                } else {
                    let by_mentor = self.rng.random_bool(0.5);
                    self.write(
                        by_mentor,
                        &format!("{base}/end"),
                        json!({}),
                        Write::RelationshipEnded,
                        ledger,
                        |answer| {
                            (answer["stage"] == "ended")
                                .then(|| id_field(answer))
                                .flatten()
                        },
                    )
                    .await
                }
            }
        }
    }
}
