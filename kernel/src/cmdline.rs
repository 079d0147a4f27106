//! The kernel command line: `log=LEVEL init=PATH ktest=NAME`, other words
//! ignored (as Linux passes unknown ones to init).

/// Options weft reads from the command line.
pub struct Args<'a> {
    pub log_level: log::LevelFilter,
    pub init: &'a str,
    /// For the test build: which boot scenario to run (`all` by default).
    pub ktest: &'a str,
}

pub fn parse(cmdline: &str) -> Args<'_> {
    let mut args = Args { log_level: log::LevelFilter::Info, init: "/init", ktest: "all" };
    for word in cmdline.split_ascii_whitespace() {
        if let Some(v) = word.strip_prefix("log=") {
            args.log_level = klog::parse_level(v).unwrap_or(args.log_level);
        } else if let Some(v) = word.strip_prefix("init=") {
            args.init = v;
        } else if let Some(v) = word.strip_prefix("ktest=") {
            args.ktest = v;
        }
    }
    args
}
