//! Masking personal data and secrets in exported text: emails, phone numbers, card-like
//! and IBAN-like numbers, and tokens that look like API keys. Each kind is counted, so
//! the dataset card can say what was masked.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Masked {
    pub emails: u64,
    pub phones: u64,
    pub cards: u64,
    pub ibans: u64,
    pub secrets: u64,
}

impl Masked {
    pub fn add(&mut self, other: Masked) {
        self.emails += other.emails;
        self.phones += other.phones;
        self.cards += other.cards;
        self.ibans += other.ibans;
        self.secrets += other.secrets;
    }

    pub fn total(&self) -> u64 {
        self.emails + self.phones + self.cards + self.ibans + self.secrets
    }
}

struct Patterns {
    secret: Regex,
    email: Regex,
    iban: Regex,
    card: Regex,
    phone: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| Patterns {
        // Known key prefixes, then long unbroken runs of letters and digits mixed.
        secret: Regex::new(
            r"\b(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}|[A-Za-z0-9+/_-]{32,}={0,2})",
        )
        .expect("secret pattern"),
        email: Regex::new(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b").expect("email pattern"),
        iban: Regex::new(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
            .expect("iban pattern"),
        card: Regex::new(r"\b(?:[0-9][ -]?){12,18}[0-9]\b").expect("card pattern"),
        // International (+44 20 7946 0958), North American ((555) 867-5309) and
        // national numbers with a trunk 0 (020 7946 0958).
        phone: Regex::new(
            r"\+[0-9]{1,3}(?:[ .-]?[0-9]{1,4}){2,5}\b|\(?\b[0-9]{3}\)?[ .-]?[0-9]{3}[ .-][0-9]{4}\b|\b0[0-9]{2,4}[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,4}\b",
        )
        .expect("phone pattern"),
    })
}

/// A long run counts as a secret only when it mixes letters and digits, so ordinary long
/// words and numbers are left alone.
fn looks_secret(s: &str) -> bool {
    let known = ["sk-", "gh", "github_pat_", "xox", "AKIA", "AIza", "eyJ"];
    if known.iter().any(|p| s.starts_with(p)) {
        return true;
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let letters = s.chars().filter(char::is_ascii_alphabetic).count();
    digits >= 4 && letters >= 8
}

/// Luhn: card numbers carry a check digit, so a random long number rarely passes.
fn luhn(digits: &str) -> bool {
    let ds: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&ds.len()) {
        return false;
    }
    let sum: u32 = ds
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let d = d * 2;
                if d > 9 {
                    d - 9
                } else {
                    d
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn replace(
    text: &str,
    pattern: &Regex,
    label: &str,
    keep: impl Fn(&str) -> bool,
    count: &mut u64,
) -> String {
    pattern
        .replace_all(text, |caps: &regex::Captures| {
            let found = &caps[0];
            if keep(found) {
                *count += 1;
                label.to_owned()
            } else {
                found.to_owned()
            }
        })
        .into_owned()
}

/// `text` with each listed kind masked, and how many of each were.
pub fn redact(text: &str) -> (String, Masked) {
    let p = patterns();
    let mut masked = Masked::default();
    // Secrets first: a key can contain what looks like a phone number.
    let out = replace(
        text,
        &p.secret,
        "[SECRET]",
        looks_secret,
        &mut masked.secrets,
    );
    let out = replace(&out, &p.email, "[EMAIL]", |_| true, &mut masked.emails);
    let out = replace(
        &out,
        &p.iban,
        "[IBAN]",
        |s| s.chars().filter(char::is_ascii_digit).count() >= 6,
        &mut masked.ibans,
    );
    let out = replace(&out, &p.card, "[CARD]", luhn, &mut masked.cards);
    let out = replace(
        &out,
        &p.phone,
        "[PHONE]",
        |s| s.chars().filter(char::is_ascii_digit).count() >= 7,
        &mut masked.phones,
    );
    (out, masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (String, Masked) {
        redact(text)
    }

    #[test]
    fn masks_each_listed_kind() {
        let cases = [
            (
                "Write to jane.doe+news@example.co.uk today.",
                "Write to [EMAIL] today.",
                "emails",
            ),
            ("Call +44 20 7946 0958 now.", "Call [PHONE] now.", "phones"),
            ("Call (555) 867-5309 now.", "Call [PHONE] now.", "phones"),
            (
                "Card 4111 1111 1111 1111 on file.",
                "Card [CARD] on file.",
                "cards",
            ),
            (
                "Pay to DE89 3704 0044 0532 0130 00 please.",
                "Pay to [IBAN] please.",
                "ibans",
            ),
            (
                "Pay to GB82WEST12345698765432 please.",
                "Pay to [IBAN] please.",
                "ibans",
            ),
            (
                "key sk-proj-abc123DEF456ghi789JKL here",
                "key [SECRET] here",
                "secrets",
            ),
            (
                "token ghp_1234567890abcdefghijABCDEFGHIJ",
                "token [SECRET]",
                "secrets",
            ),
            ("aws AKIAIOSFODNN7EXAMPLE", "aws [SECRET]", "secrets"),
        ];
        for (input, expected, kind) in cases {
            let (out, masked) = one(input);
            assert_eq!(out, expected, "{input}");
            let counted = match kind {
                "emails" => masked.emails,
                "phones" => masked.phones,
                "cards" => masked.cards,
                "ibans" => masked.ibans,
                _ => masked.secrets,
            };
            assert_eq!((counted, masked.total()), (1, 1), "{input}: {masked:?}");
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let ordinary = [
            "Our spring sale starts Monday, 3 March 2025, at 9:30.",
            "Save 20% on 1,250 items; order #48213 ships in 2-3 days.",
            "Version 2.14.1 fixes the internationalization of characteristically long words.",
            "The numbers 1234 5678 9012 3456 fail the card check.",
            "Visit https://example.com/spring for details.",
            "Population: 8 000 000 people in 2024.",
        ];
        for text in ordinary {
            let (out, masked) = one(text);
            assert_eq!(out, text);
            assert_eq!(masked.total(), 0, "{text}: {masked:?}");
        }
    }
}
