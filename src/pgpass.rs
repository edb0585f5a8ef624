//! The libpq password file: `PGPASSFILE`, else `~/.pgpass`, read when neither the URL nor
//! `PGPASSWORD` gives a password, so a fleet's targets need no password in their URLs.
//!
//! The format is libpq's: `hostname:port:database:username:password` per line, `*` matching
//! anything in the first four fields, `\:` and `\\` escaping, `#` starting a comment. As libpq
//! does, a file that others may read is ignored (with a warning).

use std::path::PathBuf;

/// One target to find a password for.
#[derive(Debug, Clone, Copy)]
pub struct Lookup<'a> {
    pub host: &'a str,
    pub port: u16,
    pub dbname: &'a str,
    pub user: &'a str,
}

/// The password file's path: `PGPASSFILE`, else `$HOME/.pgpass`.
fn path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let set = |key: &str| env(key).filter(|value| !value.is_empty());
    set("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| set("HOME").map(|home| PathBuf::from(home).join(".pgpass")))
}

/// The password the file gives for `lookup`, if any.
#[must_use]
pub fn find(env: &dyn Fn(&str) -> Option<String>, lookup: Lookup<'_>) -> Option<String> {
    let path = path(env)?;
    let metadata = std::fs::metadata(&path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    if private(&metadata) {
        let text = std::fs::read_to_string(&path).ok()?;
        return search(&text, lookup);
    }
    eprintln!(
        "warning: password file {} has group or world access; permissions should be u=rw (0600) or less, so it is ignored",
        path.display()
    );
    None
}

#[cfg(unix)]
fn private(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    // No bit for the group or others (libpq: S_IRWXG | S_IRWXO).
    let others: u32 = 0o077;
    metadata.permissions().mode() & others == 0
}

#[cfg(not(unix))]
fn private(_: &std::fs::Metadata) -> bool {
    true
}

/// The first line of `text` whose four fields match gives the password.
#[must_use]
pub fn search(text: &str, lookup: Lookup<'_>) -> Option<String> {
    let port = lookup.port.to_string();
    let wanted = [lookup.host, port.as_str(), lookup.dbname, lookup.user];
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .map(fields)
        .filter(|fields| fields.len() == 5)
        .find(|fields| {
            fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field == "*" || field == want)
        })
        .map(|mut fields| fields.swap_remove(4))
}

/// Splits a line on unescaped colons, undoing `\:` and `\\`.
fn fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("never empty").push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            _ => fields.last_mut().expect("never empty").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# comment\n\
        db1.internal:5432:lma:lma:first\n\
        *:5432:*:lma:any\\:host\n\
        db2.internal:*:*:ops:pa\\\\ss:with:colons\n";

    fn lookup<'a>(host: &'a str, user: &'a str) -> Lookup<'a> {
        Lookup {
            host,
            port: 5432,
            dbname: "lma",
            user,
        }
    }

    #[test]
    fn the_first_matching_line_wins_and_stars_match_anything() {
        assert_eq!(
            search(FILE, lookup("db1.internal", "lma")).as_deref(),
            Some("first")
        );
        assert_eq!(
            search(FILE, lookup("db9.internal", "lma")).as_deref(),
            Some("any:host")
        );
        assert_eq!(search(FILE, lookup("db9.internal", "bob")), None);
    }

    #[test]
    fn escapes_are_undone_and_the_password_may_hold_colons() {
        assert_eq!(
            search(FILE, lookup("db2.internal", "ops")).as_deref(),
            Some("pa\\ss:with:colons")
        );
    }

    #[test]
    fn a_readable_file_is_ignored_and_a_private_one_used() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "h:5432:lma:u:pw\n").unwrap();
        let env = |key: &str| (key == "PGPASSFILE").then(|| file.display().to_string());
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(find(&env, lookup("h", "u")), None);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(find(&env, lookup("h", "u")).as_deref(), Some("pw"));
    }
}
