//! The real `tandem` binary as a child process: started, watched for the
//! line that says it serves, and killed with SIGKILL.

use anyhow::{Context, bail};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How to run `tandem`: the binary, the database and where its output goes.
#[derive(Clone)]
pub struct Tandem {
    pub binary: PathBuf,
    pub database_url: String,
    /// The working directory, so that no `./tandem.toml` of the caller's
    /// is picked up.
    pub work_dir: PathBuf,
    /// Everything the server and the setup commands print goes here.
    pub log: PathBuf,
}

impl Tandem {
    fn command(&self) -> anyhow::Result<Command> {
        let mut command = Command::new(&self.binary);
        command
            .current_dir(&self.work_dir)
            .env("TANDEM_DATABASE_URL", &self.database_url)
            .env_remove("TANDEM_CONFIG")
            .env("RUST_LOG", "warn")
            .stderr(Stdio::from(self.log_file()?));
        Ok(command)
    }

    fn log_file(&self) -> anyhow::Result<File> {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("cannot open {}", self.log.display()))
    }

    /// Runs a setup command (`demo --no-serve`, `admin create-account`)
    /// to completion, feeding it `stdin`; fails unless it succeeds.
    pub fn run(&self, args: &[&str], stdin: &str) -> anyhow::Result<String> {
        let mut child = self
            .command()?
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", self.binary.display()))?;
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes())?;
        }
        let output = child.wait_with_output()?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            bail!(
                "`tandem {}` failed ({}); see {}\n{stdout}",
                args.join(" "),
                output.status,
                self.log.display()
            );
        }
        Ok(stdout)
    }

    /// Starts `tandem serve` on `port` with its background jobs, as a
    /// deployment runs it.
    pub fn serve(&self, port: u16) -> anyhow::Result<Server> {
        let mut child = self
            .command()?
            .args(["serve", "--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", self.binary.display()))?;
        let stdout = child.stdout.take().context("the server's stdout")?;
        let serving = Arc::new(AtomicBool::new(false));
        let seen = serving.clone();
        // Reads until the process dies (EOF), so the server never writes
        // into a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains(" is serving on http://") {
                    seen.store(true, Ordering::SeqCst);
                }
            }
        });
        Ok(Server { child, serving })
    }
}

/// A running `tandem serve`. Killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    serving: Arc<AtomicBool>,
}

impl Server {
    /// It has printed that it serves: its port is bound and the database
    /// opened and migrated.
    pub fn is_serving(&self) -> bool {
        self.serving.load(Ordering::SeqCst)
    }

    /// Whether it exited by itself (it should never: only a kill ends it).
    pub fn exited(&mut self) -> anyhow::Result<Option<ExitStatus>> {
        Ok(self.child.try_wait()?)
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no signal handler, no
    /// shutdown, no flush; then waits until the process is gone, so its
    /// files are closed before anything looks at them.
    pub fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill().context("SIGKILL the server")?;
        self.child.wait().context("wait for the killed server")?;
        Ok(())
    }

    /// Waits until it says it serves, up to `limit`.
    pub async fn wait_serving(&mut self, limit: std::time::Duration) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        while !self.is_serving() {
            if let Some(status) = self.exited()? {
                bail!("tandem serve exited by itself ({status})");
            }
            if started.elapsed() > limit {
                bail!("tandem serve did not start within {limit:?}");
            }
            // Polling a flag set by the reader thread; nothing waits on it.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago on 127.0.0.1. The server binds it on
/// every restart (tokio sets SO_REUSEADDR, so connections the killed
/// process left in TIME_WAIT do not stand in the way).
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Lines of the log that contain `needle`.
pub fn count_in_log(log: &Path, needle: &str) -> usize {
    std::fs::read_to_string(log)
        .map(|text| text.lines().filter(|l| l.contains(needle)).count())
        .unwrap_or(0)
}
