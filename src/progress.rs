//! Progress on stderr for the commands that read large files. The readers
//! only count: each block or buffer they read adds its bytes to one shared
//! counter (`advance`). A command that wants a bar starts a `Progress`,
//! whose thread waits about a second (a quick command never shows one),
//! then draws the counter against the files' total size until the command
//! ends. Only on a terminal: in a pipe, a file or cron there is no bar.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

/// Bytes read from data files by this process so far.
static READ: AtomicU64 = AtomicU64::new(0);

/// How long a command runs before its bar appears.
const DELAY: Duration = Duration::from_millis(1000);
/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// Counts `n` more bytes read (called by the readers, per block).
pub fn advance(n: usize) {
    READ.fetch_add(n as u64, Ordering::Relaxed);
}

/// The bytes counted so far.
pub fn read() -> u64 {
    READ.load(Ordering::Relaxed)
}

/// Whether a bar may be drawn: stderr is a terminal and the user did not
/// ask for quiet.
pub fn wanted(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A reader that counts what it reads.
pub struct Counted<R>(pub R);

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        advance(n);
        Ok(n)
    }
}

/// A bar drawn by its own thread while the command works; dropping it
/// stops the thread and clears the bar.
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// A bar that does nothing.
    pub fn none() -> Progress {
        Progress {
            stop: None,
            thread: None,
        }
    }

    /// Starts a bar labelled `message` over `total` bytes of files, if
    /// `enabled`; it appears only once the command has run for `DELAY`.
    pub fn start(message: String, total: u64, enabled: bool, color: bool) -> Progress {
        if !enabled || total == 0 {
            return Progress::none();
        }
        let (tx, rx) = mpsc::channel::<()>();
        let base = read();
        let thread = std::thread::spawn(move || {
            match rx.recv_timeout(DELAY) {
                Err(RecvTimeoutError::Timeout) => {}
                _ => return,
            }
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total),
                indicatif::ProgressDrawTarget::stderr(),
            );
            let template = if color {
                "{msg} {bar:30.cyan/blue} {percent:>3}% {binary_bytes}/{binary_total_bytes} {elapsed}"
            } else {
                "{msg} {bar:30} {percent:>3}% {binary_bytes}/{binary_total_bytes} {elapsed}"
            };
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
            }
            bar.set_message(message);
            loop {
                bar.set_position((read() - base).min(total));
                match rx.recv_timeout(TICK) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => break,
                }
            }
            bar.finish_and_clear();
        });
        Progress {
            stop: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The total size of the files at `paths` that exist.
pub fn size_of(paths: &[std::path::PathBuf]) -> u64 {
    paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn counted_reads_add_up() {
        let before = read();
        let mut r = Counted(&b"abcdefgh"[..]);
        let mut buf = [0u8; 3];
        while r.read(&mut buf).unwrap() > 0 {}
        // Other tests may read at the same time: at least ours counted.
        assert!(read() - before >= 8);
    }

    #[test]
    fn a_disabled_bar_starts_no_thread() {
        let p = Progress::start("x".into(), 100, false, false);
        assert!(p.thread.is_none());
        let p = Progress::start("x".into(), 0, true, false);
        assert!(p.thread.is_none());
    }
}
