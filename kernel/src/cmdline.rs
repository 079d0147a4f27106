//! The kernel command line: `log=LEVEL init=PATH ktest=NAME
//! watchdog=on|off|panic [-- ARGS...]`;
//! other words are ignored, and words after `--` go to init (as on Linux).

/// Options weft reads from the command line.
pub struct Args<'a> {
    pub log_level: log::LevelFilter,
    pub init: &'a str,
    /// Words after `--`: passed to init as its arguments (as Linux does).
    /// Kept as text: the command line is parsed before the heap exists.
    pub init_args: &'a str,
    /// For the test build: which boot scenario to run (`all` by default).
    pub ktest: &'a str,
    /// What the lockup watchdog does with a stuck CPU (`watchdog.rs`).
    pub watchdog: crate::watchdog::Mode,
}

pub fn parse(cmdline: &str) -> Args<'_> {
    let (options, init_args) = match cmdline.split_once(" -- ") {
        Some((options, rest)) => (options, rest),
        None => (cmdline.strip_suffix(" --").unwrap_or(cmdline), ""),
    };
    let mut args =
        Args { log_level: log::LevelFilter::Info, init: "/init", init_args, ktest: "all", watchdog: crate::watchdog::Mode::Report };
    for word in options.split_ascii_whitespace() {
        if let Some(v) = word.strip_prefix("log=") {
            args.log_level = klog::parse_level(v).unwrap_or(args.log_level);
        } else if let Some(v) = word.strip_prefix("init=") {
            args.init = v;
        } else if let Some(v) = word.strip_prefix("ktest=") {
            args.ktest = v;
        } else if let Some(v) = word.strip_prefix("watchdog=") {
            use crate::watchdog::Mode;
            args.watchdog = match v {
                "off" | "0" => Mode::Off,
                "panic" => Mode::Panic,
                _ => Mode::Report,
            };
        }
    }
    args
}
