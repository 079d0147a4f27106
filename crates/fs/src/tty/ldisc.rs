//! [`LineDiscipline`]: the N_TTY input and output processing of the console,
//! as plain state without locks or hardware (the [`super::Tty`] wraps it).
//!
//! # State machine
//! Input bytes pass, in order: `ISTRIP`; CR/NL mapping (`IGNCR`, `ICRNL`,
//! `INLCR`); a pending literal-next (`VLNEXT`) takes the byte as is; `ISIG`
//! characters (`VINTR`, `VQUIT`, `VSUSP`) flush the input unless `NOFLSH`,
//! echo as `^C`, and request a signal; then
//! - canonical mode (`ICANON`): the byte edits `line` — `VERASE` (and both
//!   `^?` and `^H`) deletes a character, `VKILL` the line, `VWERASE` a word,
//!   `VREPRINT` reprints it; `NL`, `VEOL`, `VEOL2` end the line (kept in it),
//!   `VEOF` ends it without being stored (at the start of a line it makes an
//!   empty line: a read returns 0). An ended line moves to `ready` and its
//!   length to `lines`; a read returns at most one line.
//! - non-canonical mode: the byte goes straight to `ready`. A read returns
//!   once `VMIN` bytes are there (`VMIN` = 0: at once). `VTIME` is
//!   approximated: with `VTIME` > 0 a read returns as soon as one byte is
//!   there (the inter-byte timer counts as expired) and with `VMIN` = 0 it
//!   waits for that byte with no timeout (fs has no timers).
//!
//! Echo (`ECHO`; `ECHOCTL` shows control characters as `^X`; `ECHOE` erases
//! with `"\b \b"`; `ECHOK`/`ECHOKE` for kill; `ECHONL`) and output (`OPOST`:
//! `ONLCR` maps NL to CR NL, `OCRNL` CR to NL) produce bytes for the host.
//! Erasing a tab moves back one column only (no column tracking).

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use abi::linux as l;

use super::termios::Termios;

/// Longest line kept in canonical mode (Linux `N_TTY_BUF_SIZE` - 1); more
/// bytes are dropped until the line ends.
pub const MAX_LINE: usize = 4095;

/// What processing some input asks the caller to do.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct Effects {
    /// Bytes to send to the terminal (echo), already output-processed.
    pub echo: Vec<u8>,
    /// Signals for the foreground process group, in order.
    pub signals: Vec<u32>,
    /// Whether readers may now make progress (wake them).
    pub wake_readers: bool,
}

/// The line discipline state.
#[derive(Default)]
pub struct LineDiscipline {
    termios: Termios,
    /// The line being edited (canonical mode).
    line: Vec<u8>,
    /// Bytes readers may take.
    ready: VecDeque<u8>,
    /// Canonical mode: lengths of the complete lines in `ready` (0: end of file).
    lines: VecDeque<usize>,
    /// The next byte is taken literally (after `VLNEXT`).
    literal_next: bool,
}

fn is_ctl(c: u8) -> bool {
    (c < 0x20 && c != b'\t' && c != b'\n') || c == 0x7f
}

impl LineDiscipline {
    /// The current settings.
    pub fn termios(&self) -> &Termios {
        &self.termios
    }

    /// Changes the settings. Leaving canonical mode makes the edited line
    /// readable; entering it turns already-received bytes into one line.
    pub fn set_termios(&mut self, t: Termios) {
        let was = self.termios.l(l::ICANON);
        self.termios = t;
        match (was, t.l(l::ICANON)) {
            (true, false) => {
                self.ready.extend(self.line.drain(..));
                self.lines.clear();
            }
            (false, true) if !self.ready.is_empty() => {
                self.lines.clear();
                self.lines.push_back(self.ready.len());
            }
            _ => {}
        }
    }

    /// Discards all pending input (`TCIFLUSH`, `TCSETSF`, signals).
    pub fn flush_input(&mut self) {
        self.line.clear();
        self.ready.clear();
        self.lines.clear();
        self.literal_next = false;
    }

    /// Bytes a read could take now (`FIONREAD`): complete lines in canonical mode.
    pub fn available(&self) -> usize {
        self.ready.len()
    }

    /// Whether a read would return now (`POLLIN`).
    pub fn readable(&self) -> bool {
        if self.termios.l(l::ICANON) {
            return !self.lines.is_empty();
        }
        let (vmin, vtime) = self.min_time();
        let need = if vtime == 0 && vmin > 0 { vmin } else { 1 };
        self.ready.len() >= need
    }

    fn min_time(&self) -> (usize, u8) {
        (
            self.termios.cc[l::VMIN as usize] as usize,
            self.termios.cc[l::VTIME as usize],
        )
    }

    /// Takes input for a read of `buf`; `None` means "wait".
    pub fn read(&mut self, buf: &mut [u8]) -> Option<usize> {
        if self.termios.l(l::ICANON) {
            let len = self.lines.front_mut()?;
            let n = (*len).min(buf.len());
            for (d, s) in buf.iter_mut().zip(self.ready.drain(..n)) {
                *d = s;
            }
            if n == *len {
                self.lines.pop_front();
            } else {
                *len -= n;
            }
            return Some(n);
        }
        let (vmin, vtime) = self.min_time();
        let need = match (vmin, vtime) {
            (0, 0) => 0,
            (_, t) if t > 0 => 1,
            (m, _) => m.min(buf.len()),
        };
        if self.ready.len() < need {
            return None;
        }
        let n = self.ready.len().min(buf.len());
        for (d, s) in buf.iter_mut().zip(self.ready.drain(..n)) {
            *d = s;
        }
        Some(n)
    }

    /// Output processing of `bytes` (`OPOST`), appended to `out`.
    pub fn process_output(&self, bytes: &[u8], out: &mut Vec<u8>) {
        let t = &self.termios;
        if !t.o(l::OPOST) {
            out.extend_from_slice(bytes);
            return;
        }
        for &c in bytes {
            match c {
                b'\n' if t.o(l::ONLCR) => out.extend_from_slice(b"\r\n"),
                b'\r' if t.o(l::OCRNL) => out.push(b'\n'),
                _ => out.push(c),
            }
        }
    }

    /// Processes received bytes.
    pub fn receive(&mut self, bytes: &[u8], fx: &mut Effects) {
        let mut raw_echo = Vec::new();
        for &c in bytes {
            self.receive_byte(c, fx, &mut raw_echo);
        }
        self.process_output(&raw_echo, &mut fx.echo);
    }

    fn echo_char(&self, c: u8, echo: &mut Vec<u8>) {
        if !self.termios.l(l::ECHO) {
            return;
        }
        if self.termios.l(l::ECHOCTL) && is_ctl(c) {
            echo.extend_from_slice(&[b'^', c ^ 0x40]);
        } else {
            echo.push(c);
        }
    }

    fn receive_byte(&mut self, mut c: u8, fx: &mut Effects, echo: &mut Vec<u8>) {
        let t = self.termios;
        if t.i(l::ISTRIP) {
            c &= 0x7f;
        }
        if self.literal_next {
            self.literal_next = false;
            if t.l(l::ECHO) && t.l(l::ECHOCTL) {
                echo.push(0x08); // back over the '^' shown for VLNEXT
            }
            return self.put(c, fx, echo);
        }
        if c == b'\r' {
            if t.i(l::IGNCR) {
                return;
            }
            if t.i(l::ICRNL) {
                c = b'\n';
            }
        } else if c == b'\n' && t.i(l::INLCR) {
            c = b'\r';
        }
        if t.l(l::ISIG) {
            let sig = [
                (l::VINTR, l::SIGINT),
                (l::VQUIT, l::SIGQUIT),
                (l::VSUSP, l::SIGTSTP),
            ]
            .into_iter()
            .find(|&(v, _)| t.is_cc(v, c));
            if let Some((_, sig)) = sig {
                if !t.l(l::NOFLSH) {
                    self.flush_input();
                }
                self.echo_char(c, echo);
                fx.signals.push(sig);
                return;
            }
        }
        if !t.l(l::ICANON) {
            return self.put(c, fx, echo);
        }
        let iexten = t.l(l::IEXTEN);
        if iexten && t.is_cc(l::VLNEXT, c) {
            self.literal_next = true;
            if t.l(l::ECHO) && t.l(l::ECHOCTL) {
                echo.push(b'^');
            }
        } else if t.is_cc(l::VERASE, c) || c == 0x7f || c == 0x08 {
            self.erase_chars(1, echo);
        } else if t.is_cc(l::VKILL, c) {
            self.kill_line(c, echo);
        } else if iexten && t.is_cc(l::VWERASE, c) {
            self.erase_word(echo);
        } else if iexten && t.is_cc(l::VREPRINT, c) {
            self.echo_char(c, echo);
            if t.l(l::ECHO) {
                echo.push(b'\n');
                echo.extend_from_slice(&self.line);
            }
        } else if t.is_cc(l::VEOF, c) {
            self.end_line(fx);
        } else if c == b'\n' || t.is_cc(l::VEOL, c) || (iexten && t.is_cc(l::VEOL2, c)) {
            self.line.push(c);
            if t.l(l::ECHO) || (c == b'\n' && t.l(l::ECHONL)) {
                echo.push(c);
            }
            self.end_line(fx);
        } else if self.line.len() < MAX_LINE {
            self.line.push(c);
            self.echo_char(c, echo);
        }
    }

    /// Non-canonical input (or a literal byte in canonical mode).
    fn put(&mut self, c: u8, fx: &mut Effects, echo: &mut Vec<u8>) {
        if self.termios.l(l::ICANON) {
            if self.line.len() < MAX_LINE {
                self.line.push(c);
            }
        } else {
            self.ready.push_back(c);
            fx.wake_readers = true;
        }
        self.echo_char(c, echo);
    }

    fn end_line(&mut self, fx: &mut Effects) {
        self.lines.push_back(self.line.len());
        self.ready.extend(self.line.drain(..));
        fx.wake_readers = true;
    }

    /// Removes the last character of the line (a whole UTF-8 sequence with
    /// `IUTF8`) and echoes its erasure; returns it.
    fn erase_one(&mut self, echo: &mut Vec<u8>) -> Option<u8> {
        let t = self.termios;
        let mut c = self.line.pop()?;
        if t.i(l::IUTF8) {
            while c & 0xc0 == 0x80 {
                match self.line.pop() {
                    Some(p) => c = p,
                    None => break,
                }
            }
        }
        if t.l(l::ECHO) {
            if t.l(l::ECHOE) {
                let width = if t.l(l::ECHOCTL) && is_ctl(c) { 2 } else { 1 };
                for _ in 0..width {
                    echo.extend_from_slice(b"\x08 \x08");
                }
            } else {
                echo.push(t.cc[l::VERASE as usize]);
            }
        }
        Some(c)
    }

    fn erase_chars(&mut self, n: usize, echo: &mut Vec<u8>) {
        for _ in 0..n {
            if self.erase_one(echo).is_none() {
                break;
            }
        }
    }

    /// `VKILL` (Linux `eraser`): erases visibly only with `ECHOE`, `ECHOK`
    /// and `ECHOKE`; otherwise echoes the kill character (and a newline with `ECHOK`).
    fn kill_line(&mut self, c: u8, echo: &mut Vec<u8>) {
        let t = self.termios;
        if t.l(l::ECHO) && t.l(l::ECHOE) && t.l(l::ECHOK) && t.l(l::ECHOKE) {
            self.erase_chars(self.line.len(), echo);
            return;
        }
        self.line.clear();
        self.echo_char(c, echo);
        if t.l(l::ECHO) && t.l(l::ECHOK) {
            echo.push(b'\n');
        }
    }

    /// `VWERASE`: erases non-word characters, then a run of word characters
    /// (alphanumerics and `_`), as Linux does.
    fn erase_word(&mut self, echo: &mut Vec<u8>) {
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        let mut seen_word = false;
        while let Some(&c) = self.line.last() {
            if word(c) {
                seen_word = true;
            } else if seen_word {
                break;
            }
            self.erase_one(echo);
        }
    }
}

#[cfg(test)]
#[path = "ldisc_test.rs"]
mod test;
