//! Standard input read on a thread of its own, so that whoever waits for it can tell that
//! the writer went quiet. A multi-line entry ends when the next entry's first line comes;
//! the last one of a burst (`kubectl logs -f` printing a stack trace, then nothing for a
//! minute) would otherwise wait in the joiner until the writer wrote again.

use std::io::{ErrorKind, Read};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError};
use std::time::Duration;

/// How many reads may wait for the reader: a little slack, little memory.
const READS_WAITING: usize = 4;
const READ_BYTES: usize = 64 * 1024;

/// Reads as the pipe would, except that a read waiting longer than `quiet` for the writer
/// fails with `ErrorKind::TimedOut` (nothing is lost: the next read goes on waiting).
pub struct QuietPipe {
    reads: Receiver<std::io::Result<Vec<u8>>>,
    quiet: Duration,
    /// The read being handed out, and how much of it has been.
    current: Vec<u8>,
    taken: usize,
}

impl QuietPipe {
    pub fn stdin(quiet: Duration) -> std::io::Result<QuietPipe> {
        QuietPipe::of(std::io::stdin(), quiet)
    }

    pub fn of(
        mut input: impl Read + Send + 'static,
        quiet: Duration,
    ) -> std::io::Result<QuietPipe> {
        let (send, reads) = sync_channel(READS_WAITING);
        std::thread::Builder::new()
            .name("stdin".into())
            .spawn(move || loop {
                let mut buffer = vec![0; READ_BYTES];
                let read = match input.read(&mut buffer) {
                    Ok(0) => return,
                    Ok(n) => {
                        buffer.truncate(n);
                        Ok(buffer)
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let failed = read.is_err();
                // A reader gone (the pipeline stopped) or a failed read ends the thread.
                if send.send(read).is_err() || failed {
                    return;
                }
            })?;
        Ok(QuietPipe {
            reads,
            quiet,
            current: Vec::new(),
            taken: 0,
        })
    }
}

impl Read for QuietPipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.taken == self.current.len() {
            match self.reads.recv_timeout(self.quiet) {
                Ok(read) => {
                    self.current = read?;
                    self.taken = 0;
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(std::io::Error::new(
                        ErrorKind::TimedOut,
                        "the writer of standard input is quiet",
                    ))
                }
                // The writer closed the pipe: its end.
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.taken);
        buf[..n].copy_from_slice(&self.current[self.taken..self.taken + n]);
        self.taken += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_quiet_writer_times_a_read_out_and_nothing_is_lost() {
        let (reader, mut writer) = std::io::pipe().unwrap();
        let mut pipe = QuietPipe::of(reader, Duration::from_millis(100)).unwrap();
        writer.write_all(b"first\n").unwrap();
        let mut buf = [0u8; 64];
        let n = pipe.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"first\n");
        assert_eq!(pipe.read(&mut buf).unwrap_err().kind(), ErrorKind::TimedOut);
        writer.write_all(b"second\n").unwrap();
        drop(writer);
        let mut rest = Vec::new();
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => rest.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::TimedOut => continue,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(rest, b"second\n");
    }

    #[test]
    fn reads_smaller_than_what_came_take_it_in_turns() {
        let mut pipe = QuietPipe::of(&b"abcdefgh"[..], Duration::from_secs(5)).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 3];
        loop {
            match pipe.read(&mut buf).unwrap() {
                0 => break,
                n => got.extend_from_slice(&buf[..n]),
            }
        }
        assert_eq!(got, b"abcdefgh");
    }
}
