//! What the policy and the rule files have in common as TOML files a person
//! writes: the store of texts their diagnostics point into, the explanation
//! of a TOML error, the valid word closest to a typo, and the date syntax.
//! Below both `catalog` and `policy`, so neither imports the other for these.

use std::ops::Range;

use codespan_reporting::files::SimpleFiles;

/// Every text a policy or rules diagnostic can point into.
pub type FileDb = SimpleFiles<String, String>;

/// The message and label of a TOML/serde error: for an unknown key, a
/// "did you mean" when one of the valid keys is close, and the valid keys.
pub fn explain_toml_error(error: &toml::de::Error) -> (String, String) {
    let message = error.message().trim().to_string();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return (message, "here".to_string());
    };
    let unknown = rest.split('`').next().unwrap_or("");
    let expected: Vec<&str> = rest
        .split_once("expected ")
        .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    let hint = closest(unknown, expected.iter().copied())
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default();
    let valid = expected
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    (message, format!("{hint}valid keys: {valid}"))
}

/// The candidate closest to `word`: the shortest one it begins (`cc-by-nc` →
/// `cc-by-nc-4.0`), else the nearest by edit distance if close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.collect();
    let lower = word.to_ascii_lowercase();
    let extension = candidates
        .iter()
        .filter(|c| word.len() >= 3 && c.to_ascii_lowercase().starts_with(&lower))
        .min_by_key(|c| (c.len(), **c));
    if let Some(found) = extension {
        return Some(found);
    }
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `YYYY-MM-DD` with a month 01–12 and a day 01–31.
pub fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let year: u32 = text[0..4].parse().unwrap_or(0);
    let month: u32 = text[5..7].parse().unwrap_or(0);
    let day: u32 = text[8..10].parse().unwrap_or(0);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// The smallest and largest `max_file_size`: below 1 KiB hardly any file could
/// be scanned; texts of 4 GiB or more cannot be (their offsets are 32-bit).
pub const MIN_FILE_SIZE: u64 = 1 << 10;
pub const MAX_FILE_SIZE: u64 = 4 << 30;

/// `8MiB`, `512KiB`, `2MB`, `1000`: binary units with `i` (and bare K/M/G),
/// decimal without; from [`MIN_FILE_SIZE`] to [`MAX_FILE_SIZE`].
pub fn parse_size(text: &str) -> Result<u64, String> {
    let size = parse_size_unbounded(text)?;
    if size < MIN_FILE_SIZE {
        return Err(format!("`{text}` is too small: at least 1KiB"));
    }
    if size > MAX_FILE_SIZE {
        return Err(format!("`{text}` is too large: at most 4GiB"));
    }
    Ok(size)
}

/// The leading digits of `text` as a number, and the unit after them;
/// `example` completes the error ("`x` is not a size (try 8MiB)").
fn number_and_unit<'a>(text: &'a str, example: &str) -> Result<(u64, &'a str), String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number = digits
        .parse()
        .map_err(|_| format!("`{text}` is not {example}"))?;
    Ok((number, unit.trim()))
}

fn parse_size_unbounded(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = number_and_unit(text, "a size (try 8MiB)")?;
    let factor: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "kb" => 1_000,
        "m" | "mib" => 1 << 20,
        "mb" => 1_000_000,
        "g" | "gib" => 1 << 30,
        "gb" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use B, KiB, MiB, GiB, KB, MB, GB)"
            ))
        }
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large: at most 4GiB"))
}

/// `7d`, `12h`, `30m`, `90s` or plain seconds: how old a cached answer may be.
pub fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, unit) = number_and_unit(text, "an age (try 7d, 12h, 30m)")?;
    let factor: u64 = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        other => return Err(format!("unknown unit `{other}` (use d, h, m or s)")),
    };
    number
        .checked_mul(factor)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| format!("`{text}` is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2027-06-30"));
        assert!(is_iso_date("2028-02-29"));
        assert!(is_iso_date("2000-02-29"));
        for bad in [
            "2027-02-29",
            "1900-02-29",
            "2027-02-30",
            "2027-04-31",
            "2027-6-30",
            "2027-00-10",
            "2027-01-32",
            "tomorrow",
            "2027/06/30",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("512 KiB"), Ok(512 << 10));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("4GiB"), Ok(4 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1XB").is_err());
    }

    #[test]
    fn nonsensical_sizes_are_refused() {
        for size in [
            "0",
            "1",
            "1B",
            "1000",
            "18446744073709551615",
            "99999999999GiB",
            "5GiB",
        ] {
            assert!(parse_size(size).is_err(), "{size}");
        }
    }

    #[test]
    fn ages() {
        assert_eq!(
            parse_age("7d"),
            Ok(std::time::Duration::from_secs(7 * 86_400))
        );
        assert_eq!(
            parse_age("12h"),
            Ok(std::time::Duration::from_secs(12 * 3_600))
        );
        assert_eq!(parse_age("30m"), Ok(std::time::Duration::from_secs(1_800)));
        assert_eq!(parse_age("0"), Ok(std::time::Duration::ZERO));
        for bad in ["", "d", "7w", "-1d", "99999999999999999999d"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }
}
