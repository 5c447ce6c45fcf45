//! Deadlines of plan tasks as printed ("Thời gian thực hiện"), read into
//! dated milestones: "Quý I/2024" → 31/03/2024; "Tháng 12/2023. Quý IV/2024"
//! → two; "Quý III, IV năm 2024." → two; "Trong năm 2024" → 31/12/2024;
//! "Ban hành kế hoạch: Quý I/2024. Thực hiện: Trong năm 2024." → two, each
//! with its label; "(khi có hướng dẫn của Trung ương)" → a condition;
//! "Thường xuyên" → ongoing. The printed text is always kept; what is not
//! understood is kept aside, never guessed. Input is bounded and the reader
//! never fails.

use chiso_core::time::{days_in_month, Date};
use serde::{Deserialize, Serialize};

/// Texts longer than this are read up to this many characters.
pub const MAX_CHARS: usize = 2_000;
const MAX_MILESTONES: usize = 48;

/// A dated step of a deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// What is due, when the text names it ("Ban hành kế hoạch").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The period as read, written canonically: "Quý I/2024".
    pub text: String,
    /// The last day of that period.
    #[serde(with = "crate::dates::day")]
    pub due: Date,
}

/// A deadline as printed and as understood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub text: String,
    pub milestones: Vec<Milestone>,
    /// "khi có hướng dẫn của Trung ương": the dates hold only once it is met,
    /// so the task is never counted overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// "Thường xuyên": no end.
    #[serde(default)]
    pub ongoing: bool,
    /// Words not understood ("Theo Kế hoạch của Bộ Nội vụ"), kept for display.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unparsed: Vec<String>,
}

impl Deadline {
    /// The final due date (the latest milestone).
    pub fn due(&self) -> Option<Date> {
        self.milestones.iter().map(|m| m.due).max()
    }

    /// Whether a date passing makes the task overdue: dated, unconditional, not ongoing.
    pub fn binding(&self) -> Option<Date> {
        if self.condition.is_some() || self.ongoing {
            None
        } else {
            self.due()
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Num(String),
    Punct(char),
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut numeric = false;
    let flush = |out: &mut Vec<Token>, current: &mut String, numeric: bool| {
        if !current.is_empty() {
            let t = std::mem::take(current);
            out.push(if numeric {
                Token::Num(t)
            } else {
                Token::Word(t)
            });
        }
    };
    for ch in text.chars().take(MAX_CHARS) {
        if ch.is_ascii_digit() {
            if !numeric {
                flush(&mut out, &mut current, numeric);
            }
            numeric = true;
            current.push(ch);
        } else if ch.is_alphabetic() {
            if numeric {
                flush(&mut out, &mut current, numeric);
            }
            numeric = false;
            current.push(ch);
        } else {
            flush(&mut out, &mut current, numeric);
            if !ch.is_whitespace() {
                out.push(Token::Punct(ch));
            }
        }
    }
    flush(&mut out, &mut current, numeric);
    out
}

fn lower(t: &Token) -> String {
    match t {
        Token::Word(w) => w.to_lowercase(),
        Token::Num(n) => n.clone(),
        Token::Punct(c) => c.to_string(),
    }
}

fn show(tokens: &[Token]) -> String {
    let mut out = String::new();
    for t in tokens {
        match t {
            Token::Word(w) | Token::Num(w) => {
                if !out.is_empty() && !out.ends_with(['/', '(']) {
                    out.push(' ');
                }
                out.push_str(w);
            }
            Token::Punct(c) => out.push(*c),
        }
    }
    out
}

fn roman_quarter(word: &str) -> Option<u32> {
    match word {
        "i" | "1" => Some(1),
        "ii" | "2" => Some(2),
        "iii" | "3" => Some(3),
        "iv" | "4" => Some(4),
        _ => None,
    }
}

fn number(t: Option<&Token>) -> Option<u32> {
    match t {
        Some(Token::Num(n)) if n.len() <= 4 => n.parse().ok(),
        _ => None,
    }
}

fn year(n: u32) -> Option<i32> {
    (1990..=2100).contains(&n).then_some(n as i32)
}

fn month_end(y: i32, m: u32) -> Option<Date> {
    Date::from_ymd(y, m, days_in_month(y, m))
}

const QUARTER: &[&str] = &["", "I", "II", "III", "IV"];

/// Words that carry no date of their own.
const FILLERS: &[&str] = &[
    "trong", "trước", "chậm", "nhất", "vào", "đến", "hết", "và", "ngày",
];

struct Reader<'a> {
    t: &'a [Token],
    i: usize,
    plan_year: i32,
    label: Option<String>,
    out: Deadline,
    words: Vec<Token>,
}

impl Reader<'_> {
    fn peek(&self, k: usize) -> Option<String> {
        self.t.get(self.i + k).map(lower)
    }

    fn push(&mut self, text: String, due: Option<Date>) {
        if let Some(due) = due {
            if self.out.milestones.len() < MAX_MILESTONES {
                self.out.milestones.push(Milestone {
                    label: self.label.clone(),
                    text,
                    due,
                });
            }
        }
    }

    /// Flushes pending words: a label if a colon follows, else not understood.
    fn flush_words(&mut self, label: bool) {
        if self.words.is_empty() {
            return;
        }
        let text = show(&self.words);
        self.words.clear();
        if label {
            self.label = Some(text);
        } else {
            self.out.unparsed.push(text);
        }
    }

    /// After a quarter or month list: `/2024` or `năm 2024`, else the plan's year.
    fn year_suffix(&mut self) -> i32 {
        if self.peek(0).as_deref() == Some("/") {
            if let Some(y) = number(self.t.get(self.i + 1)).and_then(year) {
                self.i += 2;
                return y;
            }
        }
        if self.peek(0).as_deref() == Some("năm") {
            if let Some(y) = number(self.t.get(self.i + 1)).and_then(year) {
                self.i += 2;
                return y;
            }
        }
        self.plan_year
    }

    /// A list `I, II` or `12, 1` after "quý"/"tháng"; `max` bounds the items.
    fn list(&mut self, quarters: bool) -> Vec<u32> {
        let mut items = Vec::new();
        loop {
            let item = if quarters {
                self.peek(0).and_then(|w| roman_quarter(&w))
            } else {
                number(self.t.get(self.i)).filter(|m| (1..=12).contains(m))
            };
            let Some(item) = item else { break };
            items.push(item);
            self.i += 1;
            let sep = self.peek(0);
            let next = self.peek(1);
            let continues = matches!(
                sep.as_deref(),
                Some(",") | Some("và") | Some("-") | Some("–")
            ) && next.as_deref().is_some_and(|n| {
                if quarters {
                    roman_quarter(n).is_some()
                } else {
                    n.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
                }
            });
            if !continues || items.len() >= 12 {
                break;
            }
            self.i += 1;
        }
        items
    }

    fn read(&mut self) {
        while self.i < self.t.len() {
            let word = self.peek(0).unwrap_or_default();
            match word.as_str() {
                "(" => {
                    // A parenthesis: a condition when it starts with "khi", else read through.
                    let close = self.t[self.i..]
                        .iter()
                        .position(|t| *t == Token::Punct(')'))
                        .map(|p| self.i + p);
                    if self.peek(1).as_deref() == Some("khi") {
                        self.flush_words(false);
                        let end = close.unwrap_or(self.t.len());
                        self.out.condition = Some(show(&self.t[self.i + 1..end]));
                        self.i = end + 1;
                    } else {
                        self.i += 1;
                    }
                }
                "khi" => {
                    self.flush_words(false);
                    let end = self.t[self.i..]
                        .iter()
                        .position(|t| *t == Token::Punct(')') || *t == Token::Punct('.'))
                        .map_or(self.t.len(), |p| self.i + p);
                    self.out.condition = Some(show(&self.t[self.i..end]));
                    self.i = end;
                }
                ":" => {
                    self.flush_words(true);
                    self.i += 1;
                }
                "." | ";" => {
                    self.flush_words(false);
                    self.label = None;
                    self.i += 1;
                }
                "quý" | "quí" if roman_quarter(&self.peek(1).unwrap_or_default()).is_some() => {
                    self.flush_words(false);
                    self.i += 1;
                    let quarters = self.list(true);
                    let y = self.year_suffix();
                    for q in quarters {
                        self.push(
                            format!("Quý {}/{y}", QUARTER[q as usize]),
                            month_end(y, q * 3),
                        );
                    }
                }
                "tháng"
                    if number(self.t.get(self.i + 1)).is_some_and(|m| (1..=12).contains(&m)) =>
                {
                    self.flush_words(false);
                    self.i += 1;
                    let months = self.list(false);
                    let y = self.year_suffix();
                    for m in months {
                        self.push(format!("Tháng {m:02}/{y}"), month_end(y, m));
                    }
                }
                "năm" if number(self.t.get(self.i + 1)).and_then(year).is_some() => {
                    self.flush_words(false);
                    let y = number(self.t.get(self.i + 1))
                        .and_then(year)
                        .unwrap_or(self.plan_year);
                    self.i += 2;
                    self.push(format!("Năm {y}"), month_end(y, 12));
                }
                "thường" if self.peek(1).as_deref() == Some("xuyên") => {
                    self.flush_words(false);
                    self.out.ongoing = true;
                    self.i += 2;
                }
                "hằng" | "hàng"
                    if matches!(
                        self.peek(1).as_deref(),
                        Some("năm") | Some("quý") | Some("tháng")
                    ) =>
                {
                    self.flush_words(false);
                    let y = self.plan_year;
                    match self.peek(1).as_deref() {
                        Some("năm") => self.push(format!("Năm {y}"), month_end(y, 12)),
                        Some("quý") => {
                            for q in 1..=4 {
                                self.push(
                                    format!("Quý {}/{y}", QUARTER[q as usize]),
                                    month_end(y, q * 3),
                                );
                            }
                        }
                        _ => {
                            for m in 1..=12 {
                                self.push(format!("Tháng {m:02}/{y}"), month_end(y, m));
                            }
                        }
                    }
                    self.i += 2;
                }
                _ => {
                    if let Some(n) = number(self.t.get(self.i)) {
                        self.number_forms(n);
                    } else if matches!(self.t[self.i], Token::Word(_)) {
                        if FILLERS.contains(&word.as_str()) && self.words.is_empty() {
                            self.i += 1;
                        } else {
                            self.words.push(self.t[self.i].clone());
                            self.i += 1;
                        }
                    } else {
                        // Other punctuation (",", "-", "…") separates.
                        if !matches!(word.as_str(), "," | "-" | "–" | "…" | "/" | ")") {
                            self.words.push(self.t[self.i].clone());
                        }
                        self.i += 1;
                    }
                }
            }
        }
        self.flush_words(false);
    }

    /// At a number: `15/3/2024`, `12/2023`, `6 tháng đầu năm 2024`, `2024`.
    fn number_forms(&mut self, n: u32) {
        self.flush_words(false);
        let slash = |k: usize| self.peek(k).as_deref() == Some("/");
        // dd/mm/yyyy
        if slash(1) && slash(3) {
            if let (Some(m), Some(y)) = (
                number(self.t.get(self.i + 2)),
                number(self.t.get(self.i + 4)).and_then(year),
            ) {
                match Date::from_ymd(y, m, n) {
                    Some(d) => self.push(format!("Ngày {}", d.vn()), Some(d)),
                    None => self.out.unparsed.push(show(&self.t[self.i..self.i + 5])),
                }
                self.i += 5;
                return;
            }
        }
        // mm/yyyy
        if slash(1) && (1..=12).contains(&n) {
            if let Some(y) = number(self.t.get(self.i + 2)).and_then(year) {
                self.push(format!("Tháng {n:02}/{y}"), month_end(y, n));
                self.i += 3;
                return;
            }
        }
        // 6 tháng đầu/cuối năm [yyyy]
        if n == 6 && self.peek(1).as_deref() == Some("tháng") {
            let half = match self.peek(2).as_deref() {
                Some("đầu") => Some(6),
                Some("cuối") => Some(12),
                _ => None,
            };
            if let (Some(m), Some("năm")) = (half, self.peek(3).as_deref()) {
                let (y, used) = match number(self.t.get(self.i + 4)).and_then(year) {
                    Some(y) => (y, 5),
                    None => (self.plan_year, 4),
                };
                let which = if m == 6 { "đầu" } else { "cuối" };
                self.push(format!("6 tháng {which} năm {y}"), month_end(y, m));
                self.i += used;
                return;
            }
        }
        // A bare year.
        if let Some(y) = year(n) {
            self.push(format!("Năm {y}"), month_end(y, 12));
        } else {
            self.words.push(self.t[self.i].clone());
        }
        self.i += 1;
    }
}

/// Reads a printed deadline; `plan_year` completes periods printed without a
/// year ("Quý I"). Never fails: what is not understood is in `unparsed`.
pub fn parse(text: &str, plan_year: i32) -> Deadline {
    let t = tokens(text);
    let mut r = Reader {
        t: &t,
        i: 0,
        plan_year,
        label: None,
        out: Deadline {
            text: text.chars().take(MAX_CHARS).collect(),
            milestones: Vec::new(),
            condition: None,
            ongoing: false,
            unparsed: Vec::new(),
        },
        words: Vec::new(),
    };
    r.read();
    r.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dues(text: &str) -> Vec<String> {
        parse(text, 2024)
            .milestones
            .iter()
            .map(|m| format!("{} {}", m.text, m.due.vn()))
            .collect()
    }

    #[test]
    fn other_common_forms() {
        assert_eq!(dues("Trước ngày 15/3/2024"), ["Ngày 15/03/2024 15/03/2024"]);
        assert_eq!(
            dues("6 tháng đầu năm 2024"),
            ["6 tháng đầu năm 2024 30/06/2024"]
        );
        assert_eq!(
            dues("6 tháng cuối năm"),
            ["6 tháng cuối năm 2024 31/12/2024"]
        );
        assert_eq!(dues("Quý II"), ["Quý II/2024 30/06/2024"]);
        assert_eq!(dues("Hằng quý").len(), 4);
        assert_eq!(dues("12/2024"), ["Tháng 12/2024 31/12/2024"]);
        let d = parse("Thường xuyên", 2024);
        assert!(d.ongoing && d.milestones.is_empty() && d.binding().is_none());
        let d = parse("Khi có văn bản của Bộ", 2024);
        assert_eq!(d.condition.as_deref(), Some("Khi có văn bản của Bộ"));
        assert_eq!(parse("31/2/2024", 2024).milestones.len(), 0, "no such day");
        assert_eq!(parse("", 2024).milestones.len(), 0);
    }
}
