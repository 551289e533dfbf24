//! Password hashing off the request path, at the lowest CPU priority.
//!
//! An Argon2id hash is tens of milliseconds of one core. A wave of
//! sign-ins hashing at the same priority as page requests took a core from
//! everyone for as long as it lasted (measured with load/: other requests'
//! p99 doubled). The server's hashing threads therefore run under Linux's
//! `SCHED_IDLE` policy: they get a core only when no other thread wants
//! it, and any other thread that wakes up takes it back at once. On an idle
//! machine a sign-in is as fast as ever; under load the pages people are
//! using come first and sign-ins wait for spare CPU. (`nice` 19 was tried
//! and is not enough: the hashing thread still took a third of the CPU and
//! other writes' p99 stayed over 100 ms; docs/PERFORMANCE.md, Load.)

use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::{AuthError, check_password_rules, random_bytes};

/// How the hashing threads are scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashingPriority {
    /// Like every other thread (tests, where the suite's own threads would
    /// otherwise starve the hashing ones).
    Normal,
    /// Only when nothing else wants the CPU (Linux's `SCHED_IDLE`; like
    /// `Normal` elsewhere), for the server.
    Background,
}

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Hashes and verifies passwords on a fixed set of threads of their own.
/// Cloning shares the threads; they stop when the last clone is dropped.
#[derive(Clone)]
pub struct PasswordHasherPool {
    jobs: Sender<Job>,
    /// A hash verified when the account does not exist, so that path takes
    /// as long as a wrong password.
    dummy_hash: Arc<String>,
}

fn argon2() -> Argon2<'static> {
    // m = 19 MiB, t = 2, p = 1: OWASP's minimum for Argon2id.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub(super) fn hash_now(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>())
        .map_err(|e| AuthError::Hashing(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

pub(super) fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Puts the calling thread under `SCHED_IDLE` (a per-thread setting, so
/// the rest of the process is untouched; no privilege needed). A sandbox
/// that forbids it costs speed under load, not correctness: logged only.
#[cfg(target_os = "linux")]
fn lower_this_threads_priority() {
    use thread_priority::{
        NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
        set_thread_priority_and_policy, thread_native_id,
    };
    if let Err(e) = set_thread_priority_and_policy(
        thread_native_id(),
        ThreadPriority::Min,
        ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle),
    ) {
        tracing::warn!(error = ?e, "could not lower the password-hashing thread's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_threads_priority() {}

/// One hashing thread: takes jobs until every sender is gone.
fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        // Waiting happens with the lock held, so one idle thread waits on
        // the channel and the others on the lock. Nothing panics while
        // holding it, but a poisoned lock still guards a usable receiver.
        let next = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

impl PasswordHasherPool {
    /// `workers` hashes may run at once (at least one), on threads
    /// scheduled as `priority` says.
    pub fn new(workers: usize, priority: HashingPriority) -> Result<Self, AuthError> {
        let dummy_hash = Arc::new(hash_now("tandem-dummy-password-for-timing")?);
        let (jobs, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..workers.max(1) {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("tandem-hash-{n}"))
                .spawn(move || {
                    if priority == HashingPriority::Background {
                        lower_this_threads_priority();
                    }
                    work(&receiver);
                })
                .map_err(|e| AuthError::Hashing(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self { jobs, dummy_hash })
    }

    /// Runs `task` on a hashing thread.
    async fn run<T: Send + 'static>(
        &self,
        task: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AuthError> {
        self.submit(task)?
            .await
            .map_err(|_| AuthError::Hashing("a hashing thread stopped".into()))
    }

    /// Queues `task`; its answer arrives on the receiver. A caller that
    /// drops the receiver while the task is still queued (a client that
    /// went away) costs no hashing: the task is skipped.
    fn submit<T: Send + 'static>(
        &self,
        task: impl FnOnce() -> T + Send + 'static,
    ) -> Result<tokio::sync::oneshot::Receiver<T>, AuthError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                if !answer.is_closed() {
                    // The caller may leave while the task runs; then
                    // nobody needs the answer.
                    let _ = answer.send(task());
                }
            }))
            .map_err(|_| AuthError::Hashing("the hashing threads have stopped".into()))?;
        Ok(answered)
    }

    pub async fn hash(&self, password: &str) -> Result<String, AuthError> {
        check_password_rules(password)?;
        let password = password.to_string();
        self.run(move || hash_now(&password)).await?
    }

    /// Verifies against `hash`, or against the dummy hash when there is
    /// no account, so both take the same time.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AuthError> {
        let password = password.to_string();
        let exists = hash.is_some();
        let hash = hash
            .map(str::to_string)
            .unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let ok = self.run(move || verify_now(&password, &hash)).await?;
        Ok(ok && exists)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash_now("correct horse battery").expect("hash");
        let b = hash_now("correct horse battery").expect("hash");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(verify_now("correct horse battery", &a));
        assert!(!verify_now("correct horse batterY", &a));
        assert!(!verify_now("anything", "not a hash"));
    }

    #[tokio::test]
    async fn the_pool_hashes_and_verifies_and_unknown_accounts_never_pass() {
        let pool = PasswordHasherPool::new(2, HashingPriority::Normal).expect("pool");
        let hash = pool.hash("correct horse battery").await.expect("hash");
        assert!(
            pool.verify("correct horse battery", Some(&hash))
                .await
                .expect("verify")
        );
        assert!(
            !pool
                .verify("wrong horse battery", Some(&hash))
                .await
                .expect("verify")
        );
        // The dummy hash's own password still fails without an account.
        assert!(
            !pool
                .verify("tandem-dummy-password-for-timing", None)
                .await
                .expect("verify")
        );
        assert!(matches!(
            pool.hash("short").await,
            Err(AuthError::WeakPassword(_))
        ));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn background_threads_run_only_when_the_cpu_is_idle_and_normal_ones_do_not() {
        use thread_priority::{NormalThreadSchedulePolicy, ThreadSchedulePolicy};
        let policy = || thread_priority::thread_schedule_policy().expect("policy");
        let this_thread = policy();
        let background = PasswordHasherPool::new(1, HashingPriority::Background).expect("pool");
        assert_eq!(
            background.run(policy).await.expect("ran"),
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle)
        );
        // Only the hashing thread was lowered, not the caller's.
        assert_eq!(policy(), this_thread);
        let normal = PasswordHasherPool::new(1, HashingPriority::Normal).expect("pool");
        assert_eq!(normal.run(policy).await.expect("ran"), this_thread);
    }

    #[tokio::test]
    async fn a_task_whose_caller_left_while_queued_is_skipped() {
        let pool = PasswordHasherPool::new(1, HashingPriority::Normal).expect("pool");
        // Occupy the only thread until we say so.
        let (release, released) = std::sync::mpsc::channel::<()>();
        let blocker = pool
            .submit(move || {
                let _ = released.recv();
            })
            .expect("queued");
        // Queue a task behind it, then give up on it before it can start.
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        drop(
            pool.submit(move || flag.store(true, Ordering::SeqCst))
                .expect("queued"),
        );
        release.send(()).expect("release");
        blocker.await.expect("blocker ran");
        // Tasks run in order on the one thread, so once a later task has
        // run, the abandoned one has been taken from the queue.
        pool.run(|| ()).await.expect("later task");
        assert!(!ran.load(Ordering::SeqCst), "the abandoned task ran");
    }
}
