//! Progress of long commands (issue 15, point 7: backup, restore, benchmarks): a bar
//! (`indicatif`) when standard error is a terminal, plain log lines otherwise (cron, systemd and
//! CI logs stay readable).

use std::{
    io::IsTerminal,
    sync::{Arc, Mutex},
};

use indicatif::{ProgressBar, ProgressStyle};
use maillage::backup::{LogProgress, Progress};

/// The progress shown for a command: a bar on a terminal, log lines elsewhere.
pub fn for_command() -> Arc<dyn Progress> {
    if std::io::stderr().is_terminal() { Arc::new(Bar::default()) } else { Arc::new(LogProgress) }
}

/// One bar per step, on standard error.
#[derive(Default)]
struct Bar {
    current: Mutex<Option<ProgressBar>>,
}

impl Progress for Bar {
    fn begin(&self, step: &str, total: Option<u64>) {
        let bar = match total {
            Some(t) => {
                let bar = ProgressBar::new(t);
                if let Ok(style) =
                    ProgressStyle::with_template("{msg:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
                {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar
            }
            None => {
                let bar = ProgressBar::new_spinner();
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                bar
            }
        };
        bar.set_message(step.to_string());
        if let Ok(mut current) = self.current.lock()
            && let Some(old) = current.replace(bar)
        {
            old.finish();
        }
    }

    fn advance(&self, bytes: u64) {
        if let Ok(current) = self.current.lock()
            && let Some(bar) = current.as_ref()
        {
            bar.inc(bytes);
        }
    }

    fn end(&self, step: &str) {
        if let Ok(mut current) = self.current.lock()
            && let Some(bar) = current.take()
        {
            bar.finish_with_message(format!("{step} ✓"));
        }
    }
}
