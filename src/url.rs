//! The user name and password of a `postgres://` URL, taken out as libpq takes them, before
//! tokio-postgres parses the rest.
//!
//! libpq ends the user information at the first `@` before the first `/`; tokio-postgres at the
//! first `@` anywhere, so the two disagree on `u:pass/word@host/db` and on an `@` in the query.
//! Neither refuses an `@` left in the host (`u:Hunter@2Secret@host`: host `2Secret@host`), and
//! both then print that host, a piece of the password, in their errors. lma splits as libpq
//! does and refuses what libpq would only fail on later: an `@` after the user information,
//! outside the query string. No error here repeats any part of the URL.

use anyhow::bail;
use percent_encoding::percent_decode_str;

/// A URL's user information, decoded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UserInfo {
    pub user: Option<String>,
    pub password: Option<String>,
}

const HINT: &str =
    "percent-encode '@' as %40 and '/' as %2F in a user name, password or database name";

/// Splits a URL into the URL without its user information and that information; a key=value
/// string is returned as it is.
pub fn split(conn: &str) -> anyhow::Result<(String, UserInfo)> {
    let Some(scheme_end) = conn.find("://").map(|at| at + 3) else {
        return Ok((conn.to_owned(), UserInfo::default()));
    };
    let (scheme, rest) = conn.split_at(scheme_end);
    let (info, rest) = match rest.find(['@', '/']) {
        Some(at) if rest[at..].starts_with('@') => (Some(&rest[..at]), &rest[at + 1..]),
        _ => (None, rest),
    };
    let (location, query) = rest
        .split_once('?')
        .map_or((rest, None), |(l, q)| (l, Some(q)));
    if location.contains('@') {
        bail!("an '@' follows the user information (everything before the first '@'): {HINT}");
    }
    let info = info.map(parse_info).transpose()?.unwrap_or_default();
    // tokio-postgres would take an '@' in the query for the end of a user name.
    let query = query.map(|query| format!("?{}", query.replace('@', "%40")));
    Ok((
        format!("{scheme}{location}{}", query.unwrap_or_default()),
        info,
    ))
}

/// `user[:password]`: the password is everything after the first `:`.
fn parse_info(info: &str) -> anyhow::Result<UserInfo> {
    let (user, password) = info
        .split_once(':')
        .map_or((info, None), |(user, password)| (user, Some(password)));
    Ok(UserInfo {
        user: Some(decode(user, "user name")?).filter(|user| !user.is_empty()),
        password: password
            .map(|password| decode(password, "password"))
            .transpose()?
            .filter(|password| !password.is_empty()),
    })
}

/// Percent-decoding as libpq's: `%` must be followed by two hex digits, and `%00` is refused.
fn decode(text: &str, what: &str) -> anyhow::Result<String> {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('%') {
        let digits = bytes.get(at + 1..at + 3);
        if !digits.is_some_and(|d| d.iter().all(u8::is_ascii_hexdigit)) {
            bail!("the {what} holds a '%' not followed by two hex digits: {HINT}, and '%' as %25");
        }
        if digits == Some(b"00") {
            bail!("the {what} holds %00, which no {what} may contain");
        }
    }
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => Ok(decoded.into_owned()),
        Err(_) => bail!("the {what} is not UTF-8 once percent-decoded"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(user: &str, password: Option<&str>) -> UserInfo {
        UserInfo {
            user: Some(user.to_owned()),
            password: password.map(str::to_owned),
        }
    }

    #[test]
    fn user_and_password_end_at_the_first_at_sign_before_the_first_slash() {
        let (rest, got) = split("postgres://u:p%40ss?w#rd:x@h:5/db?sslmode=require").unwrap();
        assert_eq!(rest, "postgres://h:5/db?sslmode=require");
        assert_eq!(got, info("u", Some("p@ss?w#rd:x")));
        let (rest, got) = split("postgresql://alice@h/db").unwrap();
        assert_eq!(
            (rest.as_str(), got),
            ("postgresql://h/db", info("alice", None))
        );
        let (rest, got) = split("postgres:///db?host=/tmp&user=a@b").unwrap();
        assert_eq!(rest, "postgres:///db?host=/tmp&user=a%40b");
        assert_eq!(got, UserInfo::default());
        let (rest, _) = split("host=h password=a@b").unwrap();
        assert_eq!(rest, "host=h password=a@b");
    }

    #[test]
    fn an_at_sign_after_the_user_information_is_refused_without_repeating_the_url() {
        for url in [
            "postgres://u:Hunter@2Secret@h/db",
            "postgres://u:Hunter@2Secret@h:notaport/db",
            "postgres://u:Hun/ter2Secret@h/db",
            "postgres://u:12/ter2Secret@h/db",
        ] {
            let err = split(url).unwrap_err().to_string();
            assert!(err.contains("%40"), "{err}");
            assert!(!err.contains("Secret") && !err.contains("Hun"), "{err}");
        }
    }

    #[test]
    fn bad_percent_encoding_is_refused_as_libpq_refuses_it() {
        for url in [
            "postgres://u:p%zzSecret@h/db",
            "postgres://u:p%0@h/db",
            "postgres://u:p%00@h/db",
        ] {
            let err = split(url).unwrap_err().to_string();
            assert!(err.contains("password") && !err.contains("Secret"), "{err}");
        }
        assert!(split("postgres://u:%ff@h/db").is_err());
    }
}
