//! Terminal ioctls of the console (Linux `tty_ioctl`, `n_tty_ioctl`).

use abi::ioctl as io;
use abi::linux as l;
use abi::{Errno, KResult};

use super::Tty;
use super::termios::{TERMIOS_SIZE, TERMIOS2_SIZE, WINSIZE_SIZE, Winsize};
use crate::user::UserMemory;

impl Tty {
    pub(super) fn do_ioctl(&self, cmd: u32, arg: usize, user: &dyn UserMemory) -> KResult<usize> {
        match cmd {
            io::TCGETS => user.write(arg, &self.termios().encode())?,
            io::TCGETS2 => user.write(arg, &self.termios().encode2())?,
            io::TCSETS | io::TCSETSW | io::TCSETSF => {
                let mut b = [0u8; TERMIOS_SIZE];
                user.read(arg, &mut b)?;
                // Output is written synchronously: nothing to drain for TCSETSW.
                self.set_termios(self.termios().decode(&b), cmd == io::TCSETSF);
            }
            io::TCSETS2 | io::TCSETSW2 | io::TCSETSF2 => {
                let mut b = [0u8; TERMIOS2_SIZE];
                user.read(arg, &mut b)?;
                self.set_termios(self.termios().decode(&b), cmd == io::TCSETSF2);
            }
            io::TIOCGWINSZ => user.write(arg, &self.state.lock().winsize.encode())?,
            io::TIOCSWINSZ => {
                let mut b = [0u8; WINSIZE_SIZE];
                user.read(arg, &mut b)?;
                let ws = Winsize::decode(&b);
                let (changed, fg) = {
                    let mut st = self.state.lock();
                    let changed = st.winsize != ws;
                    st.winsize = ws;
                    (changed, st.foreground)
                };
                if changed && fg > 0 {
                    self.host.signal_foreground(fg, l::SIGWINCH);
                }
            }
            io::TIOCGPGRP => user.write_i32(arg, self.foreground())?,
            io::TIOCSPGRP => {
                let pgrp = user.read_i32(arg)?;
                if pgrp < 0 {
                    return Err(Errno::EINVAL);
                }
                self.set_foreground(pgrp);
            }
            io::TIOCGSID => {
                let sid = self.session();
                if sid == 0 {
                    return Err(Errno::ENOTTY);
                }
                user.write_i32(arg, sid)?;
            }
            io::TIOCSCTTY => {
                // Minimal: the caller's session takes the tty, its group
                // becomes the foreground (no stealing rules).
                if let Some((sid, pgrp)) = self.host.caller_session() {
                    let mut st = self.state.lock();
                    st.session = sid;
                    st.foreground = pgrp;
                }
            }
            // Minimal: the task layer forgets the controlling tty; the tty
            // keeps its state.
            io::TIOCNOTTY => {}
            io::FIONREAD => {
                let n = self.state.lock().ldisc.available();
                user.write_i32(arg, n as i32)?;
            }
            io::TCFLSH => match arg as u32 {
                l::TCIFLUSH | l::TCIOFLUSH => self.state.lock().ldisc.flush_input(),
                l::TCOFLUSH => {}
                _ => return Err(Errno::EINVAL),
            },
            io::TIOCOUTQ => user.write_i32(arg, 0)?,
            // Break, flow control: the serial line has no use for them.
            io::TCSBRK | io::TCSBRKP | io::TCXONC => {}
            _ => return Err(Errno::ENOTTY),
        }
        Ok(0)
    }
}
