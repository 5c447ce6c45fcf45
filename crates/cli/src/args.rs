//! Parsing the command line in Vietnamese: clap's help headings and its
//! errors for the common mistakes (an unknown command or option, a missing
//! or invalid value) are given in Vietnamese, with what to do next.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use crate::Cli;

/// Exit status of a command line that cannot be used (as clap's own).
const EXIT_USAGE: u8 = 2;

/// The command line, or the exit status after help, the version or an error
/// has been printed.
pub fn parse() -> Result<Cli, ExitCode> {
    parse_from(std::env::args_os()).map_err(|e| {
        match e.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let text = translate(&e.render().to_string());
                if e.use_stderr() {
                    eprint!("{text}");
                } else {
                    print!("{text}");
                }
            }
            _ => eprintln!("lỗi: {}", message(&e)),
        }
        ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 })
    })
}

fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut command = vietnamese(Cli::command(), true);
    let matches = command.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))
}

/// A command with Vietnamese help headings, recursively.
fn vietnamese(command: Command, top: bool) -> Command {
    let mut c = command
        .help_template("{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "Tham số"
            } else {
                "Tùy chọn"
            };
            a.help_heading(heading)
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("In hướng dẫn này")
                .help_heading("Tùy chọn"),
        );
    if top {
        c = c.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("In số phiên bản")
                .help_heading("Tùy chọn"),
        );
    }
    c.mut_subcommands(|sub| vietnamese(sub, false))
}

/// The words clap writes into help and usage lines itself.
fn translate(text: &str) -> String {
    text.replace("[OPTIONS]", "[TÙY_CHỌN]")
        .replace("[default: ", "[mặc định: ")
        .replace("[possible values: ", "[giá trị: ")
}

/// One context value of an error as text.
fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    Some(match e.get(kind)? {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(v) => v.join(", "),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::StyledStrs(v) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        _ => return None,
    })
}

/// The Vietnamese message for a command line that cannot be used, with the
/// usage line of the command it concerns.
fn message(e: &clap::Error) -> String {
    let get = |k| context(e, k).unwrap_or_default();
    let quoted = |k| {
        context(e, k)
            .map(|s| {
                s.split(", ")
                    .map(|v| format!("'{v}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let usage = context(e, ContextKind::Usage).map(|u| {
        let u = u.trim();
        translate(u.strip_prefix("Usage:").unwrap_or(u).trim())
    });
    // "chiso score" from "chiso score [TÙY_CHỌN] --period <KỲ>".
    let command: Vec<&str> = usage
        .as_deref()
        .unwrap_or("chiso")
        .split_whitespace()
        .take_while(|w| !w.starts_with(['-', '[', '<']))
        .collect();
    let help = format!("'{} --help'", command.join(" "));
    let suggestion = context(e, ContextKind::SuggestedSubcommand)
        .or_else(|| context(e, ContextKind::SuggestedArg))
        .or_else(|| context(e, ContextKind::SuggestedValue))
        .map(|s| format!(" (có phải là '{s}'?)"))
        .unwrap_or_default();
    let text = match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "không có lệnh '{}'{suggestion}: xem danh sách lệnh bằng 'chiso --help'",
            get(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => format!(
            "không có tùy chọn '{}' ở đây{suggestion}: xem các tùy chọn bằng {help}",
            get(ContextKind::InvalidArg)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("thiếu {}: xem {help}", get(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => {
            "thiếu lệnh: xem danh sách lệnh bằng 'chiso --help'".to_string()
        }
        ErrorKind::InvalidValue => {
            let valid = quoted(ContextKind::ValidValue);
            let value = get(ContextKind::InvalidValue);
            let arg = get(ContextKind::InvalidArg);
            match (value.is_empty(), valid.is_empty()) {
                (true, _) => format!("{arg} cần một giá trị"),
                (false, true) => format!("giá trị '{value}' không dùng được cho {arg}{suggestion}"),
                (false, false) => {
                    format!("giá trị '{value}' không dùng được cho {arg}{suggestion}: dùng {valid}")
                }
            }
        }
        ErrorKind::ValueValidation => {
            let why = match std::error::Error::source(e) {
                Some(s) if s.is::<std::num::ParseIntError>() => {
                    ": cần một số nguyên không âm".to_string()
                }
                Some(s) => format!(": {s}"),
                None => String::new(),
            };
            format!(
                "giá trị '{}' không dùng được cho {}{why}",
                get(ContextKind::InvalidValue),
                get(ContextKind::InvalidArg)
            )
        }
        ErrorKind::ArgumentConflict => format!(
            "{} không dùng cùng {} được",
            get(ContextKind::InvalidArg),
            get(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("số giá trị của {} không đúng", get(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidUtf8 => "dòng lệnh có ký tự không phải UTF-8".to_string(),
        _ => "dòng lệnh không dùng được".to_string(),
    };
    match usage {
        Some(usage) => format!("{text}\n\nCách dùng: {usage}\nXem thêm: {help}"),
        None => format!("{text}\nXem thêm: {help}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(args: &[&str]) -> String {
        match parse_from(std::iter::once("chiso").chain(args.iter().copied())) {
            Ok(_) => panic!("{args:?} parsed"),
            Err(e) => message(&e),
        }
    }

    #[test]
    fn common_mistakes_are_explained_in_vietnamese() {
        let m = error(&["scor", "--period", "2026-10"]);
        assert!(
            m.starts_with("không có lệnh 'scor' (có phải là 'score'?)"),
            "{m}"
        );
        let m = error(&["score"]);
        assert!(
            m.starts_with("thiếu --period <KỲ>: xem 'chiso score --help'"),
            "{m}"
        );
        assert!(m.contains("Cách dùng: chiso score --period <KỲ>"), "{m}");
        let m = error(&["score", "--period", "2026-10", "--format", "xml"]);
        assert!(
            m.starts_with(
                "giá trị 'xml' không dùng được cho --format <DẠNG>: dùng 'table', 'json', 'csv'"
            ),
            "{m}"
        );
        let m = error(&["score", "--perod", "2026-10"]);
        assert!(
            m.starts_with("không có tùy chọn '--perod' ở đây (có phải là '--period'?)"),
            "{m}"
        );
        let m = error(&[
            "explain",
            "--period",
            "2026-10",
            "--unit",
            "X",
            "--criterion",
            "2.1",
            "--limit",
            "x",
        ]);
        assert!(m.contains("cần một số nguyên không âm"), "{m}");
        let m = error(&["score", "--period", "2026-13"]);
        assert!(
            m.contains("kỳ báo cáo không hợp lệ '2026-13'"),
            "parsed at the edge: {m}"
        );
        let m = error(&["demo", "--seed", "xyz"]);
        assert!(
            m.starts_with("giá trị 'xyz' không dùng được cho --seed <SỐ>: cần một số nguyên"),
            "{m}"
        );
        for m in [m, error(&["methodology"])] {
            for english in [
                "error:",
                "Usage:",
                "invalid",
                "required",
                "unexpected",
                "tip:",
            ] {
                assert!(!m.contains(english), "{english} in {m}");
            }
        }
    }

    #[test]
    fn help_is_in_vietnamese() {
        let mut c = vietnamese(Cli::command(), true);
        let help = translate(&c.render_help().to_string());
        for heading in ["Cách dùng:", "Lệnh:", "Tùy chọn:", "In hướng dẫn này"] {
            assert!(help.contains(heading), "{heading} in {help}");
        }
        for english in ["Usage:", "Commands:", "Options:", "Print help"] {
            assert!(!help.contains(english), "{english} in {help}");
        }
        let score = c
            .find_subcommand_mut("score")
            .map(|s| translate(&s.render_help().to_string()))
            .unwrap_or_default();
        assert!(
            score.contains("Tùy chọn:") && score.contains("--period <KỲ>"),
            "{score}"
        );
        for english in ["[OPTIONS]", "default:", "possible values"] {
            assert!(!score.contains(english), "{english} in {score}");
        }
    }
}
