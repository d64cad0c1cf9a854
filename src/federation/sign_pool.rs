//! Outgoing requests are signed on threads of their own, at a lower CPU priority than the
//! rest of the server (issue 14).
//!
//! One RSA-2048 signature costs as much CPU as 25 to 40 verifications (see `maillage bench
//! federation`, part (a)), and every delivery needs one. Signed on the async runtime's threads,
//! a fan-out or the `Accept`s of a burst of follows take the cores from the inbox: requests
//! whose senders wait for an answer (Mastodon gives up after 10 s) queue behind work that the
//! durable queue would keep anyway. Here the kernel gives inbox and page work the CPU first
//! (`nice` +10 on these threads, Linux's per-thread priority), and signing gets the rest —
//! all of it when nothing else runs, so a fan-out alone is as fast as before.

use std::sync::{
    Arc, Mutex,
    mpsc::{Receiver, Sender, channel},
};

use crate::error::{AppError, AppResult};

/// How much lower than the server's other threads signing runs (`nice` increment).
pub const NICE: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// A few threads that run signing jobs in turn. Dropped, its threads end.
pub struct SignPool {
    /// None when no thread could be started: jobs then run on the caller's thread.
    jobs: Option<Sender<Job>>,
}

impl SignPool {
    /// `threads` threads (the cores: signing is CPU-bound), each `nice` `NICE`.
    pub fn start(threads: usize) -> SignPool {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let mut started = 0;
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            match std::thread::Builder::new().name(format!("maillage-sign-{n}")).spawn(move || work(&queue)) {
                Ok(_) => started += 1,
                Err(e) => tracing::warn!(error = %e, "could not start a signing thread"),
            }
        }
        SignPool { jobs: (started > 0).then_some(jobs) }
    }

    /// Runs `f` on a signing thread and waits for its result.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        let Some(jobs) = &self.jobs else { return Ok(f()) };
        let (tx, rx) = tokio::sync::oneshot::channel();
        jobs.send(Box::new(move || {
            let _ = tx.send(f());
        }))
        .map_err(|_| AppError::internal("signing threads stopped"))?;
        rx.await.map_err(|_| AppError::internal("signing thread dropped its job"))
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    lower_priority();
    loop {
        // The lock is held only while waiting for the next job, never while running one.
        let job = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return, // the pool was dropped
        }
    }
}

/// `nice` +`NICE` for the calling thread only (on Linux, `setpriority` on a thread id sets that
/// thread's priority; elsewhere it would set the whole process's, so it is left alone).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain system calls on the calling thread's id; no memory is shared.
        let done = unsafe {
            let tid = libc::gettid();
            let now = libc::getpriority(libc::PRIO_PROCESS, tid as libc::id_t);
            libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, now + NICE)
        };
        if done != 0 {
            tracing::debug!("signing threads keep the server's priority (setpriority refused)");
        }
    }
}

/// The calling thread's `nice` value (Linux), for tests.
#[cfg(all(test, target_os = "linux"))]
fn current_nice() -> i32 {
    // SAFETY: as above.
    unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_on_its_threads_and_returns_their_results() {
        let pool = SignPool::start(2);
        let caller = std::thread::current().id();
        let results =
            futures::future::join_all((0..8).map(|i| pool.run(move || (i * 2, std::thread::current().id())))).await;
        for (i, r) in results.into_iter().enumerate() {
            let (v, thread) = r.expect("job ran");
            assert_eq!(v, i * 2);
            assert_ne!(thread, caller);
        }
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn its_threads_run_at_a_lower_priority_than_the_caller() {
        let pool = SignPool::start(1);
        let here = current_nice();
        let there = pool.run(current_nice).await.expect("job ran");
        assert_eq!(there, (here + NICE).min(19));
    }
}
