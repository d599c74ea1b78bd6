//! The lexical knowledge the miner needs: contractions, spelling variants, typos,
//! emoji, greetings and closings.

/// Contractions and their expansions, lowercase.
pub const CONTRACTIONS: &[(&str, &str)] = &[
    ("don't", "do not"),
    ("doesn't", "does not"),
    ("didn't", "did not"),
    ("can't", "cannot"),
    ("won't", "will not"),
    ("isn't", "is not"),
    ("aren't", "are not"),
    ("wasn't", "was not"),
    ("it's", "it is"),
    ("that's", "that is"),
    ("we're", "we are"),
    ("you're", "you are"),
    ("they're", "they are"),
    ("we'll", "we will"),
    ("you'll", "you will"),
    ("i'm", "i am"),
    ("let's", "let us"),
    ("we've", "we have"),
    ("you've", "you have"),
];

/// Whether `from` → `to` is a contraction made (`Some(true)`) or undone (`Some(false)`).
pub fn contraction(from: &str, to: &str) -> Option<bool> {
    let (f, t) = (norm_apostrophe(from), norm_apostrophe(to));
    CONTRACTIONS.iter().find_map(|(short, long)| {
        if f == *long && t == *short {
            Some(true)
        } else if f == *short && t == *long {
            Some(false)
        } else {
            None
        }
    })
}

fn norm_apostrophe(s: &str) -> String {
    s.to_lowercase().replace('\u{2019}', "'")
}

/// British → American endings; the reverse pairs mean American → British.
const SPELLING: &[(&str, &str)] = &[
    ("our", "or"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("isation", "ization"),
    ("yse", "yze"),
    ("tre", "ter"),
    ("ogue", "og"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("ence", "ense"),
];

/// `Some("american")` or `Some("british")` when `from` → `to` is a spelling variant.
pub fn spelling_variant(from: &str, to: &str) -> Option<&'static str> {
    let (f, t) = (from.to_lowercase(), to.to_lowercase());
    if f == t || f.len() < 4 {
        return None;
    }
    for (uk, us) in SPELLING {
        for (a, b, dir) in [(uk, us, "american"), (us, uk, "british")] {
            // Either way the one ending replaces the other: the lengths must agree. This
            // skips nearly every pair before any search.
            if f.len() + b.len() != t.len() + a.len() {
                continue;
            }
            if let (Some(fs), Some(ts)) = (f.strip_suffix(a), t.strip_suffix(b)) {
                if fs == ts && !fs.is_empty() {
                    return Some(dir);
                }
            }
            // An ending inside the word: colours → colors, organised → organized.
            if let Some(i) = f.find(a) {
                if i > 0 && format!("{}{}{}", &f[..i], b, &f[i + a.len()..]) == t {
                    return Some(dir);
                }
            }
        }
    }
    None
}

/// Damerau-style closeness: a likely typo fix rather than a different word.
pub fn is_typo(from: &str, to: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (
        from.to_lowercase().chars().collect(),
        to.to_lowercase().chars().collect(),
    );
    if a == b || a.len().min(b.len()) < 3 {
        return false;
    }
    edit_distance(&a, &b) <= if a.len().max(b.len()) > 6 { 2 } else { 1 }
}

/// Optimal string alignment distance (adjacent transpositions count once).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F000..=0x1F2FF | 0x2B00..=0x2BFF | 0xFE0F | 0x200D)
}

const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "dear",
    "hey",
    "greetings",
    "good morning",
    "good afternoon",
    "good evening",
];
const CLOSINGS: &[&str] = &[
    "best",
    "best regards",
    "kind regards",
    "regards",
    "warm regards",
    "thanks",
    "thank you",
    "many thanks",
    "cheers",
    "sincerely",
    "yours sincerely",
    "all the best",
    "talk soon",
];

/// Whether `line` starts with `word` as a whole word ("Hi Sam", not "His plan").
fn starts_with_word(line: &str, word: &str) -> bool {
    line.strip_prefix(word)
        .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
}

pub fn is_greeting(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    l.len() < 60 && GREETINGS.iter().any(|g| starts_with_word(&l, g))
}

pub fn is_closing(line: &str) -> bool {
    let l = line.trim().trim_end_matches([',', '.', '!']).to_lowercase();
    // The sign-off alone, or with a short name after a comma ("Thanks, Sam").
    CLOSINGS.iter().any(|c| {
        l == *c
            || l.strip_prefix(c)
                .and_then(|rest| rest.strip_prefix(','))
                .is_some_and(|name| name.split_whitespace().count() <= 2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_its_words() {
        assert_eq!(contraction("do not", "don't"), Some(true));
        assert_eq!(contraction("It’s", "it is"), Some(false));
        assert_eq!(spelling_variant("colour", "color"), Some("american"));
        assert_eq!(spelling_variant("organized", "organised"), Some("british"));
        assert_eq!(spelling_variant("centre", "center"), Some("american"));
        assert_eq!(spelling_variant("use", "utilize"), None);
        assert!(is_typo("teh", "the"));
        assert!(is_typo("recieve", "receive"));
        assert!(!is_typo("utilize", "use"));
        assert!(is_emoji('🚀') && !is_emoji('a'));
        assert!(is_greeting("Hi Sam,") && !is_greeting("His plan worked."));
        assert!(is_closing("Best regards,") && !is_closing("Best of all, it ships Monday."));
    }
}
