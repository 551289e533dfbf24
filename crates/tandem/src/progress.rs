//! Progress bars on the terminal for long imports (hidden when stderr is
//! not a terminal, so logs and CI output stay clean).

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;
use tandem_core::roster::Progress;

pub struct TerminalProgress {
    bar: Mutex<Option<ProgressBar>>,
}

impl TerminalProgress {
    pub fn new() -> Self {
        Self {
            bar: Mutex::new(None),
        }
    }

    pub fn finish(&self) {
        if let Ok(mut bar) = self.bar.lock()
            && let Some(b) = bar.take()
        {
            b.finish_and_clear();
        }
    }
}

impl Progress for TerminalProgress {
    fn stage(&self, name: &str, total: u64) {
        let bar = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} rows ({eta})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(name.to_string());
        if let Ok(mut slot) = self.bar.lock()
            && let Some(old) = slot.replace(bar)
        {
            old.finish_and_clear();
        }
    }

    fn set(&self, done: u64) {
        if let Ok(bar) = self.bar.lock()
            && let Some(b) = bar.as_ref()
        {
            b.set_position(done);
        }
    }
}
