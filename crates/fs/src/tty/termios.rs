//! [`Termios`] and [`Winsize`]: terminal settings in Linux x86_64 layouts.
//!
//! `TCGETS`/`TCSETS*` move the kernel's `struct termios` (36 bytes: four
//! flag words, `c_line`, `c_cc[19]`); `TCGETS2`/`TCSETS2*` move `struct
//! termios2` (44 bytes: the same plus input and output speeds). The speed
//! of the old layout lives in `c_cflag & CBAUD`.

use core::mem::{offset_of, size_of};

use abi::linux as l;

/// Number of control characters.
pub const NCCS: usize = 19;
/// Size of `struct termios` as TCGETS moves it.
pub const TERMIOS_SIZE: usize = size_of::<l::termios>();
/// Size of `struct termios2`.
pub const TERMIOS2_SIZE: usize = size_of::<l::termios2>();
/// Size of `struct winsize`.
pub const WINSIZE_SIZE: usize = size_of::<l::winsize>();

/// Terminal settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Termios {
    /// Input modes (`ICRNL`, `IXON`, ...).
    pub iflag: u32,
    /// Output modes (`OPOST`, `ONLCR`, ...).
    pub oflag: u32,
    /// Control modes (`CS8`, `CREAD`, baud in `CBAUD`).
    pub cflag: u32,
    /// Local modes (`ICANON`, `ECHO`, `ISIG`, ...).
    pub lflag: u32,
    /// Line discipline number (0: N_TTY).
    pub line: u8,
    /// Control characters, indexed by `VINTR`, `VERASE`, ... (0 disables one).
    pub cc: [u8; NCCS],
    /// Input speed (termios2 only; otherwise from `cflag`).
    pub ispeed: u32,
    /// Output speed.
    pub ospeed: u32,
}

impl Default for Termios {
    /// Linux's `tty_std_termios`: cooked mode with echo and signals.
    fn default() -> Self {
        let mut cc = [0u8; NCCS];
        // INIT_C_CC: ^C ^\ ^? ^U ^D, TIME 0, MIN 1, ^Q ^S ^Z, EOL 0, ^R ^O ^W ^V.
        for (i, v) in [
            (l::VINTR, 0x03),
            (l::VQUIT, 0x1c),
            (l::VERASE, 0x7f),
            (l::VKILL, 0x15),
            (l::VEOF, 0x04),
            (l::VTIME, 0),
            (l::VMIN, 1),
            (l::VSTART, 0x11),
            (l::VSTOP, 0x13),
            (l::VSUSP, 0x1a),
            (l::VREPRINT, 0x12),
            (l::VDISCARD, 0x0f),
            (l::VWERASE, 0x17),
            (l::VLNEXT, 0x16),
        ] {
            cc[i as usize] = v;
        }
        Termios {
            iflag: l::ICRNL | l::IXON,
            oflag: l::OPOST | l::ONLCR,
            cflag: l::B38400 | l::CS8 | l::CREAD | l::HUPCL,
            lflag: l::ISIG
                | l::ICANON
                | l::ECHO
                | l::ECHOE
                | l::ECHOK
                | l::ECHOCTL
                | l::ECHOKE
                | l::IEXTEN,
            line: 0,
            cc,
            ispeed: 38400,
            ospeed: 38400,
        }
    }
}

fn word(b: &[u8], off: usize) -> u32 {
    u32::from_ne_bytes(b[off..off + 4].try_into().expect("4 bytes"))
}

impl Termios {
    /// Whether a local flag (`ICANON`, `ECHO`, ...) is set.
    pub fn l(&self, flag: u32) -> bool {
        self.lflag & flag != 0
    }
    /// Whether an input flag is set.
    pub fn i(&self, flag: u32) -> bool {
        self.iflag & flag != 0
    }
    /// Whether an output flag is set.
    pub fn o(&self, flag: u32) -> bool {
        self.oflag & flag != 0
    }
    /// Whether `c` is the enabled control character at index `v` (`VINTR`...).
    pub fn is_cc(&self, v: u32, c: u8) -> bool {
        let cc = self.cc[v as usize];
        cc != 0 && cc == c
    }

    /// The 36-byte `struct termios` (TCGETS).
    pub fn encode(&self) -> [u8; TERMIOS_SIZE] {
        let mut b = [0u8; TERMIOS_SIZE];
        self.encode_common(&mut b);
        b
    }

    /// The 44-byte `struct termios2` (TCGETS2).
    pub fn encode2(&self) -> [u8; TERMIOS2_SIZE] {
        let mut b = [0u8; TERMIOS2_SIZE];
        self.encode_common(&mut b);
        b[offset_of!(l::termios2, c_ispeed)..][..4].copy_from_slice(&self.ispeed.to_ne_bytes());
        b[offset_of!(l::termios2, c_ospeed)..][..4].copy_from_slice(&self.ospeed.to_ne_bytes());
        b
    }

    fn encode_common(&self, b: &mut [u8]) {
        for (off, v) in [
            (offset_of!(l::termios, c_iflag), self.iflag),
            (offset_of!(l::termios, c_oflag), self.oflag),
            (offset_of!(l::termios, c_cflag), self.cflag),
            (offset_of!(l::termios, c_lflag), self.lflag),
        ] {
            b[off..off + 4].copy_from_slice(&v.to_ne_bytes());
        }
        b[offset_of!(l::termios, c_line)] = self.line;
        b[offset_of!(l::termios, c_cc)..][..NCCS].copy_from_slice(&self.cc);
    }

    /// Parses a `struct termios` (36 bytes) or `struct termios2` (44 bytes);
    /// the speeds of the short form stay as they were in `self`.
    pub fn decode(&self, b: &[u8]) -> Termios {
        let mut t = *self;
        t.iflag = word(b, offset_of!(l::termios, c_iflag));
        t.oflag = word(b, offset_of!(l::termios, c_oflag));
        t.cflag = word(b, offset_of!(l::termios, c_cflag));
        t.lflag = word(b, offset_of!(l::termios, c_lflag));
        t.line = b[offset_of!(l::termios, c_line)];
        t.cc.copy_from_slice(&b[offset_of!(l::termios, c_cc)..][..NCCS]);
        if b.len() >= TERMIOS2_SIZE {
            t.ispeed = word(b, offset_of!(l::termios2, c_ispeed));
            t.ospeed = word(b, offset_of!(l::termios2, c_ospeed));
        }
        t
    }
}

/// Window size (`TIOCGWINSZ`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Winsize {
    /// Rows.
    pub rows: u16,
    /// Columns.
    pub cols: u16,
    /// Width in pixels (unused).
    pub xpixel: u16,
    /// Height in pixels (unused).
    pub ypixel: u16,
}

impl Default for Winsize {
    /// 80 columns by 24 rows.
    fn default() -> Self {
        Winsize {
            rows: 24,
            cols: 80,
            xpixel: 0,
            ypixel: 0,
        }
    }
}

impl Winsize {
    /// The 8-byte `struct winsize`.
    pub fn encode(&self) -> [u8; WINSIZE_SIZE] {
        let mut b = [0u8; WINSIZE_SIZE];
        for (i, v) in [self.rows, self.cols, self.xpixel, self.ypixel]
            .into_iter()
            .enumerate()
        {
            b[i * 2..i * 2 + 2].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }

    /// Parses a `struct winsize`.
    pub fn decode(b: &[u8; WINSIZE_SIZE]) -> Winsize {
        let f = |i: usize| u16::from_ne_bytes([b[i * 2], b[i * 2 + 1]]);
        Winsize {
            rows: f(0),
            cols: f(1),
            xpixel: f(2),
            ypixel: f(3),
        }
    }
}
