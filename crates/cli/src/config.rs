//! The effective configuration: defaults, then a TOML file, then
//! environment variables, then command-line flags, each overriding the one
//! before, with where every value came from (`chiso config` prints it,
//! secrets masked).
//!
//! The file is `--config FILE`, else `$CHISO_CONFIG`, else `chiso.toml` in
//! the working directory when there is one. Its keys: `db`, `addr`, `log`,
//! `log_format`, `allow_unauthenticated_sync`, `write_wait`; an unknown key
//! is an error, not silently ignored. The variables: `CHISO_DB`,
//! `CHISO_ADDR`, `CHISO_LOG` (else `RUST_LOG`), `CHISO_LOG_FORMAT`,
//! `CHISO_ALLOW_UNAUTHENTICATED_SYNC`, `CHISO_WRITE_WAIT`; an empty variable
//! counts as unset.
//!
//! Alerts: `alerts_rules` (`CHISO_ALERTS_RULES`), the office's rules file
//! (`chiso_core::alerts`), and a `[smtp]` table (`host`, `port`, `from`,
//! `user`, `password`, `starttls`; `CHISO_SMTP_HOST`, `CHISO_SMTP_PORT`,
//! `CHISO_SMTP_FROM`, `CHISO_SMTP_USER`, `CHISO_SMTP_PASSWORD`,
//! `CHISO_SMTP_STARTTLS`), the mail server digests are sent through; no
//! `host`, no e-mail. STARTTLS is on unless turned off, and a password is
//! refused without it except to a server on this machine.
//! A relative `db` is relative to the working directory, wherever it is
//! written.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The file read when neither `--config` nor `CHISO_CONFIG` names one.
pub const DEFAULT_FILE: &str = "chiso.toml";
/// The database when nothing names one (the README's commands use it).
pub const DEFAULT_DB: &str = "chiso.db";
/// The log filter when nothing names one: request lines of the server,
/// nothing from the other commands (their events are at debug level).
pub const DEFAULT_LOG: &str = "info";

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(&'static str),
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => write!(f, "mặc định"),
            Source::File(path) => write!(f, "tệp {}", path.display()),
            Source::Env(name) => write!(f, "biến môi trường {name}"),
            Source::Flag(flag) => write!(f, "tùy chọn {flag}"),
        }
    }
}

/// One value and its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// How log lines are written (to standard error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    // One line of text per event, for people and journald. (Plain comments:
    // doc comments would become English help text of the values.)
    Text,
    // One JSON object per event, for log collectors.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("'{s}' không dùng được: dùng text hoặc json")),
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        })
    }
}

/// What the command line said (flags not given are `None` or `false`).
#[derive(Clone, Debug, Default)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub db: Option<String>,
    pub addr: Option<String>,
    pub log: Option<String>,
    pub log_format: Option<LogFormat>,
    pub allow_unauthenticated_sync: bool,
}

/// The keys a configuration file may hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileValues {
    db: Option<String>,
    addr: Option<String>,
    log: Option<String>,
    log_format: Option<String>,
    allow_unauthenticated_sync: Option<bool>,
    write_wait: Option<u64>,
    alerts_rules: Option<PathBuf>,
    smtp: Option<SmtpValues>,
}

/// The keys of the `[smtp]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtpValues {
    host: Option<String>,
    port: Option<u16>,
    from: Option<String>,
    user: Option<String>,
    password: Option<String>,
    starttls: Option<bool>,
}

/// The mail server the alerts' digests go through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    /// 587 with STARTTLS, else 25, unless given.
    pub port: u16,
    /// The sender's address (`chiso <canhbao@tinh.gov.vn>`).
    pub from: String,
    pub user: Option<String>,
    pub password: Option<String>,
    /// Upgrade the connection with STARTTLS before anything is sent.
    pub starttls: bool,
    /// Where the host came from.
    pub source: Source,
}

/// The effective configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file read, if any, and what named it.
    pub file: Option<(PathBuf, Source)>,
    /// A SQLite file, or (later) a `postgres://` URL.
    pub db: Setting<String>,
    /// Where `chiso serve` listens.
    pub addr: Setting<String>,
    /// The log filter: a level (`info`) or per-module levels
    /// (`warn,chiso_web=debug`).
    pub log: Setting<String>,
    pub log_format: Setting<LogFormat>,
    pub allow_unauthenticated_sync: Setting<bool>,
    /// Seconds a command that writes a SQLite file waits for another
    /// writer (an import in another process) before it gives up with exit
    /// status 5.
    pub write_wait: Setting<u64>,
    /// The office's alert rules (`None`: the shipped rules).
    pub alerts_rules: Option<Setting<PathBuf>>,
    /// The mail server, when one is configured.
    pub smtp: Option<Smtp>,
}

/// The first of `candidates` that has a value.
fn first<T>(candidates: impl IntoIterator<Item = Option<Setting<T>>>, default: T) -> Setting<T> {
    candidates.into_iter().flatten().next().unwrap_or(Setting {
        value: default,
        source: Source::Default,
    })
}

fn setting<T>(value: Option<T>, source: Source) -> Option<Setting<T>> {
    value.map(|value| Setting { value, source })
}

/// A boolean written in a variable: 1/0, true/false, yes/no, on/off.
fn parse_bool(name: &str, text: &str) -> Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => bail!("biến môi trường {name}='{text}' không dùng được: dùng true hoặc false"),
    }
}

/// Checks a log filter: the syntax of `RUST_LOG` without spans or fields.
pub fn log_filter(text: &str) -> Result<tracing_subscriber::filter::Targets, String> {
    text.parse().map_err(|_| {
        format!(
            "bộ lọc nhật ký '{text}' không dùng được: dùng error, warn, info, debug, trace \
             hoặc theo mô-đun, ví dụ 'warn,chiso_web=debug'"
        )
    })
}

impl Config {
    /// Resolves the configuration from `flags`, the variables `env` gives
    /// (`std::env::var` in the binary) and the file they name.
    pub fn resolve(flags: &Flags, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let file = match (&flags.config, env("CHISO_CONFIG")) {
            (Some(path), _) => Some((path.clone(), Source::Flag("--config"))),
            (None, Some(path)) => Some((PathBuf::from(path), Source::Env("CHISO_CONFIG"))),
            (None, None) => Some(PathBuf::from(DEFAULT_FILE))
                .filter(|p| p.is_file())
                .map(|p| (p, Source::Default)),
        };
        let values = match &file {
            Some((path, _)) => read_file(path)?,
            None => FileValues::default(),
        };
        let from_file = || Source::File(file.as_ref().map(|(p, _)| p.clone()).unwrap_or_default());

        let db = first(
            [
                setting(flags.db.clone(), Source::Flag("--db")),
                setting(env("CHISO_DB"), Source::Env("CHISO_DB")),
                setting(values.db, from_file()),
            ],
            DEFAULT_DB.to_string(),
        );
        let addr = first(
            [
                setting(flags.addr.clone(), Source::Flag("--addr")),
                setting(env("CHISO_ADDR"), Source::Env("CHISO_ADDR")),
                setting(values.addr, from_file()),
            ],
            chiso_web::DEFAULT_ADDR.to_string(),
        );
        let log = first(
            [
                setting(flags.log.clone(), Source::Flag("--log")),
                setting(env("CHISO_LOG"), Source::Env("CHISO_LOG")),
                setting(env("RUST_LOG"), Source::Env("RUST_LOG")),
                setting(values.log, from_file()),
            ],
            DEFAULT_LOG.to_string(),
        );
        if let Err(e) = log_filter(&log.value) {
            bail!("{e} ({})", log.source);
        }
        let env_format = env("CHISO_LOG_FORMAT")
            .map(|t| {
                t.parse::<LogFormat>()
                    .map_err(|e| anyhow::anyhow!("biến môi trường CHISO_LOG_FORMAT: {e}"))
            })
            .transpose()?;
        let file_format = values
            .log_format
            .map(|t| {
                t.parse::<LogFormat>()
                    .map_err(|e| anyhow::anyhow!("{}, khóa log_format: {e}", from_file()))
            })
            .transpose()?;
        let log_format = first(
            [
                setting(flags.log_format, Source::Flag("--log-format")),
                setting(env_format, Source::Env("CHISO_LOG_FORMAT")),
                setting(file_format, from_file()),
            ],
            LogFormat::Text,
        );
        let env_sync = env("CHISO_ALLOW_UNAUTHENTICATED_SYNC")
            .map(|t| parse_bool("CHISO_ALLOW_UNAUTHENTICATED_SYNC", &t))
            .transpose()?;
        let allow_unauthenticated_sync = first(
            [
                setting(
                    Some(true).filter(|_| flags.allow_unauthenticated_sync),
                    Source::Flag("--allow-unauthenticated-sync"),
                ),
                setting(env_sync, Source::Env("CHISO_ALLOW_UNAUTHENTICATED_SYNC")),
                setting(values.allow_unauthenticated_sync, from_file()),
            ],
            false,
        );
        let env_wait = env("CHISO_WRITE_WAIT")
            .map(|t| {
                t.trim().parse::<u64>().map_err(|_| {
                    anyhow::anyhow!(
                        "biến môi trường CHISO_WRITE_WAIT='{t}' không dùng được: ghi số giây, ví dụ 60"
                    )
                })
            })
            .transpose()?;
        let write_wait = first(
            [
                setting(env_wait, Source::Env("CHISO_WRITE_WAIT")),
                setting(values.write_wait, from_file()),
            ],
            chiso_store::WRITE_WAIT.as_secs(),
        );
        let alerts_rules = [
            setting(
                env("CHISO_ALERTS_RULES").map(PathBuf::from),
                Source::Env("CHISO_ALERTS_RULES"),
            ),
            setting(values.alerts_rules, from_file()),
        ]
        .into_iter()
        .flatten()
        .next();
        let smtp = smtp(values.smtp.unwrap_or_default(), &env, from_file())?;
        Ok(Config {
            file,
            db,
            addr,
            log,
            log_format,
            allow_unauthenticated_sync,
            write_wait,
            alerts_rules,
            smtp,
        })
    }

    /// The database as a SQLite file (the only backend of this version).
    /// The PostgreSQL address when `db` is one (`postgres://…`).
    pub fn postgres_url(&self) -> Option<&str> {
        is_postgres(&self.db.value).then_some(self.db.value.as_str())
    }

    pub fn sqlite_path(&self) -> Result<PathBuf> {
        if is_postgres(&self.db.value) {
            bail!(
                "cơ sở dữ liệu {} ({}) là PostgreSQL; lệnh này mới dùng được với SQLite \
                 (trên PostgreSQL: import, score, rank, rebuild, status, migrate): chọn một tệp SQLite bằng --db TỆP",
                mask_secrets(&self.db.value),
                self.db.source
            );
        }
        Ok(PathBuf::from(&self.db.value))
    }

    /// The configuration as TOML (a valid configuration file), each value
    /// followed by its source; secrets masked.
    pub fn render(&self) -> String {
        let quoted = |s: &str| toml::Value::String(mask_secrets(s)).to_string();
        let lines = [
            ("db", quoted(&self.db.value), &self.db.source),
            ("addr", quoted(&self.addr.value), &self.addr.source),
            ("log", quoted(&self.log.value), &self.log.source),
            (
                "log_format",
                quoted(&self.log_format.value.to_string()),
                &self.log_format.source,
            ),
            (
                "allow_unauthenticated_sync",
                self.allow_unauthenticated_sync.value.to_string(),
                &self.allow_unauthenticated_sync.source,
            ),
            (
                "write_wait",
                self.write_wait.value.to_string(),
                &self.write_wait.source,
            ),
        ];
        let mut out = String::from("# Cấu hình chiso đang dùng (mỗi giá trị kèm nguồn của nó)\n");
        match &self.file {
            Some((path, source)) => {
                out.push_str(&format!("# tệp cấu hình: {} ({source})\n", path.display()));
            }
            None => out.push_str(&format!(
                "# tệp cấu hình: không có (không có --config, CHISO_CONFIG hay {DEFAULT_FILE})\n"
            )),
        }
        let width = lines
            .iter()
            .map(|(k, v, _)| k.chars().count() + v.chars().count() + 3)
            .max()
            .unwrap_or(0);
        for (key, value, source) in lines {
            let assignment = format!("{key} = {value}");
            let pad = width - assignment.chars().count();
            out.push_str(&format!("{assignment}{}  # {source}\n", " ".repeat(pad)));
        }
        if let Some(r) = &self.alerts_rules {
            out.push_str(&format!(
                "alerts_rules = {}  # {}\n",
                quoted(&r.value.display().to_string()),
                r.source
            ));
        }
        if let Some(m) = &self.smtp {
            out.push_str(&format!("\n[smtp]  # {}\n", m.source));
            out.push_str(&format!(
                "host = {}\nport = {}\nfrom = {}\n",
                quoted(&m.host),
                m.port,
                quoted(&m.from)
            ));
            if let Some(u) = &m.user {
                out.push_str(&format!("user = {}\n", quoted(u)));
            }
            if m.password.is_some() {
                out.push_str("password = \"***\"\n");
            }
            out.push_str(&format!("starttls = {}\n", m.starttls));
        }
        out
    }
}

/// The mail server from the variables, else the file's `[smtp]` table.
fn smtp(
    file: SmtpValues,
    env: &impl Fn(&str) -> Option<String>,
    from_file: Source,
) -> Result<Option<Smtp>> {
    let (host, source) = match (env("CHISO_SMTP_HOST"), file.host) {
        (Some(h), _) => (h, Source::Env("CHISO_SMTP_HOST")),
        (None, Some(h)) if !h.trim().is_empty() => (h, from_file),
        _ => return Ok(None),
    };
    let port = match env("CHISO_SMTP_PORT") {
        Some(t) => Some(t.trim().parse::<u16>().map_err(|_| {
            anyhow::anyhow!(
                "biến môi trường CHISO_SMTP_PORT='{t}' không dùng được: ghi số cổng, ví dụ 587"
            )
        })?),
        None => file.port,
    };
    let starttls = match env("CHISO_SMTP_STARTTLS") {
        Some(t) => parse_bool("CHISO_SMTP_STARTTLS", &t)?,
        None => file.starttls.unwrap_or(true),
    };
    let Some(from) = env("CHISO_SMTP_FROM").or(file.from) else {
        bail!("máy chủ thư {host} ({source}) cần địa chỉ người gửi: khóa from trong [smtp] hoặc CHISO_SMTP_FROM");
    };
    let user = env("CHISO_SMTP_USER").or(file.user);
    let password = env("CHISO_SMTP_PASSWORD").or(file.password);
    if user.is_some() != password.is_some() {
        bail!("máy chủ thư {host}: user và password phải có cả hai (đăng nhập SMTP) hoặc không có cả hai");
    }
    let local = matches!(host.trim(), "127.0.0.1" | "::1" | "localhost");
    if password.is_some() && !starttls && !local {
        bail!(
            "máy chủ thư {host}: không gửi mật khẩu qua kết nối không mã hóa; bật starttls \
             (starttls = true trong [smtp] hoặc CHISO_SMTP_STARTTLS=1)"
        );
    }
    Ok(Some(Smtp {
        port: port.unwrap_or(if starttls { 587 } else { 25 }),
        host: host.trim().to_string(),
        from,
        user,
        password,
        starttls,
        source,
    }))
}

fn read_file(path: &Path) -> Result<FileValues> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("không đọc được tệp cấu hình {}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!(", dòng {line}")
            })
            .unwrap_or_default();
        anyhow::anyhow!(
            "tệp cấu hình {}{at}: {} (các khóa dùng được: db, addr, log, log_format, \
             allow_unauthenticated_sync, write_wait, alerts_rules, [smtp] host, port, from, \
             user, password, starttls)",
            path.display(),
            e.message()
        )
    })
}

/// A `postgres://` or `postgresql://` URL.
pub fn is_postgres(db: &str) -> bool {
    let lower = db.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The text with passwords replaced by `***`: the password of a URL's user
/// (`postgres://user:secret@host/db`) and any `password=` value (a URL's
/// query or a `key=value` connection string).
pub fn mask_secrets(text: &str) -> String {
    let mut out = text.to_string();
    if let Some(scheme_end) = out.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = out[authority_start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| authority_start + i);
        if let Some(at) = out[authority_start..authority_end].rfind('@') {
            let userinfo = authority_start..authority_start + at;
            if let Some(colon) = out[userinfo.clone()].find(':') {
                out.replace_range(userinfo.start + colon + 1..userinfo.end, "***");
            }
        }
    }
    let mut masked = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.to_ascii_lowercase().find("password=") {
        let value_start = i + "password=".len();
        masked.push_str(&rest[..value_start]);
        let value_end = rest[value_start..]
            .find(['&', ' ', '\t', ';'])
            .map_or(rest.len(), |j| value_start + j);
        if value_end > value_start {
            masked.push_str("***");
        }
        rest = &rest[value_end..];
    }
    masked.push_str(rest);
    masked
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("chiso.toml");
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    #[test]
    fn a_flag_beats_a_variable_which_beats_the_file_which_beats_the_default() {
        let (_dir, path) = file("db = \"file.db\"\naddr = \"0.0.0.0:9000\"\nlog = \"debug\"\n");
        let flags = Flags {
            config: Some(path.clone()),
            ..Flags::default()
        };
        let c = Config::resolve(&flags, env(&[])).expect("config");
        assert_eq!(c.db.value, "file.db");
        assert_eq!(c.db.source, Source::File(path.clone()));
        assert_eq!(c.log_format.source, Source::Default);

        let vars = env(&[("CHISO_DB", "env.db"), ("CHISO_LOG", "warn")]);
        let c = Config::resolve(&flags, &vars).expect("config");
        assert_eq!(
            (c.db.value.as_str(), &c.db.source),
            ("env.db", &Source::Env("CHISO_DB"))
        );
        assert_eq!(
            c.addr.value, "0.0.0.0:9000",
            "the file still gives the rest"
        );
        assert_eq!(c.log.value, "warn");

        let flags = Flags {
            db: Some("flag.db".into()),
            addr: Some("127.0.0.1:1".into()),
            allow_unauthenticated_sync: true,
            ..flags
        };
        let c = Config::resolve(&flags, &vars).expect("config");
        assert_eq!(c.db.source, Source::Flag("--db"));
        assert_eq!(c.db.value, "flag.db");
        assert_eq!(c.addr.value, "127.0.0.1:1");
        assert!(c.allow_unauthenticated_sync.value);

        let c = Config::resolve(&Flags::default(), env(&[("RUST_LOG", "trace")])).expect("config");
        assert_eq!(c.log.source, Source::Env("RUST_LOG"));
        assert_eq!(c.db.value, DEFAULT_DB);
    }

    #[test]
    fn mistakes_are_refused_with_where_they_are() {
        let (_dir, path) = file("db = \"x.db\"\nport = 80\n");
        let flags = Flags {
            config: Some(path),
            ..Flags::default()
        };
        let e = format!(
            "{:#}",
            Config::resolve(&flags, env(&[])).expect_err("unknown key")
        );
        assert!(e.contains("dòng 2") && e.contains("port"), "{e}");
        let e = Config::resolve(&Flags::default(), env(&[("CHISO_LOG", "chiso=verbose")]))
            .expect_err("bad filter")
            .to_string();
        assert!(e.contains("biến môi trường CHISO_LOG"), "{e}");
        let e = Config::resolve(
            &Flags::default(),
            env(&[("CHISO_ALLOW_UNAUTHENTICATED_SYNC", "maybe")]),
        )
        .expect_err("bad bool")
        .to_string();
        assert!(e.contains("CHISO_ALLOW_UNAUTHENTICATED_SYNC"), "{e}");
        let flags = Flags {
            config: Some("/nonexistent/chiso.toml".into()),
            ..Flags::default()
        };
        assert!(
            Config::resolve(&flags, env(&[])).is_err(),
            "a named file must exist"
        );
    }

    #[test]
    fn passwords_are_masked() {
        for (given, shown) in [
            (
                "postgres://chiso:s3cr%40t@db.local:5432/chiso",
                "postgres://chiso:***@db.local:5432/chiso",
            ),
            (
                "postgresql://chiso@db/chiso?sslmode=require&password=hunter2",
                "postgresql://chiso@db/chiso?sslmode=require&password=***",
            ),
            (
                "host=db user=chiso password=hunter2 dbname=chiso",
                "host=db user=chiso password=*** dbname=chiso",
            ),
            ("postgres://db/chiso", "postgres://db/chiso"),
            ("/var/lib/chiso/chiso.db", "/var/lib/chiso/chiso.db"),
        ] {
            assert_eq!(mask_secrets(given), shown);
        }
        let c = Config::resolve(
            &Flags::default(),
            env(&[("CHISO_DB", "postgres://u:topsecret@h/d")]),
        )
        .expect("config");
        let text = c.render();
        assert!(!text.contains("topsecret"), "{text}");
        assert!(text.contains("postgres://u:***@h/d"), "{text}");
        assert!(!format!("{:#}", c.sqlite_path().expect_err("pg")).contains("topsecret"));
    }

    #[test]
    fn the_printed_configuration_is_a_configuration_file() {
        let c = Config::resolve(&Flags::default(), env(&[("CHISO_ADDR", "[::1]:8080")]))
            .expect("config");
        let text = c.render();
        let (_dir, path) = file(&text);
        let again = Config::resolve(
            &Flags {
                config: Some(path.clone()),
                ..Flags::default()
            },
            env(&[]),
        )
        .expect("reads back");
        assert_eq!(again.addr.value, "[::1]:8080");
        assert_eq!(again.addr.source, Source::File(path));
        assert!(text.contains("# biến môi trường CHISO_ADDR"), "{text}");
    }

    #[test]
    fn the_mail_server_comes_from_the_file_or_the_variables_and_keeps_passwords_encrypted() {
        let (_dir, path) = file(
            "[smtp]\nhost = \"mail.tinh.gov.vn\"\nfrom = \"chiso <cb@tinh.gov.vn>\"\nuser = \"cb\"\npassword = \"bi-mat\"\n",
        );
        let flags = Flags {
            config: Some(path.clone()),
            ..Flags::default()
        };
        let c = Config::resolve(&flags, env(&[])).expect("config");
        let m = c.smtp.clone().expect("smtp");
        assert_eq!(
            (m.host.as_str(), m.port, m.starttls),
            ("mail.tinh.gov.vn", 587, true)
        );
        assert_eq!(m.source, Source::File(path.clone()));
        let text = c.render();
        assert!(
            text.contains("password = \"***\"") && !text.contains("bi-mat"),
            "{text}"
        );
        // A variable overrides the file's value.
        let c = Config::resolve(&flags, env(&[("CHISO_SMTP_PORT", "2525")])).expect("config");
        assert_eq!(c.smtp.expect("smtp").port, 2525);
        // A password over a plain connection to another machine is refused.
        let e = Config::resolve(&flags, env(&[("CHISO_SMTP_STARTTLS", "false")])).unwrap_err();
        assert!(e.to_string().contains("không mã hóa"), "{e}");
        // To this machine, plain SMTP on port 25 by default.
        let vars = env(&[
            ("CHISO_SMTP_HOST", "127.0.0.1"),
            ("CHISO_SMTP_STARTTLS", "0"),
        ]);
        let m = Config::resolve(&flags, &vars)
            .expect("config")
            .smtp
            .expect("smtp");
        assert_eq!(
            (m.port, m.starttls, m.source),
            (25, false, Source::Env("CHISO_SMTP_HOST"))
        );
        // No host, no mail; a host without a sender is an error.
        assert!(Config::resolve(&Flags::default(), env(&[]))
            .expect("config")
            .smtp
            .is_none());
        let e =
            Config::resolve(&Flags::default(), env(&[("CHISO_SMTP_HOST", "mail")])).unwrap_err();
        assert!(e.to_string().contains("CHISO_SMTP_FROM"), "{e}");
        let (_d, half) = file("[smtp]\nhost = \"127.0.0.1\"\nfrom = \"a@b.vn\"\nuser = \"cb\"\n");
        let half = Flags {
            config: Some(half),
            ..Flags::default()
        };
        assert!(Config::resolve(&half, env(&[])).is_err());
    }
}
