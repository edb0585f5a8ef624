//! `sslmode` and `sslrootcert` taken out of a connection string, URL or `key=value`, before
//! tokio-postgres (which rejects the libpq values it does not know) parses the rest.

use percent_encoding::percent_decode_str;

const TLS_KEYS: [&str; 2] = ["sslmode", "sslrootcert"];

/// Removes the TLS keys from a URL's query string.
pub(super) fn take_url_params(url: &str) -> (String, Vec<(String, String)>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), Vec::new());
    };
    let mut taken = Vec::new();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if TLS_KEYS.contains(&key) {
            taken.push((
                key.to_owned(),
                percent_decode_str(value).decode_utf8_lossy().into_owned(),
            ));
        } else {
            kept.push(pair);
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, taken)
}

/// Removes the TLS keys from a `key=value` string (values may be single-quoted).
pub(super) fn take_dsn_params(dsn: &str) -> (String, Vec<(String, String)>) {
    let mut taken = Vec::new();
    let mut kept = Vec::new();
    let mut rest = dsn.trim_start();
    while !rest.is_empty() {
        let (pair, key, value, tail) = next_dsn_pair(rest);
        if TLS_KEYS.contains(&key.as_str()) {
            taken.push((key, value));
        } else {
            kept.push(pair);
        }
        rest = tail.trim_start();
    }
    (kept.join(" "), taken)
}

/// Splits off the first `key = value` pair: its text, key, unquoted value, and what follows.
fn next_dsn_pair(text: &str) -> (&str, String, String, &str) {
    let key_end = text
        .find(|c: char| c == '=' || c.is_whitespace())
        .unwrap_or(text.len());
    let key = text[..key_end].to_owned();
    let after_key = text[key_end..].trim_start();
    let after_eq = after_key
        .strip_prefix('=')
        .unwrap_or(after_key)
        .trim_start();
    let value_start = text.len() - after_eq.len();
    let (value, value_len) = if let Some(quoted) = after_eq.strip_prefix('\'') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        let mut end = quoted.len();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => value.extend(chars.next().map(|(_, escaped)| escaped)),
                '\'' => {
                    end = at + 1;
                    break;
                }
                c => value.push(c),
            }
        }
        (value, end + 1)
    } else {
        let end = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
        (after_eq[..end].to_owned(), end)
    };
    let pair_end = (value_start + value_len).min(text.len());
    (&text[..pair_end], key, value, &text[pair_end..])
}
