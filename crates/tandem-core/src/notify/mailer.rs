//! Sending one plain-text e-mail: the [`Mailer`] port, its SMTP adapter on
//! lettre, and [`NoMailer`] for installations without a mail server.

use std::future::Future;
use std::pin::Pin;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// One message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// The address, e.g. `a.chen@north.org`.
    pub to: String,
    /// The person's name, shown beside the address when given.
    pub to_name: Option<String>,
    pub subject: String,
    /// Plain text.
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The mail settings cannot work (bad URL or From address).
    #[error("invalid mail settings: {0}")]
    Config(String),
    /// The recipient's address cannot be used; retrying will not help.
    #[error("cannot send to {0:?}: not a usable e-mail address")]
    Address(String),
    /// The server refused the message for good (a 5xx answer).
    #[error("the mail server refused the message: {0}")]
    Rejected(String),
    /// The server could not be reached or answered "try later".
    #[error("the mail server could not take the message now: {0}")]
    Unavailable(String),
}

impl MailError {
    /// True when sending the same message again cannot succeed.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, MailError::Unavailable(_))
    }
}

pub type MailFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

/// Sends e-mail. Object-safe, so the worker can hold any implementation
/// (SMTP in production, a recorder or [`NoMailer`] elsewhere).
pub trait Mailer: Send + Sync {
    /// Sends one message; Ok once the server has accepted it.
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> MailFuture<'a>;

    /// False for a mailer that drops every message ([`NoMailer`]): the
    /// worker then completes e-mail jobs without recording anything as
    /// e-mailed.
    fn delivers(&self) -> bool {
        true
    }

    /// What the mailer sends through, for logs (no secrets).
    fn describe(&self) -> String;
}

/// Used when no SMTP server is configured: every message is dropped
/// (logged at debug level). Notifications stay in Tandem.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMailer;

impl Mailer for NoMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> MailFuture<'a> {
        Box::pin(async move {
            tracing::debug!(
                subject = %email.subject,
                "no mail server configured: e-mail not sent"
            );
            Ok(())
        })
    }

    fn delivers(&self) -> bool {
        false
    }

    fn describe(&self) -> String {
        "no mail server (e-mail is not sent)".into()
    }
}

/// How long one SMTP conversation (connecting included) may take; well
/// inside a job's lease.
const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Sends through an SMTP server.
///
/// The URL picks the security:
/// - `smtp://relay.hospital.internal:25`: plain SMTP, for a relay inside
///   the institution's network;
/// - `smtp://user:password@mail.example.org:587?tls=required`: STARTTLS,
///   refusing to continue unencrypted (`tls=opportunistic` allows it);
/// - `smtps://user:password@mail.example.org:465`: TLS from the start.
///
/// A path names the client in EHLO (`smtp://relay:25/tandem.example.org`).
/// Certificates are checked against the web's root certificates (rustls,
/// webpki-roots).
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    description: String,
    timeout: std::time::Duration,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("server", &self.description)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl SmtpMailer {
    /// `url` as described on [`SmtpMailer`]; `from` like
    /// `Tandem <tandem@example.org>`.
    pub fn from_url(url: &str, from: &str) -> Result<SmtpMailer, MailError> {
        let redacted = tandem_store::redact_url(url);
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Config(format!("the From address {from:?}: {e}")))?;
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Config(format!("the SMTP URL {redacted}: {e}")))?;
        Ok(SmtpMailer {
            transport: builder.timeout(Some(SMTP_TIMEOUT)).build(),
            from,
            description: redacted,
            timeout: SMTP_TIMEOUT,
        })
    }

    /// Gives up on a conversation after `timeout` instead of 30 seconds.
    pub fn with_timeout(mut self, timeout: std::time::Duration) -> SmtpMailer {
        self.timeout = timeout;
        self
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> MailFuture<'a> {
        Box::pin(async move {
            let address: Address = email
                .to
                .parse()
                .map_err(|_| MailError::Address(email.to.clone()))?;
            let message = Message::builder()
                .from(self.from.clone())
                .to(Mailbox::new(email.to_name.clone(), address))
                .subject(email.subject.as_str())
                .header(ContentType::TEXT_PLAIN)
                .body(email.body.clone())
                .map_err(|e| MailError::Rejected(format!("cannot build the message: {e}")))?;
            // lettre's own timeout covers connecting only; a server that
            // stops answering mid-conversation must not hold the job past
            // its lease.
            match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
                Err(_) => Err(MailError::Unavailable(format!(
                    "no answer within {:.1} seconds",
                    self.timeout.as_secs_f64()
                ))),
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) if e.is_permanent() => Err(MailError::Rejected(e.to_string())),
                Ok(Err(e)) => Err(MailError::Unavailable(e.to_string())),
            }
        })
    }

    fn describe(&self) -> String {
        format!("SMTP {}", self.description)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_security_and_bad_settings_are_clear() {
        for url in [
            "smtp://relay.internal:25",
            "smtp://u:p@mail.example.org:587?tls=required",
            "smtps://u:p@mail.example.org:465",
        ] {
            assert!(SmtpMailer::from_url(url, "Tandem <tandem@localhost>").is_ok());
        }
        let err = SmtpMailer::from_url("http://x", "Tandem <tandem@localhost>")
            .expect_err("not SMTP")
            .to_string();
        assert!(err.contains("SMTP URL"), "{err}");
        let err = SmtpMailer::from_url("smtp://u:secret@x:25", "not an address")
            .expect_err("bad From")
            .to_string();
        assert!(err.contains("From address"), "{err}");
        let err = SmtpMailer::from_url("ftp://u:secret@x:25", "tandem@localhost")
            .expect_err("bad scheme")
            .to_string();
        assert!(!err.contains("secret"), "{err}");
        let described = SmtpMailer::from_url("smtp://u:secret@x:25", "tandem@localhost")
            .expect("valid")
            .describe();
        assert!(!described.contains("secret"), "{described}");
    }

    #[test]
    fn only_unavailability_is_worth_a_retry() {
        assert!(!MailError::Unavailable("busy".into()).is_permanent());
        assert!(MailError::Rejected("550".into()).is_permanent());
        assert!(MailError::Address("x".into()).is_permanent());
    }
}
