use alloc::vec;
use alloc::vec::Vec;

use super::*;

fn feed(ld: &mut LineDiscipline, bytes: &[u8]) -> Effects {
    let mut fx = Effects::default();
    ld.receive(bytes, &mut fx);
    fx
}

fn read(ld: &mut LineDiscipline) -> Option<Vec<u8>> {
    let mut buf = [0u8; 256];
    ld.read(&mut buf).map(|n| buf[..n].to_vec())
}

fn raw(ld: &mut LineDiscipline, vmin: u8, vtime: u8) {
    let mut t = *ld.termios();
    t.lflag &= !(l::ICANON | l::ECHO);
    t.cc[l::VMIN as usize] = vmin;
    t.cc[l::VTIME as usize] = vtime;
    ld.set_termios(t);
}

#[test]
fn canonical_line_with_echo_and_crlf() {
    let mut ld = LineDiscipline::default();
    let fx = feed(&mut ld, b"ls");
    assert_eq!(fx.echo, b"ls");
    assert!(!fx.wake_readers);
    assert_eq!(read(&mut ld), None, "no complete line yet");
    let fx = feed(&mut ld, b"\r");
    assert_eq!(fx.echo, b"\r\n", "ICRNL then ONLCR");
    assert!(fx.wake_readers);
    assert_eq!(read(&mut ld).unwrap(), b"ls\n");
}

#[test]
fn one_line_per_read_and_partial_reads() {
    let mut ld = LineDiscipline::default();
    feed(&mut ld, b"first\nsecond\n");
    let mut small = [0u8; 3];
    assert_eq!(ld.read(&mut small), Some(3));
    assert_eq!(&small, b"fir");
    assert_eq!(read(&mut ld).unwrap(), b"st\n");
    assert_eq!(read(&mut ld).unwrap(), b"second\n");
    assert_eq!(read(&mut ld), None);
}

#[test]
fn erase_with_del_and_backspace() {
    let mut ld = LineDiscipline::default();
    let fx = feed(&mut ld, b"abc\x7f\x08d\n");
    assert_eq!(fx.echo, b"abc\x08 \x08\x08 \x08d\r\n");
    assert_eq!(read(&mut ld).unwrap(), b"ad\n");
    let fx = feed(&mut ld, b"\x7f");
    assert_eq!(fx.echo, b"", "nothing to erase");
}

#[test]
fn erase_control_char_takes_two_columns() {
    let mut ld = LineDiscipline::default();
    let fx = feed(&mut ld, b"\x01\x7f");
    assert_eq!(fx.echo, b"^A\x08 \x08\x08 \x08");
}

#[test]
fn kill_erases_the_line() {
    let mut ld = LineDiscipline::default();
    let fx = feed(&mut ld, b"xy\x15z\n");
    assert_eq!(fx.echo, b"xy\x08 \x08\x08 \x08z\r\n");
    assert_eq!(read(&mut ld).unwrap(), b"z\n");
    // Without ECHOKE: echo ^U and a newline (ECHOK).
    let mut t = *ld.termios();
    t.lflag &= !l::ECHOKE;
    ld.set_termios(t);
    let fx = feed(&mut ld, b"ab\x15");
    assert_eq!(fx.echo, b"ab^U\r\n");
}

#[test]
fn word_erase() {
    let mut ld = LineDiscipline::default();
    feed(&mut ld, b"echo foo/bar  \x17\n");
    assert_eq!(read(&mut ld).unwrap(), b"echo foo/\n");
    feed(&mut ld, b"echo foo/bar\x17\x17\n");
    assert_eq!(read(&mut ld).unwrap(), b"echo \n");
    feed(&mut ld, b"one two\x17\n");
    assert_eq!(read(&mut ld).unwrap(), b"one \n");
}

#[test]
fn eof_returns_pending_input_or_zero() {
    let mut ld = LineDiscipline::default();
    let fx = feed(&mut ld, b"abc\x04");
    assert_eq!(fx.echo, b"abc", "EOF is not echoed");
    assert_eq!(read(&mut ld).unwrap(), b"abc");
    feed(&mut ld, b"\x04");
    assert_eq!(read(&mut ld).unwrap(), b"", "EOF at line start reads 0");
    assert_eq!(read(&mut ld), None);
}

#[test]
fn signals_flush_and_echo() {
    let mut ld = LineDiscipline::default();
    let fx = feed(&mut ld, b"partial\x03");
    assert_eq!(fx.signals, vec![l::SIGINT]);
    assert_eq!(fx.echo, b"partial^C");
    feed(&mut ld, b"\n");
    assert_eq!(read(&mut ld).unwrap(), b"\n", "line flushed");
    assert_eq!(feed(&mut ld, b"\x1c").signals, vec![l::SIGQUIT]);
    assert_eq!(feed(&mut ld, b"\x1a").signals, vec![l::SIGTSTP]);
    let mut t = *ld.termios();
    t.lflag |= l::NOFLSH;
    ld.set_termios(t);
    feed(&mut ld, b"keep\x03\n");
    assert_eq!(read(&mut ld).unwrap(), b"keep\n");
    t.lflag &= !l::ISIG;
    ld.set_termios(t);
    let fx = feed(&mut ld, b"\x03\n");
    assert!(fx.signals.is_empty());
    assert_eq!(read(&mut ld).unwrap(), b"\x03\n");
}

#[test]
fn echo_flags() {
    let mut ld = LineDiscipline::default();
    let mut t = *ld.termios();
    t.lflag &= !l::ECHO;
    t.lflag |= l::ECHONL;
    ld.set_termios(t);
    assert_eq!(
        feed(&mut ld, b"pw\n").echo,
        b"\r\n",
        "ECHONL echoes only newline"
    );
    t.lflag |= l::ECHO;
    t.lflag &= !l::ECHOCTL;
    ld.set_termios(t);
    assert_eq!(feed(&mut ld, b"\x01").echo, b"\x01");
    t.lflag &= !l::ECHOE;
    ld.set_termios(t);
    assert_eq!(
        feed(&mut ld, b"\x7f").echo,
        b"\x7f",
        "without ECHOE the erase char is echoed"
    );
    t.oflag &= !l::OPOST;
    ld.set_termios(t);
    assert_eq!(feed(&mut ld, b"\n").echo, b"\n");
}

#[test]
fn literal_next_and_reprint() {
    let mut ld = LineDiscipline::default();
    let fx = feed(&mut ld, b"a\x16\x03\n");
    assert!(fx.signals.is_empty());
    assert_eq!(read(&mut ld).unwrap(), b"a\x03\n");
    let fx = feed(&mut ld, b"xy\x12");
    assert_eq!(fx.echo, b"xy^R\r\nxy");
}

#[test]
fn noncanonical_vmin() {
    let mut ld = LineDiscipline::default();
    raw(&mut ld, 3, 0);
    let fx = feed(&mut ld, b"ab");
    assert!(fx.echo.is_empty());
    assert!(!ld.readable());
    assert_eq!(read(&mut ld), None, "fewer than VMIN");
    feed(&mut ld, b"cde");
    assert!(ld.readable());
    assert_eq!(read(&mut ld).unwrap(), b"abcde");
    // A buffer smaller than VMIN is satisfied by its own size.
    feed(&mut ld, b"xy");
    let mut one = [0u8; 1];
    assert_eq!(ld.read(&mut one), Some(1));
    raw(&mut ld, 0, 0);
    assert_eq!(read(&mut ld).unwrap(), b"y");
    assert_eq!(read(&mut ld).unwrap(), b"", "VMIN=0 VTIME=0 never waits");
    raw(&mut ld, 5, 1);
    feed(&mut ld, b"q");
    assert_eq!(read(&mut ld).unwrap(), b"q", "VTIME>0: one byte suffices");
}

#[test]
fn mode_switches_keep_input() {
    let mut ld = LineDiscipline::default();
    feed(&mut ld, b"half");
    raw(&mut ld, 1, 0);
    assert_eq!(read(&mut ld).unwrap(), b"half");
    feed(&mut ld, b"raw");
    let mut t = *ld.termios();
    t.lflag |= l::ICANON;
    ld.set_termios(t);
    assert_eq!(read(&mut ld).unwrap(), b"raw");
    ld.flush_input();
    assert_eq!(ld.available(), 0);
}

#[test]
fn input_mapping_flags() {
    let mut ld = LineDiscipline::default();
    let mut t = *ld.termios();
    t.iflag = l::IGNCR;
    ld.set_termios(t);
    feed(&mut ld, b"a\rb\n");
    assert_eq!(read(&mut ld).unwrap(), b"ab\n");
    t.iflag = l::ISTRIP;
    ld.set_termios(t);
    feed(&mut ld, &[b'a' | 0x80, b'\n']);
    assert_eq!(read(&mut ld).unwrap(), b"a\n");
}

#[test]
fn utf8_erase() {
    let mut ld = LineDiscipline::default();
    let mut t = *ld.termios();
    t.iflag |= l::IUTF8;
    ld.set_termios(t);
    feed(&mut ld, "aé\x7f\n".as_bytes());
    assert_eq!(read(&mut ld).unwrap(), b"a\n");
}

#[test]
fn line_length_is_bounded() {
    let mut ld = LineDiscipline::default();
    feed(&mut ld, &vec![b'x'; MAX_LINE + 10]);
    feed(&mut ld, b"\n");
    let mut buf = vec![0u8; MAX_LINE + 10];
    assert_eq!(ld.read(&mut buf), Some(MAX_LINE + 1));
}
