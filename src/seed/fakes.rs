//! Plausible people, companies, e-mails, phones and prose, drawn from the `fake` crate's
//! English word lists with the table's own generator (so they follow `--seed`).

use fake::locales::{Data, EN};
use rand::RngExt as _;

use super::rng::{pick, SeedRng};

/// A person's first and last name.
pub fn person(rng: &mut SeedRng) -> (&'static str, &'static str) {
    (
        pick(rng, EN::NAME_FIRST_NAME),
        pick(rng, EN::NAME_LAST_NAME),
    )
}

/// A company name in one of fake's shapes: "Kub LLC", "Kub-Hand", "Kub, Hand and Roob".
pub fn company(rng: &mut SeedRng) -> String {
    let first = pick(rng, EN::NAME_LAST_NAME);
    match rng.random_range(0..3) {
        0 => format!("{first} {}", pick(rng, EN::COMPANY_SUFFIX)),
        1 => format!("{first}-{}", pick(rng, EN::NAME_LAST_NAME)),
        _ => {
            let second = pick(rng, EN::NAME_LAST_NAME);
            format!("{first}, {second} and {}", pick(rng, EN::NAME_LAST_NAME))
        }
    }
}

/// A lower-case ASCII slug: letters and digits kept, runs of anything else made one `-`.
#[must_use]
pub fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push('x');
    }
    slug
}

/// The local part of an e-mail for a person: "jane.doe".
#[must_use]
pub fn local_part(first: &str, last: &str) -> String {
    format!("{}.{}", slug(first), slug(last)).replace('-', "")
}

/// A company's domain: "kub-hand.com".
pub fn domain(rng: &mut SeedRng, company: &str) -> String {
    let suffix = pick(rng, &["com", "com", "com", "io", "net", "co", "org"]);
    format!("{}.{suffix}", slug(company))
}

/// A free-mail domain.
pub fn free_mail(rng: &mut SeedRng) -> &'static str {
    pick(rng, EN::INTERNET_FREE_EMAIL_PROVIDER)
}

/// A job title: "Senior Marketing Manager".
pub fn job_title(rng: &mut SeedRng) -> String {
    format!(
        "{} {} {}",
        pick(rng, EN::JOB_SENIORITY),
        pick(rng, EN::JOB_FIELD),
        pick(rng, EN::JOB_POSITION)
    )
}

/// A phone number in one of fake's US formats: `#` a digit, `^` a digit 1-9.
pub fn phone(rng: &mut SeedRng) -> String {
    pick(rng, EN::PHONE_NUMBER_FORMATS)
        .chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.random_range(0..10u8)),
            '^' => char::from(b'1' + rng.random_range(0..9u8)),
            other => other,
        })
        .collect()
}

/// A sentence of `min..=max` lorem words, capitalized, with a full stop.
pub fn sentence(rng: &mut SeedRng, min: usize, max: usize) -> String {
    let words = rng.random_range(min..=max);
    let mut text = String::with_capacity(words * 8);
    for index in 0..words {
        let word = pick(rng, EN::LOREM_WORD);
        if index == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
        } else {
            text.push(' ');
            text.push_str(word);
        }
    }
    text.push('.');
    text
}

/// An industry name.
pub fn industry(rng: &mut SeedRng) -> &'static str {
    pick(rng, EN::COMPANY_INDUSTRY)
}

/// A catch phrase made of buzzwords: "Synergistic real-time paradigms".
pub fn catch_phrase(rng: &mut SeedRng) -> String {
    format!(
        "{} {} {}",
        pick(rng, EN::COMPANY_BUZZWORD_HEAD),
        pick(rng, EN::COMPANY_BUZZWORD_MIDDLE),
        pick(rng, EN::COMPANY_BUZZWORD_TAIL)
    )
}

/// `n` random lower-case hex digits.
pub fn hex(rng: &mut SeedRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.random_range(0..16u32), 16).unwrap_or('0'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_ascii_words() {
        assert_eq!(slug("Kub, Hand and O'Roob"), "kub-hand-and-o-roob");
        assert_eq!(slug("!!"), "x");
        assert_eq!(local_part("Mary-Ann", "O'Hara"), "maryann.ohara");
    }

    #[test]
    fn phones_have_no_placeholders_left() {
        let mut rng = super::super::rng::stream(1, "phone");
        let number = phone(&mut rng);
        assert!(!number.contains(['#', '^']), "{number}");
    }
}
